"""The TUI says when the go-live dates contradict the projects' dependencies: a short warning in
the header, the full sentence in the kommune's and the affected projects' detail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Static

from kigo_tui.app import create_app
from kigo_tui.domain.dates import danish_date
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import wait_for, wait_loaded

STS_LATE = date(2027, 4, 1)  # after SAPA (2027-03-01), before KY (2027-09-01)
SENTENCE = (
    f"SAPA går i drift {danish_date(date(2027, 3, 1))}, men STS først {danish_date(STS_LATE)}. "
    "SAPA bygger på støttesystemerne, så STS skal være i drift før SAPA."
)


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_header_and_detail_warn_when_sts_goes_live_after_sapa(db_path: Path) -> None:
    # Seed 001: "Monopolbrudsprojekterne har en række afhængigheder." SAPA builds on the
    # støttesystemer, so STS must be live first (domain/dependencies.py).
    store = Store.open(str(db_path))
    try:
        store.set_golive("STS", STS_LATE)
    finally:
        store.close()
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        screen = app.main_screen
        header = screen.query_one("#header", Static)
        await wait_for(pilot, lambda: "⚠ STS skal i drift før SAPA" in _text(header))
        assert "KY" not in _text(header).split("⚠ STS skal i drift før")[1].split("│")[0]
        detail = screen.query_one("#detail-text", Static)
        tree = screen.tree
        tree.focus()
        for code, expected in (("SAPA", True), ("STS", True), ("KY", False)):
            tree.move_cursor(tree._projects[code])
            await wait_for(pilot, lambda code=code: f"{code} – " in _text(detail), what=code)
            assert (SENTENCE in _text(detail)) is expected, code
        tree.move_cursor(tree.root)
        await wait_for(pilot, lambda: "Projekter:" in _text(detail))
        assert SENTENCE in _text(detail)


async def test_no_warning_in_the_right_order(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        header = app.main_screen.query_one("#header", Static)
        await wait_for(pilot, lambda: "samlet" in _text(header))
        assert "⚠" not in _text(header)
