"""The dialog watch: export dialogs are judged as they open, and two more when they are accepted.

- Save Features As / raster Save As / Save Map as Image or PDF / DXF export dialogs are refused as
  they open (or need a justification first). An allowed DXF dialog is handed to :mod:`.dxf` (its
  ticked layers are judged again when it is accepted, the file is marked), an allowed Save Map
  dialog to :mod:`.map_export` (no geospatial PDF while a marking is needed).
- Raster Calculator, Mesh Calculator, a raster added to Align Rasters (QGIS before 3.26),
  Convert to Offline Project (the Offline Editing core plugin) and a Browser database
  connection's Import Vector Layer (3.44) are judged when they are accepted:
  a refusal makes ``exec()`` return Rejected, so nothing is written (or added to the list).
- The temporal controller's Export Animation and the elevation profile's exports are refused as
  they open (the profile's file dialog, then its image / PDF settings); so are the exports of a 3D
  map view (Save as Image's file dialog, Export 3D Scene, the 3D animation export), found as modal
  dialogs opened from that view. An allowed profile image is marked once QGIS has saved it; a
  profile PDF that would need a marking is refused (:mod:`.profile_export`).
- Windows with a Browser of their own (the Data Source Manager) are handed to :mod:`.drops`.
"""

from __future__ import annotations

import re

from qgis.core import (
    QgsApplication,
    QgsBrowserProxyModel,
    QgsLayerItem,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.gui import QgsFileWidget, QgsLayerTreeView, QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMenu,
    QTextEdit,
    QWidget,
)

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr
from classification_plugin.core.policy import BLOCK
from classification_plugin.integration import map_marking
from classification_plugin.integration.export_guard.dxf import DXF_DIALOG
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Channel
from classification_plugin.integration.export_guard.outputs import output_layers
from classification_plugin.integration.export_guard.profile_export import (
    PROFILE_DIALOGS,
    PROFILE_EXPORTER_TASK,
    PROFILE_IMAGE_DIALOG,
    PROFILE_WIDGET,
    Approval,
    mark_when_saved,
    unmarkable,
    unmarkable_text,
)

SAVE_DIALOGS = {"QgsVectorLayerSaveAsDialog", "QgsRasterLayerSaveAsDialog"}
MAP_DIALOGS = {"QgsMapSaveDialog", DXF_DIALOG}
RASTER_CALC_DIALOG = "QgsRasterCalcDialog"  # Raster > Raster Calculator (QgisApp::showRasterCalculator)
MESH_CALC_DIALOG = "QgsMeshCalculatorDialog"  # Mesh > Mesh Calculator (QgisApp::showMeshCalculator)
# Raster > Align Rasters before QGIS 3.26 (later a Processing algorithm, see processing.py): each
# raster enters the list through this dialog (QgsAlignRasterDialog::addLayer / editLayer)
ALIGN_LAYER_DIALOG = "QgsAlignRasterLayerConfigDialog"
ALIGN_DIALOG = "QgsAlignRasterDialog"
OFFLINE_DIALOG = "QgsOfflineEditingPluginGui"  # Database > Offline Editing > Convert to Offline Project
# Browser > a database connection's Import Vector Layer (3.44, src/gui/qgsdbimportvectorlayerdialog.cpp):
# its caller makes the exporter task only when exec() returns Accepted
DB_IMPORT_DIALOG = "QgsDbImportVectorLayerDialog"
ANIMATION_DIALOG = "QgsAnimationExportDialog"  # the temporal controller's Export Animation (image frames)
# a 3D map view: a dock (3.22) or a widget in a dock or window of its own (3.28+)
VIEW_3D = {"Qgs3DMapCanvasDockWidget", "Qgs3DMapCanvasWidget"}
EXPORTS_3D = {"Qgs3DAnimationExportDialog", "QgsMap3DExportWidget"}  # frames; Export 3D Scene's widget
OPENED_DIALOGS = {ANIMATION_DIALOG, *PROFILE_DIALOGS}  # judged as they open, like MAP_DIALOGS
POLL_MS = 100


