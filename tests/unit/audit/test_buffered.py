"""When the log cannot be written, events wait in order, the reason is readable, and flush() writes them."""

from __future__ import annotations

import os
import sqlite3

import pytest

from classification_plugin.core.audit import (
    AuditLogCorruptError,
    AuditWriteError,
    BufferedAuditLog,
    open_log,
)


def _details(location):
    log = open_log(location)
    try:
        return [row["details"]["i"] for row in log.query(descending=False, limit=1000)]
    finally:
        log.close()


def _assert_readable(message: str):
    assert message and "Traceback" not in message and "\n" not in message


def test_location_under_a_file_keeps_events_until_it_can_be_written(tmp_path, make_event):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    location = str(blocker / "audit.sqlite")  # its parent is a file: fails even for root
    log = BufferedAuditLog(location, retry_interval_s=0)
    assert [log.append(make_event(i)) for i in range(3)] == [None, None, None]
    assert log.pending_count == 3
    _assert_readable(log.last_error)
    assert log.flush() == 0 and log.pending_count == 3

    blocker.unlink()
    assert log.flush() == 3
    assert (log.pending_count, log.last_error) == (0, "")
    assert log.append(make_event(3)) == 4
    assert _details(location) == [0, 1, 2, 3]
    assert log.verify().valid
    log.close()


def test_location_that_is_a_folder_gets_a_clear_message(tmp_path, make_event):
    log = BufferedAuditLog(str(tmp_path), retry_interval_s=0)
    log.append(make_event(0))
    assert log.pending_count == 1
    assert "folder" in log.last_error


def test_locked_log_waits_and_flushes_in_order(tmp_path, make_event):
    location = str(tmp_path / "audit.sqlite")
    log = BufferedAuditLog(location, retry_interval_s=0, busy_timeout_ms=100)
    assert log.append(make_event(0)) == 1
    holder = sqlite3.connect(location, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    assert log.append(make_event(1)) is None
    assert log.append(make_event(2)) is None
    assert log.pending_count == 2
    assert "locked" in log.last_error
    holder.execute("ROLLBACK")
    holder.close()
    assert log.append(make_event(3)) is None  # queued behind the waiting ones, then all written
    assert log.pending_count == 0 and log.last_error == ""
    assert _details(location) == [0, 1, 2, 3]
    assert log.verify().valid


def test_retry_interval_spares_the_busy_timeout_on_every_event(tmp_path, make_event):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    calls = []

    def opener(location, key, **options):
        calls.append(location)
        return open_log(location, key, **options)

    log = BufferedAuditLog(str(blocker / "a.sqlite"), retry_interval_s=3600, opener=opener)
    attempts = len(calls)
    for i in range(5):
        log.append(make_event(i))
    assert len(calls) == attempts + 1 and log.pending_count == 5
    blocker.unlink()
    assert log.flush() == 5  # an explicit flush always tries


def test_corrupt_file_gives_a_clear_message_and_a_new_log_takes_over(tmp_path, make_event):
    location = tmp_path / "audit.sqlite"
    location.write_bytes(b"this is not an SQLite database, it was overwritten " * 100)
    with pytest.raises(AuditLogCorruptError) as caught:
        open_log(str(location))
    message = str(caught.value)
    assert "damaged" in message and "move the file" in message and "auditor" in message

    log = BufferedAuditLog(str(location), retry_interval_s=0)
    log.append(make_event(0))
    assert log.pending_count == 1 and "damaged" in log.last_error
    os.rename(location, tmp_path / "audit.sqlite.damaged")  # what the message tells the user to do
    assert log.flush() == 1
    assert _details(str(location)) == [0]


def test_unexpected_errors_do_not_lose_events(make_event):
    def broken(location, key, **options):
        raise RuntimeError("driver exploded")

    log = BufferedAuditLog("/nowhere", opener=broken, retry_interval_s=0)
    assert log.append(make_event(0)) is None
    assert log.pending_count == 1 and "driver exploded" in log.last_error
    with pytest.raises(RuntimeError):
        log.count()


def test_spool_file_keeps_waiting_events_across_a_restart(tmp_path, make_event):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    location = str(blocker / "audit.sqlite")
    spool = str(tmp_path / "pending.jsonl")
    first = BufferedAuditLog(location, spool_path=spool, retry_interval_s=0)
    for i in range(3):
        first.append(make_event(i, details={"i": i, "note": "中文"}))
    first.close()  # QGIS closes with the log still unwritable
    assert len(open(spool, encoding="utf-8").read().splitlines()) == 3

    blocker.unlink()
    second = BufferedAuditLog(location, spool_path=spool, retry_interval_s=0)
    assert second.pending_count == 0
    assert not os.path.exists(spool)
    assert _details(location) == [0, 1, 2]
    assert second.query(descending=False)[0]["details"] == {"i": 0, "note": "中文"}
    second.close()


@pytest.mark.postgres
def test_postgres_locked_table_waits_and_flushes(pg_location, make_event):
    import psycopg

    log = BufferedAuditLog(pg_location, retry_interval_s=0, busy_timeout_ms=200)
    assert log.append(make_event(0)) == 1
    with psycopg.connect(pg_location) as holder:
        holder.execute("LOCK TABLE cg_audit_log IN ACCESS EXCLUSIVE MODE")
        assert log.append(make_event(1)) is None
        assert "locked" in log.last_error
        holder.rollback()
    assert log.append(make_event(2)) is None
    assert log.pending_count == 0
    assert _details(pg_location) == [0, 1, 2]
    assert log.verify().valid
    log.close()


@pytest.mark.postgres
def test_postgres_server_that_cannot_be_reached(pg_server, make_event):
    from classification_plugin.core.audit.postgres_log import redact

    port = int(pg_server.rsplit(":", 1)[1]) + 1
    location = f"postgresql://auditor:s3cret@127.0.0.1:{port}/audit"
    log = BufferedAuditLog(location, retry_interval_s=0)
    log.append(make_event(0))
    assert log.pending_count == 1
    assert "cannot be reached" in log.last_error
    assert "s3cret" not in log.last_error
    assert redact(location) == f"postgresql://auditor:***@127.0.0.1:{port}/audit"
    with pytest.raises(AuditWriteError):
        open_log(location)


def test_each_process_spools_alone_and_takes_over_what_a_finished_one_left(tmp_path):
    """QGIS Server's FastCGI processes share a folder: each its own spool, and the events a process
    that has ended left waiting are taken over by the next to start, once."""
    import subprocess
    import sys

    from classification_plugin.core.audit.buffered import process_spool

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    gone = tmp_path / f"server-{ended.stdout.strip()}.jsonl"
    alive = tmp_path / f"server-{os.getppid()}.jsonl"
    gone.write_text("left 1\nleft 2\n", encoding="utf-8")
    alive.write_text("still theirs\n", encoding="utf-8")
    mine = process_spool(tmp_path, "server")
    assert mine == tmp_path / f"server-{os.getpid()}.jsonl"
    assert mine.read_text(encoding="utf-8") == "left 1\nleft 2\n" and not gone.exists()
    assert alive.read_text(encoding="utf-8") == "still theirs\n"  # a running process keeps its own
    assert process_spool(tmp_path, "server") == mine and mine.read_text(encoding="utf-8") == "left 1\nleft 2\n"
