"""The status bundle's progress and defect parts: defects.json (validated on export and by
`kigo verify`) and the sheets Fremdrift, Fejl, Fejl pr. projekt and SLA in status.xlsx."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kigo_tui.__main__ import main
from kigo_tui.bundle.extras import PROGRESS_HEADERS, defects_document, progress_rows
from kigo_tui.bundle.verify import BundleError, verify_bundle
from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.sla_settings import SlaSettings
from kigo_tui.storage.defects import add_defect, list_defects, set_status
from kigo_tui.storage.progress import read_progress
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def cph(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=COPENHAGEN).astimezone(UTC)


@pytest.fixture
def with_defects(db_path: Path) -> Path:
    store = Store.open(str(db_path))
    late = add_defect(
        store, DefectInput("KY", "Udbetaling fejler", Severity.CRITICAL, cph(20, 9)), NOW
    )
    set_status(store, late.id, DefectStatus.ACKNOWLEDGED, cph(20, 10), now=NOW)
    set_status(store, late.id, DefectStatus.FIXED, cph(22, 9), now=NOW)  # 48 h: over 24 h
    add_defect(
        store,
        DefectInput(
            "SAPA", "Layout i oversigten", Severity.COSMETIC, cph(21, 10), note="CPR 010101-1234"
        ),
        NOW,
    )
    add_defect(store, DefectInput("KY", "Brev mangler", Severity.MAJOR, cph(23, 8)), NOW)
    store.close()
    return db_path


def export(db: Path, out: Path) -> Path:
    assert (
        main(["--db", str(db), "--today", FIXED_TODAY.isoformat(), "export", "--out", str(out)])
        == 0
    )
    return out


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_defects_json_and_sheets_in_the_bundle(with_defects: Path, tmp_path: Path) -> None:
    path = export(with_defects, tmp_path / "b.zip")
    verified = verify_bundle(path)
    doc = json.loads(verified.files["defects.json"])
    store = Store.open(str(with_defects))
    try:
        expected, _, _ = defects_document(list_defects(store), SlaSettings(), FIXED_TODAY)
        progress = read_progress(store, FIXED_TODAY)
    finally:
        store.close()
    assert doc == expected.model_dump(mode="json")
    assert doc["measured_at"] == "2026-11-23T23:00:00Z"  # midnight after the date, Copenhagen
    assert [d["id"] for d in doc["defects"]] == [1, 2, 3]
    first = doc["defects"][0]
    assert (first["status"], first["open"], first["resolution_breached"]) == ("fixed", False, True)
    assert first["resolution_hours_used"] == 48.0
    assert "CPR" not in verified.files["defects.json"].decode()  # the note stays at home
    figures = {f["project"]: f for f in doc["figures"]}
    # 'Brev mangler' (alvorlig, reported 08:00) has no answer by midnight: 16 h > 8 h
    assert figures["KY"] == {
        "project": "KY",
        "total": 2,
        "open": 1,
        "breached": 2,
        "open_breached": 1,
        "median_fix_hours": 48.0,
    }
    assert figures["Alle"]["total"] == 3

    with zipfile.ZipFile(path) as archive:  # verify keeps only the JSON documents it parsed
        workbook = load_workbook(io.BytesIO(archive.read("status.xlsx")))
    assert workbook.sheetnames == [
        "Opgaver",
        "Projekter",
        "Fremdrift",
        "Fejl",
        "Fejl pr. projekt",
        "SLA",
    ]
    sheet = workbook["Fremdrift"]
    assert tuple(c.value for c in sheet[1]) == PROGRESS_HEADERS
    values = [
        [c.value.date() if c.is_date else c.value for c in row]
        for row in sheet.iter_rows(min_row=2)
    ]
    assert values == progress_rows(progress)
    for row in sheet.iter_rows(min_row=2):
        assert row[2].is_date and row[2].number_format == "dd-mm-yyyy"
        assert all(c.data_type == "n" for c in row[4:] if c.value is not None)
    fejl = workbook["Fejl"]
    header = [c.value for c in fejl[1]]
    row = {h: c.value for h, c in zip(header, fejl[2], strict=True)}
    assert (row["Nr."], row["Projekt"], row["SLA"], row["Farve"]) == (1, "KY", "brudt", "rød")
    # Shown in Copenhagen time, as an Excel date-time; hours as numbers.
    assert row["Indberettet (dansk tid)"] == datetime(2026, 11, 20, 9, 0)
    reported = fejl.cell(row=2, column=header.index("Indberettet (dansk tid)") + 1)
    assert reported.is_date and reported.number_format == "dd-mm-yyyy hh:mm"
    assert isinstance(row["Alder (timer)"], float)
    sla = workbook["SLA"]
    assert all(isinstance(r[1].value, int | float) for r in sla.iter_rows(min_row=2))
    assert fejl.cell(row=2, column=header.index("Farve") + 1).fill.fill_type == "solid"
    per_project = {
        r[0].value: [c.value for c in r] for r in workbook["Fejl pr. projekt"].iter_rows(min_row=2)
    }
    assert per_project["KY"][1:5] == [2, 1, 2, 1] and per_project["I alt"][1] == 3
    assert workbook["SLA"].cell(row=2, column=1).value == "kritisk"


def test_export_is_still_deterministic_and_bundles_without_defects_have_none(
    with_defects: Path, db_path: Path, tmp_path: Path
) -> None:
    a = export(with_defects, tmp_path / "a.zip").read_bytes()
    b = export(with_defects, tmp_path / "b.zip").read_bytes()
    assert a == b
    store = Store.open(str(with_defects))
    for row in list_defects(store):
        from kigo_tui.storage.defects import delete_defect

        delete_defect(store, row.id)
    store.close()
    files = entries(export(with_defects, tmp_path / "c.zip"))
    assert "defects.json" not in files
    names = load_workbook(io.BytesIO(files["status.xlsx"])).sheetnames
    assert names == ["Opgaver", "Projekter", "Fremdrift"]


def _rezip(path: Path, name: str, data: bytes, out: Path) -> Path:
    files = entries(path)
    files[name] = data
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [
        {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in sorted(files.items())
        if n != "manifest.json"
    ]
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as archive:
        for n in sorted(files):
            archive.writestr(n, files[n])
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["figures"][0].update(open=7), "defects.json: felt '(rod)'"),
        (lambda d: d["defects"][0].update(fixed_at=None), "status 'fixed' og fixed_at"),
        (
            lambda d: d["defects"][1].update(severity="blocker"),
            "severity",
        ),
        (
            lambda d: d.update(measured_at="2026-11-24T23:00:00Z"),
            "'measured_at' er ikke udgangen af manifestets as_of",
        ),
        (
            lambda d: d["defects"][1].update(reported_at="2026-12-30T10:00:00Z"),
            "indberettet efter measured_at",
        ),
        (lambda d: d.update(targets=d["targets"][:2]), "én række for hver alvorlighed"),
    ],
)
def test_verify_rejects_a_defects_json_that_does_not_add_up(
    with_defects: Path, tmp_path: Path, change, message: str
) -> None:
    path = export(with_defects, tmp_path / "b.zip")
    doc = json.loads(entries(path)["defects.json"])
    change(doc)
    bad = _rezip(path, "defects.json", json.dumps(doc).encode(), tmp_path / "bad.zip")
    with pytest.raises(BundleError) as info:
        verify_bundle(bad)
    assert "defects.json" in str(info.value)
    assert message in str(info.value)
    assert main(["verify", str(bad)]) == 1


def test_kombit_aggregates_bundles_with_a_defect_log(with_defects: Path, tmp_path: Path) -> None:
    bundle = export(with_defects, tmp_path / "b.zip")
    out = tmp_path / "nationalt.json"
    assert main(["aggregate", str(bundle), "--out", str(out)]) == 0
    assert out.exists()
