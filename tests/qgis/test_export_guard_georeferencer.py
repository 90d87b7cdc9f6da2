"""Raster > Georeferencer (``export_guard/georeferencer.py``). Its window is C++ only: a stand-in
``QMainWindow`` of the same class name holds what the guard reads, named as in QGIS's
``qgsgeorefpluginguibase.ui`` and ``QgsGeoreferencerMainWindow::createMapCanvas`` (the actions in a
File menu and toolbar, the ``georefCanvas`` map canvas, a message bar); its Start Georeferencing
writes the raster's warped copy as QGIS does when its action is triggered. The real window is
driven in tests/e2e/test_georeferencer_e2e.py."""

from __future__ import annotations

import shutil

import pytest
from qgis.core import QgsProject, QgsRasterLayer
from qgis.gui import QgsFileWidget, QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtWidgets import (
    QAction,
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.export_guard.georeferencer import (
    GDAL_SCRIPT,
    GEOREF_ACTIONS,
    SAVE_GCP,
    START,
)
from classification_plugin.integration.export_guard.proxies import PROXY_SUFFIX
from classification_plugin.integration.label_store import LabelStore

JUSTIFICATION = "scan of the 1962 plan for the archive"


class QgsGeoreferencerMainWindow(QMainWindow):  # noqa: N801 - QGIS's class name is what the guard matches
    def __init__(self, source, output, load_in_project=False):
        super().__init__()
        self.output, self.load_in_project, self.ran = output, load_in_project, []
        central = QWidget(self)
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        bar = QgsMessageBar(central)
        layout.addWidget(bar)
        canvas = QgsMapCanvas(central)
        canvas.setObjectName("georefCanvas")
        layout.addWidget(canvas)
        # the raster the Georeferencer opened: its own layer, not the project's (loadSource)
        self.layer = QgsRasterLayer(str(source), "Raster")
        canvas.setLayers([self.layer])
        menu = self.menuBar().addMenu("File")
        menu.setObjectName("menuFile")
        toolbar = self.addToolBar("File")
        toolbar.setObjectName("toolBarFile")
        for name, slot in ((START, self.georeference), (SAVE_GCP, self.save_gcps), (GDAL_SCRIPT, self.script)):
            action = QAction(name, self)
            action.setObjectName(name)
            action.triggered.connect(slot)
            menu.addAction(action)
            toolbar.addAction(action)

    def georeference(self):  # QgsGeoreferencerMainWindow::georeference: warp, then load in QGIS
        self.ran.append(START)
        shutil.copyfile(self.layer.source(), self.output)
        if self.load_in_project:
            QgsProject.instance().addMapLayer(QgsRasterLayer(str(self.output), self.output.stem))

    def save_gcps(self):
        self.ran.append(SAVE_GCP)

    def script(self):
        self.ran.append(GDAL_SCRIPT)


class QgsTransformSettingsDialog(QDialog):  # noqa: N801 - as in qgstransformsettingsdialogbase.ui (3.22)
    def __init__(self, output, world_file_only=False):
        super().__init__()
        layout = QVBoxLayout(self)
        files = QgsFileWidget(self)
        files.setObjectName("mOutputRaster")
        files.setFilePath(str(output))
        layout.addWidget(files)
        world = QCheckBox(self)
        world.setObjectName("mWorldFileCheckBox")
        world.setChecked(world_file_only)
        load = QCheckBox(self)
        load.setObjectName("cbxLoadInQgisWhenDone")
        for name in ("mPdfMap", "mPdfReport"):
            QgsFileWidget(self).setObjectName(name)


def settle():
    for _ in range(3):
        QApplication.processEvents()


def label_of(path):
    return LabelStore(SchemeRegistry(), "cn_state_secret").load(QgsRasterLayer(str(path), "check"))


def events(guard_services):
    return [event[:3] for event in guard_services.recorder.events if event[3].get("channel") == "georeferencer"]


@pytest.fixture
def georeferencer(export_guard, raster_of, clean_project, tmp_path, qgis_iface):
    """``georeferencer(level, load_in_project=False)``: a stand-in Georeferencer window with a raster
    labelled ``level`` in its file (not in the project) loaded, found as QGIS's Raster > Georeferencer
    makes it, its transformation settings set to write ``warped.tif``."""
    windows = []

    def make(level, load_in_project=False):
        layer = raster_of(level, f"scan_{level}")
        source = layer.source()
        clean_project.removeMapLayer(layer.id())  # opened in the Georeferencer by file only
        output = tmp_path / f"warped_{level}.tif"
        window = QgsGeoreferencerMainWindow(source, output, load_in_project)
        window.show()
        windows.append(window)
        settings = QgsTransformSettingsDialog(output)
        settings.show()
        export_guard.dialogs.check_now()  # the dialog watch hands it to the Georeferencer channel
        settings.accept()
        qgis_iface.mainWindow().findChild(QAction, "mActionShowGeoreferencer").trigger()
        settle()
        return window

    yield make
    for window in windows:
        # the window's raster goes now, while QGIS is up (left to the interpreter's exit, QGIS
        # crashed destroying it)
        window.close()
        window.findChild(QgsMapCanvas).setLayers([])
        window.layer = None
        window.deleteLater()
    settle()


def press(window, name):
    """What the user presses: the entry in the window's File toolbar that stands where ``name`` was."""
    toolbar = window.findChild(QWidget, "toolBarFile")
    entry = next(a for a in toolbar.actions() if a.objectName() in (name, name + PROXY_SUFFIX))
    entry.trigger()
    settle()


def test_the_window_gets_proxies_and_unload_puts_the_actions_back(export_guard, georeferencer):
    window = georeferencer("public")
    assert export_guard.disabled == {}
    toolbar, menu = window.findChild(QWidget, "toolBarFile"), window.findChild(QWidget, "menuFile")
    for holder in (toolbar, menu):
        assert [a.objectName() for a in holder.actions()] == [name + PROXY_SUFFIX for name in GEOREF_ACTIONS]
    assert export_guard.still_hooked()["georeferencer"] >= len(GEOREF_ACTIONS)
    export_guard.georeferencer.unload()
    assert [a.objectName() for a in toolbar.actions()] == list(GEOREF_ACTIONS)
    assert "georeferencer" not in export_guard.still_hooked()


def test_secret_raster_is_not_georeferenced(export_guard, georeferencer, guard_services):
    window = georeferencer("secret")
    press(window, START)
    assert window.ran == [] and not window.output.exists()  # QGIS's georeference() never ran
    assert events(guard_services) == [("export_blocked", "scan_secret", "blocked")]
    assert "scan_secret" in export_guard.refusals[-1]
    assert window.findChild(QgsMessageBar).items()  # said in the Georeferencer's own bar too
    details = guard_services.recorder.events[-1][3]
    assert details["action"] == START and details["destination"] == str(window.output)


def test_secret_control_points_and_gdal_script_are_refused(export_guard, georeferencer, guard_services):
    window = georeferencer("secret")
    press(window, SAVE_GCP)
    press(window, GDAL_SCRIPT)
    assert window.ran == []
    assert [e[0] for e in events(guard_services)] == ["export_blocked", "export_blocked"]


def test_confidential_asks_and_the_copy_is_labelled(export_guard, georeferencer, guard_services):
    window = georeferencer("confidential")
    export_guard.ask_justification = lambda text, parent: None
    press(window, START)
    assert window.ran == [] and not window.output.exists()
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    press(window, START)
    assert window.ran == [START] and window.output.exists()
    assert guard_services.recorder.events[-1][3]["justification"] == JUSTIFICATION
    assert label_of(window.output).level == "confidential"  # the file the settings named


def test_public_is_georeferenced_and_the_added_layer_labelled(export_guard, georeferencer, guard_services):
    window = georeferencer("public", load_in_project=True)
    export_guard.ask_justification = lambda text, parent: pytest.fail("nothing to ask")
    press(window, START)
    press(window, SAVE_GCP)
    assert window.ran == [START, SAVE_GCP]
    assert events(guard_services) == [("export_allowed", "scan_public", "allowed")] * 2
    added = [layer for layer in QgsProject.instance().mapLayers().values() if layer.name() == "warped_public"]
    assert added and guard_services.labels.label(added[0]).level == "public"
    assert label_of(window.output).level == "public"


def test_a_project_layer_reading_the_same_file_counts(export_guard, georeferencer, guard_services, clean_project):
    """The file says public, but the project labels the layer reading it secret: the strictest wins."""
    from classification_plugin.core.labels import LabelRequest

    window = georeferencer("public")
    same = QgsRasterLayer(window.layer.source(), "scan in the project")
    clean_project.addMapLayer(same)
    guard_services.labels.change(same, LabelRequest(level="secret", reason="test data"))
    press(window, START)
    assert window.ran == []


def test_transform_settings_are_read_when_accepted(export_guard, tmp_path):
    dialog = QgsTransformSettingsDialog(tmp_path / "out.tif", world_file_only=True)
    dialog.show()
    export_guard.dialogs.check_now()
    dialog.accept()
    assert export_guard.georeferencer.settings["output"] == str(tmp_path / "out.tif")
    assert export_guard.georeferencer.settings["world_file_only"] is True


def test_without_qgis_georeferencer_action_the_channel_is_left_off(qgis_iface, guard_services, clean_project):
    from classification_plugin.integration.export_guard import ExportGuard

    action = qgis_iface.mainWindow().findChild(QAction, "mActionShowGeoreferencer")
    action.setObjectName("somethingElse")
    try:
        guard = ExportGuard(qgis_iface, guard_services)
        assert list(guard.disabled) == ["Georeferencer"]
        assert "mActionShowGeoreferencer" in guard.disabled["Georeferencer"]
        guard.unload()
    finally:
        action.setObjectName("mActionShowGeoreferencer")


def gcp_file_dialog(window):
    """The file dialog QGIS opens itself to save control points (its "Save GCP points?" question
    when another file is opened or the window is closed): modal, a child of the window."""
    dialog = QFileDialog(window, "Save GCP Points")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setModal(True)
    dialog.show()
    return dialog


def test_a_gcp_file_dialog_qgis_opens_itself_is_judged(export_guard, georeferencer, guard_services):
    window = georeferencer("secret")
    dialog = gcp_file_dialog(window)
    export_guard.dialogs.check_now()
    settle()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected  # no name: nothing saved
    assert events(guard_services) == [("export_blocked", "scan_secret", "blocked")]
    assert guard_services.recorder.events[-1][3]["action"] == "save_gcp_dialog"


def test_a_public_gcp_file_dialog_and_an_open_dialog_are_left_alone(export_guard, georeferencer, guard_services):
    window = georeferencer("public")
    dialog = gcp_file_dialog(window)
    export_guard.dialogs.check_now()
    settle()
    assert dialog.isVisible() and dialog.isEnabled()  # left to the user
    dialog.reject()
    opening = QFileDialog(window, "Open Raster")  # opening a file is no export
    opening.setOption(QFileDialog.Option.DontUseNativeDialog)
    opening.setModal(True)
    opening.show()
    export_guard.dialogs.check_now()
    settle()
    assert opening.isVisible()
    opening.reject()
    assert [e[0] for e in events(guard_services)] == ["export_allowed"]
