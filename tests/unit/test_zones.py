"""ZoneIndex on hand-worked cases in a metric CRS (run with -p no:qgis: no QGIS needed).

The reference zone is the square 0..1000 x 0..1000 (metres); every expected distance below is
worked out by hand from that square, not by calling the index another way.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely import wkt

from classification_plugin.core.zones import ZoneIndex, clean_geometries, split_long_edges

SQUARE = "POLYGON((0 0, 1000 0, 1000 1000, 0 1000, 0 0))"
BOW_TIE = "POLYGON((0 0, 1000 1000, 1000 0, 0 1000, 0 0))"  # self-crossing at (500, 500)


def square_index(**kwargs):
    return ZoneIndex.build([wkt.loads(SQUARE)], ids=[42], names=["Base"], kinds=["military"], **kwargs)


def pairs(conflicts):
    return [(int(s), int(z), round(float(d), 6), bool(i)) for s, z, d, i in
            zip(conflicts.survey, conflicts.zone, conflicts.distance_m, conflicts.inside)]


# -- points ---------------------------------------------------------------------------------------


def test_point_inside_and_on_edge_are_inside_with_distance_zero():
    index = square_index()
    result = index.check_points([500, 1000, 0, 1500], [500, 500, 0, 500], 0)
    assert pairs(result) == [(0, 0, 0.0, True), (1, 0, 0.0, True), (2, 0, 0.0, True)]


def test_buffer_199_metres_is_a_conflict_201_is_not():
    index = square_index()
    # east of the east edge x = 1000: distance is x - 1000
    result = index.check_points([1199, 1201, 1200], [500, 500, 500], 200)
    assert pairs(result) == [(0, 0, 199.0, False), (2, 0, 200.0, False)]


def test_buffer_near_a_corner_uses_euclidean_distance():
    index = square_index()
    # off the corner (1000, 1000) by (141, 141): sqrt(2) * 141 = 199.40; by (142, 142): 200.82
    result = index.check_points([1141, 1142], [1141, 1142], 200)
    assert pairs(result) == [(0, 0, round(math.sqrt(2) * 141, 6), False)]
    # the buffered bounding box holds both points; only the exact distance tells them apart
    assert index.check_points([1142], [1142], 200.82).survey.tolist() == [0]


def test_unbuffered_check_ignores_points_just_outside():
    index = square_index()
    assert len(index.check_points([1000.001, -0.001], [500, 500], 0)) == 0


def test_nan_points_are_skipped_and_counted():
    index = square_index()
    result = index.check_points([np.nan, 500, 500], [500, np.nan, 500], 0)
    assert result.skipped == 2
    assert result.survey.tolist() == [2]


def test_empty_point_input():
    result = square_index().check_points(np.array([]), np.array([]), 100)
    assert len(result) == 0 and result.skipped == 0


def test_points_against_many_zones_match_a_brute_force_distance_table():
    """Grid candidates vs. every (point, zone) distance measured one by one with shapely."""
    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 20_000, (60, 2))
    zones = [shapely.box(x, y, x + w, y + h) for (x, y), w, h in
             zip(centres, rng.uniform(50, 900, 60), rng.uniform(50, 900, 60))]
    xs, ys = rng.uniform(-500, 20_500, 1500), rng.uniform(-500, 20_500, 1500)
    index = ZoneIndex.build(zones)
    for buffer in (0.0, 150.0):
        expected = set()
        for z, zone in enumerate(zones):
            for i, (x, y) in enumerate(zip(xs, ys)):
                inside = zone.bounds[0] <= x <= zone.bounds[2] and zone.bounds[1] <= y <= zone.bounds[3]
                dx = max(zone.bounds[0] - x, 0, x - zone.bounds[2])
                dy = max(zone.bounds[1] - y, 0, y - zone.bounds[3])
                if inside or math.hypot(dx, dy) <= buffer:
                    expected.add((i, z))
        result = index.check_points(xs, ys, buffer)
        assert set(zip(result.survey.tolist(), result.zone.tolist())) == expected
        assert len(expected) > 20


# -- lines and polygons -----------------------------------------------------------------------------


def test_line_crossing_a_zone_is_inside():
    result = square_index().check_geometries([wkt.loads("LINESTRING(-500 500, 1500 500)")], 0)
    assert pairs(result) == [(0, 0, 0.0, True)]


def test_line_parallel_to_an_edge_within_buffer():
    line = wkt.loads("LINESTRING(1100 -500, 1100 1500)")  # 100 m east of the square
    assert len(square_index().check_geometries([line], 0)) == 0
    assert pairs(square_index().check_geometries([line], 200)) == [(0, 0, 100.0, False)]
    assert len(square_index().check_geometries([line], 99.9)) == 0


def test_footprints_overlapping_and_near():
    footprints = [
        wkt.loads("POLYGON((900 900, 1100 900, 1100 1100, 900 1100, 900 900))"),  # overlaps a corner
        wkt.loads("POLYGON((1150 0, 1300 0, 1300 100, 1150 100, 1150 0))"),  # 150 m east
        wkt.loads("POLYGON((2000 0, 2100 0, 2100 100, 2000 100, 2000 0))"),  # 1000 m east
    ]
    assert pairs(square_index().check_geometries(footprints, 200)) == [(0, 0, 0.0, True), (1, 0, 150.0, False)]


def test_multipart_survey_feature_is_measured_by_its_nearest_part():
    multi = wkt.loads("MULTILINESTRING((5000 5000, 6000 6000), (1050 0, 1050 1000))")  # 2nd part 50 m away
    assert pairs(square_index().check_geometries([multi], 100)) == [(0, 0, 50.0, False)]


def test_z_and_m_coordinates_are_dropped():
    index = ZoneIndex.build([wkt.loads("POLYGON Z((0 0 10, 1000 0 10, 1000 1000 10, 0 1000 10, 0 0 10))")])
    survey = [wkt.loads("POINT Z(500 500 120)"), wkt.loads("LINESTRING Z(1100 0 5, 1100 900 5)")]
    assert pairs(index.check_geometries(survey, 150)) == [(0, 0, 0.0, True), (1, 0, 100.0, False)]
    assert pairs(index.check_points([1100.0], [500.0], 150)) == [(0, 0, 100.0, False)]


def test_z_is_dropped_even_when_the_first_z_is_nan():
    from classification_plugin.core.zones import clean_geometries

    zone = wkt.loads("POLYGON Z((0 0 NaN, 1000 0 1, 1000 1000 1, 0 1000 1, 0 0 NaN))")
    # GEOS 3.11 (Debian 12) answers has_z False here, so a has_z test alone would keep the Z;
    # GEOS 3.13+ (Debian 13, sid) answers True. The cleaned geometry is 2D on both.
    assert shapely.get_coordinate_dimension(zone) == 3
    cleaned = clean_geometries([zone], polygonal=True).geometries
    assert shapely.get_coordinate_dimension(cleaned).tolist() == [2]


def test_null_and_empty_survey_geometries_are_skipped_and_counted():
    geoms = [None, wkt.loads("POINT(500 500)"), shapely.Point(), wkt.loads("POINT(5000 5000)")]
    result = square_index().check_geometries(geoms, 0)
    assert result.skipped == 2
    assert pairs(result) == [(1, 0, 0.0, True)]


def test_invalid_survey_polygon_is_repaired_and_counted():
    result = square_index().check_geometries([wkt.loads(BOW_TIE)], 0)
    assert result.repaired == 1 and result.survey.tolist() == [0]


def test_empty_geometry_input():
    result = square_index().check_geometries([], 100)
    assert len(result) == 0 and result.skipped == 0


# -- zones ------------------------------------------------------------------------------------------


def test_invalid_bow_tie_zone_is_repaired_and_counted():
    index = ZoneIndex.build([wkt.loads(BOW_TIE)])
    assert index.repaired == 1 and len(index) == 1
    # left triangle (0,0)-(500,500)-(0,1000) is part of the zone; (500, 100) lies in the gap below
    # the crossing, 400 / sqrt(2) = 282.84 m from both triangles' inner edges
    assert index.check_points([100], [500], 0).survey.tolist() == [0]
    assert len(index.check_points([500], [100], 250)) == 0
    assert pairs(index.check_points([500], [100], 300)) == [(0, 0, round(400 / math.sqrt(2), 6), False)]


def test_multipart_zone_counts_once():
    multi = shapely.MultiPolygon([shapely.box(0, 0, 100, 100), shapely.box(5000, 0, 5100, 100)])
    index = ZoneIndex.build([multi], ids=[7])
    result = index.check_points([5050, 50, 2500], [50, 50, 50], 0)
    assert result.survey.tolist() == [0, 1]
    assert index.ids[result.zone].tolist() == [7, 7]


def test_null_empty_and_non_polygon_zones_are_skipped_and_ids_follow_the_kept_ones():
    zones = [None, wkt.loads(SQUARE), shapely.Polygon(), wkt.loads("LINESTRING(0 0, 10 10)")]
    index = ZoneIndex.build(zones, ids=[10, 11, 12, 13], names=["a", "b", "c", "d"], kinds=["k"] * 4)
    assert index.skipped == 3 and len(index) == 1
    assert index.ids.tolist() == [11] and index.names == ["b"]
    result = index.check_points([500], [500], 0)
    assert index.ids[result.zone].tolist() == [11]


def test_no_zones_at_all():
    index = ZoneIndex.build([])
    assert len(index) == 0
    assert len(index.check_points([1.0], [1.0], 10)) == 0
    assert len(index.check_geometries([shapely.Point(1, 1)], 10)) == 0


def test_negative_buffer_is_refused():
    with pytest.raises(ValueError):
        square_index().check_points([1.0], [1.0], -1)


# -- one feature (editing) ------------------------------------------------------------------------


def test_check_one_matches_the_hand_worked_distances():
    index = square_index()
    assert pairs(index.check_one((1199.0, 500.0), 200)) == [(0, 0, 199.0, False)]
    assert len(index.check_one((1201.0, 500.0), 200)) == 0
    assert pairs(index.check_one(wkt.loads("POINT Z(1000 500 30)"), 0)) == [(0, 0, 0.0, True)]
    assert len(index.check_one(None, 10)) == 0


def test_tolerance_makes_a_point_a_hair_outside_an_edge_touch():
    index = square_index()
    # 1e-7 m east of the east edge: outside for an exact check, touching with a 1 mm tolerance
    assert len(index.check_points([1000.0000001], [500.0], 0)) == 0
    assert pairs(index.check_points([1000.0000001], [500.0], 0, tolerance=1e-3)) == [(0, 0, 0.0, True)]
    assert len(index.check_points([1000.002], [500.0], 0, tolerance=1e-3)) == 0
    line = wkt.loads("LINESTRING(1000.0000001 0, 1000.0000001 10)")
    assert pairs(index.check_geometries([line], 0, tolerance=1e-3)) == [(0, 0, 0.0, True)]
    assert pairs(index.check_one(line, 0, tolerance=1e-3)) == [(0, 0, 0.0, True)]


# -- ground metres on a scaled grid ---------------------------------------------------------------


class LinearScale:
    """A grid whose scale k (grid metres per ground metre) is 1 + x / 2000: 1.5 at x = 1000,
    2 at x = 2000, 0.5 at x = -1000. ``maximum`` is k at x = 2000, the edge of the test data."""

    maximum = 2.0

    def __call__(self, xs, ys):
        return 1.0 + np.asarray(xs, dtype=np.float64) / 2000.0


def test_scaled_points_are_measured_in_ground_metres_at_the_point():
    # east of the square k = 1.5 to 1.6: 250 grid metres at x = 1250 (k = 1.625) are 153.846 m;
    # 350 grid metres at x = 1350 (k = 1.675) are 208.955 m, out of a 200 m buffer. West, at
    # x = -150 (k = 0.925), 150 grid metres are 162.162 m; at x = -190, 190 / 0.905 = 209.945 m
    index = square_index()
    result = index.check_points([1250, 1350, -150, -190, 500], [500, 500, 500, 500, 500], 200, scale=LinearScale())
    assert pairs(result) == [(0, 0, 153.846154, False), (2, 0, 162.162162, False), (4, 0, 0.0, True)]


def test_scaled_search_reaches_grid_distances_beyond_the_buffer():
    # 390 grid metres at x = 1390 (k = 1.695) are 230.088 m: within a 250 m buffer, which an
    # unscaled search (250 grid metres) would never have reached
    index = square_index()
    assert pairs(index.check_points([1390], [500], 250, scale=LinearScale())) == [(0, 0, 230.088496, False)]
    assert pairs(index.check_points([1390], [500], 250)) == []


def test_scaled_lines_use_the_scale_at_their_point_nearest_the_zone():
    # a line from (1300, 500) to (1900, 500): nearest the square at x = 1300, k = 1.65, 300 grid
    # metres = 181.818 m (at its far end k = 1.95 would give 153.846 m); the vertical line x = 1390
    # is 390 / 1.695 = 230.088 m away, out of a 200 m buffer
    index = square_index()
    lines = [shapely.LineString([(1300, 500), (1900, 500)]), shapely.LineString([(1390, 0), (1390, 1000)])]
    assert pairs(index.check_geometries(lines, 200, scale=LinearScale())) == [(0, 0, 181.818182, False)]
    one = index.check_one(lines[0], 200, scale=LinearScale())
    assert [(int(z), round(float(d), 6)) for z, d in zip(one.zone, one.distance_m)] == [(0, 181.818182)]
    assert len(index.check_one(lines[1], 200, scale=LinearScale())) == 0


class NearSightedScale(LinearScale):
    """The same grid, with ``maximum`` worked out only round x = 0 (k = 1 there)."""

    maximum = 1.0


def test_scaled_search_reaches_past_the_data_the_maximum_was_worked_out_for():
    # 390 grid metres at x = 1390 are 230.088 m on the ground (k = 1.695): a search reaching
    # 250 * maximum = 250 grid metres would miss it, one reaching 250 * k there finds it
    index = square_index()
    scale = NearSightedScale()
    assert pairs(index.check_points([1390], [500], 250, scale=scale)) == [(0, 0, 230.088496, False)]
    line = shapely.LineString([(1390, 400), (1390, 600)])
    assert pairs(index.check_geometries([line], 250, scale=scale)) == [(0, 0, 230.088496, False)]
    one = index.check_one(line, 250, scale=scale)
    assert [(int(z), round(float(d), 6)) for z, d in zip(one.zone, one.distance_m)] == [(0, 230.088496)]


def test_split_long_edges_gives_what_segmentize_gives_geometry_by_geometry():
    """Geometries kept as they are must be exactly what GEOS's densifier would have returned:
    the same WKB, for short edges, long ones, repeated points, holes, touching rings, parts."""
    rng = np.random.default_rng(7)
    circles = [shapely.Point(x, y).buffer(r, 8) for x, y, r in rng.uniform(0, 5000, (40, 3))]
    cases = circles + [wkt.loads(w) for w in (
        SQUARE,  # edges of 1000: split
        "POLYGON((0 0, 10 0, 10 0, 10 10, 0 10, 0 0))",  # a repeated point: GEOS drops it
        "POLYGON((0 0, 90 0, 90 90, 0 90, 0 0), (10 10, 20 10, 20 20, 10 20, 10 10))",
        "POLYGON((0 0, 90 0, 90 90, 0 90, 0 0), (0 0, 20 10, 10 20, 0 0))",  # a hole touching the shell
        "MULTIPOLYGON(((0 0, 50 0, 50 50, 0 50, 0 0)), ((60 60, 99 60, 99 99, 60 99, 60 60)))",
        "LINESTRING(0 0, 30 40, 60 80)", "LINESTRING(0 0, 0 0, 30 40)", "POINT(3 4)",
        "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))",  # edges of exactly the step
    )]
    cleaned = clean_geometries(np.array(cases, dtype=object)).geometries
    for step in (100.0, 99.999, 1000.0, 5.0):
        expected = shapely.to_wkb(shapely.segmentize(cleaned, step))
        assert list(shapely.to_wkb(split_long_edges(cleaned, step, valid=True))) == list(expected)
        assert list(shapely.to_wkb(split_long_edges(cleaned, step))) == list(expected)
    bow_tie = np.array([wkt.loads(BOW_TIE)], dtype=object)  # invalid: only segmentize rebuilds it
    assert split_long_edges(bow_tie, 5000.0)[0].equals(shapely.segmentize(bow_tie, 5000.0)[0])


@pytest.mark.parametrize("buffer_m, tolerance", [(0.0, 0.001), (0.0, 0.0), (25.0, 0.0), (200.0, 0.001)])
@pytest.mark.parametrize("scaled", [False, True])
def test_points_measured_only_when_in_reach_give_what_measuring_every_candidate_gave(monkeypatch, buffer_m,
                                                                                    tolerance, scaled):
    """GEOS measures only the candidates the numpy lower bound leaves in reach: the pairs, their
    distances and relations are those of measuring every candidate outside a zone, bit for bit.
    Zones with holes, several parts, a repeated vertex; points on and near edges."""
    rng = np.random.default_rng(11)
    circles = [shapely.Point(x, y).buffer(r, 8) for x, y, r in rng.uniform([0, 0, 20], [2000, 2000, 150], (60, 3))]
    zones = circles + [wkt.loads(w) for w in (
        "POLYGON((500 500, 900 500, 900 900, 500 900, 500 500), (600 600, 700 600, 700 700, 600 700, 600 600))",
        "MULTIPOLYGON(((1000 0, 1100 0, 1100 100, 1000 100, 1000 0)), ((1200 0, 1300 0, 1300 0, 1300 90, 1200 0)))",
    )]
    index = ZoneIndex.build(zones, ids=np.arange(len(zones)) + 1)
    coords = shapely.get_coordinates(np.array(zones, dtype=object))
    xs = np.concatenate([rng.uniform(-100, 2100, 20_000), coords[:, 0], coords[:, 0] + 0.0005,
                         coords[:, 0] + buffer_m * 0.999])
    ys = np.concatenate([rng.uniform(-100, 2100, 20_000), coords[:, 1], coords[:, 1], coords[:, 1]])

    def scale(x, y):
        return 1.0 + 1e-4 * (np.asarray(x) / 2000.0) ** 2

    scale.maximum = 1.0001
    kwargs = dict(buffer_m=buffer_m, tolerance=tolerance, scale=scale if scaled else None)
    got = index.check_points(xs, ys, **kwargs)
    with monkeypatch.context() as patch:  # every candidate measured by GEOS, as before
        patch.setattr(ZoneIndex, "distance_lower_bounds", lambda self, zones, xs, ys: np.full(zones.size, -np.inf))
        expected = index.check_points(xs, ys, **kwargs)
    assert len(got) == len(expected) > 0
    for name in ("survey", "zone", "inside"):
        assert np.array_equal(getattr(got, name), getattr(expected, name))
    assert got.distance_m.tobytes() == expected.distance_m.tobytes()
    if buffer_m > 0:
        assert (~got.inside).any()


def test_distance_lower_bounds_never_exceed_geos_distances():
    rng = np.random.default_rng(3)
    zones = [shapely.Point(x, y).buffer(r, 16) for x, y, r in rng.uniform([4e6, 4e6, 50], [4.1e6, 4.1e6, 900], (30, 3))]
    index = ZoneIndex.build(zones)
    pick = rng.integers(0, 30, 50_000)
    xs, ys = rng.uniform(4e6 - 1000, 4.1e6 + 1000, (2, 50_000))
    bounds = index.distance_lower_bounds(pick, xs, ys)
    exact = shapely.distance(index.geometries[pick], shapely.points(xs, ys))
    outside = exact > 0
    assert (bounds[outside] <= exact[outside]).all()
    far = exact > 2 * 900 * (1 - np.cos(np.pi / 32))  # beyond a 64-gon's sliver between arc and chord
    assert (bounds[far] > 0.9 * exact[far]).all()  # round zones: close, so it really rules pairs out
