"""The KMD Sag exit strategy domain: the R2 decision tree, the computed fields and validation."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kigo_tui.domain.exit_strategy import (
    AWAIT_KY_KSD,
    NEEDS_SCENARIO,
    PATTERN_LABELS,
    PATTERN_SHORT,
    QUESTIONS,
    SCENARIO_LABELS,
    SCENARIO_SHORT,
    CaseArea,
    DecisionNote,
    analyse,
    caveats,
    cleanup_extent,
    explain,
    next_question,
    note_appendix,
    pattern_for,
    summarise,
    user_band,
)
from kigo_tui.domain.exit_strategy import (
    asked as asked_for,
)


def area(**values: Any) -> CaseArea:
    base: dict[str, Any] = {"field_area": "Fag", "case_area": "Sag", "kle": "25.02"}
    return CaseArea(**(base | values))


# ------------------------------------------------------------------ R2: the decision tree

# The figure of seed 004 (R2 Brugsmønstermodel), written out here independently of the code:
# "Start Anvender I KMD Sag på sagsområdet? JA NEJ ... Har I derudover et særskilt fagsystem på
# sagsområdet? JA NEJ Skriver I journalnotaterne i dette fagsystem? Anvender I KMD Sag som jeres
# eneste/primære sagssystem? ... Kan I se relevante adviser i dette fagsystem?"
SEED_FIGURE: dict[str, dict[bool, str]] = {
    "uses": {False: "0", True: "fagsystem"},
    "fagsystem": {True: "notes", False: "primary"},
    "notes": {False: "C", True: "alerts"},
    "alerts": {True: "A", False: "B"},
    "primary": {True: "D", False: "E"},
}
KEYS = ("uses", "fagsystem", "notes", "alerts", "primary")

PATHS = [
    ([False], "0"),
    ([True, True, True, True], "A"),
    ([True, True, True, False], "B"),
    ([True, True, False], "C"),
    ([True, False, True], "D"),
    ([True, False, False], "E"),
]


def figure_walk(full: dict[str, bool]) -> tuple[list[str], str]:
    """The questions the seed's figure asks for a full set of answers, and where it ends."""
    key, asked = "uses", []
    while key in SEED_FIGURE:
        asked.append(key)
        key = SEED_FIGURE[key][full[key]]
    return asked, key


def run_tree(full: dict[str, bool]) -> tuple[list[str], str | None]:
    """Ask the product's tree question by question, answering from `full`."""
    given: dict[str, bool] = {}
    asked = []
    while (question := next_question(given)) is not None:
        assert pattern_for(given) is None, "a question is asked only while undecided"
        asked.append(question.key)
        given[question.key] = full[question.key]
        assert len(asked) <= len(KEYS), "the tree never asks a question twice"
    return asked, pattern_for(given)


@pytest.mark.parametrize(("answers", "expected"), PATHS, ids=[p for _, p in PATHS])
def test_every_path_of_the_tree(answers: list[bool], expected: str) -> None:
    given: dict[str, bool] = {}
    for answer in answers:
        assert pattern_for(given) is None, "undecided until the last answer"
        question = next_question(given)
        assert question is not None
        given[question.key] = answer
    assert pattern_for(given) == expected
    assert next_question(given) is None


def test_the_paths_cover_every_pattern() -> None:
    assert {p for _, p in PATHS} == set(PATTERN_LABELS)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({key: st.booleans() for key in KEYS}))
def test_every_combination_of_answers_ends_where_the_figure_ends(full: dict[str, bool]) -> None:
    # Seed 004 (R2): "Har I derudover et særskilt fagsystem på sagsområdet? JA NEJ Skriver I
    # journalnotaterne i dette fagsystem? Anvender I KMD Sag som jeres eneste/primære sagssystem?"
    expected_questions, expected_pattern = figure_walk(full)
    asked, pattern = run_tree(full)
    assert asked == expected_questions, "the questions come in the figure's order"
    assert pattern == expected_pattern
    assert asked[-1] in SEED_FIGURE and pattern in PATTERN_LABELS
    # the only/primary question is asked only after "no separate fagsystem"
    assert ("primary" in asked) == (full["uses"] and not full["fagsystem"])
    assert asked == asked_for(dict(zip(asked, (full[k] for k in asked), strict=True)))


def test_all_32_combinations_exhaustively() -> None:
    """The same as the search above, over every combination (there are only 2**5)."""
    for bits in itertools.product((False, True), repeat=len(KEYS)):
        full = dict(zip(KEYS, bits, strict=True))
        assert run_tree(full) == figure_walk(full)


