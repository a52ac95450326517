"""The connection through SQLAlchemy: an engine from a path or URL, SQLite pragmas, read and
write transactions, driver errors in Danish, and `AlchemySql` (the `Sql` on such a connection).

SQLAlchemy is used as the PostgreSQL driver (and for SQLite only when a file is created,
upgraded, copied or refused): every query is SQL text (`kigo_tui.storage.sql`). Schema
creation and migrations are `kigo_tui.storage.schema`. No Textual here. SQLite (a file) is the
default; any SQLAlchemy URL works, so a team can share a PostgreSQL database with the same code.
What PostgreSQL needs to behave like a SQLite file:

- **One writer at a time.** A write transaction first takes a transaction-level advisory lock
  (`WRITE_LOCK`), as `BEGIN IMMEDIATE` takes SQLite's write lock. Under READ COMMITTED every
  statement after it sees the latest committed data and no other kigo writer commits meanwhile,
  so the store's read-check-write steps (version checks, next local task number, schema upgrades
  by several processes opening at once) are never interleaved, and writers cannot deadlock.
- **One snapshot per read.** Read transactions run REPEATABLE READ, READ ONLY, so the counts,
  tasks and revision of one read belong together, as in a SQLite read transaction.
- **Every session in UTC**, so the naive UTC timestamps kigo writes are the instants they are.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from kigo_tui.storage.common import (
    BUSY_TIMEOUT_MS,
    StorageError,
    require_folder,
    sqlite_file,
    storage_error,
    text_error,
)
from kigo_tui.storage.dburl import backend, display_url, mask
from kigo_tui.storage.sql import Params, Row, adapt
from kigo_tui.storage.sqlite import fold

WRITE_LOCK = 0x6B69676F  # "kigo"
"""The key of PostgreSQL's advisory lock that every write transaction holds (one per database)."""

CONNECT_TIMEOUT_S = 10
"""How long to wait for a database server before saying it cannot be reached."""


class AlchemySql:
    """An `Sql` (see `kigo_tui.storage.sql`) on a SQLAlchemy connection: any database SQLAlchemy reaches."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name

    def rows(self, query: str, params: Params | None = None) -> list[Row]:
        result = self.conn.execute(text(query), adapt(params, self.dialect))
        return [tuple(r) for r in result]

    def run(self, query: str, params: Params | None = None) -> int:
        return self.conn.execute(text(query), adapt(params, self.dialect)).rowcount

    def run_many(self, query: str, rows: Sequence[Params]) -> None:
        if rows:
            self.conn.execute(text(query), [adapt(r, self.dialect) for r in rows])

    def insert_id(self, query: str, params: Params) -> int:
        result = self.conn.execute(text(query + " RETURNING id"), adapt(params, self.dialect))
        return int(result.scalar_one())


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Take over transaction control from pysqlite so BEGIN IMMEDIATE can be emitted for writes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = FULL")
    dbapi_connection.create_function("kigo_fold", 1, fold, deterministic=True)
    # WAL is switched on by prepare_schema once the file is known to be a kigo database: switching
    # here would rewrite the header of a file we are about to refuse (newer schema, not kigo's).
    cursor.close()


def use_wal(engine: Engine) -> None:
    """Put a SQLite file in WAL mode (persistent in the file); a no-op when it already is.

    The switch needs the file to itself. While another connection holds the write lock (another
    process creating or upgrading the same file), SQLite answers busy at once instead of waiting,
    so the switch is tried again until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        while True:
            try:
                if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    cursor.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)
        cursor.close()
    except sqlite3.Error as exc:
        raise StorageError(f"databasen kan ikke bruges: {exc}") from exc
    finally:
        raw.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock when the transaction starts, so no upgrade deadlock can occur."""
    if conn.get_execution_options().get("kigo_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(db: str) -> Engine:
    """An engine on a path or URL. A SQLite file's URL is built with `URL.create`, never by
    pasting the path into a string, so `#`, `?` and `%` in a folder or file name stay in it; its
    folder must exist (see `require_folder`)."""
    path = sqlite_file(db)  # refuses a malformed URL before anything is created
    if path is not None or backend(db) == "sqlite":
        if path is not None:
            require_folder(path)
        url = URL.create("sqlite", database=str(path) if path is not None else None)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        parsed = make_url(db)
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "postgresql":
            defaults = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "kigo"}
            connect_args = {k: v for k, v in defaults.items() if k not in parsed.query}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:  # the driver is not installed (psycopg is an extra)
        raise StorageError(driver_missing(db, exc.name)) from None
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StorageError(
            f"databaseadressen {display_url(db)} kan ikke bruges: {mask(str(exc), db)}"
        ) from None
    if is_postgresql(engine):
        event.listen(engine, "connect", _utc_session)
    return engine


POSTGRES_EXTRA = "kigo-tui[postgres]"
"""The extra that brings the PostgreSQL driver (psycopg)."""


def driver_missing(db: str, module: str | None) -> str:
    """What to do when the database's driver cannot be imported: install the extra, or write the
    URL with the driver kigo brings (psycopg)."""
    shown = display_url(db)
    if module is not None and module.split(".")[0] == "psycopg":
        return (
            f"{shown}: PostgreSQL-understøttelsen er ikke installeret. Installér kigo med den: "
            f"pipx install '{POSTGRES_EXTRA}' (eller pip install '{POSTGRES_EXTRA}')"
        )
    hint = ""
    if backend(db) == "postgresql":
        hint = (
            "; kigo bruger driveren psycopg: skriv adressen som postgresql+psycopg://vært/database"
        )
    return f"databaseadressen {shown} kan ikke bruges: driveren {module or '?'} er ikke installeret{hint}"


def _utc_session(dbapi_connection: DBAPIConnection, _record: object) -> None:
    """Every PostgreSQL session works in UTC, whatever the server's TimeZone: the naive UTC
    timestamps kigo writes are stored as the instants they are, and read back the same."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgresql(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write unit of work: committed when the block ends, rolled back on any error.

    On PostgreSQL it holds the write lock (`WRITE_LOCK`) from its first statement."""
    with _translate_errors(engine), engine.connect() as conn:
        conn.execution_options(kigo_write=True)
        with conn.begin():
            if is_postgresql(conn):
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one snapshot of the database for all its statements."""
    with _translate_errors(engine), engine.connect() as conn:
        if is_postgresql(conn):
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


@contextmanager
def _translate_errors(engine: Engine) -> Iterator[None]:
    """Driver errors as Danish storage errors, with any password in them masked."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        yield
    except OperationalError as exc:
        raise storage_error(mask(str(exc.orig), url)) from None
    except DatabaseError as exc:
        if is_sqlite(engine):
            raise StorageError(
                f"databasen er beskadiget eller ikke en kigo-database: {exc.orig}"
            ) from exc
        raise StorageError(f"databasen kan ikke bruges: {mask(str(exc.orig), url)}") from None
    except UnicodeEncodeError as exc:
        raise text_error(exc) from None
