"""Snapshots of the two task lists: KOMBIT's follow-up (`K`) and "mine opgaver" (`m`)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from kigo_tui.config import Settings
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import SIZE, open_from_main, settle, snapshot_database, take
from tests.support.tui import wait_loaded


def test_follow_up_view(snap_compare, demo_path: Path) -> None:
    """`K`: every task in KOMBIT's report, the ones KOMBIT follows up on first, worst first."""

    async def run_before(pilot: Pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("K")
        await settle(pilot, "TaskListScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_follow_up_with_contacts(snap_compare, demo_path: Path) -> None:
    """`K` with an organisation: whom KOMBIT contacts per project (KY has no project lead)."""

    async def run_before(pilot: Pilot) -> None:
        await open_from_main(pilot, "K", screen="TaskListScreen")

    app = create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_mine_opgaver(snap_compare, demo_path: Path) -> None:
    """`m` for Bo Berg: the tasks he is accountable for or does, worst colour first."""

    async def run_before(pilot: Pilot) -> None:
        await open_from_main(pilot, "m", screen="TaskListScreen")

    app = create_app(
        str(snapshot_database(demo_path)),
        settings=Settings(me="bo@kommune.dk"),
        today=FIXED_TODAY,
    )
    assert take(snap_compare, app, run_before, size=SIZE)
