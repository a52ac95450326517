"""Snapshot of the organisation screen (`o`): KOMBIT's recommendations as readiness checks."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import SIZE, open_from_main, organise, take


def test_organisation(snap_compare, demo_path: Path) -> None:
    """Roles given to Anne Jensen and Bo Berg; the checks that are met and those that are not."""

    async def run_before(pilot: Pilot) -> None:
        await open_from_main(pilot, "o", screen="OrganisationScreen")

    organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)


def test_organisation_empty(snap_compare, demo_path: Path) -> None:
    """No roles given yet: every check is open and the screen says so."""

    async def run_before(pilot: Pilot) -> None:
        await open_from_main(pilot, "o", screen="OrganisationScreen")

    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, run_before, size=SIZE)
