"""The dialog watch on QGIS's own export dialogs that Python cannot create (they live in the QGIS
application, not in its bindings): each is stood in for by a dialog of the same class name with
the children the guard reads, run as QGIS runs it (``exec()`` writes only when it returns
Accepted). The real dialogs are driven in tests/e2e (Raster Calculator, Offline Editing)."""

from __future__ import annotations

import time

import pytest
from qgis.core import QgsMeshLayer, QgsRasterLayer, QgsSettings, QgsVectorLayer
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QImage
from qgis.PyQt.QtWidgets import QApplication, QCheckBox, QDialog, QFileDialog, QLineEdit, QTextEdit, QWidget

from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.label_store import LabelStore

JUSTIFICATION = "model run for the flood authority"


class QgsMeshCalculatorDialog(QDialog):  # noqa: N801 - QGIS's class name is what the guard matches
    def __init__(self, output):
        super().__init__()
        QTextEdit('"depth" * 2', self).setObjectName("mExpressionTextEdit")
        files = QgsFileWidget(self)
        files.setObjectName("mOutputDatasetFileWidget")
        files.setFilePath(str(output))
        QCheckBox(self).setObjectName("mUseVirtualProviderCheckBox")


class QgsAlignRasterDialog(QDialog):  # noqa: N801
    pass


class QgsAlignRasterLayerConfigDialog(QDialog):  # noqa: N801
    def __init__(self, layer, output):
        super().__init__()
        combo = QgsMapLayerComboBox(self)
        combo.setLayer(layer)
        QLineEdit(str(output), self)


class QgsAnimationExportDialog(QDialog):  # noqa: N801
    pass


class QgsElevationProfileImageExportDialog(QDialog):  # noqa: N801
    pass


class Qgs3DMapCanvasWidget(QWidget):  # noqa: N801
    pass


def settle():
    for _ in range(3):
        QApplication.processEvents()


def run_as_qgis(export_guard, dialog):
    """Show ``dialog``, let the watch find it, press OK; returns what ``exec()`` would return."""
    dialog.show()
    export_guard.dialogs.check_now()
    dialog.accept()
    result = dialog.result()
    dialog.hide()
    return result


@pytest.fixture
def mesh_of(guard_services, clean_project, tmp_path, qgis_iface):
    """``mesh_of(level)``: a one-triangle mesh (2DM) in the project, labelled and made active."""
    from classification_plugin.core.labels import LabelRequest

    def make(level):
        path = tmp_path / f"{level}.2dm"
        path.write_text("MESH2D\nND 1 0 0 0\nND 2 1 0 0\nND 3 0 1 0\nE3T 1 1 2 3 1\n")
        layer = QgsMeshLayer(str(path), f"{level}_mesh", "mdal")
        assert layer.isValid()
        clean_project.addMapLayer(layer)
        guard_services.labels.change(layer, LabelRequest(level=level, reason="test data"))
        qgis_iface.setActiveLayer(layer)
        return layer

    return make


def events(guard_services, channel):
    return [event[:3] for event in guard_services.recorder.events if event[3].get("channel") == channel]


# -- Mesh > Mesh Calculator ------------------------------------------------------------------------
def test_mesh_calculator_refuses_secret(export_guard, mesh_of, tmp_path, guard_services):
    mesh_of("secret")
    result = run_as_qgis(export_guard, QgsMeshCalculatorDialog(tmp_path / "out.dat"))
    assert result == QDialog.DialogCode.Rejected
    assert events(guard_services, "mesh_calculator") == [("export_blocked", "secret_mesh", "blocked")]


def test_mesh_calculator_asks_for_confidential(export_guard, mesh_of, tmp_path, guard_services):
    mesh_of("confidential")
    export_guard.ask_justification = lambda text, parent: None
    assert run_as_qgis(export_guard, QgsMeshCalculatorDialog(tmp_path / "out.dat")) == QDialog.DialogCode.Rejected
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    assert run_as_qgis(export_guard, QgsMeshCalculatorDialog(tmp_path / "out.dat")) == QDialog.DialogCode.Accepted
    assert guard_services.recorder.events[-1][3]["justification"] == JUSTIFICATION


