"""`kigo copy`: move a team's data from one database to another (a SQLite file to a PostgreSQL
server and back) with nothing lost. No Textual.

Every kigo table is copied row by row, ids and all, in the order of its foreign keys, into a
target of the current schema, in one write transaction: the target has all of the source or
nothing of it. A target that already has data is refused unless the caller says to replace it
(a SQLite target is backed up first). PostgreSQL's id sequences are moved past the copied ids, so
the next person, dialogue or history line gets a new id. The source is only read (opened as any
kigo command opens it: a SQLite file of an older schema is backed up and upgraded first).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, func, insert, select, text
from sqlmodel import SQLModel

from kigo_tui.domain.text import count
from kigo_tui.models import tables as _tables  # noqa: F401  (registers the tables)
from kigo_tui.storage.common import CHANGES_CHANNEL, SCHEMA_VERSION, sqlite_file, url_for
from kigo_tui.storage.dburl import display_url
from kigo_tui.storage.engine import is_postgresql, make_engine, read_connection
from kigo_tui.storage.engine import write_transaction as target_transaction
from kigo_tui.storage.schema import prepare_schema
from kigo_tui.storage.store import Store, StoreError

BATCH = 2_000
"""Rows per INSERT batch."""


class CopyError(StoreError):
    """A copy that was refused; nothing was changed in the target."""


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    rows: dict[str, int]
    """Rows copied per table."""
    replaced: bool
    backup: str | None = None

    def text(self) -> str:
        total = sum(self.rows.values())
        lines = [
            f"Kopieret {count(total, 'række', 'rækker')} i {count(len(self.rows), 'tabel', 'tabeller')} fra {display_url(self.source)} "
            f"til {display_url(self.target)}"
            + (" (målets tidligere data er erstattet)" if self.replaced else "")
        ]
        if self.backup:
            lines.append(f"Sikkerhedskopi af målet før kopieringen: {self.backup}")
        lines += [f"  {table}: {count}" for table, count in self.rows.items()]
        return "\n".join(lines)


def kigo_tables() -> list[Table]:
    """Every kigo table, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def copy_database(source: str, target: str, *, replace: bool = False) -> CopyResult:
    """Copy everything in `source` to `target` (paths or URLs); see the module's docstring."""
    source_file, target_file = sqlite_file(source), sqlite_file(target)  # refuses malformed URLs
    if (source_file is not None and source_file == target_file) or url_for(source) == url_for(
        target
    ):
        raise CopyError("kilde og mål er den samme database; intet er kopieret")
    if source_file is not None and not source_file.exists():
        raise CopyError(f"kildedatabasen {source_file} findes ikke; intet er kopieret")
    origin = Store.open(source)
    try:
        if not origin.is_initialised():
            raise CopyError(
                f"kildedatabasen {display_url(source)} er ikke oprettet endnu; intet er kopieret"
            )
        engine = make_engine(target)
        try:
            prepare_schema(engine)  # an empty target gets the tables; a foreign one is refused
            return _copy(origin, engine, source, target, replace=replace)
        finally:
            engine.dispose()
    finally:
        origin.close()


def _copy(origin: Store, engine: Engine, source: str, target: str, *, replace: bool) -> CopyResult:
    tables = kigo_tables()
    with read_connection(origin.engine) as read, target_transaction(engine) as write:
        found = _contents(write, tables)
        if found and not replace:
            listed = ", ".join(f"{t} ({n})" for t, n in found.items())
            raise CopyError(
                f"måldatabasen {display_url(target)} indeholder allerede data: {listed}. "
                "Brug --replace for at erstatte den; intet er ændret"
            )
        backup = _backup_target(target) if found else None
        for table in reversed(tables):
            write.execute(table.delete())
        rows: dict[str, int] = {}
        for table in tables:
            rows[table.name] = _copy_table(read, write, table)
        version = write.execute(
            text("SELECT value FROM meta WHERE key = 'schema_version'")
        ).scalar_one()
        if int(version) != SCHEMA_VERSION:  # pragma: no cover  (Store.open upgraded the source)
            raise CopyError(f"kilden har skema {version}, dette program skema {SCHEMA_VERSION}")
        if is_postgresql(write):
            _move_sequences(write, tables)
            write.execute(
                text("SELECT pg_notify(:channel, value) FROM meta WHERE key = 'revision'"),
                {"channel": CHANGES_CHANNEL},
            )
        for table in tables:  # all of it arrived: counted in the target, in the same transaction
            copied = write.execute(select(func.count()).select_from(table)).scalar_one()
            if copied != rows[table.name]:  # pragma: no cover  (an INSERT that lost rows)
                raise CopyError(
                    f"{table.name}: {copied} af {count(rows[table.name], 'række', 'rækker')}; intet er ændret"
                )
    return CopyResult(source, target, rows, replaced=bool(found), backup=backup)


def _contents(conn: Connection, tables: list[Table]) -> dict[str, int]:
    """The tables that have rows (meta counts beyond its schema version), and how many."""
    found: dict[str, int] = {}
    for table in tables:
        query = select(func.count()).select_from(table)
        if table.name == "meta":
            query = query.where(table.c.key != "schema_version")
        count = conn.execute(query).scalar_one()
        if count:
            found[table.name] = count
    return found


def _copy_table(read: Connection, write: Connection, table: Table) -> int:
    key = list(table.primary_key.columns)
    result = read.execute(select(table).order_by(*key))
    count = 0
    while batch := result.mappings().fetchmany(BATCH):
        write.execute(insert(table), [dict(row) for row in batch])
        count += len(batch)
    return count


def _move_sequences(conn: Connection, tables: list[Table]) -> None:
    """Each SERIAL id's sequence continues after the highest copied id."""
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'coalesce(max("{column.name}"), 0) + 1, false) FROM {table.name}'
            ),
            {"table": table.name, "column": column.name},
        )


def _backup_target(target: str) -> str | None:
    """A SQLite target's current file is kept before its data is replaced."""
    path = sqlite_file(target)
    if path is None or not path.exists():
        return None
    from kigo_tui.storage.backup import make_backup

    return str(make_backup(path, "foer-kopiering"))
