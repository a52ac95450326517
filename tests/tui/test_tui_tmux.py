"""The real `kigo` in a real terminal (tmux): start it, find a task, tick it, see it everywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fixed import FIXED_TODAY
from tests.support.terminal import Terminal, home_env, poll

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

KIGO = Path(sys.executable).parent / "kigo"
TASK_ID = "SAPA-10-03"  # not started in the demo data
TASK_ROW = "23-12-2026 Støt brugerne"  # its due date and title, as the tree row shows them


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
    argv = [KIGO, "--db", demo_path, "--today", FIXED_TODAY.isoformat()]
    with Terminal([str(a) for a in argv], home_env(isolated_home)) as term:
        poll(lambda: "Odense" in term.screen() and "SAPA" in term.screen(), 15, "the tree")
        term.send("/")
        poll(lambda: "Søg i opgaver" in term.screen(), 5, "the search field")
        term.send(TASK_ID, literal=True)
        term.send("Enter")
        # The branch opens and the detail pane shows the task: the cursor is on it.
        poll(lambda: f"{TASK_ID}  Støt" in term.screen(), 5, "the detail pane of the task")
        before = term.line_with(TASK_ROW)
        assert before is not None and "☐" in before, term.screen()

        term.send("Space")
        poll(lambda: task_status(demo_path, TASK_ID) == "done", 10, "the database to say done")
        after = poll(
            lambda: (line := term.line_with(TASK_ROW)) and "☑" in line and line,
            5,
            "☑ on the task's line",
        )
        assert after != before

        term.send("q")
        poll(lambda: not term.running(), 5, "kigo to quit on q")
