"""KOMBIT's view (`kigo_tui.screens.lists.follow_up_list`): what KOMBIT sees in its report apart
from what it follows up on, the counts per project in words, and a kommune's own tasks left out."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kigo_tui.domain.rules import Category, Colour, Status
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.screens.lists import FOLLOWS_UP, IN_REPORT, follow_up_list

TODAY = date(2026, 11, 23)


def task(
    task_id: str,
    category: Category,
    status: Status,
    due: date,
    *,
    local: bool = False,
    project: str = "KY",
) -> TaskRow:
    return TaskRow(
        task_id,
        project,
        10,
        1,
        f"Opgave {task_id}",
        category,
        "F2",
        status,
        None,
        due,
        14,
        local,
        None,
        1,
    )


RED_MANDATORY = task("KY-10-01", Category.MANDATORY, Status.IN_PROGRESS, TODAY - timedelta(days=2))
YELLOW_MANDATORY = task(
    "KY-10-02", Category.MANDATORY, Status.NOT_STARTED, TODAY + timedelta(days=3)
)
YELLOW_CRITICAL = task("KY-10-03", Category.CRITICAL, Status.NOT_STARTED, TODAY + timedelta(days=3))
RED_CRITICAL = task("KY-10-04", Category.CRITICAL, Status.NOT_STARTED, TODAY - timedelta(days=1))
GREEN_CRITICAL = task("KY-10-05", Category.CRITICAL, Status.IN_PROGRESS, TODAY + timedelta(days=3))
OWN_RED_CRITICAL = task(
    "KY-10-L1", Category.CRITICAL, Status.NOT_STARTED, TODAY - timedelta(days=5), local=True
)
ALL = [RED_MANDATORY, YELLOW_MANDATORY, YELLOW_CRITICAL, RED_CRITICAL, GREEN_CRITICAL]


def test_the_view_shows_what_kombit_sees_and_marks_what_it_follows_up() -> None:
    # Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske opgaver
    # med status gul og rød." and "Er en obligatorisk opgave på kritisk vej følges op allerede
    # ved status gul".
    shown = follow_up_list([*ALL, OWN_RED_CRITICAL], TODAY, ["KY"], None)
    ids = [t.id for t, _ in shown.rows]
    # every red or yellow mandatory task is seen; the green one and the kommune's own are not
    assert set(ids) == {"KY-10-01", "KY-10-02", "KY-10-03", "KY-10-04"}
    assert shown.notes == {
        "KY-10-01": FOLLOWS_UP,
        "KY-10-02": IN_REPORT,  # yellow but not on the critical path: seen, not followed up
        "KY-10-03": FOLLOWS_UP,
        "KY-10-04": FOLLOWS_UP,
    }
    # followed up first (red before yellow, critical before mandatory), then the ones only seen
    assert ids == ["KY-10-04", "KY-10-01", "KY-10-03", "KY-10-02"]


def test_the_summary_counts_in_words_and_says_there_is_no_automatic_escalation() -> None:
    # Seed 000: "Der foretages en konkret helhedsvurdering, og der eksisterer ikke en mekanisk
    # eller automatisk eskalationsprocedure."
    text = follow_up_list([*ALL, OWN_RED_CRITICAL], TODAY, ["KY", "SAPA"], None).summary.plain
    assert "helhedsvurdering" in text
    assert "uden mekanisk eskalation" in text
    assert (
        "KY: 4 obligatoriske opgaver i KOMBITs rapport (2 røde og 2 gule); KOMBIT følger op på 3 "
        "af dem (2 røde og 1 gul)" in text
    )
    assert (
        "SAPA: 0 obligatoriske opgaver i KOMBITs rapport (0 røde og 0 gule); KOMBIT følger op på "
        "0 af dem (0 røde og 0 gule)" in text
    )
    assert "1 af jeres egne obligatoriske opgaver er rød eller gul" in text


def test_a_kommunes_own_critical_task_is_not_on_kombits_list() -> None:
    # Seed 000: "konkret følge op, hvis der er kommuner der ikke udfører obligatoriske opgaver"
    # — the obligations KOMBIT set on its own tasks, not a kommune's own task (README, Reglerne).
    shown = follow_up_list([OWN_RED_CRITICAL], TODAY, ["KY"], None)
    assert shown.rows == []
    assert "egne opgaver er ikke med" in shown.summary.plain
    assert "KOMBITs rapport er tom" in shown.empty


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Category)),
            st.sampled_from([Status.NOT_STARTED, Status.IN_PROGRESS]),
            st.integers(-30, 30),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_counts_add_up_to_the_rows(specs: list[tuple[Category, Status, int, bool]]) -> None:
    # Seed 000: "hvis kommunen har obligatoriske opgaver med status rød samt obligatoriske
    # opgaver på kritisk vej med status gul/rød"
    tasks = [
        task(
            f"KY-10-{'L' if local else ''}{n}",
            cat,
            status,
            TODAY + timedelta(days=days),
            local=local,
        )
        for n, (cat, status, days, local) in enumerate(specs, start=10)
    ]
    shown = follow_up_list(tasks, TODAY, ["KY"], None)
    assert all(not t.is_local and t.category != Category.OPTIONAL for t, _ in shown.rows)
    assert all(c != Colour.GREEN for _, c in shown.rows)
    red = sum(1 for _, c in shown.rows if c == Colour.RED)
    followed = [(t, c) for t, c in shown.rows if shown.notes and shown.notes[t.id] == FOLLOWS_UP]
    for t, c in followed:
        assert c == Colour.RED or t.category == Category.CRITICAL
    f_red = sum(1 for _, c in followed if c == Colour.RED)
    assert f_red == red  # every red task in the report is followed up
    line = shown.summary.plain.splitlines()[1]
    seen = len(shown.rows)
    assert line.startswith(f"KY: {seen} obligatorisk")
    assert f"rapport ({red} rød" in line
    assert f"KOMBIT følger op på {len(followed)} af dem ({f_red} rød" in line
