"""`kigo exit …` end to end, and the documentation sheet (xlsx) round trip."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from kigo_tui.__main__ import main
from kigo_tui.domain.exit_strategy import PATTERN_LABELS, SCENARIO_LABELS, CaseArea
from kigo_tui.formats.exit_strategy import (
    COLUMNS,
    COMPUTED_HEADERS,
    EXPLANATION_SHEET,
    HEADERS,
    NOTE_SHEET,
    RULES,
    SHEET,
    CaseAreaImportError,
    export_xlsx,
    import_xlsx,
)
from kigo_tui.storage.exit_strategy import CaseAreaError, list_areas, save_area
from kigo_tui.storage.store import Store


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def kigo(kigo_url: str, capsys: pytest.CaptureFixture[str]):
    """Run `kigo --db DB exit …`; argparse's SystemExit becomes a code."""

    def run(*argv: str, db: str = kigo_url) -> Result:
        try:
            code = main(["--db", str(db), "exit", *argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def areas_in(db: str | Path) -> list[CaseArea]:
    store = Store.open(str(db))
    try:
        return list_areas(store)
    finally:
        store.close()


def fresh_db(tmp_path: Path, name: str) -> Path:
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.kommuner import find_kommune

    path = tmp_path / name
    store = Store.open(str(path))
    store.initialise(find_kommune("461"), {}, shipped_catalogue())
    store.close()
    return path


SAMPLE = [
    (
        "--field-area",
        "Børn og unge",
        "--case-area",
        "Underretninger",
        "--kle",
        "27.24.00",
        "--caseworkers",
        "12",
        "--critical",
        "--complexity",
        "høj",
        "--pattern",
        "D",
    ),
    (
        "--field-area",
        "Beskæftigelse",
        "--case-area",
        "Sygedagpenge",
        "--kle",
        "32.18",
        "--caseworkers",
        "40",
        "--complexity",
        "middel",
        "--pattern",
        "C",
        "--scenario",
        "4",
    ),
    (
        "--field-area",
        "Ældre",
        "--case-area",
        "Hjemmehjælp",
        "--kle",
        "27.36",
        "--caseworkers",
        "3",
        "--pattern",
        "A",
        "--scenario",
        "1",
        "--no-uses-kmd-sag",
        "--comment",
        "Særlige forhold: æøå",
    ),
]


@pytest.fixture
def filled(kigo) -> Any:
    for argv in SAMPLE:
        assert kigo("add", *argv).code == 0
    return kigo


# ------------------------------------------------------------------ add / list


def test_add_saves_every_option(kigo, kigo_url: str) -> None:
    result = kigo(
        "add",
        "--field-area",
        " Børn og unge ",
        "--case-area",
        "Anbringelser",
        "--kle",
        "27.12.04",
        "--caseworkers",
        "7",
        "--pattern",
        "c",
        "--cases-in",
        "DUBU",
        "--notes-in",
        "KMD Sag",
        "--alerts-in",
        "KMD Sag",
        "--documents-in",
        "DUBU",
        "--overview-in",
        "KMD Sag",
        "--monopoly-break",
        "--case-count",
        "1200",
        "--note-count",
        "5400",
        "--cleanup-needed",
        "--archivable",
        "--future-system",
        "DUBU",
        "--critical",
        "--complexity",
        "middel",
        "--scenario",
        "2",
        "--comment",
        "æøå ÆØÅ",
    )
    assert result.code == 0, result.err
    assert result.out.startswith("Tilføjet 1: Børn og unge / Anbringelser (27.12.04)")
    (area,) = areas_in(kigo_url)
    assert area == CaseArea(
        id=1,
        field_area="Børn og unge",
        case_area="Anbringelser",
        kle="27.12.04",
        caseworkers=7,
        pattern="C",
        cases_in="DUBU",
        notes_in="KMD Sag",
        alerts_in="KMD Sag",
        documents_in="DUBU",
        overview_in="KMD Sag",
        monopoly_break=True,
        case_count=1200,
        note_count=5400,
        cleanup_needed=True,
        archivable=True,
        future_system="DUBU",
        business_critical=True,
        cleanup_complexity="medium",
        scenario=2,
        comment="æøå ÆØÅ",
    )


def test_add_defaults(kigo, kigo_url: str) -> None:
    assert kigo("add", "--field-area", "F", "--case-area", "S", "--kle", "25.02").code == 0
    (area,) = areas_in(kigo_url)
    assert area == CaseArea(id=1, field_area="F", case_area="S", kle="25.02")


def test_add_warns_about_c_or_d_without_scenario(kigo) -> None:
    result = kigo(
        "add", "--field-area", "F", "--case-area", "S", "--kle", "25.02", "--pattern", "D"
    )
    assert result.code == 0
    assert "⚠ Mønster D kræver et løsningsscenarie" in result.out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--kle", "2502"), "felt 'KLE-nr.': skal have formen NN.NN eller NN.NN.NN"),
        (("--kle", "25.2"), "felt 'KLE-nr.': skal have formen NN.NN eller NN.NN.NN"),
        (("--kle", "ab.cd"), "felt 'KLE-nr.': skal have formen NN.NN eller NN.NN.NN"),
        (("--case-count", "-3"), "felt 'Antal sager': må ikke være negativ"),
        (("--caseworkers", "-1"), "felt 'Antal sagsbehandlere': må ikke være negativ"),
        (("--field-area", "  "), "felt 'Fagområde': må ikke være tom"),
    ],
)
def test_add_refuses_bad_values_with_a_danish_message(
    kigo, kigo_url: str, extra: tuple[str, ...], message: str
) -> None:
    argv = {"--field-area": "F", "--case-area": "S", "--kle": "25.02"}
    argv.update(dict(zip(extra[::2], extra[1::2], strict=True)))
    result = kigo("add", *itertools.chain.from_iterable(argv.items()))
    assert result.code == 1
    assert result.err.strip() == f"kigo: fejl: {message}"
    assert areas_in(kigo_url) == []


