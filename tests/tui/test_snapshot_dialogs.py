"""Snapshots of the main screen's dialogs: edit, add, filter, confirm, conflict.

Update a new baseline with `pytest tests/tui/test_snapshot_dialogs.py --snapshot-update` (only
after looking at it).
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from kigo_tui.config import Settings
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import SIZE, kigo, settle, snapshot_database, take
from tests.support.tui import goto_task, wait_loaded

UNCHANGED_TASK = "SAPA-10-04"  # not started in the demo data: no history, a checklist-free task


def test_edit_dialog(snap_compare, demo_path: Path) -> None:
    """`e` on a task: dates, category, warning and responsibility."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, UNCHANGED_TASK)
        await pilot.press("e")
        await settle(pilot, "EditTaskScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_add_dialog(snap_compare, demo_path: Path) -> None:
    """`a` on a hovedopgave: a new local task under it."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("down", "right", "down")  # STS, open, its first hovedopgave
        await pilot.press("a")
        await settle(pilot, "AddTaskScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_filter_dialog(snap_compare, demo_path: Path) -> None:
    """`f`: the filter's choices, none of them set."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("f")
        await settle(pilot, "FilterScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_confirm_delete_dialog(snap_compare, demo_path: Path) -> None:
    """`d` on the kommune's own task: the question before it is deleted."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, "STS-10-L1")
        await pilot.press("d")
        await settle(pilot, "ConfirmScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_conflict_dialog(snap_compare, demo_path: Path) -> None:
    """A colleague started the task while it was shown; `space` marks it done: the choice."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, UNCHANGED_TASK)
        kigo(db, "set", UNCHANGED_TASK, "--status", "in_progress")  # the colleague
        await pilot.press("space")
        await settle(pilot, "ConflictScreen")

    db = snapshot_database(demo_path)
    app = create_app(str(db), settings=Settings(poll_seconds=600), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)
