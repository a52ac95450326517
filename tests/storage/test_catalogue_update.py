"""Catalogue updates (`kigo catalogue import FILE [--dry-run]`): merge, dry run, idempotence."""

from __future__ import annotations

import copy
import json
import sqlite3
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kigo_tui.domain.catalogue import CATALOGUE_PATH, Catalogue, load_catalogue, shipped_catalogue
from kigo_tui.domain.rules import Category, Status
from kigo_tui.formats.status import status_tree
from kigo_tui.storage.catalogue import (
    CatalogueVersionError,
    apply_update,
    parse_version,
    plan_update,
    withdrawn_task_ids,
)
from kigo_tui.storage.schema import SCHEMA_VERSION
from kigo_tui.storage.sql import scalar
from kigo_tui.storage.store import Store as StoreClass
from kigo_tui.storage.store import StoreError, TaskEdit
from tests.support.backends import Database
from tests.support.fixed import FIXED_TODAY, GOLIVES

OLD_VERSION = "2026.12.1"
"""The shipped catalogue's version (test_old_version_is_the_shipped_one checks it)."""
NEW_VERSION = "2027.1.1"
NEW_SAPA = "SAPA-07-07"
NEW_KSD = "KSD-03-09"
RETITLED = "STS-03-01"
RECATEGORISED = "STS-03-03"
RESCHEDULED = "STS-03-04"
HAND_DATED = "SAPA-07-06"
REMOVED = "KY-14-05"
DONE_BEFORE = "STS-03-02"
NEW_TITLE = "Udpeg projektleder og stedfortræder for STS"
NEW_CHECK_ITEM = "Risici drøftet med it-drift"
HAND_DUE = date(2027, 2, 1)


