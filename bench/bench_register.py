"""Register benchmark: the register of classified holdings derived from a log holding 10,000
datasets and 100,000 handed-over copies (plus 200,000 other events), as the Register panel and
``classification:exportregister`` open it.

    python bench/bench_register.py [--copies N] [--datasets N]

Target (issue 17): the register opens in under 1 s. Measured, each the median of 5:

* the panel's opening: the register's snapshot (taken when 99 % of the log was written, so the
  custody events of the last 1,000 copies are read from the log and applied on top), its rows
  in the panel's model and the units for its filter;
* the first opening, with no snapshot: the register derived from the whole log, the snapshot written;
* the check the panel then runs in the background: derived from the whole log and compared;
* side by side, in the same run: QGIS itself reading the same log table through its OGR provider
  (every row, attributes only), the cheapest way QGIS has to look at those events.

The log is built once with ``append_many`` (a real hash chain) and cached under build/bench/.
Writes ``bench/output/register.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import classification_plugin  # noqa: F401
except ImportError:  # run as a plain script from a checkout (make bench sets PYTHONPATH instead)
    sys.path.insert(0, str(REPO))

from classification_plugin.core import custody  # noqa: E402
from classification_plugin.core.audit import AuditEvent, open_log  # noqa: E402

BASE_MS = 1_780_000_000_000
UNITS = ["Railway Institute", "Survey Office 2", "Design Subcontractor Co", "Water Bureau", "Mapping Brigade 3"]
LEVELS = ["confidential", "secret", "top_secret"]
RUNS = 5


def events(copies: int, datasets: int):
    """Handovers of ``copies`` packages over ``datasets`` datasets; 70 % received, 20 % of those
    returned and 10 % destroyed; two unrelated events per copy (opens, exports), as a log has."""
    for i in range(copies):
        package = f"HO-BENCH-{i:07d}"
        uid = f"uid-{i % datasets:06d}"
        t = BASE_MS + i * 60_000
        yield AuditEvent(time_ms=t, action=custody.EVENT_HANDOVER, user="wang.li", host="ws-01", details={
            "package_id": package, "manifest_hash": f"{i:064x}",
            "sender": {"unit": "Survey Office 1", "person": "Wang Li"},
            "recipient": {"unit": UNITS[i % len(UNITS)], "person": f"person {i % 300}"}, "purpose": "line design",
            "approval": f"HT-{i:06d}", "return_by": "2027-03-31" if i % 4 else "2026-01-31",
            "caveats": ["no_onward_transfer"],
            "datasets": [{"uid": uid, "name": f"dataset {i % datasets}", "level": LEVELS[i % len(LEVELS)]}]})
        yield AuditEvent(time_ms=t + 1, action="layer_added", user="wang.li", layer_name=f"dataset {i % datasets}",
                         label=LEVELS[i % len(LEVELS)])
        yield AuditEvent(time_ms=t + 2, action="export_blocked", user="li.hua", outcome="blocked",
                         layer_name=f"dataset {i % datasets}", details={"channel": "processing"})
        if i % 10 < 7:
            yield AuditEvent(time_ms=t + 30_000, action=custody.EVENT_RECEIVED, user="zhao.min",
                             details={"package_id": package, "manifest_hash": f"{i:064x}"})
            if i % 10 < 2:
                yield AuditEvent(time_ms=t + 40_000, action=custody.EVENT_RETURNED, user="zhao.min",
                                 details={"package_id": package, "by": "Zhao Min", "witness": "", "when": "2026-06-01"})
            elif i % 10 == 2:
                yield AuditEvent(time_ms=t + 40_000, action=custody.EVENT_DESTROYED, user="zhao.min",
                                 details={"package_id": package, "by": "Zhao Min", "witness": "Chen Jie",
                                          "when": "2026-06-01"})


def build_log(path: Path, copies: int, datasets: int) -> None:
    marker = path.with_suffix(".done")
    if path.exists() and marker.exists() and marker.read_text() == f"{copies} {datasets}":
        return
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_log(str(path)) as log:
        batch = []
        for event in events(copies, datasets):
            batch.append(event)
            if len(batch) == 50_000:
                log.append_many(batch)
                batch = []
        log.append_many(batch)
    marker.write_text(f"{copies} {datasets}")


TODAY = date(2026, 12, 6)
NOW_MS = BASE_MS + 400 * 86_400_000


def take_snapshot(path: Path, snapshot: Path, fraction: float = 0.99) -> int:
    """Write the register's snapshot as it stood when ``fraction`` of the log was written; its seq."""
    from classification_plugin.integration.custody import log_head, read_register, write_snapshot

    with open_log(str(path)) as log:
        seq, entry_hash = log_head(log, int(log_head(log)[0] * fraction) + 1)
        assert write_snapshot(str(snapshot), read_register(log, seq + 1), seq, entry_hash, None)
    return seq


