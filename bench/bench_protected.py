"""classification:checkprotectedareas as users run it, against native:extractbylocation.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_protected.py [--repeat N] [--scale 1,3,10]

Both tools go through ``processing.run`` with their OUTPUT built, into a memory layer and into
a GeoPackage file, in one run, median of N (5). Three data shapes, generated here (seeded,
cached in build/bench/), each with 1,000,000 points and 10,000 circular zones at ~3 % and at
~15 % of the points inside a zone (the same centres, the radii grown for 15 %):

- ``utm``: points and zones in UTM 50N over 600 x 600 km;
- ``lonlat``: points and zones in WGS 84 lon/lat over 10 x 10 degrees;
- ``lonlat_utm``: the utm points stored in WGS 84 lon/lat against the UTM zones.

The conflicting features of both tools are compared (extractbylocation gives one feature per
survey feature, ours one per (feature, zone) pair): the report lists any survey feature only one
tool found, and the run fails when a GeoPackage output holds other features than the memory one.
On the utm shape the 200 m buffered run is timed beside the unbuffered one.

``--scale 1,3,10`` (or BENCH_PROTECTED_SCALE=1,3,10 under ``make bench``) adds the growth table:
the utm shape at 1, 3 and 10 million points with 10, 30 and 100 thousand zones over a square
grown with them (the same density, ~3 % conflicting), each job in fresh processes (the median
of ``--scale-repeat`` 3) that report their time and peak memory (VmHWM). The 10M data takes
~1 GB under build/bench. ``--scale-only`` runs only that table and keeps the cases of the last
report. Writes bench/output/protected.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import peak_rss_mb, start_qgis  # bench/benchlib.py

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "build" / "bench"
OUTPUT = ROOT / "bench" / "output"
SEED = 20261206
N_POINTS = 1_000_000
N_ZONES = 10_000
BUFFER_M = 200.0
UTM = 32650
LONLAT = 4326
# radius grown so that ~15 % of uniform points fall in a zone instead of ~3 % (1 - exp(-area))
RADIUS_15 = 2.4


# -- data -------------------------------------------------------------------------------------------


def _utm_extent(n_points: int) -> float:
    """The side of the UTM square: 600 km for 1M points, grown to keep the density."""
    return 600_000.0 * (n_points / N_POINTS) ** 0.5


def points_path(shape: str, n_points: int = N_POINTS) -> Path:
    crs = "lonlat" if shape in ("lonlat", "lonlat_utm") else "utm"
    base = "lonlat" if shape == "lonlat" else "utm"
    return DATA / f"protected_{base}_points_{crs}_{n_points // 1000}k.gpkg"


def zones_path(shape: str, percent: int, n_points: int = N_POINTS) -> Path:
    base = "lonlat" if shape == "lonlat" else "utm"
    return DATA / f"protected_{base}_zones_{percent}pct_{n_points // 100 // 1000}k.gpkg"


def generate(shape: str, n_points: int = N_POINTS, percents=(3, 15)) -> None:
    """Points and zones of one shape (only the files missing)."""
    import numpy as np

    wanted = [points_path(shape, n_points)] + [zones_path(shape, p, n_points) for p in percents]
    if all(p.exists() for p in wanted):
        return
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    n_zones = n_points // 100
    rng = np.random.default_rng(SEED + n_points)
    if shape == "lonlat":
        xs, ys = rng.uniform(110.0, 120.0, n_points), rng.uniform(25.0, 35.0, n_points)
        cx, cy = rng.uniform(110.0, 120.0, n_zones), rng.uniform(25.0, 35.0, n_zones)
        radius = rng.uniform(500.0, 1500.0, n_zones)  # metres, ~3 % of 10 x 10 degrees at 30 N
        crs = LONLAT
    else:
        side = _utm_extent(n_points)
        xs, ys = 200_000.0 + rng.uniform(0, side, n_points), 4_000_000.0 + rng.uniform(0, side, n_points)
        cx, cy = 200_000.0 + rng.uniform(0, side, n_zones), 4_000_000.0 + rng.uniform(0, side, n_zones)
        radius = rng.uniform(300.0, 800.0, n_zones)
        crs = UTM
    for percent in percents:
        path = zones_path(shape, percent, n_points)
        if not path.exists():
            grow = 1.0 if percent == 3 else RADIUS_15
            _write(path, "zones", crs, _circles(cx, cy, radius * grow, crs == LONLAT), n_zones, rng)
    path = points_path(shape, n_points)
    if not path.exists():
        if shape == "lonlat_utm":
            from pyproj import Transformer

            xs, ys = Transformer.from_crs(f"EPSG:{UTM}", f"EPSG:{LONLAT}", always_xy=True).transform(xs, ys)
            crs = LONLAT
        _write(path, "points", crs, _point_wkb(xs, ys), n_points, None)
    print(f"generated {shape} data ({n_points} points) in {time.perf_counter() - started:.0f} s", flush=True)


def _circles(cx, cy, radius_m, lonlat: bool):
    """WKB of 32-gon circles of ``radius_m`` metres (in lon/lat: on a local sphere)."""
    import numpy as np
    import shapely

    angles = np.linspace(0.0, 2 * np.pi, 33)
    dx = np.cos(angles)[None, :] * radius_m[:, None]
    dy = np.sin(angles)[None, :] * radius_m[:, None]
    if lonlat:
        dy = dy / 111_320.0
        dx = dx / (111_320.0 * np.cos(np.radians(cy))[:, None])
    rings = np.stack([cx[:, None] + dx, cy[:, None] + dy], axis=-1)
    rings[:, -1] = rings[:, 0]
    return shapely.to_wkb(shapely.polygons(rings))


def _point_wkb(xs, ys):
    import numpy as np

    record = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
    packed = np.empty(xs.size, record)
    packed["order"], packed["type"], packed["x"], packed["y"] = 1, 1, xs, ys
    raw = packed.tobytes()
    return (raw[i:i + 21] for i in range(0, len(raw), 21))


def _write(path: Path, table: str, epsg: int, wkbs, count: int, rng) -> None:
    """A GeoPackage table written with GDAL in one transaction, its R-tree built afterwards in bulk."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tmp = path.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    layer = ds.CreateLayer(table, srs, ogr.wkbPolygon if table == "zones" else ogr.wkbPoint,
                           options=["SPATIAL_INDEX=NO"])
    layer.CreateField(ogr.FieldDefn("pid", ogr.OFTInteger64))
    kinds = ["military", "nature_reserve", "critical_infrastructure", "airport", "custom"]
    if table == "zones":
        layer.CreateField(ogr.FieldDefn("name", ogr.OFTString))
        layer.CreateField(ogr.FieldDefn("kind", ogr.OFTString))
        kind_of = rng.integers(0, len(kinds), count)
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for i, wkb in enumerate(wkbs):
        feature = ogr.Feature(definition)
        feature.SetFID(i + 1)
        feature.SetField(0, i + 1)
        if table == "zones":
            feature.SetField(1, f"zone {i + 1}")
            feature.SetField(2, kinds[kind_of[i]])
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(wkb)))
        layer.CreateFeature(feature)
        if i % 1_000_000 == 999_999:
            layer.CommitTransaction()
            layer.StartTransaction()
    layer.CommitTransaction()
    ds.ExecuteSQL(f"SELECT CreateSpatialIndex('{table}', 'geom')")
    ds = None
    tmp.rename(path)


