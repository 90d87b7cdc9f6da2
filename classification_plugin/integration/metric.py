"""A metric working CRS for a pair of layers, fast numpy transforms into it, and its scale.

Buffers and distances are in metres on the ground whatever the layers' CRSs. The check runs in
a conformal projection, whose scale ``k`` (grid metres per ground metre) is the same in every
direction at a point, so a grid distance divided by ``k`` is a ground distance. The projection
is, in this order:

- the layers' shared CRS when it is projected in metres (not a Mercator);
- in a mix of CRSs, the zones' own conformal projected CRS when its scale over the survey is
  within 1 % of true (moving their polygons costs most; a survey's CRS is not kept, as zones far
  outside its area would fold over in it);
- an oblique stereographic projection centred on the data (WGS84 ellipsoid, conformal);
- for data spread over a hemisphere, where the stereographic scale runs away, an azimuthal
  equidistant projection centred on the data without scale correction: its error at a distance
  rho from the centre is about (rho/R)^2/6, which :attr:`MetricFrame.scale_error` reports.

The ellipsoidal azimuthal equidistant projection costs ~1 us a coordinate in PROJ, the
stereographic ~0.2 us: on 10,000 zone polygons that is 0.75 s against 0.15 s.

The choice needs QGIS (layer CRSs and extents) and is made on the calling thread; the result is
plain strings and numbers, and :func:`transform_xy`, :func:`transform_geometries` and
:func:`ground_scale` (pyproj, vectorised) may be called from any thread, including a QgsTask's:
pyproj itself only ever runs on the main thread or on this module's own two threads (see
:func:`_in_proj_thread`).
"""

from __future__ import annotations

import functools
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsRectangle

from classification_plugin.core.i18n import tr
from classification_plugin.core.zones import split_long_edges
from classification_plugin.integration.compat import DISTANCE_METERS, WKT_PREFERRED

EARTH_RADIUS_M = 6_371_008.8
_WGS84 = "EPSG:4326"
_PARALLEL_COORDINATES = 100_000  # below this one thread transforms as fast as two
_KEEP_SCALE = 0.01  # a layer's own CRS is kept for a mix of CRSs when within 1 % of true over the data
_STEREO_SCALE = 0.1  # beyond 10 % (data ~2,000 km from the centre) the equidistant projection is used
_CONFORMAL_RAD = 1e-5  # angular distortion below which a projection counts as conformal (UTM: 1.5e-6)
_SCALE_GRID = 33  # scale samples a side over the data (bilinear error below, GroundScale)
_TRANSFORMERS_PER_THREAD = 32  # pyproj transformers each thread keeps (~8 ms to build one)


# -- the threads pyproj runs on ------------------------------------------------------------------
#
# pyproj 3.7 (3.7.1 in Debian trixie) keeps a thread's PROJ context in two places: the OS
# thread's TSS slot, which finds it, and a threading.local, which frees it when the thread's
# Python thread state goes. A thread that Python did not start (a QgsTask's from QThreadPool, a
# Processing algorithm's) gets a fresh thread state each time Qt calls into Python and loses it
# when the call returns: the context is freed while the TSS slot still points at it, and the next
# pyproj object made on that pool thread (the next check) crashes in proj_create (pyproj issues
# #1509, #1622; pyproj 3.8, in Debian sid, keeps the context in the threading.local alone).
# pyproj 3.4 (Debian 12) made a context per object. So pyproj runs only on threads whose thread
# state lasts as long as they do: the main thread and the two below; any other thread hands its
# call over to them and waits.

_PROJ_THREAD = threading.local()  # .ours: one of the pool's threads; .transformers: its cache
_POOL_LOCK = threading.Lock()
_POOL: list = []


def _mark_proj_thread() -> None:
    _PROJ_THREAD.ours = True


def _transform_pool() -> ThreadPoolExecutor:
    """Two long-lived worker threads, so each keeps its pyproj transformers and PROJ context."""
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(2, thread_name_prefix="classification-proj",
                                            initializer=_mark_proj_thread))
        return _POOL[0]


def _is_proj_thread() -> bool:
    """Whether pyproj may run on this thread: the main thread or one of the pool's."""
    return getattr(_PROJ_THREAD, "ours", False) or threading.get_ident() == threading.main_thread().ident


def _in_proj_thread(function, *args, **kwargs):
    """``function(*args, **kwargs)`` (which uses pyproj, and never the pool) here on a thread
    pyproj may run on, else on the pool, the caller waiting for it (~0.1 ms more)."""
    if _is_proj_thread():
        return function(*args, **kwargs)
    return _transform_pool().submit(function, *args, **kwargs).result()


