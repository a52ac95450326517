"""Snapshot of the calendar dialog (`c`): which deadlines go into the .ics file, and where."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import SIZE, settle, take
from tests.support.tui import goto_task, wait_loaded

EXPORT_DIR = Path("/home/kigo/eksport")
"""Shown in the file field (nothing is written): a fixed folder, not the test's tmp_path."""


def test_calendar_dialog(snap_compare, demo_path: Path) -> None:
    """`c` under SAPA: SAPA chosen, the file named after the kommune and the project."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-10-04")
        await pilot.press("c")
        await settle(pilot, "CalendarScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    app.export_dir = EXPORT_DIR
    assert take(snap_compare, app, run_before, size=SIZE)


def test_calendar_dialog_all_projects(snap_compare, demo_path: Path) -> None:
    """`c` on the kommune: every project."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("c")
        await settle(pilot, "CalendarScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    app.export_dir = EXPORT_DIR
    assert take(snap_compare, app, run_before, size=SIZE)