def test_mesh_calculator_lets_public_and_virtual_outputs_through(export_guard, mesh_of, tmp_path, guard_services):
    mesh_of("public")
    export_guard.ask_justification = lambda text, parent: pytest.fail("nothing to ask")
    assert run_as_qgis(export_guard, QgsMeshCalculatorDialog(tmp_path / "out.dat")) == QDialog.DialogCode.Accepted
    assert events(guard_services, "mesh_calculator") == [("export_allowed", "public_mesh", "allowed")]  # recorded
    mesh_of("secret")
    virtual = QgsMeshCalculatorDialog(tmp_path / "unused.dat")
    virtual.findChild(QCheckBox, "mUseVirtualProviderCheckBox").setChecked(True)  # stays in the layer
    assert run_as_qgis(export_guard, virtual) == QDialog.DialogCode.Accepted
    assert len(events(guard_services, "mesh_calculator")) == 1  # the virtual one is not an export


# -- Raster > Align Rasters before QGIS 3.26 -------------------------------------------------------
def aligned_label(path):
    return LabelStore(SchemeRegistry(), "cn_state_secret").load(QgsRasterLayer(str(path), "check"))


def add_to_align(export_guard, layer, output):
    """Add ``layer`` to an open Align Rasters dialog, and align as its OK does when it was let in;
    returns whether it was let in."""
    align = QgsAlignRasterDialog()
    align.show()
    added = run_as_qgis(export_guard, QgsAlignRasterLayerConfigDialog(layer, output)) == QDialog.DialogCode.Accepted
    if added:
        output.write_bytes(open(layer.source(), "rb").read())  # what QgsAlignRaster::run writes
    align.hide()
    sip.delete(align)  # QGIS's dialog lives on the stack of showAlignRasterTool
    return added


def test_align_rasters_refuses_a_secret_raster(export_guard, raster_of, tmp_path, guard_services):
    assert not add_to_align(export_guard, raster_of("secret"), tmp_path / "aligned.tif")
    assert not (tmp_path / "aligned.tif").exists()
    assert events(guard_services, "align_rasters") == [("export_blocked", "secret_dem", "blocked")]


def test_align_rasters_asks_for_confidential_and_labels_the_output(export_guard, raster_of, tmp_path):
    layer = raster_of("confidential")
    export_guard.ask_justification = lambda text, parent: None
    assert not add_to_align(export_guard, layer, tmp_path / "refused.tif")
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    assert add_to_align(export_guard, layer, tmp_path / "aligned.tif")
    assert aligned_label(tmp_path / "aligned.tif").level == "confidential"


def test_align_rasters_lets_public_through_labelled(export_guard, raster_of, tmp_path, guard_services):
    assert add_to_align(export_guard, raster_of("public"), tmp_path / "aligned.tif")
    assert aligned_label(tmp_path / "aligned.tif").level == "public"


# -- exports judged as they open: 3D view, map animation, elevation profile --------------------------
def open_export(export_guard, dialog):
    """Open ``dialog`` as QGIS does, let the watch judge it; returns whether it is still open."""
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    export_guard.dialogs.check_now()
    settle()
    still_open = dialog.isVisible()
    dialog.hide()
    return still_open


def save_dialog(parent, title):
    """Qt's save dialog opened from the ``parent`` widget, as QGIS does."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog


def save_dialog_from(parent_class, title):
    """(parent, dialog): Qt's save dialog opened from a shown ``parent_class`` widget, as QGIS does."""
    parent = parent_class()
    parent.show()
    return parent, save_dialog(parent, title)


def save_image_from_3d_view():
    return save_dialog_from(Qgs3DMapCanvasWidget, "Choose a file name to save the 3D map canvas to an image")


class QgsElevationProfileWidget(QWidget):  # noqa: N801 - the profile panel (QGIS's app, 3.26+)
    pass


def save_profile_features():
    """Export 3D Features of the elevation profile: QGIS's save dialog opened from its panel."""
    return save_dialog_from(QgsElevationProfileWidget, "Select Output File")


@pytest.mark.parametrize("make", [save_image_from_3d_view, lambda: (None, QgsAnimationExportDialog()),
                                  lambda: (None, QgsElevationProfileImageExportDialog()), save_profile_features],
                         ids=["3d_view_save_as_image", "map_animation", "elevation_profile", "profile_features"])
