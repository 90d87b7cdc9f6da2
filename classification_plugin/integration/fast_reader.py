"""Read survey and zone layers fast, with their real feature ids, as numpy / shapely arrays.

Three paths, fastest first:

1. GeoPackage point tables: ``SELECT fid, geom`` with sqlite3 and slice x/y out of the blobs with
   numpy (8-byte header, an envelope whose size the flags give, then WKB in either byte order).
   :class:`PointSearch` reads only the points inside some boxes, found with the table's R-tree.
2. Anything GDAL opens: ``ogr.Layer.GetArrowStreamAsNumPy`` (GDAL >= 3.6) and ``shapely.from_wkb``,
   with the layer's subset string as an OGR attribute filter.
3. Everything else (memory layers, WFS, PostGIS, layers with unsaved edits, SQL subsets): QGIS
   feature iteration over a ``QgsVectorLayerFeatureSource`` snapshot taken on the calling thread.

:func:`source_spec` runs on the calling thread and captures plain data (plus that snapshot);
:func:`read_points` and :func:`read_geometries` may run in a worker thread, :class:`PointSearch`
in a short-lived one too (it uses sqlite3 alone).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import closing
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from classification_plugin.core.i18n import tr
from classification_plugin.integration.compat import POINT_GEOMETRY
from classification_plugin.integration.metric import crs_definition

_ENVELOPE_BYTES = np.array([0, 32, 48, 48, 64, -1, -1, -1], dtype=np.int64)


class NoFastPathError(Exception):
    """A fast path cannot read this source; the caller tries the next one."""


@dataclass(frozen=True)
class SourceSpec:
    """What a reader needs to know about a layer, captured on the calling thread."""

    name: str
    provider: str
    path: str
    layer_name: str
    subset: str
    crs: str
    is_point: bool  # single-part points: coordinates can stay numpy
    attributes: tuple = ()
    attribute_indexes: tuple = ()
    gdal_readable: bool = False
    feature_source: object = field(default=None, compare=False, repr=False)
    extent: tuple = ()  # (xmin, ymin, xmax, ymax) in the layer's CRS, () when unknown or empty


@dataclass
class PointData:
    fids: np.ndarray
    xs: np.ndarray  # NaN for null or empty points
    ys: np.ndarray
    method: str
    total: int = -1  # features in the source when only some were read (-1: all were read)
    nulls: int = 0  # null geometries among the features not read


@dataclass
class GeometryData:
    fids: np.ndarray
    geometries: np.ndarray  # shapely geometries, None for null
    attributes: dict
    method: str


def source_spec(layer, attributes=()) -> SourceSpec:
    """Plain description of ``layer`` (a QgsVectorLayer) for the readers; call on the layer's thread."""
    from qgis.core import QgsProviderRegistry, QgsVectorLayerFeatureSource, QgsWkbTypes

    provider = layer.providerType()
    path, layer_name = "", ""
    subset = layer.subsetString() or ""
    gdal_readable = False
    if provider == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri(provider, layer.source())
        path = parts.get("path") or ""
        layer_name = parts.get("layerName") or ""
        if not layer_name and parts.get("layerId") not in (None, ""):
            layer_name = f"#{parts['layerId']}"
        gdal_readable = bool(path) and not subset.strip().lower().startswith("select")
    if layer.isEditable() and layer.isModified():
        gdal_readable = False  # unsaved edits live only in QGIS's edit buffer
    if not layer.crs().isValid():
        raise ValueError(tr("{layer} has no coordinate reference system: set one in its Layer Properties "
                            "(Source) so that it can be checked").format(layer=layer.name()))
    wanted = tuple(a for a in attributes if a)
    missing = [a for a in wanted if layer.fields().indexOf(a) < 0]
    if missing:
        raise ValueError(tr("{layer} has no field {field}").format(layer=layer.name(), field=missing[0]))
    wkb_type = layer.wkbType()
    is_point = (QgsWkbTypes.geometryType(wkb_type) == POINT_GEOMETRY
                and not QgsWkbTypes.isMultiType(wkb_type))
    return SourceSpec(
        name=layer.name(), provider=provider, path=path, layer_name=layer_name, subset=subset,
        crs=crs_definition(layer.crs()), is_point=is_point, attributes=wanted,
        attribute_indexes=tuple(layer.fields().indexOf(a) for a in wanted),
        gdal_readable=gdal_readable, feature_source=QgsVectorLayerFeatureSource(layer),
        extent=_extent(layer),
    )


