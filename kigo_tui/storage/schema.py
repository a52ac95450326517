"""The database connection: URL handling, SQLite pragmas, write transactions and migrations.

No Textual here. SQLite (a file) is the default; any SQLAlchemy URL works, so a team can share a
PostgreSQL database with the same code. What PostgreSQL needs to behave like a SQLite file:

- **One writer at a time.** A write transaction first takes a transaction-level advisory lock
  (`WRITE_LOCK`), as `BEGIN IMMEDIATE` takes SQLite's write lock. Under READ COMMITTED every
  statement after it sees the latest committed data and no other kigo writer commits meanwhile,
  so the store's read-check-write steps (version checks, next local task number, schema upgrades
  by several processes opening at once) are never interleaved, and writers cannot deadlock.
- **One snapshot per read.** Read transactions run REPEATABLE READ, READ ONLY, so the counts,
  tasks and revision of one read belong together, as in a SQLite read transaction.
- **Text sorts by code point.** Text columns are created `COLLATE "C"`, so ORDER BY gives the
  order SQLite gives (a server's Danish collation would put "Aa" after "Z").
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, String, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import GenericTypeCompiler
from sqlmodel import SQLModel

from kigo_tui.models import tables as _tables  # noqa: F401  (registers the tables)
from kigo_tui.storage.common import (
    BUSY_TIMEOUT_MS,
    LOCAL_ID_KEY,
    SCHEMA_VERSION,
    StorageError,
    require_folder,
    sqlite_file,
    storage_error,
    text_error,
    url_for,
)
from kigo_tui.storage.dburl import backend, display_url, mask
from kigo_tui.storage.sql import Params, Row, adapt
from kigo_tui.storage.sqlite import fold

__all__ = ["SCHEMA_VERSION", "AlchemySql", "StorageError", "url_for"]

WRITE_LOCK = 0x6B69676F  # "kigo"
"""The key of PostgreSQL's advisory lock that every write transaction holds (one per database)."""

CONNECT_TIMEOUT_S = 10
"""How long to wait for a database server before saying it cannot be reached."""


@compiles(String, "postgresql")
def _string_in_code_point_order(type_: String, compiler: GenericTypeCompiler, **kw: Any) -> str:
    """Text columns in PostgreSQL DDL get `COLLATE "C"` (not a CAST's type: only a Column's)."""
    spec: str = compiler.visit_string(type_, **kw)
    if isinstance(kw.get("type_expression"), Column) and type_.collation is None:
        spec += ' COLLATE "C"'
    return spec


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


def _use_wal(engine: Engine) -> None:
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


# ---------------------------------------------------------------------------------------------
# Schema versions and migrations


