"""Boxes that read ticked or not without colour: "[x]" and "[ ]".

Textual draws a ticked and an unticked box with the same "X" and tells them apart by shade only,
so with `NO_COLOR` (or for a colour-blind user) they look alike. `TickBox` (a Checkbox, in the
forms) and `Checklist` (a SelectionList, a task's tjekliste) draw the tick only when ticked.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

LEFT, RIGHT = "[", "]"
TICKED, UNTICKED = "x", " "


def mark(ticked: bool) -> str:
    return TICKED if ticked else UNTICKED


class TickBox(Checkbox):
    """A Checkbox drawn "[x] label" when ticked and "[ ] label" when not."""

    BUTTON_LEFT = LEFT
    BUTTON_RIGHT = RIGHT

    def __init__(self, label: str = "", value: bool = False, *, id: str | None = None) -> None:
        super().__init__(label, value, id=id)
        self.BUTTON_INNER = mark(value)

    def watch_value(self) -> None:
        self.BUTTON_INNER = mark(self.value)
        super().watch_value()  # the "-on" class and the Changed message


class Checklist(SelectionList[int]):
    """A SelectionList whose items start "[x]" when ticked and "[ ]" when not."""

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Pass on a highlight only while its item is still there. The detail pane refills the
        list when the task is shown again (after a tick, a live refresh): a highlight sent just
        before that arrives after it, and Textual 8.2.8 (pinned) fails building its message for
        an index that is gone (OptionDoesNotExist, the app stopped with a traceback)."""
        if event.option_index >= self.option_count:
            event.stop()
            event.prevent_default()  # Textual calls SelectionList's handler next unless told not

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 3 or segments[1].text != Checkbox.BUTTON_INNER:
            return line
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self.selected
        left, inner, right, *rest = segments
        return Strip(
            [
                Segment(LEFT, left.style),
                Segment(mark(ticked), inner.style),
                Segment(RIGHT, right.style),
                *rest,
            ],
            line.cell_length,
        )
