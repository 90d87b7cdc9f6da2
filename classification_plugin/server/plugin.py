"""The server plugin object: builds the shared guard and registers its two filters.

The policy, scheme and log location come from the same places as on the desktop (the policy
file named by ``CLASSIFICATION_GUARD_POLICY``, QGIS's global settings or the system path; the
log the policy names, else ``CLASSIFICATION_AUDIT_LOG``, else the server profile's folder).
"""

from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog

from classification_plugin.core.i18n import tr

LOG_TAG = "Classification Guard"
ACCESS_CONTROL_PRIORITY = 100  # before any other plugin's: a layer refused here stays refused


class ClassificationGuardServer:
    def __init__(self, server_iface):
        from classification_plugin.core.audit.buffered import process_spool
        from classification_plugin.integration.services import effective_settings, open_audit_log, profile_dir
        from classification_plugin.server.access import Guard, LabelAccessControl, RequestLogFilter
        from classification_plugin.server.audit import BackgroundWriter
        from classification_plugin.server.labels import LabelCache

        settings, registry, policy = effective_settings()
        scheme = registry.get(settings.scheme if settings.scheme in registry.schemes else next(iter(registry.schemes)))
        set_by_policy = policy is not None and not policy.failed and "audit_log_location" in policy.locked
        spool = process_spool(profile_dir() / "classification_guard", "audit-pending-server")
        writer = BackgroundWriter(lambda: open_audit_log(settings, set_by_policy, spool))
        self.guard = Guard(server_iface, policy, scheme, LabelCache(), writer)
        self.access_control = LabelAccessControl(server_iface, self.guard)
        self.request_log = RequestLogFilter(server_iface, self.guard)
        server_iface.registerAccessControl(self.access_control, ACCESS_CONTROL_PRIORITY)
        server_iface.registerFilter(self.request_log, ACCESS_CONTROL_PRIORITY)
        if policy is not None and policy.failed:
            message = tr("The administrator's policy cannot be used, so only the lowest level is served: {error}")
            QgsMessageLog.logMessage(message.format(error=policy.error), LOG_TAG, Qgis.MessageLevel.Critical)
        QgsMessageLog.logMessage(tr("Classification Guard is guarding this server (scheme {scheme}, policy {policy})")
                                 .format(scheme=scheme.id, policy=policy.path if policy is not None else tr("none")),
                                 LOG_TAG, Qgis.MessageLevel.Info)
