"""A minimal GeoPackage with one empty feature table, made with sqlite3 alone. No QGIS.

For scratch files that this process writes and GDAL reads straight back: the three tables GDAL
needs to open a GeoPackage (``gpkg_spatial_ref_sys`` with the two undefined systems the standard
requires, ``gpkg_contents``, ``gpkg_geometry_columns``), and a feature table with a plain
``INTEGER PRIMARY KEY`` (no AUTOINCREMENT, no triggers, no spatial index). Its geometries are in
the undefined cartesian system (srs_id -1): the reader sets the CRS it knows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

GEOMETRY_TYPES = ("GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                  "GEOMETRYCOLLECTION")
COLUMN_TYPES = {"LongLong": "INTEGER", "Int": "INTEGER", "String": "TEXT", "Double": "REAL"}
UNDEFINED_SRS = -1

_SCHEMA = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
    'undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
    'undefined geographic coordinate reference system');
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
    description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


def create_geopackage(path: str, table: str, geometry_type: str, columns) -> None:
    """A new GeoPackage at ``path`` (which must not exist) with the empty feature table ``table``:
    ``fid`` INTEGER PRIMARY KEY, ``geom`` of ``geometry_type`` (one of :data:`GEOMETRY_TYPES`, 2D),
    then ``columns`` as (name, kind) with kinds of :data:`COLUMN_TYPES`."""
    geometry_type = geometry_type.upper()
    if geometry_type not in GEOMETRY_TYPES:
        raise ValueError(f"not a GeoPackage geometry type: {geometry_type}")
    definitions = ", ".join(f"{_quote(name)} {COLUMN_TYPES[kind]}" for name, kind in columns)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise ValueError(f"{path} is not a new file")
        # a scratch file: no journal and no wait for the disk (two made at once waited ~50 ms each)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA application_id = 1196444487")  # "GPKG"
        db.execute("PRAGMA user_version = 10300")  # GeoPackage 1.3
        db.execute("BEGIN")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f'CREATE TABLE {_quote(table)} ("fid" INTEGER PRIMARY KEY, "geom" {geometry_type}'
                   + (f", {definitions}" if definitions else "") + ")")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, ?)",
                   (table, table, UNDEFINED_SRS))
        db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                   (table, geometry_type, UNDEFINED_SRS))
        db.execute("COMMIT")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


__all__ = ["COLUMN_TYPES", "GEOMETRY_TYPES", "UNDEFINED_SRS", "create_geopackage"]
