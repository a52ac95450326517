"""Snapshots of the KMD Sag exit workspace (`w` under SAPA) and its dialogs: the area form,
the pattern wizard (R2), the filter, the summary and the rules."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from kigo_tui.app import create_app
from tests.support.fixed import FIXED_TODAY
from tests.support.snapshots import WIDE, settle, snapshot_database, take
from tests.support.tui import goto_task, wait_loaded


async def _open_workspace(pilot: Pilot) -> None:
    await wait_loaded(pilot)
    await goto_task(pilot, "SAPA-01-01", detail=False)
    await pilot.press("w")
    await settle(pilot, "ExitWorkspaceScreen")


def _app(demo_path: Path):
    return create_app(str(snapshot_database(demo_path)), today=FIXED_TODAY)


def test_exit_workspace(snap_compare, demo_path: Path) -> None:
    """The sheet by priority; the area with pattern C and no scenario is flagged ⚠."""
    assert take(snap_compare, _app(demo_path), _open_workspace, size=WIDE)


def test_exit_workspace_empty(snap_compare, demo_path: Path) -> None:
    """No case areas yet: the hint says how to start."""
    app = create_app(str(demo_path), today=FIXED_TODAY)
    assert take(snap_compare, app, _open_workspace, size=WIDE)


def test_exit_area_form(snap_compare, demo_path: Path) -> None:
    """`e` on the first area: the form with its fields, in the sections of the seed's question
    guide. (Enter opens it too: test_tui_exit_workspace.py.)"""

    async def run_before(pilot: Pilot) -> None:
        await _open_workspace(pilot)
        await pilot.press("e")
        await settle(pilot, "AreaFormScreen")

    assert take(snap_compare, _app(demo_path), run_before, size=WIDE)


def test_exit_pattern_wizard(snap_compare, demo_path: Path) -> None:
    """`w` on an area: the decision tree's first question."""

    async def run_before(pilot: Pilot) -> None:
        await _open_workspace(pilot)
        await pilot.press("w")
        await settle(pilot, "PatternWizardScreen")

    assert take(snap_compare, _app(demo_path), run_before, size=WIDE)


def test_exit_filter(snap_compare, demo_path: Path) -> None:
    """`f`: filter by field area, pattern, scenario, business-critical."""

    async def run_before(pilot: Pilot) -> None:
        await _open_workspace(pilot)
        await pilot.press("f")
        await settle(pilot, "AreaFilterScreen")

    assert take(snap_compare, _app(demo_path), run_before, size=WIDE)


def test_exit_summary(snap_compare, demo_path: Path) -> None:
    """`z`: case areas per scenario and pattern, and what to procure."""

    async def run_before(pilot: Pilot) -> None:
        await _open_workspace(pilot)
        await pilot.press("z")
        await settle(pilot, "SummaryScreen")

    assert take(snap_compare, _app(demo_path), run_before, size=WIDE)


def test_exit_rules(snap_compare, demo_path: Path) -> None:
    """`?`: how the computed fields are computed, and the keys."""

    async def run_before(pilot: Pilot) -> None:
        await _open_workspace(pilot)
        await pilot.press("question_mark")
        await settle(pilot, "SummaryScreen")

    assert take(snap_compare, _app(demo_path), run_before, size=WIDE)
