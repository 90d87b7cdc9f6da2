"""Protected-area checks on real QGIS layers: CRSs, readers, the Processing algorithm.

Reference distances come from pyproj.Geod (ellipsoidal geodesics on WGS84, GeographicLib) from
the survey point to the zone edge sampled every 0.5 m, with coordinates converted by
QgsCoordinateTransform - none of it goes through the code under test.

Tolerance: 0.05 m. The check measures in a conformal projection (the layers' own, or an oblique
stereographic one centred on the survey data) and divides grid distances by the projection's
scale at the point, interpolated from PROJ's (to 1e-5 of it over 1,600 km, 2 mm on 200 m); over
200 m the scale changes by under 1e-6 even 700 km from the centre, i.e. 0.2 mm. Zone edges are
split to 0.005 degree (~450 m) before projecting, so an edge that follows a parallel departs from
its projected chords by at most 450^2/8 * tan(lat)/R = 4 mm at 40 degrees. Sampling the
reference edge every 0.5 m overstates the distance by at most 0.25^2 / (2 * 100 m) = 0.3 mm.
CGCS2000 and WGS84 ellipsoids differ by 0.1 mm in the semi-minor axis. The sum stays under 1 cm;
5 cm leaves room for floating-point noise.
"""

from __future__ import annotations

import sqlite3
import struct
from contextlib import closing
from dataclasses import replace

import numpy as np
import pytest
from pyproj import Geod
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from classification_plugin.integration.fast_reader import NoFastPathError, parse_point_wkb, read_points
from classification_plugin.integration.protected_check import (
    INSIDE,
    WITHIN_BUFFER,
    ZoneChecker,
    build_zone_index,
    check_layers,
    lonlat_survey_boxes,
    prepare_check,
    run_check,
    survey_boxes,
)

TOLERANCE_M = 0.05
GEOD = Geod(ellps="WGS84")
# a 0.1 x 0.1 degree zone near Beijing: west edge 116.0, east edge 116.1 (meridians)
ZONE_LONLAT = "POLYGON((116.0 39.9, 116.1 39.9, 116.1 40.0, 116.0 40.0, 116.0 39.9))"


def memory_layer(wkts, crs="EPSG:4326", geometry="Point", name="layer", fields="name:string"):
    layer = QgsVectorLayer(f"{geometry}?crs={crs}&field={fields}", name, "memory")
    features = []
    for index, text in enumerate(wkts):
        feature = QgsFeature(layer.fields())
        feature.setAttribute(0, f"{name}{index}")
        if text is not None:
            feature.setGeometry(QgsGeometry.fromWkt(text))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def write_gpkg(path, table, layer):
    from qgis.core import QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = table
    if path.exists():
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    error = QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(path), QgsProject.instance().transformContext(),
                                                      options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    result = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert result.isValid()
    return result


def to_lonlat(crs, x, y):
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(crs), QgsCoordinateReferenceSystem("EPSG:4326"),
                                       QgsProject.instance())
    point = transform.transform(QgsPointXY(x, y))
    return point.x(), point.y()


def geodesic_to_segment(lon, lat, a, b, steps=None):
    """Shortest geodesic distance from (lon, lat) to the lon/lat segment a-b, sampled finely."""
    length = GEOD.inv(a[0], a[1], b[0], b[1])[2]
    steps = steps or max(2, int(length / 0.5))
    t = np.linspace(0.0, 1.0, steps + 1)
    lons, lats = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
    return float(GEOD.inv(np.full(t.size, lon), np.full(t.size, lat), lons, lats)[2].min())


def geodesic_to_grid_edge(lon, lat, crs, a, b):
    """Shortest geodesic distance from (lon, lat) to the segment a-b, straight in projected ``crs``:
    sampled every 0.5 m on the grid, each sample converted by QGIS."""
    steps = max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) / 0.5))
    samples = [to_lonlat(crs, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])) for t in np.linspace(0, 1, steps + 1)]
    return min(GEOD.inv(lon, lat, sx, sy)[2] for sx, sy in samples)


def offset_east(lon, lat, metres):
    """The point ``metres`` due east of (lon, lat) along the geodesic."""
    out_lon, out_lat, _ = GEOD.fwd(lon, lat, 90.0, metres)
    return out_lon, out_lat


def by_fid(result):
    return {(p.survey_fid, p.zone_fid): p for p in result.pairs}


# -- distances in metres whatever the CRS -------------------------------------------------------------


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4490"])
def test_geographic_layers_distances_match_geodesics(qgis_app, crs):
    zones = memory_layer([ZONE_LONLAT], crs=crs, geometry="Polygon", name="zone")
    survey_points = [offset_east(116.1, 39.95, d) for d in (150.0, 199.0, 201.0, 500.0)]
    survey_points += [(116.05, 39.95), (116.1, 39.95)]  # inside, on the east edge
    survey = memory_layer([f"POINT({x!r} {y!r})" for x, y in survey_points], crs=crs, name="pt")
    result = check_layers(survey, zones, 200, zone_name_field="name", zone_kind="nature_reserve")
    pairs = by_fid(result)
    assert sorted(s for s, _ in pairs) == [1, 2, 5, 6]
    for fid in (1, 2):
        lon, lat = survey_points[fid - 1]
        expected = geodesic_to_segment(lon, lat, (116.1, 39.9), (116.1, 40.0))
        assert abs(pairs[(fid, 1)].distance_m - expected) < TOLERANCE_M, (fid, pairs[(fid, 1)], expected)
        assert pairs[(fid, 1)].relation == WITHIN_BUFFER
    assert pairs[(5, 1)].relation == INSIDE and pairs[(5, 1)].distance_m == 0
    assert pairs[(6, 1)].relation == INSIDE
    assert pairs[(5, 1)].zone_name == "zone0" and pairs[(5, 1)].zone_kind == "nature_reserve"
    assert result.feature_count == 4 and result.pair_count == 4


def test_edge_along_a_parallel_keeps_its_course(qgis_app):
    """North edge lat 40.0 is a parallel: a point 100 m north of its middle is 100 m from it."""
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    lon, lat, _ = GEOD.fwd(116.05, 40.0, 0.0, 100.0)
    survey = memory_layer([f"POINT({lon!r} {lat!r})"], name="pt")
    pair = check_layers(survey, zones, 200).pairs[0]
    expected = geodesic_to_segment(lon, lat, (116.04, 40.0), (116.06, 40.0))
    assert abs(pair.distance_m - expected) < TOLERANCE_M, (pair, expected)


def test_utm_layers_are_checked_in_their_own_crs(qgis_app):
    """Both layers in UTM 50N: checked on that grid, distances in ground metres. 59 km west of the
    central meridian UTM's scale is 0.99964: 199 grid metres are 199.07 m on the ground."""
    square = "POLYGON((440000 4420000, 441000 4420000, 441000 4421000, 440000 4421000, 440000 4420000))"
    zones = memory_layer([square], crs="EPSG:32650", geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(441199 4420500)", "POINT(441201 4420500)", "POINT(440500 4420500)"],
                          crs="EPSG:32650", name="pt")
    job = prepare_check(survey, zones, 200)
    assert job.frame.kept_source and job.frame.definition == "EPSG:32650"
    result = run_check(job)
    assert [(p.survey_fid, p.relation) for p in result.pairs] == [(1, WITHIN_BUFFER), (3, INSIDE)]
    expected = geodesic_to_grid_edge(*to_lonlat("EPSG:32650", 441199, 4420500), "EPSG:32650",
                                     (441000, 4420000), (441000, 4421000))
    assert expected - 199.0 > 0.06  # the grid distance would be off by more than the tolerance
    assert abs(result.pairs[0].distance_m - expected) < TOLERANCE_M, (result.pairs[0], expected)
    assert result.pairs[1].distance_m == 0.0


def test_layers_in_different_crss(qgis_app):
    """Zones in UTM 50N, survey in CGCS2000 geographic: distances are still geodesic metres."""
    square = "POLYGON((440000 4420000, 441000 4420000, 441000 4421000, 440000 4421000, 440000 4420000))"
    zones = memory_layer([square], crs="EPSG:32650", geometry="Polygon", name="zone")
    east_a, east_b = to_lonlat("EPSG:32650", 441000, 4420000), to_lonlat("EPSG:32650", 441000, 4421000)
    mid = to_lonlat("EPSG:32650", 441000, 4420500)
    survey_points = [offset_east(*mid, d) for d in (120.0, 190.0, 215.0)]
    survey = memory_layer([f"POINT({x!r} {y!r})" for x, y in survey_points], crs="EPSG:4490", name="pt")
    job = prepare_check(survey, zones, 200)
    # the zones' own conformal CRS is kept: only the survey points move
    assert job.frame.kept_source and job.frame.definition == "EPSG:32650"
    result = run_check(job)
    pairs = by_fid(result)
    assert sorted(s for s, _ in pairs) == [1, 2]
    for fid in (1, 2):
        lon, lat = survey_points[fid - 1]
        # the zone edge is straight in UTM: sample it there, convert each sample with QGIS
        expected = geodesic_to_grid_edge(lon, lat, "EPSG:32650", (441000, 4420000), (441000, 4421000))
        assert abs(pairs[(fid, 1)].distance_m - expected) < TOLERANCE_M, (fid, pairs[(fid, 1)], expected)
    assert east_a[0] < survey_points[0][0] and east_b[0] < survey_points[0][0]


