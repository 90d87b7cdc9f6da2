"""Survey watcher: roles in the project, edit-time checks, background checks, the access-log event."""

from __future__ import annotations

import time

import pytest
from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsProject, QgsTask, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.integration import roles
from classification_plugin.integration.survey_watcher import SurveyWatcher

ZONE = "POLYGON((116.38 39.93, 116.42 39.93, 116.42 39.955, 116.38 39.955, 116.38 39.93))"
INSIDE = "POINT(116.40 39.94)"
OUTSIDE = "POINT(116.30 39.80)"  # ~17 km away
NEAR = "POINT(116.40 39.9285)"  # ~170 m south of the zone


class RecorderStub:
    def __init__(self):
        self.events = []

    def record(self, action, layer=None, outcome=Outcome.OK, details=None):
        self.events.append((action, layer.id() if layer is not None else None, outcome, dict(details or {})))


def zones_layer(buffer_m=0.0):
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string&field=kind:string&field=min_level:string",
                           "protected_areas", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["Restricted Area 17", "military", "secret"])
    feature.setGeometry(QgsGeometry.fromWkt(ZONE))
    layer.dataProvider().addFeature(feature)
    layer.updateExtents()
    roles.set_protected(layer, roles.ProtectedSettings(kind="military", name_field="name", kind_field="kind",
                                                       buffer_m=buffer_m, min_level_field="min_level"))
    return layer


def survey_layer(make_memory_layer, wkts, name="drone_photos"):
    layer = make_memory_layer(wkts, name=name)
    roles.set_survey(layer, "photos")
    return layer


@pytest.fixture
def recorder():
    return RecorderStub()


@pytest.fixture
def watched(clean_project, recorder):
    """A watcher over the cleared project; stopped afterwards."""
    made = []

    def start(*layers):
        clean_project.addMapLayers(list(layers))
        watcher = SurveyWatcher(recorder, clean_project)
        made.append(watcher)
        return watcher

    yield start
    for watcher in made:
        watcher.cancel()
        wait_idle(watcher)
        watcher.unload()


def wait_idle(watcher, timeout=30.0):
    deadline = time.monotonic() + timeout
    while (watcher.running() or watcher.timer.isActive()) and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()
    assert not watcher.running(), "the background check did not finish"


def reports_of(watcher):
    found = []
    watcher.checkFinished.connect(found.append)
    return found


def add_feature(layer, wkt):
    feature = QgsFeature(layer.fields())
    feature.setAttribute("name", "new")
    feature.setGeometry(QgsGeometry.fromWkt(wkt))
    assert layer.addFeature(feature)
    return feature.id()


# -- roles ---------------------------------------------------------------------------------------

def test_roles_persist_through_project_save_and_reload(clean_project, survey_gpkg, tmp_path):
    points = QgsVectorLayer(f"{survey_gpkg}|layername=control_points", "control_points", "ogr")
    track = QgsVectorLayer(f"{survey_gpkg}|layername=flight_track", "flight_track", "ogr")
    other = QgsVectorLayer(f"{survey_gpkg}|layername=flight_track", "plain", "ogr")
    clean_project.addMapLayers([points, track, other])
    settings = roles.ProtectedSettings(kind="nature_reserve", name_field="name", buffer_m=250.0,
                                       min_level="confidential")
    roles.set_protected(points, settings)
    roles.set_survey(track, "tracks")
    ids = points.id(), track.id(), other.id()
    path = tmp_path / "roles.qgz"
    assert clean_project.write(str(path))
    clean_project.clear()
    assert clean_project.mapLayer(ids[0]) is None
    assert clean_project.read(str(path))
    points, track, other = (clean_project.mapLayer(i) for i in ids)
    assert roles.role_of(points) == roles.PROTECTED
    assert roles.protected_settings(points) == settings
    assert roles.role_of(track) == roles.SURVEY and roles.survey_kind(track) == "tracks"
    assert roles.role_of(other) == roles.NO_ROLE and roles.protected_settings(other) is None


def test_changing_the_role_replaces_the_old_one(make_memory_layer):
    layer = make_memory_layer(["POINT(0 0)"])
    roles.set_protected(layer, roles.ProtectedSettings(buffer_m=10))
    roles.set_survey(layer, "points")
    assert roles.role_of(layer) == roles.SURVEY and roles.protected_settings(layer) is None
    roles.clear_role(layer)
    assert roles.role_of(layer) == roles.NO_ROLE and roles.survey_kind(layer) == ""
    assert roles.hint_dismissed(layer)