def test_a_fagsystem_with_its_notes_written_elsewhere_is_c_whatever_else() -> None:
    # Seed 004, Eks. 9: "Opera opretter automatisk en sag i KMD Sag ... Samtidig ligger borgerens
    # journal i KMD Sag ... Der er derfor ikke en egen journal i Opera." ("Brugsmønstertyper
    # for KMD Opera er C.")
    for primary in (True, False):
        for alerts in (True, False):
            answers = {
                "uses": True,
                "fagsystem": True,
                "notes": False,
                "primary": primary,
                "alerts": alerts,
            }
            assert pattern_for(answers) == "C"
            assert run_tree(answers) == (["uses", "fagsystem", "notes"], "C")


def test_hjoerring_labour_market_lands_where_the_figure_puts_it() -> None:
    # Seed 004, Eks. 10: "Der arbejdes primært i fagsystemerne KMD Opera, Aktiv og E-dagpenge.
    # Al journalføring foregår i kommunens centrale ESDH-løsning SBSYS." A separate fagsystem
    # whose notes are not written in it: the figure's answer is C (it asks no more), even
    # though the kommune would call SBSYS, not KMD Sag, its primary case system.
    answers = {"uses": True, "fagsystem": True, "notes": False, "primary": False}
    assert pattern_for(answers) == "C"


def test_no_fagsystem_kmd_sag_as_the_whole_case_system_is_d() -> None:
    # Seed 004: "Brugsmønstertype D: De manuelle sager. Brugerne er fuldkommen afhængige af KMD
    # Sag ... De opretter ikke sagen i et andet fagsystem."
    assert run_tree({"uses": True, "fagsystem": False, "primary": True}) == (
        ["uses", "fagsystem", "primary"],
        "D",
    )


def test_no_fagsystem_and_an_esdh_as_the_case_system_is_e() -> None:
    # Seed 004 (R2): "Brugsmønster E Det konkrete sagsarbejde ligger i et generisk sagssystem,
    # fx ESDH." (Eks. 5: "al journalføring sker i kommunens centrale ESDH-løsning")
    assert pattern_for({"uses": True, "fagsystem": False, "primary": False}) == "E"


def test_notes_and_alerts_in_the_fagsystem_are_a_and_b() -> None:
    # Seed 004 (R2): "Brugsmønster A Bruger i dag kun KMD Sag til overblik ... Brugsmønster B
    # Bruger i dag KMD Sag til overblik og adviser, mens sager, dokumenter og journalnotater
    # ligger i fagsystem."
    base = {"uses": True, "fagsystem": True, "notes": True}
    assert pattern_for(base | {"alerts": True}) == "A"
    assert pattern_for(base | {"alerts": False}) == "B"


def test_not_using_kmd_sag_is_0_at_once() -> None:
    # Seed 004 (R2): "Brugsmønster 0 Bruger IKKE KMD Sag i dag."
    assert run_tree(dict.fromkeys(KEYS, False) | {"uses": False}) == (["uses"], "0")


def test_questions_are_the_figures() -> None:
    assert set(QUESTIONS) == set(KEYS)
    assert all(q.key == key and q.text.endswith("?") for key, q in QUESTIONS.items())
    assert "dette fagsystem" in QUESTIONS["notes"].text
    assert "eneste eller primære" in QUESTIONS["primary"].text


def test_next_question_order_step_by_step() -> None:
    assert next_question({}) == QUESTIONS["uses"]
    assert next_question({"uses": True}) == QUESTIONS["fagsystem"]
    assert next_question({"uses": True, "fagsystem": True}) == QUESTIONS["notes"]
    assert next_question({"uses": True, "fagsystem": True, "notes": True}) == QUESTIONS["alerts"]
    assert next_question({"uses": True, "fagsystem": False}) == QUESTIONS["primary"]


def test_pattern_for_is_undecided_without_answers() -> None:
    assert pattern_for({}) is None
    assert pattern_for({"uses": True}) is None
    assert pattern_for({"uses": True, "primary": True}) is None  # asked only without fagsystem


def test_decided_answers_stop_the_questions_even_with_extra_keys() -> None:
    assert next_question({"uses": False, "alerts": True}) is None
    assert pattern_for({"uses": False, "primary": True}) == "0"


