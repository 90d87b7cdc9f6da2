"""Save Map as Image / PDF: the marking a render task draws, and which levels need one."""

from __future__ import annotations

import pytest


def test_export_marking_only_for_levels_above_unclassified(guard_services, layer_of):
    public, internal = layer_of("public"), layer_of("internal")
    confidential, unlabelled = layer_of("confidential"), layer_of(None, "plain")
    assert guard_services.labels.export_marking([public, unlabelled]) is None
    assert guard_services.labels.export_marking([public, internal])[0] == "INTERNAL USE ONLY"
    assert guard_services.labels.export_marking([public, confidential, internal]) == (
        "CONFIDENTIAL", "#f9a825", "#000000")


def _near(color, expected, tolerance=40):
    from qgis.PyQt.QtGui import QColor

    a, b = QColor(color), QColor(expected)
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


def _band_report(image, row):
    """(colour at the centre of ``row``, number of dark pixels along it)."""
    from qgis.PyQt.QtGui import QColor

    dark = sum(1 for x in range(image.width()) if QColor(image.pixel(x, row)).lightness() < 60)
    return image.pixelColor(image.width() // 2, row).name(), dark


@pytest.mark.parametrize("fmt, dpi", [("PNG", 96), ("PNG", 300), ("PDF", 96), ("PDF", 300)])
def test_map_marking_is_drawn_top_and_bottom_by_the_render_task(layer_of, tmp_path, fmt, dpi):
    """What Save Map as Image / PDF does with the marking: a QgsMapRendererTask draws it."""
    from osgeo import gdal
    from qgis.core import QgsMapRendererTask, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage

    from classification_plugin.integration.map_marking import BAND_MM, marking_annotations

    layer = layer_of("confidential")
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(QgsRectangle(116.38, 39.90, 116.41, 39.93))
    width, height = round(4 * dpi), round(3 * dpi)  # 4 x 3 inches
    settings.setOutputSize(QSize(width, height))
    settings.setOutputDpi(dpi)
    settings.setBackgroundColor(QColor("#ffffff"))
    path = tmp_path / f"map.{fmt.lower()}"
    task = QgsMapRendererTask(settings, str(path), fmt)
    task.addAnnotations(marking_annotations(("CONFIDENTIAL", "#f9a825", "#000000"), width, height, dpi))
    assert task.run()
    if fmt == "PDF":
        gdal.SetConfigOption("GDAL_PDF_DPI", str(dpi))
        png = tmp_path / "page.png"
        gdal.Translate(str(png), gdal.Open(str(path)), format="PNG")
        gdal.SetConfigOption("GDAL_PDF_DPI", None)
        path = png
    image = QImage(str(path))
    assert (image.width(), image.height()) == (width, height)
    band = BAND_MM / 25.4 * dpi
    top, top_text = _band_report(image, 1)
    bottom, _ = _band_report(image, height - 2)
    middle, _ = _band_report(image, height // 2 + 7)
    text_row = max(range(1, int(band) - 1), key=lambda row: _band_report(image, row)[1])
    assert _near(top, "#f9a825") and _near(bottom, "#f9a825"), (top, bottom)
    assert not _near(middle, "#f9a825"), middle  # a band, not a wash over the map
    assert _near(image.pixelColor(width // 2, int(band) + 2).name(), "#ffffff")  # the band ends where it should
    assert _band_report(image, text_row)[1] > 20  # the banner text is drawn in black over the band
    assert top_text == 0


def test_the_map_file_written_is_found_with_the_extension_qgis_added(tmp_path):
    import time

    from classification_plugin.integration.export_guard.map_export import written_files

    since = time.time() - 1
    (tmp_path / "map.pgw").write_text("world file")  # QGIS's world file, sorted before the image
    (tmp_path / "map.png").write_bytes(b"png")
    (tmp_path / "map.png.aux.xml").write_text("<PAMDataset/>")
    assert written_files(str(tmp_path / "map"), since) == [str(tmp_path / "map.png")]  # named without one
    assert written_files(str(tmp_path / "map.png"), since) == [str(tmp_path / "map.png")]
    assert written_files(str(tmp_path / "map.png"), time.time() + 60) == []  # an older file is not this export
    assert written_files(str(tmp_path / "other"), since) == []
