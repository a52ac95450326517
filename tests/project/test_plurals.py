"""Every count a user reads is made by `kigo_tui.domain.text.count`: no f-string puts a number
straight before a Danish plural ('{n} opgaver' reads '1 opgaver' when n is 1)."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLURALS = frozenset(
    [
        "opgaver",
        "katalogopgaver",
        "hovedopgaver",
        "gule",
        "røde",
        "grønne",
        "åbne",
        "lukkede",
        "fuldførte",
        "kritiske",
        "obligatoriske",
        "sagsområder",
        "dage",
        "hverdage",
        "timer",
        "uger",
        "minutter",
        "rækker",
        "kolonner",
        "tabeller",
        "felter",
        "kommuner",
        "punkter",
        "bundter",
        "personer",
        "roller",
        "filer",
        "kopier",
        "sikkerhedskopier",
        "projekter",
        "ændringer",
        "datoer",
        "linjer",
        "advarsler",
        "dialoger",
        "eskaleringer",
    ]
)
"""Danish plurals whose singular differs (not 'fejl', 'tegn', 'valgfri': the same in both)."""

_AFTER = re.compile(r"^ ([a-zæøå]+)\b")
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def bare_counts(source: str, name: str) -> list[str]:
    """Where an f-string in `source` writes a value straight before a word in PLURALS; a constant
    (MAX_ROWS: never 1) and a helper's text (a call other than len) are allowed."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for value, after in itertools.pairwise(parts):
            if not isinstance(value, ast.FormattedValue) or not isinstance(after, ast.Constant):
                continue
            word = _AFTER.match(str(after.value))
            if not word or word[1] not in PLURALS:
                continue
            if isinstance(value.value, ast.Name) and _CONSTANT.match(value.value.id):
                continue
            call = value.value
            if isinstance(call, ast.Call) and not (
                isinstance(call.func, ast.Name) and call.func.id == "len"
            ):
                continue  # a helper's text ('3 røde og 1 gul'), not a bare number
            found.append(f"{name}:{node.lineno}: {{{ast.unparse(value.value)}}} {word[1]}")
    return found


def test_no_bare_count_before_a_plural() -> None:
    # Seed 000: "Følgende opgaver har status rød ..." - a count and its noun read as Danish;
    # "1 opgaver" or "1 røde" is the slip issue 17 found on the screens.
    found = []
    for path in sorted((ROOT / "kigo_tui").rglob("*.py")):
        if path.name == "text.py" and path.parent.name == "domain":
            continue
        found += bare_counts(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert found == [], "brug kigo_tui.domain.text.count:\n" + "\n".join(found)


def test_the_guard_finds_a_bare_count() -> None:
    source = (
        'n = 1\ntext = f"{n} opgaver, {n} gule og {n} af {n} sagsområder, {MAX_ROWS} rækker, '
        '{len(x)} dage, {both(n, n)} røde"\n'
    )
    assert bare_counts(source, "x.py") == [
        "x.py:2: {n} opgaver",
        "x.py:2: {n} gule",
        "x.py:2: {n} sagsområder",
        "x.py:2: {len(x)} dage",
    ]
