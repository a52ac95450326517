"""Progress over time from the history: a burn-down against the plan, and red/yellow per week.

Pure functions: the current tasks and the recorded changes in, weekly figures out. No Textual,
no database.

How a week is measured (our choices, see the README):
- Weeks are ISO weeks (Monday–Sunday) in Copenhagen time. A past week is measured at the end of
  its Sunday; the current week at the end of `today`; later weeks have the plan only.
- The state of a task at a moment is rebuilt from the history: its status, due date and warning
  window are what the recorded changes say they were (`old` of the first later change, else the
  value today). Dates moved by a new go-live date are not recorded per task, so such tasks count
  with their date as it is now. A task added later (a local task, a catalogue import) counts from
  the moment it was added; a withdrawn one not while it was withdrawn.
- **Tilbage** (remaining) = tasks that existed and were not done. **Plan** = tasks whose due date
  (as planned now) is later than that day, or that have no due date: what would remain if every
  task were done exactly on its due date.
- Red and yellow follow KIGO's colour rule on that day with the state of that day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.rules import Status
from kigo_tui.domain.times import as_utc, end_of_day

if TYPE_CHECKING:  # the read models sit above the domain; here they are only types
    from kigo_tui.models.readmodels import TaskRow

ALL = "Alle"
"""The scope of the kommune as a whole."""

STATUS_FIELDS = ("status",)
DUE_FIELDS = ("due", "katalog:due")
WARN_FIELDS = ("warn_days", "katalog:warn_days")
ADDED_FIELDS = ("oprettet", "katalog:tilføjet", "katalog:genindsat")
REMOVED_FIELDS = ("slettet", "katalog:tilbagetrukket")
RELEVANT_FIELDS = STATUS_FIELDS + DUE_FIELDS + WARN_FIELDS + ADDED_FIELDS + REMOVED_FIELDS
"""The history fields that change what the chart shows."""

MAX_WEEKS_BACK = 3 * 53
MAX_WEEKS_AHEAD = 2 * 53


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change of a task (a row of the history)."""

    task_id: str
    field: str
    old: str | None
    new: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class WeekPoint:
    year: int
    week: int
    monday: date
    day: date
    """The day the figures are for: the week's Sunday, or today in the current week."""
    planned_remaining: int
    tasks: int | None
    """How many tasks existed (None for a week after today)."""
    done: int | None
    red: int | None
    yellow: int | None

    @property
    def label(self) -> str:
        """The week in files (JSON): ISO-like, sorts as text."""
        return f"{self.year}-U{self.week:02d}"

    @property
    def danish_label(self) -> str:
        """The week as a person reads it: "uge 7/2027"."""
        return f"uge {self.week}/{self.year}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def measured(self) -> bool:
        return self.done is not None

    @property
    def remaining(self) -> int | None:
        if self.tasks is None or self.done is None:
            return None
        return self.tasks - self.done

    @property
    def behind(self) -> int | None:
        """Remaining minus planned remaining: positive means behind the plan."""
        remaining = self.remaining
        return None if remaining is None else remaining - self.planned_remaining


@dataclass(frozen=True, slots=True)
class Progress:
    scope: str
    """A project code, or ALL."""
    today: date
    weeks: list[WeekPoint] = field(default_factory=list)

    @property
    def current(self) -> WeekPoint | None:
        measured = [w for w in self.weeks if w.measured]
        return measured[-1] if measured else None

    @property
    def current_index(self) -> int | None:
        current = self.current
        return None if current is None else self.weeks.index(current)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _as_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _as_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# A task's state as a small list, so the weekly tally is a tight loop over plain ints:
# [exists, status code, due date as an ordinal (NO_DUE when none), warning days].
EXISTS, STATUS, DUE, WARN = range(4)
NOT_STARTED, IN_PROGRESS, DONE = 0, 1, 2
NO_DUE = -1
STATUS_CODES = {Status.NOT_STARTED: NOT_STARTED, Status.IN_PROGRESS: IN_PROGRESS, Status.DONE: DONE}
STATUS_VALUES = {status.value: code for status, code in STATUS_CODES.items()}


def state_of(exists: bool, status: Status, due: date | None, warn_days: int) -> list[int]:
    return [
        int(exists),
        STATUS_CODES[status],
        NO_DUE if due is None else due.toordinal(),
        warn_days,
    ]


def _kind(name: str) -> str:
    if name in STATUS_FIELDS:
        return "status"
    if name in DUE_FIELDS:
        return "due"
    if name in WARN_FIELDS:
        return "warn"
    return "exists"


def _set(state: list[int], change: Change, *, before: bool) -> None:
    """Put `change.old` (before=True: the value before it) or `change.new` into `state`."""
    value = change.old if before else change.new
    kind = _kind(change.field)
    if kind == "status":
        if value in STATUS_VALUES:
            state[STATUS] = STATUS_VALUES[value]
    elif kind == "due":
        due = _as_date(value)
        state[DUE] = NO_DUE if due is None else due.toordinal()
    elif kind == "warn":
        state[WARN] = _as_int(value, state[WARN])
    elif before:  # before it was first added it did not exist; before it was first removed it did
        state[EXISTS] = int(change.field in REMOVED_FIELDS)
    else:
        state[EXISTS] = int(change.field in ADDED_FIELDS)


