"""The task lists of the main screen: KOMBIT's follow-up ("opfølgning") and "mine opgaver".

Each presenter turns what the store read into the rows and the summary `TaskListScreen` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from kigo_tui.domain.rules import Colour, needs_follow_up, severity
from kigo_tui.domain.text import count
from kigo_tui.models.readmodels import TaskRow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kigo_tui.domain.organisation import Organisation


@dataclass(frozen=True)
class TaskList:
    """One list as the dialog shows it."""

    title: str
    summary: Text
    rows: list[tuple[TaskRow, Colour]]
    empty: str


def follow_up_list(
    candidates: Iterable[TaskRow], today: date, projects: Iterable[str], org: Organisation | None
) -> TaskList:
    """What KOMBIT sees: red and critical yellow tasks, most severe first, then by due date;
    per project the red and yellow on the critical path and KOMBIT's contact."""
    rows = [
        (task, task.colour(today))
        for task in candidates
        if needs_follow_up(task.category, task.status, task.colour(today))
    ]
    rows.sort(
        key=lambda r: (
            -severity(r[1]),
            r[0].category.value != "critical",
            r[0].due or date.max,
            r[0].id,
        )
    )
    summary = Text()
    for code in projects:
        red = sum(1 for t, c in rows if t.project == code and c == Colour.RED)
        yellow = sum(1 for t, c in rows if t.project == code and c == Colour.YELLOW)
        contact = org.contact_for(code) if org else None
        who = f"{contact[1].name} ({contact[0]})" if contact else "ingen kontaktperson"
        summary.append(f"{code}: ", style="bold")
        summary.append(
            f"{count(red, 'rød', 'røde')}, {count(yellow, 'gul', 'gule')} på kritisk vej · KOMBIT kontakter {who}\n"
        )
    return TaskList(
        "KOMBITs opfølgning – det KOMBIT ser",
        summary,
        rows,
        "Ingen opgaver KOMBIT vil følge op på. ● grøn",
    )


def mine_list(name: str, tasks: Iterable[TaskRow], today: date) -> TaskList:
    """The configured person's tasks as `my_tasks` orders them (worst colour first, then by due
    date)."""
    rows = [(task, task.colour(today)) for task in tasks]
    summary = Text(f"{name}: ansvarlig for eller udfører {count(len(rows), 'opgave', 'opgaver')}")
    return TaskList("Mine opgaver", summary, rows, "Ingen opgaver er knyttet til dig.")


def unknown_me(me: str | None) -> str:
    """Why "mine opgaver" cannot be shown: no 'me' in the settings, or nobody by that name."""
    if not me:
        return "Sæt 'me' i config.toml (dit navn, e-mail eller id) for at se dine opgaver"
    return f"Kender ingen person '{me}' (se 'kigo people list')"
