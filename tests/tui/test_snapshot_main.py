"""Snapshots of the main screen (tree and detail), its filter and search, help, the first run.

Deterministic by construction: the demo database is made for FIXED_TODAY and the app is started
with that date; no snapshot shows a task's history (its timestamps are wall-clock in the plain
demo database), so the cursor stays on the kommune, a project or a task that was never changed.

Update a baseline with `pytest tests/tui/test_snapshot_main.py --snapshot-update` (only after
looking at the difference in snapshot_report.html).
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import SIZE, screen_name, settle, steady_cursors, take
from tests.support.tui import wait_for, wait_loaded


def test_main_screen(snap_compare, demo_path: Path) -> None:
    """The tree with STS open and the project's detail."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("down", "right")
        await settle(pilot, "MainScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_filtered_view(snap_compare, demo_path: Path) -> None:
    """Only yellow and red tasks: STS and one of its hovedopgaver open."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("f")
        await settle(pilot, "FilterScreen")
        await pilot.press("space", "ctrl+s")
        await settle(pilot, "MainScreen")
        await pilot.press("down", "right", "right", "right")
        await settle(pilot, "MainScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_first_run_screen(snap_compare, tmp_path: Path) -> None:
    """No database yet: choose the kommune and the go-live dates, or take the demo data."""

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: screen_name(pilot) == "FirstRunScreen")
        await pilot.pause()
        steady_cursors(pilot)

    app = create_app(str(tmp_path / "ny.db"), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_help(snap_compare, demo_path: Path) -> None:
    """`?`: the keys of the main screen."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await settle(pilot, "HelpScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_search_field(snap_compare, demo_path: Path) -> None:
    """`/` and a word typed: the search field at the bottom (Enter would jump to the first match)."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("slash", *"hyper")
        await settle(pilot, "MainScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)
