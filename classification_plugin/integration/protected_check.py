"""Protected-area check of a survey layer against a zones layer: the entry the GUI and Processing call.

Two halves, so the heavy one can run in a ``QgsTask``:

- :func:`prepare_check` runs on the layers' thread and captures plain data only (sources, CRS
  definitions, field names, a thread-safe feature-source snapshot for layers GDAL cannot read).
- :func:`run_check` does the reading, projecting and checking; it touches no layer object and
  reports progress / honours cancel through any object with ``setProgress`` and ``isCanceled``.

:func:`check_layers` is both in one call. For the editing case, :class:`ZoneChecker` indexes the
zones once and checks one geometry at a time in well under a millisecond.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from classification_plugin.core.i18n import tr
from classification_plugin.core.wkb import point_wkb
from classification_plugin.core.zones import ZONE_KINDS, Conflicts, ZoneIndex, clean_geometries
from classification_plugin.integration.fast_reader import (
    GeometryData,
    NoFastPathError,
    PointData,
    PointSearch,
    SourceSpec,
    is_geopackage,
    read_geometries,
    read_points,
    source_spec,
)
from classification_plugin.integration.metric import (
    MetricFrame,
    frame_for_layers,
    ground_scale,
    is_geographic,
    transform_geometries,
    transform_xy,
)

INSIDE = "inside"
WITHIN_BUFFER = "within_buffer"
_SCALE_WARNING = 1e-3
# after reprojection a point exactly on a zone edge can land nanometres outside it: closer than
# this counts as touching (float64 at 1e6 m resolves 1e-10 m; PROJ round-trips to well under 1 mm)
REPROJECTION_TOLERANCE_M = 1e-3  # warn when the working projection may be off by more than 0.1 %
_CANCEL_POLL_S = 0.02  # how often a thread waiting for the R-tree search looks for a cancel
_SEARCH_START_WAIT_S = 0.05  # at most this long for the R-tree search to start before reading the zones


@dataclass(frozen=True)
class ConflictPair:
    survey_fid: int
    zone_fid: int
    zone_name: str | None
    zone_kind: str | None
    distance_m: float
    relation: str  # INSIDE or WITHIN_BUFFER


@dataclass
class CheckResult:
    """Every (survey feature, zone) pair inside a zone or within the buffer, with counts and messages."""

    buffer_m: float
    survey_fids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    zone_fids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    zone_names: list = field(default_factory=list)
    zone_kinds: list = field(default_factory=list)
    distances_m: np.ndarray = field(default_factory=lambda: np.empty(0))
    inside: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    survey_read: int = 0
    zones_read: int = 0
    survey_repaired: int = 0
    survey_skipped: int = 0
    zones_repaired: int = 0
    zones_skipped: int = 0
    messages: list = field(default_factory=list)
    canceled: bool = False
    working_crs: str = ""
    read_method: str = ""
    timings: dict = field(default_factory=dict)
    # each pair's survey geometry as read, in the survey's CRS: x/y of points (an (n, 2) array),
    # or shapely geometries of lines and polygons; None when the check did not get that far
    survey_xy: np.ndarray | None = None
    survey_geometries: np.ndarray | None = None

    @property
    def pair_count(self) -> int:
        return int(self.survey_fids.size)

    @property
    def feature_count(self) -> int:
        """Distinct survey features with at least one pair."""
        return int(np.unique(self.survey_fids).size)

    def conflicting_fids(self) -> np.ndarray:
        return np.unique(self.survey_fids)

    def feature_wkb(self) -> dict:
        """{survey fid: WKB} of each conflicting feature, as the check read it ({} when it holds none)."""
        wkbs = self.survey_wkb()
        if wkbs is None:
            return {}
        fids, first = np.unique(self.survey_fids, return_index=True)
        return {fid: wkbs[i] for fid, i in zip(fids.tolist(), first.tolist())}

    def survey_wkb(self) -> list | None:
        """Each pair's survey geometry as WKB (2D points, or lines and polygons with the Z they
        were read with), from what the check held: no feature is fetched again. None when it
        holds none (a canceled check)."""
        if self.survey_xy is not None:
            return point_wkb(self.survey_xy[:, 0], self.survey_xy[:, 1])
        if self.survey_geometries is not None:
            return list(shapely.to_wkb(self.survey_geometries))
        return None

    @property
    def pairs(self) -> list:
        """The pairs as :class:`ConflictPair` objects (built on demand: arrays are cheaper)."""
        return [
            ConflictPair(int(s), int(z), name, kind, float(d), INSIDE if i else WITHIN_BUFFER)
            for s, z, name, kind, d, i in zip(self.survey_fids, self.zone_fids, self.zone_names,
                                               self.zone_kinds, self.distances_m, self.inside)
        ]


@dataclass(frozen=True)
class CheckJob:
    """Plain data for :func:`run_check`: safe to hand to a worker thread."""

    survey: SourceSpec
    zones: SourceSpec
    frame: MetricFrame
    buffer_m: float
    zone_name_field: str | None = None
    zone_kind_field: str | None = None
    zone_kind: str = "custom"

    @property
    def tolerance(self) -> float:
        reprojected = self.survey.crs != self.frame.definition or self.zones.crs != self.frame.definition
        return REPROJECTION_TOLERANCE_M if reprojected else 0.0


def prepare_check(survey_layer, zones_layer, buffer_m: float, zone_name_field: str | None = None,
                  zone_kind: str = "custom", zone_kind_field: str | None = None) -> CheckJob:
    """Capture what :func:`run_check` needs; call on the thread that owns the layers."""
    buffer_m = float(buffer_m or 0.0)
    if buffer_m < 0:
        raise ValueError(tr("The buffer distance cannot be negative"))
    attributes = tuple(a for a in (zone_name_field, zone_kind_field) if a)
    survey, zones = source_spec(survey_layer), source_spec(zones_layer, attributes)
    frame = _lonlat_frame(survey, zones, zones_layer) if buffer_m == 0 else None
    return CheckJob(
        survey=survey,
        zones=zones,
        frame=frame or frame_for_layers(survey_layer, zones_layer),
        buffer_m=buffer_m,
        zone_name_field=zone_name_field or None,
        zone_kind_field=zone_kind_field or None,
        zone_kind=zone_kind or "custom",
    )


def _lonlat_frame(survey: SourceSpec, zones: SourceSpec, zones_layer) -> MetricFrame | None:
    """With no buffer nothing is measured: layers sharing a lon/lat CRS are checked in it as they
    are, their edges straight in degrees as QGIS's own tools take them (projecting them, split
    every 0.005 degree, only approached that), with nothing to project or to allow for. None
    otherwise."""
    if survey.crs != zones.crs or not is_geographic(zones.crs):
        return None
    crs = zones_layer.crs()
    return MetricFrame(zones.crs, crs.authid() or crs.description(), 0.0, True)


def check_layers(survey_layer, zones_layer, buffer_m: float = 0.0, zone_name_field: str | None = None,
                 zone_kind: str = "custom", feedback=None, zone_kind_field: str | None = None) -> CheckResult:
    """Full check of a survey layer against a zones layer, on the calling thread."""
    return run_check(prepare_check(survey_layer, zones_layer, buffer_m, zone_name_field, zone_kind,
                                   zone_kind_field), feedback)


# -- the heavy half (no layer objects) -----------------------------------------------------------


def build_zone_index(job: CheckJob, feedback=None) -> ZoneIndex:
    """Read the zones, repair them in their own CRS, project them into the job's metric CRS, index them."""
    return index_zones(job, read_geometries(job.zones, feedback))


