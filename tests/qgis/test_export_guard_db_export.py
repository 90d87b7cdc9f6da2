"""DB Manager's Export to File: its real dialog copying a GeoPackage table, labelled in the
GeoPackage's own metadata tables (not a project layer), into a file."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QDialog, QMessageBox

from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration.label_store import LabelStore

JUSTIFICATION = "copy for the survey bureau, contract 17"


@pytest.fixture
def table_of(survey_gpkg, guard_services, qgis_app, monkeypatch):
    """``table_of(level)``: the GeoPackage's control_points table labelled ``level`` in the
    GeoPackage, opened as DB Manager opens a table (a layer of its own, not in the project)."""
    pytest.importorskip("db_manager.dlg_export_vector")
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)  # "Export finished." is modal
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: None)
    source = f"{survey_gpkg}|layername=control_points"

    def make(level):
        labelled = QgsVectorLayer(source, "control_points", "ogr")
        guard_services.labels.change(labelled, LabelRequest(level=level, reason="test data"))
        return QgsVectorLayer(source, "control_points", "ogr")

    return make


def run_export(layer, path):
    """Export ``layer`` to ``path`` (GeoPackage) as DB Manager's OK button does; returns the result."""
    from db_manager.dlg_export_vector import DlgExportVector

    # the dialog reads only whether its database has spatial support (checkSupports)
    database = SimpleNamespace(connector=SimpleNamespace(hasSpatialSupport=lambda: True))
    dialog = DlgExportVector(layer, database)
    dialog.editOutputFile.setText(str(path))
    dialog.cboFileFormat.setCurrentIndex(max(dialog.cboFileFormat.findData("GPKG"), 0))
    dialog.accept()
    result = dialog.result()
    dialog.close()
    sip.delete(dialog)
    return result


def label_of(path):
    return LabelStore(SchemeRegistry(), "cn_state_secret").load(QgsVectorLayer(str(path), "check", "ogr"))


def events(guard_services):
    return [event[:3] for event in guard_services.recorder.events if event[3].get("channel") == "db_manager_export"]


def test_a_secret_table_is_not_exported(export_guard, table_of, tmp_path, guard_services):
    out = tmp_path / "copy.gpkg"
    assert run_export(table_of("secret"), out) == QDialog.DialogCode.Rejected
    assert not out.exists()
    assert events(guard_services) == [("export_blocked", "control_points", "blocked")]
    assert "control_points" in export_guard.refusals[-1]


def test_a_confidential_table_needs_a_justification(export_guard, table_of, tmp_path, guard_services):
    out = tmp_path / "copy.gpkg"
    export_guard.ask_justification = lambda text, parent: None
    assert run_export(table_of("confidential"), out) == QDialog.DialogCode.Rejected
    assert not out.exists()
    export_guard.ask_justification = lambda text, parent: JUSTIFICATION
    assert run_export(table_of("confidential"), out) == QDialog.DialogCode.Accepted
    assert guard_services.recorder.events[-1][3]["justification"] == JUSTIFICATION
    assert label_of(out).level == "confidential"


def test_a_public_table_is_exported_and_labelled(export_guard, table_of, tmp_path, guard_services):
    out = tmp_path / "copy.gpkg"
    export_guard.ask_justification = lambda text, parent: pytest.fail("nothing to ask")
    assert run_export(table_of("public"), out) == QDialog.DialogCode.Accepted
    assert events(guard_services) == [("export_allowed", "control_points", "allowed")]
    assert label_of(out).level == "public"


def test_a_project_layer_of_the_same_table_counts(export_guard, table_of, tmp_path, clean_project, guard_services):
    layer = table_of("public")
    in_project = QgsVectorLayer(layer.source(), "control points in the project", "ogr")
    clean_project.addMapLayer(in_project)
    guard_services.labels.change(in_project, LabelRequest(level="secret", reason="test data"))
    assert run_export(QgsVectorLayer(layer.source(), "control_points", "ogr"), tmp_path / "c.gpkg") == \
        QDialog.DialogCode.Rejected
