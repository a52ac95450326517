"""The bundle's own xlsx writer, read back with openpyxl (and, for escaping, with a plain XML parser).

Every value and its type, the fills, the frozen header, the autofilter range, widths, sheet names
and order, the document dates and byte-identical output for the same input.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kigo_tui.bundle import xlsx
from kigo_tui.bundle.xlsx import (
    COLOUR_FILLS,
    MAX_CELL_TEXT,
    MAX_WIDTH,
    XlsxError,
    sheet_names,
    xlsx_bytes,
    xlsx_parts,
)

WHEN = date(2026, 11, 23)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class Farve(StrEnum):
    RED = "rød"


def workbook(sheets: list[tuple[str, tuple[str, ...], list[list[Any]]]]) -> Any:
    return load_workbook(io.BytesIO(xlsx_bytes(sheets, WHEN)))


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def values(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def excel_text(element: ElementTree.Element) -> str:
    """What Excel shows for a <t>: the XML text with its _xHHHH_ escapes decoded (ST_Xstring)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), element.text or "")


def shared_strings(data: bytes) -> list[str]:
    root = ElementTree.fromstring(parts(data)["xl/sharedStrings.xml"])
    return [excel_text(si.find(f"{MAIN}t")) for si in root.iter(f"{MAIN}si")]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- content


def test_values_keep_their_types_and_sheets_their_order() -> None:
    rows = [
        ["SAPA-07-02", 7, 2.5, True, date(2026, 12, 1), datetime(2026, 11, 23, 14, 30), Farve.RED],
        ["", None, -3, False, date(1999, 12, 31), datetime(2026, 1, 1), "ja"],
    ]
    headers = ("Id", "Nr", "Tal", "Sand", "Dato", "Tid", "Farve")
    book = workbook([("Første", headers, rows), ("Anden", ("A",), [["x"]]), ("Tom", ("B",), [])])
    assert book.sheetnames == ["Første", "Anden", "Tom"]
    sheet = book["Første"]
    assert values(sheet) == [
        list(headers),
        ["SAPA-07-02", 7, 2.5, True, datetime(2026, 12, 1), datetime(2026, 11, 23, 14, 30), "rød"],
        [None, None, -3, False, datetime(1999, 12, 31), datetime(2026, 1, 1), "ja"],
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "b", "d", "d", "s"]
    assert type(sheet["B2"].value) is int
    # Dates and times in the Danish order, whatever the reader's locale.
    assert [sheet[c].number_format for c in ("E2", "F2", "E3", "F3")] == [
        "dd-mm-yyyy",
        "dd-mm-yyyy hh:mm",
    ] * 2
    assert all(sheet[c].is_date for c in ("E2", "F2", "E3", "F3"))
    assert sheet["B2"].number_format == sheet["C2"].number_format == "General"
    assert values(book["Anden"]) == [["A"], ["x"]]
    assert values(book["Tom"]) == [["B"]]


def test_bold_frozen_header_and_a_filter_over_the_data() -> None:
    rows = [[f"T{n}", n, "grøn"] for n in range(1, 26)]
    book = workbook([("Opgaver", ("Id", "Nr", "Farve"), rows), ("Tom", ("Fil", "Fejl"), [])])
    sheet = book["Opgaver"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C26"
    assert sheet.dimensions == "A1:C26"
    assert [c.font.b for c in sheet[1]] == [True, True, True]
    assert not any(c.font.b for c in sheet[2])
    empty = book["Tom"]
    assert empty.freeze_panes == "A2"
    assert not empty.auto_filter.ref
    assert empty.max_row == 1
    names = ElementTree.fromstring(
        parts(xlsx_bytes([("Opgaver", ("Id",), [["x"]])], WHEN))["xl/workbook.xml"]
    )
    (name,) = names.iter(f"{MAIN}definedName")
    assert name.get("name") == "_xlnm._FilterDatabase"
    assert name.text == "'Opgaver'!$A$1:$A$2"


def test_traffic_light_fill_only_in_the_farve_column() -> None:
    rows = [[word, word] for word in ("grøn", "gul", "rød", "blå", "")]
    sheet = workbook([("Ark", ("Farve", "Ord"), rows)])["Ark"]
    for row in range(2, 5):
        cell = sheet.cell(row=row, column=1)
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith(COLOUR_FILLS[cell.value]), cell.value
        assert sheet.cell(row=row, column=2).fill.fill_type is None
    assert sheet["A5"].fill.fill_type is None  # 'blå' is no traffic light
    assert sheet["A6"].value is None


def test_column_widths_follow_the_longest_value_up_to_the_cap() -> None:
    rows = [["kort", 5, "x" * 200], ["en længere tekst", 123456, "y"]]
    sheet = workbook([("Ark", ("Navn", "N", "Lang"), rows)])["Ark"]
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths == {"A": len("en længere tekst") + 2, "B": 6 + 2, "C": MAX_WIDTH}


def test_uneven_rows_are_padded_and_extra_cells_kept() -> None:
    sheet = workbook([("Ark", ("A", "B"), [["1"], ["1", "2", "3"]])])["Ark"]
    assert values(sheet) == [["A", "B", None], ["1", None, None], ["1", "2", "3"]]


def test_a_bool_and_an_equal_number_stay_apart() -> None:
    sheet = workbook([("Ark", ("V",), [[1], [True], [0], [False], [1.0]])])["Ark"]
    got = [c.value for (c,) in sheet.iter_rows(min_row=2)]
    assert got == [1, True, 0, False, 1]
    assert [type(v) for v in got[:4]] == [int, bool, int, bool]


def test_values_excel_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError, match="can't write a object"):
        xlsx_bytes([("Ark", ("A",), [[object()]])], WHEN)
    with pytest.raises(ValueError, match="nan"):
        xlsx_bytes([("Ark", ("A",), [[float("nan")]])], WHEN)
    with pytest.raises(ValueError, match="time zones"):
        xlsx_bytes([("Ark", ("A",), [[datetime(2026, 1, 1, tzinfo=UTC)]])], WHEN)


