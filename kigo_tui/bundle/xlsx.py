"""A small, fast, deterministic xlsx writer: SpreadsheetML written straight into a zip (stdlib only).

`xlsx_bytes(sheets, when)` writes one worksheet per (title, headers, rows): a bold header row that
stays frozen, an autofilter over the data, column widths from the content, numbers as numbers, text
as shared strings, dates and date-times as Excel dates (serial numbers shown as dd-mm-yyyy and
dd-mm-yyyy hh:mm), and the traffic-light fill on a column headed 'Farve'. The same input gives the
same bytes: no clock, fixed zip timestamps, document dates taken from `when`.

No cell is ever a formula: the writer has no <f> element, and text is always a shared string, so
a title like "=HYPERLINK(...)" is shown as the text it is.

Written for speed at national scale (50,000 rows): the cell XML is built column by column with one
dict lookup per cell (equal values share their XML), and rows are formatted with one `str.format`
each. openpyxl stays the reader and writer of the exit workspace's workbook.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias, cast

from kigo_tui.bundle.zipfiles import zip_bytes, zip_entry
from kigo_tui.domain.text import count
from kigo_tui.errors import KigoError

Cell: TypeAlias = str | int | float | date | None
"""What a cell may hold: text, a number (bool is written as TRUE/FALSE), a date or datetime
(naive), or None. None and "" are both an empty cell."""
Sheet: TypeAlias = tuple[str, Sequence[str], "Sequence[Sequence[Cell]] | StreamedRows"]

FILL_COLUMN = "Farve"
"""A column with this header gets the traffic-light fill of its value."""
COLOUR_FILLS = {"grøn": "C6EFCE", "gul": "FFEB9C", "rød": "FFC7CE"}
MAX_WIDTH = 60
"""Widest column, in characters (a long title wraps in Excel's cell editor anyway)."""
MAX_SHEET_NAME = 31
MAX_ROWS = 1_048_576
"""Excel's limit per sheet, the header row included."""
MAX_COLUMNS = 16_384
MAX_CELL_TEXT = 32_767
"""Excel's limit for the text of one cell, in UTF-16 code units; longer text is cut there."""
COMPRESS_LEVEL = 4
"""zlib level for the workbook's parts. At 50,000 rows level 4 deflates the sheet 2.5 times faster
than the default 6 for a 6 % larger file, and the bundle (which deflates the xlsx once more) ends
up smaller than with 6."""

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

DATE_FORMAT = "dd-mm-yyyy"
"""How a date cell is shown: the Danish order, whatever the reader's locale."""
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
"""How a date-time cell is shown. The value is Danish time (Excel has no time zones), so a
column holding times says so in its header ("(dansk tid)")."""
_DATE_FORMAT_ID, _DATETIME_FORMAT_ID = 164, 165  # the first ids free for custom formats

# Style indexes in cellXfs (see _styles_xml): default, bold header, date, date and time, fills.
_HEADER, _DATE, _DATETIME, _FIRST_FILL = 1, 2, 3, 4
_FILL_STYLES = {word: _FIRST_FILL + i for i, word in enumerate(COLOUR_FILLS)}
_EXCEL_EPOCH = datetime(1899, 12, 30)

_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
"""Characters XML 1.0 cannot hold (and \\r, which XML parsers turn into \\n), and text that would be
read as one of Excel's _xHHHH_ escapes."""
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE = " \t\n\r"
_SELECTED = ' tabSelected="1"'
_SEPARATOR = "\x00"
"""Joins the shared strings while they are escaped together (it is no XML character itself)."""


class XlsxError(KigoError):
    """The workbook would break one of Excel's limits."""


def _care(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) > 1:
        return "_x005F" + text  # a literal "_x0041_" stays literal: its "_" is escaped
    if text == "\r":
        return "&#13;"
    return f"_x{ord(text):04X}_"  # ECMA-376 ST_Xstring: how Excel itself writes them


def escape_text(text: str) -> str:
    """`text` as XML character data that Excel reads back as `text`."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _NEEDS_CARE.search(escaped):
        escaped = _NEEDS_CARE.sub(_care, escaped)
    return escaped


def _attribute(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Valid, distinct sheet names: at most 31 characters, none of []:*?/\\ or control characters,
    no apostrophe at either end, unique regardless of case ("Ark (2)" for a repeat)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = _NOT_IN_SHEET_NAME.sub("_", title)[:MAX_SHEET_NAME].strip("'") or "Ark"
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base}_"
        name, n = base, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name = base[: MAX_SHEET_NAME - len(suffix)].rstrip("'") + suffix
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def column_letter(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _SharedStrings(dict[str, int]):
    """The workbook's shared string table: text → index, in order of first use."""

    def __missing__(self, text: str) -> int:
        index = self[text] = len(self)
        return index

    def xml(self, count: int) -> str:
        texts = list(self)
        if texts and max(map(len, texts)) > MAX_CELL_TEXT // 2:
            texts = [_clip(text) for text in texts]
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) == len(texts) - 1 and not _edge_space(joined):
            # The usual case, escaped in one go: no text holds the separator or needs xml:space.
            escaped = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            items = "<si><t>" + escaped.replace(_SEPARATOR, "</t></si><si><t>") + "</t></si>"
            if not items.isprintable() or "_x" in items:  # else nothing for _NEEDS_CARE to find
                items = _NEEDS_CARE.sub(_care, items)
        else:
            items = "".join(map(_string_item, texts))
        if not texts:
            items = ""
        return (
            f'{_DECLARATION}<sst xmlns="{_MAIN_NS}" count="{count}" uniqueCount="{len(texts)}">'
            f"{items}</sst>"
        )


