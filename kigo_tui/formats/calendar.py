"""Open tasks as an iCalendar file (RFC 5545) for Outlook and other calendar programs.

Each open task with a due date gives one all-day event on the due date and, when its warning
window is not empty, one on the day the window starts (the day it would turn yellow if not
started). UIDs are stable (`<task-id>-due@kigo.<kommunekode>`, `…-warn@…`) and SEQUENCE is the
task's version, so importing a newer file updates the events instead of duplicating them.

Our own writer, no dependency: CRLF line ends, lines folded at 75 octets (never inside a UTF-8
character), TEXT values escaped, DTSTAMP in UTC, VALUE=DATE with an exclusive DTEND. No Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kigo_tui import __version__
from kigo_tui.domain.dates import short_date
from kigo_tui.domain.rules import CATEGORY_LABELS, COLOUR_LABELS, STATUS_LABELS, Status
from kigo_tui.domain.text import count
from kigo_tui.models.readmodels import Snapshot, TaskRow

PRODID = f"-//KIGO i terminalen//kigo-tui {__version__}//DA"
MAX_OCTETS = 75


@dataclass(frozen=True, slots=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str
    categories: tuple[str, ...]
    sequence: int


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newlines escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets joined by CRLF + space (RFC 5545 3.1).

    A continuation line starts with the space, which counts towards its 75 octets.
    """
    parts: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _uid(task_id: str, kind: str, kommune_code: str) -> str:
    return f"{task_id}-{kind}@kigo.{kommune_code}"


def task_events(task: TaskRow, kommune_code: str, kommune_name: str, today: date) -> list[Event]:
    """The events of one task: none when it is done or has no due date."""
    if task.status == Status.DONE or task.due is None:
        return []
    colour = COLOUR_LABELS[task.colour(today)]
    description = (
        f"{task.id}: {task.title}\n"
        f"Projekt: {task.project} · hovedopgave {task.main_task} · "
        f"{CATEGORY_LABELS[task.category]}\n"
        f"Status: {STATUS_LABELS[task.status]} · farve pr. {short_date(today)}: {colour}\n"
        f"Slutdato: {short_date(task.due)} · varsel {count(task.warn_days, 'dag', 'dage')}\n"
        f"{kommune_name} – fra kigo"
    )
    categories = ("KIGO", task.project)
    events = [
        Event(
            _uid(task.id, "due", kommune_code),
            task.due,
            f"Slutdato: {task.id} {task.title}",
            description,
            categories,
            task.version,
        )
    ]
    if task.warn_days > 0:
        events.append(
            Event(
                _uid(task.id, "warn", kommune_code),
                task.due - timedelta(days=task.warn_days),
                f"Varsel: {task.id} {task.title} (slutdato {short_date(task.due)})",
                description,
                categories,
                task.version,
            )
        )
    return events


def _event_lines(event: Event, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        "CATEGORIES:" + ",".join(escape_text(c) for c in event.categories),
        "TRANSP:TRANSPARENT",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]


def calendar_bytes(
    snapshot: Snapshot,
    today: date,
    task_ids: Iterable[str] | None = None,
    project: str | None = None,
    stamp: datetime | None = None,
    name: str | None = None,
) -> tuple[bytes, int]:
    """The .ics file for the open tasks (of `project`, or only `task_ids`); and its event count."""
    wanted = set(task_ids) if task_ids is not None else None
    events: list[Event] = []
    for task in snapshot.tasks:
        if project is not None and task.project != project:
            continue
        if wanted is not None and task.id not in wanted:
            continue
        events += task_events(task, snapshot.kommune_code, snapshot.kommune_name, today)
    events.sort(key=lambda e: (e.day, e.uid))
    moment = (stamp or datetime.now(UTC)).astimezone(UTC)
    stamp_text = moment.strftime("%Y%m%dT%H%M%SZ")
    title = name or f"KIGO {snapshot.kommune_name}" + (f" {project}" if project else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(title)}",
    ]
    for event in events:
        lines += _event_lines(event, stamp_text)
    lines.append("END:VCALENDAR")
    text = "".join(fold(line) + "\r\n" for line in lines)
    return text.encode("utf-8"), len(events)
