"""One sheet of an .xlsx workbook read with hard limits, for files that come from outside
(`kigo exit import-xlsx`). Standard library only.

openpyxl trusts a workbook: a sheet of 2 kB that declares (or has) one cell at XFD1048576 makes its
read-only reader hand out a million rows of 16,384 empty cells (hours), a shared-string index out
of range is an IndexError, a number of 5,000 digits a ValueError. This reader refuses all of that
before it costs anything, with a Danish message naming the part, the cell, the row or column:

- the file: a regular file of at most `MAX_FILE_BYTES`, a zip whose end record declares at most
  `MAX_ENTRIES` entries (checked before `zipfile` makes an object per entry), every part read
  only up to its declared size (a lying header or a zip bomb is caught) and its limit;
- the XML: parsed with expat, and refused at the first sign of a document type declaration
  (so entity expansion — "billion laughs" — and external entities never happen: no DTD is
  accepted at all, which an .xlsx never needs); malformed XML names the part, line and column;
- the sheet: its declared extent (`<dimension ref=…>`) and every row and cell within
  `MAX_ROWS` × `MAX_COLUMNS`, at most `MAX_CELLS` cells, at most `MAX_TEXT` characters in a cell
  (Excel's own limit), numbers of at most `MAX_NUMBER_CHARS` characters and below `MAX_NUMBER`
  (Excel keeps 15 digits), shared-string indexes within the strings the file has.

Why not defusedxml: it would guard openpyxl's XML parsing against entities, but not the sheet's
extent, the string indexes or the numbers, which need a reader of their own anyway; expat with a
handler that refuses any DOCTYPE is the same protection without a dependency.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from kigo_tui.formats.files import declared_directory

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ENTRIES = 1_000
MAX_PART_BYTES = 8 * 1024 * 1024
"""Per XML part read (workbook, relations, shared strings, the sheet), uncompressed."""
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 256
"""A case-area sheet has 25 columns and a few hundred rows; these leave ample room."""
MAX_CELLS = 150_000
MAX_SHARED_STRINGS = 300_000
MAX_TEXT = 32_767
MAX_NUMBER_CHARS = 40
MAX_NUMBER = 10**15
"""Excel keeps 15 significant digits; a count or id beyond that is no number a person typed."""

_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?")


class XlsxError(Exception):
    """A workbook that cannot be read; `message` in Danish, `row` and `column` (letters) when one
    cell is to blame."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass(frozen=True)
class CellError:
    """An Excel error value in a cell (#N/A, #DIV/0!, …)."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class Sheet:
    names: list[str]
    """Every sheet in the workbook, in order."""
    rows: dict[int, dict[int, object]] = field(default_factory=dict)
    """Excel row number → column index (0 = A) → value (str, int, float, bool or CellError)."""

    def row_values(self, number: int) -> tuple[object, ...]:
        cells = self.rows.get(number, {})
        return tuple(cells.get(i) for i in range(max(cells, default=-1) + 1))


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


def _limits_text() -> str:
    return (
        f"et dokumentationsark kan højst have {MAX_ROWS:,} rækker og {MAX_COLUMNS} kolonner "
        f"(til og med {column_letters(MAX_COLUMNS - 1)})"
    ).replace(",", ".")


def _check_cell(ref: str, *, declared: bool = False) -> tuple[int, int]:
    """(row, column index) of a reference like B7, within the limits."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise XlsxError(f"ugyldig cellereference '{ref[:20]}'")
    row, column = int(match.group(2)), _column_index(match.group(1))
    if row < 1 or row > MAX_ROWS or column >= MAX_COLUMNS:
        what = "angiver sit område til" if declared else "har en celle i"
        raise XlsxError(
            f"{what} {ref}; {_limits_text()}. Slet de tomme rækker og kolonner i Excel og gem igen"
        )
    return row, column


# ------------------------------------------------------------------ the file and its parts


