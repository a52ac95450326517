"""The roll-up counts read from the database agree with the colour rule in Python, at every level,
for any statuses, dates and warning windows; the TUI's model keeps them right through changes."""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Category, Colour, Status, task_colour
from kigo_tui.domain.tree import TaskFilter, TreeModel
from kigo_tui.storage.store import Store

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.db"
        store = Store.open(str(path))
        store.initialise(find_kommune("101"), {"STS": TODAY}, shipped_catalogue())
        store.close()
        yield path


def _fresh(template: Path, folder: Path) -> Path:
    path = folder / "kigo.db"
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return path


@st.composite
def _task_values(draw: st.DrawFn, today: date) -> tuple[Status, Category, date | None, int]:
    """Status, category, due date and warning window, the due date often right at a boundary:
    around today (red or not) or around the first day of the warning window (yellow or not)."""
    warn = draw(st.one_of(st.integers(0, 20), st.integers(0, 365)))
    around = st.sampled_from([0, warn]).flatmap(
        lambda base: st.integers(-2, 2).map(lambda d: today + timedelta(days=base + d))
    )
    due = draw(st.one_of(st.none(), around, st.dates()))  # st.dates(): years 1 to 9999
    return draw(st.sampled_from(list(Status))), draw(st.sampled_from(list(Category))), due, warn


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[date, list]:
    today = draw(
        st.one_of(st.just(TODAY), st.dates(min_value=date(2, 1, 1), max_value=date(9998, 1, 1)))
    )
    return today, draw(st.lists(_task_values(today), min_size=1, max_size=60))


def _python_counts(store: Store, today: date) -> Counter[tuple[str, int, Colour]]:
    counts: Counter[tuple[str, int, Colour]] = Counter()
    for task in store.snapshot().tasks:
        colour = task_colour(task.status, task.due, task.warn_days, today)
        counts[(task.project, task.main_task, colour)] += 1
    return counts


def _sql_counts(store: Store, today: date) -> Counter[tuple[str, int, Colour]]:
    counts: Counter[tuple[str, int, Colour]] = Counter()
    for row in store.overview(today).rollup:
        key = (row.project, row.main_task)
        counts[(*key, Colour.RED)] += row.red
        counts[(*key, Colour.YELLOW)] += row.yellow
        counts[(*key, Colour.GREEN)] += row.total - row.red - row.yellow
    return +counts


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_sql_rollup_equals_the_python_rule(template: Path, scenario: tuple[date, list]) -> None:
    today, values = scenario
    with tempfile.TemporaryDirectory() as folder:
        path = _fresh(template, Path(folder))
        conn = sqlite3.connect(path)
        ids = [row[0] for row in conn.execute("SELECT id FROM task ORDER BY id")]
        for task_id, (status, category, due, warn) in zip(ids, values, strict=False):
            conn.execute(
                "UPDATE task SET status = ?, category = ?, due = ?, warn_days = ? WHERE id = ?",
                (status.value, category.value, due.isoformat() if due else None, warn, task_id),
            )
        conn.commit()
        conn.close()
        store = Store.open(str(path))
        try:
            assert _sql_counts(store, today) == _python_counts(store, today)
        finally:
            store.close()


@pytest.mark.parametrize(
    ("status", "due", "warn", "expected"),
    [
        (Status.NOT_STARTED, TODAY, 0, Colour.YELLOW),  # due today, no window: still yellow
        (Status.NOT_STARTED, TODAY + timedelta(days=14), 14, Colour.YELLOW),  # first day of window
        (Status.NOT_STARTED, TODAY + timedelta(days=15), 14, Colour.GREEN),
        (Status.NOT_STARTED, TODAY - timedelta(days=1), 14, Colour.RED),
        (Status.IN_PROGRESS, TODAY, 14, Colour.GREEN),  # started: never yellow
        (Status.IN_PROGRESS, TODAY - timedelta(days=1), 14, Colour.RED),
        (Status.DONE, TODAY - timedelta(days=100), 14, Colour.GREEN),
        (Status.NOT_STARTED, None, 14, Colour.GREEN),
        (Status.NOT_STARTED, date(9999, 12, 31), 365, Colour.GREEN),
        (Status.NOT_STARTED, date(1, 1, 1), 365, Colour.RED),
    ],
)
def test_boundaries_of_the_rule_in_sql(
    template: Path, tmp_path: Path, status: Status, due: date | None, warn: int, expected: Colour
) -> None:
    path = _fresh(template, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE task SET withdrawn = 1 WHERE id <> 'STS-01-01'")
    conn.execute(
        "UPDATE task SET status = ?, due = ?, warn_days = ? WHERE id = 'STS-01-01'",
        (status.value, due.isoformat() if due else None, warn),
    )
    conn.commit()
    conn.close()
    store = Store.open(str(path))
    try:
        assert task_colour(status, due, warn, TODAY) == expected
        assert _sql_counts(store, TODAY) == Counter({("STS", 1, expected): 1})
    finally:
        store.close()


def test_the_model_keeps_the_counts_through_changes(template: Path, tmp_path: Path) -> None:
    """Open a branch, toggle, edit out of view and delete: the incremental counts always equal a
    fresh roll-up from the database."""
    path = _fresh(template, tmp_path)
    store = Store.open(str(path))
    try:
        model = TreeModel(store.overview(TODAY))
        rows, _ = store.branch("STS", 1)
        model.load_branch(("STS", 1), rows)
        for task in rows[:3]:
            before = model.tasks[task.id]
            model.replace_task(store.toggle_done(task.id, before.version))
        outside = store.branch("SAPA", 7)[0][0]  # not loaded in the model
        model.replace_task(store.set_status(outside.id, Status.DONE), before=outside)
        local = store.add_local_task("STS", 1, "Egen opgave", due=TODAY)
        model.replace_task(local)
        assert local.id in model.branches[("STS", 1)]
        store.delete_local_task(local.id)
        model.remove_task(local)

        fresh = TreeModel(store.overview(TODAY))
        assert model.total == fresh.total
        assert model.project_counts == fresh.project_counts
        assert {k: v for k, v in model.main_counts.items() if v.total} == {
            k: v for k, v in fresh.main_counts.items() if v.total
        }
        for key in model.main_counts:
            for task_filter in (TaskFilter(only_problems=True), TaskFilter(hide_done=True)):
                assert model.has_visible(key, task_filter) == fresh.has_visible(key, task_filter)
    finally:
        store.close()
