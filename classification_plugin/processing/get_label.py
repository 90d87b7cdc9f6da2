"""classification:getlabel - read a layer's label (empty LEVEL when it has none)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterMapLayer,
)

from classification_plugin.core.i18n import current_language, tr
from classification_plugin.integration.compat import ALGORITHM_NO_THREADING
from classification_plugin.processing.base import ClassificationAlgorithm


class GetLabelAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "labels"
    INPUT = "INPUT"

    def name(self) -> str:
        return "getlabel"

    def displayName(self) -> str:
        return tr("Get classification label")

    def shortHelpString(self) -> str:
        return tr(
            "Reads a layer's classification label, including one carried by its data file. "
            "LEVEL is empty when the layer is not labelled. STORED_IN says where the label lives: "
            "geopackage, sidecar or project."
        )

    def flags(self):
        return super().flags() | ALGORITHM_NO_THREADING

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMapLayer(self.INPUT, tr("Layer")))
        self.addOutput(QgsProcessingOutputString("LEVEL", tr("Level id")))
        self.addOutput(QgsProcessingOutputString("LEVEL_NAME", tr("Level name")))
        self.addOutput(QgsProcessingOutputString("SCHEME", tr("Scheme")))
        self.addOutput(QgsProcessingOutputString("STORED_IN", tr("Stored in")))

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.integration.services import services

        layer = self.parameterAsLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(tr("The input layer could not be loaded"))
        store = services().labels
        label = store.load(layer)
        return {
            "LEVEL": label.level if label else "",
            "LEVEL_NAME": store.level_name(label, current_language()) if label else "",
            "SCHEME": label.scheme if label else "",
            "STORED_IN": store.stored_in(layer) if label else "",
        }
