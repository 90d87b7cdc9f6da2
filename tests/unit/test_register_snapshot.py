"""The register's snapshot without QGIS: written and read back to the same register, refused when
its content or its key is not right, and the log's newer events applied on top of it."""

from __future__ import annotations

import json

import pytest
from test_custody import NOW_MS, TODAY, event, handover  # tests/unit is on sys.path (pytest's rootdir import)

from classification_plugin.core import custody, register_snapshot
from classification_plugin.core.custody import derive_register
from classification_plugin.core.register_snapshot import SnapshotError, decode, encode, same_register

KEY = b"administrator key"


def events():
    return [
        handover("P1"),
        handover("P2", uid="uid-2", recipient="Survey Office 2", return_by="2026-11-30"),
        handover("P3", uid="uid-2"),
        event(custody.EVENT_RECEIVED, "P1"),
        event(custody.EVENT_DESTROYED, "P1", by="Li Hua", witness="陈洁"),
        event(custody.EVENT_RECEIVED, "P1"),  # an anomaly: kept in the snapshot too
        event(custody.EVENT_RECEIVED, "P3"),
    ]


@pytest.mark.parametrize("key", [None, KEY])
def test_a_snapshot_reads_back_to_the_same_register(key):
    register = derive_register(events())
    back, seq, entry_hash = decode(encode(register, 42, "a" * 64, key), key)
    assert (seq, entry_hash) == (42, "a" * 64)
    assert back == register and same_register(back, register)
    assert back.rows(TODAY, NOW_MS) == register.rows(TODAY, NOW_MS)
    assert back.copies["P1"].witness == "陈洁" and back.anomalies == register.anomalies


def test_the_events_after_a_snapshot_applied_to_it_give_the_register_of_the_whole_log():
    whole = derive_register(events())
    for cut in range(len(events()) + 1):
        back, _seq, _hash = decode(encode(derive_register(events()[:cut]), cut, "h" * 64))
        assert same_register(derive_register(events()[cut:], back), whole), cut


def test_a_snapshot_changed_after_it_was_written_is_refused():
    data = encode(derive_register(events()), 7, "b" * 64)
    changed = data.replace(b'"destroyed"', b'"received"')
    assert changed != data
    with pytest.raises(SnapshotError, match="digest does not match"):
        decode(changed)


def test_with_the_log_key_a_snapshot_cannot_be_forged_or_swapped():
    register = derive_register(events())
    forged = derive_register(events()[:3])  # as if P1 had never been received nor destroyed
    with pytest.raises(SnapshotError, match="not written with this log's key"):
        decode(encode(forged, 7, "b" * 64), KEY)  # plain SHA-256: anyone could write it
    with pytest.raises(SnapshotError, match="digest does not match"):
        decode(encode(forged, 7, "b" * 64, b"another key"), KEY)
    with pytest.raises(SnapshotError, match="not written with this log's key"):
        decode(encode(register, 7, "b" * 64, KEY))  # a keyed log's snapshot read as a plain one


@pytest.mark.parametrize("data, message", [
    (b"", "header does not parse"),
    (b"{not json}\n{}", "header does not parse"),
    (b'{"format": "something else"}\n{}', "not a register snapshot"),
    (b'{"format": "classification-guard-register/1", "seq": 1}', "not a register snapshot"),
])
def test_a_file_that_is_not_a_snapshot_is_refused_with_the_reason(data, message):
    with pytest.raises(SnapshotError, match=message):
        decode(data)


def test_a_body_that_does_not_parse_is_refused_even_with_a_good_digest():
    body = b'{"copies": [["P1", "too few"]], "datasets": [], "anomalies": []}'
    header = json.dumps({"format": register_snapshot.SNAPSHOT_FORMAT, "seq": 1, "hash": "h", "keyed": False,
                         "digest": register_snapshot._digest(body, None)}).encode()
    with pytest.raises(SnapshotError, match="content does not parse"):
        decode(header + b"\n" + body)


def snapshot_with_body(body: dict) -> bytes:
    data = json.dumps(body).encode()
    header = json.dumps({"format": register_snapshot.SNAPSHOT_FORMAT, "seq": 1, "hash": "h", "keyed": False,
                         "digest": register_snapshot._digest(data, None)}).encode()
    return header + b"\n" + data


def body_of(register) -> dict:
    return json.loads(encode(register, 1, "h").partition(b"\n")[2])


def test_repeated_values_are_written_once_and_shared_when_read_back():
    register = derive_register([handover(f"P{i}", uid=f"uid-{i % 3}") for i in range(40)])
    columns = body_of(register)["columns"]
    assert columns["state"] == {"values": [custody.HANDED_OVER], "index": [0] * 40}
    assert len(columns["datasets"]["values"]) == 3 and isinstance(columns["package_id"], list)
    back, _seq, _hash = decode(encode(register, 1, "h"))
    assert back == register
    assert back.copies["P0"].sender is back.copies["P39"].sender  # one Party for all


@pytest.mark.parametrize("change, message", [
    (lambda body: body["columns"]["sender"]["index"].pop(), "column sender holds 2 values for 3 copies"),
    (lambda body: body["columns"]["package_id"].append("P9"), "column package_id holds 4 values"),
    (lambda body: body["columns"]["sender"]["index"].__setitem__(0, 5), "list index out of range"),
    (lambda body: body["columns"]["sender"]["index"].__setitem__(0, -1), "negative index in column sender"),
    (lambda body: body["columns"]["package_id"].__setitem__(0, "P2"), "package id is there twice"),
    (lambda body: body["columns"].pop("witness"), "witness"),
])
def test_a_body_whose_columns_do_not_fit_is_refused_with_the_reason(change, message):
    body = body_of(derive_register(events()))
    change(body)
    with pytest.raises(SnapshotError, match=message):
        decode(snapshot_with_body(body))


def test_same_register_tells_a_changed_copy_dataset_or_anomaly():
    register = derive_register(events())
    for change in (lambda r: r.copies.update(P3=r.copies["P3"]._replace(state=custody.RETURNED)),
                   lambda r: r.datasets["uid-2"].copies.pop(),
                   lambda r: r.anomalies.clear()):
        other, _seq, _hash = decode(encode(register, 1, "h"))
        change(other)
        assert not same_register(register, other)


def test_write_replaces_the_file_whole_and_read_names_a_missing_file(tmp_path):
    path = tmp_path / "log.sqlite.register"
    register = derive_register(events())
    register_snapshot.write(path, register, 3, "c" * 64)
    register_snapshot.write(path, derive_register(events()[:1]), 1, "d" * 64)
    back, seq, _hash = register_snapshot.read(path)
    assert seq == 1 and list(back.copies) == ["P1"]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    with pytest.raises(SnapshotError, match="cannot be read"):
        register_snapshot.read(tmp_path / "absent")