class DialogWatch(Channel):
    def __init__(self, gate, drops, dxf, map_export):
        """``drops``, ``dxf`` and ``map_export`` are the channels the dialogs found are handed to."""
        super().__init__(gate)
        self.drops = drops
        self.dxf = dxf
        self.map_export = map_export
        self._last_focus = None  # the widget the user last worked in outside dialogs and menus
        self._profile_approval = Approval()  # the profile's file dialog let out: its settings dialog follows
        # dialogs judged when accepted, by class name -> the method that watches one
        self._judged_on_accept = {RASTER_CALC_DIALOG: self.watch_raster_calculator,
                                  MESH_CALC_DIALOG: self.watch_mesh_calculator,
                                  ALIGN_LAYER_DIALOG: self.watch_align_layer,
                                  OFFLINE_DIALOG: self.watch_offline_conversion,
                                  DB_IMPORT_DIALOG: self.watch_connection_import}
        # Export dialogs are modal: a short poll of QApplication.activeModalWidget() finds them.
        # (An application-wide Python event filter crashed QGIS 3.22: sip converting the receiver
        # of every event, some of them half-built, aborted in a dynamic_cast.)
        self._poll = QTimer()
        self._poll.setInterval(POLL_MS)

    def watch_dialog(self, class_name: str, watcher) -> None:
        """Hand each dialog of ``class_name`` to ``watcher(dialog)`` while it is open (another
        channel's: the Georeferencer's Transformation Settings tell where its output goes)."""
        self._judged_on_accept[class_name] = watcher

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
        modal = widget = QApplication.activeModalWidget()
        if modal is None:
            self._remember_focus()
        # dialogs with a Browser of their own (the Data Source Manager) are made on first use, and
        # QGIS shows the Data Source Manager modal or not (/qgis/dataSourceManagerNonModal)
        self.drops.scan_for_browsers(widget)
        saving = isinstance(modal, QFileDialog) and modal.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        if saving:
            # the file of an allowed Save Map as Image / PDF (opened from the main window on 3.22,
            # from the Save Map dialog later)
            self.map_export.watch_file_dialog(modal)
        while widget is not None:
            name = widget.metaObject().className()
            if name in SAVE_DIALOGS or name in MAP_DIALOGS or name in OPENED_DIALOGS:
                self._dialog_shown(widget, name)
                return
            if name in self._judged_on_accept:
                self._judged_on_accept[name](widget)
                return
            if name in VIEW_3D:
                if view_3d_export(modal):
                    self._dialog_shown(modal, name)
                return
            if name == PROFILE_WIDGET:
                if saving:
                    self._dialog_shown(modal, name)
                return
            widget = widget.parentWidget()
        # Save Map as Image/PDF opens without a modal loop, and so may the Data Source Manager
        # and Export Animation (windows of their own among ~140 top-levels: only visible dialogs
        # are looked into)
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog) and dialog.isVisible():
                self.drops.scan_for_browsers(dialog)
                name = dialog.metaObject().className()
                if name in MAP_DIALOGS or name in OPENED_DIALOGS:
                    self._dialog_shown(dialog, name)
                elif name in self._judged_on_accept:  # a C++ plugin's dialog is not always the active modal one
                    self._judged_on_accept[name](dialog)

    def _remember_focus(self) -> None:
        """Where the user last worked outside a dialog or menu: a Save As dialog opened from a
        Browser entry (Export Layer > To File) is for that entry, not for the Layers panel's layer."""
        focus = QApplication.focusWidget()
        if focus is not None and not isinstance(focus, QMenu):
            self._last_focus = focus

    def browser_layers(self) -> list:
        """The layers of the Browser entries selected where the user last worked, when that was a
        Browser (local files opened to read their own label, as for a drop)."""
        view = self._last_focus
        if not _is_browser_view(view):
            return []
        uris = []
        for index in view.selectionModel().selectedIndexes() if view.selectionModel() is not None else ():
            item = browser_item(view, index)
            if isinstance(item, QgsLayerItem):
                uris.extend(item.mimeUris())
        return self.drops.layers_of_uris(uris)

    def _current_layer(self):
        iface = self.gate.iface
        view = iface.layerTreeView()
        layer = view.currentLayer() if view is not None else None
        return layer or iface.activeLayer()

    def _visible_layers(self) -> list:
        return [layer for layer in QgsProject.instance().layerTreeRoot().checkedLayers() if layer is not None]

    def _view_3d_layers(self) -> list:
        """The layers the project's 3D views show (``iface.mapCanvases3D()``); on QGIS 3.22, which
        lacks it, the main map's visible layers, which a 3D view follows."""
        layers = []
        try:
            for canvas in self.gate.iface.mapCanvases3D() or []:
                layers.extend(canvas.mapSettings().layers())
        except Exception:  # noqa: BLE001 - no such API (3.22), or a stub iface: the main map's layers
            layers = []
        return [layer for layer in dict.fromkeys(layers) if layer is not None] or self._visible_layers()

    @staticmethod
    def _first_look(dialog) -> bool:
        """True the first time the guard sees ``dialog`` (the poll finds it every 100 ms)."""
        if dialog.property("classificationGuardChecked"):
            return False
        dialog.setProperty("classificationGuardChecked", True)
        return True

    def _dialog_shown(self, dialog, name) -> None:
        """Judge an export dialog as it opens (``name``: its class, or that of the 3D view it was
        opened from); a refusal rejects it."""
        if not self._first_look(dialog):
            return
        if name in SAVE_DIALOGS:
            # opened from the Layers panel (its current layer) or from a Browser entry (the
            # entries selected there): both count, the safe side when it cannot be told apart
            browsed = self.browser_layers()
            layer = self._current_layer()
            layers = browsed + ([layer] if layer is not None else [])
            named = browsed[0] if browsed else layer
            what, channel = tr("Saving '{layer}' as a new file").format(
                layer=named.name() if named else ""), "save_as"
        elif name in VIEW_3D:
            layers, what, channel = self._view_3d_layers(), tr("Exporting a 3D map view"), "view_3d"
        elif name in PROFILE_DIALOGS or name == PROFILE_WIDGET:
            # the profile has a layer tree of its own, not readable from Python: every layer counts
            layers = list(QgsProject.instance().mapLayers().values())
            what, channel = tr("Exporting an elevation profile"), "elevation_profile"
        elif name == ANIMATION_DIALOG:
            layers, what, channel = self._visible_layers(), tr("Exporting a map animation"), "map_animation"
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
        if name == PROFILE_IMAGE_DIALOG and self._profile_approval.take(layer.id() for layer in layers):
            # the user was let out (asked, if need be) at the file dialog QGIS opened just before
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            mark_when_saved(self.gate, dialog, layers)
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
        if unmarkable(dialog, name) and self._refuse_unmarkable(layers, name, refuse):
            return
        ok, _message = gate.gate(layers, what, channel, {"dialog": name}, ask=lambda p: gate.ask(p, dialog),
                                 refuse=refuse)
        if sip.isdeleted(dialog):
            return
        if ok:
            dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])
            if name == map_marking.MAP_SAVE_DIALOG:
                self.map_export.prepare_marking(dialog, layers)
            elif name == PROFILE_WIDGET:
                self._label_profile_export(dialog, layers)
            elif name == PROFILE_IMAGE_DIALOG:
                mark_when_saved(gate, dialog, layers)
        dialog.setEnabled(True)

    def _refuse_unmarkable(self, layers, name, refuse) -> bool:
        """Refuse an export whose file cannot carry the marking ``layers`` need (the profile's PDF),
        unless the policy refuses it anyway (its own message then says why)."""
        gate = self.gate
        decision, layer, label = gate.strictest(layers)
        marking = gate.svc.labels.export_marking(layers)
        if marking is None or decision.action == BLOCK:
            return False
        gate.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED,
                    {"channel": "elevation_profile", "dialog": name, "level": label.level,
                     "reason": "a PDF of the profile cannot carry the marking"})
        refuse(unmarkable_text(marking))
        return True

    def _label_profile_export(self, dialog, layers) -> None:
        """The files an allowed Export 3D Features / 2D Profile / Distance-Elevation Table writes
        (QGIS's QgsProfileExporterTask, made once this save ``dialog`` is accepted) get the highest
        label of ``layers`` when the task completes. The image and PDF exports make no task: an
        image is marked and labelled once saved, a PDF needing a marking is refused
        (:mod:`.profile_export`)."""
        labels = [self.gate.label(layer) for layer in layers]
        if not any(labels):
            return

        def selected(_path):  # QGIS makes the task as soon as its file dialog returns
            self._profile_approval.give(layer.id() for layer in layers)
            self._when_task_completes(lambda task: task.metaObject().className() == PROFILE_EXPORTER_TASK,
                                      lambda task: self._label_profile_files(task, labels))

        dialog.fileSelected.connect(selected)

    def _label_profile_files(self, task, labels) -> None:
        from qgis.core import QgsProfileExporterTask  # QGIS 3.30+, as the profile's exports

        files = sip.cast(task, QgsProfileExporterTask).createdFiles()
        written = [layer for path in files for layer in output_layers(path, None)]
        self.gate.label_written_layers(written, labels, tr("Exported from the elevation profile"))

    # -- dialogs judged when accepted ---------------------------------------------------------
    @staticmethod
    def _watch_accept(dialog, judge) -> None:
        """Judge ``dialog`` in its accepted signal: ``judge()`` returns whether it may go on. QGIS
        runs these dialogs with ``exec()`` and writes only when it returns Accepted, so a refusal
        sets the result to Rejected and nothing is written."""

        def accepted():
            if not judge() and not sip.isdeleted(dialog):
                dialog.setResult(QDialog.DialogCode.Rejected)  # what exec() returns to QGIS

        dialog.accepted.connect(accepted)

    def _gate_dialog(self, dialog, layers, what, channel, details, destination) -> bool:
        gate = self.gate
        ok, _message = gate.gate(layers, what, channel, {"destination": destination, **details},
                                 destinations=(destination or None,), ask=lambda prompt: gate.ask(prompt, dialog),
                                 refuse=gate.refuse_later)
        return ok

    def watch_raster_calculator(self, dialog) -> None:
        """Raster > Raster Calculator (``QgisApp::showRasterCalculator``): the rasters its
        expression names (``"layer@band"``; every raster of the project when the expression
        cannot be read). An allowed output is labelled once the dialog is gone (QGIS has written
        it by then)."""
        if not self._first_look(dialog):
            return
        state: dict = {}

        def judge():
            layers = raster_calculator_inputs(dialog)
            path = raster_calculator_output(dialog)
            ok = self._gate_dialog(dialog, layers, tr("Raster Calculator"), "raster_calculator",
                                   {"dialog": RASTER_CALC_DIALOG, "expression": _raster_calc_expression(dialog)}, path)
            state.update(ok=ok, path=path, labels=[self.gate.label(layer) for layer in layers])
            return ok

        def destroyed(*_args):
            if state.get("ok") and state.get("path") and any(state["labels"]):
                self.gate.label_written_file(state["path"], state["labels"], tr("Derived by the Raster Calculator"))

        dialog.destroyed.connect(destroyed)
        self._watch_accept(dialog, judge)

    def watch_mesh_calculator(self, dialog) -> None:
        """Mesh > Mesh Calculator (``QgisApp::showMeshCalculator``): it computes on the active mesh
        layer (and a mask layer's polygons when one is used) into a dataset file. A virtual dataset
        group stays in the layer: not an export. The new dataset belongs to that (labelled) layer."""
        if not self._first_look(dialog):
            return
        mesh = self.gate.iface.activeLayer()  # the layer QGIS handed the dialog as it opened

        def judge():
            virtual = dialog.findChild(QAbstractButton, "mUseVirtualProviderCheckBox")
            if virtual is not None and virtual.isChecked():
                return True
            layers = [mesh] if mesh is not None else []
            use_mask = dialog.findChild(QAbstractButton, "useMaskCb")  # a radio button (QGIS's .ui)
            mask = qgis_child(dialog, QgsMapLayerComboBox, "cboLayerMask")
            if use_mask is not None and use_mask.isChecked() and mask is not None and mask.currentLayer():
                layers.append(mask.currentLayer())
            files = dialog.findChild(QgsFileWidget, "mOutputDatasetFileWidget")
            edit = dialog.findChild(QTextEdit, "mExpressionTextEdit")
            return self._gate_dialog(dialog, layers, tr("Mesh Calculator"), "mesh_calculator",
                                     {"dialog": MESH_CALC_DIALOG, "expression": edit.toPlainText() if edit else None},
                                     files.filePath() if files is not None else "")

        self._watch_accept(dialog, judge)

    def watch_align_layer(self, dialog) -> None:
        """A raster added to (or edited in) Raster > Align Rasters before QGIS 3.26: refused, it
        never enters the list, so it is never aligned. The aligned file of an allowed one is
        labelled when the Align Rasters dialog closes (it writes them when its OK is pressed)."""
        if not self._first_look(dialog):
            return

        def judge():
            combo = qgis_child(dialog, QgsMapLayerComboBox)
            layer = combo.currentLayer() if combo is not None else None
            edit = dialog.findChild(QLineEdit)
            path = edit.text() if edit is not None else ""
            layers = [layer] if layer is not None else []
            ok = self._gate_dialog(dialog, layers, tr("Align Rasters"), "align_rasters",
                                   {"dialog": ALIGN_LAYER_DIALOG}, path)
            labels = [self.gate.label(layer) for layer in layers]
            align = next((w for w in QApplication.topLevelWidgets()
                          if w.isVisible() and w.metaObject().className() == ALIGN_DIALOG), None)
            if ok and path and any(labels) and align is not None:
                align.destroyed.connect(lambda *_a: self.gate.label_written_file(path, labels,
                                                                                 tr("Aligned by Align Rasters")))
            return ok

        self._watch_accept(dialog, judge)

    def watch_connection_import(self, dialog) -> None:
        """Browser > a database connection's Import Vector Layer (QGIS 3.44): the layer in its
        source combo, when it is accepted; refused, QGIS makes no exporter task. The table that
        task writes into a GeoPackage connection (the Browser entry the user right-clicked) gets
        the copied layer's label once the task has finished (:meth:`_label_import`), if it is a
        new table or one the import replaces: a layer dropped on another connection than that
        entry goes where no such table is made."""
        if not self._first_look(dialog):
            return
        connection = self.browser_connection()  # the entry the dialog was opened from

        def judge():
            layers = connection_import_layers(dialog)
            edit = dialog.findChild(QLineEdit, "mEditTable")
            table = edit.text() if edit is not None else ""
            name = layers[0].name() if layers else ""
            path, uri = _geopackage_table(connection, table)
            ok = self._gate_dialog(dialog, layers, tr("Importing '{layer}' into a database (Browser)").format(
                layer=name), "browser_db_import", {"dialog": DB_IMPORT_DIALOG, "table": table}, path)
            labels = [self.gate.label(layer) for layer in layers]
            replace = dialog.findChild(QAbstractButton, "mChkDropTable")
            if ok and uri and any(labels) and (_table_absent(connection, table) or (replace and replace.isChecked())):
                self._label_import(uri, table, name, labels)
            return ok

        self._watch_accept(dialog, judge)

    def browser_connection(self):
        """The database connection of the Browser entry where the user last worked (the one a
        connection's context menu was opened on), or None."""
        view = self._last_focus
        if not _is_browser_view(view):
            return None
        index = view.currentIndex()
        item = browser_item(view, index) if index.isValid() else None
        try:
            return item.databaseConnection() if item is not None else None
        except Exception:  # noqa: BLE001 - QgsProviderConnectionException: no connection to give
            return None

    def _label_import(self, uri: str, table: str, layer_name: str, labels) -> None:
        """Label the GeoPackage table at ``uri`` once QGIS's import task for ``layer_name``
        has finished: the first task added within 10 s whose description names the layer (QGIS
        adds it as soon as the dialog's ``exec()`` returns). Nothing happens if the import fails."""
        def done(_task):
            written = QgsVectorLayer(uri, table, "ogr")
            if written.isValid():
                self.gate.label_written_layers([written], labels, tr("Imported into a database (Browser)"))

        self._when_task_completes(lambda task: layer_name in task.description(), done)

    def _when_task_completes(self, matches, completed) -> None:
        """Call ``completed(task)`` when the first task added to QGIS's task manager within 10 s
        for which ``matches(task)`` holds has completed (not when it fails or is canceled)."""
        manager = QgsApplication.taskManager()
        waiting = [True]

        def stop():
            if waiting[0]:
                waiting[0] = False
                try:
                    manager.taskAdded.disconnect(added)
                except (TypeError, RuntimeError):
                    pass

        def added(task_id):
            task = manager.task(task_id)
            if task is None or not matches(task):
                return
            stop()
            task.taskCompleted.connect(lambda: completed(task))

        self.connections.connect(manager.taskAdded, added)
        QTimer.singleShot(10_000, stop)

    def watch_offline_conversion(self, dialog) -> None:
        """Database > Offline Editing > Convert to Offline Project (a core plugin,
        ``QgsOfflineEditingPlugin::convertProject``): the layers ticked in its dialog."""
        if not self._first_look(dialog):
            return

        def judge():
            edit = dialog.findChild(QLineEdit, "mOfflineDataPathLineEdit")
            return self._gate_dialog(dialog, offline_selected_layers(dialog), tr("Converting to an offline project"),
                                     "offline_editing", {"dialog": OFFLINE_DIALOG}, edit.text() if edit else "")

        self._watch_accept(dialog, judge)


