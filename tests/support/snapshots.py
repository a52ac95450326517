"""What the snapshot tests share: the terminal size, a database with something on every screen,
and a way to wait until a screen has settled before its picture is taken.

The screens are reached the way a user reaches them (keys through the Pilot) and recognised by
their class name, so the tests do not depend on the module a screen lives in. The database is
filled the way a user fills it (the `kigo` command), then its history is moved to fixed moments
before FIXED_TODAY: nothing on a snapshot depends on the wall clock.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.support.fixed import FIXED_TODAY
from tests.support.tui import wait_for, wait_loaded

SIZE = (80, 24)
"""The terminal every snapshot is taken in unless a screen needs more room."""
WIDE = (100, 32)
"""For the screens with wide tables (defect log, exit workspace, progress)."""

CREATED = datetime(2026, 11, 2, 8, 0)
"""When the snapshot database was made (UTC, as the history stores it)."""


def kigo(db: Path, *argv: str) -> None:
    """Run a `kigo` command on `db`, as a user at the terminal would; it must succeed."""
    from kigo_tui.__main__ import main

    code = main(["--db", str(db), *argv])
    assert code == 0, f"kigo {' '.join(argv)} exited with {code}"


def organise(db: Path) -> None:
    """Two people, their roles, and the tasks they answer for (KY has no project lead)."""
    kigo(db, "people", "add", "Anne Jensen", "--email", "anne@kommune.dk", "--title", "Chef")
    kigo(db, "people", "add", "Bo Berg", "--email", "bo@kommune.dk", "--unit", "Borgerservice")
    kigo(db, "role", "assign", "anne@kommune.dk", "programme_lead")
    kigo(db, "role", "assign", "bo@kommune.dk", "project_lead", "--project", "SAPA")
    kigo(
        db,
        "responsible",
        "SAPA-07-02",
        "--accountable",
        "anne@kommune.dk",
        "--doer",
        "bo@kommune.dk",
    )
    kigo(db, "responsible", "KY-14-02", "--doer", "bo@kommune.dk")
    kigo(db, "responsible", "STS-10-01", "--accountable", "bo@kommune.dk")


def add_defects(db: Path) -> None:
    """Defects in every status and severity, reported before FIXED_TODAY (Copenhagen time)."""
    kigo(
        db,
        "defect",
        "add",
        "--project",
        "KY",
        "--title",
        "Udbetaling fejler",
        "--severity",
        "critical",
        "--reported",
        "2026-11-20 09:00",
        "--ref",
        "KMD-4711",
    )
    kigo(
        db,
        "defect",
        "add",
        "--project",
        "SAPA",
        "--title",
        "Layout i sagsoverblik",
        "--severity",
        "cosmetic",
        "--reported",
        "2026-11-23 08:00",
    )
    kigo(
        db,
        "defect",
        "add",
        "--project",
        "STS",
        "--title",
        "Adresseopslag langsomt",
        "--severity",
        "major",
        "--reported",
        "2026-11-16 13:30",
    )
    kigo(db, "defect", "set", "3", "--status", "acknowledged", "--at", "2026-11-16 15:00")
    kigo(
        db,
        "defect",
        "add",
        "--project",
        "STS",
        "--title",
        "Forkert skabelon i brev",
        "--severity",
        "minor",
        "--reported",
        "2026-11-09 10:00",
    )
    kigo(db, "defect", "set", "4", "--status", "fixed", "--at", "2026-11-12 11:00")


def add_exit_areas(db: Path) -> None:
    """Three case areas of the KMD Sag exit sheet; one with pattern D and no scenario (⚠)."""
    kigo(
        db,
        "exit",
        "add",
        "--field-area",
        "Jobcenter",
        "--case-area",
        "Kontanthjælp",
        "--kle",
        "15.00",
        "--caseworkers",
        "40",
        "--pattern",
        "D",
        "--scenario",
        "4",
    )
    kigo(
        db,
        "exit",
        "add",
        "--field-area",
        "Børn og unge",
        "--case-area",
        "Underretninger",
        "--kle",
        "27.24",
        "--caseworkers",
        "12",
        "--critical",
        "--pattern",
        "C",
    )
    kigo(
        db,
        "exit",
        "add",
        "--field-area",
        "Borgerservice",
        "--case-area",
        "Pas og kørekort",
        "--kle",
        "13.02",
        "--caseworkers",
        "6",
        "--pattern",
        "A",
        "--scenario",
        "1",
    )


def add_local_task(db: Path) -> None:
    """The kommune's own task under STS 10 (only a local task can be deleted)."""
    kigo(
        db,
        "add",
        "STS",
        "10",
        "Test af snitflader lokalt",
        "--start",
        "2026-11-16",
        "--due",
        "2026-12-04",
        "--category",
        "optional",
    )


