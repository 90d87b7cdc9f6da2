"""The Access Log panel over real SQLite logs: lazy paging, filters, live rows, verify, CSV export,
the lasting warning, and the two Processing algorithms."""

from __future__ import annotations

import csv
import os
import sqlite3
import time

import pytest
from qgis.core import QgsProject
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, Qt

from classification_plugin.core.audit import AuditFilter, BufferedAuditLog
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.audit.sqlite_log import SQLiteAuditLog
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.gui.access_log_dock import (
    ENTRY_ROLE,
    AccessLogDock,
    LogHealthWatcher,
    event_matches,
    level_lookup,
)
from classification_plugin.integration.audit_recorder import AuditRecorder
from classification_plugin.integration.label_store import LabelStore


def wait_until(condition, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert condition(), "timed out"


@pytest.fixture
def open_log():
    opened = []

    def opener(path):
        log = SQLiteAuditLog(str(path))
        opened.append(log)
        return log

    yield opener
    for log in opened:
        log.close()


@pytest.fixture
def dock_on(qgis_app, open_log):
    docks = []

    def make(path, **kwargs):
        store = LabelStore(SchemeRegistry(), "cn_state_secret")
        dock = AccessLogDock(open_log(path), level_of=level_lookup(store), **kwargs)
        docks.append(dock)
        return dock

    yield make
    for dock in docks:
        dock.unload()
        dock.deleteLater()


def test_million_entries_open_at_once_and_page_lazily(qgis_app, million_entry_log, dock_on):
    start = time.perf_counter()
    dock = dock_on(million_entry_log)  # counts and builds the view
    first = dock.model.index(0, 0).data()  # first page read
    elapsed = time.perf_counter() - start
    print(f"\naccess log panel open (count + first page, 1,000,000 entries): {elapsed * 1000:.1f} ms")
    model = dock.model
    assert model.rowCount() == 1_000_000
    assert model.entry(0)["seq"] == 1_000_000 and first  # newest first
    assert model.pages_read == 1

    dock.resize(900, 500)
    dock.show()
    QCoreApplication.processEvents()
    assert model.pages_read <= 2  # the view asked for the visible rows only
    dock.view.scrollToBottom()
    QCoreApplication.processEvents()
    assert model.entry(999_999)["seq"] == 1
    start = time.perf_counter()
    for row in range(0, 1_000_000, 20_000):  # 50 jumps across the log
        assert model.entry(row)["seq"] == 1_000_000 - row
    print(f"50 page jumps: {(time.perf_counter() - start) * 1000:.1f} ms")
    assert len(model._pages) <= model.max_pages  # the LRU stays bounded


class QuerySpy:
    """The log as the panel sees it, keeping the keyword arguments of every ``query`` call."""

    def __init__(self, log):
        self.log = log
        self.calls = []

    def query(self, filters=None, offset=0, limit=100, descending=True, **bounds):
        self.calls.append(dict(bounds, offset=offset, limit=limit))
        return self.log.query(filters, offset, limit, descending, **bounds)

    def __getattr__(self, name):
        return getattr(self.log, name)


def test_deep_pages_are_read_by_seq_not_offset(million_entry_log, open_log, qgis_app):
    from classification_plugin.gui.access_log_dock import AccessLogModel

    spy = QuerySpy(open_log(million_entry_log))
    model = AccessLogModel(spy)
    model.reload()
    assert model.rowCount() == 1_000_000 and model._span.dense
    for row in (0, 654_321, 999_999, 123_456):
        assert model.entry(row)["seq"] == 1_000_000 - row
    assert spy.calls and all(call["offset"] == 0 and "before_seq" in call for call in spy.calls)
    start = time.perf_counter()
    for row in range(500_000, 1_000_000, 25_000):  # 20 jumps into the older half
        model._pages.clear()
        assert model.entry(row)["seq"] == 1_000_000 - row
    print(f"\n20 deep page reads: {(time.perf_counter() - start) * 1000:.1f} ms")

    model.set_filters(AuditFilter(user="bob"))  # every 4th entry: not dense, paged from page starts
    bob = [1_000_000 - i for i in range(2, 1_000_000, 4)]  # seq of entry i is i + 1
    assert model.rowCount() == 250_000 and not model._span.dense
    for row in (0, 1, 200, 199, 124_999, 249_999, 77_777):
        assert model.entry(row)["seq"] == bob[row], row
    assert all(call["offset"] == 0 for call in spy.calls)


def test_a_log_with_entries_cut_out_shows_every_remaining_entry(small_audit_log, open_log, qgis_app):
    from classification_plugin.gui.access_log_dock import AccessLogModel

    with sqlite3.connect(str(small_audit_log)) as raw:  # an insider deletes entries
        raw.execute("DELETE FROM cg_audit_log WHERE seq IN (1000, 999, 512, 100, 1) OR seq BETWEEN 300 AND 310")
    remaining = [seq for seq in range(1000, 0, -1) if seq not in (1000, 999, 512, 100, 1)
                 and not 300 <= seq <= 310]
    spy = QuerySpy(open_log(small_audit_log))
    model = AccessLogModel(spy, page_size=50, max_pages=3)
    model.reload()
    assert model.rowCount() == len(remaining) == 984  # exact, not max(seq) = 998
    assert not model._span.dense
    for row in (983, 0, 500, 499, 501, 250, 900, 50, 49):  # jumps, then neighbours of held pages
        assert model.entry(row)["seq"] == remaining[row], row
    assert [model.entry(row)["seq"] for row in range(984)] == remaining
    assert model.entry(984) is None
    assert all(call["offset"] == 0 for call in spy.calls)
    assert model.row_of_seq(700) == remaining.index(700)
    assert model.row_of_seq(512) == remaining.index(511)  # a deleted entry: the next older one
    assert model.row_of_seq(305) == remaining.index(299)
    assert model.row_of_seq(5000) == 0 and model.row_of_seq(1) == 983


def test_python_filter_twin_agrees_with_sql(small_audit_log, open_log, synthetic_audit):
    AUDIT_BASE_MS = synthetic_audit.base_ms  # noqa: N806
    log = open_log(small_audit_log)
    events = [synthetic_audit.event(i) for i in range(1000)]
    for filters in (AuditFilter(user="bob"), AuditFilter(action="export_blocked", label="secret"),
                    AuditFilter(layer="survey 7"), AuditFilter(layer="layer_3"), AuditFilter(text="SURVEY 4"),
                    AuditFilter(outcome="blocked", time_from_ms=AUDIT_BASE_MS + 500_000),
                    AuditFilter(text="ws-07", time_to_ms=AUDIT_BASE_MS + 9_000)):
        expected = sum(event_matches(filters, e.to_dict()) for e in events)
        assert log.count(filters) == expected > 0, filters


def test_filter_widgets_narrow_the_view(small_audit_log, dock_on, synthetic_audit):
    AUDIT_BASE_MS = synthetic_audit.base_ms  # noqa: N806
    dock = dock_on(small_audit_log)
    dock.load_choices()
    model = dock.model
    assert model.rowCount() == 1000
    assert [dock.user.itemData(i) for i in range(dock.user.count())] == ["", "alice", "bob", "chen", "dana"]

    dock.user.setCurrentIndex(dock.user.findData("bob"))  # combos apply at once
    assert model.rowCount() == 250
    assert {model.entry(r)["user"] for r in range(250)} == {"bob"}

    dock.user.setCurrentIndex(0)
    dock.action.setCurrentIndex(dock.action.findData("export_blocked"))
    dock.level.setCurrentIndex(dock.level.findData("secret"))
    assert dock.level.currentText() == "Secret"  # level names from the scheme
    assert dock.model.index(0, 4).data() == "Secret"
    assert model.rowCount() == len([i for i in range(1000) if i % 15 == 4])
    assert model.index(0, 5).data() == "blocked"

    dock.clear_filters()
    dock.search.setText("survey 7")  # debounced: nothing yet
    assert model.rowCount() == 1000
    wait_until(lambda: model.rowCount() == 20)
    assert {model.index(r, 3).data() for r in range(20)} == {"survey 7"}

    dock.clear_filters()
    dock.use_from.setChecked(True)
    dock.time_from.setDateTime(QDateTime.fromMSecsSinceEpoch(AUDIT_BASE_MS + 100_000))
    dock.use_to.setChecked(True)
    dock.time_to.setDateTime(QDateTime.fromMSecsSinceEpoch(AUDIT_BASE_MS + 199_000))
    dock.apply_filters()
    assert model.rowCount() == 100
    assert (model.entry(0)["seq"], model.entry(99)["seq"]) == (200, 101)


def test_live_events_appear_at_the_top_unless_filtered_out(small_audit_log, open_log, qgis_app, clean_project,
                                                           make_memory_layer):
    log = open_log(small_audit_log)
    recorder = AuditRecorder(log, lambda layer: None, "all")
    selected = []
    dock = AccessLogDock(log, recorder, on_select=selected.append)
    try:
        layer = make_memory_layer(["POINT(0 0)"], name="roads")
        clean_project.addMapLayer(layer)
        recorder.record(Action.EXPORT_BLOCKED, layer, Outcome.BLOCKED, {"format": "GPKG"})
        wait_until(lambda: dock.model.rowCount() == 1001)
        top = dock.model.index(0, 0)
        assert top.data(ENTRY_ROLE)["action"] == "export_blocked"
        assert dock.model.index(0, 3).data() == "roads"
        assert dock.status.text() == "1,001 entries"

        dock.view.doubleClicked.emit(top)  # double-click selects the layer
        assert selected == [layer]

        dock.user.addItem("bob", "bob")
        dock.user.setCurrentIndex(dock.user.findData("bob"))
        assert dock.model.rowCount() == 250
        recorder.record(Action.LAYER_SHOWN, layer)  # recorded by this login, not bob: excluded
        QCoreApplication.processEvents()
        time.sleep(0.3)
        QCoreApplication.processEvents()
        assert dock.model.rowCount() == 250
        assert log.count() == 1002
    finally:
        dock.unload()
    assert dock.model.listener not in recorder.listeners


def test_discarded_edits_and_failed_saves_are_named_and_filterable(small_audit_log, open_log, qgis_app,
                                                                   clean_project, make_memory_layer):
    log = open_log(small_audit_log)
    recorder = AuditRecorder(log, lambda layer: None, "all")
    dock = AccessLogDock(log, recorder)
    try:
        layer = make_memory_layer(["POINT(0 0)"], name="sites")
        clean_project.addMapLayer(layer)
        recorder.record(Action.EDITING_ROLLED_BACK, layer, details={"added": 2, "changed": 1, "deleted": 0})
        recorder.record(Action.EDITING_COMMIT_FAILED, layer, Outcome.FAILED,
                        {"added": 1, "changed": 0, "deleted": 0, "errors": ["NOT NULL constraint failed"]})
        wait_until(lambda: dock.model.rowCount() == 1002)
        dock.load_choices()
        names = {dock.action.itemData(i): dock.action.itemText(i) for i in range(dock.action.count())}
        assert names["editing_rolled_back"] == "Edits discarded"
        assert names["editing_commit_failed"] == "Saving edits failed"
        assert [dock.model.index(row, 2).data() for row in (0, 1)] == ["Saving edits failed", "Edits discarded"]
        assert dock.model.index(0, 5).data() == "failed"
        assert dock.model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole).name() == "#b71c1c"
        assert "NOT NULL constraint failed" in dock.model.index(0, 6).data()

        dock.action.setCurrentIndex(dock.action.findData("editing_rolled_back"))
        assert dock.model.rowCount() == 1 and dock.model.entry(0)["details"]["added"] == 2
        dock.action.setCurrentIndex(0)
        dock.outcome.setCurrentIndex(dock.outcome.findData("failed"))
        assert [dock.model.entry(row)["action"] for row in range(dock.model.rowCount())] == ["editing_commit_failed"]
    finally:
        dock.unload()


