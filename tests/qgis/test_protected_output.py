"""The protected-area algorithm's output, memory layer and GeoPackage: exactly the conflicting pairs,
with their attributes (zone names and kinds, relation, distance), the survey geometries as stored,
and in a GeoPackage a spatial index that QGIS keeps up to date afterwards.

The expected pairs for the unbuffered check come from QGIS's own geometry predicate
(QgsGeometry.intersects), not from the code under test."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np
import pytest
from qgis.core import (
    NULL,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from classification_plugin.integration.protected_check import INSIDE, WITHIN_BUFFER, check_layers
from classification_plugin.integration.protected_output import TableNotWritableError, write_geopackage

ZONES = ("POLYGON((116.0 39.9, 116.1 39.9, 116.1 40.0, 116.0 40.0, 116.0 39.9))",
         "POLYGON((116.05 39.95, 116.12 39.95, 116.12 40.02, 116.05 40.02, 116.05 39.95))")  # overlaps the first


def layer_from(wkts, geometry="Point", fields="name:string", values=None, crs="EPSG:4326", name="layer"):
    layer = QgsVectorLayer(f"{geometry}?crs={crs}&" + "&".join(f"field={f}" for f in fields.split(",")), name,
                           "memory")
    features = []
    for index, wkt in enumerate(wkts):
        feature = QgsFeature(layer.fields())
        feature.setAttributes(list(values[index]) if values else [f"{name}{index}"])
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def to_gpkg(layer, path, table):
    from qgis.core import QgsProject, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", table
    if path.exists():
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    error = QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(path), QgsProject.instance().transformContext(),
                                                      options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    written = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert written.isValid()
    return written


@pytest.fixture
def survey_and_zones(tmp_path, qgis_app):
    rng = np.random.default_rng(15)
    lons, lats = rng.uniform(115.95, 116.17, 600), rng.uniform(39.85, 40.07, 600)
    wkts = [f"POINT({x!r} {y!r})" for x, y in zip(lons.tolist(), lats.tolist())]
    wkts[3] = None  # a null geometry is skipped, never output
    path = tmp_path / "survey.gpkg"
    survey = to_gpkg(layer_from(wkts, name="pt"), path, "points")
    assert survey.dataProvider().deleteFeatures([10, 11, 12])  # fids are not row numbers
    zones = layer_from(ZONES, "Polygon", "name:string,kind:string",
                       [("Range 7", "military"), ("Wetland", "nature_reserve")], name="zone")
    return survey, to_gpkg(zones, path, "zones")


def run(survey, zones, output, buffer_m=0.0):
    import processing

    result = processing.run("classification:checkprotectedareas", {
        "INPUT": survey, "PROTECTED": zones, "ZONE_NAME_FIELD": "name", "ZONE_KIND_FIELD": "kind",
        "BUFFER": buffer_m, "OUTPUT": output})
    layer = result["OUTPUT"]
    if not isinstance(layer, QgsVectorLayer):
        layer = QgsVectorLayer(layer, "output", "ogr")
    assert layer.isValid()
    return result, layer


def rows(layer):
    return sorted((f["survey_fid"], f["zone_fid"], f["zone_name"], f["zone_kind"], f["relation"],
                   round(f["distance_m"], 6)) for f in layer.getFeatures())


def intersecting_pairs(survey, zones):
    """(survey fid, zone fid) of every point inside a zone, by QGIS's own predicate."""
    zone_geometries = {z.id(): z.geometry() for z in zones.getFeatures()}
    return sorted((f.id(), zid) for f in survey.getFeatures() if f.hasGeometry()
                  for zid, geometry in zone_geometries.items() if geometry.intersects(f.geometry()))


