"""The export guard in pytest-qgis: processing.run is checked, outputs are labelled, unload restores."""

from __future__ import annotations

import pytest
from qgis.core import (
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtWidgets import QApplication

from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration import export_guard as eg
from classification_plugin.integration.label_store import LabelStore
from classification_plugin.integration.network_exposure import online_hosts, unapproved_hosts


@pytest.fixture
def layer_of(guard_services, make_memory_layer, clean_project):
    def make(level, name=None):
        layer = make_memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"], name=name or f"{level}_points")
        clean_project.addMapLayer(layer)
        if level:
            guard_services.labels.change(layer, LabelRequest(level=level, reason="test data"))
        return layer

    return make


def saved_label(path):
    layer = QgsVectorLayer(str(path), "check", "ogr")
    assert layer.isValid()
    return LabelStore(SchemeRegistry(), "cn_state_secret").load(layer)


def test_secret_to_a_geopackage_is_blocked_and_nothing_is_written(export_guard, layer_of, tmp_path,
                                                                   guard_services):
    import processing

    secret = layer_of("secret", "control_points")
    target = tmp_path / "leak.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(target)})
    assert "control_points" in str(refused.value) and "Secret" in str(refused.value)
    assert not target.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["algorithm"] == "native:savefeatures" and str(target) in details["destination"]


def test_secret_by_id_in_a_list_and_as_source_definition_is_blocked(export_guard, layer_of, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeatureSourceDefinition

    secret = layer_of("secret")
    public = layer_of("public")
    with pytest.raises(QgsProcessingException):
        processing.run("native:package", {"LAYERS": [public.id(), secret.id()], "OUTPUT": str(tmp_path / "p.gpkg"),
                                          "OVERWRITE": True})
    with pytest.raises(QgsProcessingException):
        processing.run("native:buffer", {"INPUT": QgsProcessingFeatureSourceDefinition(secret.id(), True),
                                         "DISTANCE": 0.1, "OUTPUT": str(tmp_path / "b.shp")})
    assert not (tmp_path / "p.gpkg").exists() and not (tmp_path / "b.shp").exists()


def test_temporary_output_is_allowed_and_labelled_secret(export_guard, layer_of, guard_services):
    import processing

    secret = layer_of("secret")
    public = layer_of("public")
    result = processing.run("native:mergevectorlayers", {"LAYERS": [public, secret], "OUTPUT": "TEMPORARY_OUTPUT"})
    output = result["OUTPUT"]
    assert output.featureCount() == 4
    label = guard_services.labels.label(output)
    assert label is not None and label.level == "secret"  # the high-water mark, not the first input
    assert "export_blocked" not in guard_services.recorder.actions()


def test_confidential_needs_a_justification_and_records_it(export_guard, layer_of, tmp_path, guard_services):
    import processing

    confidential = layer_of("confidential", "parcels")
    target = tmp_path / "delivery.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("native:savefeatures", {"INPUT": confidential, "OUTPUT": str(target)})
    assert "justified" in str(refused.value) and not target.exists()
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "parcels", "blocked")

    with eg.justified("Delivery to the survey bureau, contract 17"):
        processing.run("native:savefeatures", {"INPUT": confidential, "OUTPUT": str(target)})
    assert target.exists()
    allowed = [e for e in guard_services.recorder.events if e[0] == "export_allowed"]
    assert allowed[-1][2] == "allowed_with_justification"
    assert allowed[-1][3]["justification"] == "Delivery to the survey bureau, contract 17"
    label = saved_label(target)
    assert label is not None and label.level == "confidential"  # the file itself carries it
    assert eg.current_justification() == ""  # the context manager does not leak


def test_public_and_unlabelled_pass_through(export_guard, layer_of, tmp_path, guard_services):
    import processing

    unlabelled = layer_of(None, "plain")
    target = tmp_path / "plain.gpkg"
    processing.run("native:savefeatures", {"INPUT": unlabelled, "OUTPUT": str(target)})
    assert target.exists() and saved_label(target) is None
    assert guard_services.recorder.events == []
    public = layer_of("public", "roads")
    public_target = tmp_path / "roads.gpkg"
    processing.run("native:savefeatures", {"INPUT": public, "OUTPUT": str(public_target)})
    assert public_target.exists() and saved_label(public_target).level == "public"


def test_approved_destination_takes_secret(export_guard, layer_of, tmp_path, guard_services):
    import processing

    vault = tmp_path / "vault"
    vault.mkdir()
    guard_services.settings.approved_destinations = [{"folder": str(vault), "max_level": "secret"}]
    secret = layer_of("secret")
    processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(vault / "ok.gpkg")})
    assert saved_label(vault / "ok.gpkg").level == "secret"
    with pytest.raises(QgsProcessingException):
        processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(tmp_path / "no.gpkg")})


