"""Snapshots of the defect log (`F`): ages and SLA against the end of FIXED_TODAY, the form for
a new and an existing defect, and the rules (`?`)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import WIDE, open_from_main, settle, snapshot_database, take
from tests.support.tui import goto_task, wait_loaded


async def _open_log(pilot: Pilot) -> None:
    await open_from_main(pilot, "F", screen="DefectLogScreen")


def test_defect_log(snap_compare, demo_path: Path) -> None:
    """`F` on the kommune: every project's defects, one with a breached SLA, the figures."""
    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, _open_log, size=WIDE)


def test_defect_log_project(snap_compare, demo_path: Path) -> None:
    """`F` under STS: STS's defects only."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await goto_task(pilot, "STS-10-01", detail=False)
        await pilot.press("F")
        await settle(pilot, "DefectLogScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)


def test_defect_log_empty(snap_compare, demo_path: Path) -> None:
    """No defects yet: the log says how to register one."""
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, _open_log, size=WIDE)


def test_defect_form_new(snap_compare, demo_path: Path) -> None:
    """`a` in the log: the form for a new defect."""

    async def run_before(pilot: Pilot) -> None:
        await _open_log(pilot)
        await pilot.press("a")
        await settle(pilot, "DefectFormScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)


def test_defect_form_edit(snap_compare, demo_path: Path) -> None:
    """Enter on a defect: the form with its moments in Danish time."""

    async def run_before(pilot: Pilot) -> None:
        await _open_log(pilot)
        await pilot.press("enter")
        await settle(pilot, "DefectFormScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)


def test_defect_rules(snap_compare, demo_path: Path) -> None:
    """`?` in the log: the SLA targets per severity and the keys."""

    async def run_before(pilot: Pilot) -> None:
        await _open_log(pilot)
        await pilot.press("question_mark")
        await settle(pilot, "SummaryScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=WIDE)
