"""No silent lost update: every edit path sends the version it showed (issue 14, point 3).

The first writer is the TUI (Textual's pilot) or the store API with the version it showed; the
second writer, the colleague, is a separate `kigo` process that saves in between. Each test
checks that nothing was saved over the colleague's change without the user's choice, that the
colleague's change is still in the database and in the history afterwards, and that the choice
is applied exactly: "keep" and cancel write nothing; "mine" writes only the fields the user
changed, on the colleague's version. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Button, Input

from kigo_tui.app import KigoApp, create_app
from kigo_tui.config import Settings
from kigo_tui.domain.conflict import changes, merged
from kigo_tui.domain.defect_labels import Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.screens.dialogs import ConflictScreen, EditTaskScreen
from kigo_tui.storage.defects import add_defect, delete_defect, get_defect, save_defect, to_input
from kigo_tui.storage.exit_strategy import delete_area, get_area, save_area
from kigo_tui.storage.organisation import add_person, read_organisation, set_responsibility
from kigo_tui.storage.store import ConflictError, Store
from kigo_tui.widgets.detail import DetailPane
from tests.support.backends import Database
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, notifications, wait_for, wait_loaded

SIZE = (100, 30)
TASK = "STS-01-01"
CHECKLIST_TASK = "STS-01-02"
COLLEAGUE = "kollega"
ME = "testbruger"


def colleague(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    """`kigo --db DB ARGS` as the colleague, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "kigo_tui", "--db", db.url, *args],
        env={**os.environ, "KIGO_USER": COLLEAGUE},
        capture_output=True,
        text=True,
        timeout=120,
    )


def colleague_saves(db: Database, *args: str) -> None:
    done = colleague(db, *args)
    assert done.returncode == 0, done.stderr


def history(db: Database, key: str, user: str) -> list[tuple[str, str | None, str | None]]:
    return db.query(
        'SELECT field, old, new FROM history WHERE task_id = :key AND "user" = :user ORDER BY id',
        {"key": key, "user": user},
    )


def task_row(db: Database, task_id: str = TASK) -> dict[str, Any]:
    columns = ("title", "status", "due", "warn_days", "version")
    row = db.query(f"SELECT {', '.join(columns)} FROM task WHERE id = :id", {"id": task_id})[0]
    values = dict(zip(columns, row, strict=True))
    values["due"] = str(values["due"])
    return values


@pytest.fixture
def store(kigo_db: Database) -> Any:
    opened = Store.open(kigo_db.url, user=ME)
    yield opened
    opened.close()


def app_on(db: Database) -> KigoApp:
    # No poll within a test: the screen keeps what it showed until it reloads on its own.
    return create_app(db.url, settings=Settings(poll_seconds=600), today=FIXED_TODAY)


async def in_process(db: Database, *args: str) -> None:
    """The colleague's `kigo` while the app's event loop keeps running."""
    await asyncio.to_thread(colleague_saves, db, *args)


def hold_reloads(app: KigoApp) -> Any:
    """Keep the main screen from reloading (as if the colleague's save arrived just after the
    user's keypress); returns the function that lets it reload again."""
    screen = app.main_screen  # type: ignore[attr-defined]
    screen.load = lambda: None
    return lambda: screen.__dict__.pop("load", None)


async def until(pilot: Any, predicate: Any, what: str | None = None) -> None:
    """`wait_for` with room for a loaded machine (a `kigo` process has just run)."""
    await wait_for(pilot, predicate, timeout=30, what=what)


async def conflict_shown(pilot: Any) -> ConflictScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConflictScreen), "the dialog")
    return pilot.app.screen


def rows_of(screen: ConflictScreen) -> dict[str, tuple[str, str, str]]:
    return {c.label: (c.seen, c.theirs, c.mine) for c in screen.conflict.changes}


async def choose(pilot: Any, choice: str) -> None:
    if choice == "cancel":
        await pilot.press("escape")
    else:
        # The dialog on top may still be composing its buttons when the test gets here.
        await until(pilot, lambda: bool(pilot.app.screen.query(f"#{choice}")))
        pilot.app.screen.query_one(f"#{choice}", Button).press()
    await until(pilot, lambda: not isinstance(pilot.app.screen, ConflictScreen))