def test_distances_stay_geodesic_far_from_the_centre_of_the_data(qgis_app):
    """Zones 16 degrees of longitude apart (1,360 km): the frame is centred between them, 680 km
    from each. Uncorrected, the stereographic grid there is 0.28 % long (the old equidistant
    frame 0.19 % across its radii): 0.4-0.6 m on 199 m. Points due north of each zone's north
    edge (a parallel) must still be as far as the geodesic says."""
    west = ZONE_LONLAT
    east = "POLYGON((132.0 39.9, 132.1 39.9, 132.1 40.0, 132.0 40.0, 132.0 39.9))"
    zones = memory_layer([west, east], crs="EPSG:4490", geometry="Polygon", name="zone")
    points = []
    for x in (116.05, 132.05):
        points += [GEOD.fwd(x, 40.0, 0.0, d)[:2] for d in (150.0, 199.0, 201.0)] + [(x, 39.95)]
    survey = memory_layer([f"POINT({x!r} {y!r})" for x, y in points], crs="EPSG:4490", name="pt")
    job = prepare_check(survey, zones, 200)
    assert job.frame.description.startswith("oblique stereographic")
    result = run_check(job)
    assert not result.messages
    pairs = by_fid(result)
    assert sorted(pairs) == [(1, 1), (2, 1), (4, 1), (5, 2), (6, 2), (8, 2)]
    for (fid, zone), pair in pairs.items():
        if pair.relation == INSIDE:
            assert fid in (4, 8) and pair.distance_m == 0.0
            continue
        lon, lat = points[fid - 1]
        x0 = 116.0 if zone == 1 else 132.0
        expected = geodesic_to_segment(lon, lat, (x0, 40.0), (x0 + 0.1, 40.0))
        assert abs(pair.distance_m - expected) < TOLERANCE_M, (fid, pair, expected)


def test_an_edit_far_outside_the_survey_extent_is_still_found(qgis_app):
    """The editing checker works out its frame from the survey as it was; an edit 980 km north of
    it, 199 m from a zone there, is where the frame's scale exceeds its largest over the survey.
    The search must reach that far on the grid (it missed it when it used that largest scale)."""
    zones = memory_layer([ZONE_LONLAT, "POLYGON((116.0 48.9, 116.1 48.9, 116.1 49.0, 116.0 49.0, 116.0 48.9))"],
                         crs="EPSG:4490", geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 40.2)"], crs="EPSG:4490", name="pt")
    checker = ZoneChecker.for_layers(survey, zones, 200)
    assert checker.job.frame.description.startswith("oblique stereographic")
    for reach in (150.0, 199.0, 199.5):
        lon, lat, _ = GEOD.fwd(116.05, 49.0, 0.0, reach)
        pairs = checker.check_geometry(QgsGeometry.fromWkt(f"POINT({lon!r} {lat!r})"))
        assert [(p.zone_fid, p.relation) for p in pairs] == [(2, WITHIN_BUFFER)], reach
        assert abs(pairs[0].distance_m - reach) < TOLERANCE_M, (reach, pairs)
        line = QgsGeometry.fromWkt(f"LINESTRING({lon!r} {lat!r}, {lon!r} {lat + 0.01!r})")
        assert [(p.zone_fid, p.relation) for p in checker.check_geometry(line)] == [(2, WITHIN_BUFFER)], reach


def test_a_shared_utm_crs_across_the_antimeridian_is_not_scale_corrected(qgis_app):
    """Survey points either side of 180 degrees in UTM 60S: QGIS gives the layer a lon/lat extent
    all round the globe, far beyond where UTM's scale is near true or can be interpolated. The
    UTM grid is kept as it is, as before the scale correction."""
    from pyproj import Transformer

    xs, ys = Transformer.from_crs("EPSG:4326", "EPSG:32760", always_xy=True).transform([179.5, -179.5], [-17.0, -16.5])
    square = f"POLYGON(({xs[0]} {ys[0]}, {xs[0] + 1000} {ys[0]}, {xs[0] + 1000} {ys[0] + 1000}, {xs[0]} {ys[0]}))"
    zones = memory_layer([square], crs="EPSG:32760", geometry="Polygon", name="zone")
    survey = memory_layer([f"POINT({x} {y})" for x, y in zip(xs, ys)], crs="EPSG:32760", name="pt")
    job = prepare_check(survey, zones, 200)
    assert job.frame.kept_source and job.frame.scale_area is None
    assert [p.survey_fid for p in run_check(job).pairs] == [1]


def test_a_survey_crs_is_not_kept_for_world_wide_zones(qgis_app):
    """Zones all round the world in lon/lat, the survey in UTM 50N: zones 90 degrees from UTM's
    central meridian would fold over in it and be 'repaired'. The stereographic frame keeps them."""
    world = [f"POLYGON(({x} {y}, {x + 0.1} {y}, {x + 0.1} {y + 0.1}, {x} {y + 0.1}, {x} {y}))"
             for x in range(-175, 180, 20) for y in (-60, -30, 0, 30, 60)]
    zones = memory_layer(world + [ZONE_LONLAT], crs="EPSG:4326", geometry="Polygon", name="zone")
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True).transform(116.05, 39.95)
    survey = memory_layer([f"POINT({x} {y})", "POINT(440000 4400000)"], crs="EPSG:32650", name="pt")
    job = prepare_check(survey, zones, 200)
    assert job.frame.definition != "EPSG:32650"
    result = run_check(job)
    assert result.messages == [] and result.zones_read == len(world) + 1
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, len(world) + 1)]


def test_ground_scale_interpolation_matches_proj(qgis_app):
    """The scale interpolated over data 12 degrees across matches PROJ's at random points to 1e-5
    (h^2 / (8 R^2) per axis for 50 km grid steps: 7.7e-6), and its maximum bounds every one."""
    from classification_plugin.integration.metric import choose_frame, exact_scale, ground_scale

    frame = choose_frame([QgsCoordinateReferenceSystem("EPSG:4490")], (110.0, 30.0, 122.0, 42.0))
    scale = ground_scale(frame)
    xmin, ymin, xmax, ymax = frame.scale_area
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(xmin, xmax, 2000), rng.uniform(ymin, ymax, 2000)
    exact = exact_scale(frame.definition, xs, ys)
    assert np.abs(scale(xs, ys) / exact - 1.0).max() < 1e-5
    assert exact.max() <= scale.maximum and exact.max() > 1.001  # 800 km from the centre
    outside = scale(np.array([xmax + 1e5]), np.array([ymax]))  # beyond the grid: PROJ itself
    assert outside[0] == exact_scale(frame.definition, np.array([xmax + 1e5]), np.array([ymax]))[0]


# -- readers: GeoPackage blobs, GDAL, QGIS iteration ---------------------------------------------------


@pytest.fixture
def survey_and_zones(tmp_path, qgis_app):
    rng = np.random.default_rng(3)
    lons, lats = rng.uniform(115.95, 116.15, 3000), rng.uniform(39.85, 40.05, 3000)
    # plain floats (tolist) wherever a WKT takes a repr: numpy >= 2 writes repr(np.float64(1.5))
    # as "np.float64(1.5)", which QGIS reads as an empty geometry
    wkts = [f"POINT({x!r} {y!r})" for x, y in zip(lons.tolist(), lats.tolist())]
    wkts[10] = None  # a null geometry
    wkts[11] = "POINT Z(116.05 39.95 80)"
    zones = memory_layer([ZONE_LONLAT, "POLYGON((116.12 39.9, 116.14 39.9, 116.14 39.92, 116.12 39.9))"],
                         geometry="Polygon", name="zone")
    path = tmp_path / "survey.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, name="pt"))
    # leave gaps in the fids, so fid != row number
    assert survey.dataProvider().deleteFeatures([5, 6, 7, 500])
    return survey, write_gpkg(path, "zones", zones)


def test_geopackage_fast_path_matches_the_qgis_fallback(survey_and_zones):
    survey, zones = survey_and_zones
    job = prepare_check(survey, zones, 150, zone_name_field="name")
    fast = run_check(job)
    # lon/lat survey, checked in a metric projection: the zones' boxes are moved into the survey's
    # CRS so that its R-tree still picks the points near them
    assert fast.read_method == "gpkg-rtree"
    full = read_points(job.survey)
    assert full.method == "gpkg" and full.fids.size == 2996
    slow = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    assert slow.read_method == "qgis"
    gdal = run_check(replace(job, survey=replace(job.survey, is_point=False)))
    assert gdal.read_method == "gdal"
    expected = {(p.survey_fid, p.zone_fid): round(p.distance_m, 6) for p in slow.pairs}
    for other in (fast, gdal):
        assert {(p.survey_fid, p.zone_fid): round(p.distance_m, 6) for p in other.pairs} == expected
        assert other.survey_read == slow.survey_read == 2996
        assert other.survey_skipped == slow.survey_skipped == 1
    assert 5 not in fast.conflicting_fids() and 12 in fast.conflicting_fids()  # fid 12 is the Z point
    assert len(expected) > 100
    # the same fids QGIS itself selects with its own geometry engine, for the unbuffered case
    unbuffered = run_check(replace(job, buffer_m=0.0))
    zone_geometries = [f.geometry() for f in zones.getFeatures()]
    qgis_fids = {f.id() for f in survey.getFeatures() if f.hasGeometry()
                 and any(f.geometry().intersects(z) for z in zone_geometries)}
    assert set(unbuffered.conflicting_fids().tolist()) == qgis_fids


