"""Schema upgrades of real old databases, and refusal of files kigo must not touch.

The schema-1 database is `fixtures/kigo_schema_v1.sql` (a SQLite dump). On PostgreSQL the same
data is loaded into the schema-1 tables as kigo creates them there (today's DDL without what
later schemas added), so the migrations run on both databases.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kigo_tui.db import MIGRATIONS, SCHEMA_VERSION, StorageError, make_engine, prepare_schema
from kigo_tui.models.tables import SQLModel
from kigo_tui.rules import Status
from kigo_tui.store import Store, insert_sql
from tests.backends import Database

FIXTURE = Path(__file__).parent / "fixtures" / "kigo_schema_v1.sql"
TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")
ADDED_SINCE_V1 = {"task": ("version", "withdrawn")}
"""Columns of today's v1 tables that schema 1 did not have."""


def _load_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def _load_v1_into(db: Database) -> Database:
    """The schema-1 fixture in `db`: the SQLite dump itself, or its rows in PostgreSQL."""
    if not db.is_postgresql:
        _load_v1(db.path)
        return db
    dump = _load_v1(db.workdir / "v1.db")
    source, target = make_engine(str(dump)), make_engine(db.url)
    try:
        with source.connect() as read, target.begin() as write:
            for table in SQLModel.metadata.sorted_tables:
                if table.name not in TABLES:
                    continue
                table.create(write)
                for column in ADDED_SINCE_V1.get(table.name, ()):
                    write.execute(text(f"ALTER TABLE {table.name} DROP COLUMN {column}"))
                names = [r[1] for r in read.exec_driver_sql(f"PRAGMA table_info({table.name})")]
                rows = read.execute(select(*[table.c[n] for n in names])).mappings().all()
                if rows:
                    write.execute(text(insert_sql(table.name, names)), [dict(r) for r in rows])
                serial = table.autoincrement_column
                if serial is not None:  # the sequence as if the rows had been added here
                    write.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{serial.name}'), coalesce(max({serial.name}), 0) + 1, false) "
                            f"FROM {table.name}"
                        )
                    )
    finally:
        source.dispose()
        target.dispose()
    return db


@pytest.fixture
def v1_db(empty_db: Database) -> Database:
    return _load_v1_into(empty_db)


def _counts(db: Database) -> dict[str, int]:
    return {t: db.query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def _columns(db: Database, table: str) -> list[str]:
    if db.is_postgresql:
        return [
            name
            for (name,) in db.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                "AND table_schema = current_schema() ORDER BY ordinal_position",
                {"t": table},
            )
        ]
    return [row[1] for row in db.query(f"PRAGMA table_info({table})")]


def _rows(db: Database, table: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return sorted(db.query(f"SELECT {cols} FROM {table}"), key=repr)


def _schema_version(db: Database) -> str:
    return db.query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0]


def test_migrations_cover_every_version() -> None:
    assert SCHEMA_VERSION >= 2  # 2 added task.version; the fixture below is schema 1
    assert sorted(MIGRATIONS) == list(range(2, SCHEMA_VERSION + 1))
    assert all(callable(step) for step in MIGRATIONS.values())


def test_fixture_is_a_real_schema_1_database(v1_db: Database) -> None:
    path = v1_db
    assert _schema_version(path) == "1"
    assert "version" not in _columns(path, "task")
    counts = _counts(path)
    assert counts["task"] > 250
    assert counts["history"] >= 3
    assert counts["project"] == 4
    assert counts["main_task"] == 16


def test_schema_1_is_upgraded_in_place_without_losing_data(v1_db: Database) -> None:
    path = v1_db
    counts_before = _counts(path)
    old_columns = {t: _columns(path, t) for t in TABLES}
    rows_before = {t: _rows(path, t, old_columns[t]) for t in TABLES if t != "meta"}
    meta_before = dict(path.query("SELECT key, value FROM meta"))

    store = Store.open(path.url)
    try:
        snap = store.snapshot()
        tasks = snap.tasks_by_id()
        assert tasks["STS-01-01"].status == Status.DONE
        assert tasks["STS-01-01"].completed_at is not None
        assert tasks["STS-01-02"].status == Status.IN_PROGRESS
        assert tasks["SAPA-07-01"].status == Status.IN_PROGRESS
        assert tasks["KY-14-01"].status == Status.DONE
        assert tasks["KSD-16-01"].status == Status.NOT_STARTED
        assert {t.version for t in snap.tasks} == {1}
        assert snap.kommune_code == "101"
        assert snap.revision == int(meta_before["revision"])
        history = store.detail("STS-01-02").history
        assert [(h.field, h.old, h.new, h.user) for h in history] == [
            ("status", "not_started", "in_progress", "fixturebruger")
        ]
        # optimistic locking works on the upgraded database
        updated = store.set_status("KSD-16-01", Status.IN_PROGRESS, expected_version=1)
        assert updated.version == 2
    finally:
        store.close()

    assert _schema_version(path) == str(SCHEMA_VERSION)
    assert "version" in _columns(path, "task")
    after = _counts(path)
    assert after == {**counts_before, "history": counts_before["history"] + 1}
    for table, rows in rows_before.items():
        if table == "history":
            assert set(rows) <= set(_rows(path, table, old_columns[table]))
        elif table == "task":
            now = _rows(path, table, old_columns[table])
            changed = [r for r in now if r not in rows]
            assert [r[0] for r in changed] == ["KSD-16-01"]
        else:
            assert _rows(path, table, old_columns[table]) == rows, table
    meta_after = dict(path.query("SELECT key, value FROM meta"))
    assert meta_after == {
        **meta_before,
        "schema_version": str(SCHEMA_VERSION),
        "revision": str(int(meta_before["revision"]) + 1),
    }


