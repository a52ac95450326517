"""Schema upgrades of real old databases, and refusal of files kigo must not touch.

tests/storage/fixtures/kigo_schema_vN.sql is a database written by the kigo whose schema was N (each file's
header says which commit and commands made it; scripts/make_schema_fixture.py makes a new one).
The tests loop over every fixture, so when SCHEMA_VERSION grows the newest fixture is upgraded
too, and a fixture of the current schema checks that opening it changes nothing.

The schema-1 database is `fixtures/kigo_schema_v1.sql` (a SQLite dump). On PostgreSQL the same
data is loaded into the schema-1 tables as kigo creates them there (today's DDL without what
later schemas added), so the migrations run on both databases.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kigo_tui.__main__ import main
from kigo_tui.domain.rules import Status
from kigo_tui.models.tables import SQLModel
from kigo_tui.storage.backup import integrity_problem, list_backups
from kigo_tui.storage.common import LOCAL_ID_KEY
from kigo_tui.storage.engine import make_engine
from kigo_tui.storage.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    StorageError,
    prepare_schema,
)
from kigo_tui.storage.store import Store, insert_sql
from tests.support.backends import Database
from tests.support.reliability_worker import report

FIXTURE_DIR = Path(__file__).parent / "fixtures"
FIXTURE = FIXTURE_DIR / "kigo_schema_v1.sql"
TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")
ADDED_SINCE_V1 = {
    "task": (
        "version",
        "withdrawn",
        "baseline_start",
        "baseline_due",
        "start_reason",
        "due_reason",
    ),
    "history": ("reason",),
}
"""Columns of today's v1 tables that schema 1 did not have."""


def _fixture_version(path: Path) -> int:
    match = re.fullmatch(r"kigo_schema_v(\d+)\.sql", path.name)
    assert match is not None, path
    return int(match.group(1))


FIXTURES = sorted(FIXTURE_DIR.glob("kigo_schema_v*.sql"), key=_fixture_version)
NEWEST = FIXTURES[-1]
ALLOWED_EMPTY = {"skipped_main_task"}
"""Tables a real database may leave empty: the shipped catalogue skips no hovedopgave."""