def pin_history(db: Path) -> None:
    """Move every change in the history, when each defect was registered and the day the
    database was made to fixed moments before FIXED_TODAY (the progress chart reads them)."""
    first = CREATED + timedelta(hours=1)
    days = (FIXED_TODAY - first.date()).days
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM history ORDER BY id")]
        for n, history_id in enumerate(ids):
            at = first + timedelta(days=n * 7 % days, minutes=n)
            conn.execute(
                "UPDATE history SET at = ? WHERE id = ?",
                (at.strftime("%Y-%m-%d %H:%M:%S.%f"), history_id),
            )
        conn.execute("UPDATE defect SET created_at = reported_at")
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'created_at'",
            (CREATED.strftime("%Y-%m-%dT%H:%M:%S+00:00"),),
        )
    conn.close()


_snapshot_template: Path | None = None
"""The snapshot database once this test process has made it (the `kigo` commands take about a
second of CPU time; every snapshot test copies the result instead)."""


def snapshot_database(demo: Path) -> Path:
    """The demo database (FIXED_TODAY) with an organisation, defects, case areas and a local
    task, its history pinned before FIXED_TODAY: written over `demo`, which must be a fresh demo
    database (the `demo_path` fixture)."""
    global _snapshot_template
    if _snapshot_template is None:
        folder = Path(tempfile.mkdtemp(prefix="kigo-snapshot-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "snapshot.db"
        shutil.copyfile(demo, template)
        organise(template)
        add_defects(template)
        add_exit_areas(template)
        add_local_task(template)
        pin_history(template)
        _snapshot_template = template
    shutil.copyfile(_snapshot_template, demo)
    return demo


def screen_name(pilot: Pilot) -> str:
    return type(pilot.app.screen).__name__


def steady_cursors(pilot: Pilot) -> None:
    """Stop the text cursors blinking (they stay shown): the picture does not depend on when,
    in the blink, it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def settle(pilot: Pilot, screen: str) -> None:
    """Wait until `screen` (a class name) is on top and mounted, every worker has finished and
    what they read is shown (no "indlæser" left, the tables measured), twice in a row; then
    stop the cursors blinking. Once is not enough: a screen starts its worker when mounted."""
    await wait_for(pilot, lambda: screen_name(pilot) == screen, what=f"the screen {screen}")
    for _ in range(2):
        await wait_for(pilot, lambda: settled(pilot), what=f"the screen {screen} to settle")
        await pilot.pause(0.05)
    await wait_for(pilot, lambda: settled(pilot), what=f"the screen {screen} to settle")
    steady_cursors(pilot)
    await pilot.pause()


def settled(pilot: Pilot) -> bool:
    app = pilot.app
    return (
        app.screen.is_mounted
        and all(worker.is_finished for worker in app.workers)
        and not any("indlæser" in str(s.render()).casefold() for s in app.screen.query(Static))
        and tables_measured(pilot)
    )


def tables_measured(pilot: Pilot) -> bool:
    """Every table on the screen has measured its rows: a DataTable sizes its columns to the
    cells only when it is next idle, and a picture taken before shows them cut to the headers.
    (Textual keeps no public flag for this; the private ones are those of the pinned release.)"""
    return not any(
        table._require_update_dimensions or table._updated_cells or table._new_rows
        for table in pilot.app.screen.query(DataTable)
    )


async def open_from_main(pilot: Pilot, *keys: str, screen: str) -> None:
    """On the loaded main screen, press `keys` and wait for `screen` to settle."""
    await wait_loaded(pilot)
    await wait_for(pilot, lambda: pilot.app.main_screen.org is not None)  # type: ignore[attr-defined]
    await pilot.press(*keys)
    await settle(pilot, screen)


def take(
    snap_compare: Callable[..., bool],
    app: App[Any],
    run_before: Callable[[Pilot], Awaitable[None]],
    *,
    size: tuple[int, int] = SIZE,
    press: Iterable[str] = (),
) -> bool:
    """`snap_compare` for `app` after `run_before` (then `press`); whether it matches.

    A failure in `run_before` (a screen that never came) fails the test with its message:
    raised inside the snapshot's app, it would leave the app running and the test hanging.
    """
    failures: list[BaseException] = []

    async def guarded(pilot: Pilot) -> None:
        try:
            await run_before(pilot)
        except BaseException as exc:  # re-raised below, outside the app
            failures.append(exc)

    matches = snap_compare(app, terminal_size=size, press=list(press), run_before=guarded)
    if failures:
        raise failures[0]
    return matches
