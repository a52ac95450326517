"""Pilot tests for the organisation in the TUI: warnings, mine opgaver, organisation screen,
responsibility in the edit dialog, KOMBIT's contact in the follow-up view."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Select, Static

from kigo_tui.app import create_app
from kigo_tui.config import Settings
from kigo_tui.screens.dialogs import EditTaskScreen, TaskListScreen
from kigo_tui.screens.organisation import OrganisationScreen
from kigo_tui.storage.organisation import (
    add_person,
    assign_role,
    read_organisation,
    set_responsibility,
)
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, wait_for, wait_loaded

SIZE = (80, 24)


def _organise(path: Path) -> tuple[int, int]:
    store = Store.open(str(path))
    anne = add_person(store, "Anne Jensen", email="anne@kommune.dk")
    bo = add_person(store, "Bo Berg", email="bo@kommune.dk")
    assign_role(store, anne.id, "programme_lead")
    assign_role(store, bo.id, "project_lead", "SAPA")
    set_responsibility(store, "SAPA-07-02", accountable=anne.id, doer=bo.id)
    set_responsibility(store, "KY-14-02", doer=bo.id)
    store.close()
    return anne.id, bo.id


async def test_project_warning_and_contact(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        tree = app.main_screen.tree
        labels = {code: str(node.label) for code, node in tree._projects.items()}
        assert "⚠" in labels["KY"] and "⚠" in labels["KSD"]
        assert "⚠" not in labels["SAPA"]
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        summary = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "SAPA" in summary and "Bo Berg (Projektleder (SAPA))" in summary
        assert "Anne Jensen (Projektkoordinator/programleder)" in summary


async def test_mine_opgaver_lists_my_tasks_and_jumps(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), settings=Settings(me="bo@kommune.dk"), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        table = app.screen.query_one(DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert sorted(keys) == ["KY-14-02", "SAPA-07-02"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.tree.cursor_node.data.key == keys[0])


async def test_mine_without_identity_says_how(demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: any("'me'" in str(n.message) for n in app._notifications))
        assert not isinstance(app.screen, TaskListScreen)


async def test_organisation_screen_shows_checks(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationScreen))
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "● grøn Projektkoordinator/programleder: Anne Jensen" in text
        assert "■ rød Projektleder for KY" in text
        assert "● grøn Projektleder for SAPA: Bo Berg" in text


async def test_edit_dialog_sets_responsibility(demo_path: Path) -> None:
    anne, bo = _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await goto_task(pilot, "SAPA-01-01")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        app.screen.query_one("#accountable", Select).value = bo
        app.screen.query_one("#doer", Select).value = anne
        await pilot.press("ctrl+s")
        store = Store.open(str(demo_path))

        def saved() -> bool:
            return read_organisation(store).responsibility.get("SAPA-01-01") == (bo, anne)

        await wait_for(pilot, saved)
        history = store.detail("SAPA-01-01").history
        assert {(h.field, h.new) for h in history} >= {
            ("ansvarlig", "Bo Berg"),
            ("udfører", "Anne Jensen"),
        }
        store.close()