# -- the jobs ---------------------------------------------------------------------------------------


def _destination(output: str, name: str) -> str:
    if output == "memory":
        return "memory:"
    folder = DATA / "outputs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.gpkg"
    if path.exists():
        path.unlink()
    return str(path)


def run_extract(points: Path, zones: Path, output: str):
    """Seconds and the set of conflicting point ids (pid) of native:extractbylocation."""
    import processing

    destination = _destination(output, "extract")
    started = time.perf_counter()
    result = processing.run("native:extractbylocation", {
        "INPUT": f"{points}|layername=points", "PREDICATE": [0],
        "INTERSECT": f"{zones}|layername=zones", "OUTPUT": destination,
    })
    elapsed = time.perf_counter() - started
    return elapsed, _ids(result["OUTPUT"], "pid")


def run_ours(points: Path, zones: Path, output: str, buffer_m: float = 0.0):
    """Seconds and the set of conflicting survey fids of classification:checkprotectedareas."""
    import processing

    destination = _destination(output, "ours")
    started = time.perf_counter()
    result = processing.run("classification:checkprotectedareas", {
        "INPUT": f"{points}|layername=points", "PROTECTED": f"{zones}|layername=zones",
        "ZONE_NAME_FIELD": "name", "ZONE_KIND_FIELD": "kind", "BUFFER": buffer_m, "OUTPUT": destination,
    })
    elapsed = time.perf_counter() - started
    return elapsed, _ids(result["OUTPUT"], "survey_fid"), result["CONFLICTS"]


