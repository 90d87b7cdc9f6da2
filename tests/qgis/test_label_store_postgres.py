"""A PostgreSQL table's label stays with the table, in a real PostgreSQL with PostGIS: QGIS 3.28 and
later keep a layer's metadata in the database's ``qgis_layer_metadata`` table and read it back when
the layer opens; QGIS 3.22 cannot, and the label stays in the project there."""

from __future__ import annotations

import postgres_server
import psycopg
import pytest
from qgis.core import Qgis, QgsDataSourceUri, QgsVectorLayer

from classification_plugin.core.labels import LabelRequest
from classification_plugin.core.schemes import SchemeRegistry
from classification_plugin.integration import label_store as ls
from classification_plugin.integration.label_store import LabelStore

pg_server = postgres_server.pg_server  # a private PostgreSQL for this session
pytestmark = pytest.mark.postgres
IN_DATABASE = Qgis.QGIS_VERSION_INT >= ls.DATABASE_METADATA_SINCE


@pytest.fixture
def survey_db(pg_server):
    """A new database with PostGIS and two point tables, ``survey.control_points`` and
    ``survey.benchmarks``; returns its ``postgresql://`` URI."""
    database = postgres_server.new_pg_database(pg_server)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION postgis")
        connection.execute("CREATE SCHEMA survey")
        for table in ("control_points", "benchmarks"):
            connection.execute(f"CREATE TABLE survey.{table} (id serial PRIMARY KEY, code text, "
                               "geom geometry(Point, 4326))")
            connection.execute(f"INSERT INTO survey.{table} (code, geom) VALUES "
                               "('GP01', ST_SetSRID(ST_MakePoint(116.3, 39.9), 4326))")
    return database


def pg_layer(database, table, user="postgres"):
    info = psycopg.conninfo.conninfo_to_dict(database)
    uri = QgsDataSourceUri()
    uri.setConnection(info["host"], str(info["port"]), info["dbname"], user, "")
    uri.setDataSource("survey", table, "geom", "", "id")
    layer = QgsVectorLayer(uri.uri(False), table, "postgres")
    assert layer.isValid(), uri.uri(False)
    return layer


def metadata_rows(database):
    with psycopg.connect(database) as connection:
        found = connection.execute("SELECT table_schema FROM information_schema.tables "
                                   "WHERE table_name = 'qgis_layer_metadata'").fetchone()
        if found is None:
            return []
        return connection.execute(f"SELECT f_table_name, identifier, title, qmd::text FROM {found[0]}"
                                  ".qgis_layer_metadata ORDER BY f_table_name").fetchall()


def classify_control_points(database, project, stored_in):
    """``survey.control_points`` added to ``project`` and labelled secret, where it is said to be
    and is ``stored_in``; returns (layer, label)."""
    store = LabelStore(SchemeRegistry(), "cn_state_secret", user="tester")
    layer = pg_layer(database, "control_points")
    project.addMapLayer(layer)
    assert ls.storage_for(layer) == stored_in
    label = store.change(layer, LabelRequest(level="secret", reason="control points, catalogue 2.1"))
    assert store.stored_in(layer) == stored_in
    return layer, label


@pytest.mark.skipif(not IN_DATABASE, reason="QGIS before 3.28 keeps no layer metadata in PostgreSQL")
def test_a_tables_label_is_kept_in_its_database_and_read_by_a_new_layer(survey_db, clean_project):
    layer, label = classify_control_points(survey_db, clean_project, ls.STORED_DATABASE)

    # one row, for that table only; QGIS's table refuses an empty identifier or title
    rows = metadata_rows(survey_db)
    assert [(r[0], r[1], r[2]) for r in rows] == [("control_points", "control_points", "control_points")]
    assert label.uid in rows[0][3]
    # the row as QGIS wrote it is what QGIS 3.22's reader of the guard reads
    assert ls.read_database_label(pg_layer(survey_db, "control_points")).uid == label.uid

    # another project, another store: the table itself tells, the other table stays unlabelled
    clean_project.clear()
    fresh = LabelStore(SchemeRegistry(), "cn_state_secret")
    again = pg_layer(survey_db, "control_points")
    loaded = fresh.label(again)
    assert loaded is not None and loaded.level == "secret" and loaded.uid == label.uid
    assert fresh.stored_in(again) == ls.STORED_DATABASE
    assert fresh.label(pg_layer(survey_db, "benchmarks")) is None

    # removing the label (with a justification) removes it from the database too
    fresh.change(again, LabelRequest(level=None, justification="declassified by order 12"))
    assert label.uid not in metadata_rows(survey_db)[0][3]
    assert LabelStore(SchemeRegistry(), "cn_state_secret").label(pg_layer(survey_db, "control_points")) is None


@pytest.mark.skipif(not IN_DATABASE, reason="QGIS before 3.28 keeps no layer metadata in PostgreSQL")
def test_a_user_who_may_not_write_there_keeps_the_label_in_the_project(survey_db, clean_project):
    with psycopg.connect(survey_db, autocommit=True) as connection:
        connection.execute("CREATE ROLE surveyor LOGIN")
        connection.execute("GRANT USAGE ON SCHEMA survey TO surveyor")
        connection.execute("GRANT SELECT ON ALL TABLES IN SCHEMA survey TO surveyor")
        connection.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    store = LabelStore(SchemeRegistry(), "cn_state_secret", user="surveyor")
    layer = pg_layer(survey_db, "control_points", user="surveyor")
    clean_project.addMapLayer(layer)
    label = store.change(layer, LabelRequest(level="confidential", reason="railway survey"))
    assert store.stored_in(layer) == ls.STORED_PROJECT
    assert store.label(layer).uid == label.uid
    assert metadata_rows(survey_db) == []
    assert_reopened_from_the_project(layer, label)


