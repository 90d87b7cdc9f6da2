"""The documented canonical encoding and the checkpoint file, checked byte for byte."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from classification_plugin.core.audit import Action, AuditEvent, open_log
from classification_plugin.core.audit.chain import (
    GENESIS,
    Checkpoint,
    CheckpointFile,
    encode_entry,
    entry_hash,
    entry_mac,
)


def test_canonical_encoding_is_sorted_compact_utf8_json():
    event = AuditEvent(time_ms=1700000000123, action=Action.LABEL_CHANGED, user="李雷", layer_name='a"b',
                       details={"z": 1, "a": ["x", None]})
    assert encode_entry(event) == (
        '{"action":"label_changed","details":{"a":["x",null],"z":1},"full_name":"","host":"","label":"",'
        '"layer_id":"","layer_name":"a\\"b","layer_source":"","outcome":"ok","project":"","provider":"",'
        '"session_id":"","time_ms":1700000000123,"user":"李雷"}'
    )


def test_hash_and_mac_follow_the_documented_recipe():
    entry = encode_entry(AuditEvent(time_ms=1, action="x"))
    data = ("1\n" + "0" * 64 + "\n" + entry).encode("utf-8")
    assert entry_hash(1, GENESIS, entry) == hashlib.sha256(data).hexdigest()
    assert entry_mac(b"k", 1, GENESIS, entry) == hmac.new(b"k", data, hashlib.sha256).hexdigest()


def test_stored_log_matches_an_independent_recomputation(tmp_path):
    log = open_log(str(tmp_path / "a.sqlite"))
    events = [AuditEvent(time_ms=i, action="layer_shown", details={"i": i}) for i in range(3)]
    for e in events:
        log.append(e)
    prev = GENESIS
    for row, e in zip(log.query(descending=False), events):
        prev = hashlib.sha256(f"{row['seq']}\n{prev}\n{encode_entry(e)}".encode()).hexdigest()
        assert row["hash"] == prev


def test_checkpoint_only_moves_forward(tmp_path):
    cp = CheckpointFile(str(tmp_path / "cp"))
    cp.advance(Checkpoint("L", 5, "h5"))
    cp.advance(Checkpoint("L", 3, "h3"))
    assert cp.read() == Checkpoint("L", 5, "h5")
    cp.advance(Checkpoint("L", 6, "h6"))
    assert cp.read() == Checkpoint("L", 6, "h6")


def test_a_torn_checkpoint_write_leaves_the_previous_one(tmp_path):
    path = tmp_path / "cp"
    cp = CheckpointFile(str(path))
    cp.advance(Checkpoint("L", 1, "h1"))
    cp.advance(Checkpoint("L", 2, "h2"))
    data = bytearray(path.read_bytes())
    newest = 1  # the second write went to the other slot
    data[newest * 512 + 40: newest * 512 + 60] = b"#" * 20  # half-written slot
    path.write_bytes(bytes(data))
    assert cp.read() == Checkpoint("L", 1, "h1")
    path.write_bytes(b"#" * 1024)
    with pytest.raises(ValueError):
        cp.read()


def test_unreadable_checkpoint_fails_verification(tmp_path):
    location = str(tmp_path / "a.sqlite")
    log = open_log(location)
    log.append(AuditEvent(time_ms=1, action="x"))
    log.close()
    with open(location + ".checkpoint", "wb") as handle:
        handle.write(b"garbage")
    result = open_log(location).verify()
    assert not result.valid and "cannot be read" in result.message
