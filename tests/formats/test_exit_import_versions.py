"""The KMD Sag sheet's import never overwrites a colleague's change unseen (issue 14, point 3).

`kigo exit export-xlsx` writes each row's version in the column "Version"; `import-xlsx` refuses
(nothing saved, one transaction) a sheet with a row whose area a colleague changed after the
export, naming the row and the fields, unless `--force`. The user and the colleague are separate
`kigo` processes; every database test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.formats.exit_strategy import COLUMNS, SHEET, VERSION, CaseAreaImportError, read_import
from kigo_tui.storage.exit_strategy import get_area, history_key, save_area
from kigo_tui.storage.store import Store
from tests.support.backends import Database

ME, COLLEAGUE = "testbruger", "kollega"
TABLES = ("case_area", "history")


def kigo(db: Database, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`kigo --db DB ARGS` as `user`, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "kigo_tui", "--db", db.url, *args],
        env={**os.environ, "KIGO_USER": user},
        capture_output=True,
        text=True,
        timeout=120,
    )


def history(db: Database, area_id: int, user: str) -> list[tuple[str, str | None, str | None]]:
    return db.query(
        'SELECT field, old, new FROM history WHERE task_id = :key AND "user" = :user ORDER BY id',
        {"key": history_key(area_id), "user": user},
    )


def set_cells(path: Path, changes: dict[tuple[int, str], object]) -> None:
    """Write (row, header) → value into the sheet, as a user filling it in would."""
    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    column = {c.value: c.column for c in sheet[1]}
    for (row, header), value in changes.items():
        sheet.cell(row=row, column=column[header], value=value)
    workbook.save(path)


@pytest.fixture
def two_areas(kigo_db: Database) -> list[int]:
    store = Store.open(kigo_db.url, user=ME)
    try:
        ids = [
            save_area(store, CaseArea(field_area="Børn", case_area=name, kle=kle)).id
            for name, kle in (("Underretninger", "27.24.00"), ("Pas", "27.12"))
        ]
    finally:
        store.close()
    return [i for i in ids if i is not None]


def test_an_older_sheet_is_refused_and_force_writes_it(
    kigo_db: Database, two_areas: list[int]
) -> None:
    first, second = two_areas
    sheet = kigo_db.workdir / "dok.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    assert [a.id for a in read_import(sheet).areas] == [first, second]
    assert read_import(sheet).versions == {first: 1, second: 1}
    # the user fills in the sheet: the first row's comment, the second row's case workers
    set_cells(sheet, {(2, "Bemærkning"): "fra arket", (3, "Antal sagsbehandlere"): 12})
    done = kigo(kigo_db, COLLEAGUE, "exit", "edit", str(first), "--caseworkers", "7")
    assert done.returncode == 0, done.stderr
    before = kigo_db.dump(TABLES)

    for dry in ((), ("--dry-run",)):
        refused = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet), *dry)
        assert refused.returncode == 1, refused.stdout
        message = refused.stderr
        assert "Traceback" not in message and "intet er gemt" in message
        assert f"række 2, id {first} 'Underretninger'" in message
        assert "arket har version 1, databasen version 2" in message
        assert "Antal sagsbehandlere: i databasen nu '7', arket siger '0'" in message
        assert "Bemærkning: i databasen nu '—', arket siger 'fra arket'" in message
        assert f"id {second}" not in message  # unchanged since the export: not a conflict
        assert "export-xlsx" in message and "--force" in message
        # nothing saved, not even the second row, whose version still matches
        assert kigo_db.dump(TABLES) == before
    assert history(kigo_db, first, COLLEAGUE) == [("caseworkers", "0", "7")]

    forced = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "0 tilføjet, 2 opdateret" in forced.stdout
    rows = kigo_db.query("SELECT id, caseworkers, comment, version FROM case_area ORDER BY id")
    assert rows == [(first, 0, "fra arket", 3), (second, 12, "", 2)]
    assert history(kigo_db, first, COLLEAGUE) == [("caseworkers", "0", "7")]
    assert history(kigo_db, first, ME)[-2:] == [
        ("caseworkers", "7", "0"),
        ("comment", None, "fra arket"),
    ]


def test_a_sheet_of_the_current_version_updates_and_raises_the_version(
    kigo_db: Database, two_areas: list[int]
) -> None:
    first, _ = two_areas
    assert (
        kigo(kigo_db, COLLEAGUE, "exit", "edit", str(first), "--caseworkers", "7").returncode == 0
    )
    sheet = kigo_db.workdir / "dok.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    assert read_import(sheet).versions[first] == 2
    set_cells(sheet, {(2, "Antal sagsbehandlere"): 9})
    done = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "Version" not in done.stdout  # versions checked: no warning
    assert kigo_db.query(
        "SELECT caseworkers, version FROM case_area WHERE id = :i", {"i": first}
    ) == [(9, 3)]
    # the same sheet again is now older than the database, but writes nothing new: accepted
    again = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet))
    assert again.returncode == 0, again.stderr


def test_a_sheet_without_versions_still_imports(kigo_db: Database, two_areas: list[int]) -> None:
    first, second = two_areas
    sheet = kigo_db.workdir / "dok.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    workbook = load_workbook(sheet)
    headers = [c.value for c in workbook[SHEET][1]]
    workbook[SHEET].delete_cols(headers.index(VERSION.header) + 1)
    workbook.save(sheet)
    set_cells(sheet, {(3, "Antal sagsbehandlere"): 12})
    assert (
        kigo(kigo_db, COLLEAGUE, "exit", "edit", str(first), "--caseworkers", "7").returncode == 0
    )
    done = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "0 tilføjet, 2 opdateret" in done.stdout
    assert "arket har ingen kolonne 'Version'" in done.stdout
    rows = kigo_db.query("SELECT id, caseworkers FROM case_area ORDER BY id")
    assert rows == [(first, 0), (second, 12)]  # as before versions: the sheet's values

    # KOMBIT's blank template: no Id, no Version; its rows are added
    template = kigo_db.workdir / "skabelon.xlsx"
    blank = Workbook()
    blank.active.title = SHEET
    blank.active.append([c.header for c in COLUMNS if c.field != "id"])
    blank.active.append(["Miljø", "Jordforurening", "09.17"])
    blank.save(template)
    added = kigo(kigo_db, ME, "exit", "import-xlsx", str(template))
    assert added.returncode == 0, added.stderr
    assert "1 tilføjet, 0 opdateret" in added.stdout and "Version" not in added.stdout


def test_a_version_that_is_not_a_whole_number_is_named(
    kigo_db: Database, two_areas: list[int]
) -> None:
    sheet = kigo_db.workdir / "dok.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    set_cells(sheet, {(3, "Version"): "to"})
    before = kigo_db.dump(TABLES)
    for dry in ((), ("--dry-run",)):
        refused = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet), *dry)
        assert refused.returncode == 1
        assert refused.stderr.strip() == (
            "kigo: fejl: dok.xlsx: række 3, kolonne 'Version': 'to' er ikke en version "
            "(et helt tal fra 1, som eksporten skrev)"
        )
    assert kigo_db.dump(TABLES) == before


BAD_VERSIONS = st.one_of(
    st.text(  # no digits, so never a number; '=…' would be a formula
        st.characters(categories=("L", "P", "S", "Zs")), min_size=1, max_size=12
    ).filter(lambda t: t.strip() and not t.startswith("=")),
    st.integers(-(10**15) + 1, 0),  # beyond 15 digits the reader itself refuses the cell
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    st.booleans(),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bad=BAD_VERSIONS, row=st.integers(2, 4))
def test_any_bad_version_names_its_row_and_column(tmp_path: Path, bad: object, row: int) -> None:
    path = tmp_path / "dok.xlsx"
    workbook = Workbook()
    workbook.active.title = SHEET
    workbook.active.append(["Id", "Version", *(c.header for c in COLUMNS if c.field != "id")])
    for number in range(1, 4):
        version = bad if number + 1 == row else number
        workbook.active.append([number, version, "Børn", f"Område {number}", "27.24"])
    workbook.save(path)
    with pytest.raises(CaseAreaImportError) as refused:
        read_import(path)
    assert (refused.value.row, refused.value.column) == (row, "Version")
    assert "Traceback" not in str(refused.value)


def test_versions_read_back_as_exported(kigo_db: Database, two_areas: list[int]) -> None:
    first, second = two_areas
    assert kigo(kigo_db, COLLEAGUE, "exit", "edit", str(second), "--comment", "a").returncode == 0
    store = Store.open(kigo_db.url, user=ME)
    try:
        versions = {i: get_area(store, i)[1] for i in (first, second)}
    finally:
        store.close()
    sheet = kigo_db.workdir / "dok.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    imported = read_import(sheet)
    assert imported.versions == versions == {first: 1, second: 2}
    assert imported.rows == {first: 2, second: 3} and imported.has_version_column


def test_a_sheet_from_before_schema_10_imports_and_keeps_the_newer_fields(
    kigo_db: Database, two_areas: list[int]
) -> None:
    """A sheet exported before the To-be, TSA and cleanup columns existed still imports; the
    fields it has no column for keep what the database holds."""
    # Seed 004 (R3, As-is 5): "Er jeres fagsystemløsning en del af monopolbruddet (KMD Aktiv
    # eller KMD Sygedagpenge) og TSA aftalen (KMD Boligstøtte, ...)?"
    first, _ = two_areas
    done = kigo(
        kigo_db,
        ME,
        "exit",
        "edit",
        str(first),
        "--tsa",
        "--tender-when",
        "2028",
        "--users",
        "mange",
        "--priority",
        "2",
    )
    assert done.returncode == 0, done.stderr
    sheet = kigo_db.workdir / "gammel.xlsx"
    assert kigo(kigo_db, ME, "exit", "export-xlsx", "--out", str(sheet)).returncode == 0
    workbook = load_workbook(sheet)
    headers = [c.value for c in workbook[SHEET][1]]
    for column in reversed([c for c in COLUMNS if c.optional]):
        workbook[SHEET].delete_cols(headers.index(column.header) + 1)
        headers.remove(column.header)
    workbook.save(sheet)
    set_cells(sheet, {(2, "Bemærkning"): "fra det gamle ark"})
    imported = read_import(sheet)
    assert imported.missing_fields == {c.field for c in COLUMNS if c.optional}
    done = kigo(kigo_db, ME, "exit", "import-xlsx", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "0 tilføjet, 2 opdateret" in done.stdout and "ældre udgave af kigo" in done.stdout
    rows = kigo_db.query(
        "SELECT comment, tsa_agreement, tender_when, own_user_band, own_priority "
        "FROM case_area WHERE id = :i",
        {"i": first},
    )
    assert rows == [("fra det gamle ark", True, "2028", "many", 2)]
