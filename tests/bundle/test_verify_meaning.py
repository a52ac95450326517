"""`kigo verify` checks what a bundle means: one crafted bundle per rule (kigo_tui.bundle.verify.RULES).

Each bundle is a real export of the demo database (every colour and status), with status.json (or
another part) changed in one way and the manifest made honest again, so only the meaning is wrong.
Every rejection is a BundleError naming the part, the task where there is one, and the rule.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.bundle.export import CSV_HEADERS, PROJECT_HEADERS, project_rows, task_rows
from kigo_tui.bundle.schema import StatusDocument
from kigo_tui.bundle.verify import RULES, BundleError, verify_bundle
from kigo_tui.bundle.xlsx import xlsx_bytes
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.storage.demo import make_demo
from kigo_tui.storage.store import Store
from tests.bundle.test_verify_schema import WRONG_VALUES, _mutate, _paths
from tests.support.fixed import FIXED_TODAY

Files = dict[str, bytes]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """The entries of a real bundle of the demo database for 461 Odense on FIXED_TODAY."""
    from kigo_tui.bundle.export import bundle_bytes

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(str(path))
    make_demo(store, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
    data = bundle_bytes(store.snapshot(), FIXED_TODAY)
    store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(files: Files, manifest_changes: dict[str, Any] | None = None) -> bytes:
    """The files with an honest manifest (hashes and sizes of these files)."""
    manifest = json.loads(files["manifest.json"])
    content = {k: v for k, v in files.items() if k != "manifest.json"}
    manifest["files"] = [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(content.items())
    ]
    manifest.update(manifest_changes or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for name, data in sorted(content.items()):
            archive.writestr(name, data)
    return out.getvalue()


def tasks(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for p in doc["projects"] for m in p["main_tasks"] for t in m["tasks"]]


def with_status(good: Files, change: Callable[[dict[str, Any]], str | None]) -> tuple[Files, str]:
    """`good` with status.json changed by `change`, which returns the task id it touched."""
    doc = json.loads(good["status.json"])
    task = change(doc)
    files = dict(good)
    files["status.json"] = json.dumps(doc, ensure_ascii=False, indent=2).encode()
    return files, task or ""


def rejection(tmp_path: Path, data: bytes, **kwargs: Any) -> str:
    path = tmp_path / "bundt.zip"
    path.write_bytes(data)
    with pytest.raises(BundleError) as info:
        verify_bundle(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "Traceback" not in message
    return message


def first(doc: dict[str, Any], **where: Any) -> dict[str, Any]:
    return next(t for t in tasks(doc) if all(t[k] == v for k, v in where.items()))


# ------------------------------------------------------------------------- status.json mutations


def _colour(doc: dict[str, Any]) -> str:
    task = first(doc, colour="red")
    task["colour"] = "green"
    return task["id"]


def _level_colour(doc: dict[str, Any]) -> str | None:
    main = next(m for p in doc["projects"] for m in p["main_tasks"] if m["colour"] == "red")
    main["colour"] = "yellow"
    return None


def _kommune_colour(doc: dict[str, Any]) -> None:
    doc["colour"] = "green"


def _count(doc: dict[str, Any]) -> None:
    doc["projects"][0]["counts"]["done"] += 1


def _count_by_colour(doc: dict[str, Any]) -> None:
    doc["counts"]["by_colour"]["green"] -= 1
    doc["counts"]["by_colour"]["yellow"] += 1


def _follow_up_dropped(doc: dict[str, Any]) -> str:
    project = next(p for p in doc["projects"] if p["follow_up"])
    return project["follow_up"].pop(0)["id"]


def _follow_up_changed(doc: dict[str, Any]) -> str:
    project = next(p for p in doc["projects"] if p["follow_up"])
    project["follow_up"][0]["title"] = "Noget andet"
    return project["follow_up"][0]["id"]


def _follow_up_extra(doc: dict[str, Any]) -> str:
    task = first(doc, colour="green", category="optional")
    project = next(p for p in doc["projects"] if p["code"] == task["id"].split("-")[0])
    project["follow_up"].append(
        {k: task[k] for k in ("id", "title", "category", "status", "colour", "due")}
    )
    return task["id"]


def _duplicate_id(doc: dict[str, Any]) -> str:
    main = doc["projects"][0]["main_tasks"][0]
    main["tasks"].append(copy.deepcopy(main["tasks"][0]))
    return main["tasks"][0]["id"]


def _wrong_main(doc: dict[str, Any]) -> str:
    mains = doc["projects"][0]["main_tasks"]
    task = mains[1]["tasks"].pop(0)
    mains[0]["tasks"].insert(0, task)
    return task["id"]


def _not_in_catalogue(doc: dict[str, Any]) -> str:
    task = doc["projects"][0]["main_tasks"][0]["tasks"][0]
    task["id"] = task["id"][:-2] + "99"
    return task["id"]


def _local_flag(doc: dict[str, Any]) -> str:
    task = doc["projects"][0]["main_tasks"][0]["tasks"][0]
    task["local"] = True
    return task["id"]


def _start_after_due(doc: dict[str, Any]) -> str:
    task = next(t for t in tasks(doc) if t["due"] and t["start"])
    task["start"] = "2099-01-01"
    return task["id"]


def _done_without_time(doc: dict[str, Any]) -> str:
    task = first(doc, status="done")
    task["completed_at"] = None
    return task["id"]


def _time_without_done(doc: dict[str, Any]) -> str:
    task = first(doc, status="in_progress")
    task["completed_at"] = "2026-11-20T09:30:00Z"
    return task["id"]


def _duplicate_project(doc: dict[str, Any]) -> None:
    doc["projects"].append(copy.deepcopy(doc["projects"][0]))


STATUS_CASES: list[tuple[str, Callable[[dict[str, Any]], str | None]]] = [
    ("farve", _colour),
    ("samlet-farve", _level_colour),
    ("samlet-farve", _kommune_colour),
    ("optælling", _count),
    ("optælling", _count_by_colour),
    ("opfølgning", _follow_up_dropped),
    ("opfølgning", _follow_up_changed),
    ("opfølgning", _follow_up_extra),
    ("opgave-id", _duplicate_id),
    ("placering", _wrong_main),
    ("placering", _not_in_catalogue),
    ("lokal", _local_flag),
    ("datoer", _start_after_due),
    ("fuldført", _done_without_time),
    ("fuldført", _time_without_done),
    ("struktur", _duplicate_project),
]


@pytest.mark.parametrize(
    ("rule", "change"), STATUS_CASES, ids=[c[1].__name__ for c in STATUS_CASES]
)
def test_a_status_json_that_says_something_else_is_rejected(
    good: Files, tmp_path: Path, rule: str, change: Callable[[dict[str, Any]], str | None]
) -> None:
    files, task = with_status(good, change)
    message = rejection(tmp_path, rezip(files))
    assert f"regel '{rule}'" in message
    assert RULES[rule].text in message
    assert "status.json" in message
    if task:
        assert f"opgave {task}" in message


def test_the_good_bundle_and_an_honest_rezip_verify(good: Files, tmp_path: Path) -> None:
    path = tmp_path / "god.zip"
    path.write_bytes(rezip(good))
    assert verify_bundle(path, FIXED_TODAY).status.kommune.code == "461"


def test_a_kommune_that_is_not_one_of_the_98_or_has_another_name(
    good: Files, tmp_path: Path
) -> None:
    for code, name in (("100", "Odense"), ("461", "Andeby"), ("0461", "Odense")):
        files, _ = with_status(good, lambda d, c=code, n=name: d["kommune"].update(code=c, name=n))
        message = rejection(tmp_path, rezip(files, {"kommune_code": code, "kommune_name": name}))
        assert "regel 'kommune'" in message or "regel 'felter'" in message  # 0461: not 3 digits
        assert "status.json" in message


def test_a_bundle_dated_after_the_day_of_the_check(good: Files, tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(rezip(good))
    verify_bundle(path, FIXED_TODAY - timedelta(days=1))  # one day of slack
    message = rejection(tmp_path, rezip(good), today=FIXED_TODAY - timedelta(days=2))
    assert "regel 'dato'" in message
    assert FIXED_TODAY.strftime("%d-%m-%Y") in message  # a person reads dd-mm-åååå


def test_the_cli_takes_the_day_of_the_check_from_today(
    good: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kigo_tui.__main__ import main

    path = tmp_path / "b.zip"
    path.write_bytes(rezip(good))
    assert main(["--today", FIXED_TODAY.isoformat(), "verify", str(path)]) == 0
    monkeypatch.setenv("KIGO_TODAY", (FIXED_TODAY - timedelta(days=5)).isoformat())
    assert main(["verify", str(path)]) == 1
    assert "regel 'dato'" in capsys.readouterr().err


def test_the_manifest_and_status_json_name_the_same_kommune(good: Files, tmp_path: Path) -> None:
    message = rejection(tmp_path, rezip(good, {"kommune_name": "Andeby"}))
    assert "regel 'manifest-status'" in message


# ------------------------------------------------------------------------------- other parts


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"warn_days": 14', b'"warn_days": NaN'),
        (b'"warn_days": 14', b'"warn_days": Infinity'),
        (b'"warn_days": 14', b'"warn_days": -Infinity'),
        (b'{\n  "kommune"', b'{\n  "today": "2026-11-23",\n  "kommune"'),  # a duplicate key
    ],
)
def test_non_json_numbers_and_duplicate_keys_are_rejected(
    good: Files, tmp_path: Path, old: bytes, new: bytes
) -> None:
    assert old in good["status.json"]
    files = dict(good)
    files["status.json"] = good["status.json"].replace(old, new, 1)
    message = rejection(tmp_path, rezip(files))
    assert "regel 'json'" in message
    assert "status.json" in message


def test_duplicate_keys_in_the_manifest_are_rejected(good: Files, tmp_path: Path) -> None:
    data = rezip(good)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    files["manifest.json"] = files["manifest.json"].replace(b"{", b'{"generator": "x", ', 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    message = rejection(tmp_path, out.getvalue())
    assert "manifest.json" in message
    assert "regel 'json'" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("warn_days", "14"), ("local", "false"), ("warn_days", 14.5), ("due", "20261123")],
)
def test_loose_values_are_rejected(good: Files, tmp_path: Path, field: str, value: Any) -> None:
    files, _ = with_status(good, lambda d: tasks(d)[0].__setitem__(field, value))
    message = rejection(tmp_path, rezip(files))
    assert "regel 'felter'" in message
    assert field in message


@pytest.mark.parametrize("missing", ["status.csv", "status.xlsx", "status.schema.json"])
def test_a_missing_core_file_is_rejected(good: Files, tmp_path: Path, missing: str) -> None:
    files = {k: v for k, v in good.items() if k != missing}
    message = rejection(tmp_path, rezip(files))
    assert f"{missing} mangler" in message
    assert "regel 'kernefiler'" in message


@pytest.mark.parametrize(
    "name",
    [
        "CON",
        "nul.txt",
        "Com1.json",
        "LPT9.csv",
        "bilag.",
        "bilag ",
        "a:b",
        'a"b',
        "x\x7fy",
        "e\u0301.txt",
    ],
)
def test_entry_names_that_are_not_plain_are_rejected(
    good: Files, tmp_path: Path, name: str
) -> None:
    files = dict(good) | {name: b"bilag"}
    message = rejection(tmp_path, rezip(files))
    assert "regel 'postnavn'" in message
    assert "posten" in message


def test_plain_names_that_look_alike_are_fine(good: Files, tmp_path: Path) -> None:
    for name in ("console.txt", "COM10.txt", "bilag.txt", "\u00e9.txt"):
        path = tmp_path / "b.zip"
        path.write_bytes(rezip(dict(good) | {name: b"bilag"}))
        verify_bundle(path, FIXED_TODAY)


def test_a_status_csv_with_another_row_is_rejected(good: Files, tmp_path: Path) -> None:
    doc = json.loads(good["status.json"])
    task = tasks(doc)[3]
    files = dict(good)
    files["status.csv"] = good["status.csv"].replace(task["title"].encode(), b"Noget helt andet", 1)
    message = rejection(tmp_path, rezip(files))
    assert "regel 'status-csv'" in message
    assert f"opgave {task['id']}" in message
    assert "status.csv" in message


def _sheets(good: Files, change: Callable[[list[list[Any]]], None] | None = None) -> bytes:
    doc = StatusDocument.model_validate(json.loads(good["status.json"]))
    rows = task_rows(doc)
    if change:
        change(rows)
    return xlsx_bytes(
        [("Opgaver", CSV_HEADERS, rows), ("Projekter", PROJECT_HEADERS, project_rows(doc))],
        doc.today,
    )


def test_a_status_xlsx_with_another_row_is_rejected(good: Files, tmp_path: Path) -> None:
    doc = json.loads(good["status.json"])
    task = tasks(doc)[5]
    files = dict(good)
    files["status.xlsx"] = _sheets(
        good, lambda rows: rows[5].__setitem__(9, "grøn" if rows[5][9] != "grøn" else "rød")
    )
    message = rejection(tmp_path, rezip(files))
    assert "regel 'status-xlsx'" in message
    assert f"opgave {task['id']}" in message
    assert "kolonne 'Farve'" in message


def test_an_xlsx_with_dates_in_the_other_form_holds_the_same_rows(
    good: Files, tmp_path: Path
) -> None:
    """Another writer's forms compare equal: dates as Excel dates or as ISO text in the xlsx
    (read back with openpyxl), whichever the export does not write;
    the ' before a formula-like cell: test_same_cell_reads_every_form_of_a_value."""
    from datetime import date

    start, due = CSV_HEADERS.index("Startdato"), CSV_HEADERS.index("Slutdato")

    def real_dates(rows: list[list[Any]]) -> None:
        for row in rows:
            for column in (start, due):
                value = row[column]  # the other form: ISO text for a date, a date for text
                if isinstance(value, date):
                    row[column] = value.isoformat()
                elif value:
                    row[column] = date.fromisoformat(value)

    files = dict(good)
    files["status.xlsx"] = _sheets(good, real_dates)
    path = tmp_path / "b.zip"
    path.write_bytes(rezip(files))
    verify_bundle(path, FIXED_TODAY)