def _clip(text: str) -> str:
    """`text` cut to MAX_CELL_TEXT UTF-16 code units (a character outside the BMP counts two)."""
    if len(text) <= MAX_CELL_TEXT // 2:
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_CELL_TEXT:
        return text
    return units[: 2 * MAX_CELL_TEXT].decode("utf-16-le", "ignore")  # drops a half pair at the end


def _edge_space(joined: str) -> bool:
    """Does a text in `joined` start or end with white space (and so need xml:space)?"""
    if joined[:1] in _SPACE or joined[-1:] in _SPACE:
        return bool(joined)
    return any(_SEPARATOR + c in joined or c + _SEPARATOR in joined for c in _SPACE)


def _string_item(text: str) -> str:
    preserve = ' xml:space="preserve"' if text[0] in _SPACE or text[-1] in _SPACE else ""
    return f"<si><t{preserve}>{escape_text(text)}</t></si>"


class _ColumnCells(dict[object, str]):
    """value → the XML of its cell after the row number of `r="B17`; one per column."""

    def __init__(self, strings: _SharedStrings, *, fills: bool) -> None:
        super().__init__()
        self.strings = strings
        self.fills = fills

    def __missing__(self, value: object) -> str:
        xml = self[value] = self.cell(value)
        return xml

    def cell(self, value: object) -> str:
        if value is None or value == "":
            return '"/>'
        if isinstance(value, str):
            text = str.__str__(value)  # a StrEnum's value, not its repr
            style = _FILL_STYLES.get(text, 0) if self.fills else 0
            return f'"{_style(style)} t="s"><v>{self.strings[text]}</v></c>'
        if isinstance(value, bool):
            return f'" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'"><v>{int.__repr__(value)}</v></c>'
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"xlsx: {value!r} can't be a cell value")
            return f'"><v>{float.__repr__(value)}</v></c>'
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                raise ValueError("xlsx: Excel has no time zones; give a naive datetime")
            serial = (value - _EXCEL_EPOCH).total_seconds() / 86400
            return f'" s="{_DATETIME}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            serial = (value - _EXCEL_EPOCH.date()).days
            return f'" s="{_DATE}"><v>{serial}</v></c>'
        raise TypeError(f"xlsx: can't write a {type(value).__name__} ({value!r}) in a cell")


def _style(index: int) -> str:
    return f' s="{index}"' if index else ""


