"""Tamper-evident access log: event model, hash chain, SQLite and PostgreSQL backends.

``open_log(location)`` gives an :class:`AuditLog`; the plugin records through
:class:`BufferedAuditLog`, which keeps events waiting when the log cannot be written. The chain's
canonical encoding is documented in :mod:`classification_plugin.core.audit.chain`. Auditors verify
without QGIS: ``python3 -m classification_plugin.core.audit verify LOCATION``.
"""

from classification_plugin.core.audit.base import (
    AuditFilter,
    AuditLog,
    AuditLogCorruptError,
    AuditWriteError,
    SeqSpan,
)
from classification_plugin.core.audit.buffered import BufferedAuditLog
from classification_plugin.core.audit.chain import VerifyResult
from classification_plugin.core.audit.events import Action, AuditEvent, Outcome
from classification_plugin.core.audit.location import ENV_VAR, default_log_path, open_log, resolve_location

__all__ = [
    "ENV_VAR",
    "Action",
    "AuditEvent",
    "AuditFilter",
    "AuditLog",
    "AuditLogCorruptError",
    "AuditWriteError",
    "BufferedAuditLog",
    "Outcome",
    "SeqSpan",
    "VerifyResult",
    "default_log_path",
    "open_log",
    "resolve_location",
]
