"""One check of a task's fields, with one set of Danish messages (kigo_tui.domain.tasks)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain.dates import MAX_DATE, MIN_DATE, DateError
from kigo_tui.domain.tasks import (
    REASON_MAX,
    WARN_DAYS_MAX,
    TaskFieldError,
    TaskFields,
    validate_task_fields,
)
from kigo_tui.domain.text import TextError
from kigo_tui.errors import KigoError

DAYS = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)


def test_nothing_given_is_nothing_checked() -> None:
    assert validate_task_fields() == TaskFields()


def test_a_form_as_typed_comes_back_clean() -> None:
    fields = validate_task_fields(
        title="  Afklar snitflader ",
        description=" Med KOMBIT ",
        start="2026-11-23",
        due="1.12.2026",
        warn_days=" 14 ",
        reason=" flyttet\n  efter   aftale ",
    )
    assert fields == TaskFields(
        title="Afklar snitflader",
        description="Med KOMBIT",
        start=date(2026, 11, 23),
        due=date(2026, 12, 1),
        warn_days=14,
        reason="flyttet efter aftale",
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"title": "   "}, "titlen må ikke være tom"),
        ({"warn_days": 366}, "varsel skal være mellem 0 og 365 dage"),
        ({"warn_days": -1}, "varsel skal være mellem 0 og 365 dage"),
        ({"warn_days": "to uger"}, "varsel skal være et helt antal dage, ikke 'to uger'"),
        ({"warn_days": "1\x1b[2J"}, "varsel skal være et helt antal dage, ikke '1\\u001b[2J'"),
        ({"warn_days": True}, "varsel skal være et helt antal dage, ikke 'True'"),
        (
            {"start": date(2026, 12, 2), "due": date(2026, 12, 1)},
            "startdatoen (02-12-2026) ligger efter slutdatoen (01-12-2026)",
        ),
        ({"reason": "x" * (REASON_MAX + 1)}, "begrundelsen er 201 tegn; højst 200 er tilladt"),
    ],
)
def test_each_problem_has_one_danish_message(given: dict[str, object], message: str) -> None:
    with pytest.raises(TaskFieldError) as caught:
        validate_task_fields(**given)  # type: ignore[arg-type]  # a bool for warn_days on purpose
    assert str(caught.value) == message
    assert isinstance(caught.value, KigoError)


def test_text_and_dates_go_through_the_one_gate() -> None:
    with pytest.raises(TextError, match="titel indeholder et kontroltegn"):
        validate_task_fields(title="a\x07b")
    with pytest.raises(TextError, match="beskrivelse indeholder et linjeskift"):
        validate_task_fields(description="a\nb")
    with pytest.raises(DateError, match="slutdato"):
        validate_task_fields(due="2027-02-30")
    with pytest.raises(DateError, match="startdato"):
        validate_task_fields(start=date(1999, 12, 31))


def test_the_first_field_in_the_forms_order_is_named() -> None:
    with pytest.raises(TaskFieldError, match="titlen"):
        validate_task_fields(title="", start="ikke en dato", warn_days=999)


def test_empty_date_text_is_no_date_and_an_empty_reason_none() -> None:
    fields = validate_task_fields(start=" ", due="", reason=" \n ")
    assert (fields.start, fields.due, fields.reason) == (None, None, None)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=DAYS, due=DAYS)
def test_start_after_due_is_refused_and_no_other_order(start: date, due: date) -> None:
    if start > due:
        with pytest.raises(TaskFieldError, match="ligger efter slutdatoen"):
            validate_task_fields(start=start, due=due)
    else:
        fields = validate_task_fields(start=start.isoformat(), due=due)
        assert (fields.start, fields.due) == (start, due)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(min_value=-(10**6), max_value=10**6), st.booleans())
def test_warning_window_is_0_to_365_days_typed_or_not(days: int, typed: bool) -> None:
    value: int | str = f" {days} " if typed else days
    if 0 <= days <= WARN_DAYS_MAX:
        assert validate_task_fields(warn_days=value).warn_days == days
    else:
        with pytest.raises(TaskFieldError, match="mellem 0 og 365"):
            validate_task_fields(warn_days=value)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), max_size=260))
def test_a_reason_is_collapsed_and_at_most_200_characters(text: str) -> None:
    collapsed = " ".join(text.split())
    try:
        reason = validate_task_fields(reason=text).reason
    except TaskFieldError as exc:
        assert len(collapsed) > REASON_MAX and "højst 200" in str(exc)
    else:
        assert len(collapsed) <= REASON_MAX
        assert reason == (collapsed or None) or reason == _nfc(collapsed)


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def test_one_day_after_the_due_date_is_the_smallest_refused_start() -> None:
    due = date(2026, 11, 23)
    validate_task_fields(start=due, due=due)
    with pytest.raises(TaskFieldError):
        validate_task_fields(start=due + timedelta(days=1), due=due)
