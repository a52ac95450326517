"""The main screen: the tree, the detail pane, and every action on tasks.

Database work runs in thread workers; the UI changes only after the store has committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tree

from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.organisation import ESCALATIONS
from kigo_tui.domain.rules import Colour, Status, needs_follow_up, next_status, severity
from kigo_tui.domain.text import clean_text
from kigo_tui.domain.tree import MainKey, TaskFilter, TreeModel
from kigo_tui.errors import KigoError
from kigo_tui.screens.base import ReportsWorkerFailures
from kigo_tui.storage.dburl import header_location
from kigo_tui.widgets.detail import DetailPane
from kigo_tui.widgets.task_tree import NodeRef, TaskTree, colour_badge

if TYPE_CHECKING:
    from kigo_tui.app import KigoApp
    from kigo_tui.domain.conflict import Conflict
    from kigo_tui.models.readmodels import TaskDetail, TaskRow
    from kigo_tui.screens.dialogs import EditResult
    from kigo_tui.storage.live import ChangeListener
    from kigo_tui.storage.organisation import Organisation
    from kigo_tui.storage.store import Store, TaskEdit


R = TypeVar("R")


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


class MainScreen(ReportsWorkerFailures, Screen[None]):
    BINDINGS = [
        Binding("s", "cycle_status", "Status", id="cycle_status"),
        Binding("e", "edit", "Ret", id="edit"),
        Binding("u", "undo", "Fortryd", id="undo"),
        Binding("slash", "search", "Søg", id="search"),
        Binding("f", "filter", "Filter", id="filter"),
        Binding("K", "follow_up", "KOMBIT", id="follow_up"),
        Binding("a", "add", "Tilføj", id="add"),
        Binding("x", "export", "Eksport", id="export"),
        Binding("m", "mine", "Mine", id="mine"),
        Binding("o", "organisation", "Organisation", id="organisation"),
        Binding("w", "exit_workspace", "KMD Sag-exit", show=False, id="exit_workspace"),
        Binding("p", "progress", "Fremdrift", show=False, id="progress"),
        Binding("F", "defects", "Fejllog", show=False, id="defects"),
        Binding("c", "calendar", "Kalender", show=False, id="calendar"),
        Binding("d", "delete", "Slet lokal", show=False, id="delete"),
        Binding("r", "reload", "Genindlæs", show=False, id="reload"),
        Binding("question_mark", "help", "Hjælp", id="help"),
        Binding("q", "quit", "Afslut", id="quit"),
        Binding("escape", "close_search", "Luk søgning", show=False, id="close_search"),
    ]
    DEFAULT_CSS = """
    MainScreen #header { height: 1; background: $panel; padding: 0 1; }
    MainScreen #body { height: 1fr; }
    MainScreen TaskTree { width: 3fr; min-width: 40; border-right: solid $panel-lighten-2; overflow-x: hidden; }
    MainScreen DetailPane { width: 2fr; }
    MainScreen #search { dock: bottom; display: none; }
    MainScreen #search.-visible { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.model: TreeModel | None = None
        self.org: Organisation | None = None
        self.undo_stack: list[UndoEntry] = []
        self._own: dict[tuple[str, int], TaskRow] = {}
        """This screen's own writes: (task, version it was based on) → the task after it. A
        change based on a version this screen wrote over continues from its own newer row."""
        self._shown_detail: TaskDetail | None = None
        self._write_lock = threading.Lock()
        self._known_revision = -1
        self._detail_task: str | None = None
        self._detail_waits = False
        """Until the first frame with the tree is painted, the detail pane waits."""
        self._listed: dict[str, TaskRow] = {}
        """The tasks of the last list (KOMBIT's follow-up, mine opgaver), to jump to."""
        self.listener: ChangeListener | None = None
        """Other users' changes as they commit (PostgreSQL); None on a SQLite file (polled)."""
        self.live: bool | None = None
        """The listener's connection is up (True), down (False), or there is none (None)."""

    @property
    def kigo(self) -> KigoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("kigo · indlæser …", id="header")
        with Horizontal(id="body"):
            yield TaskTree(id="tree")
            yield DetailPane(id="detail")
        yield Footer()  # the search field is mounted when it is first opened (action_search)

    def on_mount(self) -> None:
        self.query_one(TaskTree).focus()
        self.set_interval(self.kigo.settings.poll_seconds, self._poll)
        ready = self.kigo.ready_preload()
        if ready is not None:  # read while Textual was imported: the first frame shows the tree
            overview, org = ready
            self._show_model(TreeModel(overview), org)
            return
        self.query_one(DetailPane).show_message("Indlæser databasen …")
        self.load()

    @property
    def tree(self) -> TaskTree:
        return self.query_one(TaskTree)

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        """(Re)read the tree in a worker: the overview, and the tasks of the open branches."""
        branches = list(self.model.branches) if self.model is not None else []
        self._load(branches)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, branches: list[MainKey]) -> None:
        try:
            view = self._read_view(branches, first=not branches and self.model is None)
        except KigoError as exc:
            self.app.call_from_thread(self._fatal, str(exc))
            return
        if view is None:
            self.app.call_from_thread(self.kigo.first_run)
            return
        self.app.call_from_thread(self._show_model, *view)

    def _read_view(
        self, branches: list[MainKey], *, first: bool = False
    ) -> tuple[TreeModel, Organisation] | None:
        """Runs in a worker: the model and the organisation; None for a database not set up yet.

        The first time, what the app read while Textual was starting is used, if it has it.
        """
        from kigo_tui.storage.organisation import read_organisation

        preloaded = self.kigo.take_preloaded() if first else None
        store = self.kigo.open_store()
        if preloaded is not None and preloaded[0].today == self.kigo.today():
            overview, org = preloaded
            return TreeModel(overview), org
        if not store.is_initialised():
            return None
        overview, rows = store.tree_view(self.kigo.today(), branches)
        model = TreeModel(overview)
        for key, tasks in rows.items():
            model.load_branch(key, tasks)
        return model, read_organisation(store)

    def _fatal(self, message: str) -> None:
        self.query_one(DetailPane).show_message(f"⚠ {message}")
        self.query_one("#header", Static).update(Text(f"kigo · ⚠ {message}"))
        self.notify(message, title="Databasen kan ikke bruges", severity="error", timeout=15)

    def _show_model(self, model: TreeModel, org: Organisation | None = None) -> None:
        self.model = model
        if org is not None:
            self.org = org
            self.tree.warnings = org.project_warnings()
        self._known_revision = model.revision
        tree = self.tree
        first_load = tree.model is None
        tree.load(model)
        if first_load:
            # The tree first: the detail pane's text would cost the first frame about 25 ms of
            # rendering (Textual renders every distinct line); it follows in the next frame.
            self._detail_waits = True
            self.call_after_refresh(self._first_frame_painted)
            tree.move_cursor(tree.root)
        self._update_header()
        self._show_detail(tree.cursor_node.data if tree.cursor_node else NodeRef("kommune"))
        if first_load:
            self._listen()

    def _first_frame_painted(self) -> None:
        self._detail_waits = False
        node = self.tree.cursor_node
        self._show_detail(node.data if node is not None and node.data else NodeRef("kommune"))

    # ------------------------------------------------------------------ changes by others

    @work(thread=True, group="listen", exit_on_error=False)
    def _listen(self) -> None:
        """Runs for as long as the screen: LISTEN/NOTIFY on PostgreSQL (see kigo_tui.storage.live)."""
        listener = self.kigo.open_store().change_listener(self._notified, self._connection_state)
        if listener is None:
            return  # a SQLite file: _poll reads the revision
        self.listener = listener
        listener.run()

    def _notified(self, revision: int | None) -> None:
        """In the listener's thread: a commit by someone (None: anything may have changed)."""
        if self.listener is not None and not self.listener.stopped:
            self.app.call_from_thread(self._changed_elsewhere, revision)

    def _connection_state(self, up: bool) -> None:
        if self.listener is not None and not self.listener.stopped:
            self.app.call_from_thread(self._show_connection, up)

    def _changed_elsewhere(self, revision: int | None) -> None:
        if self.model is not None and (revision is None or revision != self._known_revision):
            self.load()

    def _show_connection(self, up: bool) -> None:
        was = self.live
        self.live = up
        self._update_header()
        if not up and was:
            self.notify(
                "Forbindelsen til databasen er afbrudt; kigo forbinder igen og genindlæser",
                title="Ingen forbindelse",
                severity="warning",
            )
        elif up and was is False:
            self.notify("Forbindelsen til databasen er genoprettet")

    def on_unmount(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    def _read(
        self,
        group: str,
        read: Callable[[Store], R],
        then: Callable[[R], object],
        *,
        exclusive: bool = True,
        opens: bool = False,
    ) -> None:
        """Run `read` on the store in a thread worker; `then` gets its result on the UI thread.

        A read the store refuses is shown as a notification. In an exclusive group a newer read
        cancels an older one (a detail pane follows the cursor; only the last one matters).
        When `then` `opens` a dialog, the keys typed meanwhile wait for it (KigoApp.on_event).
        """

        def work() -> None:
            try:
                result = read(self.kigo.open_store())
            except KigoError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
                return
            self.app.call_from_thread(then, result)

        worker = self.run_worker(
            work, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )
        if opens:
            self.kigo.hold_keys_for(worker)

    @on(TaskTree.BranchNeeded)
    def _branch_needed(self, event: TaskTree.BranchNeeded) -> None:
        key = event.key
        self._read(
            "branch",
            lambda store: store.branch(*key),
            lambda found: self._branch_loaded(key, *found),
            exclusive=False,
        )

    def _branch_loaded(self, key: MainKey, rows: list[TaskRow], revision: int) -> None:
        if self.model is None:
            return
        if revision != self._known_revision:
            # Someone else changed the database meanwhile (our own writes move _known_revision
            # along): counts and tasks are read again, together.
            self.load()
            return
        self.model.load_branch(key, rows)
        self.tree.branch_loaded(key)

    def _update_header(self) -> None:
        if self.model is None:
            return
        header = Text()
        header.append(f"{self.model.kommune_name} ({self.model.kommune_code})", style="bold")
        header.append(f" │ pr. {danish_date(self.model.today)}")
        if self.kigo.today_overridden:
            header.append(" (valgt dato)", style="reverse")
        header.append(" │ samlet ")
        header.append_text(colour_badge(self.model.total.colour))
        if self.tree.task_filter.active:
            header.append(f" │ filter: {self.tree.task_filter.describe()}", style="italic")
        if self.kigo.read_only:
            header.append(" │ ⚠ skrivebeskyttet: kun visning", style="bold reverse")
        if self.live is False:
            header.append(" │ ⚠ ingen forbindelse til databasen", style="bold reverse")
        header.append(f" │ {header_location(self.kigo.db)}", style="dim")
        # One line of fixed size: a repaint, not a layout of the whole screen (that would delay
        # the new colour after a keypress by a layout pass).
        self.query_one("#header", Static).update(header, layout=False)

    def _poll(self) -> None:
        if self.model is None:
            return
        if not self.kigo.today_overridden and self.kigo.today() != self.model.today:
            self.load()  # a new day: colours, counts and what the filter shows are read again
            return
        if self.live is None:  # no listener (SQLite): look at the revision
            self._check_revision()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _check_revision(self) -> None:
        try:
            if self.kigo.open_store().revision() == self._known_revision:
                return
        except KigoError:
            return  # a passing lock or outage; the next poll tries again
        self.app.call_from_thread(self.load)

    def action_reload(self) -> None:
        self.load()

    # ------------------------------------------------------------------ selection & detail

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        if event.node.data is not None:
            self._show_detail(event.node.data)

    def _show_detail(self, ref: NodeRef) -> None:
        if self.model is None or self._detail_waits:
            return
        pane = self.query_one(DetailPane)
        self._detail_task = None
        if ref.kind == "kommune":
            pane.show_kommune(self.model, danish_date(self.model.today))
        elif ref.kind == "project":
            pane.show_project(self.model, ref.key, self._project_extra(ref.key))  # type: ignore[arg-type]
        elif ref.kind == "main":
            pane.show_main(self.model, ref.key)  # type: ignore[arg-type]
        else:
            self._detail_task = ref.key  # type: ignore[assignment]
            self._load_detail(ref.key)  # type: ignore[arg-type]

    def _load_detail(self, task_id: str) -> None:
        self._read("detail", lambda store: store.detail(task_id), self._detail_loaded)

    def _detail_loaded(self, detail: Any) -> None:
        if self.model is None or detail.task.id != self._detail_task:
            return
        if detail.task.id in self.model.tasks:
            self._shown_detail = detail
            self.query_one(DetailPane).show_task(
                detail, self.model.colour_of(detail.task.id), self._task_extra(detail.task.id)
            )

    def _project_extra(self, code: str) -> Text | None:
        """Missing roles, KOMBIT's contact and the dialogue log for a project."""
        if self.org is None:
            return None
        text = Text()
        for warning in self.org.project_warnings().get(code, []):
            text.append(f"⚠ {warning}\n", style="bold")
        contact = self.org.contact_for(code)
        text.append("KOMBIT kontakter: ")
        text.append(f"{contact[1].name} ({contact[0]})\n" if contact else "ingen udpeget\n")
        dialogues = self.org.dialogues_for(project=code)
        if dialogues:
            text.append(f"\nDialog med KOMBIT ({len(dialogues)})\n", style="bold")
            for d in dialogues[:8]:
                escalated = f" · {ESCALATIONS[d.escalation]}" if d.escalation != "none" else ""
                text.append(f"{d.on:%d-%m-%Y} {d.form}: {d.topic}{escalated}\n")
                if d.actions:
                    text.append(f"   aftalt: {d.actions}\n", style="italic")
        return text

    def _task_extra(self, task_id: str) -> Text | None:
        """Who is accountable for and does the task, and KOMBIT's dialogue about it."""
        if self.org is None:
            return None
        accountable, doer = self.org.responsibility.get(task_id, (None, None))
        text = Text(
            f"Ansvarlig: {self.org.name(accountable) or '—'} · udfører: {self.org.name(doer) or '—'}\n"
        )
        for d in self.org.dialogues_for(task_id=task_id):
            text.append(f"KOMBIT-dialog {d.on:%d-%m-%Y} ({d.form}): {d.topic}\n", style="italic")
        return text

    def _selected_task(self) -> TaskRow | None:
        node = self.tree.cursor_node
        if self.model is None or node is None or node.data is None or node.data.kind != "task":
            return None
        return self.model.tasks.get(node.data.key)  # type: ignore[arg-type]

    def _require_task(self) -> TaskRow | None:
        task = self._selected_task()
        if task is None and self.model is not None:
            self.notify("Vælg en opgave i træet først", severity="warning")
        return task

    # ------------------------------------------------------------------ writes

    def _task_write(
        self, seen: TaskRow, change: TaskChange, mine: dict[str, object], **extra: Any
    ) -> None:
        """Start a write of `seen` with what the screen shows with it now (unless `extra` says
        what was shown when the user started)."""
        self._write(TaskWrite(seen, change, mine, **{**self._shown_with(seen), **extra}))

    def _shown_with(self, seen: TaskRow) -> dict[str, Any]:
        """What the screen shows with a task now: responsibility, and the detail pane's
        description and checklist if they are of the same version."""
        detail = self._shown_detail
        same = detail is not None and detail.task.id == seen.id
        return {
            "responsibility": self._responsible_names(seen.id),
            "detail": detail if same and detail.task.version == seen.version else None,  # type: ignore[union-attr]
        }

    def _responsible_names(self, task_id: str) -> tuple[str | None, str | None] | None:
        if self.org is None:
            return None
        accountable, doer = self.org.responsibility.get(task_id, (None, None))
        return self.org.name(accountable), self.org.name(doer)

    def _based_on(self, seen: TaskRow) -> TaskRow:
        """The row a write of `seen` is based on: `seen`, or this screen's own later write of it."""
        row = seen
        while (row.id, row.version) in self._own:
            row = self._own[(row.id, row.version)]
        return row

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, write: TaskWrite) -> None:
        """Run one change in the store; the UI follows only after the commit succeeded. A change
        based on a version someone else has replaced is not saved: the user is shown what the
        colleague changed and chooses (`_ask_conflict`)."""
        from kigo_tui.storage.store import ConflictError

        task_id = write.seen.id
        with self._write_lock:
            before = self.model.tasks.get(task_id) if self.model else None
            base = self._based_on(write.seen)
            try:
                store = self.kigo.open_store()
                row = write.change(store, base.version)
                if row.version != base.version:
                    self._own[(task_id, base.version)] = row
                revision = store.revision()
            except ConflictError:
                try:
                    conflict = self._task_conflict(store, write, base)
                except KigoError as exc:  # the task is gone, or the database is unreachable
                    self.app.call_from_thread(
                        self.notify, str(exc), title="Ikke gemt", severity="error"
                    )
                    self.app.call_from_thread(self.load)
                    return
                self.app.call_from_thread(self._ask_conflict, write, *conflict)
                return
            except KigoError as exc:
                self.app.call_from_thread(
                    self.notify, str(exc), title="Ikke gemt", severity="error"
                )
                return
        self.app.call_from_thread(self._apply_row, row, before, write.undo_what, revision)

    def _task_conflict(
        self, store: Store, write: TaskWrite, base: TaskRow
    ) -> tuple[Conflict, TaskRow, TaskWrite]:
        """Runs in the write worker: what the user saw, what the colleague saved and what the
        user wants, and the write to make if the user saves anyway (on the current version)."""
        from kigo_tui.domain.conflict import Conflict, changes, task_fields
        from kigo_tui.storage.organisation import read_organisation

        current = store.task(base.id)
        org = read_organisation(store) if write.responsibility is not None else None
        theirs_responsibility = None
        if org is not None:
            accountable, doer = org.responsibility.get(base.id, (None, None))
            theirs_responsibility = (org.name(accountable), org.name(doer))
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

    def _ask_conflict(
        self, write: TaskWrite, conflict: Conflict, current: TaskRow, again: TaskWrite
    ) -> None:
        from kigo_tui.domain.conflict import not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                self.notify(
                    f"Gemmer dine ændringer af {conflict.what} oven på kollegaens "
                    f"(version {conflict.current_version})"
                )
                self._write(again)
                return
            self.notify(
                not_saved_message(choice, conflict.what),
                title="Ændret af en anden",
                severity="warning",
            )
            self.load()
            if self._detail_task == current.id:
                self._load_detail(current.id)

        self.app.push_screen(ConflictScreen(conflict), chosen)

    def _apply_row(
        self, row: TaskRow, before: TaskRow | None, undo_what: str | None, revision: int
    ) -> None:
        if self.model is None:
            return
        if self._known_revision + 1 == revision:
            self._known_revision = revision
        self.model.replace_task(row, before)
        if before is not None and undo_what is not None:
            self.undo_stack.append(UndoEntry(row.id, before, undo_what, row))
        self.tree.relabel_task(row.id)
        self._update_header()
        if self._detail_task == row.id:
            self._load_detail(row.id)

    def action_toggle_done(self) -> None:
        from kigo_tui.domain.rules import STATUS_LABELS

        task = self._require_task()
        if task is None:
            return
        if task.status != Status.DONE:
            done = partial(_set_status, task.id, Status.DONE)
            self._task_write(
                task, done, {"status": STATUS_LABELS[Status.DONE]}, undo_what="fuldført"
            )
            return
        # back from done to the status it had before: on a colleague's newer version only while
        # the task is still done (if the colleague reopened it, there is nothing left to do)
        self._task_write(
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
            self._task_write(
                task,
                partial(_set_status, task.id, target),
                {"status": STATUS_LABELS[target]},
                undo_what="status",
            )

    def action_edit(self) -> None:
        task = self._require_task()
        if task is None:
            return

        org = self.org
        people = [(Text(p.name), p.id) for p in org.people.values()] if org else []
        current = org.responsibility.get(task.id, (None, None)) if org else (None, None)
        shown = self._shown_with(task)  # as the dialog opens: a reload meanwhile changes nothing

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
            self._task_write(
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
            set_responsibility(store, task_id, **responsibility, expected_version=version)  # type: ignore[arg-type]
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
        self._task_write(
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
        mine = {checklist_label(n, i.text): "✓" if event.done else "○" for n, i in items}
        item_id, done = event.item_id, event.done
        self._task_write(task, lambda s, v: self._tick(s, item_id, done, v), mine)

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
            task = self.model.tasks[node.data.key]  # type: ignore[index]
            key = (task.project, task.main_task)
        elif node.data.kind == "main":
            key = node.data.key  # type: ignore[assignment]
        else:
            self.notify("Vælg en hovedopgave (eller en opgave under den) først", severity="warning")
            return
        name = self.model.main_tasks[key[1]].name
        from kigo_tui.screens.dialogs import AddTaskScreen

        self.app.push_screen(AddTaskScreen(key[0], key[1], name), self._add_local)

    def _add_local(self, values: dict[str, Any] | None) -> None:
        if values is not None:
            self._add_worker(values)

    @work(thread=True, group="write", exit_on_error=False)
    def _add_worker(self, values: dict[str, Any]) -> None:
        with self._write_lock:
            try:
                store = self.kigo.open_store()
                row = store.add_local_task(
                    values.pop("project"), values.pop("main_task"), values.pop("title"), **values
                )
                revision = store.revision()
            except KigoError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
                return
        self.app.call_from_thread(self._added, row, revision)

    def _added(self, row: TaskRow, revision: int) -> None:
        if self.model is None:
            return
        self._apply_row(row, None, None, revision)
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

    @work(thread=True, group="write", exit_on_error=False)
    def _delete_worker(self, task: TaskRow) -> None:
        with self._write_lock:
            try:
                store = self.kigo.open_store()
                store.delete_local_task(task.id, self._based_on(task).version)
                revision = store.revision()
            except KigoError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
                return
        self.app.call_from_thread(self._deleted, task, revision)

    def _deleted(self, task: TaskRow, revision: int) -> None:
        if self.model is None:
            return
        if self._known_revision + 1 == revision:
            self._known_revision = revision
        self.model.remove_task(task)
        self.tree.remove_task_node(task.id, task.project, task.main_task)
        self._update_header()
        self.notify(f"Slettet {task.id}")

    # ------------------------------------------------------------------ search, filter, views

    async def action_search(self) -> None:
        found = self.query("#search")
        if found:
            search = found.first(Input)
        else:  # mounted on first use: an Input costs the first frame its styles and widgets
            search = Input(
                placeholder="Søg i opgaver (id eller titel), Enter vælger den første", id="search"
            )
            await self.mount(search, before=self.query_one(Footer))
        search.add_class("-visible")
        search.focus()

    def action_close_search(self) -> None:
        found = self.query("#search")
        if found and found.first().has_class("-visible"):
            found.first().remove_class("-visible")
            self.tree.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        try:
            text = clean_text(event.value, "søgningen")
        except KigoError as exc:
            self.notify(str(exc), severity="error")
            return
        if self.model is not None:
            self._read("search", lambda store: store.search(text), partial(self._found, text))

    def _found(self, text: str, hits: list[TaskRow]) -> None:
        if self.model is None:
            return
        hits = [t for t in hits if self.model.matches(t, self.tree.task_filter)]
        if not hits:
            self.notify(f"Ingen opgaver matcher «{text}»", severity="warning")
            return
        self.action_close_search()
        self.tree.reveal_task(hits[0])
        more = f" (1 af {len(hits)})" if len(hits) > 1 else ""
        self.notify(f"{hits[0].id}{more}")

    def reveal_task(self, task_id: str) -> None:
        """Put the cursor on a task wherever it is, reading its branch if need be."""
        task = self._listed.get(task_id) or (self.model.tasks.get(task_id) if self.model else None)
        if task is not None:
            self._reveal(task)
        else:
            self._read(
                "search",
                lambda store: store.tasks([task_id]),
                lambda found: found and self._reveal(found[0]),
            )

    def _reveal(self, task: TaskRow) -> None:
        """Show a task, clearing a filter that hides it."""
        if self.model is None:
            return
        if not self.tree.reveal_task(task):
            self.tree.load(self.model, TaskFilter())
            self._update_header()
            self.tree.reveal_task(task)

    def action_filter(self) -> None:
        def chosen(task_filter: TaskFilter | None) -> None:
            if task_filter is not None and self.model is not None:
                self.tree.load(self.model, task_filter)
                self._update_header()

        from kigo_tui.screens.dialogs import FilterScreen

        self.app.push_screen(FilterScreen(self.tree.task_filter), chosen)

    def action_follow_up(self) -> None:
        if self.model is not None:
            today = self.model.today
            self._read(
                "lists",
                lambda store: store.follow_up_candidates(today),
                partial(self._show_follow_up, today),
                opens=True,
            )

    def _show_follow_up(self, today: date, candidates: list[TaskRow]) -> None:
        if self.model is None:
            return
        rows = [
            (task, task.colour(today))
            for task in candidates
            if needs_follow_up(task.category, task.status, task.colour(today))
        ]
        rows.sort(
            key=lambda r: (
                -severity(r[1]),
                r[0].category.value != "critical",
                r[0].due or date.max,
                r[0].id,
            )
        )
        summary = Text()
        for code in self.model.projects:
            red = sum(1 for t, c in rows if t.project == code and c == Colour.RED)
            yellow = sum(1 for t, c in rows if t.project == code and c == Colour.YELLOW)
            contact = self.org.contact_for(code) if self.org else None
            who = f"{contact[1].name} ({contact[0]})" if contact else "ingen kontaktperson"
            summary.append(f"{code}: ", style="bold")
            summary.append(f"{red} røde, {yellow} gule på kritisk vej · KOMBIT kontakter {who}\n")
        self._show_list(
            "KOMBITs opfølgning – det KOMBIT ser",
            summary,
            rows,
            "Ingen opgaver KOMBIT vil følge op på. ● grøn",
        )

    def _show_list(
        self, title: str, summary: Text, rows: list[tuple[TaskRow, Colour]], empty: str
    ) -> None:
        self._listed = {task.id: task for task, _ in rows}
        from kigo_tui.screens.dialogs import TaskListScreen

        self.app.push_screen(TaskListScreen(title, summary, rows, empty), self._jump)

    def _jump(self, task_id: str | None) -> None:
        if task_id is not None and self.model is not None:
            self.reveal_task(task_id)

    def action_mine(self) -> None:
        """Mine opgaver: the configured person's tasks, worst colour first, then by due date."""
        if self.model is None or self.org is None:
            return
        me = self.kigo.settings.me
        person = self.org.find(me) if me else None
        if person is None:
            self.notify(
                "Sæt 'me' i config.toml (dit navn, e-mail eller id) for at se dine opgaver"
                if not me
                else f"Kender ingen person '{me}' (se 'kigo people list')",
                severity="warning",
            )
            return
        task_ids = self.org.tasks_of(person.id)
        self._read(
            "lists",
            lambda store: store.tasks(task_ids),
            partial(self._show_mine, person.name, self.model.today),
            opens=True,
        )

    def _show_mine(self, name: str, today: date, tasks: list[TaskRow]) -> None:
        rows = [(task, task.colour(today)) for task in tasks]
        rows.sort(key=lambda r: (-severity(r[1]), r[0].due or date.max, r[0].id))
        summary = Text(f"{name}: ansvarlig for eller udfører {len(rows)} opgaver")
        self._show_list("Mine opgaver", summary, rows, "Ingen opgaver er knyttet til dig.")

    def action_exit_workspace(self) -> None:
        """The KMD Sag exit workspace, from the SAPA project or anything under it."""
        node = self.tree.cursor_node
        in_sapa = False
        while node is not None and node.data is not None:
            if node.data.kind == "project":
                in_sapa = node.data.key == "SAPA"
                break
            if node.data.kind == "task" and self.model is not None:
                in_sapa = self.model.tasks[node.data.key].project == "SAPA"  # type: ignore[index]
                break
            node = node.parent
        if not in_sapa:
            self.notify("KMD Sag-exitstrategien hører til SAPA: vælg SAPA i træet og tryk w")
            return
        from kigo_tui.screens.exit_workspace import ExitWorkspaceScreen

        self.app.push_screen(ExitWorkspaceScreen())

    def action_organisation(self) -> None:
        if self.org is None:
            return
        org = self.org
        body = Text()
        body.append("KOMBITs anbefalede organisering\n", style="bold")
        for check in org.readiness():
            body.append_text(colour_badge(check.colour))
            body.append(f" {check.title}: {check.detail}\n")
        body.append("\nRoller\n", style="bold")
        if not org.roles:
            body.append("Ingen roller er tildelt endnu.\n")
        for role in org.roles:
            body.append(f"{role.label}: {org.people[role.person_id].name}\n")
        from kigo_tui.screens.dialogs import OrganisationScreen

        self.app.push_screen(OrganisationScreen(body))

    def action_help(self) -> None:
        seen: set[str] = set()
        keys = [("↑↓ j k", "flyt markøren"), ("→ Enter", "fold ud"), ("←", "fold sammen")]
        hidden = {"cursor_down", "cursor_up", "expand_cursor", "collapse_cursor", "close_search"}
        seen.update(hidden)
        for active in self.active_bindings.values():
            binding = active.binding
            # Only our own bindings (they carry an id), not the widgets' built-in ones.
            if binding.id and binding.description and binding.action not in seen:
                seen.add(binding.action)
                keys.append((self.app.get_key_display(binding), binding.description))
        keys.append(("mellemrum", "i tjeklisten: afkryds et punkt"))
        keys.append(("ctrl+p", "kommandopalet med de samme handlinger"))
        from kigo_tui.screens.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(keys))

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        self.kigo.hold_keys_for(self._export(force=False))  # it may ask before overwriting

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, force: bool) -> None:
        from kigo_tui.bundle.export import ExportError, export_bundle, target_path
        from kigo_tui.bundle.extras import bundle_extras
        from kigo_tui.storage.exit_strategy import list_areas
        from kigo_tui.storage.organisation import read_organisation

        if self.model is None:
            return
        try:
            store = self.kigo.open_store()
            snapshot = store.snapshot()
            path = target_path(self.kigo.export_dir, snapshot.kommune_code, self.model.today)
            if path.exists() and not force:
                self.app.call_from_thread(self._confirm_overwrite, path)
                return
            result = export_bundle(
                snapshot,
                self.model.today,
                path,
                force=force,
                organisation=read_organisation(store),
                exit_areas=list_areas(store),
                **bundle_extras(
                    store, snapshot, self.model.today, self.kigo.settings.service_levels()
                ),
            )
        except (ExportError, KigoError, OSError) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="Ikke eksporteret", severity="error"
            )
            return
        self.app.call_from_thread(
            self.notify,
            f"Statusbundtet er skrevet til {result.path}",
            title="Eksporteret",
            timeout=10,
        )

    def _confirm_overwrite(self, path: object) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._export(force=True)

        from kigo_tui.screens.dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen(f"{path} findes allerede. Overskriv?"), answer)

    async def action_quit(self) -> None:
        self.app.exit()

    # ------------------------------------------------------------------ beyond KIGO (issue 10)

    def _cursor_project(self) -> str | None:
        """The project of the node under the cursor (None on the kommune)."""
        node = self.tree.cursor_node
        data = node.data if node is not None else None
        if data is None or data.kind == "kommune" or self.model is None:
            return None
        if data.kind == "project":
            return data.key  # type: ignore[return-value]
        if data.kind == "main":
            return data.key[0]  # type: ignore[index]
        return self.model.tasks[data.key].project  # type: ignore[index]

    def action_progress(self) -> None:
        from kigo_tui.domain.progress import ALL
        from kigo_tui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self._cursor_project() or ALL))

    def action_defects(self) -> None:
        from kigo_tui.screens.defects import DefectLogScreen

        self.app.push_screen(DefectLogScreen(self._cursor_project()))

    def action_calendar(self) -> None:
        from pathlib import Path

        from kigo_tui.screens.calendar import CalendarScreen

        if self.model is not None:
            folder = self.kigo.export_dir or Path.cwd()
            code = self.model.kommune_code
            self.app.push_screen(CalendarScreen(self._cursor_project(), code, folder))


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
