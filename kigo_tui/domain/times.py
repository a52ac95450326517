"""Moments as users read and write them: stored in UTC, shown and typed in Copenhagen time.

The defect log needs the time of day (an SLA counts hours); `kigo_tui.domain.dates` handles whole dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kigo_tui.domain.dates import COPENHAGEN, DateError, check_date, date_parts, make_date
from kigo_tui.domain.text import printable

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
NOW_WORDS = ("nu", "now")


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one (as SQLite gives it back) is taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def local(value: datetime) -> datetime:
    return as_utc(value).astimezone(COPENHAGEN)


def local_text(value: datetime | None) -> str:
    """'20-11-2026 14:30' in Copenhagen time; '—' for none."""
    return "—" if value is None else local(value).strftime("%d-%m-%Y %H:%M")


def excel_moment(value: datetime) -> datetime:
    """`value` as a naive date-time in Copenhagen time: what a spreadsheet cell or a CSV shows
    (neither has time zones; the column's header says "(dansk tid)")."""
    return local(value).replace(tzinfo=None)


def clock_text(value: datetime) -> str:
    """'20-11-2026 kl. 14.30 (dansk tid)': a moment in a sentence a person reads."""
    moment = local(value)
    return f"{moment:%d-%m-%Y} kl. {moment:%H.%M} (dansk tid)"


def iso_local(value: datetime | None) -> str:
    """'2026-11-20 14:30' in Copenhagen time (what the forms show and accept); '' for none."""
    return "" if value is None else local(value).strftime("%Y-%m-%d %H:%M")


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in Copenhagen, as UTC."""
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day` in Copenhagen (= the start of the next day), as UTC."""
    return start_of_day(day + timedelta(days=1))


def measure_instant(today: date, now: datetime | None = None) -> datetime:
    """When ages and SLA breaches are measured: now, or the end of `today` if that is another day.

    `--today` (or the TUI's chosen date) asks "how does it look on that date?"; the honest answer
    for a date other than the real one is the state at the end of it.
    """
    now = as_utc(now) if now is not None else now_utc()
    if now.astimezone(COPENHAGEN).date() == today:
        return now
    return end_of_day(today)


def parse_moment(text: str, what: str = "tidspunkt", *, now: datetime | None = None) -> datetime:
    """A moment typed in Copenhagen time, as aware UTC; DateError names what was wrong.

    Accepts 'ÅÅÅÅ-MM-DD TT:MM' (also with T, or DD-MM-ÅÅÅÅ / DD.MM.ÅÅÅÅ), a bare date (= 00:00)
    and 'nu'. A time skipped by the change to summer time does not exist and is refused; a time
    that occurs twice when winter time begins means the first (summer-time) one.
    """
    value = " ".join(text.split())
    if value.casefold() in NOW_WORDS:
        return as_utc(now) if now is not None else now_utc()
    parsed: datetime | None = None
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        parts = date_parts(value.replace("T", " ").split(" ")[0])
        if parts is not None:
            make_date(parts, value, what)  # the day itself does not exist or is out of range
        raise DateError(
            f"ugyldigt {what}: '{printable(text[:40])}' "
            "(skriv ÅÅÅÅ-MM-DD TT:MM, fx 2026-11-20 14:30, eller 'nu')"
        )
    check_date(parsed.date(), what)
    moment = parsed.replace(tzinfo=COPENHAGEN)
    back = moment.astimezone(UTC).astimezone(COPENHAGEN)
    if back.replace(tzinfo=None) != parsed:
        raise DateError(
            f"ugyldigt {what}: {value} findes ikke i dansk tid (uret springer en time frem, når "
            "sommertiden begynder)"
        )
    return moment.astimezone(UTC)


def duration_text(value: timedelta) -> str:
    """'2 d 4 t', '3 t 15 min', '20 min'; negative durations get a minus."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} t"
    if hours:
        return f"{sign}{hours} t {mins} min" if mins else f"{sign}{hours} t"
    return f"{sign}{mins} min"


def hours_text(hours: float) -> str:
    """'24 t', '1,5 t' (Danish decimal comma)."""
    return f"{hours:g}".replace(".", ",") + " t"
