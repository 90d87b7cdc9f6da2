"""The access tracker turns QGIS layer activity into access-log rows (read back from the SQLite log)."""

from __future__ import annotations

import pytest
from gpkg_data import not_null_gpkg  # tests/gpkg_data.py
from qgis.core import QgsFeature, QgsGeometry, QgsProject

from classification_plugin.core.audit.sqlite_log import SQLiteAuditLog
from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.access_tracker import AccessTracker
from classification_plugin.integration.audit_recorder import AuditRecorder
from classification_plugin.integration.label_store import LabelStore


@pytest.fixture
def tracked(qgis_app, tmp_path, clean_project):
    """(tracker, recorder, store, log) on a private log, tracking the cleared project."""
    log = SQLiteAuditLog(str(tmp_path / "audit.sqlite"))
    store = LabelStore(SchemeRegistry(), "cn_state_secret", user="tester")
    recorder = AuditRecorder(log, store.label, "add_remove")
    store.record_event = recorder.record
    tracker = AccessTracker(recorder, watch_attribute_tables=False)
    yield tracker, recorder, store, log
    tracker.unload()
    log.close()


def actions(log, layer_id=None):
    rows = log.query(None, 0, 1000, descending=False)
    return [(r["action"], r["details"]) for r in rows if layer_id is None or r["layer_id"] == layer_id]


def labelled_layer(store, make_memory_layer, name="secret_points"):
    layer = make_memory_layer(["POINT(1 1)", "POINT(2 2)", "POINT(3 3)"], name=name)
    store.change(layer, LabelRequest(level="secret", reason="test"))
    return layer


def test_add_visibility_remove_of_a_labelled_layer(tracked, make_memory_layer):
    tracker, _recorder, store, log = tracked
    layer = labelled_layer(store, make_memory_layer)
    project = QgsProject.instance()
    project.addMapLayer(layer)
    node = project.layerTreeRoot().findLayer(layer.id())
    node.setItemVisibilityChecked(False)
    node.setItemVisibilityChecked(False)  # no change: no second event
    node.setItemVisibilityChecked(True)
    layer_id = layer.id()
    project.removeMapLayer(layer_id)
    rows = log.query(None, 0, 100, descending=False)
    recorded = [(r["action"], r["label"]) for r in rows if r["layer_id"] == layer_id]
    assert recorded == [("label_applied", "secret"), ("layer_added", "secret"), ("layer_hidden", "secret"),
                        ("layer_shown", "secret"), ("layer_removed", "secret")]


def test_hiding_a_group_hides_its_layers_once(tracked, make_memory_layer):
    _tracker, _recorder, store, log = tracked
    layer = labelled_layer(store, make_memory_layer)
    project = QgsProject.instance()
    project.addMapLayer(layer, False)
    group = project.layerTreeRoot().addGroup("g")
    group.addLayer(layer)
    group.setItemVisibilityChecked(False)
    group.setItemVisibilityChecked(True)
    assert [a for a, _d in actions(log, layer.id())][-2:] == ["layer_hidden", "layer_shown"]


def test_editing_start_and_commit_counts(tracked, make_memory_layer):
    _tracker, _recorder, store, log = tracked
    layer = labelled_layer(store, make_memory_layer)
    QgsProject.instance().addMapLayer(layer)
    ids = sorted(f.id() for f in layer.getFeatures())
    assert layer.startEditing()
    feature = QgsFeature(layer.fields())
    feature.setAttribute("name", "new")
    feature.setGeometry(QgsGeometry.fromWkt("POINT(9 9)"))
    assert layer.addFeature(feature)
    assert layer.changeAttributeValue(ids[0], 0, "changed")
    assert layer.changeGeometry(ids[1], QgsGeometry.fromWkt("POINT(5 5)"))
    assert layer.deleteFeature(ids[2])
    assert layer.commitChanges(), layer.commitErrors()
    recorded = actions(log, layer.id())
    assert ("editing_started", {}) in recorded
    assert recorded[-1] == ("editing_committed", {"added": 1, "changed": 2, "deleted": 1})


