"""The status bundle end to end: `kigo export`, `kigo verify` and `kigo aggregate` via `main()`.

Hostile bundles (zip tricks, lying manifests) are in test_bundle_hostile.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kigo_tui import __version__
from kigo_tui.__main__ import main
from kigo_tui.bundle.aggregate import aggregate
from kigo_tui.bundle.export import bundle_bytes
from kigo_tui.bundle.schema import status_schema
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Category, Status
from kigo_tui.formats.files import ExportError, write_atomically
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY, GOLIVES

BOM = b"\xef\xbb\xbf"
TODAY = FIXED_TODAY.isoformat()
BUNDLE_FILES = {"manifest.json", "status.json", "status.csv", "status.xlsx", "status.schema.json"}
CLI_BUNDLE_FILES = BUNDLE_FILES | {"organisation.json"}
"""The CLI always adds organisation.json (roles and readiness; no names without --with-contacts)."""

TASK_HEADERS = [
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Hovedopgave",
    "Hovedopgavenavn",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Status",
    "Farve",
    "Startdato",
    "Slutdato",
    "Varsel (dage)",
    "Fuldført (dansk tid)",
    "Lokal",
    "KOMBIT-opfølgning",
    "KOMBITs start",
    "KOMBITs slutdato",
    "Farve efter KOMBITs plan",
    "Begrundelse for flyttet start",
    "Begrundelse for flyttet slutdato",
]
OVERVIEW_HEADERS = [
    "Kommunekode",
    "Kommune",
    "Status pr.",
    "Projekt",
    "Farve",
    "Fuldførte opgaver",
    "Opgaver i alt",
    "Røde (alle opgaver)",
    "Gule (alle opgaver)",
    "Grønne (alle opgaver)",
    "Røde obligatoriske (KOMBITs rapport)",
    "Gule obligatoriske (KOMBITs rapport)",
    "KOMBIT følger op på",
    "Farve efter KOMBITs plan",
    "Røde efter KOMBITs plan",
    "Gule efter KOMBITs plan",
    "Grønne efter KOMBITs plan",
    "Flyttede opgaver",
]
FOLLOW_UP_HEADERS = [
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Farve",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Slutdato",
]
DANISH_COLOUR = {"green": "grøn", "yellow": "gul", "red": "rød"}
FILLS = {"grøn": "C6EFCE", "gul": "FFEB9C", "rød": "FFC7CE"}
LOCAL_TITLE = "Særlig øvelse på Ærø for åbne sager"


# ----------------------------------------------------------------------------------- helpers


def kigo(*args: object) -> int:
    return main([str(a) for a in args])


def export(db: Path, today: str, *extra: object) -> int:
    return kigo("--db", db, "--today", today, "export", *extra)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def temp_files(folder: Path) -> list[str]:
    """Leftovers of write_atomically (it writes `.kigo-*.tmp` beside the target)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".kigo-"))


def make_db(
    folder: Path,
    code: str,
    golives: dict[str, date],
    *,
    done: tuple[str, ...] = (),
    in_progress: tuple[str, ...] = (),
) -> Path:
    """An initialised database for kommune `code` in `folder`, with some statuses set."""
    path = folder / f"kigo-{code}.db"
    store = Store.open(str(path), user="testbruger")
    store.initialise(find_kommune(code), golives, shipped_catalogue())
    store.close()
    set_statuses(path, done=done, in_progress=in_progress)
    return path


def set_statuses(
    path: Path, *, done: tuple[str, ...] = (), in_progress: tuple[str, ...] = ()
) -> None:
    store = Store.open(str(path), user="testbruger")
    for task_id in done:
        store.set_status(task_id, Status.DONE)
    for task_id in in_progress:
        store.set_status(task_id, Status.IN_PROGRESS)
    store.close()


def task_ids(path: Path, project: str) -> list[str]:
    store = Store.open(str(path), user="testbruger")
    ids = [t.id for t in store.snapshot().tasks if t.project == project]
    store.close()
    return ids


