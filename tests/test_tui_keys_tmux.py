"""Keys typed fast, through a real terminal (tmux), also on a loaded machine (issue 14, point 4).

`tmux send-keys -l` writes a whole burst to the terminal at once, as a paste or a slow SSH link
does: `/` or `e` followed by text made of the tree's keys (space, s, d, e, x, digits). The text
must end up in the search field or the edit dialog, and the database must not change.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import FIXED_TODAY
from tests.test_tui_keys import database_state
from tests.test_tui_tmux import KIGO, _sessions, poll

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

TASK_ID = "SAPA-10-03"
BURST = "sde x12"
BURNERS = 4
"""CPU-burning processes for the loaded run (the machine has 2 cores)."""


@pytest.fixture(params=[0, BURNERS], ids=["idle", "loaded"])
def load(request: pytest.FixtureRequest):
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(request.param)
    ]
    try:
        yield request.param
    finally:
        for burner in burners:
            burner.kill()
            burner.wait(timeout=10)


def test_a_burst_after_slash_or_e_lands_in_the_field(
    demo_path: Path, isolated_home: Path, tmp_path: Path, load: int
) -> None:
    before = database_state(demo_path)
    socket = f"kigo-keys-{uuid.uuid4().hex[:8]}"
    session = "kigo"
    env = {
        "HOME": str(isolated_home),
        "XDG_DATA_HOME": str(isolated_home / "data"),
        "XDG_CONFIG_HOME": str(isolated_home / "config"),
        "XDG_STATE_HOME": str(isolated_home / "state"),
        "XDG_CACHE_HOME": str(isolated_home / "cache"),
        "KIGO_USER": "tmux-test",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    work = tmp_path / "cwd"  # where x would write a bundle if it reached the tree
    work.mkdir()
    command = " ".join(
        [
            "cd",
            shlex.quote(str(work)),
            "&&",
            "env",
            *(shlex.quote(f"{k}={v}") for k, v in env.items()),
            shlex.quote(str(KIGO)),
            "--db",
            shlex.quote(str(demo_path)),
            "--today",
            FIXED_TODAY.isoformat(),
        ]
    )
    tmux_env = {**os.environ, **env}

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-u", "-L", socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env=tmux_env,
            timeout=10,
        ).stdout

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", session)

    def send(*keys: str, literal: bool = False) -> None:
        tmux("send-keys", "-t", session, *(["-l"] if literal else []), *keys)

    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    try:
        poll(lambda: "Odense" in screen() and "SAPA" in screen(), 30, "the tree")
        # The cursor on a task, so that a key reaching the tree would change it.
        send("/")
        poll(lambda: "Søg i opgaver" in screen(), 10, "the search field")
        send(TASK_ID, literal=True)
        send("Enter")
        poll(lambda: f"{TASK_ID}  Støt" in screen(), 10, "the detail pane of the task")

        send("/" + BURST, literal=True)
        poll(lambda: _field(screen()), 10, "the burst in the search field")
        send("Escape")
        poll(lambda: "Søg i opgaver" not in screen() and BURST not in screen(), 10, "no field")

        send("e" + BURST, literal=True)
        poll(lambda: f"Ret {TASK_ID}" in screen() and BURST in screen(), 10, "the edit dialog")
        send("Escape")
        poll(lambda: f"Ret {TASK_ID}" not in screen(), 10, "the edit dialog to close")

        send("q")
        poll(lambda: session not in _sessions(tmux), 10, "kigo to quit on q")
    finally:
        subprocess.run(
            ["tmux", "-L", socket, "kill-server"], capture_output=True, env=tmux_env, timeout=10
        )
        socket_dir = Path(tmux_env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / socket).unlink(missing_ok=True)
    assert database_state(demo_path) == before
    assert not list(work.iterdir()), "x reached the tree: a bundle was exported"


def _field(text: str) -> str:
    """The line of the screen holding the burst (the search field), or ''."""
    return next((line for line in text.splitlines() if BURST in line), "")
