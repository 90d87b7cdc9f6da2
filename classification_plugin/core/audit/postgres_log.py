"""The shared access log on a PostgreSQL server, for many workstations (psycopg 3, imported lazily).

Same chain and interface as the SQLite log. Each append runs in one transaction that first takes
``pg_advisory_xact_lock`` (one lock number for this log), reads the last hash, inserts, and moves
the checkpoint row, so QGIS on any number of workstations builds one chain. The session runs with
``synchronous_commit = on``: a commit returns only once the server has flushed it.

Checkpoint weakness: the checkpoint is a row in the table ``cg_audit_checkpoint`` of the same
database. Someone with write access to both tables (a database administrator) can cut the end of
the log and move the checkpoint back without being detected, unless an administrator HMAC key is
used: then the checkpoint row is signed and cannot be rewritten without the key. Grant the QGIS
users INSERT/SELECT only (no UPDATE/DELETE/TRUNCATE on ``cg_audit_log``) where possible.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from typing import Callable, Optional

from classification_plugin.core.audit.base import (
    CHECKPOINT_TABLE,
    COLUMNS,
    INDEXED,
    LOG_TABLE,
    META_TABLE,
    AuditFilter,
    AuditLog,
    AuditWriteError,
    SeqSpan,
    extracted,
    page_sql,
    range_clause,
    row_to_dict,
    span_sql,
    where_clause,
    write_csv,
)
from classification_plugin.core.audit.chain import (
    FORMAT_VERSION,
    GENESIS,
    Checkpoint,
    VerifyResult,
    batched,
    batches,
    checkpoint_mac,
    encode_entry,
    entry_hash,
    entry_mac,
    verify_rows,
)
from classification_plugin.core.audit.events import AuditEvent
from classification_plugin.core.i18n import tr

LOCK_ID = 0x43474155_4C4F47  # "CGAU" "LOG": one advisory lock number for the chain
_TYPES = {"time_ms": "bigint"}


def _generated(column: str, field: str) -> str:
    if column == "time_ms":
        expression = "((entry::jsonb ->> 'time_ms')::bigint)"
    elif column == "details":
        expression = "((entry::jsonb -> 'details')::text)"
    else:
        expression = f"(entry::jsonb ->> '{field}')"
    return f"{column} {_TYPES.get(column, 'text')} GENERATED ALWAYS AS {expression} STORED"


SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value text NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {LOG_TABLE} (seq bigint PRIMARY KEY, entry text NOT NULL, "
    "hash text NOT NULL, mac text, "
    + ", ".join(_generated(column, field) for field, column in COLUMNS.items()) + ")",
    f"CREATE TABLE IF NOT EXISTS {CHECKPOINT_TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
    "log_id text NOT NULL, count bigint NOT NULL, head text NOT NULL, mac text)",
] + [f"CREATE INDEX IF NOT EXISTS {LOG_TABLE}_{column} ON {LOG_TABLE} ({column})" for column in INDEXED]


def redact(uri: str) -> str:
    """The URI without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", uri)


