"""A list of tasks to jump to (KOMBIT's follow-up, mine opgaver; see `kigo_tui.screens.lists`)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kigo_tui.domain.rules import CATEGORY_LABELS, COLOUR_LABELS, COLOUR_SYMBOLS, Colour
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.screens.dialogs.base import Dialog


class TaskListScreen(Dialog):
    """A list of tasks (KOMBIT's follow-up, mine opgaver), most severe first. Enter jumps to one."""

    BINDINGS = [Binding("escape,q", "cancel", "Luk")]
    DEFAULT_CSS = """
    TaskListScreen > .dialog { width: 100%; max-width: 110; height: 100%; max-height: 34; }
    TaskListScreen DataTable { height: 1fr; min-height: 3; }
    TaskListScreen .hint { height: 1; }
    """
    """A long list takes the room the summary leaves, so the key hint stays on screen at 80×24;
    a short one (`SHORT`) is as high as its rows."""
    SHORT = 8

    def __init__(
        self,
        title: str,
        summary: Text,
        rows: list[tuple[TaskRow, Colour]],
        empty: str,
        notes: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.notes = notes
        """A "KOMBIT" column per task id (KOMBIT's follow-up: follows up, or only sees)."""
        self.title_text = title
        self.summary = summary
        self.rows = rows
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.summary)
            if not self.rows:
                yield Static(self.empty, markup=False)
            yield DataTable(id="task-list", cursor_type="row")
            yield Static("Enter: gå til opgaven · Esc: luk", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Farve", "Opgave", "Kategori", "Slutdato")
        if self.notes is not None:
            table.add_column("KOMBIT")
        table.add_column("Titel")
        for task, colour in self.rows:
            extra = () if self.notes is None else (self.notes.get(task.id, ""),)
            table.add_row(
                f"{COLOUR_SYMBOLS[colour]} {COLOUR_LABELS[colour]}",
                Text(task.id),
                CATEGORY_LABELS[task.category],
                task.due.strftime("%d-%m-%Y") if task.due else "—",
                *extra,
                Text(task.title),
                key=task.id,
            )
        if len(self.rows) <= self.SHORT:
            self.query_one(".dialog").styles.height = "auto"
            table.styles.height = "auto"
        table.focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)
