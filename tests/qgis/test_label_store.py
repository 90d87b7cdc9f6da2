"""The label stays with the data: GeoPackage tables, .qmd sidecars, the project, and QGIS metadata."""

from __future__ import annotations

import os
import stat

import pytest
from qgis.core import QgsProject, QgsVectorFileWriter, QgsVectorLayer

from classification_plugin.core.labels import LabelError, LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration import label_store as ls
from classification_plugin.integration.label_store import LabelStore


@pytest.fixture
def recorded():
    return []


@pytest.fixture
def store(qgis_app, recorded):
    def record(action, layer=None, outcome="ok", details=None):
        recorded.append((getattr(action, "value", action), layer.id() if layer else "", details))

    return LabelStore(SchemeRegistry(), "cn_state_secret", record=record, user="tester")


def gpkg_layer(path, table):
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert layer.isValid()
    return layer


def test_geopackage_label_is_per_table_and_survives_a_new_project(store, survey_gpkg, clean_project, recorded):
    layer = gpkg_layer(survey_gpkg, "control_points")
    clean_project.addMapLayer(layer)
    label = store.change(layer, LabelRequest(level="secret", reason="control points, catalogue 2.1"))
    assert store.stored_in(layer) == ls.STORED_GEOPACKAGE
    assert recorded[-1][0] == "label_applied" and recorded[-1][2]["new"] == "secret"

    # the file itself now carries it: a fresh layer in a cleared project reads it back
    clean_project.clear()
    again = gpkg_layer(survey_gpkg, "control_points")
    other_table = gpkg_layer(survey_gpkg, "flight_track")
    fresh_store = LabelStore(SchemeRegistry(), "cn_state_secret")
    assert not again.customProperty(ls.PROPERTY_LABEL)  # nothing in the project any more...
    loaded = fresh_store.label(again)  # ...but the label comes from the data itself
    assert loaded is not None and loaded.level == "secret" and loaded.uid == label.uid
    assert fresh_store.stored_in(again) == ls.STORED_GEOPACKAGE
    assert fresh_store.load(other_table) is None  # the other table of the same file stays unlabelled


def test_geopackage_label_leaves_the_file_out_of_wal_mode(store, survey_gpkg, clean_project):
    # QGIS opens a GeoPackage's read-only tables with GDAL's NOLOCK, which SQLite cannot use once
    # the file is in WAL mode: a table QGIS later hands such a dataset comes without its CRS or
    # features ("unable to open database file"). The label's write must not switch the file to WAL
    # while other tables of it are open (QGIS's own update mode does, and keeps it so).
    from osgeo import gdal

    layer = gpkg_layer(survey_gpkg, "control_points")
    other_table = gpkg_layer(survey_gpkg, "flight_track")
    clean_project.addMapLayers([layer, other_table])
    assert len(list(other_table.getFeatures())) == 1
    store.change(layer, LabelRequest(level="secret", reason="r"))
    assert store.stored_in(layer) == ls.STORED_GEOPACKAGE
    with open(survey_gpkg, "rb") as handle:
        header = handle.read(20)
    assert (header[18], header[19]) == (1, 1)  # rollback journal: 2, 2 would be WAL
    assert gdal.GetConfigOption("OGR_SQLITE_JOURNAL") is None  # the setting is not left behind
    assert LabelStore(SchemeRegistry(), "cn_state_secret").load(gpkg_layer(survey_gpkg, "control_points")).level \
        == "secret"


def test_metadata_shows_an_iso_security_constraint(store, survey_gpkg, clean_project):
    layer = gpkg_layer(survey_gpkg, "control_points")
    store.change(layer, LabelRequest(level="top_secret", reason="r", caveats=("no subcontracting",)))
    constraints = [(c.type, c.constraint) for c in layer.metadata().constraints()]
    assert ("Security", "Top secret (绝密) - MD_ClassificationCode: topSecret - no subcontracting") in constraints
    # removing the label removes the constraint and the keyword, and keeps other metadata
    store.change(layer, LabelRequest(level=None, justification="declassified, order 7"))
    assert not [c for c in layer.metadata().constraints() if c.type == "Security"]
    assert ls.KEYWORD_VOCABULARY not in layer.metadata().keywords()
    assert gpkg_layer(survey_gpkg, "control_points").metadata().keywords().get(ls.KEYWORD_VOCABULARY) is None


def test_shapefile_label_goes_to_a_qmd_sidecar(store, tmp_path, make_memory_layer, qgis_app):
    source = make_memory_layer(["POINT(1 2)"])
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    QgsVectorFileWriter.writeAsVectorFormatV2(source, str(tmp_path / "pts.shp"),
                                              QgsProject.instance().transformContext(), options)
    layer = QgsVectorLayer(str(tmp_path / "pts.shp"), "pts", "ogr")
    store.change(layer, LabelRequest(level="confidential", reason="r"))
    assert (tmp_path / "pts.qmd").is_file()
    assert store.stored_in(layer) == ls.STORED_SIDECAR
    reopened = QgsVectorLayer(str(tmp_path / "pts.shp"), "pts", "ogr")
    assert LabelStore(SchemeRegistry(), "cn_state_secret").load(reopened).level == "confidential"