def test_subset_string_is_applied_by_gdal(survey_and_zones):
    survey, zones = survey_and_zones
    survey.setSubsetString("fid < 1000")
    result = check_layers(survey, zones, 0)
    assert result.read_method == "gdal"
    assert result.conflicting_fids().max() < 1000
    assert result.survey_read == 995  # fids 1..999 less the deleted 5, 6, 7, 500


def test_memory_layer_falls_back_to_qgis_iteration(qgis_app):
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 39.95)", None, "POINT(117 39)"], name="pt")
    result = check_layers(survey, zones, 0)
    assert result.read_method == "qgis"
    assert [(p.survey_fid, p.relation) for p in result.pairs] == [(1, INSIDE)]
    assert result.survey_skipped == 1
    assert "1 survey feature without geometry was skipped" in result.messages


def test_unsaved_edits_are_read_through_qgis(survey_and_zones):
    survey, zones = survey_and_zones
    survey.startEditing()
    feature = QgsFeature(survey.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POINT(116.01 39.91)"))
    survey.addFeature(feature)
    result = check_layers(survey, zones, 0)
    survey.rollBack()
    assert result.read_method == "qgis"
    assert any(fid < 0 for fid in result.conflicting_fids())  # the new, uncommitted feature


def test_point_blobs_in_both_byte_orders_with_envelopes():
    def gpkg(x, y, little=True, envelope=0, empty=False, z=None):
        order = "<" if little else ">"
        flags = (1 if little else 0) | (envelope << 1) | (0x10 if empty else 0)
        head = b"GP\x00" + bytes([flags]) + struct.pack(order + "i", 4326)
        env = struct.pack(order + "4d", x, x, y, y) if envelope == 1 else b""
        env += struct.pack(order + "6d", x, x, y, y, 0, 0) if envelope == 2 else b""
        wkb_type = 1001 if z is not None else 1
        body = bytes([1 if little else 0]) + struct.pack(order + "I", wkb_type) + struct.pack(order + "2d", x, y)
        return head + env + body + (struct.pack(order + "d", z) if z is not None else b"")

    blobs = [gpkg(1.5, 2.5), gpkg(-3.0, 4.0, little=False), gpkg(5.0, 6.0, envelope=1),
             gpkg(7.0, 8.0, little=False, envelope=2, z=9.0), None, gpkg(np.nan, np.nan, empty=True)]
    xs, ys = parse_point_wkb(blobs, gpkg=True)
    assert xs[:4].tolist() == [1.5, -3.0, 5.0, 7.0] and ys[:4].tolist() == [2.5, 4.0, 6.0, 8.0]
    assert np.isnan(xs[4:]).all() and np.isnan(ys[4:]).all()
    # GDAL reads the coordinates whatever the header's empty flag says: so does the fast path,
    # blob by blob and for a table of same-length blobs; a flagged blob may stop after the type
    flagged = [gpkg(1.5, 2.5, empty=True), gpkg(-3.0, 4.0, little=False, empty=True),
               gpkg(7.0, 8.0, little=False, envelope=2, z=9.0, empty=True), gpkg(np.nan, np.nan, empty=True)]
    xs, ys = parse_point_wkb(flagged, gpkg=True)
    assert xs[:3].tolist() == [1.5, -3.0, 7.0] and ys[:3].tolist() == [2.5, 4.0, 8.0] and np.isnan(xs[3])
    xs, ys = parse_point_wkb([gpkg(1.5, 2.5, empty=True), gpkg(np.nan, np.nan, empty=True)], gpkg=True)
    assert xs[0] == 1.5 and ys[0] == 2.5 and np.isnan(xs[1]) and np.isnan(ys[1])
    short = gpkg(0.0, 0.0, empty=True)[:13]  # header and point type, no coordinates
    xs, _ = parse_point_wkb([short, gpkg(1.0, 2.0)], gpkg=True)
    assert np.isnan(xs[0]) and xs[1] == 1.0
    multipoint = b"\x01" + struct.pack("<II", 4, 1) + b"\x01" + struct.pack("<I2d", 1, 0.0, 0.0)
    with pytest.raises(NoFastPathError):
        parse_point_wkb([multipoint], gpkg=False)


# -- odd inputs: a message, never a traceback ---------------------------------------------------------


def test_empty_survey_and_empty_zones(qgis_app):
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    empty_points = memory_layer([], name="pt")
    result = check_layers(empty_points, zones, 100)
    assert result.pair_count == 0 and any("no features" in m for m in result.messages)
    empty_zones = memory_layer([], geometry="Polygon", name="zone")
    result = check_layers(memory_layer(["POINT(116.05 39.95)"], name="pt"), empty_zones, 100)
    assert result.pair_count == 0 and any("no usable zone" in m for m in result.messages)


def test_invalid_zone_multipart_and_z_survey(qgis_app):
    bow_tie = "POLYGON((116.0 39.9, 116.1 40.0, 116.1 39.9, 116.0 40.0, 116.0 39.9))"
    zones = memory_layer([bow_tie, None], geometry="Polygon", name="zone")
    survey = memory_layer(["MULTILINESTRING Z((117 41 5, 117.1 41 5), (116.01 39.95 5, 116.02 39.95 5))",
                           "LINESTRING(118 41, 118.1 41)"], geometry="MultiLineString", name="track")
    result = check_layers(survey, zones, 0)
    assert result.zones_repaired == 1 and result.zones_skipped == 1
    assert [p.survey_fid for p in result.pairs] == [1]
    assert "1 invalid zone geometry was repaired" in result.messages
    assert "1 zone without a usable polygon was skipped" in result.messages


def test_cancel_and_progress(qgis_app):
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 39.95)"], name="pt")
    feedback = QgsProcessingFeedback()
    seen = []
    feedback.progressChanged.connect(seen.append)
    assert check_layers(survey, zones, 0, feedback=feedback).pair_count == 1
    assert seen[-1] == 100
    feedback.cancel()
    result = check_layers(survey, zones, 0, feedback=feedback)
    assert result.canceled and result.pair_count == 0


class CancelOnceZonesAreRead:
    """A plain feedback (Qt signals would queue to the main thread the test blocks): it cancels
    when the check reports the zones done, i.e. while the survey's R-tree search runs."""

    def __init__(self):
        self.canceled = False

    def setProgress(self, value):
        self.canceled = self.canceled or value >= 20

    def isCanceled(self):
        return self.canceled


def test_cancel_interrupts_a_running_rtree_search(survey_and_zones, monkeypatch):
    """The search is replaced by a statement that never ends on its own: the check returns only
    if a cancel interrupts SQLite (it used to wait for the search to finish)."""
    import threading

    from classification_plugin.integration import fast_reader

    started = threading.Event()

    def endless(self, boxes, growth):
        started.set()
        try:
            self.db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                            "SELECT count(*) FROM c").fetchone()
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error

    monkeypatch.setattr(fast_reader.PointSearch, "_search", endless)  # what near() and near_attached() run
    survey, zones = survey_and_zones
    job = prepare_check(survey, zones, 200)
    results = []
    worker = threading.Thread(target=lambda: results.append(run_check(job, CancelOnceZonesAreRead())), daemon=True)
    worker.start()
    worker.join(20)
    assert started.is_set() and not worker.is_alive()
    assert results[0].canceled and results[0].pair_count == 0
    assert results[0].messages == ["The protected-area check was canceled"]


class CancelLater:
    """A plain feedback the test cancels from its own thread, whenever it likes."""

    canceled = False

    def setProgress(self, value):
        pass

    def isCanceled(self):
        return self.canceled


@pytest.mark.parametrize("when", ["zones read", "search done"])
def test_cancel_interrupts_a_slow_count(survey_and_zones, monkeypatch, when):
    """Counting the survey's features (slow when many are not in its R-tree) runs beside the
    search on a connection of its own: a cancel interrupts it too, whether it comes as the zones
    are done or while the check waits for the count once the search is over (0.5 s after the
    count starts, the small search has long ended). Here the count never ends on its own."""
    import threading
    import time

    from classification_plugin.integration import fast_reader

    started, original = threading.Event(), fast_reader._unindexed

    def endless_for_the_survey(db, table, *args):
        if table.startswith("cg_zones."):
            return original(db, table, *args)
        started.set()
        try:
            db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                       "SELECT count(*) FROM c").fetchone()
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error

    monkeypatch.setattr(fast_reader, "_unindexed", endless_for_the_survey)
    survey, zones = survey_and_zones
    results = []
    feedback = CancelOnceZonesAreRead() if when == "zones read" else CancelLater()
    worker = threading.Thread(target=lambda: results.append(run_check(prepare_check(survey, zones, 200), feedback)),
                              daemon=True)
    worker.start()
    if when == "search done":
        assert started.wait(20)
        time.sleep(0.5)
        feedback.canceled = True
    worker.join(20)
    assert started.is_set() and not worker.is_alive()
    assert results[0].canceled and results[0].pair_count == 0


