"""A task's fields checked in one place, with one Danish message per problem, for the CLI, the TUI
and every import: a title that is not empty, texts through the text gate, dates in the calendar's
range with the start not after the due date, a warning window of 0-365 days and a short reason
for a date moved away from KOMBIT's.

What needs the database (is the task from KOMBIT's catalogue, does a date move away from its
baseline, so that a reason is required) stays with the store; what can be said from the values
alone is said here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kigo_tui.domain.dates import check_date, danish_date, parse_date
from kigo_tui.domain.text import clean_text, printable
from kigo_tui.errors import KigoError

NO_REASON = "(ingen begrundelse angivet)"
"""A date moved before kigo asked for reasons (a database from before schema 8), in a table."""

WARN_DAYS_MAX = 365
"""The longest warning window: a task turns yellow at most a year before its due date."""
REASON_MAX = 200
"""Most characters in the reason for a moved date: a short sentence, not a report."""


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)


class TaskFieldError(KigoError, ValueError):
    """A task field that cannot be saved; the message is Danish and names the field."""


@dataclass(frozen=True, slots=True)
class TaskFields:
    """The checked values; None where the field was not given (or, for a date, left empty)."""

    title: str | None = None
    description: str | None = None
    start: date | None = None
    due: date | None = None
    warn_days: int | None = None
    reason: str | None = None


def check_title(title: str) -> str:
    text = clean_text(title, "titel")
    if not text:
        raise TaskFieldError("titlen må ikke være tom")
    return text


def check_task_date(value: date | str | None, what: str) -> date | None:
    """A date as typed (ISO or Danish; empty: none) or as a date, within the calendar's range."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_date(value, what) if value.strip() else None
    return check_date(value, what)


def check_warn_days(value: int | str) -> int:
    """The warning window in whole days, 0-365, as a number or as typed."""
    if isinstance(value, bool):
        raise TaskFieldError(f"varsel skal være et helt antal dage, ikke '{value}'")
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise TaskFieldError(
                f"varsel skal være et helt antal dage, ikke '{printable(value[:40], one_line=True)}'"
            )
        value = int(text)
    if not 0 <= value <= WARN_DAYS_MAX:
        raise TaskFieldError(f"varsel skal være mellem 0 og {WARN_DAYS_MAX} dage")
    return value


def check_dates_in_order(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and start > due:
        raise TaskFieldError(
            f"startdatoen ({danish_date(start)}) ligger efter slutdatoen ({danish_date(due)})"
        )


def clean_reason(reason: str | None) -> str | None:
    """The reason for a moved date with its white space (line breaks too) collapsed to single
    spaces, as it is shown, through the text gate; None when it is empty."""
    if reason is None:
        return None
    return clean_text(" ".join(reason.split()), "begrundelse") or None


def check_reason(reason: str | None) -> str | None:
    """`clean_reason`, and no longer than REASON_MAX (whether one is needed is the store's call:
    only a date moved away from KOMBIT's needs one)."""
    text = clean_reason(reason)
    if text is not None and len(text) > REASON_MAX:
        raise TaskFieldError(f"begrundelsen er {len(text)} tegn; højst {REASON_MAX} er tilladt")
    return text


def validate_task_fields(
    *,
    title: str | None = None,
    description: str | None = None,
    start: date | str | None = None,
    due: date | str | None = None,
    warn_days: int | str | None = None,
    reason: str | None = None,
) -> TaskFields:
    """The given fields checked and cleaned; a KigoError (TaskFieldError, TextError, DateError)
    with a Danish message naming the first field that cannot be saved.

    The order of the checks is the form's: title, description, start, due, warning, reason, and
    then the start against the due date (when both are given)."""
    fields = TaskFields(
        title=None if title is None else check_title(title),
        description=None if description is None else clean_text(description, "beskrivelse"),
        start=check_task_date(start, "startdato"),
        due=check_task_date(due, "slutdato"),
        warn_days=None if warn_days is None else check_warn_days(warn_days),
        reason=check_reason(reason),
    )
    check_dates_in_order(fields.start, fields.due)
    return fields
