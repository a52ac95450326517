"""Pilot tests of the TUI's actions, asserting on the database the app writes to.

Every change runs in a worker thread; the tests wait (with a timeout) for the database to show
it, through a second Store on the same file, as another process would see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, SelectionList, Static

from kigo_tui.app import KigoApp, create_app
from kigo_tui.config import Settings
from kigo_tui.domain.rules import Colour, Status
from kigo_tui.screens.dialogs import (
    AddTaskScreen,
    ConfirmScreen,
    ConflictScreen,
    EditTaskScreen,
    FilterScreen,
    HelpScreen,
    TaskListScreen,
)
from kigo_tui.screens.main import MainScreen
from kigo_tui.storage.store import Store, StoreError
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import (
    cursor_key,
    goto_task,
    notifications,
    task_labels,
    wait_for,
    wait_for_detail,
    wait_loaded,
)

SIZE = (80, 24)

# Tasks of the demo database (Odense, made for FIXED_TODAY) the tests rely on.
IN_PROGRESS_GREEN = "SAPA-12-03"  # in progress, due 03-12-2026
NOT_STARTED_GREEN = "SAPA-10-03"  # not started, due 23-12-2026
EDITABLE = "SAPA-10-04"  # not started, due 27-12-2026, warning 7 days
CHECKLIST_TASK = "SAPA-01-04"  # not started, 4 checklist items


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    """A second connection to the demo database: what `kigo` in another shell would see."""
    store = Store.open(str(demo_path))
    yield store
    store.close()


def demo_app(demo_path: Path, **settings: object) -> KigoApp:
    return create_app(str(demo_path), settings=Settings(**settings), today=FIXED_TODAY)


def status_in_db(store: Store, task_id: str) -> Status:
    return store.task(task_id).status


# ---------------------------------------------------------------------------------- statuses


async def test_space_toggles_done_and_back_to_the_previous_status(
    demo_path: Path, demo_store: Store
) -> None:
    assert status_in_db(demo_store, IN_PROGRESS_GREEN) == Status.IN_PROGRESS
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, IN_PROGRESS_GREEN)
        await pilot.press("space")
        await wait_for(pilot, lambda: status_in_db(demo_store, IN_PROGRESS_GREEN) == Status.DONE)
        await wait_for(pilot, lambda: task_labels(pilot)[IN_PROGRESS_GREEN].startswith("☑"))
        await pilot.press("space")
        await wait_for(
            pilot, lambda: status_in_db(demo_store, IN_PROGRESS_GREEN) == Status.IN_PROGRESS
        )
        await wait_for(pilot, lambda: task_labels(pilot)[IN_PROGRESS_GREEN].startswith("◐"))
    assert demo_store.task(IN_PROGRESS_GREEN).completed_at is None


async def test_s_cycles_the_status(demo_path: Path, demo_store: Store) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN)
        model = app.main_screen.model
        for expected in (Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED):
            await pilot.press("s")
            await wait_for(
                pilot, lambda e=expected: status_in_db(demo_store, NOT_STARTED_GREEN) == e
            )
            # The next press reads the status from the model: wait for the UI to follow.
            await wait_for(pilot, lambda e=expected: model.tasks[NOT_STARTED_GREEN].status == e)


# ---------------------------------------------------------------------------------- editing


async def _type_into(pilot, input_: Input, text: str) -> None:
    input_.focus()
    input_.value = ""
    await pilot.pause()
    await pilot.press(*text)


async def test_edit_dialog_saves_due_date_and_warning(demo_path: Path, demo_store: Store) -> None:
    before = demo_store.task(EDITABLE)
    assert (before.due, before.warn_days) == (date(2026, 12, 27), 7)
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, EDITABLE)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        dialog = app.screen
        await _type_into(pilot, dialog.query_one("#due", Input), "2026-12-20")
        await _type_into(pilot, dialog.query_one("#warn", Input), "30")
        await _type_into(pilot, dialog.query_one("#reason", Input), "Ny plan")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: demo_store.task(EDITABLE).due == date(2026, 12, 20))
        assert isinstance(app.screen, MainScreen)
        after = demo_store.task(EDITABLE)
        assert after.warn_days == 30
        assert after.title == before.title and after.start == before.start
        # Due in 27 days, warned 30 days before, not started: the tree turns it yellow.
        model = app.main_screen.model
        await wait_for(pilot, lambda: model.colour_of(EDITABLE) == Colour.YELLOW)
        await wait_for(pilot, lambda: "▲" in task_labels(pilot)[EDITABLE])


async def test_edit_dialog_refuses_an_invalid_date(demo_path: Path, demo_store: Store) -> None:
    before = demo_store.task(EDITABLE)
    revision = demo_store.revision()
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, EDITABLE)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        dialog = app.screen
        await _type_into(pilot, dialog.query_one("#due", Input), "2026-13-45")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is dialog, "the dialog must stay open on an invalid date"
        error = str(dialog.query_one("#error", Static).render())
        assert "slutdato '2026-13-45' findes ikke i kalenderen" in error
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(0.2)
    assert demo_store.task(EDITABLE) == before
    assert demo_store.revision() == revision


async def test_u_undoes_the_last_change(demo_path: Path, demo_store: Store) -> None:
    before = demo_store.task(EDITABLE)
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, EDITABLE)
        await pilot.press("space")
        await wait_for(pilot, lambda: status_in_db(demo_store, EDITABLE) == Status.DONE)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        await _type_into(pilot, app.screen.query_one("#due", Input), "2027-01-31")
        await _type_into(pilot, app.screen.query_one("#reason", Input), "Udskudt")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: demo_store.task(EDITABLE).due == date(2027, 1, 31))
        await wait_for(pilot, lambda: len(app.main_screen.undo_stack) == 2)
        await pilot.press("u")  # undoes the edit
        await wait_for(pilot, lambda: demo_store.task(EDITABLE).due == before.due)
        assert status_in_db(demo_store, EDITABLE) == Status.DONE
        await pilot.press("u")  # undoes the toggle
        await wait_for(pilot, lambda: status_in_db(demo_store, EDITABLE) == Status.NOT_STARTED)
        await pilot.press("u")  # nothing left
        await wait_for(pilot, lambda: "Intet at fortryde" in notifications(pilot))
    after = demo_store.task(EDITABLE)
    assert (after.status, after.due, after.warn_days, after.completed_at) == (
        before.status,
        before.due,
        before.warn_days,
        None,
    )


# ---------------------------------------------------------------------------------- finding


async def test_search_puts_the_cursor_on_the_task(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        tree = app.main_screen.tree
        assert "KSD-09-03" not in tree._tasks  # the branch is not open yet
        await pilot.press("slash")
        search = app.main_screen.query_one("#search", Input)
        await wait_for(pilot, lambda: search.has_focus)
        await pilot.press(*"sygedagpengeafdeling", "enter")
        await wait_for(pilot, lambda: cursor_key(pilot) == "KSD-09-03")
        node = tree.cursor_node
        assert node.parent.data.key == ("KSD", 9)
        assert node.parent.is_expanded and node.parent.parent.is_expanded
        assert not search.has_class("-visible") and tree.has_focus
        await wait_for_detail(pilot, "KSD-09-03")


async def test_search_without_a_hit_says_so(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"zzzz", "enter")
        await wait_for(pilot, lambda: any("zzzz" in n for n in notifications(pilot)))
        assert cursor_key(pilot) is None  # still on the kommune


async def _open_every_branch(pilot) -> None:
    tree = pilot.app.main_screen.tree
    for project in list(tree.root.children):
        project.expand()
    await pilot.pause()
    for project in list(tree.root.children):
        for main in list(project.children):
            if main.allow_expand:
                main.expand()
    mains = [m for p in tree.root.children for m in p.children if m.allow_expand]
    await wait_for(pilot, lambda: all(m.children for m in mains), what="every branch read")
    await pilot.pause()


async def test_filter_only_yellow_and_red_hides_green_tasks(
    demo_path: Path, demo_store: Store
) -> None:
    tasks = demo_store.snapshot().tasks
    problems = {t.id for t in tasks if t.colour(FIXED_TODAY) != Colour.GREEN}
    assert 10 < len(problems) < len(tasks)
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        model = app.main_screen.model
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen))
        await pilot.press("space", "ctrl+s")  # tick "Kun gule og røde" (focused), apply
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.main_screen.tree.task_filter.only_problems
        header = str(app.main_screen.query_one("#header", Static).render())
        assert "filter: kun gul/rød" in header
        await _open_every_branch(pilot)
        shown = set(app.main_screen.tree._tasks)
        assert shown == problems
        assert all(model.colour_of(tid) != Colour.GREEN for tid in shown)
        assert all("●" not in label for label in task_labels(pilot).values())


async def test_follow_up_view_jumps_to_the_task(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        table = app.screen.query_one(DataTable)
        assert table.row_count > 5
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        # Most severe first: a red critical task (STS-12-02 is red and the oldest).
        assert first == "STS-12-02"
        assert table.get_row_at(0)[0] == "■ rød"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_for(pilot, lambda: cursor_key(pilot) == first)
        assert app.main_screen.tree.cursor_node.parent.is_expanded


async def test_k_lowercase_moves_up_not_follow_up(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "j")
        assert cursor_key(pilot) == "SAPA"
        await pilot.press("k")
        assert cursor_key(pilot) == "STS"
        assert isinstance(app.screen, MainScreen)


# ---------------------------------------------------------------------------------- local tasks


async def test_add_then_delete_a_local_task(demo_path: Path, demo_store: Store) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "KSD-01-02", detail=False)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTaskScreen))
        assert app.screen.query_one("#title", Input).has_focus
        await pilot.press(*"Lokal opfølgning", "ctrl+s")

        def added() -> bool:
            try:
                return demo_store.task("KSD-01-L1").is_local
            except StoreError:
                return False

        await wait_for(pilot, added)
        row = demo_store.task("KSD-01-L1")
        assert (row.title, row.project, row.main_task) == ("Lokal opfølgning", "KSD", 1)
        assert row.status == Status.NOT_STARTED
        # The new task is shown and selected.
        await wait_for(pilot, lambda: cursor_key(pilot) == "KSD-01-L1")
        assert "[lokal] Lokal opfølgning" in task_labels(pilot)["KSD-01-L1"]

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: not added())
        await wait_for(pilot, lambda: "KSD-01-L1" not in task_labels(pilot))
        assert "KSD-01-L1" not in app.main_screen.model.tasks


async def test_d_refuses_a_catalogue_task(demo_path: Path, demo_store: Store) -> None:
    before = demo_store.snapshot()
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN, detail=False)
        await pilot.press("d")
        await wait_for(pilot, lambda: any("Kun kommunens egne" in n for n in notifications(pilot)))
        assert isinstance(app.screen, MainScreen)
        assert NOT_STARTED_GREEN in task_labels(pilot)
    after = demo_store.snapshot()
    assert after.tasks == before.tasks and after.revision == before.revision


# ---------------------------------------------------------------------------------- checklist


async def test_ticking_the_whole_checklist_completes_the_task(
    demo_path: Path, demo_store: Store
) -> None:
    items = demo_store.detail(CHECKLIST_TASK).checklist
    assert len(items) == 4 and not any(i.done for i in items)

    def done_items() -> list[bool]:
        return [i.done for i in demo_store.detail(CHECKLIST_TASK).checklist]

    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, CHECKLIST_TASK)
        checklist = app.main_screen.query_one("#checklist", SelectionList)
        assert checklist.option_count == 4
        checklist.focus()
        await pilot.pause()
        for n in range(1, 5):
            # The focused checklist highlights its first item, so the first space ticks it.
            await pilot.press(*(["space"] if n == 1 else ["down", "space"]))
            await wait_for(pilot, lambda n=n: sum(done_items()) == n, what=f"{n} ticked items")
            # The pane reloads the task after each tick; the highlight must stay where it was.
            await wait_for(pilot, lambda n=n: len(checklist.selected) == n)
        assert done_items() == [True] * 4
        await wait_for(pilot, lambda: status_in_db(demo_store, CHECKLIST_TASK) == Status.DONE)
        await wait_for(pilot, lambda: any("alle punkter" in n for n in notifications(pilot)))
        await wait_for(pilot, lambda: task_labels(pilot)[CHECKLIST_TASK].startswith("☑"))

        await pilot.press("space")  # untick the last item
        await wait_for(
            pilot, lambda: status_in_db(demo_store, CHECKLIST_TASK) == Status.IN_PROGRESS
        )
        assert done_items() == [True, True, True, False]
        await wait_for(pilot, lambda: any("genåbnet" in n for n in notifications(pilot)))
        await wait_for(pilot, lambda: task_labels(pilot)[CHECKLIST_TASK].startswith("◐"))


async def test_first_tick_starts_the_task(demo_path: Path, demo_store: Store) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, CHECKLIST_TASK)
        checklist = app.main_screen.query_one("#checklist", SelectionList)
        checklist.toggle(checklist.get_option_at_index(2))
        await wait_for(
            pilot, lambda: status_in_db(demo_store, CHECKLIST_TASK) == Status.IN_PROGRESS
        )
        assert [i.done for i in demo_store.detail(CHECKLIST_TASK).checklist] == [
            False,
            False,
            True,
            False,
        ]


# ---------------------------------------------------------------------------------- other writers


async def test_a_change_by_another_process_appears(demo_path: Path, demo_store: Store) -> None:
    app = demo_app(demo_path, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN)
        model_before = app.main_screen.model
        demo_store.set_status(NOT_STARTED_GREEN, Status.DONE)  # as `kigo set` would
        await wait_for(
            pilot,
            lambda: app.main_screen.model.tasks[NOT_STARTED_GREEN].status == Status.DONE,
            timeout=2,
        )
        assert app.main_screen.model is not model_before
        await wait_for(pilot, lambda: task_labels(pilot)[NOT_STARTED_GREEN].startswith("☑"))
        # The cursor stays on the task it was on.
        await wait_for(pilot, lambda: cursor_key(pilot) == NOT_STARTED_GREEN)


async def test_a_stale_toggle_is_refused_as_a_conflict(demo_path: Path, demo_store: Store) -> None:
    app = demo_app(demo_path, poll_seconds=60)  # no poll: the app keeps its old version
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN)
        demo_store.set_status(NOT_STARTED_GREEN, Status.IN_PROGRESS)
        await pilot.press("space")
        # The user is shown what changed and chooses (tests/storage/test_lost_updates.py has the choices).
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Ændret af en anden" in n for n in notifications(pilot)))
        # The app reloads and shows the other writer's status; the database keeps it.
        await wait_for(
            pilot,
            lambda: app.main_screen.model.tasks[NOT_STARTED_GREEN].status == Status.IN_PROGRESS,
        )
        assert status_in_db(demo_store, NOT_STARTED_GREEN) == Status.IN_PROGRESS


async def test_colours_follow_the_date_when_it_rolls_over(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = "SAPA-05-04"  # in progress, due 10-12-2026: green until then, red after
    today = {"value": FIXED_TODAY}
    monkeypatch.setattr("kigo_tui.app.copenhagen_today", lambda: today["value"])
    app = create_app(str(demo_path), settings=Settings(poll_seconds=0.1))  # today=None
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, task_id)
        model = app.main_screen.model
        assert model.colour_of(task_id) == Colour.GREEN
        assert "●" in task_labels(pilot)[task_id]
        header = app.main_screen.query_one("#header", Static)
        assert "23-11-2026" in str(header.render())
        assert "valgt dato" not in str(header.render())

        today["value"] = date(2026, 12, 11)
        await wait_for(pilot, lambda: app.main_screen.model.colour_of(task_id) == Colour.RED)
        await wait_for(pilot, lambda: "■" in task_labels(pilot)[task_id])
        await wait_for(pilot, lambda: "11-12-2026" in str(header.render()))


async def test_a_new_date_reapplies_the_filter(
    demo_path: Path, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = "SAPA-05-04"  # green on FIXED_TODAY, red from 11-12-2026
    task = demo_store.task(task_id)
    today = {"value": FIXED_TODAY}
    monkeypatch.setattr("kigo_tui.app.copenhagen_today", lambda: today["value"])
    app = create_app(str(demo_path), settings=Settings(poll_seconds=0.1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f", "space", "ctrl+s")  # only yellow and red
        await wait_for(pilot, lambda: app.main_screen.tree.task_filter.only_problems)
        assert not app.main_screen.tree.reveal_task(task)  # green: filtered out
        today["value"] = date(2026, 12, 11)
        await wait_for(pilot, lambda: app.main_screen.model.today == today["value"])
        await pilot.pause(0.3)
        assert app.main_screen.tree.reveal_task(task), "a task that turned red must show"
        await wait_for(pilot, lambda: cursor_key(pilot) == task_id)
        assert "■" in task_labels(pilot)[task_id]


# ---------------------------------------------------------------------------------- keys & palette


async def test_remapped_key_toggles(demo_path: Path, demo_store: Store) -> None:
    # "t" is free; "x" (export's key) would be reported and not moved (test_tui_first_time.py)
    app = demo_app(demo_path, keys={"toggle_done": "t"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN)
        await pilot.press("t")
        await wait_for(pilot, lambda: status_in_db(demo_store, NOT_STARTED_GREEN) == Status.DONE)
        await pilot.press("t")
        await wait_for(
            pilot, lambda: status_in_db(demo_store, NOT_STARTED_GREEN) == Status.NOT_STARTED
        )


async def test_command_palette_opens_the_follow_up_view(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"KOMBIT")
        palette = app.screen
        await wait_for(
            pilot,
            lambda: (
                palette.query_one("CommandList").option_count > 0
                and palette.query_one("CommandList").highlighted is not None
            ),
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


# ---------------------------------------------------------------------------------- errors & exit


async def test_an_error_is_shown_and_the_app_stays_alive(
    demo_path: Path, demo_store: Store
) -> None:
    local = demo_store.add_local_task("KSD", 2, "Forsvinder snart").id
    app = demo_app(demo_path, poll_seconds=60)  # no poll: the app still has the task
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, local)
        demo_store.delete_local_task(local)  # deleted underneath the app
        await pilot.press("space")
        await wait_for(
            pilot, lambda: any(f"ukendt opgave: '{local}'" in n for n in notifications(pilot))
        )
        assert any(n.startswith("Ikke gemt") for n in notifications(pilot))
        assert app.is_running and isinstance(app.screen, MainScreen)
        # And the next change works.
        await goto_task(pilot, NOT_STARTED_GREEN)
        await pilot.press("space")
        await wait_for(pilot, lambda: status_in_db(demo_store, NOT_STARTED_GREEN) == Status.DONE)


async def test_question_mark_opens_help(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        descriptions = {d: k for k, d in app.screen.keys}
        for description in ("Fuldført", "Status", "Ret", "Fortryd", "Søg", "Filter", "KOMBIT"):
            assert description in descriptions, description
        assert descriptions["KOMBIT"] == "K"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_help_shows_remapped_keys(demo_path: Path) -> None:
    app = demo_app(demo_path, keys={"toggle_done": "t"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert ("t", "Fuldført") in app.screen.keys


async def test_q_quits(demo_path: Path) -> None:
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_first_run_creates_the_database(tmp_path: Path) -> None:
    path = tmp_path / "ny.db"
    app = create_app(str(path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        from kigo_tui.screens.first_run import FirstRunScreen

        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        await pilot.press(*"Aarhus")
        await wait_for(pilot, lambda: app.screen.query_one("#kommuner").option_count == 1)
        app.screen.query_one("#golive-SAPA", Input).value = "2027-03-01"
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert app.main_screen.model.kommune_name == "Aarhus"
    store = Store.open(str(path))
    try:
        snapshot = store.snapshot()
    finally:
        store.close()
    assert snapshot.kommune_code == "751"
    golives = {p.code: p.golive for p in snapshot.projects}
    assert golives["SAPA"] == date(2027, 3, 1) and golives["STS"] is None


async def test_first_run_ctrl_d_makes_demo_data(tmp_path: Path) -> None:
    """ctrl+d works with the focus in the search field (an Input binds ctrl+d itself)."""
    from kigo_tui.screens.first_run import FirstRunScreen

    path = tmp_path / "ny.db"
    app = create_app(str(path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        chosen = app.screen._chosen() or "461"  # the highlighted kommune, else Odense
        await pilot.press("ctrl+d")
        await wait_loaded(pilot)
        model = app.main_screen.model
        assert model.kommune_code == chosen
        assert all(model.total.by_colour[c] > 0 for c in Colour), "demo data has every colour"


async def test_a_branch_opened_after_an_own_change_does_not_reload_everything(
    demo_path: Path, demo_store: Store
) -> None:
    """Our own write moves the revision on; the next branch read must not take that for a change
    by someone else (that would read the overview and every open branch again)."""
    app = demo_app(demo_path, poll_seconds=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, NOT_STARTED_GREEN)
        await pilot.press("space")
        await wait_for(pilot, lambda: status_in_db(demo_store, NOT_STARTED_GREEN) == Status.DONE)
        await wait_for(
            pilot, lambda: app.main_screen.model.tasks[NOT_STARTED_GREEN].status == Status.DONE
        )
        model = app.main_screen.model
        await goto_task(pilot, CHECKLIST_TASK)  # another hovedopgave: its branch is read now
        assert app.main_screen.model is model
        assert model.is_loaded(("SAPA", 1)) and model.is_loaded(("SAPA", 10))


async def test_a_reload_while_a_task_is_revealed_still_lands_on_the_task(demo_path: Path) -> None:
    """A change by someone else (a reload) arriving between 'show me this task' and its branch
    being read must not send the cursor back to where it was."""
    app = demo_app(demo_path, poll_seconds=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.main_screen
        assert cursor_key(pilot) is None  # on the kommune
        screen.reveal_task(CHECKLIST_TASK)  # its branch is not read yet
        screen.load()  # as a notification or the poll would
        await wait_for(pilot, lambda: cursor_key(pilot) == CHECKLIST_TASK)
        await pilot.pause(0.3)
        assert cursor_key(pilot) == CHECKLIST_TASK
