"""The KMD Sag workbook import is safe (issue 14, point 7).

`kigo exit import-xlsx` gets workbooks crafted to hurt: malformed XML, entity expansion ("billion
laughs"), external entities, a 2 kB sheet that claims (or has) a cell at XFD1048576, cells of the
wrong type, numbers too large, shared-string indexes out of range, a zip bomb. Each is refused
with a Danish message naming the file and the sheet, cell, row or column, and within a second of
CPU time (measured as CPU time, with a margin over a normal import of the same size, so a loaded
machine does not make the test flaky; before the fix the 2 kB sheet ran for hours).
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.formats.exit_strategy import COLUMNS, SHEET, CaseAreaImportError, import_xlsx
from kigo_tui.formats.xlsx_reader import MAX_COLUMNS, MAX_ROWS, column_letters

HEADERS = [c.header for c in COLUMNS]
GOOD_ROW = {"Fagområde": "Børn og unge", "Sagsområde": "Underretninger", "KLE-nr.": "27.24.00"}
CPU_SECONDS = 1.0
"""The budget for refusing a hostile file, in CPU seconds (a normal import takes ~0.01 s)."""

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _strings_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{_escape(s)}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )


def _header_cells() -> str:
    """Row 1: every header as a shared string (index = column)."""
    return "".join(f'<c r="{column_letters(i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADERS)))


def _cell(header: str, row: int, inner: str, kind: str | None = None) -> str:
    ref = f"{column_letters(HEADERS.index(header))}{row}"
    t = f' t="{kind}"' if kind else ""
    return f'<c r="{ref}"{t}>{inner}</c>'


def _good_cells(row: int) -> str:
    return "".join(
        _cell(h, row, f"<is><t>{_escape(v)}</t></is>", "inlineStr") for h, v in GOOD_ROW.items()
    )


def _sheet(rows: str, *, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}{SHEET_OPEN}{dim}'
        f'<sheetData><row r="1">{_header_cells()}</row>{rows}</sheetData></worksheet>'
    )


def _workbook(
    sheet_xml: str | bytes, *, strings_xml: str | None = None, extra: dict | None = None
) -> bytes:
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": strings_xml if strings_xml is not None else _strings_xml(HEADERS),
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path: Path) -> tuple[str, float]:
    """The message of the refusal and the CPU seconds it took."""
    start = time.process_time()
    with pytest.raises(CaseAreaImportError) as info:
        import_xlsx(path)
    spent = time.process_time() - start
    message = str(info.value)
    assert message.startswith(f"{path.name}: "), message
    assert "Traceback" not in message
    return message, spent


# --------------------------------------------------------------------------- the baseline


def test_the_crafted_workbook_is_read_like_one_from_excel(tmp_path: Path) -> None:
    """The builder below makes workbooks that import (and that openpyxl reads too)."""
    path = _write(tmp_path, "normal.xlsx", _workbook(_sheet(f'<row r="2">{_good_cells(2)}</row>')))
    (area,) = import_xlsx(path)
    assert area == CaseArea(field_area="Børn og unge", case_area="Underretninger", kle="27.24.00")
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    assert next(workbook[SHEET].iter_rows(values_only=True))[0] == HEADERS[0]
    workbook.close()


def test_the_limits_themselves_are_accepted(tmp_path: Path) -> None:
    """The last row and column allowed are read; one beyond is refused (the next tests)."""
    last_column = column_letters(MAX_COLUMNS - 1)
    rows = (
        f'<row r="2">{_good_cells(2)}<c r="{last_column}2" t="inlineStr"><is><t>x</t></is></c>'
        f'</row><row r="{MAX_ROWS}">{_good_cells(MAX_ROWS)}</row>'
    )
    sheet = _sheet(rows, dimension=f"A1:{last_column}{MAX_ROWS}")
    path = _write(tmp_path, "grænsen.xlsx", _workbook(sheet))
    assert len(import_xlsx(path)) == 2


# --------------------------------------------------------------------------- hostile workbooks

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i + 1} "' + f"&lol{i if i else ''};" * 10 + '">' for i in range(9))
    + "]>"
)
EXTERNAL = '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'


def _laughs_sheet() -> str:
    return _sheet(_cell("Bemærkning", 2, "<is><t>&lol9;</t></is>", "inlineStr"), prolog=LAUGHS)


def _hostile() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    """name → (workbook, words its refusal must contain)."""
    far = "XFD1048576"
    beyond_row, beyond_column = MAX_ROWS + 1, column_letters(MAX_COLUMNS)
    return {
        "ugyldig-xml": (
            _workbook(_sheet('<row r="2"><c r="A2"><v>1</v></row>')),
            (f"arket '{SHEET}'", "ugyldig XML i linje"),
        ),
        "ugyldig-delte-tekster": (
            _workbook(_sheet(""), strings_xml="<sst><si><t>x</si></sst>"),
            ("xl/sharedStrings.xml", "ugyldig XML"),
        ),
        "milliard-grin-i-arket": (_workbook(_laughs_sheet()), ("dokumenttypeerklæring",)),
        "milliard-grin-i-delte-tekster": (
            _workbook(_sheet(""), strings_xml=LAUGHS + "<sst><si><t>&lol9;</t></si></sst>"),
            ("xl/sharedStrings.xml", "dokumenttypeerklæring"),
        ),
        "ekstern-entitet": (
            _workbook(_sheet(_cell("Bemærkning", 2, "<v>&ext;</v>", "str"), prolog=EXTERNAL)),
            ("dokumenttypeerklæring",),
        ),
        "erklæret-område": (
            _workbook(_sheet("", dimension=f"A1:{far}")),
            (f"arket '{SHEET}'", "angiver sit område til XFD1048576", "10.000 rækker"),
        ),
        "erklæret-og-langt-ude": (
            _workbook(
                _sheet(f'<row r="1048576"><c r="{far}"><v>1</v></c></row>', dimension=f"A1:{far}")
            ),
            ("angiver sit område til XFD1048576",),
        ),
        "celle-langt-ude": (
            _workbook(_sheet(f'<row r="1048576"><c r="{far}"><v>1</v></c></row>')),
            ("række 1048576",),
        ),
        "celle-langt-ude-uden-række": (
            _workbook(_sheet('<row r="2"><c r="XFD2"><v>1</v></c></row>')),
            ("har en celle i XFD2",),
        ),
        "en-række-for-meget": (
            _workbook(_sheet(f'<row r="{beyond_row}">{_good_cells(beyond_row)}</row>')),
            (f"række {beyond_row}",),
        ),
        "en-kolonne-for-meget": (
            _workbook(_sheet(f'<row r="2"><c r="{beyond_column}2"><v>1</v></c></row>')),
            (f"har en celle i {beyond_column}2",),
        ),
        "delt-tekst-uden-for": (
            _workbook(_sheet(f'<row r="2">{_cell("Fagområde", 2, "<v>99</v>", "s")}</row>')),
            ("celle B2", "delt tekst nr. 99", f"kun {len(HEADERS)}"),
        ),
        "delt-tekst-negativ": (
            _workbook(_sheet(f'<row r="2">{_cell("Fagområde", 2, "<v>-1</v>", "s")}</row>')),
            ("celle B2", "ugyldig henvisning"),
        ),
        "tal-for-stort": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}{_cell("Antal sager", 2, "<v>1E+300</v>")}</row>'
                )
            ),
            ("for stort",),
        ),
        "tal-med-5000-cifre": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}'
                    f"{_cell('Antal sager', 2, '<v>' + '9' * 5000 + '</v>')}</row>"
                )
            ),
            ("ikke et tal Excel kan rumme",),
        ),
        "tal-som-tekst-for-stort": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}'
                    f"{_cell('Antal sager', 2, '<v>99999999999999999999</v>', 'str')}</row>"
                )
            ),
            ("række 2", "kolonne 'Antal sager'", "for stort"),
        ),
        "sandhedsværdi-i-antal": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}{_cell("Antal sager", 2, "<v>1</v>", "b")}</row>'
                )
            ),
            ("række 2", "kolonne 'Antal sager'", "helt tal"),
        ),
        "excel-fejl-i-tekst": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}{_cell("Bemærkning", 2, "<v>#N/A</v>", "e")}</row>'
                )
            ),
            ("række 2", "kolonne 'Bemærkning'", "Excel-fejlen #N/A"),
        ),
        "tekst-i-antal": (
            _workbook(
                _sheet(
                    f'<row r="2">{_good_cells(2)}'
                    f"{_cell('Antal sager', 2, '<is><t>mange</t></is>', 'inlineStr')}</row>"
                )
            ),
            ("række 2", "kolonne 'Antal sager'", "helt tal"),
        ),
        "ukendt-celletype": (
            _workbook(_sheet(f'<row r="2">{_cell("Fagområde", 2, "<v>x</v>", "zz")}</row>')),
            ("ukendt celletype",),
        ),
        "for-lang-tekst": (
            _workbook(
                _sheet(
                    f'<row r="2">{_cell("Bemærkning", 2, "<v>" + "&amp;" * 40_000 + "</v>", "str")}'
                    "</row>"
                )
            ),
            ("over 32767 tegn",),
        ),
        "zip-bombe": (
            _workbook(_sheet("").replace("<sheetData>", "<sheetData>" + " " * (9 * 2**20))),
            ("for stor",),
        ),
        "ikke-en-zip": (b"PK\x03\x04" + b"\x00" * 100, ("ikke en Excel-fil",)),
        "ukendt-tegnkodning": (
            _workbook(_sheet("").replace('encoding="UTF-8"', 'encoding="UT--8"')),
            (f"arket '{SHEET}'", "ugyldig XML"),
        ),
    }


HOSTILE = _hostile()


@pytest.fixture(scope="module")
def baseline_cpu(tmp_path_factory: pytest.TempPathFactory) -> float:
    """CPU seconds of a normal import of 300 rows, for the relative bound."""
    rows = "".join(f'<row r="{r}">{_good_cells(r)}</row>' for r in range(2, 302))
    path = tmp_path_factory.mktemp("baseline") / "normal.xlsx"
    path.write_bytes(_workbook(_sheet(rows)))
    start = time.process_time()
    assert len(import_xlsx(path)) == 300
    return time.process_time() - start


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_quickly_and_by_name(
    name: str, tmp_path: Path, baseline_cpu: float
) -> None:
    data, words = HOSTILE[name]
    path = _write(tmp_path, f"{name}.xlsx", data)
    message, spent = _refused(path)
    for word in words:
        assert word in message, message
    assert "root:" not in message  # /etc/passwd was never read
    assert spent < max(CPU_SECONDS, 20 * baseline_cpu), f"{spent:.2f} s CPU for {name}"


def test_the_2_kb_sheet_with_a_cell_at_xfd1048576_is_small(tmp_path: Path) -> None:
    """The case from the issue: the file really is tiny; the refusal is in the test above."""
    data = HOSTILE["erklæret-og-langt-ude"][0]
    assert len(data) < 2500


def test_the_cli_refuses_a_hostile_workbook_with_a_danish_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kigo_tui.__main__ import main
    from tests.storage.test_paths_hostile import _fresh_db

    db = _fresh_db(tmp_path / "db")
    path = _write(tmp_path, "grin.xlsx", HOSTILE["milliard-grin-i-arket"][0])
    capsys.readouterr()
    assert main(["--db", str(db), "exit", "import-xlsx", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kigo: fejl: grin.xlsx: ") and "dokumenttypeerklæring" in err


# --------------------------------------------------------------------------- a fuzz


def _normal_sheet() -> bytes:
    rows = "".join(
        f'<row r="{r}">{_good_cells(r)}{_cell("Antal sager", r, f"<v>{r}</v>")}</row>'
        for r in range(2, 6)
    )
    return _sheet(rows).encode()


NORMAL_SHEET = _normal_sheet()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(NORMAL_SHEET) - 1),
            st.sampled_from([*list(b'<>/"&;=#x0129 '), 255, 0]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_damaged_sheet_is_read_or_refused_never_a_crash(edits, tmp_path: Path) -> None:
    """Bytes of a good sheet overwritten at random: the import reads it or refuses it with its
    own error, never another exception, and quickly."""
    data = bytearray(NORMAL_SHEET)
    for at, byte in edits:
        data[at] = byte
    path = _write(tmp_path, "fuzz.xlsx", _workbook(bytes(data)))
    start = time.process_time()
    try:
        import_xlsx(path)
    except CaseAreaImportError as exc:
        assert str(exc).startswith("fuzz.xlsx: ")
    assert time.process_time() - start < CPU_SECONDS


def test_a_sheet_with_more_cells_than_allowed_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cell limit (150,000: a worst case within it takes ~0.7 s CPU), at a small value."""
    monkeypatch.setattr("kigo_tui.formats.xlsx_reader.MAX_CELLS", len(HEADERS) + 3 * 3)
    rows = "".join(f'<row r="{r}">{_good_cells(r)}</row>' for r in range(2, 5))
    path = _write(tmp_path, "netop.xlsx", _workbook(_sheet(rows)))
    assert len(import_xlsx(path)) == 3
    rows += f'<row r="5">{_cell("Fagområde", 5, "<v>1</v>")}</row>'
    path = _write(tmp_path, "en-for-meget.xlsx", _workbook(_sheet(rows)))
    message, _ = _refused(path)
    assert f"mere end {len(HEADERS) + 9} celler" in message


