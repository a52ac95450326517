"""Every CSV kigo writes: semicolons, CRLF, UTF-8 with a BOM, and no cell a spreadsheet evaluates.

A cell of text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by
Excel or LibreOffice as a formula (CSV injection: `=HYPERLINK(...)` in a task title). Following
OWASP's guidance ("CSV Injection"), such a cell gets a single quote in front (`'=SUM(A1)`), which
the spreadsheet shows as text; the rest of the text is unchanged. The rule is applied to text
only: numbers are written as numbers (a negative count like -3 stays -3 and sorts as a number),
and dates and times are written as digits first ('2026-11-23', '2026-11-23 14:05'), which never
start with one of those characters. `write_csv` is the one way the program writes CSV.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is evaluated by a spreadsheet (OWASP's list)."""
QUOTE = "'"
CHUNK_ROWS = 10_000
"""Rows written column by column at a time."""
BOM = "\ufeff"


def safe_text(text: str) -> str:
    """`text` as a spreadsheet shows it verbatim: a quote in front when it starts like a formula."""
    return QUOTE + text if text.startswith(FORMULA_STARTS) else text


def minute_text(moment: datetime) -> str:
    """'YYYY-MM-DD HH:MM' of `moment` as given (no conversion), strftime's output at a fraction
    of its cost (%Y does not pad years before 1000)."""
    if moment.year >= 1000:
        return moment.isoformat(" ", "minutes")[:16]
    return moment.strftime("%Y-%m-%d %H:%M")


def csv_cell(value: object) -> str | int | float:
    """A cell's CSV value: numbers as numbers, dates as 'YYYY-MM-DD', times (naive, already in
    Danish time) as 'YYYY-MM-DD HH:MM', None as empty, and text through `safe_text`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return minute_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str.__str__(value) if isinstance(value, str) else str(value))


class _Cells(dict[object, object]):
    """value → its CSV cell, for a column with at most one kind of number (True == 1 == 1.0
    would share a cell)."""

    def __missing__(self, value: object) -> object:
        cell = self[value] = csv_cell(value)
        return cell


_STARTS_LIKE_A_FORMULA = tuple("\x00" + start for start in FORMULA_STARTS)
"""What a value starting like a formula looks like in "\x00" + its column joined with "\x00":
six plain substring searches are several times faster than one regex with an alternation."""


def _any_formula(values: Sequence[str]) -> bool:
    """Might a text in `values` start like a formula? (True also for a NUL in a value.)"""
    joined = "\x00" + "\x00".join(values)
    return any(start in joined for start in _STARTS_LIKE_A_FORMULA)


def _column(values: Sequence[object]) -> Sequence[object]:
    """A column's CSV cells, the same as `csv_cell` of each value, at a fraction of the cost at
    50,000 rows: a column of text is checked with substring searches in its joined values (a value
    holding NUL only makes it take the slow path), other columns share equal values' cells."""
    kinds = set(map(type, values))
    if kinds <= {int, float}:
        return values
    if kinds == {str}:
        if not _any_formula(values):  # type: ignore[arg-type]  # kinds == {str}: all are str
            return values
        return [safe_text(v) for v in values]  # type: ignore[arg-type]  # all str, as above
    if len(kinds & {bool, int, float}) > 1:  # True == 1 == 1.0: equal, but written apart
        return [csv_cell(v) for v in values]
    return [*map(_Cells().__getitem__, values)]


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One table: a header row and `rows`, every cell as `csv_cell` gives it; BOM so Danish
    Excel shows æøå, semicolons as Danish Excel expects, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headers])
    source = iter(rows)
    while table := list(itertools.islice(source, CHUNK_ROWS)):  # an iterator is never whole
        width = max(map(len, table))
        if min(map(len, table)) < width:
            table = [[*row, *([None] * (width - len(row)))] for row in table]
        columns = [_column(values) for values in zip(*table, strict=True)]
        writer.writerows(zip(*columns, strict=True))
    return (BOM + buffer.getvalue()).encode("utf-8")
