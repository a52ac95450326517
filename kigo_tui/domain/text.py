"""User text is data: one gate on the way in, one on the way out.

`clean_text` is what every input path (CLI arguments, TUI forms, the workbook and catalogue
imports) calls before a text is stored: it normalises to NFC (a name typed or imported in two
Unicode forms is one name) and refuses control characters and line breaks with a Danish message
naming the field. `printable` is what the CLI writes through: whatever a database, bundle or file
name contains, no control character reaches the terminal (each becomes a visible escape such as
`\\u001b`). `bounded_int` is the one range check for whole numbers typed or read from files.
`count` is the one place a number meets a noun or adjective ('1 opgave', '2 opgaver').
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from kigo_tui.errors import KigoError

MAX_TEXT = 10_000
"""The longest text a field accepts (a description); longer is refused, not cut."""

MAX_INT = 2_000_000_000
"""Largest id or count anyone types or imports (fits every database's integer column)."""

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class TextError(KigoError, ValueError):
    """A text or number the user gave cannot be stored as it is; the message names the field."""


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _refused(char: str, *, multiline: bool) -> bool:
    if multiline and char == "\n":
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in _LINE_BREAKS


def clean_text(
    value: str,
    field: str,
    *,
    required: bool = False,
    multiline: bool = False,
    strip: bool = True,
    max_length: int = MAX_TEXT,
) -> str:
    """`value` NFC-normalised and stripped (unless not `strip`); TextError (Danish, naming `field`) for a control
    character, a line break (unless `multiline`: then '\\n' is kept, '\\r\\n' becomes '\\n'),
    text that is not valid Unicode, an empty text when `required`, or one longer than
    `max_length` characters."""
    if not isinstance(value, str):
        raise TextError(f"{field}: forventede tekst, fik {type(value).__name__}")
    if multiline:
        value = value.replace("\r\n", "\n")
    for position, char in enumerate(value, start=1):
        if not _refused(char, multiline=multiline):
            continue
        if unicodedata.category(char) == "Cs":
            raise TextError(f"{field} indeholder tegn, der ikke er gyldig Unicode (UTF-8)")
        kind = "et linjeskift" if char in _LINE_BREAKS else "et kontroltegn"
        raise TextError(
            f"{field} indeholder {kind} ({_code(char)}, tegn nr. {position}); "
            "kontroltegn og linjeskift er ikke tilladt"
        )
    text = unicodedata.normalize("NFC", value.strip() if strip else value)
    if required and not text:
        raise TextError(f"{field} mangler")
    if len(text) > max_length:
        raise TextError(f"{field} er for lang: {len(text)} tegn (højst {max_length})")
    return text


def same_text(a: str, b: str) -> bool:
    """Whether two texts are the same name to a user: equal after NFC and case folding."""
    return unicodedata.normalize("NFC", a.strip()).casefold() == (
        unicodedata.normalize("NFC", b.strip()).casefold()
    )


def bounded_int(value: object, field: str, low: int, high: int) -> int:
    """A whole number in [low, high] from text or a number; TextError names the field otherwise."""
    if isinstance(value, bool):
        raise TextError(f"{field} skal være et helt tal mellem {low} og {high}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if len(text) > 30 or not text.lstrip("+-").isascii() or not text.lstrip("+-").isdigit():
            raise TextError(
                f"'{printable(text[:40])}' er ikke et helt tal ({field} skal være mellem {low} "
                f"og {high})"
            )
        number = int(text)
    if not low <= number <= high:
        raise TextError(f"{field} skal være mellem {low} og {high} (fik {number})")
    return number


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""What `printable` replaces: control characters (C0 but tab and line feed, DEL, C1), the two
Unicode line separators and lone surrogates. Found by the regex engine, so a long clean text
(`kigo status --json` at 50,000 tasks) costs one scan in C."""


def _escape(char: str) -> str:
    """One character as JSON writes it escaped ('\\u001b'; beyond U+FFFF as its surrogate pair);
    a lone surrogate as U+FFFD."""
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _visible(match: re.Match[str]) -> str:
    return _escape(match.group())


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character shown as a visible escape ('\\u001b', '\\u000d') and
    every lone surrogate (a file name that is not UTF-8) as U+FFFD, so it cannot steer a terminal.
    The escapes are JSON's: inside a JSON string they read back as the stored character. Line
    feeds and tabs stay: they are layout, not control sequences.

    `one_line`: for a name from outside (a file name in an upload) shown inside one line of a
    report: every character that is not printable (str.isprintable: also line feeds, tabs,
    invisible format characters such as a right-to-left override) is escaped the same way."""
    if not one_line:
        return _UNSAFE.sub(_visible, text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def count(n: int, singular: str, plural: str, number_format: str = "") -> str:
    """The number and the word in the form Danish uses with it: '1 opgave', '0 opgaver',
    '2 gule', '-1 dag' ('1' and '-1' take the singular). `number_format` formats the number
    ('+d' for a signed number of days). Every count a user reads is made here."""
    return f"{n:{number_format}} {singular if abs(n) == 1 else plural}"


HISTORY_FIELDS: dict[str, str] = {
    "status": "status",
    "start": "start",
    "due": "slutdato",
    "warn_days": "varsel (dage)",
    "category": "kategori",
    "title": "titel",
    "description": "beskrivelse",
    "golive": "idriftsættelse",
    "phase": "fase",
    "start_offset": "start (dage fra idriftsættelse)",
    "due_offset": "slutdato (dage fra idriftsættelse)",
    "exit_priority": "exit-prioritet",
    "name": "navn",
    "group": "gruppe",
    "purpose": "formål",
}
"""The history keeps a field's stored name ('due', 'category'); a person reads these words."""
CATALOGUE_PREFIX = "katalog:"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?")


def history_change(field: str, old: str | None, new: str | None) -> tuple[str, str, str]:
    """One line of history as a person reads it: (field, old, new) in Danish. The stored values
    stay stable codes ('optional', 'in_progress', ISO dates); here a status or category becomes
    its Danish label ('valgfri → obligatorisk kritisk'), a date dd-mm-åååå, nothing '—'."""
    prefix = ""
    if field.startswith(CATALOGUE_PREFIX):
        prefix, field = "katalog: ", field.removeprefix(CATALOGUE_PREFIX)
    return (
        prefix + _history_field(field),
        _history_value(field, old),
        _history_value(field, new),
    )


def _history_field(field: str) -> str:
    if field in HISTORY_FIELDS:
        return HISTORY_FIELDS[field]
    from kigo_tui.domain.exit_strategy import FIELD_HEADERS

    return FIELD_HEADERS.get(field, field).lower() if field in FIELD_HEADERS else field


def _history_value(field: str, value: str | None) -> str:
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS, Severity
    from kigo_tui.domain.rules import CATEGORY_LABELS, Category, Status
    from kigo_tui.domain.rules import STATUS_LABELS as TASK_STATUS_LABELS

    if value is None or value == "":
        return "—"
    labels: dict[str, str] = {}
    if field == "status":
        labels = {s.value: TASK_STATUS_LABELS[s] for s in Status}
        labels |= {s.value: label for s, label in STATUS_LABELS.items()}
    elif field == "category":
        labels = {c.value: CATEGORY_LABELS[c] for c in Category}
    elif field == "alvorlighed":
        labels = {s.value: SEVERITY_LABELS[s] for s in Severity}
    if value in labels:
        return labels[value]
    if _ISO_DAY.fullmatch(value):
        return short_date(date.fromisoformat(value))
    if _ISO_MOMENT.fullmatch(value):
        moment = datetime.fromisoformat(value)
        return f"{moment:%d-%m-%Y %H:%M}"
    return value
