"""One access-log event per request that touched a classified layer, written off the request path.

Requests only put events on a queue; one background thread appends them, in order, to the
configured log (the policy's, usually the central PostgreSQL one). Events that cannot be written
wait in the log's spool file, as on the desktop, and are written when the log is back. On exit
the thread writes what is still queued.
"""

from __future__ import annotations

import atexit
import queue
import socket
import threading
import time

from classification_plugin.core.audit.events import Action, AuditEvent, Outcome
from classification_plugin.integration.audit_recorder import public_source

_STOP = object()


def request_event(session_id: str, project: str, who, request: dict, decisions: list, client: str = "") -> AuditEvent:
    """The event for one request: ``decisions`` is [(layer, level id, rank, allowed)] of the
    classified layers it touched; the highest of them fills the event's layer fields."""
    refused = sorted({layer.name() for layer, _level, _rank, allowed in decisions if not allowed})
    allowed = sorted({layer.name() for layer, _level, _rank, allowed in decisions if allowed})
    top_layer, top_level, _rank, _allowed = max(decisions, key=lambda decision: decision[2])
    details = {
        "service": request.get("SERVICE", ""), "request": request.get("REQUEST", ""),
        "layers_allowed": allowed, "layers_refused": refused, "bbox": request.get("BBOX", ""),
        "groups": list(who.groups), "clearance": who.clearance, "why": who.why, "client": client,
    }
    return AuditEvent(
        time_ms=int(time.time() * 1000), action=Action.SERVER_REQUEST.value,
        outcome=(Outcome.BLOCKED if refused else Outcome.ALLOWED).value,
        user=who.user or "anonymous", host=socket.gethostname(), session_id=session_id, project=project,
        layer_id=top_layer.id(), layer_name=top_layer.name(), layer_source=public_source(top_layer),
        provider=top_layer.providerType(), label=top_level, details=details)


def _preload_postgres() -> None:
    from classification_plugin.core.audit import postgres_log, sqlite_log  # noqa: F401

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pass


class BackgroundWriter:
    """Appends events to ``open_log()``'s log on a thread of its own."""

    def __init__(self, open_log):
        # Nothing is imported or opened on the writer thread: a first import there crashed
        # qgis_mapserv.fcgi (a segmentation fault in the import machinery, 1 start in 6), so the
        # log is opened here, on the server's thread, with the modules it needs; the writer only
        # appends (and reopens a lost connection with modules already loaded).
        self.log = open_log()
        try:
            _ = self.log.log  # the underlying log: its module, psycopg's and the connection
        except Exception:  # noqa: BLE001 - not reachable now: events wait in its spool until it is
            _preload_postgres()
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="classification-audit", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def put(self, event: AuditEvent) -> None:
        self._queue.put(event)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            if event is _STOP:
                return
            self.log.append(event)  # BufferedAuditLog: never raises; spools what cannot be written

    def close(self, timeout_s: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout_s)
        close = getattr(self.log, "close", None)
        if close is not None:
            close()
