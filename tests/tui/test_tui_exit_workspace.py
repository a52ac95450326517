"""Pilot tests for the KMD Sag exit workspace screen: reach it from SAPA, add with the form,
set the pattern with the wizard, filter, sort, delete."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select

from kigo_tui.app import create_app
from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.screens.dialogs import ConfirmScreen
from kigo_tui.screens.exit_strategy import (
    AreaFilterScreen,
    AreaFormScreen,
    ExitWorkspaceScreen,
    PatternWizardScreen,
)
from kigo_tui.storage.exit_strategy import list_areas, save_area
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, wait_for, wait_loaded

SIZE = (80, 24)


def _seed(path: Path) -> None:
    store = Store.open(str(path))
    save_area(
        store,
        CaseArea(
            field_area="Jobcenter",
            case_area="Kontanthjælp",
            kle="15.00",
            caseworkers=40,
            pattern="D",
            scenario=4,
        ),
    )
    save_area(
        store,
        CaseArea(
            field_area="Børn og unge",
            case_area="Underretninger",
            kle="27.24",
            caseworkers=12,
            business_critical=True,
            pattern="C",
        ),
    )
    store.close()


def _areas(path: Path) -> list[CaseArea]:
    store = Store.open(str(path))
    try:
        return list_areas(store)
    finally:
        store.close()


async def _open_workspace(pilot) -> ExitWorkspaceScreen:
    app = pilot.app
    await wait_loaded(pilot)
    await goto_task(pilot, "SAPA-01-01", detail=False)
    await pilot.press("w")
    await wait_for(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
    screen = app.screen
    return screen


async def test_workspace_only_from_sapa(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "KY-01-01", detail=False)
        await pilot.press("w")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ExitWorkspaceScreen)


async def test_table_sorted_by_priority_and_flags(db_path: Path) -> None:
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        first = table.get_row_at(0)
        assert str(first[2]) == "Underretninger"  # business-critical first
        assert "⚠" in first[-1]  # pattern C without a scenario
        await pilot.press("s")  # sort by fagområde
        assert str(table.get_row_at(0)[1]) == "Børn og unge"
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFilterScreen))
        app.screen.query_one("#pattern", Select).value = "D"
        await pilot.click("#apply")
        await wait_for(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[2]) == "Kontanthjælp"


async def test_add_validate_and_wizard(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-01-01", detail=False)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        form = app.screen
        form.query_one("#field_area", Input).value = "Borgerservice"
        form.query_one("#case_area", Input).value = "Pas"
        form.query_one("#kle", Input).value = "2502"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, AreaFormScreen)
        assert "'KLE-nr.': skal have formen NN.NN" in str(form.query_one("#error").render())
        form.query_one("#kle", Input).value = "25.02.01"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(_areas(db_path)) == 1)
        workspace = app.screen
        await wait_for(pilot, lambda: workspace.query_one(DataTable).row_count == 1)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternWizardScreen))
        await pilot.press("j", "n", "j", "n")  # uses, not primary, has fagsystem, notes not there
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _areas(db_path)[0].pattern == "C")
        await wait_for(pilot, lambda: "⚠" in workspace.query_one(DataTable).get_row_at(0)[-1])
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: _areas(db_path) == [])


async def test_rules_help_in_the_workspace(db_path: Path) -> None:
    from textual.widgets import Static

    from kigo_tui.screens.exit_strategy import SummaryScreen

    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open_workspace(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen))
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "percentilrang" in text and "3–4 stort" in text and "Taster" in text
