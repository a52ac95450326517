"""The SLA clock: how much agreed time has passed, and when a target runs out.

Two modes (config `[sla] working_days`): calendar time, where every hour counts, weekends too;
or working days, where only time on Monday–Friday counts, minus Danish public holidays (from the
maintained `holidays` package, country DK). Days are Copenhagen days, so a working day is the
23 or 25 hours it really has when summer time begins or ends. All arithmetic is on aware UTC
datetimes. No Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.times import as_utc, start_of_day

MAX_DAYS = 20 * 366
"""A safety bound for the working-day walk (a target is at most a year; this is far beyond)."""


@lru_cache(maxsize=1)
def _danish_holidays() -> Mapping[date, str]:
    """Denmark's public holidays by date, named in Danish (holidays is imported on first use)."""
    import holidays

    calendar: Mapping[date, str] = holidays.country_holidays("DK", language="da")
    return calendar


def is_danish_holiday(day: date) -> bool:
    """A Danish public holiday (nytårsdag, påske, store bededag until 2023, Kristi himmelfart, pinse,
    jul). Juleaftensdag, nytårsaftensdag and grundlovsdag are not public holidays."""
    return day in _danish_holidays()


def holiday_name(day: date) -> str | None:
    return _danish_holidays().get(day)


class SlaClock:
    def __init__(
        self, working_days: bool, is_holiday: Callable[[date], bool] = is_danish_holiday
    ) -> None:
        self.working_days = working_days
        self._is_holiday = is_holiday

    def counts(self, day: date) -> bool:
        """Does time on this Copenhagen day count?"""
        if not self.working_days:
            return True
        return day.weekday() < 5 and not self._is_holiday(day)

    def _days_from(self, start: datetime) -> Iterator[tuple[datetime, datetime, bool]]:
        """(day start, day end, counts) in UTC for the Copenhagen days from `start`'s day on."""
        day = start.astimezone(COPENHAGEN).date()
        for _ in range(MAX_DAYS):
            begin, end = start_of_day(day), start_of_day(day + timedelta(days=1))
            yield begin, end, self.counts(day)
            day += timedelta(days=1)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The counted time from `start` to `end` (zero if `end` is not after `start`)."""
        start, end = as_utc(start), as_utc(end)
        if end <= start:
            return timedelta(0)
        if not self.working_days:
            return end - start
        total = timedelta(0)
        for begin, day_end, counts in self._days_from(start):
            if begin >= end:
                break
            if counts:
                total += min(day_end, end) - max(begin, start)
        return total

    def deadline(self, start: datetime, allowed: timedelta) -> datetime:
        """The moment at which `allowed` counted time has passed since `start`.

        `elapsed(start, deadline(start, allowed)) == allowed`; a breach is any moment after it.
        """
        start = as_utc(start)
        if not self.working_days:
            return start + allowed
        remaining = allowed
        for begin, day_end, counts in self._days_from(start):
            if not counts:
                continue
            clock_start = max(begin, start)
            available = day_end - clock_start
            if remaining <= available:
                return clock_start + remaining
            remaining -= available
        raise ValueError("SLA-fristen ligger urimeligt langt ude")  # pragma: no cover
