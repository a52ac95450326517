"""A colleague saved first: what changed, and the user's choice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from kigo_tui.screens.dialogs.base import Dialog

if TYPE_CHECKING:
    from kigo_tui.domain.conflict import Conflict

UNCHANGED = "(ikke ændret af dig)"


class ConflictScreen(Dialog):
    """A colleague saved the row while the user was changing it. Per field: what the user had
    seen, what the colleague saved and what the user wants. The user chooses: keep the
    colleague's change ("keep"), save their own changes on top of it ("mine": only the fields
    the user changed; every other field keeps the colleague's value), or cancel (None). Nothing
    is written by the dialog itself."""

    BINDINGS = [Binding("escape", "cancel", "Annullér", priority=True)]
    DEFAULT_CSS = """
    ConflictScreen > .dialog { width: 100%; max-width: 110; }
    ConflictScreen #conflict-fields { height: auto; max-height: 14; }
    ConflictScreen .buttons { margin-top: 1; }
    """

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        from rich.table import Table

        conflict = self.conflict
        table = Table(expand=True, show_edge=False, pad_edge=False)
        for header in ("Felt", "Du så", "Kollegaen gemte", "Du vil gemme"):
            table.add_column(Text(header), overflow="fold")
        for change in conflict.changes:
            theirs = Text(change.theirs, style="bold" if change.colleague_changed else "")
            # A field the user did not change keeps the colleague's value whatever the choice.
            mine = Text(change.mine, style="bold") if change.i_changed else Text(UNCHANGED, "dim")
            table.add_row(Text(change.label), Text(change.seen), theirs, mine)
        who = ", ".join(conflict.colleague_fields) or "ingen af de viste felter"
        with Vertical(classes="dialog"):
            yield Static(Text(f"{conflict.what} er ændret af en anden"), classes="title")
            yield Static(
                Text(
                    f"En kollega gemte {conflict.what}, mens du havde den åben (version "
                    f"{conflict.seen_version} → {conflict.current_version}; ændret: {who}). "
                    "Intet af dit er gemt endnu. Felter du ikke har ændret, beholder kollegaens "
                    "værdi, også hvis du gemmer dine ændringer."
                )
            )
            with VerticalScroll(id="conflict-fields"):
                yield Static(table)
            with Horizontal(classes="buttons"):
                yield Button("Annullér", id="cancel")
                yield Button("Gem mine ændringer alligevel", id="mine", variant="warning")
                yield Button("Behold kollegaens ændring", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.dismiss("keep")

    @on(Button.Pressed, "#mine")
    def _mine(self) -> None:
        self.dismiss("mine")
