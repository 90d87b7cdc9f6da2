"""Drone data through GDAL and QGIS: real JPEGs and GeoTIFFs with DJI-style EXIF/XMP (written at test
time by ``tests/photo_data.py``) suggest the survey role, and a folder of geotagged photos becomes a
point layer of survey data with the positions that were written."""

from __future__ import annotations

import os

import pytest
from qgis.core import Qgis, QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer, QgsWkbTypes
from test_survey_watcher import RecorderStub, reports_of, wait_idle, zones_layer

from classification_plugin.core.role_hints import suggest_role
from classification_plugin.integration import roles
from classification_plugin.integration.drone_data import (
    import_geotagged_photos,
    layer_facts,
    raster_footprint,
    raster_metadata,
)
from classification_plugin.integration.survey_watcher import SurveyWatcher

TOLERANCE = 1e-6  # degrees
# inside Restricted Area 17 (116.38-116.42 E, 39.93-39.955 N) of test_survey_watcher.zones_layer
ORTHO_INSIDE = (116.395, 39.935, 116.405, 39.945)
ORTHO_AWAY = (116.20, 39.70, 116.21, 39.71)


@pytest.fixture
def photo_data():
    import photo_data  # tests/photo_data.py; needs Pillow (python3-pil)

    return photo_data


def raster(path, name=None):
    layer = QgsRasterLayer(str(path), name or path.stem, "gdal")
    assert layer.isValid(), path
    return layer


# -- rasters: EXIF/XMP read through GDAL, then the hint ----------------------------------------------

def test_jpeg_orthophoto_with_dji_exif_is_suggested_naming_the_maker(qgis_app, tmp_path, photo_data):
    layer = raster(photo_data.write_jpeg_raster(tmp_path / "ortho_0412.jpg", ORTHO_INSIDE))
    metadata = raster_metadata(layer)
    assert metadata["EXIF_Make"] == "DJI" and metadata["EXIF_Model"] == "FC6310", metadata
    hint = suggest_role(layer_facts(layer))
    assert hint is not None and hint.survey_kind == "raster"
    assert "drone maker DJI" in hint.reason, hint.reason


def test_the_maker_named_is_the_one_in_the_file(qgis_app, tmp_path, photo_data):
    layer = raster(photo_data.write_jpeg_raster(tmp_path / "ortho_0413.jpg", ORTHO_INSIDE, "Parrot", "ANAFI"))
    hint = suggest_role(layer_facts(layer))
    assert hint is not None and hint.survey_kind == "raster"
    assert "drone maker Parrot" in hint.reason and "DJI" not in hint.reason, hint.reason


def test_geotiff_with_a_dji_xmp_packet_is_suggested(qgis_app, tmp_path, photo_data):
    # GDAL 3.6 does not report TIFF Make/Model tags; the XMP packet (TIFF tag 700) is what says DJI
    xmp = photo_data.dji_xmp(photo_data.Photo("x", 39.94, 116.40, 120.0))
    layer = raster(photo_data.write_geotiff(tmp_path / "ortho_0414.tif", ORTHO_INSIDE, xmp=xmp))
    metadata = raster_metadata(layer)
    assert photo_data.DJI_XMP_NAMESPACE in metadata.get("xml:XMP", ""), metadata
    hint = suggest_role(layer_facts(layer))
    assert hint is not None and hint.survey_kind == "raster" and "DJI" in hint.reason, hint


def test_drone_photo_opened_as_a_raster_is_suggested(qgis_app, drone_flight):
    folder, photo_data = drone_flight
    layer = raster(folder / "DJI_0001.JPG", "IMG_0001")  # EXIF and XMP; a name with no survey word
    metadata = raster_metadata(layer)
    assert "drone-dji:GpsLatitude" in metadata["xml:XMP"] and metadata["EXIF_Make"] == "DJI"
    assert suggest_role(layer_facts(layer)).survey_kind == "raster"


@pytest.mark.parametrize("make", ["Canon", ""])
def test_rasters_from_other_cameras_or_without_exif_get_no_hint(qgis_app, tmp_path, photo_data, make):
    if make:
        path = photo_data.write_jpeg_raster(tmp_path / "scan_0412.jpg", ORTHO_INSIDE, make, "EOS 5D")
    else:
        path = photo_data.write_geotiff(tmp_path / "scan_0412.tif", ORTHO_INSIDE)
    layer = raster(path)
    assert raster_metadata(layer).get("EXIF_Make", "") == make
    assert suggest_role(layer_facts(layer)) is None


def test_footprint_is_the_rasters_extent(qgis_app, tmp_path, photo_data):
    layer = raster(photo_data.write_jpeg_raster(tmp_path / "ortho.jpg", ORTHO_INSIDE))
    box = raster_footprint(layer, QgsCoordinateReferenceSystem("EPSG:4326")).boundingBox()
    assert [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()] == pytest.approx(ORTHO_INSIDE, abs=1e-9)
    metres = raster_footprint(layer, QgsCoordinateReferenceSystem("EPSG:3857")).boundingBox()
    # Web Mercator: x = 6378137 m * longitude in radians
    assert metres.xMinimum() == pytest.approx(12_957_032.13, abs=0.01)
    assert metres.width() == pytest.approx(1113.19, abs=0.01)