def _initial_states(tasks: Sequence[TaskRow], changes: Sequence[Change]) -> dict[str, list[int]]:
    """Each task's state before its first recorded change."""
    states = {t.id: state_of(True, t.status, t.due, t.warn_days) for t in tasks}
    seen: set[tuple[str, str]] = set()
    for change in changes:  # oldest first: the first change of a kind tells the value before it
        key = (change.task_id, _kind(change.field))
        if key not in seen:
            seen.add(key)
            _set(states[change.task_id], change, before=True)
    return states


def tally(states: Iterable[list[int]], day: date) -> tuple[int, int, int, int]:
    """(tasks, done, red, yellow) on `day`: KIGO's colour rule (`rules.task_colour`) inlined.

    Red: not done and past the due date. Yellow: not started and within the warning window.
    """
    today = day.toordinal()
    tasks = done = red = yellow = 0
    for exists, status, due, warn in states:
        if not exists:
            continue
        tasks += 1
        if status == DONE:
            done += 1
        elif due != NO_DUE:
            if today > due:
                red += 1
            elif status == NOT_STARTED and due - today <= warn:
                yellow += 1
    return tasks, done, red, yellow


def _relevant(changes: Iterable[Change], ids: set[str]) -> list[Change]:
    return sorted(
        (c for c in changes if c.task_id in ids and c.field in RELEVANT_FIELDS),
        key=lambda c: as_utc(c.at),
    )


def _week_range(
    tasks: Sequence[TaskRow], relevant: Sequence[Change], today: date, start: date | None
) -> tuple[date, date]:
    """The Mondays of the first and the last week to show."""
    first_change = as_utc(relevant[0].at).astimezone(COPENHAGEN).date() if relevant else today
    start_day = min(start or first_change, first_change, today)
    first_week = max(_monday(start_day), _monday(today) - timedelta(weeks=MAX_WEEKS_BACK))
    last_due = max((t.due for t in tasks if t.due is not None), default=today)
    last_week = min(
        _monday(max(last_due, today)), _monday(today) + timedelta(weeks=MAX_WEEKS_AHEAD)
    )
    return first_week, last_week


def _weeks(
    tasks: Sequence[TaskRow],
    relevant: Sequence[Change],
    today: date,
    first_week: date,
    last_week: date,
) -> list[WeekPoint]:
    """The weekly points from `first_week` to `last_week` (Mondays); `relevant` oldest first."""
    planned_dues = sorted(t.due for t in tasks if t.due is not None)
    states = _initial_states(tasks, relevant)
    moments = [as_utc(c.at) for c in relevant]
    applied = 0
    weeks: list[WeekPoint] = []
    monday = first_week
    while monday <= last_week:
        sunday = monday + timedelta(days=6)
        day = min(sunday, today) if monday <= today else sunday
        planned = len(tasks) - bisect_right(planned_dues, day)
        iso = monday.isocalendar()
        if monday > today:
            weeks.append(
                WeekPoint(iso.year, iso.week, monday, day, planned, None, None, None, None)
            )
        else:
            cut = end_of_day(day)
            while applied < len(relevant) and moments[applied] < cut:
                _set(states[relevant[applied].task_id], relevant[applied], before=False)
                applied += 1
            figures = tally(states.values(), day)
            weeks.append(WeekPoint(iso.year, iso.week, monday, day, planned, *figures))
        monday += timedelta(weeks=1)
    return weeks


def progress(
    tasks: Sequence[TaskRow],
    changes: Iterable[Change],
    today: date,
    scope: str = ALL,
    start: date | None = None,
) -> Progress:
    """Weekly figures for `tasks` (one project's, or all) from `start` (or the first change).

    `changes` may hold changes of other tasks and fields; they are ignored. Changes after the end
    of `today` have not happened yet on `today`.
    """
    relevant = _relevant(changes, {t.id for t in tasks})
    first_week, last_week = _week_range(tasks, relevant, today, start)
    return Progress(scope, today, _weeks(tasks, relevant, today, first_week, last_week))


def _sum(values: Iterable[int | None]) -> int | None:
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def progress_by_scope(
    tasks: Sequence[TaskRow],
    changes: Sequence[Change],
    today: date,
    projects: Sequence[str],
    start: date | None = None,
) -> dict[str, Progress]:
    """The kommune as a whole and each project, in that order.

    Each project is counted once over the kommune's weeks; the kommune is their sum, and each
    project's series then ends at its own last due date (or this week).
    """
    relevant = _relevant(changes, {t.id for t in tasks})
    first_week, last_week = _week_range(tasks, relevant, today, start)
    by_project: dict[str, list[TaskRow]] = defaultdict(list)
    for task in tasks:
        by_project[task.project].append(task)
    changes_of: dict[str, list[Change]] = defaultdict(list)
    project_of = {t.id: t.project for t in tasks}
    for change in relevant:
        changes_of[project_of[change.task_id]].append(change)
    codes = list(dict.fromkeys([*projects, *sorted(by_project)]))
    series = {
        code: _weeks(by_project[code], changes_of[code], today, first_week, last_week)
        for code in codes
    }
    calendar = _weeks([], [], today, first_week, last_week)
    total = [
        WeekPoint(
            w.year,
            w.week,
            w.monday,
            w.day,
            sum(s[i].planned_remaining for s in series.values()),
            *(
                _sum(getattr(s[i], name) for s in series.values())
                for name in ("tasks", "done", "red", "yellow")
            ),
        )
        for i, w in enumerate(calendar)
    ]
    result = {ALL: Progress(ALL, today, total)}
    for code in projects:
        own_last = _week_range(by_project[code], [], today, first_week)[1]
        result[code] = Progress(code, today, [w for w in series[code] if w.monday <= own_last])
    return result
