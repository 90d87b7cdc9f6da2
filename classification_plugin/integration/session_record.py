"""Knowing when the guard was off: each QGIS session that loads the plugin leaves a marker file
in the profile (``classification_guard/sessions/<session>.json``) that its orderly unload removes.
On the next start, a marker whose QGIS process is gone means that session ended without an
orderly unload (a crash, a kill, power lost): it is recorded as ``session_unclean`` with the last
event the log saw. Disabling the plugin in the Plugin Manager unloads it (``plugin_unloaded``), so
that is an orderly end. Several QGIS instances on one profile each keep their own marker.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from classification_plugin.core.audit import AuditFilter
from classification_plugin.core.audit.events import Action, Outcome


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would terminate it on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionRecord:
    """The marker of this session; ``unclean()`` finds those left by sessions that died."""

    def __init__(self, folder: Path, session_id: str, pid: int | None = None):
        self.folder = Path(folder)
        self.session_id = session_id
        self.pid = os.getpid() if pid is None else pid
        self.marker = self.folder / f"{session_id}.json"

    def unclean(self) -> list[dict]:
        """Markers of other sessions on this host whose process is gone (they are removed)."""
        found = []
        host = socket.gethostname()
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else ():
            if path == self.marker:
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {"session": path.stem, "unreadable": True}
            if data.get("host", host) == host and process_alive(int(data.get("pid", 0) or 0)):
                continue  # another QGIS on this profile, still running
            found.append(data)
            try:
                path.unlink()
            except OSError:
                pass
        return found

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"session": self.session_id, "pid": self.pid, "host": socket.gethostname(),
                "started_ms": int(time.time() * 1000)}
        temporary = self.marker.with_suffix(".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.marker)

    def unload(self) -> None:
        """The orderly end: the marker goes."""
        try:
            self.marker.unlink()
        except FileNotFoundError:
            pass


def start_session_record(svc, folder: Path, session_id: str) -> SessionRecord:
    """Record every earlier session that ended uncleanly, then mark this one as running."""
    record = SessionRecord(folder, session_id)
    sessions = record.unclean()
    if sessions:
        flush = getattr(svc.log, "flush", None)
        if flush is not None:
            flush()
        for data in sessions:
            last = _last_event_of(svc.log, data.get("session", ""))
            svc.recorder.record(Action.SESSION_UNCLEAN, outcome=Outcome.WARNING, details={
                "session": data.get("session", ""), "pid": data.get("pid"), "started_ms": data.get("started_ms"),
                "last_event": last})
    record.start()
    return record


def _last_event_of(log, session_id: str) -> dict:
    """The newest logged event of ``session_id`` (time, action, seq), {} when none is found."""
    try:
        # (a later session_unclean event names it in its details too: look at a few)
        rows = log.query(AuditFilter(text=session_id), limit=5, descending=True) if session_id else []
    except Exception:  # noqa: BLE001 - a log that cannot answer must not stop start-up
        rows = []
    rows = [row for row in rows if row.get("session_id") == session_id]
    if not rows:
        return {}
    return {"time_ms": rows[0].get("time_ms"), "action": rows[0].get("action"), "seq": rows[0].get("seq")}
