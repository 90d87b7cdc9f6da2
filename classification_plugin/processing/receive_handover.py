"""classification:receivehandover - check a handover package and record it as received."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProject,
)

from classification_plugin.core.i18n import tr
from classification_plugin.integration.compat import ALGORITHM_NO_THREADING, FILE_FOLDER
from classification_plugin.processing.base import ClassificationAlgorithm


class ReceiveHandoverAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "custody"

    def name(self) -> str:
        return "receivehandover"

    def displayName(self) -> str:
        return tr("Receive a handover package")

    def shortHelpString(self) -> str:
        return tr(
            "Checks a handover package folder: the manifest, the SHA-256 of every file (a changed, missing or "
            "extra file is named) and, when the sender's handover is in this access log, that the manifest "
            "is the one handed over. Only a package that passes every check is recorded as received; with "
            "LOAD its layers are added to the project.")

    def flags(self):
        return super().flags() | ALGORITHM_NO_THREADING

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("PACKAGE", tr("Package folder"), FILE_FOLDER))
        self.addParameter(QgsProcessingParameterBoolean("LOAD", tr("Open the received layers"), True))
        self.addOutput(QgsProcessingOutputString("PACKAGE_ID", tr("Package id")))
        self.addOutput(QgsProcessingOutputMultipleLayers("LAYERS", tr("Received layers")))

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.integration.custody import CustodyService
        from classification_plugin.integration.services import services

        folder = self.parameterAsString(parameters, "PACKAGE", context)
        result = CustodyService(services()).receive(folder, feedback)
        if not result.ok:
            raise QgsProcessingException(result.message)
        feedback.pushInfo(result.message)
        if self.parameterAsBoolean(parameters, "LOAD", context):
            for path in result.files:
                details = QgsProcessingContext.LayerDetails(Path(path).stem, QgsProject.instance(), "")
                context.addLayerToLoadOnCompletion(path, details)
        return {"PACKAGE_ID": result.package_id, "LAYERS": result.files}
