"""Custody without QGIS: the manifest and its hash, checking a package on receipt, the life of a
copy and the register derived from the log's events."""

from __future__ import annotations

import json
from datetime import date

import pytest

from classification_plugin.core import custody
from classification_plugin.core.custody import (
    CustodyError,
    HandoverRequest,
    Manifest,
    PackagedDataset,
    Party,
    check_package,
    derive_register,
    next_state,
    request_problems,
)
from classification_plugin.core.labels import Custody, Label

TODAY = date(2026, 12, 6)
DAY_MS = 86_400_000
NOW_MS = 1_796_515_200_000  # 2026-12-05T00:00Z


def manifest(files: dict, package_id="HO-20261206-AAAA0001", caveats=(custody.NO_ONWARD_TRANSFER,)) -> Manifest:
    return Manifest(package_id=package_id, created_at="2026-12-06T08:00:00Z",
                    sender=Party("Survey Office 1", "Wang Li"), recipient=Party("Railway Institute", "Zhao Min"),
                    purpose="line design", approval="HT-2026-118", return_by="2027-03-31", caveats=tuple(caveats),
                    datasets=(PackagedDataset("uid-1", "control points", "cn_state_secret", "secret",
                                              tuple(sorted(files))),), files=files)


def make_package(folder, contents: dict) -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    files = {name: custody.sha256_bytes(data) for name, data in contents.items()}
    data = manifest(files).to_bytes()
    (folder / custody.MANIFEST_NAME).write_bytes(data)
    return data, custody.sha256_bytes(data)


def test_the_manifest_round_trips_and_its_bytes_are_canonical():
    original = manifest({"data/b.gpkg": "b" * 64, "data/a.gpkg": "a" * 64})
    data = original.to_bytes()
    assert Manifest.from_bytes(data) == original
    reordered = manifest({"data/a.gpkg": "a" * 64, "data/b.gpkg": "b" * 64})
    assert reordered.to_bytes() == data  # the hash does not depend on the order files were listed in
    assert original.no_onward_transfer


@pytest.mark.parametrize("data, expected", [
    (b"{not json", "not valid JSON"),
    (json.dumps({"format": 99}).encode(), "not a Classification Guard handover manifest"),
    (json.dumps({"format": 1, "files": {"a": "short"}}).encode(), "SHA-256"),
    (json.dumps({"format": 1, "files": {}}).encode(), "lacks a field"),
])
def test_a_manifest_that_does_not_parse_says_why(data, expected):
    with pytest.raises(CustodyError, match=expected):
        Manifest.from_bytes(data)


def test_a_manifest_naming_a_file_outside_its_package_is_refused():
    data = manifest({"../outside.gpkg": "a" * 64}).to_bytes()
    with pytest.raises(CustodyError, match="outside its package"):
        Manifest.from_bytes(data)


def test_an_intact_package_passes_and_every_kind_of_tampering_is_named(tmp_path):
    contents = {"data/points.gpkg": b"points", "data/ortho.tif": b"tif", "data/ortho.qmd": b"<qmd/>"}
    _data, sent = make_package(tmp_path / "p", contents)
    check = check_package(tmp_path / "p", sent)
    assert check.ok and check.manifest.package_id == "HO-20261206-AAAA0001" and check.manifest_hash == sent

    (tmp_path / "p" / "data" / "points.gpkg").write_bytes(b"points, edited")
    (tmp_path / "p" / "data" / "ortho.qmd").unlink()
    (tmp_path / "p" / "data" / "copy.gpkg").write_bytes(b"smuggled")
    (tmp_path / "p" / custody.RECEIPT_NAME).write_bytes(b"%PDF")  # the receipt is not part of the data
    check = check_package(tmp_path / "p", sent)
    assert not check.ok
    assert check.changed == ("data/points.gpkg",)
    assert check.missing == ("data/ortho.qmd",)
    assert check.extra == ("data/copy.gpkg",)
    messages = "\n".join(check.messages())
    assert "data/points.gpkg" in messages and "data/ortho.qmd" in messages and "data/copy.gpkg" in messages