@pytest.mark.parametrize("output", ["memory", "gpkg"])
@pytest.mark.parametrize("buffer_m", [0.0, 300.0])
def test_outputs_hold_exactly_the_pairs_with_their_attributes_and_geometries(protected_provider, survey_and_zones,
                                                                           tmp_path, output, buffer_m):
    survey, zones = survey_and_zones
    destination = "memory:" if output == "memory" else str(tmp_path / "conflicts.gpkg")
    result, layer = run(survey, zones, destination, buffer_m)
    got = rows(layer)
    if buffer_m == 0:
        assert [(r[0], r[1]) for r in got] == intersecting_pairs(survey, zones)
        assert {r[4] for r in got} == {INSIDE}
    else:
        inside = intersecting_pairs(survey, zones)
        assert set(inside) < {(r[0], r[1]) for r in got}  # the buffer adds pairs, keeps every inside one
        assert {r[4] for r in got} == {INSIDE, WITHIN_BUFFER}
        assert all(0 < r[5] <= buffer_m for r in got if r[4] == WITHIN_BUFFER)
    expected = check_layers(survey, zones, buffer_m, zone_name_field="name", zone_kind_field="kind")
    assert got == sorted((p.survey_fid, p.zone_fid, p.zone_name, p.zone_kind, p.relation, round(p.distance_m, 6))
                         for p in expected.pairs)
    assert result["CONFLICTS"] == len(got) == layer.featureCount()
    assert {r[2:4] for r in got} == {("Range 7", "military"), ("Wetland", "nature_reserve")}
    stored = {f.id(): f.geometry().asWkt(12) for f in survey.getFeatures()}
    for feature in layer.getFeatures():
        assert feature.geometry().asWkt(12) == stored[feature["survey_fid"]]
    assert layer.crs() == survey.crs() and layer.wkbType() == survey.wkbType()


def test_geopackage_output_keeps_a_working_spatial_index(protected_provider, survey_and_zones, tmp_path):
    survey, zones = survey_and_zones
    path = tmp_path / "conflicts.gpkg"
    _result, layer = run(survey, zones, str(path), 300.0)
    count = layer.featureCount()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM rtree_conflicts_geom").fetchone()[0] == count
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "rtree_conflicts_geom_insert" in triggers
    box = QgsRectangle(116.02, 39.92, 116.06, 39.97)
    by_index = {f.id() for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(box))}
    by_scan = {f.id() for f in layer.getFeatures() if box.contains(f.geometry().asPoint())}
    assert by_index == by_scan and by_index
    # an edit through QGIS afterwards goes through the restored trigger into the index
    feature = QgsFeature(layer.fields())
    feature.setAttribute("survey_fid", 9999)
    feature.setGeometry(QgsGeometry.fromWkt("POINT(116.03 39.93)"))
    assert layer.dataProvider().addFeatures([feature])[0]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM rtree_conflicts_geom").fetchone()[0] == count + 1
    edited = QgsVectorLayer(str(path), "again", "ogr")
    assert 9999 in {f["survey_fid"] for f in edited.getFeatures(QgsFeatureRequest().setFilterRect(box))}


