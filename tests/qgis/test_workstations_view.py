"""The Access Log panel's Workstations view over a real PostgreSQL log written by three
workstations (the server of tests/unit/audit/conftest.py, started for this session)."""

from __future__ import annotations

import postgres_server
import pytest
from qgis.PyQt.QtCore import QCoreApplication, QDateTime
from test_access_log_panel import wait_until  # tests/qgis is on sys.path (pytest's rootdir import)

from classification_plugin.core.audit import AuditEvent, BufferedAuditLog
from classification_plugin.core.audit.sqlite_log import SQLiteAuditLog
from classification_plugin.gui.access_log_dock import AccessLogDock
from classification_plugin.gui.workstations_view import HOUR_MS, SILENT_COLOR

pg_server = postgres_server.pg_server  # the session fixture, shared with the unit ring's PostgreSQL tests

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared_log(pg_server):
    location = postgres_server.new_pg_database(pg_server)
    now = QDateTime.currentMSecsSinceEpoch()
    log = BufferedAuditLog(location)
    for host, user, session, action, ago_h in (
            ("ws-01", "alice", "a1", "plugin_loaded", 50), ("ws-01", "alice", "a2", "session_unclean", 2),
            ("ws-01", "alice", "a2", "layer_shown", 1),
            ("ws-02", "bob", "b1", "plugin_loaded", 80), ("ws-02", "bob", "b1", "plugin_unloaded", 79),
            ("ws-03", "chen", "c1", "plugin_loaded", 40), ("ws-03", "chen", "c1", "export_blocked", 30)):
        log.append(AuditEvent(time_ms=now - ago_h * HOUR_MS, action=action, user=user, host=host,
                              session_id=session))
    log.flush()
    yield log
    log.close()


def test_a_central_log_gets_a_workstations_view_with_silent_and_unclean_hosts(shared_log, qgis_app, tmp_path):
    dock = AccessLogDock(shared_log)
    try:
        view = dock.workstations
        assert view is not None and dock.tabs.tabText(1) == "Workstations"
        view.silent_hours.setValue(24)
        loaded = []
        view.loaded.connect(loaded.append)
        view.refresh()
        wait_until(lambda: loaded)
        assert loaded == [3]
        rows = {view.model.item(r, 0).text(): [view.model.item(r, c).text() for c in range(7)]
                for r in range(view.model.rowCount())}
        assert rows["ws-01"][1] == "alice" and rows["ws-01"][3] == "Layer shown"
        assert rows["ws-01"][4:] == ["2", "1", "Active"]
        assert rows["ws-02"][6] == "Silent for 3 days (ended in order)"
        assert rows["ws-03"][6] == "Silent for 30 h, no orderly end"
        chen = next(r for r in range(3) if view.model.item(r, 0).text() == "ws-03")
        assert view.model.item(chen, 6).background().color().name() == SILENT_COLOR
        assert view.status.text() == "3 workstations, 2 need attention"  # ws-01 (unclean) and ws-03
        view.silent_hours.setValue(48)  # a longer allowance: ws-03 is no longer silent
        texts = {view.model.item(r, 0).text(): view.model.item(r, 6).text() for r in range(3)}
        assert texts["ws-03"] == "Active" and texts["ws-02"].startswith("Silent for 3 days")
        dock.resize(900, 300)
        dock.tabs.setCurrentIndex(1)
        dock.show()
        QCoreApplication.processEvents()
        dock.grab().save(str(tmp_path / "workstations.png"))
    finally:
        dock.unload()
        dock.deleteLater()


def test_a_log_of_one_workstation_has_no_workstations_view(qgis_app, tmp_path):
    log = SQLiteAuditLog(str(tmp_path / "audit.sqlite"))
    try:
        dock = AccessLogDock(log)
        assert dock.workstations is None
        dock.unload()
    finally:
        log.close()
