"""Filter the tree: only yellow and red, only required, hide done."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Static

from kigo_tui.domain.tree import TaskFilter
from kigo_tui.screens.dialogs.base import Dialog
from kigo_tui.widgets.ticks import TickBox


class FilterScreen(Dialog):
    BINDINGS = [Binding("ctrl+s", "apply", "Anvend")]

    def __init__(self, current: TaskFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Filtrér opgaver", classes="title")
            yield TickBox("Kun gule og røde", self.current.only_problems, id="problems")
            yield TickBox(
                "Kun obligatoriske og kritiske", self.current.only_required, id="required"
            )
            yield TickBox("Skjul fuldførte", self.current.hide_done, id="hide-done")
            with Horizontal(classes="buttons"):
                yield Button("Nulstil", id="reset")
                yield Button("Anvend", id="apply", variant="primary")

    @on(Button.Pressed, "#reset")
    def _reset(self) -> None:
        self.dismiss(TaskFilter())

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(
            TaskFilter(
                only_problems=self.query_one("#problems", Checkbox).value,
                only_required=self.query_one("#required", Checkbox).value,
                hide_done=self.query_one("#hide-done", Checkbox).value,
            )
        )