def _extent(layer) -> tuple:
    box = layer.extent()
    if box is None or box.isNull():
        return ()
    values = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
    return values if all(np.isfinite(values)) else ()


# -- points --------------------------------------------------------------------------------------


def read_points(spec: SourceSpec, feedback=None) -> PointData:
    """Feature ids and x/y of a single-part point layer, by the fastest path that can read it
    (:func:`read_points_near` reads only the points near some boxes)."""
    if spec.gdal_readable and not spec.subset:
        try:  # a locked, read-only-WAL or damaged file makes sqlite3 raise: GDAL or QGIS may still read it
            return _gpkg_points(spec.path, spec.layer_name)
        except (NoFastPathError, sqlite3.Error):
            pass
    data = read_geometries(spec, feedback)
    return points_from_geometries(data)


def read_points_near(spec: SourceSpec, boxes) -> PointData:
    """Only the GeoPackage R-tree path of :func:`read_points` (sqlite3 alone, safe in a short-lived
    worker thread); anything else raises :class:`NoFastPathError` for the caller to fall back."""
    search = PointSearch(spec)
    try:
        return search.complete(search.open().near(boxes))
    finally:
        search.close()


class PointSearch:
    """A plain GeoPackage point table opened for one R-tree search, in sqlite3 alone.

    Made on the caller's thread (no I/O: :class:`NoFastPathError` for anything but a plain
    GeoPackage point layer), then opened and searched in a worker while the caller works out the
    boxes; with many boxes a second connection searches some of them at the same time
    (:meth:`_search`). Another thread counts the features meanwhile (:meth:`count`, ~15 ms for 1M,
    on a connection of its own) and :meth:`complete` adds the count to what the search found.
    :meth:`cancel`, from any thread, stops the running statements and refuses the next ones.
    sqlite3 errors, an interrupted statement included, raise :class:`NoFastPathError`.
    """

    def __init__(self, spec: SourceSpec) -> None:
        if not (spec.gdal_readable and spec.is_point) or spec.subset or not is_geopackage(spec.path):
            raise NoFastPathError("not a plain GeoPackage point layer")
        self.spec = spec
        self.db = None
        self.opened = False
        self.canceled = False
        self.failure = None  # why open() failed, for near() to raise in its turn
        self.attached = None  # the attached zones' R-tree, for near_attached()
        self.counted = None  # (features, features in the R-tree) once count() is done
        self.count_failure = None  # why count() failed, for complete() to raise
        self.count_db = None
        self.helper_db = None  # the second connection of a search in parts (_search)

    def open(self) -> PointSearch:
        try:
            return self._open()
        except BaseException as error:
            self.failure = error
            raise

    def _open(self) -> PointSearch:
        spec = self.spec
        try:
            self._go_on()
            self.db = _connect(spec.path)
            self.fid_column, self.geom_column, self.rtree = _indexed_table(self.db, spec.path, spec.layer_name)
            self.table = spec.layer_name
            self._go_on()
            self.db.execute("ATTACH DATABASE ':memory:' AS cg_mem")
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error
        self.opened = True
        return self

    def cancel(self) -> None:
        """Interrupt the running statement (sqlite3 allows it from another thread) and refuse the
        next ones. A statement that starts just after misses the interrupt: a caller waiting
        for the search calls this again until it ends."""
        self.canceled = True
        for db in (self.db, self.count_db, self.helper_db):
            if db is not None:
                try:
                    db.interrupt()
                except sqlite3.Error:  # closed meanwhile
                    pass

    def _go_on(self) -> None:
        if self.canceled:
            raise NoFastPathError("canceled")

    def near(self, boxes) -> PointData:
        """Points inside any of ``boxes`` (minx, miny, maxx, maxy), found with the table's R-tree."""
        rows = np.asarray(boxes, dtype=np.float64).reshape(-1, 4).tolist()
        self._opened()

        def fill(db):
            db.executemany("INSERT INTO cg_mem.boxes VALUES (?, ?, ?, ?)", rows)

        return self._search(fill, (0.0, 0.0, 0.0, 0.0))

    def attach_boxes(self, spec: SourceSpec) -> tuple:
        """Attach another plain GeoPackage table (the zones) whose R-tree holds every geometry it
        has, for :meth:`near_attached`. Returns that R-tree's extent and its boxes' longest side,
        (minx, miny, maxx, maxy, side), or raises :class:`NoFastPathError` (not such a table, a
        geometry missing from its R-tree, no geometry at all). Like the survey's, the zones'
        R-tree is trusted: an entry whose box was not updated with its zone hides that zone.

        The zones' boxes then never pass through Python: the search starts as soon as the
        survey's table is open, 30-50 ms earlier on 10,000 zones than from the zones as read
        (GDAL's read, then 10,000 boxes inserted into SQLite)."""
        self._opened()
        if not spec.gdal_readable or spec.subset or not is_geopackage(spec.path):
            raise NoFastPathError("the zones are not a plain GeoPackage table")
        try:
            self._go_on()
            self.db.execute("ATTACH DATABASE ? AS cg_zones", (_uri(spec.path),))
            fid_column, geom_column, rtree = _indexed_table(self.db, spec.path, spec.layer_name, "cg_zones.")
            absent = _unindexed(self.db, f"cg_zones.{_quote(spec.layer_name)}", fid_column, geom_column,
                                f"cg_zones.{_quote(rtree + '_rowid')}")[2]
            if not all(_no_geometry(blob) for blob in absent):
                raise NoFastPathError("the zones' spatial index does not hold every zone")
            self._go_on()
            extent = self.db.execute(
                f"SELECT min(minx), min(miny), max(maxx), max(maxy), max(max(maxx - minx, maxy - miny)) "
                f"FROM cg_zones.{_quote(rtree)}").fetchone()
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error
        if extent is None or extent[0] is None:
            raise NoFastPathError("the zones' spatial index is empty")
        self.attached = (_uri(spec.path), f"cg_zones.{_quote(rtree)}")
        return tuple(float(v) for v in extent)

    def near_attached(self, grow_x: float, grow_y: float, fraction: float = 0.0, constant: float = 0.0) -> PointData:
        """Points inside the boxes of the table :meth:`attach_boxes` attached, each box grown by
        ``grow_x`` and ``grow_y`` on its sides, plus ``fraction`` of its longer side and
        ``constant`` on all four (see :func:`~.protected_check.survey_boxes`)."""
        self._opened()
        if self.attached is None:
            raise NoFastPathError("no zones attached")
        uri, rtree = self.attached

        def fill(db):  # the boxes copied inside SQLite, never through Python
            if db is not self.db:
                db.execute("ATTACH DATABASE ? AS cg_zones", (uri,))
            db.execute(f"INSERT INTO cg_mem.boxes SELECT minx, miny, maxx, maxy FROM {rtree}")

        return self._search(fill, (grow_x, grow_y, fraction, constant))

    def _opened(self) -> None:
        if not self.opened:
            # open() runs first in the same worker: its failure, an unexpected one as such
            if self.failure is None or isinstance(self.failure, NoFastPathError):
                raise NoFastPathError(f"the search could not be opened: {self.failure}") from self.failure
            raise self.failure

    def _search(self, fill, growth: tuple) -> PointData:
        """The points in the boxes that ``fill(db)`` puts into a connection's empty ``cg_mem.boxes``
        (columns minx, miny, maxx, maxy; rowids 1..n), each grown by ``growth`` = (x, y, fraction
        of the longer side, constant).

        The boxes are searched in parts of consecutive rowids (:func:`_box_parts`), each part in
        one statement whose single row aggregates the points found (:func:`_part_points`): SQLite
        runs it whole without the GIL, so a second connection on a second thread searches other
        parts at the same time (at 185,706 points near 10,000 zones: 0.29 s fetching rows on one
        connection, ~0.12 s so). Parts bound the aggregated rows; a point near boxes of two parts
        is kept once.
        """
        try:
            self._go_on()
            _empty_boxes(self.db)  # a second search replaces the first's boxes
            fill(self.db)
            count = self.db.execute("SELECT count(*) FROM cg_mem.boxes").fetchone()[0]
            parts = _box_parts(count)
            found = [None] * len(parts)
            queue = iter(range(len(parts)))
            lock = threading.Lock()

            def search(db):
                while True:
                    with lock:
                        number = next(queue, None)
                    if number is None:
                        return
                    self._go_on()
                    found[number] = _part_points(db, self.table, self.fid_column, self.geom_column, self.rtree,
                                                 growth, parts[number])

            if len(parts) < 2:
                search(self.db)
            else:
                with ThreadPoolExecutor(1) as pool:
                    helper = pool.submit(self._helper_search, fill, search)
                    try:
                        search(self.db)
                    except BaseException:
                        with lock:  # no more parts for the helper
                            queue = iter(())
                        raise
                    finally:
                        wait_futures([helper])
                    failure, helper = helper.exception(), None
                if failure is not None:
                    try:
                        _raise_anew(failure)
                    finally:
                        failure = None  # this frame, in the traceback, must not hold the old exception
        except sqlite3.Error as error:
            raise NoFastPathError(str(error)) from error
        fids = np.concatenate([f[0] for f in found])
        xs, ys = np.concatenate([f[1] for f in found]), np.concatenate([f[2] for f in found])
        if len(found) > 1:
            fids, first = np.unique(fids, return_index=True)
            xs, ys = xs[first], ys[first]
        return PointData(fids, xs, ys, "gpkg-rtree")

    def _helper_search(self, fill, search) -> None:
        """``search`` on a second connection of the table, its boxes filled the same way."""
        self._go_on()
        self.helper_db = db = _connect(self.spec.path)
        try:
            db.execute("ATTACH DATABASE ':memory:' AS cg_mem")
            _empty_boxes(db)
            fill(db)
            search(db)
        finally:
            self.helper_db = None
            db.close()

    def count(self) -> None:
        """Count the table's features, and those its R-tree holds, on a connection of its own: any
        thread, beside a running search. A failure is kept for :meth:`complete` to raise. QGIS
        writes a null geometry as an empty point, but a point left out of the index would never
        be found by the search: when some features are not in it, each of those is looked at."""
        if self.counted is not None or self.count_failure is not None:
            return
        try:
            self._go_on()
            self.count_db = db = _connect(self.spec.path)
            try:
                fid_column, geom_column, rtree = _indexed_table(db, self.spec.path, self.spec.layer_name)
                total, present, absent = _unindexed(db, _quote(self.spec.layer_name), fid_column, geom_column,
                                                    _quote(rtree + "_rowid"), self._go_on)
            finally:
                self.count_db = None
                db.close()
            xs, _ = parse_point_wkb(absent, gpkg=True)
            if np.isfinite(xs).any():
                raise NoFastPathError("the spatial index does not hold every point")
            self.counted = (total, present)
        except sqlite3.Error as error:
            self.count_failure = NoFastPathError(str(error))
        except NoFastPathError as error:
            self.count_failure = error

    def complete(self, points: PointData) -> PointData:
        """``points`` found by a search, with the table's feature count (counted now unless
        :meth:`count` has returned), or :class:`NoFastPathError` when the search cannot be trusted."""
        self.count()
        if self.count_failure is not None:
            raise self.count_failure
        total, present = self.counted
        return replace(points, total=total, nulls=total - present)

    def close(self) -> None:
        # a kept failure holds its traceback, whose frames hold this search and, up their callers,
        # the caller's layers: a reference cycle that only the garbage collector would break,
        # possibly after QGIS has shut down (a crash at exit in the tests)
        self.failure = self.count_failure = None
        if self.db is not None:
            self.db.close()
            self.db = None


