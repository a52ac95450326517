"""Keys typed fast go where the user meant (issue 14, point 4), through Textual's pilot.

A burst (a paste, a slow SSH link, a loaded machine) reaches the app as keys queued one behind the
other. Every key that opens something (the search field, a dialog, a list read from the
database) is followed by text made of the tree's own keys: the text must land in what was
opened, and the database must not change. `tests/tui/test_tui_keys_tmux.py` sends the same bursts
through a real terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Input

from kigo_tui.app import KigoApp, create_app
from kigo_tui.config import Settings
from kigo_tui.screens.calendar import CalendarScreen
from kigo_tui.screens.defects import DefectFormScreen
from kigo_tui.screens.dialogs import (
    AddTaskScreen,
    EditTaskScreen,
    FilterScreen,
    HelpScreen,
    TaskListScreen,
)
from kigo_tui.screens.dialogs.organisation import PersonFormScreen
from kigo_tui.screens.exit_strategy import AreaFormScreen
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import cursor_key, goto_task, notifications, wait_for, wait_loaded

TASK = "SAPA-10-03"  # not started in the demo; SAPA, so w opens the exit workspace
TEXT = "sde x12"
"""Typed after the opening key: s, d, e, space and x all change something in the tree."""

KEY_NAMES = {" ": "space", "/": "slash", "?": "question_mark"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key that leaked to the tree (x, c) writes its file here, not into the checkout."""
    monkeypatch.chdir(tmp_path)


@dataclass(frozen=True)
class Opener:
    keys: tuple[str, ...]
    """The keys that open it (the last one opens what the text is for)."""
    screen: type[Screen] | None
    """The screen on top afterwards (None: the main screen, with the search field)."""
    focused: type
    """The widget that has the focus afterwards, where the text went."""
    text: str | tuple[str, ...] = TEXT
    """Characters, or key names (a tuple)."""


OPENERS = {
    "search": Opener(("/",), None, Input),
    "edit": Opener(("e",), EditTaskScreen, Input),
    "add": Opener(("a",), AddTaskScreen, Input),
    "palette": Opener(("ctrl+p",), CommandPalette, Input),
    "calendar": Opener(("c",), CalendarScreen, object),  # its first field is a Select
    "defect form": Opener(("F", "a"), DefectFormScreen, Input),
    "case area form": Opener(("w", "a"), AreaFormScreen, Input),
    "filter": Opener(("f",), FilterScreen, Checkbox, text=" "),  # space ticks the first box
    "follow-up list": Opener(("K",), TaskListScreen, DataTable, text=("down", "down")),
    "help": Opener(("?",), HelpScreen, object),
    "person form": Opener(("o", "a"), PersonFormScreen, Input),  # the organisation view's form
}


def key_event(key: str) -> events.Key:
    """The event a terminal's byte for `key` becomes."""
    if len(key) > 1:
        return events.Key(key, None)
    return events.Key(KEY_NAMES.get(key, key), key)


