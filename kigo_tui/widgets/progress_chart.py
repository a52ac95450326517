"""The progress chart widget: draws `kigo_tui.formats.chart` at its own size, styled per kind."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from kigo_tui.domain.progress import Progress
from kigo_tui.domain.rules import Colour
from kigo_tui.formats.chart import progress_chart
from kigo_tui.widgets.traffic import traffic_style

STYLES = {
    "": "",
    "axis": "dim",
    "label": "",
    "actual": "cyan",
    "plan": "bold magenta",
    "plan_on_actual": "bold magenta on cyan",
    "today": "bold",
}
TRAFFIC_KINDS = {"red": Colour.RED, "yellow": Colour.YELLOW}
"""The red/yellow bars take the theme's traffic-light colours (not bold)."""


def _style(kind: str) -> str | Style:
    colour = TRAFFIC_KINDS.get(kind)
    return STYLES[kind] if colour is None else traffic_style(colour, bold=False)


class ProgressChart(Widget):
    """The burn-down and the red/yellow bars of one Progress; redrawn when resized."""

    DEFAULT_CSS = """
    ProgressChart { height: 1fr; min-height: 9; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.progress: Progress | None = None

    def show(self, progress: Progress) -> None:
        self.progress = progress
        self.refresh()

    def render(self) -> Text:
        if self.progress is None:
            return Text("Indlæser historikken …")
        width, height = self.content_size.width, self.content_size.height
        rows = progress_chart(self.progress.weeks, width, height, self.progress.current_index)
        text = Text(no_wrap=True, overflow="crop")
        for index, row in enumerate(rows):
            if index:
                text.append("\n")
            run_kind, run = row[0][1], ""
            for char, kind in row:
                if kind != run_kind:
                    text.append(run, style=_style(run_kind))
                    run_kind, run = kind, ""
                run += char
            text.append(run.rstrip() if run_kind == "" else run, style=_style(run_kind))
        return text