def test_an_sqlite_error_in_the_zone_rtree_search_falls_back_to_the_boxes(survey_and_zones, monkeypatch):
    """When the search from the zones' own R-tree fails in SQLite (a damaged attached file, say),
    the boxes of the zones start another: the points are still found through the survey's R-tree."""
    from classification_plugin.integration import fast_reader

    survey, zones = survey_and_zones
    job = prepare_check(survey, zones, 150, zone_name_field="name")
    expected = [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in run_check(job).pairs]

    def damaged(self, *growth):
        raise NoFastPathError("database disk image is malformed")

    monkeypatch.setattr(fast_reader.PointSearch, "near_attached", damaged)
    result = run_check(job)
    assert result.read_method == "gpkg-rtree"
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in result.pairs] == expected
    assert len(expected) > 10


def test_why_a_search_could_not_open_reaches_the_search(tmp_path, qgis_app):
    """open() runs in the worker and nobody reads its future: near() gives its reason, and an
    unexpected error as itself (it used to leave the check rather than fall back quietly)."""
    from classification_plugin.integration.fast_reader import PointSearch

    path = tmp_path / "no_index.gpkg"
    survey = write_gpkg(path, "points", memory_layer(["POINT(116.05 39.95)"], name="pt"))
    with closing(sqlite3.connect(path)) as db:
        db.execute('DROP TABLE "rtree_points_geom"')
    search = PointSearch(prepare_check(survey, survey, 0).survey)
    with pytest.raises(NoFastPathError, match="no spatial index"):
        search.open()
    with pytest.raises(NoFastPathError, match="could not be opened: no spatial index"):
        search.near(np.array([[0.0, 0.0, 1.0, 1.0]]))
    search.close()
    broken = PointSearch(prepare_check(survey, survey, 0).survey)
    broken.failure = OSError("disk gone")
    with pytest.raises(OSError, match="disk gone"):
        broken.near(np.array([[0.0, 0.0, 1.0, 1.0]]))


def test_a_canceled_search_refuses_to_start(survey_and_zones):
    from classification_plugin.integration.fast_reader import PointSearch

    survey, _ = survey_and_zones
    search = PointSearch(prepare_check(survey, survey_and_zones[1], 0).survey)
    search.cancel()
    with pytest.raises(NoFastPathError, match="canceled"):
        search.open()
    search.close()


def _grid_points_gpkg(tmp_path, count=3000, seed=7):
    """A GeoPackage of ``count`` random points in 116-117 E, 39-40 N (fids 1..count), and their x/y."""
    rng = np.random.default_rng(seed)
    xs, ys = rng.uniform(116.0, 117.0, count), rng.uniform(39.0, 40.0, count)
    survey = write_gpkg(tmp_path / "many.gpkg", "points",
                        memory_layer([f"POINT({x!r} {y!r})" for x, y in zip(xs.tolist(), ys.tolist())], name="pt"))
    assert sorted(f.id() for f in survey.getFeatures()) == list(range(1, count + 1))
    return survey, xs, ys


def _in_boxes(path, boxes):
    """The fids whose R-tree entry meets one of ``boxes``, from the R-tree's rows (float32 bounds,
    rounded outward: a point a rounding away from a box is found too, as the search finds it)."""
    with closing(sqlite3.connect(path)) as db:
        entries = np.array(db.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_points_geom").fetchall())
    inside = np.zeros(len(entries), bool)
    for minx, miny, maxx, maxy in boxes:
        inside |= ((entries[:, 1] <= maxx) & (entries[:, 2] >= minx) & (entries[:, 3] <= maxy)
                   & (entries[:, 4] >= miny))
    return np.sort(entries[inside, 0].astype(np.int64))


def test_a_search_in_parts_on_two_connections_finds_each_point_once(tmp_path, qgis_app, monkeypatch):
    """600 overlapping boxes are searched in parts, on the search's connection and a second one at
    once: every point in a box comes back once, by fid, with the coordinates as stored."""
    import threading

    from classification_plugin.integration import fast_reader

    survey, xs, ys = _grid_points_gpkg(tmp_path)
    rng = np.random.default_rng(8)
    corner = np.column_stack([rng.uniform(116.0, 117.0, 600), rng.uniform(39.0, 40.0, 600)])
    boxes = np.hstack([corner, corner + rng.uniform(0.005, 0.08, (600, 2))])
    threads, real = set(), fast_reader._part_points
    both = threading.Barrier(2, timeout=20)  # each connection's first part waits for the other's

    def spy(db, *args):
        if threading.get_ident() not in threads:
            threads.add(threading.get_ident())
            both.wait()  # (else the first connection could take every part before the second is open)
        return real(db, *args)

    monkeypatch.setattr(fast_reader, "_part_points", spy)
    search = fast_reader.PointSearch(prepare_check(survey, survey, 0).survey).open()
    try:
        found = search.near(boxes)
    finally:
        search.close()
    expected = _in_boxes(tmp_path / "many.gpkg", boxes)
    assert len(fast_reader._box_parts(600)) >= 8 and len(threads) == 2
    assert found.fids.tolist() == expected.tolist() and expected.size > 500
    assert np.array_equal(found.xs, xs[expected - 1]) and np.array_equal(found.ys, ys[expected - 1])


def test_a_search_reads_rows_one_by_one_when_the_blobs_differ_in_length(tmp_path, qgis_app):
    """Some points stored with an envelope in their GeoPackage header (longer blobs): the part's
    aggregated row cannot be cut into equal blobs, so its rows are read one by one, same result."""
    from classification_plugin.integration.fast_reader import PointSearch

    survey, xs, ys = _grid_points_gpkg(tmp_path, 400)
    with closing(sqlite3.connect(tmp_path / "many.gpkg")) as db:
        for name, in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f'DROP TRIGGER "{name}"')  # GDAL's (its SQL functions): the R-tree stays as it is
        for fid, blob in db.execute("SELECT fid, geom FROM points WHERE fid % 3 = 0").fetchall():
            x, y = struct.unpack("<dd", blob[-16:])
            flags = blob[3] | 0b0000_0010 | 1  # envelope [minx, maxx, miny, maxy], little-endian
            db.execute("UPDATE points SET geom = ? WHERE fid = ?",
                       (blob[:3] + bytes([flags]) + blob[4:8] + struct.pack("<4d", x, x, y, y) + blob[8:], fid))
        db.commit()
    search = PointSearch(prepare_check(survey, survey, 0).survey).open()
    try:
        found = search.near(np.array([[116.0, 39.0, 116.6, 39.7], [116.5, 39.5, 117.0, 40.0]]))
    finally:
        search.close()
    expected = _in_boxes(tmp_path / "many.gpkg", [[116.0, 39.0, 116.6, 39.7], [116.5, 39.5, 117.0, 40.0]])
    assert found.fids.tolist() == expected.tolist() and (expected % 3 == 0).any()
    assert np.array_equal(found.xs, xs[expected - 1]) and np.array_equal(found.ys, ys[expected - 1])


class CancelOnceBothRun:
    """A plain feedback that cancels once two threads have started a statement (``started``)."""

    def __init__(self, started):
        self.started = started

    def setProgress(self, value):
        pass

    def isCanceled(self):
        return len(set(self.started)) == 2


def test_cancel_interrupts_both_connections_of_a_search_in_parts(survey_and_zones, monkeypatch):
    """Each part's statement never ends on its own, on either connection: once both run, the check
    returns only if a cancel interrupts both (the search waits for its second connection)."""
    import threading

    from classification_plugin.integration import fast_reader

    started = []

    def endless(db, *args):
        started.append(threading.get_ident())
        try:
            db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
                       ).fetchone()
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error

    monkeypatch.setattr(fast_reader, "_box_parts", lambda count: [(1, 1), (2, max(count, 2))])
    monkeypatch.setattr(fast_reader, "_part_points", endless)
    survey, zones = survey_and_zones
    results = []
    worker = threading.Thread(target=lambda: results.append(run_check(prepare_check(survey, zones, 200),
                                                                      CancelOnceBothRun(started))), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive() and len(set(started)) == 2
    assert results[0].canceled and results[0].pair_count == 0


def test_zone_checker_for_one_edited_feature(qgis_app):
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 39.95)"], crs="EPSG:4490", name="pt")
    checker = ZoneChecker.for_layers(survey, zones, 200, zone_name_field="name")
    lon, lat = offset_east(116.1, 39.95, 180.0)
    pairs = checker.check_geometry(QgsGeometry.fromWkt(f"POINT({lon!r} {lat!r})"), fid=9)
    expected = geodesic_to_segment(lon, lat, (116.1, 39.9), (116.1, 40.0))
    assert len(pairs) == 1 and pairs[0].survey_fid == 9 and pairs[0].zone_name == "zone0"
    assert abs(pairs[0].distance_m - expected) < TOLERANCE_M
    lon, lat = offset_east(116.1, 39.95, 220.0)
    assert checker.check_geometry(QgsGeometry.fromWkt(f"POINT({lon!r} {lat!r})")) == []
    assert checker.check_geometry(QgsGeometry()) == []


# -- the Processing algorithm ---------------------------------------------------------------------


