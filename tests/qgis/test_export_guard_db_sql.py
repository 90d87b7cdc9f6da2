"""DB Manager's SQL window: its real window on a real GeoPackage connection, a query run through
QGIS's task manager, its result rows copied and loaded as a query layer."""

from __future__ import annotations

import time

import pytest
from qgis.core import QgsApplication, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QApplication

from classification_plugin.core.labels import LabelRequest

pytest.importorskip("db_manager.dlg_sql_window")

POINTS = ["POINT(116.39 39.91)", "POINT(116.40 39.92)"]


@pytest.fixture
def survey_file(tmp_path, guard_services, make_memory_layer):
    """A GeoPackage holding ``control_points`` (secret), ``parcels`` (confidential) and ``roads``
    (public), each label in the file's own metadata."""
    from conftest import write_gpkg

    levels = {"control_points": "secret", "parcels": "confidential", "roads": "public"}
    source = write_gpkg(tmp_path / "survey.gpkg", {table: make_memory_layer(POINTS) for table in levels})
    for table, level in levels.items():
        guard_services.labels.change(QgsVectorLayer(f"{source}|layername={table}", table, "ogr"),
                                     LabelRequest(level=level, reason="test data"))
    return source


@pytest.fixture
def survey_db(survey_file, db_manager_connect):
    """DB Manager's database of :func:`survey_file`."""
    return db_manager_connect(survey_file, "classification_guard_sql").database()


@pytest.fixture
def window(survey_db, qgis_iface, monkeypatch):
    from db_manager.db_manager import DBManager
    from qgis.PyQt.QtCore import QSize

    # pytest-qgis's iface needs the argument QGIS's own defaults
    monkeypatch.setattr(qgis_iface, "iconSize", lambda dockedToolbar=False: QSize(24, 24), raising=False)
    from db_manager.dlg_sql_window import DlgSqlWindow

    manager = DBManager(qgis_iface)  # the window a query tab lives in (it greys its tabs while one runs)
    made = []

    def make(sql):
        dialog = DlgSqlWindow(qgis_iface, survey_db, manager)
        made.append(dialog)
        dialog.editSql.setText(sql)
        return dialog

    yield make
    for dialog in made:
        dialog.setHasChanged(False)  # else its close() asks, modally, whether to save the query
        dialog.close()
        sip.delete(dialog)
    manager.close()
    sip.delete(manager)


def run(dialog, rows=2):
    """Run the window's query as its Execute button does and wait for its task to show the rows."""
    dialog.executeSql()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        QgsApplication.processEvents()
        model = dialog.viewResult.model()
        if model is not None and model.rowCount() == rows:
            return model
        time.sleep(0.01)
    pytest.fail("the query did not finish")


def copy_all(dialog) -> str:
    QApplication.clipboard().clear()
    dialog.viewResult.selectAll()
    dialog.copySelectedResults()
    return QApplication.clipboard().text()


def test_copying_rows_of_a_secret_table_is_refused(export_guard, window, guard_services):
    dialog = window("SELECT * FROM control_points")
    run(dialog)
    assert copy_all(dialog) == ""
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["channel"] == "db_manager_sql" and details["rows"] == 2
    assert "control_points" in export_guard.refusals[-1]


def test_the_query_shown_decides_not_the_text_edited_since(export_guard, window, guard_services):
    dialog = window("SELECT * FROM control_points")
    run(dialog)
    dialog.editSql.setText("SELECT * FROM roads")  # typed after the secret rows are shown
    assert copy_all(dialog) == ""
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "control_points", "blocked")


def test_a_join_takes_the_strictest_table(export_guard, window, guard_services):
    dialog = window("SELECT r.fid FROM roads r JOIN control_points c ON r.fid = c.fid")
    run(dialog)
    assert copy_all(dialog) == ""


def test_confidential_rows_are_copied_with_a_justification(export_guard, window, guard_services):
    dialog = window("SELECT * FROM parcels")
    run(dialog)
    export_guard.ask_justification = lambda text, parent: None
    assert copy_all(dialog) == ""
    export_guard.ask_justification = lambda text, parent: "parcel list for the cadastre office"
    copied = copy_all(dialog)
    assert copied.count("\n") == 2 and "fid" in copied.splitlines()[0]
    action, _name, outcome, details = guard_services.recorder.events[-1]
    assert (action, outcome, details["justification"]) == ("export_allowed", "allowed_with_justification",
                                                           "parcel list for the cadastre office")


def test_public_rows_are_copied_without_asking(export_guard, window, guard_services):
    export_guard.ask_justification = lambda text, parent: pytest.fail("public data needs no justification")
    dialog = window("SELECT * FROM roads")
    run(dialog)
    assert copy_all(dialog).count("\n") == 2
    assert not [event for event in guard_services.recorder.events if event[0] == "export_blocked"]


