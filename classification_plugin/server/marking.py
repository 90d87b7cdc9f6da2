"""The level's banner on GetMap images, as on the desktop's allowed map exports: a band at the top
and at the bottom of the image in the level's colours, with the banner text (and caveats).

Drawn onto the finished image in the response (PNG or JPEG), so whatever the client asked for
(size, transparency, tiles through WMTS), every image that shows a classified layer carries it.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/jpg": "JPEG"}
BAND_SHARE = 0.08  # of the image's height, between the bounds below
BAND_MIN_PX, BAND_MAX_PX = 10, 28


def band_height(height: int) -> int:
    return max(1, min(height // 4, max(BAND_MIN_PX, min(BAND_MAX_PX, int(height * BAND_SHARE)))))


def mark_image(data: bytes, content_type: str, marking) -> bytes | None:
    """The image with the banner ``marking`` = (text, background, foreground) drawn in, in the
    same format; None when it is not an image this can mark (the response is left as it is)."""
    image_format = FORMATS.get(content_type.split(";")[0].strip().lower())
    if image_format is None:
        return None
    image = QImage.fromData(QByteArray(data))
    if image.isNull():
        return None
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    text, background, foreground = marking
    band = band_height(image.height())
    painter = QPainter(image)
    try:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(band * 0.7)))
        painter.setFont(font)
        for top in (0, image.height() - band):
            area = QRect(0, top, image.width(), band)
            painter.fillRect(area, QColor(background))
            painter.setPen(QColor(foreground))
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), text)
    finally:
        painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, image_format)
    return bytes(buffer.data())
