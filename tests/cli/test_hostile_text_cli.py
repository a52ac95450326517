"""Hostile text through every text input of the CLI, and terminal escapes in what it prints.

Property (hypothesis): text with markup ('[bold]', '[/]'), backslashes, emoji, right-to-left
script, combining marks (NFD), very long words and control characters (C0, C1, DEL, ESC
sequences, line breaks, argv bytes that are not UTF-8) given to `kigo add`, `people add`,
`dialogue log`, `defect add` and `exit add` ends with exit code 0, 1 or 2 and no traceback;
nothing the CLI writes contains a control character; text with a control character or line
break is refused naming the argument and stores nothing; accepted text is stored NFC and comes
back literally in the listing (`status --tasks`, `people list`, `dialogue list`, `defect list`,
`exit list`).

Escapes that got in anyway (a row written by another tool, a bundle, a file name) never reach
the terminal: the output is checked for ESC after putting escape sequences into a database row
with raw SQL, into a bundle and into file names.

`main(argv)` runs in-process. Examples per input path: 25 (KIGO_FUZZ_FULL=1: 400).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.storage.store import Store

FULL = os.environ.get("KIGO_FUZZ_FULL") == "1"
EXAMPLES = 400 if FULL else 25

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31mROT\x9b1m"
"""An OSC title change, a screen clear, a colour and a C1 CSI: none may reach a terminal."""

MARKUP = ["[", "]", "[/]", "[bold]", "[b]fed[/b]", "[link=https://x]", "\\", "\\[", "[@click=quit]"]
SCRIPTS = ["🙂", "👩‍👩‍👧", "שלום", "مرحبا", "Ærø", "A\u030angstrøm", "e\u0301", "\u202eabc", "ǅ"]
ODD = ["%s", "{0}", "$title", "'; DROP TABLE task; --", '"', "=1+1", "　"]
CONTROL = ["\x1b", "\x1b[31m", "\x07", "\x00", "\x7f", "\x85", "\x9b", "\r", "\n", "\t"]
LINE_BREAKS = ["\u2028", "\u2029", "\x0b", "\x0c"]
ARGV_BYTES = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"])

PIECE = st.one_of(
    st.sampled_from(MARKUP + SCRIPTS + ODD),
    st.text(min_size=1, max_size=8),
    st.integers(1, 120).map(lambda n: "Ø" * n),  # long words
)
HOSTILE = st.one_of(
    st.lists(PIECE, min_size=1, max_size=6).map("".join),  # mostly text that must be accepted
    st.lists(
        st.one_of(PIECE, st.sampled_from(CONTROL + LINE_BREAKS), ARGV_BYTES), min_size=1, max_size=6
    ).map("".join),
)


def refused(text: str) -> bool:
    """Whether clean_text must refuse `text` (a control character, a line break, a surrogate)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in text)


