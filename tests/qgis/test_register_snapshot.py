"""The Register panel opens from the register's snapshot, bound to the log, and checks it against
the whole log in the background (issue 17's "register of 100,000 copies opens in under 1 s"): with a
real SQLite access log and the real panel."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from conftest import RecordingRecorder
from qgis.core import Qgis
from test_access_log_panel import wait_until  # tests/qgis is on sys.path (pytest's rootdir import)

from classification_plugin.core import custody, register_snapshot
from classification_plugin.core.audit import AuditEvent, open_log
from classification_plugin.integration.custody import (
    CustodyService,
    check_register,
    open_register,
    read_register,
    snapshot_path_for,
)

T0 = 1_790_000_000_000


def handover(package_id, uid="uid-1"):
    return AuditEvent(time_ms=T0, action=custody.EVENT_HANDOVER, user="wang.li", details={
        "package_id": package_id, "manifest_hash": "h" * 64,
        "sender": {"unit": "Survey Office 1", "person": "Wang Li"},
        "recipient": {"unit": "Railway Institute", "person": "Zhao Min"}, "return_by": "2099-03-31",
        "caveats": [custody.NO_ONWARD_TRANSFER],
        "datasets": [{"uid": uid, "name": f"dataset {uid}", "level": "secret"}]})


def closing(action, package_id):
    return AuditEvent(time_ms=T0 + 1000, action=action, user="zhao.min",
                      details={"package_id": package_id, "by": "Zhao Min", "witness": "Chen Jie"})


@pytest.fixture
def log_path(tmp_path):
    """A log with three copies: HO-1 destroyed, HO-2 received, HO-3 handed over; and other events."""
    path = str(tmp_path / "audit.sqlite")
    with open_log(path) as log:
        log.append_many([handover("HO-1"), AuditEvent(time_ms=T0, action="layer_added", user="wang.li"),
                         handover("HO-2", "uid-2"), handover("HO-3"),
                         closing(custody.EVENT_RECEIVED, "HO-1"), closing(custody.EVENT_DESTROYED, "HO-1"),
                         closing(custody.EVENT_RECEIVED, "HO-2")])
    return path


def states(register):
    return {package_id: copy.state for package_id, copy in register.copies.items()}


def test_the_first_opening_derives_the_register_and_the_next_one_reads_the_snapshot_and_newer_events(log_path):
    snapshot = log_path + ".register"
    with open_log(log_path) as log:
        first = open_register(log, snapshot)
        assert first.snapshot == "" and first.note == ""  # none yet: derived, and written
        assert states(first.register) == {"HO-1": custody.DESTROYED, "HO-2": custody.RECEIVED,
                                          "HO-3": custody.HANDED_OVER}
        assert register_snapshot.read(snapshot)[1:] == (first.seq, first.entry_hash)

        log.append_many([handover("HO-4", "uid-3"), closing(custody.EVENT_RETURNED, "HO-2")])
        second = open_register(log, snapshot)
        assert second.snapshot == snapshot and second.seq == first.seq + 2
        assert second.register == read_register(log)  # the snapshot plus the two newer events
        assert states(second.register)["HO-2"] == custody.RETURNED
        register, same = check_register(log, second)
        assert same and register == second.register
        assert register_snapshot.read(snapshot)[1] == second.seq  # moved on to the entry checked


def test_a_snapshot_that_is_not_bound_to_this_log_is_not_used(log_path, tmp_path):
    with open_log(log_path) as log:
        open_register(log, log_path + ".register")
    other = str(tmp_path / "other.sqlite")
    with open_log(other) as log:
        log.append_many([handover("HO-9"), handover("HO-8"), AuditEvent(time_ms=T0, action="layer_added"),
                         handover("HO-7"), handover("HO-6"), handover("HO-5"), handover("HO-4")])
        shutil.copy(log_path + ".register", other + ".register")  # the first log's snapshot, same seq
        opened = open_register(log, other + ".register")
        assert opened.snapshot == "" and "is not the one the snapshot was taken at" in opened.note
        assert sorted(opened.register.copies) == ["HO-4", "HO-5", "HO-6", "HO-7", "HO-8", "HO-9"]
        assert open_register(log, other + ".register").snapshot  # rewritten for this log


def forge(snapshot, log_key=None):
    """Rewrite the snapshot as if copy HO-1 had never been destroyed, bound to the same entry of
    the log, with a plain SHA-256 digest (what anyone can write without the log's key)."""
    register, seq, entry_hash = register_snapshot.read(snapshot, log_key)
    register.copies["HO-1"] = register.copies["HO-1"]._replace(state=custody.RECEIVED)
    register_snapshot.write(snapshot, register, seq, entry_hash)


def test_with_the_log_key_a_forged_snapshot_is_refused_when_read(log_path):
    key = b"administrator key"
    with open_log(log_path, key) as log:
        open_register(log, log_path + ".register")
        forge(log_path + ".register", key)
        opened = open_register(log, log_path + ".register")
        assert opened.snapshot == "" and "key" in opened.note
        assert states(opened.register)["HO-1"] == custody.DESTROYED


@pytest.fixture
def register_dock(qgis_iface, log_path):
    from classification_plugin.gui.register_dock import RegisterDock

    log = open_log(log_path)
    svc = SimpleNamespace(log=log, recorder=RecordingRecorder(), labels=SimpleNamespace(user="li.hua"))
    dock = RegisterDock(CustodyService(svc), message_bar=qgis_iface.messageBar())
    qgis_iface.messageBar().clear_messages()
    yield dock, svc
    dock.unload()
    dock.deleteLater()
    log.close()


def shown_states(dock):
    return {dock.model.index(r, 2).data(): dock.model.row(r)[2] for r in range(dock.model.rowCount())}


def test_the_panel_shows_a_forged_snapshot_only_until_the_log_check_replaces_it_and_records_it(
        register_dock, qgis_iface, log_path):
    dock, svc = register_dock
    checks = []
    dock.checked.connect(checks.append)
    assert dock.refresh() is not None  # no snapshot yet: derived from the log in a task
    wait_until(lambda: not dock.reading)
    assert checks == [] and shown_states(dock)["HO-1"] == custody.DESTROYED and not dock.error

    dock.refresh()  # from the snapshot, then checked
    wait_until(lambda: not dock.reading)
    assert checks == [True] and "checked against the whole log" in dock.status.text()

    forge(log_path + ".register")
    shown = []
    dock.loaded.connect(lambda: shown.append(shown_states(dock)["HO-1"]))
    dock.refresh()
    wait_until(lambda: not dock.reading)
    assert checks == [True, False]
    assert shown == [custody.RECEIVED, custody.DESTROYED]  # the forged state, then the log's
    assert "did not match" in dock.status.text()
    assert svc.recorder.events[-1][0] == "register_snapshot_mismatch"
    assert svc.recorder.events[-1][2] == "warning"
    assert any("did not match" in text for text in qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning))
    with open_log(log_path) as log:
        assert open_register(log, log_path + ".register").register == read_register(log)  # put right


def test_without_a_writable_folder_the_panel_still_opens_from_the_log(register_dock, tmp_path, monkeypatch):
    dock, _svc = register_dock
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setattr(dock.service, "register_snapshot_path", lambda: str(tmp_path / "a file" / "log.register"))
    dock.refresh(background=False)
    assert not dock.error and len(shown_states(dock)) == 3


def test_the_snapshot_of_a_postgres_log_is_kept_in_the_profile_without_the_password(tmp_path):
    one = snapshot_path_for("postgresql://guard:secret@db.example/audit", str(tmp_path))
    assert one.startswith(str(tmp_path / "classification_guard")) and "secret" not in one
    assert one == snapshot_path_for("postgresql://guard:other@db.example/audit", str(tmp_path))
    assert snapshot_path_for("/data/audit.sqlite") == "/data/audit.sqlite.register"
