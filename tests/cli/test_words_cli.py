"""Every text the CLI shows a person is Danish: argparse's help and errors, the values a command
takes and prints, and dates as dd-mm-åååå (ISO only in flags and files meant for machines).

The help of every command is collected from the parser itself; errors and a sample of outputs
come from running `kigo` on a demo database."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.cli.args import danish_error
from kigo_tui.cli.main import build_parser

ENGLISH = re.compile(
    r"\b(usage|positional|arguments|options|show|message|program's|version number|invalid|"
    r"choice|choose|required|following|unrecognized|expected|ambiguous|"
    r"not_started|in_progress|optional|mandatory|acknowledged|reported|fixed|none)\b",
    re.IGNORECASE,
)
"""argparse's own words and the stored codes a person must not read ("argument" is Danish too)."""
ISO_DATE = re.compile(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b")
TODAY = "2026-11-23"


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ("kigo",)
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += parsers(sub, (*path, name))
    return found


COMMANDS = frozenset(name for path, _ in parsers(build_parser()) for name in path)


def english_in(text: str) -> list[str]:
    """The English words of `text` a person reads: flags (--status), command words (kigo set)
    and example dates in help (flags take ISO) are names, not prose."""
    text = re.sub(r"--?[A-Za-z][\w-]*", " ", text)
    words = [w for w in re.split(r"[\s{},'\[\]().:;]+", text) if w not in COMMANDS]
    return ENGLISH.findall(" ".join(words))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_every_help_is_danish() -> None:
    # Seed 000: "Opgavens kategorisering som valgfri, obligatorisk eller obligatorisk kritisk ses
    # i KIGO." - the words a Danish user reads; argparse's English headings are not among them.
    for path, parser in parsers(build_parser()):
        text = parser.format_help()
        assert text.startswith("brug: "), path
        assert english_in(text) == [], (path, english_in(text))


def test_kigo_help_as_printed() -> None:
    # Seed 000: "Nøgleordet er dialog" - in the kommune's language.
    code, out, _ = run("--help")
    assert code == 0
    assert "tilvalg:" in out and "vis denne hjælp og afslut" in out
    assert english_in(out) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["nonsense"],
        ["set"],
        ["set", "X", "--status", "done-ish"],
        ["set", "X", "--category", "vigtig"],
        ["set", "X", "--due", "2027-02-30"],
        ["golive", "XX", "2027-01-01"],
        ["status", "--bogus"],
        ["status", "--project"],
        ["set", "X", "--st", "y"],
        ["dialogue", "log", "--project", "STS", "--form", "fax", "--topic", "x"],
        ["defect", "add", "--project", "KY", "--title", "x", "--severity", "big"],
        ["exit", "add", "--scenario", "5"],
    ],
)
def test_every_usage_error_is_danish(argv: list[str]) -> None:
    # Seed 000: "Nøgleordet er dialog" - also when the user mistypes a command.
    code, _, err = run("--db", "ingen.db", *argv)
    assert code == 2
    assert err.startswith("brug: ") and "kigo: fejl: " in err
    assert english_in(err) == [], err


def test_danish_error_translates_argparse_and_keeps_danish() -> None:
    assert danish_error("the following arguments are required: OPGAVE") == "mangler OPGAVE"
    assert danish_error("argument --due: dato '2027-02-30' findes ikke i kalenderen") == (
        "--due: dato '2027-02-30' findes ikke i kalenderen"
    )
    assert (
        english_in(danish_error("argument KOMMANDO: invalid choice: 'x' (choose from 'a')")) == []
    )


def test_outputs_are_danish_with_danish_dates(tmp_path: Path) -> None:
    # Seed 000: "En opgave bliver rød, hvis slutdato er overskredet og opgaven samtidig ikke er
    # fuldført." - a person reads 'slutdato', 'fuldført' and a Danish date, not 'due'/'done'/ISO.
    db = ["--db", str(tmp_path / "k.db"), "--today", TODAY]
    assert run(*db, "demo")[0] == 0
    samples = [
        ["status"],
        ["status", "--project", "SAPA"],
        ["set", "SAPA-07-02", "--status", "i-gang"],
        ["set", "SAPA-07-02", "--status", "in_progress"],
        ["done", "SAPA-07-02"],
        ["golive", "KY", "2028-01-03"],
        ["dialogue", "log", "--project", "STS", "--form", "mail", "--topic", "Opfølgning"],
        ["dialogue", "list"],
        ["defect", "add", "--project", "KY", "--title", "Fejl", "--severity", "kritisk"],
        ["defect", "set", "1", "--status", "under-behandling"],
        ["progress"],
        ["people", "add", "Anne Jensen"],
        ["role", "assign", "Anne Jensen", "programleder"],
        ["mine", "--me", "Anne Jensen"],
    ]
    for argv in samples:
        code, out, err = run(*db, *argv)
        assert code == 0, (argv, err)
        assert english_in(out) == [], (argv, out)
        assert not ISO_DATE.search(out), (argv, out)
    assert "SAPA-07-02: fuldført" in run(*db, "done", "SAPA-07-02")[1]
    assert "idriftsættelse 03-01-2028" in run(*db, "golive", "KY", "2028-01-03")[1]
    # the codes a script wrote before the Danish words still work, and are never printed back
    code, out, _ = run(*db, "set", "SAPA-07-02", "--status", "not_started")
    assert code == 0 and "ikke påbegyndt" in out and "not_started" not in out


def test_status_says_idriftsaettelse_not_go_live(tmp_path: Path) -> None:
    # Seed 002: "Hovedopgave 16: Idriftsættelse af løsningen" - the project line names the
    # idriftsættelse (or its absence) in one word, never "(go-live ingen idriftsættelsesdato)".
    db = ["--db", str(tmp_path / "k.db"), "--today", TODAY]
    assert run(*db, "init", "--kommune", "101", "--golive", "SAPA=2027-03-01")[0] == 0
    out = run(*db, "status")[1]
    assert "(idriftsættelse 01-03-2027)" in out
    assert "(ingen idriftsættelsesdato)" in out
    assert "go-live" not in out
