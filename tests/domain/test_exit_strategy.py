"""The KMD Sag exit strategy domain: the R2 decision tree, the computed fields and validation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kigo_tui.domain.exit_strategy import (
    NEEDS_SCENARIO,
    PATTERN_LABELS,
    QUESTIONS,
    SCENARIO_LABELS,
    CaseArea,
    analyse,
    cleanup_extent,
    explain,
    next_question,
    pattern_for,
    summarise,
    user_band,
)

ORDER = ["uses", "primary", "fagsystem", "notes", "alerts"]


def area(**values: Any) -> CaseArea:
    base: dict[str, Any] = {"field_area": "Fag", "case_area": "Sag", "kle": "25.02"}
    return CaseArea(**(base | values))


# ------------------------------------------------------------------ R2: the decision tree

PATHS = [
    ([False], "0"),
    ([True, True], "D"),
    ([True, False, False], "E"),
    ([True, False, True, False], "C"),
    ([True, False, True, True, True], "A"),
    ([True, False, True, True, False], "B"),
]


@pytest.mark.parametrize(("answers", "expected"), PATHS, ids=[p for _, p in PATHS])
def test_every_path_of_the_tree(answers: list[bool], expected: str) -> None:
    given: dict[str, bool] = {}
    asked = []
    for answer in answers:
        assert pattern_for(given) is None, "undecided until the last answer"
        question = next_question(given)
        assert question is not None
        asked.append(question.key)
        given[question.key] = answer
    assert asked == ORDER[: len(answers)], "questions come in QUESTIONS order"
    assert pattern_for(given) == expected
    assert next_question(given) is None


def test_the_paths_cover_every_pattern() -> None:
    assert {p for _, p in PATHS} == set(PATTERN_LABELS)


def test_questions_are_in_tree_order() -> None:
    assert list(QUESTIONS) == ORDER
    assert all(q.key == key and q.text.endswith("?") for key, q in QUESTIONS.items())


def test_next_question_order_step_by_step() -> None:
    assert next_question({}) == QUESTIONS["uses"]
    assert next_question({"uses": True}) == QUESTIONS["primary"]
    assert next_question({"uses": True, "primary": False}) == QUESTIONS["fagsystem"]
    assert next_question({"uses": True, "primary": False, "fagsystem": True}) == QUESTIONS["notes"]
    assert (
        next_question({"uses": True, "primary": False, "fagsystem": True, "notes": True})
        == QUESTIONS["alerts"]
    )


def test_pattern_for_is_undecided_without_answers() -> None:
    assert pattern_for({}) is None
    assert pattern_for({"uses": True}) is None


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
    assert [a.case_area for a in summary.procurement] == ["S1", "S4a", "S4b"]
    assert [a.case_area for a in summary.new_procurement] == ["S4a", "S4b"]
    assert [a.case_area for a in summary.missing_scenario] == ["Uden C", "Uden D"]

    lines = summary.lines()
    assert lines[0] == "Sagsområder pr. løsningsscenarie:"
    assert any(line.strip().startswith("4:   2") and SCENARIO_LABELS[4] in line for line in lines)
    assert any(line.strip().startswith("–:   4") for line in lines)
    assert "Kræver indkøb (3): S1, S4a, S4b" in lines
    assert any(line.startswith("OBS: 2 sagsområder kræver et nyt system") for line in lines)
    assert lines[-1] == "Mangler løsningsscenarie (mønster C/D) (2): Uden C, Uden D"


def test_summarise_nothing() -> None:
    summary = summarise([])
    assert summary.per_scenario == {} and summary.per_pattern == {}
    lines = summary.lines()
    assert "Kræver indkøb (0): ingen" in lines
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