def _load(path: Path, fixture: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()
    return path


def _load_v1(path: Path) -> Path:
    return _load(path, FIXTURE)


def _db(where: Path | Database) -> Database:
    """A SQLite file as a Database (the PostgreSQL tests pass one already)."""
    return where if isinstance(where, Database) else Database("sqlite", str(where), where.parent)


def _query(path: Path, sql: str) -> list[tuple]:
    return _db(path).query(sql)


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
    return {t: _db(db).query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def _columns(where: Path | Database, table: str) -> list[str]:
    db = _db(where)
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


def _rows(where: Path | Database, table: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return sorted(_db(where).query(f"SELECT {cols} FROM {table}"), key=repr)


def _schema_version(where: Path | Database) -> str:
    return _db(where).query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0]


def _tables(path: Path) -> list[str]:
    return [
        row[0]
        for row in _query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]


def _contents(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and all its rows (every column), sorted."""
    contents = {}
    for table in _tables(path):
        columns = _columns(path, table)
        contents[table] = (columns, _rows(path, table, columns))
    return contents


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


# --------------------------------------------------------------------- every earlier schema


def test_there_is_a_real_database_of_every_earlier_schema() -> None:
    versions = [_fixture_version(f) for f in FIXTURES]
    assert set(range(1, SCHEMA_VERSION)) <= set(versions), versions
    assert max(versions) <= SCHEMA_VERSION


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"v{_fixture_version(f)}")
def test_fixture_is_a_realistic_database_of_its_schema(fixture: Path, tmp_path: Path) -> None:
    version = _fixture_version(fixture)
    path = _load(tmp_path / "gammel.db", fixture)
    assert _schema_version(path) == str(version)
    assert integrity_problem(path) is None
    counts = {t: len(rows) for t, (_cols, rows) in _contents(path).items()}
    assert {t for t, n in counts.items() if n == 0} <= ALLOWED_EMPTY, counts
    assert counts["task"] > 250 and counts["history"] >= 3
    if version >= 2:
        assert _query(path, "SELECT count(*) FROM task WHERE version > 1")[0][0] >= 3
    if version >= 3:
        assert _query(path, "SELECT count(*) FROM task WHERE withdrawn")[0][0] >= 1
    if version >= 4:
        assert counts["person"] >= 2 and counts["role_assignment"] >= 2
        assert counts["responsibility"] >= 1 and counts["dialogue"] >= 1
    if version >= 5:
        assert counts["case_area"] >= 2


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"v{_fixture_version(f)}")
def test_every_schema_upgrades_keeping_every_row(
    fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Open with today's Store: every row of every table, every original column, is still there."""
    version = _fixture_version(fixture)
    path = _load(tmp_path / "gammel.db", fixture)
    before = _contents(path)
    assert list_backups(path) == []

    store = Store.open(str(path))
    try:
        assert store.history_count() == len(before["history"][1])
        snapshot = store.snapshot()
        meta = dict(before["meta"][1])
        assert snapshot.kommune_code == meta["kommune_code"]
        assert snapshot.revision == int(meta["revision"])
        task_columns, task_rows = before["task"]
        first = dict(zip(task_columns, task_rows[0], strict=True))
        assert store.task(first["id"]).status.value == first["status"]
    finally:
        store.close()

    assert _schema_version(path) == str(SCHEMA_VERSION)
    assert integrity_problem(path) is None
    after = _contents(path)
    assert set(before) <= set(after)
    for table, (columns, rows) in before.items():
        kept = _rows(path, table, columns)  # the original columns only
        if table == "meta":
            rows = [(k, str(SCHEMA_VERSION) if k == "schema_version" else v) for k, v in rows]
            added = [k for k, _v in after[table][1] if k not in dict(rows)]
            assert all(k.startswith(LOCAL_ID_KEY) for k in added), added  # schema 8's counters
            kept = [r for r in kept if r[0] not in added]
        assert len(after[table][1]) == len(rows) + (len(added) if table == "meta" else 0), table
        assert kept == rows, table
    with capsys.disabled():  # the figure goes to the terminal with -s
        report(
            {
                "test": "upgrade",
                "fixture": fixture.name,
                "from": version,
                "to": SCHEMA_VERSION,
                "tables": len(before),
                "rows_kept": sum(len(rows) for _cols, rows in before.values()),
                "values_compared": sum(len(cols) * len(rows) for cols, rows in before.values()),
                "rows": {t: len(rows) for t, (_cols, rows) in before.items() if rows},
            }
        )

    backups = list_backups(path)
    if version < SCHEMA_VERSION:
        assert len(backups) == 1, backups
        assert f"foer-skema-{SCHEMA_VERSION}" in backups[0].name
        assert integrity_problem(backups[0]) is None
        assert _contents(backups[0]) == before  # the old file itself, schema and all
    else:
        assert backups == []  # nothing to upgrade, nothing to back up
        assert after == before

    Store.open(str(path)).close()  # already current: no second backup, nothing changes
    assert list_backups(path) == backups
    assert _contents(path) == after

    capsys.readouterr()
    assert main(["--db", str(path), "--today", "2026-11-23", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["kommune"]["code"] == meta["kommune_code"]
    shown = {
        task["id"]: task["status"]
        for project in status["projects"]
        for main_task in project["main_tasks"]
        for task in main_task["tasks"]
    }
    stored = dict(_query(path, "SELECT id, status FROM task WHERE NOT withdrawn"))
    assert shown == stored
    assert (
        len(stored)
        == len(before["task"][1])
        - (_query(path, "SELECT count(*) FROM task WHERE withdrawn")[0][0])
    )


def _make_newer(path: Path, version: int, *, wal: bool) -> Path:
    """The newest real database, claiming a schema this program does not know."""
    _load(path, NEWEST)
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("newer", [SCHEMA_VERSION + 1, 99], ids=["next", "99"])
@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_newer_schema_is_refused_untouched(
    tmp_path: Path, wal: bool, newer: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _make_newer(tmp_path / "ny.db", newer, wal=wal)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    before = path.read_bytes()
    with pytest.raises(StorageError) as info:
        Store.open(str(path))
    message = str(info.value)
    assert message == (
        f"databasen er lavet af en nyere kigo (skema {newer}; dette program kender op til "
        f"{SCHEMA_VERSION}). Opgrader kigo; databasen er ikke ændret."
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before

    capsys.readouterr()
    assert main(["--db", str(path), "status", "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"kigo: fejl: {message}\n"
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


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"v{_fixture_version(f)}")
def test_upgraded_schema_has_the_same_columns_as_a_new_one(tmp_path: Path, fixture: Path) -> None:
    old = _load(tmp_path / "gammel.db", fixture)
    Store.open(str(old)).close()
    new = tmp_path / "ny.db"
    Store.open(str(new)).close()
    assert _tables(old) == _tables(new)
    for table in _tables(new):
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


def test_schema_5_is_upgraded_to_the_defect_log_keeping_every_row(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from kigo_tui.domain.defect_labels import Severity
    from kigo_tui.domain.defects import DefectInput
    from kigo_tui.storage.defects import add_defect, list_defects

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

    assert _schema_version(path) == str(SCHEMA_VERSION)
    for table in TABLES_V5:
        now = _rows(path, table, columns[table])
        if table == "history":  # the new defect's 'oprettet' is the only addition
            assert set(before[table]) <= set(now) and len(now) == len(before[table]) + 1
        elif table == "meta":
            changed = {r[0] for r in set(now) ^ set(before[table])}
            counters = {k for k in changed if k.startswith(LOCAL_ID_KEY)}  # schema 8
            assert changed - counters == {"schema_version", "revision"}
        else:
            assert now == before[table], table
    backups = list((tmp_path / "kigo-backups").glob(f"*foer-skema-{SCHEMA_VERSION}*"))
    assert backups, "a backup is taken before the upgrade"
    fresh = tmp_path / "ny.db"
    Store.open(str(fresh)).close()
    assert sorted(_columns(path, "defect")) == sorted(_columns(fresh, "defect"))


def test_upgraded_v1_has_the_same_columns_as_a_new_one_on_every_database(
    v1_db: Database, tmp_path: Path
) -> None:
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


def test_schema_10_adds_the_exit_answers_and_the_decision_note(tmp_path: Path) -> None:
    """A schema-9 database's sagsområder keep every value; the newer answers of the
    documentation sheet start empty (kigo's suggestions count) and the decision note can be
    written. The v10 fixture holds the same fields filled in."""
    # Seed 004, phase 4 step 5: "Dette notat kan anvendes som beslutningsgrundlag for din
    # kommunes endelige beslutning om KMD Sag Exit en"
    from kigo_tui.domain.exit_strategy import DecisionNote
    from kigo_tui.storage.exit_strategy import get_note, list_areas, save_note

    v9 = next(f for f in FIXTURES if _fixture_version(f) == 9)
    path = _load(tmp_path / "v9.db", v9)
    before = _query(path, "SELECT id, case_area, scenario, comment FROM case_area ORDER BY id")
    store = Store.open(str(path))
    try:
        areas = list_areas(store)
        got = sorted((a.id, a.case_area, a.scenario, a.comment) for a in areas)
        assert got == before
        assert all(
            not a.tsa_agreement
            and a.tender_when == ""
            and a.own_user_band is None
            and a.own_priority is None
            for a in areas
        )
        assert get_note(store) == (DecisionNote(), 0)
        save_note(store, DecisionNote(body="Udkast"), 0)
        assert get_note(store) == (DecisionNote(body="Udkast"), 1)
    finally:
        store.close()
    assert _schema_version(path) == str(SCHEMA_VERSION)

    v10 = next((f for f in FIXTURES if _fixture_version(f) == 10), None)
    if v10 is not None and SCHEMA_VERSION >= 10:
        path = _load(tmp_path / "v10.db", v10)
        store = Store.open(str(path))
        try:
            note, version = get_note(store)
            area = next(a for a in list_areas(store) if a.id == 1)
        finally:
            store.close()
        assert (note.status, note.cleanup_order, version) == ("decided", "light_first", 1)
        assert area.tsa_agreement and (area.own_user_band, area.own_priority) == ("many", 2)
        assert area.pattern == "B"


def test_schema_11_adds_the_organisations_weights_keeping_every_row(tmp_path: Path) -> None:
    """Schema 11 (issue 17): person.version, role_assignment.decision_power, dialogue.results and
    dialogue.lead_informed; the schema-9 database's people, roles and dialogue are kept."""
    # Seed 000: "Projekterne i KOMBIT vil systematisk dokumentere dialogen med kommunen,
    # eventuelle opfølgningsaktiviteter og de resultater der opnås."
    from kigo_tui.storage.organisation import (
        edit_person,
        log_dialogue,
        read_organisation,
    )
    from kigo_tui.storage.store import ConflictError

    path = _load(tmp_path / "v9.db", FIXTURE_DIR / "kigo_schema_v9.sql")
    assert "results" not in _columns(path, "dialogue")
    old_columns = {t: _columns(path, t) for t in ("person", "role_assignment", "dialogue")}
    before = {t: _rows(path, t, columns) for t, columns in old_columns.items()}
    store = Store.open(str(path))
    try:
        org = read_organisation(store)
        assert {p.version for p in org.people.values()} == {1}
        assert [(r.role, r.from_direktion, r.decision_power) for r in org.roles] == [
            ("programme_lead", False, False),
            ("project_lead", False, False),
            ("steering_member", True, False),
        ]
        (old,) = org.dialogues
        assert (old.topic, old.escalation, old.results, old.lead_informed) == (
            "Røde opgaver",
            "direktion",
            "",
            None,  # not recorded before schema 11
        )
        anne = org.people[1]
        edited = edit_person(store, 1, name=anne.name, unit="Ydelse", expected_version=1)
        assert edited.version == 2
        with pytest.raises(ConflictError):
            edit_person(store, 1, name=anne.name, unit="Økonomi", expected_version=1)
        row = log_dialogue(
            store,
            date(2026, 11, 23),
            "SAPA",
            "møde",
            "Eskalering",
            escalation="direktion",
            results="Ny plan aftalt",
            lead_informed=True,
        )
        assert (row.results, row.lead_informed) == ("Ny plan aftalt", True)
    finally:
        store.close()
    assert (
        _rows(path, "role_assignment", old_columns["role_assignment"]) == before["role_assignment"]
    )
    assert _rows(path, "person", old_columns["person"])[1:] == before["person"][1:]
    assert _rows(path, "dialogue", old_columns["dialogue"])[0] == before["dialogue"][0]
    assert _schema_version(path) == str(SCHEMA_VERSION)