@pytest.mark.parametrize("pattern", list(PATTERN_LABELS))
def test_explain_says_whether_a_scenario_is_needed(pattern: str) -> None:
    text = explain(pattern)  # type: ignore[arg-type]
    assert text.startswith(f"Brugsmønster {pattern}: {PATTERN_LABELS[pattern]}")
    needs = "kræver et fremtidigt løsningsscenarie" in text
    assert needs == (pattern in ("C", "D"))
    assert ("kræver ikke" in text) == (pattern not in ("C", "D"))


# ------------------------------------------------------------------ user band


def test_a_single_area_is_medium() -> None:
    assert user_band(0, [0]) == "medium"
    assert user_band(500, [500]) == "medium"
    assert user_band(3, []) == "medium"


def test_three_areas_are_few_medium_many() -> None:
    counts = [10, 2, 5]
    assert [user_band(c, counts) for c in (2, 5, 10)] == ["few", "medium", "many"]


def test_ties_count_half() -> None:
    assert [user_band(c, [4, 4, 4]) for c in (4,)] == ["medium"]
    assert user_band(7, [7, 7]) == "medium"
    # 1 1 9: the two ones share ranks 0 and 1/2 → 1/4 → few; 9 → many
    assert user_band(1, [1, 1, 9]) == "few"
    assert user_band(9, [1, 1, 9]) == "many"
    # 1 9 9: the nines share ranks 1/2 and 1 → 3/4 → many
    assert user_band(9, [1, 9, 9]) == "many"


def test_band_boundaries_are_one_third_and_two_thirds() -> None:
    counts = [1, 2, 3, 4]  # ranks 0, 1/3, 2/3, 1
    assert [user_band(c, counts) for c in counts] == ["few", "medium", "many", "many"]
    counts = [1, 2, 3, 4, 5, 6, 7]  # ranks k/6
    assert [user_band(c, counts) for c in counts] == [
        "few",
        "few",
        "medium",
        "medium",
        "many",
        "many",
        "many",
    ]


def test_two_areas_are_few_and_many() -> None:
    assert user_band(1, [1, 2]) == "few"
    assert user_band(2, [1, 2]) == "many"


# ------------------------------------------------------------------ extent of the cleanup

EXTENT_TABLE = {
    ("low", "few"): "light",
    ("low", "medium"): "light",
    ("low", "many"): "moderate",
    ("medium", "few"): "light",
    ("medium", "medium"): "moderate",
    ("medium", "many"): "large",
    ("high", "few"): "moderate",
    ("high", "medium"): "large",
    ("high", "many"): "large",
}


@pytest.mark.parametrize(("key", "expected"), EXTENT_TABLE.items(), ids=str)
def test_cleanup_extent_table(key: tuple[str, str], expected: str) -> None:
    complexity, band = key
    assert cleanup_extent(complexity, band) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("band", ["few", "medium", "many"])
def test_no_complexity_no_extent(band: str) -> None:
    assert cleanup_extent(None, band) is None  # type: ignore[arg-type]


# ------------------------------------------------------------------ analyse: priority


def test_priority_critical_first_then_extent_then_caseworkers_then_names() -> None:
    areas = [
        area(id=1, case_area="Lille ukritisk", caseworkers=1, cleanup_complexity="low"),
        area(id=2, case_area="Stor ukritisk", caseworkers=50, cleanup_complexity="high"),
        area(id=3, case_area="Kritisk let", caseworkers=2, business_critical=True),
        area(id=4, case_area="Mellem ukritisk", caseworkers=10, cleanup_complexity="high"),
        area(id=5, case_area="B ens", caseworkers=10, cleanup_complexity="high"),
        area(
            id=6,
            case_area="Kritisk stort",
            caseworkers=30,
            cleanup_complexity="high",
            business_critical=True,
        ),
    ]
    rows = analyse(areas)
    assert [r.area.id for r in rows] == [6, 3, 2, 5, 4, 1]
    assert [r.priority for r in rows] == [1, 2, 3, 4, 5, 6]
    by_id = {r.area.id: r for r in rows}
    assert by_id[6].extent == "large" and by_id[3].extent is None
    assert by_id[1].user_band == "few" and by_id[2].user_band == "many"


def test_priority_ranks_extent_before_caseworkers() -> None:
    # many caseworkers but a light cleanup comes after fewer caseworkers and a large cleanup
    areas = [
        area(id=1, case_area="A", caseworkers=100, cleanup_complexity="low"),
        area(id=2, case_area="B", caseworkers=99, cleanup_complexity="high"),
        area(id=3, case_area="C", caseworkers=1, cleanup_complexity="low"),
    ]
    # bands: 1 few, 99 medium, 100 many → extents: A moderate, B large, C light
    assert [r.area.id for r in analyse(areas)] == [2, 1, 3]