def burst(app: App, keys: list[str]) -> None:
    """Queue every key at once, as a paste or a slow link delivers them."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)


def database_state(path: Path) -> tuple[int, list[tuple[str, str, int]]]:
    store = Store.open(str(path))
    try:
        tasks = sorted((t.id, t.status.value, t.version) for t in store.snapshot().tasks)
        return store.revision(), tasks
    finally:
        store.close()


async def back_to_the_tree(pilot: Pilot) -> None:
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
    main = app.main_screen  # type: ignore[attr-defined]
    # A popped screen (the command palette) may still be closing: the next opener's keys must
    # reach the main screen, not what is on its way out.
    await wait_for(
        pilot,
        lambda: app.screen is main and main.is_current and app._hold is None,  # type: ignore[attr-defined]
        what="the main screen back on top",
    )
    main.action_close_search()
    await goto_task(pilot, TASK, detail=False)


async def check(pilot: Pilot, name: str, opener: Opener, send: Callable[[list[str]], object]):
    app: KigoApp = pilot.app  # type: ignore[assignment]
    await back_to_the_tree(pilot)
    shown_before = notifications(pilot)
    await send([*opener.keys, *opener.text])

    def arrived() -> bool:
        if app._hold is not None:
            return False
        if opener.screen is None:
            return isinstance(app.focused, Input) and app.focused.value == opener.text
        if not isinstance(app.screen, opener.screen):
            return False
        focused = app.focused
        if isinstance(focused, Input):
            return focused.value.endswith(opener.text)
        if isinstance(focused, DataTable):
            return focused.cursor_row == len(opener.text)
        if isinstance(focused, Checkbox):
            return focused.value
        return True

    try:
        await wait_for(pilot, arrived, what=f"{name}: the text in what {opener.keys} opens")
    except pytest.fail.Exception as exc:
        hold = app._hold
        state = (
            f"screen {app.screen!r}, focus {app.focused!r}, stack {app.screen_stack!r}, hold "
            f"{None if hold is None else (hold.key.key, hold.dispatched, len(hold.held))}"
        )
        raise AssertionError(f"{exc} — {state}") from None
    await pilot.pause(0.1)  # anything that leaked would show by now
    assert arrived(), name
    assert isinstance(app.focused, opener.focused), (name, app.focused)
    assert cursor_key(pilot) == TASK, name
    new = [n for n in notifications(pilot) if n not in shown_before]
    assert not new, (name, new)


async def run_openers(demo_path: Path, tmp_path: Path, mode: str) -> None:
    before = database_state(demo_path)
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    app.export_dir = tmp_path
    async with app.run_test(size=(100, 30)) as pilot:

        async def send(keys: list[str]) -> None:
            if mode == "burst":
                burst(app, keys)
            else:
                await pilot.press(*(KEY_NAMES.get(k, k) for k in keys))

        await wait_loaded(pilot)
        for name, opener in OPENERS.items():
            await check(pilot, name, opener, send)
    assert database_state(demo_path) == before
    assert not list(tmp_path.glob("*.zip")), "x reached the tree: a bundle was exported"


@pytest.mark.parametrize("mode", ["burst", "press"])
async def test_keys_after_an_opening_key_land_in_what_it_opens(
    demo_path: Path, tmp_path: Path, mode: str
) -> None:
    await run_openers(demo_path, tmp_path, mode)


async def test_a_burst_of_openers_opens_each_in_turn(demo_path: Path) -> None:
    """`/`, its text and Escape, then `e` and its text: the second key opens after the first."""
    before = database_state(demo_path)
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK, detail=False)
        burst(app, ["/", *"sd", "escape", "e", *"ab"])

        def edited() -> bool:
            return (
                app._hold is None
                and isinstance(app.screen, EditTaskScreen)
                and isinstance(app.focused, Input)
                and app.focused.value.endswith("ab")
            )

        await wait_for(pilot, edited, what="the edit dialog with the text")
        search = app.main_screen.query_one("#search", Input)
        assert search.value == "sd"
        assert not search.has_class("-visible")
    assert database_state(demo_path) == before


async def test_a_key_that_opens_nothing_releases_the_keys_behind_it(demo_path: Path) -> None:
    """`d` on a catalogue task only says no: the keys behind it go to the tree as before."""
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK, detail=False)
        burst(app, ["d", "/", *"xy"])
        await wait_for(
            pilot,
            lambda: app._hold is None and isinstance(app.focused, Input),
            what="the search field",
        )
        await wait_for(pilot, lambda: app.focused.value == "xy", what="the text")
        assert any("lokale" in n for n in notifications(pilot))


async def test_a_double_enter_closes_a_list_once(demo_path: Path) -> None:
    """Found by the monkey: the second Enter of a burst dismissed the main screen as well."""
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK, detail=False)
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen), what="the list")
        burst(app, ["enter", "enter", "enter"])
        await wait_for(pilot, lambda: app.screen is app.main_screen, what="the main screen")
        await pilot.pause(0.2)
        assert app.is_running
        assert app.screen_stack == [app.main_screen]


async def test_a_paste_right_after_slash_lands_in_the_search_field(demo_path: Path) -> None:
    """A terminal's bracketed paste arrives as one Paste event, queued behind the `/`."""
    before = database_state(demo_path)
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, TASK, detail=False)
        burst(app, ["/"])
        app.post_message(events.Paste(TEXT))
        await wait_for(
            pilot,
            lambda: isinstance(app.focused, Input) and app.focused.value == TEXT,
            what="the pasted text in the search field",
        )
    assert database_state(demo_path) == before
