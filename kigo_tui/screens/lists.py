"""The task lists of the main screen: KOMBIT's follow-up ("opfølgning") and "mine opgaver".

Each presenter turns what the store read into the rows and the summary `TaskListScreen` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from kigo_tui.domain.rules import Category, Colour, in_kombit_report, needs_follow_up, severity
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
    notes: dict[str, str] | None = None
    """An extra column per task id (KOMBIT's list: whether KOMBIT follows the task up)."""


FOLLOWS_UP = "følger op"
IN_REPORT = "ser den"
"""The KOMBIT column of the follow-up list: a task KOMBIT follows up on, or one it only sees in
its report (a yellow mandatory task that is not on the critical path)."""

HOW_KOMBIT_WORKS = (
    "KOMBIT ser alle røde og gule obligatoriske opgaver (også de kritiske) og følger op på de "
    "røde og de kritiske gule – ud fra en helhedsvurdering, uden mekanisk eskalation.\n"
)


def _colours(red: int, yellow: int) -> str:
    """'3 røde og 1 gul': the adjective agrees with its number."""
    return f"{count(red, 'rød', 'røde')} og {count(yellow, 'gul', 'gule')}"


def follow_up_list(
    candidates: Iterable[TaskRow], today: date, projects: Iterable[str], org: Organisation | None
) -> TaskList:
    """KOMBIT's view, as `kigo_tui.domain.rules` defines it: every task in KOMBIT's report
    (`in_kombit_report`: red or yellow mandatory tasks KOMBIT published), the ones KOMBIT follows
    up on (`needs_follow_up`) first, then the most severe, critical before mandatory, then by
    slutdato. The summary says what is counted per project, and whom KOMBIT would contact.

    A kommune's own (local) tasks are on neither list, whatever category the kommune gave them
    (see `in_kombit_report`); the summary says how many of them are red or yellow, so the kommune
    knows they are left out on purpose.
    """
    coloured = [(task, task.colour(today)) for task in candidates]
    rows = [
        (task, colour)
        for task, colour in coloured
        if in_kombit_report(task.category, colour, local=task.is_local)
    ]
    followed = {
        task.id
        for task, colour in rows
        if needs_follow_up(task.category, task.status, colour, local=task.is_local)
    }
    own = sum(
        1
        for task, colour in coloured
        if task.is_local and task.category != Category.OPTIONAL and colour != Colour.GREEN
    )
    rows.sort(
        key=lambda r: (
            r[0].id not in followed,
            -severity(r[1]),
            r[0].category != Category.CRITICAL,
            r[0].due or date.max,
            r[0].id,
        )
    )
    summary = Text(HOW_KOMBIT_WORKS)
    for code in projects:
        mine = [(t, c) for t, c in rows if t.project == code]
        seen_red = sum(1 for _, c in mine if c == Colour.RED)
        seen_yellow = len(mine) - seen_red
        follow = [(t, c) for t, c in mine if t.id in followed]
        follow_red = sum(1 for _, c in follow if c == Colour.RED)
        contact = org.contact_for(code) if org else None
        who = f"{contact[1].name} ({contact[0]})" if contact else "ingen kontaktperson"
        summary.append(f"{code}: ", style="bold")
        summary.append(
            f"{count(len(mine), 'obligatorisk opgave', 'obligatoriske opgaver')} i KOMBITs "
            f"rapport ({_colours(seen_red, seen_yellow)}); KOMBIT følger op på {len(follow)} af "
            f"dem ({_colours(follow_red, len(follow) - follow_red)}) · kontakt: {who}\n"
        )
    if own:
        summary.append(
            "Kommunens egne opgaver er ikke med, for KOMBIT følger kun de opgaver, KOMBIT selv "
            f"har udgivet: {own} af jeres egne obligatoriske opgaver "
            f"{'er rød eller gul' if own == 1 else 'er røde eller gule'} – se dem i træet.\n"
        )
    return TaskList(
        "KOMBITs opfølgning – det KOMBIT ser, og det KOMBIT følger op på",
        summary,
        rows,
        "KOMBITs rapport er tom: ingen obligatoriske opgaver er røde eller gule. ● grøn",
        {task.id: FOLLOWS_UP if task.id in followed else IN_REPORT for task, _ in rows},
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
        return "Vælg, hvem du er, for at se dine opgaver."
    return f"Der er ingen person '{me}' i organisationen: vælg, hvem du er."
