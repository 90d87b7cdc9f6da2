"""The dialog watch: export dialogs are judged as they open, and two more when they are accepted.

- Save Features As / raster Save As / Save Map as Image or PDF / DXF export dialogs are refused as
  they open (or need a justification first). An allowed DXF dialog is handed to :mod:`.dxf` (its
  ticked layers are judged again when it is accepted, the file is marked), an allowed Save Map
  dialog to :mod:`.map_export` (no geospatial PDF while a marking is needed).
- Raster Calculator and Convert to Offline Project (the Offline Editing core plugin) are judged
  when they are accepted: a refusal makes ``exec()`` return Rejected, so nothing is written.
- Windows with a Browser of their own (the Data Source Manager) are handed to :mod:`.drops`.
"""

from __future__ import annotations

import re

from qgis.core import QgsProject, QgsRasterLayer
from qgis.gui import QgsLayerTreeView
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog, QLineEdit, QTextEdit, QWidget

from classification_plugin.core.i18n import tr
from classification_plugin.core.policy import BLOCK
from classification_plugin.integration import map_marking
from classification_plugin.integration.export_guard.dxf import DXF_DIALOG
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Channel

SAVE_DIALOGS = {"QgsVectorLayerSaveAsDialog", "QgsRasterLayerSaveAsDialog"}
MAP_DIALOGS = {"QgsMapSaveDialog", DXF_DIALOG}
RASTER_CALC_DIALOG = "QgsRasterCalcDialog"  # Raster > Raster Calculator (QgisApp::showRasterCalculator)
OFFLINE_DIALOG = "QgsOfflineEditingPluginGui"  # Database > Offline Editing > Convert to Offline Project
POLL_MS = 100


class DialogWatch(Channel):
    def __init__(self, gate, drops, dxf, map_export):
        """``drops``, ``dxf`` and ``map_export`` are the channels the dialogs found are handed to."""
        super().__init__(gate)
        self.drops = drops
        self.dxf = dxf
        self.map_export = map_export
        # dialogs judged when accepted, by class name -> the method that watches one
        self._judged_on_accept = {RASTER_CALC_DIALOG: self.watch_raster_calculator,
                                  OFFLINE_DIALOG: self.watch_offline_conversion}
        # Export dialogs are modal: a short poll of QApplication.activeModalWidget() finds them.
        # (An application-wide Python event filter crashed QGIS 3.22: sip converting the receiver
        # of every event, some of them half-built, aborted in a dynamic_cast.)
        self._poll = QTimer()
        self._poll.setInterval(POLL_MS)

    def install(self) -> None:
        self.connections.connect(self._poll.timeout, self.check_now)
        self._poll.start()

    def hooked(self) -> int:
        return super().hooked() + int(self._poll.isActive())

    def unload(self) -> None:
        self._poll.stop()
        super().unload()

    def check_now(self) -> None:
        """What the poll does every 100 ms: look for export dialogs and windows with a Browser."""
        widget = QApplication.activeModalWidget()
        # dialogs with a Browser of their own (the Data Source Manager) are made on first use, and
        # QGIS shows the Data Source Manager modal or not (/qgis/dataSourceManagerNonModal)
        self.drops.scan_for_browsers(widget)
        while widget is not None:
            name = widget.metaObject().className()
            if name in SAVE_DIALOGS or name in MAP_DIALOGS:
                self._dialog_shown(widget, name)
                return
            if name in self._judged_on_accept:
                self._judged_on_accept[name](widget)
                return
            widget = widget.parentWidget()
        # Save Map as Image/PDF opens without a modal loop, and so may the Data Source Manager
        # (windows of their own among ~140 top-levels: only visible dialogs are looked into)
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog) and dialog.isVisible():
                self.drops.scan_for_browsers(dialog)
                name = dialog.metaObject().className()
                if name in MAP_DIALOGS:
                    self._dialog_shown(dialog, name)
                elif name in self._judged_on_accept:  # a C++ plugin's dialog is not always the active modal one
                    self._judged_on_accept[name](dialog)

    def _current_layer(self):
        iface = self.gate.iface
        view = iface.layerTreeView()
        layer = view.currentLayer() if view is not None else None
        return layer or iface.activeLayer()

    def _visible_layers(self) -> list:
        return [layer for layer in QgsProject.instance().layerTreeRoot().checkedLayers() if layer is not None]

    @staticmethod
    def _first_look(dialog) -> bool:
        """True the first time the guard sees ``dialog`` (the poll finds it every 100 ms)."""
        if dialog.property("classificationGuardChecked"):
            return False
        dialog.setProperty("classificationGuardChecked", True)
        return True

    def _dialog_shown(self, dialog, name) -> None:
        if not self._first_look(dialog):
            return
        if name in SAVE_DIALOGS:
            layer = self._current_layer()
            layers = [layer] if layer is not None else []
            what, channel = tr("Saving '{layer}' as a new file").format(
                layer=layer.name() if layer else ""), "save_as"
        else:
            layers = self._visible_layers()
            what = tr("Exporting the map to DXF") if name == "QgsDxfExportDialog" else \
                tr("Saving the map as an image or PDF")
            channel = "dxf" if name == "QgsDxfExportDialog" else "map_export"
        if name == DXF_DIALOG:
            # the dialog has a layer list of its own (hidden layers can be ticked there): what is
            # ticked when it is accepted is judged then
            self.dxf.prepare_marking(dialog, layers)
        decision, _layer, label = self.gate.strictest(layers)
        if label is None:
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            return
        if decision.action == BLOCK:
            dialog.setEnabled(False)
        QTimer.singleShot(0, lambda: self._decide_dialog(dialog, layers, what, channel, name))

    def _decide_dialog(self, dialog, layers, what, channel, name) -> None:
        gate = self.gate

        # QGIS deletes its export dialogs when they close, which may happen while the user is
        # still asked for a justification: never touch a deleted one
        def refuse(text):
            if not sip.isdeleted(dialog):
                dialog.reject()
            gate.message(text)
            gate.refusal_box(text)

        if sip.isdeleted(dialog):
            return
        dialog.setEnabled(False)
        ok, _message = gate.gate(layers, what, channel, {"dialog": name}, ask=lambda p: gate.ask(p, dialog),
                                 refuse=refuse)
        if sip.isdeleted(dialog):
            return
        if ok:
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            if name == map_marking.MAP_SAVE_DIALOG:
                self.map_export.prepare_marking(dialog, layers)
        dialog.setEnabled(True)

    # -- Raster Calculator --------------------------------------------------------------------
    def watch_raster_calculator(self, dialog) -> None:
        """Judge a Raster Calculator when it is accepted. QGIS (``QgisApp::showRasterCalculator``)
        runs the dialog on the stack and writes the output file only when ``exec()`` returns
        Accepted: the rasters its expression names (``"layer@band"``; every raster of the project
        when the expression cannot be read) are judged in the accepted signal, and a refusal sets
        the result to Rejected, so nothing is written. An allowed output is labelled once the
        dialog is gone (QGIS has written it by then)."""
        if not self._first_look(dialog):
            return
        gate = self.gate
        state: dict = {}

        def accepted():
            layers = raster_calculator_inputs(dialog)
            path = raster_calculator_output(dialog)
            what = tr("Raster Calculator")
            ok, _message = gate.gate(layers, what, "raster_calculator",
                                     {"dialog": RASTER_CALC_DIALOG, "destination": path,
                                      "expression": _raster_calc_expression(dialog)},
                                     destinations=(path or None,), ask=lambda prompt: gate.ask(prompt, dialog),
                                     refuse=gate.refuse_later)
            if not ok and not sip.isdeleted(dialog):
                dialog.setResult(QDialog.DialogCode.Rejected)  # what exec() returns to QGIS
            state.update(ok=ok, path=path, labels=[gate.label(layer) for layer in layers])

        def destroyed(*_args):
            if state.get("ok") and state.get("path") and any(state["labels"]):
                gate.label_written_file(state["path"], state["labels"], tr("Derived by the Raster Calculator"))

        dialog.accepted.connect(accepted)
        dialog.destroyed.connect(destroyed)

    def watch_offline_conversion(self, dialog) -> None:
        """Judge Convert to Offline Project (the Offline Editing core plugin) when it is accepted:
        the plugin (``QgsOfflineEditingPlugin::convertProject``) copies the layers ticked in the
        dialog into a SpatiaLite or GeoPackage file only when ``exec()`` returns Accepted, so a
        refusal sets the result to Rejected and nothing is copied."""
        if not self._first_look(dialog):
            return
        gate = self.gate

        def accepted():
            layers = offline_selected_layers(dialog)
            edit = dialog.findChild(QLineEdit, "mOfflineDataPathLineEdit")
            path = edit.text() if edit is not None else ""
            ok, _message = gate.gate(layers, tr("Converting to an offline project"), "offline_editing",
                                     {"dialog": OFFLINE_DIALOG, "destination": path},
                                     destinations=(path or None,), ask=lambda prompt: gate.ask(prompt, dialog),
                                     refuse=gate.refuse_later)
            if not ok and not sip.isdeleted(dialog):
                dialog.setResult(QDialog.DialogCode.Rejected)

        dialog.accepted.connect(accepted)


