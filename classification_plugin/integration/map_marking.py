"""The classification marking of Save Map as Image / Save Map as PDF exports.

QGIS's ``QgsMapSaveDialog`` renders through a ``QgsMapRendererTask`` that it hands to the task
manager. ``QgsTaskManager.taskAdded`` fires before the manager starts the task (checked on QGIS
3.22: the task is still queued), and the task draws its annotations over the map after rendering
it (``QgsMapRendererTask.addAnnotations`` clones them; the task deletes the clones when it ends).
Two frame-relative text annotations therefore put the level's banner at the top and bottom of the
image or PDF, whatever extent, size or resolution the user chose, without adding anything to the
project, its annotation manager or the canvas: nothing has to be removed afterwards, and a
cancelled dialog leaves nothing behind.

Geospatial PDF output does not draw annotations (QGIS 3.22), so the guard turns that option off.

An image QGIS has already saved (the elevation profile's Export as Image, rendered and saved in one
go by QGIS's application code) gets the same banner afterwards: :func:`mark_image_file` adds a band
above and below it, so none of what QGIS drew is covered.
"""

from __future__ import annotations

from html import escape

from qgis.core import QgsFillSymbol, QgsMapRendererTask, QgsMargins, QgsProject, QgsTask, QgsTextAnnotation
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QPointF, QRect, QSizeF, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter, QTextDocument
from qgis.PyQt.QtWidgets import QApplication, QCheckBox, QGroupBox, QSpinBox

MAP_SAVE_DIALOG = "QgsMapSaveDialog"
RENDERER_TASK = "QgsMapRendererTask"
# "Create Geospatial PDF" (3.22: mGeoPDFGroupBox; renamed later)
GEOSPATIAL_PDF_BOXES = ("mGeoPDFGroupBox", "mGeospatialPDFGroupBox")
BAND_MM = 6.0
FONT_POINTS = 10.0
TOP_MARGIN_MM = 1.0


def marking_annotations(marking, width_px: float, height_px: float, dpi: float) -> list:
    """Two text annotations, banner ``marking`` = (text, background, foreground), spanning the
    top and bottom of a ``width_px`` x ``height_px`` output rendered at ``dpi``."""
    text, background, foreground = marking
    dpi = dpi if dpi and dpi > 0 else 96.0
    width_mm = max(1.0, width_px * 25.4 / dpi)
    height_mm = max(1.0, height_px * 25.4 / dpi)
    band = min(BAND_MM, height_mm / 4)
    annotations = []
    for top in (0.0, 1.0 - band / height_mm):
        document = QTextDocument()
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(FONT_POINTS)
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setHtml(f'<div align="center" style="color: {escape(foreground)}; font-weight: bold;">'
                         f"{escape(text)}</div>")
        annotation = QgsTextAnnotation()
        annotation.setDocument(document)
        annotation.setHasFixedMapPosition(False)
        annotation.setRelativePosition(QPointF(0.0, top))
        annotation.setFrameSizeMm(QSizeF(width_mm, band))
        annotation.setContentsMargin(QgsMargins(0, min(TOP_MARGIN_MM, band / 6), 0, 0))
        annotation.setFillSymbol(QgsFillSymbol.createSimple({"color": background, "outline_style": "no"}))
        annotations.append(annotation)
    return annotations


def renderer_task(task):
    """``task`` as a ``QgsMapRendererTask`` when it is one (sip may only know it as a QgsTask)."""
    if task is None or sip.isdeleted(task) or task.metaObject().className() != RENDERER_TASK:
        return None
    return task if isinstance(task, QgsMapRendererTask) else sip.cast(task, QgsMapRendererTask)


def is_queued(task) -> bool:
    return task.status() == QgsTask.TaskStatus.Queued


def map_save_dialog():
    """The Save Map as Image/PDF dialog a render task comes from: on 3.22 it is already hidden when
    it starts its export (the accepted signal), later versions export before closing it."""
    found = [w for w in QApplication.topLevelWidgets()
             if w.metaObject().className() == MAP_SAVE_DIALOG and not sip.isdeleted(w)]
    hidden = [w for w in found if not w.isVisible()]
    active = [w for w in found if w.isActiveWindow()]
    return (hidden or active or found or [None])[0]


def output_size(dialog, canvas) -> tuple[float, float, float]:
    """(width px, height px, dpi) the dialog will export, from its own fields; the canvas's as a
    fallback (they are the dialog's defaults)."""
    settings = canvas.mapSettings()
    values = {"mOutputWidthSpinBox": settings.outputSize().width(),
              "mOutputHeightSpinBox": settings.outputSize().height(),
              "mResolutionSpinBox": settings.outputDpi()}
    for name in values:
        spin = dialog.findChild(QSpinBox, name) if dialog is not None else None
        if spin is not None and spin.value() > 0:
            values[name] = spin.value()
    return values["mOutputWidthSpinBox"], values["mOutputHeightSpinBox"], values["mResolutionSpinBox"]


def draws_annotations(dialog) -> bool:
    box = dialog.findChild(QCheckBox, "mDrawAnnotations") if dialog is not None else None
    return box is None or box.isChecked()


def geospatial_pdf_box(dialog):
    """The dialog's "Create Geospatial PDF" group when this is the PDF dialog, else None."""
    for name in GEOSPATIAL_PDF_BOXES:
        box = dialog.findChild(QGroupBox, name) if dialog is not None else None
        if box is not None and not box.isHidden():  # the image dialog hides it
            return box
    return None


def geospatial_pdf_chosen(dialog) -> bool:
    box = geospatial_pdf_box(dialog)
    return box is not None and box.isCheckable() and box.isChecked()


def add_marking(task, dialog, canvas, marking) -> None:
    """Give the queued render ``task`` the marking, keeping the user's own annotations when the
    dialog draws them (``addAnnotations`` replaces the task's list)."""
    width, height, dpi = output_size(dialog, canvas)
    own = list(QgsProject.instance().annotationManager().annotations()) if draws_annotations(dialog) else []
    task.addAnnotations(own + marking_annotations(marking, width, height, dpi))


def mark_image_file(path: str, marking) -> None:
    """Give the image file at ``path`` the banner ``marking`` = (text, background, foreground): a
    band of BAND_MM at the image's resolution is added above and below it, and the file is saved
    again in its own format. Raises OSError when the file cannot be read or written."""
    text, background, foreground = marking
    image = QImage(path)
    if image.isNull():
        raise OSError(f"cannot read the image {path}")
    dpi = image.dotsPerMeterY() * 0.0254 or 96.0
    band = max(12, min(round(BAND_MM * dpi / 25.4), image.height() // 2 or 12))
    marked = QImage(image.width(), image.height() + 2 * band, QImage.Format.Format_ARGB32)
    marked.setDotsPerMeterX(image.dotsPerMeterX())
    marked.setDotsPerMeterY(image.dotsPerMeterY())
    marked.fill(Qt.GlobalColor.transparent)
    painter = QPainter(marked)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.drawImage(0, band, image)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(8, round(band * 0.6)))
        painter.setFont(font)
        for top in (0, band + image.height()):
            rect = QRect(0, top, marked.width(), band)
            painter.fillRect(rect, QColor(background))
            painter.setPen(QColor(foreground))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    finally:
        painter.end()
    if not marked.save(path):
        raise OSError(f"cannot write the image {path}")