def assert_reopened_from_the_project(layer, label):
    """The layer opened again from its project (which restores its metadata, label included) says
    the label is in the project, not in the database."""
    reopened = QgsVectorLayer(layer.source(), layer.name(), "postgres")
    reopened.setMetadata(layer.metadata())
    fresh = LabelStore(SchemeRegistry(), "cn_state_secret")
    assert fresh.load(reopened).uid == label.uid
    assert fresh.stored_in(reopened) == ls.STORED_PROJECT


def qgis_metadata_row(database, table, label):
    """The row QGIS 3.28 and later write for ``survey.<table>`` carrying ``label`` (their table, as
    QGIS creates it, and their XML document): how a colleague's newer QGIS leaves it."""
    from qgis.core import QgsLayerMetadata
    from qgis.PyQt.QtXml import QDomDocument, QDomImplementation

    metadata = ls._metadata_with(QgsLayerMetadata(), label, SchemeRegistry().get("cn_state_secret"))
    document = QDomDocument(QDomImplementation().createDocumentType("qgis", "http://mrcc.com/qgis.dtd", "SYSTEM"))
    root = document.createElement("qgis")
    document.appendChild(root)
    assert metadata.writeMetadataXml(root, document)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS public.qgis_layer_metadata (id SERIAL PRIMARY KEY, f_table_catalog VARCHAR "
            "NOT NULL, f_table_schema VARCHAR NOT NULL, f_table_name VARCHAR NOT NULL, f_geometry_column VARCHAR, "
            "identifier TEXT NOT NULL, title TEXT NOT NULL, abstract TEXT, geometry_type VARCHAR, "
            "extent GEOMETRY(POLYGON, 4326), crs VARCHAR, layer_type VARCHAR NOT NULL, qmd XML NOT NULL, "
            "owner VARCHAR(63) DEFAULT CURRENT_USER, update_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE "
            "(f_table_catalog, f_table_schema, f_table_name, f_geometry_column, geometry_type, crs, layer_type))")
        connection.execute(
            "INSERT INTO public.qgis_layer_metadata (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, identifier, title, geometry_type, crs, layer_type, qmd) VALUES (current_database(), "
            "'survey', %s, 'geom', %s, %s, 'Point', 'EPSG:4326', 'vector', XMLPARSE(DOCUMENT %s))",
            (table, table, table, document.toString(2)))


@pytest.mark.skipif(IN_DATABASE, reason="QGIS 3.28 and later keep it in the database")
def test_before_qgis_3_28_a_tables_label_stays_in_the_project(survey_db, clean_project):
    layer, label = classify_control_points(survey_db, clean_project, ls.STORED_PROJECT)
    assert metadata_rows(survey_db) == []
    assert_reopened_from_the_project(layer, label)


@pytest.mark.skipif(IN_DATABASE, reason="QGIS 3.28 and later read it through their provider")
def test_before_qgis_3_28_a_label_a_newer_qgis_kept_in_the_database_is_read_and_not_overridden(survey_db,
                                                                                               clean_project):
    from classification_plugin.core.labels import Label, LabelError

    kept = Label(scheme="cn_state_secret", level="secret", classified_by="colleague on QGIS 3.40",
                 reason="control points, catalogue 2.1", uid="5b0c9c1e-2f4e-4f7a-9d1a-3c2b1a0f9e8d")
    qgis_metadata_row(survey_db, "control_points", kept)
    store = LabelStore(SchemeRegistry(), "cn_state_secret", user="tester")
    layer = pg_layer(survey_db, "control_points")
    clean_project.addMapLayer(layer)
    loaded = store.label(layer)
    assert loaded is not None and loaded.level == "secret" and loaded.uid == kept.uid
    assert store.stored_in(layer) == ls.STORED_DATABASE
    assert store.label(pg_layer(survey_db, "benchmarks")) is None  # another table of the database
    # a change here would stay in the project and the database's label would come back: refused
    with pytest.raises(LabelError, match="QGIS 3.28"):
        store.change(layer, LabelRequest(level="top_secret", reason="raised by order 7"))
    assert store.label(layer).level == "secret"


def test_qgis_server_reads_a_database_label_again_after_a_few_seconds(survey_db, monkeypatch):
    # QGIS Server caches a project's layers: a file's label is read again when the file changes,
    # a database's, which has no file to watch, every DATABASE_REREAD_S seconds
    from classification_plugin.server import labels as server_labels

    reads, now = [], [1000.0]
    monkeypatch.setattr(server_labels.time, "monotonic", lambda: now[0])
    cache = server_labels.LabelCache(reader=lambda layer: reads.append(layer.name()))
    layer = pg_layer(survey_db, "control_points")
    cache.label(layer, "/srv/project.qgs")
    now[0] += server_labels.DATABASE_REREAD_S / 2
    cache.label(layer, "/srv/project.qgs")
    assert reads == ["control_points"]
    now[0] += server_labels.DATABASE_REREAD_S
    cache.label(layer, "/srv/project.qgs")
    assert reads == ["control_points", "control_points"]
