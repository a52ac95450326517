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

from kigo_tui.dates import COPENHAGEN
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.rules import Colour, Status, task_colour
from kigo_tui.times import as_utc, end_of_day

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
        return f"{self.year}-U{self.week:02d}"

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


def _as_status(text: str | None, default: Status) -> Status:
    try:
        return Status(text) if text else default
    except ValueError:
        return default


@dataclass(slots=True)
class _State:
    exists: bool
    status: Status
    due: date | None
    warn_days: int


def _initial_states(tasks: Sequence[TaskRow], changes: Sequence[Change]) -> dict[str, _State]:
    """Each task's state before its first recorded change."""
    states = {t.id: _State(True, t.status, t.due, t.warn_days) for t in tasks}
    seen: set[tuple[str, str]] = set()
    for change in changes:  # oldest first: the first change of a kind tells the value before it
        state = states[change.task_id]
        kind = _kind(change.field)
        if (change.task_id, kind) in seen:
            continue
        seen.add((change.task_id, kind))
        if kind == "status":
            state.status = _as_status(change.old, state.status)
        elif kind == "due":
            state.due = _as_date(change.old)
        elif kind == "warn":
            state.warn_days = _as_int(change.old, state.warn_days)
        else:  # before it was first added it did not exist; before it was first removed it did
            state.exists = change.field in REMOVED_FIELDS
    return states


def _kind(name: str) -> str:
    if name in STATUS_FIELDS:
        return "status"
    if name in DUE_FIELDS:
        return "due"
    if name in WARN_FIELDS:
        return "warn"
    return "exists"


def _apply(state: _State, change: Change) -> None:
    kind = _kind(change.field)
    if kind == "status":
        state.status = _as_status(change.new, state.status)
    elif kind == "due":
        state.due = _as_date(change.new)
    elif kind == "warn":
        state.warn_days = _as_int(change.new, state.warn_days)
    else:
        state.exists = change.field in ADDED_FIELDS


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
    ids = {t.id for t in tasks}
    relevant = sorted(
        (c for c in changes if c.task_id in ids and c.field in RELEVANT_FIELDS),
        key=lambda c: as_utc(c.at),
    )
    moments = [as_utc(c.at) for c in relevant]
    first_change = moments[0].astimezone(COPENHAGEN).date() if moments else today
    start_day = min(start or first_change, first_change, today)
    first_week = max(_monday(start_day), _monday(today) - timedelta(weeks=MAX_WEEKS_BACK))
    last_due = max((t.due for t in tasks if t.due is not None), default=today)
    last_week = min(
        _monday(max(last_due, today)), _monday(today) + timedelta(weeks=MAX_WEEKS_AHEAD)
    )
    planned_dues = sorted(t.due for t in tasks if t.due is not None)
    states = _initial_states(tasks, relevant)
    applied = 0
    weeks: list[WeekPoint] = []
    monday = first_week
    while monday <= last_week:
        sunday = monday + timedelta(days=6)
        day = min(sunday, today) if monday <= today else sunday
        planned_remaining = len(tasks) - bisect_right(planned_dues, day)
        iso = monday.isocalendar()
        if monday > today:
            weeks.append(
                WeekPoint(
                    iso.year, iso.week, monday, day, planned_remaining, None, None, None, None
                )
            )
        else:
            cut = end_of_day(day)
            while applied < len(relevant) and moments[applied] < cut:
                _apply(states[relevant[applied].task_id], relevant[applied])
                applied += 1
            counts = _count(states.values(), day)
            weeks.append(
                WeekPoint(
                    iso.year,
                    iso.week,
                    monday,
                    day,
                    planned_remaining,
                    counts["tasks"],
                    counts["done"],
                    counts["red"],
                    counts["yellow"],
                )
            )
        monday += timedelta(weeks=1)
    return Progress(scope, today, weeks)


def _count(states: Iterable[_State], day: date) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for state in states:
        if not state.exists:
            continue
        counts["tasks"] += 1
        if state.status == Status.DONE:
            counts["done"] += 1
        colour = task_colour(state.status, state.due, state.warn_days, day)
        if colour == Colour.RED:
            counts["red"] += 1
        elif colour == Colour.YELLOW:
            counts["yellow"] += 1
    return counts


def progress_by_scope(
    tasks: Sequence[TaskRow],
    changes: Sequence[Change],
    today: date,
    projects: Sequence[str],
    start: date | None = None,
) -> dict[str, Progress]:
    """The kommune as a whole and each project, in that order."""
    result = {ALL: progress(tasks, changes, today, ALL, start)}
    by_project: dict[str, list[TaskRow]] = defaultdict(list)
    for task in tasks:
        by_project[task.project].append(task)
    for code in projects:
        result[code] = progress(by_project.get(code, []), changes, today, code, start)
    return result