@pytest.mark.parametrize(
    "extra",
    [
        ("--scenario", "5"),
        ("--pattern", "F"),
        ("--complexity", "enorm"),
        ("--caseworkers", "mange"),
    ],
)
def test_add_refuses_bad_choices_from_argparse(kigo, kigo_url: str, extra: tuple[str, str]) -> None:
    result = kigo("add", "--field-area", "F", "--case-area", "S", "--kle", "25.02", *extra)
    assert result.code == 2
    assert "kigo: fejl: " + extra[0] + ":" in result.err
    assert areas_in(kigo_url) == []


def test_add_requires_the_three_key_fields(kigo) -> None:
    result = kigo("add", "--field-area", "F", "--case-area", "S")
    assert result.code == 2
    assert "--kle" in result.err


def test_list_empty(kigo) -> None:
    result = kigo("list")
    assert result.code == 0
    assert "Ingen sagsområder endnu" in result.out


def test_list_is_sorted_by_priority_with_computed_fields_and_flags(filled) -> None:
    result = filled("list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == [
        "Pri",
        "Id",
        "Fagområde",
        "Sagsområde",
        "KLE",
        "Mønster",
        "Scen.",
        "Krit.",
        "Sagsbeh.",
        "Brugere",
        "Kompleks.",
        "Omfang",
    ]
    rows = [line.split() for line in lines[2:5]]
    # critical Underretninger first; then Sygedagpenge (moderate… large), then Hjemmehjælp
    assert [r[:2] for r in rows] == [["1", "1"], ["2", "2"], ["3", "3"]]
    assert "Underretninger" in lines[2] and lines[2].rstrip().endswith("⚠")
    assert "mellem" in lines[2] and "stort" in lines[2]  # høj + mellem → stort
    assert "mange" in lines[3] and "stort" in lines[3]  # middel + mange → stort
    assert "få" in lines[4] and not lines[4].rstrip().endswith("⚠")
    assert "3 af 3 sagsområder; ⚠ 1 med mønster C/D mangler løsningsscenarie" in result.out


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (("--field-area", "ældre"), ["Hjemmehjælp"]),
        (("--pattern", "c"), ["Sygedagpenge"]),
        (("--scenario", "1"), ["Hjemmehjælp"]),
        (("--scenario", "ingen"), ["Underretninger"]),
        (("--critical",), ["Underretninger"]),
        (("--pattern", "C", "--critical"), []),
    ],
)
def test_list_filters(filled, filters: tuple[str, ...], expected: list[str]) -> None:
    result = filled("list", *filters)
    assert result.code == 0
    for name in ("Underretninger", "Sygedagpenge", "Hjemmehjælp"):
        assert (name in result.out) == (name in expected)
    if not expected:
        assert "Ingen sagsområder passer til filteret (3 sagsområder i alt)" in result.out


def test_list_filter_keeps_global_priority(filled) -> None:
    result = filled("list", "--field-area", "Ældre")
    (row,) = [line for line in result.out.splitlines() if "Hjemmehjælp" in line]
    assert row.split()[:2] == ["3", "3"]


def test_list_bad_pattern_choice(filled) -> None:
    assert filled("list", "--pattern", "Q").code == 2


# ------------------------------------------------------------------ edit / delete


def test_edit_changes_only_the_given_fields(filled, kigo_url: str) -> None:
    before = {a.id: a for a in areas_in(kigo_url)}
    result = filled("edit", "1", "--scenario", "3", "--comment", "ny bemærkning", "--no-critical")
    assert result.code == 0, result.err
    assert result.out.startswith("Ændret 1: Børn og unge / Underretninger (27.24.00): ")
    after = {a.id: a for a in areas_in(kigo_url)}
    assert after[1] == before[1].model_copy(
        update={"scenario": 3, "comment": "ny bemærkning", "business_critical": False}
    )
    assert after[2] == before[2] and after[3] == before[3]


