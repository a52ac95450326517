"""Types are checked (mypy runs in `make test`); where a check is silenced, the line says why."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[a-z-]+(?:,\s*[a-z-]+)*\])?(?P<rest>.*)$")


def silenced(text: str) -> list[tuple[int, str | None, str]]:
    """Each `type: ignore` in `text`: its line, its error codes and what follows it."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = IGNORE.search(line)
        if match:
            found.append((number, match["codes"], match["rest"]))
    return found


def reasonless(text: str) -> list[int]:
    """The lines whose `type: ignore` names no error code or gives no reason in a comment."""
    return [
        number
        for number, codes, rest in silenced(text)
        if codes is None or not re.match(r"\s*#\s*\S.{2,}", rest)
    ]


def test_the_probe_tells_a_reason_from_none() -> None:
    assert reasonless("x = f()  # type: ignore[arg-type]  # the stub says int, it is str\n") == []
    assert reasonless("x = f()  # type: ignore[arg-type]\n") == [1]
    assert reasonless("x = f()  # type: ignore  # no code\n") == [1]
    assert reasonless("a = 1\nx = f()  # type: ignore[index] #\n") == [2]


def test_every_type_ignore_names_its_error_and_says_why() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "kigo_tui").rglob("*.py"))
        if (lines := reasonless(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