def test_processing_algorithm_output(protected_provider, survey_and_zones):
    import processing

    survey, zones = survey_and_zones
    result = processing.run("classification:checkprotectedareas", {
        "INPUT": survey, "PROTECTED": zones, "ZONE_NAME_FIELD": "name", "ZONE_KIND": 1, "BUFFER": 150,
        "OUTPUT": "memory:",
    })
    output = result["OUTPUT"]
    assert [f.name() for f in output.fields()] == [
        "survey_fid", "zone_fid", "zone_name", "zone_kind", "distance_m", "relation"]
    features = list(output.getFeatures())
    expected = check_layers(survey, zones, 150, zone_name_field="name", zone_kind="nature_reserve")
    assert result["CONFLICTS"] == len(features) == expected.pair_count
    assert result["CONFLICTING_FEATURES"] == len({f["survey_fid"] for f in features}) == expected.feature_count
    assert {f["relation"] for f in features} == {INSIDE, WITHIN_BUFFER}
    assert {f["zone_kind"] for f in features} == {"nature_reserve"}
    survey_geometries = {f.id(): f.geometry() for f in survey.getFeatures()}
    for feature in features[:50]:
        assert feature.geometry().equals(survey_geometries[feature["survey_fid"]])
        assert (feature["relation"] == INSIDE) == (feature["distance_m"] == 0)
        assert feature["zone_name"] in ("zone0", "zone1")


@pytest.mark.parametrize("output", ["memory", "GeoPackage"])
def test_processing_algorithm_with_no_conflicts(protected_provider, qgis_app, tmp_path, output):
    import processing

    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(120 30)"], name="pt")
    destination = "memory:" if output == "memory" else str(tmp_path / "none.gpkg")
    result = processing.run("classification:checkprotectedareas",
                            {"INPUT": survey, "PROTECTED": zones, "OUTPUT": destination})
    assert result["CONFLICTS"] == 0 and result["CONFLICTING_FEATURES"] == 0
    layer = result["OUTPUT"] if output == "memory" else QgsVectorLayer(result["OUTPUT"], "none", "ogr")
    assert layer.isValid() and layer.featureCount() == 0
    if output == "GeoPackage":
        with closing(sqlite3.connect(tmp_path / "none.gpkg")) as db:
            assert db.execute("SELECT rtreecheck('rtree_none_geom')").fetchone()[0] == "ok"


@pytest.mark.parametrize("points, zone_count, message", [
    (["POINT(116.05 39.95)"], 1, "1 conflicting pair, 1 survey feature in or near protected areas"),
    (["POINT(116.05 39.95)"], 2, "2 conflicting pairs, 1 survey feature in or near protected areas"),
    (["POINT(116.05 39.95)", "POINT(116.06 39.96)"], 1,
     "2 conflicting pairs, 2 survey features in or near protected areas"),
    (["POINT(120 30)"], 1, "0 conflicting pairs, 0 survey features in or near protected areas"),
])
def test_processing_algorithm_summary_singular_and_plural(protected_provider, qgis_app, points, zone_count,
                                                          message):
    import processing

    zones = memory_layer([ZONE_LONLAT] * zone_count, geometry="Polygon", name="zone")
    survey = memory_layer(points, name="pt")
    feedback = QgsProcessingFeedback()
    processing.run("classification:checkprotectedareas", {"INPUT": survey, "PROTECTED": zones, "OUTPUT": "memory:"},
                   feedback=feedback)
    assert message in feedback.textLog().splitlines(), feedback.textLog()


def test_geopackage_rtree_prefilter_matches_the_qgis_fallback(tmp_path, qgis_app):
    """Survey and zones in one metric CRS: only points near zones are read, through the R-tree."""
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(440_000, 460_000, 4000), rng.uniform(4_420_000, 4_440_000, 4000)
    wkts = [f"POINT({x!r} {y!r})" for x, y in zip(xs.tolist(), ys.tolist())]
    wkts[3] = None
    zones = memory_layer([f"POLYGON(({x} {y}, {x + 900} {y}, {x + 900} {y + 700}, {x} {y}))"
                          for x, y in zip(rng.uniform(440_000, 459_000, 30), rng.uniform(4_420_000, 4_439_000, 30))],
                         crs="EPSG:32650", geometry="Polygon", name="zone")
    path = tmp_path / "utm.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, crs="EPSG:32650", name="pt"))
    zones = write_gpkg(path, "zones", zones)
    for buffer in (0.0, 250.0):
        job = prepare_check(survey, zones, buffer)
        fast = run_check(job)
        slow = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
        assert (fast.read_method, slow.read_method) == ("gpkg-rtree", "qgis")
        assert fast.survey_read == slow.survey_read == 4000
        assert fast.survey_skipped == slow.survey_skipped == 1
        assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
            [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in slow.pairs]
        assert fast.pair_count > 20


def test_rtree_prefilter_across_crss_keeps_points_at_the_buffer_edge(tmp_path, qgis_app):
    """Survey in CGCS2000 lon/lat, zones in UTM 50N: points placed just inside and just outside the
    200 m buffer of each zone, in every direction, must come out as the full read says."""
    # 40 zones 600 x 400 m on a 3 km grid: no point is near two zones
    gx, gy = np.meshgrid(440_000 + 3_000.0 * np.arange(8), 4_420_000 + 3_000.0 * np.arange(5))
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    zones = memory_layer([f"POLYGON(({x - 300} {y - 200}, {x + 300} {y - 200}, {x + 300} {y + 200}, "
                          f"{x - 300} {y + 200}, {x - 300} {y - 200}))" for x, y in centres],
                         crs="EPSG:32650", geometry="Polygon", name="zone")
    memory_zones = zones
    to_cgcs = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32650"),
                                     QgsCoordinateReferenceSystem("EPSG:4490"), QgsProject.instance())
    wkts = []
    for x, y in centres:  # 0.5 m inside and outside the buffer, beyond each side and each corner
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            for reach in (199.5, 200.5):
                point = to_cgcs.transform(QgsPointXY(x + dx * (300 + reach), y + dy * (200 + reach)))
                wkts.append(f"POINT({point.x()!r} {point.y()!r})")
        for sx, sy in ((1, 1), (-1, -1), (1, -1), (-1, 1)):
            for reach in (199.5, 200.5):
                d = reach / np.sqrt(2)
                point = to_cgcs.transform(QgsPointXY(x + sx * (300 + d), y + sy * (200 + d)))
                wkts.append(f"POINT({point.x()!r} {point.y()!r})")
    far = to_cgcs.transform(QgsPointXY(400_000, 4_400_000))
    wkts += [f"POINT({far.x()!r} {far.y()!r})"] * 50
    path = tmp_path / "mixed.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, crs="EPSG:4490", name="pt"))
    zones = write_gpkg(path, "zones", zones)
    job = prepare_check(survey, zones, 200.0)
    boxes = survey_boxes(job, build_zone_index(job).bounds)
    assert boxes.shape == (40, 4) and (boxes[:, 0] > 116).all() and (boxes[:, 1] > 39).all()
    fast = run_check(job)
    slow = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    assert (fast.read_method, slow.read_method) == ("gpkg-rtree", "qgis")
    assert fast.survey_read == slow.survey_read == len(wkts)
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in slow.pairs]
    # every point at 199.5 m is in, every point at 200.5 m out: 8 per zone, nothing more
    assert fast.feature_count == 40 * 8
    # zones GDAL cannot read (a memory layer): their boxes come from the geometries, same answer
    from_memory = run_check(prepare_check(survey, memory_zones, 200.0))
    assert from_memory.read_method == "gpkg-rtree"
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in from_memory.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs]
    # 199.5 m on the UTM grid is 199.42-199.5 m on the ground (UTM's scale factor near 0.9996 here)
    distances = sorted(round(p.distance_m, 3) for p in fast.pairs)
    assert distances[0] > 199.4 and distances[-1] < 199.6, (distances[:3], distances[-3:])


def _forbid(monkeypatch, owner, name, why):
    def forbidden(*args, **kwargs):
        raise AssertionError(why)

    monkeypatch.setattr(owner, name, forbidden)


def _lonlat_edge_points(lats, buffer_m=200.0):
    """Zones 0.01 x 0.005 degree at each of ``lats`` (degrees north, longitude 100), and points
    0.5 m inside and outside ``buffer_m`` beyond every side and corner of each, plus 20 far ones."""
    zones, wkts = [], []
    for lat in lats:
        west, east, south, north = 100.0, 100.01, lat, lat + 0.005
        zones.append(f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))")
        mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
        starts = {90: (east, mid_lat), 270: (west, mid_lat), 0: (mid_lon, north), 180: (mid_lon, south),
                  45: (east, north), 135: (east, south), 225: (west, south), 315: (west, north)}
        for azimuth, (lon, lat0) in starts.items():
            for reach in (buffer_m - 0.5, buffer_m + 0.5):
                x, y, _ = GEOD.fwd(lon, lat0, azimuth, reach)
                wkts.append(f"POINT({x!r} {y!r})")
    wkts += ["POINT(101.0 45.0)"] * 20  # far from every zone
    return zones, wkts