def _text_length(value: object) -> int:
    return 0 if value is None else len(str(value))


class _Worksheet:
    """One sheet's XML; the shared strings it uses are added to `strings`."""

    def __init__(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        if len(rows) + 1 > MAX_ROWS:
            raise XlsxError(
                f"arket '{title}' ville få {count(len(rows) + 1, 'række', 'rækker')}; Excel kan højst vise {MAX_ROWS}"
            )
        self.headers = [str(h) for h in headers]
        self.rows = rows
        self.width = max([len(self.headers), *map(len, rows)])
        if self.width > MAX_COLUMNS:
            raise XlsxError(
                f"arket '{title}' ville få {count(self.width, 'kolonne', 'kolonner')}; Excel kan højst vise {MAX_COLUMNS}"
            )
        self.string_cells = 0

    def xml(self, strings: _SharedStrings, *, selected: bool) -> str:
        width, n = self.width, len(self.rows)
        letters = [column_letter(i) for i in range(1, width + 1)]
        last = f"{letters[-1]}{n + 1}" if width else "A1"
        extent = f"A1:{last}" if width else "A1"
        headers = self.headers + [""] * (width - len(self.headers))
        head = "".join(
            f'<c r="{letter}1"{_style(_HEADER)} t="s"><v>{strings[h]}</v></c>' if h else ""
            for letter, h in zip(letters, headers, strict=True)
        )
        self.string_cells += sum(1 for h in headers if h)
        # A row is one %-format of the row number and each column's argument (after the row
        # number again): a third faster than str.format with numbered fields at 50,000 rows.
        numbers = range(2, n + 2)
        template, widths = ['<row r="%s">'], []
        arguments: list[Sequence[object]] = [numbers]
        for index, values in enumerate(self._columns(), start=1):
            header = headers[index - 1]
            cell, argument, longest = self._column(strings, letters[index - 1], values, header)
            template.append(cell.replace("%", "%%").replace("{0}", "%s").replace("{}", "%s"))
            arguments += (numbers, argument)
            widths.append(max(len(header), longest))
        template.append("</row>")
        row = "".join(template)
        body = "".join(map(row.__mod__, zip(*arguments, strict=True))) if n and width else ""
        return (
            _sheet_head(extent, selected, widths)
            + f'<sheetData><row r="1">{head}</row>{body}</sheetData>'
            + _sheet_tail(extent, self.has_filter)
        )

    def _column(
        self, strings: _SharedStrings, letter: str, values: Sequence[Cell], header: str
    ) -> tuple[str, Sequence[object], int]:
        """One column: its cell's XML with {0} for the row and {} for the argument, the argument
        per row, and the length of its longest value."""
        kinds = set(map(type, values))
        if not values:
            return "", values, 0
        if kinds == {str} and header != FILL_COLUMN and "" not in values:
            # Text in every row (ids, titles): the argument is the shared string's index.
            texts = cast("Sequence[str]", values)  # every value's type is str (kinds)
            self.string_cells += len(texts)
            return (
                f'<c r="{letter}{{0}}" t="s"><v>{{}}</v></c>',
                [*map(strings.__getitem__, texts)],
                max(map(len, texts)),
            )
        if kinds == {int}:
            numbers = cast("Sequence[int]", values)  # every value's type is int (kinds)
            longest = max(len(str(min(numbers))), len(str(max(numbers))))
            return f'<c r="{letter}{{0}}"><v>{{}}</v></c>', numbers, longest
        # Anything else (dates as text, colours, empty cells): equal values share their XML.
        cells = _ColumnCells(strings, fills=header == FILL_COLUMN)
        if bool in kinds and kinds - {bool, str, type(None)}:
            # True == 1, so a bool and a number would share their XML: no lookup by value.
            argument: Sequence[object] = [cells.cell(v) for v in values]
            distinct: Iterable[object] = values
        else:
            argument, distinct = [*map(cells.__getitem__, values)], cells
        if kinds <= {str}:
            self.string_cells += len(values) - values.count("")
        else:
            self.string_cells += sum(1 for v in values if isinstance(v, str) and v != "")
        return f'<c r="{letter}{{0}}{{}}', argument, max(map(_text_length, distinct), default=0)

    @property
    def has_filter(self) -> bool:
        return bool(self.rows) and self.width > 0

    def filter_range(self) -> str:
        """The autofilter's range with absolute references ($A$1:$P$50001)."""
        return f"$A$1:${column_letter(self.width)}${len(self.rows) + 1}"

    def _columns(self) -> list[tuple[Cell, ...]]:
        rows = self.rows
        if not rows or not self.width:
            return [() for _ in range(self.width)]
        if min(map(len, rows)) < self.width:
            pad = self.width
            rows = [[*row, *([None] * (pad - len(row)))] for row in rows]
        return list(zip(*rows, strict=True))


@dataclass(frozen=True)
class StreamedRows:
    """The rows of a sheet too large to hold as one string: `source()` gives them (a fresh
    iterator each call, read once), `count` says how many and `longest` the length of the longest
    value per column (the widths come before the rows). Such a sheet is written in chunks of
    STREAM_ROWS rows straight into its zip entry, with its text as inline strings, so neither the
    rows nor the sheet's XML are ever whole in memory (the national follow-up list: 310,000 rows
    for 98 kommuner of 50,000 tasks)."""

    source: Callable[[], Iterable[Sequence[Cell]]]
    count: int
    longest: tuple[int, ...]


STREAM_ROWS = 2_000


class _StreamedWorksheet:
    """A sheet of StreamedRows: the same look as `_Worksheet` (bold frozen header, filter, widths,
    fills, number formats), text as inline strings."""

    def __init__(self, title: str, headers: Sequence[str], rows: StreamedRows) -> None:
        if rows.count + 1 > MAX_ROWS:
            raise XlsxError(
                f"arket '{title}' ville få {count(rows.count + 1, 'række', 'rækker')}; Excel kan højst vise {MAX_ROWS}"
            )
        self.headers = [str(h) for h in headers]
        self.rows = rows
        self.width = max(len(self.headers), len(rows.longest))
        self.string_cells = 0

    @property
    def has_filter(self) -> bool:
        return bool(self.rows.count) and self.width > 0

    def filter_range(self) -> str:
        return f"$A$1:${column_letter(self.width)}${self.rows.count + 1}"

    def chunks(self, strings: _SharedStrings, *, selected: bool) -> Iterator[str]:
        width, n = self.width, self.rows.count
        letters = [column_letter(i) for i in range(1, width + 1)]
        headers = self.headers + [""] * (width - len(self.headers))
        longest = list(self.rows.longest) + [0] * (width - len(self.rows.longest))
        widths = [max(len(h), w) for h, w in zip(headers, longest, strict=True)]
        extent = f"A1:{letters[-1]}{n + 1}" if width else "A1"
        head = "".join(
            f'<c r="{letter}1"{_style(_HEADER)} t="s"><v>{strings[h]}</v></c>' if h else ""
            for letter, h in zip(letters, headers, strict=True)
        )
        self.string_cells += sum(1 for h in headers if h)
        yield _sheet_head(extent, selected, widths) + f'<sheetData><row r="1">{head}</row>'
        cells = [_ColumnCells(strings, fills=False) for _ in letters]
        fills = [h == FILL_COLUMN for h in headers]
        batch: list[str] = []
        row_number = 1
        for row_number, values in enumerate(self.rows.source(), start=2):
            parts = [f'<row r="{row_number}">']
            for letter, value, known, fill in zip(letters, values, cells, fills, strict=False):
                if isinstance(value, str) and value:
                    text = str.__str__(value)
                    style = _style(_FILL_STYLES.get(text, 0)) if fill else ""
                    if _NEEDS_CARE.search(text):  # _xHHHH_ escapes: readers decode them
                        self.string_cells += 1  # in shared strings only (openpyxl)
                        parts.append(
                            f'<c r="{letter}{row_number}"{style} t="s">'
                            f"<v>{strings[_clip(text)]}</v></c>"
                        )
                        continue
                    preserve = (
                        ' xml:space="preserve"' if text[0] in _SPACE or text[-1] in _SPACE else ""
                    )
                    parts.append(
                        f'<c r="{letter}{row_number}"{style} t="inlineStr"><is><t{preserve}>'
                        f"{escape_text(_clip(text))}</t></is></c>"
                    )
                elif isinstance(value, bool):
                    parts.append(f'<c r="{letter}{row_number}{known.cell(value)}')
                else:
                    parts.append(f'<c r="{letter}{row_number}{known[value]}')
            parts.append("</row>")
            batch.append("".join(parts))
            if len(batch) == STREAM_ROWS:
                yield "".join(batch)
                batch.clear()
        if row_number - 1 != n:
            raise ValueError(
                f"xlsx: arket '{self.headers}' fik {count(row_number - 1, 'række', 'rækker')}, ikke {n}"
            )
        yield "".join(batch) + "</sheetData>" + _sheet_tail(extent, self.has_filter)


def _sheet_head(extent: str, selected: bool, widths: Sequence[int]) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{min(MAX_WIDTH, w + 2)}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return "".join(
        [
            f'{_DECLARATION}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
            f'<dimension ref="{extent}"/>',
            f'<sheetViews><sheetView{_SELECTED if selected else ""} workbookViewId="0">',
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>',
            "</sheetView></sheetViews>",
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{cols}</cols>" if cols else "",
        ]
    )


def _sheet_tail(extent: str, has_filter: bool) -> str:
    return "".join(
        [
            f'<autoFilter ref="{extent}"/>' if has_filter else "",
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/>',
            "</worksheet>",
        ]
    )


def _quoted(name: str) -> str:
    """A sheet name as a formula reference: 'Afviste bundter'."""
    return "'" + name.replace("'", "''") + "'"


def _workbook_xml(names: list[str], sheets: Sequence[_Worksheet | _StreamedWorksheet]) -> str:
    entries = "".join(
        f'<sheet name="{_attribute(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape_text(_quoted(name))}!{sheet.filter_range()}</definedName>"
        for i, (name, sheet) in enumerate(zip(names, sheets, strict=True))
        if sheet.has_filter
    )
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{entries}</sheets>"
        + (f"<definedNames>{filters}</definedNames>" if filters else "")
        + "</workbook>"
    )