def test_excel_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    long = "å" * (MAX_CELL_TEXT + 10)
    emoji = "😀" * MAX_CELL_TEXT  # two UTF-16 units each
    sheet = workbook([("Ark", ("A",), [[long], [emoji]])])["Ark"]
    assert sheet["A2"].value == "å" * MAX_CELL_TEXT
    assert sheet["A3"].value == "😀" * (MAX_CELL_TEXT // 2)
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    xlsx_bytes([("Ark", ("A",), [["x"], ["y"]])], WHEN)
    with pytest.raises(XlsxError, match="arket 'Ark' ville få 4 rækker; Excel kan højst vise 3"):
        xlsx_bytes([("Ark", ("A",), [["x"], ["y"], ["z"]])], WHEN)
    monkeypatch.setattr(xlsx, "MAX_COLUMNS", 2)
    with pytest.raises(XlsxError, match="ville få 3 kolonner; Excel kan højst vise 2"):
        xlsx_bytes([("Ark", ("A", "B"), [["x", "y", "z"]])], WHEN)


# ------------------------------------------------------------------------------ escaping

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))
    | st.sampled_from("&<>\"'_x0041_ \r\n\t\x07æøåÆØÅ"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8, unique=True))
@example(["a\x00b", "c"])  # the separator of the one-go escaping, inside a text
@example([" kant", "x"])  # white space at an edge: xml:space="preserve"
@example(["slut\r", "_x005F_"])
@example(["_x0041_", "kun tegn, der kan skrives"])  # escaped in one go, without a control character
def test_any_text_reads_back_as_written(texts: list[str]) -> None:
    """Control characters as _xHHHH_, a literal _x0041_ escaped, \\r kept, edge spaces kept."""
    data = xlsx_bytes([("Ark", ("Tekst",), [[t] for t in texts])], WHEN)
    assert shared_strings(data) == ["Tekst", *texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=8, unique=True))
@example(["a&b", "<c>", "_x0041_", "\x07", "\r\n"])
def test_escaping_in_one_go_equals_escaping_each_text(texts: list[str]) -> None:
    table = xlsx._SharedStrings()
    for text in texts:
        table[text]
    one_by_one = "".join(map(xlsx._string_item, texts))
    assert table.xml(len(texts)).endswith(f'uniqueCount="{len(texts)}">{one_by_one}</sst>')


def test_danish_and_markup_characters_reach_openpyxl_unchanged() -> None:
    texts = [
        "Særlig øvelse på Ærø",
        "A & B <C> \"D\" 'E'",
        "  kant  ",
        "linje 1\nlinje 2",
        "_x0041_",
    ]
    sheet = workbook([("Ark", ("T",), [[t] for t in texts])])["Ark"]
    # openpyxl undoes Excel's _x005F_ (the escaped underscore) but no other _xHHHH_ escape.
    assert [c.value for (c,) in sheet.iter_rows(min_row=2)] == texts


def test_a_control_character_is_written_the_way_excel_does() -> None:
    data = xlsx_bytes([("Ark", ("T",), [["klokke\x07 og \x1f"]])], WHEN)
    assert b"klokke_x0007_ og _x001F_" in parts(data)["xl/sharedStrings.xml"]


# ---------------------------------------------------------------------------- the package


def test_every_part_is_well_formed_and_declared() -> None:
    data = xlsx_bytes([("Opgaver", ("A", "Farve"), [["x", "rød"]]), ("Tom", ("B",), [])], WHEN)
    files = parts(data)
    for name, content in files.items():
        ElementTree.fromstring(content)  # raises on anything that is not well-formed XML
        assert content.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), name
    types = ElementTree.fromstring(files["[Content_Types].xml"])
    overrides = {o.get("PartName") for o in types if o.tag.endswith("Override")}
    assert overrides == {
        f"/{n}" for n in files if n.endswith(".xml") and n != "[Content_Types].xml"
    }
    assert next(iter(files)) == "[Content_Types].xml"