def points_from_geometries(data: GeometryData) -> PointData:
    geoms = data.geometries
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    xs = np.full(geoms.size, np.nan)
    ys = np.full(geoms.size, np.nan)
    if usable.any():
        coords = shapely.get_coordinates(geoms[usable])
        if coords.shape[0] != int(usable.sum()):
            raise NoFastPathError("not single points")
        xs[usable], ys[usable] = coords[:, 0], coords[:, 1]
    return PointData(data.fids, xs, ys, data.method)


def _gpkg_columns(db, path: str, table: str, schema: str = "") -> tuple:
    """(fid column, geometry column) of a GeoPackage point table (any geometry table in an
    attached ``schema``, given as ``"name."``), or NoFastPathError."""
    if not is_geopackage(path) or table.startswith("#"):
        raise NoFastPathError("not a GeoPackage table")
    row = db.execute(
        f"SELECT column_name, upper(geometry_type_name) FROM {schema}gpkg_geometry_columns WHERE table_name = ?",
        (table,),
    ).fetchone()
    if row is None or (not schema and row[1] != "POINT"):
        raise NoFastPathError("not a GeoPackage point table" if not schema else "not a GeoPackage geometry table")
    pk = [r[1] for r in db.execute(f"PRAGMA {schema}table_info({_quote(table)})") if r[5]]
    if len(pk) != 1:
        raise NoFastPathError("no single primary key")
    return pk[0], row[0]


