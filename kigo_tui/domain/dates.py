"""Dates as users read and write them: 'today' in Copenhagen, ISO input, Danish display
(dd-mm-åååå, the one format people read)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kigo_tui.domain.text import printable
from kigo_tui.errors import KigoError

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
"""Every date a user gives (flags, --today, forms, workbook cells, catalogue files, defect times)
lies in this range; anything outside it is a typing mistake, not a plan."""
RANGE_TEXT = f"{MIN_DATE.isoformat()} til {MAX_DATE.isoformat()}"

_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_DANISH = re.compile(r"([0-9]{1,2})([-.])([0-9]{1,2})\2([0-9]{4})", re.ASCII)


class DateError(KigoError, ValueError):
    """A date the user typed cannot be read."""


def check_date(value: date, what: str = "dato") -> date:
    """`value` if it lies in MIN_DATE..MAX_DATE; DateError naming `what` otherwise."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise DateError(
            f"{what} {value.isoformat()} ligger uden for det tilladte interval ({RANGE_TEXT})"
        )
    return value


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) when `text` has the shape of a date (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ or
    DD.MM.ÅÅÅÅ), whether or not that day exists; None for anything else."""
    if match := _ISO.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _DANISH.fullmatch(text):
        return int(match[4]), int(match[3]), int(match[1])
    return None


def make_date(parts: tuple[int, int, int], text: str, what: str) -> date:
    """The date of (year, month, day) in the allowed range; the error says when it does not exist."""
    try:
        value = date(*parts)
    except ValueError:
        raise DateError(f"{what} '{printable(text)}' findes ikke i kalenderen") from None
    return check_date(value, what)


def parse_date(text: str, what: str = "dato") -> date:
    """Read YYYY-MM-DD (or DD-MM-YYYY / DD.MM.YYYY as Danes write it) in the allowed range; the
    error says what was wrong: the form, a day that does not exist (2027-02-30), or the range."""
    value = text.strip()
    parts = date_parts(value)
    if parts is None:
        raise DateError(
            f"ugyldig {what}: '{printable(text[:40])}' (skriv den som ÅÅÅÅ-MM-DD, fx 2027-03-01)"
        )
    return make_date(parts, value, what)


def copenhagen_today() -> date:
    return datetime.now(COPENHAGEN).date()


def resolve_today(override: str | None) -> tuple[date, bool]:
    """The date colours are computed for, and whether it was overridden (--today or KIGO_TODAY)."""
    text = override or os.environ.get("KIGO_TODAY")
    if text:
        return parse_date(text, "--today"), True
    return copenhagen_today(), False


def danish_date(value: date | None) -> str:
    """'03-03-2027': the one date format people read (TUI, CLI, messages); '—' for no date."""
    return short_date(value)


def short_date(value: date | None) -> str:
    """'03-03-2027', compact for tree rows; '—' for no date."""
    return "—" if value is None else value.strftime("%d-%m-%Y")
