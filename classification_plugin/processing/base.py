"""What every algorithm of the `classification` provider shares: its group and a fresh instance."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm

from classification_plugin.core.i18n import tr


def group_name(group_id: str) -> str:
    return {
        "labels": tr("Labels"),
        "accesslog": tr("Access log"),
        "protectedareas": tr("Protected areas"),
        "custody": tr("Custody"),
    }[group_id]


class ClassificationAlgorithm(QgsProcessingAlgorithm):
    GROUP_ID = ""

    def group(self) -> str:
        return group_name(self.GROUP_ID)

    def groupId(self) -> str:
        return self.GROUP_ID

    def createInstance(self):
        return type(self)()
