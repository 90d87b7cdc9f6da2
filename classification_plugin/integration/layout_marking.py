"""Print layouts, for the desktop's layout exports and QGIS Server's GetPrint alike: which layers a
layout prints, and the level's banner at the top and bottom of each of its pages."""

from __future__ import annotations

from qgis.core import (
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsProject,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont

from classification_plugin.integration.compat import LAYOUT_MILLIMETERS

BAND_MM = 7.0
FONT_POINTS = 11.0


def layout_layers(layout, project=None, free_maps=()) -> list:
    """The layers ``layout`` prints: those its maps keep or take from a map theme, the layers of
    its attribute tables and its atlas's coverage layer. A map with neither shows ``free_maps``
    (on the desktop the visible layers; QGIS Server hands such a map the layers the request
    names, which its access control judges by itself)."""
    project = project or layout.project() or QgsProject.instance()
    layers = []
    for item in layout.items():
        if not isinstance(item, QgsLayoutItemMap):
            continue
        if item.followVisibilityPreset() and item.followVisibilityPresetName():
            # a theme wins over the map's own layers when QGIS renders it
            layers.extend(project.mapThemeCollection().mapThemeVisibleLayers(item.followVisibilityPresetName()))
        elif item.keepLayerSet():
            layers.extend(item.layers())
        else:
            layers.extend(free_maps)
    for frame in layout.multiFrames():
        if isinstance(frame, QgsLayoutItemAttributeTable):
            layers.append(frame.vectorLayer())
    atlas = getattr(layout, "atlas", None)
    atlas = atlas() if atlas is not None else None
    if atlas is not None and atlas.enabled():
        layers.append(atlas.coverageLayer())
    return [layer for layer in dict.fromkeys(layers) if layer is not None]


def add_layout_marking(layout, marking, item_id: str) -> list:
    """Put banner ``marking`` = (text, background, foreground) at the top and bottom of every page
    of ``layout`` (outside its undo history), as label items with ``item_id``; returns them."""
    if marking is None:
        return []
    text, background, foreground = marking
    items = []
    stack = layout.undoStack()
    stack.blockCommands(True)
    try:
        pages = layout.pageCollection()
        for index in range(pages.pageCount()):
            size = layout.convertToLayoutUnits(pages.page(index).pageSize())
            for top in (0.0, size.height() - BAND_MM):
                item = QgsLayoutItemLabel(layout)
                item.setId(item_id)
                item.setText(text)
                font = QFont()
                font.setBold(True)
                font.setPointSizeF(FONT_POINTS)
                item.setFont(font)
                item.setFontColor(QColor(foreground))
                item.setBackgroundEnabled(True)
                item.setBackgroundColor(QColor(background))
                item.setFrameEnabled(False)
                item.setHAlign(Qt.AlignmentFlag.AlignHCenter)
                item.setVAlign(Qt.AlignmentFlag.AlignVCenter)
                item.setZValue(10 ** 6)
                layout.addLayoutItem(item)
                item.attemptResize(QgsLayoutSize(size.width(), BAND_MM, LAYOUT_MILLIMETERS))
                item.attemptMove(QgsLayoutPoint(0, top, LAYOUT_MILLIMETERS), True, False, index)
                items.append(item)
    finally:
        stack.blockCommands(False)
    return items


def remove_layout_marking(layout, items) -> None:
    """Take the items :func:`add_layout_marking` added out of ``layout`` again."""
    if not items:
        return
    stack = layout.undoStack()
    stack.blockCommands(True)
    try:
        for item in items:
            layout.removeLayoutItem(item)
    finally:
        stack.blockCommands(False)
