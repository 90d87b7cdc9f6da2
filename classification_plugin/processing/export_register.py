"""classification:exportregister - the register of classified holdings to CSV (and PDF)."""

from __future__ import annotations

from datetime import date

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from classification_plugin.core import custody
from classification_plugin.core.i18n import tr
from classification_plugin.processing.base import ClassificationAlgorithm


class ExportRegisterAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "custody"

    def name(self) -> str:
        return "exportregister"

    def displayName(self) -> str:
        return tr("Export the register of classified holdings")

    def shortHelpString(self) -> str:
        return tr(
            "Writes the register derived from the access log: one row per dataset and copy, with its level, "
            "holder and state (handed_over, received, returned, destroyed, overdue, never_acknowledged). "
            "UNIT, LEVEL and STATE filter it (UNIT matches the sender's or the recipient's unit). With the "
            "central PostgreSQL log it covers every workstation of the unit.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString("UNIT", tr("Unit"), optional=True))
        self.addParameter(QgsProcessingParameterString("LEVEL", tr("Level id"), optional=True))
        self.addParameter(QgsProcessingParameterString("STATE", tr("State"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Register (CSV)"), "CSV (*.csv)"))
        self.addParameter(QgsProcessingParameterFileDestination("PDF", tr("Register (PDF)"), "PDF (*.pdf)",
                                                                optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("COUNT", tr("Rows")))

    def processAlgorithm(self, parameters, context, feedback):
        import time

        from classification_plugin.integration.custody import (
            CustodyService,
            register_html,
            write_pdf,
            write_register_csv,
        )
        from classification_plugin.integration.services import services

        def text(name):
            return self.parameterAsString(parameters, name, context).strip()

        state = text("STATE")
        if state and state not in custody.STATES:
            from qgis.core import QgsProcessingException

            raise QgsProcessingException(tr("Unknown state '{state}' (one of: {states})").format(
                state=state, states=", ".join(custody.STATES)))
        register = CustodyService(services()).register()
        rows = register.rows(date.today(), int(time.time() * 1000), text("UNIT"), text("LEVEL"), state)
        records = custody.register_records(rows)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        write_register_csv(output, records)
        results = {"OUTPUT": output, "COUNT": len(records)}
        pdf = self.parameterAsFileOutput(parameters, "PDF", context)
        if pdf:
            write_pdf(pdf, tr("Register of classified holdings"),
                      register_html(records, tr("Register of classified holdings")), landscape=True)
            results["PDF"] = pdf
        feedback.pushInfo(tr("{count} register rows written").format(count=len(records)))
        return results