def test_edit_clears_choices_with_ingen(filled, kigo_url: str) -> None:
    assert filled("edit", "2", "--scenario", "ingen", "--pattern", "ingen").code == 0
    assert filled("edit", "2", "--complexity", "ingen").code == 0
    area = next(a for a in areas_in(kigo_url) if a.id == 2)
    assert area.scenario is None and area.pattern is None and area.cleanup_complexity is None


def test_edit_key_fields(filled, kigo_url: str) -> None:
    assert filled("edit", "3", "--kle", "27.36.02", "--case-area", "Praktisk hjælp").code == 0
    area = next(a for a in areas_in(kigo_url) if a.id == 3)
    assert (area.kle, area.case_area, area.field_area) == ("27.36.02", "Praktisk hjælp", "Ældre")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("edit", "99", "--scenario", "2"), "ukendt sagsområde: id 99"),
        (("edit", "1"), "intet at ændre"),
        (("edit", "1", "--kle", "1.2"), "felt 'KLE-nr.': skal have formen"),
        (("edit", "1", "--note-count", "-5"), "felt 'Antal journalnotater': må ikke være negativ"),
        (("delete", "99"), "ukendt sagsområde: id 99"),
        (("pattern", "99", "--answers", "nej"), "ukendt sagsområde: id 99"),
    ],
)
def test_errors_exit_1_and_change_nothing(
    filled, kigo_url: str, argv: tuple[str, ...], message: str
) -> None:
    before = areas_in(kigo_url)
    result = filled(*argv)
    assert result.code == 1
    assert result.err.startswith("kigo: fejl: ") and message in result.err
    assert areas_in(kigo_url) == before


def test_edit_id_must_be_a_number(filled) -> None:
    result = filled("edit", "abc", "--scenario", "1")
    assert result.code == 2
    assert "'abc' er ikke et helt tal" in result.err


def test_delete(filled, kigo_url: str) -> None:
    result = filled("delete", "2")
    assert result.code == 0
    assert result.out.strip() == "Slettet 2: Beskæftigelse / Sygedagpenge (32.18)"
    assert [a.id for a in areas_in(kigo_url)] == [1, 3]


# ------------------------------------------------------------------ pattern (R2)


@pytest.mark.parametrize(
    ("answers", "pattern", "uses"),
    [
        ("nej", "0", False),
        ("ja,nej,ja", "D", True),
        ("ja,nej,nej", "E", True),
        ("j,j,n", "C", True),
        ("yes,yes,yes,yes", "A", True),
        ("JA, JA, JA, NEJ", "B", True),
    ],
)
def test_pattern_runs_the_tree_and_saves(
    kigo, kigo_url: str, answers: str, pattern: str, uses: bool
) -> None:
    assert kigo("add", "--field-area", "F", "--case-area", "S", "--kle", "25.02").code == 0
    result = kigo("pattern", "1", "--answers", answers)
    assert result.code == 0, result.err
    assert f"Brugsmønster {pattern}: {PATTERN_LABELS[pattern]}" in result.out
    assert result.out.startswith("1. Anvender I KMD Sag på sagsområdet? ")
    assert len([line for line in result.out.splitlines() if line[:2].rstrip(".").isdigit()]) == len(
        answers.split(",")
    )
    assert ("⚠ Mønster" in result.out) == (pattern in ("C", "D"))
    (area,) = areas_in(kigo_url)
    assert area.pattern == pattern and area.uses_kmd_sag is uses


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("ja", "for få svar (1): spørgsmål 2 er ubesvaret: 'Har I derudover et særskilt"),
        ("ja,ja", "spørgsmål 3 er ubesvaret: 'Skriver I journalnotaterne i dette fagsystem?'"),
        ("ja,ja,ja", "spørgsmål 4 er ubesvaret: 'Kan I se de relevante adviser"),
        ("ja,nej", "spørgsmål 3 er ubesvaret: 'Anvender I KMD Sag som jeres eneste eller"),
        ("ja,ja,nej,ja", "for mange svar (4): mønsteret er afgjort efter 3 svar"),
        ("nej,ja", "for mange svar (2): mønsteret er afgjort efter 1 svar"),
        ("ja,måske", "svar 2 'måske': skriv ja eller nej"),
        ("", "svar 1 '': skriv ja eller nej"),
    ],
)
def test_pattern_bad_answers(kigo, kigo_url: str, answers: str, message: str) -> None:
    assert kigo("add", "--field-area", "F", "--case-area", "S", "--kle", "25.02").code == 0
    result = kigo("pattern", "1", "--answers", answers)
    assert result.code == 1
    assert message in result.err
    (area,) = areas_in(kigo_url)
    assert area.pattern is None