def _on_proj_thread(function):
    """Decorator: ``function`` always called through :func:`_in_proj_thread`."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        return _in_proj_thread(function, *args, **kwargs)

    return call


@dataclass(frozen=True)
class MetricFrame:
    """The working CRS (a definition pyproj reads), why it was chosen, and its worst scale error.
    Metric but for one case: layers sharing a lon/lat CRS, checked without a buffer (nothing is
    measured), are checked in that CRS (``protected_check._lonlat_frame``)."""

    definition: str
    description: str
    scale_error: float = 0.0
    kept_source: bool = False
    # (xmin, ymin, xmax, ymax) in the frame, around the data, over which :func:`ground_scale`
    # interpolates the scale; None: no scale correction (grid metres are taken as ground metres)
    scale_area: tuple | None = None


def crs_definition(crs: QgsCoordinateReferenceSystem) -> str:
    """A definition of a QGIS CRS that pyproj understands (authority id when there is one)."""
    authid = crs.authid()
    if authid and authid.upper().startswith(("EPSG:", "ESRI:", "IGNF:")):
        return authid
    definition = crs.toWkt(WKT_PREFERRED) if crs.isValid() else ""
    if not definition:  # pyproj reads "" as a CRS it cannot make, with an error naming nothing
        raise ValueError(tr("The coordinate reference system {crs} cannot be used for distances").format(
            crs=crs.description() or crs.authid() or tr("(none)")))
    return definition


def is_metric_projected(crs: QgsCoordinateReferenceSystem) -> bool:
    """True for a projected CRS in metres that keeps distances near true (Mercators excluded)."""
    if not crs.isValid() or crs.isGeographic():
        return False
    if crs.mapUnits() != DISTANCE_METERS:
        return False
    proj = crs.toProj().replace(" ", "")
    return "+proj=merc" not in proj and "+proj=webmerc" not in proj


def lonlat_extent(crs: QgsCoordinateReferenceSystem, extent: QgsRectangle) -> tuple | None:
    """(west, south, east, north) of an extent, in degrees; None for an empty or unknown one."""
    if extent is None or extent.isNull():
        return None
    if not all(math.isfinite(v) for v in (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(),
                                           extent.yMaximum())):
        return None
    wgs84 = QgsCoordinateReferenceSystem(_WGS84)
    if crs != wgs84:
        try:
            transform = QgsCoordinateTransform(crs, wgs84, QgsProject.instance().transformContext())
            extent = transform.transformBoundingBox(extent)
        except Exception:  # noqa: BLE001 - QgsCsException: outside the CRS's area
            return None
    return extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()


def choose_frame(crss: list, lonlat: tuple | None) -> MetricFrame:
    """The working CRS for layers in ``crss`` whose data covers ``lonlat`` (west, south, east, north).

    In a mix of CRSs the last layer's (the zones') own projected CRS may be kept.
    """
    first, last = crss[0], crss[-1]
    if all(c == first for c in crss) and is_metric_projected(first):
        definition = crs_definition(first)
        # a non-conformal CRS (Albers, Cassini...) or data far beyond its area (10 % off true;
        # across the antimeridian) keep it too, its grid metres taken as they are
        return MetricFrame(definition, first.authid() or first.description(), 0.0, True,
                           _conformal_area(definition, lonlat, _STEREO_SCALE))
    if lonlat is None:  # no extent to centre on: the equidistant frame at 0, 0, as ever
        return MetricFrame("+proj=aeqd +lat_0=0 +lon_0=0 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs",
                           "azimuthal equidistant centred on 0, 0", 0.0, False)
    if is_metric_projected(last):
        definition = crs_definition(last)
        area = _conformal_area(definition, lonlat, _KEEP_SCALE)
        if area is not None:
            return MetricFrame(definition, last.authid() or last.description(), 0.0, True, area)
    west, south, east, north = lonlat
    lon0 = (west + east) / 2.0
    lat0 = max(-89.0, min(89.0, (south + north) / 2.0))
    centre = f"+lat_0={lat0:.8f} +lon_0={lon0:.8f} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs"
    stereographic = f"+proj=sterea {centre} +k=1"
    area = _conformal_area(stereographic, lonlat, _STEREO_SCALE)
    if area is not None:
        return MetricFrame(stereographic, f"oblique stereographic centred on {lat0:.4f}, {lon0:.4f}", 0.0, False,
                           area)
    # worst distance from the centre, on the sphere (enough for an error estimate)
    rho = max(_haversine(lon0, lat0, lon, lat) for lon in (west, east) for lat in (south, north))
    description = f"azimuthal equidistant centred on {lat0:.4f}, {lon0:.4f}"
    return MetricFrame(f"+proj=aeqd {centre}", description, (rho / EARTH_RADIUS_M) ** 2 / 6.0, False)


@_on_proj_thread
def _conformal_area(definition: str, lonlat: tuple | None, max_deviation: float | None = None) -> tuple | None:
    """The frame box around ``lonlat`` over which :func:`ground_scale` corrects distances, or None
    when the projection is not conformal there, its scale cannot be worked out, or it is more
    than ``max_deviation`` from 1 somewhere in the box."""
    if lonlat is None:
        return None
    west, south, east, north = lonlat
    # the box grown by a tenth and ~1 km a side: a zone point near the data is inside it too
    pad_x, pad_y = 0.1 * (east - west) + 0.01, 0.1 * (north - south) + 0.01
    lons, lats = np.meshgrid(np.linspace(west - pad_x, east + pad_x, 9),
                             np.linspace(max(-90.0, south - pad_y), min(90.0, north + pad_y), 9))
    lons, lats = lons.ravel(), lats.ravel()
    try:
        from pyproj import Proj

        projection = Proj(definition)
        factors = projection.get_factors(lons, lats)
        xs, ys = projection(lons, lats)
    except Exception:  # noqa: BLE001 - pyproj errors: no correction rather than a wrong one
        return None
    scales = np.concatenate([np.asarray(factors.meridional_scale), np.asarray(factors.parallel_scale)])
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if not (np.isfinite(scales).all() and np.isfinite(xs).all() and np.isfinite(ys).all()):
        return None
    if np.abs(np.radians(np.asarray(factors.angular_distortion))).max() > _CONFORMAL_RAD:
        return None
    if max_deviation is not None and np.abs(scales - 1.0).max() > max_deviation:
        return None
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def frame_for_layers(*layers) -> MetricFrame:
    """:func:`choose_frame` for layers: fitted to the first non-empty layer's extent (pass the survey
    first); in a mix of CRSs the last layer's own CRS may be kept (pass the zones last)."""
    lonlat = None
    for layer in layers:
        lonlat = lonlat_extent(layer.crs(), layer.extent())
        if lonlat is not None:
            break
    return choose_frame([layer.crs() for layer in layers], lonlat)


