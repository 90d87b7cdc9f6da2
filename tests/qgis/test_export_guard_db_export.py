"""DB Manager's Export to File: its real dialog, handed a GeoPackage table as DB Manager hands it."""

from __future__ import annotations

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDialog, QMessageBox

from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.label_store import LabelStore

pytest.importorskip("db_manager.dlg_export_vector")


@pytest.fixture
def boxes(monkeypatch):
    """DB Manager's own message boxes answered (its 'Export finished.' box is modal)."""
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    return shown


@pytest.fixture
def table_of(tmp_path, guard_services, make_memory_layer, db_manager_connect):
    """``table_of(level)``: (layer, database) as DB Manager's tree hands them to Export to File for
    a two-point GeoPackage table labelled ``level`` in the file's own metadata."""
    from conftest import write_gpkg

    def make(level, table="control_points"):
        source = write_gpkg(tmp_path / f"{level}_{table}.gpkg",
                            {table: make_memory_layer(["POINT(116.39 39.91)", "POINT(116.40 39.92)"])})
        if level:
            guard_services.labels.change(QgsVectorLayer(f"{source}|layername={table}", table, "ogr"),
                                         LabelRequest(level=level, reason="test data"))
        database = db_manager_connect(source, f"classification_guard_{level}_{table}").database()
        [found] = [one for one in database.tables() if one.name == table]
        return found.toMapLayer(), database

    return make


def run_export(table, path) -> int:
    """Export ``table`` ((layer, database) from :func:`table_of`) to ``path`` (GeoPackage) as DB
    Manager's Export to File does when OK is pressed; the dialog's result."""
    from db_manager.dlg_export_vector import DlgExportVector

    dialog = DlgExportVector(*table)
    dialog.editOutputFile.setText(str(path))
    dialog.cboFileFormat.setCurrentIndex(dialog.cboFileFormat.findData("GPKG"))
    dialog.accept()
    result = dialog.result()
    dialog.close()
    sip.delete(dialog)
    return result


def exported(path):
    layer = QgsVectorLayer(str(path), "exported", "ogr")
    return layer if path.exists() and layer.isValid() and layer.featureCount() == 2 else None


def level_of(path):
    label = LabelStore(SchemeRegistry(), "cn_state_secret").load(exported(path))
    return label.level if label is not None else None



def test_secret_table_is_refused_and_nothing_is_written(export_guard, table_of, tmp_path, guard_services, boxes):
    out = tmp_path / "leak.gpkg"
    assert run_export(table_of("secret"), out) == QDialog.DialogCode.Rejected
    assert not out.exists() and "Export finished." not in boxes
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["channel"] == "db_manager_export" and details["destination"] == str(out)
    assert "control_points" in export_guard.refusals[-1]


def test_confidential_asks_a_justification_and_the_file_carries_the_label(export_guard, table_of, tmp_path,
                                                                          guard_services, boxes):
    table = table_of("confidential")
    asked = []
    export_guard.ask_justification = lambda text, parent: asked.append(text) or None
    assert run_export(table, tmp_path / "cancelled.gpkg") == QDialog.DialogCode.Rejected
    assert asked and "control_points" in asked[0] and not (tmp_path / "cancelled.gpkg").exists()

    export_guard.ask_justification = lambda text, parent: "survey handed to the land office"
    out = tmp_path / "justified.gpkg"
    assert run_export(table, out) == QDialog.DialogCode.Accepted and exported(out) is not None
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["justification"]) == ("export_allowed", "allowed_with_justification",
                                                           "survey handed to the land office")
    assert level_of(out) == "confidential"


def test_public_is_exported_and_labelled_without_asking(export_guard, table_of, tmp_path, guard_services, boxes):
    export_guard.ask_justification = lambda text, parent: pytest.fail("public data needs no justification")
    out = tmp_path / "roads.gpkg"
    assert run_export(table_of("public", "roads"), out) == QDialog.DialogCode.Accepted
    assert "Export finished." in boxes and level_of(out) == "public"
    assert not [event for event in guard_services.recorder.events if event[0] == "export_blocked"]


def test_a_project_layer_on_the_same_table_counts(export_guard, table_of, tmp_path, guard_services, boxes,
                                                  clean_project):
    """The table carries no label, but the project's layer reading it is labelled secret there."""
    layer, database = table_of(None)
    in_project = QgsVectorLayer(layer.source(), "control points (project)", "ogr")
    clean_project.addMapLayer(in_project)
    guard_services.labels.change(in_project, LabelRequest(level="secret", reason="test data"))
    assert run_export((layer, database), tmp_path / "leak.gpkg") == QDialog.DialogCode.Rejected
    assert not (tmp_path / "leak.gpkg").exists()


def test_no_file_name_is_left_to_db_manager(export_guard, table_of, guard_services, boxes):
    """Their accept() asks for a file name: nothing is judged or recorded until there is one."""
    assert run_export(table_of("secret"), "") == QDialog.DialogCode.Rejected
    assert boxes == ["Output file name is required"] and not guard_services.recorder.events


def test_database_tables_are_matched_by_connection_schema_and_table(qgis_app):
    from classification_plugin.integration.tables import source_table_key

    one = source_table_key("postgres", "dbname='survey' host=db.local port=5432 sslmode=disable key='id' "
                                       "table=\"secret\".\"points\" (geom)")
    same = source_table_key("postgres", "host=db.local dbname='survey' port=5432 table=\"secret\".\"points\" (geom) "
                                        "key='fid'")
    other = source_table_key("postgres", "dbname='survey' host=db.local port=5432 table=\"public\".\"points\" (geom)")
    elsewhere = source_table_key("postgres", "dbname='survey' host=db2.local port=5432 "
                                             "table=\"secret\".\"points\" (geom)")
    assert one == same and one[-2:] == ("secret", "points")
    assert len({one, other, elsewhere}) == 3
    assert source_table_key("postgres", "dbname='survey'") is None  # no table named


def test_unload_puts_db_managers_accept_back(export_guard):
    from db_manager.dlg_export_vector import DlgExportVector

    assert getattr(DlgExportVector.accept, "classification_guard", False)
    export_guard.db_export.unload()
    assert not getattr(DlgExportVector.accept, "classification_guard", False)
    assert export_guard.db_export.hooked() == 0