def test_damaged_settings_fall_back_to_defaults(make_memory_layer):
    layer = make_memory_layer(["POINT(0 0)"])
    roles.set_protected(layer, roles.ProtectedSettings())
    layer.setCustomProperty(roles.PROTECTED_KEY, '{"buffer_m": "lots", "kind": "airport", "bogus": 1}')
    assert roles.protected_settings(layer) == roles.ProtectedSettings(kind="airport", buffer_m=0.0)


# -- editing ---------------------------------------------------------------------------------------

def test_feature_added_while_editing_is_reported_once(watched, recorder, make_memory_layer):
    zones = zones_layer()
    survey = survey_layer(make_memory_layer, [OUTSIDE])
    watcher = watched(zones, survey)
    reports = reports_of(watcher)
    renamed = []
    watcher.featureRenamed.connect(lambda layer_id, old, new: renamed.append((old, new)))
    survey.startEditing()
    temporary = add_feature(survey, INSIDE)
    assert temporary < 0
    assert len(reports) == 1 and reports[0].features == [temporary]
    row = reports[0].rows[0]
    assert (row.zone_name, row.zone_kind, row.inside, row.min_level) == (
        "Restricted Area 17", "military", True, "secret")
    assert survey.commitChanges(), survey.commitErrors()
    QCoreApplication.processEvents()
    committed = [f.id() for f in survey.getFeatures() if f["name"] == "new"]
    assert len(reports) == 1, [r.features for r in reports]  # not a second time with the committed id
    assert renamed == [(temporary, committed[0])]
    warnings = [e for e in recorder.events if e[0] == Action.PROTECTED_AREA_WARNING]
    assert len(warnings) == 1


def test_feature_added_outside_is_not_reported(watched, recorder, make_memory_layer):
    watcher = watched(zones_layer(), survey_layer(make_memory_layer, [OUTSIDE]))
    survey = QgsProject.instance().mapLayersByName("drone_photos")[0]
    reports = reports_of(watcher)
    survey.startEditing()
    add_feature(survey, OUTSIDE)
    assert [r.rows for r in reports] == [[]]
    assert recorder.events == []
    survey.rollBack()


def test_moved_feature_is_checked_again(watched, recorder, make_memory_layer):
    survey = survey_layer(make_memory_layer, [OUTSIDE])
    watcher = watched(zones_layer(buffer_m=500.0), survey)
    reports = reports_of(watcher)
    cleared = []
    watcher.featureCleared.connect(lambda layer_id, fid: cleared.append(fid))
    fid = next(survey.getFeatures()).id()
    survey.startEditing()
    assert survey.changeGeometry(fid, QgsGeometry.fromWkt(NEAR))
    assert len(reports) == 1 and reports[0].features == [fid]
    row = reports[0].rows[0]
    assert not row.inside and 100 < row.distance_m < 250, row  # in the buffer, not in the zone
    assert survey.changeGeometry(fid, QgsGeometry.fromWkt(INSIDE))
    assert len(reports) == 2 and reports[1].rows[0].inside
    assert survey.changeGeometry(fid, QgsGeometry.fromWkt(OUTSIDE))
    assert len(reports) == 3 and reports[2].rows == [] and cleared == [fid]
    assert len([e for e in recorder.events if e[0] == Action.PROTECTED_AREA_WARNING]) == 2
    survey.rollBack()


def test_edits_of_a_layer_without_role_are_ignored(watched, recorder, make_memory_layer):
    plain = make_memory_layer([OUTSIDE], name="plain")
    watcher = watched(zones_layer(), plain)
    reports = reports_of(watcher)
    plain.startEditing()
    add_feature(plain, INSIDE)
    plain.rollBack()
    assert reports == [] and recorder.events == []


# -- background checks -----------------------------------------------------------------------------