def test_view_exports_refuse_secret_ask_confidential_allow_public(make, export_guard, raster_of, guard_services,
                                                                 clean_project):
    secret = raster_of("secret")
    _view, dialog = make()
    assert not open_export(export_guard, dialog)
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "secret_dem", "blocked")

    clean_project.removeMapLayer(secret)
    confidential = raster_of("confidential")
    asked = []
    export_guard.ask_justification = lambda text, parent: asked.append(text) or JUSTIFICATION
    _view, dialog = make()
    assert open_export(export_guard, dialog) and asked
    assert guard_services.recorder.events[-1][3]["justification"] == JUSTIFICATION

    clean_project.removeMapLayer(confidential)
    raster_of("public")
    export_guard.ask_justification = lambda text, parent: pytest.fail("nothing to ask")
    _view, dialog = make()
    assert open_export(export_guard, dialog)
    assert guard_services.recorder.events[-1][:3] == ("export_allowed", "public_dem", "allowed")  # recorded


def test_an_allowed_profile_export_labels_the_files_qgis_writes(export_guard, layer_of, guard_services, tmp_path):
    from qgis.core import Qgis, QgsCoordinateReferenceSystem, QgsLineString, QgsPoint, QgsProject

    try:
        from qgis.core import QgsProfileExporterTask, QgsProfileRequest
    except ImportError:
        pytest.skip("the elevation profile's exports came with QGIS 3.30")
    confidential = layer_of("confidential")
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    _panel, dialog = save_profile_features()
    assert open_export(export_guard, dialog)  # asked, then left to the user
    target = tmp_path / "profile_features.gpkg"
    dialog.fileSelected.emit(str(target))  # the user picks the file
    # what QGIS then runs: its exporter task, on the profile's layers along the drawn curve
    request = QgsProfileRequest(QgsLineString([QgsPoint(116.38, 39.915), QgsPoint(116.41, 39.915)]))
    request.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    request.setTolerance(0.02)
    request.setTransformContext(QgsProject.instance().transformContext())
    task = QgsProfileExporterTask([confidential], request, Qgis.ProfileExportType.Features3D, str(target),
                                  QgsProject.instance().transformContext())
    assert run_task(task) == ["completed"] and target.exists()
    label = LabelStore(guard_services.registry, "cn_state_secret").load(QgsVectorLayer(str(target), "t", "ogr"))
    assert label is not None and label.level == "confidential"


class QgsElevationProfilePdfExportDialog(QDialog):  # noqa: N801
    pass


IMAGE_FILTERS = ["PNG format (*.png *.PNG)", "JPG format (*.jpg *.JPG)", "TIFF format (*.tif *.TIFF)"]


def profile_file_dialog(panel, filters):
    """Qt's save dialog the profile panel opens first (Save Plot As, Export to PDF)."""
    dialog = save_dialog(panel, "Save Plot As")
    dialog.setNameFilters(filters)
    return dialog


def export_profile_image(export_guard, panel, path, write):
    """Export as Image as QGIS 3.30+ runs it: the file dialog, then (the file noted in QGIS's
    settings) the settings dialog, then, once that is accepted, the image written at once by
    ``write(path)``. Returns whether each dialog stayed open."""
    from classification_plugin.integration.export_guard.profile_export import LAST_EXPORT_KEY

    files = profile_file_dialog(panel, IMAGE_FILTERS)
    files_open = open_export(export_guard, files)
    if not files_open:
        return False, False
    files.fileSelected.emit(str(path))
    QgsSettings().setValue(LAST_EXPORT_KEY, str(path))
    settings = QgsElevationProfileImageExportDialog(panel)
    settings_open = open_export(export_guard, settings)
    if settings_open:
        settings.accept()
        write(path)  # QGIS renders and saves before the event loop runs again
        settle()
    return files_open, settings_open


def white_image(path, width=200, height=100):
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    assert image.save(str(path))


