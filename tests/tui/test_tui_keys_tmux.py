"""Keys typed fast, through a real terminal (tmux), also on a loaded machine (issue 14, point 4).

`tmux send-keys -l` writes a whole burst to the terminal at once, as a paste or a slow SSH link
does: `/` or `e` followed by text made of the tree's keys (space, s, d, e, x, digits). The text
must end up in the search field or the edit dialog, and the database must not change.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fixed import FIXED_TODAY
from tests.support.terminal import Terminal, home_env, poll
from tests.tui.test_tui_keys import database_state
from tests.tui.test_tui_tmux import KIGO

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
    work = tmp_path / "cwd"  # where x would write a bundle if it reached the tree
    work.mkdir()
    argv = [str(KIGO), "--db", str(demo_path), "--today", FIXED_TODAY.isoformat()]
    with Terminal(argv, home_env(isolated_home), cwd=work) as term:
        poll(lambda: "Odense" in term.screen() and "SAPA" in term.screen(), 30, "the tree")
        # The cursor on a task, so that a key reaching the tree would change it.
        term.send("/")
        poll(lambda: "Søg i opgaver" in term.screen(), 10, "the search field")
        term.send(TASK_ID, literal=True)
        term.send("Enter")
        poll(lambda: f"{TASK_ID}  Støt" in term.screen(), 10, "the detail pane of the task")

        term.send("/" + BURST, literal=True)
        poll(lambda: _field(term.screen()), 10, "the burst in the search field")
        term.send("Escape")
        poll(
            lambda: "Søg i opgaver" not in term.screen() and BURST not in term.screen(),
            10,
            "no field",
        )

        term.send("e" + BURST, literal=True)
        poll(
            lambda: f"Ret {TASK_ID}" in term.screen() and BURST in term.screen(),
            10,
            "the edit dialog",
        )
        term.send("Escape")
        poll(lambda: f"Ret {TASK_ID}" not in term.screen(), 10, "the edit dialog to close")

        term.send("q")
        poll(lambda: not term.running(), 10, "kigo to quit on q")
    assert database_state(demo_path) == before
    assert not list(work.iterdir()), "x reached the tree: a bundle was exported"


def _field(text: str) -> str:
    """The line of the screen holding the burst (the search field), or ''."""
    return next((line for line in text.splitlines() if BURST in line), "")
