"""make bench: run every bench/bench_*.py in its own process and gather their JSON reports.

Each benchmark measures the plugin side by side with QGIS's own tools in the same run and
writes ``bench/output/<name>.json``; this script prints them together and writes
``bench/output/summary.md`` (the figures quoted in the README come from there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"


def main(argv: list[str]) -> int:
    OUTPUT.mkdir(exist_ok=True)
    wanted = set(argv)
    scripts = [p for p in sorted(HERE.glob("bench_*.py")) if not wanted or p.stem.removeprefix("bench_") in wanted]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(HERE.parent))
    failures = []
    lines = [f"# Benchmarks ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores)", ""]
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parent, check=False)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            failures.append(script.name)
        lines.append(f"## {script.stem} ({'failed' if result.returncode else 'ok'}, {elapsed:.0f} s)")
        report = OUTPUT / f"{script.stem.removeprefix('bench_')}.json"
        if report.is_file():
            lines += ["```json", json.dumps(json.loads(report.read_text()), indent=1, ensure_ascii=False), "```"]
        lines.append("")
    (OUTPUT / "summary.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"Summary: {OUTPUT / 'summary.md'}")
    if failures:
        print("Failed:", ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