@pytest.mark.parametrize("zone_source", ["geopackage", "memory"])
def test_lonlat_layers_start_the_search_before_projecting_the_zones(tmp_path, qgis_app, monkeypatch, zone_source):
    """Survey and zones both in CGCS2000 lon/lat: the search boxes come from the zones in degrees,
    before they are projected: from their own R-tree when they are a GeoPackage table, from the
    zones as read otherwise. Points 0.5 m inside and outside the 200 m buffer beyond every side
    and corner of zones at 20, 45 and 70 degrees north come out as the full read says."""
    from classification_plugin.integration import fast_reader, protected_check

    zones, wkts = _lonlat_edge_points((20.0, 45.0, 70.0))
    path = tmp_path / "lonlat.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, crs="EPSG:4490", name="pt"))
    zone_layer = memory_layer(zones, crs="EPSG:4490", geometry="Polygon", name="zone")
    if zone_source == "geopackage":
        zone_layer = write_gpkg(path, "zones", zone_layer)
    job = prepare_check(survey, zone_layer, 200.0)
    assert job.frame.description.startswith("oblique stereographic")
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))

    _forbid(monkeypatch, protected_check, "survey_boxes", "the boxes should come from the zones before projecting")
    if zone_source == "geopackage":
        _forbid(monkeypatch, fast_reader.PointSearch, "near", "the boxes should come from the zones' R-tree")
    else:
        _forbid(monkeypatch, fast_reader.PointSearch, "near_attached", "memory zones have no R-tree")
    fast = run_check(job)
    assert (fast.read_method, full.read_method) == ("gpkg-rtree", "qgis")
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in full.pairs]
    assert fast.feature_count == 3 * 8  # every 199.5 m point, no 200.5 m one
    assert all(abs(p.distance_m - 199.5) < TOLERANCE_M for p in fast.pairs)


def test_unbuffered_lonlat_layers_are_checked_in_degrees(tmp_path, qgis_app, qgis_processing, monkeypatch):
    """Survey and zones sharing a lon/lat CRS, no buffer: nothing is measured, so the check runs in
    degrees on the zones as their file defines them (edges straight in lon/lat), projecting nothing. Boxes
    at 20, 45 and 70 degrees north, one 4 degrees wide on the 60th parallel and a triangle with a
    slanted edge; points a millionth of a degree either side of the middle of every edge, on it,
    and on every corner. The pairs are shapely's in degrees and a full read's, and the features
    those QGIS's own extractbylocation finds."""
    import processing
    import shapely

    from classification_plugin.integration import metric

    boxes = [(100.0, 20.0, 100.01, 20.005), (100.0, 45.0, 100.01, 45.005), (100.0, 70.0, 100.01, 70.005),
             (96.0, 60.0, 100.0, 60.01)]
    rings = [[(w, s), (e, s), (e, n), (w, n)] for w, s, e, n in boxes] + [[(101.0, 30.0), (101.3, 30.0), (101.0, 30.2)]]
    polygons = [shapely.Polygon(ring) for ring in rings]
    points, inner, outer = [], [], []
    for zone, ring in enumerate(rings, start=1):
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            mx, my = (ax + bx) / 2, (ay + by) / 2
            nx, ny = (by - ay), -(bx - ax)  # the edge's normal, outward for these anticlockwise rings
            length = float(np.hypot(nx, ny))
            inner += [(len(points) + 1, zone), (len(points) + 3, zone)]  # the corner, the point inside
            outer.append(len(points) + 4)
            points += [(ax, ay), (mx, my)] + [(mx + k * 1e-6 * nx / length, my + k * 1e-6 * ny / length)
                                              for k in (-1, 1)]
    points.append((110.0, 50.0))  # far from every zone
    path = tmp_path / "lonlat_unbuffered.gpkg"
    survey = write_gpkg(path, "points", memory_layer([f"POINT({x!r} {y!r})" for x, y in points], crs="EPSG:4490",
                                                     name="pt"))
    zone_layer = write_gpkg(path, "zones", memory_layer([shapely.to_wkt(p) for p in polygons], crs="EPSG:4490",
                                                        geometry="Polygon", name="zone"))
    job = prepare_check(survey, zone_layer, 0.0)
    assert job.frame.definition == job.zones.crs == job.survey.crs and job.tolerance == 0.0
    assert prepare_check(survey, zone_layer, 1.0).frame.description.startswith("oblique stereographic")

    _forbid(monkeypatch, metric, "_transformer", "nothing should be projected")
    fast = run_check(job)
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    assert (fast.read_method, full.read_method) == ("gpkg-rtree", "qgis")
    xs, ys = np.array(points).T
    expected = [(int(s) + 1, int(z) + 1) for s, z in zip(*np.nonzero(
        shapely.intersects_xy(np.array(polygons)[None, :], xs[:, None], ys[:, None])))]
    assert set(inner) <= set(expected) and not {s for s, _ in expected} & set(outer)
    assert [(p.survey_fid, p.zone_fid) for p in fast.pairs] == sorted(expected)
    assert [(p.survey_fid, p.zone_fid) for p in full.pairs] == sorted(expected)
    assert all(p.relation == INSIDE and p.distance_m == 0 for p in fast.pairs)

    monkeypatch.undo()
    native = processing.run("native:extractbylocation", {"INPUT": survey, "PREDICATE": [0], "INTERSECT": zone_layer,
                                                          "OUTPUT": "memory:"})["OUTPUT"]
    assert sorted(int(f["name"][2:]) + 1 for f in native.getFeatures()) == sorted({s for s, _ in expected})


def test_editing_check_of_unbuffered_lonlat_layers_is_in_degrees(qgis_app):
    """The check of one edited feature (the survey watcher's, while editing) takes the same frame:
    in degrees, a point on the zone's east edge is inside, one 1e-7 degree east of it is not."""
    zones = memory_layer([ZONE_LONLAT], geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 39.95)"], name="pt")
    checker = ZoneChecker.for_layers(survey, zones, 0.0)
    assert checker.job.frame.definition == checker.job.zones.crs
    assert [p.relation for p in checker.check_geometry(QgsGeometry.fromWkt("POINT(116.1 39.95)"))] == [INSIDE]
    assert checker.check_geometry(QgsGeometry.fromWkt("POINT(116.1000001 39.95)")) == []
    assert len(checker.check_geometry(QgsGeometry.fromWkt("LINESTRING(115.9 39.95, 116.05 39.95)"))) == 1


def test_zone_rtree_search_in_a_shared_utm_crs_reaches_the_ground_buffer(tmp_path, qgis_app, monkeypatch):
    """Survey and zones in one GeoPackage, both in UTM 50N, 400 km east of the central meridian
    near 9 degrees north, where a ground metre is 1.0016 grid metres. The zones' own R-tree boxes
    start the search; they must grow by the 1,000 m buffer on the ground, 1,001.6 grid metres:
    points 1,001.0 grid metres beyond every side and corner (999.4 m on the ground) are in,
    points 1,002.5 grid metres away (1,000.9 m) are out. The R-tree's float32 boxes round by
    0.06 m here, well under the 1 m a buffer taken on the grid would miss."""
    from classification_plugin.integration import fast_reader

    gx, gy = np.meshgrid(900_000 + 5_000.0 * np.arange(4), 1_000_000 + 5_000.0 * np.arange(3))
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    zones = memory_layer([f"POLYGON(({x - 300} {y - 200}, {x + 300} {y - 200}, {x + 300} {y + 200}, "
                          f"{x - 300} {y + 200}, {x - 300} {y - 200}))" for x, y in centres],
                         crs="EPSG:32650", geometry="Polygon", name="zone")
    wkts = []
    for x, y in centres.tolist():
        for reach in (1001.0, 1002.5):
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                wkts.append(f"POINT({x + dx * (300 + reach)!r} {y + dy * (200 + reach)!r})")
            d = reach / float(np.sqrt(2))
            for sx, sy in ((1, 1), (-1, -1), (1, -1), (-1, 1)):
                wkts.append(f"POINT({x + sx * (300 + d)!r} {y + sy * (200 + d)!r})")
    wkts += ["POINT(890000 990000)"] * 20
    path = tmp_path / "utm_far_east.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, crs="EPSG:32650", name="pt"))
    zone_layer = write_gpkg(path, "zones", zones)
    job = prepare_check(survey, zone_layer, 1000.0)
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    _forbid(monkeypatch, fast_reader.PointSearch, "near", "the boxes should come from the zones' R-tree")
    fast = run_check(job)
    assert (fast.read_method, full.read_method) == ("gpkg-rtree", "qgis")
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in full.pairs]
    assert fast.feature_count == 12 * 8  # the 1,001.0 grid-metre points, none of the others
    assert all(999.2 < p.distance_m < 999.6 for p in fast.pairs), sorted(p.distance_m for p in fast.pairs)[:3]


def _log_search_order(monkeypatch):
    """A list that gets "boxes" when the search's boxes are worked out from zones as read or
    indexed, and "index" when the zones start being indexed. The worker gets all the time it
    needs to say whether the zones' R-tree can serve (50 ms in use)."""
    from classification_plugin.integration import protected_check

    log = []

    def logging(original, entry):
        def logged(*args):
            log.append(entry)
            return original(*args)
        return logged

    for name, entry in (("survey_boxes", "boxes"), ("lonlat_survey_boxes", "boxes"), ("index_zones", "index")):
        monkeypatch.setattr(protected_check, name, logging(getattr(protected_check, name), entry))
    monkeypatch.setattr(protected_check, "_SEARCH_START_WAIT_S", 30.0)
    return log


