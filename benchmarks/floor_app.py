"""The floor: the smallest Textual app, launched the way kigo is, as the measure of every figure.

It paints one line, `☐ gulv 0/1`; space toggles it to `☑ gulv 1/1` and back (the same kind of
change the keypress benchmark waits for in kigo: a status glyph and a done count); q quits, so the
harness can read its peak memory first, as it does for kigo.

    .venv/bin/python benchmarks/floor_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class FloorApp(App[None]):
    BINDINGS = [Binding("space", "toggle", "til/fra"), Binding("q", "quit", "afslut")]

    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def compose(self) -> ComposeResult:
        yield Static(self.label())

    def label(self) -> str:
        return "☑ gulv 1/1" if self.done else "☐ gulv 0/1"

    def action_toggle(self) -> None:
        self.done = not self.done
        self.query_one(Static).update(self.label())


if __name__ == "__main__":
    FloorApp().run()