def test_names_break_ties_case_insensitively() -> None:
    areas = [
        area(id=1, field_area="b-fag", case_area="x"),
        area(id=2, field_area="A-fag", case_area="y"),
        area(id=3, field_area="a-fag", case_area="X"),
    ]
    assert [r.area.id for r in analyse(areas)] == [3, 2, 1]


def test_analyse_of_nothing() -> None:
    assert analyse([]) == []


@pytest.mark.parametrize("pattern", [None, "0", "A", "B", "C", "D", "E"])
@pytest.mark.parametrize("scenario", [None, 1, 2, 3, 4])
def test_needs_scenario_only_for_c_and_d_without_one(pattern: str | None, scenario: int | None):
    (row,) = analyse([area(pattern=pattern, scenario=scenario)])
    assert row.needs_scenario == (pattern in NEEDS_SCENARIO and scenario is None)


# ------------------------------------------------------------------ summarise


def test_summarise_counts_and_procurement() -> None:
    areas = [
        area(case_area="S1", pattern="C", scenario=1),
        area(case_area="S2", pattern="D", scenario=2),
        area(case_area="S3", pattern="A", scenario=3),
        area(case_area="S4a", pattern="D", scenario=4),
        area(case_area="S4b", pattern="C", scenario=4),
        area(case_area="Uden C", pattern="C"),
        area(case_area="Uden D", pattern="D"),
        area(case_area="Ikke vurderet"),
        area(case_area="Nul", pattern="0"),
    ]
    summary = summarise(areas)
    assert summary.per_scenario == {1: 1, 2: 1, 3: 1, 4: 2, None: 4}
    assert summary.per_pattern == {"C": 3, "D": 3, "A": 1, None: 1, "0": 1}
    # Seed 004, scenario 3: "Indkøbs- og forhandlingsproces med aktuelle leverandører Indhent
    # tilbud på ny funktionalitet/tilpasning af eksisterende løsning" – a purchase follows.
    assert [a.case_area for a in summary.procurement] == ["S1", "S3", "S4a", "S4b"]
    assert [a.case_area for a in summary.new_procurement] == ["S4a", "S4b"]
    assert [a.case_area for a in summary.missing_scenario] == ["Uden C", "Uden D"]

    lines = summary.lines()
    assert lines[0] == "Sagsområder pr. løsningsscenarie:"
    assert any(line.strip().startswith("4:   2") and SCENARIO_LABELS[4] in line for line in lines)
    assert any(line.strip().startswith("–:   4") for line in lines)
    assert (
        "Indkøb følger af scenarie 1, 3 og 4 (4): S1 (udbud eller SKI-indkøb), S3 (køb af "
        "tilpasning hos leverandøren), S4a (anskaffelse af nyt system), S4b (anskaffelse af nyt "
        "system)"
    ) in lines
    assert any(line.startswith("OBS: 2 sagsområder kræver et nyt system") for line in lines)
    assert lines[-1] == "Mangler løsningsscenarie (mønster C/D) (2): Uden C, Uden D"


def test_summarise_nothing() -> None:
    summary = summarise([])
    assert summary.per_scenario == {} and summary.per_pattern == {}
    lines = summary.lines()
    assert "Indkøb følger af scenarie 1, 3 og 4 (0): ingen" in lines
    assert not any(line.startswith(("OBS", "Mangler")) for line in lines)


# ------------------------------------------------------------------ CaseArea validation


@pytest.mark.parametrize("kle", ["25.02", "25.02.01", "00.01", " 27.24.00 "])
def test_kle_forms_accepted(kle: str) -> None:
    assert area(kle=kle).kle == kle.strip()


@pytest.mark.parametrize("kle", ["2502", "25.2", "ab.cd", "25.02.1", "25.02.01.01", "", "25,02"])
def test_kle_forms_refused(kle: str) -> None:
    with pytest.raises(ValidationError):
        area(kle=kle)


@pytest.mark.parametrize("field", ["caseworkers", "case_count", "note_count"])
def test_counts_are_not_negative(field: str) -> None:
    assert getattr(area(**{field: 0}), field) == 0
    with pytest.raises(ValidationError):
        area(**{field: -1})