def _add_task_version(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE task ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


def _add_task_withdrawn(conn: Connection) -> None:
    # `DEFAULT false` is accepted by SQLite (as 0) and PostgreSQL alike.
    conn.execute(text("ALTER TABLE task ADD COLUMN withdrawn BOOLEAN NOT NULL DEFAULT false"))


def _add_organisation(conn: Connection) -> None:
    tables = SQLModel.metadata.tables  # today's models (registered by the import above)
    for name in ("person", "role_assignment", "responsibility", "dialogue", "dialogue_task"):
        tables[name].create(conn)


def _add_case_area(conn: Connection) -> None:
    SQLModel.metadata.tables["case_area"].create(conn)


def _add_rollup_index(conn: Connection) -> None:
    from kigo_tui.models.tables import ROLLUP_INDEX

    ROLLUP_INDEX.create(conn)


def _add_defect(conn: Connection) -> None:
    SQLModel.metadata.tables["defect"].create(conn)


def _add_baselines_and_local_ids(conn: Connection) -> None:
    """Schema 8: KOMBIT's baseline dates beside the kommune's, reasons for moved dates, and local
    task numbers that are never reused.

    Self-contained (it reads and writes with SQL text, not today's models' behaviour), so it can be
    renumbered. Every existing row stays; new columns are filled from what the database says:
    a catalogue task's baseline is its project's go-live + the catalogue's offset (as
    `Store.initialise` computes dates); a local task has none. The highest local number ever used
    under each hovedopgave (tasks and their history, deleted ones included) becomes the counter
    `Store.add_local_task` continues from.
    """
    import re
    from datetime import date, timedelta

    from kigo_tui.storage.sql import as_date

    def add(table: str, column: Column[Any]) -> None:
        kind = column.type.compile(dialect=conn.dialect)
        if is_postgresql(conn) and isinstance(column.type, String):
            kind += ' COLLATE "C"'
        conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{column.name}" {kind}'))

    task_table = SQLModel.metadata.tables["task"]
    for name in ("baseline_start", "baseline_due", "start_reason", "due_reason"):
        add("task", task_table.c[name])
    add("history", SQLModel.metadata.tables["history"].c["reason"])

    sql = AlchemySql(conn)
    golives = {
        code: as_date(golive) for code, golive in sql.rows("SELECT code, golive FROM project")
    }

    def baseline(golive: date | None, days: int | None) -> date | None:
        if golive is None or days is None:
            return None
        try:
            return golive + timedelta(days=days)
        except OverflowError:
            return None

    filled = [
        {
            "id": task_id,
            "s": baseline(golives.get(project), start_offset),
            "d": baseline(golives.get(project), due_offset),
        }
        for task_id, project, start_offset, due_offset in sql.rows(
            "SELECT id, project, start_offset, due_offset FROM task WHERE is_local = false"
        )
    ]
    sql.run_many(
        "UPDATE task SET baseline_start = :s, baseline_due = :d WHERE id = :id",
        [row for row in filled if row["s"] is not None or row["d"] is not None],
    )

    highest: dict[str, int] = {}
    local = re.compile(r"((?:STS|SAPA|KY|KSD)-\d{2})-L(\d+)")
    for (task_id,) in sql.rows("SELECT id FROM task UNION SELECT task_id FROM history"):
        match = local.fullmatch(task_id or "")
        if match:
            prefix, number = match.group(1), int(match.group(2))
            highest[prefix] = max(highest.get(prefix, 0), number)
    sql.run_many(
        "INSERT INTO meta (key, value) VALUES (:key, :value)",
        [{"key": LOCAL_ID_KEY + p, "value": str(n)} for p, n in sorted(highest.items())],
    )


def _add_case_area_version(conn: Connection) -> None:
    """case_area.version: a sagsområde's edits are versioned like a task's (no lost update).

    A database older than schema 5 got the table from today's model (`_add_case_area`), with
    the column already."""
    if "version" not in {c["name"] for c in inspect(conn).get_columns("case_area")}:
        conn.execute(text("ALTER TABLE case_area ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_task_version,
    3: _add_task_withdrawn,
    4: _add_organisation,
    5: _add_case_area,
    6: _add_rollup_index,
    7: _add_defect,
    8: _add_baselines_and_local_ids,
    9: _add_case_area_version,
}
"""MIGRATIONS[n] upgrades a database of schema n-1 to schema n."""


def stored_schema_version(conn: Connection) -> int | None:
    """The schema version recorded in the database; None for an empty database."""
    if not inspect(conn).has_table("meta"):
        return None
    row = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        raise StorageError(f"databasens skemaversion er ulæselig: {row[0]!r}") from None


def prepare_schema(engine: Engine) -> int | None:
    """Create missing tables on an empty database, or upgrade an older schema in place.

    Returns the version the database had before (None when it was empty). A database written by a
    newer kigo is refused untouched.
    """
    path = _sqlite_file(engine)
    if path is not None and path.exists() and path.stat().st_size > 0:
        _refuse_corrupt(path)
        _backup_before_migration(engine, path)
    before = _check_and_migrate(engine)
    if is_sqlite(engine):
        _use_wal(engine)
    return before


def _sqlite_file(engine: Engine) -> Path | None:
    if not is_sqlite(engine) or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(engine.url.database)


def _refuse_corrupt(path: Path) -> None:
    """A damaged file is never written to: say so, and name the newest good backup."""
    from kigo_tui.storage.backup import integrity_problem, newest_good_backup

    problem = integrity_problem(path)
    if problem is None:
        return
    if "not a database" in problem or "file is encrypted" in problem:
        raise StorageError(
            f"databasen {path} er ikke en kigo-database ({problem}); intet er ændret"
        )
    if "readonly" in problem or "unable to open" in problem:
        # Permissions, not damage: a WAL database in a folder this user cannot write cannot even be
        # read. Offering a restore here would send the user to replace a good file.
        raise StorageError(
            f"databasen {path} kan ikke åbnes: filen eller mappen er skrivebeskyttet eller "
            f"utilgængelig for denne bruger ({problem}); intet er ændret"
        )
    good = newest_good_backup(path)
    offer = (
        f" Nyeste gode sikkerhedskopi: {good} (gendan med 'kigo --db {path} restore')."
        if good
        else " Der findes ingen sikkerhedskopi at gendanne."
    )
    raise StorageError(f"databasen {path} er beskadiget ({problem}); filen er ikke ændret.{offer}")


def _backup_before_migration(engine: Engine, path: Path) -> None:
    from kigo_tui.storage.backup import make_backup

    with read_connection(engine) as conn:
        before = stored_schema_version(conn)
    if before is not None and before < SCHEMA_VERSION:
        make_backup(path, f"foer-skema-{SCHEMA_VERSION}")


def _check_and_migrate(engine: Engine) -> int | None:
    with write_transaction(engine) as conn:
        before = stored_schema_version(conn)
        if before is None:
            if inspect(conn).get_table_names():
                tables = ", ".join(sorted(inspect(conn).get_table_names()))
                raise StorageError(
                    f"databasen indeholder andre tabeller ({tables}) og er ikke en kigo-database"
                )
            SQLModel.metadata.create_all(conn)
            _set_schema_version(conn, SCHEMA_VERSION)
            return None
        if before > SCHEMA_VERSION:
            raise StorageError(
                f"databasen er lavet af en nyere kigo (skema {before}; dette program kender "
                f"op til {SCHEMA_VERSION}). Opgrader kigo; databasen er ikke ændret."
            )
        for version in range(before + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
            _set_schema_version(conn, version)
        return before


def _set_schema_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)}
    )
    if updated.rowcount == 0:
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)}
        )