def test_a_manifest_changed_together_with_its_files_does_not_match_the_senders_event(tmp_path):
    contents = {"data/points.gpkg": b"points"}
    _data, sent = make_package(tmp_path / "p", contents)
    # someone edits the data and writes a new manifest that fits it
    _data, _forged = make_package(tmp_path / "p", {"data/points.gpkg": b"points, edited"})
    check = check_package(tmp_path / "p", sent)
    assert not check.ok and not check.changed
    assert "sender's log" in check.messages()[0]
    assert check_package(tmp_path / "p").ok  # without the sender's event only the files can be checked


def test_a_folder_without_a_manifest_or_with_a_broken_one_is_named(tmp_path):
    check = check_package(tmp_path)
    assert not check.ok and "not a handover package" in check.messages()[0]
    (tmp_path / custody.MANIFEST_NAME).write_text("{")
    check = check_package(tmp_path)
    assert not check.ok and "not valid JSON" in check.messages()[0]


def test_a_handover_request_names_each_problem():
    good = HandoverRequest(Party("Railway Institute", "Zhao Min"), "line design", "HT-2026-118", "2027-03-31")
    assert request_problems(good, TODAY) == []
    assert request_problems(good, TODAY, units=("Railway Institute",)) == []
    bad = HandoverRequest(Party("Foreign Survey Ltd", ""), " ", "", "2026-12-01")
    problems = request_problems(bad, TODAY, units=("Railway Institute", "Survey Office 2"))
    assert len(problems) == 5
    assert "Foreign Survey Ltd" in problems[0] and "not in the policy's list" in problems[0]
    assert "in the past" in problems[-1]
    assert "not a date" in request_problems(HandoverRequest(Party("U", "P"), "x", "y", "31.03.2027"), TODAY)[0]


def test_no_onward_transfer_allows_only_the_way_back_to_the_sender():
    bound = Custody(package_id="HO-1", sender_unit="Survey Office 1", no_onward_transfer=True)
    assert custody.onward_refusal(bound, None)  # an export
    assert "Survey Office 1" in custody.onward_refusal(bound, "Foreign Survey Ltd")
    assert custody.onward_refusal(bound, "Survey Office 1") == ""
    assert custody.onward_refusal(Custody(package_id="HO-1", sender_unit="S"), None) == ""
    assert custody.onward_refusal(None, None) == ""


def test_custody_travels_in_the_label_and_labels_without_it_read_as_before():
    label = Label(scheme="cn_state_secret", level="secret", uid="u",
                  custody=Custody("HO-1", "Survey Office 1", "Wang Li", "Railway Institute", "2026-12-06",
                                  "2027-03-31", True))
    assert Label.from_json(label.to_json()) == label
    plain = Label(scheme="cn_state_secret", level="secret", uid="u")
    assert "custody" not in plain.to_json() and Label.from_json(plain.to_json()) == plain


def test_what_is_derived_from_data_that_may_not_go_on_may_not_go_on_either():
    from classification_plugin.core.labels import inherited_label
    from classification_plugin.core.schemes import SchemeRegistry

    scheme = SchemeRegistry().get("cn_state_secret")
    bound = Custody("HO-1", "Survey Office 1", no_onward_transfer=True)
    sources = [Label(scheme=scheme.id, level="internal", uid="a", custody=bound),
               Label(scheme=scheme.id, level="secret", uid="b")]
    derived = inherited_label(sources, scheme, "tester", "buffer")
    assert derived.level == "secret" and derived.custody == bound