def test_zones_without_a_geopackage_rtree_start_the_search_as_read(tmp_path, qgis_app, monkeypatch):
    """Zones in a shapefile beside a GeoPackage survey, both in UTM: the search takes the boxes of
    the zones as read, before they are indexed; same answer as a full read."""
    from qgis.core import QgsVectorFileWriter

    zones = memory_layer(["POLYGON((440000 4420000, 440900 4420000, 440900 4420700, 440000 4420000))"],
                         crs="EPSG:32650", geometry="Polygon", name="zone")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    error = QgsVectorFileWriter.writeAsVectorFormatV2(zones, str(tmp_path / "zones.shp"),
                                                      QgsProject.instance().transformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    zone_layer = QgsVectorLayer(str(tmp_path / "zones.shp"), "zones", "ogr")
    points = [f"POINT({x} 4420100)" for x in (440600, 440950, 441100, 450000)]
    survey = write_gpkg(tmp_path / "survey.gpkg", "points", memory_layer(points, crs="EPSG:32650", name="pt"))
    job = prepare_check(survey, zone_layer, 100.0)
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    order = _log_search_order(monkeypatch)
    fast = run_check(job)
    assert order == ["boxes", "index"]
    assert (fast.read_method, full.read_method) == ("gpkg-rtree", "qgis")
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in full.pairs]
    assert [p.survey_fid for p in fast.pairs] == [1, 2]


def test_near_attached_grows_each_zone_box_as_asked(tmp_path, qgis_app):
    """The zones' R-tree boxes grow by grow_x on the east and west, grow_y on the north and south,
    plus a fraction of the box's longer side and a constant on all four: here 20 + 0.02 * 1000 + 5
    = 45 m east and west, 0 + 20 + 5 = 25 m north and south. Points 2 m either side of each."""
    from classification_plugin.integration.fast_reader import PointSearch

    zone = "POLYGON((500000 1000000, 501000 1000000, 501000 1000500, 500000 1000500, 500000 1000000))"
    points = {1: (501043, 1000250), 2: (501047, 1000250), 3: (499957, 1000250), 4: (499953, 1000250),
              5: (500500, 1000523), 6: (500500, 1000527), 7: (500500, 999977), 8: (500500, 999973)}
    path = tmp_path / "grow.gpkg"
    survey = write_gpkg(path, "points", memory_layer([f"POINT({x} {y})" for x, y in points.values()],
                                                     crs="EPSG:32650", name="pt"))
    zones = write_gpkg(path, "zones", memory_layer([zone], crs="EPSG:32650", geometry="Polygon", name="zone"))
    job = prepare_check(survey, zones, 0.0)
    search = PointSearch(job.survey).open()
    try:
        extent = search.attach_boxes(job.zones)
        assert extent == (500000.0, 1000000.0, 501000.0, 1000500.0, 1000.0)
        found = search.complete(search.near_attached(20.0, 0.0, 0.02, 5.0))
        assert sorted(found.fids.tolist()) == [1, 3, 5, 7]
        assert (found.total, found.nulls) == (8, 0)
    finally:
        search.close()


def test_null_zones_leave_the_zone_rtree_search_in_use(tmp_path, qgis_app, monkeypatch):
    """A zone with no geometry is not in its R-tree, and needs no box: the search still starts
    from the zones' own R-tree."""
    from classification_plugin.integration import fast_reader

    zones = memory_layer(["POLYGON((440000 4420000, 440900 4420000, 440900 4420700, 440000 4420000))", None],
                         crs="EPSG:32650", geometry="Polygon", name="zone")
    points = [f"POINT({x} 4420100)" for x in (440600, 440950, 441100, 450000)]
    path = tmp_path / "nulls.gpkg"
    survey = write_gpkg(path, "points", memory_layer(points, crs="EPSG:32650", name="pt"))
    zone_layer = write_gpkg(path, "zones", zones)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM rtree_zones_geom").fetchone()[0] == 1
    _forbid(monkeypatch, fast_reader.PointSearch, "near", "the boxes should come from the zones' R-tree")
    result = run_check(prepare_check(survey, zone_layer, 100.0))
    assert result.read_method == "gpkg-rtree"
    assert [p.survey_fid for p in result.pairs] == [1, 2]
    assert result.zones_skipped == 1


def test_a_zone_out_of_its_rtree_behind_an_empty_flag_is_still_checked(tmp_path, qgis_app, monkeypatch):
    """A zone whose GeoPackage header says "empty" over a real polygon, left out of the R-tree
    (GDAL's trigger skips such rows): GDAL reads the polygon, so the search must not trust the
    R-tree; it starts from the zones as read, before they are indexed."""
    # every update trigger GDAL may have written: GeoPackage 1.2's update1-4 (GDAL 3.6, 3.10) or
    # 1.4's update2, 4, 5, 6, 7 (GDAL 3.13, Debian sid), whose ST_IsEmpty plain sqlite3 lacks
    drop_updates = "".join(f"DROP TRIGGER IF EXISTS rtree_zones_geom_update{n};" for n in range(1, 8))
    job = _stale_index_copy(tmp_path, drop_updates + """
        UPDATE zones SET geom = CAST(substr(geom, 1, 3) || x'13' || substr(geom, 5) AS BLOB) WHERE fid = 1;
        DELETE FROM rtree_zones_geom WHERE id = 1;""")
    with closing(sqlite3.connect(job.zones.path)) as db:
        flagged = db.execute("SELECT geom FROM zones WHERE fid = 1").fetchone()[0]
        assert isinstance(flagged, bytes) and flagged[3] == 0x13 and len(flagged) > 100
    order = _log_search_order(monkeypatch)
    result = run_check(job)
    assert order == ["boxes", "index"]
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, 1), (2, 2)]
    assert result.read_method == "gpkg-rtree"


def test_zone_rtree_boxes_give_way_near_a_pole(tmp_path, qgis_app, monkeypatch):
    """Lon/lat zones at 80 degrees north, where boxes in degrees cannot be trusted: the search
    does not take the zones' R-tree boxes, and the answer is the full read's."""
    from classification_plugin.integration import fast_reader

    zones, wkts = _lonlat_edge_points((80.0,))
    path = tmp_path / "polar.gpkg"
    survey = write_gpkg(path, "points", memory_layer(wkts, crs="EPSG:4490", name="pt"))
    zone_layer = write_gpkg(path, "zones", memory_layer(zones, crs="EPSG:4490", geometry="Polygon", name="zone"))
    job = prepare_check(survey, zone_layer, 200.0)
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    _forbid(monkeypatch, fast_reader.PointSearch, "near_attached", "boxes in degrees cannot hold the buffer here")
    fast = run_check(job)
    assert full.read_method == "qgis" and fast.read_method != "qgis"
    assert [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in fast.pairs] == \
        [(p.survey_fid, p.zone_fid, round(p.distance_m, 6)) for p in full.pairs]
    assert fast.feature_count == 8


def test_zone_rtree_growth_in_degrees(qgis_app):
    """How the zones' own R-tree boxes grow in a shared lon/lat CRS (the extent is the R-tree's:
    minx, miny, maxx, maxy, longest side): the buffer in degrees at the highest latitude, and
    nothing when the grown boxes would leave -180..180 or reach beyond 75 degrees."""
    from classification_plugin.integration.protected_check import _zone_table_growth

    zones = memory_layer([ZONE_LONLAT], crs="EPSG:4490", geometry="Polygon", name="zone")
    survey = memory_layer(["POINT(116.05 39.95)"], crs="EPSG:4490", name="pt")
    job = prepare_check(survey, zones, 200.0)
    dlon, dlat, fraction, constant = _zone_table_growth(job, (116.0, 39.9, 116.1, 40.0, 0.1))
    # 200 m: 0.00181 degree of latitude, 0.00237 of longitude at 40 degrees (geodesics)
    north = GEOD.fwd(116.0, 40.0, 0.0, 200.0)[1] - 40.0
    east = GEOD.fwd(116.1, 40.0, 90.0, 200.0)[0] - 116.1
    assert north < dlat < north * 1.01 and east < dlon < east * 1.02
    assert (fraction, constant) == (0.01, 1e-6)
    assert _zone_table_growth(job, (116.0, 74.0, 116.1, 74.999, 0.1)) is None  # grows past 75 degrees
    assert _zone_table_growth(job, (116.0, 74.0, 116.1, 74.99, 0.1)) is not None
    assert _zone_table_growth(job, (179.9, 10.0, 179.998, 10.1, 0.1)) is None  # grows past 180
    assert _zone_table_growth(job, (-179.998, 10.0, -179.9, 10.1, 0.1)) is None
    assert _zone_table_growth(job, (179.8, 10.0, 179.9, 10.1, 0.1)) is not None


def test_lonlat_boxes_give_way_near_the_poles_and_the_antimeridian(qgis_app):
    def boxes(zone, survey_points, crs="EPSG:4490"):
        zones = memory_layer([zone], crs=crs, geometry="Polygon", name="zone")
        survey = memory_layer([f"POINT({x} {y})" for x, y in survey_points], crs=crs, name="pt")
        box = zones.extent()
        return lonlat_survey_boxes(prepare_check(survey, zones, 200.0),
                                   np.array([[box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()]]))

    square = "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))"
    usable = boxes(square.format(100.0, 45.0, 100.01, 45.01), [(100.0, 45.0)])
    # 200 m is 0.0018 degree of latitude, 0.0026 of longitude at 45 degrees
    assert usable.shape == (1, 4)
    assert usable[0, 1] < 45.0 - 0.0018 and usable[0, 0] < 100.0 - 0.0025 and usable[0, 2] > 100.01 + 0.0025
    assert boxes(square.format(100.0, 74.99, 100.01, 75.0), [(100.0, 74.0)]) is None  # too near a pole
    assert boxes(square.format(179.999, 10.0, 180.0, 10.01), [(179.0, 10.0)]) is None  # grows past 180
    assert boxes(square.format(180.1, 10.0, 180.2, 10.01), [(180.3, 10.0)]) is None  # longitudes past 180
    assert boxes(square.format(500000, 4e6, 501000, 4.001e6), [(500000, 4e6)], "EPSG:32650") is None  # projected