# ------------------------------------------------------------------------- the edit dialog (e)


@pytest.mark.parametrize("choice", ["keep", "mine", "cancel"])
async def test_edit_dialog_shows_the_colleagues_change_and_applies_the_choice(
    kigo_db: Database, choice: str
) -> None:
    before = task_row(kigo_db)
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        # The dialog is open; the colleague saves another status and deadline meanwhile.
        await in_process(
            kigo_db,
            "set",
            TASK,
            "--status",
            "in_progress",
            "--due",
            "2027-02-01",
            "--begrundelse",
            "Kollegaens plan",
        )
        app.screen.query_one("#title", Input).value = "Min titel"
        app.screen.query_one("#warn", Input).value = "30"
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot)
        shown = rows_of(dialog)
        assert shown["titel"] == (before["title"], before["title"], "Min titel")
        assert shown["varsel (dage)"] == (str(before["warn_days"]), str(before["warn_days"]), "30")
        due = "-".join(reversed(before["due"].split("-")))  # shown as dd-mm-åååå
        assert shown["slutdato"] == (due, "01-02-2027", due)
        assert shown["status"] == ("ikke påbegyndt", "påbegyndt", "ikke påbegyndt")
        assert task_row(kigo_db)["title"] == before["title"]  # nothing saved before the choice
        await choose(pilot, choice)
        if choice == "mine":
            await until(pilot, lambda: task_row(kigo_db)["title"] == "Min titel")
        else:  # the user is told their change was not saved, and why
            said = "er beholdt" if choice == "keep" else "Annulleret"
            await until(
                pilot,
                lambda: any(said in n and "ikke gemt" in n for n in notifications(pilot)),
            )
        await pilot.pause(0.2)
    after = task_row(kigo_db)
    # The colleague's change is still there, whatever the choice.
    assert (after["status"], after["due"]) == ("in_progress", "2027-02-01")
    assert {f for f, _, _ in history(kigo_db, TASK, COLLEAGUE)} == {"status", "due"}
    if choice == "mine":
        assert (after["title"], after["warn_days"]) == ("Min titel", 30)
        assert history(kigo_db, TASK, ME) == [
            ("title", before["title"], "Min titel"),
            ("warn_days", str(before["warn_days"]), "30"),
        ]
    else:
        assert (after["title"], after["warn_days"]) == (before["title"], before["warn_days"])
        assert history(kigo_db, TASK, ME) == []


async def test_edit_dialog_keeps_the_version_it_showed_across_a_reload(kigo_db: Database) -> None:
    """The screen reloads (the colleague's change arrives) while the dialog is open: the save is
    still based on what the dialog showed, so it is refused, not saved over the change."""
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        await in_process(kigo_db, "set", TASK, "--title", "Kollegaens titel")
        app.main_screen.load()
        await until(pilot, lambda: app.main_screen.model.tasks[TASK].title == "Kollegaens titel")
        app.screen.query_one("#title", Input).value = "Min titel"
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot)
        assert rows_of(dialog)["titel"][1:] == ("Kollegaens titel", "Min titel")
        await choose(pilot, "keep")
        await pilot.pause(0.2)
    assert task_row(kigo_db)["title"] == "Kollegaens titel"


async def test_edit_dialog_responsibility_is_versioned(kigo_db: Database, store: Store) -> None:
    anne = add_person(store, "Anne Jensen").id
    add_person(store, "Bo Berg")
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        await in_process(kigo_db, "responsible", TASK, "--doer", "Bo Berg")
        app.screen.query_one("#accountable").value = anne
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot)
        shown = rows_of(dialog)
        assert shown["ansvarlig"] == ("—", "—", "Anne Jensen")
        assert shown["udfører"] == ("—", "Bo Berg", "—")
        await choose(pilot, "mine")
        await until(pilot, lambda: read_organisation(store).responsibility.get(TASK, (0,))[0])
        await pilot.pause(0.2)
    org = read_organisation(store)
    assert [org.name(p) for p in org.responsibility[TASK]] == ["Anne Jensen", "Bo Berg"]
    assert history(kigo_db, TASK, COLLEAGUE) == [("udfører", None, "Bo Berg")]
    assert history(kigo_db, TASK, ME) == [("ansvarlig", None, "Anne Jensen")]


