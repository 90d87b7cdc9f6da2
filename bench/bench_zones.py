"""Protected-area check vs. QGIS's native:extractbylocation, on 1,000,000 points and 10,000 zones.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_zones.py [--repeat N]

Data (seeded, cached in build/bench/): points and circular zones (radius 300-800 m, ~3 % of
points inside one) in two GeoPackages in UTM 50N over 600 x 600 km. In one run it times
native:extractbylocation (intersects), our unbuffered check and our 200 m check (median of N),
checks that the unbuffered check finds the same survey features as extractbylocation, times a
single edited feature against the zones (the editing path), and measures each job's peak memory
in a fresh subprocess. Both tools are also timed on the points stored in CGCS2000 lon/lat against
the UTM zones, and with both layers in CGCS2000 lon/lat (the check then projects the zones).
Prints a table and writes bench/output/zones.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import peak_rss_mb, start_qgis  # bench/benchlib.py

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "build" / "bench"
OUTPUT = ROOT / "bench" / "output"
POINTS_GPKG = DATA / "zones_points_1m.gpkg"
# the same points stored in CGCS2000 lon/lat (EPSG:4490): the check must reproject every point
POINTS_LONLAT_GPKG = DATA / "zones_points_1m_cgcs2000.gpkg"
ZONES_GPKG = DATA / "zones_zones_10k.gpkg"
# the same zones in CGCS2000 lon/lat: with the lon/lat points, the usual case of a Chinese survey office
ZONES_LONLAT_GPKG = DATA / "zones_zones_10k_cgcs2000.gpkg"
N_POINTS = 1_000_000
N_ZONES = 10_000
EXTENT_M = 600_000.0
ORIGIN = (200_000.0, 4_000_000.0)
CRS_EPSG = 32650
BUFFER_M = 200.0
SEED = 20240601


# -- data -----------------------------------------------------------------------------------------


def generate() -> None:
    """Write both GeoPackages with GDAL in one transaction each (cached: only when missing)."""
    import numpy as np
    import shapely
    from osgeo import ogr, osr

    if POINTS_GPKG.exists() and ZONES_GPKG.exists() and POINTS_LONLAT_GPKG.exists():
        if not ZONES_LONLAT_GPKG.exists():
            _lonlat_zones()
        return
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(CRS_EPSG)
    started = time.perf_counter()

    cx = ORIGIN[0] + rng.uniform(0, EXTENT_M, N_ZONES)
    cy = ORIGIN[1] + rng.uniform(0, EXTENT_M, N_ZONES)
    radius = rng.uniform(300.0, 800.0, N_ZONES)
    zones = shapely.buffer(shapely.points(cx, cy), radius, quad_segs=8)
    kinds = np.array(["military", "nature_reserve", "critical_infrastructure", "airport", "custom"])
    _write(ZONES_GPKG, "zones", ogr.wkbPolygon, srs, shapely.to_wkb(zones),
           {"name": [f"zone {i + 1}" for i in range(N_ZONES)], "kind": kinds[rng.integers(0, 5, N_ZONES)].tolist()})

    xs = ORIGIN[0] + rng.uniform(0, EXTENT_M, N_POINTS)
    ys = ORIGIN[1] + rng.uniform(0, EXTENT_M, N_POINTS)
    if not POINTS_GPKG.exists():
        _write(POINTS_GPKG, "points", ogr.wkbPoint, srs, shapely.to_wkb(shapely.points(xs, ys)), None)
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(f"EPSG:{CRS_EPSG}", "EPSG:4490", always_xy=True).transform(xs, ys)
    cgcs = osr.SpatialReference()
    cgcs.ImportFromEPSG(4490)
    cgcs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    _write(POINTS_LONLAT_GPKG, "points", ogr.wkbPoint, cgcs, shapely.to_wkb(shapely.points(lon, lat)), None)
    _lonlat_zones()
    print(f"generated bench data in {time.perf_counter() - started:.1f} s", flush=True)


def _lonlat_zones() -> None:
    """The UTM zones with every vertex moved to CGCS2000 lon/lat (attributes kept)."""
    import numpy as np
    import shapely
    from osgeo import ogr, osr
    from pyproj import Transformer

    ds = ogr.Open(str(ZONES_GPKG))
    layer = ds.GetLayer("zones")
    rows = [(f.GetGeometryRef().ExportToWkb(), f.GetField("name"), f.GetField("kind")) for f in layer]
    ds = None
    move = Transformer.from_crs(f"EPSG:{CRS_EPSG}", "EPSG:4490", always_xy=True)
    zones = shapely.transform(shapely.from_wkb([bytes(r[0]) for r in rows]),
                              lambda xy: np.column_stack(move.transform(xy[:, 0], xy[:, 1])))
    cgcs = osr.SpatialReference()
    cgcs.ImportFromEPSG(4490)
    cgcs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    _write(ZONES_LONLAT_GPKG, "zones", ogr.wkbPolygon, cgcs, shapely.to_wkb(zones),
           {"name": [r[1] for r in rows], "kind": [r[2] for r in rows]})


def _write(path: Path, table: str, geometry_type, srs, wkbs, attributes) -> None:
    from osgeo import ogr

    tmp = path.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    layer = ds.CreateLayer(table, srs, geometry_type, options=["SPATIAL_INDEX=NO"])
    layer.CreateField(ogr.FieldDefn("pid", ogr.OFTInteger64))
    for name in attributes or {}:
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for i, wkb in enumerate(wkbs):
        feature = ogr.Feature(definition)
        feature.SetFID(i + 1)
        feature.SetField("pid", i + 1)
        for name, values in (attributes or {}).items():
            feature.SetField(name, values[i])
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(wkb)))
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    ds.ExecuteSQL(f"SELECT CreateSpatialIndex('{table}', 'geom')")  # bulk R-tree, as QGIS would have
    ds = None
    tmp.rename(path)


# -- the jobs -------------------------------------------------------------------------------------


def layers(points_path=POINTS_GPKG, zones_path=ZONES_GPKG):
    from qgis.core import QgsVectorLayer

    points = QgsVectorLayer(f"{points_path}|layername=points", "points", "ogr")
    zones = QgsVectorLayer(f"{zones_path}|layername=zones", "zones", "ogr")
    assert points.isValid() and zones.isValid()
    return points, zones


def run_extract(points_path=POINTS_GPKG, zones_path=ZONES_GPKG):
    import processing
    from qgis.core import QgsFeatureRequest

    started = time.perf_counter()
    result = processing.run("native:extractbylocation", {
        "INPUT": f"{points_path}|layername=points", "PREDICATE": [0],
        "INTERSECT": f"{zones_path}|layername=zones", "OUTPUT": "memory:",
    })
    elapsed = time.perf_counter() - started
    output = result["OUTPUT"]
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry).setSubsetOfAttributes(["pid"],
                                                                                                   output.fields())
    fids = {f["pid"] for f in output.getFeatures(request)}
    return elapsed, fids


def run_ours(buffer_m: float, points_path=POINTS_GPKG, zones_path=ZONES_GPKG):
    from classification_plugin.integration.protected_check import check_layers

    started = time.perf_counter()
    points, zones = layers(points_path, zones_path)
    result = check_layers(points, zones, buffer_m, zone_name_field="name", zone_kind_field="kind")
    elapsed = time.perf_counter() - started
    return elapsed, result


class _CancelDuringSearch:
    """Cancels once the zones are done (progress 20), while the survey's R-tree search runs."""

    def __init__(self) -> None:
        self.canceled_at = None

    def setProgress(self, value) -> None:
        if value >= 20 and self.canceled_at is None:
            self.canceled_at = time.perf_counter()

    def isCanceled(self) -> bool:
        return self.canceled_at is not None


