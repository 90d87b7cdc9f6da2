"""kill -9 in the middle of a burst loses nothing that append() returned; two writers, one chain."""

from __future__ import annotations

import os
import signal
import time

from classification_plugin.core.audit import AuditFilter, open_log

N = 1000


def test_kill_9_during_a_burst_loses_no_returned_entry(backend, spawn_writer):
    open_log(backend.location).close()  # create the schema first
    proc = spawn_writer(backend.location, 0, "burst")
    printed = []
    deadline = time.monotonic() + 20
    while len(printed) < 400 and time.monotonic() < deadline:
        printed.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    printed += [int(line) for line in proc.stdout.read().split()]  # whatever it printed before dying
    assert len(printed) >= 400 and printed == list(range(1, len(printed) + 1))

    log = open_log(backend.location)
    result = log.verify()
    assert result.valid, result.message
    assert result.entries >= printed[-1]
    stored = {row["seq"] for row in log.query(offset=0, limit=result.entries, descending=False)}
    assert set(printed) <= stored
    # The log goes on from there: the next entry continues the same chain.
    assert log.append(_event()) == result.entries + 1
    assert log.verify().valid


def _event():
    from classification_plugin.core.audit import AuditEvent

    return AuditEvent(time_ms=1, action="layer_shown")


def test_two_processes_writing_at_once_build_one_chain(backend, spawn_writer):
    open_log(backend.location).close()
    # each writer pauses halfway until both are there, so their appends overlap even when a loaded
    # machine runs one of them late; both halves are written concurrently
    writers = [spawn_writer(backend.location, N, tag, start=False, pause_at=N // 2) for tag in ("A", "B")]
    for proc in writers:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = []
    for proc in writers:
        first = []
        for line in iter(proc.stdout.readline, ""):
            if line.strip() == "paused":
                break
            first.append(int(line))
        outputs.append(first)
    for proc in writers:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc, first in zip(writers, outputs):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        first.extend(int(line) for line in out.split())
    a, b = outputs
    assert len(a) == len(b) == N
    assert sorted(a + b) == list(range(1, 2 * N + 1))  # no sequence number handed out twice
    assert min(a) < max(b) and min(b) < max(a), "the two writers did not overlap"
    log = open_log(backend.location)
    result = log.verify()
    assert (result.valid, result.entries) == (True, 2 * N), result.message
    assert log.count(AuditFilter(user="A")) == log.count(AuditFilter(user="B")) == N
    span = log.span()  # concurrent writers leave no gap: the panel can compute row <-> seq
    assert (span.count, span.low, span.high, span.dense) == (2 * N, 1, 2 * N, True)
    # Each writer's own entries stay in its order.
    for tag, seqs in (("A", a), ("B", b)):
        rows = log.query(AuditFilter(user=tag), 0, N, descending=False)
        assert [row["seq"] for row in rows] == seqs
        assert [row["details"]["i"] for row in rows] == list(range(1, N + 1))


def test_verify_while_another_process_appends_stays_valid(backend, spawn_writer):
    # The checkpoint is read before the snapshot of the log, so entries committed meanwhile never
    # look like a cut-off end.
    open_log(backend.location).close()
    proc = spawn_writer(backend.location, 0, "busy")
    log = open_log(backend.location)
    results = []
    # at least 15 verifications, and on until the log grew between two of them (a loaded machine
    # can starve the writer for a while: the lines it printed come faster than its new entries)
    deadline = time.monotonic() + 60
    while len(results) < 15 or (results[-1].entries == results[0].entries and time.monotonic() < deadline):
        proc.stdout.readline()
        results.append(log.verify())
    proc.kill()
    assert all(result.valid for result in results), [r.message for r in results if not r.valid]
    assert results[-1].entries > results[0].entries