def test_unclassified_setting_is_respected(tracked, make_memory_layer):
    _tracker, recorder, _store, log = tracked
    project = QgsProject.instance()
    plain = make_memory_layer(["POINT(0 0)"], name="plain")
    project.addMapLayer(plain)
    project.layerTreeRoot().findLayer(plain.id()).setItemVisibilityChecked(False)
    assert [a for a, _d in actions(log, plain.id())] == ["layer_added"]  # add_remove: no activity

    recorder.unclassified_mode = "none"
    other = make_memory_layer(["POINT(0 0)"], name="other")
    project.addMapLayer(other)
    assert actions(log, other.id()) == []

    recorder.unclassified_mode = "all"
    project.layerTreeRoot().findLayer(other.id()).setItemVisibilityChecked(False)
    assert [a for a, _d in actions(log, other.id())] == ["layer_hidden"]


def test_unload_disconnects_everything(tracked, make_memory_layer):
    tracker, _recorder, store, log = tracked
    layer = labelled_layer(store, make_memory_layer)
    QgsProject.instance().addMapLayer(layer)
    before = log.count()
    tracker.unload()
    layer.startEditing()
    layer.commitChanges()
    QgsProject.instance().layerTreeRoot().findLayer(layer.id()).setItemVisibilityChecked(False)
    QgsProject.instance().removeMapLayer(layer.id())
    assert log.count() == before
    tracker.unload = lambda: None  # the fixture's teardown: already unloaded


# -- rollbacks and failed commits -------------------------------------------------------------------
def rows_of(log, layer_id):
    return [r for r in log.query(None, 0, 1000, descending=False) if r["layer_id"] == layer_id]


def secret_layer(store, kind, tmp_path, make_memory_layer):
    """A labelled (secret) layer in the project: a GeoPackage table or a memory layer."""
    from qgis.core import QgsVectorLayer

    if kind == "gpkg":
        layer = QgsVectorLayer(f"{not_null_gpkg(tmp_path / 'sites.gpkg')}|layername=sites", "sites", "ogr")
        assert layer.isValid()
    else:
        layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string&field=height:integer", "sites", "memory")
        feature = QgsFeature(layer.fields())
        feature.setAttributes(["a", 1])
        feature.setGeometry(QgsGeometry.fromWkt("POINT(116.39 39.91)"))
        assert layer.dataProvider().addFeatures([feature])[0]
    store.change(layer, LabelRequest(level="secret", reason="test"))
    QgsProject.instance().addMapLayer(layer)
    return layer


def wait_for(condition, timeout_s=5.0):
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    return condition()


def settle(seconds=0.1):
    """Run the event loop a while (the tracker's timers fire), whatever is expected."""
    wait_for(lambda: False, seconds)


def add_point(layer, **values):
    feature = QgsFeature(layer.fields())
    for name, value in values.items():
        feature.setAttribute(name, value)
    feature.setGeometry(QgsGeometry.fromWkt("POINT(116.40 39.92)"))
    assert layer.addFeature(feature)


@pytest.mark.parametrize("kind", ["gpkg", "memory"])
def test_discarded_edits_are_recorded_with_their_counts(tracked, kind, tmp_path, make_memory_layer):
    _tracker, _recorder, store, log = tracked
    layer = secret_layer(store, kind, tmp_path, make_memory_layer)
    fid = next(layer.getFeatures()).id()
    assert layer.startEditing()
    add_point(layer, name="new")
    add_point(layer, name="other")
    assert layer.changeAttributeValue(fid, 0, "changed")
    assert layer.rollBack()  # Toggle Editing > Discard
    rows = rows_of(log, layer.id())
    assert [(r["action"], r["outcome"], r["label"]) for r in rows[-2:]] == [
        ("editing_started", "ok", "secret"), ("editing_rolled_back", "ok", "secret")]
    assert rows[-1]["details"] == {"added": 2, "changed": 1, "deleted": 0}
    assert rows[-1]["user"] == _recorder.user and rows[-1]["layer_name"] == "sites"
    assert [f["name"] for f in layer.getFeatures()] == ["a"]  # really discarded

    assert layer.startEditing()
    assert layer.deleteFeature(fid)
    assert layer.rollBack(False)  # "Cancel edits": discards, stays in edit mode
    assert layer.isEditable()
    assert rows_of(log, layer.id())[-1]["details"] == {"added": 0, "changed": 0, "deleted": 1}
    before = log.count()
    assert layer.rollBack()  # leaving edit mode with nothing to discard is not a discard
    settle()
    assert log.count() == before


