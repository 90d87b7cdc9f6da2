"""core.wkb: WKB points and GeoPackage blobs built in bulk, read back by shapely and by hand."""

from __future__ import annotations

import struct

import numpy as np
import shapely

from classification_plugin.core.wkb import collection_wkb, gpkg_blobs, gpkg_point_blobs, point_wkb


def test_point_wkb_round_trips_exactly():
    xs = np.array([0.0, -179.99999999999997, 1e7 + 0.123456789, 5e-324])
    ys = np.array([-0.0, 89.99999999999999, -4_000_000.5, 1.0])
    blobs = point_wkb(xs, ys)
    assert [len(b) for b in blobs] == [21] * 4
    points = shapely.from_wkb(blobs)
    assert (shapely.get_type_id(points) == 0).all()
    coords = shapely.get_coordinates(points)
    assert np.array_equal(coords[:, 0], xs) and np.array_equal(coords[:, 1], ys)  # bit for bit


def test_point_wkb_of_nothing():
    assert point_wkb(np.empty(0), np.empty(0)) == []
    assert gpkg_point_blobs([], [], 4326) == []


def test_gpkg_point_blobs_have_the_standard_header():
    blobs = gpkg_point_blobs([116.5, 117.25], [39.9, -40.0], 4490)
    for blob, (x, y) in zip(blobs, [(116.5, 39.9), (117.25, -40.0)]):
        magic, version, flags, srs_id = struct.unpack("<2sBBi", blob[:8])
        assert (magic, version, flags, srs_id) == (b"GP", 0, 1, 4490)  # little-endian, no envelope
        assert shapely.from_wkb(blob[8:]).equals(shapely.Point(x, y))
        assert len(blob) == 29


def test_gpkg_blobs_wrap_any_wkb_and_keep_nulls():
    line = shapely.LineString([(0, 0, 5), (1, 1, 6)])
    blobs = gpkg_blobs([shapely.to_wkb(line), None], 32650)
    assert blobs[1] is None
    assert struct.unpack("<2sBBi", blobs[0][:8]) == (b"GP", 0, 1, 32650)
    read = shapely.from_wkb(blobs[0][8:])
    assert read.has_z and shapely.equals_exact(read, line, 0)
    assert gpkg_blobs(point_wkb([1.0], [2.0]), 4326) == gpkg_point_blobs([1.0], [2.0], 4326)


def test_collection_wkb_holds_every_geometry_in_order():
    parts = [shapely.Point(1, 2), shapely.LineString([(0, 0), (3, 4)]), shapely.Point(-5, 6.5)]
    collection = shapely.from_wkb(collection_wkb([shapely.to_wkb(p) for p in parts]))
    assert collection.geom_type == "GeometryCollection"
    assert [g.wkt for g in collection.geoms] == [p.wkt for p in parts]
    assert shapely.from_wkb(collection_wkb([])).is_empty