@pytest.mark.parametrize("refused", ["by the table", "while packing"])
def test_a_refused_packing_indexes_the_rows_one_by_one(protected_provider, survey_and_zones, tmp_path, monkeypatch,
                                                      refused):
    """When the R-tree cannot be packed (the table says so first, or packing fails on its thread
    while the rows go in), its entries go in one insert a row: the index holds every row, right."""
    from classification_plugin.core.gpkg_rtree import RtreeNotPackableError
    from classification_plugin.integration import protected_output

    def refuse(*args):
        raise RtreeNotPackableError("refused")

    monkeypatch.setattr(protected_output, "node_size" if refused == "by the table" else "pack", refuse)
    survey, zones = survey_and_zones
    path = tmp_path / "conflicts.gpkg"
    _result, layer = run(survey, zones, str(path), 300.0)
    count = layer.featureCount()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT rtreecheck('rtree_conflicts_geom')").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM rtree_conflicts_geom").fetchone()[0] == count > 60
        # SQLite's own inserts leave the leaves part full: more of them than a packed tree has
        leaves = db.execute("SELECT count(DISTINCT nodeno) FROM rtree_conflicts_geom_rowid").fetchone()[0]
    assert leaves > -(-count // 51)


def test_geopackage_output_into_a_named_table(protected_provider, survey_and_zones, tmp_path):
    survey, zones = survey_and_zones
    path = tmp_path / "delivery.gpkg"
    _result, layer = run(survey, zones, f"ogr:dbname='{path}' table=\"pairs\" (geom)")
    assert QgsVectorLayer(f"{path}|layername=pairs", "pairs", "ogr").featureCount() == layer.featureCount() > 0
    assert [(r[0], r[1]) for r in rows(layer)] == intersecting_pairs(survey, zones)


def test_a_table_with_rows_is_refused_and_left_alone(protected_provider, survey_and_zones, tmp_path):
    survey, zones = survey_and_zones
    path = tmp_path / "conflicts.gpkg"
    _result, layer = run(survey, zones, str(path))
    before = rows(layer)
    result = check_layers(survey, zones, 0, zone_name_field="name", zone_kind_field="kind")
    with pytest.raises(TableNotWritableError):
        write_geopackage(str(path), "conflicts", result)
    assert rows(QgsVectorLayer(str(path), "again", "ogr")) == before


def test_a_geopackage_the_fast_write_refuses_is_written_through_qgis(protected_provider, survey_and_zones,
                                                                     tmp_path, monkeypatch):
    from classification_plugin.processing import check_protected_areas

    def refuse(*_args):
        raise TableNotWritableError("refused for the test")

    monkeypatch.setattr(check_protected_areas, "write_geopackage", refuse)
    survey, zones = survey_and_zones
    result, layer = run(survey, zones, str(tmp_path / "conflicts.gpkg"), 300.0)
    expected = check_layers(survey, zones, 300.0, zone_name_field="name", zone_kind_field="kind")
    assert rows(layer) == sorted((p.survey_fid, p.zone_fid, p.zone_name, p.zone_kind, p.relation,
                                  round(p.distance_m, 6)) for p in expected.pairs)
    assert result["CONFLICTS"] == layer.featureCount() == expected.pair_count


@pytest.mark.parametrize("output", ["memory", "gpkg"])
def test_z_and_line_surveys_keep_their_geometries(protected_provider, qgis_app, tmp_path, output):
    zones = layer_from(ZONES[:1], "Polygon", "name:string,kind:string", [("Range 7", "military")], name="zone")
    for geometry, wkts in (("PointZ", ["POINT Z(116.05 39.95 80)", "POINT Z(117 41 5)"]),
                           ("LineString", ["LINESTRING(115.9 39.95, 116.05 39.95)", "LINESTRING(118 41, 118.1 41)"])):
        survey = layer_from(wkts, geometry, name="survey")
        destination = "memory:" if output == "memory" else str(tmp_path / f"{geometry}.gpkg")
        _result, layer = run(survey, zones, destination)
        features = list(layer.getFeatures())
        assert [f["survey_fid"] for f in features] == [1]
        assert features[0].geometry().asWkt(8) == QgsGeometry.fromWkt(wkts[0]).asWkt(8)
        assert QgsWkbTypes.hasZ(layer.wkbType()) == (geometry == "PointZ")


def test_points_are_fetched_in_chunks_with_nothing_lost(qgis_app):
    """The readers turn rows into numpy a chunk at a time (bounded Python objects on 10M points)."""
    from classification_plugin.core.wkb import gpkg_point_blobs
    from classification_plugin.integration.fast_reader import fetch_points

    xs, ys = np.arange(7) * 1.5, -np.arange(7) * 2.25
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE p (fid INTEGER PRIMARY KEY, geom BLOB)")
    db.executemany("INSERT INTO p VALUES (?, ?)", zip([3, 5, 8, 13, 21, 34, 55], gpkg_point_blobs(xs, ys, 4326)))
    db.execute("INSERT INTO p VALUES (89, NULL)")
    for chunk in (1, 2, 3, 100):
        fids, got_x, got_y = fetch_points(db.execute("SELECT fid, geom FROM p ORDER BY fid"), chunk)
        assert fids.tolist() == [3, 5, 8, 13, 21, 34, 55, 89]
        assert np.array_equal(got_x[:7], xs) and np.array_equal(got_y[:7], ys) and np.isnan(got_x[7])
    fids, got_x, _ = fetch_points(db.execute("SELECT fid, geom FROM p WHERE fid < 0"))
    assert fids.size == 0 and got_x.size == 0


def features_of(layer):
    """Every feature as (attributes, WKT): what an output holds, in a comparable form."""
    return sorted((tuple(f.attributes()), f.geometry().asWkt(12)) for f in layer.getFeatures())


def features_in_order(layer):
    """Every feature as (feature id, attributes, WKT), in the layer's order."""
    return [(f.id(), tuple(f.attributes()), f.geometry().asWkt(12)) for f in layer.getFeatures()]


@pytest.mark.parametrize("split", [False, True], ids=["one table", "two halves joined"])
@pytest.mark.parametrize("buffer_m", [0.0, 300.0])
def test_memory_output_equals_the_one_built_feature_by_feature(protected_provider, survey_and_zones, monkeypatch,
                                                               buffer_m, split):
    """The memory layer filled in C++ from a scratch GeoPackage holds what adding QgsFeatures to
    Processing's own memory sink gave: same fields and types, feature ids, attributes, geometries,
    CRS, name. Also when its halves are read on two threads and the second is added to the first."""
    from classification_plugin.integration import protected_output
    from classification_plugin.processing import check_protected_areas

    survey, zones = survey_and_zones
    made, joined = [], []

    real, real_join = check_protected_areas.memory_layer, protected_output._join

    def spy(*args):
        layer = real(*args)
        made.append(None if layer is None else layer.id())  # an id: no second reference to the layer
        return layer

    def join_spy(layer, rest):
        joined.append((layer.featureCount(), rest.featureCount()))
        return real_join(layer, rest)

    with monkeypatch.context() as patch:
        patch.setattr(check_protected_areas, "memory_layer", spy)
        patch.setattr(protected_output, "_join", join_spy)
        patch.setattr(protected_output, "_SPLIT_MIN", 2 if split else 10**9)
        _result, fast = run(survey, zones, "memory:", buffer_m)
    count = fast.featureCount()
    assert joined == ([(count // 2, count - count // 2)] if split else [])
    assert made == [fast.id()]  # the layer filled in C++ is the output
    assert fast.providerType() == "memory" and fast.featureCount() > 60
    with monkeypatch.context() as patch:
        patch.setattr(check_protected_areas, "memory_layer", lambda *args: None)  # the sink as Processing made it
        _result, slow = run(survey, zones, "memory:", buffer_m)
    assert slow.providerType() == "memory"
    assert [(f.name(), f.type()) for f in fast.fields()] == [(f.name(), f.type()) for f in slow.fields()]
    assert features_in_order(fast) == features_in_order(slow)
    assert fast.crs() == slow.crs() == survey.crs() and fast.wkbType() == slow.wkbType()
    assert fast.name() == slow.name()


def test_memory_output_takes_the_place_of_the_layer_to_load(protected_provider, survey_and_zones):
    """Run as the dialog runs it: the layer loaded on completion is the filled one, with the
    details Processing gave the empty one; the empty one is gone from the run's layers."""
    from qgis.core import (
        QgsApplication,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
    )

    survey, zones = survey_and_zones
    alg = QgsApplication.processingRegistry().algorithmById("classification:checkprotectedareas")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    before = set(context.temporaryLayerStore().mapLayers())
    destination = QgsProcessingOutputLayerDefinition("memory:", QgsProject.instance())
    destination.destinationName = "My conflicts"
    results, ok = alg.run({"INPUT": survey, "PROTECTED": zones, "ZONE_NAME_FIELD": "name",
                           "ZONE_KIND_FIELD": "kind", "OUTPUT": destination}, context, QgsProcessingFeedback())
    assert ok
    to_load = context.layersToLoadOnCompletion()
    assert list(to_load) == [results["OUTPUT"]]
    assert to_load[results["OUTPUT"]].name == "My conflicts"
    layer = context.temporaryLayerStore().mapLayer(results["OUTPUT"])
    assert layer.providerType() == "memory" and layer.featureCount() == results["CONFLICTS"] > 0
    assert set(context.temporaryLayerStore().mapLayers()) - before == {results["OUTPUT"]}  # no empty leftover


def test_geopackage_output_index_is_sound_for_gdal_and_answers_every_box(protected_provider, survey_and_zones,
                                                                         tmp_path):
    """The packed R-tree passes SQLite's own checks, GDAL reads the file, and spatial filters
    through the index give exactly the features a scan of the geometries gives."""
    import subprocess

    survey, zones = survey_and_zones
    path = tmp_path / "conflicts.gpkg"
    _result, layer = run(survey, zones, str(path), 300.0)
    count = layer.featureCount()
    assert count > 51  # more than one R-tree node: the tree has levels
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT rtreecheck('rtree_conflicts_geom')").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM rtree_conflicts_geom").fetchone()[0] == count
        depth = int.from_bytes(db.execute("SELECT data FROM rtree_conflicts_geom_node WHERE nodeno = 1")
                               .fetchone()[0][:2], "big")
        assert depth >= 1
        # packed: the fewest leaves that hold every entry (SQLite's own inserts leave them ~2/3 full)
        leaves = db.execute("SELECT count(DISTINCT nodeno) FROM rtree_conflicts_geom_rowid").fetchone()[0]
        assert leaves == -(-count // 51)
        assert db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'conflicts'"
                          ).fetchone()[0] == count
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"rtree_conflicts_geom_insert", "trigger_insert_feature_count_conflicts"} <= triggers
    info = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {count}" in info
    points = {f.id(): f.geometry().asPoint() for f in layer.getFeatures()}
    rng = np.random.default_rng(4)
    for _ in range(30):
        x0, y0 = rng.uniform(115.95, 116.15), rng.uniform(39.85, 40.05)
        box = QgsRectangle(x0, y0, x0 + rng.uniform(0.001, 0.08), y0 + rng.uniform(0.001, 0.08))
        by_index = {f.id() for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(box))}
        assert by_index == {fid for fid, p in points.items() if box.contains(p)}
    # GDAL's own spatial filter (through the R-tree) agrees as well
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    table = dataset.GetLayerByName("conflicts")
    table.SetSpatialFilterRect(116.0, 39.9, 116.1, 40.0)
    assert {f.GetFID() for f in table} == {fid for fid, p in points.items()
                                          if QgsRectangle(116.0, 39.9, 116.1, 40.0).contains(p)}
    table = dataset = None  # the layer before its dataset (GDAL's bindings)
    # an edit through QGIS afterwards keeps the count and the index right
    assert layer.dataProvider().deleteFeatures(list(points)[:20])
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT rtreecheck('rtree_conflicts_geom')").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM rtree_conflicts_geom").fetchone()[0] == count - 20


