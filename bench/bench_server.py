"""QGIS Server with the plugin against the same server without it: GetMap requests per second and
latency (p50, p99) with 4 concurrent clients, both servers running side by side in one run.

    .venv/bin/python bench/bench_server.py [--rounds 8] [--requests 100] [--clients 4]

Writes bench/output/server.json. The demo project of the server tests (public, internal, secret
and unlabelled layers in one GeoPackage), 512 x 512 PNG GetMaps of all four layers. With the
plugin the requester is cleared for secret, so every request goes the whole way: headers read,
four labels checked, the banner drawn into the image and one access-log event queued. Rounds
alternate between the two servers so that drift in the machine's speed hits both alike; the
ratio is the plugin's median requests per second over the plain server's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

PARAMETERS = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "CRS": "EPSG:4326",
              "LAYERS": "public_roads,internal_sites,secret_control,unlabelled_wells",
              "BBOX": "39.8,116.2,40.1,116.6", "WIDTH": "512", "HEIGHT": "512", "FORMAT": "image/png"}
HEADERS = {"X-Remote-User": "zhao.survey", "X-Remote-Groups": "survey-secret"}


def burst(url: str, requests: int, clients: int) -> tuple:
    """``requests`` GetMaps spread over ``clients`` threads: (wall seconds, [latency seconds])."""
    query = url + "?" + urllib.parse.urlencode(PARAMETERS)
    latencies: list = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(query, headers=HEADERS), timeout=60) as response:
                body = response.read()
            elapsed = time.perf_counter() - started
            if not body.startswith(b"\x89PNG"):
                raise RuntimeError(f"not an image: {body[:200]!r}")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def percentile(values: list, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    from qgis_server import MapServer, qgis_python

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        project = Path(qgis_python(ROOT / "tests" / "e2e" / "server_project.py", str(folder / "data"))
                       .strip().splitlines()[-1])
        policy = folder / "policy.json"
        policy.write_text(json.dumps({"version": 1, "clearance": {"default": "public",
                                                                  "groups": {"survey-secret": "secret"}}}))
        (folder / "plain").mkdir()
        (folder / "guarded").mkdir()
        with MapServer(project, folder / "plain", with_plugin=False) as plain, \
                MapServer(project, folder / "guarded", policy) as guarded:
            sides = {"without_plugin": plain.url, "with_plugin": guarded.url}
            for url in sides.values():  # warm-up: project load, caches
                burst(url, 20, args.clients)
            rates = {side: [] for side in sides}
            latencies = {side: [] for side in sides}
            for round_number in range(args.rounds):
                order = list(sides) if round_number % 2 == 0 else list(reversed(sides))
                for side in order:
                    wall, times = burst(sides[side], args.requests, args.clients)
                    rates[side].append(args.requests / wall)
                    latencies[side].extend(times)
            guarded_log = guarded.log_text()
    assert "Classification Guard is guarding this server" in guarded_log, "the plugin did not load"
    report = {
        "benchmark": "QGIS Server GetMap with the plugin vs without (qgis_mapserver, same project)",
        "qgis": __import__("qgis.core", fromlist=["Qgis"]).Qgis.QGIS_VERSION,
        "clients": args.clients, "rounds": args.rounds, "requests_per_round": args.requests,
        "request": "GetMap 512x512 PNG, 4 layers (public, internal, secret, unlabelled), requester cleared for secret",
    }
    for side in rates:
        report[side] = {
            "requests_per_s_median": round(statistics.median(rates[side]), 2),
            "requests_per_s_rounds": [round(rate, 2) for rate in rates[side]],
            "latency_p50_ms": round(percentile(latencies[side], 0.50) * 1000, 1),
            "latency_p99_ms": round(percentile(latencies[side], 0.99) * 1000, 1),
        }
    report["ratio_with_over_without"] = round(report["with_plugin"]["requests_per_s_median"]
                                              / report["without_plugin"]["requests_per_s_median"], 3)
    output = ROOT / "bench" / "output" / "server.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
