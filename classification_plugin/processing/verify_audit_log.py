"""classification:verifyauditlog - check the access log's hash chain and checkpoint."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from classification_plugin.core.i18n import tr
from classification_plugin.processing.base import ClassificationAlgorithm


def add_log_parameters(algorithm) -> None:
    """LOCATION and KEY_FILE, shared by the access-log algorithms."""
    algorithm.addParameter(QgsProcessingParameterString(
        "LOCATION", tr("Log location (empty: the configured log)"), optional=True))
    algorithm.addParameter(QgsProcessingParameterFile(
        "KEY_FILE", tr("Administrator key file (HMAC)"), optional=True))


def log_location(location: str, key_file: str) -> tuple:
    """(location, HMAC key) to open: the configured log when ``location`` is empty."""
    from pathlib import Path

    from classification_plugin.integration.services import services

    configured = services().log
    location = (location or "").strip() or configured.location
    if key_file:
        key = Path(key_file).read_bytes().strip() or None
    else:
        key = configured.hmac_key if location == configured.location else None
    return location, key


class VerifyAuditLogAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "accesslog"
    LOCATION = "LOCATION"
    KEY_FILE = "KEY_FILE"

    def name(self) -> str:
        return "verifyauditlog"

    def displayName(self) -> str:
        return tr("Verify access log")

    def shortHelpString(self) -> str:
        return tr(
            "Checks every entry of the access log against the hash chain (and the administrator "
            "signature when a key is used) and the checkpoint that guards its end. LOCATION is an SQLite "
            "file or a postgresql:// URI; empty means the log this QGIS writes to. VALID is true when the "
            "log is intact; FIRST_BAD is the number of the first entry that was changed, inserted or "
            "deleted (empty when there is none)."
        )

    def initAlgorithm(self, config=None):
        add_log_parameters(self)
        self.addOutput(QgsProcessingOutputBoolean("VALID", tr("Intact")))
        self.addOutput(QgsProcessingOutputNumber("ENTRIES", tr("Entries checked")))
        self.addOutput(QgsProcessingOutputString("FIRST_BAD", tr("First bad entry")))
        self.addOutput(QgsProcessingOutputString("MESSAGE", tr("Message")))

    def prepareAlgorithm(self, parameters, context, feedback) -> bool:
        try:  # main thread: read the plugin's configuration here, not in the worker thread
            self._location, self._key = log_location(
                self.parameterAsString(parameters, self.LOCATION, context),
                self.parameterAsFile(parameters, self.KEY_FILE, context))
        except OSError as exc:
            message = tr("The key file cannot be read: {error}").format(error=exc)
            raise QgsProcessingException(message) from exc
        self._result = None
        return True

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.core.audit import AuditWriteError, open_log

        try:
            log = open_log(self._location, self._key, create=False)
            try:
                result = log.verify(progress=feedback.setProgress, is_canceled=feedback.isCanceled)
            finally:
                log.close()
        except AuditWriteError as exc:
            raise QgsProcessingException(str(exc)) from exc
        if result.valid:
            feedback.pushInfo(result.message)
        else:
            feedback.reportError(result.message)
        self._result = result
        return {
            "VALID": result.valid,
            "ENTRIES": result.entries,
            "FIRST_BAD": "" if result.first_bad is None else str(result.first_bad),
            "MESSAGE": result.message,
        }

    def postProcessAlgorithm(self, context, feedback):
        from classification_plugin.core.audit.events import Action, Outcome
        from classification_plugin.integration.services import services

        result = self._result
        if result is not None and not result.canceled:
            outcome = Outcome.OK if result.valid else Outcome.FAILED
            services().recorder.record(Action.LOG_VERIFIED, outcome=outcome, details={
                "location": self._location, "entries": result.entries, "first_bad": result.first_bad,
                "via": "processing"})
        return {}