def test_cells_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    """Values of every type, written by openpyxl with Excel's formats (dates, times, a 1904
    workbook), read back by the bounded reader exactly as openpyxl's own reader gives them."""
    from datetime import date, datetime, time

    from openpyxl import Workbook, load_workbook

    from kigo_tui.formats.xlsx_reader import read_sheet

    values = [
        "tekst",
        "æøå [b] <x> & \"'",
        17,
        -2.5,
        25.2,
        True,
        False,
        datetime(2026, 1, 5),
        datetime(2027, 2, 28, 13, 45, 10),
        date(1900, 1, 1),
        date(1900, 3, 1),
        time(8, 30),
        1e14,
        None,
        "=ikke en formel",
    ]
    for epoch_1904 in (False, True):
        workbook = Workbook()
        workbook.epoch = datetime(1904, 1, 1) if epoch_1904 else workbook.epoch
        sheet = workbook.active
        sheet.title = SHEET
        sheet.append(values)
        sheet["A2"] = "x"
        sheet["O1"].data_type = "s"
        path = tmp_path / f"typer-{epoch_1904}.xlsx"
        workbook.save(path)
        expected = load_workbook(path, read_only=True, data_only=True)
        rows = [tuple(r) for r in expected[SHEET].iter_rows(values_only=True)]
        expected.close()
        read = read_sheet(path, SHEET)
        assert read.row_values(1) == rows[0][: len(read.row_values(1))]
        assert read.row_values(2) == tuple(v for v in rows[1] if v is not None)


