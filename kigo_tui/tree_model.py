"""The tree the TUI shows, as plain data: tasks by hovedopgave, with counts kept incrementally.

A status change touches one task's counts and its two ancestors, never a recount of everything,
so a keypress on a database of 50,000 tasks costs the same as on 400. No Textual here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from kigo_tui.models.readmodels import MainTaskRow, ProjectRow, Snapshot, TaskRow
from kigo_tui.rules import Category, Colour, Counts, Status

MainKey = tuple[str, int]


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


class TreeModel:
    def __init__(self, snapshot: Snapshot, today: date) -> None:
        self.kommune_code = snapshot.kommune_code
        self.kommune_name = snapshot.kommune_name
        self.revision = snapshot.revision
        self.projects: dict[str, ProjectRow] = {p.code: p for p in snapshot.projects}
        self.main_tasks: dict[int, MainTaskRow] = {m.number: m for m in snapshot.main_tasks}
        self.skipped = snapshot.skipped
        self.tasks: dict[str, TaskRow] = {}
        self.by_main: dict[MainKey, list[str]] = defaultdict(list)
        for task in snapshot.tasks:
            self.tasks[task.id] = task
            self.by_main[(task.project, task.main_task)].append(task.id)
        self.today = today
        self._recount()

    def _recount(self) -> None:
        self.total = Counts()
        self.project_counts: dict[str, Counts] = {code: Counts() for code in self.projects}
        self.main_counts: dict[MainKey, Counts] = defaultdict(Counts)
        self._colours: dict[str, Colour] = {}
        for task in self.tasks.values():
            self._count(task, 1)

    def _count(self, task: TaskRow, sign: int) -> None:
        if sign > 0:
            self._colours[task.id] = task.colour(self.today)
        colour = self._colours[task.id]
        for counts in (
            self.total,
            self.project_counts[task.project],
            self.main_counts[(task.project, task.main_task)],
        ):
            counts.add(task.category, task.status, colour, sign)

    def colour_of(self, task_id: str) -> Colour:
        return self._colours[task_id]

    def main_keys(self, project: str) -> list[MainKey]:
        """The hovedopgaver shown under a project: those with tasks, and those it skips."""
        return [
            (project, n)
            for n in sorted(self.main_tasks)
            if self.by_main.get((project, n)) or (project, n) in self.skipped
        ]

    def replace_task(self, row: TaskRow) -> None:
        """Put a changed task in, adjusting the counts of it and its ancestors only."""
        old = self.tasks.get(row.id)
        if old is not None:
            self._count(old, -1)
        else:
            self.by_main[(row.project, row.main_task)].append(row.id)
        self.tasks[row.id] = row
        self._count(row, 1)

    def remove_task(self, task_id: str) -> None:
        old = self.tasks.pop(task_id)
        self._count(old, -1)
        del self._colours[task_id]
        self.by_main[(old.project, old.main_task)].remove(task_id)

    def set_today(self, today: date) -> bool:
        """Recompute colours for a new date; True when anything changed colour."""
        if today == self.today:
            return False
        before = dict(self._colours)
        self.today = today
        self._recount()
        return before != self._colours

    def matches(self, task_id: str, task_filter: TaskFilter) -> bool:
        task = self.tasks[task_id]
        if task_filter.hide_done and task.status == Status.DONE:
            return False
        if task_filter.only_required and task.category == Category.OPTIONAL:
            return False
        return not (task_filter.only_problems and self._colours[task_id] == Colour.GREEN)

    def visible_tasks(self, key: MainKey, task_filter: TaskFilter) -> list[str]:
        ids = self.by_main.get(key, [])
        if not task_filter.active:
            return list(ids)
        return [i for i in ids if self.matches(i, task_filter)]

    def search(self, text: str, task_filter: TaskFilter | None = None) -> list[str]:
        """Task ids whose id or title contains `text` (case-insensitive), in tree order."""
        needle = text.strip().casefold()
        if not needle:
            return []
        hits = []
        for project in self.projects:
            for key in self.main_keys(project):
                for task_id in self.by_main.get(key, []):
                    task = self.tasks[task_id]
                    found = needle in task_id.casefold() or needle in task.title.casefold()
                    if found and (task_filter is None or self.matches(task_id, task_filter)):
                        hits.append(task_id)
        return hits
