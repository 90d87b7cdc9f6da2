"""Raster > Georeferencer: Start Georeferencing, Save GCP Points and Generate GDAL Script.

The Georeferencer is C++ only (``QgsGeoreferencerMainWindow``, part of the QGIS application; made
the first time Raster > Georeferencer is used, ``QgisApp::showGeoreferencer``). From Python its
actions and the raster it works on can be found by object name: when ``mActionShowGeoreferencer``
has made the window, its ``mActionStartGeoref``, ``mActionSaveGCPpoints`` and ``mActionGDALScript``
are replaced by checking proxies (:mod:`.proxies`) that judge the file loaded in its own map canvas
(``georefCanvas``: its label comes from the file, and from project layers reading the same file)
before QGIS runs the original:

- Start Georeferencing writes a warped copy of the raster (or a world file next to it), and when
  its transformation settings ask for them a PDF map (the raster drawn), a PDF report and the
  control points. Refused, the original is never triggered and nothing is written.
- Save GCP Points writes the control points: where the (classified) raster lies in the world.
- Generate GDAL Script shows the gdal_translate/gdalwarp commands (the control points and the
  file's path) to copy to the clipboard.
- QGIS also asks "Save GCP points?" when another file is opened or the window is closed, and then
  opens its save dialog itself: a modal save-mode file dialog of the window, found by the dialog
  watch, is judged as Save GCP Points is (refused, it is closed and nothing is saved). Points QGIS
  saves silently into the ``.points`` file they came from are not seen.

Where the warped copy goes is known only from the Transformation Settings dialog
(``QgsTransformSettingsDialog``, found by the dialog watch, :mod:`.dialogs`): it is read when that
dialog is accepted. An allowed copy is labelled with the source's label: the layer QGIS adds to the
project ("Load in project when done"), else the file named in the settings when QGIS wrote it
after Start was pressed. PDFs, the ``.points`` file and a world file cannot carry a label: they
are named in the audit event.
"""

from __future__ import annotations

import os
import time

from qgis.core import Qgis, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.gui import QgsFileWidget, QgsMapCanvas, QgsMessageBar
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QAbstractButton, QAction, QApplication, QFileDialog, QLineEdit, QMainWindow

from classification_plugin.core.i18n import tr
from classification_plugin.integration.export_guard.dialogs import qgis_child
from classification_plugin.integration.export_guard.gate import Channel
from classification_plugin.integration.export_guard.patches import MissingHookError
from classification_plugin.integration.export_guard.proxies import ActionProxies

GEOREF_WINDOW = "QgsGeoreferencerMainWindow"  # src/app/georeferencer/qgsgeorefmainwindow.cpp
SHOW_ACTION = "mActionShowGeoreferencer"  # Raster > Georeferencer (QgisApp, 3.22 to 3.44)
START = "mActionStartGeoref"  # File > Start Georeferencing (QgsGeoreferencerMainWindow::georeference)
SAVE_GCP = "mActionSaveGCPpoints"  # File > Save GCP Points as... (saveGCPsDialog)
GDAL_SCRIPT = "mActionGDALScript"  # File > Generate GDAL Script (generateGDALScript)
GEOREF_ACTIONS = (START, SAVE_GCP, GDAL_SCRIPT)
CANVAS = "georefCanvas"  # the Georeferencer's own map canvas (createMapCanvas)
SETTINGS_DIALOG = "QgsTransformSettingsDialog"  # Settings > Transformation Settings
# the output file widget: a raster's on 3.22 (mOutputRaster), a raster's or a vector's on 3.26+
OUTPUT_WIDGETS = ("mOutputRaster", "mRasterOutputFile", "mVectorOutputFile")
LOAD_BOXES = ("cbxLoadInQgisWhenDone", "cbxLoadInProjectsWhenDone")  # 3.22; 3.26+