def test_defaults_and_stripping() -> None:
    a = area(field_area="  Børn og unge ", case_area=" Underretninger")
    assert (a.field_area, a.case_area) == ("Børn og unge", "Underretninger")
    assert a.uses_kmd_sag is True and a.business_critical is False
    assert a.pattern is None and a.scenario is None and a.cleanup_complexity is None


@pytest.mark.parametrize(
    "values",
    [
        {"field_area": "  "},
        {"case_area": ""},
        {"field_area": "x" * 201},
        {"pattern": "F"},
        {"scenario": 5},
        {"cleanup_complexity": "lav"},
        {"caseworkers": 100_001},
        {"unknown": 1},
    ],
    ids=str,
)
def test_bad_values_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        area(**values)


def test_assignment_is_validated() -> None:
    a = area()
    with pytest.raises(ValidationError):
        a.kle = "1"


def test_the_case_area_fields_are_defined_once_and_completely() -> None:
    """AREA_FIELDS (domain) names every CaseArea field in the model's order with a unique
    Danish header: the workbook's columns, the conflict's names and the CLI's messages use it."""
    from kigo_tui.domain.exit_strategy import AREA_FIELDS, FIELD_HEADERS, PATTERNS, SCENARIOS
    from kigo_tui.formats import exit_strategy as sheet

    assert [f.field for f in AREA_FIELDS] == list(CaseArea.model_fields)
    assert len({f.header for f in AREA_FIELDS}) == len(AREA_FIELDS)
    assert {f.field: f.header for f in AREA_FIELDS} == FIELD_HEADERS
    assert sheet.COLUMNS is AREA_FIELDS and sheet.FIELD_HEADERS is FIELD_HEADERS
    assert PATTERNS == ("0", "A", "B", "C", "D", "E") and SCENARIOS == (1, 2, 3, 4)


# ------------------------------------------------------------------ seed 004's caveats and choices


def test_scenario_1_on_kmd_aktiv_or_sygedagpenge_awaits_ky_or_ksd() -> None:
    # Seed 004, Figur 3, scenario 1: "Hvis det nuværende fagsystem er KMD Aktiv eller KMD
    # Sygedagpenge, afvent da implementering af KY eller KSD."
    waiting = area(case_area="Sygedagpenge", scenario=1, monopoly_break=True)
    assert caveats(waiting) == (AWAIT_KY_KSD,)
    assert "KY eller KSD" in AWAIT_KY_KSD
    for other in (
        area(scenario=1),
        area(scenario=2, monopoly_break=True),
        area(scenario=None, monopoly_break=True),
        area(scenario=1, tsa_agreement=True),
    ):
        assert caveats(other) == ()
    summary = summarise([waiting, area(case_area="Pas", scenario=1)])
    assert [a.case_area for a in summary.await_ky_ksd] == ["Sygedagpenge"]
    assert "Afvent KY eller KSD før udbuddet (1): Sygedagpenge" in summary.lines()
    assert analyse([waiting])[0].caveats == (AWAIT_KY_KSD,)


def test_the_kommunes_own_user_band_replaces_the_suggestion() -> None:
    # Seed 004, phase 4 step 1: "Angiv om der er få, mellem eller mange brugere på hvert
    # sagsområde" – the kommune says; kigo only suggests.
    areas = [area(case_area="Lille", caseworkers=1), area(case_area="Stor", caseworkers=90)]
    rows = {r.area.case_area: r for r in analyse(areas)}
    assert rows["Lille"].user_band == rows["Lille"].suggested_band == "few"
    chosen = [areas[0].model_copy(update={"own_user_band": "many"}), areas[1]]
    rows = {r.area.case_area: r for r in analyse(chosen)}
    assert rows["Lille"].user_band == "many" and rows["Lille"].suggested_band == "few"
    # and the extent of the cleanup follows the band the kommune chose
    heavy = area(case_area="Lille", caseworkers=1, cleanup_complexity="high", own_user_band="many")
    rows = {r.area.case_area: r for r in analyse([heavy, areas[1]])}
    assert rows["Lille"].extent == "large"


