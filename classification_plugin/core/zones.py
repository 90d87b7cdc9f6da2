"""Protected-area zone checks on shapely 2 / numpy arrays: no QGIS, metres in, pairs out.

A :class:`ZoneIndex` holds protected-area polygons already projected into a metric CRS. It answers
which survey features (points, tracks, footprints) are inside a zone or within ``buffer_m`` metres
of it, as plain numpy arrays of (survey index, zone index, distance, inside) pairs.

Points stay numpy coordinates all the way: candidate (point, zone) pairs come from a uniform grid
over the points (sorted by cell, so the points of one row of cells are a contiguous slice), the
exact test is ``shapely.intersects_xy`` on prepared zones, and point objects are only made for the
few candidates that lie in a zone's buffered bounding box but not in the zone, to measure distance,
and of those only for the ones its bounding circle leaves within reach (with no buffer asked, a
reprojected check still reaches a millimetre out: without that circle it measured every one).
Lines and polygons go through an ``STRtree`` query with the ``dwithin`` (or ``intersects``)
predicate. Distances are planar, in the index's CRS units (metres), unless a ``scale`` is given:
a callable ``scale(xs, ys)`` giving a conformal projection's scale ``k`` (grid metres per ground
metre) at index coordinates, with an attribute ``maximum`` (the largest ``k`` over the data).
Then buffers and distances are ground metres: searches reach ``buffer_m`` times the largest of
``maximum`` and ``k`` round the box of what is checked (an edit can land outside the data the
scale was worked out for), and each grid distance is divided by ``k`` at the survey feature's
point nearest the zone (for a line or polygon that can be far from the rest of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely

_POLYGONAL = ("Polygon", "MultiPolygon")
ZONE_KINDS = ("military", "nature_reserve", "critical_infrastructure", "airport", "custom")
_PARALLEL_MIN = 10_000  # distance computations worth splitting over two threads (36,000: 78 -> 42-75 ms)
_PARALLEL_VALID_MIN = 2_000  # geometries whose validity is worth judging on two threads


@dataclass(frozen=True)
class Conflicts:
    """(survey feature, zone) pairs found by a check; all arrays have the same length.

    ``survey`` indexes the input of the check, ``zone`` indexes :attr:`ZoneIndex.ids` (the kept
    zones), ``distance_m`` is 0 for pairs that intersect, and ``inside`` says they intersect.
    ``skipped`` and ``repaired`` count survey inputs that were null/empty or invalid and repaired.
    """

    survey: np.ndarray
    zone: np.ndarray
    distance_m: np.ndarray
    inside: np.ndarray
    skipped: int = 0
    repaired: int = 0

    @classmethod
    def empty(cls, skipped: int = 0, repaired: int = 0) -> Conflicts:
        return cls(
            np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, bool),
            skipped, repaired,
        )

    def __len__(self) -> int:
        return int(self.survey.size)

    def conflicting(self) -> np.ndarray:
        """Distinct survey indices that have at least one pair."""
        return np.unique(self.survey)

    def sorted(self) -> Conflicts:
        """The same pairs ordered by survey index, then zone index."""
        if self.survey.size < 2:
            return self
        order = np.argsort(self.survey * (int(self.zone.max()) + 1) + self.zone, kind="stable")
        return Conflicts(self.survey[order], self.zone[order], self.distance_m[order], self.inside[order],
                         self.skipped, self.repaired)


@dataclass
class GeometryCleanup:
    """What :func:`clean_geometries` did: which inputs were kept, how many repaired or skipped."""

    geometries: np.ndarray  # the kept geometries, 2D and valid
    kept: np.ndarray  # their positions in the input
    repaired: int = 0
    skipped: int = 0


def clean_geometries(geometries, polygonal: bool = False) -> GeometryCleanup:
    """Drop null/empty inputs, force 2D, repair invalid ones with ``make_valid``.

    With ``polygonal`` the repaired result keeps only its polygon parts (a bow-tie becomes two
    triangles); an input left with no area is skipped.
    """
    geoms = np.asarray(geometries, dtype=object).ravel()
    if geoms.size == 0:
        return GeometryCleanup(np.empty(0, dtype=object), np.empty(0, np.int64))
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kept = np.flatnonzero(present)
    geoms = geoms[kept]
    # force_2d copies every geometry: only when some have a Z (has_z misses a NaN first Z)
    if (shapely.get_coordinate_dimension(geoms) > 2).any():
        geoms = shapely.force_2d(geoms)
    invalid = ~_valid(geoms)
    repaired = int(invalid.sum())
    if repaired:
        fixed = shapely.make_valid(geoms[invalid])
        if polygonal:
            fixed = np.array([_polygon_parts(g) for g in fixed], dtype=object)
        geoms[invalid] = fixed
    if polygonal:
        types = shapely.get_type_id(geoms)
        usable = np.isin(types, (3, 6)) & ~shapely.is_empty(geoms)
        if not usable.all():
            geoms, kept = geoms[usable], kept[usable]
    skipped = int(present.size - kept.size)
    return GeometryCleanup(geoms, kept.astype(np.int64), repaired, skipped)


def split_long_edges(geometries, step: float, valid: bool = False) -> np.ndarray:
    """``shapely.segmentize(geometries, step)``: every edge split to at most ``step``.

    With ``valid`` (the caller vouches that the polygons are valid, as :func:`clean_geometries`
    leaves them), a geometry whose edges all have a length above 0 and below ``step`` is kept as
    it is: GEOS's densifier would give back the same coordinates (it adds points only to longer
    edges, drops repeated points, and rebuilds only an invalid polygon). Ring joins count as
    edges here, so a geometry is segmentized whenever in doubt. Zones already finer than the
    step are then not copied by GEOS at all.
    """
    geometries = np.asarray(geometries, dtype=object)
    if not valid or geometries.size == 0:
        return shapely.segmentize(geometries, step)
    coords, owner = shapely.get_coordinates(geometries, return_index=True)
    dx, dy = np.diff(coords[:, 0]), np.diff(coords[:, 1])
    length = np.sqrt(dx * dx + dy * dy)
    same = owner[1:] == owner[:-1]
    doubtful = same & ~((length > 0) & (length < step * (1.0 - 1e-9)))
    needs = np.zeros(geometries.size, bool)
    needs[owner[1:][doubtful]] = True
    if not needs.any():
        return geometries
    out = geometries.copy()
    out[needs] = shapely.segmentize(geometries[needs], step)
    return out


def _polygon_parts(geom):
    """The polygonal part of a ``make_valid`` result (which may mix polygons, lines and points)."""
    if geom is None or geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


@dataclass
class ZoneIndex:
    """Protected-area zones in a metric CRS, ready for repeated checks.

    Build it with :meth:`build`. ``ids``, ``names`` and ``kinds`` describe the kept zones (null,
    empty and area-less zones are skipped and counted in ``skipped``; invalid ones are repaired
    with ``make_valid`` and counted in ``repaired``).
    """

    geometries: np.ndarray
    ids: np.ndarray
    names: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    repaired: int = 0
    skipped: int = 0

    def __post_init__(self) -> None:
        shapely.prepare(self.geometries)
        self.bounds = shapely.bounds(self.geometries).reshape(-1, 4)

    @classmethod
    def build(
        cls,
        geometries,
        ids: Sequence | None = None,
        names: Sequence | None = None,
        kinds: Sequence | None = None,
    ) -> ZoneIndex:
        """Index zone polygons (shapely geometries or None), repairing and skipping as needed."""
        cleanup = clean_geometries(geometries, polygonal=True)
        count = len(np.asarray(geometries, dtype=object).ravel())
        all_ids = np.arange(count, dtype=np.int64) if ids is None else np.asarray(ids)
        pick = cleanup.kept

        def subset(values):
            if values is None:
                return [None] * len(pick)
            values = list(values)
            return [values[i] for i in pick]

        return cls(cleanup.geometries, all_ids[pick], subset(names), subset(kinds),
                   cleanup.repaired, cleanup.skipped)

    def __len__(self) -> int:
        return int(self.geometries.size)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """An STRtree of the zones, built on first use (points never need it)."""
        return shapely.STRtree(self.geometries)

    # -- points ---------------------------------------------------------------------------------

    def prepare_points(self) -> None:
        """Build GEOS's point-in-polygon index of every zone now (GEOS builds one on a zone's first
        point test): ~15 ms for 10,000 zones that a caller can spend while it waits for points."""
        if len(self):
            b = self.bounds
            shapely.intersects_xy(self.geometries, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)

    def check_points(self, xs, ys, buffer_m: float = 0.0, tolerance: float = 0.0, scale=None) -> Conflicts:
        """Pairs of (point, zone) with the point inside the zone or within ``buffer_m`` of it.

        ``xs``/``ys`` are coordinates in the index CRS; NaN coordinates (null or empty points)
        are skipped and counted. A point on a zone's edge is inside (distance 0), and so is one
        within ``tolerance`` of it (use a millimetre or so after reprojection, whose rounding can
        move a point that was exactly on an edge a few nanometres out). ``scale``: see the module.
        With k taken at the point, a distance d is off by about d * |grad k| / 2: 1e-6 of d at
        1 km for a projection ~600 km across.
        """
        xs = np.ascontiguousarray(xs, dtype=np.float64).ravel()
        ys = np.ascontiguousarray(ys, dtype=np.float64).ravel()
        tolerance = _check_buffer(tolerance)
        buffer_m = _check_buffer(buffer_m) + tolerance
        finite = np.isfinite(xs) & np.isfinite(ys)
        skipped = int(xs.size - finite.sum())
        if skipped:
            index = np.flatnonzero(finite)
            xs, ys = xs[index], ys[index]
        else:
            index = None
        if xs.size == 0 or len(self) == 0:
            return Conflicts.empty(skipped)
        reach = _reach(buffer_m, scale, (xs.min(), ys.min(), xs.max(), ys.max()))
        cand_point, cand_zone = self._point_candidates(xs, ys, reach)
        cx, cy = xs[cand_point], ys[cand_point]
        inside = shapely.intersects_xy(self.geometries[cand_zone], cx, cy)
        if buffer_m > 0:
            outside = np.flatnonzero(~inside)
            distance = np.zeros(cand_point.size)
            if outside.size:
                k = np.ones(outside.size) if scale is None else np.asarray(scale(cx[outside], cy[outside]))
                # GEOS measures only the pairs a cheap lower bound leaves in reach; the others
                # are farther than buffer_m on the ground, so neither inside nor kept either way
                bound = self.distance_lower_bounds(cand_zone[outside], cx[outside], cy[outside])
                near = bound <= buffer_m * k
                distance[outside] = np.inf
                measured = outside[near]
                distance[measured] = _point_distances(self.geometries[cand_zone[measured]], cx[measured],
                                                      cy[measured]) / k[near]
            inside |= distance <= tolerance
            keep = inside | (distance <= buffer_m)
            distance[inside] = 0.0
        else:
            keep = inside
            distance = np.zeros(cand_point.size)
        survey = cand_point[keep]
        if index is not None:
            survey = index[survey]
        return Conflicts(survey.astype(np.int64), cand_zone[keep].astype(np.int64), distance[keep],
                         inside[keep], skipped).sorted()

    @cached_property
    def _circles(self) -> tuple:
        """Each zone's bounding circle: its box's centre and the distance from there to its
        farthest vertex (the zone lies within the convex hull of its vertices, so within it)."""
        centre = (self.bounds[:, :2] + self.bounds[:, 2:]) / 2.0
        coords, owner = shapely.get_coordinates(self.geometries, return_index=True)
        reach = np.hypot(coords[:, 0] - centre[owner, 0], coords[:, 1] - centre[owner, 1])
        radius = np.zeros(len(self))
        first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        radius[owner[first]] = np.maximum.reduceat(reach, first)
        return centre, radius

    def distance_lower_bounds(self, zones: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """For each (zone, point) pair, a distance the zone is no nearer than: from the point to
        the zone's bounding circle, less a margin a thousand times above its rounding error.
        A few numpy operations a pair where GEOS walks every edge of the polygon; for round zones
        it rules out the corners of their boxes, where most candidates outside a zone lie."""
        centre, radius = self._circles
        gap = np.hypot(xs - centre[zones, 0], ys - centre[zones, 1]) - radius[zones]
        size = np.maximum(np.abs(xs), np.abs(ys))
        return gap - 1e-9 * (np.abs(gap) + radius[zones] + size)

    def _point_candidates(self, xs: np.ndarray, ys: np.ndarray, buffer_m: float):
        """(point, zone) pairs whose point lies in the zone's bounding box grown by ``buffer_m``."""
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
        zb = self.bounds.copy()
        zb[:, :2] -= buffer_m
        zb[:, 2:] += buffer_m
        near = (zb[:, 0] <= x1) & (zb[:, 2] >= x0) & (zb[:, 1] <= y1) & (zb[:, 3] >= y0)
        zones = np.flatnonzero(near)
        if zones.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        zb = zb[zones]
        cell = _cell_size(zb, xs.size, x1 - x0, y1 - y0)
        ncols = int((x1 - x0) // cell) + 1
        nrows = int((y1 - y0) // cell) + 1
        inv = 1.0 / cell
        # each zone covers a block of cells; one (zone, row) item per row of that block
        c0 = np.clip(((zb[:, 0] - x0) * inv).astype(np.int64), 0, ncols - 1)
        c1 = np.clip(((zb[:, 2] - x0) * inv).astype(np.int64), 0, ncols - 1)
        r0 = np.clip(((zb[:, 1] - y0) * inv).astype(np.int64), 0, nrows - 1)
        r1 = np.clip(((zb[:, 3] - y0) * inv).astype(np.int64), 0, nrows - 1)
        nrow = r1 - r0 + 1
        item_zone = np.repeat(np.arange(zones.size), nrow)
        item_row = r0[item_zone] + _ranges(nrow)
        first = item_row * ncols + c0[item_zone]
        last = item_row * ncols + c1[item_zone]
        # cells touched by any zone (difference array), then only the points in them are sorted
        ncells = ncols * nrows
        touched = np.bincount(first, minlength=ncells + 1) - np.bincount(last + 1, minlength=ncells + 1)
        touched = np.cumsum(touched[:-1]) > 0
        # coordinates are >= the grid origin, so truncation is floor (and far cheaper than //)
        key = np.minimum(((ys - y0) * inv).astype(np.int64), nrows - 1)
        key *= ncols
        key += np.minimum(((xs - x0) * inv).astype(np.int64), ncols - 1)
        near_points = np.flatnonzero(touched[key])
        key = key[near_points]
        order = np.argsort(key)
        sorted_key = key[order]
        order = near_points[order]
        start = np.searchsorted(sorted_key, first, side="left")
        stop = np.searchsorted(sorted_key, last, side="right")
        counts = stop - start
        pair_zone = np.repeat(item_zone, counts)
        pair_point = order[np.repeat(start, counts) + _ranges(counts)]
        # exact bounding-box test before the geometric one
        px, py = xs[pair_point], ys[pair_point]
        box = zb[pair_zone]
        hit = (px >= box[:, 0]) & (px <= box[:, 2]) & (py >= box[:, 1]) & (py <= box[:, 3])
        return pair_point[hit], zones[pair_zone[hit]]

    # -- lines and polygons ---------------------------------------------------------------------

    def check_geometries(self, geometries, buffer_m: float = 0.0, tolerance: float = 0.0, scale=None) -> Conflicts:
        """Pairs of (geometry, zone) that intersect or lie within ``buffer_m`` of each other.

        Null/empty inputs are skipped and counted; invalid ones are repaired with ``make_valid``
        and counted; Z/M are dropped. Multipart inputs are measured as a whole (nearest part).
        ``tolerance`` as in :meth:`check_points`; ``scale``: see the module.
        """
        tolerance = _check_buffer(tolerance)
        buffer_m = _check_buffer(buffer_m) + tolerance
        cleanup = clean_geometries(geometries)
        if cleanup.geometries.size == 0 or len(self) == 0:
            return Conflicts.empty(cleanup.skipped, cleanup.repaired)
        geoms = cleanup.geometries
        if buffer_m > 0:
            reach = _reach(buffer_m, scale, shapely.total_bounds(geoms))
            pairs = self.tree.query(geoms, predicate="dwithin", distance=reach)
        else:
            pairs = self.tree.query(geoms, predicate="intersects")
        survey, zone = pairs[0], pairs[1]
        zone_geoms = self.geometries[zone]
        inside = shapely.intersects(zone_geoms, geoms[survey]) if buffer_m > 0 else np.ones(survey.size, bool)
        distance = np.zeros(survey.size)
        if buffer_m > 0 and (~inside).any():
            outside = ~inside
            distance[outside] = _distances(zone_geoms[outside], geoms[survey][outside], scale)
            inside |= distance <= tolerance
            distance[inside] = 0.0
            keep = inside | (distance <= buffer_m)  # the search reached buffer_m * maximum
            survey, zone, distance, inside = survey[keep], zone[keep], distance[keep], inside[keep]
        return Conflicts(cleanup.kept[survey], zone.astype(np.int64), distance, inside,
                         cleanup.skipped, cleanup.repaired).sorted()

    # -- one feature (editing) ------------------------------------------------------------------

    def check_one(self, geometry, buffer_m: float = 0.0, tolerance: float = 0.0, scale=None) -> Conflicts:
        """Check one geometry (or an ``(x, y)`` tuple) with one tree query: the editing path.
        ``scale``: see the module."""
        tolerance = _check_buffer(tolerance)
        buffer_m = _check_buffer(buffer_m) + tolerance
        if isinstance(geometry, tuple):
            geometry = shapely.Point(*geometry[:2])
        if geometry is None or geometry.is_empty or len(self) == 0:
            return Conflicts.empty(skipped=1)
        repaired = 0
        if shapely.get_coordinate_dimension(geometry) > 2:
            geometry = shapely.force_2d(geometry)
        if not geometry.is_valid:
            geometry, repaired = shapely.make_valid(geometry), 1
        if buffer_m > 0:
            reach = _reach(buffer_m, scale, shapely.bounds(geometry))
            zone = self.tree.query(geometry, predicate="dwithin", distance=reach)
        else:
            zone = self.tree.query(geometry, predicate="intersects")
        zone_geoms = self.geometries[zone]
        inside = shapely.intersects(zone_geoms, geometry) if buffer_m > 0 else np.ones(zone.size, bool)
        distance = np.zeros(zone.size)
        if buffer_m > 0 and (~inside).any():
            distance[~inside] = _distances(zone_geoms[~inside], np.full((~inside).sum(), geometry), scale)
        inside |= distance <= tolerance
        distance = np.where(inside, 0.0, distance)
        keep = np.flatnonzero(inside | (distance <= buffer_m))
        zone, distance, inside = zone[keep], distance[keep], inside[keep]
        order = np.argsort(zone)
        return Conflicts(np.zeros(zone.size, np.int64), zone[order].astype(np.int64), distance[order],
                         inside[order], 0, repaired)


def _point_distances(zones: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Planar distances zone[i] - (xs[i], ys[i]); shapely releases the GIL, so big inputs use two threads."""
    return _in_halves(lambda part: shapely.distance(zones[part], shapely.points(xs[part], ys[part])), zones.size,
                      _PARALLEL_MIN)


def _valid(geometries: np.ndarray) -> np.ndarray:
    """``shapely.is_valid``, on two threads for many geometries (10,000 zones: ~12 -> ~7 ms)."""
    return _in_halves(lambda part: shapely.is_valid(geometries[part]), geometries.size, _PARALLEL_VALID_MIN)


def _in_halves(run, size: int, minimum: int) -> np.ndarray:
    """``run(slice)`` over ``size`` items, as one slice, or from ``minimum`` on as two halves on two
    threads (for shapely, which releases the GIL), their results end to end."""
    if size < minimum:
        return run(slice(None))
    half = size // 2
    with ThreadPoolExecutor(2) as pool:
        return np.concatenate(list(pool.map(run, (slice(0, half), slice(half, None)))))


def _reach(buffer_m: float, scale, box) -> float:
    """How far a search reaches on the grid for ``buffer_m`` ground metres round ``box`` (minx,
    miny, maxx, maxy): times the largest k over the data and at nine points of the box (k of a
    conformal projection peaks on the edge of a box: at the corners for the usual ones, at the
    middle of an edge for a conic's curved parallels), a thousandth more for k between them."""
    if scale is None or buffer_m == 0:
        return buffer_m
    x0, y0, x1, y1 = (float(v) for v in box)
    gx, gy = np.meshgrid([x0, (x0 + x1) / 2, x1], [y0, (y0 + y1) / 2, y1])
    k = np.asarray(scale(gx.ravel(), gy.ravel()), dtype=np.float64)
    largest = max(1.0, float(scale.maximum), float(k[np.isfinite(k)].max(initial=0.0)) * 1.001)
    return buffer_m * largest


def _distances(zones: np.ndarray, geometries: np.ndarray, scale) -> np.ndarray:
    """Distances zone[i] - geometry[i]: planar, or with ``scale`` ground metres (divided by k at
    the geometry's end of the shortest line, as :meth:`ZoneIndex.check_points` does at a point)."""
    distance = shapely.distance(zones, geometries)
    if scale is None:
        return distance
    ends = shapely.get_coordinates(shapely.shortest_line(zones, geometries)).reshape(-1, 2, 2)
    return distance / scale(ends[:, 1, 0], ends[:, 1, 1])


def _check_buffer(buffer_m) -> float:
    buffer_m = float(buffer_m or 0.0)
    if not np.isfinite(buffer_m) or buffer_m < 0:
        raise ValueError(f"buffer must be a finite distance >= 0, got {buffer_m}")
    return buffer_m


def _ranges(counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(c)`` for each c in ``counts`` (vectorised)."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(ends - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def _cell_size(zone_bounds: np.ndarray, npoints: int, width: float, height: float) -> float:
    """A grid cell about the size of a typical (buffered) zone, but never a grid finer than the points."""
    sizes = np.maximum(zone_bounds[:, 2] - zone_bounds[:, 0], zone_bounds[:, 3] - zone_bounds[:, 1])
    typical = float(np.median(sizes)) if sizes.size else 0.0
    extent = max(width, height, 1e-9)
    # about one cell per point at the finest, at most 2048 cells a side
    finest = extent / max(1.0, min(2048.0, np.sqrt(npoints)))
    return max(typical / 2.0, finest, 1e-9)