def _is_browser_view(widget) -> bool:
    """Whether ``widget`` is a Browser view. By Qt's class names, not isinstance(): the Browser
    panel's view is a QgsDockBrowserTreeView, a class of QGIS's application that the bindings do
    not know, so they hand it over as a plain QTreeView."""
    return widget is not None and not sip.isdeleted(widget) and widget.inherits("QgsBrowserTreeView")


def browser_item(view, index):
    """The data item at ``index`` of a Browser ``view``, or None. QGIS's Browser views show a
    QgsBrowserProxyModel, which the bindings hand over as Qt's QSortFilterProxyModel: it is
    cast back (only when it is one, by its class name) to reach its ``dataItem()``."""
    model = view.model()
    if not hasattr(model, "dataItem") and model is not None \
            and model.metaObject().className() == "QgsBrowserProxyModel":
        model = sip.cast(model, QgsBrowserProxyModel)
    return model.dataItem(index) if hasattr(model, "dataItem") else None


def _geopackage_table(connection, table: str) -> tuple[str, str]:
    """(file, layer URI) of ``table`` in a GeoPackage ``connection``, where a label can be written
    into the data (the file is the destination judged, as for DB Manager's import); else ("", "")."""
    if connection is None or not table or connection.providerKey() != "ogr":
        return "", ""
    path = connection.uri()  # (its tableUri() knows only tables already there)
    return path, QgsProviderRegistry.instance().encodeUri("ogr", {"path": path, "layerName": table})


