"""The protected-area check's output layer, built from what the check already holds.

One feature per (survey feature, zone) pair, with the survey feature's geometry as the check
read it (:meth:`~.protected_check.CheckResult.survey_wkb`): nothing is fetched again by feature
id. A GeoPackage table that QGIS created empty is filled with sqlite3 in one transaction, its
R-tree packed in bulk (:mod:`~classification_plugin.core.gpkg_rtree`). A memory layer is filled
in C++ by QGIS from such a table written to a scratch file (:func:`memory_layer`). Any other sink
gets QgsFeatures built and added in chunks, so that at most one chunk of them exists at a time.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from functools import cache

import numpy as np
import shapely

from classification_plugin.core.gpkg_rtree import RtreeNotPackableError, fill_rtree, node_size, pack
from classification_plugin.core.gpkg_table import GEOMETRY_TYPES, create_geopackage
from classification_plugin.core.packed_rows import (
    ROW_NUMBERS,
    blob_at,
    blob_column,
    decimal_column,
    fixed_blob_at,
    integer_at,
)
from classification_plugin.core.wkb import GPKG_POINT_BYTES, gpkg_blobs, gpkg_point_records

OUTPUT_FIELDS = (("survey_fid", "LongLong"), ("zone_fid", "LongLong"), ("zone_name", "String"),
                 ("zone_kind", "String"), ("distance_m", "Double"), ("relation", "String"))
_CHUNK = 20_000  # features built and added at a time


class TableNotWritableError(Exception):
    """The GeoPackage table is not one this module can fill directly; the caller uses QGIS."""


def attribute_columns(result, start: int = 0, stop: int | None = None) -> tuple:
    """The pairs' attributes as one list per field, in the order of :data:`OUTPUT_FIELDS`."""
    from classification_plugin.integration.protected_check import INSIDE, WITHIN_BUFFER

    part = slice(start, stop)
    relation = np.where(result.inside[part], INSIDE, WITHIN_BUFFER).tolist()
    return (result.survey_fids[part].tolist(), result.zone_fids[part].tolist(), result.zone_names[part],
            result.zone_kinds[part], result.distances_m[part].tolist(), relation)


def attribute_rows(result, start: int = 0, stop: int | None = None):
    """The pairs' attribute rows, in the order of :data:`OUTPUT_FIELDS`."""
    return zip(*attribute_columns(result, start, stop))