def index_zones(job: CheckJob, data: GeometryData) -> ZoneIndex:
    """Index zones read by :func:`read_geometries` (repaired, projected, names and kinds attached)."""
    # validity is judged in the source CRS: densifying can turn a bow-tie into a "valid" pinched ring
    cleanup = clean_geometries(data.geometries, polygonal=True)
    kept = cleanup.kept
    names = data.attributes.get(job.zone_name_field) if job.zone_name_field else None
    names = [None if names[i] is None else str(names[i]) for i in kept] if names is not None else [None] * len(kept)
    if job.zone_kind_field:
        kinds = data.attributes.get(job.zone_kind_field, [])
        kinds = [None if kinds[i] is None else str(kinds[i]) for i in kept]
    else:
        kinds = [job.zone_kind] * len(kept)
    if job.zones.crs == job.frame.definition:  # already clean, nothing moved
        return ZoneIndex(cleanup.geometries, data.fids[kept], names, kinds, cleanup.repaired, cleanup.skipped)
    geometries = transform_geometries(job.zones.crs, job.frame.definition, cleanup.geometries, valid=True)
    index = ZoneIndex.build(geometries, ids=data.fids[kept], names=names, kinds=kinds)  # what projecting broke
    index.repaired += cleanup.repaired
    index.skipped += cleanup.skipped
    return index