def cancel_latency(repeat: int) -> dict:
    """Seconds from a cancel during the R-tree search (~0.13 s alone) to the check's return."""
    from classification_plugin.integration.protected_check import prepare_check, run_check

    waits = []
    for _ in range(repeat):
        points, zones = layers()
        feedback = _CancelDuringSearch()
        run_check(prepare_check(points, zones, 0.0, "name", "custom", "kind"), feedback)
        waits.append(time.perf_counter() - feedback.canceled_at)
    return {"median_s": statistics.median(waits), "max_s": max(waits), "runs_s": waits}


def single_feature_latency(samples: int = 3000) -> dict:
    """The editing path: one QgsGeometry at a time against the 10k zones (index built once)."""
    import numpy as np
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsPointXY, QgsProject

    from classification_plugin.integration.protected_check import ZoneChecker

    points, zones = layers()
    rng = np.random.default_rng(SEED + 1)
    xs = ORIGIN[0] + rng.uniform(0, EXTENT_M, samples)
    ys = ORIGIN[1] + rng.uniform(0, EXTENT_M, samples)
    report = {}
    # same CRS as the zones; then a survey layer in EPSG:4490 (reprojection on every check)
    started = time.perf_counter()
    checker = ZoneChecker.for_layers(points, zones, BUFFER_M, zone_name_field="name")
    report["index_build_s"] = time.perf_counter() - started
    geometries = [QgsGeometry.fromPointXY(QgsPointXY(x, y)) for x, y in zip(xs, ys)]
    report["same_crs"] = _latencies(checker, geometries)

    from qgis.core import QgsVectorLayer

    geographic = QgsVectorLayer("Point?crs=EPSG:4490", "survey", "memory")
    geographic.setExtent(QgsCoordinateTransform(points.crs(), QgsCoordinateReferenceSystem("EPSG:4490"),
                                                QgsProject.instance()).transformBoundingBox(points.extent()))
    checker = ZoneChecker.for_layers(geographic, zones, BUFFER_M, zone_name_field="name")
    transform = QgsCoordinateTransform(points.crs(), QgsCoordinateReferenceSystem("EPSG:4490"), QgsProject.instance())
    for geometry in geometries:
        geometry.transform(transform)
    report["cgcs2000_survey"] = _latencies(checker, geometries)
    return report


