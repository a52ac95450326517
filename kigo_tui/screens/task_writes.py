"""How the main screen writes a task: based on the version the user saw, never a silent lost
update. A change a colleague overtook is not saved: the user sees what the colleague changed and
chooses (`ConflictScreen`). The UI follows only after the store has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from kigo_tui.errors import KigoError
from kigo_tui.screens.base import BaseScreen
from kigo_tui.screens.organisation import responsible_names
from kigo_tui.widgets.task_tree import TaskTree

if TYPE_CHECKING:
    from kigo_tui.domain.conflict import Conflict
    from kigo_tui.domain.organisation import Organisation
    from kigo_tui.domain.tree import TreeModel
    from kigo_tui.models.readmodels import TaskDetail, TaskRow
    from kigo_tui.storage.store import Store


@dataclass
class UndoEntry:
    task_id: str
    before: TaskRow
    what: str
    after: TaskRow
    """The task as the change left it: the undo is based on this version."""


TaskChange = Callable[["Store", "int | None"], "TaskRow"]
"""One write to a task in the store, given the version it is based on; returns the task after."""


@dataclass
class TaskWrite:
    """A change of one task, with what the user saw when they made it (no silent lost update)."""

    seen: TaskRow
    """The task as shown when the user acted; the write is based on its version."""
    change: TaskChange
    mine: dict[str, object]
    """What the change makes of the fields it touches (labels of `kigo_tui.domain.conflict.task_fields`)."""
    responsibility: tuple[str | None, str | None] | None = None
    """Ansvarlig and udfører as shown (names), when known."""
    detail: TaskDetail | None = None
    """The detail pane's task when it showed this task (description, checklist)."""
    undo_what: str | None = None
    reapply: TaskChange | None = None
    """The change to make on top of a colleague's (default: `change` again)."""


@dataclass(frozen=True)
class Written:
    row: TaskRow
    before: TaskRow | None
    undo_what: str | None
    revision: int


@dataclass(frozen=True)
class Overtaken:
    """A colleague saved first: what to ask, and the write to make if the user saves anyway."""

    write: TaskWrite
    conflict: Conflict
    current: TaskRow
    again: TaskWrite


@dataclass(frozen=True)
class Gone:
    """The colleague's version could not be read (the task is gone, or the database is not
    reachable): nothing saved, the tree is read again."""

    error: KigoError