def survey_boxes(job: CheckJob, zone_bounds: np.ndarray) -> np.ndarray | None:
    """Boxes in the survey's CRS (minx, miny, maxx, maxy) holding every point within the buffer of a zone.

    ``zone_bounds`` are the zones' boxes in the job's metric CRS (NaN rows for null geometries).
    They are grown by the buffer (on the grid: times the frame's scale, see :func:`_box_margins`);
    when the survey has another CRS each box's corners and edge points (four segments a side) are
    moved into it, boxed again and grown by 1 % of the box, far more than an edge bends between
    those points away from the poles. None (then every survey point is read) when that does not
    hold or cannot be checked: a zone where the frame's scale is undefined, a box that cannot be
    moved (outside a CRS's area), and for a lon/lat survey a box around or within 15 degrees of
    a pole, one across the antimeridian, or a survey whose longitudes leave -180..180.
    """
    bounds = np.asarray(zone_bounds, dtype=np.float64).reshape(-1, 4)
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    margin = _box_margins(job, bounds)
    if not np.isfinite(margin).all():  # a zone where the frame has no scale (near its antipode)
        return None
    bounds = bounds + np.column_stack([-margin, -margin, margin, margin])
    if bounds.shape[0] == 0 or job.survey.crs == job.frame.definition:
        return bounds
    geographic = is_geographic(job.survey.crs)
    if geographic:
        extent = job.survey.extent
        if not extent or extent[0] < -180.0 or extent[2] > 180.0:
            return None  # unknown extent, or longitudes written as 0..360: no box can be trusted
        poles_x, poles_y = transform_xy(job.survey.crs, job.frame.definition, np.array([0.0, 0.0]),
                                        np.array([90.0, -90.0]))
        for x, y in zip(poles_x, poles_y):
            if np.isfinite(x) and np.isfinite(y) and ((bounds[:, 0] <= x) & (x <= bounds[:, 2]) &
                                                      (bounds[:, 1] <= y) & (y <= bounds[:, 3])).any():
                return None  # near a pole every longitude is close: the moved corners miss sectors
    # 16 points round each box, four segments a side, moved in one call (numpy, no shapely boxes)
    step = np.arange(4) / 4.0
    minx, miny, maxx, maxy = (bounds[:, i:i + 1] for i in range(4))
    width, height = maxx - minx, maxy - miny
    ring_x = np.hstack([minx + step * width, np.repeat(maxx, 4, axis=1), maxx - step * width,
                        np.repeat(minx, 4, axis=1)])
    ring_y = np.hstack([np.repeat(miny, 4, axis=1), miny + step * height, np.repeat(maxy, 4, axis=1),
                        maxy - step * height])
    xs, ys = transform_xy(job.frame.definition, job.survey.crs, ring_x.ravel(), ring_y.ravel())
    xs, ys = np.asarray(xs).reshape(ring_x.shape), np.asarray(ys).reshape(ring_y.shape)
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        return None
    moved = np.column_stack([xs.min(axis=1), ys.min(axis=1), xs.max(axis=1), ys.max(axis=1)])
    if geographic and ((moved[:, 2] - moved[:, 0] > 180.0).any() or (np.abs(moved[:, 1::2]) > 75.0).any()):
        # a box across the antimeridian comes back as a band round the globe; near a pole the
        # edges between the moved points bend more than the margin allows
        return None
    grow = 0.01 * np.maximum(moved[:, 2] - moved[:, 0], moved[:, 3] - moved[:, 1]) + 1e-9 * np.abs(moved).max()
    return moved + np.column_stack([-grow, -grow, grow, grow])