@pytest.mark.parametrize("current, event, expected", [
    (None, custody.EVENT_HANDOVER, custody.HANDED_OVER),
    (custody.HANDED_OVER, custody.EVENT_RECEIVED, custody.RECEIVED),
    (custody.RECEIVED, custody.EVENT_RETURNED, custody.RETURNED),
    (custody.HANDED_OVER, custody.EVENT_DESTROYED, custody.DESTROYED),
])
def test_a_copy_moves_through_its_states(current, event, expected):
    assert next_state(current, event) == expected


@pytest.mark.parametrize("current, event, message", [
    (custody.HANDED_OVER, custody.EVENT_HANDOVER, "already handed over"),
    (None, custody.EVENT_RECEIVED, "No handover"),
    (custody.RECEIVED, custody.EVENT_RECEIVED, "already received"),
    (custody.RETURNED, custody.EVENT_DESTROYED, "already closed"),
])
def test_a_copy_refuses_what_cannot_happen_to_it(current, event, message):
    with pytest.raises(CustodyError, match=message):
        next_state(current, event)


def handover(package_id, uid="uid-1", time_ms=NOW_MS, recipient="Railway Institute", return_by="2027-03-31"):
    return {"action": custody.EVENT_HANDOVER, "time_ms": time_ms, "user": "wang.li", "details": {
        "package_id": package_id, "manifest_hash": "h" * 64, "sender": {"unit": "Survey Office 1", "person": "Wang Li"},
        "recipient": {"unit": recipient, "person": "Zhao Min"}, "return_by": return_by, "caveats": [],
        "datasets": [{"uid": uid, "name": f"dataset {uid}", "level": "secret"}]}}


def event(action, package_id, time_ms=NOW_MS, **details):
    return {"action": action, "time_ms": time_ms, "user": "zhao.min", "details": {"package_id": package_id, **details}}


def test_the_register_follows_each_copy_through_the_log():
    events = [
        handover("P1"),
        handover("P2", time_ms=NOW_MS - 30 * DAY_MS),  # never received
        handover("P3", return_by="2026-11-30"),  # overdue
        handover("P4", uid="uid-2", recipient="Survey Office 2"),
        event(custody.EVENT_RECEIVED, "P1"),
        event(custody.EVENT_RECEIVED, "P3"),
        event(custody.EVENT_RECEIVED, "P4"),
        event(custody.EVENT_DESTROYED, "P4", by="Li Hua", witness="Chen Jie"),
        event(custody.EVENT_RECEIVED, "P4"),  # after destruction: an anomaly, not a state change
        {"action": "layer_added", "time_ms": NOW_MS, "details": {}},
    ]
    register = derive_register(events)
    states = {copy.package_id: copy.status(TODAY, NOW_MS) for copy in register.copies.values()}
    assert states == {"P1": custody.RECEIVED, "P2": custody.NEVER_ACKNOWLEDGED, "P3": custody.OVERDUE,
                      "P4": custody.DESTROYED}
    assert register.copies["P4"].witness == "Chen Jie" and register.copies["P4"].closed_by == "Li Hua"
    assert register.anomalies == [("P4", custody.EVENT_RECEIVED, "This copy is already closed (destroyed)")]
    assert register.datasets["uid-1"].copies == ["P1", "P2", "P3"]
    assert register.holders("uid-1", TODAY, NOW_MS) == ["Railway Institute"]
    assert register.holders("uid-2", TODAY, NOW_MS) == []
    assert [c.package_id for _e, c, _s in register.rows(TODAY, NOW_MS, unit="Survey Office 2")] == ["P4"]
    assert [c.package_id for _e, c, _s in register.rows(TODAY, NOW_MS, state=custody.OVERDUE)] == ["P3"]
    assert len(register.rows(TODAY, NOW_MS, level="secret")) == 4
    records = custody.register_records(register.rows(TODAY, NOW_MS, state=custody.DESTROYED))
    assert records[0]["witness"] == "Chen Jie" and records[0]["state"] == custody.DESTROYED
    assert set(records[0]) == set(custody.REGISTER_COLUMNS)
