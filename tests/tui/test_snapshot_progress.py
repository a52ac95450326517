"""Snapshots of the progress screen (`p`): the burn-down against the plan, red/yellow per week
and the weekly figures. The history of the snapshot database lies in the weeks before
FIXED_TODAY, so the chart has a past."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import WIDE, open_from_main, settle, snapshot_database, take
from tests.support.tui import goto_task, wait_loaded


def test_progress_kommune(snap_compare, demo_path: Path) -> None:
    """`p` on the kommune: the whole kommune."""

    async def run_before(pilot: Pilot) -> None:
        await open_from_main(pilot, "p", screen="ProgressScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)


def test_progress_project(snap_compare, demo_path: Path) -> None:
    """`p` on a SAPA task: SAPA's chart and figures, the cursor on the current week."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-10-04", detail=False)
        await pilot.press("p")
        await settle(pilot, "ProgressScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)