@pytest.mark.parametrize("bounds,expected", [(ORTHO_INSIDE, True), (ORTHO_AWAY, False)])
def test_orthophoto_is_checked_by_its_footprint(clean_project, tmp_path, photo_data, bounds, expected):
    layer = raster(photo_data.write_jpeg_raster(tmp_path / "ortho.jpg", bounds))
    roles.set_survey(layer, "raster")
    zones = zones_layer()
    clean_project.addMapLayers([zones, layer])
    watcher = SurveyWatcher(RecorderStub(), clean_project)
    try:
        reports = reports_of(watcher)
        watcher.check_layer(layer)
        wait_idle(watcher)
        full = [r for r in reports if r.full]
        assert len(full) == 1 and not full[0].error, [(r.full, r.error) for r in reports]
        names = [row.zone_name for row in full[0].rows]
        assert names == (["Restricted Area 17"] if expected else []), names
    finally:
        watcher.unload()


# -- importing a folder of geotagged photos ------------------------------------------------------------

def positions(layer):
    """{file name: (x, y, z, photo attribute)} of an imported photo layer."""
    found = {}
    for feature in layer.getFeatures():
        point = feature.geometry().constGet()
        found[os.path.basename(feature["photo"])] = (point.x(), point.y(), point.z(), feature["photo"])
    return found


def test_folder_of_geotagged_photos_becomes_points_at_the_written_positions(qgis_processing, drone_flight):
    folder, photo_data = drone_flight
    result = import_geotagged_photos(str(folder))
    assert not result.error
    layer = result.layer
    assert layer is not None and layer.isValid()
    assert layer.crs().authid() == "EPSG:4326" and layer.wkbType() == QgsWkbTypes.Type.PointZ
    assert {"photo", "filename", "directory", "altitude", "timestamp"} <= set(layer.fields().names())
    found = positions(layer)
    assert sorted(found) == sorted(os.path.basename(p.name) for p in photo_data.FLIGHT)
    assert layer.featureCount() == len(photo_data.FLIGHT) == 6
    for photo in photo_data.FLIGHT:
        x, y, z, path = found[os.path.basename(photo.name)]
        assert abs(x - photo.lon) < TOLERANCE and abs(y - photo.lat) < TOLERANCE, (photo, x, y)
        assert z == pytest.approx(photo.alt, abs=1e-3), (photo, z)  # below sea level stays negative
        assert path == str(folder / photo.name) and os.path.isfile(path)  # the photo, absolute, in sub-folders too
    assert "{x:.6f} {y:.6f}".format(x=found["DJI_0003.JPG"][0], y=found["DJI_0003.JPG"][1]) == "-70.654321 -33.456789"


def test_positions_written_as_decimal_degrees_keep_their_precision(qgis_processing, tmp_path, photo_data):
    # GDAL prints EXIF rationals with 6 digits: 116.1234568/1 came back from native:importphotos as
    # 116.123 (40 m off); the import re-reads the rationals exactly
    folder = photo_data.write_flight(tmp_path / "phone", photos=photo_data.OTHER_ENCODINGS, without_position=(),
                                     broken=False)
    layer = import_geotagged_photos(str(folder)).layer
    found = positions(layer)
    assert len(found) == len(photo_data.OTHER_ENCODINGS) == 3
    for photo in photo_data.OTHER_ENCODINGS:
        x, y, z, _ = found[photo.name]
        assert abs(x - photo.lon) < TOLERANCE and abs(y - photo.lat) < TOLERANCE, (photo, x, y)
        assert z == pytest.approx(photo.alt if photo.alt is not None else 0.0, abs=1e-3), (photo, z)
        feature = next(f for f in layer.getFeatures() if f["filename"] == photo.name.rsplit(".", 1)[0])
        assert abs(float(feature["longitude"]) - photo.lon) < TOLERANCE
        assert abs(float(feature["latitude"]) - photo.lat) < TOLERANCE
        if photo.alt is not None:
            assert feature["altitude"] == pytest.approx(photo.alt, abs=1e-3)


def test_photos_without_a_position_and_broken_files_are_listed(qgis_processing, drone_flight):
    folder, photo_data = drone_flight
    result = import_geotagged_photos(str(folder))
    assert [os.path.basename(p) for p in result.without_position] == ["DJI_0006.JPG", "scan_0001.jpg"]
    assert [os.path.basename(p) for p in result.unreadable] == [photo_data.BROKEN]
    assert result.photos == 9  # the .txt and .MOV files are not photos