def test_verify_reports_the_tampered_entry_by_number(small_audit_log, dock_on):
    dock = dock_on(small_audit_log)
    dock.verify()
    wait_until(lambda: dock.last_verify is not None)
    assert dock.last_verify["valid"] and dock.verify_result.text() == "Intact (1,000 entries)"

    with sqlite3.connect(str(small_audit_log)) as raw:  # an insider edits one entry
        raw.execute("UPDATE cg_audit_log SET entry = replace(entry, '\"user\":\"dana\"', '\"user\":\"eve\"') "
                    "WHERE seq = 500")
    dock.search.setText("survey")
    dock.apply_filters()
    dock.last_verify = None
    dock.verify()
    wait_until(lambda: dock.last_verify is not None)
    assert not dock.last_verify["valid"] and dock.last_verify["first_bad"] == 500
    assert "500" in dock.verify_result.text()
    assert dock.search.text() == ""  # filters cleared to show the entry
    row = dock.view.selectionModel().selectedRows()[0].row()
    assert dock.model.entry(row)["seq"] == 500
    assert dock.model.index(row, 1).data() == "eve"
    assert dock.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_export_csv_writes_the_filtered_view(small_audit_log, dock_on, tmp_path):
    dock = dock_on(small_audit_log)
    dock.load_choices()
    dock.user.setCurrentIndex(dock.user.findData("bob"))
    dock.action.setCurrentIndex(dock.action.findData("layer_added"))
    assert dock.model.rowCount() == 50
    out = tmp_path / "audit.csv"
    dock.export_csv(str(out))
    wait_until(lambda: dock.last_export is not None)
    assert dock.last_export == {"ok": True, "path": str(out), "entries": 50, "error": ""}
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["seq"]) for r in rows] == [i + 1 for i in range(1000) if i % 20 == 5]
    assert {(r["user"], r["action"]) for r in rows} == {("bob", "layer_added")}