def _box_margins(job: CheckJob, bounds: np.ndarray) -> np.ndarray:
    """Per box, how far on the grid the buffer (and tolerance) reaches: times the largest k of the
    frame over the data and at the box's corners (a zone can lie outside the data the scale was
    worked out for), a thousandth more; the buffer as it is without a scale. NaN where k is not
    defined."""
    margin = job.buffer_m + job.tolerance
    scale = ground_scale(job.frame)
    if scale is None or bounds.shape[0] == 0 or margin == 0:
        return np.full(bounds.shape[0], margin)
    corners_x = bounds[:, [0, 2, 2, 0]].ravel()
    corners_y = bounds[:, [1, 1, 3, 3]].ravel()
    k = np.asarray(scale(corners_x, corners_y), dtype=np.float64).reshape(-1, 4).max(axis=1)
    return margin * np.maximum(max(1.0, scale.maximum), k * 1.001)


def lonlat_survey_boxes(job: CheckJob, zone_bounds: np.ndarray) -> np.ndarray | None:
    """Boxes holding every survey point within the buffer of a zone, when zones and survey share a
    lon/lat CRS: the zones' own boxes as read, grown by the buffer in degrees, so the search can
    start before the zones are projected.

    A degree of latitude is at least 110,574 m and one of longitude at least 111,319 m * cos(lat)
    (geodetic latitude, any ellipsoid near Earth's); the buffer becomes degrees with 110,000 m
    and 111,000 m * cos of the box's highest latitude plus that margin. Each box then grows by
    1 % of its size and 1e-6 degree (~0.1 m), for the few millimetres by which a zone's edges,
    split every 0.005 degree and projected, can depart from the straight lines in degrees. None
    (the boxes come from the projected zones) outside lon/lat, when the survey's or a grown box's
    longitudes leave -180..180 (the projected check joins both sides of the antimeridian, boxes
    in degrees do not), or when a box reaches beyond 75 degrees of latitude.
    """
    if not _shared_lonlat(job):
        return None
    bounds = np.asarray(zone_bounds, dtype=np.float64).reshape(-1, 4)
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    degrees = _buffer_degrees(job, np.maximum(np.abs(bounds[:, 1]), np.abs(bounds[:, 3])))
    if degrees is None:
        return None
    dlon, dlat = degrees
    grow = _DEGREE_FRACTION * np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) + _DEGREE_SLACK
    boxes = bounds + np.column_stack([-(dlon + grow), -(dlat + grow), dlon + grow, dlat + grow])
    if (boxes[:, 0] < -180.0).any() or (boxes[:, 2] > 180.0).any():
        return None
    return boxes


_DEGREE_FRACTION = 0.01  # of a box's longer side, for lon/lat boxes (see lonlat_survey_boxes)
_DEGREE_SLACK = 1e-6  # degree, ~0.1 m


def _shared_lonlat(job: CheckJob) -> bool:
    """Survey and zones in one lon/lat CRS, the survey's longitudes within -180..180."""
    if job.survey.crs != job.zones.crs or not is_geographic(job.survey.crs):
        return False
    extent = job.survey.extent
    return bool(extent) and extent[0] >= -180.0 and extent[2] <= 180.0