def _unindexed(db, table: str, fid_column: str, geom_column: str, rowids: str, go_on=None) -> tuple:
    """(features, features in the R-tree, the geometry blobs of the others) of a GeoPackage table
    (``table`` and the R-tree's ``rowids`` shadow table given quoted). The R-tree holds one entry
    per non-null, non-empty geometry; its rowid shadow table (SQLite's own bookkeeping) counts
    them in a few ms, the virtual table in ~70. Only when some features are not in it are those
    read (~0.1 s a million features), for the caller to judge."""
    total = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    present = db.execute(f"SELECT count(*) FROM {rowids}").fetchone()[0]
    absent = []
    if present != total:
        if go_on is not None:
            go_on()
        absent = [row[0] for row in db.execute(
            f"SELECT p.{_quote(geom_column)} FROM {table} AS p LEFT JOIN {rowids} AS r "
            f"ON r.rowid = p.{_quote(fid_column)} WHERE r.rowid IS NULL")]
        if present + len(absent) != total:
            raise NoFastPathError("the spatial index holds features the table does not")
    return int(total), int(present), absent


def _no_geometry(blob) -> bool:
    """Whether a GeoPackage geometry blob is null or empty, judged by its WKB as GDAL reads it
    (not by the header's empty flag, which GDAL ignores); anything unreadable is a geometry."""
    if blob is None:
        return True
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        return False
    envelope = int(_ENVELOPE_BYTES[(blob[3] >> 1) & 7])
    if envelope < 0 or blob[3] & 0x20:
        return False
    try:
        return bool(shapely.is_empty(shapely.from_wkb(blob[8 + envelope:])))
    except shapely.errors.GEOSException:
        return False