# ------------------------------------------------------------------- status (s), done (space)


@pytest.mark.parametrize(("key", "choice"), [("s", "mine"), ("space", "mine")])
async def test_status_keys_show_the_colleagues_change(
    kigo_db: Database, key: str, choice: str
) -> None:
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        release = hold_reloads(app)
        await in_process(
            kigo_db,
            "set",
            TASK,
            "--due",
            "2027-03-01",
            "--begrundelse",
            "Kollegaens plan",
            "--warn-days",
            "3",
        )
        await pilot.press(key)
        dialog = await conflict_shown(pilot)
        wanted = "påbegyndt" if key == "s" else "fuldført"
        assert rows_of(dialog)["status"] == ("ikke påbegyndt", "ikke påbegyndt", wanted)
        assert rows_of(dialog)["slutdato"][1] == "01-03-2027"
        release()
        await choose(pilot, choice)
        if choice == "mine":
            await until(pilot, lambda: task_row(kigo_db)["status"] != "not_started")
        await pilot.pause(0.2)
    after = task_row(kigo_db)
    assert (after["due"], after["warn_days"]) == ("2027-03-01", 3)
    assert {f for f, _, _ in history(kigo_db, TASK, COLLEAGUE)} == {"due", "warn_days"}
    expected = {"keep": "not_started", "mine": "in_progress" if key == "s" else "done"}[choice]
    assert after["status"] == expected
    mine = history(kigo_db, TASK, ME)
    assert mine == ([] if choice == "keep" else [("status", "not_started", expected)])


async def test_reopening_a_task_the_colleague_reopened_changes_nothing(kigo_db: Database) -> None:
    """ "Save mine anyway" of done → back on a task the colleague already took back from done."""
    colleague_saves(kigo_db, "done", TASK)
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        release = hold_reloads(app)
        await in_process(kigo_db, "set", TASK, "--status", "in_progress")
        await pilot.press("space")
        await conflict_shown(pilot)
        release()
        await choose(pilot, "mine")
        await pilot.pause(0.3)
    assert task_row(kigo_db)["status"] == "in_progress"
    assert history(kigo_db, TASK, ME) == []


# --------------------------------------------------------------------------------- checklists


async def test_checklist_tick_on_a_changed_checklist(kigo_db: Database) -> None:
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, CHECKLIST_TASK)
        screen = app.main_screen
        first = screen._shown_detail.checklist[0].id
        release = hold_reloads(app)
        await in_process(kigo_db, "checklist", CHECKLIST_TASK, "2")
        # What the detail pane posts when the user ticks the first item (ticking the widget
        # itself right after the pane appears can be lost under load: see RELIABILITY.md).
        screen.post_message(DetailPane.ChecklistToggled(first, True))
        dialog = await conflict_shown(pilot)
        shown = rows_of(dialog)
        first, second = (label for label in shown if label.startswith("tjekliste"))
        assert shown[first] == ("○", "○", "✓") and shown[second] == ("○", "✓", "○")
        assert shown["status"] == ("ikke påbegyndt", "påbegyndt", "ikke påbegyndt")
        release()
        await choose(pilot, "mine")
        await wait_for(
            pilot,
            lambda: (
                kigo_db.query(
                    "SELECT count(*) FROM checklist_item WHERE task_id = :t AND done = true",
                    {"t": CHECKLIST_TASK},
                )[0][0]
                == 2
            ),
        )
        await pilot.pause(0.2)
    done = kigo_db.query(
        "SELECT position, done FROM checklist_item WHERE task_id = :t ORDER BY position",
        {"t": CHECKLIST_TASK},
    )
    assert [bool(d) for _, d in done] == [True, True, False, False]
    assert [f for f, _, _ in history(kigo_db, CHECKLIST_TASK, COLLEAGUE)] == [
        "tjekliste",
        "status",
    ]
    assert [f for f, _, _ in history(kigo_db, CHECKLIST_TASK, ME)] == ["tjekliste"]


# ------------------------------------------------------------------------------------- undo


