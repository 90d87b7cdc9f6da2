"""Backends for the audit tests: an SQLite file, and a real PostgreSQL server (postgres_server.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass

import postgres_server
import pytest
from postgres_server import new_pg_database

from classification_plugin.core.audit import Action, AuditEvent, Outcome

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


pg_server = postgres_server.pg_server  # the session fixture, for this folder's tests


@dataclass
class Backend:
    kind: str
    location: str

    def raw(self, sql: str, params: tuple = ()) -> list:
        """Run SQL straight against the storage, as someone tampering with it would."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.location)
            try:
                rows = conn.execute(sql, params).fetchall()
                conn.commit()
                return rows
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.location, autocommit=True) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "audit.sqlite"))
    return Backend("postgres", new_pg_database(request.getfixturevalue("pg_server")))


@pytest.fixture
def pg_location(pg_server) -> str:
    return new_pg_database(pg_server)


@pytest.fixture
def sqlite_backend(tmp_path) -> Backend:
    return Backend("sqlite", str(tmp_path / "audit.sqlite"))


def python_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return env


def event(i: int = 0, **overrides) -> AuditEvent:
    values = dict(
        time_ms=1_700_000_000_000 + i * 1000,
        action=Action.LAYER_SHOWN.value,
        outcome=Outcome.OK.value,
        user="alice",
        full_name="Alice Li",
        host="ws-01",
        session_id="s-1",
        project="/projects/城市.qgz",
        layer_id=f"roads_{i % 3}",
        layer_name=["Roads 道路", "Rivers", "Parcels"][i % 3],
        layer_source="/data/city.gpkg|layername=roads",
        provider="ogr",
        label="secret" if i % 2 else "internal",
        details={"i": i},
    )
    values.update(overrides)
    return AuditEvent(**values)


def fill(log, n: int, start: int = 0) -> list:
    return [log.append(event(i)) for i in range(start, start + n)]


@pytest.fixture
def make_event():
    return event


@pytest.fixture
def fill_log():
    return fill


def go(proc: subprocess.Popen) -> None:
    proc.stdin.write("go\n")
    proc.stdin.flush()


@pytest.fixture
def spawn_writer():
    """Start ``writer_proc.py LOCATION COUNT TAG`` and wait until it has opened the log."""
    started = []

    def spawn(location: str, count: int, tag: str, start: bool = True, pause_at: int | None = None) -> subprocess.Popen:
        extra = [str(pause_at)] if pause_at is not None else []
        proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "writer_proc.py"),
                                 location, str(count), tag, *extra],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=python_env(), cwd=REPO)
        started.append(proc)
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read()
        if start:
            go(proc)
        return proc

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@pytest.fixture
def cli():
    """Run ``python -m classification_plugin.core.audit ARGS`` in a fresh interpreter."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "classification_plugin.core.audit", *args],
                              capture_output=True, text=True, env=python_env(), cwd=REPO, timeout=120)

    return run
