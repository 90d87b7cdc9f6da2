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

    # the batch dialog's after-run hook: finish on 3.22, createSummaryTable from 3.40 (no finish there)
    batch_done = "finish" if "finish" in BatchAlgorithmDialog.__dict__ else "createSummaryTable"
    before = {(cls, name): cls.__dict__[name] for cls, name in [
        (Processing, "runAlgorithm"), (AlgorithmDialog, "runAlgorithm"), (AlgorithmDialog, "finish"),
        (BatchAlgorithmDialog, "runAlgorithm"), (BatchAlgorithmDialog, batch_done)]}
    guard = eg.ExportGuard(qgis_iface, guard_services)
    assert guard.disabled == {}
    assert all(cls.__dict__[name] is not original for (cls, name), original in before.items())
    hooked = guard.still_hooked()
    assert hooked["processing_run"] == 1 and hooked["algorithm_dialog"] == 2 and hooked["batch_dialog"] == 2
    guard.unload()
    assert all(cls.__dict__[name] is original for (cls, name), original in before.items())
    assert guard.still_hooked() == {}  # no patch, connection, filter or watched dialog left


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
    items = export_guard.layouts.add_marking(layout, [layer])
    labels = [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    assert len(items) == 2 and sorted(i.text() for i in labels) == ["CONFIDENTIAL", "CONFIDENTIAL"]
    assert layout.undoStack().stack().count() == 0  # nothing the user could undo into
    export_guard.layouts.remove_marking(layout, items)
    assert not [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]


def test_export_marking_only_for_levels_above_unclassified(guard_services, layer_of):
    public, internal = layer_of("public"), layer_of("internal")
    confidential, unlabelled = layer_of("confidential"), layer_of(None, "plain")
    assert guard_services.labels.export_marking([public, unlabelled]) is None
    assert guard_services.labels.export_marking([public, internal])[0] == "INTERNAL USE ONLY"
    assert guard_services.labels.export_marking([public, confidential, internal]) == (
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
    assert export_guard.drops.handle_drop(QWidget(), event) is True  # filtered: the Browser never sees it
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["channel"]) == ("export_blocked", "blocked", "drag_to_browser")
    mime = _browser_mime(f"{survey_gpkg}|layername=flight_track")
    event = QDropEvent(QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    assert export_guard.drops.handle_drop(QWidget(), event) is False  # unlabelled data drops normally


# -- Export Project to DXF: the marking -----------------------------------------------------------
MARKING = ("秘密 CONFIDENTIAL // no subcontracting {1}", "#f9a825", "#000000")


def write_dxf(path, layers, encoding="CP1252"):
    """A DXF written by QgsDxfExport, as QgisApp::dxfExport writes it (map extent, symbology)."""
    from qgis.core import QgsDxfExport, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QFile, QSize

    export = QgsDxfExport()
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setOutputSize(QSize(800, 800))
    settings.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    export.setMapSettings(settings)
    export.addLayers([QgsDxfExport.DxfLayer(layer) for layer in layers])
    export.setSymbologyExport(QgsDxfExport.SymbologyExport.FeatureSymbology)
    export.setDestinationCrs(layers[0].crs())
    export.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    target = QFile(str(path))
    assert export.writeToFile(target, encoding) == QgsDxfExport.ExportResult.Success
    target.close()
    return path


def ogr_features(path):
    """(layer, text, geometry type, style, envelope) of every feature OGR reads from the DXF."""
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    assert dataset is not None, "OGR cannot open the DXF"
    layer = dataset.GetLayer(0)
    return [(f.GetField("Layer"), f.GetField("Text"), f.GetGeometryRef().GetGeometryName(), f.GetStyleString(),
             f.GetGeometryRef().GetEnvelope()) for f in layer]


@pytest.fixture
def dxf_layers(make_memory_layer, clean_project):
    points = make_memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"], name="control_points")
    track = make_memory_layer(["LINESTRING(116.38 39.90, 116.41 39.93)"], geometry="LineString", name="track")
    clean_project.addMapLayers([points, track])
    return [points, track]


@pytest.mark.parametrize("encoding", ["CP1252", "CP936", "UTF-8"])
def test_dxf_marking_is_read_back_by_ogr_and_keeps_every_feature(dxf_layers, tmp_path, encoding):
    from classification_plugin.core.dxf_marking import LAYER_NAME, mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers, encoding)
    before = ogr_features(path)
    assert before and not any(feature[0] == LAYER_NAME for feature in before)
    mark_dxf_file(path, *MARKING)
    after = ogr_features(path)
    assert after[:len(before)] == before  # the original entities, unchanged
    added = after[len(before):]
    texts = [f for f in added if f[1] is not None]
    bands = [f for f in added if f[1] is None]
    assert [f[0] for f in added] == [LAYER_NAME] * 4
    assert [f[1] for f in texts] == [MARKING[0]] * 2  # \U+ escapes read back as the text itself
    assert all("c:#000000" in f[3] for f in texts)
    assert [f[2] for f in bands] == ["POLYGON"] * 2 and all("fc:#f9a825" in f[3] for f in bands)
    # one band above the extent, one below, never over the data (ymin, ymax of the envelope)
    top, bottom = sorted(bands, key=lambda f: -f[4][2])
    assert top[4][2] >= 39.93 - 1e-9 and bottom[4][3] <= 39.90 + 1e-9
    assert top[4][0] <= 116.38 + 1e-9 and top[4][1] >= 116.41 - 1e-9
    raw = path.read_bytes()
    assert raw.startswith(b"999\nCLASSIFICATION: \\U+79D8\\U+5BC6 CONFIDENTIAL")
    assert raw.count(b"\nCLASSIFICATION\n") >= 5  # the layer record and the four entities


def test_dxf_marking_gives_new_handles_and_a_layer_record(dxf_layers, tmp_path):
    import re

    from classification_plugin.core.dxf_marking import mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers)
    text = path.read_text(encoding="latin-1")
    mark_dxf_file(path, *MARKING)
    marked = path.read_text(encoding="latin-1")
    pairs = list(zip(*[iter(line.strip() for line in marked.split("\n"))] * 2))
    body = pairs[[p[1] for p in pairs].index("TABLES"):]
    handles = [int(value, 16) for code, value in body if code == "5"]
    assert len(handles) == len(set(handles))  # no handle used twice
    seed = re.search(r"\$HANDSEED\n\s*5\n(\w+)", marked).group(1)
    assert int(seed, 16) > max(handles)
    layer_table = marked[marked.index("\nLAYER\n"):]
    layer_table = layer_table[:layer_table.index("ENDTAB")]
    assert "\nCLASSIFICATION\n" in layer_table
    count = lambda t: int(re.search(r"AcDbSymbolTable\n\s*70\n\s*(\d+)", t[t.index("\nLAYER\n"):]).group(1))  # noqa: E731
    assert count(marked) == count(text) + 1


