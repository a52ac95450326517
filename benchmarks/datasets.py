"""The data every run needs, made fresh in a temporary folder: kigo databases and bundles."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks.paths import GENERATOR, KIGO, PYTHON, REPO
from benchmarks.tui import ToggleTarget

TOGGLE_TASK = "STS-01-G1"
"""The task the keypress benchmark toggles: the first generated one (ids `<PROJECT>-<NN>-G<k>`)."""
TITLE_PREFIX = 24
"""Characters of the task title that identify its line in the tree."""


@dataclass(frozen=True)
class KigoDataset:
    tasks: int
    db: Path
    kommune: str
    """The kommune's name, as the tree's top line shows it."""
    toggle: ToggleTarget


def generate_db(path: Path, tasks: int, today: str, timeout: float) -> Path:
    """scripts/generate_db.py: København with `tasks` tasks."""
    subprocess.run(
        [str(PYTHON), str(GENERATOR), str(path), "--tasks", str(tasks), "--today", today],
        check=True,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
    )
    return path


def kigo_dataset(
    workdir: Path, tasks: int, today: str, env: dict[str, str], timeout: float
) -> KigoDataset:
    """A database of `tasks` tasks, and from `kigo status --json` what its tree will show."""
    db = generate_db(workdir / f"kigo-{tasks}.db", tasks, today, timeout)
    out = subprocess.run(
        [str(KIGO), "--db", str(db), "--today", today, "status", "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=workdir,
    ).stdout
    tree = json.loads(out)
    return KigoDataset(tasks, db, tree["kommune"]["name"], toggle_target(tree))


def toggle_target(tree: dict) -> ToggleTarget:
    """The toggle task and its three ancestors' labels, found in `kigo status --json`."""
    fallback = None
    for project in tree["projects"]:
        for main in project["main_tasks"]:
            for task in main["tasks"]:
                here = (project, main, task)
                if task["id"] == TOGGLE_TASK:
                    return _target(tree, *here)
                fallback = fallback or here
    if fallback is None:
        raise LookupError("`kigo status --json` shows no tasks")
    return _target(tree, *fallback)


def _target(tree: dict, project: dict, main: dict, task: dict) -> ToggleTarget:
    return ToggleTarget(
        task_label=task["title"][:TITLE_PREFIX],
        ancestor_labels=[
            re.escape(main["name"][:TITLE_PREFIX]),
            rf"\b{re.escape(project['code'])}\b",
            re.escape(tree["kommune"]["name"]),
        ],
        search=task["id"],
    )


def make_bundles(out: Path, count: int, tasks: int, today: str, timeout: float) -> Path:
    """`count` bundles of `tasks` tasks, one per kommune (benchmarks/bundles.py)."""
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "benchmarks.bundles",
            str(out),
            "--count",
            str(count),
            "--tasks",
            str(tasks),
            "--today",
            today,
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
    )
    return out