async def test_undo_over_a_colleagues_change_restores_only_what_was_undone(
    kigo_db: Database,
) -> None:
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK)
        await pilot.press("s")
        await until(pilot, lambda: task_row(kigo_db)["status"] == "in_progress")
        await pilot.pause(0.2)
        release = hold_reloads(app)
        await in_process(
            kigo_db, "set", TASK, "--due", "2027-04-01", "--begrundelse", "Kollegaens plan"
        )
        await pilot.press("u")
        dialog = await conflict_shown(pilot)
        assert rows_of(dialog)["status"] == ("påbegyndt", "påbegyndt", "ikke påbegyndt")
        release()
        await choose(pilot, "mine")
        await until(pilot, lambda: task_row(kigo_db)["status"] == "not_started")
        await pilot.pause(0.2)
    assert task_row(kigo_db)["due"] == "2027-04-01"
    assert history(kigo_db, TASK, COLLEAGUE) == [("due", "2025-11-16", "2027-04-01")]


# ---------------------------------------------------------------------- the store API, per path


def test_responsibility_with_the_version_shown(kigo_db: Database, store: Store) -> None:
    add_person(store, "Anne Jensen")
    add_person(store, "Bo Berg")
    seen = store.task(TASK).version
    colleague_saves(kigo_db, "responsible", TASK, "--doer", "Bo Berg")
    with pytest.raises(ConflictError) as refused:
        set_responsibility(store, TASK, accountable="Anne Jensen", expected_version=seen)
    assert refused.value.current_version == seen + 1
    org = read_organisation(store)
    assert org.responsibility[TASK] == (None, org.find("Bo Berg").id)  # type: ignore[union-attr]
    assert history(kigo_db, TASK, COLLEAGUE) == [("udfører", None, "Bo Berg")]
    # Saved again on the colleague's version: only the user's field, the colleague's stays.
    set_responsibility(
        store, TASK, accountable="Anne Jensen", expected_version=refused.value.current_version
    )
    org = read_organisation(store)
    assert [org.name(p) for p in org.responsibility[TASK]] == ["Anne Jensen", "Bo Berg"]


def _defect(store: Store) -> int:
    reported = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    defect = DefectInput(
        project="KY", title="Login fejler", severity=Severity.MAJOR, reported_at=reported
    )
    return add_defect(store, defect).id


def test_defect_edit_and_delete_with_the_version_shown(kigo_db: Database, store: Store) -> None:
    from dataclasses import replace

    from kigo_tui.storage.defects import history_key, on_top

    defect_id = _defect(store)
    seen = get_defect(store, defect_id)
    colleague_saves(kigo_db, "defect", "set", str(defect_id), "--ref", "INC-7", "--note", "ringet")
    mine = replace(to_input(seen), title="Login fejler for alle")
    with pytest.raises(ConflictError):
        save_defect(store, defect_id, mine, seen.version)
    with pytest.raises(ConflictError):
        delete_defect(store, defect_id, seen.version)
    current = get_defect(store, defect_id)
    assert (current.supplier_ref, current.note, current.title) == ("INC-7", "ringet", seen.title)
    saved = save_defect(store, defect_id, on_top(current, seen, mine), current.version)
    assert (saved.supplier_ref, saved.note, saved.title) == ("INC-7", "ringet", mine.title)
    key = history_key(defect_id)
    assert {f for f, _, _ in history(kigo_db, key, COLLEAGUE)} == {
        "leverandørens reference",
        "note",
    }


def test_case_area_edit_and_delete_with_the_version_shown(kigo_db: Database, store: Store) -> None:
    from kigo_tui.storage.exit_strategy import history_key, on_top

    area = save_area(store, CaseArea(field_area="Børn", case_area="Underretninger", kle="27.24.00"))
    assert area.id is not None
    seen, version = get_area(store, area.id)
    colleague_saves(kigo_db, "exit", "edit", str(area.id), "--caseworkers", "40")
    mine = seen.model_copy(update={"comment": "min kommentar"})
    with pytest.raises(ConflictError):
        save_area(store, mine, version)
    with pytest.raises(ConflictError):
        delete_area(store, area.id, version)
    current, now = get_area(store, area.id)
    assert (current.caseworkers, current.comment, now) == (40, "", version + 1)
    save_area(store, on_top(current, seen, mine), now)
    after, _ = get_area(store, area.id)
    assert (after.caseworkers, after.comment) == (40, "min kommentar")
    assert history(kigo_db, history_key(area.id), COLLEAGUE) == [("caseworkers", "0", "40")]