def _gpkg_points(path: str, table: str) -> PointData:
    """Every point of a GeoPackage table (one connection: two reading halves were slower here)."""
    with closing(_connect(path)) as db:
        fid_column, geom_column = _gpkg_columns(db, path, table)
        fids, xs, ys = fetch_points(db.execute(f"SELECT {_quote(fid_column)}, {_quote(geom_column)} "
                                               f"FROM {_quote(table)}"))
    return PointData(fids, xs, ys, "gpkg")


_FETCH_ROWS = 250_000  # rows turned into numpy at a time: Python objects for at most these


def fetch_points(cursor, chunk: int = _FETCH_ROWS) -> tuple:
    """(fids, xs, ys) of a cursor's (fid, GeoPackage point blob) rows, read ``chunk`` rows at a
    time so that only one chunk of rows exists as Python objects (10M rows at once: gigabytes)."""
    fids, xs, ys = [np.empty(0, np.int64)], [np.empty(0)], [np.empty(0)]
    while True:
        rows = cursor.fetchmany(chunk)
        if not rows:
            break
        fids.append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        x, y = parse_point_wkb([r[1] for r in rows], gpkg=True)
        xs.append(x)
        ys.append(y)
    return np.concatenate(fids), np.concatenate(xs), np.concatenate(ys)


_BOXES_PER_PART = 1_000  # boxes searched in one statement (it holds their points as one row)
_PARTS = 8  # at least, when there are enough boxes: two threads, parts of work of uneven size


def _raise_anew(failure: BaseException):
    """Raise a worker's ``failure`` here: an SQLite error or a refusal as a new NoFastPathError,
    anything else as itself. Raised as it is, the exception takes this thread's frames into its
    traceback, and a frame holding it (or the future that holds it) would keep both alive, and
    the caller's layers with them, until the garbage collector runs (after QGIS has shut down, in
    the tests: a crash at exit): callers drop their own reference to it as it leaves."""
    if isinstance(failure, (sqlite3.Error, NoFastPathError)):
        raise NoFastPathError(str(failure))
    try:
        raise failure
    finally:
        failure = None


def _empty_boxes(db) -> None:
    """A new empty table ``cg_mem.boxes`` (minx, miny, maxx, maxy) in the attached in-memory
    database ``cg_mem``: the boxes inserted next have rowids 1..n on every connection alike."""
    db.execute("DROP TABLE IF EXISTS cg_mem.boxes")
    db.execute("CREATE TABLE cg_mem.boxes (minx REAL, miny REAL, maxx REAL, maxy REAL)")