def _open(path: Path) -> zipfile.ZipFile:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise XlsxError("filen findes ikke") from None
    except OSError as exc:
        raise XlsxError(f"filen kan ikke læses ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise XlsxError("er en mappe, ikke en Excel-fil")
    if not stat.S_ISREG(info.st_mode):
        raise XlsxError("er ikke en almindelig fil (fx en FIFO eller en enhed)")
    if info.st_size > MAX_FILE_BYTES:
        raise XlsxError(
            f"filen er for stor ({info.st_size:,} bytes; højst {MAX_FILE_BYTES:,})".replace(
                ",", "."
            )
        )
    with path.open("rb") as stream:
        if stream.read(4) != b"PK\x03\x04":
            raise XlsxError("ikke en Excel-fil (.xlsx)")
    declared = declared_directory(path, info.st_size)
    if declared is not None and declared[0] > MAX_ENTRIES:
        raise XlsxError(f"ikke en Excel-fil: zip-filen har {declared[0]} poster")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError):
        raise XlsxError("ikke en Excel-fil (.xlsx)") from None
    if len(archive.infolist()) > MAX_ENTRIES:
        archive.close()
        raise XlsxError(f"ikke en Excel-fil: zip-filen har {len(archive.infolist())} poster")
    return archive


def _read_part(archive: zipfile.ZipFile, name: str, *, required: bool = True) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise XlsxError(f"ikke en Excel-fil: delen {name} mangler") from None
        return None
    if info.flag_bits & 0x1:
        raise XlsxError(f"delen {name} er krypteret (gem filen uden adgangskode)")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise XlsxError(f"delen {name} bruger en ukendt komprimering ({info.compress_type})")
    if info.file_size > MAX_PART_BYTES:
        raise XlsxError(
            f"delen {name} er for stor ({info.file_size:,} bytes; højst "
            f"{MAX_PART_BYTES:,})".replace(",", ".")
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise XlsxError(f"delen {name} pakker ud til {info.file_size} bytes (zip-bombe?)")
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, ValueError, zlib.error) as exc:
        raise XlsxError(f"delen {name} kan ikke læses ({exc})") from None
    if len(data) != info.file_size:
        raise XlsxError(f"delen {name} har en anden størrelse end zip-filen angiver")
    return data


# ------------------------------------------------------------------ XML


def _refuse_dtd(*_args: object) -> NoReturn:
    raise XlsxError("indeholder en dokumenttypeerklæring (DTD); det har en Excel-fil aldrig")