def _workbook_rels(count: int) -> str:
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_DECLARATION}<Relationships xmlns="{_PKG_REL_NS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{kind}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{kind}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )


def _styles_xml() -> str:
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
        for rgb in COLOUR_FILLS.values()
    )
    xf = '<xf numFmtId="{}" fontId="{}" fillId="{}" borderId="0" xfId="0"{}/>'
    cell_xfs = [
        xf.format(0, 0, 0, ""),
        xf.format(0, 1, 0, ' applyFont="1"'),
        xf.format(_DATE_FORMAT_ID, 0, 0, ' applyNumberFormat="1"'),
        xf.format(_DATETIME_FORMAT_ID, 0, 0, ' applyNumberFormat="1"'),
        *(xf.format(0, 0, 2 + i, ' applyFill="1"') for i in range(len(COLOUR_FILLS))),
    ]
    formats = (
        f'<numFmts count="2"><numFmt numFmtId="{_DATE_FORMAT_ID}" formatCode="{DATE_FORMAT}"/>'
        f'<numFmt numFmtId="{_DATETIME_FORMAT_ID}" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    )
    return (
        f'{_DECLARATION}<styleSheet xmlns="{_MAIN_NS}">{formats}'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        f'<fills count="{2 + len(COLOUR_FILLS)}"><fill><patternFill patternType="none"/></fill>'
        f'<fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(cell_xfs)}">{"".join(cell_xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _content_types(count: int) -> str:
    office = "application/vnd.openxmlformats-officedocument"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{office}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
        f"{sheets}"
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{office}.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties+xml"/>'
        "</Types>"
    )


def _package_rels() -> str:
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (
        f'{_DECLARATION}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{office}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _core_xml(when: date) -> str:
    stamp = f"{when:%Y-%m-%d}T00:00:00Z"
    return (
        f"{_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>kigo</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app_xml() -> str:
    return (
        f"{_DECLARATION}<Properties xmlns="
        '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>kigo</Application></Properties>"
    )


def xlsx_bytes(sheets: Sequence[Sheet], when: date) -> bytes:
    """A workbook with one sheet per (title, headers, rows), in that order.

    The header row is bold and frozen, the data has an autofilter, each column is as wide as its
    longest value (at most MAX_WIDTH), and a column headed 'Farve' gets the traffic-light fill of
    its value. The document is dated `when` (midnight, UTC), so the bytes depend on the input only.
    """
    names = sheet_names(title for title, _headers, _rows in sheets)
    strings = _SharedStrings()
    worksheets = [
        _StreamedWorksheet(title, headers, rows)
        if isinstance(rows, StreamedRows)
        else _Worksheet(title, headers, rows)
        for title, headers, rows in sheets
    ]
    if any(isinstance(sheet, _StreamedWorksheet) for sheet in worksheets):
        return _streamed_workbook(names, worksheets, strings, when)
    return zip_bytes(
        (
            (zip_entry(name), xml.encode("utf-8"))
            for name, xml in _parts(names, cast("list[_Worksheet]", worksheets), strings, when)
        ),
        compresslevel=COMPRESS_LEVEL,
    )


def xlsx_parts(
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Cell]]]], when: date
) -> dict[str, str]:
    """The parts `xlsx_bytes` writes into the workbook's zip (of sheets held whole), by name,
    before they are encoded and deflated: what `kigo verify` compares a workbook's parts with,
    without paying for the deflating."""
    names = sheet_names(title for title, _headers, _rows in sheets)
    worksheets = [_Worksheet(title, headers, rows) for title, headers, rows in sheets]
    return dict(_parts(names, worksheets, _SharedStrings(), when))


