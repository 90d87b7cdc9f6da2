"""A log that never drops an event: when the real log cannot be written, events wait in order.

Waiting events are kept in memory and, when a spool file is given, also appended to it (one JSON
line per event) so that they survive QGIS being closed; the spool is read back on start.
``flush()`` writes them, oldest first, in one transaction, as soon as the log can be written.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Callable, Optional

from classification_plugin.core.audit.base import AuditFilter, AuditLog, AuditWriteError, SeqSpan
from classification_plugin.core.audit.chain import VerifyResult
from classification_plugin.core.audit.events import AuditEvent
from classification_plugin.core.i18n import tr

FLUSH_CHUNK = 1000


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def process_spool(folder, prefix: str) -> Path:
    """This process's own spool file in ``folder``, ``PREFIX-PID.jsonl``. Processes that share a
    folder (QGIS Server's FastCGI processes) must not share one spool file, which each rewrites
    after a flush and would lose the others' events; the events a process left when it ended (the
    log away at the time) are taken over by the next one to start: renamed first, so that only one
    process takes them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mine = folder / f"{prefix}-{os.getpid()}.jsonl"
    for other in sorted(folder.glob(f"{prefix}-*.jsonl")):
        pid = other.stem.rsplit("-", 1)[-1]
        if other == mine or not pid.isdigit() or _alive(int(pid)):
            continue
        claimed = other.with_name(f"{other.name}.{os.getpid()}.claimed")
        try:
            other.rename(claimed)
        except OSError:  # another process took it first
            continue
        with mine.open("a", encoding="utf-8") as handle:
            handle.write(claimed.read_text(encoding="utf-8"))
        claimed.unlink()
    return mine


def _event_from_dict(data: dict) -> AuditEvent:
    return AuditEvent(**data)