# ------------------------------------------------------------------------------ TOML writing


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def dump_toml(raw: dict[str, Any]) -> str:
    """Enough TOML for the catalogue: top-level scalars and arrays of flat tables."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in raw.items() if not isinstance(v, list)]
    for key, entries in raw.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            lines += ["", f"[[{key}]]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items() if v is not None]
    return "\n".join(lines) + "\n"


def _raw_shipped() -> dict[str, Any]:
    return tomllib.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _task(raw: dict[str, Any], task_id: str) -> dict[str, Any]:
    return next(t for t in raw["tasks"] if t["id"] == task_id)


def _newer(raw: dict[str, Any]) -> None:
    """The standard modification: one of every kind of change."""
    raw["version"] = NEW_VERSION
    index = next(i for i, t in enumerate(raw["tasks"]) if t["id"] == "SAPA-07-06")
    raw["tasks"].insert(
        index + 1,
        {
            "id": NEW_SAPA,
            "title": "Tjek at flyttede sager kan findes i SAPA",
            "description": "Sagsbehandlerne søger stikprøver af de flyttede sager frem i SAPA.",
            "category": "mandatory",
            "phase": "F3",
            "start_offset": -100,
            "due_offset": -30,
            "checklist": ["Stikprøver udvalgt", "Fund noteret"],
        },
    )
    raw["tasks"].append(
        {
            "id": NEW_KSD,
            "title": "Ny KSD-opgave",
            "description": "En opgave i et projekt uden idriftsættelsesdato.",
            "category": "optional",
            "phase": "F2",
            "start_offset": -60,
            "due_offset": -10,
        }
    )
    _task(raw, RETITLED)["title"] = NEW_TITLE
    _task(raw, RECATEGORISED)["category"] = "critical"
    _task(raw, RESCHEDULED)["due_offset"] = -30
    _task(raw, HAND_DATED)["due_offset"] = -60
    _task(raw, DONE_BEFORE)["checklist"].append(NEW_CHECK_ITEM)
    raw["tasks"].remove(_task(raw, REMOVED))


@pytest.fixture
def write_catalogue(tmp_path: Path) -> Callable[..., Catalogue]:
    counter = iter(range(1000))

    def write(*changes: Callable[[dict[str, Any]], None]) -> Catalogue:
        raw = copy.deepcopy(_raw_shipped())
        for change in changes:
            change(raw)
        path = tmp_path / f"katalog-{next(counter)}.toml"
        path.write_text(dump_toml(raw), encoding="utf-8")
        return load_catalogue(path)

    return write


@pytest.fixture
def store(kigo_db: Database) -> Iterator[StoreClass]:
    """On a SQLite file and on PostgreSQL (the import is written with SQLAlchemy Core)."""
    s = StoreClass.open(kigo_db.url)
    yield s
    s.close()


def _prepare(store: StoreClass) -> None:
    """What a kommune has done before the import: statuses and a hand-edited due date."""
    store.set_status(DONE_BEFORE, Status.DONE)
    store.set_status(REMOVED, Status.IN_PROGRESS)
    store.edit_task(HAND_DATED, TaskEdit(due=HAND_DUE, reason="Vores egen plan"))


def _state(store: StoreClass) -> tuple[dict[str, Any], int, int]:
    return status_tree(store.snapshot(), FIXED_TODAY), store.history_count(), store.revision()


def _withdrawn_flag(store: StoreClass, task_id: str) -> bool:
    with store.reading() as sql:
        return bool(scalar(sql, "SELECT withdrawn FROM task WHERE id = :id", {"id": task_id}))


# ------------------------------------------------------------------------------ tests


def test_toml_writer_round_trips_the_shipped_catalogue(write_catalogue) -> None:
    assert write_catalogue() == shipped_catalogue()


def test_same_catalogue_changes_nothing(store: StoreClass) -> None:
    _prepare(store)
    before = _state(store)
    plan = plan_update(store, shipped_catalogue())
    assert plan.is_empty
    assert plan.lines()[0].startswith("Ingen ændringer")
    result = apply_update(store, shipped_catalogue())
    assert result.is_empty and not result.applied
    assert _state(store) == before


def test_dry_run_lists_changes_and_changes_nothing(store: StoreClass, write_catalogue) -> None:
    _prepare(store)
    catalogue = write_catalogue(_newer)
    before = _state(store)

    plan = plan_update(store, catalogue)

    assert _state(store) == before
    assert not plan.applied
    assert (plan.old_version, plan.new_version) == (OLD_VERSION, NEW_VERSION)
    assert plan.added == (NEW_SAPA, NEW_KSD)
    assert plan.withdrawn == (REMOVED,)
    assert plan.reinstated == ()
    assert set(plan.changed_ids) == {RETITLED, RECATEGORISED, RESCHEDULED, HAND_DATED, DONE_BEFORE}
    assert plan.change_for(RETITLED).field_names == ("title",)
    assert plan.change_for(RECATEGORISED).field_names == ("category",)
    assert plan.change_for(RESCHEDULED).field_names == ("due_offset", "due")
    assert plan.change_for(HAND_DATED).field_names == ("due_offset",)  # the date stays
    assert plan.change_for(DONE_BEFORE).checklist_added == (NEW_CHECK_ITEM,)
    assert plan.change_for(DONE_BEFORE).fields == ()

    text = plan.text()
    assert "prøvekørsel" in text
    assert f"{OLD_VERSION} → {NEW_VERSION}" in text
    assert "Nye opgaver (2):" in text and NEW_SAPA in text
    assert "Ændrede opgaver (5):" in text
    assert f"{RECATEGORISED}: kategori mandatory → critical" in text
    assert f"{RETITLED}: titel '" in text and f"→ '{NEW_TITLE}'" in text
    assert "Tilbagetrukne opgaver (1)" in text and REMOVED in text


def test_apply_merges_and_keeps_statuses_history_and_hand_dates(
    store: StoreClass, write_catalogue
) -> None:
    _prepare(store)
    catalogue = write_catalogue(_newer)
    tasks_before = store.snapshot().tasks_by_id()
    removed_history = store.detail(REMOVED).history
    revision = store.revision()

    result = apply_update(store, catalogue)

    assert result.applied
    assert store.revision() == revision + 1  # one transaction, one bump
    snap = store.snapshot()
    tasks = snap.tasks_by_id()
    assert snap.catalogue_version == NEW_VERSION

    # new tasks: dates from the go-live, none without one
    sapa = tasks[NEW_SAPA]
    assert sapa.start == GOLIVES["SAPA"] - timedelta(days=100)
    assert sapa.due == GOLIVES["SAPA"] - timedelta(days=30)
    assert sapa.status == Status.NOT_STARTED and not sapa.is_local
    assert [c.text for c in store.detail(NEW_SAPA).checklist] == [
        "Stikprøver udvalgt",
        "Fund noteret",
    ]
    assert tasks[NEW_KSD].start is None and tasks[NEW_KSD].due is None
    order = [t.id for t in snap.tasks if t.project == "SAPA" and t.main_task == 7]
    assert order.index(NEW_SAPA) == order.index("SAPA-07-06") + 1

    # texts, categories and offsets
    assert tasks[RETITLED].title == NEW_TITLE
    assert tasks[RECATEGORISED].category == Category.CRITICAL
    assert tasks[RESCHEDULED].due == GOLIVES["STS"] - timedelta(days=30)
    assert tasks[RESCHEDULED].start == tasks_before[RESCHEDULED].start
    # a hand-edited due date stays, the offset is still updated
    assert tasks[HAND_DATED].due == HAND_DUE
    assert store.detail(HAND_DATED).due_manual
    # statuses stay; a done task with a new checklist item is still done
    assert tasks[DONE_BEFORE].status == Status.DONE
    assert tasks[DONE_BEFORE].completed_at == tasks_before[DONE_BEFORE].completed_at
    assert NEW_CHECK_ITEM in [c.text for c in store.detail(DONE_BEFORE).checklist]
    for task_id, before in tasks_before.items():
        if task_id != REMOVED:
            assert tasks[task_id].status == before.status, task_id

    # history: catalogue changes recorded with the user, earlier history kept
    history = store.detail(RECATEGORISED).history
    assert [(h.field, h.old, h.new, h.user) for h in history] == [
        ("katalog:category", "mandatory", "critical", "testbruger")
    ]
    fields = {h.field for h in store.detail(RESCHEDULED).history}
    assert fields == {"katalog:due_offset", "katalog:due"}
    assert store.detail(HAND_DATED).history[-1].field == "due"  # the hand edit is still there
    assert tasks[RECATEGORISED].version == tasks_before[RECATEGORISED].version + 1

    # the withdrawn task: kept, flagged, status and history intact, out of the snapshot
    assert REMOVED not in tasks
    assert withdrawn_task_ids(store) == [REMOVED]
    assert _withdrawn_flag(store, REMOVED)
    kept = store.task(REMOVED)
    assert kept.status == Status.IN_PROGRESS
    after_history = store.detail(REMOVED).history
    assert after_history[0].field == "katalog:tilbagetrukket"
    assert after_history[1:] == removed_history
    tree = status_tree(snap, FIXED_TODAY)
    assert tree["counts"]["total"] == len(tasks_before) + 2 - 1
    ky_ids = [t["id"] for p in tree["projects"] for m in p["main_tasks"] for t in m["tasks"]]
    assert REMOVED not in ky_ids

    assert "Katalog opdateret" in result.text()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    store: StoreClass, write_catalogue
) -> None:
    _prepare(store)
    catalogue = write_catalogue(_newer)
    apply_update(store, catalogue)
    before = _state(store)

    assert plan_update(store, catalogue).is_empty
    second = apply_update(store, catalogue)

    assert second.is_empty and not second.applied
    assert second.lines() == [
        f"Ingen ændringer: databasen har allerede katalog version {NEW_VERSION}"
    ]
    assert _state(store) == before


def test_old_version_is_the_shipped_one() -> None:
    assert shipped_catalogue().version == OLD_VERSION


def test_older_catalogue_is_refused_and_nothing_changes(store: StoreClass, write_catalogue) -> None:
    older = write_catalogue(_newer, lambda raw: raw.update(version="2026.10.3"))
    before = _state(store)
    for action in (plan_update, apply_update):
        with pytest.raises(CatalogueVersionError) as err:
            action(store, older)
        assert "2026.10.3" in str(err.value) and OLD_VERSION in str(err.value)
        assert isinstance(err.value, StoreError)
    assert _state(store) == before

    apply_update(store, write_catalogue(_newer))
    with pytest.raises(CatalogueVersionError, match=NEW_VERSION):
        apply_update(store, shipped_catalogue())


def test_versions_compare_as_numbers(store: StoreClass, write_catalogue) -> None:
    assert parse_version("2026.11.1") == (2026, 11, 1)
    assert parse_version("2026.11.10") > parse_version("2026.11.9")
    for bad_version in ("2026.nov", "2026..1", " 2026.1", "+2026", "2026.1_0", ""):
        with pytest.raises(CatalogueVersionError, match="kan ikke læses"):
            parse_version(bad_version)
    bad = write_catalogue(lambda raw: raw.update(version="v2027"))
    with pytest.raises(CatalogueVersionError, match="v2027"):
        plan_update(store, bad)
    later = write_catalogue(lambda raw: raw.update(version="2026.12.10"))
    assert apply_update(store, later).applied
    assert store.snapshot().catalogue_version == "2026.12.10"


def test_same_version_with_new_content_is_applied(store: StoreClass, write_catalogue) -> None:
    def retitle(raw: dict[str, Any]) -> None:
        _task(raw, RETITLED)["title"] = NEW_TITLE

    result = apply_update(store, write_catalogue(retitle))
    assert result.applied and not result.version_changes
    assert result.changed_ids == (RETITLED,)
    assert store.task(RETITLED).title == NEW_TITLE


def test_withdrawn_task_that_comes_back_is_reinstated(store: StoreClass, write_catalogue) -> None:
    _prepare(store)
    apply_update(store, write_catalogue(_newer))
    assert REMOVED not in store.snapshot().tasks_by_id()

    def back(raw: dict[str, Any]) -> None:
        raw["version"] = "2027.1.2"

    result = apply_update(store, write_catalogue(back))  # the shipped tasks: KY-14-05 is back

    assert result.reinstated == (REMOVED,)
    assert not _withdrawn_flag(store, REMOVED)
    task = store.snapshot().tasks_by_id()[REMOVED]
    assert task.status == Status.IN_PROGRESS
    fields = [h.field for h in store.detail(REMOVED).history]
    assert fields[:2] == ["katalog:genindsat", "katalog:tilbagetrukket"]
    assert "status" in fields
    # the new tasks of NEW_VERSION are not in this catalogue: they are withdrawn in turn
    assert set(result.withdrawn) == {NEW_SAPA, NEW_KSD}
    assert "Genindsatte opgaver (1):" in result.text()


def test_local_tasks_are_never_touched(store: StoreClass, write_catalogue) -> None:
    local = store.add_local_task("KY", 14, "Egen opgave", due=date(2027, 8, 1))
    before = store.task(local.id)
    result = apply_update(store, write_catalogue(_newer))
    assert local.id not in result.withdrawn
    assert store.task(local.id) == before
    assert not _withdrawn_flag(store, local.id)
    ky14 = [t.id for t in store.snapshot().tasks if t.project == "KY" and t.main_task == 14]
    assert ky14[-1] == local.id


def _legacy_category_edit(store: StoreClass, task_id: str, category: Category) -> None:
    """A category the kommune set by hand before schema 8 (the store refuses it since; a
    migrated database can still have one)."""
    old = store.task(task_id).category
    with store.writing() as tx:
        tx.run(
            "UPDATE task SET category = :c, version = version + 1 WHERE id = :id",
            {"c": category.value, "id": task_id},
        )
        tx.record(task_id, "category", old.value, category.value)


def test_hand_edits_of_fields_the_catalogue_did_not_change_stay(
    store: StoreClass, write_catalogue
) -> None:
    _legacy_category_edit(store, "STS-03-05", Category.OPTIONAL)
    store.edit_task("STS-03-05", TaskEdit(title="Vores titel"))
    _legacy_category_edit(store, RECATEGORISED, Category.OPTIONAL)

    plan = plan_update(store, write_catalogue(_newer))
    assert plan.change_for("STS-03-05") is None
    change = plan.change_for(RECATEGORISED).get("category")
    assert change.overrides_local and (change.old, change.new) == ("optional", "critical")
    assert "erstatter kommunens egen rettelse" in plan.text()

    apply_update(store, write_catalogue(_newer))
    kept = store.task("STS-03-05")
    assert (kept.category, kept.title) == (Category.OPTIONAL, "Vores titel")
    assert store.task(RECATEGORISED).category == Category.CRITICAL
    history = [(h.field, h.old, h.new) for h in store.detail(RECATEGORISED).history]
    assert history == [
        ("katalog:category", "optional", "critical"),
        ("category", "mandatory", "optional"),
    ]
    # and again: nothing
    assert plan_update(store, write_catalogue(_newer)).is_empty


def test_derived_start_yields_to_a_hand_edited_due(store: StoreClass, write_catalogue) -> None:
    store.edit_task(RESCHEDULED, TaskEdit(due=date(2026, 6, 1), reason="Tidligere"))

    def later_start(raw: dict[str, Any]) -> None:
        raw["version"] = NEW_VERSION
        _task(raw, RESCHEDULED)["start_offset"] = -100  # derived start 2026-08-23

    result = apply_update(store, write_catalogue(later_start))
    task = store.task(RESCHEDULED)
    assert task.due == date(2026, 6, 1)
    assert task.start == task.due
    assert any(RESCHEDULED in w for w in result.warnings)


def test_skips_and_main_task_texts(store: StoreClass, write_catalogue) -> None:
    def change(raw: dict[str, Any]) -> None:
        raw["version"] = NEW_VERSION
        raw["main_tasks"][0]["name"] = "Drift, support og vedligehold"
        raw["tasks"] = [t for t in raw["tasks"] if not t["id"].startswith("KSD-06-")]
        raw.setdefault("skipped", []).append(
            {"project": "KSD", "main_task": 6, "reason": "Ingen gevinster at hente"}
        )

    result = apply_update(store, write_catalogue(change))
    assert [(t.key, t.field) for t in result.main_task_texts] == [("1", "name")]
    assert [(s.project, s.main_task) for s in result.new_skips] == [("KSD", 6)]
    snap = store.snapshot()
    assert snap.main_tasks[0].name == "Drift, support og vedligehold"
    assert snap.skipped[("KSD", 6)] == "Ingen gevinster at hente"
    assert "springes over" in result.text()
    assert plan_update(store, write_catalogue(change)).is_empty


def test_schema_1_database_upgrades_to_current_with_nothing_withdrawn(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "kigo_schema_v1.sql"
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()

    store = StoreClass.open(str(path))
    try:
        total = len(store.snapshot().tasks)
        assert total > 250
        assert withdrawn_task_ids(store) == []
        assert SCHEMA_VERSION >= 3
        plan = plan_update(store, shipped_catalogue())
        assert plan.withdrawn == ()
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert conn.execute("SELECT COUNT(*) FROM task WHERE withdrawn").fetchone() == (0,)
    finally:
        conn.close()


def test_order_follows_the_catalogue_within_a_hovedopgave(
    store: StoreClass, write_catalogue
) -> None:
    def reorder(raw: dict[str, Any]) -> None:
        raw["version"] = NEW_VERSION
        tasks = raw["tasks"]
        first = next(i for i, t in enumerate(tasks) if t["id"] == "STS-03-01")
        tasks[first], tasks[first + 1] = tasks[first + 1], tasks[first]  # 03-02 before 03-01
        new = dict(_task(raw, "KY-14-01"), id="KY-14-06", title="Først i hovedopgave 14")
        tasks.insert(next(i for i, t in enumerate(tasks) if t["id"] == "KY-14-01"), new)

    def ids(project: str, number: int) -> list[str]:
        return [
            t.id for t in store.snapshot().tasks if (t.project, t.main_task) == (project, number)
        ]

    plan = plan_update(store, write_catalogue(reorder))
    assert set(plan.positions) == {"STS-03-01", "STS-03-02", *(f"KY-14-0{i}" for i in range(1, 6))}
    assert "Rækkefølgen justeret" in plan.text()
    apply_update(store, write_catalogue(reorder))
    assert ids("STS", 3)[:2] == ["STS-03-02", "STS-03-01"]
    assert ids("KY", 14) == ["KY-14-06", *(f"KY-14-0{i}" for i in range(1, 6))]
    assert plan_update(store, write_catalogue(reorder)).is_empty