# ------------------------------------------------------------------- the CLI: --version N


REFUSED = (
    ("set", TASK, "--status", "done"),
    ("set", TASK, "--title", "Ny titel"),
    ("done", TASK),
    ("delete", TASK),
    ("checklist", CHECKLIST_TASK, "1"),
    ("responsible", TASK, "--accountable", ""),
)


def test_the_cli_refuses_an_older_version_and_shows_what_changed(kigo_db: Database) -> None:
    for task_id in (TASK, CHECKLIST_TASK):
        colleague_saves(
            kigo_db, "set", task_id, "--due", "2027-05-01", "--begrundelse", "Kollegaens plan"
        )
    before = kigo_db.dump()
    for command in REFUSED:
        refused = colleague(kigo_db, *command, "--version", "1")
        assert refused.returncode == 1, command
        message = refused.stderr
        assert f"opgave {command[1]} er ændret af en anden" in message
        assert "du havde version 1, nu er den version 2" in message
        assert "intet er gemt" in message and "slutdato" in message and "01-05-2027" in message
        assert "--version 2" in message and "Traceback" not in message
    assert kigo_db.dump() == before
    assert colleague(kigo_db, "checklist", CHECKLIST_TASK, "1", "--version", "2").returncode == 0
    ticked = kigo_db.query(
        "SELECT done FROM checklist_item WHERE task_id = :t AND position = 0",
        {"t": CHECKLIST_TASK},
    )
    assert [bool(done) for (done,) in ticked] == [True]


def test_the_cli_refuses_an_older_defect_and_case_area_version(
    kigo_db: Database, store: Store
) -> None:
    defect_id = _defect(store)
    area = save_area(store, CaseArea(field_area="Børn", case_area="Underretninger", kle="27.24.00"))
    colleague_saves(kigo_db, "defect", "set", str(defect_id), "--note", "ringet")
    colleague_saves(kigo_db, "exit", "edit", str(area.id), "--caseworkers", "40")
    before = kigo_db.dump(("defect", "case_area", "history"))
    for command, what in (
        (("defect", "set", str(defect_id), "--note", "min"), f"fejl {defect_id}"),
        (("defect", "delete", str(defect_id)), f"fejl {defect_id}"),
        (("exit", "edit", str(area.id), "--comment", "min"), f"sagsområde {area.id}"),
        (("exit", "delete", str(area.id)), f"sagsområde {area.id}"),
    ):
        refused = colleague(kigo_db, *command, "--version", "1")
        assert refused.returncode == 1, command
        assert f"{what} er ændret af en anden" in refused.stderr
        assert "nu er den version 2" in refused.stderr
    assert kigo_db.dump(("defect", "case_area", "history")) == before


def test_version_option_is_checked(tmp_path: Path) -> None:
    db = Database("sqlite", str(tmp_path / "kigo.db"), tmp_path)  # refused before it is opened
    for bad in ("0", "-3", "x", "99999999999999999999999"):
        done = colleague(db, "done", TASK, "--version", bad)
        assert done.returncode == 2 and "version" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "kigo.db").exists()


# ------------------------------------------------------------------- the three-way comparison

VALUES = st.one_of(st.none(), st.sampled_from(["", "a", "b", "[b]x[/b]", "æ"]), st.integers(0, 3))
LABELS = st.sampled_from(["titel", "status", "frist", "ansvarlig", "note"])


@given(
    seen=st.dictionaries(LABELS, VALUES, min_size=1),
    theirs_changes=st.dictionaries(LABELS, VALUES),
    mine_changes=st.dictionaries(LABELS, VALUES),
)
def test_every_change_of_either_side_is_shown_and_only_mine_overwrite(
    seen: dict[str, object], theirs_changes: dict[str, object], mine_changes: dict[str, object]
) -> None:
    theirs = {**seen, **{k: v for k, v in theirs_changes.items() if k in seen}}
    mine = {k: v for k, v in mine_changes.items() if k in seen}
    shown = {c.label: c for c in changes(seen, theirs, mine)}
    for label in seen:
        from kigo_tui.domain.conflict import shown as text

        colleague_changed = text(theirs[label]) != text(seen[label])
        i_changed = label in mine and text(mine[label]) != text(seen[label])
        assert (label in shown) == (colleague_changed or i_changed)
    result = merged(seen, theirs, mine)
    for label in seen:
        if label in mine and mine[label] != seen[label]:
            assert result[label] == mine[label]
        else:
            assert result[label] == theirs[label]  # the colleague's value is never lost