class BufferedAuditLog:
    """Wraps a location; ``append`` never raises for a log that cannot be written.

    ``pending_count`` events wait; ``last_error`` says why, for people ("" when all is written).
    ``retry_interval_s`` limits how often ``append`` retries a failing log (``flush`` always tries),
    so a locked log does not make every recorded event wait for the busy timeout.
    """

    def __init__(self, location: str, hmac_key: Optional[bytes] = None, *,
                 spool_path: Optional[str] = None, retry_interval_s: float = 5.0,
                 opener: Optional[Callable[..., AuditLog]] = None, **open_options):
        from classification_plugin.core.audit.location import open_log

        self.location = location
        self.hmac_key = hmac_key
        self.spool_path = spool_path
        self.retry_interval_s = retry_interval_s
        self._opener = opener or open_log
        self._open_options = open_options
        self._log: Optional[AuditLog] = None
        self._pending: list = []
        self._lock = threading.RLock()
        self._last_failure = 0.0
        self.last_error = ""
        self._load_spool()
        self._try_flush()

    # -- state ---------------------------------------------------------------------------------
    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def log(self) -> AuditLog:
        """The open underlying log (opened on demand); raises AuditWriteError when it cannot be."""
        with self._lock:
            if self._log is None:
                self._log = self._opener(self.location, self.hmac_key, **self._open_options)
            return self._log

    def _fail(self, exc: BaseException) -> None:
        self._last_failure = time.monotonic()
        if isinstance(exc, AuditWriteError):
            self.last_error = str(exc)
        else:
            self.last_error = tr("The access log {location} cannot be written: {detail}").format(
                location=self.location, detail=f"{type(exc).__name__}: {exc}")
        # A broken connection or file handle is reopened on the next attempt.
        if self._log is not None:
            try:
                self._log.close()
            except Exception:  # noqa: BLE001 - closing a broken log must not hide the first error
                pass
            self._log = None

    # -- writing -------------------------------------------------------------------------------
    def append(self, event: AuditEvent) -> Optional[int]:
        """Write ``event``; its sequence number, or ``None`` when it waits (see ``last_error``)."""
        with self._lock:
            if self._pending:
                self._pending.append(event)
                self._spool(event)
                if time.monotonic() - self._last_failure >= self.retry_interval_s:
                    self._try_flush()
                return None
            try:
                return self.log.append(event)
            except Exception as exc:  # noqa: BLE001 - whatever the cause, the event must not be lost
                self._fail(exc)
                self._pending.append(event)
                self._spool(event)
                return None

    def flush(self) -> int:
        """Write waiting events in order; how many were written. Keeps the rest on failure."""
        with self._lock:
            return self._try_flush()

    def _try_flush(self) -> int:
        written = 0
        while self._pending:
            chunk = self._pending[:FLUSH_CHUNK]
            try:
                log = self.log
                if hasattr(log, "append_many"):
                    log.append_many(chunk)
                else:
                    for event in chunk:
                        log.append(event)
            except Exception as exc:  # noqa: BLE001
                self._fail(exc)
                self._rewrite_spool()
                return written
            del self._pending[: len(chunk)]
            written += len(chunk)
        self.last_error = ""
        self._rewrite_spool()
        return written

    # -- spool ---------------------------------------------------------------------------------
    def _load_spool(self) -> None:
        if not self.spool_path or not os.path.exists(self.spool_path):
            return
        try:
            with open(self.spool_path, encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        self._pending.append(_event_from_dict(json.loads(line)))
        except (OSError, ValueError, TypeError) as exc:
            self.last_error = tr("Waiting events in {path} could not be read back: {detail}").format(
                path=self.spool_path, detail=exc)

    def _spool(self, event: AuditEvent) -> None:
        if not self.spool_path:
            return
        try:
            with open(self.spool_path, "a", encoding="utf-8") as handle:
                handle.write(_encode(event) + "\n")
        except OSError as exc:
            self.last_error = tr(
                "{error} The events are also not saved to {path} ({detail}); they are kept in memory only."
            ).format(error=self.last_error, path=self.spool_path, detail=exc)

    def _rewrite_spool(self) -> None:
        if not self.spool_path:
            return
        try:
            if not self._pending:
                if os.path.exists(self.spool_path):
                    os.remove(self.spool_path)
                return
            tmp = self.spool_path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                for event in self._pending:
                    handle.write(_encode(event) + "\n")
            os.replace(tmp, self.spool_path)
        except OSError:
            pass  # the events are still in memory; the next append reports the spool problem

    # -- reading: delegated to the underlying log ----------------------------------------------
    def verify(self, progress=None, is_canceled=None) -> VerifyResult:
        return self.log.verify(progress, is_canceled)

    def count(self, filters: Optional[AuditFilter] = None, *, before_seq: Optional[int] = None,
              after_seq: Optional[int] = None) -> int:
        return self.log.count(filters, before_seq=before_seq, after_seq=after_seq)

    def span(self, filters: Optional[AuditFilter] = None) -> SeqSpan:
        return self.log.span(filters)

    def query(self, filters: Optional[AuditFilter] = None, offset: int = 0, limit: int = 100,
              descending: bool = True, *, before_seq: Optional[int] = None,
              after_seq: Optional[int] = None) -> list:
        return self.log.query(filters, offset, limit, descending, before_seq=before_seq, after_seq=after_seq)

    def page_starts(self, filters: Optional[AuditFilter], page_size: int,
                    before_seq: Optional[int] = None) -> list:
        return self.log.page_starts(filters, page_size, before_seq)

    def distinct_values(self, field: str) -> list:
        return self.log.distinct_values(field)

    def extract(self, actions, paths, *, after_seq: Optional[int] = None, before_seq: Optional[int] = None) -> list:
        return self.log.extract(actions, paths, after_seq=after_seq, before_seq=before_seq)

    def workstations(self) -> list:
        return self.log.workstations()

    def export_csv(self, path: str, filters: Optional[AuditFilter] = None) -> int:
        return self.log.export_csv(path, filters)

    def close(self) -> None:
        with self._lock:
            if self._pending:
                self._try_flush()
            if self._log is not None:
                self._log.close()
                self._log = None


def _encode(event: AuditEvent) -> str:
    from classification_plugin.core.audit.chain import encode_entry

    return encode_entry(event)