@pytest.mark.parametrize("sql, level", [("SELECT * FROM roads JOIN control_points USING (fid)", "secret"),
                                        ("SELECT * FROM parcels", "confidential"),
                                        ("SELECT * FROM roads", "public")])
def test_a_query_layer_inherits_the_label_of_the_tables_it_reads(export_guard, window, clean_project,
                                                                  guard_services, sql, level):
    dialog = window(sql)
    run(dialog)
    dialog.loadAsLayerGroup.setChecked(True)
    dialog.layerNameEdit.setText("queried")
    dialog.loadSqlLayer()
    [layer] = clean_project.mapLayersByName("queried")
    label = guard_services.labels.label(layer)
    assert label is not None and label.level == level


def test_unload_puts_the_sql_window_back(export_guard):
    from db_manager.dlg_sql_window import DlgSqlWindow

    assert all(getattr(getattr(DlgSqlWindow, name), "classification_guard", False)
               for name in ("executeSql", "copySelectedResults", "loadSqlLayer"))
    export_guard.db_sql.unload()
    assert not any(getattr(getattr(DlgSqlWindow, name), "classification_guard", False)
                   for name in ("executeSql", "copySelectedResults", "loadSqlLayer"))
    assert export_guard.db_sql.hooked() == 0


# -- query layers from anywhere (QGIS's own Execute SQL window, a project, a script) --------------
def query_layer(path, sql):
    """A query layer as QGIS's Execute SQL window and DB Manager load one over a GeoPackage."""
    layer = QgsVectorLayer(f"{path}|subset={sql}", "query", "ogr")
    assert layer.isValid()
    return layer


@pytest.mark.parametrize("sql, level", [("SELECT * FROM roads JOIN control_points USING (fid)", "secret"),
                                        ("SELECT * FROM parcels", "confidential"),
                                        ("SELECT * FROM roads", "public"),
                                        ("SELECT 1 AS fid, MakePoint(1, 1, 4326) AS geom", None)])
def test_a_query_layer_added_to_the_project_takes_the_label_of_its_tables(export_guard, survey_file,
                                                                          clean_project, guard_services, sql,
                                                                          level):
    layer = query_layer(survey_file, sql)
    clean_project.addMapLayer(layer)
    label = guard_services.labels.label(layer)
    assert (label.level if label is not None else None) == level


def test_a_query_layer_labelled_higher_keeps_its_label(export_guard, survey_file, clean_project, guard_services):
    layer = query_layer(survey_file, "SELECT * FROM roads")
    clean_project.addMapLayer(layer)
    guard_services.labels.change(layer, LabelRequest(level="secret", reason="the selection is sensitive"))
    assert export_guard.query_layers.layers_added([layer]) == []  # as when the project is opened again
    assert guard_services.labels.label(layer).level == "secret"


def test_a_query_layer_carries_no_label_of_its_own_from_the_file(survey_file, guard_services):
    """GDAL gives a query over a GeoPackage the metadata of the file's first table (here the
    secret control points): that is not the query's label."""
    from classification_plugin.integration.label_store import data_label

    assert data_label(query_layer(survey_file, "SELECT * FROM roads")) is None
    assert data_label(QgsVectorLayer(f"{survey_file}|layername=roads", "roads", "ogr")).level == "public"


def test_a_database_query_layer_names_its_connection_and_sql():
    from classification_plugin.integration.tables import query_of_source

    sql, path, uri = query_of_source("postgres", "dbname='survey' host=db.local port=5432 key='fid' "
                                                 "table=\"(SELECT * FROM secret.points)\" (geom)")
    assert "secret.points" in sql and path == "" and uri.database() == "survey"
    assert query_of_source("postgres", "dbname='survey' host=db.local table=\"public\".\"roads\" (geom)") is None
    assert query_of_source("ogr", "/data/survey.gpkg|layername=roads|subset=\"kind\" = 'rail'") is None


def test_the_layer_qgis_execute_sql_window_loads_takes_the_label(export_guard, survey_file, clean_project,
                                                                  guard_services):
    """The layer QGIS's own Execute SQL window loads, made as it makes it (the connection's
    createSqlVectorLayer)."""
    from qgis.core import QgsAbstractDatabaseProviderConnection, QgsProviderRegistry

    connection = QgsProviderRegistry.instance().providerMetadata("ogr").createConnection(str(survey_file), {})
    if not hasattr(connection, "createSqlVectorLayer"):
        pytest.skip("no SQL layers from a connection on this QGIS")
    options = QgsAbstractDatabaseProviderConnection.SqlVectorLayerOptions()
    options.sql = "SELECT * FROM parcels"
    options.layerName = "from Execute SQL"
    layer = connection.createSqlVectorLayer(options)
    assert layer.isValid()
    clean_project.addMapLayer(layer)
    assert guard_services.labels.label(layer).level == "confidential"