@pytest.mark.parametrize("split", [False, True], ids=["one table", "two halves joined"])
def test_memory_output_of_lines_with_null_and_non_ascii_names(protected_provider, qgis_app, monkeypatch, split):
    """Lines (held as shapely geometries, not x/y), a zone without a name and one named in Chinese:
    the C++-filled layer holds the same as the one built feature by feature."""
    import processing

    from classification_plugin.integration import protected_output
    from classification_plugin.processing import check_protected_areas

    zones = layer_from(ZONES, "Polygon", "name:string,kind:string", [(None, "military"), ("湿地保护区", None)],
                       name="zone")
    survey = layer_from(["LINESTRING(115.9 39.95, 116.05 39.95)", "LINESTRING(116.06 39.96, 116.07 39.97)",
                         "LINESTRING(118 41, 118.1 41)"], "LineString", name="survey")
    parameters = {"INPUT": survey, "PROTECTED": zones, "ZONE_NAME_FIELD": "name", "ZONE_KIND_FIELD": "kind",
                  "BUFFER": 0.0, "OUTPUT": "memory:"}
    real, made = check_protected_areas.memory_layer, []

    def spy(*args):
        layer = real(*args)
        made.append(None if layer is None else layer.id())
        return layer

    with monkeypatch.context() as patch:
        patch.setattr(check_protected_areas, "memory_layer", spy)
        patch.setattr(protected_output, "_SPLIT_MIN", 2 if split else 10**9)
        fast = processing.run("classification:checkprotectedareas", parameters)["OUTPUT"]
    with monkeypatch.context() as patch:
        patch.setattr(check_protected_areas, "memory_layer", lambda *args: None)
        slow = processing.run("classification:checkprotectedareas", parameters)["OUTPUT"]
    assert made == [fast.id()]
    assert features_in_order(fast) == features_in_order(slow)
    assert fast.featureCount() == 4  # two lines, each in both zones
    names = {f["zone_name"] for f in fast.getFeatures()}
    assert "湿地保护区" in names and any(n is None or n == NULL for n in names)
    assert fast.wkbType() == slow.wkbType() == survey.wkbType()


