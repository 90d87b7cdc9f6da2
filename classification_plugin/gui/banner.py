"""The map banner: the highest level among visible layers, top and bottom of the canvas."""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import QLabel

BANNER_HEIGHT = 22


class MapBanner(QObject):
    """Two labels laid over the canvas; they follow its size and the visible layers."""

    def __init__(self, canvas, store):
        super().__init__()
        self.canvas = canvas
        self.store = store
        self.top = self._make_label()
        self.bottom = self._make_label()
        canvas.installEventFilter(self)
        canvas.layersChanged.connect(self.update_banner)
        store.labelChanged.connect(self.update_banner)
        QgsProject.instance().layerTreeRoot().visibilityChanged.connect(self.update_banner)
        self.update_banner()

    def _make_label(self) -> QLabel:
        label = QLabel(self.canvas)
        label.setObjectName("ClassificationGuardBanner")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.hide()
        return label

    def visible_layers(self) -> list:
        # an invalid layer draws nothing: a missing file, or one the clearance gate emptied
        return [layer for layer in self.canvas.layers() if layer.isValid()]

    def current_text(self) -> str:
        return self.top.text() if self.top.isVisible() else ""

    def update_banner(self, *_args) -> None:
        marking = self.store.banner(self.visible_layers())
        for label in (self.top, self.bottom):
            if marking is None:
                label.hide()
                continue
            text, background, foreground = marking
            label.setText(text)
            label.setStyleSheet(
                f"QLabel {{ background-color: {background}; color: {foreground}; font-weight: bold;"
                " letter-spacing: 2px; }"
            )
            label.show()
            label.raise_()
        self._place()

    def _place(self) -> None:
        width, height = self.canvas.width(), self.canvas.height()
        self.top.setGeometry(0, 0, width, BANNER_HEIGHT)
        self.bottom.setGeometry(0, height - BANNER_HEIGHT, width, BANNER_HEIGHT)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if obj is self.canvas and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def unload(self) -> None:
        self.canvas.removeEventFilter(self)
        self.canvas.layersChanged.disconnect(self.update_banner)
        self.store.labelChanged.disconnect(self.update_banner)
        QgsProject.instance().layerTreeRoot().visibilityChanged.disconnect(self.update_banner)
        for label in (self.top, self.bottom):
            label.hide()
            label.setParent(None)
            label.deleteLater()