def add_pairs(sink, result, fields, geometries=None, flags=None, feedback=None) -> bool:
    """Add one feature per pair to ``sink``, in chunks. The geometries are the result's held
    ones (points made from their x/y, others from WKB); or, given ``geometries`` (survey fid ->
    QgsGeometry), those. False when the sink refused features or the feedback canceled."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPoint

    names = [name for name, _ in OUTPUT_FIELDS]
    positions = [fields.indexOf(name) for name in names]
    in_order = positions == list(range(len(names))) and fields.count() == len(names)
    xy = result.survey_xy if geometries is None else None
    wkbs = result.survey_wkb() if geometries is None and xy is None else None
    for start in range(0, result.pair_count, _CHUNK):
        if feedback is not None and feedback.isCanceled():
            return False
        stop = min(start + _CHUNK, result.pair_count)
        features = []
        if xy is not None:
            chunk_x, chunk_y = xy[start:stop, 0].tolist(), xy[start:stop, 1].tolist()
        for number, row in enumerate(attribute_rows(result, start, stop), start):
            feature = QgsFeature(fields)
            if in_order:
                feature.setAttributes(list(row))
            else:  # a table with more fields (a GeoPackage's fid): each value by its field's name
                values = [None] * fields.count()
                for position, value in zip(positions, row):
                    values[position] = value
                feature.setAttributes(values)
            if xy is not None:
                feature.setGeometry(QgsPoint(chunk_x[number - start], chunk_y[number - start]))
            elif wkbs is not None:
                geometry = QgsGeometry()
                geometry.fromWkb(wkbs[number])
                feature.setGeometry(geometry)
            elif geometries is not None and row[0] in geometries:
                feature.setGeometry(geometries[row[0]])
            features.append(feature)
        added = sink.addFeatures(features) if flags is None else sink.addFeatures(features, flags)
        if not (added[0] if isinstance(added, tuple) else added):
            return False
    return True


def memory_layer(result, fields, wkb_type, crs, name: str = "output"):
    """A new memory layer holding the pairs (``fields``: the sink's, :data:`OUTPUT_FIELDS` in order),
    or None when this way cannot make it (then the caller adds features to its sink).

    Each QgsFeature built in Python and added to the memory provider costs ~13 us; here the pairs
    go into a scratch GeoPackage table (no index, no journal) with :func:`write_geopackage`, and
    QGIS reads that table into a memory layer in C++ (``QgsFeatureSource.materialize``, only
    :data:`OUTPUT_FIELDS`: not the table's fid). From :data:`_SPLIT_MIN` pairs on, the first and
    the second half each go that way at once, on two threads (both release the GIL: sqlite3's
    statement and QGIS's read), and the second half's features are then added to the first's
    layer in C++ (:func:`_join`), after its own, in their order. The scratch files are removed
    before returning.
    """
    from qgis.core import QgsWkbTypes

    geometry_type = QgsWkbTypes.displayString(QgsWkbTypes.flatType(wkb_type)).upper()
    held = result.survey_xy is not None or result.survey_geometries is not None
    if (fields.names() != [n for n, _ in OUTPUT_FIELDS] or not held
            or geometry_type not in GEOMETRY_TYPES or QgsWkbTypes.hasZ(wkb_type) or QgsWkbTypes.hasM(wkb_type)):
        return None
    with tempfile.TemporaryDirectory(prefix="classification_pairs_") as folder:
        if result.pair_count < _SPLIT_MIN:
            layer = _materialized(os.path.join(folder, "pairs.gpkg"), result, geometry_type, crs)
        else:
            from qgis.PyQt.QtCore import QThread

            half = result.pair_count // 2
            with ThreadPoolExecutor(1) as pool:
                second = pool.submit(_materialized, os.path.join(folder, "second.gpkg"),
                                     pairs_between(result, half, result.pair_count), geometry_type, crs,
                                     QThread.currentThread())
                try:
                    layer = _materialized(os.path.join(folder, "first.gpkg"), pairs_between(result, 0, half),
                                          geometry_type, crs)
                finally:
                    rest = second.result()
            if layer is not None and (rest is None or not _join(layer, rest)):
                layer = None
            del rest
    if (layer is None or [(f.name(), f.type()) for f in layer.fields()] != [(f.name(), f.type()) for f in fields]
            or layer.featureCount() != result.pair_count or layer.crs() != crs or layer.wkbType() != wkb_type):
        return None
    layer.setName(name)
    return layer


# pairs from which two threads fill half a memory layer each (160,293 pairs: 0.52-0.58 s -> 0.41-0.49 s)
_SPLIT_MIN = 20_000


def pairs_between(result, start: int, stop: int):
    """The pairs ``start`` to ``stop`` of a check's result (and their geometries), as a result of their own."""
    part = slice(start, stop)
    held = {"survey_xy": None if result.survey_xy is None else result.survey_xy[part],
            "survey_geometries": None if result.survey_geometries is None else result.survey_geometries[part]}
    return replace(result, survey_fids=result.survey_fids[part], zone_fids=result.zone_fids[part],
                   zone_names=result.zone_names[part], zone_kinds=result.zone_kinds[part],
                   distances_m=result.distances_m[part], inside=result.inside[part], **held)


def _materialized(path: str, result, geometry_type: str, crs, thread=None):
    """A memory layer of ``result``'s pairs, read by QGIS from a scratch GeoPackage ``path``
    written first; None when the table could not be written or read. ``thread``: the QThread
    to hand the layer to, when this runs on another (a QObject is moved by its own thread)."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    create_geopackage(path, "pairs", geometry_type, OUTPUT_FIELDS)
    try:
        write_geopackage(path, "pairs", result, scratch=True)
    except TableNotWritableError:
        return None
    source = QgsVectorLayer(f"{path}|layername=pairs", "pairs", "ogr")
    if not source.isValid():
        return None
    source.setCrs(crs)  # the file's is undefined: materialize() gives the layer's own
    request = QgsFeatureRequest().setSubsetOfAttributes([source.fields().indexOf(n) for n, _ in OUTPUT_FIELDS])
    layer = source.materialize(request)
    del source
    if layer is not None and thread is not None:
        layer.moveToThread(thread)
    return layer


def _join(layer, rest) -> bool:
    """Add every feature of the memory layer ``rest`` to ``layer``'s, in C++, in their order.

    ``QgsFeatureSink.addFeatures`` takes a list or a QgsFeatureIterator; the bindings try the
    list first, and an iterator is iterable, so Python would make every feature. An iterator
    that Python cannot iterate (:func:`_cpp_iterator_type`) reaches the C++ overload: 80,000 features
    in ~0.07 s, against ~0.4 s through Python."""
    from qgis.core import QgsFeatureSink

    expected = layer.featureCount() + rest.featureCount()
    try:
        added = QgsFeatureSink.addFeatures(layer.dataProvider(), _cpp_iterator_type()(rest.getFeatures()))
    except TypeError:  # bindings that offer no such overload: the caller's sink after all
        return False
    return bool(added) and layer.featureCount() == expected


@cache
def _cpp_iterator_type():
    """A QgsFeatureIterator that Python cannot iterate (see :func:`_join`); made on first use, as
    this module imports no QGIS when it is imported."""
    from qgis.core import QgsFeatureIterator

    return type("CppFeatureIterator", (QgsFeatureIterator,), {"__iter__": None, "__next__": None})


def write_geopackage(path: str, table: str, result, scratch: bool = False) -> int:
    """Fill the empty GeoPackage ``table`` (the file's only one when ""), made by QGIS with
    :data:`OUTPUT_FIELDS`, with the pairs in one transaction; returns the rows written.

    Its R-tree's insert trigger needs GDAL's SQL functions (ST_MinX...), which plain sqlite3 has
    not: inside the transaction that trigger (and GDAL's per-row feature count) is dropped, the
    R-tree is packed from the bounds the check holds (:func:`_index`), and the triggers are made
    again from their own SQL, so later edits in QGIS keep the index and count as GDAL would.
    Raises :class:`TableNotWritableError` for anything else (rows already there, other columns,
    other insert triggers that fail), leaving the file as it was.
    ``scratch``: a file of this process's own, written without a journal (no rollback).
    """
    if result.survey_xy is not None:
        xs, ys = result.survey_xy[:, 0], result.survey_xy[:, 1]
        bounds = np.column_stack([xs, ys, xs, ys])
    elif result.survey_geometries is not None:
        bounds = shapely.bounds(result.survey_geometries)
    else:
        raise TableNotWritableError("the check holds no geometries")
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as db:
            if scratch:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
            return _write(db, table, result, bounds)
    except sqlite3.Error as error:
        raise TableNotWritableError(str(error)) from error


def _write(db, table: str, result, bounds: np.ndarray) -> int:
    if not table:  # the file's only feature table
        tables = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchall()
        if len(tables) != 1:
            raise TableNotWritableError("no table named and not one table in the file")
        table = tables[0][0]
    row = db.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
                     (table,)).fetchone()
    if row is None:
        raise TableNotWritableError("not a GeoPackage feature table")
    geom_column, srs_id = row
    columns = [(r[1], r[5]) for r in db.execute(f"PRAGMA table_info({_quote(table)})")]
    fid_column = [name for name, pk in columns if pk]
    names = [name for name, _ in OUTPUT_FIELDS]
    if len(fid_column) != 1 or not set(names) <= {name for name, _ in columns}:
        raise TableNotWritableError("not the output's columns")
    rtree = f"rtree_{table}_{geom_column}"
    has_rtree = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (rtree,)).fetchone() is not None
    # GDAL's per-row insert triggers, by its names and event: the R-tree's (rtree_<t>_<g>_insert...;
    # the index is packed below) and the feature count's (one UPDATE of gpkg_ogr_contents a row,
    # ~40 % of the rows' insert; the count is set once below)
    triggers = [(name, sql) for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))
        if "AFTER INSERT" in " ".join(sql.upper().split())
        and ((has_rtree and name.startswith(rtree + "_")) or name == f"trigger_insert_feature_count_{table}")]
    count = result.pair_count
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]:
            raise TableNotWritableError("the table has rows")
        for name, _sql in triggers:
            db.execute(f"DROP TRIGGER {_quote(name)}")
        with ThreadPoolExecutor(1) as pool:
            # the R-tree is packed (numpy) while SQLite inserts the rows (without the GIL)
            packing = _packing(db, rtree, np.arange(1, count + 1), bounds, pool) if has_rtree else None
            _insert_pairs(db, table, fid_column[0], geom_column, srs_id, result)
            if packing is not None:
                _index(db, rtree, *packing)
        for _name, sql in triggers:
            db.execute(sql)
        if count:
            db.execute("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
                       (*(float(v) for v in (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(),
                                             bounds[:, 3].max())), table))
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
            db.execute("UPDATE gpkg_ogr_contents SET feature_count = ? WHERE lower(table_name) = lower(?)",
                       (count, table))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return count


_ROWS_PER_INSERT = 500_000  # rows cut out of one set of packed columns (bounds their size)


def _insert_pairs(db, table: str, fid_column: str, geom_column: str, srs_id: int, result) -> None:
    """The pairs as rows fid 1..n, in one ``INSERT ... SELECT`` per 500,000 from packed columns
    (:mod:`~classification_plugin.core.packed_rows`): no Python object per row but for the
    distances that are not 0. The zones' names and kinds go into a temporary table once per zone."""
    from classification_plugin.integration.protected_check import INSIDE, WITHIN_BUFFER

    count = result.pair_count
    if count == 0:
        return
    if result.survey_xy is not None:
        geometries = gpkg_point_records(result.survey_xy[:, 0], result.survey_xy[:, 1], srs_id)
        starts, lengths = np.arange(count, dtype=np.int64) * GPKG_POINT_BYTES, None
    else:
        geometries, starts, lengths = blob_column(gpkg_blobs(shapely.to_wkb(result.survey_geometries), srs_id))
    zone_of_pair, zone_rows = _zone_rows(result)
    reference = zone_of_pair * 2 + result.inside.astype(np.int64)  # the zone's row, and whether inside
    distances = np.asarray(result.distances_m, dtype=np.float64)
    measured = np.flatnonzero((distances != 0.0) | np.signbit(distances) | np.isnan(distances))
    columns = ", ".join(_quote(c) for c in (fid_column, geom_column, *(n for n, _ in OUTPUT_FIELDS)))
    db.execute("CREATE TEMP TABLE cg_zones (k INTEGER PRIMARY KEY, fid INTEGER, name TEXT, kind TEXT)")
    db.execute("CREATE TEMP TABLE cg_distances (k INTEGER PRIMARY KEY, distance REAL)")
    try:
        db.executemany("INSERT INTO temp.cg_zones VALUES (?, ?, ?, ?)", zone_rows)
        db.executemany("INSERT INTO temp.cg_distances VALUES (?, ?)",
                       zip(measured.tolist(), distances[measured].tolist()))
        distance = "0.0"
        joins = "JOIN temp.cg_zones AS z ON z.k = r.reference >> 1"
        if measured.size:  # (a lookup a row costs ~10 % of the insert: only when some are not 0)
            distance = "CASE WHEN d.k IS NULL THEN 0.0 ELSE d.distance END"
            joins += " LEFT JOIN temp.cg_distances AS d ON d.k = ?4 + i"
        for first in range(0, count, _ROWS_PER_INSERT):
            part = slice(first, min(first + _ROWS_PER_INSERT, count))
            survey_fids, survey_width = decimal_column(result.survey_fids[part])
            references, reference_width = decimal_column(reference[part])
            # ?1 geometries, ?2 survey fids, ?3 zone references, ?4 first row, ?5 ?6 relations, ?7 ?8 starts, lengths
            parameters = [None, survey_fids, references, first, INSIDE, WITHIN_BUFFER]
            if lengths is None:  # points: all of the same size
                parameters[0] = geometries[first * GPKG_POINT_BYTES:part.stop * GPKG_POINT_BYTES]
                geometry = fixed_blob_at("?1", GPKG_POINT_BYTES)
            else:
                base = int(starts[first])
                parameters[0] = geometries[base:base + int(lengths[part].sum())]
                (part_starts, starts_width), (part_lengths, lengths_width) = (
                    decimal_column(starts[part] - base), decimal_column(lengths[part]))
                parameters += [part_starts, part_lengths]
                geometry = blob_at("?1", ("?7", starts_width), ("?8", lengths_width))
            db.execute(
                f"{ROW_NUMBERS.format(count=part.stop - first)} INSERT INTO {_quote(table)} ({columns}) "
                f"SELECT ?4 + i + 1, {geometry}, {integer_at('?2', survey_width)}, z.fid, z.name, z.kind, "
                f"{distance}, CASE WHEN r.reference & 1 THEN ?5 ELSE ?6 END "
                f"FROM (SELECT i, {integer_at('?3', reference_width)} AS reference FROM k) AS r {joins}",
                parameters)
    finally:
        db.execute("DROP TABLE temp.cg_zones")
        db.execute("DROP TABLE temp.cg_distances")


def _zone_rows(result) -> tuple:
    """(each pair's row in the zone table, the zone table's rows (k, fid, name, kind)): one row per
    zone fid when every pair of a zone fid has the same name and kind (always, for a layer's
    fids), else one row per pair."""
    fids = np.asarray(result.zone_fids, dtype=np.int64)
    _unique, first, inverse = np.unique(fids, return_index=True, return_inverse=True)
    names = np.array(result.zone_names + [None], dtype=object)[:-1]  # (the None: never a 2-D array)
    kinds = np.array(result.zone_kinds + [None], dtype=object)[:-1]
    if not ((names == names[first][inverse]).all() and (kinds == kinds[first][inverse]).all()):
        first, inverse = np.arange(fids.size), np.arange(fids.size)
    rows = zip(range(first.size), fids[first].tolist(), names[first].tolist(), kinds[first].tolist())
    return inverse.astype(np.int64), rows


def _packing(db, rtree: str, fids: np.ndarray, bounds: np.ndarray, pool) -> tuple:
    """(fids, bounds, future) for :func:`_index`: the rows to index (GDAL indexes no null or empty
    geometry), and their R-tree being packed on ``pool`` (None when the table cannot take it)."""
    present = np.isfinite(bounds).all(axis=1)
    fids, bounds = fids[present], bounds[present]
    if fids.size == 0:  # nothing to pack: the index stays empty, and the table need not be asked
        return fids, bounds, None
    try:
        size = node_size(db, rtree)
    except RtreeNotPackableError:
        return fids, bounds, None
    return fids, bounds, pool.submit(pack, fids, bounds[:, 0], bounds[:, 1], bounds[:, 2], bounds[:, 3], size)


def _index(db, rtree: str, fids: np.ndarray, bounds: np.ndarray, packing) -> None:
    """The R-tree of the rows: packed in bulk into its shadow tables (core.gpkg_rtree; ``packing``:
    the future of :func:`_packing`) when SQLite offers ``rtreecheck()`` to verify the result, else
    (or when packing is refused) one insert per row."""
    db.execute("SAVEPOINT packed_rtree")
    try:
        if packing is None:
            raise RtreeNotPackableError("the table cannot take a packed R-tree")
        fill_rtree(db, rtree, fids, bounds[:, 0], bounds[:, 1], bounds[:, 2], bounds[:, 3], packing.result())
        if db.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0] != "ok":
            raise RtreeNotPackableError("rtreecheck() found the packed tree wrong")
    except (RtreeNotPackableError, sqlite3.OperationalError):  # OperationalError: no rtreecheck()
        db.execute("ROLLBACK TO packed_rtree")
        db.execute("RELEASE packed_rtree")
        db.executemany(f"INSERT INTO {_quote(rtree)} (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)",
                       zip(fids.tolist(), bounds[:, 0].tolist(), bounds[:, 2].tolist(), bounds[:, 1].tolist(),
                           bounds[:, 3].tolist()))
    else:
        db.execute("RELEASE packed_rtree")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


__all__ = ["OUTPUT_FIELDS", "TableNotWritableError", "add_pairs", "attribute_columns", "attribute_rows", "memory_layer",
           "write_geopackage"]
