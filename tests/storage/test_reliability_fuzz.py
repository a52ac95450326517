"""Fuzzing the shell commands and the catalogue reader with hypothesis.

`kigo set/done/golive/add` with generated arguments (odd task ids, impossible dates, huge and
negative numbers, any Unicode including the surrogates Python uses for argv bytes that are not
UTF-8) must end with exit code 0, 1 or 2 - never a Python exception out of `main()` - and a run
that exits non-zero must leave the database exactly as it was. Random bytes and damaged copies of
the shipped catalogue must give a CatalogueError that names the file.

Examples per command: KIGO_REL_FUZZ (default 100; 400 takes about 50 s). The examples are the
same on every run (derandomized) so CI is repeatable; KIGO_REL_RANDOM=1 draws new ones.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.cli.tasks import CATEGORIES, STATUSES
from kigo_tui.domain.catalogue import CATALOGUE_PATH, CatalogueError, load_catalogue
from kigo_tui.domain.seed import PROJECT_CODES as PROJECTS
from tests.support.reliability_worker import report, scale

TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")

# ----------------------------------------------------------------------------- strategies

ARGV_BYTES = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"])
ANY_TEXT = st.text(alphabet=st.one_of(st.characters(), ARGV_BYTES), max_size=24)
"""Any character, and the surrogates Python uses for argv bytes that are not UTF-8."""


def mostly(valid: st.SearchStrategy[str], *odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid values five times as often as odd ones, so most runs get past argparse."""
    odd_one = st.one_of(*odd)
    return st.integers(0, 5).flatmap(lambda pick: valid if pick else odd_one)


VALID_DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat)
TASK_IDS = mostly(
    st.sampled_from(["STS-01-02", "KY-14-02", "SAPA-03-01", "KSD-16-01", "STS-01-L1"]),
    st.sampled_from(["sts-01-02", " STS-01-02", "STS-01-02\n", "STS-1-2", "", "%", "'; --"]),
    ANY_TEXT,
)
DATES = mostly(
    VALID_DATES,
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
        lambda d: d.strftime("%d.%m.%Y")
    ),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "10000-01-01"]),
    st.sampled_from(["i morgen", "31.02.2027", "2026-11-23T10:00", "٢٠٢٦-٠١-٠١", " 2027-03-01 "]),
    ANY_TEXT,
)
NUMBERS = mostly(
    st.integers(min_value=0, max_value=20).map(str),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.integers(min_value=-2, max_value=400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "16", "17", "365", "366", "-1", "1e3", "٣", "１２", " 7", "0x10", ""]),
    ANY_TEXT,
)
MAIN_TASKS = mostly(st.integers(min_value=1, max_value=16).map(str), NUMBERS)
PROJECT_WORDS = mostly(st.sampled_from([*PROJECTS, "sts", "Sapa"]), st.just("KMD"), ANY_TEXT)
STATUS_WORDS = mostly(st.sampled_from(STATUSES), st.sampled_from(["DONE", "færdig"]), ANY_TEXT)
CATEGORY_WORDS = mostly(st.sampled_from(CATEGORIES), st.just("kritisk"), ANY_TEXT)
TEXTS = mostly(st.text(max_size=40), ANY_TEXT)


@st.composite
def options(draw: st.DrawFn, table: dict[str, st.SearchStrategy[str]]) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(sorted(table)), max_size=len(table), unique=True))
    args: list[str] = []
    for flag in chosen:
        args += [flag, draw(table[flag])]
    return args


SET_OPTIONS = {
    "--status": STATUS_WORDS,
    "--start": DATES,
    "--due": DATES,
    "--category": CATEGORY_WORDS,
    "--warn-days": NUMBERS,
    "--begrundelse": TEXTS,
}
ADD_OPTIONS = {
    "--description": TEXTS,
    "--category": CATEGORY_WORDS,
    "--start": DATES,
    "--due": DATES,
    "--warn-days": NUMBERS,
    "--checklist": TEXTS,
}


@st.composite
def command_lines(draw: st.DrawFn, command: str) -> list[str]:
    args: list[str] = []
    if draw(st.booleans()):
        args += ["--today", draw(DATES)]
    if command == "set":
        args += ["set", draw(TASK_IDS), *draw(options(SET_OPTIONS))]
    elif command == "done":
        args += ["done", draw(TASK_IDS)]
    elif command == "golive":
        args += ["golive", draw(PROJECT_WORDS), draw(DATES)]
    else:
        args += ["add", draw(PROJECT_WORDS), draw(MAIN_TASKS), draw(TEXTS)]
        args += draw(options(ADD_OPTIONS))
    if draw(st.integers(0, 19)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(ANY_TEXT))  # a stray word anywhere
    return args


# ----------------------------------------------------------------------------- running main()