def test_dxf_marking_refuses_an_incomplete_file_and_leaves_it(dxf_layers, tmp_path):
    from classification_plugin.core.dxf_marking import DxfMarkingError, mark_dxf_file

    path = write_dxf(tmp_path / "survey.dxf", dxf_layers)
    cut = path.read_bytes()[:-40]
    path.write_bytes(cut)
    with pytest.raises(DxfMarkingError):
        mark_dxf_file(path, *MARKING)
    assert path.read_bytes() == cut


def fake_dxf_dialog(path):
    """A dialog shaped like QgsDxfExportDialog 3.22: its file widget is mFileName."""
    from qgis.gui import QgsFileWidget
    from qgis.PyQt.QtWidgets import QDialog

    dialog = QDialog()
    widget = QgsFileWidget(dialog)
    widget.setObjectName("mFileName")
    widget.setFilePath(str(path))
    return dialog


def run_dxf_export(guard, dialog, layers, write, accept=True):
    """What QgisApp::dxfExport does around the guard: the dialog accepted (or cancelled), the file
    written, the dialog destroyed."""
    from qgis.PyQt import sip

    from classification_plugin.integration.export_guard import APPROVED_LAYERS

    dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in layers])  # let out when it opened
    guard.dxf.prepare_marking(dialog, layers)
    if accept:
        dialog.accept()
        if write is not None:
            write()
    else:
        dialog.reject()
    sip.delete(dialog)