def _raster_calc_expression(dialog) -> str | None:
    edit = dialog.findChild(QTextEdit, "mExpressionTextEdit")
    return edit.toPlainText() if edit is not None else None


def raster_calculator_inputs(dialog) -> list:
    """The project's rasters a Raster Calculator expression names (``"name@band"``), or all of
    them when the expression cannot be read."""
    rasters = [layer for layer in QgsProject.instance().mapLayers().values() if isinstance(layer, QgsRasterLayer)]
    expression = _raster_calc_expression(dialog)
    if expression is None:
        return rasters
    names = {ref.replace('\\"', '"') for ref in re.findall(r'"((?:[^"\\]|\\.)+)@\d+"', expression)}
    return [layer for layer in rasters if layer.name() in names]


def offline_selected_layers(dialog) -> list:
    """The layers ticked in a Convert to Offline Project dialog (its tree is a clone of the
    project's, ticked = visible), or every layer of the project when the tree cannot be read."""
    project = QgsProject.instance()
    view = dialog.findChild(QgsLayerTreeView, "mLayerTree")
    if view is None or view.layerTreeModel() is None:
        return list(project.mapLayers().values())
    nodes = view.layerTreeModel().rootGroup().findLayers()
    return [project.mapLayer(node.layerId()) for node in nodes
            if node.isVisible() and project.mapLayer(node.layerId()) is not None]


def raster_calculator_output(dialog) -> str:
    for name in ("mOutputLayer", "mOutputLayerLineEdit"):  # a QgsFileWidget; a line edit before 3.x
        widget = dialog.findChild(QWidget, name)
        if widget is not None and hasattr(widget, "filePath"):
            return widget.filePath()
        if widget is not None and hasattr(widget, "text"):
            return widget.text()
    return ""
