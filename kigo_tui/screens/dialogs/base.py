"""The frame every dialog shares; each dialog returns its answer with dismiss()."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from kigo_tui.screens.base import BaseScreen

FORM_FIELDS: tuple[type[Widget], ...] = (
    Input,
    TextArea,
    Select,
    Checkbox,
    SelectionList,
    OptionList,
)
"""What a user fills in: a dialog with one of these is a form, and opens in the first of them
(the fields kigo's forms use; a RadioSet would join them here)."""


class Dialog(BaseScreen[Any], ModalScreen[Any]):
    """Escape cancels; the dialog box is centred and fits 80×24; a form opens with the focus in
    its first field."""

    BINDINGS = [Binding("escape", "cancel", "Annullér", priority=True)]
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    Dialog .title { text-style: bold; width: 1fr; content-align: center middle; }
    Dialog .error { color: $error; height: auto; }
    Dialog .buttons { height: auto; align: right middle; }
    Dialog .buttons Button { margin-left: 1; }
    Dialog Grid {
        grid-size: 2; grid-columns: 20 1fr; grid-rows: auto; height: auto; grid-gutter: 0 1;
        margin: 1 0;
    }
    Dialog Grid Input, Dialog Grid Select { background: $boost; }
    """

    _dismissed = False

    @on(events.Mount)
    def _focus_first_field(self) -> None:
        """Put the focus in the form's first field. Textual focuses the first focusable widget,
        which may be the scrolling frame around the form; a dialog that focuses another widget
        on purpose (with `focus()` in its own on_mount, applied after this) still does."""
        first = next((w for w in self.focus_chain if isinstance(w, FORM_FIELDS)), None)
        if first is not None and not isinstance(self.focused, FORM_FIELDS):
            self.set_focus(first)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Close once. A second Enter or ctrl+s typed fast can arrive after the first has closed
        the dialog: Textual would run the answer's callback again and pop the screen below."""
        if self._dismissed:
            return AwaitComplete(asyncio.sleep(0))
        self._dismissed = True
        return super().dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def form_footer(self, save_label: str = "Gem (ctrl+s)") -> ComposeResult:
        """The error line and the Annullér/save buttons every form dialog ends with."""
        yield Static("", id="error", classes="error", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Annullér", id="cancel")
            yield Button(save_label, id="save", variant="primary")

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def show_error(self, message: object) -> None:
        self.query_one("#error", Static).update(Text(f"⚠ {message}"))