def test_allowed_dxf_export_is_marked_when_qgis_is_done_with_it(export_guard, layer_of, dxf_layers, tmp_path,
                                                                guard_services):

    confidential = layer_of("confidential", "parcels")
    marking = guard_services.labels.export_marking([confidential])[0]
    path = tmp_path / "export"  # QGIS adds .dxf
    written = tmp_path / "export.dxf"
    run_dxf_export(export_guard, fake_dxf_dialog(path), [confidential],
                   lambda: write_dxf(written, dxf_layers))
    texts = [f[1] for f in ogr_features(written) if f[0] == "CLASSIFICATION" and f[1]]
    assert texts == [marking, marking]
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_allowed", "parcels", "allowed")
    assert details["destination"] == str(written) and details["marking"] == marking
    assert not export_guard.dxf.pending


def test_dxf_export_cancelled_failed_public_or_after_unload_is_left_alone(export_guard, layer_of, dxf_layers,
                                                                          tmp_path, guard_services):
    from classification_plugin.core.dxf_marking import LAYER_NAME

    confidential = layer_of("confidential", "parcels")
    public = layer_of("public", "roads")
    old = write_dxf(tmp_path / "old.dxf", dxf_layers)
    old_bytes = old.read_bytes()
    events = len(guard_services.recorder.events)
    # cancelled: QGIS writes nothing, the file already there stays as it was
    run_dxf_export(export_guard, fake_dxf_dialog(old), [confidential], None, accept=False)
    # accepted, but the write failed (nothing written)
    run_dxf_export(export_guard, fake_dxf_dialog(old), [confidential], None)
    assert old.read_bytes() == old_bytes and len(guard_services.recorder.events) == events
    # public data only: no marking
    public_dxf = tmp_path / "public.dxf"
    run_dxf_export(export_guard, fake_dxf_dialog(public_dxf), [public], lambda: write_dxf(public_dxf, dxf_layers))
    assert not any(f[0] == LAYER_NAME for f in ogr_features(public_dxf))
    # the guard unloaded while the dialog was open: nothing connected any more
    late = tmp_path / "late.dxf"
    dialog = fake_dxf_dialog(late)
    export_guard.dxf.prepare_marking(dialog, [confidential])
    assert export_guard.dxf.pending
    export_guard.unload()
    assert not export_guard.dxf.pending
    dialog.accept()
    write_dxf(late, dxf_layers)
    from qgis.PyQt import sip

    sip.delete(dialog)
    assert not any(f[0] == LAYER_NAME for f in ogr_features(late))


def test_dxf_export_that_cannot_be_marked_is_removed(export_guard, layer_of, dxf_layers, tmp_path,
                                                     guard_services, monkeypatch):
    from classification_plugin.core import dxf_marking

    confidential = layer_of("confidential", "parcels")
    path = tmp_path / "broken.dxf"

    def broken(*_args):
        raise dxf_marking.DxfMarkingError("no EOF")

    monkeypatch.setattr(dxf_marking, "mark_dxf_file", broken)
    run_dxf_export(export_guard, fake_dxf_dialog(path), [confidential], lambda: write_dxf(path, dxf_layers))
    assert not path.exists()
    action, _layer, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["removed"]) == ("export_blocked", "failed", True)
    assert any("broken.dxf" in text and "removed" in text for text in export_guard.refusals)


def dxf_dialog_with_a_layer_list(path, project, ticked):
    """A dialog shaped like QgsDxfExportDialog 3.22: mFileName, and its own layer list (a tree view on
    a layer tree model of a copy of the project's tree) where ``ticked`` layers are checked, whether
    they are shown on the map or not."""
    from qgis.core import QgsLayerTreeModel
    from qgis.PyQt.QtWidgets import QTreeView

    dialog = fake_dxf_dialog(path)
    tree = project.layerTreeRoot().clone()
    for node in tree.findLayers():
        node.setItemVisibilityChecked(node.layer() in ticked)
    model = QgsLayerTreeModel(tree, dialog)
    model.setFlags(QgsLayerTreeModel.Flag.AllowNodeChangeVisibility)
    view = QTreeView(dialog)
    view.setObjectName("mTreeView")
    view.setModel(model)
    dialog._tree = tree  # kept alive with the dialog
    return dialog


def run_real_dxf_export(guard, dialog, visible, write):
    """QgisApp::dxfExport: exec() (here: accept()), the file written only when it returns Accepted,
    then the dialog destroyed. The open-time check let ``visible`` out. Returns what exec() returned."""
    from qgis.PyQt import sip
    from qgis.PyQt.QtWidgets import QDialog

    from classification_plugin.integration.export_guard import APPROVED_LAYERS

    dialog.setProperty(APPROVED_LAYERS, [layer.id() for layer in visible])
    guard.dxf.prepare_marking(dialog, visible)
    dialog.accept()
    result = dialog.result()
    if result == QDialog.DialogCode.Accepted:
        write()
    sip.delete(dialog)
    return result