def _buffer_degrees(job: CheckJob, highest) -> tuple | None:
    """(degrees of longitude, of latitude) holding the buffer at latitudes up to ``highest``
    (absolute, per box or one for all), or None beyond 75 degrees: see :func:`lonlat_survey_boxes`."""
    margin = job.buffer_m + job.tolerance
    dlat = margin / 110_000.0
    highest = np.asarray(highest, dtype=np.float64) + dlat
    if (highest > 75.0).any():
        return None
    return margin / (111_000.0 * np.cos(np.radians(highest))), dlat


def _zone_table_growth(job: CheckJob, extent: tuple) -> tuple | None:
    """How :meth:`PointSearch.near_attached` grows the zones' own R-tree boxes so that they hold
    what :func:`survey_boxes` or :func:`lonlat_survey_boxes` would, from the R-tree's ``extent``
    (minx, miny, maxx, maxy, longest side): one margin for every box, the largest of theirs.
    None when the survey's own R-tree must instead take the zones' boxes from the zones as read.

    In the working CRS a box grows by the buffer times the frame's largest scale k, which in a
    conformal projection lies at the far corners of the extent or inside the area
    :attr:`GroundScale.maximum` covers. In lon/lat the buffer becomes degrees at the extent's
    highest latitude."""
    minx, miny, maxx, maxy, side = extent
    if job.survey.crs == job.zones.crs == job.frame.definition:
        margin = _box_margins(job, np.array([[minx, miny, maxx, maxy]]))[0]
        return (margin, margin, 0.0, 0.0) if np.isfinite(margin) else None
    if not _shared_lonlat(job):
        return None
    degrees = _buffer_degrees(job, max(abs(miny), abs(maxy)))
    if degrees is None:
        return None
    dlon, dlat = (float(d) for d in degrees)
    reach = dlon + _DEGREE_FRACTION * side + _DEGREE_SLACK
    if minx - reach < -180.0 or maxx + reach > 180.0:
        return None
    return dlon, dlat, _DEGREE_FRACTION, _DEGREE_SLACK


def _may_search_zone_table(job: CheckJob) -> bool:
    """Whether the zones' own R-tree may start the survey's search (checked again in the worker)."""
    zones = job.zones
    return (zones.gdal_readable and not zones.subset and is_geopackage(zones.path)
            and (job.survey.crs == zones.crs == job.frame.definition or _shared_lonlat(job)))


class _ZoneTableSearch:
    """The survey points near the zones' own R-tree boxes, searched in the worker once the survey's
    table is open; None when those boxes cannot serve (the caller then searches with the boxes of
    the zones as read). No zone passes through Python before the search.

    :attr:`decided` is set once the search runs in SQLite (:attr:`searching`) or will not."""

    def __init__(self, job: CheckJob, search: PointSearch) -> None:
        self.job, self.search = job, search
        self.decided = threading.Event()
        self.searching = False

    def __call__(self) -> PointData | None:
        search = self.search
        try:
            try:
                extent = search.attach_boxes(self.job.zones)
            except NoFastPathError:
                if search.canceled or not search.opened:
                    raise
                return None
            growth = _zone_table_growth(self.job, extent)
            if growth is None:
                return None
            self.searching = True
            self.decided.set()
            try:
                return search.near_attached(*growth)
            except NoFastPathError:
                if search.canceled:
                    raise
                return None  # an SQLite error in the attached file: the boxes of the zones as read
        finally:
            self.decided.set()

    def gave_up(self, future) -> bool:
        """Whether it is over without a search (its future ends at once then) and found nothing
        it could search with; a failure is left for the caller to meet in the future."""
        if not self.decided.is_set() or self.searching:
            return False
        return future.exception() is None and future.result() is None


