"""The schema: its version, creating it on an empty database, and upgrading an older one in
place (after a backup of a SQLite file), or refusing a newer, foreign or damaged one untouched.

SQLAlchemy's table models (`kigo_tui.models.tables`) create the tables; the migrations are SQL
text and DDL, one per schema version (`MIGRATIONS`). The connection itself (engine, pragmas,
transactions) is `kigo_tui.storage.engine`. No Textual here.

- **Text sorts by code point.** On PostgreSQL, text columns are created `COLLATE "C"`, so ORDER
  BY gives the order SQLite gives (a server's Danish collation would put "Aa" after "Z").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, String, inspect, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import GenericTypeCompiler
from sqlmodel import SQLModel

from kigo_tui.models import tables as _tables  # noqa: F401  (registers the tables)
from kigo_tui.storage.common import LOCAL_ID_KEY, SCHEMA_VERSION, StorageError
from kigo_tui.storage.engine import (
    AlchemySql,
    is_postgresql,
    is_sqlite,
    read_connection,
    use_wal,
    write_transaction,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StorageError",
    "prepare_schema",
    "stored_schema_version",
]
"""What other modules take from here; the connection (`make_engine`, the transactions,
`AlchemySql`) is `kigo_tui.storage.engine`."""


@compiles(String, "postgresql")
def _string_in_code_point_order(type_: String, compiler: GenericTypeCompiler, **kw: Any) -> str:
    """Text columns in PostgreSQL DDL get `COLLATE "C"` (not a CAST's type: only a Column's)."""
    spec: str = compiler.visit_string(type_, **kw)
    if isinstance(kw.get("type_expression"), Column) and type_.collation is None:
        spec += ' COLLATE "C"'
    return spec


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


CASE_AREA_V10 = (
    ("tsa_agreement", "BOOLEAN NOT NULL DEFAULT false"),
    ("cleanup_requirements", "VARCHAR NOT NULL DEFAULT ''"),
    ("archive_requirements", "VARCHAR NOT NULL DEFAULT ''"),
    ("tender_when", "VARCHAR NOT NULL DEFAULT ''"),
    ("market_options", "VARCHAR NOT NULL DEFAULT ''"),
    ("preferred_cases_in", "VARCHAR NOT NULL DEFAULT ''"),
    ("preferred_notes_in", "VARCHAR NOT NULL DEFAULT ''"),
    ("preferred_alerts_in", "VARCHAR NOT NULL DEFAULT ''"),
    ("preferred_documents_in", "VARCHAR NOT NULL DEFAULT ''"),
    ("preferred_overview_in", "VARCHAR NOT NULL DEFAULT ''"),
    ("own_user_band", "VARCHAR"),
    ("own_priority", "INTEGER"),
)
"""Schema 10's new case_area columns with their SQL types (self-contained: renumberable)."""


def _add_exit_documentation(conn: Connection) -> None:
    """Schema 10: the rest of seed 004's documentation sheet on case_area, and the exit decision
    note (exit_decision). Every existing area keeps its values; the new ones start empty (no
    TSA, no own band or priority: kigo's suggestions count)."""
    have = {c["name"] for c in inspect(conn).get_columns("case_area")}
    for name, kind in CASE_AREA_V10:
        if name in have:
            continue  # a database older than schema 5 got today's table with the columns
        if is_postgresql(conn) and kind.startswith("VARCHAR"):
            kind = kind.replace("VARCHAR", 'VARCHAR COLLATE "C"', 1)
        conn.execute(text(f'ALTER TABLE case_area ADD COLUMN "{name}" {kind}'))
    SQLModel.metadata.tables["exit_decision"].create(conn, checkfirst=True)


def _add_organisation_weights(conn: Connection) -> None:
    """Schema 11: person.version (people are edited versioned, no lost update),
    role_assignment.decision_power (seed 001: the steering group's members decide),
    dialogue.results and dialogue.lead_informed (seed 000: KOMBIT documents the results, and the
    kommune's programme leader is told before an escalation).

    Self-contained SQL (can be renumbered); existing rows get version 1, no decision power marked,
    no results and "not recorded" for the notice."""
    present = {
        table: {c["name"] for c in inspect(conn).get_columns(table)}
        for table in ("person", "role_assignment", "dialogue")
    }
    text_type = 'VARCHAR COLLATE "C"' if is_postgresql(conn) else "VARCHAR"
    added = (
        ("person", "version", "INTEGER NOT NULL DEFAULT 1"),
        ("role_assignment", "decision_power", "BOOLEAN NOT NULL DEFAULT false"),
        ("dialogue", "results", f"{text_type} NOT NULL DEFAULT ''"),
        ("dialogue", "lead_informed", "BOOLEAN"),
    )
    for table, column, kind in added:
        if column not in present[table]:
            conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}'))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_task_version,
    3: _add_task_withdrawn,
    4: _add_organisation,
    5: _add_case_area,
    6: _add_rollup_index,
    7: _add_defect,
    8: _add_baselines_and_local_ids,
    9: _add_case_area_version,
    10: _add_exit_documentation,
    11: _add_organisation_weights,
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
        use_wal(engine)
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