def test_migration_adds_case_area_version(tmp_path: Path) -> None:
    """A schema-7 database's case areas get version 1 (tests/storage/test_migrations.py upgrades every
    fixture; this checks the column a save is based on)."""
    import sqlite3

    fixture = Path(__file__).parent / "fixtures" / "kigo_schema_v7.sql"
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()
    store = Store.open(str(path))
    try:
        area, version = get_area(store, 1)
        assert version == 1
        save_area(store, area.model_copy(update={"comment": "x"}), version)
        with pytest.raises(ConflictError):
            save_area(store, area.model_copy(update={"comment": "y"}), version)
    finally:
        store.close()


# ------------------------------------------------------------ the defect log and the exit sheet


def table_rows(screen: Any) -> int:
    """The rows of the screen's table (0 until it is mounted and loaded)."""
    from textual.widgets import DataTable

    found = screen.query(DataTable)
    return found.first().row_count if found else 0


async def test_defect_form_shows_the_colleagues_change(kigo_db: Database, store: Store) -> None:
    from kigo_tui.screens.defects import DefectFormScreen, DefectLogScreen
    from kigo_tui.storage.defects import history_key

    defect_id = _defect(store)
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.push_screen(DefectLogScreen())
        await until(pilot, lambda: isinstance(app.screen, DefectLogScreen))
        log = app.screen
        await until(pilot, lambda: table_rows(log) == 1)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, DefectFormScreen))
        await in_process(kigo_db, "defect", "set", str(defect_id), "--ref", "INC-7")
        app.screen.query_one("#title", Input).value = "Login fejler for alle"
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot)
        shown = rows_of(dialog)
        assert shown["titel"] == ("Login fejler", "Login fejler", "Login fejler for alle")
        assert shown["leverandørens reference"] == ("—", "INC-7", "—")
        await choose(pilot, "mine")
        await until(pilot, lambda: get_defect(store, defect_id).title != "Login fejler")
        await pilot.pause(0.2)
    after = get_defect(store, defect_id)
    assert (after.title, after.supplier_ref) == ("Login fejler for alle", "INC-7")
    key = history_key(defect_id)
    assert history(kigo_db, key, COLLEAGUE) == [("leverandørens reference", None, "INC-7")]
    assert history(kigo_db, key, ME)[1:] == [("titel", "Login fejler", "Login fejler for alle")]


@pytest.mark.parametrize("choice", ["mine"])
async def test_case_area_form_shows_the_colleagues_change(
    kigo_db: Database, store: Store, choice: str
) -> None:
    from kigo_tui.screens.exit_strategy import AreaFormScreen, ExitWorkspaceScreen
    from kigo_tui.storage.exit_strategy import history_key

    area = save_area(store, CaseArea(field_area="Børn", case_area="Underretninger", kle="27.24.00"))
    assert area.id is not None
    app = app_on(kigo_db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.push_screen(ExitWorkspaceScreen())
        await until(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
        workspace = app.screen
        await until(pilot, lambda: table_rows(workspace) == 1)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        await in_process(kigo_db, "exit", "edit", str(area.id), "--caseworkers", "40")
        app.screen.query_one("#future_system", Input).value = "Nyt fagsystem"
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot)
        shown = rows_of(dialog)
        assert ("0", "40", "0") in shown.values()
        assert ("—", "—", "Nyt fagsystem") in shown.values()
        await choose(pilot, choice)
        if choice == "mine":
            await until(pilot, lambda: get_area(store, area.id)[0].future_system != "")
        await pilot.pause(0.2)
    after, version = get_area(store, area.id)
    assert after.caseworkers == 40
    assert after.future_system == ("Nyt fagsystem" if choice == "mine" else "")
    assert version == (3 if choice == "mine" else 2)
    assert history(kigo_db, history_key(area.id), COLLEAGUE) == [("caseworkers", "0", "40")]