def open_panel(path: Path, snapshot: Path):
    """What the Register panel does when it opens: the register (from ``snapshot`` when it is
    there and good), every row of it as its model takes them, and the units for its filter."""
    from classification_plugin.gui.register_model import RegisterModel
    from classification_plugin.integration.custody import open_register

    with open_log(str(path)) as log:
        opened = open_register(log, str(snapshot))
    model = RegisterModel()
    model.set_register(opened.register, TODAY, NOW_MS)
    assert model.units()
    return opened, model.rows


def first_open(path: Path, snapshot: Path):
    snapshot.unlink(missing_ok=True)
    return open_panel(path, snapshot)


def check(path: Path, opened):
    from classification_plugin.integration.custody import check_register

    with open_log(str(path)) as log:
        return check_register(log, opened)


def qgis_reads_the_log(path: Path) -> int:
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    from classification_plugin.core.audit.sqlite_log import LOG_TABLE
    from classification_plugin.integration.compat import REQUEST_NO_GEOMETRY

    layer = QgsVectorLayer(f"{path}|layername={LOG_TABLE}", "log", "ogr")
    assert layer.isValid(), path
    count = 0
    for _feature in layer.getFeatures(QgsFeatureRequest().setFlags(REQUEST_NO_GEOMETRY)):
        count += 1
    return count


def timed(function, runs: int = RUNS) -> tuple:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=100_000)
    parser.add_argument("--datasets", type=int, default=10_000)
    args = parser.parse_args()
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    path = REPO / "build" / "bench" / f"register_{args.copies}.sqlite"
    started = time.perf_counter()
    build_log(path, args.copies, args.datasets)
    built_s = time.perf_counter() - started
    snapshot = path.with_suffix(".sqlite.register")
    first_s, (first, _rows) = timed(lambda: first_open(path, snapshot))
    at_seq = take_snapshot(path, snapshot)
    open_s, (opened, rows) = timed(lambda: open_panel(path, snapshot))
    check_s, (register, same) = timed(lambda: check(path, opened))
    qgis_s, read = timed(lambda: qgis_reads_the_log(path))
    assert opened.snapshot and same and not first.snapshot, (opened.note, same)
    states = {}
    for _entry, _copy, status in rows:
        states[status] = states.get(status, 0) + 1
    report = {
        "copies": len(register.copies), "datasets": len(register.datasets), "log_entries": read,
        "rows": len(rows), "states": states, "log_built_s": round(built_s, 1),
        "snapshot_at_seq": at_seq, "entries_after_snapshot": opened.seq - at_seq,
        "snapshot_mb": round(snapshot.stat().st_size / 1e6, 1),
        "register_open_s_median": round(open_s, 3), "register_first_open_s_median": round(first_s, 3),
        "register_check_s_median": round(check_s, 3), "qgis_reads_log_s_median": round(qgis_s, 3),
        "ratio_open_to_qgis_read": round(open_s / qgis_s, 2), "target_s": 1.0, "met": open_s < 1.0,
        "runs": RUNS,
    }
    assert len(register.copies) == args.copies and len(register.datasets) == args.datasets, report
    print(json.dumps(report, indent=1))
    out = REPO / "bench" / "output"
    out.mkdir(exist_ok=True)
    (out / "register.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