def test_memory_layer_keeps_its_label_in_the_project(store, make_memory_layer, clean_project):
    layer = make_memory_layer(["POINT(1 2)"])
    clean_project.addMapLayer(layer)
    store.change(layer, LabelRequest(level="internal", reason="r"))
    assert store.stored_in(layer) == ls.STORED_PROJECT
    assert layer.customProperty(ls.PROPERTY_LABEL)


def test_read_only_file_falls_back_to_the_project(store, survey_gpkg, monkeypatch):
    layer = gpkg_layer(survey_gpkg, "control_points")
    os.chmod(survey_gpkg, stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert ls.storage_for(layer) == ls.STORED_PROJECT
        store.change(layer, LabelRequest(level="secret", reason="r"))
        assert store.stored_in(layer) == ls.STORED_PROJECT
    finally:
        os.chmod(survey_gpkg, stat.S_IRUSR | stat.S_IWUSR)
    assert LabelStore(SchemeRegistry(), "cn_state_secret").load(gpkg_layer(survey_gpkg, "control_points")) is None


def test_refused_change_leaves_label_untouched(store, survey_gpkg, recorded):
    layer = gpkg_layer(survey_gpkg, "control_points")
    store.change(layer, LabelRequest(level="secret", reason="r"))
    before = layer.customProperty(ls.PROPERTY_LABEL)
    with pytest.raises(LabelError):
        store.change(layer, LabelRequest(level="public", reason="oops"))
    assert layer.customProperty(ls.PROPERTY_LABEL) == before
    assert len(recorded) == 1


def test_label_survives_project_save_and_reload(store, make_memory_layer, clean_project, tmp_path):
    layer = make_memory_layer(["POINT(1 2)"], name="mem")
    clean_project.addMapLayer(layer)
    store.change(layer, LabelRequest(level="secret", reason="r"))
    path = str(tmp_path / "p.qgz")
    assert clean_project.write(path)
    clean_project.clear()
    assert clean_project.read(path)
    reloaded = next(iter(clean_project.mapLayers().values()))
    assert store.label(reloaded).level == "secret"


def test_geotiff_label_goes_to_a_qmd_sidecar(store, tmp_path, qgis_app):
    from osgeo import gdal
    from qgis.core import QgsRasterLayer

    path = tmp_path / "ortho.tif"
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 4, 4, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform((116.3, 0.01, 0, 39.9, 0, -0.01))
    dataset = None
    raster = QgsRasterLayer(str(path), "ortho")
    assert raster.isValid()
    store.change(raster, LabelRequest(level="secret", reason="orthophoto of a restricted site"))
    assert store.stored_in(raster) == ls.STORED_SIDECAR and (tmp_path / "ortho.qmd").is_file()
    again = QgsRasterLayer(str(path), "ortho again")
    assert LabelStore(SchemeRegistry(), "cn_state_secret").label(again).level == "secret"


def test_a_label_written_into_the_file_after_the_project_was_saved_wins_over_the_projects_copy(
        store, survey_gpkg, clean_project, tmp_path):
    """Another user labels the GeoPackage after this project was saved with the layer unlabelled:
    opening the project reads the file's label (the project holds an empty metadata copy, which
    used to be all that was read)."""
    clean_project.addMapLayer(gpkg_layer(survey_gpkg, "control_points"))
    project_file = tmp_path / "before.qgs"
    assert clean_project.write(str(project_file))
    store.change(gpkg_layer(survey_gpkg, "control_points"), LabelRequest(level="secret", reason="labelled later"))
    clean_project.clear()
    assert clean_project.read(str(project_file))
    layer = next(iter(clean_project.mapLayers().values()))
    assert ls.KEYWORD_VOCABULARY not in layer.metadata().keywords()  # the project's stale copy
    assert store.load(layer).level == "secret"
    assert ls.data_label(layer).reason == "labelled later"


def test_a_qmd_sidecar_is_read_from_a_read_only_file_too(store, tmp_path, make_memory_layer, qgis_app):
    """A read-only share (or a server's data folder): the .qmd beside it still tells the label."""
    layer = make_memory_layer(["POINT(116.39 39.91)"], name="points")
    path = tmp_path / "points.shp"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsProject.instance().transformContext(), options)
    store.change(QgsVectorLayer(str(path), "points", "ogr"), LabelRequest(level="confidential", reason="r"))
    assert path.with_suffix(".qmd").is_file()
    for part in tmp_path.iterdir():
        part.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        read_only = QgsVectorLayer(str(path), "points", "ogr")
        assert store.load(read_only).level == "confidential"
    finally:
        for part in tmp_path.iterdir():
            part.chmod(stat.S_IRUSR | stat.S_IWUSR)