def run_check(job: CheckJob, feedback=None) -> CheckResult:
    """Read, project and check; never raises for data problems, reports them as messages."""
    result = CheckResult(buffer_m=job.buffer_m, working_crs=job.frame.description)
    started = time.perf_counter()
    if job.frame.scale_error > _SCALE_WARNING:
        result.messages.append(tr(
            "The layers cover a large area: distances may be off by up to {percent} %"
        ).format(percent=f"{100 * job.frame.scale_error:.2f}"))
    _progress(feedback, 5)
    search = _point_search(job)
    try:
        with ThreadPoolExecutor(1) as pool, ThreadPoolExecutor(1) as counter:  # pool: open, then search
            # a GeoPackage point survey: its R-tree picks the points near the zones. One worker
            # opens the table and searches it, another counts its features (a slow count when
            # many features are not in the R-tree), while this thread reads the zones. The search's
            # boxes come, soonest first: from the zones' own R-tree when they are a GeoPackage
            # table in the survey's CRS (the search starts at once); from the zones as read when
            # they are in the working CRS or share the survey's lon/lat CRS (it runs while this
            # thread repairs, projects and indexes them); from the projected zones otherwise.
            work, prefetch, counting = [], None, None
            if search is not None:
                work.append(pool.submit(search.open))  # a failure surfaces from near()
                counting = counter.submit(search.count)  # beside the search, on a connection of its own
                work.append(counting)

            def search_near(boxes):
                if boxes is None:
                    return None
                work.append(pool.submit(search.near, boxes))
                return work[-1]

            table_search = None
            if search is not None and _may_search_zone_table(job):
                table_search = _ZoneTableSearch(job, search)
                work.append(pool.submit(table_search))
                prefetch = work[-1]
                # GDAL's reading of the zones holds the GIL, which the worker needs between the
                # statements that open the survey's table and attach the zones' (~7 ms alone):
                # the reading waits for the search to start, which started 10-25 ms later beside it
                table_search.decided.wait(_SEARCH_START_WAIT_S)
            try:
                zone_data = read_geometries(job.zones, feedback)
                if table_search is not None and table_search.gave_up(prefetch):
                    prefetch = None  # the zones' R-tree cannot serve: their boxes as read
                if search is not None and prefetch is None:
                    boxes = survey_boxes if job.zones.crs == job.frame.definition else lonlat_survey_boxes
                    prefetch = search_near(boxes(job, shapely.bounds(zone_data.geometries)))
                index = index_zones(job, zone_data)
                if search is not None and prefetch is None and len(index):
                    prefetch = search_near(survey_boxes(job, index.bounds))
                result.zones_read = len(index) + index.skipped
                result.zones_repaired, result.zones_skipped = index.repaired, index.skipped
                result.timings["zones_s"] = time.perf_counter() - started
                if _canceled(feedback, result):
                    return result
                _progress(feedback, 20)
                if len(index) == 0:
                    result.messages.append(tr("The protected-area layer has no usable zone polygons"))
                    _report_counts(result)
                    return result
                mark = time.perf_counter()
                conflicts, fids, shapes = _check_survey(job, index, result, feedback, prefetch, search,
                                                        lambda: search_near(survey_boxes(job, index.bounds)),
                                                        counting)
            finally:
                _stop(search, work)
    finally:
        if search is not None:
            search.close()
    result.timings["survey_s"] = time.perf_counter() - mark
    if conflicts is None:
        return result
    _progress(feedback, 90)
    result.survey_repaired, result.survey_skipped = conflicts.repaired, conflicts.skipped
    result.survey_fids = fids[conflicts.survey]
    result.zone_fids = np.asarray(index.ids)[conflicts.zone].astype(np.int64)
    result.zone_names = [index.names[z] for z in conflicts.zone]
    result.zone_kinds = [index.kinds[z] for z in conflicts.zone]
    result.distances_m = conflicts.distance_m
    result.inside = conflicts.inside
    if isinstance(shapes, tuple):  # point coordinates
        result.survey_xy = np.column_stack([shapes[0][conflicts.survey], shapes[1][conflicts.survey]])
    else:
        result.survey_geometries = shapes[conflicts.survey]
    if result.survey_read == 0:
        result.messages.append(tr("The survey layer has no features"))
    _report_counts(result)
    result.timings["total_s"] = time.perf_counter() - started
    _progress(feedback, 100)
    return result