def test_failed_commit_on_a_geopackage_not_null_column(tracked, tmp_path, make_memory_layer):
    _tracker, _recorder, store, log = tracked
    layer = secret_layer(store, "gpkg", tmp_path, make_memory_layer)
    fid = next(layer.getFeatures()).id()
    assert layer.startEditing()
    assert layer.changeAttributeValue(fid, layer.fields().indexOf("name"), "renamed")
    add_point(layer)  # name NULL: SQLite refuses the insert
    assert not layer.commitChanges()
    assert layer.isEditable() and layer.isModified()
    assert wait_for(lambda: rows_of(log, layer.id())[-1]["action"] == "editing_commit_failed")
    failed = rows_of(log, layer.id())[-1]
    assert (failed["outcome"], failed["label"], failed["layer_name"]) == ("failed", "secret", "sites")
    details = failed["details"]
    assert {k: details[k] for k in ("added", "changed", "deleted", "stop_editing")} == {
        "added": 1, "changed": 1, "deleted": 0, "stop_editing": True}
    # the attribute change reached the file before the insert failed; the new point did not
    assert details["unsaved"] == {"added": 1, "changed": 0, "deleted": 0}
    assert any("NOT NULL constraint failed" in line for line in details["errors"]), details["errors"]
    assert details["errors"] == [line.strip() for line in layer.commitErrors() if line.strip()]
    settle()
    actions_now = [r["action"] for r in rows_of(log, layer.id())]
    assert actions_now.count("editing_commit_failed") == 1 and "editing_committed" not in actions_now

    assert layer.rollBack()  # the user gives up: the unsaved point is discarded
    last = rows_of(log, layer.id())[-1]
    assert (last["action"], last["details"]) == ("editing_rolled_back", {"added": 1, "changed": 0, "deleted": 0})


def test_failed_commit_on_a_memory_layer_then_a_good_one(tracked, tmp_path, make_memory_layer):
    _tracker, _recorder, store, log = tracked
    layer = secret_layer(store, "memory", tmp_path, make_memory_layer)
    fid = next(layer.getFeatures()).id()
    height = layer.fields().indexOf("height")
    assert layer.startEditing()
    assert layer.changeAttributeValue(fid, height, "tall")  # the memory provider refuses text in an integer
    assert not layer.commitChanges(False)  # "Save edits" keeps editing
    assert wait_for(lambda: rows_of(log, layer.id())[-1]["action"] == "editing_commit_failed")
    details = rows_of(log, layer.id())[-1]["details"]
    assert (details["changed"], details["stop_editing"], details["unsaved"]["changed"]) == (1, False, 1)
    assert any("tall" in line for line in details["errors"]), details["errors"]

    assert layer.changeAttributeValue(fid, height, 7)
    assert layer.commitChanges(), layer.commitErrors()
    settle()
    rows = rows_of(log, layer.id())
    assert [r["action"] for r in rows[-2:]] == ["editing_commit_failed", "editing_committed"]
    assert (rows[-1]["outcome"], rows[-1]["details"]) == ("ok", {"added": 0, "changed": 1, "deleted": 0})


def test_failures_in_a_script_with_no_event_loop_between(tracked, tmp_path, make_memory_layer):
    """commit, commit again, roll back - all before the event loop runs: three entries, in order."""
    _tracker, _recorder, store, log = tracked
    layer = secret_layer(store, "gpkg", tmp_path, make_memory_layer)
    assert layer.startEditing()
    add_point(layer)
    assert not layer.commitChanges()
    assert not layer.commitChanges()  # clears the first commit's errors as it starts
    assert layer.rollBack()
    rows = rows_of(log, layer.id())[-3:]
    assert [r["action"] for r in rows] == ["editing_commit_failed", "editing_commit_failed", "editing_rolled_back"]
    for row in rows[:2]:
        assert any("NOT NULL" in line for line in row["details"]["errors"]), row["details"]
    count = log.count()
    settle()  # the commits' timers find nothing left to record
    assert log.count() == count


