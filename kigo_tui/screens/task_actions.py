"""What the main screen does to tasks: status, edit, undo, the checklist, local tasks.

Each is one `TaskWrite` (see `kigo_tui.screens.task_writes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on

from kigo_tui.domain.rules import Status, next_status
from kigo_tui.errors import KigoError
from kigo_tui.screens.task_writes import TaskWrites
from kigo_tui.widgets.detail import DetailPane

if TYPE_CHECKING:
    from kigo_tui.domain.defects import Assessment
    from kigo_tui.domain.organisation import Organisation
    from kigo_tui.models.readmodels import TaskRow
    from kigo_tui.screens.dialogs import EditResult
    from kigo_tui.storage.store import Store, TaskEdit


class TaskActions(TaskWrites):
    """The task actions of the main screen's table (`kigo_tui.actions`)."""

    def selected_task(self) -> TaskRow | None:
        node = self.tree.cursor_node
        if self.model is None or node is None or node.data is None or node.data.kind != "task":
            return None
        key = node.data.key
        return self.model.tasks.get(key) if isinstance(key, str) else None

    def _require_task(self) -> TaskRow | None:
        task = self.selected_task()
        if task is None and self.model is not None:
            self.notify("Vælg en opgave i træet først", severity="warning")
        return task

    def action_toggle_done(self) -> None:
        from kigo_tui.domain.rules import STATUS_LABELS

        task = self._require_task()
        if task is None:
            return
        if task.status != Status.DONE:
            done = partial(_set_status, task.id, Status.DONE)
            shown = self.shown_with(task)  # as the user acted: a question meanwhile changes nothing
            self.unless_defects_past_sla(
                task,
                lambda: self.task_write(
                    task,
                    done,
                    {"status": STATUS_LABELS[Status.DONE]},
                    undo_what="fuldført",
                    **shown,
                ),
            )
            return
        # back from done to the status it had before: on a colleague's newer version only while
        # the task is still done (if the colleague reopened it, there is nothing left to do)
        self.task_write(
            task,
            lambda s, v: s.toggle_done(task.id, v),
            {"status": "ikke fuldført (forrige status)"},
            undo_what="fuldført",
            reapply=partial(_reopen_if_done, task.id),
        )

    def action_cycle_status(self) -> None:
        from kigo_tui.domain.rules import STATUS_LABELS

        task = self._require_task()
        if task is not None:
            target = next_status(task.status)
            shown = self.shown_with(task)

            def write() -> None:
                self.task_write(
                    task,
                    partial(_set_status, task.id, target),
                    {"status": STATUS_LABELS[target]},
                    undo_what="status",
                    **shown,
                )

            if target == Status.DONE:
                self.unless_defects_past_sla(task, write)
            else:
                write()

    def unless_defects_past_sla(
        self,
        task: TaskRow,
        write: Callable[[], None],
        declined: Callable[[], object] | None = None,
    ) -> None:
        """Make `task` done with `write`, but first, for a go-live or hyper-care task (hovedopgave
        10 or 16), look for critical defects against its project that are open past their SLA
        (`kigo_tui.domain.defects.go_live_blockers`, seed 003): if there are any, ask in Danish,
        naming them, and write only on "ja". Keys typed meanwhile wait for the answer."""
        from kigo_tui.domain.defects import is_go_live_task

        if not is_go_live_task(task.main_task):
            write()
            return
        settings = self.kigo_app.settings.service_levels()
        today = self.kigo_app.today()

        def blockers(store: Store) -> list[Assessment]:
            from kigo_tui.domain.defects import Policy, assess_all, go_live_blockers
            from kigo_tui.domain.times import measure_instant
            from kigo_tui.storage.defects import list_defects

            at = measure_instant(today)
            rows = assess_all(list_defects(store, task.project), Policy.from_settings(settings), at)
            return go_live_blockers(task.project, task.main_task, rows)

        def found(late: list[Assessment]) -> None:
            if not late:
                write()
                return
            from kigo_tui.domain.defects import blockers_text
            from kigo_tui.screens.dialogs import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes:
                    write()
                else:
                    self.notify(f"{task.id} er ikke markeret fuldført", severity="warning")
                    if declined is not None:
                        declined()

            question = f"{blockers_text(task.id, late)}\n\nMarkér {task.id} fuldført alligevel?"
            self.app.push_screen(ConfirmScreen(question), answer)

        # "defect-load": a failure reads "indlæsningen af fejlloggen", which is what failed
        self.read("defect-load", blockers, found, opens=True, on_error=self.not_saved)

    def action_edit(self) -> None:
        task = self._require_task()
        if task is None:
            return

        org = self.org
        people = [(Text(p.name), p.id) for p in org.people.values()] if org else []
        current = org.responsibility.get(task.id, (None, None)) if org else (None, None)
        shown = self.shown_with(task)  # as the dialog opens: a reload meanwhile changes nothing

        def saved(result: EditResult | None) -> None:
            if result is None:
                return
            edit, mine = _edited_fields(task, result)
            responsibility: dict[str, int | None] = {}
            if result.responsibility is not None:
                for index, (key, label) in enumerate(
                    (("accountable", "ansvarlig"), ("doer", "udfører"))
                ):
                    if result.responsibility[index] != current[index]:
                        responsibility[key] = result.responsibility[index]
                        mine[label] = org.name(result.responsibility[index]) if org else None
            if not mine:
                self.notify("Ingen ændringer at gemme")
                return
            self.task_write(
                task,
                lambda s, v: self._save_edit(s, task.id, edit, responsibility, v),
                mine,
                undo_what="rettelse",
                **shown,
            )

        from kigo_tui.screens.dialogs import EditTaskScreen

        self.app.push_screen(EditTaskScreen(task, people, current), saved)

    def _save_edit(
        self,
        store: Store,
        task_id: str,
        edit: TaskEdit,
        responsibility: dict[str, int | None],
        version: int | None,
    ) -> TaskRow:
        """Runs in the write worker: the edit, then the responsibility (and a fresh organisation),
        each based on the version the user saw (the second on the version the first made)."""
        from kigo_tui.storage.organisation import read_organisation, set_responsibility
        from kigo_tui.storage.store import TaskEdit

        row = None
        if edit != TaskEdit():
            row = store.edit_task(task_id, edit, version)
            version = None if version is None else row.version  # our own edit moved it on
        if responsibility:
            set_responsibility(store, task_id, **responsibility, expected_version=version)
            org = read_organisation(store)
            self.app.call_from_thread(self._set_org, org)
            row = store.task(task_id)
        assert row is not None  # the dialog's caller saves only when something changed
        return row

    def _set_org(self, org: Organisation) -> None:
        self.org = org

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Intet at fortryde", severity="warning")
            return
        entry = self.undo_stack.pop()
        from kigo_tui.domain.conflict import task_fields

        before, after = task_fields(entry.before), task_fields(entry.after)
        touched = [
            name
            for name in ("status", "start", "due", "warn_days", "category", "title")
            if getattr(entry.before, name) != getattr(entry.after, name)
        ]
        mine = {label: value for label, value in before.items() if after.get(label) != value}
        self.task_write(
            entry.after,
            lambda s, v: s.restore_task(entry.task_id, entry.before, v, touched),
            mine,
        )
        self.notify(f"Fortryder {entry.what} på {entry.task_id}")

    @on(DetailPane.ChecklistToggled)
    def _checklist(self, event: DetailPane.ChecklistToggled) -> None:
        from kigo_tui.domain.conflict import checklist_label

        detail = self._shown_detail
        if self.model is None or detail is None:
            return
        task = detail.task  # the checklist is of the version the pane shows
        items = [(n, i) for n, i in enumerate(detail.checklist, start=1) if i.id == event.item_id]
        mine: dict[str, object] = {
            checklist_label(n, i.text): "✓" if event.done else "○" for n, i in items
        }
        item_id, done = event.item_id, event.done
        shown = self.shown_with(task)

        def write() -> None:
            self.task_write(task, lambda s, v: self._tick(s, item_id, done, v), mine, **shown)

        completes = done and all(i.done for i in detail.checklist if i.id != item_id)
        if completes and task.status != Status.DONE:
            # the last tick makes the task done; on "nej" the pane shows the checklist as stored
            self.unless_defects_past_sla(task, write, lambda: self.load_detail(task.id))
        else:
            write()

    def _tick(self, store: Store, item_id: int, done: bool, version: int | None) -> TaskRow:
        """Runs in the write worker: tick or untick, and say when the task's status followed."""
        row, changed = store.set_checklist_item(item_id, done, version)
        if changed == Status.DONE:
            self.app.call_from_thread(
                self.notify, f"{row.id} er fuldført: alle punkter er afkrydset"
            )
        elif changed == Status.IN_PROGRESS and not done:
            self.app.call_from_thread(self.notify, f"{row.id} er genåbnet som påbegyndt")
        return row

    # ------------------------------------------------------------------ local tasks

    def action_add(self) -> None:
        node = self.tree.cursor_node
        if self.model is None or node is None or node.data is None:
            return
        if node.data.kind == "task":
            task = self.model.tasks[node.data.key]  # type: ignore[index]  # a task node's key is its id
            key = (task.project, task.main_task)
        elif node.data.kind == "main":
            key = node.data.key  # type: ignore[assignment]  # a main node's key: (project, number)
        else:
            self.notify("Vælg en hovedopgave (eller en opgave under den) først", severity="warning")
            return
        name = self.model.main_tasks[key[1]].name
        from kigo_tui.screens.dialogs import AddTaskScreen

        self.app.push_screen(AddTaskScreen(key[0], key[1], name), self._add_local)

    def _add_local(self, values: dict[str, Any] | None) -> None:
        if values is not None:
            self._add_worker(values)

    def _add_worker(self, values: dict[str, Any]) -> None:
        def add(store: Store) -> tuple[TaskRow, int]:
            row = store.add_local_task(
                values.pop("project"), values.pop("main_task"), values.pop("title"), **values
            )
            return row, store.revision()

        self.write("write", add, lambda done: self._added(*done), on_error=self._refused)

    def _refused(self, error: KigoError) -> None:
        self.notify(str(error), severity="error")

    def _added(self, row: TaskRow, revision: int) -> None:
        if self.model is None:
            return
        self.apply_row(row, None, None, revision)
        self.tree.add_task_node(row.id)
        self.tree.reveal_task(row)
        self.notify(f"Tilføjet {row.id}: {row.title}")

    def action_delete(self) -> None:
        task = self._require_task()
        if task is None:
            return
        if not task.is_local:
            self.notify("Kun kommunens egne (lokale) opgaver kan slettes", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete_worker(task)

        from kigo_tui.screens.dialogs import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(f"Slet den lokale opgave {task.id} «{task.title}»?"), confirmed
        )

    def _delete_worker(self, task: TaskRow) -> None:
        def delete(store: Store) -> int:
            store.delete_local_task(task.id, self.based_on(task).version)
            return store.revision()

        self.write("write", delete, partial(self._deleted, task), on_error=self._refused)

    def _deleted(self, task: TaskRow, revision: int) -> None:
        if self.model is None:
            return
        if self._known_revision + 1 == revision:
            self._known_revision = revision
        self.model.remove_task(task)
        self.tree.remove_task_node(task.id, task.project, task.main_task)
        self.update_header()
        self.notify(f"Slettet {task.id}")


