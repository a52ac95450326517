"""The one write transaction (`kigo_tui.storage.transaction`): history, revision and versioned
updates, the same on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kigo_tui.storage.sql import scalar
from kigo_tui.storage.store import Store
from kigo_tui.storage.transaction import ConflictError
from tests.support.backends import Database

TASK = "SAPA-07-02"


@pytest.fixture
def store(kigo_db: Database) -> Iterator[Store]:
    store = Store.open(kigo_db.url, user="testbruger")
    yield store
    store.close()


def _version(store: Store, task_id: str = TASK) -> int:
    with store.reading() as sql:
        return int(scalar(sql, "SELECT version FROM task WHERE id = :id", {"id": task_id}))


def test_a_transaction_that_changes_nothing_keeps_the_revision(store: Store) -> None:
    before = store.revision()
    with store.writing() as tx:
        tx.rows("SELECT id FROM task")
    assert store.revision() == before


def test_a_history_line_bumps_the_revision_once(store: Store) -> None:
    before, lines = store.revision(), store.history_count()
    with store.writing() as tx:
        tx.record(TASK, "note", None, "a")
        tx.record(TASK, "note", "a", "b", reason="fordi")
    assert store.revision() == before + 1
    assert store.history_count() == lines + 2
    newest = store.history_of(TASK, limit=1)[0]
    assert newest[:3] == ("note", "a", "b")
    assert newest[4] == "testbruger"


def test_touch_counts_a_change_without_history(store: Store) -> None:
    before, lines = store.revision(), store.history_count()
    with store.writing() as tx:
        tx.touch()
    assert (store.revision(), store.history_count()) == (before + 1, lines)


def test_an_error_rolls_back_history_and_revision(store: Store) -> None:
    before, lines = store.revision(), store.history_count()
    with pytest.raises(RuntimeError), store.writing() as tx:
        tx.record(TASK, "note", None, "a")
        tx.bump_revision()
        raise RuntimeError("rolled back")
    assert (store.revision(), store.history_count()) == (before, lines)


def test_versioned_update_writes_and_raises_the_version(store: Store) -> None:
    version, before = _version(store), store.revision()
    with store.writing() as tx:
        tx.update_versioned("task", TASK, version, {"title": "Ny titel"}, conflict="x")
    assert _version(store) == version + 1
    assert store.task(TASK).title == "Ny titel"
    assert store.revision() == before + 1


def test_versioned_update_on_an_old_version_is_refused_and_nothing_saved(store: Store) -> None:
    version, title, before = _version(store), store.task(TASK).title, store.revision()
    with pytest.raises(ConflictError, match="ændret samtidig"), store.writing() as tx:
        tx.update_versioned(
            "task", TASK, version - 1, {"title": "Ny titel"}, conflict="ændret samtidig"
        )
    assert (_version(store), store.task(TASK).title, store.revision()) == (version, title, before)


def test_versioned_update_with_no_values_only_raises_the_version(store: Store) -> None:
    version = _version(store)
    with store.writing() as tx:
        tx.update_versioned("task", TASK, version, {}, conflict="x")
    assert _version(store) == version + 1
