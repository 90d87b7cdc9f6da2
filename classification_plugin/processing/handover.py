"""classification:handover - write a handover package of classified layers, with its manifest and receipt."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
)

from classification_plugin.core.custody import NO_ONWARD_TRANSFER, HandoverRequest, Party
from classification_plugin.core.i18n import tr
from classification_plugin.integration.compat import ALGORITHM_NO_THREADING, FILE_FOLDER, SOURCE_MAP_LAYER
from classification_plugin.processing.base import ClassificationAlgorithm


class HandoverAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "custody"

    def name(self) -> str:
        return "handover"

    def displayName(self) -> str:
        return tr("Hand over classified data")

    def shortHelpString(self) -> str:
        return tr(
            "Writes a handover package of the LAYERS into a folder named after the package id inside "
            "DESTINATION: each layer as a new file carrying its label and the copy's custody, manifest.json "
            "with the SHA-256 of every file, and receipt.pdf (Chinese and English) for the recipient to sign. "
            "The export policy decides as for any export (approved folders, a JUSTIFICATION where the policy "
            "asks for one). The handover is recorded in the access log with the manifest's SHA-256. "
            "RETURN_BY is the return-or-destroy date (YYYY-MM-DD). With NO_ONWARD_TRANSFER the recipient may "
            "hand the data only back to this unit.")

    def flags(self):
        return super().flags() | ALGORITHM_NO_THREADING  # layers are read and labels written on the main thread

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMultipleLayers("LAYERS", tr("Layers"), SOURCE_MAP_LAYER))
        self.addParameter(QgsProcessingParameterString("RECIPIENT_UNIT", tr("Recipient unit")))
        self.addParameter(QgsProcessingParameterString("RECIPIENT_PERSON", tr("Recipient person")))
        self.addParameter(QgsProcessingParameterString("PURPOSE", tr("Purpose")))
        self.addParameter(QgsProcessingParameterString("APPROVAL", tr("Approval or contract number")))
        self.addParameter(QgsProcessingParameterString("RETURN_BY", tr("Return or destroy by (YYYY-MM-DD)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterBoolean("NO_ONWARD_TRANSFER", tr("No onward transfer"), True))
        self.addParameter(QgsProcessingParameterString("CAVEATS", tr("Other caveats (separated by ';')"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString("JUSTIFICATION", tr("Justification (where the policy asks)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFile("DESTINATION", tr("Destination folder"), FILE_FOLDER))
        for name, description in (("PACKAGE_ID", tr("Package id")), ("PACKAGE_FOLDER", tr("Package folder")),
                                  ("MANIFEST_HASH", tr("SHA-256 of the manifest"))):
            self.addOutput(QgsProcessingOutputString(name, description))

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.integration.custody import CustodyService
        from classification_plugin.integration.services import services

        def text(name):
            return self.parameterAsString(parameters, name, context).strip()

        caveats = [c.strip() for c in text("CAVEATS").split(";") if c.strip()]
        if self.parameterAsBoolean(parameters, "NO_ONWARD_TRANSFER", context):
            caveats.insert(0, NO_ONWARD_TRANSFER)
        request = HandoverRequest(Party(text("RECIPIENT_UNIT"), text("RECIPIENT_PERSON")), text("PURPOSE"),
                                  text("APPROVAL"), text("RETURN_BY"), tuple(dict.fromkeys(caveats)))
        layers = self.parameterAsLayerList(parameters, "LAYERS", context)
        result = CustodyService(services()).hand_over(layers, request, text("DESTINATION"), text("JUSTIFICATION"),
                                                      feedback)
        if not result.ok:
            raise QgsProcessingException(result.message)
        feedback.pushInfo(result.message)
        return {"PACKAGE_ID": result.package_id, "PACKAGE_FOLDER": result.folder,
                "MANIFEST_HASH": result.manifest_hash}