def _dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def _run(argv: list[str]) -> tuple[int, str, str]:
    """main() with stdout/stderr as a terminal would encode them (strict / backslashreplace)."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            code = exc.code if isinstance(exc.code, int) else 2
        out.flush()
        err.flush()
    return code, out_bytes.getvalue().decode(), err_bytes.getvalue().decode()


class Tally:
    def __init__(self) -> None:
        self.codes: dict[int, int] = {}

    def add(self, code: int) -> None:
        self.codes[code] = self.codes.get(code, 0) + 1


def _examples() -> int:
    return scale("FUZZ", 100)


def _fixed() -> bool:
    return os.environ.get("KIGO_REL_RANDOM", "") != "1"


def _check_command(db: Path, argv: list[str], tally: Tally) -> None:
    before = _dump(db)
    code, _out, err = _run(["--db", str(db), *argv])
    tally.add(code)
    assert code in (0, 1, 2), (argv, code, err)
    if code != 0:
        assert err.startswith(("kigo: fejl:", "brug:")), (argv, err)
        assert _dump(db) == before, f"{argv} exited {code} but changed the database"


@pytest.mark.parametrize("command", ["set", "done", "golive", "add"])
def test_generated_command_lines_never_crash_and_failures_change_nothing(
    db_path: Path, command: str
) -> None:
    tally = Tally()

    @settings(
        max_examples=_examples(),
        deadline=None,
        database=None,
        derandomize=_fixed(),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(argv=command_lines(command))
    def check(argv: list[str]) -> None:
        _check_command(db_path, argv, tally)

    check()
    assert sum(tally.codes.values()) >= _examples()
    report(
        {"test": f"fuzz-{command}", "runs": sum(tally.codes.values()), "exit_codes": tally.codes}
    )


# Regressions hypothesis found, kept as plain cases.
FOUND = [
    ["add", "STS", "1", "ab\udcffcd"],  # argv bytes that are not UTF-8, into SQLite
    ["set", "\udcff", "--status", "done"],
    ["done", "STS-01-02\udce6"],
    ["golive", "STS", "9999-12-31"],  # go-live + offset beyond the calendar
    ["golive", "KY", "0001-01-01"],
]


@pytest.mark.parametrize("argv", FOUND, ids=repr)
def test_found_command_lines(db_path: Path, argv: list[str]) -> None:
    tally = Tally()
    _check_command(db_path, argv, tally)
    assert tally.codes in ({1: 1}, {2: 1})  # refused by the command or by its argument types


def test_found_colour_of_a_task_due_at_the_start_of_the_calendar(db_path: Path) -> None:
    """Dates before 2000-01-01 are refused; at the start of the range the colours still work."""
    tally = Tally()
    _check_command(db_path, ["add", "STS", "1", "tidlig", "--due", "0001-01-05"], tally)
    _check_command(db_path, ["--today", "0001-01-01", "status"], tally)
    assert tally.codes == {2: 1, 1: 1}  # argparse refuses --due, resolve_today --today
    _check_command(db_path, ["add", "STS", "1", "tidlig", "--due", "2000-01-05"], tally)
    _check_command(
        db_path, ["--today", "2000-01-01", "set", "STS-01-L1", "--warn-days", "9"], tally
    )
    _check_command(db_path, ["--today", "2000-01-01", "status"], tally)
    assert tally.codes == {2: 1, 1: 1, 0: 3}


# ----------------------------------------------------------------------------- catalogue files

CATALOGUE_TEXT = CATALOGUE_PATH.read_bytes()


@st.composite
def damaged_catalogues(draw: st.DrawFn) -> bytes:
    """The shipped catalogue cut short, or with a few bytes overwritten or inserted."""
    data = bytearray(CATALOGUE_TEXT)
    kind = draw(st.sampled_from(["cut", "overwrite", "insert"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "cut":
        return bytes(data[:at])
    junk = draw(st.binary(min_size=1, max_size=8))
    if kind == "overwrite":
        data[at : at + len(junk)] = junk
    else:
        data[at:at] = junk
    return bytes(data)


def test_random_bytes_as_a_catalogue_give_a_catalogue_error(tmp_path: Path) -> None:
    target = tmp_path / "katalog-æøå.toml"
    outcomes = {"refused": 0, "accepted": 0}

    @settings(
        max_examples=_examples() * 2,
        deadline=None,
        database=None,
        derandomize=_fixed(),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.one_of(st.binary(max_size=2048), damaged_catalogues()))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        try:
            load_catalogue(target)
        except CatalogueError as exc:
            assert str(target) in str(exc), str(exc)
            outcomes["refused"] += 1
        else:
            outcomes["accepted"] += 1  # a byte flip inside a description can still be valid

    check()
    assert outcomes["refused"] > 0
    report({"test": "fuzz-catalogue", **outcomes})


def test_random_bytes_as_a_catalogue_import_change_nothing(db_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "tilfældig.toml"
    broken.write_bytes(bytes(range(256)) * 4)
    before = _dump(db_path)
    code, _out, err = _run(["--db", str(db_path), "catalogue", "import", str(broken)])
    assert code == 1 and str(broken) in err
    assert _dump(db_path) == before
    assert not (db_path.parent / "kigo-backups").exists()  # refused before any backup was taken
