"""Everything custody adds to the QGIS window, built and removed as one part: *Hand over…* in the
layer tree's Classification menu, *Receive handover package…* and the Register panel in the
plugin's menu. The work is :class:`integration.custody.CustodyService`'s; this module asks, shows
progress and reports."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsProcessingFeedback, QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QFileDialog, QProgressDialog

from classification_plugin.core.custody import CustodyError
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.paths import resource
from classification_plugin.gui.access_log_dock import level_lookup
from classification_plugin.gui.handover_dialog import HandoverDialog
from classification_plugin.gui.receive_dialog import ReceiveRefusedDialog
from classification_plugin.gui.register_dock import RegisterDock
from classification_plugin.integration.compat import layer_type
from classification_plugin.integration.custody import CustodyService, known_units


def run_with_progress(parent, title: str, work):
    """``work(feedback)`` on the main thread (it writes and labels layers) under a window-modal
    progress dialog whose Cancel cancels ``feedback``; returns what ``work`` returns."""
    feedback = QgsProcessingFeedback()
    progress = QProgressDialog(title, tr("Cancel"), 0, 100, parent)
    progress.setObjectName("ClassificationGuardCustodyProgress")
    progress.setWindowTitle(tr("Classification Guard"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setMinimumDuration(0)
    progress.setValue(0)
    # setValue on a modal progress dialog lets Qt handle events, so Cancel is seen while work runs
    feedback.progressChanged.connect(lambda value: progress.setValue(int(value)))
    progress.canceled.connect(feedback.cancel)
    try:
        return work(feedback)
    finally:
        progress.close()
        progress.deleteLater()


class CustodyUi:
    def __init__(self, iface, svc, menu=None):
        """``menu``: the plugin's menu, which gets the Receive and Register entries."""
        self.iface = iface
        self.svc = svc
        self.menu = menu
        self.service = CustodyService(svc)
        self.dialogs: list = []  # open dialogs, kept alive until they finish
        self.last_result = None  # the last HandoverResult or ReceiveResult
        main = iface.mainWindow()
        self.handover_action = QAction(QIcon(str(resource("icons", "classification.svg"))), tr("Hand over…"), main)
        self.handover_action.setObjectName("ClassificationGuardHandOver")
        self.handover_action.triggered.connect(lambda: self.hand_over(iface.layerTreeView().selectedLayers()))
        for kind in (layer_type("Vector"), layer_type("Raster")):
            iface.addCustomActionForLayerType(self.handover_action, tr("Classification"), kind, True)
        self.receive_action = QAction(tr("Receive handover package…"), main)
        self.receive_action.setObjectName("ClassificationGuardReceive")
        self.receive_action.triggered.connect(lambda: self.choose_package())
        self.dock = RegisterDock(self.service, svc.labels.scheme.levels, level_lookup(svc.labels), iface.messageBar(),
                                 main)
        iface.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.menu_actions = [self.receive_action, self.dock.toggleViewAction()]
        self.separator = None
        if menu is not None:
            self.separator = menu.addSeparator()
            for action in self.menu_actions:
                menu.addAction(action)

    # -- handing over ----------------------------------------------------------------------------
    def hand_over(self, layers):
        """Open the Hand over dialog for ``layers``; the package is written once it is accepted."""
        layers = [layer for layer in layers if layer is not None]
        if not layers:
            self.iface.messageBar().pushMessage(tr("Hand over"), tr("Select one or more layers first"),
                                                Qgis.MessageLevel.Info)
            return None
        language = current_language()
        names = []
        for layer in layers:
            label = self.svc.labels.label(layer)
            level = self.svc.labels.level_name(label, language) if label else tr("not classified")
            names.append(f"{layer.name()} ({level})")
        dialog = HandoverDialog(names, known_units(self.svc), lambda folder: self.judge(layers, folder),
                                parent=self.iface.mainWindow())

        def accepted():
            request, folder, justification = dialog.request(), dialog.folder(), dialog.justification_text()
            # after the dialog has closed, so the progress dialog is the only one on screen
            QTimer.singleShot(0, lambda: self.write_package(layers, request, folder, justification))

        self._keep(dialog)
        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def judge(self, layers, folder: str) -> tuple:
        """The export policy's verdict on writing ``layers`` into ``folder``: (action, reason)."""
        decision = self.service.decision(layers, folder)[0]
        return decision.action, decision.reason

    def write_package(self, layers, request, folder: str, justification: str = ""):
        """Write the package with progress; the message bar says where, or why not."""
        bar = self.iface.messageBar()
        # (a cancel, or a layer that cannot be written, comes back as a refusal: nothing is left)
        result = run_with_progress(self.iface.mainWindow(), tr("Writing the handover package…"),
                                   lambda feedback: self.service.hand_over(layers, request, folder, justification,
                                                                           feedback))
        self.last_result = result
        if result.ok:
            bar.pushMessage(tr("Hand over"), tr("Package {package} written to {folder}. Give the recipient the whole "
                                                "folder and the printed receipt.pdf to sign.").format(
                package=result.package_id, folder=result.folder), Qgis.MessageLevel.Success, 0)
            if self.dock.isVisible():
                self.dock.refresh()
        else:
            bar.pushMessage(tr("Hand over refused"), result.message, Qgis.MessageLevel.Critical, 0)
        return result

    # -- receiving -------------------------------------------------------------------------------
    def choose_package(self) -> QFileDialog:
        """Ask for a package folder, then receive it."""
        dialog = QFileDialog(self.iface.mainWindow(), tr("Choose the handover package folder"))
        dialog.setObjectName("ClassificationGuardReceiveFolder")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: QTimer.singleShot(0, lambda: self.receive(folder)))
        self._keep(dialog)
        dialog.open()
        return dialog

    def receive(self, folder: str):
        """Check and receive the package in ``folder``: its layers open, or every problem is listed."""
        bar = self.iface.messageBar()
        try:
            result = run_with_progress(self.iface.mainWindow(), tr("Checking the handover package…"),
                                       lambda feedback: self.service.receive(folder, feedback))
        except CustodyError as error:  # cancelled
            bar.pushMessage(tr("Receive"), tr("Nothing was received: {error}").format(error=error),
                            Qgis.MessageLevel.Warning)
            return None
        self.last_result = result
        if not result.ok:
            dialog = ReceiveRefusedDialog(result.package_id or folder, result.problems, self.iface.mainWindow())
            self._keep(dialog)
            dialog.open()
            bar.pushMessage(tr("Receive"), tr("Package {package} refused: {count} problem(s)").format(
                package=result.package_id or folder, count=len(result.problems)), Qgis.MessageLevel.Critical, 0)
            return result
        opened = self.open_received(result)
        bar.pushMessage(tr("Receive"), tr("{message}. Opened: {layers}").format(
            message=result.message.rstrip("."), layers=", ".join(layer.name() for layer in opened) or "-"),
            Qgis.MessageLevel.Success, 0)
        if self.dock.isVisible():
            self.dock.refresh()
        return result

    @staticmethod
    def open_received(result) -> list:
        """Add the received data to the project, each layer named as its dataset; the added layers."""
        names = {}
        for dataset in result.manifest.datasets:
            for relative in dataset.files:
                names[relative] = dataset.name
        layers = []
        for path in result.files:
            posix = Path(path).as_posix()
            name = next((n for relative, n in names.items() if posix.endswith("/" + relative)), Path(path).stem)
            layer = QgsRasterLayer(path, name, "gdal") if path.endswith(".tif") else QgsVectorLayer(path, name, "ogr")
            if layer.isValid():
                layers.append(layer)
        return QgsProject.instance().addMapLayers(layers)

    # -- bookkeeping -----------------------------------------------------------------------------
    def _keep(self, dialog) -> None:
        """Keep the Python side of ``dialog`` alive while it is open (a parent alone does not)."""
        self.dialogs.append(dialog)

        def finished(_result=None):
            if dialog in self.dialogs:
                self.dialogs.remove(dialog)
            dialog.deleteLater()

        dialog.finished.connect(finished)

    def unload(self) -> None:
        for dialog in list(self.dialogs):
            if not sip.isdeleted(dialog):
                dialog.reject()
        self.dialogs = []
        self.iface.removeCustomActionForLayerType(self.handover_action)
        if self.menu is not None and not sip.isdeleted(self.menu):
            for action in [*self.menu_actions, self.separator]:
                if action is not None:
                    self.menu.removeAction(action)
        self.dock.unload()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.handover_action.deleteLater()
        self.receive_action.deleteLater()
