"""The one event type every part of the plugin records into the access log.

Integration code builds an :class:`AuditEvent` through ``integration.audit_recorder`` (which
fills in who, where and the layer's label at that moment) and never writes a log directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Action(str, Enum):
    LAYER_ADDED = "layer_added"
    LAYER_REMOVED = "layer_removed"
    LAYER_SHOWN = "layer_shown"
    LAYER_HIDDEN = "layer_hidden"
    ATTRIBUTE_TABLE_OPENED = "attribute_table_opened"
    EDITING_STARTED = "editing_started"
    EDITING_COMMITTED = "editing_committed"
    EDITING_COMMIT_FAILED = "editing_commit_failed"  # outcome "failed"; details: counts, errors, unsaved
    EDITING_ROLLED_BACK = "editing_rolled_back"  # edits discarded; details: counts discarded
    LABEL_APPLIED = "label_applied"
    LABEL_CHANGED = "label_changed"
    LABEL_REMOVED = "label_removed"
    LABEL_CHANGE_REFUSED = "label_change_refused"  # outcome "blocked"; details: old, new, reason
    EXPORT_ATTEMPTED = "export_attempted"
    EXPORT_BLOCKED = "export_blocked"
    EXPORT_ALLOWED = "export_allowed"
    ACCESS_DENIED = "access_denied"  # outcome "blocked": a layer above the user's clearance; details: level, clearance
    SERVER_REQUEST = "server_request"  # QGIS Server; outcome allowed/blocked; details: service, request, layers, bbox
    PROTECTED_AREA_WARNING = "protected_area_warning"
    PROJECT_OPENED = "project_opened"
    PROJECT_SAVED = "project_saved"
    PLUGIN_LOADED = "plugin_loaded"
    PLUGIN_UNLOADED = "plugin_unloaded"
    SESSION_UNCLEAN = "session_unclean"  # outcome "warning"; details: session, pid, started_ms, last_event
    PART_DISABLED = "plugin_part_disabled"  # details: part, reason, qgis (a hook missing on this QGIS)
    POLICY_LOADED = "policy_loaded"  # details: path, signed, locked (the administrator's policy)
    POLICY_FAILED = "policy_failed"  # outcome "failed"; details: path, error (the plugin fails closed)
    SETTINGS_CHANGED = "settings_changed"
    # custody (core.custody): details hold the package id; a handover also the manifest's SHA-256
    # a handover's details: package_id, manifest_hash, sender, recipient, purpose, approval,
    # return_by, caveats, datasets ([{uid, name, level}])
    HANDOVER = "handover"
    HANDOVER_RECEIVED = "handover_received"  # details: package_id, manifest_hash, sender, receiver
    HANDOVER_RECEIVE_REFUSED = "handover_receive_refused"  # outcome "blocked"; details: package_id, problems
    COPY_RETURNED = "copy_returned"  # details: package_id, by, witness, when
    COPY_DESTROYED = "copy_destroyed"  # details: package_id, by, witness, when
    ONWARD_TRANSFER_REFUSED = "onward_transfer_refused"  # outcome "blocked"; details: package_id, destination
    REGISTER_SNAPSHOT_MISMATCH = "register_snapshot_mismatch"  # outcome "warning"; details: snapshot, seq
    LOG_VERIFIED = "log_verified"
    LOG_EXPORTED = "log_exported"


class Outcome(str, Enum):
    OK = "ok"
    BLOCKED = "blocked"
    ALLOWED = "allowed"
    JUSTIFIED = "allowed_with_justification"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True)
class AuditEvent:
    """One log entry. ``time_ms`` is UTC milliseconds since the epoch."""

    time_ms: int
    action: str
    outcome: str = Outcome.OK.value
    user: str = ""
    full_name: str = ""
    host: str = ""
    session_id: str = ""
    project: str = ""
    layer_id: str = ""
    layer_name: str = ""
    layer_source: str = ""
    provider: str = ""
    label: str = ""  # level id at that moment ("" when unlabelled)
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)
