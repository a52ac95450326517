"""The KMD Sag exit workspace as an Excel sheet shaped like KOMBIT's documentation sheet (R1).

`export_xlsx` writes one row per sagsområde on the sheet "Dokumentationsark" with Danish headers,
drop-down lists on every choice column and computed columns (user band, extent of the cleanup,
priority, kigo's suggestions and what to watch) that the import ignores; a sheet "Forklaring" holds
the rules and a sheet "Beslutningsnotat" the exit decision note (written by kigo, read by people;
the note is edited in kigo). Columns added after the first sheets (`AreaField.optional`) may be
missing: an older sheet still imports, and those fields keep their values.
`import_xlsx` reads such a sheet back by its header names, so the columns may be moved; a bad cell
raises `CaseAreaImportError` naming the file, the row as Excel shows it and the column header.
The column "Version" (after "Id") holds each row's version at the export; `read_import` returns
it, so `exit_store.save_areas` can refuse rows a colleague changed since.

No Textual. openpyxl writes the export (imported inside the function); the import is read by
`kigo_tui.formats.xlsx_reader`, which refuses hostile workbooks within its limits.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kigo_tui.domain.exit_strategy import AREA_FIELDS as COLUMNS
from kigo_tui.domain.exit_strategy import (
    CLEANUP_ORDER_LABELS,
    COMPLEXITY_LABELS,
    COMPUTED_RULES,
    EXTENT_LABELS,
    FIELD_HEADERS,
    KLE_PATTERN,
    NOTE_FIELDS,
    NOTE_STATUS_LABELS,
    PATTERN_LABELS,
    PATTERNS,
    SCENARIO_LABELS,
    SCENARIOS,
    USER_BAND_LABELS,
    AreaField,
    CaseArea,
    DecisionNote,
    analyse,
    note_appendix,
)
from kigo_tui.domain.text import clean_text
from kigo_tui.formats.xlsx_reader import CellError
from kigo_tui.storage.exit_strategy import CaseAreaError

Column = AreaField
"""A column of the sheet is a field of the sagsområde (or, for Version, of its row)."""

SHEET = "Dokumentationsark"
EXPLANATION_SHEET = "Forklaring"

YES, NO = "Ja", "Nej"
COMPLEXITY_BY_LABEL = {label: key for key, label in COMPLEXITY_LABELS.items()}
BAND_BY_LABEL = {label: key for key, label in USER_BAND_LABELS.items()}
NOTE_SHEET = "Beslutningsnotat"

KLE_MESSAGE = "skal have formen NN.NN eller NN.NN.NN"


COMPUTED_HEADERS = (
    "Brugere (få/mellem/mange)",
    "Omfang af oprydning (let/moderat/stort)",
    "Prioritet",
    "Brugere, kigos forslag",
    "Prioritet, kigos forslag",
    "OBS",
)
VERSION = Column("Version", "version", "version")
"""The version each row had at the export: an import of a row changed since is refused. Not a
CaseArea field; a sheet without the column (KOMBIT's blank template) imports unversioned."""
SHEET_COLUMNS: tuple[Column, ...] = (COLUMNS[0], VERSION, *COLUMNS[1:])
"""The columns as the export lays them out: Id, Version, then the fields."""
HEADERS = tuple(c.header for c in SHEET_COLUMNS) + COMPUTED_HEADERS

CHOICES = {
    "bool": (YES, NO),
    "pattern": PATTERNS,
    "complexity": tuple(COMPLEXITY_LABELS.values()),
    "scenario": tuple(str(s) for s in SCENARIOS),
    "band": tuple(USER_BAND_LABELS.values()),
}

RULES = (
    *COMPUTED_RULES,
    "Kolonnerne Brugere, Omfang af oprydning, Prioritet, kigos forslag og OBS beregnes af kigo "
    "ved eksport og ignoreres ved import. Brugere og Prioritet er kommunens valg, hvor I har "
    "udfyldt 'Brugere, kommunens valg' og 'Egen prioritet', ellers kigos forslag. Id binder "
    "rækken til sagsområdet i kigo; en tom Id giver et nyt sagsområde.",
    "Et ark fra en ældre version af kigo uden de nyere kolonner (fx TSA-aftalen og To-be-"
    "spørgsmålene) kan stadig importeres; de felter beholder deres værdier.",
    "Version er rækkens version ved eksporten: har en anden ændret sagsområdet siden, afviser "
    "importen arket (intet gemmes); eksportér igen, eller importér med --force for at overskrive "
    "kollegaens ændringer. Ret ikke i Version.",
)


class CaseAreaImportError(CaseAreaError):
    """A sheet that cannot be imported; names the file and, for a bad cell, its row and column."""

    def __init__(
        self, path: Path, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.path, self.row, self.column = path, row, column
        where = f"{path.name}: "
        if row is not None:
            where += f"række {row}, "
        if column is not None:
            where += f"kolonne '{column}': "
        super().__init__(where + message)


# ------------------------------------------------------------------ Danish validation messages


def danish_message(error: Mapping[str, Any]) -> str:
    """One pydantic error as a short Danish phrase (without the field name)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    loc = error.get("loc") or ()
    if loc and loc[0] == "kle" and kind in ("string_pattern_mismatch", "string_too_short"):
        return KLE_MESSAGE
    if kind == "string_too_short":
        return "må ikke være tom"
    if kind == "string_too_long":
        return f"højst {ctx.get('max_length')} tegn"
    if kind == "greater_than_equal":
        return "må ikke være negativ" if ctx.get("ge") == 0 else f"mindst {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"højst {ctx.get('le')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "skal være et helt tal"
    if kind in ("bool_parsing", "bool_type"):
        return "skal være Ja eller Nej"
    if kind == "literal_error":
        return f"skal være en af {ctx.get('expected')}"
    if kind == "missing":
        return "mangler"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    if kind == "extra_forbidden":
        return "ukendt felt"
    return str(error.get("msg", "ugyldig værdi"))


def validate_danish(values: dict[str, Any]) -> CaseArea:
    """A CaseArea from user input; the CaseAreaError names the column header in Danish."""
    try:
        return CaseArea.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise CaseAreaError(
            f"felt '{FIELD_HEADERS.get(field, field)}': {danish_message(error)}"
        ) from None


# ------------------------------------------------------------------ export


def _bool_text(value: bool) -> str:
    return YES if value else NO


def _cell_value(area: CaseArea, column: Column) -> str | int | None:
    value = getattr(area, column.field)
    if column.kind == "bool":
        return _bool_text(value)
    if column.kind == "complexity":
        return COMPLEXITY_LABELS[value] if value else None
    if column.kind == "band":
        return USER_BAND_LABELS[value] if value else None
    if column.kind == "text":
        return value or None
    plain: str | int | None = value  # a number or a code, as the area holds it
    return plain


def workbook_bytes(
    areas: list[CaseArea],
    versions: Mapping[int, int] | None = None,
    note: DecisionNote | None = None,
) -> bytes:
    """The workbook; rows in id order (new areas last), computed columns at the end.

    `versions` (id → the version the area was read at, `exit_store.list_versioned`) fills the
    Version column, which the import checks against the database. `note` (the decision note)
    orders the priorities and fills the sheet "Beslutningsnotat"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    note = note or DecisionNote()
    analysed = analyse(areas, note.cleanup_order)
    computed = {id(row.area): row for row in analysed}
    ordered = sorted(areas, key=lambda a: (a.id is None, a.id or 0))

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the new workbook's one sheet (`active` may be None to mypy)
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    grey = PatternFill("solid", start_color="E7E6E6", end_color="E7E6E6")
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if index > len(SHEET_COLUMNS):
            cell.fill = grey
    kle_col = next(i for i, c in enumerate(SHEET_COLUMNS, start=1) if c.kind == "kle")
    for excel_row, area in enumerate(ordered, start=2):
        for index, column in enumerate(SHEET_COLUMNS, start=1):
            cell = sheet.cell(row=excel_row, column=index)
            if column is VERSION:
                cell.value = (versions or {}).get(area.id) if area.id is not None else None
                continue
            value = _cell_value(area, column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # a comment such as '=ja' is text, never a formula
        sheet.cell(row=excel_row, column=kle_col).number_format = "@"
        analysis = computed[id(area)]
        extras = (
            USER_BAND_LABELS[analysis.user_band],
            EXTENT_LABELS[analysis.extent] if analysis.extent else None,
            analysis.priority,
            USER_BAND_LABELS[analysis.suggested_band],
            analysis.suggested_priority,
            " ".join(analysis.caveats) or None,
        )
        for offset, value in enumerate(extras, start=len(SHEET_COLUMNS) + 1):
            cell = sheet.cell(row=excel_row, column=offset, value=value)
            cell.fill = grey
            cell.font = Font(italic=True)

    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(2, len(ordered) + 1)}"
    last_row = max(1000, len(ordered) + 500)
    for kind, choices in CHOICES.items():
        cols = [i for i, c in enumerate(SHEET_COLUMNS, start=1) if c.kind == kind]
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ugyldig værdi",
            error="Vælg en værdi fra listen: " + ", ".join(choices),
        )
        for col in cols:
            letter = get_column_letter(col)
            validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(40, max(10, len(header) // 2 + 4))
    sheet.row_dimensions[1].height = 45

    _explanation(workbook.create_sheet(EXPLANATION_SHEET), Font)
    _note_sheet(workbook.create_sheet(NOTE_SHEET), Font, Alignment, note, analysed)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _explanation(sheet: Any, font: Any) -> None:
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 100
    sheet.append(["KMD Sag-exitstrategi: dokumentationsark (R1)"])
    sheet["A1"].font = font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Regler"])
    sheet.cell(row=sheet.max_row, column=1).font = font(bold=True)
    for rule in RULES:
        sheet.append(["•", rule])
    sheet.append([])
    sheet.append(["Brugsmønster (R2)"])
    sheet.cell(row=sheet.max_row, column=1).font = font(bold=True)
    for code, label in PATTERN_LABELS.items():
        sheet.append([code, label])
    sheet.append([])
    sheet.append(["Løsningsscenarie"])
    sheet.cell(row=sheet.max_row, column=1).font = font(bold=True)
    for number, label in SCENARIO_LABELS.items():
        sheet.append([number, label])
    sheet.append([])
    sheet.append(["Kompleksitet", ", ".join(COMPLEXITY_LABELS.values())])
    sheet.append(["Brugere", ", ".join(USER_BAND_LABELS.values())])
    sheet.append(["Omfang", ", ".join(EXTENT_LABELS.values())])


def note_lines(note: DecisionNote, rows: list[Any]) -> list[str]:
    """The decision note as text: its fields, the kommune's text and the recommendations in the
    chosen order (the appendix kigo writes from the sagsområder)."""
    from kigo_tui.domain.dates import danish_date

    lines = [
        "KMD Sag-exitstrategi: beslutningsnotat",
        "",
        f"{NOTE_FIELDS['status']}: {NOTE_STATUS_LABELS[note.status]}",
        f"{NOTE_FIELDS['decided_on']}: {danish_date(note.decided_on)}",
        f"{NOTE_FIELDS['decided_by']}: {note.decided_by or '—'}",
        f"{NOTE_FIELDS['cleanup_order']}: {CLEANUP_ORDER_LABELS[note.cleanup_order]}",
        "",
        f"{NOTE_FIELDS['policies']}:",
        *(note.policies.splitlines() or ["—"]),
        "",
        f"{NOTE_FIELDS['body']}:",
        *(note.body.splitlines() or ["—"]),
        "",
        "Anbefalede løsningsscenarier i prioriteret rækkefølge:",
        *(note_appendix(rows) or ["Ingen sagsområder endnu."]),
    ]
    return lines


def _note_sheet(sheet: Any, font: Any, alignment: Any, note: DecisionNote, rows: list[Any]) -> None:
    sheet.column_dimensions["A"].width = 110
    for line in note_lines(note, rows):
        sheet.append([line or None])
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.data_type = "s" if line else cell.data_type  # user text is never a formula
        cell.alignment = alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = font(bold=True, size=14)


def export_xlsx(
    areas: list[CaseArea],
    path: Path,
    *,
    force: bool = False,
    versions: Mapping[int, int] | None = None,
    note: DecisionNote | None = None,
) -> None:
    """Write the documentation sheet atomically; an existing file only with `force`."""
    from kigo_tui.formats.files import write_atomically

    write_atomically(Path(path), workbook_bytes(areas, versions, note), force=force)


def export_note(
    note: DecisionNote, areas: list[CaseArea], path: Path, *, force: bool = False
) -> None:
    """Write the decision note as a UTF-8 text file atomically; an existing one only with `force`."""
    from kigo_tui.formats.files import write_atomically

    text = "\n".join(note_lines(note, analyse(areas, note.cleanup_order))) + "\n"
    write_atomically(Path(path), text.encode("utf-8"), force=force)


# ------------------------------------------------------------------ import


def _normalise_header(text: object) -> str:
    words = str(text or "").replace("–", "-").replace("—", "-").casefold().split()
    return " ".join(words)


_HEADER_KEYS: dict[str, Column] = {}
for _column in SHEET_COLUMNS:
    _HEADER_KEYS[_normalise_header(_column.header)] = _column
    _HEADER_KEYS.setdefault(_normalise_header(_column.header.split(" (")[0]), _column)


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number(value: object) -> int:
    """An int from an int, a whole float (Excel's 5.0) or a string like ' 5 ' / '5.0'."""
    if isinstance(value, bool):
        raise ValueError("skal være et helt tal")
    if isinstance(value, int):
        return _bounded(value)
    if isinstance(value, float):
        if value.is_integer():
            return _bounded(int(value))
        raise ValueError("skal være et helt tal")
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?[0-9]{1,20}(\.0+)?", text):
        return _bounded(int(text.partition(".")[0]))
    raise ValueError("skal være et helt tal")


MAX_WHOLE = 10**15 - 1
"""The largest whole number the sheet accepts (Excel keeps 15 digits)."""


def _bounded(number: int) -> int:
    if abs(number) > MAX_WHOLE:
        raise ValueError("tallet er for stort (højst 15 cifre)")
    return number


def _convert(column: Column, value: object) -> object:
    """A cell's value as the CaseArea field wants it; ValueError with a Danish message."""
    kind = column.kind
    if isinstance(value, CellError):
        raise ValueError(f"cellen indeholder Excel-fejlen {value}; ret formlen eller skriv værdien")
    if kind == "text":
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return clean_text(str(value), "teksten", multiline=True, strip=False)
    if _is_empty(value):
        return _EMPTY
    if kind == "id":
        number = _whole_number(value)
        if number < 1:
            raise ValueError("skal være et positivt helt tal")
        return number
    if kind == "kle":
        if isinstance(value, bool):
            raise ValueError(KLE_MESSAGE)
        if isinstance(value, int | float):  # typed as a number in Excel: 25.2 means 25.20
            value = f"{value:05.2f}"
        text = str(value).strip()
        if not re.fullmatch(KLE_PATTERN, text):
            raise ValueError(KLE_MESSAGE)
        return text
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in ("ja", "j", "yes", "y", "sand", "true", "x"):
            return True
        if word in ("nej", "n", "no", "falsk", "false"):
            return False
        raise ValueError("skal være Ja eller Nej")
    if kind == "count":
        number = _whole_number(value)
        if number < 0:
            raise ValueError("må ikke være negativ")
        return number
    if kind == "pattern":
        if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
            return "0"
        code = str(value).strip().upper()
        if code not in PATTERNS:
            raise ValueError("skal være 0, A, B, C, D eller E")
        return code
    if kind == "complexity":
        word = str(value).strip().casefold()
        if word in COMPLEXITY_BY_LABEL:
            return COMPLEXITY_BY_LABEL[word]
        if word in COMPLEXITY_LABELS:
            return word
        raise ValueError("skal være lav, middel eller høj")
    if kind == "scenario":
        try:
            number = _whole_number(value)
        except ValueError:
            raise ValueError("skal være 1, 2, 3 eller 4") from None
        if number not in SCENARIOS:
            raise ValueError("skal være 1, 2, 3 eller 4")
        return number
    if kind == "band":
        word = str(value).strip().casefold()
        if word in BAND_BY_LABEL:
            return BAND_BY_LABEL[word]
        raise ValueError("skal være få, mellem eller mange")
    if kind == "rank":
        number = _whole_number(value)
        if number < 1:
            raise ValueError("skal være et helt tal fra 1")
        return number
    raise AssertionError(kind)


_EMPTY = object()
"""An empty choice/number cell: the field keeps its default (0, None, or the model's Ja/Nej)."""


@dataclass(frozen=True)
class ImportedSheet:
    """What a documentation sheet holds: the areas in row order and, by id, the version each
    row had at the export and the row it stands in."""

    areas: list[CaseArea]
    versions: dict[int, int]
    """id → the sheet's Version (only rows with an id and a filled-in Version)."""
    rows: dict[int, int]
    """id → the row as Excel shows it."""
    has_version_column: bool
    missing_fields: frozenset[str] = frozenset()
    """Fields the sheet has no column for (an older sheet): an updated area keeps them."""


def import_xlsx(path: Path) -> list[CaseArea]:
    """Every sagsområde on the sheet, in row order; CaseAreaImportError on the first bad cell."""
    return read_import(path).areas


def read_import(path: Path) -> ImportedSheet:
    """The sheet's areas with their versions; CaseAreaImportError on the first bad cell.

    The workbook is read by `kigo_tui.formats.xlsx_reader`, which refuses a hostile file (a DTD, a sheet
    far larger than a documentation sheet, a string index out of range, …) before it costs time."""
    from kigo_tui.formats.xlsx_reader import XlsxError, read_sheet

    path = Path(path)
    try:
        sheet = read_sheet(path, SHEET)
    except XlsxError as exc:
        raise CaseAreaImportError(path, exc.message) from None
    if SHEET not in sheet.names:
        raise CaseAreaImportError(
            path,
            f"arket '{SHEET}' findes ikke (arkene er: {', '.join(sheet.names)})",
        )
    columns = _map_headers(path, sheet.row_values(1))
    version_at = next((i for i, c in columns.items() if c is VERSION), None)
    areas: list[CaseArea] = []
    versions: dict[int, int] = {}
    seen_ids: dict[int, int] = {}
    for excel_row in sorted(sheet.rows):
        if excel_row == 1:
            continue
        values = sheet.row_values(excel_row)
        if all(_is_empty(v) for v in values):
            continue
        area = _read_row(path, excel_row, values, columns)
        if area.id is not None:
            if area.id in seen_ids:
                raise CaseAreaImportError(
                    path,
                    f"id {area.id} står også i række {seen_ids[area.id]}",
                    row=excel_row,
                    column=FIELD_HEADERS["id"],
                )
            seen_ids[area.id] = excel_row
            version = _read_version(path, excel_row, values, version_at)
            if version is not None:
                versions[area.id] = version
        areas.append(area)
    present = {c.field for c in columns.values()}
    missing = frozenset(c.field for c in COLUMNS if c.optional and c.field not in present)
    return ImportedSheet(areas, versions, seen_ids, version_at is not None, missing)


def _read_version(
    path: Path, excel_row: int, values: tuple[object, ...], index: int | None
) -> int | None:
    """The row's Version (None: no column, or the cell is empty); a bad one names row and column."""
    raw = values[index] if index is not None and index < len(values) else None
    if isinstance(raw, CellError):
        raise CaseAreaImportError(
            path,
            f"cellen indeholder Excel-fejlen {raw}; skriv versionen fra eksporten",
            row=excel_row,
            column=VERSION.header,
        )
    if _is_empty(raw):
        return None
    try:
        number = _whole_number(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise CaseAreaImportError(
            path,
            f"'{raw}' er ikke en version (et helt tal fra 1, som eksporten skrev)",
            row=excel_row,
            column=VERSION.header,
        )
    return number


def _map_headers(path: Path, header_row: tuple[object, ...]) -> dict[int, Column]:
    columns: dict[int, Column] = {}
    found: dict[str, str] = {}
    for index, text in enumerate(header_row):
        column = _HEADER_KEYS.get(_normalise_header(text))
        if column is None:
            continue  # a computed column or one of the kommune's own: ignored
        if column.field in found:
            raise CaseAreaImportError(
                path,
                f"kolonnen '{column.header}' står to gange ('{found[column.field]}', '{text}')",
            )
        found[column.field] = str(text)
        columns[index] = column
    missing = [
        c.header for c in COLUMNS if c.field not in found and c.field != "id" and not c.optional
    ]
    if missing:
        if not found.keys() - {VERSION.field}:
            raise CaseAreaImportError(
                path,
                f"arket '{SHEET}' har ingen kendte kolonneoverskrifter i række 1 "
                f"(forventer fx '{FIELD_HEADERS['field_area']}', '{FIELD_HEADERS['kle']}')",
            )
        raise CaseAreaImportError(
            path, "arket mangler kolonnerne " + ", ".join(f"'{h}'" for h in missing)
        )
    return columns


def _read_row(
    path: Path, excel_row: int, values: tuple[object, ...], columns: dict[int, Column]
) -> CaseArea:
    data: dict[str, object] = {}
    for index, column in columns.items():
        if column is VERSION:
            continue  # read by _read_version: not a CaseArea field
        raw = values[index] if index < len(values) else None
        try:
            value = _convert(column, raw)
        except ValueError as exc:
            raise CaseAreaImportError(path, str(exc), row=excel_row, column=column.header) from None
        if value is not _EMPTY:
            data[column.field] = value
    try:
        return CaseArea.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise CaseAreaImportError(
            path, danish_message(error), row=excel_row, column=FIELD_HEADERS.get(field, field)
        ) from None
