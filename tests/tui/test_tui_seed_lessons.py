"""Pilot tests of seeds 000 and 003 in the TUI: KOMBIT's view (`K`) separates what KOMBIT sees
from what it follows up on; a go-live task is not made done past a critical defect's SLA without
a "ja"; the defect log says its SLA targets are examples and which day it is measured on, and a
new defect from "alle projekter" asks for its project."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from kigo_tui.app import create_app
from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import Severity
from kigo_tui.domain.defects import DefectInput, DefectRow
from kigo_tui.domain.rules import Status
from kigo_tui.screens.defects import DefectLogScreen
from kigo_tui.screens.dialogs import ConfirmScreen, TaskListScreen
from kigo_tui.screens.dialogs.defects import DefectFormScreen
from kigo_tui.screens.lists import FOLLOWS_UP, IN_REPORT
from kigo_tui.screens.main import MainScreen
from kigo_tui.storage.defects import add_defect, list_defects
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, notifications, wait_for, wait_loaded

SIZE = (100, 30)
GO_LIVE_TASK = "SAPA-10-03"  # hovedopgave 10 Go-live, not started
OTHER_TASK = "SAPA-08-05"  # hovedopgave 8, in progress


def cph(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=COPENHAGEN)


def add_critical(path: Path, project: str = "SAPA") -> None:
    store = Store.open(str(path))
    try:
        add_defect(
            store,
            DefectInput(project, "Overblikket viser ingen sager", Severity.CRITICAL, cph(20, 9)),
            cph(23, 12),
        )
    finally:
        store.close()


def status_of(path: Path, task_id: str) -> Status:
    store = Store.open(str(path))
    try:
        return store.task(task_id).status
    finally:
        store.close()


async def test_go_live_task_asks_before_done_past_a_critical_defects_sla(
    demo_path: Path,
) -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA' … Hvis den ikke er det, så er opgaven ikke løst."
    add_critical(demo_path)  # reported 20-11 09:00, 24 h to fix, open at the end of 23-11
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, OTHER_TASK)
        await pilot.press("space")  # not a go-live task: no question
        await wait_for(pilot, lambda: status_of(demo_path, OTHER_TASK) == Status.DONE)
        assert isinstance(app.screen, MainScreen)

        await goto_task(pilot, GO_LIVE_TASK)
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one(Static).render())
        assert "kritisk fejl er åben ud over den aftalte SLA" in question
        assert "fejl 1 «Overblikket viser ingen sager»" in question
        assert f"Markér {GO_LIVE_TASK} fuldført alligevel?" in question
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(0.1)
        assert status_of(demo_path, GO_LIVE_TASK) == Status.NOT_STARTED
        assert any("ikke markeret fuldført" in n for n in notifications(pilot))

        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: status_of(demo_path, GO_LIVE_TASK) == Status.DONE)


async def test_a_defect_against_another_project_asks_nothing(demo_path: Path) -> None:
    # Seed 003: "Hvis den ikke er det, så er opgaven ikke løst." — about that project's delivery
    add_critical(demo_path, project="KY")
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, GO_LIVE_TASK)
        await pilot.press("space")
        await wait_for(pilot, lambda: status_of(demo_path, GO_LIVE_TASK) == Status.DONE)
        assert isinstance(app.screen, MainScreen)


async def test_defect_log_header_examples_and_a_new_defect_asks_for_its_project(
    demo_path: Path,
) -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA', dvs det aftalte serviceniveau."
    add_critical(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.push_screen(DefectLogScreen(None))
        await wait_for(pilot, lambda: isinstance(app.screen, DefectLogScreen))
        log = app.screen
        await wait_for(pilot, lambda: log.query(DataTable) and log.query_one(DataTable).row_count)
        header = str(log.query_one("#defect-header", Static).render())
        assert "ved udgangen af 23-11-2026" in header and "24-11-2026" not in header
        assert "SLA-målene er eksempler – erstat dem med jeres kontrakts SLA" in header
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, DefectFormScreen))
        form = app.screen
        assert form.query_one("#project", Select).is_blank()  # no project chosen for the user
        form.query_one("#title", Input).value = "Login fejler"
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)
        assert "felt 'projekt': vælg det projekt" in str(form.query_one("#error").render())
        form.query_one("#project", Select).value = "STS"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(_defects(demo_path)) == 2)
        assert _defects(demo_path)[-1].project == "STS"


def _defects(path: Path) -> list[DefectRow]:
    store = Store.open(str(path))
    try:
        return list_defects(store)
    finally:
        store.close()


async def test_kombit_view_marks_what_kombit_follows_up(demo_path: Path) -> None:
    # Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske opgaver
    # med status gul og rød." and "der eksisterer ikke en mekanisk eller automatisk
    # eskalationsprocedure."
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        screen = app.screen
        table = screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert "KOMBIT" in labels
        column = labels.index("KOMBIT")
        marks = [table.get_row_at(i)[column] for i in range(table.row_count)]
        assert set(marks) <= {FOLLOWS_UP, IN_REPORT} and FOLLOWS_UP in marks
        # the ones KOMBIT follows up on come first
        assert marks == sorted(marks, key=lambda m: m != FOLLOWS_UP)
        summary = " ".join(str(w.render()) for w in screen.query(Static))
        assert "helhedsvurdering" in summary and "uden mekanisk eskalation" in summary
        assert "i KOMBITs rapport (" in summary and "KOMBIT følger op på" in summary