def normalised(tree: dict[str, Any]) -> dict[str, Any]:
    """completed_at as datetimes: `status --json` writes '+00:00', pydantic writes 'Z'."""
    tree = json.loads(json.dumps(tree))
    for project in tree["projects"]:
        for main_task in project["main_tasks"]:
            for task in main_task["tasks"]:
                if task["completed_at"] is not None:
                    task["completed_at"] = datetime.fromisoformat(task["completed_at"])
    return tree


def all_tasks(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for p in doc["projects"] for m in p["main_tasks"] for t in m["tasks"]]


@pytest.fixture
def demo_db(demo_path: Path) -> Path:
    """The demo database (461 Odense, every colour) plus a local task with æøå in its title."""
    store = Store.open(str(demo_path), user="testbruger")
    store.add_local_task(
        "SAPA",
        3,
        LOCAL_TITLE,
        category=Category.MANDATORY,
        due=date(2026, 11, 1),
        warn_days=7,
    )
    store.close()
    return demo_path


# ----------------------------------------------------------------------------------- export


def test_export_into_a_folder_and_to_a_file(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()
    assert export(demo_db, TODAY, "--out", folder) == 0
    in_folder = folder / f"kigo-status-461-{TODAY}.zip"
    assert str(in_folder) in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [in_folder.name]

    as_file = tmp_path / "til-kombit.zip"
    assert export(demo_db, TODAY, "--out", as_file) == 0
    assert as_file.read_bytes() == in_folder.read_bytes()
    assert set(entries(as_file)) == CLI_BUNDLE_FILES
    organisation = json.loads(entries(as_file)["organisation.json"])
    assert organisation["with_contacts"] is False
    assert organisation["people"] == []


def test_export_without_out_writes_into_the_current_folder(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "arbejde"
    work.mkdir()
    monkeypatch.chdir(work)
    assert export(demo_db, TODAY) == 0
    assert [p.name for p in work.iterdir()] == [f"kigo-status-461-{TODAY}.zip"]


def test_bundle_bytes_holds_exactly_the_five_files(demo_db: Path) -> None:
    store = Store.open(str(demo_db), user="testbruger")
    data = bundle_bytes(store.snapshot(), FIXED_TODAY)
    store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(BUNDLE_FILES)


def test_manifest_lists_every_file_with_hash_and_size(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    files = entries(path)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "kigo-status-bundle"
    assert manifest["format_version"] == 3
    assert manifest["kommune_code"] == "461"
    assert manifest["kommune_name"] == "Odense"
    assert manifest["as_of"] == TODAY
    assert manifest["generator"] == f"kigo {__version__}"
    listed = {f["name"]: f for f in manifest["files"]}
    assert [f["name"] for f in manifest["files"]] == sorted(listed)
    assert set(listed) == set(files) - {"manifest.json"}
    for name, data in files.items():
        if name != "manifest.json":
            assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
            assert listed[name]["size"] == len(data), name


def test_status_json_is_the_status_tree(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kigo("--db", demo_db, "--today", TODAY, "status", "--json") == 0
    tree = json.loads(capsys.readouterr().out)
    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    doc = json.loads(entries(path)["status.json"])

    assert normalised(doc) == normalised(tree)
    # The same, spelled out for what KOMBIT reads: ids, statuses, colours, counts, follow-up.
    assert doc["kommune"] == {"code": "461", "name": "Odense"}
    assert doc["today"] == TODAY
    assert doc["colour"] == tree["colour"]
    assert doc["counts"] == tree["counts"]
    tasks = all_tasks(doc)
    assert [(t["id"], t["status"], t["colour"]) for t in tasks] == [
        (t["id"], t["status"], t["colour"]) for t in all_tasks(tree)
    ]
    assert {t["colour"] for t in tasks} == {"green", "yellow", "red"}
    assert {t["status"] for t in tasks} == {"not_started", "in_progress", "done"}
    for task in tasks:
        assert (task["completed_at"] is not None) == (task["status"] == "done"), task["id"]
    local = [t for t in tasks if t["local"]]
    assert [t["title"] for t in local] == [LOCAL_TITLE]
    assert local[0]["id"].startswith("SAPA-03-L")
    for project, tree_project in zip(doc["projects"], tree["projects"], strict=True):
        assert project["counts"] == tree_project["counts"]
        assert project["follow_up"] == tree_project["follow_up"]
        in_project = [t for m in project["main_tasks"] for t in m["tasks"]]
        assert project["counts"]["total"] == len(in_project)
        assert project["counts"]["done"] == sum(t["status"] == "done" for t in in_project)
        for task in project["follow_up"]:
            assert task["category"] != "optional"
            assert task["colour"] in ("red", "yellow")
    # Seed 000: "hvis der er kommuner der ikke udfører obligatoriske opgaver" — KOMBIT follows
    # the tasks it published; the kommune's own (here red and critical) task is not on its list.
    assert local[0]["local"] and local[0]["colour"] != "green"
    assert local[0]["category"] != "optional"
    assert local[0]["id"] not in {f["id"] for p in doc["projects"] for f in p["follow_up"]}


def test_status_csv_is_danish_with_bom_and_semicolons(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    files = entries(path)
    raw = files["status.csv"]
    assert raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8")
    assert text.splitlines()[0] == ";".join(TASK_HEADERS)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == TASK_HEADERS
    body = rows[1:]
    doc = json.loads(files["status.json"])
    tasks = all_tasks(doc)
    assert len(body) == doc["counts"]["total"] == len(tasks)
    assert [r[5] for r in body] == [t["id"] for t in tasks]
    assert all(len(r) == len(TASK_HEADERS) for r in body)
    assert {r[0] for r in body} == {"461"}
    assert {r[1] for r in body} == {"Odense"}
    assert {r[9] for r in body} == {"grøn", "gul", "rød"}
    assert {r[8] for r in body} == {"ikke påbegyndt", "påbegyndt", "fuldført"}
    local = [r for r in body if r[14] == "ja"]
    assert [r[6] for r in local] == [LOCAL_TITLE]
    assert local[0][7] == "obligatorisk"
    # Seed 000: "hvis der er kommuner der ikke udfører obligatoriske opgaver" — the kommune's
    # own task, mandatory and overdue, is not one KOMBIT follows up (README, Reglerne)
    assert local[0][15] == "nej"
    for row, task in zip(body, tasks, strict=True):
        assert row[9] == DANISH_COLOUR[task["colour"]]


def test_status_xlsx_has_frozen_header_filter_and_colour_fills(
    demo_db: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    files = entries(path)
    workbook = load_workbook(io.BytesIO(files["status.xlsx"]))
    assert workbook.sheetnames == [
        "Opgaver",
        "Projekter",
        "Fremdrift",
    ]  # no defects: no Fejl sheets
    sheet = workbook["Opgaver"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header == TASK_HEADERS
    colour_col = header.index("Farve") + 1
    tasks = all_tasks(json.loads(files["status.json"]))
    assert sheet.max_row == len(tasks) + 1
    seen = set()
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=colour_col)
        seen.add(cell.value)
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith(FILLS[cell.value]), (row, cell.value)
    assert seen == {"grøn", "gul", "rød"}
    titles = [sheet.cell(row=r, column=header.index("Titel") + 1).value for r in range(2, 400)]
    assert LOCAL_TITLE in titles
    projects = workbook["Projekter"]
    assert projects.freeze_panes == "A2"
    assert projects.auto_filter.ref
    assert projects.max_row == 1 + 4


def test_status_xlsx_holds_the_csv_rows_with_their_types(demo_db: Path, tmp_path: Path) -> None:
    """Every cell of 'Opgaver' is the CSV's value: numbers as numbers, empty text as empty cells."""
    from openpyxl import load_workbook

    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    files = entries(path)
    text = files["status.csv"][len(BOM) :].decode("utf-8")
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    numeric = {TASK_HEADERS.index("Hovedopgave"), TASK_HEADERS.index("Varsel (dage)")}
    dates = {
        TASK_HEADERS.index(h)
        for h in ("Startdato", "Slutdato", "KOMBITs start", "KOMBITs slutdato")
    }
    moments = {TASK_HEADERS.index("Fuldført (dansk tid)")}

    def typed(i: int, v: str) -> object:
        if not v:
            return None
        if i in numeric:
            return int(v)
        if i in dates | moments:
            return datetime.fromisoformat(v)  # openpyxl reads every Excel date as a datetime
        return v

    expected = [[typed(i, v) for i, v in enumerate(row)] for row in csv_rows]
    workbook = load_workbook(io.BytesIO(files["status.xlsx"]))
    sheet = workbook["Opgaver"]
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # The xlsx keeps the seconds of a completion time; the CSV shows it to the minute.
    assert [
        [v.replace(second=0) if i in moments and v else v for i, v in enumerate(row)] for row in got
    ] == expected
    assert {type(v) for row in got for v in row} == {str, int, datetime, type(None)}
    for row in sheet.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if cell.value is None:
                continue
            assert cell.is_date == (i in dates | moments), (i, cell.value)
            if i in dates:
                assert cell.number_format == "dd-mm-yyyy"
            if i in moments:
                assert cell.number_format == "dd-mm-yyyy hh:mm"
            if i in numeric:
                assert cell.data_type == "n"
    assert sheet.auto_filter.ref == f"A1:U{len(expected) + 1}"
    assert all(2 < d.width <= 60 for d in sheet.column_dimensions.values())
    doc = json.loads(files["status.json"])
    projects = [[c.value for c in row] for row in workbook["Projekter"].iter_rows(min_row=2)]
    assert [(p[0], p[3], p[4], p[5]) for p in projects] == [
        (p["code"], DANISH_COLOUR[p["colour"]], p["counts"]["done"], p["counts"]["total"])
        for p in doc["projects"]
    ]


def test_schema_file_is_the_status_schema(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    assert json.loads(entries(path)["status.schema.json"]) == status_schema()


def test_status_json_validates_against_the_shipped_schema(demo_db: Path, tmp_path: Path) -> None:
    """With format checking on: dates, and timestamps with their UTC offset (rfc3339-validator)."""
    import jsonschema

    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    files = entries(path)
    schema = json.loads(files["status.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers
    jsonschema.validate(json.loads(files["status.json"]), schema, format_checker=checker)


def test_export_is_deterministic_and_follows_the_data(demo_db: Path, tmp_path: Path) -> None:
    first, second, third = (tmp_path / f"{n}.zip" for n in ("a", "b", "c"))
    assert export(demo_db, TODAY, "--out", first) == 0
    time.sleep(1.05)  # any 1.05 s crosses a second boundary: wall-clock leaks would show
    assert export(demo_db, TODAY, "--out", second) == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist() == sorted(archive.namelist())

    target = next(
        t for t in all_tasks(json.loads(entries(first)["status.json"])) if t["status"] != "done"
    )
    assert kigo("--db", demo_db, "--today", TODAY, "done", target["id"]) == 0
    assert export(demo_db, TODAY, "--out", third) == 0
    assert third.read_bytes() != first.read_bytes()
    changed = {t["id"]: t["status"] for t in all_tasks(json.loads(entries(third)["status.json"]))}
    assert changed[target["id"]] == "done"


def test_export_never_overwrites_without_force(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()
    path = folder / "bundt.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    original = path.read_bytes()
    capsys.readouterr()

    later = "2026-12-01"  # another date: the new bundle would differ
    assert export(demo_db, later, "--out", path) == 1
    err = capsys.readouterr().err
    assert "findes allerede" in err
    assert "--force" in err
    assert path.read_bytes() == original
    assert temp_files(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == ["bundt.zip"]

    assert export(demo_db, later, "--out", path, "--force") == 0
    assert path.read_bytes() != original
    assert json.loads(entries(path)["manifest.json"])["as_of"] == later
    assert sorted(p.name for p in folder.iterdir()) == ["bundt.zip"]


def test_export_into_a_missing_folder_fails_and_writes_nothing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()
    assert export(demo_db, TODAY, "--out", folder / "findes-ikke" / "b.zip") == 1
    assert "findes ikke" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(b"gammel")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kigo_tui.bundle.export.os.replace", broken_replace)
    with pytest.raises(ExportError, match=r"No space left.*intet er gemt"):
        write_atomically(path, b"ny", force=True)
    assert path.read_bytes() == b"gammel"
    assert temp_files(tmp_path) == []


# ----------------------------------------------------------------------------------- verify


def test_verify_a_good_bundle(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.zip"
    assert export(demo_db, TODAY, "--out", path) == 0
    capsys.readouterr()
    before = sorted(tmp_path.rglob("*"))
    assert kigo("verify", path) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.splitlines()) == 1
    assert out.startswith("b.zip: gyldig")
    assert "Odense (461)" in out
    assert f"pr. {FIXED_TODAY:%d-%m-%Y}" in out  # a person reads dd-mm-åååå
    total = json.loads(entries(path)["status.json"])["counts"]["total"]
    assert f"{total} opgaver" in out
    assert sorted(tmp_path.rglob("*")) == before


# ----------------------------------------------------------------------------------- aggregate

OLD, NEW = "2026-10-01", "2026-11-23"
FLEET = {
    "101": GOLIVES,
    "751": {"STS": date(2026, 11, 1), "KSD": date(2027, 6, 1)},
    "851": {"SAPA": date(2027, 1, 15)},
}


@pytest.fixture(scope="module")
def fleet_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three kommuner, each exported on OLD and (after more work) on NEW into one folder.

    Built once per module (through the CLI, with HOME isolated like the autouse fixture does);
    tests get a copy via `inbox`.
    """
    root = tmp_path_factory.mktemp("fleet")
    folder = root / "indbakke"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(root / "home"))
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(root / "home" / var.lower()))
        for var in ("KIGO_DB", "KIGO_TODAY"):
            mp.delenv(var, raising=False)
        for n, (code, golives) in enumerate(FLEET.items()):
            db = make_db(root, code, golives)
            sts, sapa = task_ids(db, "STS"), task_ids(db, "SAPA")
            set_statuses(db, done=tuple(sts[: 3 + n]), in_progress=tuple(sapa[:2]))
            assert export(db, OLD, "--out", folder) == 0
            # More work before the newer export, different per kommune.
            set_statuses(db, done=tuple(sts[3 + n : 10 + 5 * n]) + tuple(sapa[: 4 * n]))
            assert export(db, NEW, "--out", folder) == 0
    return folder


@pytest.fixture
def inbox(fleet_folder: Path, tmp_path: Path) -> dict[str, dict[str, Path]]:
    """A fresh copy of the fleet's folder: {code: {"old": path, "new": path}}."""
    folder = tmp_path / "indbakke"
    shutil.copytree(fleet_folder, folder)
    assert len(list(folder.iterdir())) == 6
    return {
        code: {
            "old": folder / f"kigo-status-{code}-{OLD}.zip",
            "new": folder / f"kigo-status-{code}-{NEW}.zip",
        }
        for code in FLEET
    }


def bundle_doc(path: Path) -> dict[str, Any]:
    return json.loads(entries(path)["status.json"])


def expected_overview(fleet: dict[str, dict[str, Path]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for code in sorted(fleet):
        doc = bundle_doc(fleet[code]["new"])
        for project in doc["projects"]:
            by = project["counts"]["by_colour"]
            rows.append(
                [
                    code,
                    doc["kommune"]["name"],
                    doc["today"],
                    project["code"],
                    DANISH_COLOUR[project["colour"]],
                    project["counts"]["done"],
                    project["counts"]["total"],
                    by["red"],
                    by["yellow"],
                    by["green"],
                    *expected_in_report(project),
                    len(project["follow_up"]),
                    *expected_baseline_view(project),
                ]
            )
    return rows


def expected_in_report(project: dict) -> list[int]:
    """Red and yellow in KOMBIT's report, from status.json's tasks.

    Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske opgaver
    med status gul og rød." — KOMBIT's own tasks only, not the kommune's local ones."""
    tasks = [t for m in project["main_tasks"] for t in m["tasks"]]
    seen = [t["colour"] for t in tasks if not t["local"] and t["category"] != "optional"]
    return [seen.count("red"), seen.count("yellow")]


def typed_overview(fleet: dict[str, dict[str, Path]]) -> list[list[object]]:
    """The overview as the xlsx holds it: 'Status pr.' is a date."""
    at = OVERVIEW_HEADERS.index("Status pr.")
    return [
        [date.fromisoformat(v) if i == at else v for i, v in enumerate(row)]
        for row in expected_overview(fleet)
    ]


def expected_baseline_view(project: dict) -> list[object]:
    """KOMBIT's view of a project from status.json's tasks: the worst baseline colour and the
    counts per baseline colour (catalogue tasks), and the tasks with a moved date."""
    tasks = [t for m in project["main_tasks"] for t in m["tasks"]]
    colours = [t["baseline_colour"] for t in tasks if not t["local"]]
    worst = next((c for c in ("red", "yellow", "green") if c in colours), "green")
    moved = [
        t
        for t in tasks
        if not t["local"]
        and any(
            t[f"baseline_{d}"] is not None and t[d] != t[f"baseline_{d}"] for d in ("start", "due")
        )
    ]
    return [
        DANISH_COLOUR[worst],
        colours.count("red"),
        colours.count("yellow"),
        colours.count("green"),
        len(moved),
    ]


def expected_follow_up(fleet: dict[str, dict[str, Path]]) -> set[tuple[str, str]]:
    return {
        (code, task["id"])
        for code in fleet
        for project in bundle_doc(fleet[code]["new"])["projects"]
        for task in project["follow_up"]
    }


def test_aggregate_keeps_the_newest_bundle_per_kommune(
    inbox: dict[str, dict[str, Path]],
) -> None:
    folder = inbox["101"]["new"].parent
    result = aggregate([folder])
    assert result.rejected == []
    assert [k.code for k in result.kommuner] == ["101", "751", "851"]
    assert [k.path for k in result.kommuner] == [inbox[c]["new"] for c in sorted(inbox)]
    assert {k.today.isoformat() for k in result.kommuner} == {NEW}
    assert sorted(result.superseded) == sorted(inbox[c]["old"] for c in inbox)

    # The kommuner really differ: colours and counts are each bundle's own.
    overview = result.overview_rows()
    assert overview == typed_overview(inbox)
    assert len(overview) == 3 * 4
    assert len({tuple(r[4:]) for r in overview}) > 4
    # The old bundles had fewer tasks done; the overview must show the new counts.
    for code in inbox:
        old_done = bundle_doc(inbox[code]["old"])["counts"]["done"]
        new_done = bundle_doc(inbox[code]["new"])["counts"]["done"]
        assert new_done > old_done
        assert sum(r[5] for r in overview if r[0] == code) == new_done

    follow_up = result.follow_up_rows()
    wanted = expected_follow_up(inbox)
    assert wanted
    assert {(r[0], r[4]) for r in follow_up} == wanted
    assert len(follow_up) == len(wanted)
    order = {"rød": 0, "gul": 1}
    assert [order[r[3]] for r in follow_up] == sorted(order[r[3]] for r in follow_up)


def test_aggregate_newest_wins_whatever_the_input_order(
    inbox: dict[str, dict[str, Path]],
) -> None:
    paths = [inbox[c][age] for age in ("new", "old") for c in ("851", "101", "751")]
    result = aggregate(paths)
    assert [k.path for k in result.kommuner] == [inbox[c]["new"] for c in sorted(inbox)]
    assert sorted(result.superseded) == sorted(inbox[c]["old"] for c in inbox)


def test_aggregate_cli_writes_json(
    inbox: dict[str, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = inbox["101"]["new"].parent
    out = tmp_path / "overblik.json"
    assert kigo("aggregate", folder, "--out", out) == 0
    stdout, stderr = capsys.readouterr()
    assert stderr == ""
    assert "3 kommuner" in stdout
    assert "0 bundter afvist, 3 erstattet af nyere" in stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["kommuner"] == 3
    assert data["rejected"] == []
    assert [[row[h] for h in OVERVIEW_HEADERS] for row in data["overview"]] == expected_overview(
        inbox
    )
    assert {(r["Kommunekode"], r["Opgave-id"]) for r in data["follow_up"]} == expected_follow_up(
        inbox
    )
    assert len(data["follow_up"]) == len(expected_follow_up(inbox))
    assert {r["Kommune"] for r in data["overview"]} == {"København", "Aarhus", "Aalborg"}


def test_aggregate_cli_writes_csv(inbox: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    folder = inbox["101"]["new"].parent
    out = tmp_path / "overblik.csv"
    assert kigo("aggregate", folder, "--out", out) == 0

    def table(path: Path) -> list[list[str]]:
        raw = path.read_bytes()
        assert raw.startswith(BOM)
        return list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8")), delimiter=";"))

    # One table per file, each with its header and nothing else.
    assert sorted(p.name for p in tmp_path.glob("overblik*")) == [
        "overblik-filer.csv",
        "overblik-flyttede.csv",
        "overblik-opfølgning.csv",
        "overblik.csv",
    ]
    rows = table(out)
    assert rows[0] == OVERVIEW_HEADERS
    assert rows[1:] == [[str(v) for v in r] for r in expected_overview(inbox)]
    follow_rows = table(tmp_path / "overblik-opfølgning.csv")
    assert follow_rows[0] == FOLLOW_UP_HEADERS
    follow_up = follow_rows[1:]
    assert [] not in follow_up
    moved = table(tmp_path / "overblik-flyttede.csv")
    assert moved[0][:4] == ["Kommunekode", "Kommune", "Projekt", "Opgave-id"]
    assert {(r[0], r[4]) for r in follow_up} == expected_follow_up(inbox)
    assert len(follow_up) == len(expected_follow_up(inbox))
    files = table(tmp_path / "overblik-filer.csv")
    assert files[0] == ["Fil", "Udfald", "Begrundelse"]
    assert sorted(r[0] for r in files[1:]) == sorted(
        str(p) for c in inbox for p in inbox[c].values()
    )
    assert {r[1] for r in files[1:]} == {"læst"}
    assert "København" in out.read_bytes().decode("utf-8-sig")


def test_aggregate_cli_writes_xlsx(inbox: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = inbox["101"]["new"].parent
    out = tmp_path / "overblik.xlsx"
    assert kigo("aggregate", folder, "--out", out) == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Overblik", "Opfølgning", "Flyttede datoer", "Filer"]
    overview = workbook["Overblik"]
    assert [c.value for c in overview[1]] == OVERVIEW_HEADERS
    assert overview.freeze_panes == "A2"
    assert overview.auto_filter.ref
    values = [
        [c.value.date() if c.is_date else c.value for c in row]
        for row in overview.iter_rows(min_row=2)
    ]
    assert values == typed_overview(inbox)
    for row in overview.iter_rows(min_row=2):
        assert row[OVERVIEW_HEADERS.index("Status pr.")].number_format == "dd-mm-yyyy"
        counts = [
            c for h, c in list(zip(OVERVIEW_HEADERS, row, strict=True))[5:] if "Farve" not in h
        ]
        assert counts and all(c.data_type == "n" for c in counts)
    colour_col = OVERVIEW_HEADERS.index("Farve") + 1
    for row in range(2, overview.max_row + 1):
        cell = overview.cell(row=row, column=colour_col)
        assert cell.fill.fgColor.rgb.endswith(FILLS[cell.value])
    follow_up = workbook["Opfølgning"]
    assert [c.value for c in follow_up[1]] == FOLLOW_UP_HEADERS
    got = {(r[0].value, r[4].value) for r in follow_up.iter_rows(min_row=2)}
    assert got == expected_follow_up(inbox)
    due = FOLLOW_UP_HEADERS.index("Slutdato")
    dues = [r[due] for r in follow_up.iter_rows(min_row=2) if r[due].value is not None]
    assert dues and all(c.is_date and c.number_format == "dd-mm-yyyy" for c in dues)
    order = {"rød": 0, "gul": 1}
    keys = [(order[r[3].value], r[due].value) for r in follow_up.iter_rows(min_row=2)]
    assert keys == sorted(keys)  # red first, then by due date
    assert follow_up.max_row == len(got) + 1
    files = workbook["Filer"]
    assert [c.value for c in files[1]] == ["Fil", "Udfald", "Begrundelse"]
    assert files.max_row == 1 + 6
    assert {r[1].value for r in files.iter_rows(min_row=2)} == {"læst"}


def test_aggregate_reports_a_bad_bundle_and_keeps_the_rest(
    inbox: dict[str, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = inbox["101"]["new"].parent
    broken = folder / "kigo-status-461-2026-11-30.zip"
    broken.write_text("ikke en zip\n", encoding="utf-8")
    # A tampered newer bundle must not supersede the good one it was copied from.
    files = entries(inbox["751"]["new"])
    files["status.csv"] = files["status.csv"].replace(b"Aarhus", b"Aarhuz", 1)
    tampered = folder / "kigo-status-751-2026-12-24.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)

    out = tmp_path / "overblik.xlsx"
    assert kigo("aggregate", folder, "--out", out) == 0
    stdout, stderr = capsys.readouterr()
    assert f"kigo: afvist: {broken}: er ikke en gyldig zip-fil" in stderr
    assert f"kigo: afvist: {tampered}: status.csv: SHA-256 passer ikke" in stderr
    assert "2 bundter afvist" in stdout

    result = aggregate([folder])
    assert sorted(p for p, _ in result.rejected) == sorted([broken, tampered])
    assert [k.path for k in result.kommuner] == [inbox[c]["new"] for c in sorted(inbox)]
    assert result.overview_rows() == typed_overview(inbox)

    from openpyxl import load_workbook

    sheet = load_workbook(out)["Filer"]
    listed = {row[0].value: (row[1].value, row[2].value) for row in sheet.iter_rows(min_row=2)}
    assert {f for f, (outcome, _) in listed.items() if outcome == "afvist"} == {
        str(broken),
        str(tampered),
    }
    assert "SHA-256" in listed[str(tampered)][1]


def test_aggregate_with_only_bad_bundles_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    (folder / "a.zip").write_bytes(b"")
    (folder / "b.zip").write_bytes(b"PK\x03\x04 afkortet")
    out = tmp_path / "overblik.json"
    assert kigo("aggregate", folder, "--out", out) == 1
    err = capsys.readouterr().err
    assert err.count("kigo: afvist:") == 2
    assert "ingen gyldige bundter" in err
    assert not out.exists()
    assert temp_files(tmp_path) == []


def test_aggregate_never_overwrites_without_force(
    inbox: dict[str, dict[str, Path]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = inbox["101"]["new"].parent
    out = tmp_path / "overblik.json"
    out.write_text("gammelt", encoding="utf-8")
    assert kigo("aggregate", folder, "--out", out) == 1
    assert "findes allerede" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "gammelt"
    assert kigo("aggregate", folder, "--out", out, "--force") == 0
    assert json.loads(out.read_text(encoding="utf-8"))["kommuner"] == 3
    assert temp_files(tmp_path) == []