def test_dxf_export_judges_the_layers_ticked_in_the_dialog_not_the_map(export_guard, layer_of, dxf_layers,
                                                                       tmp_path, guard_services, clean_project,
                                                                       monkeypatch):
    from qgis.PyQt.QtWidgets import QDialog


    secret = layer_of("secret", "control_points")
    confidential = layer_of("confidential", "parcels")
    public = layer_of("public", "roads")
    # only roads is on the map (let out when the dialog opened); the others are ticked in its list
    # a hidden secret layer ticked in the dialog: exec() returns Rejected, nothing is written
    leak = tmp_path / "leak.dxf"
    result = run_real_dxf_export(export_guard, dxf_dialog_with_a_layer_list(leak, clean_project, [secret, public]),
                                 [public], lambda: write_dxf(leak, dxf_layers))
    assert result == QDialog.DialogCode.Rejected and not leak.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome, details["channel"]) == ("export_blocked", "control_points", "blocked", "dxf")
    assert any("control_points" in text for text in export_guard.refusals)
    # if QGIS wrote it all the same, the file is removed and that is recorded
    late = tmp_path / "late.dxf"
    dialog = dxf_dialog_with_a_layer_list(late, clean_project, [secret])
    dialog.setProperty(eg.APPROVED_LAYERS, [public.id()])
    export_guard.dxf.prepare_marking(dialog, [public])
    dialog.accept()
    write_dxf(late, dxf_layers)
    from qgis.PyQt import sip

    sip.delete(dialog)
    assert not late.exists()
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome, details["removed"]) == ("export_blocked", "control_points", "failed", True)
    # a hidden confidential layer ticked: asked, and the marking is the confidential one
    export_guard.ask_justification = lambda prompt, parent=None: "Contractor's CAD base map"
    marked = tmp_path / "marked.dxf"
    result = run_real_dxf_export(export_guard, dxf_dialog_with_a_layer_list(marked, clean_project,
                                                                            [confidential, public]),
                                 [public], lambda: write_dxf(marked, dxf_layers))
    marking = guard_services.labels.export_marking([confidential])[0]
    assert result == QDialog.DialogCode.Accepted
    assert [f[1] for f in ogr_features(marked) if f[0] == "CLASSIFICATION" and f[1]] == [marking, marking]
    justified = [e for e in guard_services.recorder.events if e[2] == "allowed_with_justification"]
    assert justified and justified[-1][3]["justification"] == "Contractor's CAD base map"
    dialog = dxf_dialog_with_a_layer_list(tmp_path / "x.dxf", clean_project, [secret, public])
    assert set(eg.dxf_selected_layers(dialog)) == {secret, public}


def test_a_non_modal_dialog_with_a_browser_has_its_drops_filtered(export_guard, layer_of, guard_services):
    """The Data Source Manager is made on first use and shown non-modal by default: its Browser is
    filtered by the poll too, and no longer once the guard is unloaded."""
    from qgis.gui import QgsBrowserTreeView
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtGui import QDropEvent
    from qgis.PyQt.QtWidgets import QDialog, QMessageBox

    for box in QApplication.topLevelWidgets():  # refusal boxes of earlier tests
        if isinstance(box, QMessageBox):
            box.done(0)
    secret = layer_of("secret", "control_points")
    from qgis.PyQt.QtGui import QDragEnterEvent, QDragMoveEvent, QStandardItemModel

    class UriModel(QStandardItemModel):  # takes QGIS URIs, as the Browser model does
        def mimeTypes(self):
            return [eg.URI_MIME]

        def supportedDropActions(self):
            return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    dialog = QDialog()
    view = QgsBrowserTreeView(dialog)
    view.setModel(UriModel(dialog))
    view.setDragDropMode(QgsBrowserTreeView.DragDropMode.DragDrop)  # as QgsBrowserWidget sets it
    dialog.show()
    assert QApplication.activeModalWidget() is None

    def drop():
        """Enter, move, drop: Qt delivers a drop only to the widget that accepted the drag."""
        mime = _browser_mime(secret.source(), "memory", secret.id())
        args = (QPoint(1, 1), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier)
        before = len(guard_services.recorder.events)
        enter = QDragEnterEvent(*args)
        QApplication.sendEvent(view.viewport(), enter)
        assert enter.isAccepted()
        QApplication.sendEvent(view.viewport(), QDragMoveEvent(*args))
        QApplication.sendEvent(view.viewport(), QDropEvent(*args))
        return guard_services.recorder.events[before:]

    export_guard.dialogs.check_now()
    assert view.viewport() in export_guard.drops.filtered
    blocked = drop()
    assert [(e[0], e[1], e[3]["channel"]) for e in blocked] == [("export_blocked", "control_points",
                                                                 "drag_to_browser")]
    export_guard.dialogs.check_now()  # scanned once
    assert export_guard.drops.filtered.count(view.viewport()) == 1
    export_guard.unload()
    assert not export_guard.drops.filtered and drop() == []
    dialog.close()