def test_same_cell_reads_every_form_of_a_value() -> None:
    from datetime import date, datetime

    from kigo_tui.bundle.verify import same_cell

    assert same_cell("2026-11-23", 46349)  # the Excel serial of 2026-11-23
    assert same_cell("2026-11-23", datetime(2026, 11, 23))
    assert same_cell("2026-11-20 09:30", 46346 + 9.5 / 24)
    assert same_cell(date(2026, 11, 23), "2026-11-23")
    assert same_cell(14, "14") and same_cell(14, 14.0)
    assert same_cell("=SUM(A1)", "'=SUM(A1)") and same_cell("'=x", "'=x")
    assert same_cell("", None) and same_cell(None, "")
    assert not same_cell("2026-11-23", 46350)
    assert not same_cell(14, "15") and not same_cell("a", "'a")
    assert not same_cell("=SUM(A1)", "''=SUM(A1)")


def test_every_rule_has_a_crafted_bundle_here_or_in_the_hostile_tests() -> None:
    here = {rule for rule, _ in STATUS_CASES} | {
        "kommune",
        "dato",
        "manifest-status",
        "json",
        "felter",
        "kernefiler",
        "postnavn",
        "status-csv",
        "status-xlsx",
    }
    # zip, posttype, poststørrelse, dublet-post, manifest, hash, skema: tests/bundle/test_bundle_hostile.py
    # fejllog: tests/bundle/test_bundle_beyond.py
    elsewhere = {"zip", "posttype", "poststørrelse", "dublet-post", "manifest", "hash", "skema"}
    # farve-plan, plan-lokal, begrundelse (KOMBIT's baseline): tests/storage/test_baseline.py
    elsewhere |= {"farve-plan", "plan-lokal", "begrundelse"}
    assert here | elsewhere | {"fejllog"} == set(RULES)