def controls(output: str) -> list[str]:
    """The control characters in output, apart from line feeds and tabs."""
    return [
        c
        for c in output
        if c not in "\n\t" and (unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029")
    ]


def run(*argv: str) -> tuple[int, str, str]:
    """main() with stdout/stderr encoded as a UTF-8 terminal would (a surrogate would fail)."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="strict")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse: a usage error
            code = exc.code if isinstance(exc.code, int) else 2
        out.flush()
        err.flush()
    return code, out_bytes.getvalue().decode(), err_bytes.getvalue().decode()


def check_output(code: int, out: str, err: str, argv: tuple[str, ...]) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, err
    assert not controls(out) and not controls(err), (argv, out, err)
    if code:
        assert "kigo: fejl:" in err, (argv, err)


# ------------------------------------------------------------------------ the input paths


@dataclass(frozen=True)
class InputPath:
    name: str
    argv: Callable[[str], list[str]]
    stored: Callable[[Store], str | None]
    """The text as stored by the newest row of this kind (None: no row yet)."""
    listing: list[str]
    expected: Callable[[str], str] = lambda text: unicodedata.normalize("NFC", text.strip())


def _newest_local_title(store: Store) -> str | None:
    local = [t for t in store.snapshot().tasks if t.is_local]
    return max(local, key=lambda t: int(t.id.rsplit("L", 1)[1])).title if local else None


def _newest_person(store: Store) -> str | None:
    from kigo_tui.storage.organisation import read_organisation

    people = read_organisation(store).people
    return people[max(people)].name if people else None


def _newest_dialogue(store: Store) -> str | None:
    from kigo_tui.storage.organisation import read_organisation

    dialogues = read_organisation(store).dialogues
    return max(dialogues, key=lambda d: d.id).topic if dialogues else None


def _newest_defect(store: Store) -> str | None:
    from kigo_tui.storage.defects import list_defects

    defects = list_defects(store)
    return max(defects, key=lambda d: d.id).title if defects else None


def _newest_area(store: Store) -> str | None:
    from kigo_tui.storage.exit_strategy import list_areas

    areas = list_areas(store)
    return max(areas, key=lambda a: a.id or 0).case_area if areas else None


INPUT_PATHS = [
    InputPath(
        "add",
        lambda text: ["add", "STS", "1", "--", text],
        _newest_local_title,
        ["status", "--tasks", "--project", "STS"],
    ),
    InputPath(
        "people add",
        lambda text: ["people", "add", "--unit=IT [b]", "--", text],
        _newest_person,
        ["people", "list"],
    ),
    InputPath(
        "dialogue log",
        lambda text: ["dialogue", "log", "--project=SAPA", "--form=mail", f"--topic={text}"],
        _newest_dialogue,
        ["dialogue", "list"],
    ),
    InputPath(
        "defect add",
        lambda text: ["defect", "add", "--project=KY", "--severity=minor", f"--title={text}"],
        _newest_defect,
        ["defect", "list"],
        lambda text: " ".join(unicodedata.normalize("NFC", text).split()),
    ),
    InputPath(
        "exit add",
        lambda text: [
            "exit",
            "add",
            "--field-area=Børn [og] unge",
            f"--case-area={text}",
            "--kle=27.24",
        ],
        _newest_area,
        ["exit", "list"],
    ),
]


def _stored(db: Path, read: Callable[[Store], str | None]) -> str | None:
    store = Store.open(str(db))
    try:
        return read(store)
    finally:
        store.close()


@pytest.mark.parametrize("path", INPUT_PATHS, ids=lambda p: p.name)
def test_hostile_text_is_refused_or_stored_literally(db_path: Path, path: InputPath) -> None:
    outcomes = {"stored": 0, "refused": 0, "other": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not FULL,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(text=HOSTILE)
    @example(text="A\u030angstro\u0308m [bold]fed[/] \\ [/]")  # NFD, markup, backslash
    @example(text="שלום 🙂 مرحبا \u202e[b]")
    @example(text="Ø" * 3000)
    @example(text="rød\x1b[31m")
    @example(text="ab\udcffcd")
    @example(text="linje 1\u2028linje 2")
    def check(text: str) -> None:
        before = _stored(db_path, path.stored)
        argv = ("--db", str(db_path), *path.argv(text))
        code, out, err = run(*argv)
        check_output(code, out, err, argv)
        if refused(text):
            assert code != 0, (argv, out)
            assert re.search(r"kontroltegn|linjeskift|Unicode", err), err
            assert _stored(db_path, path.stored) == before
            outcomes["refused"] += 1
            return
        if code != 0:  # an empty or too long text: a Danish message, nothing stored
            assert re.search(r"tom|mangler|højst|for lang", err), (argv, err)
            assert _stored(db_path, path.stored) == before
            outcomes["other"] += 1
            return
        expected = path.expected(text)
        stored = _stored(db_path, path.stored)
        assert stored == expected and unicodedata.is_normalized("NFC", stored)
        code, out, err = run("--db", str(db_path), *path.listing)
        check_output(code, out, err, tuple(path.listing))
        assert code == 0 and expected in out, (path.listing, expected, out)
        outcomes["stored"] += 1

    check()
    assert outcomes["stored"] >= EXAMPLES // 4 and outcomes["refused"] >= EXAMPLES // 8, outcomes


def test_the_same_name_typed_in_two_unicode_forms_is_one_person(db_path: Path) -> None:
    db = str(db_path)
    assert run("--db", db, "people", "add", "Ange\u0301lique Ærø")[0] == 0  # NFD: e + accent
    code, _out, err = run("--db", db, "role", "assign", "angélique ærø", "programme_lead")
    assert code == 0, err
    store = Store.open(db)
    try:
        from kigo_tui.storage.organisation import read_organisation

        org = read_organisation(store)
        (person,) = org.people.values()
        assert person.name == "Angélique Ærø" and org.roles_of(person.id)
    finally:
        store.close()


# ------------------------------------------------------- escapes that got in by another way


def _poison(db: Path) -> None:
    """Escape sequences in rows written past the CLI's validation (another tool, raw SQL)."""
    store = Store.open(str(db))
    try:
        from datetime import date

        from kigo_tui.domain.defect_labels import Severity
        from kigo_tui.domain.defects import DefectInput
        from kigo_tui.domain.times import now_utc
        from kigo_tui.storage.defects import add_defect
        from kigo_tui.storage.organisation import add_person, log_dialogue, set_responsibility

        person = add_person(store, "Ren Person")
        set_responsibility(store, "STS-01-02", accountable=person.id)
        log_dialogue(store, date(2026, 11, 20), "STS", "mail", "rent emne")
        add_defect(store, DefectInput("STS", "ren fejl", Severity.MINOR, now_utc()))
        from kigo_tui.domain.exit_strategy import CaseArea
        from kigo_tui.storage.exit_strategy import save_area

        save_area(store, CaseArea(field_area="Ren", case_area="Ren", kle="27.24"))
    finally:
        store.close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE task SET title = ? WHERE id = 'STS-01-02'", (f"Titel{ESC}",))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'kommune_name'", (f"Kommune{ESC}",))
        conn.execute("UPDATE project SET name = ? WHERE code = 'STS'", (f"Projekt{ESC}",))
        conn.execute("UPDATE checklist_item SET text = ?", (f"Punkt{ESC}",))
        conn.execute("UPDATE main_task SET name = ? WHERE number = 1", (f"Hoved{ESC}",))
        conn.execute("UPDATE person SET name = ?, unit = ?", (f"Navn{ESC}", f"Enhed{ESC}"))
        conn.execute("UPDATE dialogue SET topic = ?", (f"Emne{ESC}",))
        conn.execute("UPDATE defect SET title = ?, supplier_ref = ?", (f"Fejl{ESC}", ESC))
        conn.execute("UPDATE case_area SET case_area = ?", (f"Område{ESC}",))
        conn.execute("UPDATE history SET user = ?", (f"bruger{ESC}",))
    conn.close()


