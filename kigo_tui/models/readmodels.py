"""Plain read-models: what the CLI, the TUI and the export get from the store (no ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kigo_tui.domain.rules import Category, Colour, Status, task_colour


@dataclass(slots=True)
class TaskRow:
    id: str
    project: str
    main_task: int
    position: int
    title: str
    category: Category
    phase: str
    status: Status
    start: date | None
    due: date | None
    warn_days: int
    is_local: bool
    completed_at: datetime | None
    version: int
    baseline_start: date | None = None
    """KOMBIT's start date (the catalogue's, from the go-live); None for a local task."""
    baseline_due: date | None = None
    """KOMBIT's due date; None for a local task."""
    start_reason: str | None = None
    """Why the kommune moved the start away from KOMBIT's (while it is moved)."""
    due_reason: str | None = None
    """Why the kommune moved the due date away from KOMBIT's (while it is moved)."""

    def colour(self, today: date) -> Colour:
        return task_colour(self.status, self.due, self.warn_days, today)

    def baseline_colour(self, today: date) -> Colour | None:
        """The colour against KOMBIT's baseline due date; None for a local task (no baseline)."""
        if self.is_local:
            return None
        return task_colour(self.status, self.baseline_due, self.warn_days, today)

    @property
    def start_moved(self) -> bool:
        """The kommune's start differs from KOMBIT's (a catalogue task with a baseline)."""
        return self.baseline_start is not None and self.start != self.baseline_start

    @property
    def due_moved(self) -> bool:
        """The kommune's due date differs from KOMBIT's (a catalogue task with a baseline)."""
        return self.baseline_due is not None and self.due != self.baseline_due


@dataclass(frozen=True, slots=True)
class ProjectRow:
    code: str
    name: str
    description: str
    golive: date | None


@dataclass(frozen=True, slots=True)
class MainTaskRow:
    number: int
    name: str
    group: str
    description: str
    purpose: str


@dataclass(slots=True)
class Outline:
    """The kommune, its projects and the hovedopgaver: the tree without its tasks."""

    kommune_code: str
    kommune_name: str
    catalogue_version: str
    revision: int
    projects: list[ProjectRow]
    main_tasks: list[MainTaskRow]
    skipped: dict[tuple[str, int], str]


@dataclass(slots=True)
class Snapshot(Outline):
    """Everything needed to draw the tree and compute colours, read in one go."""

    tasks: list[TaskRow]

    def tasks_by_id(self) -> dict[str, TaskRow]:
        return {t.id: t for t in self.tasks}


@dataclass(frozen=True, slots=True)
class RollupRow:
    """How many tasks of one category and status a hovedopgave has, and how many are red/yellow."""

    project: str
    main_task: int
    category: Category
    status: Status
    total: int
    red: int
    yellow: int


@dataclass(slots=True)
class Overview(Outline):
    """The top of the tree with its roll-up counts on `today`, without any task: what the TUI's
    first frame needs, read from an index at any size."""

    today: date
    rollup: list[RollupRow]


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    id: int
    text: str
    done: bool


@dataclass(frozen=True, slots=True)
class HistoryRow:
    field: str
    old: str | None
    new: str | None
    at: datetime
    user: str
    reason: str | None = None


@dataclass(slots=True)
class TaskDetail:
    """The parts of a task only the detail pane needs, read when it is selected."""

    task: TaskRow
    description: str
    start_manual: bool
    due_manual: bool
    exit_priority: str | None
    checklist: list[ChecklistRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
