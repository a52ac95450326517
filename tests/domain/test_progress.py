"""Progress over time: the chart's data series from a known history, and the chart drawn from it.

The history below is small enough to follow by hand (today is Monday 23 November 2026, ISO week
48; Copenhagen wall-clock times):

- A: due 10/11, started 2/11, done 12/11.
- B: due 20/11 (14 days' warning), never started.
- C: due 15/12, started Monday 16/11 08:00.
- D: a local task added 9/11, due 13/11 until its due date was moved to 30/11 on 18/11.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.progress import ALL, Change, WeekPoint, progress, progress_by_scope
from kigo_tui.domain.rules import Category, Status
from kigo_tui.formats.chart import (
    MAX_PER_WEEK,
    PLAN,
    RED,
    TODAY,
    YELLOW,
    columns,
    plain,
    progress_chart,
)
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY


def cph(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=COPENHAGEN).astimezone(UTC)


def task(id_: str, due: date, status: Status, warn: int = 14, local: bool = False) -> TaskRow:
    return TaskRow(
        id=id_,
        project="KY",
        main_task=10,
        position=0,
        title=id_,
        category=Category.MANDATORY,
        phase="F3",
        status=status,
        start=None,
        due=due,
        warn_days=warn,
        is_local=local,
        completed_at=None,
        version=1,
    )


TASKS = [
    task("A", date(2026, 11, 10), Status.DONE, warn=7),
    task("B", date(2026, 11, 20), Status.NOT_STARTED),
    task("C", date(2026, 12, 15), Status.IN_PROGRESS),
    task("D", date(2026, 11, 30), Status.NOT_STARTED, warn=5, local=True),
]
CHANGES = [
    Change("A", "status", "not_started", "in_progress", cph(11, 2, 10)),
    Change("D", "oprettet", None, "D", cph(11, 9, 12)),
    Change("A", "status", "in_progress", "done", cph(11, 12, 9)),
    Change("C", "status", "not_started", "in_progress", cph(11, 16, 8)),
    Change("D", "due", "2026-11-13", "2026-11-30", cph(11, 18, 14)),
    Change("OTHER", "status", "not_started", "done", cph(11, 3)),  # another project's task
    Change("B", "title", "gammel", "B", cph(11, 4)),  # a field the chart does not use
]


def _by_label(weeks: list[WeekPoint]) -> dict[str, WeekPoint]:
    return {w.label: w for w in weeks}


def test_weekly_series_from_a_known_history() -> None:
    series = progress(TASKS, CHANGES, FIXED_TODAY, "KY", start=date(2026, 11, 2))
    weeks = _by_label(series.weeks)
    assert list(weeks) == [f"2026-U{n}" for n in range(45, 52)]
    rows = {
        label: (w.day, w.tasks, w.done, w.remaining, w.planned_remaining, w.red, w.yellow)
        for label, w in weeks.items()
    }
    assert rows["2026-U45"] == (date(2026, 11, 8), 3, 0, 3, 4, 0, 1)  # B yellow; D not yet added
    assert rows["2026-U46"] == (date(2026, 11, 15), 4, 1, 3, 3, 1, 1)  # D red (then due 13/11)
    assert rows["2026-U47"] == (date(2026, 11, 22), 4, 1, 3, 2, 1, 0)  # B red; C started
    assert rows["2026-U48"] == (FIXED_TODAY, 4, 1, 3, 2, 1, 0)  # the current week: today
    assert rows["2026-U49"] == (date(2026, 12, 6), None, None, None, 1, None, None)
    assert rows["2026-U51"] == (date(2026, 12, 20), None, None, None, 0, None, None)
    assert weeks["2026-U46"].behind == 0 and weeks["2026-U47"].behind == 1
    assert series.current is weeks["2026-U48"]
    assert series.current_index == 3


@pytest.mark.parametrize(
    ("done_at", "week_of_done"),
    [(cph(11, 15, 23, 59, 59), "2026-U46"), (cph(11, 16, 0, 0, 0), "2026-U47")],
    ids=["sunday-23:59:59", "monday-00:00"],
)
def test_a_change_counts_in_the_copenhagen_week_it_happened(
    done_at: datetime, week_of_done: str
) -> None:
    changes = [Change("A", "status", "in_progress", "done", done_at)]
    weeks = _by_label(progress(TASKS[:1], changes, FIXED_TODAY, "KY", date(2026, 11, 2)).weeks)
    first_done = next(label for label, w in weeks.items() if w.done)
    assert first_done == week_of_done


def test_changes_after_today_have_not_happened_yet() -> None:
    tomorrow = [Change("B", "status", "not_started", "done", cph(11, 24, 10))]
    tasks = [task("B", date(2026, 11, 20), Status.DONE)]
    series = progress(tasks, tomorrow, FIXED_TODAY, "KY", date(2026, 11, 16))
    assert (series.current.done, series.current.red) == (0, 1)
    later = progress(tasks, tomorrow, FIXED_TODAY + timedelta(days=1), "KY", date(2026, 11, 16))
    assert (later.current.done, later.current.red) == (1, 0)


def test_scopes_split_by_project_and_the_kommune_adds_up() -> None:
    other = task("S", date(2026, 11, 11), Status.NOT_STARTED)
    other = TaskRow(**{**{f: getattr(other, f) for f in other.__slots__}, "project": "SAPA"})
    by_scope = progress_by_scope(
        [*TASKS, other], CHANGES, FIXED_TODAY, ["STS", "SAPA", "KY", "KSD"], date(2026, 11, 2)
    )
    assert list(by_scope) == [ALL, "STS", "SAPA", "KY", "KSD"]
    now = {scope: series.current for scope, series in by_scope.items()}
    assert now[ALL].tasks == now["KY"].tasks + now["SAPA"].tasks == 5
    assert now[ALL].red == now["KY"].red + now["SAPA"].red == 2
    assert now["STS"].tasks == 0 and by_scope["STS"].weeks[-1].planned_remaining == 0


def test_the_store_history_drives_the_same_series(db_path: Path) -> None:
    """Real history rows (their times moved into the past) give what the pure function gives."""
    from kigo_tui.storage.progress import read_progress

    store = Store.open(str(db_path))
    try:
        store.set_status("KY-10-01", Status.IN_PROGRESS)
        store.set_status("KY-10-01", Status.DONE)
        with store.engine.begin() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM history WHERE task_id = 'KY-10-01' ORDER BY id")
                )
            ]
            for row_id, moment in zip(ids, (cph(11, 10, 9), cph(11, 17, 15)), strict=True):
                conn.execute(
                    text("UPDATE history SET at = :at WHERE id = :id"),
                    {"at": moment.replace(tzinfo=None), "id": row_id},
                )
            conn.execute(
                text("UPDATE meta SET value = :v WHERE key = 'created_at'"),
                {"v": cph(11, 2, 9).isoformat()},
            )
        series = read_progress(store, FIXED_TODAY)["KY"]
        weeks = _by_label(series.weeks)
        assert series.weeks[0].label == "2026-U45"  # from the day the database was made
        assert weeks["2026-U46"].done == 0
        assert weeks["2026-U47"].done == weeks["2026-U48"].done == 1
        ky_tasks = [t for t in store.snapshot().tasks if t.project == "KY"]
        assert weeks["2026-U48"].tasks == len(ky_tasks)
    finally:
        store.close()


# ------------------------------------------------------------------ the chart


def _series() -> list[WeekPoint]:
    return progress(TASKS, CHANGES, FIXED_TODAY, "KY", date(2026, 11, 2)).weeks


def test_chart_bars_plan_and_today_from_the_series() -> None:
    weeks = _series()
    lines = plain(progress_chart(weeks, 60, 20, today_index=3))
    assert lines[0].startswith("Tilbage:")
    axis = next(i for i, line in enumerate(lines) if "└" in line)
    burn = lines[1:axis]
    assert len(burn) == (20 - 5) * 3 // 5
    plot_start = burn[0].index("┤") + 2
    per_week = len(columns(weeks, 60 - plot_start, 3)) // len(weeks)
    assert per_week == min(MAX_PER_WEEK, (60 - plot_start) // len(weeks))

    def column(week: int) -> str:
        return "".join(
            line[plot_start + week * per_week] if len(line) > plot_start + week * per_week else " "
            for line in burn
        )

    # remaining 3, 3, 3, 3 for the measured weeks: equal bars; none after today
    assert column(0).replace(PLAN, "█") != column(4)
    assert all(ch in f" {PLAN}" for ch in column(4) + column(5) + column(6))
    # the plan falls from 4 to 0: its dot moves down, and sits on the bottom row at the end
    rows_of_plan = [column(i).index(PLAN) for i in range(len(weeks))]
    assert rows_of_plan == sorted(rows_of_plan)
    assert rows_of_plan[-1] == len(burn) - 1
    assert lines[axis][plot_start + 3 * per_week] == TODAY
    assert "i dag" in lines[axis + 1]
    colours = lines[axis + 3 : -1]
    red_week1 = "".join(line[plot_start + 1 * per_week] for line in colours)
    assert RED in red_week1 and YELLOW in red_week1  # week 46: one red, one yellow
    red_week0 = "".join(line[plot_start] for line in colours)
    assert RED not in red_week0 and YELLOW in red_week0  # week 45: yellow only


def test_chart_buckets_many_weeks_and_says_when_there_is_no_room() -> None:
    weeks = _series() * 30  # 210 columns of data into a narrow chart
    cols = columns(weeks, 50, today_index=3)
    assert len(cols) <= 50
    assert sum(c.is_today for c in cols) == 1
    rows = progress_chart(weeks, 60, 16, 3)
    assert all(len(row) == 60 for row in rows)
    assert "for lidt plads" in plain(progress_chart(weeks, 15, 16, 3))[0]


@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.sampled_from(list(Status)),
            st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)),
            st.integers(0, 365),
        ),
        max_size=30,
    ),
    st.dates(date(2026, 1, 1), date(2027, 12, 31)),
)
def test_the_weekly_tally_is_kigos_colour_rule(rows: list, day: date) -> None:
    """The tally inlines `rules.task_colour` for speed; it must never disagree with it."""
    from kigo_tui.domain.progress import state_of, tally
    from kigo_tui.domain.rules import Colour, task_colour

    existing = [r for r in rows if r[0]]
    colours = [task_colour(status, due, warn, day) for _, status, due, warn in existing]
    assert tally([state_of(*r) for r in rows], day) == (
        len(existing),
        sum(1 for _, status, _, _ in existing if status == Status.DONE),
        colours.count(Colour.RED),
        colours.count(Colour.YELLOW),
    )


def test_the_kommune_is_the_sum_of_its_projects_and_matches_one_scope() -> None:
    sapa = [
        TaskRow(**{**{f: getattr(t, f) for f in t.__slots__}, "id": "S" + t.id, "project": "SAPA"})
        for t in TASKS
    ]
    moved = [
        Change("S" + c.task_id, c.field, c.old, c.new, c.at + timedelta(days=3)) for c in CHANGES
    ]
    tasks, changes = [*TASKS, *sapa], [*CHANGES, *moved]
    by_scope = progress_by_scope(tasks, changes, FIXED_TODAY, ["KY", "SAPA"], date(2026, 11, 2))
    alone = progress(tasks, changes, FIXED_TODAY, ALL, date(2026, 11, 2))
    assert by_scope[ALL].weeks == alone.weeks
    assert (
        by_scope["KY"].weeks == progress(TASKS, changes, FIXED_TODAY, "KY", date(2026, 11, 2)).weeks
    )
