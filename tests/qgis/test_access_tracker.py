"""The access tracker turns QGIS layer activity into access-log rows (read back from the SQLite log)."""

from __future__ import annotations

import pytest
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
