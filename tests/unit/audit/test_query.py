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


# -- keyset paging and exact counts ----------------------------------------------------------------
def walk(log, filters=None, size=4, descending=True):
    """Every matching seq, read page by page from the last seq seen (never an offset)."""
    seen, bound = [], None
    while True:
        keys = {"before_seq": bound} if descending else {"after_seq": bound}
        page = [row["seq"] for row in log.query(filters, limit=size, descending=descending, **keys)]
        assert len(page) <= size
        if not page:
            return seen
        seen += page
        bound = page[-1]


def test_keyset_pages_cover_every_entry_once(log):
    assert walk(log) == list(range(31, 0, -1))
    assert walk(log, descending=False) == list(range(1, 32))
    secret = [i + 1 for i in range(30) if i % 2]
    assert walk(log, AuditFilter(label="secret"), size=3) == secret[::-1]
    assert walk(log, AuditFilter(label="secret"), size=3, descending=False) == secret
    rows = log.query(AuditFilter(label="secret"), limit=100, after_seq=4, before_seq=12)
    assert [row["seq"] for row in rows] == [10, 8, 6]
    assert log.query(None, limit=5, before_seq=1) == [] and log.query(None, limit=5, after_seq=31) == []


def test_count_is_exact_with_entries_missing(log, backend):
    backend.raw("DELETE FROM cg_audit_log WHERE seq IN (1, 7, 8, 20)")  # an insider cuts entries out
    assert log.count() == 27  # not max(seq), which is still 31
    assert log.count(AuditFilter(label="secret")) == len([i for i in range(30) if i % 2 and i + 1 not in (8, 20)])
    assert log.count(before_seq=10) == 6  # 2..9 without 7 and 8
    assert log.count(after_seq=6, before_seq=21) == 11  # 7..20 without 7, 8 and 20
    span = log.span()
    assert (span.count, span.low, span.high, span.dense) == (27, 2, 31, False)
    assert walk(log, size=5) == [s for s in range(31, 0, -1) if s not in (1, 7, 8, 20)]


def test_span_is_dense_for_an_intact_log_and_a_time_range(log, backend):
    span = log.span()
    assert (span.count, span.low, span.high, span.dense) == (31, 1, 31, True)
    window = log.span(AuditFilter(time_from_ms=1_700_000_010_000, time_to_ms=1_700_000_019_000))
    assert (window.count, window.low, window.high, window.dense) == (10, 11, 20, True)
    bob = log.span(AuditFilter(user="bob"))
    assert (bob.count, bob.low, bob.high, bob.dense) == (1, 31, 31, True)
    secret = log.span(AuditFilter(label="secret"))
    assert (secret.count, secret.low, secret.high, secret.dense) == (15, 2, 30, False)
    assert log.span(AuditFilter(user="nobody")) == type(span)(0, 0, 0)
    backend.raw("DELETE FROM cg_audit_log WHERE seq >= 29")  # a cut-off tail leaves the rest dense
    assert log.span() == type(span)(28, 1, 28)


def test_page_starts_address_every_page(log, backend):
    backend.raw("DELETE FROM cg_audit_log WHERE seq IN (3, 16)")
    expected = [s for s in range(31, 0, -1) if s not in (3, 16)]
    starts = log.page_starts(None, 4)
    assert starts == expected[::4]
    for number, start in enumerate(starts):
        page = [row["seq"] for row in log.query(None, limit=4, before_seq=start + 1)]
        assert page == expected[number * 4:number * 4 + 4]
    secret = [i + 1 for i in range(30) if i % 2 and i + 1 != 16][::-1]
    assert log.page_starts(AuditFilter(label="secret"), 3) == secret[::3]
    assert log.page_starts(AuditFilter(label="secret"), 3, before_seq=20) == [s for s in secret if s < 20][::3]
    assert log.page_starts(AuditFilter(user="nobody"), 3) == []


def test_extract_reads_the_fields_of_some_actions_as_the_entries_hold_them(backend):
    """The register's read: the database picks the fields, the same values as decoding each entry."""
    from classification_plugin.core.audit.base import AuditLog

    with open_log(backend.location) as log:
        log.append(AuditEvent(time_ms=5, action="handover", user="wang.li", details={
            "package_id": "HO-1", "sender": {"unit": "Survey Office 1", "person": "王力"}, "datasets": [{"uid": "u"}]}))
        log.append(AuditEvent(time_ms=6, action="layer_added", user="li.hua", details={"package_id": "no"}))
        log.append(AuditEvent(time_ms=7, action="copy_destroyed", user="zhao.min",
                               details={"package_id": "HO-1", "witness": "陈洁"}))
        paths = (("action",), ("time_ms",), ("details", "package_id"), ("details", "sender"),
                 ("details", "datasets"), ("details", "witness"), ("details", "absent"))
        rows = log.extract(("handover", "copy_destroyed"), paths)
        assert [row[1:] for row in rows] == [
            ("handover", 5, "HO-1", {"unit": "Survey Office 1", "person": "王力"}, [{"uid": "u"}], None, None),
            ("copy_destroyed", 7, "HO-1", None, None, "陈洁", None)]
        assert rows == AuditLog.extract(log, ("handover", "copy_destroyed"), paths)  # the generic reading
        first, last = rows[0][0], rows[1][0]
        for extract in (log.extract, lambda *args, **bounds: AuditLog.extract(log, *args, **bounds)):
            # the register's snapshot reads only the events after its entry
            assert extract(("handover", "copy_destroyed"), paths, after_seq=first) == rows[1:]
            assert extract(("handover", "copy_destroyed"), paths, before_seq=last) == rows[:1]
            assert extract(("handover", "copy_destroyed"), paths, after_seq=first, before_seq=last) == []