def _latencies(checker, geometries) -> dict:
    import numpy as np

    for geometry in geometries[:200]:  # warm up
        checker.check_geometry(geometry)
    times, hits = [], 0
    for geometry in geometries:
        started = time.perf_counter_ns()
        hits += bool(checker.check_geometry(geometry))
        times.append(time.perf_counter_ns() - started)
    times = np.array(times) / 1e6
    return {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99)),
            "max_ms": float(times.max()), "samples": len(times), "with_conflicts": hits}


# -- peak memory, one job per fresh process ---------------------------------------------------------


def measure_child(job: str) -> None:
    """Peak RSS of the whole process (QGIS start-up included, which may dominate) and the peak of
    Python-side allocations during the job (tracemalloc: numpy and shapely arrays; it cannot see
    C++ allocations, so it is not reported for extractbylocation)."""
    import tracemalloc

    app = start_qgis()  # noqa: F841 - keep QGIS alive
    before = peak_rss_mb()
    tracemalloc.start()
    if job == "extract":
        run_extract()
    else:
        run_ours(0.0 if job == "ours" else BUFFER_M)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = peak_rss_mb()
    print(json.dumps({"job": job, "peak_rss_mb": after, "rss_after_qgis_start_mb": before,
                      "python_alloc_peak_mb": None if job == "extract" else traced_peak / 2**20}))


def peak_memory(job: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, __file__, "--child", job], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    line = [x for x in out.splitlines() if x.startswith("{")][-1]
    return json.loads(line)


