"""Where the access log lives, and opening it: an SQLite file path or a ``postgresql://`` URI."""

from __future__ import annotations

import os
from typing import Optional

from classification_plugin.core.audit.base import AuditLog
from classification_plugin.core.audit.postgres_log import is_postgres_uri

ENV_VAR = "CLASSIFICATION_AUDIT_LOG"


def default_log_path(profile_dir: str) -> str:
    """``<profile_dir>/classification_guard/audit.sqlite``."""
    return os.path.join(profile_dir, "classification_guard", "audit.sqlite")


def resolve_location(setting_value: Optional[str], profile_dir: str) -> str:
    """The environment variable wins over the setting, the setting over the default path."""
    for candidate in (os.environ.get(ENV_VAR, ""), setting_value or ""):
        candidate = candidate.strip()
        if candidate:
            if is_postgres_uri(candidate):
                return candidate
            return os.path.abspath(os.path.expanduser(candidate))
    return default_log_path(profile_dir)


def open_log(location: str, hmac_key: Optional[bytes] = None, **options) -> AuditLog:
    """Open (creating unless ``create=False``) the log at ``location``.

    Options: ``create``, ``busy_timeout_ms``; SQLite also ``checkpoint_path`` and ``durable``
    (fsync every entry). Raises :class:`AuditWriteError` with a message for people.
    """
    if is_postgres_uri(location):
        from classification_plugin.core.audit.postgres_log import PostgresAuditLog

        return PostgresAuditLog(location, hmac_key, **options)
    from classification_plugin.core.audit.sqlite_log import SQLiteAuditLog

    return SQLiteAuditLog(location, hmac_key, **options)
