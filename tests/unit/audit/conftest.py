"""Backends for the audit tests: an SQLite file, and a real PostgreSQL server started here.

The server runs as the ``postgres`` system user when the tests run as root (PostgreSQL refuses
root), in a temporary folder that user owns, on a unix socket there and a free loopback port.
Missing server binaries fail the PostgreSQL tests: CI installs them (``make deps``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass

import pytest

from classification_plugin.core.audit import Action, AuditEvent, Outcome

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _pg_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL server binaries are missing: apt-get install postgresql (make deps does it)")
    return os.path.dirname(found[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list) -> list:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def pg_server():
    """``postgresql://`` URI prefix (without database) of a private server for this session."""
    bindir = _pg_bin()
    root = tempfile.mkdtemp(prefix="cg-audit-pg-")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = os.path.join(root, "data")
    port = _free_port()
    subprocess.run(_as_postgres([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                                 "--no-sync", "-E", "UTF8", "--locale", "C"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(root, "server.log"), "-w",
                                 "-o", f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
                                 "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


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


def new_pg_database(pg_server: str) -> str:
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


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