def _set_status(task_id: str, status: Status, store: Store, version: int | None) -> TaskRow:
    return store.set_status(task_id, status, version)


def _reopen_if_done(task_id: str, store: Store, version: int | None) -> TaskRow:
    """Take a task back from done, unless it is no longer done (a colleague reopened it)."""
    current = store.task(task_id)
    if current.status != Status.DONE:
        return current
    return store.toggle_done(task_id, version)


def _edited_fields(task: TaskRow, result: EditResult) -> tuple[TaskEdit, dict[str, object]]:
    """Only what the user changed in the edit dialog (fields left as shown are not written, so a
    colleague's value in them is kept), and those changes as the conflict dialog shows them."""
    from kigo_tui.domain.conflict import task_fields
    from kigo_tui.storage.store import TaskEdit

    e = result.edit
    edit = TaskEdit(
        title=e.title if e.title is not None and e.title != task.title else None,
        category=e.category if e.category is not None and e.category != task.category else None,
        start=e.start if e.start is not None and e.start != task.start else None,
        due=e.due if e.due is not None and e.due != task.due else None,
        warn_days=e.warn_days
        if e.warn_days is not None and e.warn_days != task.warn_days
        else None,
        clear_start=e.clear_start and task.start is not None,
        clear_due=e.clear_due and task.due is not None,
    )
    if edit.start is not None or edit.due is not None or edit.clear_start or edit.clear_due:
        edit = replace(edit, reason=e.reason)  # why a date moves from KOMBIT's (schema 8)
    changed = replace(
        task,
        title=edit.title or task.title,
        category=edit.category or task.category,
        start=None if edit.clear_start else (edit.start or task.start),
        due=None if edit.clear_due else (edit.due or task.due),
        warn_days=task.warn_days if edit.warn_days is None else edit.warn_days,
    )
    before, after = task_fields(task), task_fields(changed)
    return edit, {label: value for label, value in after.items() if before[label] != value}