def _table_absent(connection, table: str) -> bool:
    try:
        return not connection.tableExists("", table)
    except Exception:  # noqa: BLE001 - QgsProviderConnectionException: cannot tell
        return False


def connection_import_layers(dialog) -> list:
    """The layer a connection's Import Vector Layer dialog copies (its source combo: a project
    layer, or one opened from a Browser entry), and the project's layers with the same source."""
    combo = qgis_child(dialog, QgsMapLayerComboBox, "mSourceLayerComboBox")
    layer = combo.currentLayer() if combo is not None else None
    if layer is None:
        return []
    same = [other for other in QgsProject.instance().mapLayers().values()
            if other is not layer and other.source() == layer.source() and other.providerType() == layer.providerType()]
    return [layer, *same]


def qgis_child(parent, cls, name: str = ""):
    """The child of ``parent`` whose C++ class is ``cls`` (a QGIS widget class), named ``name`` when
    given, wrapped as ``cls``; None when there is none. A widget a C++ dialog of QGIS made can reach
    Python as its Qt base class: in the real Mesh Calculator, ``findChild(QgsMapLayerComboBox,
    "cboLayerMask")`` finds nothing and the combo comes as a QComboBox. So match on the class
    name Qt reports and cast."""
    for child in parent.findChildren(QWidget, name) if name else parent.findChildren(QWidget):
        meta = child.metaObject()
        while meta is not None and meta.className() != cls.__name__:
            meta = meta.superClass()
        if meta is not None:
            return child if isinstance(child, cls) else sip.cast(child, cls)
    return None


def view_3d_export(modal) -> bool:
    """Whether ``modal``, a dialog opened from a 3D map view, exports: Save as Image's file dialog
    (``QgsGuiUtils::getSaveAsImageName``), Export 3D Scene, the 3D animation export."""
    if modal is None:
        return False
    if isinstance(modal, QFileDialog):
        return modal.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    return modal.metaObject().className() in EXPORTS_3D or any(
        child.metaObject().className() in EXPORTS_3D for child in modal.findChildren(QWidget))


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
