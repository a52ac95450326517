"""The TUI on 50,000 tasks: the lazy tree creates nodes, and the model holds tasks, only for open
branches; the counts come from the roll-up and follow a toggle by one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets.tree import TreeNode

from kigo_tui.app import create_app
from kigo_tui.domain.rules import Status
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, task_labels, wait_for, wait_loaded

GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "generate_db.py"
TASKS = 50_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not GENERATOR.exists():
        pytest.skip(f"{GENERATOR} does not exist yet")
    path = tmp_path_factory.mktemp("scale") / "big.db"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(path), "--tasks", str(TASKS)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path


def count_nodes(node: TreeNode) -> int:
    return 1 + sum(count_nodes(child) for child in node.children)


async def test_50000_tasks_open_lazily_and_toggle(big_db: Path) -> None:
    store = Store.open(str(big_db))
    try:
        total = len(store.snapshot().tasks)
        task_id = "STS-01-G1"  # generated: project STS, hovedopgave 1
        before = store.task(task_id).status
    finally:
        store.close()
    assert total == TASKS

    app = create_app(str(big_db), today=FIXED_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.monotonic()
        await wait_loaded(pilot, timeout=20)
        loaded_in = time.monotonic() - started
        screen = app.main_screen
        tree = screen.tree
        model = screen.model
        assert model.total.total == TASKS, "the roll-up counts every task"
        assert model.tasks == {}, "no task is read before a branch opens"
        assert count_nodes(tree.root) < 100, "only the kommune and the projects are built"
        assert tree._tasks == {}
        assert loaded_in < 15, f"loading 50,000 tasks took {loaded_in:.1f} s"

        await goto_task(pilot, task_id)
        opened = count_nodes(tree.root)
        assert opened < 2_000, "only one hovedopgave's tasks are built"
        branch = model.main_counts[("STS", 1)].total
        assert len(model.tasks) == branch < 2_000, "the model holds the open branch only"
        label = task_labels(pilot)[task_id]
        done_before = model.total.done

        await pilot.press("space")
        expected = Status.NOT_STARTED if before == Status.DONE else Status.DONE
        await wait_for(pilot, lambda: screen.model.tasks[task_id].status == expected)
        await wait_for(pilot, lambda: task_labels(pilot)[task_id] != label)
        glyph = "☑" if expected == Status.DONE else "☐"
        assert task_labels(pilot)[task_id].startswith(glyph)
        assert count_nodes(tree.root) == opened, "a toggle relabels; it does not rebuild"
        assert model.total.done == done_before + (1 if expected == Status.DONE else -1)
        assert screen.model is model, "the counts were adjusted, not read again"

    store = Store.open(str(big_db))
    try:
        assert store.task(task_id).status == expected
    finally:
        store.close()
