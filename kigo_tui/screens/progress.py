"""Progress over time: the burn-down against the plan and red/yellow per week, with the figures.

Reached with `p` from a project node (or anything under it; from the kommune: all projects).
The history is read in a thread worker; `p` here moves on to the next project.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from kigo_tui.domain.progress import ALL, Progress, WeekPoint
from kigo_tui.domain.text import count
from kigo_tui.screens.base import BaseScreen
from kigo_tui.widgets.progress_chart import ProgressChart

COLUMNS = ("Uge", "Opgjort pr.", "Opgaver", "Fuldført", "Tilbage", "Plan", "Bagud", "Røde", "Gule")


def scope_name(scope: str) -> str:
    return "hele kommunen" if scope == ALL else scope


def summary(series: Progress) -> Text:
    text = Text()
    text.append(f"Fremdrift – {scope_name(series.scope)}", style="bold")
    current = series.current
    if current is None or current.tasks is None:
        text.append(" · ingen opgaver")
        return text
    behind = current.behind or 0
    where = (
        f"{behind} bagud for planen"
        if behind > 0
        else f"{-behind} foran planen"
        if behind < 0
        else "som planen"
    )
    text.append(
        f" · uge {current.week}: {current.done} af {current.tasks} fuldført · tilbage "
        f"{current.remaining}, planen siger {current.planned_remaining} ({where}) · "
        f"{count(current.red or 0, 'rød', 'røde')}, {count(current.yellow or 0, 'gul', 'gule')}"
    )
    return text


class ProgressScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Tilbage"),
        Binding("p", "next_scope", "Næste projekt"),
        Binding("r", "reload", "Genindlæs", show=False),
    ]
    DEFAULT_CSS = """
    ProgressScreen #progress-header { height: auto; background: $panel; padding: 0 1; }
    ProgressScreen #progress-table { height: 9; }
    """

    def __init__(self, scope: str = ALL) -> None:
        super().__init__()
        self.scope = scope
        self.series: dict[str, Progress] = {}

    def compose(self) -> ComposeResult:
        yield Static(f"Fremdrift – {scope_name(self.scope)} · indlæser …", id="progress-header")
        yield ProgressChart(id="progress-chart")
        yield DataTable(id="progress-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)  # sized to the weeks' figures in _show
        table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    def _load(self) -> None:
        import kigo_tui.storage.progress as progress

        today = self.kigo_app.today()
        self.read("progress-load", lambda store: progress.read_progress(store, today), self._loaded)

    def _loaded(self, series: dict[str, Progress]) -> None:
        self.series = series
        if self.scope not in series:
            self.scope = ALL
        self._show()

    def _show(self) -> None:
        current = self.series[self.scope]
        self.query_one("#progress-header", Static).update(summary(current))
        self.query_one(ProgressChart).show(current)
        table = self.query_one(DataTable)
        rows = [self._cells(week) for week in current.weeks]
        # Each column as wide as its header and its widest figure, given when it is added: a
        # column sized later, when the table is next idle, can keep lines drawn before then cut
        # to the header ("uge" for "uge 45/2026"; Textual 8.2.8 does not redraw them).
        table.clear(columns=True)
        for index, label in enumerate(COLUMNS):
            table.add_column(label, width=max([len(label), *(len(row[index]) for row in rows)]))
        for week, cells in zip(current.weeks, rows, strict=True):
            table.add_row(*cells, key=week.label)
        if current.current_index is not None:
            table.move_cursor(row=current.current_index)

    @staticmethod
    def _cells(week: WeekPoint) -> tuple[str, ...]:
        def number(value: int | None, sign: bool = False) -> str:
            if value is None:
                return ""
            return f"{value:+d}" if sign else str(value)

        return (
            week.danish_label,
            week.day.strftime("%d-%m-%Y") if week.measured else "",
            number(week.tasks),
            number(week.done),
            number(week.remaining),
            str(week.planned_remaining),
            number(week.behind, sign=True),
            number(week.red),
            number(week.yellow),
        )

    def action_next_scope(self) -> None:
        if not self.series:
            return
        scopes = list(self.series)
        self.scope = scopes[(scopes.index(self.scope) + 1) % len(scopes)]
        self._show()
