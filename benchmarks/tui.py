"""The two TUI scenarios: start → first paint (tmux) and space → repainted state (pty + pyte)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from benchmarks.pty_term import PtyApp
from benchmarks.screens import GLYPHS, Predicate, ToggleProbe
from benchmarks.tmux import Start, TmuxServer

SETTLE = 0.2
"""Seconds without output that count as 'the app is idle' between navigation steps."""
BETWEEN_PRESSES = 0.15
"""Idle time waited for after each toggle before the next (later repaints, the detail pane)."""


@dataclass(frozen=True)
class ToggleTarget:
    """How to put the cursor on a task and how to see it toggled."""

    task_label: str
    """Text right after the task's status glyph on its line (a title prefix)."""
    ancestor_labels: list[str]
    """Regexes for the ancestor lines whose done count must move (nearest first)."""
    search: str | None = None
    """Typed after `/` and confirmed with Enter to reach the task; None: it is on screen."""


@dataclass(frozen=True)
class TuiSpec:
    """One TUI as the suite launches it."""

    program: str
    argv: list[str]
    env: dict[str, str]
    painted: Predicate
    quit_keys: bytes
    """Typed to quit after the keypress run (the tmux start runs close the session instead)."""
    toggle: ToggleTarget | None = None


def measure_start(server: TmuxServer, spec: TuiSpec, timeout: float) -> Start:
    return server.measure_start(spec.argv, spec.env, spec.painted, timeout)


@dataclass(frozen=True)
class KeypressRun:
    latencies: list[float]
    peak_bytes: int
    """VmHWM after the start, the navigation and all presses."""


def measure_keypresses(spec: TuiSpec, presses: int, timeout: float) -> KeypressRun:
    """Start the app on a pty, go to the task, press space `presses` times (done, undone, …)."""
    target = spec.toggle
    if target is None:
        raise ValueError(f"{spec.program} has no toggle target")
    with PtyApp(spec.argv, spec.env) as app:
        app.wait_for(spec.painted, timeout, "the first paint")
        app.settle(SETTLE)
        if target.search is not None:
            _search(app, target, timeout)
        probe = ToggleProbe.locate(app.lines(), target.task_label, target.ancestor_labels)
        latencies = []
        for _ in range(presses):
            sent = app.send(b" ")
            arrived = app.wait_for(
                lambda lines, p=probe: p.toggled(lines) is not None,
                timeout,
                "the toggled task and its ancestors",
            )
            latencies.append(arrived - sent)
            new = probe.toggled(app.lines())  # nothing was read since: the screen that matched
            assert new is not None
            probe = new
            app.settle(BETWEEN_PRESSES)
        peak = app.peak_memory()
        app.quit(spec.quit_keys)
    return KeypressRun(latencies, peak)


def _search(app: PtyApp, target: ToggleTarget, timeout: float) -> None:
    """`/`, the search text, Enter: the cursor lands on the first match."""
    assert target.search is not None
    app.send(b"/")
    app.settle(SETTLE)
    app.send(target.search.encode())
    app.wait_for(
        lambda lines: any(target.search in line for line in lines),
        timeout,
        f"{target.search!r} in the search field",
    )
    app.settle(SETTLE)
    app.send(b"\r")
    task_line = re.compile(rf"[{GLYPHS}][^│┃]*?{re.escape(target.task_label)}")
    app.wait_for(
        lambda lines: any(task_line.search(line) for line in lines),
        timeout,
        f"the line of {target.search}",
    )
    app.settle(SETTLE)
