"""What must be the same on SQLite and PostgreSQL, beyond the store's own tests: timestamps are UTC
whatever the server's time zone, text sorts the same, a read is one snapshot, booleans and dates
come back as Python values, opening an empty database from several processes at once is safe."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.domain.rules import Status
from kigo_tui.storage.common import SCHEMA_VERSION
from kigo_tui.storage.exit_strategy import list_areas, save_area
from kigo_tui.storage.organisation import add_person, assign_role, log_dialogue, read_organisation
from kigo_tui.storage.sql import utc_now
from kigo_tui.storage.store import Store
from tests.support.backends import Database

NAMES = ("Åse Ølgaard", "aase", "Aage Bruun", "Zakarias", "Æbelø", "bo", "Émile")


def test_timestamps_are_utc_whatever_the_servers_time_zone(kigo_db: Database) -> None:
    """The test server runs in Europe/Copenhagen; kigo stores and reads instants in UTC."""
    store = Store.open(kigo_db.url)
    try:
        before = utc_now()
        done = store.set_status("KY-14-01", Status.DONE)
        after = utc_now()
        history = store.detail("KY-14-01").history[0]
    finally:
        store.close()
    slack = timedelta(seconds=5)
    assert done.completed_at is not None and done.completed_at.tzinfo is None
    assert before - slack <= done.completed_at <= after + slack
    assert history.at.tzinfo is None
    assert before - slack <= history.at <= after + slack
    if kigo_db.is_postgresql:  # the stored instant, read by a client in the server's zone
        stored = kigo_db.query(
            "SELECT completed_at AT TIME ZONE 'UTC', at AT TIME ZONE 'UTC' FROM task "
            "JOIN history ON history.task_id = task.id WHERE task.id = 'KY-14-01'"
        )
        assert stored == [(done.completed_at, history.at)]


def test_text_sorts_in_code_point_order(kigo_db: Database) -> None:
    """ORDER BY gives SQLite's order on PostgreSQL too (the server has a Danish collation)."""
    store = Store.open(kigo_db.url)
    try:
        for name in NAMES:
            add_person(store, name)
        for name in NAMES:
            save_area(store, CaseArea(field_area=name, case_area="x", kle="00.00"))
        people = [p.name for p in read_organisation(store).people.values()]
        areas = [a.field_area for a in list_areas(store)]
    finally:
        store.close()
    assert people == sorted(NAMES)
    assert areas == sorted(NAMES)


def test_a_read_is_one_snapshot(kigo_db: Database) -> None:
    reader, writer = Store.open(kigo_db.url), Store.open(kigo_db.url)
    try:
        with reader.reading() as sql:
            first = sql.rows("SELECT value FROM meta WHERE key = 'revision'")
            writer.set_status("STS-02-01", Status.DONE)
            again = sql.rows("SELECT value FROM meta WHERE key = 'revision'")
            status = sql.rows("SELECT status FROM task WHERE id = 'STS-02-01'")
        assert again == first
        assert status == [("not_started",)]
        assert reader.task("STS-02-01").status == Status.DONE  # the next read sees it
    finally:
        reader.close()
        writer.close()


def test_values_come_back_as_python_values(kigo_db: Database) -> None:
    store = Store.open(kigo_db.url)
    try:
        person = add_person(store, "Anne Jensen", email="anne@kommune.dk")
        role = assign_role(store, person.id, "steering_member", from_direktion=True)
        dialogue = log_dialogue(
            store, date(2026, 11, 20), "SAPA", "telefon", "Røde opgaver", task_ids=["SAPA-07-02"]
        )
        area = save_area(store, CaseArea(field_area="Børn", case_area="Sager", kle="27.00"))
        org = read_organisation(store)
    finally:
        store.close()
    assert role.from_direktion is True and org.roles[0].from_direktion is True
    assert org.dialogues[0].on == date(2026, 11, 20) == dialogue.on
    assert org.dialogues[0].task_ids == ("SAPA-07-02",)
    assert isinstance(area.id, int) and isinstance(person.id, int)
    assert kigo_db.query("SELECT count(*) FROM person") == [(1,)]


def test_search_ignores_case_of_danish_letters(kigo_db: Database) -> None:
    store = Store.open(kigo_db.url)
    try:
        local = store.add_local_task("SAPA", 7, "Ældre sager på Ørsted Skole")
        for needle in ("ældre", "ÆLDRE", "ørsted", "SKOLE", local.id.lower()):
            assert [t.id for t in store.search(needle)] == [local.id], needle
        assert store.search("   ") == []
        assert len(store.search("SAPA", limit=3)) == 3
    finally:
        store.close()


def test_several_processes_opening_an_empty_database_at_once(empty_db: Database) -> None:
    """The first open creates the schema; the others wait for it and find it (no duplicate
    tables, no error)."""
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            Store.open(empty_db.url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert empty_db.query("SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


MAKE = {
    "person": lambda store, i: add_person(store, f"P{i}").id,
    "case_area": lambda store, i: (
        save_area(store, CaseArea(field_area=f"F{i}", case_area="c", kle="00.00")).id
    ),
    "dialogue": lambda store, i: log_dialogue(store, date(2026, 1, 1 + i), "STS", "mail", "x").id,
    "role_assignment": lambda store, i: (
        assign_role(store, add_person(store, f"R{i}").id, "steering_member").id
    ),
}


@pytest.mark.parametrize("table", sorted(MAKE))
def test_new_ids_follow_the_highest(kigo_db: Database, table: str) -> None:
    """Ids come from the database (SERIAL on PostgreSQL, rowid on SQLite) through RETURNING."""
    store = Store.open(kigo_db.url)
    try:
        ids = [MAKE[table](store, i) for i in range(3)]
    finally:
        store.close()
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert kigo_db.query(f"SELECT max(id), count(*) FROM {table}") == [(ids[-1], 3)]


def test_wal_switch_waits_for_a_writer_on_a_new_file(tmp_path: Path) -> None:
    """SQLite refuses the switch to WAL at once (no busy wait) while another connection holds the
    write lock; the switch must wait for it, as a second process opening the file would have to
    (this failed under load: 'databasen kan ikke bruges: database is locked')."""
    import sqlite3

    from kigo_tui.storage.engine import make_engine, use_wal

    path = tmp_path / "ny.db"
    holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    holder.execute("CREATE TABLE x (a)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO x VALUES (1)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    engine = make_engine(str(path))
    try:
        use_wal(engine)
    finally:
        engine.dispose()
        release.join()
        holder.close()
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert check.execute("SELECT count(*) FROM x").fetchone()[0] == 1
    finally:
        check.close()
