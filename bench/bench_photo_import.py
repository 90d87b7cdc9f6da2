"""Photo import benchmark: a folder of drone photos imported in the background while the main thread
keeps its event loop.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_photo_import.py [--photos N]

Writes N real JPEGs with DJI-style EXIF GPS (``tests/photo_data.py``, Pillow), then measures:
the direct import (``import_geotagged_photos``, all on the calling thread); the same folder through
``PhotoImportTask`` in QGIS's task manager while a 50 ms QTimer ticks on the main thread (ticks,
longest gap between ticks, time spent on the main thread making the layer); and how long a cancel
takes to end the task. Reports only; nothing here is a pass/fail target. Writes
``bench/output/photo_import.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import classification_plugin  # noqa: F401
except ImportError:  # run as a plain script from a checkout (make bench sets PYTHONPATH instead)
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # photo_data.py, the test photos' writer


def write_photos(folder: Path, count: int) -> Path:
    import photo_data

    photos = [photo_data.Photo(f"{100 + i // 500:03d}MEDIA/DJI_{i:04d}.JPG", 39.9 + (i % 500) * 1e-4,
                               116.3 + (i // 500) * 1e-3, 80.0 + i % 7) for i in range(count)]
    return photo_data.write_flight(folder, photos=photos, without_position=(), broken=False, extras=False)


def in_background(folder: Path, cancel_after_s: float | None = None) -> dict:
    """Run PhotoImportTask, a 50 ms timer ticking meanwhile; returns what was seen."""
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer, QTimer

    from classification_plugin.integration import drone_data

    ticks, gaps = [], []
    clock = QElapsedTimer()
    clock.start()

    def tick():
        now = clock.elapsed()
        if ticks:
            gaps.append(now - ticks[-1])
        ticks.append(now)

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(tick)
    build = []
    photo_layer = drone_data.photo_layer

    def timed_layer(rows):  # the part of the import that runs on the main thread
        started = time.perf_counter()
        outcome = photo_layer(rows)
        build.append(time.perf_counter() - started)
        return outcome

    drone_data.photo_layer = timed_layer
    try:
        task = drone_data.PhotoImportTask(str(folder))
        timer.start()
        started = time.perf_counter()
        QgsApplication.taskManager().addTask(task)
        canceled_at = None
        while task.outcome is None:
            QCoreApplication.processEvents()
            time.sleep(0.002)
            if cancel_after_s is not None and canceled_at is None and time.perf_counter() - started > cancel_after_s:
                canceled_at = time.perf_counter()
                task.cancel()
        ended = time.perf_counter()
        timer.stop()
    finally:
        drone_data.photo_layer = photo_layer
    outcome = task.outcome
    return {
        "seconds": round(ended - started, 3),
        "imported": outcome.imported,
        "canceled": outcome.canceled,
        "cancel_to_end_s": round(ended - canceled_at, 3) if canceled_at else None,
        "timer_ticks": len(ticks),
        "timer_ticks_expected": int((ended - started) / 0.05),
        "longest_gap_between_ticks_ms": max(gaps) if gaps else None,
        "main_thread_layer_build_s": round(build[0], 3) if build else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=2000)
    args = parser.parse_args()

    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from classification_plugin.integration.drone_data import import_geotagged_photos

    report = {"photos": args.photos}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = write_photos(Path(tmp) / "card", args.photos)
        report["write_photos_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        direct = import_geotagged_photos(str(folder))
        report["direct_import_s"] = round(time.perf_counter() - started, 3)
        report["direct_imported"] = direct.imported
        report["background"] = in_background(folder)
        report["background_canceled_after_0.5s"] = in_background(folder, cancel_after_s=0.5)
    out = REPO / "bench" / "output"
    out.mkdir(exist_ok=True)
    (out / "photo_import.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