class TaskWrites(BaseScreen[None]):
    """The main screen's state its writes work on, and the write of one task."""

    model: TreeModel | None
    org: Organisation | None
    undo_stack: list[UndoEntry]
    _own: dict[tuple[str, int], TaskRow]
    """This screen's own writes: (task, version it was based on) → the task after it. A change
    based on a version this screen wrote over continues from its own newer row."""
    _shown_detail: TaskDetail | None
    _known_revision: int
    _detail_task: str | None

    @property
    def tree(self) -> TaskTree:  # type: ignore[override]  # DOMNode.tree is a debug view; here (and in the tests) it is the task tree
        return self.query_one(TaskTree)

    def load(self) -> None:
        raise NotImplementedError  # MainScreen reads the tree

    def load_detail(self, task_id: str) -> None:
        raise NotImplementedError  # MainScreen reads the detail pane

    def update_header(self) -> None:
        raise NotImplementedError  # MainScreen draws the header

    def task_write(
        self, seen: TaskRow, change: TaskChange, mine: dict[str, object], **extra: Any
    ) -> None:
        """Start a write of `seen` with what the screen shows with it now (unless `extra` says
        what was shown when the user started)."""
        self.write_task(TaskWrite(seen, change, mine, **{**self.shown_with(seen), **extra}))

    def shown_with(self, seen: TaskRow) -> dict[str, Any]:
        """What the screen shows with a task now: responsibility, and the detail pane's
        description and checklist if they are of the same version."""
        detail = self._shown_detail
        same = detail is not None and detail.task.id == seen.id
        return {
            "responsibility": None if self.org is None else responsible_names(self.org, seen.id),
            "detail": detail if same and detail.task.version == seen.version else None,  # type: ignore[union-attr]  # `same` says it is not None
        }

    def based_on(self, seen: TaskRow) -> TaskRow:
        """The row a write of `seen` is based on: `seen`, or this screen's own later write of it."""
        row = seen
        while (row.id, row.version) in self._own:
            row = self._own[(row.id, row.version)]
        return row

    def write_task(self, write: TaskWrite) -> None:
        self.write(
            "write", partial(self._store_write, write), self._written, on_error=self.not_saved
        )

    def not_saved(self, error: KigoError) -> None:
        self.notify(str(error), title="Ikke gemt", severity="error")

    def _store_write(self, write: TaskWrite, store: Store) -> Written | Overtaken | Gone:
        """In the write worker: one change in the store."""
        from kigo_tui.storage.store import ConflictError

        task_id = write.seen.id
        before = self.model.tasks.get(task_id) if self.model else None
        base = self.based_on(write.seen)
        try:
            row = write.change(store, base.version)
        except ConflictError:
            try:
                return Overtaken(write, *self._task_conflict(store, write, base))
            except KigoError as exc:  # the task is gone, or the database is unreachable
                return Gone(exc)
        if row.version != base.version:
            self._own[(task_id, base.version)] = row
        return Written(row, before, write.undo_what, store.revision())

    def _written(self, outcome: Written | Overtaken | Gone) -> None:
        if isinstance(outcome, Written):
            self.apply_row(outcome.row, outcome.before, outcome.undo_what, outcome.revision)
        elif isinstance(outcome, Overtaken):
            self._ask_conflict(outcome.conflict, outcome.current, outcome.again)
        else:
            self.not_saved(outcome.error)
            self.load()

    def _task_conflict(
        self, store: Store, write: TaskWrite, base: TaskRow
    ) -> tuple[Conflict, TaskRow, TaskWrite]:
        """In the write worker: what the user saw, what the colleague saved and what the user
        wants, and the write to make if the user saves anyway (on the current version)."""
        from kigo_tui.domain.conflict import Conflict, changes, task_fields
        from kigo_tui.storage.organisation import read_organisation

        current = store.task(base.id)
        org = read_organisation(store) if write.responsibility is not None else None
        theirs_responsibility = None if org is None else responsible_names(org, base.id)
        detail = store.detail(base.id) if write.detail is not None else None
        seen = task_fields(base, write.responsibility, write.detail)
        theirs = task_fields(current, theirs_responsibility, detail)
        conflict = Conflict(
            f"opgave {base.id}", base.version, current.version, changes(seen, theirs, write.mine)
        )
        again = TaskWrite(
            current,
            write.reapply or write.change,
            write.mine,
            responsibility=theirs_responsibility,
            detail=detail,
            undo_what=write.undo_what,
            reapply=write.reapply,
        )
        return conflict, current, again

    def _ask_conflict(self, conflict: Conflict, current: TaskRow, again: TaskWrite) -> None:
        from kigo_tui.domain.conflict import not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                self.notify(
                    f"Gemmer dine ændringer af {conflict.what} oven på kollegaens "
                    f"(version {conflict.current_version})"
                )
                self.write_task(again)
                return
            self.notify(
                not_saved_message(choice, conflict.what),
                title="Ændret af en anden",
                severity="warning",
            )
            self.load()
            if self._detail_task == current.id:
                self.load_detail(current.id)

        self.app.push_screen(ConflictScreen(conflict), chosen)

    def apply_row(
        self, row: TaskRow, before: TaskRow | None, undo_what: str | None, revision: int
    ) -> None:
        """The store committed `row`: the model, the tree and the header follow."""
        if self.model is None:
            return
        if self._known_revision + 1 == revision:
            self._known_revision = revision
        self.model.replace_task(row, before)
        if before is not None and undo_what is not None:
            self.undo_stack.append(UndoEntry(row.id, before, undo_what, row))
        self.tree.relabel_task(row.id)
        self.update_header()
        if self._detail_task == row.id:
            self.load_detail(row.id)