def test_versions_all_one_and_row_counts_unchanged_right_after_upgrade(v1_db: Database) -> None:
    path = v1_db
    counts_before = _counts(path)
    engine = make_engine(path.url)
    try:
        assert prepare_schema(engine) == 1
        assert prepare_schema(engine) == SCHEMA_VERSION  # second open: nothing to do
    finally:
        engine.dispose()
    assert _counts(path) == counts_before
    assert path.query("SELECT DISTINCT version FROM task") == [(1,)]
    assert path.query("SELECT DISTINCT withdrawn FROM task") in ([(0,)], [(False,)])
    assert _schema_version(path) == str(SCHEMA_VERSION)


def _make_v99(path: Path, *, wal: bool) -> Path:
    _load_v1(path)
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_newer_schema_is_refused_untouched(tmp_path: Path, wal: bool) -> None:
    path = _make_v99(tmp_path / "v99.db", wal=wal)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    before = path.read_bytes()
    with pytest.raises(StorageError) as info:
        Store.open(str(path))
    message = str(info.value)
    assert "nyere" in message
    assert "99" in message
    assert "ikke ændret" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_non_kigo_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "andet.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE kunder (id INTEGER PRIMARY KEY, navn TEXT)")
    conn.execute("INSERT INTO kunder (navn) VALUES ('Hansen')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="kunder") as info:
        Store.open(str(path))
    assert "ikke en kigo-database" in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["andet.db", "home"]
    tables = Database("sqlite", str(path), tmp_path).query(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    assert tables == [("kunder",)]


@pytest.mark.parametrize(
    "content",
    [os.urandom(8192), b"Dette er en tekstfil, ikke en database.\n" * 20],
    ids=["random-bytes", "text"],
)
def test_not_a_database_gives_storage_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "skrald.db"
    path.write_bytes(content)
    with pytest.raises(StorageError) as info:
        Store.open(str(path))
    assert "databasen" in str(info.value)
    assert path.read_bytes() == content


def test_unreadable_schema_version_is_refused(v1_db: Database) -> None:
    path = v1_db
    path.query("UPDATE meta SET value = 'to' WHERE key = 'schema_version'")
    with pytest.raises(StorageError, match="skemaversion"):
        Store.open(path.url)
    assert "version" not in _columns(path, "task")


def test_new_database_gets_current_schema(empty_db: Database) -> None:
    Store.open(empty_db.url).close()
    assert _schema_version(empty_db) == str(SCHEMA_VERSION)
    assert "version" in _columns(empty_db, "task")
    if not empty_db.is_postgresql:
        assert empty_db.query("PRAGMA journal_mode") == [("wal",)]


def test_upgraded_schema_has_the_same_columns_as_a_new_one(v1_db: Database, tmp_path: Path) -> None:
    old = v1_db
    Store.open(old.url).close()
    new = Database("sqlite", str(tmp_path / "ny.db"), tmp_path)
    Store.open(new.url).close()
    for table in TABLES:
        assert sorted(_columns(old, table)) == sorted(_columns(new, table)), table


def test_a_newer_schema_on_postgresql_is_refused_untouched(v1_db: Database) -> None:
    v1_db.query("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = v1_db.dump()
    with pytest.raises(StorageError, match="nyere") as info:
        Store.open(v1_db.url)
    assert "99" in str(info.value) and "ikke ændret" in str(info.value)
    assert v1_db.dump() == before
    assert "version" not in _columns(v1_db, "task")


def test_a_postgresql_database_with_other_tables_is_refused_untouched(pg_db: Database) -> None:
    empty_db = pg_db
    empty_db.query("CREATE TABLE kunder (id INTEGER PRIMARY KEY, navn VARCHAR(40))")
    empty_db.query("INSERT INTO kunder (id, navn) VALUES (1, 'Hansen')")
    with pytest.raises(StorageError, match="kunder") as info:
        Store.open(empty_db.url)
    assert "ikke en kigo-database" in str(info.value)
    assert empty_db.query("SELECT id, navn FROM kunder") == [(1, "Hansen")]
    assert empty_db.query(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ) == [(0,)]