def test_a_task_under_the_wrong_hovedopgave_with_another_catalogue(
    good: Files, tmp_path: Path
) -> None:
    """With a catalogue kigo does not ship, the id alone places the task."""

    def change(doc: dict[str, Any]) -> str:
        doc["catalogue_version"] = "et-andet-katalog"
        return _wrong_main(doc)

    files, task = with_status(good, change)
    message = rejection(tmp_path, rezip(files))
    assert "regel 'placering'" in message
    assert f"opgave {task}" in message


def test_a_kommune_code_that_only_looks_like_one(good: Files) -> None:
    """'461\\n' passes the schema's pattern (Python's $), and find_kommune would read it as 461."""
    from kigo_tui.bundle.verify import check_status

    doc = json.loads(good["status.json"])
    doc["kommune"]["code"] = "461\n"
    status = StatusDocument.model_validate(doc)
    with pytest.raises(BundleError, match="regel 'kommune'"):
        check_status(Path("b.zip"), status, FIXED_TODAY)


def test_an_xlsx_with_more_sheets_is_compared_without_reading_cells(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's own workbook with sheets after Opgaver and Projekter (the defect log's) is
    recognised part by part; openpyxl is only for workbooks another writer made."""
    import openpyxl

    from kigo_tui.bundle.export import bundle_bytes

    store = Store.open(str(demo_path))
    sheets = [("Fejl", ("Titel", "Timer"), [["Login fejler", 26], ["Brev", 3]])]
    data = bundle_bytes(store.snapshot(), FIXED_TODAY, extra_sheets=sheets)
    store.close()

    def no_openpyxl(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was used")

    monkeypatch.setattr(openpyxl, "load_workbook", no_openpyxl)
    path = tmp_path / "b.zip"
    path.write_bytes(data)
    assert verify_bundle(path, FIXED_TODAY).status.kommune.code == "461"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"as_of": 20261123}, "as_of"), ({"generator": 1}, "generator")],
)
def test_loose_values_in_the_manifest_are_rejected(
    good: Files, tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    message = rejection(tmp_path, rezip(good, change))
    assert "manifest.json" in message
    assert "regel 'felter'" in message
    assert field in message


def test_a_file_size_as_text_in_the_manifest_is_rejected(good: Files, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(rezip(good))) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(entries["manifest.json"])
    manifest["files"][0]["size"] = str(manifest["files"][0]["size"])
    entries["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    message = rejection(tmp_path, out.getvalue())
    assert "manifest.json" in message
    assert "regel 'felter'" in message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_field_mutation_is_accepted_or_refused_never_a_crash(
    good: Files, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """A field of status.json set to another value (of its own or another type): verify answers
    with a BundleError naming a rule, or accepts; nothing else escapes."""
    doc = json.loads(good["status.json"])
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    value = data.draw(st.one_of(st.sampled_from(WRONG_VALUES), st.integers(-3, 400)), label="value")
    changed = _mutate(doc, path, "set", value)
    files = dict(good) | {"status.json": json.dumps(changed, ensure_ascii=False).encode()}
    bundle = tmp_path_factory.mktemp("fuzz") / "b.zip"
    bundle.write_bytes(rezip(files))
    try:
        verify_bundle(bundle, FIXED_TODAY)
    except BundleError as exc:
        assert "(regel '" in str(exc)