def test_a_justified_profile_image_is_asked_once_then_marked_and_labelled(export_guard, layer_of, guard_services,
                                                                          tmp_path):
    from classification_plugin.integration.map_marking import BAND_MM

    layer_of("confidential")
    asked = []
    export_guard.ask_justification = lambda text, parent: asked.append(text) or JUSTIFICATION
    panel = QgsElevationProfileWidget()
    panel.show()
    path = tmp_path / "profile.png"
    assert export_profile_image(export_guard, panel, path, white_image) == (True, True)
    assert len(asked) == 1  # at the file dialog; the settings dialog after it does not ask again
    allowed = [e for e in guard_services.recorder.events if e[0] == "export_allowed"]
    assert len(allowed) == 1 and allowed[0][3]["justification"] == JUSTIFICATION
    image = QImage(str(path))
    band = round(BAND_MM * image.dotsPerMeterY() * 0.0254 / 25.4)
    assert (image.width(), image.height()) == (200, 100 + 2 * band)  # nothing of the plot covered
    background = guard_services.registry.get("cn_state_secret").level("confidential").background
    assert image.pixelColor(5, 2).name() == background.lower()
    assert image.pixelColor(5, image.height() - 3).name() == background.lower()
    assert image.pixelColor(5, image.height() // 2).name() == "#ffffff"
    label = LabelStore(guard_services.registry, "cn_state_secret").load(QgsRasterLayer(str(path), "p"))
    assert label is not None and label.level == "confidential"

    # the approval served that one settings dialog: another one, on its own, is judged again
    settings = QgsElevationProfileImageExportDialog(panel)
    assert open_export(export_guard, settings) and len(asked) == 2


def test_a_profile_settings_dialog_asks_again_when_a_layer_came_since_the_file_dialog(
        export_guard, layer_of, guard_services, tmp_path):
    layer_of("confidential")
    asked = []
    export_guard.ask_justification = lambda text, parent: asked.append(text) or JUSTIFICATION
    panel = QgsElevationProfileWidget()
    panel.show()
    files = profile_file_dialog(panel, IMAGE_FILTERS)
    assert open_export(export_guard, files) and len(asked) == 1
    files.fileSelected.emit(str(tmp_path / "profile.png"))
    layer_of("confidential", "added_meanwhile")
    assert open_export(export_guard, QgsElevationProfileImageExportDialog(panel)) and len(asked) == 2


def test_a_profile_image_that_cannot_be_marked_is_removed(export_guard, layer_of, guard_services, tmp_path):
    layer_of("confidential")
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    panel = QgsElevationProfileWidget()
    panel.show()
    path = tmp_path / "profile.png"
    assert export_profile_image(export_guard, panel, path, lambda p: p.write_bytes(b"not an image")) == (True, True)
    assert not path.exists()
    assert any("removed" in text for text in export_guard.gate.refusals)


def test_a_profile_pdf_needing_a_marking_is_refused_without_asking(export_guard, layer_of, guard_services,
                                                                    clean_project):
    confidential = layer_of("confidential")
    asked = []  # a PDF that cannot be marked needs no question
    export_guard.ask_justification = lambda text, parent: asked.append(text) or JUSTIFICATION
    panel = QgsElevationProfileWidget()
    panel.show()
    assert not open_export(export_guard, profile_file_dialog(panel, ["PDF Format (*.pdf *.PDF)"]))
    assert not asked
    event = guard_services.recorder.events[-1]
    assert event[:3] == ("export_blocked", "confidential_points", "blocked") and "marking" in event[3]["reason"]
    assert "as an image" in export_guard.gate.refusals[-1]
    # the settings dialog that follows the file dialog, should the file dialog not be seen
    assert not open_export(export_guard, QgsElevationProfilePdfExportDialog(panel))
    assert guard_services.recorder.events[-1][0] == "export_blocked"

    clean_project.removeMapLayer(confidential)
    layer_of("public")  # no marking needed: a public profile goes out as PDF
    assert open_export(export_guard, profile_file_dialog(panel, ["PDF Format (*.pdf *.PDF)"]))
    assert open_export(export_guard, QgsElevationProfilePdfExportDialog(panel))


def test_the_profile_file_dialogs_are_told_apart_by_their_filters(qgis_app):
    from qgis.core import QgsVectorFileWriter

    from classification_plugin.integration.export_guard.profile_export import file_dialog_kind

    panel = QgsElevationProfileWidget()
    # GDAL's PDF driver is among them where GDAL was built with a PDF writer
    vector = QgsVectorFileWriter.fileFilterString().split(";;") + ["Geospatial PDF [PDF] (*.pdf *.PDF)"]
    assert file_dialog_kind(profile_file_dialog(panel, vector)) == "features"
    assert file_dialog_kind(profile_file_dialog(panel, IMAGE_FILTERS)) == "image"
    assert file_dialog_kind(profile_file_dialog(panel, ["PDF Format (*.pdf *.PDF)"])) == "pdf"


def test_an_open_file_dialog_of_the_profile_panel_is_not_an_export(export_guard, raster_of, guard_services):
    raster_of("secret")
    panel = QgsElevationProfileWidget()
    panel.show()
    dialog = QFileDialog(panel, "Open")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    assert open_export(export_guard, dialog)
    assert not guard_services.recorder.events[-1:] or guard_services.recorder.events[-1][0] != "export_blocked"


def test_a_3d_views_own_settings_dialog_is_not_an_export(export_guard, raster_of, guard_services):
    raster_of("secret")
    view = Qgs3DMapCanvasWidget()
    view.show()
    assert open_export(export_guard, QDialog(view))
    assert not guard_services.recorder.events[-1:] or guard_services.recorder.events[-1][0] != "export_blocked"


class QgsVectorLayerSaveAsDialog(QDialog):  # noqa: N801
    pass


def browser_view_of(item, text):
    """A Browser view whose model gives the data ``item`` for its one row, selected and focused as
    when the user right-clicks it (QGIS's own model is not needed)."""
    from qgis.gui import QgsBrowserTreeView
    from qgis.PyQt.QtGui import QStandardItem, QStandardItemModel

    class BrowserModel(QStandardItemModel):
        def __init__(self):
            super().__init__()
            self.items = [item]
            self.appendRow(QStandardItem(text))

        def dataItem(self, index):  # noqa: N802 - QgsBrowserProxyModel's name
            return self.items[index.row()]

    view = QgsBrowserTreeView()
    view.browser_model = BrowserModel()  # (the view does not own it)
    view.setModel(view.browser_model)
    view.show()
    view.activateWindow()
    view.setCurrentIndex(view.model().index(0, 0))
    view.setFocus()
    settle()
    return view


def browser_showing(path, table):
    """A Browser view on a real QgsLayerItem for ``table`` of GeoPackage ``path``."""
    from qgis.core import QgsLayerItem

    from classification_plugin.integration.compat import enum_value

    vector = enum_value("Qgis.BrowserLayerType.Vector", "QgsLayerItem.Vector")
    return browser_view_of(QgsLayerItem(None, table, f"{path}|{table}", f"{path}|layername={table}", vector, "ogr"),
                           table)


def test_save_as_from_a_browser_entry_is_judged_by_that_entry(export_guard, layer_of, survey_gpkg, guard_services):
    """Browser > Export Layer > To File opens the same Save As dialog for a file that is not in the
    project: the Layers panel's current layer (public here) must not decide for the secret entry."""
    from qgis.core import QgsVectorLayer

    from classification_plugin.core.labels import LabelRequest

    secret = QgsVectorLayer(f"{survey_gpkg}|layername=control_points", "control_points", "ogr")
    guard_services.labels.change(secret, LabelRequest(level="secret", reason="test data"))
    public = layer_of("public", "public_roads")
    export_guard.gate.iface.layerTreeView().currentLayer.return_value = public
    for box in QApplication.topLevelWidgets():  # earlier tests' refusal boxes, still open
        if box.isVisible() and box.isModal():
            box.close()
    view = browser_showing(survey_gpkg, "control_points")
    assert QApplication.focusWidget() is view
    export_guard.dialogs.check_now()  # the poll sees where the user works
    dialog = QgsVectorLayerSaveAsDialog()
    dialog.setModal(True)  # QGIS runs it with exec()
    dialog.show()
    export_guard.dialogs.check_now()
    settle()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert "control_points" in export_guard.gate.refusals[-1] and "secret" in export_guard.gate.refusals[-1].lower()
    view.close()


# -- Browser > a database connection's Import Vector Layer (QGIS 3.44) -------------------------------
class QgsDbImportVectorLayerDialog(QDialog):  # noqa: N801 - as in qgsdbimportvectorlayerdialogbase.ui
    def __init__(self, layer):
        super().__init__()
        combo = QgsMapLayerComboBox(self)
        combo.setObjectName("mSourceLayerComboBox")
        combo.setLayer(layer)
        QLineEdit("copied_table", self).setObjectName("mEditTable")


def test_connection_import_refuses_secret_asks_confidential_allows_public(export_guard, layer_of, guard_services):
    assert run_as_qgis(export_guard, QgsDbImportVectorLayerDialog(layer_of("secret"))) == QDialog.DialogCode.Rejected
    confidential = layer_of("confidential")
    export_guard.ask_justification = lambda text, parent: None
    assert run_as_qgis(export_guard, QgsDbImportVectorLayerDialog(confidential)) == QDialog.DialogCode.Rejected
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    assert run_as_qgis(export_guard, QgsDbImportVectorLayerDialog(confidential)) == QDialog.DialogCode.Accepted
    export_guard.ask_justification = lambda text, parent: pytest.fail("nothing to ask")
    assert run_as_qgis(export_guard, QgsDbImportVectorLayerDialog(layer_of("public"))) == QDialog.DialogCode.Accepted
    assert events(guard_services, "browser_db_import") == [
        ("export_blocked", "secret_points", "blocked"), ("export_attempted", "confidential_points", "ok"),
        ("export_blocked", "confidential_points", "blocked"), ("export_attempted", "confidential_points", "ok"),
        ("export_allowed", "confidential_points", "allowed_with_justification"),
        ("export_allowed", "public_points", "allowed")]
    assert guard_services.recorder.events[-2][3]["table"] == "copied_table"


def browser_on_connection(path):
    """A Browser view on a GeoPackage connection to ``path`` (a real connection, through a
    stand-in item)."""
    from qgis.core import QgsDataCollectionItem, QgsProviderRegistry

    class ConnectionItem(QgsDataCollectionItem):
        def databaseConnection(self):  # noqa: N802 - QgsDataItem's name
            return QgsProviderRegistry.instance().providerMetadata("ogr").createConnection(str(path), {})

    return browser_view_of(ConnectionItem(None, "target", f"gpkg:/{path}", "ogr"), "target")


def run_import_task(layer, path, table):
    """What QGIS does once the dialog returns Accepted: its exporter task writes ``table`` into
    the GeoPackage at ``path``; waits for the task to end."""
    from qgis.core import QgsVectorLayerExporterTask

    copy = layer.clone()  # kept here: handed over, Python's clone would be deleted at once
    task = QgsVectorLayerExporterTask(copy, str(path), "ogr", layer.crs(), {"layerName": table, "update": True}, False)
    return run_task(task)


def run_task(task):
    """Add ``task`` to QGIS's task manager and wait (at most ~10 s) for it to end: ["completed"]
    or ["terminated"]."""
    from qgis.core import QgsApplication

    ended = []
    task.taskCompleted.connect(lambda: ended.append("completed"))
    task.taskTerminated.connect(lambda: ended.append("terminated"))
    QgsApplication.taskManager().addTask(task)
    for _ in range(500):
        settle()
        if ended:
            break
        time.sleep(0.02)
    settle()  # the slots connected after QGIS's (the guard's) run next
    return ended


def test_connection_import_labels_the_geopackage_table_it_writes(export_guard, layer_of, guard_services, tmp_path):
    from osgeo import ogr
    from qgis.core import QgsVectorLayer

    target = tmp_path / "target.gpkg"
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(target))
    dataset.CreateLayer("existing", geom_type=ogr.wkbPoint)
    dataset = None
    for box in QApplication.topLevelWidgets():  # earlier tests' refusal boxes, still open
        if box.isVisible() and box.isModal():
            box.close()
    view = browser_on_connection(target)
    assert QApplication.focusWidget() is view
    export_guard.dialogs.check_now()  # the poll sees where the user works
    confidential = layer_of("confidential")
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    dialog = QgsDbImportVectorLayerDialog(confidential)
    dialog.setModal(True)  # QGIS runs it with exec(): the Browser stays where the user worked
    assert run_as_qgis(export_guard, dialog) == QDialog.DialogCode.Accepted
    assert guard_services.recorder.events[-1][3]["destination"] == str(target)
    assert run_import_task(confidential, target, "copied_table") == ["completed"]
    store = LabelStore(guard_services.registry, "cn_state_secret")
    copied = QgsVectorLayer(f"{target}|layername=copied_table", "copied", "ogr")
    assert copied.isValid() and copied.featureCount() == 2
    label = store.load(copied)
    assert label is not None and label.level == "confidential"
    assert store.load(QgsVectorLayer(f"{target}|layername=existing", "existing", "ogr")) is None

    # a table of that name already there, not replaced: the import went elsewhere (a layer dropped
    # on another connection), so nothing of the entry's connection is labelled
    view.activateWindow()
    view.setFocus()  # the user right-clicks the entry again
    settle()
    export_guard.dialogs.check_now()
    dialog = QgsDbImportVectorLayerDialog(confidential)
    dialog.findChild(QLineEdit, "mEditTable").setText("existing")
    QCheckBox(dialog).setObjectName("mChkDropTable")
    dialog.setModal(True)
    assert run_as_qgis(export_guard, dialog) == QDialog.DialogCode.Accepted
    assert guard_services.recorder.events[-1][3]["destination"] == str(target)
    elsewhere = tmp_path / "elsewhere.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(elsewhere)).FlushCache()
    assert run_import_task(confidential, elsewhere, "existing") == ["completed"]
    assert store.load(QgsVectorLayer(f"{target}|layername=existing", "existing", "ogr")) is None
    assert store.load(QgsVectorLayer(f"{elsewhere}|layername=existing", "existing", "ogr")) is None
    view.close()