def test_pattern_requires_answers(filled) -> None:
    assert filled("pattern", "1").code == 2


# ------------------------------------------------------------------ summary


def test_summary(filled) -> None:
    result = filled("summary")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "3 sagsområder"
    assert (
        "Indkøb følger af scenarie 1, 3 og 4 (2): Sygedagpenge (anskaffelse af nyt system), "
        "Hjemmehjælp (udbud eller SKI-indkøb)"
    ) in lines
    assert "Mangler løsningsscenarie (mønster C/D) (1): Underretninger" in lines
    assert any(line.startswith("OBS: 1 sagsområde kræver et nyt system") for line in lines)


def test_summary_empty(kigo) -> None:
    result = kigo("summary")
    assert result.code == 0
    assert "Indkøb følger af scenarie 1, 3 og 4 (0): ingen" in result.out


def test_exit_needs_a_subcommand(kigo) -> None:
    assert kigo().code == 2


def test_exit_help_is_danish(kigo) -> None:
    result = kigo("--help")
    assert result.code == 0
    for word in ("list", "add", "edit", "delete", "pattern", "summary", "export-xlsx"):
        assert word in result.out
    assert "sagsområder" in result.out


# ------------------------------------------------------------------ xlsx through the CLI


def test_xlsx_round_trip_through_the_cli(filled, kigo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "dok.xlsx"
    result = filled("export-xlsx", "--out", str(out))
    assert result.code == 0, result.err
    assert result.out.strip() == f"Skrev {out} (3 sagsområder)"

    other = fresh_db(tmp_path, "other.db")
    dry = filled("import-xlsx", str(out), "--dry-run", db=other)
    assert dry.code == 0
    assert "ville tilføje 3 og opdatere 0" in dry.out and "intet gemt" in dry.out
    assert areas_in(other) == []

    imported = filled("import-xlsx", str(out), db=other)
    assert imported.code == 0, imported.err
    assert "3 tilføjet, 0 opdateret" in imported.out
    assert areas_in(other) == areas_in(kigo_url)
    assert filled("list", db=other).out == filled("list").out
    assert filled("summary", db=other).out == filled("summary").out

    again = filled("import-xlsx", str(out), db=other)
    assert "0 tilføjet, 3 opdateret" in again.out
    assert len(areas_in(other)) == 3


def test_import_updates_by_id_and_adds_rows_without_id(
    filled, kigo_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "dok.xlsx"
    assert filled("export-xlsx", "--out", str(out)).code == 0
    workbook = load_workbook(out)
    sheet = workbook[SHEET]
    col = {c.value: c.column for c in sheet[1]}
    sheet.cell(row=3, column=col["Løsningsscenarie (1–4)"], value=2)
    sheet.cell(row=3, column=col["Prioritet"], value=99)  # computed: ignored
    sheet.append([None, None, "Miljø", "Jordforurening", "09.17"])
    sheet.cell(row=5, column=col["Id"], value=None)
    for header in (
        "Anvender KMD Sag (Ja/Nej)",
        "Del af monopolbruddet (Ja/Nej)",
        "Oprydning nødvendig (Ja/Nej)",
        "Kan arkiveres (Ja/Nej)",
        "Forretningskritisk (Ja/Nej)",
    ):
        sheet.cell(row=5, column=col[header], value="Nej")
    workbook.save(out)

    result = filled("import-xlsx", str(out))
    assert result.code == 0, result.err
    assert "1 tilføjet, 3 opdateret" in result.out
    areas = {a.id: a for a in areas_in(kigo_url)}
    assert areas[2].scenario == 2
    assert areas[4].case_area == "Jordforurening" and areas[4].uses_kmd_sag is False


def test_import_of_an_id_deleted_here_adds_it_again(filled, kigo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "dok.xlsx"
    assert filled("export-xlsx", "--out", str(out)).code == 0
    assert filled("delete", "3").code == 0
    result = filled("import-xlsx", str(out), "--dry-run")
    assert "ville tilføje 1 og opdatere 2" in result.out
    assert "id 3 findes ikke her og får nye id'er" in result.out


def test_export_refuses_to_overwrite_without_force(filled, tmp_path: Path) -> None:
    out = tmp_path / "dok.xlsx"
    out.write_bytes(b"old")
    result = filled("export-xlsx", "--out", str(out))
    assert result.code == 1
    assert "findes allerede; brug --force" in result.err
    assert out.read_bytes() == b"old"
    assert filled("export-xlsx", "--out", str(out), "--force").code == 0
    assert len(import_xlsx(out)) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kigo-")] == []


def test_export_into_a_missing_folder(filled, tmp_path: Path) -> None:
    result = filled("export-xlsx", "--out", str(tmp_path / "nope" / "dok.xlsx"))
    assert result.code == 1
    assert "findes ikke" in result.err


def _break(path: Path, row: int, header: str, value: object) -> None:
    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    col = next(c.column for c in sheet[1] if c.value == header)
    sheet.cell(row=row, column=col).value = value
    workbook.save(path)


@pytest.mark.parametrize(
    ("row", "header", "value", "message"),
    [
        (3, "KLE-nr.", "2502", "skal have formen NN.NN eller NN.NN.NN"),
        (4, "Forretningskritisk (Ja/Nej)", "måske", "skal være Ja eller Nej"),
        (2, "Antal sager", -4, "må ikke være negativ"),
        (3, "Antal sagsbehandlere", "mange", "skal være et helt tal"),
        (4, "Antal journalnotater", 2.5, "skal være et helt tal"),
        (2, "Brugsmønster (0, A–E)", "F", "skal være 0, A, B, C, D eller E"),
        (
            3,
            "Kompleksitet af oprydning (lav/middel/høj)",
            "enorm",
            "skal være lav, middel eller høj",
        ),
        (4, "Løsningsscenarie (1–4)", 5, "skal være 1, 2, 3 eller 4"),
        (2, "Fagområde", None, "må ikke være tom"),
        (3, "Sagsområde", "x" * 201, "højst 200 tegn"),
        (4, "Id", 1, "id 1 står også i række 2"),
        (3, "Id", "to", "skal være et helt tal"),
    ],
)
def test_a_hand_broken_sheet_is_rejected_naming_row_and_column(
    filled, kigo_url: str, tmp_path: Path, row: int, header: str, value: object, message: str
) -> None:
    out = tmp_path / "dok.xlsx"
    assert filled("export-xlsx", "--out", str(out)).code == 0
    _break(out, row, header, value)
    before = areas_in(kigo_url)
    for argv in (("import-xlsx", str(out)), ("import-xlsx", str(out), "--dry-run")):
        result = filled(*argv)
        assert result.code == 1
        assert result.err.strip() == (
            f"kigo: fejl: dok.xlsx: række {row}, kolonne '{header}': {message}"
        )
    assert areas_in(kigo_url) == before


def test_import_of_a_missing_file(filled, tmp_path: Path) -> None:
    result = filled("import-xlsx", str(tmp_path / "ingen.xlsx"))
    assert result.code == 1
    assert "ingen.xlsx: filen findes ikke" in result.err


def test_import_of_something_that_is_not_xlsx(filled, tmp_path: Path) -> None:
    bad = tmp_path / "tekst.xlsx"
    bad.write_text("ikke excel")
    result = filled("import-xlsx", str(bad))
    assert result.code == 1
    assert "tekst.xlsx: ikke en Excel-fil" in result.err


# ------------------------------------------------------------------ exit_excel directly


def varied_areas() -> list[CaseArea]:
    """Deterministic but varied rows: every pattern, scenario, complexity, both KLE forms."""
    rng = random.Random(4)
    texts = [
        "",
        "KMD Sag",
        "DUBU",
        "Ærø Ø-system",
        "  mellemrum  ",
        "=1+1",
        "007",
        "linje 1\nlinje 2",
    ]
    patterns = [None, "0", "A", "B", "C", "D", "E"]
    scenarios = [None, 1, 2, 3, 4]
    complexities = [None, "low", "medium", "high"]
    areas = []
    for index in range(36):
        areas.append(
            CaseArea(
                id=index * 3 + 2 if index % 5 else None,
                field_area=rng.choice(["Børn og unge", "Ældre", "Miljø og teknik", "Å" * 200]),
                case_area=f"Sagsområde {index} æøå ÆØÅ",
                kle=rng.choice(["00.01", "25.02", "27.24.00", "99.99.99"]),
                uses_kmd_sag=bool(index % 2),
                caseworkers=rng.choice([0, 1, 5, 100_000]),
                pattern=patterns[index % len(patterns)],
                cases_in=rng.choice(texts),
                notes_in=rng.choice(texts),
                alerts_in=rng.choice(texts),
                documents_in=rng.choice(texts),
                overview_in=rng.choice(texts),
                monopoly_break=bool(index % 3 == 0),
                case_count=rng.choice([0, 1, 123_456_789]),
                note_count=rng.choice([0, 42]),
                cleanup_needed=bool(index % 4 == 1),
                archivable=bool(index % 4 == 2),
                future_system=rng.choice(texts),
                business_critical=bool(index % 7 == 0),
                cleanup_complexity=complexities[index % len(complexities)],
                scenario=scenarios[index % len(scenarios)],
                comment=rng.choice(texts),
            )
        )
    return areas


def test_round_trip_gives_equal_areas(tmp_path: Path) -> None:
    areas = varied_areas()
    path = tmp_path / "dok.xlsx"
    export_xlsx(areas, path)
    back = import_xlsx(path)
    expected = sorted(areas, key=lambda a: (a.id is None, a.id or 0))
    assert back == expected


def test_round_trip_of_nothing(tmp_path: Path) -> None:
    path = tmp_path / "tom.xlsx"
    export_xlsx([], path)
    assert import_xlsx(path) == []


def test_export_refuses_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "dok.xlsx"
    export_xlsx([], path)
    with pytest.raises(Exception, match="findes allerede"):
        export_xlsx([], path)
    export_xlsx(varied_areas()[:2], path, force=True)
    assert len(import_xlsx(path)) == 2


def test_exported_sheet_shape(tmp_path: Path) -> None:
    path = tmp_path / "dok.xlsx"
    areas = varied_areas()
    export_xlsx(areas, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [SHEET, EXPLANATION_SHEET, NOTE_SHEET]
    sheet = workbook[SHEET]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert list(HEADERS[-len(COMPUTED_HEADERS) :]) == list(COMPUTED_HEADERS)
    assert HEADERS[:5] == ("Id", "Version", "Fagområde", "Sagsområde", "KLE-nr.")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(HEADERS))}{len(areas) + 1}"
    assert sheet.max_row == len(areas) + 1
    column = {header: index for index, header in enumerate(HEADERS, start=1)}
    priorities = sorted(sheet.cell(row=r, column=column["Prioritet"]).value for r in range(2, 38))
    assert priorities == list(range(1, len(areas) + 1))
    bands = {
        sheet.cell(row=r, column=column["Brugere (få/mellem/mange)"]).value for r in range(2, 38)
    }
    assert bands <= {"få", "mellem", "mange"}
    # a comment that looks like a formula stays text
    comment = column["Bemærkning"]
    comments = [sheet.cell(row=r, column=comment).value for r in range(2, 38)]
    assert "=1+1" in comments
    assert all(
        sheet.cell(row=r, column=comment).data_type == "s" for r in range(2, 38) if comments[r - 2]
    )


def test_exported_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "dok.xlsx"
    export_xlsx(varied_areas()[:3], path)
    sheet = load_workbook(path)[SHEET]
    letters = {c.value: c.column_letter for c in sheet[1]}
    lists: dict[str, str] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cells in str(validation.sqref).split():
            lists[cells.split(":")[0].rstrip("0123456789")] = validation.formula1
    choice_headers = {
        c.header: c.kind
        for c in COLUMNS
        if c.kind in ("bool", "pattern", "complexity", "scenario", "band")
    }
    assert len(choice_headers) == 10
    expected = {
        "bool": '"Ja,Nej"',
        "pattern": '"0,A,B,C,D,E"',
        "complexity": '"lav,middel,høj"',
        "scenario": '"1,2,3,4"',
        "band": '"få,mellem,mange"',
    }
    for header, kind in choice_headers.items():
        assert lists[letters[header]] == expected[kind], header
    assert set(lists) == {letters[h] for h in choice_headers}


def test_explanation_sheet(tmp_path: Path) -> None:
    path = tmp_path / "dok.xlsx"
    export_xlsx([], path)
    values = [
        v for row in load_workbook(path)[EXPLANATION_SHEET].iter_rows(values_only=True) for v in row
    ]
    for rule in RULES:
        assert rule in values
    for label in (*PATTERN_LABELS.values(), *SCENARIO_LABELS.values()):
        assert label in values
    assert any("percentilrang" in str(v) for v in values)


def _handmade(path: Path, headers: list[str], rows: list[list[object]], title: str = SHEET):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


FULL = [c.header for c in COLUMNS]


def test_import_by_header_names_in_any_order_with_excel_types(tmp_path: Path) -> None:
    headers = [*reversed(FULL), "Kommunens egen kolonne", "Prioritet"]
    values = {
        "Id": 5.0,
        "Fagområde": " Børn og unge ",
        "Sagsområde": "Underretninger",
        "KLE-nr.": 25.2,  # typed as a number in Excel
        "Anvender KMD Sag (Ja/Nej)": "ja",
        "Antal sagsbehandlere": "12",
        "Brugsmønster (0, A–E)": 0,
        "Sager ligger i": None,
        "Journalnotater ligger i": 17,
        "Adviser ligger i": "",
        "Dokumenter ligger i": None,
        "Overblik i": None,
        "Del af monopolbruddet (Ja/Nej)": True,
        "Antal sager": 5.0,
        "Antal journalnotater": " 7 ",
        "Oprydning nødvendig (Ja/Nej)": "NEJ",
        "Kan arkiveres (Ja/Nej)": None,
        "Foretrukket fremtidigt system": "ESDH",
        "Forretningskritisk (Ja/Nej)": "Ja",
        "Kompleksitet af oprydning (lav/middel/høj)": "Høj",
        "Løsningsscenarie (1–4)": "3",
        "Bemærkning": None,
    }
    row = [values.get(h) for h in reversed(FULL)] + ["ignoreres", 1]
    path = tmp_path / "hånd.xlsx"
    _handmade(path, headers, [row, [None] * len(headers)])
    (area,) = import_xlsx(path)
    assert area == CaseArea(
        id=5,
        field_area="Børn og unge",
        case_area="Underretninger",
        kle="25.20",
        uses_kmd_sag=True,
        caseworkers=12,
        pattern="0",
        notes_in="17",
        monopoly_break=True,
        case_count=5,
        note_count=7,
        future_system="ESDH",
        business_critical=True,
        cleanup_complexity="high",
        scenario=3,
    )


def test_import_without_id_column_and_short_headers(tmp_path: Path) -> None:
    headers = [h.split(" (")[0] for h in FULL if h != "Id"]
    row: list[object] = ["Ældre", "Hjemmehjælp", "27.36.02", "Nej"]
    path = tmp_path / "kort.xlsx"
    _handmade(path, headers, [row])
    (area,) = import_xlsx(path)
    assert area == CaseArea(
        field_area="Ældre", case_area="Hjemmehjælp", kle="27.36.02", uses_kmd_sag=False
    )


def test_import_empty_cells_take_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tom.xlsx"
    _handmade(path, FULL, [[None, "F", "S", "25.02"]])
    (area,) = import_xlsx(path)
    assert area == CaseArea(field_area="F", case_area="S", kle="25.02")


def test_import_missing_sheet(tmp_path: Path) -> None:
    path = tmp_path / "forkert.xlsx"
    _handmade(path, FULL, [], title="Ark1")
    with pytest.raises(CaseAreaImportError) as info:
        import_xlsx(path)
    assert str(info.value) == (
        "forkert.xlsx: arket 'Dokumentationsark' findes ikke (arkene er: Ark1)"
    )
    assert isinstance(info.value, CaseAreaError)


def test_import_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "mangler.xlsx"
    _handmade(path, [h for h in FULL if h not in ("KLE-nr.", "Bemærkning")], [])
    with pytest.raises(CaseAreaImportError) as info:
        import_xlsx(path)
    assert str(info.value) == "mangler.xlsx: arket mangler kolonnerne 'KLE-nr.', 'Bemærkning'"


def test_import_without_headers(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    _handmade(path, ["a", "b"], [])
    with pytest.raises(CaseAreaImportError, match="ingen kendte kolonneoverskrifter"):
        import_xlsx(path)


def test_import_duplicate_column(tmp_path: Path) -> None:
    path = tmp_path / "dobbelt.xlsx"
    _handmade(path, [*FULL, "Fagområde"], [])
    with pytest.raises(CaseAreaImportError, match="kolonnen 'Fagområde' står to gange"):
        import_xlsx(path)


def test_import_error_attributes(tmp_path: Path) -> None:
    path = tmp_path / "dok.xlsx"
    _handmade(path, FULL, [[None, "F", "S", "25.02"], [None, "F", "S", "ab.cd"]])
    with pytest.raises(CaseAreaImportError) as info:
        import_xlsx(path)
    assert (info.value.row, info.value.column) == (3, "KLE-nr.")
    assert str(info.value) == (
        "dok.xlsx: række 3, kolonne 'KLE-nr.': skal have formen NN.NN eller NN.NN.NN"
    )


def test_import_into_a_store(kigo_url: str, tmp_path: Path) -> None:
    store = Store.open(str(kigo_url))
    try:
        save_area(store, CaseArea(field_area="F", case_area="S", kle="25.02"))
        path = tmp_path / "dok.xlsx"
        export_xlsx(list_areas(store), path)
        assert import_xlsx(path) == list_areas(store)
    finally:
        store.close()


# ------------------------------------------------------------------ seed 004's other answers


def test_add_saves_the_seeds_as_is_and_to_be_answers(kigo, kigo_url: str) -> None:
    # Seed 004 (R3, To-be): "2. Hvornår skal løsningen/løsningerne på sagområdet i udbud?
    # 3. Hvilke it-løsninger er der på markedet af ESDH- og fagsystemløsninger ...? 4. Hvilken
    # it-løsning vil I foretrække som sagsbærende løsning på sagsområdet til at: a Journalisere
    # sagerne? ..."
    result = kigo(
        "add",
        "--field-area",
        "Beskæftigelse",
        "--case-area",
        "Sygedagpenge",
        "--kle",
        "32.18",
        "--tsa",
        "--cleanup-requirements",
        "Åbne sager skal lukkes; 300 sager uden KLE-nummer",
        "--archive-requirements",
        "Sager før 2015 kan arkiveres efter aftale med arkivet",
        "--tender-when",
        "Når KSD er i drift",
        "--market-options",
        "SBSYS, Acadre",
        "--preferred-cases-in",
        "KSD",
        "--preferred-notes-in",
        "SBSYS",
        "--preferred-alerts-in",
        "SAPA",
        "--preferred-documents-in",
        "SBSYS",
        "--preferred-overview-in",
        "SAPA",
        "--users",
        "få",
        "--priority",
        "3",
    )
    assert result.code == 0, result.err
    (area,) = areas_in(kigo_url)
    assert area.tsa_agreement and not area.monopoly_break
    assert area.cleanup_requirements == "Åbne sager skal lukkes; 300 sager uden KLE-nummer"
    assert area.archive_requirements.startswith("Sager før 2015")
    assert (area.tender_when, area.market_options) == ("Når KSD er i drift", "SBSYS, Acadre")
    assert (
        area.preferred_cases_in,
        area.preferred_notes_in,
        area.preferred_alerts_in,
        area.preferred_documents_in,
        area.preferred_overview_in,
    ) == ("KSD", "SBSYS", "SAPA", "SBSYS", "SAPA")
    assert (area.own_user_band, area.own_priority) == ("few", 3)
    # the kommune's choices can be taken back: kigo's suggestions count again
    assert kigo("edit", "1", "--users", "ingen", "--priority", "ingen").code == 0
    (area,) = areas_in(kigo_url)
    assert (area.own_user_band, area.own_priority) == (None, None)
    assert kigo("edit", "1", "--priority", "0").code == 2


def test_the_cli_warns_of_the_ky_ksd_wait_and_marks_the_kommunes_choices(kigo) -> None:
    # Seed 004, Figur 3, scenario 1: "Hvis det nuværende fagsystem er KMD Aktiv eller KMD
    # Sygedagpenge, afvent da implementering af KY eller KSD."
    added = kigo(
        "add", "--field-area", "B", "--case-area", "Sygedagpenge", "--kle", "32.18",
        "--monopoly-break", "--scenario", "1", "--priority", "1",
    )  # fmt: skip
    assert added.code == 0
    assert "vent med udbuddet, til KY eller KSD er implementeret" in added.out
    listed = kigo("list")
    assert "1*" in listed.out and "OBS 1 Sygedagpenge: Scenarie 1 med KMD Aktiv" in listed.out
    assert "* kommunens eget valg" in listed.out
    assert "Afvent KY eller KSD før udbuddet (1): Sygedagpenge" in kigo("summary").out


def test_the_decision_note_is_stored_edited_and_exported(kigo, tmp_path: Path) -> None:
    # Seed 004, phase 4 step 5: "Du kan nu samle de anbefalinger ... i et notat. Dette notat kan
    # anvendes som beslutningsgrundlag for din kommunes endelige beslutning om KMD Sag Exit en"
    assert kigo("add", "--field-area", "F", "--case-area", "Pas", "--kle", "25.02",
                "--scenario", "3").code == 0  # fmt: skip
    empty = kigo("note", "show")
    assert empty.code == 0 and "Status: udkast" in empty.out
    assert "1. F / Pas (25.02) – scenarie 3" in empty.out
    text = tmp_path / "notat.txt"
    text.write_text("Direktionen anbefales at vælge scenarie 3.\nAnden linje.", encoding="utf-8")
    edited = kigo(
        "note", "edit", "--text-file", str(text), "--policies", "ESDH-strategien gælder",
        "--order", "lette-først", "--status", "besluttet", "--decided-on", "2027-02-01",
        "--decided-by", "Direktionen",
    )  # fmt: skip
    assert edited.code == 0, edited.err
    shown = kigo("note", "show").out
    assert "Status: besluttet" in shown and "Besluttet af: Direktionen" in shown
    assert "Anden linje." in shown and "de lette sagsområder først" in shown
    assert "(version 1)" in shown
    assert kigo("note", "edit", "--status", "udkast", "--version", "7").code == 1
    assert kigo("note", "edit").code == 1
    assert kigo("note", "edit", "--decided-on", "2027-02-30").code == 1
    missing = kigo("note", "edit", "--text-file", str(tmp_path / "findes-ikke.txt"))
    assert missing.code == 1 and "filen findes ikke" in missing.err and "Errno" not in missing.err
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Æble".encode("latin-1"))
    assert "ikke UTF-8-tekst" in kigo("note", "edit", "--text-file", str(latin)).err
    out = tmp_path / "beslutning.txt"
    assert kigo("note", "export", "--out", str(out)).code == 0
    written = out.read_text(encoding="utf-8")
    assert written.startswith("KMD Sag-exitstrategi: beslutningsnotat")
    assert "Direktionen anbefales" in written and "scenarie 3" in written
    assert kigo("note", "export", "--out", str(out)).code == 1  # exists: only with --force
    sheet = tmp_path / "dok.xlsx"
    assert kigo("export-xlsx", "--out", str(sheet)).code == 0
    from openpyxl import load_workbook

    lines = [r[0] for r in load_workbook(sheet)[NOTE_SHEET].iter_rows(values_only=True)]
    assert "Direktionen anbefales at vælge scenarie 3." in lines
