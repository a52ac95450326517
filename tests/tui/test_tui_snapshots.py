"""Snapshot tests of the TUI at 80×24 (SVG baselines under tests/__snapshots__).

Deterministic by construction: the demo database is made for FIXED_TODAY and the app is started
with that date; no snapshot shows a task's history (its timestamps are wall-clock), so the
cursor stays on the kommune, a project or a task that was never changed.

Update the baselines with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from kigo_tui.screens.dialogs import FilterScreen
from kigo_tui.screens.first_run import FirstRunScreen
from kigo_tui.screens.main import MainScreen
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, wait_for, wait_loaded

SIZE = (80, 24)
UNCHANGED_TASK = "SAPA-10-04"  # not started in the demo data: no history, a checklist-free task


def test_main_screen(snap_compare, demo_path: Path) -> None:
    """The tree with STS open and the project's detail."""
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert snap_compare(app, terminal_size=SIZE, press=["down", "right"], run_before=wait_loaded)


def test_filtered_view(snap_compare, demo_path: Path) -> None:
    """Only yellow and red tasks: STS and one of its hovedopgaver open."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen))
        await pilot.press("space", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert snap_compare(
        app,
        terminal_size=SIZE,
        press=["down", "right", "right", "right"],
        run_before=run_before,
    )


def test_follow_up_view(snap_compare, demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert snap_compare(app, terminal_size=SIZE, press=["K"], run_before=wait_loaded)


def test_edit_dialog(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, UNCHANGED_TASK)

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert snap_compare(app, terminal_size=SIZE, press=["e"], run_before=run_before)


def test_first_run_screen(snap_compare, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FirstRunScreen))
        await pilot.pause()

    app = create_app(str(tmp_path / "ny.db"), today=FIXED_TODAY)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"], run_before=wait_loaded)