def test_the_kommunes_own_priority_puts_an_area_at_that_place() -> None:
    # Seed 004, phase 4 step 4: "Disse oplysninger skal du bruge til at prioritere i hvilken
    # rækkefølge, det vil være hensigtsmæssigt at implementere løsningsscenarierne"
    areas = [
        area(case_area="Kritisk", business_critical=True),
        area(case_area="B", caseworkers=5),
        area(case_area="C", caseworkers=1),
    ]
    assert [r.area.case_area for r in analyse(areas)] == ["Kritisk", "B", "C"]
    own = [*areas[:2], areas[2].model_copy(update={"own_priority": 1})]
    rows = analyse(own)
    assert [r.area.case_area for r in rows] == ["C", "Kritisk", "B"]
    assert [r.priority for r in rows] == [1, 2, 3]
    assert [r.suggested_priority for r in rows] == [3, 1, 2]
    # an own rank of 2 leaves place 1 to the suggestion's first
    second = [areas[0].model_copy(update={"own_priority": 2}), *areas[1:]]
    assert [r.area.case_area for r in analyse(second)] == ["B", "Kritisk", "C"]


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.booleans(), st.sampled_from(["low", "medium", "high"])),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.one_of(st.none(), st.integers(1, 10)), min_size=8, max_size=8),
)
@settings(max_examples=80, deadline=None)
def test_priorities_are_a_ranking_and_own_ranks_keep_their_order(
    specs: list[tuple[int, bool, str]], own: list[int | None]
) -> None:
    areas = [
        area(
            case_area=f"S{i}",
            caseworkers=n,
            business_critical=crit,
            cleanup_complexity=c,
            own_priority=own[i],
        )
        for i, (n, crit, c) in enumerate(specs)
    ]
    rows = analyse(areas)
    assert [r.priority for r in rows] == list(range(1, len(areas) + 1))
    assert sorted(r.suggested_priority for r in rows) == list(range(1, len(areas) + 1))
    ranked = [r.area.own_priority for r in rows if r.area.own_priority is not None]
    assert ranked == sorted(ranked)
    if len(set(ranked)) == len(ranked) and all(o <= len(rows) for o in ranked):
        # distinct own ranks within the list: each area is exactly where the kommune put it
        assert all(r.priority == r.area.own_priority for r in rows if r.area.own_priority)
    others = [r.suggested_priority for r in rows if r.area.own_priority is None]
    assert others == sorted(others)


def test_the_cleanup_order_is_the_kommunes_choice() -> None:
    # Seed 004: "kan din kommune overveje at realisere løsningsscenarierne på disse sagsområder
    # tidligt. Omvendt kan det være, at der er smag for ... først tage fat på de lette"
    # and "Et forretningskritisk sagsområde prioriteres højt og har forrang"
    areas = [
        area(case_area="Let", caseworkers=1, cleanup_complexity="low"),
        area(case_area="Tung", caseworkers=1, cleanup_complexity="high"),
        area(case_area="Kritisk", caseworkers=1, cleanup_complexity="low", business_critical=True),
    ]
    heavy = [r.area.case_area for r in analyse(areas, "heavy_first")]
    light = [r.area.case_area for r in analyse(areas, "light_first")]
    assert heavy == ["Kritisk", "Tung", "Let"]
    assert light == ["Kritisk", "Let", "Tung"]


def test_the_decision_note_is_a_validated_record() -> None:
    # Seed 004, phase 4 step 5: "samle de anbefalinger ... i et notat. Dette notat kan anvendes
    # som beslutningsgrundlag for din kommunes endelige beslutning om KMD Sag Exit en"
    note = DecisionNote(body="Linje 1\nLinje 2", status="decided", decided_by=" Direktionen ")
    assert note.body == "Linje 1\nLinje 2" and note.decided_by == "Direktionen"
    assert note.cleanup_order == "heavy_first" and note.decided_on is None
    with pytest.raises(ValidationError):
        DecisionNote(status="maybe")
    with pytest.raises(ValidationError):
        DecisionNote(decided_by="to\nlinjer")
    rows = analyse([area(case_area="Pas", scenario=1, monopoly_break=True, business_critical=True)])
    lines = note_appendix(rows)
    assert lines[0].startswith("1. Fag / Pas (25.02) – scenarie 1: ")
    assert lines[0].endswith("forretningskritisk")
    assert lines[1] == f"   OBS: {AWAIT_KY_KSD}"


def test_short_labels_fit_a_choice_list_at_80_columns() -> None:
    # the area form's choice lists are about 40 columns wide in an 80-column terminal
    assert all(len(f"{k}: {v}") <= 38 for k, v in PATTERN_SHORT.items())
    assert all(len(f"{k}: {v}") <= 38 for k, v in SCENARIO_SHORT.items())
    assert set(PATTERN_SHORT) == set(PATTERN_LABELS)
    assert set(SCENARIO_SHORT) == set(SCENARIO_LABELS)
