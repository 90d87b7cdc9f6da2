"""The plugin's shared objects, built once and shared by the desktop, Processing and qgis_process.

``services()`` builds settings, schemes, the audit recorder and the label store on first use;
``shutdown()`` closes the log (the plugin's ``unload`` calls it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from classification_plugin.core.settings import Settings


@dataclass
class Services:
    settings: Settings
    registry: object
    recorder: object
    labels: object
    log: object
    problems: list = field(default_factory=list)
    policy: object = None  # the administrator's AdminPolicy, None when there is none
    closed_reason: str = ""  # set by fail_closed(): the policy is treated as failed for this session

    def fail_closed(self, reason: str) -> None:
        """Treat the policy as one that cannot be used, for the rest of this session (a part the
        policy depends on could not start): every classified export blocked, every key locked."""
        from classification_plugin.core.admin_policy import PolicyError, failed_policy

        self.closed_reason = reason
        self.policy = failed_policy(PolicyError(self.policy.path if self.policy is not None else "", reason))
        self.settings = self.policy.apply(self.settings, self.labels.scheme)

    def reload_settings(self) -> None:
        """Apply changed settings to the objects built from them (the policy's locked keys win)."""
        self.settings, self.registry, self.policy = effective_settings()
        if self.closed_reason:
            self.fail_closed(self.closed_reason)
        scheme_id = self.settings.scheme if self.settings.scheme in self.registry.schemes else \
            next(iter(self.registry.schemes))
        self.labels.registry = self.registry
        self.labels.scheme_id = scheme_id
        self.labels.downgrade_roles = self.policy.downgrade_roles if self.policy is not None else ()
        self.recorder.unclassified_mode = self.settings.audit_unclassified


_services: Services | None = None


def profile_dir() -> Path:
    from qgis.core import QgsApplication

    return Path(QgsApplication.qgisSettingsDirPath())


def open_audit_log(settings: Settings, set_by_policy: bool = False, spool: Path | None = None):
    """The buffered log at the configured location (env var, setting, or the profile folder); a
    location the administrator's policy sets wins over the environment variable too. ``spool``:
    where events wait while the log cannot be written (the profile's file by default)."""
    from classification_plugin.core.audit import BufferedAuditLog, resolve_location
    from classification_plugin.core.audit.location import is_postgres_uri

    location = resolve_location(settings.audit_log_location, str(profile_dir()))
    if set_by_policy:
        value = settings.audit_log_location
        location = value if is_postgres_uri(value) else os.path.abspath(os.path.expanduser(value))
    key = None
    if settings.audit_hmac_key_file:
        try:
            key = Path(settings.audit_hmac_key_file).read_bytes().strip()
        except OSError:
            key = None
    # events that cannot be written yet wait in a spool file, so they survive closing QGIS
    spool = spool or profile_dir() / "classification_guard" / "audit-pending.jsonl"
    spool.parent.mkdir(parents=True, exist_ok=True)
    return BufferedAuditLog(location, hmac_key=key, spool_path=str(spool))


def effective_settings() -> tuple:
    """(settings, scheme registry, policy): the user's settings with the administrator's policy
    laid over them (a policy that cannot be used fails closed, never falls back to the user's)."""
    from classification_plugin.core.schemes import DEFAULT_SCHEME_ID, SchemeRegistry
    from classification_plugin.integration.policy_loader import current_policy

    settings = Settings.load()
    registry = SchemeRegistry(settings.schemes_folder or None)
    user_scheme = settings.scheme if settings.scheme in registry.schemes else DEFAULT_SCHEME_ID
    policy = current_policy(registry, user_scheme)
    if policy is not None:
        settings = policy.apply(settings, registry.schemes[user_scheme])
    return settings, registry, policy


def services() -> Services:
    global _services
    if _services is None:
        from classification_plugin.integration.audit_recorder import AuditRecorder, current_groups, current_identity
        from classification_plugin.integration.label_store import LabelStore

        settings, registry, policy = effective_settings()
        scheme_id = settings.scheme if settings.scheme in registry.schemes else "cn_state_secret"
        log = open_audit_log(settings, policy is not None and not policy.failed
                             and "audit_log_location" in policy.locked)
        problems: list = []
        labels = LabelStore(registry, scheme_id, user=current_identity()[0], user_groups=current_groups)
        labels.downgrade_roles = policy.downgrade_roles if policy is not None else ()
        recorder = AuditRecorder(log, labels.label, settings.audit_unclassified, problems.append)
        labels.record_event = recorder.record
        _services = Services(settings, registry, recorder, labels, log, problems, policy)
    return _services


def shutdown() -> None:
    global _services
    if _services is not None:
        close = getattr(_services.log, "close", None)
        if close is not None:
            close()
        _services = None