def _fast_and_full(tmp_path, survey_wkts, survey_crs, zone_wkt, zone_crs):
    path = tmp_path / "edge_cases.gpkg"
    survey = write_gpkg(path, "points", memory_layer(survey_wkts, crs=survey_crs, name="pt"))
    zones = write_gpkg(path, "zones", memory_layer([zone_wkt], crs=zone_crs, geometry="Polygon", name="zone"))
    job = prepare_check(survey, zones, 0.0)
    fast = run_check(job)
    full = run_check(replace(job, survey=replace(job.survey, gdal_readable=False)))
    assert full.read_method == "qgis"
    assert [(p.survey_fid, p.zone_fid) for p in fast.pairs] == [(p.survey_fid, p.zone_fid) for p in full.pairs]
    return fast


def test_lonlat_survey_around_a_pole_is_not_cut_by_the_prefilter(tmp_path, qgis_app):
    """A zone around the South Pole (Antarctic polar stereographic) and a lon/lat ring of points
    20 km from the pole: every longitude is inside the zone, which no box of moved corners holds."""
    lons = np.arange(-179.5, 180.0, 1.0)
    lat = GEOD.fwd(0.0, -90.0, 0.0, 20_000.0)[1]
    zone = "POLYGON((-50000 -50000, 50000 -50000, 50000 50000, -50000 50000, -50000 -50000))"
    fast = _fast_and_full(tmp_path, [f"POINT({lon!r} {lat!r})" for lon in lons.tolist()], "EPSG:4326", zone,
                          "EPSG:3031")
    assert fast.feature_count == lons.size == 360


def test_a_full_read_stops_the_count_it_does_not_need(tmp_path, qgis_app, monkeypatch):
    """When no search runs (a lon/lat ring round a pole: no box holds it), every point is read;
    the count started beside the search is interrupted first, not left to slow that read."""
    from classification_plugin.integration import fast_reader, protected_check

    log, cancel, read = [], fast_reader.PointSearch.cancel, protected_check.read_points

    def logged_cancel(self):
        log.append("cancel")
        cancel(self)

    def logged_read(*args):
        log.append("read")
        return read(*args)

    monkeypatch.setattr(fast_reader.PointSearch, "cancel", logged_cancel)
    monkeypatch.setattr(protected_check, "read_points", logged_read)
    lons = np.arange(-179.5, 180.0, 1.0)
    lat = GEOD.fwd(0.0, -90.0, 0.0, 20_000.0)[1]
    zone = "POLYGON((-50000 -50000, 50000 -50000, 50000 50000, -50000 50000, -50000 -50000))"
    fast = _fast_and_full(tmp_path, [f"POINT({lon!r} {lat!r})" for lon in lons.tolist()], "EPSG:4326", zone,
                          "EPSG:3031")
    assert fast.feature_count == 360 and fast.read_method == "gpkg"
    assert log[:2] == ["cancel", "read"], log


def test_longitudes_written_past_180_are_not_missed(tmp_path, qgis_app):
    """Pacific data stored with longitudes 180.2-180.4 (0..360 convention) against a zone in UTM 1S."""
    from pyproj import Transformer

    lons = np.linspace(180.2, 180.4, 41)
    centre = Transformer.from_crs("EPSG:4326", "EPSG:32701", always_xy=True).transform(-179.7, -10.0)
    x, y = centre
    zone = f"POLYGON(({x - 3000} {y - 3000}, {x + 3000} {y - 3000}, {x + 3000} {y + 3000}, {x - 3000} {y + 3000}, " \
           f"{x - 3000} {y - 3000}))"
    wkts = [f"POINT({lon!r} -10.0)" for lon in lons.tolist()]
    fast = _fast_and_full(tmp_path, wkts, "EPSG:4326", zone, "EPSG:32701")
    assert fast.feature_count > 10


def test_sqlite_errors_fall_back_to_gdal(survey_and_zones, monkeypatch):
    """A GeoPackage sqlite3 cannot read (locked, say) is read by GDAL instead: no traceback."""
    import sqlite3

    from classification_plugin.integration import fast_reader

    survey, zones = survey_and_zones
    job = prepare_check(survey, zones, 150)
    expected = [(p.survey_fid, p.zone_fid) for p in run_check(job).pairs]

    def locked(_path):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(fast_reader, "_connect", locked)
    result = run_check(job)
    assert result.read_method == "gdal"
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == expected


def _stale_index_copy(tmp_path, sql):
    """Survey points and zones in one GeoPackage, copied and damaged by ``sql`` before QGIS opens it."""
    import sqlite3

    zones = [f"POLYGON(({x} 4420000, {x + 900} 4420000, {x + 900} 4420700, {x} 4420000))" for x in (440000, 450000)]
    points = [f"POINT({x + 600} 4420100)" for x in (440000, 450000)] + ["POINT(445000 4430000)"]
    written = write_gpkg(tmp_path / "built.gpkg", "points", memory_layer(points, crs="EPSG:32650", name="pt"))
    write_gpkg(tmp_path / "built.gpkg", "zones", memory_layer(zones, crs="EPSG:32650", geometry="Polygon", name="z"))
    del written
    path = tmp_path / "stale.gpkg"
    path.write_bytes((tmp_path / "built.gpkg").read_bytes())
    with sqlite3.connect(path) as db:
        db.executescript(sql)
    survey = QgsVectorLayer(f"{path}|layername=points", "points", "ogr")
    zone_layer = QgsVectorLayer(f"{path}|layername=zones", "zones", "ogr")
    return prepare_check(survey, zone_layer, 0.0)


def test_a_zone_missing_from_its_index_is_still_checked(qgis_app, tmp_path, monkeypatch):
    """A GeoPackage whose R-tree lacks a zone (written with its triggers off, say): the search
    boxes come from the zones as read, before they are indexed, so that zone's conflicts are
    still found."""
    job = _stale_index_copy(tmp_path, "DELETE FROM rtree_zones_geom WHERE id = 1")
    order = _log_search_order(monkeypatch)
    result = run_check(job)
    assert order == ["boxes", "index"]
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, 1), (2, 2)]
    assert result.read_method == "gpkg-rtree"


def test_a_point_out_of_its_rtree_behind_an_empty_flag_is_still_checked(qgis_app, tmp_path):
    """A point whose GeoPackage header says "empty" over real coordinates, left out of the R-tree
    (GDAL's trigger skips such rows): GDAL reads the point, so the check reads every point
    rather than count it as a null geometry."""
    job = _stale_index_copy(tmp_path, _DROP_POINT_INDEX_TRIGGERS + """
        UPDATE points SET geom = CAST(substr(geom, 1, 3) || x'11' || substr(geom, 5) AS BLOB) WHERE fid = 2;
        DELETE FROM rtree_points_geom WHERE id = 2;""")
    with closing(sqlite3.connect(job.survey.path)) as db:
        flagged = db.execute("SELECT geom FROM points WHERE fid = 2").fetchone()[0]
        assert isinstance(flagged, bytes) and flagged[3] == 0x11 and len(flagged) == 29
    result = run_check(job)
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, 1), (2, 2)]
    assert result.read_method != "gpkg-rtree"
    assert result.survey_skipped == 0


def test_a_point_missing_from_its_index_is_still_checked(qgis_app, tmp_path):
    """A survey point cut out of its R-tree would never be found by the search: the check reads
    every point instead, and does not report the point as a null geometry."""
    from classification_plugin.integration.fast_reader import NoFastPathError, read_points_near

    job = _stale_index_copy(tmp_path, "DELETE FROM rtree_points_geom WHERE id = 2")
    with pytest.raises(NoFastPathError):
        read_points_near(job.survey, np.array([[0.0, 0.0, 1e7, 1e7]]))
    result = run_check(job)
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, 1), (2, 2)]
    assert result.read_method != "gpkg-rtree"
    assert result.survey_skipped == 0


_DROP_POINT_INDEX_TRIGGERS = "".join(  # GDAL's, which call functions plain sqlite3 lacks
    f"DROP TRIGGER IF EXISTS rtree_points_geom_{name};"
    for name in ("insert", "delete", *(f"update{n}" for n in range(1, 8))))


@pytest.mark.parametrize("value", ["'POINT(1 2)'", "1.5", "5"])
def test_a_geometry_stored_as_text_does_not_break_the_check(qgis_app, tmp_path, value):
    """A row written around GeoPackage's rules (a geometry as text or a number, the index
    triggers dropped): the search gives way to GDAL's reading, with no traceback and the real
    conflicts found."""
    job = _stale_index_copy(tmp_path,
                            _DROP_POINT_INDEX_TRIGGERS + f"INSERT INTO points (fid, geom) VALUES (10, {value});")
    result = run_check(job)
    assert [(p.survey_fid, p.zone_fid) for p in result.pairs] == [(1, 1), (2, 2)]
    assert result.read_method != "gpkg-rtree"