def _ids(output, field: str) -> set:
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    layer = output if isinstance(output, QgsVectorLayer) else QgsVectorLayer(output, "out", "ogr")
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes([field], layer.fields())
    return {f[field] for f in layer.getFeatures(request)}


# -- one case: both tools, both outputs, side by side -----------------------------------------------


def run_case(shape: str, percent: int, repeat: int, buffered: bool = False) -> dict:
    points, zones = points_path(shape), zones_path(shape, percent)
    run_ours(points, zones, "memory")  # warm the OS file cache for both tools alike
    run_extract(points, zones, "memory")
    times = {key: [] for key in ("extract_memory", "ours_memory", "extract_gpkg", "ours_gpkg")}
    if buffered:
        times["ours_memory_buffered"] = []
    for _ in range(repeat):
        elapsed, extract_ids = run_extract(points, zones, "memory")
        times["extract_memory"].append(elapsed)
        elapsed, ours_ids, pairs = run_ours(points, zones, "memory")
        times["ours_memory"].append(elapsed)
        elapsed, extract_gpkg_ids = run_extract(points, zones, "gpkg")
        times["extract_gpkg"].append(elapsed)
        elapsed, ours_gpkg_ids, _ = run_ours(points, zones, "gpkg")
        times["ours_gpkg"].append(elapsed)
        if buffered:
            elapsed, buffered_ids, buffered_pairs = run_ours(points, zones, "memory", BUFFER_M)
            times["ours_memory_buffered"].append(elapsed)
    median = {key: statistics.median(values) for key, values in times.items()}
    case = {
        "median_s": median,
        "runs_s": times,
        "speedup_memory": median["extract_memory"] / median["ours_memory"],
        "speedup_gpkg": median["extract_gpkg"] / median["ours_gpkg"],
        "target": 5.0 if percent == 3 else 3.0,
        "conflicting_features": {
            "extractbylocation": len(extract_ids), "ours": len(ours_ids), "fraction": len(ours_ids) / N_POINTS,
            "only_ours": sorted(ours_ids - extract_ids)[:20], "only_extract": sorted(extract_ids - ours_ids)[:20],
            "gpkg_outputs_agree": ours_gpkg_ids == ours_ids and extract_gpkg_ids == extract_ids,
        },
        "pairs": pairs,
    }
    if buffered:
        case["buffered"] = {"buffer_m": BUFFER_M, "median_s": median["ours_memory_buffered"],
                            "over_unbuffered": median["ours_memory_buffered"] / median["ours_memory"],
                            "features": len(buffered_ids), "pairs": buffered_pairs, "target_max": 1.5}
    return case


# -- growth: one size per fresh process --------------------------------------------------------------


def measure_child(job: str, n_points: int) -> None:
    app = start_qgis(with_plugin=True)  # noqa: F841 - keep QGIS alive
    started_rss = peak_rss_mb()
    points, zones = points_path("utm", n_points), zones_path("utm", 3, n_points)
    tool, output = job.split("_")
    if tool == "extract":
        elapsed, ids = run_extract(points, zones, output)
        pairs = None
    else:
        elapsed, ids, pairs = run_ours(points, zones, output)
    print(json.dumps({"job": job, "points": n_points, "zones": n_points // 100, "seconds": elapsed,
                      "features": len(ids), "pairs": pairs, "peak_rss_mb": peak_rss_mb(),
                      "rss_after_qgis_start_mb": started_rss}))


def scale_table(sizes, repeat: int = 3) -> list:
    """One row per size and job: the median of ``repeat`` fresh processes (single runs swung by
    up to 1.7x), with every run's seconds, and the largest peak memory of them."""
    rows = []
    for millions in sizes:
        n_points = int(millions * 1_000_000)
        generate("utm", n_points, percents=(3,))
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        for job in ("ours_memory", "ours_gpkg", "extract_memory"):
            runs = []
            for _ in range(repeat):
                out = subprocess.run([sys.executable, __file__, "--child", job, "--points", str(n_points)], env=env,
                                     capture_output=True, text=True, check=True, cwd=ROOT).stdout
                runs.append(json.loads([x for x in out.splitlines() if x.startswith("{")][-1]))
            row = dict(runs[0], seconds=statistics.median(r["seconds"] for r in runs),
                       runs_s=[r["seconds"] for r in runs], peak_rss_mb=max(r["peak_rss_mb"] for r in runs))
            print(f"  {n_points:>10,d} points  {job:15s} {row['seconds']:7.2f} s "
                  f"({', '.join(f'{s:.2f}' for s in row['runs_s'])})  peak {row['peak_rss_mb']:6.0f} MB", flush=True)
            rows.append(row)
    return rows


