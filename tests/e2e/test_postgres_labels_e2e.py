"""End-to-end (QGIS 3.28 and later): a PostGIS table's label kept in its database, in the real
desktop against a real PostgreSQL with PostGIS. Screenshots: tests/e2e/output/VERSION/postgres_labels/."""

import postgres_server
import psycopg
import pytest
from harness import assert_checks, qgis_version, run_scenario

pg_server = postgres_server.pg_server  # a private PostgreSQL for this session, as the audit tests start it


@pytest.mark.skipif(tuple(map(int, qgis_version().split("."))) < (3, 28),
                    reason="QGIS before 3.28 keeps no layer metadata in PostgreSQL (its reading of such a "
                           "label is tested in tests/qgis/test_label_store_postgres.py)")
def test_a_postgis_tables_label_is_kept_in_its_database_and_back_in_a_new_project(tmp_path, pg_server):
    database = postgres_server.new_pg_database(pg_server)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION postgis")
        connection.execute("CREATE SCHEMA survey")
        for table in ("control_points", "benchmarks"):
            connection.execute(f"CREATE TABLE survey.{table} (id serial PRIMARY KEY, code text, "
                               "geom geometry(Point, 4326))")
            connection.execute(f"INSERT INTO survey.{table} (code, geom) VALUES "
                               "('GP01', ST_SetSRID(ST_MakePoint(116.3, 39.9), 4326)), "
                               "('GP02', ST_SetSRID(ST_MakePoint(116.4, 39.95), 4326))")
    info = psycopg.conninfo.conninfo_to_dict(database)
    tables = (f"host={info['host']} port={info['port']} dbname='{info['dbname']}' user=postgres key='id' "
              "srid=4326 type=Point table=\"survey\".\"{table}\" (geom)")
    result = run_scenario("postgres_labels", "scenario_postgres_labels.py", tmp_path, env={"CG_PG_TABLES": tables})
    assert_checks(result, [
        "the PostGIS table is added", "context menu has 'Classify as Secret'",
        "labelled secret, kept in the database", "the badge says where",
        "label back in a new project, from the database", "the other table stays unlabelled",
        "banner shows SECRET", "classification:getlabel reads it", "its Save As is refused",
    ])