def _haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# -- pure transforms (no QGIS objects; safe in a worker thread) ---------------------------------


def _transformer(source: str, target: str):
    """This thread's pyproj transformer from ``source`` to ``target`` (call on a pyproj thread).

    One cache per thread, in a threading.local: pyproj before 3.7 must not share a transformer
    between threads, and a cache keyed by thread id could hand a dead thread's transformer to a
    new thread given the same id."""
    cache = getattr(_PROJ_THREAD, "transformers", None)
    if cache is None:
        cache = _PROJ_THREAD.transformers = {}
    transformer = cache.get((source, target))
    if transformer is None:
        from pyproj import Transformer

        if len(cache) >= _TRANSFORMERS_PER_THREAD:
            del cache[next(iter(cache))]  # the oldest
        transformer = cache[(source, target)] = Transformer.from_crs(source, target, always_xy=True)
    return transformer


def same_crs(source: str, target: str) -> bool:
    return source == target


def transform_xy(source: str, target: str, xs: np.ndarray, ys: np.ndarray) -> tuple:
    """Coordinates from CRS ``source`` to ``target`` (pyproj definitions), x = easting/longitude.

    PROJ runs without the GIL, so large arrays are split over two threads (1.5x measured here).
    """
    if same_crs(source, target):
        return xs, ys
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)

    def run(part: slice) -> tuple:
        tx, ty = _transformer(source, target).transform(xs[part], ys[part])
        return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)

    if xs.size < _PARALLEL_COORDINATES or getattr(_PROJ_THREAD, "ours", False):
        # (a pool thread never waits for the pool: two of them waiting would wait for ever)
        return _in_proj_thread(run, slice(None))
    half = xs.size // 2
    parts = list(_transform_pool().map(run, (slice(0, half), slice(half, None))))
    return np.concatenate([parts[0][0], parts[1][0]]), np.concatenate([parts[0][1], parts[1][1]])