def test_a_commit_that_runs_the_event_loop_is_not_taken_for_a_failure(tracked, tmp_path, make_memory_layer):
    """A provider may wait in a nested event loop inside commitChanges(): the check fires there,
    before the commit has ended, and must look again rather than record a failure."""
    from qgis.PyQt.QtCore import QCoreApplication

    tracker, _recorder, store, log = tracked
    calls = []
    check = tracker.check_commit
    tracker.check_commit = lambda layer_id: (calls.append(layer.isEditable()), check(layer_id))
    layer = secret_layer(store, "memory", tmp_path, make_memory_layer)
    fid = next(layer.getFeatures()).id()

    def nested_loop(*_args):
        for _ in range(20):
            QCoreApplication.processEvents()

    layer.beforeCommitChanges.connect(nested_loop)  # after the tracker's slot: its timer is due
    assert layer.startEditing()
    assert layer.changeAttributeValue(fid, 0, "renamed")
    assert layer.commitChanges(), layer.commitErrors()
    assert calls and calls[0] is True, "the check did not run inside the commit"
    settle(0.3)
    assert [r["action"] for r in rows_of(log, layer.id())][-1] == "editing_committed"
    assert "editing_commit_failed" not in [r["action"] for r in rows_of(log, layer.id())]

    calls.clear()
    assert layer.startEditing()
    assert layer.changeAttributeValue(fid, 1, "not a number")
    assert not layer.commitChanges()
    assert calls and calls[0] is True
    assert wait_for(lambda: rows_of(log, layer.id())[-1]["action"] == "editing_commit_failed")
    settle(0.3)
    assert [r["action"] for r in rows_of(log, layer.id())].count("editing_commit_failed") == 1
    layer.beforeCommitChanges.disconnect(nested_loop)
    layer.rollBack()


def test_unclassified_layers_follow_the_setting_for_discards_and_failures(tracked, tmp_path):
    from qgis.core import QgsVectorLayer

    _tracker, recorder, _store, log = tracked
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=n:integer", "plain", "memory")
    QgsProject.instance().addMapLayer(layer)
    for mode, expected in (("add_remove", []), ("all", ["editing_commit_failed", "editing_rolled_back"])):
        recorder.unclassified_mode = mode
        before = log.count()
        assert layer.startEditing()
        add_point(layer, n="x")
        assert not layer.commitChanges()
        settle()
        assert layer.rollBack()
        recorded = [r["action"] for r in log.query(None, 0, 100, descending=False)[before:]
                    if r["layer_id"] == layer.id()]
        assert [a for a in recorded if a != "editing_started"] == expected, mode


def test_a_commit_refused_before_writing_stops_the_polling_and_is_recorded_later(
        tracked, tmp_path, make_memory_layer, monkeypatch):
    """QGIS can refuse a commit before writing (geometry validation), with no final signal: the
    tracker stops looking after its last re-check and records the failure at the next discard."""
    from classification_plugin.integration import access_tracker

    tracker, _recorder, store, log = tracked
    monkeypatch.setattr(access_tracker, "_RECHECK_MS", (5,))
    monkeypatch.setattr(access_tracker, "_MAX_RECHECKS", 4)
    layer = secret_layer(store, "memory", tmp_path, make_memory_layer)
    assert layer.startEditing()
    add_point(layer, name="b", height=2)
    calls = []
    check = tracker.check_commit
    tracker.check_commit = lambda layer_id: (calls.append(layer_id), check(layer_id))
    tracker._before_commit(layer)  # what beforeCommitChanges does; the commit never goes on
    settle(0.3)
    assert len(calls) == 5, calls  # the first look, then four more, then no timer left
    assert tracker._commits[layer.id()].checks == 4
    assert "editing_commit_failed" not in [r["action"] for r in rows_of(log, layer.id())]
    layer.rollBack()
    actions_now = [r["action"] for r in rows_of(log, layer.id())]
    assert actions_now[-2:] == ["editing_commit_failed", "editing_rolled_back"], actions_now
