"""The single call that records an access-log event: ``recorder.record(action, layer, ...)``.

It fills in who (login, full name, host, QGIS session), where (project file) and what (the
layer's id, name, source, provider and label at that moment), applies the setting for
unclassified layers, and hands the event to the log. If the log cannot be written, the event
is held by the buffered log and the ``problem`` callback tells the user; nothing is dropped.
"""

from __future__ import annotations

import getpass
import os
import socket
import time
import uuid

from classification_plugin.core.audit.events import Action, AuditEvent, Outcome

#: Actions recorded for unclassified layers only when the setting asks for "all".
_ACTIVITY = {
    Action.LAYER_SHOWN.value,
    Action.LAYER_HIDDEN.value,
    Action.ATTRIBUTE_TABLE_OPENED.value,
    Action.EDITING_STARTED.value,
    Action.EDITING_COMMITTED.value,
    Action.EDITING_COMMIT_FAILED.value,
    Action.EDITING_ROLLED_BACK.value,
}
_LAYER_PRESENCE = {Action.LAYER_ADDED.value, Action.LAYER_REMOVED.value}

SESSION_ID = uuid.uuid4().hex[:16]


def current_identity() -> tuple[str, str]:
    from qgis.core import QgsApplication

    login = QgsApplication.userLoginName() or getpass.getuser()
    return login, QgsApplication.userFullName() or login


def current_groups(login: str | None = None) -> list[str]:
    """The operating-system groups of ``login`` (the current user by default); [] where the
    system cannot say (Windows has no grp module)."""
    try:
        import grp
        import pwd
    except ImportError:
        return []
    login = login or current_identity()[0]
    try:
        entry = pwd.getpwnam(login)
        return sorted({grp.getgrgid(gid).gr_name for gid in os.getgrouplist(login, entry.pw_gid)})
    except (KeyError, OSError):
        return []


def should_record(action: str, labelled: bool, unclassified_mode: str) -> bool:
    """Which events are kept for layers without a label (setting ``audit_unclassified``)."""
    if labelled or unclassified_mode == "all":
        return True
    if action in _ACTIVITY:
        return False
    if action in _LAYER_PRESENCE:
        return unclassified_mode == "add_remove"
    return True


class AuditRecorder:
    def __init__(self, log, label_of, unclassified_mode: str = "add_remove", problem=None):
        """``log`` has ``append(AuditEvent)``; ``label_of(layer)`` returns a Label or None."""
        self.log = log
        self.label_of = label_of
        self.unclassified_mode = unclassified_mode
        self.problem = problem  # callable(message) for a lasting warning, or None
        self.user, self.full_name = current_identity()
        self.host = socket.gethostname()
        self.listeners = []  # callables(AuditEvent), e.g. the Access Log panel's live update

    def record(self, action, layer=None, outcome=Outcome.OK, details=None) -> AuditEvent | None:
        from qgis.core import QgsProject

        action = getattr(action, "value", action)
        outcome = getattr(outcome, "value", outcome)
        label = self.label_of(layer) if layer is not None else None
        if layer is not None and not should_record(action, label is not None, self.unclassified_mode):
            return None
        event = AuditEvent(
            time_ms=int(time.time() * 1000),
            action=action,
            outcome=outcome,
            user=self.user,
            full_name=self.full_name,
            host=self.host,
            session_id=SESSION_ID,
            project=QgsProject.instance().fileName(),
            layer_id=layer.id() if layer is not None else "",
            layer_name=layer.name() if layer is not None else "",
            layer_source=public_source(layer) if layer is not None else "",
            provider=layer.providerType() if layer is not None else "",
            label=label.level if label is not None else "",
            details=dict(details or {}),
        )
        self._write(event)
        for listener in list(self.listeners):
            listener(event)
        return event

    def _write(self, event: AuditEvent) -> None:
        before = getattr(self.log, "pending_count", 0)
        self.log.append(event)
        pending = getattr(self.log, "pending_count", 0)
        if pending and self.problem is not None and pending != before:
            self.problem(getattr(self.log, "last_error", "") or "")


def public_source(layer) -> str:
    """The layer's source without credentials (passwords never go into the log)."""
    from qgis.core import QgsDataSourceUri

    source = layer.publicSource() if hasattr(layer, "publicSource") else layer.source()
    if "password=" in source:
        uri = QgsDataSourceUri(source)
        uri.setPassword("")
        source = uri.uri(False)
    return source