# -- main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)  # the two tools swing by 20-40 % between runs
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        measure_child(args.child)
        return 0

    app = start_qgis()  # noqa: F841 - keep QGIS alive
    generate()
    # warm the OS file cache for both tools alike
    run_ours(0.0)
    run_extract()

    extract_times, ours_times, buffered_times = [], [], []
    lonlat_extract_times, lonlat_ours_times = [], []
    both_extract_times, both_ours_times = [], []
    for _ in range(args.repeat):
        elapsed, extract_fids = run_extract()
        extract_times.append(elapsed)
        elapsed, ours = run_ours(0.0)
        ours_times.append(elapsed)
        elapsed, buffered = run_ours(BUFFER_M)
        buffered_times.append(elapsed)
        # survey in CGCS2000 lon/lat, zones in UTM: both tools reproject
        elapsed, lonlat_extract_fids = run_extract(POINTS_LONLAT_GPKG)
        lonlat_extract_times.append(elapsed)
        elapsed, lonlat = run_ours(0.0, POINTS_LONLAT_GPKG)
        lonlat_ours_times.append(elapsed)
        # both in CGCS2000 lon/lat: our check projects the zones, extractbylocation needs nothing
        elapsed, both_extract_fids = run_extract(POINTS_LONLAT_GPKG, ZONES_LONLAT_GPKG)
        both_extract_times.append(elapsed)
        elapsed, both = run_ours(0.0, POINTS_LONLAT_GPKG, ZONES_LONLAT_GPKG)
        both_ours_times.append(elapsed)
    both_fids = set(both.conflicting_fids().tolist())
    both_extract_s, both_ours_s = statistics.median(both_extract_times), statistics.median(both_ours_times)
    lonlat_fids = set(lonlat.conflicting_fids().tolist())
    lonlat_extract_s, lonlat_ours_s = statistics.median(lonlat_extract_times), statistics.median(lonlat_ours_times)

    ours_fids = set(ours.conflicting_fids().tolist())
    same = ours_fids == extract_fids
    latency = single_feature_latency()
    cancel = cancel_latency(args.repeat)
    memory = {job: peak_memory(job) for job in ("extract", "ours", "ours_buffered")}

    extract_s, ours_s, buffered_s = (statistics.median(t) for t in (extract_times, ours_times, buffered_times))
    report = {
        "data": {"points": N_POINTS, "zones": N_ZONES, "crs": f"EPSG:{CRS_EPSG}", "extent_km": EXTENT_M / 1000,
                 "buffer_m": BUFFER_M, "cpus": os.cpu_count()},
        "extractbylocation_s": extract_s,
        "ours_unbuffered_s": ours_s,
        "ours_buffered_s": buffered_s,
        "runs": {"extractbylocation": extract_times, "ours_unbuffered": ours_times, "ours_buffered": buffered_times},
        "speedup_vs_extractbylocation": extract_s / ours_s,
        # the two tools' times swing by different amounts from run to run: each repeat's ratio too
        "speedup_per_repeat": [e / o for e, o in zip(extract_times, ours_times)],
        "reprojected_survey": {
            "survey_crs": "EPSG:4490", "zones_crs": f"EPSG:{CRS_EPSG}",
            "extractbylocation_s": lonlat_extract_s, "ours_unbuffered_s": lonlat_ours_s,
            "speedup": lonlat_extract_s / lonlat_ours_s, "read_method": lonlat.read_method,
            "runs": {"extractbylocation": lonlat_extract_times, "ours_unbuffered": lonlat_ours_times},
            "conflicting_features": {"extractbylocation": len(lonlat_extract_fids), "ours": len(lonlat_fids),
                                     "only_ours": len(lonlat_fids - lonlat_extract_fids),
                                     "only_extract": len(lonlat_extract_fids - lonlat_fids),
                                     "same_as_utm_check": lonlat_fids == ours_fids},
        },
        "both_lonlat": {
            "crs": "EPSG:4490", "extractbylocation_s": both_extract_s, "ours_unbuffered_s": both_ours_s,
            "speedup": both_extract_s / both_ours_s, "read_method": both.read_method, "working_crs": both.working_crs,
            "runs": {"extractbylocation": both_extract_times, "ours_unbuffered": both_ours_times},
            "conflicting_features": {"extractbylocation": len(both_extract_fids), "ours": len(both_fids),
                                     "only_ours": len(both_fids - both_extract_fids),
                                     "only_extract": len(both_extract_fids - both_fids)},
        },
        "buffered_over_unbuffered": buffered_s / ours_s,
        "conflicting_features": {"extractbylocation": len(extract_fids), "ours_unbuffered": len(ours_fids),
                                 "ours_buffered": buffered.feature_count, "same_fids_as_extract": same,
                                 "only_ours": len(ours_fids - extract_fids),
                                 "only_extract": len(extract_fids - ours_fids),
                                 "fraction": len(ours_fids) / N_POINTS},
        "pairs": {"unbuffered": ours.pair_count, "buffered": buffered.pair_count},
        "stages_unbuffered_s": ours.timings, "stages_buffered_s": buffered.timings,
        "read_method": ours.read_method,
        "single_feature": latency,
        "cancel_during_search": cancel,
        "peak_memory_mb": memory,
        "targets": {"speedup_min": 5.0, "buffered_ratio_max": 2.0, "single_feature_p99_ms_max": 5.0},
    }
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "zones.json").write_text(json.dumps(report, indent=1), encoding="utf-8")

    rows = [
        ("native:extractbylocation (intersects)", extract_s, 1.0, len(extract_fids), memory["extract"]["peak_rss_mb"]),
        ("ours, unbuffered", ours_s, extract_s / ours_s, len(ours_fids), memory["ours"]["peak_rss_mb"]),
        (f"ours, {BUFFER_M:.0f} m buffer", buffered_s, extract_s / buffered_s, buffered.feature_count,
         memory["ours_buffered"]["peak_rss_mb"]),
    ]
    print(f"\n{'job':40s} {'median s':>9s} {'speedup':>8s} {'features':>9s} {'peak MB':>8s}")
    for name, seconds, speedup, count, peak in rows:
        print(f"{name:40s} {seconds:9.3f} {speedup:7.1f}x {count:9d} {peak:8.0f}")
    print(f"{'extractbylocation, survey in EPSG:4490':40s} {lonlat_extract_s:9.3f} {1.0:7.1f}x "
          f"{len(lonlat_extract_fids):9d}")
    print(f"{'ours, survey in EPSG:4490':40s} {lonlat_ours_s:9.3f} {lonlat_extract_s / lonlat_ours_s:7.1f}x "
          f"{len(lonlat_fids):9d}   ({lonlat.read_method})")
    print(f"{'extractbylocation, both in EPSG:4490':40s} {both_extract_s:9.3f} {1.0:7.1f}x "
          f"{len(both_extract_fids):9d}")
    print(f"{'ours, both in EPSG:4490':40s} {both_ours_s:9.3f} {both_extract_s / both_ours_s:7.1f}x "
          f"{len(both_fids):9d}   ({both.read_method}, {both.working_crs})")
    ratios = report["speedup_per_repeat"]
    print(f"speedup per repeat (UTM): {', '.join(f'{r:.1f}' for r in ratios)}; median {statistics.median(ratios):.1f}")
    print(f"buffered / unbuffered: {buffered_s / ours_s:.2f} (target <= 2)")
    print("peak MB = whole-process VmHWM in a fresh process; start-up alone: "
          f"{memory['ours']['rss_after_qgis_start_mb']:.0f} MB; Python allocations of our check: "
          f"{memory['ours']['python_alloc_peak_mb']:.0f} MB unbuffered, "
          f"{memory['ours_buffered']['python_alloc_peak_mb']:.0f} MB buffered")
    print(f"same conflicting fids as extractbylocation: {same}")
    for case, numbers in latency.items():
        if isinstance(numbers, dict):
            print(f"single feature ({case}): p50 {numbers['p50_ms']:.3f} ms, p99 {numbers['p99_ms']:.3f} ms "
                  f"(target < 5 ms)")
    print(f"cancel during the R-tree search: the check returns in {1000 * cancel['median_s']:.0f} ms "
          f"(max {1000 * cancel['max_s']:.0f} ms)")
    print(f"stages (unbuffered): {ours.timings}")
    print(f"report: {OUTPUT / 'zones.json'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
