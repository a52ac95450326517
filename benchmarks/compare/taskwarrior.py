"""taskwarrior (Debian's `taskwarrior`, the `task` command) with N tasks in its own data files.

The data files are written directly in taskwarrior 2.x's format (one `[name:"value" …]` line per
task; pending.data holds pending tasks, completed.data completed ones, so its garbage collection
has nothing to move and the files stay as written). That takes a fraction of a second where
`task import` of 50,000 tasks takes far longer; `task count` checks that taskwarrior reads them all.
The tasks mirror kigo's generated database: project `<PROJECT>.<NN>` (project and hovedopgave),
a due date around 2026-11-23 and about a third completed.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.screens import PROJECTS

TODAY = datetime(2026, 11, 23, tzinfo=UTC)
REPORTS = {"export": ["export"], "summary": ["summary"], "list": ["list"]}
"""The reports timed: `task export` beside `kigo export`, `task summary` (the project tree with
completion) and `task list` (the pending tasks) beside `kigo status --json` (report.COMPARISONS)."""


def find_task(install: bool, log: Callable[[str], None] = print) -> str | None:
    """Path of `task`; with `install`, apt-get installs taskwarrior when it is missing (as root)."""
    found = shutil.which("task")
    if found or not install:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    log("installerer taskwarrior med apt-get …")
    install_cmd = ["apt-get", "install", "-y", "-qq", "taskwarrior"]
    if subprocess.run(install_cmd, capture_output=True, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=600)
        subprocess.run(install_cmd, capture_output=True, timeout=600)
    return shutil.which("task")


def version(task: str) -> str | None:
    out = subprocess.run([task, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() or None


def _line(attrs: dict[str, str]) -> str:
    return "[" + " ".join(f'{k}:"{v}"' for k, v in sorted(attrs.items())) + "]\n"


def write_data(folder: Path, tasks: int, seed: int = 1) -> Path:
    """pending.data, completed.data and a taskrc pointing at them; returns the taskrc."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    entry = str(int((TODAY - timedelta(days=300)).timestamp()))
    with (
        (folder / "pending.data").open("w") as pending,
        (folder / "completed.data").open("w") as completed,
    ):
        for k in range(tasks):
            project = PROJECTS[k % len(PROJECTS)]
            main = (k // len(PROJECTS)) % 16 + 1
            due = TODAY + timedelta(days=rng.randint(-200, 300))
            done = due < TODAY and rng.random() < 0.85
            attrs = {
                "description": f"Genereret opgave {k + 1} for {project} hovedopgave {main}",
                "due": str(int(due.timestamp())),
                "entry": entry,
                "modified": entry,
                "project": f"{project}.{main:02d}",
                "status": "completed" if done else "pending",
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            }
            if done:
                attrs["end"] = attrs["due"]
            (completed if done else pending).write(_line(attrs))
    rc = folder / "taskrc"
    rc.write_text(f"data.location={folder}\nhooks=off\nconfirmation=off\nnews.version=2.6.0\n")
    return rc


def task_env(env: dict[str, str], rc: Path) -> dict[str, str]:
    return {**env, "TASKRC": str(rc), "TASKDATA": str(rc.parent)}


def check_count(task: str, env: dict[str, str], expected: int, timeout: float) -> None:
    out = subprocess.run(
        [task, "count"], capture_output=True, text=True, env=env, timeout=timeout, check=True
    )
    if int(out.stdout.strip()) != expected:
        raise RuntimeError(f"taskwarrior counts {out.stdout.strip()} tasks, expected {expected}")
