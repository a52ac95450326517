"""A monkey at the keyboard (issue 14, point 9): random keys against the real TUI on a demo database.

For a fixed seed and a time budget, keys are drawn from the bindings active at that moment plus
printable text, Escape, Enter, Tab and the arrows, sent one at a time or in bursts. Afterwards:
nothing crashed and no worker failed, the database passes SQLite's integrity check and opens, and
every change to a task is in its history.

    KIGO_MONKEY_SECONDS=600 KIGO_MONKEY_SEED=7 pytest tests/tui/test_tui_monkey.py

(default: 30 seconds, seed 14; a quit starts a new session until the budget is used).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

from textual import events

from kigo_tui.app import KigoApp, create_app
from kigo_tui.config import Settings
from kigo_tui.locations import log_path
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import notifications, wait_loaded

SECONDS = float(os.environ.get("KIGO_MONKEY_SECONDS", "30"))
SEED = int(os.environ.get("KIGO_MONKEY_SEED", "14"))

TEXT = list("abcdefghijklmnoprstuvwxyzæøåABCKS0123456789 -./,:?[]")
"""Printable keys; without q, which quits the main screen (a quit only costs a new session)."""
KEYS = [
    "escape",
    "enter",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "space",
    "backspace",
    "home",
    "end",
    "pageup",
    "pagedown",
    "ctrl+s",
]
CHARACTER_KEYS = {
    " ": "space",
    "-": "minus",
    ".": "full_stop",
    "/": "slash",
    ",": "comma",
    ":": "colon",
    "?": "question_mark",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
}
TRACKED = ("status", "title", "description", "category", "start", "due", "warn_days")
"""The task's fields a user changes; each change is a line of history."""


def key_event(key: str) -> events.Key:
    if len(key) == 1:
        return events.Key(CHARACTER_KEYS.get(key, key), key)
    return events.Key(key, " " if key == "space" else None)


def draw(rng: random.Random, app: KigoApp) -> list[str]:
    """One step: a single key or a burst, from the active bindings, text and the special keys."""
    bound = sorted(
        key
        for key, active in app.screen.active_bindings.items()
        if active.binding.action not in ("quit", "app.quit")
    )
    keys = []
    for _ in range(rng.choice((1, 1, 1, 2, 3, 6))):
        if app.screen is not app.main_screen and rng.random() < 0.1:
            keys.append("escape")  # back to the tree now and then, where most changes are made
            continue
        pool = rng.choices((bound, TEXT, KEYS), weights=(4, 4, 2))[0] or TEXT
        keys.append(rng.choice(pool))
    return keys


def tasks(path: Path) -> dict[str, dict[str, object]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return {row["id"]: dict(row) for row in db.execute("SELECT * FROM task")}


def history_after(path: Path, last_id: int) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as db:
        return list(
            db.execute(
                "SELECT task_id, field, new FROM history WHERE id > ? ORDER BY id", (last_id,)
            )
        )


async def monkey_session(
    app: KigoApp, rng: random.Random, deadline: float, sent: list[str], task_ids: list[str]
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, timeout=15)
        step = 0
        while app.is_running and time.monotonic() < deadline:
            if step % 40 == 0 and app.screen is app.main_screen:
                # Now and then the cursor on a task somewhere else, so the keys change things.
                app.main_screen.reveal_task(rng.choice(task_ids))
                app.main_screen.tree.focus()
                await pilot.pause(0.05)
            step += 1
            keys = draw(rng, app)
            sent.extend(keys)
            for key in keys:  # queued at once: several keys are a burst, as a paste sends them
                event = key_event(key)
                event.set_sender(app)
                app.post_message(event)
            await pilot.pause()
            # Let the step settle (held keys, workers) so the run is as repeatable as it can be.
            settle = time.monotonic() + 2
            while app.is_running and time.monotonic() < settle:
                busy = [w for w in app.workers if w.is_running and w.group != "listen"]
                if app._hold is None and not busy:
                    break
                await pilot.pause(0.01)
            failed = [n for n in notifications(pilot) if "Uventet fejl" in n]
            assert not failed, (failed, sent[-40:])


async def test_random_keys_break_nothing_and_every_change_is_in_the_history(
    demo_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a screenshot or a calendar file lands here
    before = tasks(demo_path)
    with sqlite3.connect(demo_path) as db:
        last_history = db.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0]
    rng = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    sent: list[str] = []
    sessions = 0
    while time.monotonic() < deadline:
        sessions += 1
        app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
        app.export_dir = tmp_path
        await monkey_session(
            app, rng, deadline, sent, sorted(before)
        )  # an unhandled error re-raises here
        assert app.return_code in (0, None), (app.return_code, sent[-40:])
    assert len(sent) > 20, "the monkey hardly typed anything"
    assert not log_path().exists(), log_path().read_text(encoding="utf-8")

    with sqlite3.connect(demo_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = Store.open(str(demo_path))
    try:
        store.snapshot()
    finally:
        store.close()

    after = tasks(demo_path)
    history = history_after(demo_path, last_history)
    fields = {(task_id, field) for task_id, field, _ in history}
    last_new = {(task_id, field): new for task_id, field, new in history}
    for task_id in before.keys() - after.keys():
        assert (task_id, "slettet") in fields, (task_id, sent[-40:])
    for task_id in after.keys() - before.keys():
        assert (task_id, "oprettet") in fields, (task_id, sent[-40:])
    for task_id in before.keys() & after.keys():
        for field in TRACKED:
            old, new = before[task_id][field], after[task_id][field]
            if old != new:
                assert (task_id, field) in fields, (task_id, field, old, new, sent[-40:])
                assert str(last_new[(task_id, field)]) == str(new), (task_id, field)
        if before[task_id]["version"] != after[task_id]["version"]:
            assert any(t == task_id for t, _ in fields), (task_id, "version moved, no history")
    changed = sum(1 for t in before.keys() & after.keys() if before[t] != after[t])
    print(  # the figure docs/RELIABILITY.md quotes (pytest -s shows it)
        f"monkey: seed {SEED}, {SECONDS:g} s, {len(sent)} keys, {sessions} session(s), "
        f"{changed} tasks changed, {len(after.keys() - before.keys())} added, "
        f"{len(before.keys() - after.keys())} deleted, {len(history)} history lines"
    )
