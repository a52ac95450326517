"""SQL text with named parameters (`:name`), run the same way on any database.

The store writes its queries as plain SQL that SQLite and PostgreSQL both understand, and runs
them through an `Sql`: `SqliteSql` wraps a standard-library `sqlite3` connection (no SQLAlchemy
import, so the TUI's first frame and `kigo status` start fast), `kigo_tui.storage.engine.AlchemySql` wraps a
SQLAlchemy connection (PostgreSQL and anything else SQLAlchemy reaches). Values are converted
here, both ways, so a query gets the same Python values back on every database:

- dates are `date` (SQLite stores ISO text), timestamps naive UTC `datetime` (stored as
  `YYYY-MM-DD HH:MM:SS.ffffff` in SQLite, the format SQLAlchemy uses), booleans `bool`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Protocol

Params = Mapping[str, object]
Row = tuple[Any, ...]

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class Sql(Protocol):
    """One open transaction on some database."""

    dialect: str
    """'sqlite', 'postgresql', …: for the few places where the SQL differs."""

    def rows(self, query: str, params: Params | None = None) -> list[Row]: ...

    def run(self, query: str, params: Params | None = None) -> int:
        """Execute a statement; the number of rows it changed."""
        ...

    def run_many(self, query: str, rows: Sequence[Params]) -> None: ...

    def insert_id(self, query: str, params: Params) -> int:
        """Execute an INSERT into a table with an integer key `id`; the new row's id."""
        ...


def first(sql: Sql, query: str, params: Params | None = None) -> Row | None:
    found = sql.rows(query, params)
    return found[0] if found else None


def scalar(sql: Sql, query: str, params: Params | None = None) -> Any:
    row = first(sql, query, params)
    return None if row is None else row[0]


def utc_now() -> datetime:
    """Now as the naive UTC timestamp every table stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_db(value: object, dialect: str) -> object:
    """A Python value as the database driver of `dialect` should get it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime(_SQLITE_DATETIME) if dialect == "sqlite" else value
    if isinstance(value, date):
        return value.isoformat() if dialect == "sqlite" else value
    if isinstance(value, bool) and dialect == "sqlite":
        return int(value)
    return value


def adapt(params: Params | None, dialect: str) -> dict[str, object]:
    return {} if params is None else {k: to_db(v, dialect) for k, v in params.items()}


def as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def as_datetime(value: object) -> datetime | None:
    """A stored timestamp as naive UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    parsed = datetime.fromisoformat(str(value))
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def stored_date(value: object) -> date:
    """The value of a NOT NULL date column."""
    day = as_date(value)
    if day is None:
        raise ValueError("a NOT NULL date column gave NULL")
    return day


def stored_datetime(value: object) -> datetime:
    """The value of a NOT NULL timestamp column, as naive UTC."""
    moment = as_datetime(value)
    if moment is None:
        raise ValueError("a NOT NULL timestamp column gave NULL")
    return moment


def in_list(name: str, values: Iterable[object]) -> tuple[str, dict[str, object]]:
    """`(:name0, :name1, …)` and its parameters, for `column IN …`."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params


class SqliteSql:
    """An `Sql` on a standard-library sqlite3 connection (which speaks `:name` natively)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, query: str, params: Params | None = None) -> list[Row]:
        return self.conn.execute(query, adapt(params, "sqlite")).fetchall()

    def run(self, query: str, params: Params | None = None) -> int:
        return self.conn.execute(query, adapt(params, "sqlite")).rowcount

    def run_many(self, query: str, rows: Sequence[Params]) -> None:
        self.conn.executemany(query, [adapt(r, "sqlite") for r in rows])

    def insert_id(self, query: str, params: Params) -> int:
        cursor = self.conn.execute(query, adapt(params, "sqlite"))
        return int(cursor.lastrowid or 0)