def buffer_model():
    model = QgsProcessingModelAlgorithm("buffer model", "tests")
    model.addModelParameter(QgsProcessingParameterVectorLayer("zones", "Zones"),
                            QgsProcessingModelParameter("zones"))
    child = QgsProcessingModelChildAlgorithm("native:buffer")
    child.setChildId("buffer")
    child.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("zones")])
    child.addParameterSources("DISTANCE", [QgsProcessingModelChildParameterSource.fromStaticValue(0.01)])
    output = QgsProcessingModelOutput("buffered")
    output.setChildOutputName("OUTPUT")
    child.setModelOutputs({"buffered": output})
    model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    return model


def test_model_with_a_secret_input_and_a_file_output_is_blocked(export_guard, layer_of, tmp_path):
    import processing

    model = buffer_model()
    sinks = [d for d in model.destinationParameterDefinitions() if isinstance(d, QgsProcessingParameterFeatureSink)]
    assert sinks, "the model has a file output"
    secret = layer_of("secret")
    target = tmp_path / "buffered.shp"
    with pytest.raises(QgsProcessingException):
        processing.run(model, {"zones": secret, sinks[0].name(): str(target)})
    assert not target.exists()
    result = processing.run(model, {"zones": layer_of(None), sinks[0].name(): str(tmp_path / "fine.shp")})
    assert (tmp_path / "fine.shp").exists() and result


def test_algorithm_dialog_refuses_in_the_dialog(export_guard, layer_of, tmp_path, guard_services, qgis_iface,
                                                monkeypatch):
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.core import QgsApplication

    secret = layer_of("secret", "control_points")
    alg = QgsApplication.processingRegistry().createAlgorithmById("native:savefeatures")
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: None, raising=False)  # the stub's is a MagicMock
    dialog = AlgorithmDialog(alg)
    target = tmp_path / "from_dialog.gpkg"
    dialog.mainWidget().setParameters({"INPUT": secret.id(), "OUTPUT": str(target)})
    dialog.runAlgorithm()
    QApplication.processEvents()
    assert not target.exists()
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "control_points", "blocked")
    assert "control_points" in export_guard.refusals[-1]
    dialog.deleteLater()


def test_clipboard_copy_of_secret_features_is_cleared(export_guard, layer_of, guard_services):
    secret = layer_of("secret", "control_points")
    secret.selectAll()
    clipboard = QApplication.clipboard()
    clipboard.setText("wkt_geom\tname\nPoint (116.39 39.91)\tf0\n")
    QApplication.processEvents()
    assert clipboard.text() == ""
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "control_points", "blocked")
    clipboard.setText("unrelated text")  # other copies are left alone
    QApplication.processEvents()
    assert clipboard.text() == "unrelated text"


def test_own_algorithms_are_not_checked(export_guard, layer_of):
    class Alg:
        def provider(self):
            class Provider:
                def id(self):
                    return "classification"
            return Provider()

    ok, message, _labels = export_guard.check_processing(Alg(), {}, None)
    assert ok and message == ""


def test_unload_restores_the_original_functions(qgis_processing, qgis_iface, guard_services, clean_project):
    from processing.core.Processing import Processing
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog

    before = {(cls, name): cls.__dict__[name] for cls, name in [
        (Processing, "runAlgorithm"), (AlgorithmDialog, "runAlgorithm"), (AlgorithmDialog, "finish"),
        (BatchAlgorithmDialog, "runAlgorithm"), (BatchAlgorithmDialog, "finish")]}
    guard = eg.ExportGuard(qgis_iface, guard_services)
    assert all(cls.__dict__[name] is not original for (cls, name), original in before.items())
    guard.unload()
    assert all(cls.__dict__[name] is original for (cls, name), original in before.items())
    assert guard._patches == [] and guard._connections == []


def test_unloaded_guard_no_longer_blocks(qgis_processing, qgis_iface, guard_services, layer_of, tmp_path):
    import processing

    guard = eg.ExportGuard(qgis_iface, guard_services)
    guard.unload()
    secret = layer_of("secret")
    processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(tmp_path / "after.gpkg")})
    assert (tmp_path / "after.gpkg").exists()


def test_online_hosts():
    xyz = "type=xyz&url=https://tile.openstreetmap.org/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=19"
    assert online_hosts("wms", xyz) == {"tile.openstreetmap.org"}
    assert online_hosts("ogr", "/data/x.gpkg") == set()
    assert unapproved_hosts("wms", xyz, ["maps.example.cn"]) == {"tile.openstreetmap.org"}
    assert unapproved_hosts("wms", xyz, ["openstreetmap.org"]) == set()
    assert unapproved_hosts("WFS", "typename=x", []) == {"?"}


