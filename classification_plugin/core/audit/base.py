"""What every access-log backend offers, and the parts they share (filters, CSV export)."""

from __future__ import annotations

import csv
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

from classification_plugin.core.audit.chain import VerifyResult
from classification_plugin.core.audit.events import AuditEvent

LOG_TABLE = "cg_audit_log"
META_TABLE = "cg_audit_meta"
CHECKPOINT_TABLE = "cg_audit_checkpoint"

# AuditEvent field -> database column (generated from ``entry``; "user" is reserved in SQL).
COLUMNS = {
    "time_ms": "time_ms",
    "action": "action",
    "outcome": "outcome",
    "user": "user_login",
    "full_name": "full_name",
    "host": "host",
    "session_id": "session_id",
    "project": "project",
    "layer_id": "layer_id",
    "layer_name": "layer_name",
    "layer_source": "layer_source",
    "provider": "provider",
    "label": "label",
    "details": "details",
}
INDEXED = ("time_ms", "user_login", "layer_id", "action", "label", "outcome")
TEXT_COLUMNS = ("user_login", "full_name", "host", "session_id", "project", "layer_id", "layer_name",
                "layer_source", "provider", "label", "action", "outcome", "details")
CSV_FIELDS = ["seq", "time_utc", "time_ms", "user", "full_name", "host", "session_id", "project",
              "layer_id", "layer_name", "layer_source", "provider", "label", "action", "outcome",
              "details", "hash", "mac"]


class AuditWriteError(Exception):
    """The log could not be opened, read or written. ``str(error)`` is a message for people."""


class AuditLogCorruptError(AuditWriteError):
    """The log's storage is damaged (not just busy or read-only)."""


@dataclass
class AuditFilter:
    """What the log viewer asks for. Empty values do not filter; times are inclusive UTC ms."""

    time_from_ms: Optional[int] = None
    time_to_ms: Optional[int] = None
    user: str = ""  # login, exact
    layer: str = ""  # layer id (exact) or a part of the layer name
    action: str = ""
    label: str = ""  # level id, exact
    outcome: str = ""
    text: str = ""  # part of any field, case-insensitive for ASCII letters

    def is_empty(self) -> bool:
        return (self.time_from_ms is None and self.time_to_ms is None
                and not (self.user or self.layer or self.action or self.label or self.outcome or self.text))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _json_escaped(text: str) -> str:
    """How ``text`` is written inside the stored JSON (quotes and backslashes escaped)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def where_clause(filters: Optional[AuditFilter], ph: str, like: str) -> tuple:
    """``(" WHERE ...", params)`` for ``filters`` with placeholder ``ph`` and operator ``like``."""
    if filters is None or filters.is_empty():
        return "", []
    clauses = []
    params: list = []
    if filters.time_from_ms is not None:
        clauses.append(f"time_ms >= {ph}")
        params.append(int(filters.time_from_ms))
    if filters.time_to_ms is not None:
        clauses.append(f"time_ms <= {ph}")
        params.append(int(filters.time_to_ms))
    for value, column in ((filters.user, "user_login"), (filters.action, "action"),
                          (filters.label, "label"), (filters.outcome, "outcome")):
        if value:
            clauses.append(f"{column} = {ph}")
            params.append(str(getattr(value, "value", value)))
    if filters.layer:
        # The cheap test on the stored JSON text first spares decoding most rows (both the id and
        # the name appear in it when they match).
        clauses.append(f"(entry {like} {ph} ESCAPE '\\' "
                       f"AND (layer_id = {ph} OR layer_name {like} {ph} ESCAPE '\\'))")
        params += [_like_pattern(_json_escaped(filters.layer)), filters.layer, _like_pattern(filters.layer)]
    if filters.text:
        pattern, escaped = _like_pattern(filters.text), _like_pattern(_json_escaped(filters.text))
        # The match must be in a value, not in a key of the stored JSON; details are JSON text.
        fields = " OR ".join(f"{column} {like} {ph} ESCAPE '\\'" for column in TEXT_COLUMNS)
        clauses.append(f"(entry {like} {ph} ESCAPE '\\' AND ({fields}))")
        params += [escaped] + [escaped if column == "details" else pattern for column in TEXT_COLUMNS]
    return " WHERE " + " AND ".join(clauses), params


def row_to_dict(seq: int, entry: str, hash_: str, mac: Optional[str]) -> dict:
    data = json.loads(entry)
    data["seq"] = seq
    data["hash"] = hash_
    data["mac"] = mac
    return data


def iso_utc(time_ms: int) -> str:
    moment = datetime.fromtimestamp(time_ms / 1000.0, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(time_ms) % 1000:03d}Z"


def write_csv(path: str, rows) -> int:
    """Write ``(seq, entry, hash, mac)`` rows as CSV (UTF-8 with BOM so spreadsheets read Chinese)."""
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for seq, entry, hash_, mac in rows:
            data = json.loads(entry)
            writer.writerow([
                seq, iso_utc(data.get("time_ms", 0)), data.get("time_ms", ""), data.get("user", ""),
                data.get("full_name", ""), data.get("host", ""), data.get("session_id", ""),
                data.get("project", ""), data.get("layer_id", ""), data.get("layer_name", ""),
                data.get("layer_source", ""), data.get("provider", ""), data.get("label", ""),
                data.get("action", ""), data.get("outcome", ""),
                json.dumps(data.get("details", {}), ensure_ascii=False, sort_keys=True), hash_, mac or "",
            ])
            written += 1
    return written


class AuditLog(ABC):
    """An open access log. Backends: :class:`SQLiteAuditLog`, :class:`PostgresAuditLog`."""

    location: str

    @abstractmethod
    def append(self, event: AuditEvent) -> int:
        """Chain and commit ``event``; return its sequence number once it is durable."""

    @abstractmethod
    def verify(self, progress: Optional[Callable[[float], None]] = None,
               is_canceled: Optional[Callable[[], bool]] = None) -> VerifyResult:
        """Check the whole chain and the checkpoint; progress gets percent 0-100."""

    @abstractmethod
    def count(self, filters: Optional[AuditFilter] = None) -> int:
        ...

    @abstractmethod
    def query(self, filters: Optional[AuditFilter] = None, offset: int = 0, limit: int = 100,
              descending: bool = True) -> list:
        """One page of entries as dicts (AuditEvent fields plus ``seq``, ``hash``, ``mac``)."""

    @abstractmethod
    def export_csv(self, path: str, filters: Optional[AuditFilter] = None) -> int:
        ...

    @abstractmethod
    def distinct_values(self, field: str) -> list:
        """Sorted distinct values of one filterable field (user, action, label, outcome), for combos."""

    @abstractmethod
    def close(self) -> None:
        ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
