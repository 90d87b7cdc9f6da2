"""The `classification` Processing provider: the plugin's scripting interface."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from classification_plugin.core.i18n import tr
from classification_plugin.core.paths import resource


def algorithm_classes() -> list:
    """Every algorithm of the provider; each module holds one algorithm and no logic of its own."""
    from classification_plugin.core.deps import shapely_problem
    from classification_plugin.processing.close_copy import CloseCopyAlgorithm
    from classification_plugin.processing.export_audit_log import ExportAuditLogAlgorithm
    from classification_plugin.processing.export_register import ExportRegisterAlgorithm
    from classification_plugin.processing.get_label import GetLabelAlgorithm
    from classification_plugin.processing.handover import HandoverAlgorithm
    from classification_plugin.processing.receive_handover import ReceiveHandoverAlgorithm
    from classification_plugin.processing.set_label import SetLabelAlgorithm
    from classification_plugin.processing.verify_audit_log import VerifyAuditLogAlgorithm

    classes = [SetLabelAlgorithm, GetLabelAlgorithm, VerifyAuditLogAlgorithm, ExportAuditLogAlgorithm,
               HandoverAlgorithm, ReceiveHandoverAlgorithm, CloseCopyAlgorithm, ExportRegisterAlgorithm]
    if not shapely_problem():  # the zone check needs shapely 2; without it the rest still loads
        from classification_plugin.processing.check_protected_areas import CheckProtectedAreasAlgorithm

        classes.append(CheckProtectedAreasAlgorithm)
    return classes


class ClassificationProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "classification"

    def name(self) -> str:
        return tr("Classification Guard")

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "classification.svg")))

    def loadAlgorithms(self) -> None:
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