def _growth(rows) -> dict:
    """Time and peak memory at the largest size over the smallest, per job, beside the points' growth."""
    growth = {}
    for job in {r["job"] for r in rows}:
        mine = sorted((r for r in rows if r["job"] == job), key=lambda r: r["points"])
        if len(mine) > 1:
            first, last = mine[0], mine[-1]
            growth[job] = {"points": last["points"] / first["points"], "time": last["seconds"] / first["seconds"],
                           "peak_rss": last["peak_rss_mb"] / first["peak_rss_mb"],
                           "peak_rss_above_start": (last["peak_rss_mb"] - last["rss_after_qgis_start_mb"])
                           / max(1.0, first["peak_rss_mb"] - first["rss_after_qgis_start_mb"])}
    return growth


# -- main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", default=os.environ.get("BENCH_PROTECTED_SCALE", ""),
                        help="millions of points for the growth table, e.g. 1,3,10 (default: none)")
    parser.add_argument("--scale-only", action="store_true", help="only the growth table (kept cases reused)")
    parser.add_argument("--scale-repeat", type=int, default=3, help="fresh processes per job in the growth table")
    parser.add_argument("--child")
    parser.add_argument("--points", type=int, default=N_POINTS)
    args = parser.parse_args()
    if args.child:
        measure_child(args.child, args.points)
        return 0

    for shape in ("utm", "lonlat", "lonlat_utm"):
        generate(shape)
    app = start_qgis(with_plugin=True)  # noqa: F841 - keep QGIS alive
    report = {"data": {"points": N_POINTS, "zones": N_ZONES, "cpus": os.cpu_count(), "repeat": args.repeat,
                       "shapes": {"utm": f"EPSG:{UTM} points and zones, 600 x 600 km",
                                  "lonlat": f"EPSG:{LONLAT} points and zones, 10 x 10 degrees",
                                  "lonlat_utm": f"EPSG:{LONLAT} points, EPSG:{UTM} zones"}},
              "cases": {}}
    print(f"{'shape':11s} {'conflicts':>9s} {'extract mem':>11s} {'ours mem':>9s} {'x':>5s} "
          f"{'extract gpkg':>12s} {'ours gpkg':>9s} {'x':>5s} {'features':>9s} {'same':>5s}")
    ok = True
    previous = OUTPUT / "protected.json"
    if args.scale_only and previous.is_file():
        report["cases"] = json.loads(previous.read_text(encoding="utf-8")).get("cases", {})
    for shape in ("utm", "lonlat", "lonlat_utm"):
        for percent in () if args.scale_only else (3, 15):
            case = run_case(shape, percent, args.repeat, buffered=(shape == "utm" and percent == 3))
            report["cases"][f"{shape}_{percent}pct"] = case
            median, features = case["median_s"], case["conflicting_features"]
            same = not features["only_ours"] and not features["only_extract"]
            ok = ok and features["gpkg_outputs_agree"]
            print(f"{shape:11s} {100 * features['fraction']:8.1f}% {median['extract_memory']:11.2f} "
                  f"{median['ours_memory']:9.2f} {case['speedup_memory']:5.1f} {median['extract_gpkg']:12.2f} "
                  f"{median['ours_gpkg']:9.2f} {case['speedup_gpkg']:5.1f} {features['ours']:9d} {str(same):>5s}",
                  flush=True)
            if "buffered" in case:
                print(f"{'':11s} {BUFFER_M:.0f} m buffer: {case['buffered']['median_s']:.2f} s, "
                      f"{case['buffered']['over_unbuffered']:.2f}x the unbuffered run (target <= 1.5)", flush=True)
    if args.scale:
        print(f"growth (utm, ~3 % conflicting, each job in fresh processes, median of {args.scale_repeat}):",
              flush=True)
        rows = scale_table([float(x) for x in args.scale.split(",") if x], args.scale_repeat)
        report["scale"] = {"rows": rows, "growth": _growth(rows)}
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "protected.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    shutil.rmtree(DATA / "outputs", ignore_errors=True)
    print(f"report: {OUTPUT / 'protected.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
