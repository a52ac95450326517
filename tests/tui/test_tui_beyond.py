"""Pilot tests for the progress chart (p), the defect log (F) and the calendar file (c)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
from rich.style import Style
from rich.text import Text
from sqlalchemy import text
from textual.color import Color
from textual.widgets import DataTable, Input, Static

from kigo_tui.app import create_app
from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.rules import Status
from kigo_tui.screens.calendar import CalendarScreen
from kigo_tui.screens.defects import DefectFormScreen, DefectLogScreen
from kigo_tui.screens.dialogs import ConfirmScreen, HelpScreen
from kigo_tui.screens.progress import ProgressScreen
from kigo_tui.storage.defects import add_defect, list_defects
from kigo_tui.storage.store import Store
from kigo_tui.widgets.progress_chart import ProgressChart
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, notifications, wait_for, wait_loaded

SIZE = (100, 32)


def cph(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=COPENHAGEN).astimezone(UTC)


def _done_in_the_past(path: Path, done: dict[str, datetime]) -> None:
    """Mark tasks done and move their history rows to the given moments (before FIXED_TODAY)."""
    store = Store.open(str(path))
    for task_id in done:
        store.set_status(task_id, Status.DONE)
    with store.engine.begin() as conn:
        for task_id, moment in done.items():
            conn.execute(
                text("UPDATE history SET at = :at WHERE task_id = :t"),
                {"at": moment.replace(tzinfo=None), "t": task_id},
            )
        conn.execute(
            text("UPDATE meta SET value = :v WHERE key = 'created_at'"),
            {"v": cph(2, 9).isoformat()},
        )
    store.close()


def _row(table: DataTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


async def test_progress_chart_from_the_project_node(db_path: Path) -> None:
    _done_in_the_past(db_path, {"SAPA-01-01": cph(10, 10), "SAPA-02-01": cph(18, 14)})
    store = Store.open(str(db_path))
    sapa_tasks = sum(1 for t in store.snapshot().tasks if t.project == "SAPA")
    store.close()
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-07-02", detail=False)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        screen = app.screen
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, what="the weekly figures")
        assert screen.scope == "SAPA"
        assert _row(table, "2026-U45")[2:5] == [str(sapa_tasks), "0", str(sapa_tasks)]
        assert _row(table, "2026-U46")[3] == "1"  # SAPA-01-01 done on 10/11
        assert _row(table, "2026-U47")[3] == "2"  # SAPA-02-01 done on 18/11
        current = _row(table, "2026-U48")
        assert current[1] == "23-11-2026" and current[3] == "2"
        assert table.get_row_at(table.cursor_row)[0] == "uge 48/2026"
        header = str(screen.query_one("#progress-header", Static).render())
        assert "Fremdrift – SAPA" in header and f"2 af {sapa_tasks} fuldført" in header
        chart = str(screen.query_one(ProgressChart).render())
        assert "Tilbage:" in chart and "▲" in chart and "Røde og gule" in chart
        await pilot.press("p")
        assert screen.scope == "KY"
        assert "Fremdrift – KY" in str(screen.query_one("#progress-header", Static).render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)


async def test_progress_from_the_kommune_is_the_whole_kommune(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await wait_for(pilot, lambda: app.screen.series != {})
        assert "hele kommunen" in str(app.screen.query_one("#progress-header", Static).render())


def _seed_defects(path: Path) -> None:
    store = Store.open(str(path))
    now = cph(23, 12)
    add_defect(store, DefectInput("KY", "Udbetaling fejler", Severity.CRITICAL, cph(20, 9)), now)
    add_defect(store, DefectInput("SAPA", "Layout", Severity.COSMETIC, cph(23, 8)), now)
    store.close()


def _defects(path: Path):
    store = Store.open(str(path))
    try:
        return list_defects(store)
    finally:
        store.close()


async def test_defect_log_from_a_project_add_and_move_status(db_path: Path) -> None:
    _seed_defects(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "KY-10-01", detail=False)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, DefectLogScreen))
        log = app.screen
        table = log.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, what="KY's one defect")
        row = table.get_row("1")
        resolution = row[4]
        assert isinstance(resolution, Text) and resolution.plain.startswith("■")
        # breach in the theme's red ($traffic-red), and ■ for NO_COLOR
        red = Color.parse(app.theme_variables["traffic-red"]).rich_color
        assert isinstance(resolution.style, Style) and resolution.style.color == red
        assert red.number == 1  # the terminal's red unless a theme says otherwise
        header = str(log.query_one("#defect-header", Static).render())
        assert "Fejllog – KY" in header and "1 med SLA-brud" in header
        assert "(alle tider i dansk tid)" in header
        await pilot.press("enter")  # Enter edits the defect under the cursor
        await wait_for(pilot, lambda: isinstance(app.screen, DefectFormScreen))
        assert app.screen.query_one("#title", Input).value == "Udbetaling fejler"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is log)
        await pilot.press("p")  # KY → KSD
        assert log.project == "KSD" and table.row_count == 0

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, DefectFormScreen))
        form = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)
        assert "felt 'titel': må ikke være tom" in str(form.query_one("#error").render())
        form.query_one("#title", Input).value = "Sygedagpenge beregnes forkert"
        form.query_one("#reported", Input).value = "2026-11-23 25:00"
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)
        assert "ugyldigt indberetningstidspunkt" in str(form.query_one("#error").render())
        form.query_one("#reported", Input).value = "2026-11-23 09:00"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(_defects(db_path)) == 3, what="the new defect stored")
        new = _defects(db_path)[-1]
        assert (new.project, new.severity, new.status) == (
            "KSD",
            Severity.MAJOR,
            DefectStatus.REPORTED,
        )
        assert new.reported_at == cph(23, 9)
        await wait_for(pilot, lambda: table.row_count == 1)

        await pilot.press("s")
        await wait_for(pilot, lambda: _defects(db_path)[-1].status == DefectStatus.ACKNOWLEDGED)
        await wait_for(pilot, lambda: log.defects[-1].version == 2)
        await pilot.press("s")
        await wait_for(pilot, lambda: _defects(db_path)[-1].status == DefectStatus.FIXED)
        await wait_for(pilot, lambda: log.defects[-1].version == 3)
        await pilot.press("s")  # a fixed defect: reopening asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: _defects(db_path)[-1].status == DefectStatus.ACKNOWLEDGED)
        assert _defects(db_path)[-1].fixed_at is None
        assert any("Under behandling" in n for n in notifications(pilot))


async def test_calendar_file_from_the_tui(db_path: Path, tmp_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    app.export_dir = tmp_path
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "KY-10-01", detail=False)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CalendarScreen))
        path_input = app.screen.query_one("#path", Input)
        assert path_input.value == str(tmp_path / "kigo-frister-101-KY.ics")
        path_input.value = str(tmp_path / "frister.txt")
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)
        assert ".ics" in str(app.screen.query_one("#error").render())
        path_input.value = str(tmp_path / "frister.ics")
        await pilot.press("ctrl+s")
        target = tmp_path / "frister.ics"
        await wait_for(pilot, target.exists, what="the .ics file")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
        assert events and all(str(e["UID"]).startswith("KY-") for e in events)
        first = target.read_bytes()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CalendarScreen))
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
        assert len(target.read_bytes()) == len(first)


async def test_help_lists_the_new_keys(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        body = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Fremdrift" in body and "Fejllog" in body and "Kalender" in body