def _parts(
    names: list[str], worksheets: Sequence[_Worksheet], strings: _SharedStrings, when: date
) -> list[tuple[str, str]]:
    sheet_xml = [sheet.xml(strings, selected=i == 0) for i, sheet in enumerate(worksheets)]
    return [
        *_front_parts(names, worksheets, when),
        ("xl/sharedStrings.xml", strings.xml(sum(s.string_cells for s in worksheets))),
        *((f"xl/worksheets/sheet{i}.xml", xml) for i, xml in enumerate(sheet_xml, start=1)),
    ]


def _front_parts(names: list[str], worksheets: Sequence[Any], when: date) -> list[tuple[str, str]]:
    count = len(worksheets)
    return [
        ("[Content_Types].xml", _content_types(count)),
        ("_rels/.rels", _package_rels()),
        ("docProps/app.xml", _app_xml()),
        ("docProps/core.xml", _core_xml(when)),
        ("xl/workbook.xml", _workbook_xml(names, worksheets)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(count)),
        ("xl/styles.xml", _styles_xml()),
    ]


def _streamed_workbook(
    names: list[str], worksheets: Sequence[Any], strings: _SharedStrings, when: date
) -> bytes:
    """A workbook with at least one streamed sheet: every sheet is written into its zip entry as
    it is made, the shared strings (headers and the small sheets' text) last."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:

        def put(name: str, chunks: Iterable[str]) -> None:
            info = zip_entry(name)
            info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]  # open() reads it
            with archive.open(info, "w") as stream:
                for chunk in chunks:
                    stream.write(chunk.encode("utf-8"))

        for name, xml in _front_parts(names, worksheets, when):
            put(name, [xml])
        for i, sheet in enumerate(worksheets, start=1):
            selected = i == 1
            chunks = (
                sheet.chunks(strings, selected=selected)
                if isinstance(sheet, _StreamedWorksheet)
                else [sheet.xml(strings, selected=selected)]
            )
            put(f"xl/worksheets/sheet{i}.xml", chunks)
        put("xl/sharedStrings.xml", [strings.xml(sum(s.string_cells for s in worksheets))])
    return out.getvalue()
