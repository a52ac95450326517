"""Schema upgrades of real old databases, and refusal of files kigo must not touch."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kigo_tui.db import MIGRATIONS, SCHEMA_VERSION, StorageError, make_engine, prepare_schema
from kigo_tui.rules import Status
from kigo_tui.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "kigo_schema_v1.sql"
TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")


def _load_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def _query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _counts(path: Path) -> dict[str, int]:
    return {t: _query(path, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def _columns(path: Path, table: str) -> list[str]:
    return [row[1] for row in _query(path, f"PRAGMA table_info({table})")]


def _rows(path: Path, table: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return sorted(_query(path, f"SELECT {cols} FROM {table}"), key=repr)


def _schema_version(path: Path) -> str:
    return _query(path, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0]


def test_migrations_cover_every_version() -> None:
    assert SCHEMA_VERSION >= 2  # 2 added task.version; the fixture below is schema 1
    assert sorted(MIGRATIONS) == list(range(2, SCHEMA_VERSION + 1))
    assert all(callable(step) for step in MIGRATIONS.values())


def test_fixture_is_a_real_schema_1_database(tmp_path: Path) -> None:
    path = _load_v1(tmp_path / "v1.db")
    assert _schema_version(path) == "1"
    assert "version" not in _columns(path, "task")
    counts = _counts(path)
    assert counts["task"] > 250
    assert counts["history"] >= 3
    assert counts["project"] == 4
    assert counts["main_task"] == 16


def test_schema_1_is_upgraded_in_place_without_losing_data(tmp_path: Path) -> None:
    path = _load_v1(tmp_path / "v1.db")
    counts_before = _counts(path)
    old_columns = {t: _columns(path, t) for t in TABLES}
    rows_before = {t: _rows(path, t, old_columns[t]) for t in TABLES if t != "meta"}
    meta_before = dict(_query(path, "SELECT key, value FROM meta"))

    store = Store.open(str(path))
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
    meta_after = dict(_query(path, "SELECT key, value FROM meta"))
    assert meta_after == {
        **meta_before,
        "schema_version": str(SCHEMA_VERSION),
        "revision": str(int(meta_before["revision"]) + 1),
    }


def test_versions_all_one_and_row_counts_unchanged_right_after_upgrade(tmp_path: Path) -> None:
    path = _load_v1(tmp_path / "v1.db")
    counts_before = _counts(path)
    engine = make_engine(str(path))
    try:
        assert prepare_schema(engine) == 1
        assert prepare_schema(engine) == SCHEMA_VERSION  # second open: nothing to do
    finally:
        engine.dispose()
    assert _counts(path) == counts_before
    assert _query(path, "SELECT DISTINCT version FROM task") == [(1,)]
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
    assert _query(path, "SELECT name FROM sqlite_master WHERE type = 'table'") == [("kunder",)]


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


def test_unreadable_schema_version_is_refused(tmp_path: Path) -> None:
    path = _load_v1(tmp_path / "v1.db")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'to' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="skemaversion"):
        Store.open(str(path))
    assert "version" not in _columns(path, "task")


def test_new_database_gets_current_schema_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "ny.db"
    Store.open(str(path)).close()
    assert _schema_version(path) == str(SCHEMA_VERSION)
    assert "version" in _columns(path, "task")
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]


def test_upgraded_schema_has_the_same_columns_as_a_new_one(tmp_path: Path) -> None:
    old = _load_v1(tmp_path / "v1.db")
    Store.open(str(old)).close()
    new = tmp_path / "ny.db"
    Store.open(str(new)).close()
    for table in TABLES:
        assert sorted(_columns(old, table)) == sorted(_columns(new, table)), table


FIXTURE_V5 = Path(__file__).parent / "fixtures" / "kigo_schema_v5.sql"
"""A real schema-5 database (written by kigo before the defect log): catalogue, statuses, a local
task, people, roles, responsibility, a dialogue with KOMBIT and a KMD Sag exit area."""
TABLES_V5 = (
    *TABLES,
    "person",
    "role_assignment",
    "responsibility",
    "dialogue",
    "dialogue_task",
    "case_area",
)


def _load_v5(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE_V5.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_schema_5_is_upgraded_to_6_keeping_every_row(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from kigo_tui.defect_labels import Severity
    from kigo_tui.defect_store import add_defect, list_defects
    from kigo_tui.defects import DefectInput

    path = _load_v5(tmp_path / "v5.db")
    assert _schema_version(path) == "5"
    assert "defect" not in {r[0] for r in _query(path, "SELECT name FROM sqlite_master")}
    columns = {t: _columns(path, t) for t in TABLES_V5}
    before = {t: _rows(path, t, columns[t]) for t in TABLES_V5}
    empty = [t for t in TABLES_V5 if not before[t]]
    assert empty == ["skipped_main_task"], "rows in every table (the catalogue skips none)"

    store = Store.open(str(path))
    try:
        assert list_defects(store) == []
        row = add_defect(
            store,
            DefectInput(
                "KY", "Udbetaling fejler", Severity.CRITICAL, datetime(2026, 11, 20, tzinfo=UTC)
            ),
        )
        assert [d.id for d in list_defects(store)] == [row.id]
    finally:
        store.close()

    assert _schema_version(path) == str(SCHEMA_VERSION) == "6"
    for table in TABLES_V5:
        now = _rows(path, table, columns[table])
        if table == "history":  # the new defect's 'oprettet' is the only addition
            assert set(before[table]) <= set(now) and len(now) == len(before[table]) + 1
        elif table == "meta":
            changed = {r[0] for r in set(now) ^ set(before[table])}
            assert changed == {"schema_version", "revision"}
        else:
            assert now == before[table], table
    backups = list((tmp_path / "kigo-backups").glob("*foer-skema-6*"))
    assert backups, "a backup is taken before the upgrade"
    fresh = tmp_path / "ny.db"
    Store.open(str(fresh)).close()
    assert sorted(_columns(path, "defect")) == sorted(_columns(fresh, "defect"))