def test_full_check_records_one_access_log_event(watched, recorder, make_memory_layer):
    survey = survey_layer(make_memory_layer, [INSIDE, OUTSIDE, NEAR, INSIDE])
    zones = zones_layer(buffer_m=300.0)
    watcher = watched(zones, survey)
    reports = reports_of(watcher)
    task = watcher.check_layer(survey)
    assert isinstance(task, QgsTask)
    wait_idle(watcher)
    assert len(reports) == 1 and not reports[0].canceled, reports
    report = reports[0]
    ids = [f.id() for f in survey.getFeatures()]
    assert report.features == [ids[0], ids[2], ids[3]]
    assert sorted(r.inside for r in report.rows) == [False, True, True]
    # the geometries the check read come with the report, for Show: nothing fetched again
    stored = {f.id(): f.geometry() for f in survey.getFeatures()}
    assert sorted(report.geometries) == report.features
    for fid, wkb in report.geometries.items():
        held = QgsGeometry()
        held.fromWkb(wkb)
        assert held.equals(stored[fid])
    assert recorder.events == [(Action.PROTECTED_AREA_WARNING, survey.id(), Outcome.WARNING, {
        "zones": ["Restricted Area 17"], "pairs": 3, "features": 3, "buffer_m": 300.0, "check": "full"})]


def test_setting_a_role_starts_a_check(watched, recorder, make_memory_layer):
    zones = zones_layer()
    survey = make_memory_layer([INSIDE], name="not yet survey")
    watcher = watched(zones, survey)
    reports = reports_of(watcher)
    assert not watcher.timer.isActive() and reports == []
    roles.set_survey(survey, "points")
    assert watcher.timer.isActive()
    wait_idle(watcher)
    assert [r.features for r in reports] == [[next(survey.getFeatures()).id()]]
    assert len(recorder.events) == 1


def test_a_survey_layer_without_a_crs_is_reported_not_raised(watched, recorder, make_memory_layer):
    """A layer whose CRS QGIS could not read: both checks say so, naming it, and nothing raises out
    of QGIS's signals (it used to reach pyproj as an empty definition: an error box naming nothing)."""
    from qgis.core import QgsCoordinateReferenceSystem

    zones = zones_layer()
    survey = make_memory_layer([INSIDE], name="no crs photos")
    survey.setCrs(QgsCoordinateReferenceSystem())
    watcher = watched(zones, survey)
    reports = reports_of(watcher)
    roles.set_survey(survey, "photos")
    wait_idle(watcher)
    assert len(reports) == 1 and reports[0].full and reports[0].rows == []
    assert "no crs photos has no coordinate reference system" in reports[0].error
    survey.startEditing()
    add_feature(survey, INSIDE)  # the edit-time check: a report with the reason, no exception
    assert len(reports) == 2 and not reports[1].full and "no coordinate reference system" in reports[1].error
    assert recorder.events == []  # nothing was found, so no warning is logged
    survey.rollBack()


def test_consecutive_checks_on_one_pool_thread(watched, make_memory_layer):
    """Each check projects with pyproj in a QgsTask, on a QThreadPool thread that Python did not
    start, and the next check runs on that same thread. pyproj 3.7 freed such a thread's PROJ
    context with its Python thread state at the end of a task, then used it again: the second
    check crashed in proj_create."""
    from qgis.PyQt.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()  # the task manager's
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(1)
    try:
        survey = survey_layer(make_memory_layer, [INSIDE])
        watcher = watched(zones_layer(), survey)
        reports = reports_of(watcher)
        for _ in range(3):
            watcher.check_layer(survey)
            wait_idle(watcher)
    finally:
        pool.setMaxThreadCount(threads)
    assert [r.features for r in reports] == [[next(survey.getFeatures()).id()]] * 3


def test_background_check_can_be_canceled(watched, recorder, make_memory_layer):
    import random

    rng = random.Random(7)
    # inside, away from the edges (a parallel of latitude is not straight in the metric frame)
    wkts = [f"POINT({116.385 + rng.random() * 0.03} {39.935 + rng.random() * 0.015})" for _ in range(50000)]
    survey = survey_layer(make_memory_layer, wkts)
    watcher = watched(zones_layer(), survey)
    reports = reports_of(watcher)
    task = watcher.check_layer(survey)
    watcher.cancel(survey.id())
    assert task.isCanceled()
    wait_idle(watcher)
    assert len(reports) == 1 and reports[0].canceled and reports[0].rows == []
    assert recorder.events == []  # a canceled check records nothing
    # and the same check, not canceled, finds every point
    watcher.check_layer(survey)
    wait_idle(watcher)
    assert len(reports[1].features) == 50000


