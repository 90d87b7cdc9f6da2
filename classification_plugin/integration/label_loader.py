"""Picks up the label each added layer carries in its data, before anyone else looks at it.

Connected to ``QgsProject.layersAdded`` first, so indicators, the panel, the banner and the
access log all see the label that travelled with the file.
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QObject, pyqtSignal


class LabelLoader(QObject):
    unlabelledAdded = pyqtSignal(list)  # layers that arrived with no label

    def __init__(self, store):
        super().__init__()
        self.store = store
        QgsProject.instance().layersAdded.connect(self.on_layers_added)
        self.on_layers_added(list(QgsProject.instance().mapLayers().values()))

    def on_layers_added(self, layers) -> None:
        unlabelled = [layer for layer in layers if self.store.load(layer) is None]
        if unlabelled:
            self.unlabelledAdded.emit(unlabelled)

    def unload(self) -> None:
        QgsProject.instance().layersAdded.disconnect(self.on_layers_added)
