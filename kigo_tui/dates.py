"""Dates as users read and write them: 'today' in Copenhagen, ISO input, Danish display."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kigo_tui.errors import KigoError

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_MONTHS = (
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)


class DateError(KigoError, ValueError):
    """A date the user typed cannot be read."""


def parse_date(text: str, what: str = "dato") -> date:
    """Read YYYY-MM-DD (or DD-MM-YYYY / DD.MM.YYYY as Danes write it); the error says what was wrong."""
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise DateError(f"ugyldig {what}: '{text}' (skriv den som ÅÅÅÅ-MM-DD, fx 2027-03-01)")


def copenhagen_today() -> date:
    return datetime.now(COPENHAGEN).date()


def resolve_today(override: str | None) -> tuple[date, bool]:
    """The date colours are computed for, and whether it was overridden (--today or KIGO_TODAY)."""
    text = override or os.environ.get("KIGO_TODAY")
    if text:
        return parse_date(text, "--today"), True
    return copenhagen_today(), False


def danish_date(value: date | None) -> str:
    """'3. mar. 2027'; '—' for no date."""
    if value is None:
        return "—"
    return f"{value.day}. {_MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | None) -> str:
    """'03-03-2027', compact for tree rows; '—' for no date."""
    return "—" if value is None else value.strftime("%d-%m-%Y")
