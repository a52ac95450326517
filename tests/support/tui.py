"""Helpers for the Pilot tests of the TUI: wait for the worker-loaded model, move the cursor."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

DEFAULT_TIMEOUT = 20.0
"""How much CPU time (seconds, this process: the app and its workers) a pilot test lets pass while
it waits for what it expects. CPU time, not wall time: on a loaded machine the app gets a share of
a core, and a wall-clock bound failed tests that were only slow (with six other test runs on two
cores, a burst of keys took 90 s of wall time)."""

HANG_FACTOR = 6
"""A wait also ends after HANG_FACTOR × the timeout of wall time: the guard for an app that waits
for nothing (a lost key) and so uses almost no CPU time. Only a failing test waits this long."""


async def wait_for(
    pilot: Pilot,
    predicate: Callable[[], object],
    timeout: float = DEFAULT_TIMEOUT,
    what: str | None = None,
) -> None:
    """Pause the pilot until `predicate()` is true; fail the test when the wait has used `timeout`
    seconds of CPU time, or HANG_FACTOR × that of wall time."""
    cpu_deadline = time.process_time() + timeout
    wall_deadline = time.monotonic() + timeout * HANG_FACTOR
    while True:
        if predicate():
            return
        if time.process_time() > cpu_deadline or time.monotonic() > wall_deadline:
            pytest.fail(
                f"timed out after {timeout:g} s of CPU time (or {timeout * HANG_FACTOR:g} s of "
                f"wall time) waiting for {what or predicate}"
            )
        await pilot.pause(0.02)


async def wait_loaded(pilot: Pilot, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Wait until the main screen has its model (the database is read in a worker)."""

    def loaded() -> bool:
        screen = pilot.app.main_screen  # type: ignore[attr-defined]
        return screen is not None and screen.model is not None

    await wait_for(pilot, loaded, timeout, "the main screen to load the database")
    await pilot.pause()


def cursor_key(pilot: Pilot) -> object:
    """The key of the tree node under the cursor (a task id for a task node)."""
    node = pilot.app.main_screen.tree.cursor_node  # type: ignore[attr-defined]
    return None if node is None or node.data is None else node.data.key


async def goto_task(pilot: Pilot, task_id: str, *, detail: bool = True) -> None:
    """Put the tree's cursor on a task (opening its branch) and focus the tree.

    With `detail`, also wait until the detail pane shows that task (it is loaded in a worker).
    """
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    screen.reveal_task(task_id)  # reads the task's branch first when it is not open yet
    screen.tree.focus()
    await wait_for(pilot, lambda: cursor_key(pilot) == task_id, what=f"the cursor on {task_id}")
    if detail:
        await wait_for_detail(pilot, task_id)


async def wait_for_detail(pilot: Pilot, task_id: str) -> None:
    """Wait until the detail pane shows `task_id` (its text starts with the id)."""
    from textual.widgets import Static

    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    body = screen.query_one("#detail-text", Static)
    await wait_for(
        pilot,
        lambda: str(body.render()).startswith(task_id),
        what=f"the detail pane to show {task_id}",
    )


def task_labels(pilot: Pilot) -> dict[str, str]:
    """The plain text of every task node the tree has created, by task id."""
    tree = pilot.app.main_screen.tree  # type: ignore[attr-defined]
    return {task_id: node.label.plain for task_id, node in tree._tasks.items()}


def notifications(pilot: Pilot) -> list[str]:
    """The messages of the notifications currently shown (title and message)."""
    return [
        f"{n.title or ''}: {n.message}".lstrip(": ")
        for n in pilot.app._notifications  # type: ignore[attr-defined]
    ]
