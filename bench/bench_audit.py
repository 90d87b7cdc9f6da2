"""Access-log benchmark: committed appends/s, verify of 1,000,000 entries, and the viewer's first page.

    .venv/bin/python bench/bench_audit.py [--entries N]

Targets: >= 5,000 individually committed events/s on SQLite; verify 1M entries <= 3 s; count +
first page of 1M entries < 1 s (what the log panel does when it opens). The 1M log is built with
``append_many`` in 50,000-event transactions: the same chain code as ``append``, so verify checks a
real chain. Writes ``bench/output/audit.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import classification_plugin  # noqa: F401
except ImportError:  # run as a plain script from a checkout (make bench sets PYTHONPATH instead)
    sys.path.insert(0, str(REPO))

from classification_plugin.core.audit import Action, AuditEvent, AuditFilter, Outcome, open_log  # noqa: E402

KEY = b"bench administrator key"
ACTIONS = [action.value for action in Action]
LABELS = ["", "internal", "secret", "confidential", "top_secret"]


def make_event(i: int) -> AuditEvent:
    return AuditEvent(
        time_ms=1_700_000_000_000 + i * 250,
        action=ACTIONS[i % len(ACTIONS)],
        outcome=Outcome.BLOCKED.value if i % 97 == 0 else Outcome.OK.value,
        user=f"user{i % 20}",
        full_name=f"User Number {i % 20}",
        host=f"ws-{i % 7:02d}",
        session_id=f"session-{i // 5000}",
        project="/projects/城市规划/city.qgz",
        layer_id=f"layer_{i % 50}_a1b2c3",
        layer_name=f"Layer {i % 50} 道路",
        layer_source=f"/data/city.gpkg|layername=layer_{i % 50}",
        provider="ogr",
        label=LABELS[i % len(LABELS)],
        details={"i": i, "reason": "routine"} if i % 10 else {"i": i},
    )


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=10_000)
    args = parser.parse_args()
    results: dict = {"entries": args.entries, "cpu_count": os.cpu_count()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        # 1. individually committed appends (each with its checkpoint update)
        log = open_log(os.path.join(tmp, "appends.sqlite"))
        seconds, _ = timed(lambda: [log.append(make_event(i)) for i in range(args.appends)])
        rate = args.appends / seconds
        results["append_per_s"] = round(rate)
        rows.append(("append, committed one by one", f"{rate:,.0f} events/s", ">= 5,000/s", rate >= 5000))
        assert log.verify().valid
        log.close()

        log = open_log(os.path.join(tmp, "appends_full.sqlite"), durable=True)
        n = min(args.appends, 3000)
        seconds, _ = timed(lambda: [log.append(make_event(i)) for i in range(n)])
        results["append_per_s_durable_full"] = round(n / seconds)
        rows.append(("append, synchronous=FULL (durable=True)", f"{n / seconds:,.0f} events/s", "(info)",
                     None))
        log.close()

        # 2. build the big log with the bulk path
        path = os.path.join(tmp, "big.sqlite")
        log = open_log(path, KEY)
        chunk = 50_000

        def build():
            for start in range(0, args.entries, chunk):
                log.append_many(make_event(i) for i in range(start, min(start + chunk, args.entries)))

        seconds, _ = timed(build)
        results["bulk_build_s"] = round(seconds, 2)
        results["file_mb"] = round(os.path.getsize(path) / 1e6, 1)
        rows.append((f"bulk build of {args.entries:,} (append_many)", f"{seconds:.1f} s", "(info)", None))

        log.close()

        # 3. verify: the SHA-256 chain and checkpoint; then also every HMAC
        plain = open_log(path, create=False)
        seconds, result = timed(plain.verify)
        plain.close()
        assert result.valid and result.entries == args.entries, result.message
        results["verify_s"] = round(seconds, 2)
        rows.append((f"verify {args.entries:,} entries", f"{seconds:.2f} s", "<= 3 s", seconds <= 3.0))
        keyed = open_log(path, KEY, create=False)
        seconds, result = timed(keyed.verify)
        keyed.close()
        assert result.valid and result.entries == args.entries, result.message
        results["verify_with_hmac_s"] = round(seconds, 2)
        rows.append((f"verify {args.entries:,} entries + HMAC key", f"{seconds:.2f} s", "(info)", None))

        # 4. what the log panel does: open, count, first page, for several filters
        results["panel"] = {}
        cases = [
            ("no filter", None),
            ("user = user7", AuditFilter(user="user7")),
            ("action = export_blocked", AuditFilter(action=Action.EXPORT_BLOCKED.value)),
            ("label = top_secret + outcome", AuditFilter(label="top_secret", outcome="blocked")),
            ("last hour", AuditFilter(time_from_ms=1_700_000_000_000 + args.entries * 250 - 3_600_000)),
            ("layer name part 'Layer 13 '", AuditFilter(layer="Layer 13 ")),
            ("free text 'user13'", AuditFilter(text="user13")),
        ]
        for name, filters in cases:
            def panel(filters=filters):
                opened = open_log(path, create=False)
                total = opened.count(filters)
                opened.query(filters, 0, 100)
                return opened, total

            opened, _ = panel()  # warm the OS cache the way a second opening would
            opened.close()
            seconds, (opened, total) = timed(panel)
            last_seconds, _ = timed(lambda filters=filters, opened=opened, total=total: opened.query(
                filters, max(total - 100, 0), 100))
            opened.close()
            results["panel"][name] = {"open_count_first_page_s": round(seconds, 3),
                                      "last_page_s": round(last_seconds, 3), "count": total}
            target = "< 1 s" if filters is None else "(info)"
            ok = seconds < 1.0 if filters is None else None
            rows.append((f"panel: open + count + first page, {name}", f"{seconds * 1000:,.0f} ms ({total:,})",
                         target, ok))
            rows.append(("  then scroll to the last page", f"{last_seconds * 1000:,.0f} ms", "(info)", None))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>22}  target")
    for name, value, target, ok in rows:
        mark = "" if ok is None else (" ok" if ok else " MISSED")
        print(f"{name:<{width}}  {value:>22}  {target}{mark}")
    out = REPO / "bench" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "audit.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written {out / 'audit.json'}")
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