def test_layout_marking_is_added_and_removed(export_guard, guard_services, layer_of):
    from qgis.core import QgsLayoutItemLabel, QgsPrintLayout, QgsProject

    layer = layer_of("confidential")
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    items = export_guard._add_layout_marking(layout, [layer])
    labels = [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    assert len(items) == 2 and sorted(i.text() for i in labels) == ["CONFIDENTIAL", "CONFIDENTIAL"]
    assert layout.undoStack().stack().count() == 0  # nothing the user could undo into
    export_guard._remove_layout_marking(layout, items)
    assert not [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]


def test_export_marking_only_for_levels_above_unclassified(guard_services, layer_of):
    from classification_plugin.gui.banner import export_marking

    public, internal = layer_of("public"), layer_of("internal")
    confidential, unlabelled = layer_of("confidential"), layer_of(None, "plain")
    assert export_marking(guard_services.labels, [public, unlabelled]) is None
    assert export_marking(guard_services.labels, [public, internal])[0] == "INTERNAL USE ONLY"
    assert export_marking(guard_services.labels, [public, confidential, internal]) == (
        "CONFIDENTIAL", "#f9a825", "#000000")


def _near(color, expected, tolerance=40):
    from qgis.PyQt.QtGui import QColor

    a, b = QColor(color), QColor(expected)
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


def _band_report(image, row):
    """(colour at the centre of ``row``, number of dark pixels along it)."""
    from qgis.PyQt.QtGui import QColor

    dark = sum(1 for x in range(image.width()) if QColor(image.pixel(x, row)).lightness() < 60)
    return image.pixelColor(image.width() // 2, row).name(), dark


@pytest.mark.parametrize("fmt, dpi", [("PNG", 96), ("PNG", 300), ("PDF", 96), ("PDF", 300)])
def test_map_marking_is_drawn_top_and_bottom_by_the_render_task(layer_of, tmp_path, fmt, dpi):
    """What Save Map as Image / PDF does with the marking: a QgsMapRendererTask draws it."""
    from osgeo import gdal
    from qgis.core import QgsMapRendererTask, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage

    from classification_plugin.integration.map_marking import BAND_MM, marking_annotations

    layer = layer_of("confidential")
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    width, height = round(4 * dpi), round(3 * dpi)  # 4 x 3 inches
    settings.setOutputSize(QSize(width, height))
    settings.setOutputDpi(dpi)
    settings.setBackgroundColor(QColor("#ffffff"))
    path = tmp_path / f"map.{fmt.lower()}"
    task = QgsMapRendererTask(settings, str(path), fmt)
    task.addAnnotations(marking_annotations(("CONFIDENTIAL", "#f9a825", "#000000"), width, height, dpi))
    assert task.run()
    if fmt == "PDF":
        gdal.SetConfigOption("GDAL_PDF_DPI", str(dpi))
        png = tmp_path / "page.png"
        gdal.Translate(str(png), gdal.Open(str(path)), format="PNG")
        gdal.SetConfigOption("GDAL_PDF_DPI", None)
        path = png
    image = QImage(str(path))
    assert (image.width(), image.height()) == (width, height)
    band = BAND_MM / 25.4 * dpi
    top, top_text = _band_report(image, 1)
    bottom, _ = _band_report(image, height - 2)
    middle, _ = _band_report(image, height // 2 + 7)
    text_row = max(range(1, int(band) - 1), key=lambda row: _band_report(image, row)[1])
    assert _near(top, "#f9a825") and _near(bottom, "#f9a825"), (top, bottom)
    assert not _near(middle, "#f9a825"), middle  # a band, not a wash over the map
    assert _near(image.pixelColor(width // 2, int(band) + 2).name(), "#ffffff")  # the band ends where it should
    assert _band_report(image, text_row)[1] > 20  # the banner text is drawn in black over the band
    assert top_text == 0


def _browser_mime(source, provider="ogr", layer_id=""):
    from qgis.core import QgsMimeDataUtils

    uri = QgsMimeDataUtils.Uri()
    uri.layerType, uri.providerKey, uri.name, uri.uri, uri.layerId = "vector", provider, "dragged", source, layer_id
    return QgsMimeDataUtils.encodeUriList([uri])


def test_a_browser_item_dropped_is_judged_by_its_own_label(export_guard, guard_services, survey_gpkg, clean_project,
                                                           qgis_app):
    """Dragging a GeoPackage table from one Browser entry onto another: not a project layer, so the
    label stored in the file decides."""
    from qgis.core import QgsVectorLayer
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtGui import QDropEvent
    from qgis.PyQt.QtWidgets import QWidget

    source = f"{survey_gpkg}|layername=control_points"
    layer = QgsVectorLayer(source, "control_points", "ogr")
    clean_project.addMapLayer(layer)
    guard_services.labels.change(layer, LabelRequest(level="secret", reason="test data"))
    clean_project.removeMapLayer(layer.id())
    assert not clean_project.mapLayers()
    dropped = export_guard.dropped_layers(_browser_mime(source))
    assert [lyr.source() for lyr in dropped] == [source]
    assert export_guard.dropped_layers(_browser_mime(f"{survey_gpkg}|layername=flight_track"))  # opened, unlabelled
    mime = _browser_mime(source)  # kept alive: the event does not own it
    event = QDropEvent(QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert export_guard._drop(QWidget(), event) is True  # filtered: the Browser never sees it
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["channel"]) == ("export_blocked", "blocked", "drag_to_browser")
    mime = _browser_mime(f"{survey_gpkg}|layername=flight_track")
    event = QDropEvent(QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert export_guard._drop(QWidget(), event) is False  # unlabelled data drops normally
