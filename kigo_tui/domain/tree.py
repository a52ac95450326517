"""The tree the TUI shows, as plain data, holding only what is on screen. No Textual here.

The counts and colours of the kommune, the projects and the hovedopgaver come from the roll-up
(`Store.overview`: one indexed query, whatever the size); the tasks of a hovedopgave are read when
its branch is opened (`load_branch`). A status change adjusts the counts of the task's three
ancestors by one (`replace_task`), never a recount, so a keypress on 50,000 tasks costs the same
as on 400, and memory holds the open branches, not the whole database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kigo_tui.domain.dependencies import GoliveConflict, golive_conflicts
from kigo_tui.domain.rules import Category, Colour, Counts, Status

if TYPE_CHECKING:  # the read models sit above the domain; here they are only types
    from kigo_tui.models.readmodels import MainTaskRow, Overview, ProjectRow, TaskRow

MainKey = tuple[str, int]
Kind = tuple[Category, Status, Colour]
"""What the counts distinguish: a task's category, status and colour."""


@dataclass(frozen=True)
class TaskFilter:
    only_problems: bool = False
    """Only yellow and red tasks."""
    only_required: bool = False
    """Only mandatory and critical tasks."""
    hide_done: bool = False

    @property
    def active(self) -> bool:
        return self.only_problems or self.only_required or self.hide_done

    def describe(self) -> str:
        parts = []
        if self.only_problems:
            parts.append("kun gul/rød")
        if self.only_required:
            parts.append("kun obligatoriske/kritiske")
        if self.hide_done:
            parts.append("skjul fuldførte")
        return ", ".join(parts) or "ingen"

    def passes(self, category: Category, status: Status, colour: Colour) -> bool:
        if self.hide_done and status == Status.DONE:
            return False
        if self.only_required and category == Category.OPTIONAL:
            return False
        return not (self.only_problems and colour == Colour.GREEN)


class TreeModel:
    def __init__(self, overview: Overview) -> None:
        self.kommune_code = overview.kommune_code
        self.kommune_name = overview.kommune_name
        self.revision = overview.revision
        self.today = overview.today
        self.projects: dict[str, ProjectRow] = {p.code: p for p in overview.projects}
        self.main_tasks: dict[int, MainTaskRow] = {m.number: m for m in overview.main_tasks}
        self.skipped = overview.skipped
        self._kinds: dict[MainKey, Counter[Kind]] = defaultdict(Counter)
        self.total = Counts()
        self.project_counts: dict[str, Counts] = {code: Counts() for code in self.projects}
        self.main_counts: dict[MainKey, Counts] = defaultdict(Counts)
        for r in overview.rollup:
            green = r.total - r.red - r.yellow
            for colour, n in (
                (Colour.RED, r.red),
                (Colour.YELLOW, r.yellow),
                (Colour.GREEN, green),
            ):
                if n:
                    self._count((r.project, r.main_task), (r.category, r.status, colour), n)
        self.tasks: dict[str, TaskRow] = {}
        """The tasks of the loaded branches, by id."""
        self.branches: dict[MainKey, list[str]] = {}
        """Loaded branches: their task ids in tree order."""
        self._colours: dict[str, Colour] = {}

    def _count(self, key: MainKey, kind: Kind, n: int) -> None:
        self._kinds[key][kind] += n
        category, status, colour = kind
        for counts in (self.total, self.project_counts[key[0]], self.main_counts[key]):
            counts.add(category, status, colour, n)

    def _kind(self, task: TaskRow) -> Kind:
        return (task.category, task.status, task.colour(self.today))

    # ------------------------------------------------------------------ branches

    def is_loaded(self, key: MainKey) -> bool:
        return key in self.branches

    def load_branch(self, key: MainKey, rows: Iterable[TaskRow]) -> None:
        ids = []
        for task in rows:
            ids.append(task.id)
            self.tasks[task.id] = task
            self._colours[task.id] = task.colour(self.today)
        self.branches[key] = ids

    def main_keys(self, project: str) -> list[MainKey]:
        """The hovedopgaver shown under a project: those with tasks, and those it skips."""
        return [
            (project, n)
            for n in sorted(self.main_tasks)
            if self.main_counts[(project, n)].total or (project, n) in self.skipped
        ]

    # ------------------------------------------------------------------ changes

    def replace_task(self, row: TaskRow, before: TaskRow | None = None) -> None:
        """Put a changed (or new) task in, adjusting the counts of its ancestors only.

        `before` is the task as the counts knew it, for a task outside the loaded branches.
        """
        key = (row.project, row.main_task)
        old = self.tasks.get(row.id, before)
        if old is not None:
            self._count((old.project, old.main_task), self._kind(old), -1)
        self._count(key, self._kind(row), 1)
        if key in self.branches:
            if row.id not in self.tasks:
                self.branches[key].append(row.id)
            self.tasks[row.id] = row
            self._colours[row.id] = row.colour(self.today)

    def remove_task(self, task: TaskRow) -> None:
        key = (task.project, task.main_task)
        old = self.tasks.pop(task.id, task)
        self._colours.pop(task.id, None)
        self._count(key, self._kind(old), -1)
        if key in self.branches and task.id in self.branches[key]:
            self.branches[key].remove(task.id)

    # ------------------------------------------------------------------ reading

    def golive_conflicts(self) -> list[GoliveConflict]:
        """The projects' dependencies that the go-live dates contradict (STS before SAPA …)."""
        return golive_conflicts({code: p.golive for code, p in self.projects.items()})

    def colour_of(self, task_id: str) -> Colour:
        return self._colours[task_id]

    def matches(self, task: TaskRow, task_filter: TaskFilter) -> bool:
        return task_filter.passes(task.category, task.status, task.colour(self.today))

    def has_visible(self, key: MainKey, task_filter: TaskFilter) -> bool:
        """Does the filter leave any task of this hovedopgave (loaded or not)?"""
        return any(n > 0 and task_filter.passes(*kind) for kind, n in self._kinds[key].items())

    def visible_tasks(self, key: MainKey, task_filter: TaskFilter) -> list[str]:
        """The ids of a loaded branch that the filter shows."""
        ids = self.branches.get(key, [])
        if not task_filter.active:
            return list(ids)
        return [i for i in ids if self.matches(self.tasks[i], task_filter)]