def test_removing_a_layer_cancels_its_check(watched, recorder, make_memory_layer):
    survey = survey_layer(make_memory_layer, [INSIDE] * 2000)
    watcher = watched(zones_layer(), survey)
    reports = reports_of(watcher)
    watcher.check_layer(survey)
    QgsProject.instance().removeMapLayer(survey.id())
    wait_idle(watcher)  # (the task manager deletes finished tasks: look at the report, not the task)
    assert [r.canceled for r in reports] == [True]
    assert recorder.events == []


def test_task_manager_is_used(watched, make_memory_layer):
    survey = survey_layer(make_memory_layer, [INSIDE])
    watcher = watched(zones_layer(), survey)
    task = watcher.check_layer(survey)
    assert task in QgsApplication.taskManager().tasks() or task.status() == QgsTask.TaskStatus.Complete
    wait_idle(watcher)


def test_show_highlights_every_feature_of_a_full_check_at_once(watched, make_memory_layer, qgis_iface,
                                                                 qgis_processing, guard_services):
    from classification_plugin.gui.protected_ui import ProtectedAreasUi

    survey = survey_layer(make_memory_layer, [INSIDE, OUTSIDE, NEAR, INSIDE])
    watcher = watched(zones_layer(buffer_m=300.0), survey)
    reports = reports_of(watcher)
    watcher.check_layer(survey)
    wait_idle(watcher)
    ui = ProtectedAreasUi(qgis_iface, guard_services)
    try:
        ui.show_conflicts(reports[0])
        assert sorted(survey.selectedFeatureIds()) == reports[0].features
        assert len(ui.highlights) == 1  # one highlight of the held geometries, not one per feature
        ui.show_feature(survey.id(), reports[0].features[0])  # a panel row: that feature, fetched
        assert len(ui.highlights) == 1 and survey.selectedFeatureIds() == [reports[0].features[0]]
    finally:
        ui.unload()


def test_conflicts_panel_sorts_filters_and_activates_rows(qgis_app, make_memory_layer, clean_project):
    from qgis.PyQt.QtCore import Qt

    from classification_plugin.gui.conflicts_dock import ConflictsDock
    from classification_plugin.integration.survey_watcher import ConflictRow

    survey = make_memory_layer([INSIDE], name="drone_track")
    clean_project.addMapLayer(survey)
    rows = [ConflictRow(survey.id(), fid, "zones", zone, name, kind, distance, distance == 0, level)
            for fid, zone, name, kind, distance, level in [
                (7, 1, "Wetland", "nature_reserve", 120.0, ""), (3, 2, "Range 17", "military", 0.0, "secret"),
                (12, 2, "Range 17", "military", 40.0, "secret")]]
    dock = ConflictsDock()
    try:
        dock.set_layer_conflicts(survey.id(), rows, "summary")
        model = dock.model
        assert dock.row_count() == 3 and model.columnCount() == 7
        cells = [[model.index(r, c).data() for c in range(7)] for r in range(3)]
        assert sorted(cells)[0] == ["drone_track", "12", "Range 17", "military zone", "40", "within buffer", "secret"]
        dock.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by feature id, as numbers: 3, 7, 12
        assert [model.index(r, 1).data() for r in range(3)] == ["3", "7", "12"]
        dock.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # by distance
        assert [model.index(r, 4).data() for r in range(3)] == ["120", "40", "0"]
        dock.filter.setText("RANGE")  # any column, any case
        assert dock.row_count() == 2 and {model.index(r, 1).data() for r in range(2)} == {"3", "12"}
        activated = []
        dock.featureActivated.connect(lambda layer_id, fid: activated.append((layer_id, fid)))
        dock.view.clicked.emit(model.index(1, 2))
        assert activated == [(survey.id(), int(model.index(1, 1).data()))]
        dock.filter.setText("")
        dock.rename_feature(survey.id(), 3, 30)  # an edit's temporary id became the committed one
        assert "30" in {model.index(r, 1).data() for r in range(3)}
        dock.remove_layer(survey.id())
        assert dock.row_count() == 0
    finally:
        dock.deleteLater()
