"""Fuzzing every `kigo` subcommand's arguments, found by walking the argument parser.

Each leaf subcommand of `kigo_tui.cli.main.build_parser()` (init … aggregate, `people add`, `exit
edit`, `defect set`, …) gets generated command lines: its positionals and a random subset of its
options, with values that fit the argument's kind most of the time and are hostile otherwise:
extreme and impossible dates (0001-01-01, 9999-12-31, 2027-02-30), huge and negative integers,
empty strings, markup, control characters, right-to-left text, argv bytes that are not UTF-8,
file names with escapes. `main(argv)` runs in-process and must end with exit code 0, 1 or 2,
no exception, a Danish 'kigo: fejl:' (or argparse's usage) on failure, and no control character
in anything printed. A new subcommand is fuzzed without touching this file.

Examples per subcommand: 6 (KIGO_FUZZ_FULL=1: 150).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.cli.main import build_parser

FULL = os.environ.get("KIGO_FUZZ_FULL") == "1"
EXAMPLES = 150 if FULL else 6


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand (path of names, its parser), by walking the subparsers."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        return [(path, parser)]
    found = []
    for action in subparsers:
        for name, sub in dict(action.choices).items():
            found += leaf_commands(sub, (*path, name))
    return found


COMMANDS = leaf_commands(build_parser())

# ------------------------------------------------------------------------------ values

NO_NUL = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
"""Characters an argument can hold: never NUL; surrogates only as ARGV_BYTES (what Python makes
of bytes that are not UTF-8)."""
ARGV_BYTES = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"])
HOSTILE = st.one_of(
    st.text(alphabet=st.one_of(NO_NUL, ARGV_BYTES), max_size=16),
    st.sampled_from(
        [
            "",
            " ",
            "[bold]x[/]",
            "[/]",
            "\\",
            "\x1b[31mrød\x1b[0m",
            "\x9b2J",
            "a\nb",
            "a\rb",
            "\u2028",
            "שלום 🙂",
            "A\u030a",
            "-",
            "--",
            "-x",
            "Ø" * 5000,
        ]
    ),
)


def mostly(valid: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.integers(0, 3).flatmap(lambda pick: valid if pick else odd)


EXTREME_DATES = st.sampled_from(
    ["0001-01-01", "9999-12-31", "2027-02-30", "1999-12-31", "2101-01-01", "2100-12-31",
     "2000-01-01", "31.02.2027", "2027-13-01", "10000-01-01", "٢٠٢٦-٠١-٠١"]
)  # fmt: skip
DATES = mostly(
    st.dates(date(2020, 1, 1), date(2035, 12, 31)).map(date.isoformat),
    st.one_of(EXTREME_DATES, st.dates().map(date.isoformat), HOSTILE),
)
MOMENTS = mostly(
    st.sampled_from(["nu", "2026-11-20 14:30", "2026-11-01", "2026-03-29 02:30"]),
    st.one_of(EXTREME_DATES, EXTREME_DATES.map(lambda d: d + " 25:61"), HOSTILE),
)
NUMBERS = mostly(
    st.integers(0, 20).map(str),
    st.one_of(
        st.integers().map(str),
        st.sampled_from(["-1", "0", "366", "2000000001", "9" * 5000, "1e9", "١", "0x10", ""]),
        HOSTILE,
    ),
)
TASK_IDS = mostly(
    st.sampled_from(["STS-01-02", "SAPA-07-02", "KY-14-02", "STS-01-L1", "KSD-16-01"]), HOSTILE
)
PEOPLE = mostly(st.sampled_from(["1", "2", "Anne Jensen", "anne@kommune.dk"]), HOSTILE)
KOMMUNER = mostly(st.sampled_from(["101", "461", "851"]), st.one_of(NUMBERS, HOSTILE))
WORDS = {
    "severity_arg": ["critical", "kritisk", "minor", "kosmetisk"],
    "status_arg": ["reported", "rettet", "acknowledged"],
    "role": ["programme_lead", "project_lead", "architect"],
    "answers": ["ja,nej,ja", "nej", "ja,ja", "ja,nej,ja,ja,nej"],
    "kle": ["27.24", "00.01.00", "2724"],
}


@st.composite
def paths(draw: st.DrawFn, folder: Path, db: Path) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return str(db)
    if kind == 1:
        return str(folder)
    if kind == 2:
        return "/dev/null"
    name = draw(st.text(alphabet=st.one_of(NO_NUL, ARGV_BYTES), min_size=1, max_size=12))
    name = name.replace("/", "_")
    suffix = draw(st.sampled_from(["", ".zip", ".xlsx", ".toml", ".json", ".ics", ".db"]))
    return str(folder / f"{name}{suffix}")


def value_for(action: argparse.Action, folder: Path, db: Path) -> st.SearchStrategy[str]:
    kind = getattr(action.type, "__name__", "") if action.type else ""
    dest = action.dest
    if action.choices is not None:
        return mostly(st.sampled_from([str(c) for c in action.choices]), HOSTILE)
    if kind == "Path" or dest in ("out", "source", "target", "db"):
        return mostly(paths(folder, db), HOSTILE)
    if kind == "date_arg":
        return DATES
    if kind == "moment_arg":
        return MOMENTS
    if kind == "golive_arg":
        return st.tuples(st.sampled_from(["STS", "sapa", "KMD", ""]), DATES).map("=".join)
    if kind in ("warn_arg", "int_arg", "id_arg") or dest == "main_task":
        return NUMBERS
    if dest in ("task_id", "tasks"):
        return TASK_IDS
    if dest in ("person", "me", "accountable", "doer"):
        return PEOPLE
    if dest == "kommune":
        return KOMMUNER
    if kind in WORDS or dest in WORDS:
        return mostly(st.sampled_from(WORDS.get(kind) or WORDS[dest]), HOSTILE)
    return mostly(st.text(alphabet=NO_NUL, max_size=20), HOSTILE)


@st.composite
def command_line(
    draw: st.DrawFn, names: tuple[str, ...], parser: argparse.ArgumentParser, folder: Path, db: Path
) -> list[str]:
    argv = ["--db", str(db)]
    if draw(st.integers(0, 4)) == 0:
        argv += [f"--today={draw(DATES)}"]
    argv += list(names)
    actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    for action in actions:
        if action.option_strings:
            continue
        count = 1 if action.nargs in (None, "?") else draw(st.integers(1, 2))
        if action.nargs == "?" and draw(st.booleans()):
            continue
        argv += [draw(value_for(action, folder, db)) for _ in range(count)]
    options = [a for a in actions if a.option_strings]
    for action in draw(st.lists(st.sampled_from(options), unique=True)) if options else []:
        flag = action.option_strings[-1]
        if action.nargs == 0:
            argv.append(flag)
        else:
            argv.append(f"{flag}={draw(value_for(action, folder, db))}")
    for action in options:  # required options get a value when the draw left them out
        if action.required and not any(a.startswith(action.option_strings[-1]) for a in argv):
            argv.append(f"{action.option_strings[-1]}={draw(value_for(action, folder, db))}")
    return argv


# ------------------------------------------------------------------------------ running


def controls(output: str) -> list[str]:
    return [
        c
        for c in output
        if c not in "\n\t" and (unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029")
    ]


def run(argv: list[str]) -> tuple[int, str, str]:
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="strict")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        out.flush()
        err.flush()
    return code, out_bytes.getvalue().decode(), err_bytes.getvalue().decode()


TALLY: dict[str, dict[int, int]] = {}


@pytest.mark.parametrize(("names", "parser"), COMMANDS, ids=[" ".join(n) for n, _ in COMMANDS])
def test_every_subcommand_survives_generated_arguments(
    names: tuple[str, ...],
    parser: argparse.ArgumentParser,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "filer"
    folder.mkdir()
    monkeypatch.chdir(folder)  # exports and copies without a folder land here
    codes = TALLY.setdefault(" ".join(names), {})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not FULL,
        suppress_health_check=list(HealthCheck),
    )
    @given(argv=command_line(names, parser, folder, db_path))
    def check(argv: list[str]) -> None:
        code, out, err = run(argv)
        codes[code] = codes.get(code, 0) + 1
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in err, (argv, err)
        assert not controls(out) and not controls(err), (argv, out, err)
        if code:
            assert "kigo: fejl:" in err, (argv, err)

    check()
    assert sum(codes.values()) >= EXAMPLES


def test_the_walk_finds_every_subcommand() -> None:
    found = {" ".join(names) for names, _ in COMMANDS}
    assert len(found) >= 38
    assert {"set", "people add", "exit edit", "defect set", "aggregate", "restore"} <= found
