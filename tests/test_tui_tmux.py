"""The real `kigo` in a real terminal (tmux): start it, find a task, tick it, see it everywhere."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXED_TODAY

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

KIGO = Path(sys.executable).parent / "kigo"
TASK_ID = "SAPA-10-03"  # not started in the demo data
TASK_ROW = "23-12-2026 Støt brugerne"  # its due date and title, as the tree row shows them


def poll(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def task_status(db: Path, task_id: str) -> str:
    out = subprocess.run(
        [str(KIGO), "--db", str(db), "status", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    tree = json.loads(out)
    for project in tree["projects"]:
        for main in project["main_tasks"]:
            for task in main["tasks"]:
                if task["id"] == task_id:
                    return task["status"]
    raise AssertionError(f"{task_id} not in `kigo status --json`")


def test_space_in_the_real_terminal_marks_the_task_done(
    demo_path: Path, isolated_home: Path
) -> None:
    assert KIGO.exists(), f"{KIGO} is missing: pip install -e . in the venv"
    assert task_status(demo_path, TASK_ID) == "not_started"
    socket = f"kigo-test-{uuid.uuid4().hex[:8]}"  # a server of our own: our env, our cleanup
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
    command = " ".join(
        [
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

    def line_with(text: str) -> str | None:
        return next((line for line in screen().splitlines() if text in line), None)

    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    try:
        poll(lambda: "Odense" in screen() and "SAPA" in screen(), 15, "the tree")
        tmux("send-keys", "-t", session, "/")
        poll(lambda: "Søg i opgaver" in screen(), 5, "the search field")
        tmux("send-keys", "-t", session, "-l", TASK_ID)
        tmux("send-keys", "-t", session, "Enter")
        # The branch opens and the detail pane shows the task: the cursor is on it.
        poll(lambda: f"{TASK_ID}  Støt" in screen(), 5, "the detail pane of the task")
        before = line_with(TASK_ROW)
        assert before is not None and "☐" in before, screen()

        tmux("send-keys", "-t", session, "Space")
        poll(lambda: task_status(demo_path, TASK_ID) == "done", 10, "the database to say done")
        after = poll(
            lambda: (line := line_with(TASK_ROW)) and "☑" in line and line,
            5,
            "☑ on the task's line",
        )
        assert after != before

        tmux("send-keys", "-t", session, "q")
        poll(lambda: session not in _sessions(tmux), 5, "kigo to quit on q")
    finally:
        subprocess.run(
            ["tmux", "-L", socket, "kill-server"], capture_output=True, env=tmux_env, timeout=10
        )
        socket_dir = Path(tmux_env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / socket).unlink(missing_ok=True)


def _sessions(tmux: Callable[..., str]) -> str:
    try:
        return tmux("list-sessions", "-F", "#{session_name}")
    except subprocess.CalledProcessError:
        return ""  # no server left: the last session ended