def _parse(
    label: str,
    data: bytes,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Parse `data` with expat: element names without their prefix; any DTD refused at once."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = lambda tag, attrs: start(tag.rpartition(":")[2], attrs)
    if end is not None:
        parser.EndElementHandler = lambda tag: end(tag.rpartition(":")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except XlsxError as exc:
        cell = f"celle {exc.column}{exc.row}: " if exc.row is not None and exc.column else ""
        raise XlsxError(f"{label}: {cell}{exc.message}", row=exc.row, column=exc.column) from None
    except expat.ExpatError as exc:
        raise XlsxError(
            f"{label}: ugyldig XML i linje {exc.lineno}, kolonne {exc.offset + 1} "
            f"({expat.ErrorString(exc.code)})"
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding expat does not know, e.g. UT--8
        raise XlsxError(f"{label}: ugyldig XML ({exc})") from None


def _attribute(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by its local name, whatever its prefix (r:id, id)."""
    for key, value in attrs.items():
        if key.rpartition(":")[2] == local:
            return value
    return None


@dataclass
class _Workbook:
    names: list[str]
    parts: dict[str, str]
    """Sheet name → its part."""
    shared_strings: str | None
    styles: str | None
    date1904: bool


def _sheet_targets(archive: zipfile.ZipFile) -> _Workbook:
    """The sheet names in order, each sheet's part, the shared strings' and styles' parts."""
    sheets: list[tuple[str, str]] = []
    date1904 = [False]

    def on_workbook(tag: str, attrs: dict[str, str]) -> None:
        if tag == "workbookPr":
            date1904[0] = attrs.get("date1904", "0").lower() in ("1", "true")
        if tag == "sheet":
            if len(sheets) >= MAX_ENTRIES:
                raise XlsxError("for mange ark")
            sheets.append((attrs.get("name", ""), _attribute(attrs, "id") or ""))

    _parse("xl/workbook.xml", _read_part(archive, "xl/workbook.xml") or b"", on_workbook)
    relations: dict[str, str] = {}
    shared: list[str] = []
    styles: list[str] = []

    def on_rels(tag: str, attrs: dict[str, str]) -> None:
        if tag != "Relationship" or len(relations) > MAX_ENTRIES:
            return
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        part = posixpath.normpath(part)
        relations[attrs.get("Id", "")] = part
        if attrs.get("Type", "").endswith("/sharedStrings"):
            shared.append(part)
        if attrs.get("Type", "").endswith("/styles"):
            styles.append(part)

    rels_name = "xl/_rels/workbook.xml.rels"
    _parse(rels_name, _read_part(archive, rels_name) or b"", on_rels)
    return _Workbook(
        names=[name for name, _ in sheets],
        parts={name: relations.get(rel_id, "") for name, rel_id in sheets},
        shared_strings=shared[0] if shared else None,
        styles=styles[0] if styles else None,
        date1904=date1904[0],
    )


BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
"""Excel's built-in number formats that show a date or time."""
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _is_date_format(code: str) -> bool:
    """A number format that shows a date or time (d, m, y, h or s outside quotes and brackets)."""
    return bool(re.search(r"[dmyhs]", _FORMAT_LITERALS.sub("", code), re.IGNORECASE))


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> frozenset[int]:
    """The cell styles (indexes into cellXfs) whose number format is a date or time."""
    data = _read_part(archive, part, required=False) if part else None
    if data is None:
        return frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_xfs = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit() and len(custom) < MAX_ENTRIES:
            custom[int(attrs["numFmtId"][:9])] = attrs.get("formatCode", "")[:255]
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            if len(formats) >= MAX_SHARED_STRINGS:
                raise XlsxError(f"har mere end {MAX_SHARED_STRINGS} celleformater")
            number = attrs.get("numFmtId", "0")
            formats.append(int(number[:9]) if number.isdigit() else 0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            in_xfs[0] = False

    _parse(part or "", data, start, end)
    return frozenset(
        index
        for index, number in enumerate(formats)
        if (number in custom and _is_date_format(custom[number]))
        or (number not in custom and number in BUILTIN_DATE_FORMATS)
    )


def _from_serial(serial: float, date1904: bool) -> datetime | time | None:
    """An Excel date serial as openpyxl gives it: a time of day below 1, else a datetime (to the
    millisecond); None outside the calendar."""
    day, fraction = divmod(serial, 1)
    part = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= serial < 1 and part.days == 0:
        return (datetime.min + part).time()
    if date1904:
        base = datetime(1904, 1, 1)
    else:
        base = datetime(1899, 12, 30)
        if 0 < serial < 60:  # Excel counts a 29 February 1900 that never was
            day += 1
    try:
        return base + timedelta(days=day) + part
    except OverflowError:
        return None


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    strings: list[str] = []
    if part is None:
        return strings
    data = _read_part(archive, part, required=False)
    if data is None:
        return strings
    state = {"in_si": False, "in_t": False, "phonetic": 0}
    pieces: list[str] = []
    size = [0]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag == "si":
            state["in_si"] = True
            pieces.clear()
            size[0] = 0
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and state["in_si"] and not state["phonetic"]:
            state["in_t"] = True

    def end(tag: str) -> None:
        if tag == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise XlsxError(f"har mere end {MAX_SHARED_STRINGS} delte tekster")
            strings.append("".join(pieces))
            state["in_si"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            size[0] += len(data)
            if size[0] > MAX_TEXT:
                raise XlsxError(f"delt tekst nr. {len(strings)} er over {MAX_TEXT} tegn")
            pieces.append(data)

    _parse(part, data, start, end, text)
    return strings


# ------------------------------------------------------------------ the sheet


class _SheetReader:
    def __init__(
        self,
        sheet: Sheet,
        strings: list[str],
        date_styles: frozenset[int] = frozenset(),
        date1904: bool = False,
    ) -> None:
        self.sheet = sheet
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.style = 0
        self.cells = 0
        self.row = 0
        self.column = -1
        self.ref = ""
        self.kind = "n"
        self.text: list[str] | None = None
        self.inline: list[str] | None = None
        self.value: str | None = None
        self.in_inline_t = False
        self.phonetic = 0
        self.length = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "dimension":
            ref = attrs.get("ref", "")
            _check_cell(ref.rpartition(":")[2], declared=True)
        elif tag == "row":
            number = attrs.get("r")
            if number is not None:
                if not number.isdigit() or len(number) > 7:
                    raise XlsxError(f"ugyldigt rækkenummer '{number[:20]}'")
                self.row = int(number)
                if not 1 <= self.row <= MAX_ROWS:
                    raise XlsxError(f"har række {self.row}; {_limits_text()}")
            else:
                self.row += 1
            self.column = -1
        elif tag == "c":
            cell_ref = attrs.get("r")
            if cell_ref is not None:
                row, self.column = _check_cell(cell_ref)
                if row != self.row:
                    raise XlsxError(f"cellen {cell_ref} står i række {self.row}")
            else:
                self.column += 1
                if self.column >= MAX_COLUMNS:
                    raise XlsxError(f"har mere end {MAX_COLUMNS} kolonner")
            self.ref = f"{column_letters(self.column)}{self.row}"
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise XlsxError(f"har mere end {MAX_CELLS:,} celler".replace(",", "."))
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style[:9]) if style.isdigit() else 0
            self.value = None
            self.inline = None
        elif tag == "v":
            self.text = []
            self.length = 0
        elif tag == "is":
            self.inline = []
            self.length = 0
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.in_inline_t = True

    def end(self, tag: str) -> None:
        if tag == "v" and self.text is not None:
            self.value = "".join(self.text)
            self.text = None
        elif tag == "t":
            self.in_inline_t = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c":
            value = self._cell_value()
            if value is not None:
                self.sheet.rows.setdefault(self.row, {})[self.column] = value

    def characters(self, data: str) -> None:
        target = self.text if self.text is not None else None
        if target is None and self.in_inline_t:
            target = self.inline
        if target is None:
            return
        target.append(data)
        self.length += len(data)
        if self.length > MAX_TEXT:
            raise self._error(f"teksten er over {MAX_TEXT} tegn (Excels grænse)")

    def _error(self, message: str) -> XlsxError:
        return XlsxError(message, row=self.row, column=column_letters(self.column))

    def _cell_value(self) -> object:
        kind, raw = self.kind, self.value
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        if raw is None:
            return None
        if kind == "s":
            if not raw.strip().isdigit() or len(raw.strip()) > 9:
                raise self._error(f"ugyldig henvisning til en delt tekst ('{raw[:20]}')")
            index = int(raw)
            if index >= len(self.strings):
                raise self._error(
                    f"henviser til delt tekst nr. {index}, men filen har kun {len(self.strings)}"
                )
            return self.strings[index]
        if kind in ("str", "d"):
            return raw
        if kind == "b":
            if raw.strip() not in ("0", "1"):
                raise self._error(f"en sandhedsværdi skal være 0 eller 1, ikke '{raw[:20]}'")
            return raw.strip() == "1"
        if kind == "e":
            return CellError(raw.strip()[:20])
        if kind != "n":
            raise self._error(f"ukendt celletype '{kind[:20]}'")
        number = self._number(raw.strip())
        if self.style in self.date_styles:
            moment = _from_serial(number, self.date1904)
            if moment is None:
                raise self._error(f"datoen {raw.strip()[:20]} ligger uden for kalenderen")
            return moment
        return number

    def _number(self, raw: str) -> int | float:
        if len(raw) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(raw):
            raise self._error(f"'{raw[:MAX_NUMBER_CHARS]}' er ikke et tal Excel kan rumme")
        number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if not abs(number) < MAX_NUMBER:
            raise self._error(f"tallet {raw} er for stort (højst 15 cifre)")
        return number


def read_sheet(path: Path, name: str) -> Sheet:
    """The cells of sheet `name` (Sheet.rows empty, with Sheet.names, when there is no such
    sheet: the caller says so). XlsxError for anything outside the limits above."""
    with _open(Path(path)) as archive:
        workbook = _sheet_targets(archive)
        sheet = Sheet(workbook.names)
        if name not in workbook.parts:
            return sheet
        part = workbook.parts[name]
        data = _read_part(archive, part)
        strings = _shared_strings(archive, workbook.shared_strings)
        dates = _date_styles(archive, workbook.styles)
        reader = _SheetReader(sheet, strings, dates, workbook.date1904)
        _parse(f"arket '{name}'", data or b"", reader.start, reader.end, reader.characters)
        return sheet
