"""The databases a test can run on: a SQLite file, and a fresh database on a real PostgreSQL server.

The server comes from KIGO_TEST_PG_URL (`scripts/with_postgres.sh` starts a throwaway one and sets
it; `.ci/run` and `make test-pg` use that). The URL names a maintenance database. Every test gets a
database of its own, so tests never see each other's data: a schema of its own in the session's
test database (`?options=-csearch_path=…` in its URL, cheap), or, for the tests about whole
databases (live refresh, copy, migrations), a database created for it (`pg_database`, ≈0.5 s).
Without the URL the PostgreSQL half of a test is skipped with that reason, except under CI, where
it fails: CI never passes without having run against the server.

`Database` reads the database without the store (sqlite3 / psycopg directly), so a test checks
what is really stored.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PG_URL_ENV = "KIGO_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")
TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")
ALL_TABLES = (
    *TABLES,
    "person",
    "role_assignment",
    "responsibility",
    "dialogue",
    "dialogue_task",
    "case_area",
    "defect",
    "exit_decision",
)


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://…`) as libpq and psycopg spell it."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def pg_admin_url() -> str:
    """The maintenance database of the test server; skips (fails under CI) when there is none."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if url:
        return url
    reason = f"{PG_URL_ENV} er ikke sat: kør 'make test-pg' (scripts/with_postgres.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"CI skal køre mod PostgreSQL, men {reason}", pytrace=False)
    pytest.skip(reason)


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead (query options kept)."""
    head, sep, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}{sep}{query}"


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the test server; dropped (connections and all) afterwards."""
    import psycopg

    name = f"kigo_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(admin_url, name)
    finally:
        with psycopg.connect(libpq_url(admin_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_search_path(url: str, schema: str) -> str:
    """`url` whose connections use `schema` (libpq's `options`, passed on by SQLAlchemy)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@contextmanager
def pg_schema(database_url: str) -> Iterator[str]:
    """A new, empty schema in the test database, as the URL of a database of its own."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield with_search_path(database_url, name)
    finally:
        with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def _pyformat(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (a literal % doubled)."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql.replace("%", "%%"))


@dataclass
class Database:
    """One test database: what `--db` gets, and direct access to what is stored."""

    backend: str
    url: str
    """A file path for SQLite, a SQLAlchemy URL for PostgreSQL."""
    workdir: Path
    """A folder of the test's own (signal files, exports)."""

    @property
    def is_postgresql(self) -> bool:
        return self.backend == "postgresql"

    @property
    def path(self) -> Path:
        assert not self.is_postgresql, "a PostgreSQL database has no file"
        return Path(self.url)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """Rows of one statement with `:name` parameters, straight from the driver."""
        if self.is_postgresql:
            import psycopg

            with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
                cursor = conn.execute(_pyformat(sql), params or {})
                return [tuple(r) for r in cursor.fetchall()] if cursor.description else []
        conn = sqlite3.connect(self.url)
        try:
            with conn:  # committed, as psycopg's autocommit is
                return conn.execute(sql, params or {}).fetchall()
        finally:
            conn.close()

    def dump(self, tables: Sequence[str] = TABLES) -> dict[str, list[tuple]]:
        """Every row of the tables, for 'nothing changed' checks."""
        return {t: sorted(self.query(f"SELECT * FROM {t}"), key=repr) for t in tables}

    def integrity(self) -> str:
        """'ok' when the database checks out: SQLite's integrity_check; on PostgreSQL amcheck's
        check of every B-tree index of kigo's tables against its table."""
        if not self.is_postgresql:
            return "; ".join(str(r[0]) for r in self.query("PRAGMA integrity_check"))
        self.query("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = self.query(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
        )
        assert indexes, "no indexes to check"
        for (name,) in indexes:
            self.query("SELECT bt_index_check(CAST(:name AS regclass), true)", {"name": name})
        return "ok"


def backend_params() -> list[Any]:
    """The backends as pytest params; PostgreSQL carries the `postgresql` mark (-m postgresql)."""
    return [
        pytest.param(name, marks=[pytest.mark.postgresql] if name == "postgresql" else [], id=name)
        for name in BACKENDS
    ]
