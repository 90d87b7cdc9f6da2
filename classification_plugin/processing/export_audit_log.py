"""classification:exportauditlog - write (filtered) access-log entries to CSV for auditors."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from classification_plugin.core.i18n import tr
from classification_plugin.processing.base import ClassificationAlgorithm
from classification_plugin.processing.verify_audit_log import add_log_parameters, log_location

# parameter -> AuditFilter field
TEXT_FILTERS = (("USER", "user"), ("LAYER", "layer"), ("ACTION", "action"), ("LEVEL", "label"),
                ("OUTCOME", "outcome"), ("TEXT", "text"))


class ExportAuditLogAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "accesslog"
    LOCATION = "LOCATION"
    KEY_FILE = "KEY_FILE"
    FROM = "FROM"
    TO = "TO"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "exportauditlog"

    def displayName(self) -> str:
        return tr("Export access log to CSV")

    def shortHelpString(self) -> str:
        return tr(
            "Writes the access-log entries that match every filter given (empty filters match all) to a "
            "UTF-8 CSV file, oldest first, with each entry's hash and signature so an auditor can check "
            "them. Times are UTC in the file; FROM and TO are inclusive."
        )

    def initAlgorithm(self, config=None):
        add_log_parameters(self)
        titles = {
            "USER": tr("User login (exact)"), "LAYER": tr("Layer id, or part of its name"),
            "ACTION": tr("Action (e.g. export_blocked)"), "LEVEL": tr("Level id (e.g. secret)"),
            "OUTCOME": tr("Outcome (e.g. blocked)"), "TEXT": tr("Text in any field"),
        }
        for key, _field in TEXT_FILTERS:
            self.addParameter(QgsProcessingParameterString(key, titles[key], optional=True))
        self.addParameter(QgsProcessingParameterDateTime(self.FROM, tr("From"), optional=True))
        self.addParameter(QgsProcessingParameterDateTime(self.TO, tr("To"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, tr("CSV file"), tr("CSV files (*.csv)")))
        self.addOutput(QgsProcessingOutputNumber("ENTRIES", tr("Entries written")))

    def prepareAlgorithm(self, parameters, context, feedback) -> bool:
        try:
            self._location, self._key = log_location(
                self.parameterAsString(parameters, self.LOCATION, context),
                self.parameterAsFile(parameters, self.KEY_FILE, context))
        except OSError as exc:
            message = tr("The key file cannot be read: {error}").format(error=exc)
            raise QgsProcessingException(message) from exc
        self._written = None
        return True

    def _filters(self, parameters, context):
        from classification_plugin.core.audit import AuditFilter

        values = {field: self.parameterAsString(parameters, key, context).strip()
                  for key, field in TEXT_FILTERS}
        for key, field in ((self.FROM, "time_from_ms"), (self.TO, "time_to_ms")):
            moment = self.parameterAsDateTime(parameters, key, context) if parameters.get(key) else None
            values[field] = moment.toMSecsSinceEpoch() if moment is not None and moment.isValid() else None
        return AuditFilter(**values)

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.core.audit import AuditWriteError, open_log

        filters = self._filters(parameters, context)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        try:
            log = open_log(self._location, self._key, create=False)
            try:
                written = log.export_csv(output, filters)
            finally:
                log.close()
        except (AuditWriteError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(tr("{n} entries written to {path}").format(n=written, path=output))
        self._written = (written, output, filters)
        return {"OUTPUT": output, "ENTRIES": written}

    def postProcessAlgorithm(self, context, feedback):
        from dataclasses import asdict

        from classification_plugin.core.audit.events import Action
        from classification_plugin.integration.services import services

        if self._written is not None:
            written, output, filters = self._written
            services().recorder.record(Action.LOG_EXPORTED, details={
                "path": output, "entries": written, "via": "processing",
                "filters": {k: v for k, v in asdict(filters).items() if v not in (None, "")}})
        return {}