def test_dropped_database_and_web_sources_are_not_opened(export_guard, guard_services, survey_gpkg, monkeypatch):
    """Only local files are opened to read their label during a drop; a PostGIS table or a web
    service would open a connection on the GUI thread."""
    from qgis.core import QgsMimeDataUtils

    from classification_plugin.integration.export_guard import drops

    opened = []
    real_vector, real_raster = drops.QgsVectorLayer, drops.QgsRasterLayer

    def opener(real):
        def make(uri, name, provider):
            opened.append(provider)
            return real(uri, name, provider) if provider in ("ogr", "gdal") else real()  # never connect
        return make

    monkeypatch.setattr(drops, "QgsVectorLayer", opener(real_vector))
    monkeypatch.setattr(drops, "QgsRasterLayer", opener(real_raster))
    sources = [("vector", "postgres", "dbname='survey' host=192.0.2.1 port=5432 table=\"public\".\"p\" (geom)"),
               ("vector", "WFS", "url='https://example.invalid/wfs' typename='p'"),
               ("raster", "wms", "type=xyz&url=https://example.invalid/%7Bz%7D/%7Bx%7D/%7By%7D.png"),
               ("vector", "ogr", "/vsicurl/https://example.invalid/survey.gpkg|layername=p"),
               ("vector", "ogr", f"{survey_gpkg}|layername=control_points")]
    uris = []
    for layer_type, provider, source in sources:
        uri = QgsMimeDataUtils.Uri()
        uri.layerType, uri.providerKey, uri.name, uri.uri = layer_type, provider, "dragged", source
        uris.append(uri)
    dropped = export_guard.dropped_layers(QgsMimeDataUtils.encodeUriList(uris))
    assert opened == ["ogr"]
    assert [layer.source() for layer in dropped] == [f"{survey_gpkg}|layername=control_points"]


