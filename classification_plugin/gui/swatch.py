"""Coloured level swatches (icons with the level's acronym) shared by the indicator, panel and dialog."""

from __future__ import annotations

from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from classification_plugin.core.schemes import Level

_cache: dict[tuple, QIcon] = {}


def level_icon(level: Level | None, size: int = 32) -> QIcon:
    """A rounded badge in the level's colours with its acronym; grey '?' when unlabelled."""
    if level is None:
        key = ("?", "#9e9e9e", "#ffffff", size)
    else:
        key = (level.acronym, level.background, level.text_color, size)
    if key in _cache:
        return _cache[key]
    text, background, foreground, _ = key
    width = size * 2 if len(text) > 2 else size + size // 2
    pixmap = QPixmap(width, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(background))
    painter.setPen(QColor(background).darker(150))
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, size - 1), size / 5, size / 5)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.55 if len(text) <= 2 else 0.42)))
    painter.setFont(font)
    painter.setPen(QColor(foreground))
    painter.drawText(QRectF(0, 0, width, size), int(Qt.AlignmentFlag.AlignCenter), text)
    painter.end()
    icon = QIcon(pixmap)
    _cache[key] = icon
    return icon