def _box_parts(count: int) -> list:
    """Rowid ranges (first, last) of ``count`` boxes: one part for a few, else at least
    :data:`_PARTS` of at most :data:`_BOXES_PER_PART`."""
    if count < 2 * _PARTS * 32:
        return [(1, max(count, 1))]
    parts = max(_PARTS, -(-count // _BOXES_PER_PART))
    edges = np.linspace(0, count, parts + 1).round().astype(np.int64)
    return [(int(a) + 1, int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _part_points(db, table: str, fid_column: str, geom_column: str, rtree: str, growth: tuple, part: tuple) -> tuple:
    """(fids, xs, ys), by fid, of the points in the boxes of rowids ``part`` (first, last) of
    ``cg_mem.boxes``, grown as :meth:`PointSearch._search` says, from one aggregated row:
    the fids as text, the geometry blobs end to end (``group_concat`` keeps a blob's bytes;
    ``CAST`` gives them back as a blob), and the blobs' count and lengths. Blobs all of one length
    are parsed as a table; anything else (a null, mixed lengths) reads the rows one by one."""
    fid, geom = _quote(fid_column), _quote(geom_column)
    grow = "(?3 * max(b.maxx - b.minx, b.maxy - b.miny) + ?4)"
    # CROSS JOIN keeps the boxes outside: one R-tree search per box, never a scan of the R-tree
    found = (f"SELECT {fid} AS f, {geom} AS g FROM {_quote(table)} WHERE {fid} IN "
             f"(SELECT r.id FROM cg_mem.boxes AS b CROSS JOIN {_quote(rtree)} AS r "
             f"WHERE b.rowid BETWEEN ?5 AND ?6 "
             f"AND r.minx <= b.maxx + ?1 + {grow} AND r.maxx >= b.minx - ?1 - {grow} "
             f"AND r.miny <= b.maxy + ?2 + {grow} AND r.maxy >= b.miny - ?2 - {grow})")
    parameters = (*(float(g) for g in growth), *part)
    count, blobs, shortest, longest, fids, joined = db.execute(
        f"SELECT count(*), count(g), min(length(g)), max(length(g)), group_concat(f), "
        f"CAST(group_concat(g, '') AS BLOB) FROM ({found})", parameters).fetchone()
    if count == 0:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    if blobs != count or shortest != longest or not isinstance(joined, bytes) or len(joined) != count * longest:
        return fetch_points(db.execute(found, parameters))
    fids = np.array(fids.split(","), dtype=np.int64)
    xs, ys = point_xy(np.frombuffer(joined, np.uint8), np.full(count, longest, np.int64), gpkg=True)
    return fids, xs, ys


def _indexed_table(db, path: str, table: str, schema: str = "") -> tuple:
    """(fid column, geometry column, R-tree name) of a GeoPackage table as :func:`_gpkg_columns`
    finds it, with its spatial index (the spec's ``rtree_<table>_<column>``), or NoFastPathError."""
    fid_column, geom_column = _gpkg_columns(db, path, table, schema)
    rtree = f"rtree_{table}_{geom_column}"
    if db.execute(f"SELECT 1 FROM {schema}sqlite_master WHERE name = ?", (rtree,)).fetchone() is None:
        raise NoFastPathError("no spatial index")
    return fid_column, geom_column, rtree


def is_geopackage(path: str) -> bool:
    """Whether ``path`` is a GeoPackage file (by its name; sqlite3 finds out the rest)."""
    return path.lower().endswith(".gpkg") and os.path.isfile(path)


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(_uri(path), uri=True, check_same_thread=False)


def _uri(path: str) -> str:
    """A read-only SQLite URI for ``path``."""
    from pathlib import Path

    return f"{Path(path).resolve().as_uri()}?mode=ro"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def parse_point_wkb(blobs: list, gpkg: bool) -> tuple:
    """x and y of point blobs (GeoPackage binary when ``gpkg``, else WKB), NaN for null/empty.

    Handles both byte orders, every GeoPackage envelope size and Z/M points (ISO WKB types 1,
    1001, 2001, 3001); anything else raises :class:`NoFastPathError`.
    """
    n = len(blobs)
    try:
        lengths = np.fromiter(map(len, (b or b"" for b in blobs)), np.int64, n)
    except TypeError as error:  # a geometry stored as a number
        raise NoFastPathError("a geometry that is not a blob") from error
    if not lengths.any():
        return np.full(n, np.nan), np.full(n, np.nan)
    try:
        buf = np.frombuffer(b"".join(b for b in blobs if b), np.uint8)
    except TypeError as error:  # a geometry stored as text or a number
        raise NoFastPathError("a geometry that is not a blob") from error
    return point_xy(buf, lengths, gpkg)


def point_xy(buf: np.ndarray, lengths: np.ndarray, gpkg: bool) -> tuple:
    """x and y of point blobs laid end to end in ``buf`` (bytes), ``lengths`` long each (0 for a
    null): as :func:`parse_point_wkb`."""
    n = lengths.size
    xs = np.full(n, np.nan)
    ys = np.full(n, np.nan)
    header = 8 if gpkg else 0
    rows = np.flatnonzero(lengths > 0)
    if rows.size == 0:
        return xs, ys
    width = int(lengths[rows[0]])
    if (lengths[rows] == width).all():
        uniform = _uniform_points(buf.reshape(rows.size, width), gpkg)
        if uniform is not None:
            xs[rows], ys[rows] = uniform
            return xs, ys
    starts = (np.cumsum(lengths) - lengths)[rows]
    ends = starts + lengths[rows]
    if gpkg:
        if (ends - starts < 8).any():
            raise NoFastPathError("short GeoPackage blob")
        flags = buf[starts + 3].astype(np.int64)
        envelope = _ENVELOPE_BYTES[(flags >> 1) & 7]
        if (envelope < 0).any() or (flags & 0x20).any():  # bad envelope code or extended geometry
            raise NoFastPathError("unsupported GeoPackage header")
        empty = (flags & 0x10) != 0
        wkb = starts + header + envelope
    else:
        empty = np.zeros(rows.size, bool)
        wkb = starts
    if (wkb + 5 > ends).any():
        raise NoFastPathError("short WKB")
    little = buf[wkb] == 1
    types = np.where(little, _gather(buf, wkb + 1, "<u4"), _gather(buf, wkb + 1, ">u4"))
    if not np.isin(types, (1, 1001, 2001, 3001)).all():
        raise NoFastPathError("not single points")
    # coordinates whatever the header's empty flag says, as GDAL reads them (an empty point is
    # NaN, NaN); only a flagged point may stop short of them
    full = wkb + 21 <= ends
    if (~empty & ~full).any():
        raise NoFastPathError("short point WKB")
    x = np.where(little, _gather(buf, wkb + 5, "<f8", full), _gather(buf, wkb + 5, ">f8", full))
    y = np.where(little, _gather(buf, wkb + 13, "<f8", full), _gather(buf, wkb + 13, ">f8", full))
    x[~full] = np.nan
    y[~full] = np.nan
    xs[rows], ys[rows] = x, y
    return xs, ys


def _uniform_points(table: np.ndarray, gpkg: bool):
    """x, y of same-length blobs sharing one header layout (the usual table), by column slicing."""
    first = table[0]
    if gpkg:
        flags = int(first[3])
        envelope = int(_ENVELOPE_BYTES[(flags >> 1) & 7])
        if envelope < 0 or flags & 0x20 or not (table[:, 3] == flags).all():
            return None  # mixed layouts or extended geometries: the general path
        wkb = 8 + envelope
    else:
        wkb = 0
    if table.shape[1] < wkb + 21 or not (table[:, wkb] == first[wkb]).all():
        return None
    order = "<" if first[wkb] == 1 else ">"
    types = np.ascontiguousarray(table[:, wkb + 1:wkb + 5]).view(order + "u4").ravel()
    if not np.isin(types, (1, 1001, 2001, 3001)).all():
        raise NoFastPathError("not single points")
    x = np.ascontiguousarray(table[:, wkb + 5:wkb + 13]).view(order + "f8").ravel().astype(np.float64)
    y = np.ascontiguousarray(table[:, wkb + 13:wkb + 21]).view(order + "f8").ravel().astype(np.float64)
    return x, y


def _gather(buf: np.ndarray, offsets: np.ndarray, dtype: str, mask: np.ndarray | None = None) -> np.ndarray:
    """Numbers of ``dtype`` at byte ``offsets`` of ``buf`` (zero where ``mask`` is False)."""
    width = np.dtype(dtype).itemsize
    offsets = offsets if mask is None else np.where(mask, offsets, 0)
    if buf.size < width:
        return np.zeros(offsets.size, dtype=np.dtype(dtype).newbyteorder("="))
    offsets = np.minimum(offsets, buf.size - width)
    raw = buf[offsets[:, None] + np.arange(width)]
    return raw.view(dtype).ravel().astype(np.dtype(dtype).newbyteorder("="))


# -- any geometry --------------------------------------------------------------------------------


def read_geometries(spec: SourceSpec, feedback=None) -> GeometryData:
    """Feature ids, shapely geometries and the wanted attributes of a layer."""
    if spec.gdal_readable:
        try:
            return _gdal_geometries(spec)
        except NoFastPathError:
            pass
    return _qgis_geometries(spec, feedback)


def _gdal_geometries(spec: SourceSpec) -> GeometryData:
    from osgeo import gdal, ogr

    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):
        raise NoFastPathError("GDAL < 3.6")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        return _gdal_read(gdal, spec)
    finally:
        gdal.PopErrorHandler()


def _gdal_read(gdal, spec: SourceSpec) -> GeometryData:
    # works whether or not gdal.UseExceptions() is in force: failures are None/non-zero or raise
    try:
        dataset = gdal.OpenEx(spec.path, gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as error:
        raise NoFastPathError(str(error)) from error
    if dataset is None:
        raise NoFastPathError("GDAL cannot open the source")
    if spec.layer_name.startswith("#"):
        layer = dataset.GetLayer(int(spec.layer_name[1:]))
    elif spec.layer_name:
        layer = dataset.GetLayerByName(spec.layer_name)
    else:
        layer = dataset.GetLayer(0)
    if layer is None:
        raise NoFastPathError("layer not found")
    definition = layer.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    missing = [a for a in spec.attributes if a not in names]
    if missing:
        raise NoFastPathError(f"fields {missing} not in the source")
    layer.SetIgnoredFields([n for n in names if n not in spec.attributes])
    if spec.subset:
        try:
            if layer.SetAttributeFilter(spec.subset) != 0:
                raise NoFastPathError("subset not understood by GDAL")
        except RuntimeError as error:
            raise NoFastPathError(str(error)) from error
    fid_key = layer.GetFIDColumn() or "OGC_FID"
    geom_key = layer.GetGeometryColumn() or "wkb_geometry"
    fids, wkbs, values = [], [], {a: [] for a in spec.attributes}
    try:
        stream = layer.GetArrowStreamAsNumPy(options=["USE_MASKED_ARRAYS=NO"])
        for batch in stream:
            fids.append(np.asarray(batch[fid_key], dtype=np.int64))
            wkbs.append(batch[geom_key])
            for name in spec.attributes:
                # GDAL hands strings over as bytes (one comprehension: ~4x faster than a call per value)
                values[name].extend([v.decode("utf-8", errors="replace") if type(v) is bytes else v
                                     for v in batch[name].tolist()])
    except (RuntimeError, KeyError) as error:
        raise NoFastPathError(str(error)) from error
    if not fids:
        return GeometryData(np.empty(0, np.int64), np.empty(0, dtype=object), values, "gdal")
    geometries = shapely.from_wkb(np.concatenate(wkbs), on_invalid="ignore")
    return GeometryData(np.concatenate(fids), geometries, values, "gdal")


def _qgis_geometries(spec: SourceSpec, feedback=None) -> GeometryData:
    from qgis.core import NULL, QgsFeatureRequest

    source = spec.feature_source
    request = QgsFeatureRequest()
    if spec.attributes:
        request.setSubsetOfAttributes(list(spec.attribute_indexes))
    else:
        request.setNoAttributes()
    fids, wkbs, values = [], [], {a: [] for a in spec.attributes}
    for count, feature in enumerate(source.getFeatures(request)):
        if feedback is not None and count % 10_000 == 0 and feedback.isCanceled():
            break
        fids.append(feature.id())
        geometry = feature.geometry()
        wkbs.append(None if geometry.isNull() else bytes(geometry.asWkb()))
        for name, index in zip(spec.attributes, spec.attribute_indexes):
            value = feature.attribute(index)
            values[name].append(None if value == NULL else value)
    geometries = shapely.from_wkb(np.array(wkbs, dtype=object), on_invalid="ignore") if wkbs \
        else np.empty(0, dtype=object)
    return GeometryData(np.array(fids, dtype=np.int64), geometries, values, "qgis")

