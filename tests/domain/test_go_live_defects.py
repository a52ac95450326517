"""Seed 003's lessons in the domain: SLA targets are examples until the kommune sets its own, and
a go-live or hyper-care task is not done while a critical defect is open past its SLA (without the
user confirming), and the defect log says the day it is measured as people mean it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import (
    EXAMPLE_MARK,
    GO_LIVE_MAIN_TASKS,
    DefectRow,
    Policy,
    assess,
    blockers_text,
    examples_note,
    go_live_blockers,
    measured_text,
    past_sla,
)
from kigo_tui.domain.sla_settings import SlaSettings
from kigo_tui.domain.times import as_utc, end_of_day, parse_moment

REPORTED = parse_moment("2026-11-20 09:00")
POLICY = Policy.from_settings(SlaSettings())  # critical: 2 h response, 24 h to fix


def defect(
    severity: Severity = Severity.CRITICAL,
    *,
    project: str = "KY",
    responded_after: float | None = None,
    fixed_after: float | None = None,
    id_: int = 1,
) -> DefectRow:
    responded = None if responded_after is None else REPORTED + timedelta(hours=responded_after)
    fixed = None if fixed_after is None else REPORTED + timedelta(hours=fixed_after)
    status = (
        DefectStatus.FIXED
        if fixed
        else DefectStatus.ACKNOWLEDGED
        if responded
        else DefectStatus.REPORTED
    )
    return DefectRow(
        id_,
        project,
        "Udbetaling fejler",
        severity,
        status,
        REPORTED,
        responded or fixed,
        fixed,
        "INC-7",
        "",
        1,
    )


def at(hours: float) -> datetime:
    return REPORTED + timedelta(hours=hours)


# ------------------------------------------------------------------ go-live and open defects


def test_a_critical_defect_open_past_its_sla_holds_back_a_go_live_task() -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA' … Hvis den ikke er det, så er opgaven ikke løst."
    late = assess(defect(responded_after=1), POLICY, at(30))  # answered, not fixed in 24 h
    assert past_sla(late)
    assert go_live_blockers("KY", 10, [late]) == [late]  # hovedopgave 10 Go-live (hyper-care)
    assert go_live_blockers("KY", 16, [late]) == [late]  # hovedopgave 16 Idriftsættelse
    assert go_live_blockers("KY", 7, [late]) == []  # sagsklargøring: not a go-live task
    assert go_live_blockers("SAPA", 10, [late]) == []  # a defect against another project
    text = blockers_text("KY-10-03", [late])
    assert "KY-10-03" in text and "fejl 1 «Udbetaling fejler» [INC-7]" in text
    assert "6 t over fristen" in text


def test_within_sla_fixed_or_less_severe_holds_nothing_back() -> None:
    # Seed 003: "det tog alt for lang tid fra fejl blev indberettet til de blev rettet"
    in_time = assess(defect(responded_after=1), POLICY, at(20))
    fixed_late = assess(defect(responded_after=1, fixed_after=30), POLICY, at(40))
    major_late = assess(defect(Severity.MAJOR, responded_after=1), POLICY, at(200))
    assert go_live_blockers("KY", 10, [in_time, fixed_late, major_late]) == []


def test_an_unanswered_critical_defect_past_the_response_time_holds_back() -> None:
    # Seed 003: "det tog alt for lang tid fra fejl blev indberettet til de blev rettet"
    silent = assess(defect(), POLICY, at(3))  # no answer after 3 h (target 2 h), 21 h to fix
    assert go_live_blockers("KY", 16, [silent]) == [silent]
    assert "intet svar" in blockers_text("KY-16-01", [silent])
    answered_late = assess(defect(responded_after=3), POLICY, at(4))  # answered, 20 h left
    assert go_live_blockers("KY", 16, [answered_late]) == []


@given(
    st.sampled_from(list(Severity)),
    st.sampled_from(["STS", "SAPA", "KY", "KSD"]),
    st.one_of(st.none(), st.floats(0, 100)),
    st.one_of(st.none(), st.floats(0, 100)),
    st.floats(0, 200),
    st.integers(1, 16),
)
def test_blockers_are_exactly_open_critical_defects_past_their_sla(
    severity: Severity,
    project: str,
    responded: float | None,
    fixed: float | None,
    now: float,
    main_task: int,
) -> None:
    # Seed 003: "Hvis den ikke er det, så er opgaven ikke løst."
    if responded is not None and fixed is not None and responded > fixed:
        responded, fixed = fixed, responded
    a = assess(
        defect(severity, project=project, responded_after=responded, fixed_after=fixed),
        POLICY,
        at(now),
    )
    got = go_live_blockers("KY", main_task, [a])
    target = POLICY.settings.target(severity)
    unfixed = fixed is None or fixed > now
    unanswered = (responded is None and fixed is None) or min(
        x for x in (responded, fixed) if x is not None
    ) > now
    overdue = now > target.resolution_hours or (unanswered and now > target.response_hours)
    expected = (
        main_task in GO_LIVE_MAIN_TASKS
        and project == "KY"
        and severity == Severity.CRITICAL
        and unfixed
        and overdue
    )
    assert (got == [a]) is expected


# ------------------------------------------------------------------ SLA examples


def test_default_targets_are_examples_until_config_sets_them() -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA', dvs det aftalte serviceniveau."
    assert SlaSettings().examples() == list(Severity)
    assert examples_note(SlaSettings()) == (
        "SLA-målene er eksempler – erstat dem med jeres kontrakts SLA ([sla] i config.toml), så "
        "leverandøren måles på det, der er aftalt."
    )
    partly = SlaSettings.model_validate(
        {
            "critical": {"response_hours": 1, "resolution_hours": 8},
            "major": {"response_hours": 4},  # the resolution time is still the example
        }
    )
    assert partly.examples() == [Severity.MAJOR, Severity.MINOR, Severity.COSMETIC]
    note = examples_note(partly)
    assert note is not None
    assert note.startswith("SLA-målene for alvorlig, mindre alvorlig og kosmetisk er eksempler")
    own = {
        s.value: {"response_hours": r, "resolution_hours": f}
        for s, (r, f) in zip(Severity, [(1, 8), (4, 40), (24, 240), (72, 720)], strict=True)
    }
    assert SlaSettings.model_validate(own).examples() == []
    assert examples_note(SlaSettings.model_validate(own)) is None
    assert EXAMPLE_MARK == "eksempel"


# ------------------------------------------------------------------ the day measured


@pytest.mark.parametrize("day", [date(2026, 11, 23), date(2026, 3, 28), date(2026, 12, 31)])
def test_the_end_of_a_day_is_said_as_that_day(day: date) -> None:
    # Seed 003: "det tog alt for lang tid fra fejl blev indberettet til de blev rettet" — the
    # log must say plainly which day its clocks are read on.
    assert measured_text(end_of_day(day), day) == f"ved udgangen af {day:%d-%m-%Y}"
    noon = as_utc(parse_moment(f"{day.isoformat()} 12:05"))
    assert measured_text(noon, day) == f"pr. {day:%d-%m-%Y} 12:05"
