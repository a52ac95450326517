"""The SLA clock and the defect arithmetic at their boundaries.

Calendar time counts every hour, weekends too; with working days only Monday–Friday counts,
minus the Danish public holidays of the `holidays` package. Times are Copenhagen wall-clock in
the test names and converted here, so a summer-time day is really 23 or 25 hours long.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import (
    ALL,
    DefectRow,
    Policy,
    as_of,
    assess,
    assess_all,
    figures,
    resolution_short,
    response_short,
)
from kigo_tui.domain.sla import SlaClock, holiday_name, is_danish_holiday
from kigo_tui.domain.sla_settings import SlaSettings

CALENDAR = SlaClock(working_days=False)
WORKING = SlaClock(working_days=True)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def cph(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Copenhagen wall-clock moment as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


# ------------------------------------------------------------------ holidays


def test_danish_public_holidays_come_from_the_library() -> None:
    # Easter 2027: Skærtorsdag 25/3, Langfredag 26/3, Påskedag 28/3, 2. påskedag 29/3
    for day in (date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 28), date(2027, 3, 29)):
        assert is_danish_holiday(day), day
    assert holiday_name(date(2026, 12, 25)) == "Juledag"
    assert not is_danish_holiday(date(2026, 12, 24))  # juleaftensdag is a working day
    assert not is_danish_holiday(date(2027, 6, 5))  # grundlovsdag is not a public holiday
    # Store bededag was abolished from 2024: the library knows, so we do too
    assert is_danish_holiday(date(2023, 5, 5))
    assert not is_danish_holiday(date(2024, 4, 26))


# ------------------------------------------------------------------ calendar time


def test_calendar_time_counts_the_weekend() -> None:
    friday = cph(2026, 11, 27, 15)
    assert CALENDAR.deadline(friday, 24 * HOUR) == cph(2026, 11, 28, 15)
    assert CALENDAR.elapsed(friday, cph(2026, 11, 30, 15)) == 72 * HOUR


def test_calendar_time_over_the_change_to_summer_time_is_real_hours() -> None:
    # 28 March 2027 has 23 hours in Copenhagen: 24 real hours from Saturday noon end at 13:00
    saturday = cph(2027, 3, 27, 12)
    assert CALENDAR.deadline(saturday, 24 * HOUR) == cph(2027, 3, 28, 13)
    # and winter time (31 October 2027, 25 hours): 24 real hours end at 11:00
    assert CALENDAR.deadline(cph(2027, 10, 30, 12), 24 * HOUR) == cph(2027, 10, 31, 11)


def test_nothing_elapses_backwards() -> None:
    start = cph(2026, 11, 27, 15)
    assert CALENDAR.elapsed(start, start - HOUR) == timedelta(0)
    assert WORKING.elapsed(start, start - HOUR) == timedelta(0)


# ------------------------------------------------------------------ working days


def test_working_days_skip_the_weekend() -> None:
    friday = cph(2026, 11, 27, 15)
    # 9 hours left of Friday, then Saturday and Sunday do not count: Monday 15:00
    assert WORKING.deadline(friday, 24 * HOUR) == cph(2026, 11, 30, 15)
    assert WORKING.elapsed(friday, cph(2026, 11, 30, 15)) == 24 * HOUR
    assert WORKING.elapsed(friday, cph(2026, 11, 29, 23, 59)) == 9 * HOUR


def test_working_days_skip_danish_holidays() -> None:
    # Wednesday before Easter 2027: Thursday, Friday, the weekend and Easter Monday do not count
    wednesday = cph(2027, 3, 24, 12)
    assert WORKING.deadline(wednesday, 24 * HOUR) == cph(2027, 3, 30, 12)
    assert WORKING.elapsed(wednesday, cph(2027, 3, 29, 23)) == 12 * HOUR
    # Christmas 2026: 25 and 26 December (Friday, Saturday), then Sunday
    assert WORKING.deadline(cph(2026, 12, 24, 12), 24 * HOUR) == cph(2026, 12, 28, 12)


def test_a_defect_reported_on_a_weekend_starts_its_clock_on_monday() -> None:
    saturday = cph(2026, 11, 28, 10)
    assert WORKING.deadline(saturday, 2 * HOUR) == cph(2026, 11, 30, 2)
    assert WORKING.elapsed(saturday, cph(2026, 11, 30, 0)) == timedelta(0)


def test_a_target_that_ends_at_midnight_ends_there() -> None:
    monday = cph(2026, 11, 30, 0)
    assert WORKING.deadline(monday, 24 * HOUR) == cph(2026, 12, 1, 0)
    assert WORKING.deadline(monday, 24 * HOUR + SECOND) == cph(2026, 12, 1, 0) + SECOND
    # Friday midnight + 24 h of working time: Saturday and Sunday skipped, Monday midnight + 24 h
    assert WORKING.deadline(cph(2026, 11, 27, 0), 48 * HOUR) == cph(2026, 12, 1, 0)


def test_the_holiday_source_can_be_replaced() -> None:
    clock = SlaClock(working_days=True, is_holiday=lambda d: d == date(2026, 11, 30))
    assert clock.deadline(cph(2026, 11, 27, 15), 24 * HOUR) == cph(2026, 12, 1, 15)


moments = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=1, max_value=30 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(start=moments, allowed=durations, working=st.booleans())
def test_deadline_and_elapsed_agree(start: datetime, allowed: timedelta, working: bool) -> None:
    clock = SlaClock(working)
    deadline = clock.deadline(start, allowed)
    assert clock.elapsed(start, deadline) == allowed
    assert clock.elapsed(start, deadline - SECOND) < allowed
    assert deadline - start >= allowed  # working days never run faster than the calendar


# ------------------------------------------------------------------ defects against targets


def defect(
    severity: Severity = Severity.CRITICAL,
    reported: datetime | None = None,
    responded: datetime | None = None,
    fixed: datetime | None = None,
    project: str = "KY",
    id_: int = 1,
) -> DefectRow:
    status = (
        DefectStatus.FIXED
        if fixed
        else DefectStatus.ACKNOWLEDGED
        if responded
        else DefectStatus.REPORTED
    )
    return DefectRow(
        id=id_,
        project=project,
        title="Udbetaling fejler",
        severity=severity,
        status=status,
        reported_at=reported or cph(2026, 11, 27, 15),
        responded_at=responded,
        fixed_at=fixed,
        supplier_ref="INC-1",
        note="",
        version=1,
    )


CALENDAR_POLICY = Policy.from_settings(SlaSettings())
WORKING_POLICY = Policy.from_settings(SlaSettings(working_days=True))


def test_exactly_at_the_target_is_met_one_second_later_is_breached() -> None:
    target = SlaSettings().critical  # 2 h response, 24 h resolution by default
    reported = cph(2026, 11, 27, 15)
    at_target = reported + timedelta(hours=target.response_hours)
    assert not assess(defect(reported=reported), CALENDAR_POLICY, at_target).response_breached
    late = assess(defect(reported=reported), CALENDAR_POLICY, at_target + SECOND)
    assert late.response_breached and not late.resolution_breached
    assert late.response_deadline == at_target
    fixed_in_time = defect(
        reported=reported,
        responded=reported + HOUR,
        fixed=reported + timedelta(hours=target.resolution_hours),
    )
    result = assess(fixed_in_time, CALENDAR_POLICY, reported + timedelta(days=30))
    assert not result.breached and not result.is_open
    assert result.fix_time == timedelta(hours=target.resolution_hours)


def test_weekend_counts_unless_working_days() -> None:
    friday = cph(2026, 11, 27, 15)
    monday_morning = cph(2026, 11, 30, 9)  # 66 calendar hours, 9 working hours later
    row = defect(Severity.CRITICAL, reported=friday, responded=friday + HOUR)
    on_calendar = assess(row, CALENDAR_POLICY, monday_morning)
    on_working_days = assess(row, WORKING_POLICY, monday_morning)
    assert on_calendar.resolution_used == 66 * HOUR
    assert on_calendar.resolution_breached
    assert on_working_days.resolution_used == 18 * HOUR
    assert not on_working_days.resolution_breached
    assert on_working_days.resolution_deadline == cph(2026, 11, 30, 15)
    assert on_working_days.age == on_calendar.age == 66 * HOUR  # the age is calendar time


def test_a_later_answer_or_fix_has_not_happened_yet() -> None:
    reported = cph(2026, 11, 27, 9)
    row = defect(reported=reported, responded=reported + HOUR, fixed=reported + 30 * HOUR)
    assert as_of(row, reported - SECOND) is None
    earlier = as_of(row, reported + 2 * HOUR)
    assert earlier is not None
    assert earlier.status == DefectStatus.ACKNOWLEDGED and earlier.fixed_at is None
    mid = assess(row, CALENDAR_POLICY, reported + 25 * HOUR)
    assert mid.is_open and mid.resolution_breached and mid.responded
    assert assess_all([row], CALENDAR_POLICY, reported - SECOND) == []


def test_figures_per_project_and_median_time_to_fix() -> None:
    base = cph(2026, 11, 23, 8)
    rows = [
        defect(Severity.MAJOR, base, base + HOUR, base + 10 * HOUR, "KY", 1),  # fixed in 10 h
        defect(Severity.MAJOR, base, base + HOUR, base + 80 * HOUR, "KY", 2),  # 80 h > 72 h
        defect(Severity.MINOR, base, None, None, "KY", 3),  # open, no answer after 24 h
        defect(Severity.COSMETIC, base, base + HOUR, base + 30 * HOUR, "SAPA", 4),
    ]
    at = base + 100 * HOUR
    per_project = {f.project: f for f in figures(assess_all(rows, CALENDAR_POLICY, at))}
    assert list(per_project) == ["SAPA", "KY", ALL]
    ky = per_project["KY"]
    assert (ky.total, ky.open, ky.breached, ky.open_breached) == (3, 1, 2, 1)
    assert ky.median_fix == 45 * HOUR  # median of 10 h and 80 h
    assert per_project["SAPA"].median_fix == 30 * HOUR
    everyone = per_project[ALL]
    assert (everyone.total, everyone.open, everyone.breached) == (4, 1, 2)
    assert everyone.median_fix == 30 * HOUR


def test_open_defects_first_most_overdue_first_and_short_texts() -> None:
    base = cph(2026, 11, 23, 8)
    rows = [
        defect(Severity.COSMETIC, base, id_=1),
        defect(Severity.CRITICAL, base, id_=2),
        defect(Severity.MAJOR, base, base + HOUR, base + 2 * HOUR, id_=3),
    ]
    assessed = assess_all(rows, CALENDAR_POLICY, base + 48 * HOUR)
    assert [a.defect.id for a in assessed] == [2, 1, 3]
    critical = assessed[0]
    assert resolution_short(critical) == "■ 1 d 0 t over"
    assert response_short(critical) == "■ 1 d 22 t over"
    assert resolution_short(assessed[2]) == "● rettet efter 2 t"
    assert response_short(assessed[1]) == "● 1 d 0 t tilbage"


@pytest.mark.parametrize("working", [False, True])
def test_reopened_defect_keeps_its_original_start(working: bool) -> None:
    policy = WORKING_POLICY if working else CALENDAR_POLICY
    reported = cph(2026, 11, 23, 8)  # a Monday
    reopened = defect(Severity.MAJOR, reported, reported + HOUR, None)
    result = assess(reopened, policy, cph(2026, 11, 26, 9))
    assert result.resolution_used == 73 * HOUR  # Monday 08:00 → Thursday 09:00 in both modes
    assert result.resolution_breached
