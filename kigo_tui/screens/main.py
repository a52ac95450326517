"""The main screen: the tree, the detail pane, the header, and every action of the action table
(`kigo_tui.actions`).

Database work runs in thread workers (`BaseScreen.read` and `.write`); the UI changes only after
the store has committed. Other users' changes arrive through the app's `LiveRefresh`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Tree

from kigo_tui.actions import screen_bindings
from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.search import step
from kigo_tui.domain.text import clean_text
from kigo_tui.domain.tree import MainKey, TaskFilter, TreeModel
from kigo_tui.errors import KigoError
from kigo_tui.screens.organisation import project_extra, task_extra
from kigo_tui.screens.refresh import ConnectionChanged, DatabaseChanged
from kigo_tui.screens.views import MainViews
from kigo_tui.widgets.detail import DetailPane
from kigo_tui.widgets.header import HeaderState, MainHeader
from kigo_tui.widgets.task_tree import NodeRef, TaskTree

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation
    from kigo_tui.models.readmodels import TaskDetail, TaskRow
    from kigo_tui.screens.task_writes import UndoEntry
    from kigo_tui.storage.live import ChangeListener
    from kigo_tui.storage.store import Store


class MainScreen(MainViews):
    BINDINGS = screen_bindings()
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
        self.model = None
        self.org = None
        self.undo_stack: list[UndoEntry] = []
        self._own = {}
        self._shown_detail = None
        self._known_revision = -1
        self._detail_task = None
        self._detail_waits = False
        """Until the first frame with the tree is painted, the detail pane waits."""
        self._listed = {}
        self._hits: list[TaskRow] = []
        """The last search's matches, best first (n and N step through them)."""
        self._hit: int | None = None
        self._hits_for = ""

    @property
    def listener(self) -> ChangeListener | None:
        """Other users' changes as they commit (PostgreSQL); None on a SQLite file (polled)."""
        return self.kigo_app.live_refresh.listener

    @property
    def live(self) -> bool | None:
        """The listener's connection is up (True), down (False), or there is none (None)."""
        return self.kigo_app.live_refresh.live

    def compose(self) -> ComposeResult:
        yield MainHeader("kigo · indlæser …", id="header")
        with Horizontal(id="body"):
            yield TaskTree(id="tree")
            yield DetailPane(id="detail")
        yield Footer()  # the search field is mounted when it is first opened (action_search)

    def on_mount(self) -> None:
        self.query_one(TaskTree).focus()
        self.kigo_app.live_refresh.subscribe(self)
        ready = self.kigo_app.ready_preload()
        if ready is not None:  # read while Textual was imported: the first frame shows the tree
            overview, org = ready
            self._show_model(TreeModel(overview), org)
            return
        self.query_one(DetailPane).show_message("Indlæser databasen …")
        self.load()

    def on_unmount(self) -> None:
        self.kigo_app.live_refresh.unsubscribe(self)

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        """(Re)read the tree in a worker: the overview, and the tasks of the open branches."""
        branches = list(self.model.branches) if self.model is not None else []
        first = not branches and self.model is None
        self.read(
            "load", partial(self._read_view, branches, first), self._view_read, on_error=self._fatal
        )

    def _read_view(
        self, branches: list[MainKey], first: bool, store: Store
    ) -> tuple[TreeModel, Organisation] | None:
        """In a worker: the model and the organisation; None for a database not set up yet.

        The first time, what the app read while Textual was starting is used, if it has it.
        """
        from kigo_tui.storage.organisation import read_organisation

        app = self.kigo_app
        preloaded = app.take_preloaded() if first else None
        if preloaded is not None and preloaded[0].today == app.today():
            overview, org = preloaded
            return TreeModel(overview), org
        if not store.is_initialised():
            return None
        overview, rows = store.tree_view(app.today(), branches)
        model = TreeModel(overview)
        for key, tasks in rows.items():
            model.load_branch(key, tasks)
        return model, read_organisation(store)

    def _view_read(self, view: tuple[TreeModel, Organisation] | None) -> None:
        if view is None:
            self.kigo_app.first_run()
        else:
            self._show_model(*view)

    def _fatal(self, error: KigoError) -> None:
        message = str(error)
        self.query_one(DetailPane).show_message(f"⚠ {message}")
        self.query_one(MainHeader).show_fatal(message)
        self.notify(message, title="Databasen kan ikke bruges", severity="error", timeout=15)

    def _show_model(self, model: TreeModel, org: Organisation | None = None) -> None:
        if self.model is not None:
            self._keep_branches(self.model, model)
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
        self.update_header()
        node = tree.cursor_node
        self._show_detail(node.data if node is not None and node.data else NodeRef("kommune"))
        if first_load:
            self.kigo_app.live_refresh.listen()

    def _first_frame_painted(self) -> None:
        self._detail_waits = False
        node = self.tree.cursor_node
        self._show_detail(node.data if node is not None and node.data else NodeRef("kommune"))

    # ------------------------------------------------------------------ changes by others

    @on(DatabaseChanged)
    def _changed_elsewhere(self, event: DatabaseChanged) -> None:
        if self.model is not None and (
            event.revision is None or event.revision != self._known_revision
        ):
            self.load()

    @on(ConnectionChanged)
    def _connection_changed(self) -> None:
        self.update_header()

    def _keep_branches(self, previous: TreeModel, model: TreeModel) -> None:
        """Branches opened while the tree was being read again are missing from the new model:
        kept as read when nothing changed since, read again otherwise."""
        for key, ids in previous.branches.items():
            if model.is_loaded(key):
                continue
            if previous.revision == model.revision:
                model.load_branch(key, [previous.tasks[task_id] for task_id in ids])
            else:
                self._read_branch(key)

    @on(TaskTree.BranchNeeded)
    def _branch_needed(self, event: TaskTree.BranchNeeded) -> None:
        self._read_branch(event.key)

    def _read_branch(self, key: MainKey) -> None:
        self.read(
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

    def update_header(self) -> None:
        if self.model is None:
            return
        app = self.kigo_app
        state = HeaderState(
            self.tree.task_filter, app.today_overridden, app.read_only, self.live, app.db
        )
        self.query_one(MainHeader).show(self.model, state)

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
        elif ref.kind == "project" and isinstance(ref.key, str):
            extra = None if self.org is None else project_extra(self.org, ref.key)
            pane.show_project(self.model, ref.key, extra)
        elif ref.kind == "main":
            pane.show_main(self.model, ref.key)  # type: ignore[arg-type]  # a main node's key is its MainKey
        elif isinstance(ref.key, str):
            self._detail_task = ref.key
            self.load_detail(ref.key)

    def load_detail(self, task_id: str) -> None:
        self.read("detail", lambda store: store.detail(task_id), self._detail_loaded)

    def _detail_loaded(self, detail: TaskDetail) -> None:
        if self.model is None or detail.task.id != self._detail_task:
            return
        if detail.task.id in self.model.tasks:
            self._shown_detail = detail
            extra = None if self.org is None else task_extra(self.org, detail.task.id)
            self.query_one(DetailPane).show_task(
                detail, self.model.colour_of(detail.task.id), extra
            )

    # ------------------------------------------------------------------ search, filter, views

    async def action_search(self) -> None:
        found = self.query("#search")
        if found:
            search = found.first(Input)
        else:  # mounted on first use: an Input costs the first frame its styles and widgets
            search = Input(
                placeholder="Søg i opgaver (id, titel eller beskrivelse); Enter finder den bedste",
                id="search",
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
            self.read("search", lambda store: store.search(text), partial(self._found, text))

    def _found(self, text: str, hits: list[TaskRow]) -> None:
        if self.model is None:
            return
        hits = [t for t in hits if self.model.matches(t, self.tree.task_filter)]
        if not hits:
            self.notify(f"Ingen opgaver matcher «{text}»", severity="warning")
            return
        self.action_close_search()
        self._hits, self._hit, self._hits_for = hits, None, text
        self._show_hit(forward=True)

    def action_search_next(self) -> None:
        self._show_hit(forward=True)

    def action_search_previous(self) -> None:
        self._show_hit(forward=False)

    def _show_hit(self, *, forward: bool) -> None:
        """Put the cursor on the next (or previous) match of the last search, round the end."""
        self._hit = step(len(self._hits), self._hit, forward)
        if self._hit is None:
            self.notify("Der er ingen søgning at gå videre i: tryk / for at søge", timeout=4)
            return
        task = self._hits[self._hit]
        self.tree.reveal_task(task)
        where = f"{self._hit + 1} af {len(self._hits)}"
        keys = " · n næste, N forrige" if len(self._hits) > 1 else ""
        self.notify(f"{task.id}: {where} for «{self._hits_for}»{keys}", timeout=4)

    def reveal_task(self, task_id: str) -> None:
        """Put the cursor on a task wherever it is, reading its branch if need be."""
        task = self._listed.get(task_id) or (self.model.tasks.get(task_id) if self.model else None)
        if task is not None:
            self._reveal(task)
        else:
            self.read(
                "search",
                lambda store: store.tasks([task_id]),
                lambda found: self._reveal(found[0]) if found else None,
            )

    def _reveal(self, task: TaskRow) -> None:
        """Show a task, clearing a filter that hides it."""
        if self.model is None:
            return
        if not self.tree.reveal_task(task):
            self.tree.load(self.model, TaskFilter())
            self.update_header()
            self.tree.reveal_task(task)

    def action_filter(self) -> None:
        def chosen(task_filter: TaskFilter | None) -> None:
            if task_filter is not None and self.model is not None:
                self.tree.load(self.model, task_filter)
                self.update_header()

        from kigo_tui.screens.dialogs import FilterScreen

        self.app.push_screen(FilterScreen(self.tree.task_filter), chosen)

    async def action_quit(self) -> None:
        self.app.exit()
