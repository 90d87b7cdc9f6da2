"""classification:closecopy - record that a handed-over copy came back or was destroyed."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)

from classification_plugin.core.custody import CustodyError
from classification_plugin.core.i18n import tr
from classification_plugin.processing.base import ClassificationAlgorithm


class CloseCopyAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "custody"

    def name(self) -> str:
        return "closecopy"

    def displayName(self) -> str:
        return tr("Record a copy returned or destroyed")

    def shortHelpString(self) -> str:
        return tr(
            "Records in the access log that the copy handed over as PACKAGE_ID came back or was destroyed, by "
            "whom, with which witness (needed for a destruction) and when (YYYY-MM-DD, today when empty). "
            "The copy is then closed in the register; a package the log does not know, or one already closed, "
            "is refused.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString("PACKAGE_ID", tr("Package id")))
        self.addParameter(QgsProcessingParameterEnum("STATE", tr("What happened"),
                                                     [tr("returned"), tr("destroyed")], defaultValue=0))
        self.addParameter(QgsProcessingParameterString("BY", tr("Returned or destroyed by")))
        self.addParameter(QgsProcessingParameterString("WITNESS", tr("Witness"), optional=True))
        self.addParameter(QgsProcessingParameterString("WHEN", tr("Date (YYYY-MM-DD)"), optional=True))
        self.addOutput(QgsProcessingOutputString("STATE", tr("State")))

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.integration.custody import CustodyService
        from classification_plugin.integration.services import services

        def text(name):
            return self.parameterAsString(parameters, name, context).strip()

        destroyed = self.parameterAsEnum(parameters, "STATE", context) == 1
        try:
            message = CustodyService(services()).close_copy(text("PACKAGE_ID"), destroyed, text("BY"),
                                                            text("WITNESS"), text("WHEN"))
        except CustodyError as error:
            raise QgsProcessingException(str(error)) from error
        feedback.pushInfo(message)
        return {"STATE": "destroyed" if destroyed else "returned"}