# -- algorithms that write into an existing database (a connection or DATABASE parameter) --------
@pytest.fixture
def spatialite_db(tmp_path, make_memory_layer):
    """Another SpatiaLite database (with one table), as a colleague's or a contractor's would be."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    path = tmp_path / "other.sqlite"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "SQLite"
    options.datasourceOptions = ["SPATIALITE=YES"]
    options.layerName = "existing"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        make_memory_layer(["POINT(116 39)"], name="existing"), str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return path


def sqlite_tables(path) -> set:
    import sqlite3

    with sqlite3.connect(str(path)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_importing_a_secret_layer_into_another_spatialite_is_blocked(export_guard, layer_of, spatialite_db,
                                                                      guard_services):
    import processing

    secret = layer_of("secret", "control_points")
    database = f"{spatialite_db}|layername=existing"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("qgis:importintospatialite", {"INPUT": secret, "DATABASE": database,
                                                     "TABLENAME": "leaked", "OVERWRITE": True})
    assert "control_points" in str(refused.value) and "Secret" in str(refused.value)
    assert "leaked" not in sqlite_tables(spatialite_db)
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["algorithm"] == "qgis:importintospatialite" and str(spatialite_db) in details["destination"]


def test_importing_confidential_into_a_database_needs_a_justification_and_records_it(
        export_guard, layer_of, spatialite_db, guard_services):
    import processing

    confidential = layer_of("confidential", "parcels")
    parameters = {"INPUT": confidential, "DATABASE": f"{spatialite_db}|layername=existing",
                  "TABLENAME": "delivered", "OVERWRITE": True}
    with pytest.raises(QgsProcessingException, match="justified"):
        processing.run("qgis:importintospatialite", parameters)
    assert "delivered" not in sqlite_tables(spatialite_db)
    with eg.justified("Hand-over to the county survey office, approval 2026-31"):
        processing.run("qgis:importintospatialite", parameters)
    assert "delivered" in sqlite_tables(spatialite_db)
    allowed = [e for e in guard_services.recorder.events if e[0] == "export_allowed"]
    assert allowed and allowed[-1][3]["justification"].startswith("Hand-over")


def test_an_unlabelled_layer_into_a_secret_database_is_not_an_export(export_guard, layer_of, spatialite_db,
                                                                     guard_services):
    """The DATABASE an import writes into is the target, not data read: its own label does not count."""
    import processing
    from qgis.core import QgsProject, QgsVectorLayer

    target = QgsVectorLayer(f"{spatialite_db}|layername=existing", "existing", "ogr")
    QgsProject.instance().addMapLayer(target)
    guard_services.labels.change(target, LabelRequest(level="secret", reason="the bureau's vault"))
    processing.run("qgis:importintospatialite", {"INPUT": layer_of(None, "plain"), "DATABASE": target.id(),
                                                 "TABLENAME": "plain", "OVERWRITE": True})
    assert "plain" in sqlite_tables(spatialite_db)


def test_execute_sql_on_a_secret_database_is_blocked(export_guard, layer_of, spatialite_db, guard_services):
    """SQL run on a classified database can copy it anywhere (ATTACH): the database is read."""
    import processing
    from qgis.core import QgsProject, QgsVectorLayer

    secret = QgsVectorLayer(f"{spatialite_db}|layername=existing", "vault", "ogr")
    QgsProject.instance().addMapLayer(secret)
    guard_services.labels.change(secret, LabelRequest(level="secret", reason="the bureau's vault"))
    with pytest.raises(QgsProcessingException, match="vault"):
        processing.run("native:spatialiteexecutesql", {"DATABASE": secret.id(), "SQL": "CREATE TABLE copied (a)"})
    assert "copied" not in sqlite_tables(spatialite_db)


def test_a_connection_parameter_is_a_destination(qgis_processing, make_memory_layer):
    from qgis.core import QgsApplication, QgsProcessingContext

    alg = QgsApplication.processingRegistry().algorithmById("gdal:importvectorintopostgisdatabaseavailableconnections")
    targets = eg.database_targets(alg, {"DATABASE": "survey-office", "INPUT": make_memory_layer(["POINT(1 1)"])},
                                  QgsProcessingContext())
    assert [(t.name, t.path) for t in targets] == [("DATABASE", None)] and "survey-office" in targets[0].destination
    new = QgsApplication.processingRegistry().algorithmById("gdal:importvectorintopostgisdatabasenewconnection")
    targets = eg.database_targets(new, {"HOST": "192.0.2.7", "DBNAME": "gis"}, QgsProcessingContext())
    assert [t.destination for t in targets] == ["postgres://192.0.2.7/gis"]


def test_a_secret_feature_copied_without_a_selection_is_cleared(export_guard, layer_of, guard_services):
    """The Identify Results panel's Copy Feature copies one feature of a layer with nothing selected."""
    layer_of("secret", "control_points")
    clipboard = QApplication.clipboard()
    clipboard.setText("wkt_geom\tname\nPoint (116.39 39.91)\tf0\n")  # what QgsClipboard writes for it
    QApplication.processEvents()
    assert clipboard.text() == ""
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["features"] == 1 and details["selected"] == 0


def test_a_copy_from_a_selected_public_layer_with_the_same_columns_is_left_alone(export_guard, layer_of,
                                                                                guard_services):
    layer_of("secret", "control_points")
    public = layer_of("public", "published_points")  # same columns: the copy is the selected one's
    public.selectAll()
    clipboard = QApplication.clipboard()
    text = "wkt_geom\tname\nPoint (116.39 39.91)\tf0\nPoint (116.40 39.92)\tf1\n"
    clipboard.setText(text)
    QApplication.processEvents()
    assert clipboard.text() == text
    assert not [e for e in guard_services.recorder.events if e[0] == "export_blocked"]
