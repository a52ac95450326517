"""Format 2 and format 3 bundles side by side: `kigo verify` and `kigo aggregate` read both.

Format 3 took a kommune's own (local) tasks off KOMBIT's follow-up list; format 2 had them on it
like KOMBIT's. KOMBIT aggregates 98 kommuner that upgrade kigo at different times, so a bundle
is checked by the rule of the format its manifest names, and a bundle that claims the other
format is refused. A format 2 bundle is made here from a real export of the demo database (which
has a red mandatory own task) by rewriting its follow-up lists, tables, schema and manifest with
format 2's rule, written out here rather than taken from the code under test.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kigo_tui.bundle.aggregate import OVERVIEW_HEADERS, aggregate
from kigo_tui.bundle.csvtext import csv_bytes as csv_text
from kigo_tui.bundle.export import (
    CSV_HEADERS,
    PROJECT_HEADERS,
    bundle_bytes,
    project_rows,
    task_rows,
)
from kigo_tui.bundle.schema import (
    FORMAT_VERSION,
    READABLE_VERSIONS,
    StatusDocument,
    follow_up_local,
    status_schema,
    status_schema_bytes,
)
from kigo_tui.bundle.verify import RULES, BundleError, verify_bundle
from kigo_tui.bundle.xlsx import xlsx_bytes
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Category, Colour, Status
from kigo_tui.storage.demo import make_demo
from kigo_tui.storage.store import Store
from tests.bundle.test_verify_meaning import rejection, rezip, tasks
from tests.support.fixed import FIXED_TODAY

Files = dict[str, bytes]
FOLLOW_UP_COLUMN = CSV_HEADERS.index("KOMBIT-opfølgning")
FORMAT_2_TASK_HEADERS = tuple(
    {
        "Slutdato": "Frist",
        "KOMBITs slutdato": "KOMBITs frist",
        "Begrundelse for flyttet slutdato": "Begrundelse for flyttet frist",
    }.get(header, header)
    for header in CSV_HEADERS
)
"""The task table's headers as the previous kigo (format 2) wrote them, written out here."""
FORMAT_HEADERS = {2: FORMAT_2_TASK_HEADERS, 3: CSV_HEADERS}
ITEM_KEYS = ("id", "title", "category", "status", "colour", "due")
OVERDUE = FIXED_TODAY - timedelta(days=20)
SOON = FIXED_TODAY + timedelta(days=3)


def _export(tmp_path_factory: pytest.TempPathFactory, code: str) -> Files:
    path = tmp_path_factory.mktemp(f"demo{code}") / "demo.db"
    store = Store.open(str(path))
    kommune = find_kommune(code)
    assert kommune is not None
    make_demo(store, kommune, shipped_catalogue(), FIXED_TODAY)
    # The kommune's own tasks: a red mandatory one (overdue) and a yellow critical one.
    store.add_local_task(
        "SAPA", 3, "Egen øvelse i borgerservice", category=Category.MANDATORY, due=OVERDUE
    )
    store.add_local_task(
        "KY", 5, "Egen test af udbetaling", category=Category.CRITICAL, due=SOON, warn_days=7
    )
    data = bundle_bytes(store.snapshot(), FIXED_TODAY)
    store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """A bundle as this kigo exports it (format 3), of the demo database for 461 Odense."""
    return _export(tmp_path_factory, "461")


def _format_2_follow_up(task: dict[str, Any]) -> bool:
    """Format 2's rule, as the previous kigo had it: every mandatory or critical red task, and
    every critical yellow one not started; a kommune's own tasks counted like KOMBIT's."""
    category, colour = Category(task["category"]), Colour(task["colour"])
    if category is Category.OPTIONAL:
        return False
    if colour is Colour.RED:
        return True
    return (
        category is Category.CRITICAL
        and colour is Colour.YELLOW
        and Status(task["status"]) is Status.NOT_STARTED
    )


def with_lists(files: Files, doc: dict[str, Any], version: int, on_list: set[str]) -> Files:
    """`files` with status.json `doc`, the tables' KOMBIT-opfølgning column saying "ja" for
    exactly the tasks in `on_list`, format `version`'s schema and manifest."""
    status = StatusDocument.model_validate(doc)
    rows = task_rows(status)
    for row in rows:
        row[FOLLOW_UP_COLUMN] = "ja" if row[CSV_HEADERS.index("Opgave-id")] in on_list else "nej"
    out = dict(files)
    out["status.json"] = json.dumps(doc, ensure_ascii=False, indent=2).encode()
    headers = FORMAT_HEADERS.get(version, CSV_HEADERS)
    out["status.csv"] = csv_text(headers, rows)
    out["status.xlsx"] = xlsx_bytes(
        [("Opgaver", headers, rows), ("Projekter", PROJECT_HEADERS, project_rows(status))],
        status.today,
    )
    out["status.schema.json"] = status_schema_bytes(version)
    manifest = json.loads(files["manifest.json"])
    manifest["format_version"] = version
    out["manifest.json"] = json.dumps(manifest).encode()
    return out


