"""classification:setlabel - label a layer from the toolbox, models, processing.run or qgis_process."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterString,
)

from classification_plugin.core.i18n import tr
from classification_plugin.core.labels import LabelError, LabelRequest
from classification_plugin.integration.compat import ALGORITHM_NO_THREADING
from classification_plugin.processing.base import ClassificationAlgorithm


class SetLabelAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "labels"
    INPUT = "INPUT"
    LEVEL = "LEVEL"
    REASON = "REASON"
    JUSTIFICATION = "JUSTIFICATION"
    CAVEATS = "CAVEATS"

    def name(self) -> str:
        return "setlabel"

    def displayName(self) -> str:
        return tr("Set classification label")

    def shortHelpString(self) -> str:
        return tr(
            "Labels a layer with a classification level of the active scheme. Raising the level "
            "needs a reason; lowering it needs a written justification. The label is stored in the "
            "data source where the format allows (GeoPackage metadata or a .qmd file) and in the "
            "project. LEVEL is a level id such as public, internal, confidential, secret or top_secret."
        )

    def flags(self):
        # labels are written to layer objects and files: run on the main thread
        return super().flags() | ALGORITHM_NO_THREADING

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMapLayer(self.INPUT, tr("Layer")))
        self.addParameter(QgsProcessingParameterString(self.LEVEL, tr("Level id")))
        self.addParameter(QgsProcessingParameterString(self.REASON, tr("Reason"), optional=True))
        self.addParameter(
            QgsProcessingParameterString(self.JUSTIFICATION, tr("Justification (for a downgrade)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.CAVEATS, tr("Handling caveats (separated by ';')"), optional=True)
        )
        self.addOutput(QgsProcessingOutputString(self.LEVEL, tr("Level")))

    def processAlgorithm(self, parameters, context, feedback):
        from classification_plugin.integration.services import services

        layer = self.parameterAsLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(tr("The input layer could not be loaded"))
        caveats_text = self.parameterAsString(parameters, self.CAVEATS, context)
        request = LabelRequest(
            level=self.parameterAsString(parameters, self.LEVEL, context).strip(),
            reason=self.parameterAsString(parameters, self.REASON, context),
            justification=self.parameterAsString(parameters, self.JUSTIFICATION, context),
            caveats=tuple(c for c in caveats_text.split(";")) if caveats_text else None,
        )
        store = services().labels
        try:
            label = store.change(layer, request)
        except LabelError as error:
            raise QgsProcessingException(str(error)) from error
        feedback.pushInfo(
            tr("{layer} is now labelled {level}, stored {where}").format(
                layer=layer.name(), level=store.level_name(label), where=_where(store, layer)
            )
        )
        return {self.LEVEL: label.level if label else ""}


def _where(store, layer) -> str:
    from classification_plugin.integration.label_store import storage_description

    return storage_description(store.stored_in(layer))
