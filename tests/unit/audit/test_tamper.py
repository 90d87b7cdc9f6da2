"""Every kind of tampering is detected, and the first bad entry is named (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from classification_plugin.core.audit import open_log
from classification_plugin.core.audit.chain import Checkpoint, CheckpointFile, encode_entry, entry_hash

KEY = b"administrator secret"


def _open(backend, key=None):
    return open_log(backend.location, key)


def _hash(backend, seq):
    return backend.raw("SELECT hash FROM cg_audit_log WHERE seq = ?", (seq,))[0][0]


def _rechain_from(backend, start, end):
    """What an attacker without the key can do: recompute every hash from ``start`` on."""
    prev = _hash(backend, start - 1)
    for seq in range(start, end + 1):
        entry = backend.raw("SELECT entry FROM cg_audit_log WHERE seq = ?", (seq,))[0][0]
        digest = entry_hash(seq, prev, entry)
        backend.raw("UPDATE cg_audit_log SET hash = ? WHERE seq = ?", (digest, seq))
        prev = digest
    return prev


def _rewrite_checkpoint(backend, log, count, head):
    if backend.kind == "sqlite":
        CheckpointFile(log.checkpoint.path).write(Checkpoint(log.log_id, count, head, None))
    else:
        backend.raw("UPDATE cg_audit_checkpoint SET count = ?, head = ?, mac = NULL", (count, head))


def test_intact_log_verifies(backend, fill_log):
    log = _open(backend)
    assert fill_log(log, 10) == list(range(1, 11))
    result = log.verify()
    assert (result.valid, result.entries, result.first_bad) == (True, 10, None)
    log.close()


def test_edited_field_is_detected(backend, fill_log):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("UPDATE cg_audit_log SET entry = replace(entry, '\"user\":\"alice\"', "
                "'\"user\":\"mallory\"') WHERE seq = 5")
    assert backend.raw("SELECT user_login FROM cg_audit_log WHERE seq = 5") == [("mallory",)]
    result = log.verify()
    assert (result.valid, result.first_bad) == (False, 5)
    assert "5" in result.message


def test_filter_columns_cannot_be_edited_apart_from_the_entry(backend, fill_log):
    log = _open(backend)
    fill_log(log, 3)
    with pytest.raises(Exception):  # noqa: B017 - sqlite3 and psycopg raise their own error types
        backend.raw("UPDATE cg_audit_log SET user_login = 'mallory' WHERE seq = 2")
    assert log.verify().valid
    assert log.query()[1]["user"] == "alice"


@pytest.mark.parametrize("seq", [1, 4])
def test_deleted_entry_is_detected(backend, fill_log, seq):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("DELETE FROM cg_audit_log WHERE seq = ?", (seq,))
    result = log.verify()
    assert (result.valid, result.first_bad) == (False, seq)
    assert "missing" in result.message


def test_inserted_entry_with_a_made_up_hash_is_detected(backend, fill_log):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("INSERT INTO cg_audit_log (seq, entry, hash) "
                "SELECT 11, entry, hash FROM cg_audit_log WHERE seq = 3")
    result = log.verify()
    assert (result.valid, result.first_bad) == (False, 11)


@pytest.mark.parametrize("key, first_bad", [(None, 7), (KEY, 6)])
def test_entry_inserted_in_the_middle_with_a_correct_hash_is_detected(backend, fill_log, make_event, key,
                                                                      first_bad):
    log = _open(backend, key)
    fill_log(log, 10)
    backend.raw("UPDATE cg_audit_log SET seq = seq + 1000 WHERE seq >= 6")
    backend.raw("UPDATE cg_audit_log SET seq = seq - 999 WHERE seq >= 1006")
    forged = encode_entry(make_event(99, user="mallory"))
    backend.raw("INSERT INTO cg_audit_log (seq, entry, hash) VALUES (6, ?, ?)",
                (forged, entry_hash(6, _hash(backend, 5), forged)))
    result = log.verify()
    # Without the key the forged entry itself is self-consistent: the break shows at the next one.
    assert (result.valid, result.first_bad) == (False, first_bad)


def test_swapped_entries_are_detected(backend, fill_log):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("UPDATE cg_audit_log SET seq = -3 WHERE seq = 3")
    backend.raw("UPDATE cg_audit_log SET seq = 3 WHERE seq = 4")
    backend.raw("UPDATE cg_audit_log SET seq = 4 WHERE seq = -3")
    result = log.verify()
    assert (result.valid, result.first_bad) == (False, 3)


def test_truncated_tail_is_detected_by_the_checkpoint(backend, fill_log):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("DELETE FROM cg_audit_log WHERE seq > 7")
    result = log.verify()
    assert (result.valid, result.entries, result.first_bad) == (False, 7, 8)
    assert "cut off" in result.message


def test_rewritten_tail_is_detected_by_the_checkpoint_head(backend, fill_log):
    log = _open(backend)
    fill_log(log, 10)
    backend.raw("UPDATE cg_audit_log SET entry = replace(entry, 'alice', 'mallory') WHERE seq = 9")
    _rechain_from(backend, 9, 10)
    result = log.verify()
    assert (result.valid, result.first_bad) == (False, 10)


def test_rechained_log_passes_without_the_key_but_fails_with_it(backend, fill_log):
    log = _open(backend, KEY)
    fill_log(log, 10)
    backend.raw("UPDATE cg_audit_log SET entry = replace(entry, 'alice', 'mallory') WHERE seq = 5")
    head = _rechain_from(backend, 5, 10)
    _rewrite_checkpoint(backend, log, 10, head)
    log.close()
    assert open_log(backend.location).verify().valid  # a plain SHA chain alone cannot tell
    result = open_log(backend.location, KEY).verify()
    assert (result.valid, result.first_bad) == (False, 5)
    assert "HMAC" in result.message


def test_truncation_with_a_rewritten_checkpoint_is_caught_by_the_key(backend, fill_log):
    log = _open(backend, KEY)
    fill_log(log, 10)
    backend.raw("DELETE FROM cg_audit_log WHERE seq > 7")
    _rewrite_checkpoint(backend, log, 7, _hash(backend, 7))
    assert open_log(backend.location).verify().valid
    result = open_log(backend.location, KEY).verify()
    assert not result.valid
    assert "checkpoint" in result.message


def test_wrong_key_fails_at_the_first_entry(backend, fill_log):
    log = _open(backend, KEY)
    fill_log(log, 3)
    result = open_log(backend.location, b"another key").verify()
    assert (result.valid, result.first_bad) == (False, 1)


def test_missing_checkpoint_is_reported(backend, fill_log):
    log = _open(backend)
    fill_log(log, 4)
    if backend.kind == "sqlite":
        log.close()
        import os

        os.remove(backend.location + ".checkpoint")
        log = _open(backend)
    else:
        backend.raw("DELETE FROM cg_audit_checkpoint")
    result = log.verify()
    assert (result.valid, result.entries, result.first_bad) == (False, 4, None)
    assert "checkpoint" in result.message and "missing" in result.message


def test_progress_and_cancel(backend, make_event):
    log = _open(backend)
    log.append_many(make_event(i) for i in range(45_000))
    seen = []
    result = log.verify(progress=seen.append)
    assert result.valid and result.entries == 45_000
    assert seen == sorted(seen) and seen[-1] == 100.0 and len(seen) >= 3
    calls = []

    def cancel_second_time():
        calls.append(1)
        return len(calls) >= 2

    result = log.verify(is_canceled=cancel_second_time)
    assert result.canceled and not result.valid
    assert result.entries == 40_000
