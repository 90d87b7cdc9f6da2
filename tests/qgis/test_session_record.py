"""Session markers: a session whose process is gone is unclean, a live one on the same profile is
not, and each unclean one is recorded once with its last logged event."""

import json
import os
import socket
import subprocess
import sys
from types import SimpleNamespace

from classification_plugin.integration.session_record import SessionRecord, process_alive, start_session_record


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_marker(folder, session, pid, host=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{session}.json").write_text(json.dumps(
        {"session": session, "pid": pid, "host": host or socket.gethostname(), "started_ms": 1}))


def test_process_alive():
    assert process_alive(os.getpid()) and not process_alive(dead_pid()) and not process_alive(0)


def test_only_sessions_whose_process_is_gone_are_unclean(tmp_path):
    write_marker(tmp_path, "dead", dead_pid())
    write_marker(tmp_path, "alive", os.getpid())  # another QGIS on this profile, still running
    (tmp_path / "garbled.json").write_text("{not json")
    record = SessionRecord(tmp_path, "mine")
    record.start()
    found = record.unclean()
    assert sorted(d["session"] for d in found) == ["dead", "garbled"]
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == ["alive", "mine"]  # reported ones removed
    assert record.unclean() == []  # once
    record.unload()
    assert not (tmp_path / "mine.json").exists()


class Log:
    def __init__(self, rows):
        self.rows = rows

    def query(self, filters=None, limit=100, descending=True, **_kwargs):
        return [r for r in self.rows if filters.text in r["session_id"]][:limit]


def test_each_unclean_session_is_recorded_with_its_last_event(tmp_path):
    write_marker(tmp_path, "s-old", dead_pid())
    events = []
    recorder = SimpleNamespace(record=lambda action, **kwargs: events.append((getattr(action, "value", action),
                                                                             kwargs)))
    log = Log([{"session_id": "s-old", "time_ms": 5, "action": "export_blocked", "seq": 41}])
    record = start_session_record(SimpleNamespace(log=log, recorder=recorder), tmp_path, "s-new")
    assert [e[0] for e in events] == ["session_unclean"]
    details = events[0][1]["details"]
    assert details["session"] == "s-old" and details["last_event"] == {"time_ms": 5, "action": "export_blocked",
                                                                       "seq": 41}
    assert (tmp_path / "s-new.json").exists()
    record.unload()
