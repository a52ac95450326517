"""No formula from data: every CSV cell a spreadsheet would evaluate is neutralised, and the xlsx
files hold text as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kigo_tui.__main__ import main
from kigo_tui.bundle.csvtext import BOM, FORMULA_STARTS, csv_bytes, csv_cell, safe_text
from kigo_tui.bundle.export import CSV_HEADERS, bundle_bytes, bundle_name, status_document
from kigo_tui.bundle.xlsx import xlsx_bytes
from tests.support.fixed import FIXED_TODAY
from tests.support.fleet import kommune, synthetic_snapshot

REPO = Path(__file__).resolve().parents[2]
HOSTILE = (
    '=HYPERLINK("http://x.example","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tfane",
    "\rvognretur",
    "=1+1",
)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix(BOM)), delimiter=";"))


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("=")
@example("'=already quoted")
@example("")
def test_any_text_is_neutralised_exactly_when_it_starts_like_a_formula(text: str) -> None:
    safe = safe_text(text)
    assert not safe.startswith(FORMULA_STARTS)
    if text.startswith(FORMULA_STARTS):
        assert safe == "'" + text
    else:
        assert safe == text
    # Through the writer and back: the cell is the neutralised text, whatever it holds.
    rows = read_csv(csv_bytes(("Tekst",), [[text]]))
    assert rows[1:] == [[safe]] or (text == "" and rows[1:] == [[""]])


def test_numbers_stay_numbers_and_dates_never_start_like_a_formula() -> None:
    assert csv_cell(-3) == -3  # a negative count is a number, not text: no quote
    assert csv_cell(-2.5) == -2.5
    assert csv_cell("-3") == "'-3"  # the same characters as text are neutralised
    assert csv_cell(date(2026, 11, 23)) == "2026-11-23"
    assert csv_cell(datetime(2026, 11, 23, 14, 5)) == "2026-11-23 14:05"
    assert csv_cell(None) == ""
    rows = read_csv(csv_bytes(("Tal", "Dato"), [[-3, date(2026, 1, 2)]]))
    assert rows[1] == ["-3", "2026-01-02"]


def test_status_csv_and_xlsx_with_hostile_titles(tmp_path: Path) -> None:
    snapshot = synthetic_snapshot(kommune("461"), 300, FIXED_TODAY)
    for i, title in enumerate(HOSTILE):
        snapshot.tasks[i] = replace(snapshot.tasks[i], title=title)
    files = {}
    with zipfile.ZipFile(io.BytesIO(bundle_bytes(snapshot, FIXED_TODAY))) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    title_col = CSV_HEADERS.index("Titel")
    rows = read_csv(files["status.csv"])[1:]
    titles = {row[5]: row[title_col] for row in rows}
    for task, title in zip(snapshot.tasks, HOSTILE, strict=False):
        assert titles[task.id] == "'" + title
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)

    # The xlsx: the exact title as text; no formula anywhere in the workbook.
    with zipfile.ZipFile(io.BytesIO(files["status.xlsx"])) as book:
        sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"<f>" not in xml and b"<f " not in xml for xml in sheets)
    sheet = load_workbook(io.BytesIO(files["status.xlsx"]))["Opgaver"]
    shown = {row[5].value: row[title_col] for row in sheet.iter_rows(min_row=2)}
    for task, title in zip(snapshot.tasks, HOSTILE, strict=False):
        cell = shown[task.id]
        assert cell.data_type == "s"
        assert cell.value == title


def test_the_writer_never_writes_a_formula() -> None:
    data = xlsx_bytes([("Ark", ("A", "B"), [[text, 1] for text in HOSTILE])], FIXED_TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml")
    assert not re.search(rb"<f[ >]", xml)
    sheet = load_workbook(io.BytesIO(data))["Ark"]
    assert [c.value for c in sheet["A"][1:]] == list(HOSTILE)
    assert {c.data_type for c in sheet["A"][1:]} == {"s"}


def test_the_aggregate_csvs_are_neutralised_too(tmp_path: Path) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    snapshot = synthetic_snapshot(kommune("461"), 300, FIXED_TODAY)
    doc = status_document(snapshot, FIXED_TODAY)
    follow = {t.id for p in doc.projects for t in p.follow_up}
    at = next(i for i, t in enumerate(snapshot.tasks) if t.id in follow)
    snapshot.tasks[at] = replace(snapshot.tasks[at], title='=HYPERLINK("x")')
    (folder / bundle_name("461", FIXED_TODAY)).write_bytes(bundle_bytes(snapshot, FIXED_TODAY))
    (folder / "=ikke et bundt.zip").write_bytes(b"=1+1")
    out = tmp_path / "nationalt.csv"
    assert (
        main(["--today", FIXED_TODAY.isoformat(), "aggregate", str(folder), "--out", str(out)]) == 0
    )
    follow_up = read_csv((tmp_path / "nationalt-opfølgning.csv").read_bytes())
    assert [r[5] for r in follow_up if r[4] == snapshot.tasks[at].id] == ['\'=HYPERLINK("x")']
    for path in (out, tmp_path / "nationalt-opfølgning.csv", tmp_path / "nationalt-filer.csv"):
        rows = read_csv(path.read_bytes())
        assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row), path


def test_every_csv_goes_through_the_one_writer() -> None:
    """csv.writer appears in kigo_tui/bundle/csvtext.py only."""
    users = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "kigo_tui").rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    )
    assert users == ["kigo_tui/bundle/csvtext.py"]


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.text(),
    st.sampled_from(["=1", "-", "+x", "@", "\t", "\r", "a\x00=b", "\x00=", "ok"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=8), st.booleans())
@example([[None, None, 1], [None, None, 1.0], [None, None, True]], False)
def test_the_column_wise_writer_equals_writing_each_cell(
    rows: list[list[object]], same: bool
) -> None:
    """csv_bytes works column by column for speed; it writes what csv_cell gives for each cell."""
    if same:  # a column of one type, as the real tables have
        rows = [[row[0], str(row[1]), row[2]] for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["A", "B", "C"])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    assert csv_bytes(("A", "B", "C"), rows) == (BOM + buffer.getvalue()).encode("utf-8")
