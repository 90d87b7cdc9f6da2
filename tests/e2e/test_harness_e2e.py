"""The harness itself: a program that hangs past its time-out is killed with its whole process
group (children included), the stuck screen is saved, and the private Xvfb goes too; a QGIS whose
main thread is blocked is reported with where its Python code was."""

import os
import time

import pytest
from harness import run_scenario, run_under_xvfb


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0): count it as gone
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split()[2] != "Z"


def test_a_hung_program_is_killed_with_its_children_and_the_screen_is_saved(tmp_path):
    pids = tmp_path / "pids"
    # a parent that starts a child which ignores SIGTERM and then waits for ever, as a stuck qgis.bin
    # under its wrapper would
    command = ["/bin/sh", "-c", f"(trap '' TERM; sleep 300) & echo $$ $! > {pids}; echo $DISPLAY >> {pids}; wait"]
    started = time.monotonic()
    stuck = run_under_xvfb(command, dict(os.environ), tmp_path / "log.txt", 3, tmp_path / "stuck.png")
    assert time.monotonic() - started < 60
    assert stuck == tmp_path / "stuck.png" and stuck.is_file() and stuck.stat().st_size > 0
    lines = pids.read_text().split("\n")
    parent, child = (int(p) for p in lines[0].split())
    display = lines[1].strip()
    time.sleep(0.2)
    assert not _alive(parent) and not _alive(child)
    # the private Xvfb ended cleanly: its lock file is gone
    assert display.startswith(":") and not os.path.exists(f"/tmp/.X{display[1:]}-lock"), display

def test_a_program_that_ends_by_itself_is_not_reported_stuck(tmp_path):
    assert run_under_xvfb(["/bin/true"], dict(os.environ), tmp_path / "log.txt", 30, tmp_path / "s.png") is None
    assert not (tmp_path / "s.png").exists()


def test_a_blocked_qgis_is_reported_with_where_its_main_thread_was(tmp_path):
    with pytest.raises(AssertionError) as failure:
        run_scenario("blocked", "scenario_blocked.py", tmp_path, timeout_s=45)
    message = str(failure.value)
    assert "timed out after 45 s" in message
    assert "Current thread" in message and "scenario_blocked.py\", line 9 in scenario" in message, message
