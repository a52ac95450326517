"""The main screen's one-line header: the kommune, the date, the roll-up and the warnings
(read-only, no connection, go-live dates that contradict the projects' dependencies)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.dependencies import short_summary
from kigo_tui.domain.tree import TaskFilter, TreeModel
from kigo_tui.storage.dburl import header_location
from kigo_tui.widgets.traffic import colour_badge


@dataclass(frozen=True)
class HeaderState:
    """What the header shows besides the model."""

    task_filter: TaskFilter
    today_overridden: bool
    read_only: bool
    live: bool | None
    """The change listener's connection: up, down, or none (a polled SQLite file)."""
    db: str


class MainHeader(Static):
    """One line of fixed size: an update repaints it without a layout of the whole screen."""

    def show(self, model: TreeModel, state: HeaderState) -> None:
        self.update(header_text(model, state), layout=False)

    def show_fatal(self, message: str) -> None:
        self.update(Text(f"kigo · ⚠ {message}"))


def header_text(model: TreeModel, state: HeaderState) -> Text:
    header = Text()
    header.append(f"{model.kommune_name} ({model.kommune_code})", style="bold")
    header.append(f" │ pr. {danish_date(model.today)}")
    if state.today_overridden:
        header.append(" (valgt dato)", style="reverse")
    header.append(" │ samlet ")
    header.append_text(colour_badge(model.total.colour))
    conflicts = model.golive_conflicts()
    if conflicts:  # the go-live dates contradict a dependency (the project view says why)
        header.append(f" │ ⚠ {short_summary(conflicts)}", style="bold reverse")
    if state.task_filter.active:
        header.append(f" │ filter: {state.task_filter.describe()}", style="italic")
    if state.read_only:
        header.append(" │ ⚠ skrivebeskyttet: kun visning", style="bold reverse")
    if state.live is False:
        header.append(" │ ⚠ ingen forbindelse til databasen", style="bold reverse")
    header.append(f" │ {header_location(state.db)}", style="dim")
    return header