def _point_search(job: CheckJob) -> PointSearch | None:
    """A GeoPackage R-tree search for a point survey (not opened yet), or None."""
    if not (job.survey.is_point and job.survey.gdal_readable and not job.survey.subset):
        return None
    try:
        return PointSearch(job.survey)
    except NoFastPathError:
        return None


def _wait(future, search: PointSearch, feedback):
    """The worker's search result; while waiting, a cancel interrupts the search in SQLite.

    A :class:`NoFastPathError` comes out as a new one: the future's own, raised here, would take
    this thread's frames into its traceback, and those frames hold the future, hence the
    exception: a reference cycle that keeps the caller's layers alive until the garbage
    collector runs (after QGIS has shut down, in the tests: a crash at exit)."""
    while True:
        if _is_canceled(feedback):
            search.cancel()  # again each round: a statement started just after missed the last
        try:
            error = future.exception(timeout=_CANCEL_POLL_S)
        except FutureTimeout:
            continue
        if isinstance(error, NoFastPathError):
            raise NoFastPathError(str(error)) from error
        return future.result()


def _stop(search: PointSearch | None, work: list) -> None:
    """When the check ends with the worker still busy (canceled, failed, or no longer needing
    it), interrupt its search until it is done, rather than wait for it."""
    while search is not None and not all(future.done() for future in work):
        search.cancel()
        wait_futures(work, timeout=_CANCEL_POLL_S)


def _check_survey(job: CheckJob, index: ZoneIndex, result: CheckResult, feedback, prefetch=None, search=None,
                  search_again=None, counting=None):
    """(Conflicts, survey fids, survey shapes) or (None, None, None) when canceled. The shapes,
    indexed like the fids, are as read in the survey's CRS: (xs, ys) of points, else geometries.
    ``prefetch`` is the worker's search; when it gives None (the zones' own R-tree could not
    serve), ``search_again()`` starts another from the zones as indexed. ``counting``: the
    worker counting the survey's features."""
    target = job.frame.definition
    if job.survey.is_point:
        points = None
        if prefetch is not None:
            try:
                if not _is_canceled(feedback):
                    index.prepare_points()  # while the worker searches: GEOS builds these on first use
                points = _wait(prefetch, search, feedback)
                if points is None and search_again is not None and not _is_canceled(feedback):
                    again = search_again()
                    points = None if again is None else _wait(again, search, feedback)
                if points is not None:
                    if counting is not None:
                        _wait(counting, search, feedback)
                    points = search.complete(points)
            except NoFastPathError:
                points = None
        if points is None and _canceled(feedback, result):
            return None, None, None
        if points is None:
            if search is not None:
                # no search to complete: its count (seconds when many features are not in the
                # R-tree) would only slow the full read beside it
                search.cancel()
            try:
                points = read_points(job.survey, feedback)
            except NoFastPathError:
                points = None
        if points is not None:
            result.read_method = points.method
            result.survey_read = int(points.fids.size) if points.total < 0 else points.total
            if _canceled(feedback, result):
                return None, None, None
            _progress(feedback, 50)
            xs, ys = transform_xy(job.survey.crs, target, points.xs, points.ys)
            if _canceled(feedback, result):
                return None, None, None
            _progress(feedback, 60)
            found = index.check_points(xs, ys, job.buffer_m, job.tolerance, ground_scale(job.frame))
            if points.nulls:
                found = replace(found, skipped=found.skipped + points.nulls)
            return found, points.fids, (points.xs, points.ys)
    data = read_geometries(job.survey, feedback)
    result.read_method = data.method
    result.survey_read = int(data.fids.size)
    if _canceled(feedback, result):
        return None, None, None
    _progress(feedback, 50)
    cleanup = clean_geometries(data.geometries)  # judged in the source CRS, as for zones
    geometries = transform_geometries(job.survey.crs, target, cleanup.geometries, valid=True)
    if _canceled(feedback, result):
        return None, None, None
    _progress(feedback, 60)
    found = index.check_geometries(geometries, job.buffer_m, job.tolerance, ground_scale(job.frame))
    conflicts = Conflicts(cleanup.kept[found.survey], found.zone, found.distance_m, found.inside,
                          found.skipped + cleanup.skipped, found.repaired + cleanup.repaired)
    return conflicts, data.fids, data.geometries