LISTINGS = [
    ["status"],
    ["status", "--tasks"],
    ["status", "--json"],
    ["status", "--project", "STS"],
    ["set", "STS-01-02", "--status", "in_progress"],
    ["done", "STS-01-02"],
    ["people", "list"],
    ["role", "list"],
    ["mine", "--me", "1"],
    ["dialogue", "list"],
    ["defect", "list"],
    ["defect", "list", "--json"],
    ["exit", "list"],
    ["exit", "summary"],
    ["progress"],
]


def test_escapes_in_database_rows_never_reach_the_terminal(db_path: Path) -> None:
    _poison(db_path)
    shown = 0
    for argv in LISTINGS:
        code, out, err = run("--db", str(db_path), *argv)
        check_output(code, out, err, tuple(argv))
        assert code == 0, (argv, err)
        shown += "\\u001b" in out
    assert shown >= 10  # the rows are shown, with their escapes visible, not acted on


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_coloured_status_adds_only_its_own_colour_codes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _poison(db_path)
    monkeypatch.delenv("NO_COLOR")
    terminal = _Terminal()
    with contextlib.redirect_stdout(terminal):
        assert main(["--db", str(db_path), "status", "--tasks"]) == 0
    out = terminal.getvalue()
    colour_codes = re.findall(r"\x1b\[[0-9;]*m", out)
    assert colour_codes  # a terminal gets colours …
    assert not controls(re.sub(r"\x1b\[(3[123]|0)m", "", out))  # … and nothing else
    assert "Titel\\u001b]0;pwned\\u0007" in out


def test_escapes_in_a_bundle_and_in_file_names_never_reach_the_terminal(
    db_path: Path, tmp_path: Path
) -> None:
    _poison(db_path)
    out_dir = tmp_path / "ud"
    out_dir.mkdir()
    code, out, err = run(
        "--db", str(db_path), "--today", "2026-11-23", "export", "--out", str(out_dir)
    )
    check_output(code, out, err, ("export",))
    assert code == 0, err
    (bundle,) = out_dir.glob("*.zip")
    for argv in (
        ["verify", str(bundle)],
        ["aggregate", str(bundle), "--out", str(tmp_path / "a.json")],
    ):
        code, out, err = run(*argv)
        check_output(code, out, err, tuple(argv))

    # A bundle edited by hand: an escape in the kommune's name, and in a file name.
    tampered = out_dir / f"bundt{ESC}.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".json"):
                text = data.decode()
                text = text.replace('"name": "', '"name": "\\u001b[2J' + '", "x": "', 1)
                data = text.encode()
            target.writestr(info, data)
    echoed = 0
    for argv in (
        ["verify", str(tampered)],
        ["verify", str(out_dir / f"findes{ESC}ikke.zip")],
        ["aggregate", str(tampered), "--out", str(tmp_path / f"b{ESC}.json")],
        ["--db", str(db_path), "catalogue", "import", str(out_dir / f"k{ESC}.toml")],
        ["--db", str(db_path), "exit", "import-xlsx", str(out_dir / f"x{ESC}\udcff.xlsx")],
        ["--db", str(tmp_path / f"ingen{ESC}.db"), "status"],
        ["--db", str(db_path), "--today", f"2026{ESC}", "status"],
        ["--db", str(db_path), "copy", "--to", str(tmp_path / "kopi\udcff.db")],
        ["--db", str(tmp_path / "ikke-utf8-\udcff.db"), "status"],
    ):
        code, out, err = run(*argv)
        check_output(code, out, err, tuple(argv))
        assert code != 0, (argv, err)
        echoed += "\\u001b" in err  # the file name is named, its escapes made visible
    assert echoed >= 4


