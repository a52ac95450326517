"""A database this user may not change opens read-only: the header says so, and a change is
refused with a message instead of being lost or half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from textual.widgets import Static

from kigo_tui.app import create_app
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, notifications, wait_for, wait_loaded

TASK = "SAPA-10-03"  # not started in the demo data


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_demo(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # As root, chmod does not stop writes; tell the store what an ordinary user would find.
    demo_path.chmod(0o444)
    monkeypatch.setattr("kigo_tui.storage.sqlite.writable", lambda path: False)
    return demo_path


def test_the_store_opens_read_only(read_only_demo: Path) -> None:
    store = Store.open(str(read_only_demo))
    try:
        assert store.read_only
        assert store.snapshot().tasks
    finally:
        store.close()


async def test_the_header_says_read_only_and_a_tick_is_refused(read_only_demo: Path) -> None:
    before = _sha(read_only_demo)
    app = create_app(str(read_only_demo), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        header = app.main_screen.query_one("#header", Static)
        await wait_for(pilot, lambda: "skrivebeskyttet" in str(header.render()))
        await goto_task(pilot, TASK)
        label = app.main_screen.tree._tasks[TASK].label.plain
        await pilot.press("space")
        await wait_for(pilot, lambda: any("skrivebeskyttet" in n for n in notifications(pilot)))
        assert app.main_screen.tree._tasks[TASK].label.plain == label  # nothing pretended
    assert _sha(read_only_demo) == before
