"""core.gpkg_table: a GeoPackage made with sqlite3 alone, which GDAL opens and reads back."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from classification_plugin.core.gpkg_table import create_geopackage
from classification_plugin.core.wkb import gpkg_blobs, gpkg_point_blobs

ogr = pytest.importorskip("osgeo.ogr")


def test_gdal_reads_the_table_its_fields_and_geometries(tmp_path):
    path = str(tmp_path / "scratch.gpkg")
    create_geopackage(path, "pairs", "Point", [("survey_fid", "LongLong"), ("zone_name", "String"),
                                               ("distance_m", "Double")])
    with closing(sqlite3.connect(path)) as db:
        db.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?)",
                       zip([1, 2], gpkg_point_blobs([116.5, 0.25], [39.9, -1.0], -1), [7, 2**40],
                           ["Range 7", None], [0.0, 12.5]))
        db.commit()
    dataset = ogr.Open(path)
    layer = dataset.GetLayerByName("pairs")
    definition = layer.GetLayerDefn()
    assert layer.GetGeomType() == ogr.wkbPoint and layer.GetFIDColumn() == "fid"
    assert [(definition.GetFieldDefn(i).GetName(), definition.GetFieldDefn(i).GetType())
            for i in range(definition.GetFieldCount())] == [
        ("survey_fid", ogr.OFTInteger64), ("zone_name", ogr.OFTString), ("distance_m", ogr.OFTReal)]
    rows = [(f.GetFID(), f["survey_fid"], f["zone_name"], f["distance_m"], f.GetGeometryRef().ExportToWkt())
            for f in layer]
    assert rows == [(1, 7, "Range 7", 0.0, "POINT (116.5 39.9)"), (2, 2**40, None, 12.5, "POINT (0.25 -1)")]
    layer = dataset = None


def test_other_geometry_types_and_refusals(tmp_path):
    path = str(tmp_path / "lines.gpkg")
    create_geopackage(path, "t", "MultiLineString", [])
    with closing(sqlite3.connect(path)) as db:
        line = bytes.fromhex("0105000000010000000102000000020000000000000000000000000000000000000000000000"
                             "0000f03f000000000000f03f")
        db.execute("INSERT INTO t VALUES (1, ?)", gpkg_blobs([line], -1))
        db.commit()
    dataset = ogr.Open(path)
    layer = dataset.GetLayerByName("t")
    assert layer.GetGeomType() == ogr.wkbMultiLineString
    assert [f.GetGeometryRef().ExportToWkt() for f in layer] == ["MULTILINESTRING ((0 0,1 1))"]
    layer = dataset = None
    with pytest.raises(ValueError):
        create_geopackage(str(tmp_path / "x.gpkg"), "t", "CIRCULARSTRING", [])
    with pytest.raises(ValueError):
        create_geopackage(path, "again", "Point", [])  # not a new file