def test_rows_written_from_packed_columns_hold_every_value_exactly(qgis_app, tmp_path):
    """write_geopackage's rows as sqlite3 reads them back: distances bit for bit (-0.0, NaN as
    NULL, as binding them gave), fids beyond 32 bits, and names and kinds by pair even when two
    pairs of one zone fid disagree (then the zone table has a row per pair)."""
    from classification_plugin.core.gpkg_table import create_geopackage
    from classification_plugin.integration.protected_check import CheckResult
    from classification_plugin.integration.protected_output import OUTPUT_FIELDS

    distances = [0.0, -0.0, 12.345678901234567, float("nan"), 1e-300, 199.99999999999997]
    result = CheckResult(
        buffer_m=200.0, survey_fids=np.array([1, 2**40, -5, 7, 7, 8]), zone_fids=np.array([3, 3, 4, 4, 9, 2**35]),
        zone_names=["A", "A", None, "Zone 4", "湿地", ""], zone_kinds=["military", "military", "x", "x", None, "k"],
        distances_m=np.array(distances), inside=np.array([True, True, False, False, False, False]),
        survey_xy=np.array([[116.5, 39.9], [-0.0, 1e-9], [1e6, -1e6], [2.5, 2.5], [2.5, 2.5], [3.0, 4.0]]))
    path = str(tmp_path / "pairs.gpkg")
    create_geopackage(path, "pairs", "POINT", OUTPUT_FIELDS)
    assert write_geopackage(path, "pairs", result, scratch=True) == 6
    with closing(sqlite3.connect(path)) as db:
        got = db.execute("SELECT fid, geom, survey_fid, zone_fid, zone_name, zone_kind, distance_m, relation "
                         "FROM pairs ORDER BY fid").fetchall()
    from classification_plugin.core.wkb import gpkg_point_blobs

    blobs = gpkg_point_blobs(result.survey_xy[:, 0], result.survey_xy[:, 1], -1)
    expected = [(i + 1, blobs[i], int(result.survey_fids[i]), int(result.zone_fids[i]), result.zone_names[i],
                 result.zone_kinds[i], None if np.isnan(d) else d, INSIDE if result.inside[i] else WITHIN_BUFFER)
                for i, d in enumerate(distances)]
    assert got == expected
    with closing(sqlite3.connect(":memory:")) as db:  # what binding each distance to a REAL column gives
        db.execute("CREATE TABLE t (d REAL)")
        db.executemany("INSERT INTO t VALUES (?)", [(d,) for d in distances])
        bound = [r[0] for r in db.execute("SELECT d FROM t ORDER BY rowid")]
    assert [None if r[6] is None else np.float64(r[6]).tobytes() for r in got] == [
        None if d is None else np.float64(d).tobytes() for d in bound]