class GeoreferencerChannel(Channel):
    def __init__(self, gate):
        super().__init__(gate)
        self._windows: dict = {}  # id(window) -> (window, ActionProxies)
        self._installed = False
        self._running = False  # a proxy is running its original (its own dialogs are judged already)
        # what the last accepted Transformation Settings dialog said (output, PDFs, world file only, ...)
        self.settings: dict = {}

    def install(self) -> None:
        main = self.gate.iface.mainWindow()
        action = main.findChild(QAction, SHOW_ACTION) if main is not None else None
        if action is None:
            raise MissingHookError.of(tr("The QGIS main window"), (SHOW_ACTION,))
        self._installed = True
        # QGIS makes the window in its own slot of this action, connected before ours
        self.connections.connect(action.triggered, lambda *_a: QTimer.singleShot(0, self.find_windows))
        self.find_windows()  # already made (the plugin reloaded)

    def find_windows(self) -> list:
        """Put the proxies into each Georeferencer window not guarded yet (a floating window is a
        top-level one; a docked one sits in the main window's dock); returns the windows guarded."""
        if not self._installed:
            return []
        main = self.gate.iface.mainWindow()
        candidates = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
        if main is not None:
            candidates += main.findChildren(QMainWindow)
        for window in candidates:
            if window.metaObject().className() == GEOREF_WINDOW:
                self.watch_window(window)
        return [window for window, _proxies in self._windows.values()]

    def watch_window(self, window) -> None:
        if id(window) in self._windows:
            return
        proxies = ActionProxies(window, GEOREF_ACTIONS, lambda original: self.run(window, original))
        if proxies.proxy_of(START) is None:
            self.gate.message(tr("The Georeferencer's Start Georeferencing action ({name}) was not found on this QGIS "
                                 "version: georeferencing is not guarded.").format(name=START),
                              Qgis.MessageLevel.Warning, 15)
        key = id(window)
        self._windows[key] = (window, proxies)
        self.connections.connect(window.destroyed, lambda *_a: self._windows.pop(key, None), owner=window)

    def proxies_of(self, window):
        entry = self._windows.get(id(window))
        return entry[1] if entry is not None else None

    # -- what the window works on -------------------------------------------------------------
    @staticmethod
    def source_layers(window) -> list:
        """The layer in the Georeferencer's canvas, and the project's layers reading the same file
        (their labels count too)."""
        canvas = qgis_child(window, QgsMapCanvas, CANVAS)
        # QGIS names its own copy "Raster" (or "Vector"): judged as a layer named after the file
        layers = [_named_after_file(layer) for layer in (canvas.layers() if canvas is not None else [])
                  if layer is not None]
        paths = {layer.source().split("|")[0] for layer in layers}
        same = [layer for layer in QgsProject.instance().mapLayers().values()
                if layer.source().split("|")[0] in paths and layer not in layers]
        return layers + same

    def watch_transform_settings(self, dialog) -> None:
        """Read the Transformation Settings dialog when it is accepted (where the output goes)."""
        if dialog.property("classificationGuardChecked"):
            return
        dialog.setProperty("classificationGuardChecked", True)
        dialog.accepted.connect(lambda: self.settings.update(transform_settings(dialog)))

    # -- the proxies ---------------------------------------------------------------------------
    def run(self, window, original) -> bool:
        """What a proxy does: judge the Georeferencer's layer, then trigger ``original`` (an allowed
        Start Georeferencing has its output labelled). Returns whether the original ran."""
        gate = self.gate
        name = original.objectName()
        layers = self.source_layers(window)
        layer_name = layers[0].name() if layers else ""
        source = layers[0].source().split("|")[0] if layers else ""
        settings = dict(self.settings)
        output = settings.get("output", "") if name == START and not settings.get("world_file_only") else ""
        what = {START: tr("Georeferencing '{layer}'"),
                SAVE_GCP: tr("Saving the control points of '{layer}' (Georeferencer)"),
                GDAL_SCRIPT: tr("The GDAL script of '{layer}' (Georeferencer)")}[name].format(layer=layer_name)
        details = {"action": name, "source": source, "destination": output}
        if name == START:
            details.update({key: settings[key] for key in ("pdf_map", "pdf_report", "world_file_only", "save_gcp")
                            if settings.get(key)})

        def refuse(text):
            gate.refuse_later(text)
            bar = qgis_child(window, QgsMessageBar)
            if bar is not None:
                bar.pushMessage(tr("Export guard"), text, Qgis.MessageLevel.Critical, 0)

        ok, _message = gate.gate(layers, what, "georeferencer", details, destinations=(output or None,),
                                 ask=lambda prompt: gate.ask(prompt, window), refuse=refuse)
        if not ok:
            return False
        labels = [gate.label(layer) for layer in layers]
        if name != START or not any(labels):
            self._running = True
            try:
                original.trigger()
            finally:
                self._running = False
            return True
        added = []
        started = time.time()
        project = QgsProject.instance()
        project.layersAdded.connect(added.extend)
        try:
            self._running = True
            original.trigger()  # QGIS warps in a loop of its own: done when trigger() returns
        finally:
            self._running = False
            project.layersAdded.disconnect(added.extend)
        self.label_output(added, labels, output, started)
        return True

    def label_output(self, added, labels, output: str, started: float) -> list:
        """Give the georeferenced copy the source's label: the layers QGIS added to the project
        while georeferencing, else the file the settings named if it was written just now."""
        gate = self.gate
        reason = tr("Georeferenced by the Georeferencer")
        added = [layer for layer in added if layer is not None and not sip.isdeleted(layer)]
        if added:
            return gate.label_written_layers(added, labels, reason)
        if output and os.path.exists(output) and os.path.getmtime(output) >= started - 1:
            gate.label_written_file(output, labels, reason)
            return [output]
        return []

    def watch_modal(self, window) -> None:
        """A modal dialog of the Georeferencer ``window`` is open (the dialog watch found it): a
        file dialog saving control points that QGIS opens itself, not through Save GCP Points
        (its "Save GCP points?" question when another file is opened or the window is closed), is
        judged as Save GCP Points is; refused, it is closed and nothing is saved."""
        modal = QApplication.activeModalWidget()
        if self._running or not isinstance(modal, QFileDialog) or \
                modal.acceptMode() != QFileDialog.AcceptMode.AcceptSave or modal.property("classificationGuardChecked"):
            return
        modal.setProperty("classificationGuardChecked", True)
        modal.setEnabled(False)
        QTimer.singleShot(0, lambda: self._judge_gcp_dialog(window, modal))

    def _judge_gcp_dialog(self, window, dialog) -> None:
        gate = self.gate
        if sip.isdeleted(dialog) or sip.isdeleted(window):
            return
        layers = self.source_layers(window)
        name = layers[0].name() if layers else ""
        what = tr("Saving the control points of '{layer}' (Georeferencer)").format(layer=name)
        source = layers[0].source().split("|")[0] if layers else ""
        ok, _message = gate.gate(layers, what, "georeferencer", {"action": "save_gcp_dialog", "source": source},
                                 ask=lambda prompt: gate.ask(prompt, dialog), refuse=gate.refuse_later)
        if sip.isdeleted(dialog):
            return
        dialog.setEnabled(True)
        if not ok:
            dialog.reject()  # QGIS's getSaveFileName returns no name: nothing is saved

    # -- unload --------------------------------------------------------------------------------
    def hooked(self) -> int:
        return super().hooked() + sum(len(proxies) for _window, proxies in self._windows.values())

    def unload(self) -> None:
        self._installed = False
        for window, proxies in list(self._windows.values()):
            if not sip.isdeleted(window):
                proxies.restore()
        self._windows = {}
        super().unload()