def _report_counts(result: CheckResult) -> None:
    counts = (
        (result.zones_repaired, tr("1 invalid zone geometry was repaired"),
         tr("{count} invalid zone geometries were repaired")),
        (result.zones_skipped, tr("1 zone without a usable polygon was skipped"),
         tr("{count} zones without a usable polygon were skipped")),
        (result.survey_repaired, tr("1 invalid survey geometry was repaired"),
         tr("{count} invalid survey geometries were repaired")),
        (result.survey_skipped, tr("1 survey feature without geometry was skipped"),
         tr("{count} survey features without geometry were skipped")),
    )
    for count, one, many in counts:
        if count:
            result.messages.append(one if count == 1 else many.format(count=count))


def _progress(feedback, value: float) -> None:
    if feedback is not None:
        feedback.setProgress(value)


def _is_canceled(feedback) -> bool:
    return feedback is not None and feedback.isCanceled()


def _canceled(feedback, result: CheckResult) -> bool:
    """Whether the check was canceled; if so, the result says it."""
    if _is_canceled(feedback):
        result.canceled = True
        result.messages.append(tr("The protected-area check was canceled"))
        return True
    return False


# -- one edited feature ---------------------------------------------------------------------------


class ZoneChecker:
    """Zones indexed once in a metric CRS, for checking single survey geometries as they are edited."""

    def __init__(self, job: CheckJob, index: ZoneIndex) -> None:
        self.job = job
        self.index = index

    @classmethod
    def for_layers(cls, survey_layer, zones_layer, buffer_m: float = 0.0, zone_name_field: str | None = None,
                   zone_kind: str = "custom", zone_kind_field: str | None = None) -> ZoneChecker:
        job = prepare_check(survey_layer, zones_layer, buffer_m, zone_name_field, zone_kind, zone_kind_field)
        return cls(job, build_zone_index(job))

    def check_geometry(self, geometry, fid: int = -1) -> list:
        """Pairs for one survey geometry (QgsGeometry, shapely geometry or WKB, in the survey CRS)."""
        shape = _to_shapely(geometry)
        if shape is None or shape.is_empty:
            return []
        shape = transform_geometries(self.job.survey.crs, self.job.frame.definition, np.array([shape]))[0]
        conflicts: Conflicts = self.index.check_one(shape, self.job.buffer_m, self.job.tolerance,
                                                    ground_scale(self.job.frame))
        return [
            ConflictPair(int(fid), int(self.index.ids[z]), self.index.names[z], self.index.kinds[z], float(d),
                         INSIDE if i else WITHIN_BUFFER)
            for z, d, i in zip(conflicts.zone, conflicts.distance_m, conflicts.inside)
        ]


def _to_shapely(geometry):
    if geometry is None:
        return None
    if isinstance(geometry, shapely.Geometry):
        return geometry
    if isinstance(geometry, (bytes, bytearray)):
        return shapely.from_wkb(bytes(geometry))
    if hasattr(geometry, "asWkb"):  # QgsGeometry
        if geometry.isNull():
            return None
        return shapely.from_wkb(bytes(geometry.asWkb()))
    raise TypeError(f"cannot check a {type(geometry).__name__}")


__all__ = [
    "INSIDE", "WITHIN_BUFFER", "ZONE_KINDS", "CheckJob", "CheckResult", "ConflictPair", "ZoneChecker",
    "build_zone_index", "check_layers", "index_zones", "lonlat_survey_boxes", "prepare_check", "run_check",
    "survey_boxes",
]