def is_postgres_uri(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:
        raise AuditWriteError(tr(
            "A PostgreSQL access log needs the Python package psycopg (version 3), which is not "
            "installed. Install it, or use an SQLite file as the log location.")) from exc
    return psycopg


class PostgresAuditLog(AuditLog):
    def __init__(self, uri: str, hmac_key: Optional[bytes] = None, *, create: bool = True,
                 busy_timeout_ms: int = 5000, connect_timeout_s: int = 10):
        self.psycopg = _psycopg()
        self.uri = uri
        self.location = redact(uri)
        self.hmac_key = hmac_key or None
        self.busy_timeout_ms = int(busy_timeout_ms)
        self.connect_timeout_s = int(connect_timeout_s)
        self._lock = threading.RLock()
        self._conn = self._connect()
        try:
            self._setup(create)
        except self.psycopg.Error as exc:
            self._conn.close()
            raise self._describe(exc) from exc

    def _describe(self, exc: BaseException) -> AuditWriteError:
        errors = self.psycopg.errors
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, (errors.LockNotAvailable, errors.QueryCanceled, errors.DeadlockDetected)):
            return AuditWriteError(tr(
                "The access log {location} is locked by another session; events are kept and written when it "
                "is free.").format(location=self.location))
        if isinstance(exc, (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)):
            return AuditWriteError(tr(
                "The access log {location} cannot be written with this database account ({detail}); events "
                "are kept until it can be.").format(location=self.location, detail=detail))
        if isinstance(exc, (errors.DiskFull,)):
            return AuditWriteError(tr(
                "The database server of the access log {location} is out of disk space; events are kept "
                "until there is space.").format(location=self.location))
        if isinstance(exc, self.psycopg.OperationalError):
            return AuditWriteError(tr(
                "The access log database {location} cannot be reached ({detail}); events are kept and "
                "written when it is back.").format(location=self.location, detail=detail))
        return AuditWriteError(tr("The access log {location} cannot be opened or written: {detail}").format(
            location=self.location, detail=detail))

    def _connect(self):
        try:
            conn = self.psycopg.connect(self.uri, autocommit=True, connect_timeout=self.connect_timeout_s)
            conn.execute(f"SET lock_timeout = {self.busy_timeout_ms}")
            conn.execute("SET synchronous_commit = on")
            return conn
        except self.psycopg.Error as exc:
            raise self._describe(exc) from exc

    def _setup(self, create: bool) -> None:
        conn = self._conn
        exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (LOG_TABLE,)).fetchone()[0]
        if not exists:
            if not create:
                raise AuditWriteError(tr("There is no access log in the database {location}.").format(
                    location=self.location))
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
                for statement in SCHEMA:
                    conn.execute(statement)
                conn.execute(f"INSERT INTO {META_TABLE} VALUES ('log_id', %s) ON CONFLICT DO NOTHING",
                             (uuid.uuid4().hex,))
                conn.execute(f"INSERT INTO {META_TABLE} VALUES ('format', %s) ON CONFLICT DO NOTHING",
                             (FORMAT_VERSION,))
        row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'log_id'").fetchone()
        self.log_id = row[0] if row else ""

    def _run(self, work):
        """Run ``work(conn)`` with the writer's connection, reconnecting once if it was lost."""
        with self._lock:
            if self._conn is None:
                message = tr("The access log {location} is closed.")
                raise AuditWriteError(message.format(location=self.location))
            for attempt in range(2):
                try:
                    return work(self._conn)
                except self.psycopg.OperationalError as exc:
                    if attempt == 0 and self._conn.closed:
                        self._conn = self._connect()
                        continue
                    raise self._describe(exc) from exc
                except self.psycopg.Error as exc:
                    raise self._describe(exc) from exc

    # -- writing -------------------------------------------------------------------------------
    def append(self, event: AuditEvent) -> int:
        return self.append_many([event])

    def append_many(self, events: Iterable[AuditEvent]) -> int:
        entries = [encode_entry(event) for event in events]
        key = self.hmac_key

        def work(conn) -> int:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
                row = conn.execute(f"SELECT seq, hash FROM {LOG_TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS)
                if not entries:
                    return seq
                rows = []
                for entry in entries:
                    seq += 1
                    digest = entry_hash(seq, prev, entry)
                    rows.append((seq, entry, digest, entry_mac(key, seq, prev, entry) if key else None))
                    prev = digest
                with conn.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {LOG_TABLE} (seq, entry, hash, mac) VALUES (%s, %s, %s, %s)", rows)
                mac = checkpoint_mac(key, self.log_id, seq, prev) if key else None
                conn.execute(
                    f"INSERT INTO {CHECKPOINT_TABLE} (id, log_id, count, head, mac) "
                    "VALUES (1, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET log_id = EXCLUDED.log_id, count = EXCLUDED.count, "
                    "head = EXCLUDED.head, mac = EXCLUDED.mac",
                    (self.log_id, seq, prev, mac))
            return seq

        return self._run(work)

    # -- reading -------------------------------------------------------------------------------
    def _reader(self):
        conn = self._connect()
        return conn

    def verify(self, progress: Optional[Callable[[float], None]] = None,
               is_canceled: Optional[Callable[[], bool]] = None) -> VerifyResult:
        conn = self._reader()
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                row = conn.execute(
                    f"SELECT log_id, count, head, mac FROM {CHECKPOINT_TABLE} WHERE id = 1").fetchone()
                checkpoint = Checkpoint(row[0], int(row[1]), row[2], row[3]) if row else None
                total = conn.execute(f"SELECT max(seq) FROM {LOG_TABLE}").fetchone()[0] or 0
                with conn.cursor(name="cg_audit_verify") as cursor:
                    cursor.itersize = 10000
                    cursor.execute(f"SELECT seq, entry, hash, mac FROM {LOG_TABLE} ORDER BY seq")
                    return verify_rows(batches(cursor.fetchmany), total, key=self.hmac_key,
                                       log_id=self.log_id, checkpoint=checkpoint,
                                       checkpoint_name=CHECKPOINT_TABLE, progress=progress,
                                       is_canceled=is_canceled)
        except self.psycopg.Error as exc:
            raise self._describe(exc) from exc
        finally:
            conn.close()

    def count(self, filters: Optional[AuditFilter] = None, *, before_seq: Optional[int] = None,
              after_seq: Optional[int] = None) -> int:
        where, params = range_clause(filters, "%s", "ILIKE", before_seq, after_seq)
        sql = f"SELECT count(*) FROM {LOG_TABLE}{where}"
        return self._run(lambda conn: conn.execute(sql, params).fetchone()[0] or 0)

    def span(self, filters: Optional[AuditFilter] = None) -> SeqSpan:
        sql, params = span_sql(filters, "%s", "ILIKE")
        count, low, high = self._run(lambda conn: conn.execute(sql, params).fetchone())
        return SeqSpan(int(count or 0), int(low or 0), int(high or 0))

    def query(self, filters: Optional[AuditFilter] = None, offset: int = 0, limit: int = 100,
              descending: bool = True, *, before_seq: Optional[int] = None,
              after_seq: Optional[int] = None) -> list:
        sql, params = page_sql(filters, "%s", "ILIKE", offset, limit, descending, before_seq, after_seq)
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall())
        return [row_to_dict(*row) for row in rows]

    def page_starts(self, filters: Optional[AuditFilter], page_size: int,
                    before_seq: Optional[int] = None) -> list:
        # Numbered on the server: only one seq per page crosses the network.
        where, params = range_clause(filters, "%s", "ILIKE", before_seq)
        sql = (f"SELECT seq FROM (SELECT seq, row_number() OVER (ORDER BY seq DESC) AS n FROM {LOG_TABLE}{where}) "
               "AS numbered WHERE (n - 1) %% %s = 0 ORDER BY seq DESC")
        params.append(max(1, int(page_size)))
        return [row[0] for row in self._run(lambda conn: conn.execute(sql, params).fetchall())]

    def extract(self, actions, paths, *, after_seq: Optional[int] = None, before_seq: Optional[int] = None) -> list:
        fields = ", ".join("e #> %s" for _path in paths)
        where, bounds = range_clause(None, "%s", "ILIKE", before_seq, after_seq)
        where = where.replace(" WHERE ", " AND ", 1)
        sql = (f"SELECT seq, jsonb_build_array({fields})::text FROM (SELECT seq, entry::jsonb AS e "
               f"FROM {LOG_TABLE} WHERE action = ANY(%s){where}) AS custody ORDER BY seq")
        params = [list(path) for path in paths] + [list(actions)] + bounds
        return extracted(self._run(lambda conn: conn.execute(sql, params).fetchall()))

    def distinct_values(self, field: str) -> list:
        column = COLUMNS[field]
        return [row[0] for row in self._select(
            f"SELECT DISTINCT {column} FROM {LOG_TABLE} WHERE {column} IS NOT NULL ORDER BY 1")]

    def _select(self, sql: str) -> list:
        return self._run(lambda conn: conn.execute(sql).fetchall())

    def export_csv(self, path: str, filters: Optional[AuditFilter] = None) -> int:
        where, params = where_clause(filters, "%s", "ILIKE")
        conn = self._reader()
        try:
            with conn.transaction():
                with conn.cursor(name="cg_audit_export") as cursor:
                    cursor.itersize = 10000
                    sql = f"SELECT seq, entry, hash, mac FROM {LOG_TABLE}{where} ORDER BY seq"
                    cursor.execute(sql, params)
                    return write_csv(path, batched(cursor.fetchmany))
        except self.psycopg.Error as exc:
            raise self._describe(exc) from exc
        finally:
            conn.close()

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()