def _named_after_file(layer):
    """The layer the Georeferencer opened, opened again under its file's name (the name refusals
    and the access log show)."""
    path = layer.source().split("|")[0]
    name = os.path.splitext(os.path.basename(path))[0] or layer.name()
    if isinstance(layer, QgsRasterLayer):
        copy = QgsRasterLayer(layer.source(), name, layer.providerType())
    elif isinstance(layer, QgsVectorLayer):
        copy = QgsVectorLayer(layer.source(), name, layer.providerType())
    else:
        return layer
    return copy if copy.isValid() else layer


def transform_settings(dialog) -> dict:
    """What a Transformation Settings dialog holds: the output file (the visible one of its raster
    and vector widgets), the PDF map and report, world file only, load in project, save GCPs."""
    output = ""
    for name in OUTPUT_WIDGETS:
        widget = qgis_child(dialog, QgsFileWidget, name)
        if widget is not None and (widget.isVisibleTo(dialog) or not output):
            output = widget.filePath() or output
        edit = dialog.findChild(QLineEdit, name)  # a line edit in older versions
        if widget is None and edit is not None:
            output = edit.text() or output

    def path(name):
        widget = qgis_child(dialog, QgsFileWidget, name)
        return widget.filePath() if widget is not None else ""

    def ticked(*names):
        for name in names:
            box = dialog.findChild(QAbstractButton, name)
            if box is not None:
                return box.isChecked()
        return False

    return {"output": output, "pdf_map": path("mPdfMap"), "pdf_report": path("mPdfReport"),
            "world_file_only": ticked("mWorldFileCheckBox"), "load_in_project": ticked(*LOAD_BOXES),
            "save_gcp": ticked("saveGcpCheckBox", "mSaveGcpCheckBox")}