def test_lasting_warning_while_events_are_held(qgis_app, tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    log = BufferedAuditLog(str(blocker / "audit.sqlite"))
    recorder = AuditRecorder(log, lambda layer: None, "all")
    bar = QgsMessageBar()
    health = LogHealthWatcher(log, recorder, bar, interval_ms=50)
    dock = AccessLogDock(log, recorder, health=health)
    try:
        recorder.record(Action.PROJECT_SAVED)
        recorder.record(Action.PROJECT_SAVED)
        wait_until(lambda: health.message != "")
        assert log.pending_count == 2
        assert health.message.startswith("The access log cannot be written:")
        assert "2 events are held and will be written when possible" in health.message
        assert dock.warning.isVisibleTo(dock) and dock.warning.text() == health.message
        assert bar.currentItem() is not None and bar.currentItem().duration() == 0

        os.remove(blocker)  # the location becomes writable: the timer writes the held events
        wait_until(lambda: log.pending_count == 0 and health.message == "")
        assert not dock.warning.isVisibleTo(dock)
        assert bar.currentItem() is None
        assert log.count() == 2
    finally:
        dock.unload()
        health.unload()
        log.close()


# -- Processing ---------------------------------------------------------------------------------------
def test_processing_verify_and_export(small_audit_log, classification_provider, tmp_path, synthetic_audit):
    AUDIT_BASE_MS = synthetic_audit.base_ms  # noqa: N806
    import processing

    result = processing.run("classification:verifyauditlog", {"LOCATION": str(small_audit_log)})
    assert (result["VALID"], result["ENTRIES"], result["FIRST_BAD"]) == (True, 1000, "")
    with sqlite3.connect(str(small_audit_log)) as raw:
        raw.execute("DELETE FROM cg_audit_log WHERE seq = 321")
    result = processing.run("classification:verifyauditlog", {"LOCATION": str(small_audit_log)})
    assert (result["VALID"], result["FIRST_BAD"]) == (False, "321"), result["MESSAGE"]

    out = tmp_path / "blocked.csv"
    result = processing.run("classification:exportauditlog", {
        "LOCATION": str(small_audit_log), "OUTCOME": "blocked", "USER": "alice",
        "FROM": QDateTime.fromMSecsSinceEpoch(AUDIT_BASE_MS + 100_000), "OUTPUT": str(out)})
    expected = [i + 1 for i in range(100, 1000) if i % 20 == 4 and i + 1 != 321]
    assert result["ENTRIES"] == len(expected)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert [int(r["seq"]) for r in csv.DictReader(handle)] == expected


def test_processing_verify_defaults_to_the_configured_log(classification_provider, private_audit_log):
    import processing

    from classification_plugin.integration.services import services

    services().recorder.record(Action.PROJECT_SAVED)
    result = processing.run("classification:verifyauditlog", {})
    assert result["VALID"] is True and result["ENTRIES"] >= 1, result["MESSAGE"]
    assert services().log.location == str(private_audit_log)
    assert QgsProject.instance() is not None
