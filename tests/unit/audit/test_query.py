"""count / query / filters / export_csv, as the lazy log viewer uses them (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv

import pytest

from classification_plugin.core.audit import AuditEvent, AuditFilter, open_log


@pytest.fixture
def log(backend, make_event):
    log = open_log(backend.location)
    for i in range(30):
        log.append(make_event(i))
    log.append(make_event(30, user="bob", full_name="Bob O'Neil", action="export_blocked",
                          outcome="blocked", layer_name="Secret 50% sites_v2", label="top_secret",
                          details={"path": "C:\\out.shp"}))
    yield log
    log.close()


def test_count_and_pages_cover_every_entry_once(log):
    assert log.count() == 31 and log.count(None) == 31 and log.count(AuditFilter()) == 31
    pages = [log.query(None, offset, 7) for offset in range(0, 31, 7)]
    seqs = [row["seq"] for page in pages for row in page]
    assert seqs == list(range(31, 0, -1))
    ascending = [row["seq"] for row in log.query(None, 0, 100, descending=False)]
    assert ascending == list(range(1, 32))
    assert log.query(None, 40, 10) == []


def test_rows_carry_every_field(log, make_event):
    row = log.query(None, 0, 1, descending=False)[0]
    expected = make_event(0).to_dict()
    assert {key: row[key] for key in expected} == expected
    assert len(row["hash"]) == 64 and row["mac"] is None


@pytest.mark.parametrize("filters, expected", [
    (AuditFilter(user="bob"), [31]),
    (AuditFilter(user="ali"), []),  # user is exact
    (AuditFilter(action="export_blocked"), [31]),
    (AuditFilter(outcome="blocked"), [31]),
    (AuditFilter(label="top_secret"), [31]),
    (AuditFilter(label="secret"), [i + 1 for i in range(30) if i % 2]),
    (AuditFilter(layer="roads_1"), [i + 1 for i in range(30) if i % 3 == 1]),  # id, exact
    (AuditFilter(layer="RIVER"), [i + 1 for i in range(30) if i % 3 == 1]),  # name part, any case
    (AuditFilter(layer="50%"), [31]),  # % is a character, not a wildcard
    (AuditFilter(layer="s_v"), [31]),  # so is _
    (AuditFilter(time_from_ms=1_700_000_010_000, time_to_ms=1_700_000_012_000), [11, 12, 13]),
    (AuditFilter(time_from_ms=1_700_000_029_000), [30, 31]),
    (AuditFilter(text="道路"), [i + 1 for i in range(30) if i % 3 == 0]),
    (AuditFilter(text="o'neil"), [31]),
    (AuditFilter(text="out.shp"), [31]),  # inside details
    (AuditFilter(text="layer_name"), []),  # a key of the stored JSON is not a match
    (AuditFilter(text="城市"), list(range(1, 32))),
    (AuditFilter(user="alice", label="secret", layer="Rivers"), [i + 1 for i in range(30) if i % 6 == 1]),
])
def test_filters(log, filters, expected):
    assert log.count(filters) == len(expected)
    assert [row["seq"] for row in log.query(filters, 0, 100, descending=False)] == expected


def test_export_csv(log, tmp_path):
    path = tmp_path / "out.csv"
    assert log.export_csv(str(path), AuditFilter(user="bob")) == 1
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    row = rows[0]
    assert row["seq"] == "31" and row["user"] == "bob" and row["layer_name"] == "Secret 50% sites_v2"
    assert row["time_utc"] == "2023-11-14T22:13:50.000Z"
    assert row["details"] == '{"path": "C:\\\\out.shp"}'
    assert log.export_csv(str(path)) == 31
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["seq"]) for r in rows] == list(range(1, 32))
    assert rows[0]["project"] == "/projects/城市.qgz"


def test_distinct_values(log):
    assert log.distinct_values("user") == ["alice", "bob"]
    assert log.distinct_values("label") == ["internal", "secret", "top_secret"]


def test_filters_with_characters_escaped_in_json(backend):
    log = open_log(backend.location)
    log.append(AuditEvent(time_ms=1, action="x", layer_name='The "quoted" \\ layer', details={"q": 'a"b'}))
    log.append(AuditEvent(time_ms=2, action="x", layer_name="plain"))
    assert log.count(AuditFilter(layer='"quoted" \\')) == 1
    assert log.count(AuditFilter(text='a"b')) == 1
    assert log.count(AuditFilter(text="plain")) == 1
    log.close()