def test_same_input_gives_the_same_bytes_with_fixed_dates() -> None:
    sheets = [("Opgaver", ("A", "N"), [["x", 1], ["y", 2]])]
    first = xlsx_bytes(sheets, WHEN)
    assert xlsx_bytes(sheets, WHEN) == first
    assert xlsx_bytes(sheets, date(2026, 11, 24)) != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = load_workbook(io.BytesIO(first)).properties
    assert props.created == props.modified == datetime(2026, 11, 23)
    assert props.creator == "kigo"


def test_sheet_names_are_made_valid_and_distinct() -> None:
    titles = ["Opgaver", "opgaver", "a/b:c*d?e[f]g\\h", "'citeret'", "", "x" * 40, "History"]
    names = sheet_names(titles)
    assert names == [
        "Opgaver",
        "opgaver (2)",
        "a_b_c_d_e_f_g_h",
        "citeret",
        "Ark",
        "x" * 31,
        "History_",
    ]
    sheets = [(t, ("A",), [["1"]]) for t in titles]
    assert workbook(sheets).sheetnames == names


def test_the_writer_needs_only_the_standard_library() -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from kigo_tui.bundle.xlsx import xlsx_bytes\n"
        "xlsx_bytes([('A', ('B',), [['c', 1]])], date(2026, 1, 1))\n"
        "top = {m.split('.')[0] for m in sys.modules if not m.startswith('_')}\n"
        "print(sorted(top - set(sys.stdlib_module_names)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['kigo_tui']"


# ------------------------------------------------------------------------------ streamed sheets


def streamed(rows: list[list[Any]]) -> xlsx.StreamedRows:
    width = max(map(len, rows), default=0)
    longest = [0] * width
    for row in rows:
        for i, value in enumerate(row):
            if value is not None:
                longest[i] = max(longest[i], len(str(value)))
    return xlsx.StreamedRows(lambda: iter(rows), len(rows), tuple(longest))


STREAM_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["grøn", "gul", "rød", " kant ", "=1+1", "_x0041_", "a\rb", "<&>"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(STREAM_CELLS, min_size=3, max_size=3), max_size=12))
@example([["rød", 1, date(2026, 1, 2)], [None, True, datetime(2026, 1, 2, 3, 4)]])
def test_a_streamed_sheet_reads_back_like_a_built_one(rows: list[list[Any]]) -> None:
    """The national follow-up list is streamed (inline strings, chunk by chunk); Excel and
    openpyxl see the same values, types, formats, fills, widths, frozen header and filter."""
    headers = ("Tekst", "Tal", "Farve")
    built = load_workbook(io.BytesIO(xlsx_bytes([("A", headers, rows)], WHEN)))["A"]
    data = xlsx_bytes([("A", headers, streamed(rows))], WHEN)
    assert data == xlsx_bytes([("A", headers, streamed(rows))], WHEN)  # deterministic
    flowed = load_workbook(io.BytesIO(data))["A"]
    assert values(flowed) == values(built)
    for a, b in zip(flowed.iter_rows(), built.iter_rows(), strict=True):
        for x, y in zip(a, b, strict=True):
            assert (x.data_type, x.number_format, x.is_date) == (
                y.data_type,
                y.number_format,
                y.is_date,
            )
            assert x.fill.fgColor.rgb == y.fill.fgColor.rgb
            assert x.font.b == y.font.b
    assert flowed.freeze_panes == built.freeze_panes == "A2"
    assert flowed.auto_filter.ref == built.auto_filter.ref
    widths = {k: d.width for k, d in flowed.column_dimensions.items()}
    assert widths == {k: d.width for k, d in built.column_dimensions.items()}


def test_a_streamed_sheet_beside_built_ones_and_its_row_count_is_checked() -> None:
    rows = [[f"T{n}", n, "gul"] for n in range(1, 4_500)]  # more than one chunk
    book = workbook([("Før", ("A",), [["x"]]), ("Strøm", ("T", "N", "Farve"), streamed(rows))])
    assert book.sheetnames == ["Før", "Strøm"]
    assert values(book["Før"]) == [["A"], ["x"]]
    assert values(book["Strøm"])[1:] == rows
    lying = xlsx.StreamedRows(lambda: iter(rows), len(rows) + 1, (5, 4, 3))
    with pytest.raises(ValueError, match="rækker"):
        xlsx_bytes([("A", ("T", "N", "Farve"), lying)], WHEN)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            STREAM_CELLS | st.sampled_from(["%s", "{0}", "100 %", "{}"]), min_size=3, max_size=3
        ),
        max_size=12,
    )
)
def test_xlsx_parts_are_the_parts_xlsx_bytes_writes(rows: list[list[Any]]) -> None:
    """kigo verify compares a workbook's parts with xlsx_parts (not deflated): they must be
    exactly what xlsx_bytes writes, a value like '%s' or '{0}' included."""
    sheets = [("Opgaver", ("T", "N", "Farve"), rows), ("Projekter", ("A",), [["%d"], [3]])]
    ours = {name: xml.encode("utf-8") for name, xml in xlsx_parts(sheets, WHEN).items()}
    assert ours == parts(xlsx_bytes(sheets, WHEN))
