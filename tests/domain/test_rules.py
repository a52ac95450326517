"""The KIGO colour rule at its boundaries, the roll-up and the follow-up rule."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kigo_tui.domain.rules import (
    STATUS_CYCLE,
    Category,
    Colour,
    Counts,
    Status,
    in_kombit_report,
    needs_follow_up,
    next_status,
    severity,
    task_colour,
    worst,
)

DUE = date(2027, 3, 1)
NS, IP, DONE = Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE
GREEN, YELLOW, RED = Colour.GREEN, Colour.YELLOW, Colour.RED


# --------------------------------------------------------------------------- boundaries


@pytest.mark.parametrize(
    "today", [DUE - timedelta(days=400), DUE, DUE + timedelta(days=1), DUE + timedelta(days=3650)]
)
@pytest.mark.parametrize("warn", [0, 14, 365])
def test_done_is_always_green(today: date, warn: int) -> None:
    assert task_colour(DONE, DUE, warn, today) == GREEN


@pytest.mark.parametrize("status", [NS, IP])
@pytest.mark.parametrize("today", [date(1990, 1, 1), date(2026, 11, 23), date(2099, 12, 31)])
def test_no_due_date_is_green(status: Status, today: date) -> None:
    assert task_colour(status, None, 14, today) == GREEN


def test_due_date_itself_not_started_is_yellow() -> None:
    assert task_colour(NS, DUE, 14, DUE) == YELLOW


def test_first_day_of_warning_window_is_yellow_and_day_before_green() -> None:
    first = DUE - timedelta(days=14)
    assert first == date(2027, 2, 15)
    assert task_colour(NS, DUE, 14, first) == YELLOW
    assert task_colour(NS, DUE, 14, first - timedelta(days=1)) == GREEN


@pytest.mark.parametrize("status", [NS, IP])
def test_day_after_due_is_red(status: Status) -> None:
    assert task_colour(status, DUE, 14, DUE + timedelta(days=1)) == RED
    assert task_colour(status, DUE, 14, DUE + timedelta(days=500)) == RED


def test_started_task_is_green_until_due_then_red() -> None:
    for days_before in range(0, 40):
        assert task_colour(IP, DUE, 14, DUE - timedelta(days=days_before)) == GREEN
    assert task_colour(IP, DUE, 14, DUE + timedelta(days=1)) == RED


def test_warn_days_zero_is_yellow_only_on_the_due_date() -> None:
    assert task_colour(NS, DUE, 0, DUE - timedelta(days=1)) == GREEN
    assert task_colour(NS, DUE, 0, DUE) == YELLOW
    assert task_colour(NS, DUE, 0, DUE + timedelta(days=1)) == RED


def test_leap_day_due_date() -> None:
    leap = date(2028, 2, 29)
    assert task_colour(NS, leap, 14, date(2028, 2, 15)) == YELLOW
    assert task_colour(NS, leap, 14, date(2028, 2, 14)) == GREEN
    assert task_colour(NS, leap, 14, leap) == YELLOW
    assert task_colour(NS, leap, 14, date(2028, 3, 1)) == RED
    assert task_colour(IP, leap, 14, date(2028, 3, 1)) == RED


# --------------------------------------------------------------------------- properties

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
colours = st.sampled_from(list(Colour))
statuses = st.sampled_from(list(Status))
categories = st.sampled_from(list(Category))


@given(
    status=st.sampled_from([IP, DONE]), due=st.none() | dates, warn=st.integers(0, 365), today=dates
)
def test_started_or_done_is_never_yellow(
    status: Status, due: date | None, warn: int, today: date
) -> None:
    assert task_colour(status, due, warn, today) != YELLOW


@given(due=dates, warn=st.integers(0, 365), today=dates)
def test_not_started_colour_matches_the_rule(due: date, warn: int, today: date) -> None:
    colour = task_colour(NS, due, warn, today)
    if today > due:
        assert colour == RED
    elif (due - today).days <= warn:
        assert colour == YELLOW
    else:
        assert colour == GREEN


@given(st.lists(colours, max_size=8))
def test_worst_is_order_independent_and_the_max_severity(cs: list[Colour]) -> None:
    expected = max(cs, key=severity) if cs else GREEN
    assert worst(cs) == expected
    for perm in itertools.islice(itertools.permutations(cs), 200):
        assert worst(perm) == expected
    assert worst(reversed(cs)) == expected
    if RED in cs:
        assert expected == RED
    elif YELLOW in cs:
        assert expected == YELLOW


def test_worst_examples() -> None:
    assert worst([]) == GREEN
    assert worst([GREEN, YELLOW, GREEN]) == YELLOW
    assert worst([YELLOW, RED, GREEN]) == RED
    assert worst(iter([GREEN])) == GREEN


entries = st.lists(st.tuples(categories, statuses, colours), max_size=40)


@given(entries)
def test_counts_roll_up(items: list[tuple[Category, Status, Colour]]) -> None:
    counts = Counts()
    for category, status, colour in items:
        counts.add(category, status, colour)
    assert counts.colour == worst(c for _, _, c in items)
    assert counts.total == len(items)
    assert sum(counts.by_colour.values()) == len(items)
    assert sum(counts.by_category.values()) == len(items)
    assert counts.done == sum(1 for _, s, _ in items if s == DONE)
    for colour in Colour:
        assert counts.by_colour[colour] == sum(1 for _, _, c in items if c == colour)
    for category in Category:
        assert counts.by_category[category] == sum(1 for c, _, _ in items if c == category)
    as_dict = counts.to_dict()
    assert as_dict["total"] == len(items)
    assert as_dict["by_colour"] == {c.value: counts.by_colour[c] for c in Colour}


@given(entries, st.randoms(use_true_random=False))
def test_counts_add_then_remove_is_empty(items, rnd) -> None:
    counts = Counts()
    for item in items:
        counts.add(*item)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    for item in shuffled:
        counts.remove(*item)
    assert counts == Counts()
    assert counts.colour == GREEN
    assert counts.total == 0 and counts.done == 0


def test_counts_remove_updates_colour() -> None:
    counts = Counts()
    counts.add(Category.CRITICAL, NS, RED)
    counts.add(Category.OPTIONAL, NS, YELLOW)
    assert counts.colour == RED
    counts.remove(Category.CRITICAL, NS, RED)
    assert counts.colour == YELLOW
    counts.remove(Category.OPTIONAL, NS, YELLOW)
    assert counts.colour == GREEN


# --------------------------------------------------------------------------- status cycle


def test_next_status_cycles_through_all_three() -> None:
    assert next_status(NS) == IP
    assert next_status(IP) == DONE
    assert next_status(DONE) == NS
    seen = []
    status = NS
    for _ in range(3):
        seen.append(status)
        status = next_status(status)
    assert status == NS
    assert set(seen) == set(Status) and len(seen) == 3
    assert STATUS_CYCLE == (NS, IP, DONE)


# --------------------------------------------------------------------------- follow-up


@pytest.mark.parametrize(
    ("category", "status", "colour", "expected"),
    [
        # optional: never
        *[(Category.OPTIONAL, s, c, False) for s in Status for c in Colour],
        # mandatory: red yes, yellow/green no
        (Category.MANDATORY, NS, RED, True),
        (Category.MANDATORY, IP, RED, True),
        (Category.MANDATORY, NS, YELLOW, False),
        (Category.MANDATORY, NS, GREEN, False),
        (Category.MANDATORY, DONE, GREEN, False),
        # critical: red yes, yellow only when not started
        (Category.CRITICAL, NS, RED, True),
        (Category.CRITICAL, IP, RED, True),
        (Category.CRITICAL, NS, YELLOW, True),
        (Category.CRITICAL, IP, YELLOW, False),  # impossible per the colour rule
        (Category.CRITICAL, NS, GREEN, False),
        (Category.CRITICAL, IP, GREEN, False),
        (Category.CRITICAL, DONE, GREEN, False),
    ],
)
def test_needs_follow_up(
    category: Category, status: Status, colour: Colour, expected: bool
) -> None:
    assert needs_follow_up(category, status, colour, local=False) is expected


@given(categories, statuses, dates, st.integers(0, 365), dates)
def test_follow_up_never_for_green(category, status, due, warn, today) -> None:
    colour = task_colour(status, due, warn, today)
    if colour == GREEN:
        assert not needs_follow_up(category, status, colour, local=False)


# --------------------------------------------------------------------------- seen vs followed up


@given(categories, statuses, dates, st.integers(0, 365), dates, st.booleans())
def test_kombit_report_is_every_red_and_yellow_mandatory_task(
    category, status, due, warn, today, local
) -> None:
    # Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske
    # opgaver med status gul og rød."
    colour = task_colour(status, due, warn, today)
    expected = not local and category != Category.OPTIONAL and colour in (RED, YELLOW)
    assert in_kombit_report(category, colour, local=local) is expected


@given(categories, statuses, dates, st.integers(0, 365), dates, st.booleans())
def test_follow_up_is_red_mandatory_and_critical_yellow_not_started(
    category, status, due, warn, today, local
) -> None:
    # Seed 000: "hvis kommunen har obligatoriske opgaver med status rød samt obligatoriske
    # opgaver på kritisk vej med status gul/rød" and "KOMBIT laver et udtræk på gul kombineret
    # med status 'ikke påbegyndt'".
    colour = task_colour(status, due, warn, today)
    followed = needs_follow_up(category, status, colour, local=local)
    seen = in_kombit_report(category, colour, local=local)
    assert not followed or seen  # KOMBIT follows up only on what its report shows
    expected = seen and (
        colour == RED or (category == Category.CRITICAL and colour == YELLOW and status == NS)
    )
    assert followed is expected
    if seen and category == Category.MANDATORY and colour == YELLOW:
        assert not followed  # seen in the report, not followed up: not on the critical path


@pytest.mark.parametrize("category", list(Category))
@pytest.mark.parametrize("colour", [RED, YELLOW])
def test_a_kommunes_own_task_is_never_on_kombits_lists(category: Category, colour: Colour) -> None:
    # Seed 000: "konkret følge op, hvis der er kommuner der ikke udfører obligatoriske opgaver"
    # and "Opgavens kategorisering som valgfri, obligatorisk eller obligatorisk kritisk ses i
    # KIGO": KOMBIT follows the categories it set on the tasks it published, not a category the
    # kommune chose for its own task.
    assert not in_kombit_report(category, colour, local=True)
    assert not needs_follow_up(category, NS, colour, local=True)
    if category != Category.OPTIONAL:
        assert in_kombit_report(category, colour, local=False)


@pytest.mark.parametrize("category", list(Category))
def test_every_category_turns_yellow_and_red(category: Category) -> None:
    # Seed 000: "En obligatorisk opgave får status gul et antal dage inden slutdato, hvis opgaven
    # ikke er påbegyndt" — our reading (README, Reglerne): the colour rule is the same for an
    # optional task; only KOMBIT's report leaves it out.
    from kigo_tui.models.readmodels import TaskRow

    task = TaskRow(
        "KY-10-01",
        "KY",
        10,
        1,
        "Planlæg go-live",
        category,
        "F2",
        NS,
        None,
        DUE,
        14,
        False,
        None,
        1,
    )
    assert task.colour(DUE - timedelta(days=3)) == YELLOW
    assert task.colour(DUE + timedelta(days=1)) == RED
    assert in_kombit_report(category, YELLOW, local=False) is (category != Category.OPTIONAL)
