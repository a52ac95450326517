"""The projects' dependencies (STS before SAPA, KY and KSD) and go-live dates that contradict them.

Seed 001: "Monopolbrudsprojekterne har en række afhængigheder." Seed 002: "... der er gensidig
afhængighed mellem kommunernes implementeringsforløb."
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.dependencies import (
    REQUIRES,
    GoliveConflict,
    golive_conflicts,
    short_summary,
)
from kigo_tui.domain.seed import PROJECT_CODES

DAY = date(2027, 3, 1)
golive_or_none = st.one_of(st.none(), st.integers(-400, 400).map(lambda n: DAY + timedelta(n)))


@given(st.fixed_dictionaries({code: golive_or_none for code in PROJECT_CODES}))
def test_a_conflict_is_exactly_a_project_live_no_later_than_sts(
    golives: dict[str, date | None],
) -> None:
    # Seed 004: "Nødvendig (fordi integrationsvilkår skal indarbejdes i nye kontrakter for at SAPA
    # kan udstille data fra kommunens it-systemer)" – SAPA shows what reaches the støttesystemer,
    # and KY and KSD log in and fetch data through them, so STS must run first.
    expected = [
        (project, "STS")
        for project in ("SAPA", "KY", "KSD")
        if golives[project] is not None
        and golives["STS"] is not None
        and golives["STS"] >= golives[project]  # type: ignore[operator]
    ]
    conflicts = golive_conflicts(golives)
    assert [(c.project, c.required) for c in conflicts] == expected
    for conflict in conflicts:
        assert conflict.golive == golives[conflict.project]
        assert conflict.required_golive == golives["STS"]
        assert danish_date(conflict.golive) in conflict.message
        assert danish_date(conflict.required_golive) in conflict.message
        assert conflict.message.endswith(f"så STS skal være i drift før {conflict.project}.")


def test_the_messages_in_danish() -> None:
    later = GoliveConflict("SAPA", date(2027, 3, 1), "STS", date(2027, 3, 15))
    assert later.message == (
        f"SAPA går i drift {danish_date(date(2027, 3, 1))}, men STS først "
        f"{danish_date(date(2027, 3, 15))}. SAPA bygger på støttesystemerne, så STS skal være i "
        "drift før SAPA."
    )
    same = GoliveConflict("KY", date(2027, 9, 1), "STS", date(2027, 9, 1))
    assert same.message == (
        f"KY og STS går i drift samme dag, {danish_date(date(2027, 9, 1))}. KY bygger på "
        "støttesystemerne, så STS skal være i drift før KY."
    )
    assert later.involves("SAPA") and later.involves("STS") and not later.involves("KY")


def test_short_summary_for_the_header() -> None:
    assert short_summary([]) == ""
    golives = {code: DAY for code in PROJECT_CODES}
    assert short_summary(golive_conflicts(golives)) == "STS skal i drift før SAPA, KY og KSD"
    golives["KY"] = DAY + timedelta(days=30)
    assert short_summary(golive_conflicts(golives)) == "STS skal i drift før SAPA og KSD"


def test_no_conflict_in_the_right_order_or_without_dates() -> None:
    ordered = {"STS": DAY, "SAPA": DAY + timedelta(1), "KY": DAY + timedelta(90), "KSD": None}
    assert golive_conflicts(ordered) == []
    assert golive_conflicts({"SAPA": DAY}) == []
    assert golive_conflicts({}) == []


def test_the_dependencies_are_in_the_catalogue() -> None:
    """Each project said to build on STS has catalogue tasks that use the støttesystemer, and the
    STS project itself says so; STS depends on nothing."""
    catalogue = shipped_catalogue()
    sts = next(p for p in catalogue.projects if p.code == "STS")
    for project, required in REQUIRES.items():
        assert required == ("STS",)
        assert project in sts.description
        texts = [f"{t.title} {t.description}" for t in catalogue.tasks if t.project == project]
        assert any("støttesystem" in text.lower() for text in texts), project
    assert "STS" not in REQUIRES
