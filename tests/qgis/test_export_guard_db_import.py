"""DB Manager's Import Layer/File: its real dialog writing into a real GeoPackage connection."""

from __future__ import annotations

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDialog, QMessageBox

from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.label_store import LabelStore

CONNECTION = "classification_guard_test"


@pytest.fixture
def target_db(db_manager_connect, tmp_path, monkeypatch):
    """An empty GeoPackage as DB Manager opens it (a saved connection), and DB Manager's own
    message boxes answered (its success box is modal)."""
    from osgeo import ogr

    db_manager = pytest.importorskip("db_manager.dlg_import_vector")
    path = tmp_path / "target.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(path)).FlushCache()
    plugin = db_manager_connect(path, CONNECTION)
    boxes = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: boxes.append(args[2]))
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: boxes.append(args[2]))
    return plugin.database(), path, db_manager.DlgImportVector, boxes


def run_import(target_db, layer, table):
    """Import ``layer`` into ``table`` as DB Manager's OK button does; returns the dialog's result."""
    db, _path, dialog_class, _boxes = target_db
    dialog = dialog_class(None, db, db.uri())
    dialog.cboInputLayer.setCurrentIndex(dialog.cboInputLayer.findData(layer.id()))
    dialog.cboTable.setEditText(table)
    dialog.accept()
    result = dialog.result()
    dialog.close()
    sip.delete(dialog)
    return result


def imported(path, table):
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    return layer if layer.isValid() and layer.featureCount() == 2 else None


def test_secret_is_refused_and_nothing_is_written(export_guard, layer_of, target_db, guard_services):
    _db, path, _cls, boxes = target_db
    result = run_import(target_db, layer_of("secret", "control_points"), "leak")
    assert imported(path, "leak") is None and "Import was successful." not in boxes
    assert result == QDialog.DialogCode.Rejected
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["channel"] == "db_manager_import" and details["table"] == "leak"
    assert details["destination"] == str(path)
    assert "control_points" in export_guard.refusals[-1]


def test_confidential_asks_a_justification_and_records_it(export_guard, layer_of, target_db, guard_services):
    _db, path, _cls, _boxes = target_db
    layer = layer_of("confidential", "parcels")
    asked = []
    export_guard.ask_justification = lambda text, parent: asked.append(text) or None
    run_import(target_db, layer, "cancelled")
    assert asked and "parcels" in asked[0] and imported(path, "cancelled") is None

    export_guard.ask_justification = lambda text, parent: "handover to the land office"
    result = run_import(target_db, layer, "justified")
    assert result == QDialog.DialogCode.Accepted and imported(path, "justified") is not None
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["justification"]) == ("export_allowed", "allowed_with_justification",
                                                           "handover to the land office")
    label = LabelStore(SchemeRegistry(), "cn_state_secret").load(imported(path, "justified"))
    assert label is not None and label.level == "confidential"


def test_public_is_imported_and_the_table_labelled(export_guard, layer_of, target_db, guard_services):
    _db, path, _cls, boxes = target_db
    export_guard.ask_justification = lambda text, parent: pytest.fail("public data needs no justification")
    run_import(target_db, layer_of("public", "roads"), "roads")
    assert imported(path, "roads") is not None and "Import was successful." in boxes
    label = LabelStore(SchemeRegistry(), "cn_state_secret").load(imported(path, "roads"))
    assert label is not None and label.level == "public"
    assert not [event for event in guard_services.recorder.events if event[0] == "export_blocked"]


def test_a_file_typed_in_the_dialog_counts_with_its_own_label(export_guard, target_db, tmp_path, guard_services,
                                                              make_memory_layer):
    """A file never added to the project: the label its data carries decides."""
    from conftest import write_gpkg

    from classification_plugin.core.labels import LabelRequest

    source = write_gpkg(tmp_path / "source.gpkg", {"wells": make_memory_layer(["POINT(1 1)", "POINT(2 2)"])})
    guard_services.labels.change(QgsVectorLayer(f"{source}|layername=wells", "wells", "ogr"),
                                 LabelRequest(level="secret", reason="test data"))
    db, path, dialog_class, _boxes = target_db
    dialog = dialog_class(None, db, db.uri())
    dialog.cboInputLayer.setCurrentIndex(-1)
    dialog.cboInputLayer.setEditText(f"{source}|layername=wells")
    dialog.cboTable.setEditText("wells")
    dialog.accept()
    assert imported(path, "wells") is None
    # DB Manager names the layer after the file
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "source", "blocked")


def test_unload_puts_db_managers_accept_back(export_guard):
    from db_manager.dlg_import_vector import DlgImportVector

    assert getattr(DlgImportVector.accept, "classification_guard", False)
    export_guard.db_import.unload()
    assert not getattr(DlgImportVector.accept, "classification_guard", False)
    assert export_guard.db_import.hooked() == 0


def test_another_table_of_the_same_file_does_not_count(export_guard, target_db, tmp_path, guard_services,
                                                       make_memory_layer, clean_project):
    """A public table is judged by its own label, not by a secret table beside it in one GeoPackage."""
    from conftest import write_gpkg

    from classification_plugin.core.labels import LabelRequest

    points = ["POINT(1 1)", "POINT(2 2)"]
    source = write_gpkg(tmp_path / "survey.gpkg", {"control_points": make_memory_layer(points),
                                                   "roads": make_memory_layer(points)})
    layers = {}
    for table, level in (("control_points", "secret"), ("roads", "public")):
        layers[table] = QgsVectorLayer(f"{source}|layername={table}", table, "ogr")
        clean_project.addMapLayer(layers[table])
        guard_services.labels.change(layers[table], LabelRequest(level=level, reason="test data"))
    _db, path, _cls, _boxes = target_db
    run_import(target_db, layers["roads"], "roads")
    assert imported(path, "roads") is not None