def as_format_2(files: Files, version: int = 2) -> Files:
    """`files` (a format 3 export) as the previous kigo wrote them: every follow-up list by
    format 2's rule; the manifest and schema say `version`."""
    doc = json.loads(files["status.json"])
    on_list: set[str] = set()
    for project in doc["projects"]:
        items = [t for m in project["main_tasks"] for t in m["tasks"] if _format_2_follow_up(t)]
        project["follow_up"] = [{k: t[k] for k in ITEM_KEYS} for t in items]
        on_list |= {t["id"] for t in items}
    return with_lists(files, doc, version, on_list)


def claiming(files: Files, version: int) -> Files:
    """`files` unchanged but for the format its manifest and schema name."""
    doc = json.loads(files["status.json"])
    on_list = {f["id"] for p in doc["projects"] for f in p["follow_up"]}
    return with_lists(files, doc, version, on_list)


def own_on_list(files: Files) -> list[str]:
    """The kommune's own tasks on the bundle's follow-up lists."""
    doc = json.loads(files["status.json"])
    local = {t["id"] for t in tasks(doc) if t["local"]}
    return [f["id"] for p in doc["projects"] for f in p["follow_up"] if f["id"] in local]


def write(tmp_path: Path, files: Files, name: str = "bundt.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(rezip(files))
    return path


# ------------------------------------------------------------------------------------- verify


def test_this_kigo_writes_format_3_and_reads_2_and_3() -> None:
    assert FORMAT_VERSION == 3
    assert READABLE_VERSIONS == (2, 3)


def test_a_format_2_bundle_with_an_own_red_mandatory_task_on_its_list_verifies(
    current: Files, tmp_path: Path
) -> None:
    # Seed 000: "hvis kommunen har obligatoriske opgaver med status rød" — the previous kigo
    # counted the kommune's own red mandatory task too, and KOMBIT still reads what it sent.
    old = as_format_2(current)
    assert own_on_list(old), "the demo has a red mandatory own task"
    assert own_on_list(current) == []
    bundle = verify_bundle(write(tmp_path, old), FIXED_TODAY)
    assert bundle.manifest.format_version == 2
    assert own_on_list({"status.json": bundle.status.model_dump_json().encode()})


def test_the_same_bundle_claiming_format_3_is_refused(current: Files, tmp_path: Path) -> None:
    # Seed 000: "hvis der er kommuner der ikke udfører obligatoriske opgaver" — from format 3
    # KOMBIT follows the tasks it published, not the kommune's own.
    old = as_format_2(current, version=3)
    task = own_on_list(old)[0]
    message = rejection(tmp_path, rezip(old), today=FIXED_TODAY)
    assert "regel 'opfølgning'" in message
    assert RULES["opfølgning"].text in message
    assert f"opgave {task}" in message
    assert "KOMBIT følger ikke op på den" in message


def test_a_format_3_bundle_claiming_format_2_is_refused(current: Files, tmp_path: Path) -> None:
    # Seed 000: "hvis kommunen har obligatoriske opgaver med status rød" — in format 2 the
    # kommune's own red mandatory task belongs on the list; a format 2 bundle without it lies.
    doc = json.loads(current["status.json"])
    task = next(
        t for t in tasks(doc) if t["local"] and t["colour"] == "red" and t["category"] != "optional"
    )
    message = rejection(tmp_path, rezip(claiming(current, 2)), today=FIXED_TODAY)
    assert "regel 'opfølgning'" in message
    assert f"opgave {task['id']}" in message
    assert "mangler opgaven" in message


def test_a_format_3_bundle_with_the_own_task_on_its_list_is_refused(
    current: Files, tmp_path: Path
) -> None:
    # Seed 000: "hvis der er kommuner der ikke udfører obligatoriske opgaver" (KOMBIT's tasks).
    doc = json.loads(current["status.json"])
    on_list = {f["id"] for p in doc["projects"] for f in p["follow_up"]}
    task = next(t for t in tasks(doc) if t["local"] and t["colour"] == "red")
    project = next(p for p in doc["projects"] if p["code"] == task["id"].split("-")[0])
    project["follow_up"].append({k: task[k] for k in ITEM_KEYS})
    message = rejection(
        tmp_path, rezip(with_lists(current, doc, 3, on_list | {task["id"]})), today=FIXED_TODAY
    )
    assert "regel 'opfølgning'" in message
    assert f"opgave {task['id']}" in message


def test_a_format_2_table_must_say_format_2s_follow_up(current: Files, tmp_path: Path) -> None:
    # Seed 000: "hvis kommunen har obligatoriske opgaver med status rød" — status.csv's
    # KOMBIT-opfølgning column of a format 2 bundle follows format 2's rule too.
    old = as_format_2(current)
    task = own_on_list(old)[0]
    doc = json.loads(old["status.json"])
    on_list = {f["id"] for p in doc["projects"] for f in p["follow_up"]}
    tables_say_3 = with_lists(old, doc, 2, on_list - {task})
    message = rejection(tmp_path, rezip(tables_say_3), today=FIXED_TODAY)
    assert "regel 'status-csv'" in message
    assert f"opgave {task}" in message
    assert "KOMBIT-opfølgning" in message


@pytest.mark.parametrize("version", [0, 1, 4, 99])
def test_a_version_this_kigo_does_not_read_is_refused_in_danish(
    current: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str], version: int
) -> None:
    from kigo_tui.__main__ import main

    manifest = json.loads(current["manifest.json"])
    manifest["format_version"] = version
    path = write(tmp_path, current | {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(BundleError) as info:
        verify_bundle(path, FIXED_TODAY)
    wanted = f"manifest.json: ukendt format_version {version} (denne kigo læser version 2 og 3)"
    assert wanted in str(info.value)
    assert "regel 'manifest'" in str(info.value)
    assert main(["--today", FIXED_TODAY.isoformat(), "verify", str(path)]) == 1
    assert wanted in capsys.readouterr().err


def test_the_schema_is_the_bundles_own_versions() -> None:
    two, three = status_schema(2), status_schema(3)
    assert two["$id"] == "urn:kigo:kigo-status-bundle:2:status"
    assert three["$id"] == "urn:kigo:kigo-status-bundle:3:status"
    assert {k: v for k, v in two.items() if k != "$id"} == {
        k: v for k, v in three.items() if k != "$id"
    }
    assert status_schema() == three
    assert status_schema_bytes(2) is status_schema_bytes(2)  # generated once per version
    with pytest.raises(ValueError):
        status_schema_bytes(4)


def test_a_format_3_bundle_with_format_2s_schema_is_refused(current: Files, tmp_path: Path) -> None:
    files = current | {"status.schema.json": status_schema_bytes(2)}
    message = rejection(tmp_path, rezip(files), today=FIXED_TODAY)
    assert "status.schema.json er ikke skemaet for format 3" in message
    assert "regel 'skema'" in message


@pytest.mark.parametrize("local", [False, True])
@pytest.mark.parametrize("version", READABLE_VERSIONS)
def test_the_rule_of_each_version(local: bool, version: int) -> None:
    # Seed 000: "hvis der er kommuner der ikke udfører obligatoriske opgaver" — format 2 counted
    # the kommune's own tasks like KOMBIT's; from format 3 they are the kommune's own.
    assert follow_up_local(local, version) is (local and version == 3)


# ----------------------------------------------------------------------------------- aggregate


def test_a_folder_of_format_2_and_format_3_bundles_aggregates(
    current: Files, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    # Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske
    # opgaver med status gul og rød." — KOMBIT's overview holds every kommune, whichever kigo
    # it has; what KOMBIT follows up on is what each kommune sent.
    old = as_format_2(current)  # 461 Odense, format 2
    new = _export(tmp_path_factory, "751")  # 751 Aarhus, format 3
    folder = tmp_path / "indbakke"
    folder.mkdir()
    write(folder, old, "odense.zip")
    write(folder, new, "aarhus.zip")
    result = aggregate([folder], FIXED_TODAY)
    assert result.rejected == []
    assert [k.code for k in result.kommuner] == ["461", "751"]
    follow_up_ids = {(row[0], row[4]) for row in result.follow_up_rows()}
    assert {("461", task) for task in own_on_list(old)} <= follow_up_ids
    new_local = {("751", t["id"]) for t in tasks(json.loads(new["status.json"])) if t["local"]}
    assert new_local and not new_local & follow_up_ids
    at = {h: OVERVIEW_HEADERS.index(h) for h in OVERVIEW_HEADERS}
    for files in (old, new):
        doc = json.loads(files["status.json"])
        code = doc["kommune"]["code"]
        rows = {r[at["Projekt"]]: r for r in result.overview_rows() if r[0] == code}
        for project in doc["projects"]:
            row = rows[project["code"]]
            assert row[at["KOMBIT følger op på"]] == len(project["follow_up"])
            # The report columns follow the bundle's own format, so they hold its list.
            red = sum(f["colour"] == "red" for f in project["follow_up"])
            assert row[at["Røde obligatoriske (KOMBITs rapport)"]] == red


@pytest.mark.parametrize(
    ("version", "right", "wrong"), [(2, "Frist", "Slutdato"), (3, "Slutdato", "Frist")]
)
def test_the_task_table_has_the_headers_of_the_bundles_own_format(
    current: Files, tmp_path: Path, version: int, right: str, wrong: str
) -> None:
    """Format 3 says "Slutdato" as KIGO does; format 2 said "Frist": each is read with its own
    headers, and the other's is refused."""
    # Seed 000: "En opgave bliver rød, hvis slutdato er overskredet og opgaven samtidig ikke er
    # fuldført."
    files = as_format_2(current) if version == 2 else dict(current)
    verify_bundle(write(tmp_path, files, "right.zip"), FIXED_TODAY)
    head, rest = files["status.csv"].split(b"\n", 1)
    assert f";{right};".encode() in head
    files["status.csv"] = (
        head.replace(f";{right};".encode(), f";{wrong};".encode(), 1) + b"\n" + rest
    )
    message = rejection(tmp_path, rezip(files), today=FIXED_TODAY)
    assert "regel 'status-csv'" in message
