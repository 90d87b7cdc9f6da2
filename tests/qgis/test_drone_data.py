"""Drone data through GDAL and QGIS: real JPEGs and GeoTIFFs with DJI-style EXIF/XMP (written at test
time by ``tests/photo_data.py``) suggest the survey role, and a folder of geotagged photos becomes a
point layer of survey data with the positions that were written."""

from __future__ import annotations

import os
import threading
import time

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, Qt
from test_survey_watcher import RecorderStub, reports_of, wait_idle, zones_layer

from classification_plugin.core.role_hints import suggest_role
from classification_plugin.integration import drone_data, roles
from classification_plugin.integration.drone_data import (
    PhotoImportTask,
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


def full_report(project, layer):
    """The one full report of a SurveyWatcher checking ``layer`` against test_survey_watcher.zones_layer."""
    project.addMapLayers([zones_layer(), layer])
    watcher = SurveyWatcher(RecorderStub(), project)
    try:
        reports = reports_of(watcher)
        watcher.check_layer(layer)
        wait_idle(watcher)
        full = [r for r in reports if r.full]
        assert len(full) == 1 and not full[0].error, [(r.full, r.error) for r in reports]
        return full[0]
    finally:
        watcher.unload()


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
    names = [row.zone_name for row in full_report(clean_project, layer).rows]
    assert names == (["Restricted Area 17"] if expected else []), names


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


def wait_for(task, timeout=60.0):
    """Let the event loop run until the photo import ``task`` has handed over its result."""
    deadline = time.monotonic() + timeout
    while task.outcome is None and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    QCoreApplication.processEvents()
    assert task.outcome is not None, "the photo import did not finish"
    return task.outcome


def import_from_menu(ui, folder):
    """The menu entry's import, waited for: (task, layer added or None); task is None when none started."""
    task = ui.import_photos(str(folder))
    if task is None:
        return None, None
    outcome = wait_for(task)
    assert task not in ui.photo_tasks
    layer = outcome.layer
    if layer is not None:
        assert QgsProject.instance().mapLayer(layer.id()) is layer
    return task, layer


def test_import_adds_a_survey_layer_and_names_the_photos_left_out(protected_ui, qgis_iface, drone_flight):
    folder, photo_data = drone_flight
    task, layer = import_from_menu(protected_ui, folder)
    assert layer is not None and layer.featureCount() == len(photo_data.FLIGHT)
    assert roles.role_of(layer) == roles.SURVEY and roles.survey_kind(layer) == "photos"
    assert roles.hint_dismissed(layer)  # marked by the import itself: nothing to suggest
    assert "sd_card" in layer.name()
    warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
    assert len(warnings) == 1, warnings
    assert "6 photos from" in warnings[0] and "imported as survey data" in warnings[0]
    assert "2 photos have no GPS position and were not imported: DJI_0006.JPG, scan_0001.jpg" in warnings[0]
    assert f"1 file could not be read as a JPEG photo: {photo_data.BROKEN}." in warnings[0]


def test_import_messages_read_right_for_one_photo(protected_ui, qgis_iface, tmp_path):
    import photo_data

    folder = photo_data.write_flight(tmp_path / "one", photos=photo_data.FLIGHT[:1],
                                     without_position=photo_data.WITHOUT_POSITION[:1], broken=False)
    _task, layer = import_from_menu(protected_ui, folder)
    assert layer is not None and layer.featureCount() == 1
    warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
    assert len(warnings) == 1, warnings
    assert f"1 photo from {folder} imported as survey data." in warnings[0], warnings
    assert "1 photo has no GPS position and was not imported: DJI_0006.JPG." in warnings[0], warnings


def test_import_of_clean_photos_is_an_info(protected_ui, qgis_iface, tmp_path):
    import photo_data

    folder = photo_data.write_flight(tmp_path / "clean", photos=photo_data.FLIGHT[:2], without_position=(),
                                     broken=False)
    _task, layer = import_from_menu(protected_ui, folder)
    assert layer is not None and layer.featureCount() == 2
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == []
    assert [m for m in messages(qgis_iface, Qgis.MessageLevel.Info) if "2 photos from" in m], \
        messages(qgis_iface, Qgis.MessageLevel.Info)


def test_import_of_an_empty_folder_says_so(protected_ui, qgis_iface, tmp_path):
    (tmp_path / "empty").mkdir()
    before = len(QgsProject.instance().mapLayers())
    task, layer = import_from_menu(protected_ui, tmp_path / "empty")
    assert task is not None and layer is None
    assert len(QgsProject.instance().mapLayers()) == before  # no empty layer left behind
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == [
        f"Drone photos:No JPEG photos in {tmp_path / 'empty'}."]


@pytest.mark.parametrize("without_position,expected", [
    (1, "The only photo in {folder} has no GPS position. 1 photo has no GPS position"),
    (2, "None of the 2 photos in {folder} has a GPS position. 2 photos have no GPS position"),
])
def test_import_of_photos_none_with_a_position_says_so(protected_ui, qgis_iface, tmp_path, without_position,
                                                       expected):
    import photo_data

    folder = photo_data.write_flight(tmp_path / "indoor", photos=(), broken=False,
                                     without_position=photo_data.WITHOUT_POSITION[:without_position])
    _task, layer = import_from_menu(protected_ui, folder)
    assert layer is None
    warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
    assert len(warnings) == 1 and expected.format(folder=folder) in warnings[0], warnings
    assert "DJI_0006.JPG" in warnings[0], warnings
    assert not [layer for layer in QgsProject.instance().mapLayers().values() if roles.role_of(layer)]


def test_import_of_a_missing_folder_says_so_at_once(protected_ui, qgis_iface, tmp_path):
    missing = tmp_path / "no such card"
    assert protected_ui.import_photos(str(missing)) is None  # no task started
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == [
        f"Drone photos:The folder {missing} does not exist"]


# -- the import in the background: same result, progress, cancel ----------------------------------------

def attribute_rows(layer):
    """{photo path: (attributes, WKB)} with QDateTimes as text, for comparing two imports."""
    rows = {}
    for feature in layer.getFeatures():
        values = [v.toString(Qt.DateFormat.ISODate) if isinstance(v, QDateTime) else v for v in feature.attributes()]
        rows[feature["photo"]] = (values, bytes(feature.geometry().asWkb()))
    return rows


def test_background_import_gives_the_layer_the_direct_import_gives(qgis_processing, clean_project, tmp_path,
                                                                    photo_data, monkeypatch):
    folder = photo_data.write_flight(tmp_path / "mixed", photos=photo_data.FLIGHT + photo_data.OTHER_ENCODINGS)
    threads = []
    read = drone_data.read_photo_folder

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return read(*args, **kwargs)

    monkeypatch.setattr(drone_data, "read_photo_folder", spy)
    task = PhotoImportTask(str(folder))
    QgsApplication.taskManager().addTask(task)
    background = wait_for(task)
    assert threads and threads[0] is not threading.main_thread(), threads  # read in the worker
    direct = import_geotagged_photos(str(folder))
    assert not background.error and not background.canceled
    assert background.without_position == direct.without_position and len(direct.without_position) == 2
    assert background.unreadable == direct.unreadable and len(direct.unreadable) == 1
    layer = background.layer
    assert layer.name() == direct.layer.name() and layer.crs() == direct.layer.crs()
    assert layer.wkbType() == direct.layer.wkbType() == QgsWkbTypes.Type.PointZ
    assert [(f.name(), f.type()) for f in layer.fields()] == [(f.name(), f.type()) for f in direct.layer.fields()]
    assert attribute_rows(layer) == attribute_rows(direct.layer) and layer.featureCount() == 9
    # and what QGIS's own algorithm gives, but for the positions GDAL rounds
    from qgis import processing

    qgis_own = processing.run("native:importphotos", {"FOLDER": str(folder), "RECURSIVE": True,
                                                      "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    assert [f.name() for f in qgis_own.fields()] == layer.fields().names()
    own, ours = attribute_rows(qgis_own), attribute_rows(layer)
    assert sorted(own) == sorted(ours)
    skip = {layer.fields().indexOf(name) for name in ("longitude", "latitude", "altitude")}
    for photo, (values, _wkb) in own.items():
        assert [v for i, v in enumerate(values) if i not in skip] == \
            [v for i, v in enumerate(ours[photo][0]) if i not in skip], photo
    exact = {p.name: p for p in photo_data.FLIGHT + photo_data.OTHER_ENCODINGS}
    for feature in layer.getFeatures():
        photo = exact[os.path.relpath(feature["photo"], folder)]
        point = feature.geometry().constGet()
        assert abs(point.x() - photo.lon) < TOLERANCE and abs(point.y() - photo.lat) < TOLERANCE, photo


def test_background_import_reports_progress(qgis_processing, clean_project, tmp_path, photo_data):
    photos = [photo_data.Photo(f"DJI_{i:04d}.JPG", 39.9 + i * 1e-4, 116.3, 90.0) for i in range(60)]
    folder = photo_data.write_flight(tmp_path / "progress", photos=photos, without_position=(), broken=False)
    task = PhotoImportTask(str(folder))
    seen = []
    task.progressChanged.connect(seen.append)
    QgsApplication.taskManager().addTask(task)
    outcome = wait_for(task)
    assert outcome.imported == 60
    steps = [value for value in seen if 0 < value < 100]
    assert len(set(steps)) >= 10 and steps == sorted(steps), seen
    assert seen[-1] == 100, seen


def test_canceled_import_stops_early_and_adds_nothing(protected_ui, qgis_iface, tmp_path, photo_data):
    photos = [photo_data.Photo(f"DJI_{i:04d}.JPG", 39.9 + i * 1e-5, 116.3, 90.0) for i in range(400)]
    folder = photo_data.write_flight(tmp_path / "big", photos=photos, without_position=(), broken=False)
    before = set(QgsProject.instance().mapLayers())
    task = protected_ui.import_photos(str(folder))
    seen = []

    def cancel_once_started(value):
        seen.append(value)
        if value > 0 and len(seen) == 1:
            task.cancel()  # as the task manager's cancel button does

    task.progressChanged.connect(cancel_once_started)
    outcome = wait_for(task)
    assert outcome.canceled and outcome.layer is None
    assert set(QgsProject.instance().mapLayers()) == before
    assert task not in protected_ui.photo_tasks
    assert messages(qgis_iface, Qgis.MessageLevel.Warning) == []
    assert messages(qgis_iface, Qgis.MessageLevel.Info) == [
        f"Drone photos:Import of the photos in {folder} canceled."]
    # the algorithm itself stopped: it never got near the end of its 400 photos
    assert max(seen[:-1] or [0]) < 50, seen


def test_a_feedback_cancels_the_direct_import_too(qgis_processing, tmp_path, photo_data):
    photos = [photo_data.Photo(f"DJI_{i:04d}.JPG", 39.9 + i * 1e-5, 116.3, 90.0) for i in range(100)]
    folder = photo_data.write_flight(tmp_path / "card", photos=photos, without_position=(), broken=False)
    feedback = QgsFeedback()
    seen = []

    def cancel_at_ten(value):
        seen.append(value)
        if value >= 10:
            feedback.cancel()

    feedback.progressChanged.connect(cancel_at_ten)
    result = import_geotagged_photos(str(folder), feedback=feedback)
    assert result.canceled and result.layer is None
    assert max(seen) < 20, seen  # stopped within a photo or two


# -- count messages of the protected-area warning --------------------------------------------------------

@pytest.mark.parametrize("fids,zones,inside,expected", [
    ([1], ["Zone A"], True, "1 feature of track is inside military zone Zone A"),
    ([1, 2], ["Zone A"], True, "2 features of track are inside military zone Zone A"),
    ([1], ["Zone A"], False, "1 feature of track is within 200 m of military zone Zone A"),
    ([1, 2, 3], ["Zone A", "Zone B"], False,
     "3 features of track are within 200 m of military zone Zone A (and 1 more protected area)"),
    ([1], ["Zone A", "Zone B", "Zone C"], True,
     "1 feature of track is inside military zone Zone A (and 2 more protected areas)"),
])
def test_warning_counts_read_right_for_one_and_many(protected_ui, make_memory_layer, fids, zones, inside,
                                                    expected):
    from classification_plugin.integration.survey_watcher import CheckReport, ConflictRow

    layer = make_memory_layer(["POINT(116.39 39.94)"] * 3, name="track")
    QgsProject.instance().addMapLayer(layer)
    rows = [ConflictRow(layer.id(), fid, "zones", number, zone, "military", 0.0 if inside else 50.0, inside)
            for fid in fids for number, zone in enumerate(zones)]
    protected_ui._warn(CheckReport(layer.id(), rows, buffer_m=200.0))
    assert protected_ui.last_warning.text() == expected
    protected_ui._finished(CheckReport(layer.id(), rows, buffer_m=200.0, seconds=1.5))
    feature_count = "1 feature" if len(fids) == 1 else f"{len(fids)} features"
    zone_count = "1 protected area" if len(zones) == 1 else f"{len(zones)} protected areas"
    assert protected_ui.dock.summary.text() == f"track: {feature_count} in or near {zone_count} (1.5 s)"


def test_imported_photo_inside_a_zone_is_reported(clean_project, qgis_processing, drone_flight):
    folder, photo_data = drone_flight
    layer = import_geotagged_photos(str(folder)).layer
    roles.set_survey(layer, "photos")
    report = full_report(clean_project, layer)
    inside = sorted(os.path.basename(layer.getFeature(fid)["photo"]) for fid in report.features)
    assert inside == ["DJI_0001.JPG"], inside