def test_a_date_outside_the_calendar_is_refused_by_cell(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    comment = HEADERS.index("Bemærkning")
    row: list[object] = [None] * len(HEADERS)
    row[:4] = ["", "F", "S", "25.02"]
    row[comment] = datetime(2026, 1, 5)
    sheet.append(row)
    source = tmp_path / "dato.xlsx"
    workbook.save(source)
    serial = str((datetime(2026, 1, 5) - datetime(1899, 12, 30)).days)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert f"<v>{serial}</v>".encode() in data
                data = data.replace(f"<v>{serial}</v>".encode(), b"<v>99999999999999</v>")
            new.writestr(info, data)
    path = _write(tmp_path, "dato-langt-ude.xlsx", out.getvalue())
    message, _ = _refused(path)
    letter = get_column_letter(comment + 1)
    assert f"celle {letter}2" in message and "uden for kalenderen" in message
    (area,) = import_xlsx(source)  # the date itself is a comment like openpyxl showed it
    assert area.comment == "2026-01-05 00:00:00"


def test_the_decision_note_sheet_holds_user_text_as_text(tmp_path: Path) -> None:
    """A note line that looks like a formula is written as text, never run by Excel."""
    from openpyxl import load_workbook

    from kigo_tui.domain.exit_strategy import DecisionNote
    from kigo_tui.formats.exit_strategy import NOTE_SHEET, export_xlsx

    path = tmp_path / "notat.xlsx"
    export_xlsx([], path, note=DecisionNote(body='=HYPERLINK("http://x")\n@SUM(A1)'))
    sheet = load_workbook(path)[NOTE_SHEET]
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    hostile = [c for c in cells if str(c.value)[:1] in "=@"]
    assert len(hostile) == 2 and all(c.data_type == "s" for c in hostile)