def transform_geometries(source: str, target: str, geometries: np.ndarray, densify: bool = True,
                         valid: bool = False) -> np.ndarray:
    """Shapely geometries from ``source`` to ``target``, all coordinates in one vectorised call.

    With ``densify``, edges are first split to at most ~500 m (0.005 degree in a geographic CRS)
    so that an edge keeps the course it has in the source CRS (a parallel stays a parallel, to
    within a few millimetres) instead of becoming one straight chord in the working CRS.
    ``valid``: the caller vouches that its polygons are valid, so those already fine enough are
    not copied (:func:`~classification_plugin.core.zones.split_long_edges`).
    """
    if same_crs(source, target) or len(geometries) == 0:
        return geometries
    if densify:
        geometries = split_long_edges(geometries, _densify_step(source), valid)

    def move(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(transform_xy(source, target, coords[:, 0], coords[:, 1]))

    return shapely.transform(geometries, move)


@lru_cache(maxsize=32)
@_on_proj_thread
def is_geographic(definition: str) -> bool:
    """True for a CRS in degrees of longitude and latitude (pyproj definition)."""
    from pyproj import CRS

    return bool(CRS.from_user_input(definition).is_geographic)


@lru_cache(maxsize=32)
@_on_proj_thread
def _densify_step(source: str) -> float:
    from pyproj import CRS

    crs = CRS.from_user_input(source)
    if crs.is_geographic:
        return 0.005
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return 500.0 / (unit or 1.0)


# -- ground metres in a conformal frame ---------------------------------------------------------


class GroundScale:
    """The scale ``k`` of a conformal frame (grid metres per ground metre) at frame coordinates.

    Worked out with PROJ on a 33 x 33 grid over the frame's ``scale_area`` and interpolated
    bilinearly inside it; exact outside it. k grows with the square of the distance from the
    projection's centre or central meridian, so the interpolation errs by about h^2 / (8 R^2)
    for grid steps h: 1.6e-6 of k over the benchmark's 720 km box, 8e-6 (1.6 mm on 200 m) over
    1,600 km, falling with the square of the extent. :attr:`maximum` is the largest k over the
    area, for growing a search radius.
    """

    def __init__(self, definition: str, area: tuple) -> None:
        self.definition = definition
        xmin, ymin, xmax, ymax = area
        self.origin = np.array([xmin, ymin])
        self.step = np.maximum(np.array([xmax - xmin, ymax - ymin]) / (_SCALE_GRID - 1), 1e-9)
        gx = xmin + self.step[0] * np.arange(_SCALE_GRID)
        gy = ymin + self.step[1] * np.arange(_SCALE_GRID)
        grid_x, grid_y = np.meshgrid(gx, gy)
        self.grid = exact_scale(definition, grid_x.ravel(), grid_y.ravel()).reshape(_SCALE_GRID, _SCALE_GRID)
        if not np.isfinite(self.grid).all():
            raise ValueError("the projection's scale is not defined over the data")
        self.maximum = float(self.grid.max()) * (1.0 + 1e-6)

    def __call__(self, xs, ys) -> np.ndarray:
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        u = (xs - self.origin[0]) / self.step[0]
        v = (ys - self.origin[1]) / self.step[1]
        last = _SCALE_GRID - 1
        inside = (u >= 0) & (u <= last) & (v >= 0) & (v <= last)
        k = np.empty(xs.shape)
        if inside.any():
            ui, vi = u[inside], v[inside]
            i0 = np.minimum(ui.astype(np.int64), last - 1)
            j0 = np.minimum(vi.astype(np.int64), last - 1)
            fu, fv = ui - i0, vi - j0
            g = self.grid
            k[inside] = ((g[j0, i0] * (1 - fu) + g[j0, i0 + 1] * fu) * (1 - fv)
                         + (g[j0 + 1, i0] * (1 - fu) + g[j0 + 1, i0 + 1] * fu) * fv)
        if not inside.all():
            k[~inside] = exact_scale(self.definition, xs[~inside], ys[~inside])
        return k


@_on_proj_thread
def exact_scale(definition: str, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """PROJ's point scale of a conformal projection at frame coordinates (mean of the meridian and
    parallel scales, which are equal there); NaN where it is not defined."""
    from pyproj import Proj

    projection = Proj(definition)  # made and used on this call's thread only
    lons, lats = projection(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64), inverse=True)
    factors = projection.get_factors(np.asarray(lons), np.asarray(lats))
    return (np.asarray(factors.meridional_scale) + np.asarray(factors.parallel_scale)) / 2.0


@lru_cache(maxsize=8)
def _ground_scale(definition: str, area: tuple) -> GroundScale | None:
    try:
        return GroundScale(definition, area)
    except Exception:  # noqa: BLE001 - pyproj errors: grid metres rather than no check
        return None


def ground_scale(frame: MetricFrame) -> GroundScale | None:
    """The frame's :class:`GroundScale` (built once per frame), or None when it has no scale area."""
    if frame.scale_area is None:
        return None
    return _ground_scale(frame.definition, frame.scale_area)