def test_relative_folder_gives_absolute_photo_paths(qgis_processing, drone_flight, monkeypatch):
    folder, _ = drone_flight
    monkeypatch.chdir(folder.parent)
    layer = import_geotagged_photos(folder.name).layer
    paths = [f["photo"] for f in layer.getFeatures()]
    assert paths and all(os.path.isabs(p) and os.path.isfile(p) for p in paths), paths


@pytest.mark.parametrize("make", ["folder", "file", "nothing"])
def test_bad_folders_give_a_message_not_an_exception(qgis_processing, tmp_path, make):
    target = tmp_path / "photos"
    if make == "folder":
        target.mkdir()
    elif make == "file":
        target.write_text("x")
    result = import_geotagged_photos(str(target))
    assert result.layer is None and result.photos == 0
    expected = {"folder": "", "file": "is not a folder", "nothing": "does not exist"}[make]
    assert (expected in result.error) if expected else result.error == "", result.error


# -- the menu entry: Import drone photos as survey points… ---------------------------------------------

@pytest.fixture
def protected_ui(qgis_iface, qgis_processing, guard_services, clean_project):
    from classification_plugin.gui.protected_ui import ProtectedAreasUi

    qgis_iface.messageBar().clear_messages()
    ui = ProtectedAreasUi(qgis_iface, guard_services)
    yield ui
    ui.unload()


def messages(iface, level):
    return iface.messageBar().get_messages(level)


def test_import_adds_a_survey_layer_and_names_the_photos_left_out(protected_ui, qgis_iface, drone_flight):
    folder, photo_data = drone_flight
    layer = protected_ui.import_photos(str(folder))
    assert layer is not None and QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.featureCount() == len(photo_data.FLIGHT)
    assert roles.role_of(layer) == roles.SURVEY and roles.survey_kind(layer) == "photos"
    assert roles.hint_dismissed(layer)  # marked by the import itself: nothing to suggest
    assert "sd_card" in layer.name()
    warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
    assert len(warnings) == 1, warnings
    assert "6 photos from" in warnings[0] and "imported as survey data" in warnings[0]
    assert "2 photos have no GPS position and were not imported: DJI_0006.JPG, scan_0001.jpg" in warnings[0]
    assert f"1 files could not be read as JPEG photos: {photo_data.BROKEN}" in warnings[0]


def test_import_of_clean_photos_is_an_info(protected_ui, qgis_iface, tmp_path):
    import photo_data

    folder = photo_data.write_flight(tmp_path / "clean", photos=photo_data.FLIGHT[:2], without_position=(),
                                     broken=False)
    layer = protected_ui.import_photos(str(folder))
    assert layer is not None and layer.featureCount() == 2
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == []
    assert [m for m in messages(qgis_iface, Qgis.MessageLevel.Info) if "2 photos from" in m], \
        messages(qgis_iface, Qgis.MessageLevel.Info)


def test_import_of_an_empty_folder_says_so(protected_ui, qgis_iface, tmp_path):
    (tmp_path / "empty").mkdir()
    before = len(QgsProject.instance().mapLayers())
    assert protected_ui.import_photos(str(tmp_path / "empty")) is None
    assert len(QgsProject.instance().mapLayers()) == before  # no empty layer left behind
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == [
        f"Drone photos:No JPEG photos in {tmp_path / 'empty'}."]


def test_import_of_photos_none_with_a_position_says_so(protected_ui, qgis_iface, tmp_path):
    import photo_data

    folder = photo_data.write_flight(tmp_path / "indoor", photos=(), broken=False)
    assert protected_ui.import_photos(str(folder)) is None
    warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
    assert len(warnings) == 1 and "None of the 2 photos" in warnings[0] and "DJI_0006.JPG" in warnings[0], warnings
    assert not [layer for layer in QgsProject.instance().mapLayers().values() if roles.role_of(layer)]


def test_import_of_a_missing_folder_says_so(protected_ui, qgis_iface, tmp_path):
    missing = tmp_path / "no such card"
    assert protected_ui.import_photos(str(missing)) is None
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == [
        f"Drone photos:The folder {missing} does not exist"]


def test_imported_photo_inside_a_zone_is_reported(clean_project, qgis_processing, drone_flight):
    folder, photo_data = drone_flight
    layer = import_geotagged_photos(str(folder)).layer
    roles.set_survey(layer, "photos")
    clean_project.addMapLayers([zones_layer(), layer])
    watcher = SurveyWatcher(RecorderStub(), clean_project)
    try:
        reports = reports_of(watcher)
        watcher.check_layer(layer)
        wait_idle(watcher)
        full = [r for r in reports if r.full]
        assert len(full) == 1 and not full[0].error, [(r.full, r.error) for r in reports]
        inside = sorted(os.path.basename(layer.getFeature(fid)["photo"]) for fid in full[0].features)
        assert inside == ["DJI_0001.JPG"], inside
    finally:
        watcher.unload()