def test_a_json_listing_keeps_the_stored_text(db_path: Path) -> None:
    _poison(db_path)
    code, out, _err = run("--db", str(db_path), "defect", "list", "--json")
    assert code == 0
    assert any("Fejl\x1b" in d["title"] for d in json.loads(out)["defects"])


# ------------------------------------------------------------------ imports: workbook, catalogue


def _workbook(path: Path, case_area: str, comment: str) -> None:
    from kigo_tui.domain.exit_strategy import CaseArea
    from kigo_tui.formats.exit_strategy import export_xlsx

    export_xlsx([CaseArea(field_area="Børn", case_area="Pas", kle="27.24")], path)
    from openpyxl import load_workbook

    from kigo_tui.formats.exit_strategy import SHEET

    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    columns = {c.value: c.column for c in sheet[1]}
    sheet.cell(row=2, column=columns["Sagsområde"]).value = case_area
    sheet.cell(row=2, column=columns["Bemærkning"]).value = comment
    workbook.save(path)


@pytest.mark.parametrize(
    ("case_area", "comment", "refusal"),
    [
        ("Pas\x9b2J", "", "række 2, kolonne 'Sagsområde': teksten indeholder et kontroltegn"),
        ("Pas\u2028Visum", "", "række 2, kolonne 'Sagsområde': teksten indeholder et linjeskift"),
        ("Pas", "note\x7f", "række 2, kolonne 'Bemærkning': teksten indeholder et kontroltegn"),
        ("Pa\u0301s [b]", "linje 1\nlinje 2", None),  # NFD is stored NFC; a note may have lines
    ],
)
def test_workbook_cells_are_cleaned_or_refused_naming_row_and_column(
    db_path: Path, tmp_path: Path, case_area: str, comment: str, refusal: str | None
) -> None:
    sheet = tmp_path / "ark.xlsx"
    _workbook(sheet, case_area, comment)
    code, out, err = run("--db", str(db_path), "exit", "import-xlsx", str(sheet))
    check_output(code, out, err, ("import-xlsx",))
    if refusal:
        assert code == 1 and refusal in err, err
        assert _stored(db_path, _newest_area) is None
    else:
        assert code == 0, err
        assert _stored(db_path, _newest_area) == "Pás [b]"


@pytest.mark.parametrize(
    ("title", "refused_by"),
    [
        ("Titel\\u001b[2J", "kontroltegn"),
        ("Titel\\nto linjer", "linjeskift"),
        ("Ti\\u0301tel", None),
    ],
)
def test_catalogue_texts_are_cleaned_or_refused_naming_the_task(
    db_path: Path, tmp_path: Path, title: str, refused_by: str | None
) -> None:
    from kigo_tui.domain.catalogue import CATALOGUE_PATH

    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    first = 'title = "Udpeg systemejer for støttesystemerne og Serviceplatformen"'
    assert first in text
    text = text.replace(first, f'title = "{title}"').replace(
        'version = "', 'version = "9', 1
    )  # a newer catalogue
    catalogue = tmp_path / "katalog.toml"
    catalogue.write_text(text, encoding="utf-8")
    code, out, err = run("--db", str(db_path), "catalogue", "import", str(catalogue), "--dry-run")
    check_output(code, out, err, ("catalogue", "import"))
    if refused_by:
        assert code == 1 and refused_by in err and "felt 'title'" in err, err
    else:
        assert code == 0, err
        from kigo_tui.domain.catalogue import load_catalogue

        assert "Títel" in {t.title for t in load_catalogue(catalogue).tasks}
