"""The Store: initialisation, dates from go-live, changes with history, conflicts, local tasks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Category, Colour, Status
from kigo_tui.errors import KigoError
from kigo_tui.storage.store import ConflictError, Store, StoreError, TaskEdit
from tests.support.backends import Database
from tests.support.fixed import FIXED_TODAY, GOLIVES


@pytest.fixture
def store(kigo_db: Database) -> Iterator[Store]:
    s = Store.open(kigo_db.url)
    yield s
    s.close()


def _checklist_task() -> str:
    return next(t.id for t in shipped_catalogue().tasks if len(t.checklist) >= 3)


# --------------------------------------------------------------------------- init


def test_init_loads_the_whole_catalogue(store: Store) -> None:
    catalogue = shipped_catalogue()
    snap = store.snapshot()
    assert len(snap.tasks) == len(catalogue.tasks)
    assert 250 <= len(snap.tasks) <= 320
    assert {t.id for t in snap.tasks} == {t.id for t in catalogue.tasks}
    assert snap.kommune_code == "101"
    assert snap.kommune_name == "København"
    assert snap.catalogue_version == catalogue.version
    assert [p.code for p in snap.projects] == ["STS", "SAPA", "KY", "KSD"]
    assert len(snap.main_tasks) == 16
    assert all(t.status == Status.NOT_STARTED for t in snap.tasks)
    assert all(t.version == 1 and not t.is_local and t.completed_at is None for t in snap.tasks)
    assert store.is_initialised()
    assert store.history_count() == 0


def test_dates_are_go_live_plus_offsets(store: Store) -> None:
    specs = {t.id: t for t in shipped_catalogue().tasks}
    golive = {p.code: p.golive for p in store.snapshot().projects}
    assert golive == {**GOLIVES, "KSD": None}
    for task in store.snapshot().tasks:
        spec = specs[task.id]
        if task.project == "KSD":
            continue
        assert task.start == GOLIVES[task.project] + timedelta(days=spec.start_offset), task.id
        assert task.due == GOLIVES[task.project] + timedelta(days=spec.due_offset), task.id
        assert task.warn_days == spec.warn_days
        assert task.category == spec.category
    # a concrete one, computed by hand: STS-01-01 is due 380 days before 2026-12-01
    sts = store.task("STS-01-01")
    assert sts.due == date(2025, 11, 16)
    assert sts.start == date(2025, 10, 17)
    assert sts.colour(FIXED_TODAY) == Colour.RED


def test_project_without_golive_is_undated_and_green(store: Store) -> None:
    ksd = [t for t in store.snapshot().tasks if t.project == "KSD"]
    assert len(ksd) >= 16 * 3
    for task in ksd:
        assert task.start is None and task.due is None
        assert task.colour(FIXED_TODAY) == Colour.GREEN
        assert task.colour(date(2099, 1, 1)) == Colour.GREEN


def test_initialise_twice_refuses_and_changes_nothing(store: Store, kigo_db: Database) -> None:
    before = kigo_db.dump()
    with pytest.raises(StoreError, match="allerede oprettet"):
        store.initialise(find_kommune("461"), {"KSD": date(2028, 1, 1)}, shipped_catalogue())
    assert kigo_db.dump() == before
    assert store.snapshot().kommune_code == "101"


def test_initialise_rejects_unknown_project(empty_db: Database) -> None:
    s = Store.open(empty_db.url)
    try:
        with pytest.raises(StoreError, match="XYZ"):
            s.initialise(find_kommune("101"), {"XYZ": date(2027, 1, 1)}, shipped_catalogue())
        assert not s.is_initialised()
    finally:
        s.close()


# --------------------------------------------------------------------------- status


def test_set_status_records_history(store: Store) -> None:
    task = store.set_status("SAPA-07-01", Status.IN_PROGRESS)
    assert task.status == Status.IN_PROGRESS
    assert task.version == 2
    history = store.detail("SAPA-07-01").history
    assert len(history) == 1
    entry = history[0]
    assert (entry.field, entry.old, entry.new, entry.user) == (
        "status",
        "not_started",
        "in_progress",
        "testbruger",
    )
    assert isinstance(entry.at, datetime)
    assert store.history_count() == 1


def test_set_status_to_same_status_is_a_no_op(store: Store) -> None:
    revision = store.revision()
    task = store.set_status("SAPA-07-01", Status.NOT_STARTED)
    assert task.version == 1
    assert store.revision() == revision
    assert store.history_count() == 0


def test_completed_at_set_on_done_and_cleared_on_reopen(store: Store) -> None:
    done = store.set_status("KY-14-01", Status.DONE)
    assert done.completed_at is not None
    assert abs(datetime.now() - done.completed_at.replace(tzinfo=None)) < timedelta(days=1)
    assert done.colour(date(2030, 1, 1)) == Colour.GREEN
    reopened = store.set_status("KY-14-01", Status.IN_PROGRESS)
    assert reopened.completed_at is None
    assert reopened.colour(date(2030, 1, 1)) == Colour.RED


def test_toggle_done_returns_to_previous_status(store: Store) -> None:
    store.set_status("STS-03-01", Status.IN_PROGRESS)
    assert store.toggle_done("STS-03-01").status == Status.DONE
    back = store.toggle_done("STS-03-01")
    assert back.status == Status.IN_PROGRESS
    assert back.completed_at is None
    # from not started: done, then back to not started
    assert store.toggle_done("STS-03-02").status == Status.DONE
    assert store.toggle_done("STS-03-02").status == Status.NOT_STARTED
    fields = [(h.old, h.new) for h in store.detail("STS-03-01").history]
    assert fields == [
        ("done", "in_progress"),
        ("in_progress", "done"),
        ("not_started", "in_progress"),
    ]


def test_unknown_task_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="ukendt opgave"):
        store.set_status("SAPA-99-01", Status.DONE)
    with pytest.raises(StoreError, match="ukendt opgave"):
        store.task("nope")


# --------------------------------------------------------------------------- edits


def test_edit_task_sets_manual_dates(store: Store) -> None:
    task = store.edit_task(
        "SAPA-07-02",
        TaskEdit(start=date(2027, 1, 5), due=date(2027, 1, 20), reason="Ressourcer mangler"),
    )
    assert (task.start, task.due) == (date(2027, 1, 5), date(2027, 1, 20))
    assert task.version == 2
    detail = store.detail("SAPA-07-02")
    assert detail.start_manual and detail.due_manual
    assert {h.field for h in detail.history} == {"start", "due"}
    due_entry = next(h for h in detail.history if h.field == "due")
    assert due_entry.new == "2027-01-20"


def test_edit_task_other_fields(store: Store) -> None:
    task = store.edit_task(
        "KY-03-01",
        TaskEdit(title="  Ny titel ", category=store.task("KY-03-01").category, warn_days=0),
    )
    assert task.title == "Ny titel"
    assert task.category == store.task("KY-03-01").category
    assert task.warn_days == 0
    assert not store.detail("KY-03-01").due_manual


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (TaskEdit(start=date(2027, 2, 1), due=date(2027, 1, 1)), "startdatoen"),
        (TaskEdit(start=date(2099, 1, 1)), "startdatoen"),  # after the existing due date
        (TaskEdit(warn_days=400), "varsel"),
        (TaskEdit(title="   "), "titlen"),
    ],
)
def test_edit_task_refusals_change_nothing(
    store: Store, kigo_db: Database, edit: TaskEdit, message: str
) -> None:
    before = kigo_db.dump()
    with pytest.raises(KigoError, match=message):  # domain.tasks' TaskFieldError
        store.edit_task("SAPA-07-02", edit)
    assert kigo_db.dump() == before


def test_set_golive_moves_derived_dates_but_keeps_hand_edited(store: Store) -> None:
    specs = {t.id: t for t in shipped_catalogue().tasks}
    store.edit_task("SAPA-07-01", TaskEdit(due=date(2026, 12, 24), reason="Tidligere start"))
    derived_start = store.task("SAPA-07-01").start
    new_golive = date(2027, 6, 1)
    moved = store.set_golive("sapa", new_golive)
    sapa = [t for t in store.snapshot().tasks if t.project == "SAPA"]
    assert moved == len(sapa)
    for task in sapa:
        spec = specs[task.id]
        # KOMBIT's baseline follows the go-live, whatever the kommune did
        assert task.baseline_start == new_golive + timedelta(days=spec.start_offset)
        assert task.baseline_due == new_golive + timedelta(days=spec.due_offset)
        if task.id == "SAPA-07-01":
            assert task.due == date(2026, 12, 24)  # hand-edited: stays
            assert task.due_moved and task.due_reason == "Tidligere start"
            assert task.start == new_golive + timedelta(days=spec.start_offset) != derived_start
        else:
            assert task.start == new_golive + timedelta(days=spec.start_offset)
            assert task.due == new_golive + timedelta(days=spec.due_offset)
    assert next(p for p in store.snapshot().projects if p.code == "SAPA").golive == new_golive
    # other projects untouched
    assert store.task("KY-14-01").due == GOLIVES["KY"] + timedelta(
        days=specs["KY-14-01"].due_offset
    )


def test_set_golive_on_undated_project_and_back(store: Store) -> None:
    assert store.set_golive("KSD", date(2028, 1, 1)) > 0
    assert all(t.due is not None for t in store.snapshot().tasks if t.project == "KSD")
    store.set_golive("KSD", None)
    assert all(t.due is None for t in store.snapshot().tasks if t.project == "KSD")
    with pytest.raises(StoreError, match="ukendt projekt"):
        store.set_golive("ABC", date(2028, 1, 1))


# --------------------------------------------------------------------------- conflicts


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.set_status("SAPA-07-03", Status.DONE, expected_version=1),
        lambda s: s.toggle_done("SAPA-07-03", expected_version=1),
        lambda s: s.edit_task("SAPA-07-03", TaskEdit(warn_days=3), expected_version=1),
    ],
    ids=["set_status", "toggle_done", "edit_task"],
)
def test_stale_version_is_a_conflict_and_changes_nothing(
    store: Store, kigo_db: Database, change
) -> None:
    store.set_status("SAPA-07-03", Status.IN_PROGRESS)  # version 1 → 2 behind the caller's back
    before = kigo_db.dump()
    revision = store.revision()
    with pytest.raises(ConflictError, match="SAPA-07-03"):
        change(store)
    assert kigo_db.dump() == before
    assert store.revision() == revision
    assert store.task("SAPA-07-03").status == Status.IN_PROGRESS


def test_current_version_is_accepted(store: Store) -> None:
    task = store.set_status("SAPA-07-03", Status.IN_PROGRESS, expected_version=1)
    task = store.set_status("SAPA-07-03", Status.DONE, expected_version=task.version)
    assert task.status == Status.DONE and task.version == 3


def test_two_stores_on_one_file_see_each_other(kigo_db: Database) -> None:
    a, b = Store.open(kigo_db.url), Store.open(kigo_db.url)
    try:
        seen = b.task("KSD-16-01")
        a.set_status("KSD-16-01", Status.IN_PROGRESS)
        with pytest.raises(ConflictError):
            b.set_status("KSD-16-01", Status.DONE, expected_version=seen.version)
        assert b.task("KSD-16-01").status == Status.IN_PROGRESS
        assert b.revision() == a.revision()
    finally:
        a.close()
        b.close()


# --------------------------------------------------------------------------- local tasks


def test_add_local_tasks_numbered_and_counted(store: Store) -> None:
    count = len(store.snapshot().tasks)
    first = store.add_local_task("sapa", 7, "Ryd op i gamle sager")
    second = store.add_local_task(
        "SAPA", 7, "Tjek arkivet", category=Category.MANDATORY, due=date(2027, 1, 10)
    )
    assert first.id == "SAPA-07-L1"
    assert second.id == "SAPA-07-L2"
    assert first.is_local and second.is_local
    assert second.category == Category.MANDATORY
    assert second.due == date(2027, 1, 10)
    assert store.detail("SAPA-07-L2").due_manual
    snap = store.snapshot()
    assert len(snap.tasks) == count + 2
    under = [t.id for t in snap.tasks if t.project == "SAPA" and t.main_task == 7]
    assert under[-2:] == ["SAPA-07-L1", "SAPA-07-L2"]
    assert store.add_local_task("KY", 14, "Egen").id == "KY-14-L1"


def test_add_local_task_refusals(store: Store, kigo_db: Database) -> None:
    before = kigo_db.dump()
    with pytest.raises(StoreError, match="ukendt projekt"):
        store.add_local_task("ABC", 7, "x")
    with pytest.raises(StoreError, match="hovedopgave"):
        store.add_local_task("SAPA", 17, "x")
    with pytest.raises(KigoError, match="titlen"):
        store.add_local_task("SAPA", 7, "  ")
    with pytest.raises(KigoError, match="startdatoen"):
        store.add_local_task("SAPA", 7, "x", start=date(2027, 2, 1), due=date(2027, 1, 1))
    assert kigo_db.dump() == before


def test_delete_local_task(store: Store, kigo_db: Database) -> None:
    count = len(store.snapshot().tasks)
    task = store.add_local_task("KSD", 3, "Egen opgave", checklist=["a", "b"])
    store.delete_local_task(task.id)
    assert len(store.snapshot().tasks) == count
    with pytest.raises(StoreError, match="ukendt opgave"):
        store.task(task.id)
    left = kigo_db.query("SELECT count(*) FROM checklist_item WHERE task_id = :id", {"id": task.id})
    assert left == [(0,)]


def test_delete_catalogue_task_is_refused(store: Store, kigo_db: Database) -> None:
    before = kigo_db.dump()
    with pytest.raises(StoreError, match="KOMBITs katalog"):
        store.delete_local_task("SAPA-07-01")
    assert kigo_db.dump() == before


# --------------------------------------------------------------------------- checklist


def test_checklist_last_tick_completes_and_untick_reopens(store: Store) -> None:
    task_id = _checklist_task()
    items = store.detail(task_id).checklist
    assert len(items) == len(
        next(t for t in shipped_catalogue().tasks if t.id == task_id).checklist
    )
    assert not any(i.done for i in items)

    task, changed = store.set_checklist_item(items[0].id, True)
    assert (task.status, changed) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    for item in items[1:-1]:
        task, changed = store.set_checklist_item(item.id, True)
        assert (task.status, changed) == (Status.IN_PROGRESS, None)
    task, changed = store.set_checklist_item(items[-1].id, True)
    assert (task.status, changed) == (Status.DONE, Status.DONE)
    assert task.completed_at is not None
    assert all(i.done for i in store.detail(task_id).checklist)

    task, changed = store.set_checklist_item(items[1].id, False)
    assert (task.status, changed) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    assert task.completed_at is None
    assert [i.done for i in store.detail(task_id).checklist].count(False) == 1


def test_checklist_same_state_is_a_no_op(store: Store) -> None:
    item = store.detail(_checklist_task()).checklist[0]
    revision = store.revision()
    task, changed = store.set_checklist_item(item.id, False)
    assert changed is None and task.version == 1
    assert store.revision() == revision
    with pytest.raises(StoreError, match="tjeklistepunkt"):
        store.set_checklist_item(999_999, True)


# --------------------------------------------------------------------------- undo and revision


def test_restore_task_undoes_an_edit(store: Store) -> None:
    before = store.task("KY-15-01")
    store.set_status("KY-15-01", Status.DONE)
    store.edit_task("KY-15-01", TaskEdit(due=date(2030, 1, 1), warn_days=1, reason="Udskudt"))
    assert store.task("KY-15-01").due_reason == "Udskudt"
    restored = store.restore_task("KY-15-01", before)
    assert restored.status == before.status
    assert restored.completed_at is None
    assert (restored.due, restored.category, restored.warn_days) == (
        before.due,
        before.category,
        before.warn_days,
    )
    assert not restored.due_moved and restored.due_reason is None
    assert not store.detail("KY-15-01").due_manual  # back on KOMBIT's date: follows go-live
    assert restored.version > before.version


def test_revision_grows_with_every_write(store: Store) -> None:
    seen = [store.revision()]
    assert seen[0] >= 1
    local = store.add_local_task("STS", 2, "Egen")
    seen.append(store.revision())
    store.set_status("STS-02-01", Status.IN_PROGRESS)
    seen.append(store.revision())
    store.toggle_done("STS-02-01")
    seen.append(store.revision())
    store.edit_task("STS-02-01", TaskEdit(warn_days=2))
    seen.append(store.revision())
    store.set_golive("KSD", date(2028, 5, 1))
    seen.append(store.revision())
    store.set_checklist_item(store.detail(_checklist_task()).checklist[0].id, True)
    seen.append(store.revision())
    store.delete_local_task(local.id)
    seen.append(store.revision())
    assert all(b > a for a, b in itertools.pairwise(seen)), seen
    assert store.snapshot().revision == seen[-1]


def test_set_golive_records_the_old_and_new_date(store: Store, kigo_db: Database) -> None:
    before = store.snapshot().projects[1]
    assert before.code == "SAPA" and before.golive is not None
    store.set_golive("SAPA", date(2027, 6, 1))
    store.set_golive("SAPA", None)
    rows = kigo_db.query(
        "SELECT old, new FROM history WHERE task_id = 'SAPA' AND field = 'golive' ORDER BY id"
    )
    assert rows == [(before.golive.isoformat(), "2027-06-01"), ("2027-06-01", None)]
