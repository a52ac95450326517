"""The kommune → project → hovedopgave → task tree, filled lazily when a branch opens.

Only expanded branches have nodes, so the tree opens as fast on 50,000 tasks as on 400, and a
status change relabels just the task and its ancestors. A hovedopgave whose tasks the model has
not read yet asks for them (`BranchNeeded`); the screen reads them in a worker and calls
`branch_loaded`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kigo_tui.actions import tree_bindings
from kigo_tui.domain.dates import short_date
from kigo_tui.domain.rules import CATEGORY_MARKERS, STATUS_GLYPHS, Colour, Counts
from kigo_tui.domain.tree import MainKey, TaskFilter, TreeModel
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.widgets.traffic import colour_badge, traffic_style


@dataclass(frozen=True)
class NodeRef:
    """What a tree node stands for: kind is kommune, project, main or task."""

    kind: str
    key: object = None


def _counts_suffix(counts: Counts) -> Text:
    return Text(f" {counts.done}/{counts.total}", style="dim")


class TaskTree(Tree[NodeRef]):
    """The main tree. Space, s, e and the rest are screen actions; this widget only draws."""

    BINDINGS = [
        *tree_bindings(),  # space: the screen's toggle_done (the tree would take the key)
        Binding("j", "cursor_down", "Ned", show=False, id="cursor_down_j"),
        Binding("k", "cursor_up", "Op", show=False, id="cursor_up_k"),
        Binding("right", "expand_cursor", "Fold ud", show=False, id="expand"),
        Binding("left", "collapse_cursor", "Fold sammen", show=False, id="collapse"),
    ]

    @dataclass
    class BranchNeeded(Message):
        """A hovedopgave was opened whose tasks the model has not read."""

        key: MainKey

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", data=NodeRef("kommune"), id=id)
        self.model: TreeModel | None = None
        self.task_filter = TaskFilter()
        self.warnings: dict[str, list[str]] = {}
        """Missing roles per project (from the organisation), shown as ⚠ on the project node."""
        self.guide_depth = 2
        self._projects: dict[str, TreeNode[NodeRef]] = {}
        self._mains: dict[MainKey, TreeNode[NodeRef]] = {}
        self._tasks: dict[str, TreeNode[NodeRef]] = {}
        self._filled: set[int] = set()
        self._awaiting: set[MainKey] = set()
        """Open hovedopgaver waiting for their tasks."""
        self._reveal_target: tuple[str, MainKey] | None = None
        """A task on its way to the cursor: its branch is being read, or the tree is being drawn;
        a rebuild of the tree (a reload) puts the cursor there instead of where it was."""

    # ------------------------------------------------------------------ building

    def load(self, model: TreeModel, task_filter: TaskFilter | None = None) -> None:
        """(Re)build the top of the tree from a model; keeps which branches were open."""
        open_projects = {code for code, node in self._projects.items() if node.is_expanded}
        open_mains = {key for key, node in self._mains.items() if node.is_expanded}
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        self.model = model
        if task_filter is not None:
            self.task_filter = task_filter
        self.clear()
        self._projects.clear()
        self._mains.clear()
        self._tasks.clear()
        self._filled.clear()
        self._awaiting.clear()
        self.root.set_label(self._kommune_label())
        for code in model.projects:
            self._projects[code] = self.root.add(
                self._project_label(code), NodeRef("project", code)
            )
        self.root.expand()
        for code in open_projects & set(self._projects):
            self._open(self._projects[code])
        for key in open_mains:
            node = self._mains.get(key)
            if node is not None:
                self._open(node)
        target = self._reveal_target
        if target is not None and (target[0] in self._tasks or target[1] in self._awaiting):
            # A task on its way to the cursor wins over where the cursor was: it is there again,
            # or its branch is being read (branch_loaded moves there).
            if target[0] in self._tasks:
                self.call_after_refresh(self._move_to_target)
            return
        self._reveal_target = None
        if cursor is not None:
            self.call_after_refresh(self._restore_cursor, cursor)

    def _restore_cursor(self, ref: NodeRef) -> None:
        node = self.node_for(ref)
        if node is not None:
            self.move_cursor(node)

    def node_for(self, ref: NodeRef) -> TreeNode[NodeRef] | None:
        if ref.kind == "kommune":
            return self.root
        key = ref.key
        if ref.kind == "project" and isinstance(key, str):
            return self._projects.get(key)
        if ref.kind == "main" and isinstance(key, tuple):
            return self._mains.get((str(key[0]), int(key[1])))
        return self._tasks.get(key) if isinstance(key, str) else None

    def _fill(self, node: TreeNode[NodeRef]) -> None:
        """Add a branch's children the first time it opens."""
        if node.id in self._filled or self.model is None or node.data is None:
            return
        model = self.model
        if node.data.kind == "project":
            self._filled.add(node.id)
            code = str(node.data.key)
            for key in model.main_keys(code):
                if self.task_filter.active and not model.has_visible(key, self.task_filter):
                    continue
                skipped = key in model.skipped
                self._mains[key] = node.add(
                    self._main_label(key), NodeRef("main", key), allow_expand=not skipped
                )
        elif node.data.kind == "main":
            key = cast("MainKey", node.data.key)  # a main node's key is its (project, number)
            if not model.is_loaded(key):
                if key not in self._awaiting:
                    self._awaiting.add(key)
                    self.post_message(self.BranchNeeded(key))
                return
            self._filled.add(node.id)
            for task_id in model.visible_tasks(key, self.task_filter):
                self._tasks[task_id] = node.add_leaf(
                    self._task_label(task_id), NodeRef("task", task_id)
                )

    def branch_loaded(self, key: MainKey) -> None:
        """The model has read a branch this tree asked for: show its tasks."""
        self._awaiting.discard(key)
        node = self._mains.get(key)
        if node is None or self.model is None or not self.model.is_loaded(key):
            return
        self._fill(node)
        if self._reveal_target is not None and self._reveal_target[0] in self._tasks:
            self.call_after_refresh(self._move_to_target)

    def _move_to_target(self) -> None:
        """Put the cursor on the task being revealed, looking its node up now (a reload may have
        rebuilt the tree since the move was asked for)."""
        node = self._tasks.get(self._reveal_target[0]) if self._reveal_target else None
        if node is not None:
            self._reveal_target = None
            self.move_cursor(node)

    def _open(self, node: TreeNode[NodeRef]) -> None:
        self._fill(node)
        node.expand()

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        self._fill(event.node)

    def reveal_task(self, task: TaskRow | str) -> bool:
        """Open the task's branch and put the cursor on it (once its branch is read, if need be);
        False when the filter hides it."""
        if self.model is None:
            return False
        if isinstance(task, str):
            found = self.model.tasks.get(task)
            if found is None:
                return False
            task = found
        if not self.model.matches(task, self.task_filter):
            return False
        self._open(self._projects[task.project])
        main = self._mains.get((task.project, task.main_task))
        if main is None:
            return False
        self._reveal_target = (task.id, (task.project, task.main_task))
        self._open(main)
        if task.id in self._tasks:
            self.call_after_refresh(self._move_to_target)
        return True

    def action_expand_cursor(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._open(node)
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_cursor(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node is not self.root:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    # ------------------------------------------------------------------ labels

    def _kommune_label(self) -> Text:
        assert self.model is not None
        counts = self.model.total
        return Text.assemble(
            colour_badge(counts.colour),
            " ",
            (self.model.kommune_name, "bold"),
            _counts_suffix(counts),
        )

    def _project_label(self, code: str) -> Text:
        assert self.model is not None
        counts = self.model.project_counts[code]
        return Text.assemble(
            colour_badge(counts.colour, word=False),
            " ",
            (code, "bold"),
            (" ⚠", traffic_style(Colour.YELLOW, bold=True)) if self.warnings.get(code) else "",
            " ",
            self.model.projects[code].name,
            _counts_suffix(counts),
        )

    def _main_label(self, key: MainKey) -> Text:
        assert self.model is not None
        main = self.model.main_tasks[key[1]]
        if key in self.model.skipped:
            return Text(f"– {main.number:>2}. {main.name} (ikke relevant)", style="dim")
        counts = self.model.main_counts[key]
        return Text.assemble(
            colour_badge(counts.colour, word=False),
            f" {main.number:>2}. {main.name}",
            _counts_suffix(counts),
        )

    def _task_label(self, task_id: str) -> Text:
        assert self.model is not None
        task = self.model.tasks[task_id]
        colour = self.model.colour_of(task_id)
        marker = CATEGORY_MARKERS[task.category]
        return Text.assemble(
            STATUS_GLYPHS[task.status],
            " ",
            colour_badge(colour, word=False),
            " ",
            (marker, "bold"),
            " ",
            (f"{short_date(task.due)} ", "dim"),
            ("[lokal] ", "italic") if task.is_local else "",
            (task.title, "dim" if task.status.value == "done" else ""),
        )

    def _relabel(self, node: TreeNode[NodeRef], label: Text) -> None:
        """Give one node a new label and repaint its own line only.

        `TreeNode.set_label` repaints every visible line whose path contains the node, which for
        the kommune's line is the whole tree: on every keypress, tens of lines whose text did not
        change. The line cache is keyed on the nodes' update counters, so nothing stale is shown.
        """
        node._label = self.process_label(label)
        node._updates += 1
        if node.line >= 0:
            self._refresh_line(node.line)

    def relabel_task(self, task_id: str) -> None:
        """Redraw a task and every ancestor after its colour or status changed."""
        assert self.model is not None
        task = self.model.tasks.get(task_id)
        node = self._tasks.get(task_id)
        if node is not None and task is not None:
            self._relabel(node, self._task_label(task_id))
        if task is not None:
            main = self._mains.get((task.project, task.main_task))
            if main is not None:
                self._relabel(main, self._main_label((task.project, task.main_task)))
            self._relabel(self._projects[task.project], self._project_label(task.project))
        self._relabel(self.root, self._kommune_label())

    def add_task_node(self, task_id: str) -> None:
        assert self.model is not None
        task = self.model.tasks[task_id]
        main = self._mains.get((task.project, task.main_task))
        if main is not None and main.id in self._filled:
            self._tasks[task_id] = main.add_leaf(
                self._task_label(task_id), NodeRef("task", task_id)
            )
        self.relabel_task(task_id)

    def remove_task_node(self, task_id: str, project: str, main_task: int) -> None:
        node = self._tasks.pop(task_id, None)
        if node is not None:
            node.remove()
        main = self._mains.get((project, main_task))
        if main is not None:
            self._relabel(main, self._main_label((project, main_task)))
        self._relabel(self._projects[project], self._project_label(project))
        self._relabel(self.root, self._kommune_label())
