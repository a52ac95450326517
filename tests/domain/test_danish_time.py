"""One clock for people: every moment a person reads is Danish time, and says so; JSON stays UTC.

Checked around both daylight-saving changes: on 2026-10-25 00:30 UTC and 01:30 UTC both read
02.30 in Copenhagen (summer time, then winter time); on 2027-03-28 00:30 UTC reads 01.30 and
01:30 UTC reads 03.30 (02.xx does not exist that night). The CSV, the xlsx, the CLI and the TUI's
detail pane all show these local times; status.json and defects.json keep UTC with an offset.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kigo_tui.__main__ import main
from kigo_tui.bundle.csvtext import BOM
from kigo_tui.bundle.export import CSV_HEADERS, bundle_bytes
from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.rules import Colour, Status
from kigo_tui.domain.times import clock_text, excel_moment, local_text
from kigo_tui.models.readmodels import HistoryRow, TaskDetail
from kigo_tui.storage.defects import add_defect
from kigo_tui.storage.store import Store
from tests.support.fleet import kommune, synthetic_snapshot

MOMENTS = {
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC): datetime(2026, 10, 25, 2, 30),  # summer time
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC): datetime(2026, 10, 25, 2, 30),  # winter time
    datetime(2027, 3, 28, 0, 30, tzinfo=UTC): datetime(2027, 3, 28, 1, 30),  # winter time
    datetime(2027, 3, 28, 1, 30, tzinfo=UTC): datetime(2027, 3, 28, 3, 30),  # summer time
}
AS_OF = date(2027, 3, 29)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))
def test_shown_moments_are_copenhagen_time(moment: datetime) -> None:
    utc = moment.replace(tzinfo=UTC)
    want = utc.astimezone(COPENHAGEN)
    assert excel_moment(utc) == want.replace(tzinfo=None)
    assert local_text(utc) == f"{want:%d-%m-%Y %H:%M}"
    assert clock_text(utc) == f"{want:%d-%m-%Y} kl. {want:%H.%M} (dansk tid)"


def test_around_daylight_saving_the_helpers_show_local_time() -> None:
    for utc, local in MOMENTS.items():
        assert excel_moment(utc) == local
        assert local_text(utc) == f"{local:%d-%m-%Y %H:%M}"
    assert (
        clock_text(datetime(2027, 3, 28, 1, 30, tzinfo=UTC)) == "28-03-2027 kl. 03.30 (dansk tid)"
    )


@pytest.fixture(scope="module")
def dst_bundle() -> dict[str, bytes]:
    """A bundle whose first four tasks were completed at MOMENTS (a DB-free snapshot)."""
    snapshot = synthetic_snapshot(kommune("461"), 300, AS_OF)
    for i, moment in enumerate(MOMENTS):
        snapshot.tasks[i] = replace(snapshot.tasks[i], status=Status.DONE, completed_at=moment)
    return unzip(bundle_bytes(snapshot, AS_OF))


def test_status_csv_and_xlsx_show_completion_in_danish_time(dst_bundle: dict[str, bytes]) -> None:
    done_col = CSV_HEADERS.index("Fuldført (dansk tid)")
    assert CSV_HEADERS[done_col].endswith("(dansk tid)")
    text = dst_bundle["status.csv"].decode("utf-8").removeprefix(BOM)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    sheet = load_workbook(io.BytesIO(dst_bundle["status.xlsx"]))["Opgaver"]
    cells = list(sheet.iter_rows(min_row=2))
    doc = json.loads(dst_bundle["status.json"])
    stored = {
        t["id"]: t["completed_at"]
        for p in doc["projects"]
        for m in p["main_tasks"]
        for t in m["tasks"]
    }
    by_id = {row[5]: (row, cell_row) for row, cell_row in zip(rows, cells, strict=True)}
    seen = 0
    for task_id, at in stored.items():
        if at is None:
            continue
        utc = datetime.fromisoformat(at)
        assert utc.utcoffset() is not None and utc.utcoffset().total_seconds() == 0, at
        row, cell_row = by_id[task_id]
        local = excel_moment(utc)
        assert row[done_col] == f"{local:%Y-%m-%d %H:%M}"
        cell = cell_row[done_col]
        assert cell.is_date and cell.number_format == "dd-mm-yyyy hh:mm"
        assert cell.value == local.replace(microsecond=0)
        if utc in MOMENTS:
            assert local == MOMENTS[utc]
            seen += 1
    assert seen == len(MOMENTS)


def test_cli_and_defect_sheet_show_danish_time_and_json_stays_utc(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(str(db_path))
    now = datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    for i, moment in enumerate(MOMENTS):
        add_defect(store, DefectInput("KY", f"Fejl {i}", Severity.MINOR, moment), now)
    store.close()
    db = ["--db", str(db_path), "--today", AS_OF.isoformat()]
    assert main([*db, "defect", "list"]) == 0
    out = capsys.readouterr().out
    assert "(alle tider i dansk tid)" in out
    for local in MOMENTS.values():
        assert f"indberettet {local:%d-%m-%Y %H:%M}" in out
    assert out.count("indberettet 25-10-2026 02:30") == 2

    bundle = tmp_path / "b.zip"
    assert main([*db, "export", "--out", str(bundle)]) == 0
    files = unzip(bundle.read_bytes())
    defects = json.loads(files["defects.json"])
    assert sorted(datetime.fromisoformat(d["reported_at"]) for d in defects["defects"]) == sorted(
        MOMENTS
    )
    assert all(d["reported_at"].endswith(("Z", "+00:00")) for d in defects["defects"])
    sheet = load_workbook(io.BytesIO(files["status.xlsx"]))["Fejl"]
    header = [c.value for c in sheet[1]]
    col = header.index("Indberettet (dansk tid)")
    cells = [row[col] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(MOMENTS.values())
    assert all(c.is_date and c.number_format == "dd-mm-yyyy hh:mm" for c in cells)


async def test_the_detail_pane_shows_completion_and_history_in_danish_time() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from kigo_tui.widgets.detail import DetailPane

    class Pane(App[None]):
        def compose(self) -> ComposeResult:
            yield DetailPane()

    snapshot = synthetic_snapshot(kommune("461"), 300, AS_OF)
    summer, winter = list(MOMENTS)[:2]
    task = replace(snapshot.tasks[0], status=Status.DONE, completed_at=winter)
    history = [
        HistoryRow("status", "in_progress", "done", winter.replace(tzinfo=None), "anne"),
        HistoryRow("status", "not_started", "in_progress", summer.replace(tzinfo=None), "anne"),
    ]
    detail = TaskDetail(task, "Beskrivelse", False, False, None, history=history)
    app = Pane()
    async with app.run_test() as pilot:
        app.query_one(DetailPane).show_task(detail, Colour.GREEN)
        await pilot.pause()
        body = str(app.query_one("#detail-text", Static).render())
        shown = str(app.query_one("#detail-history", Static).render())
    assert "Fuldført: 25-10-2026 kl. 02.30 (dansk tid)" in body
    assert "UTC" not in body
    assert "Historik (dansk tid)" in shown
    assert "25-10-2026 02:30 anne: status påbegyndt → fuldført" in shown
    assert "25-10-2026 02:30 anne: status ikke påbegyndt → påbegyndt" in shown


def test_kigo_backups_shows_when_each_was_taken_in_danish_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Backup names carry a UTC stamp (they sort in time order across the autumn change, when
    Danish time repeats an hour); the listing a person reads says when, in Danish time."""
    db = tmp_path / "k.db"
    assert main(["--db", str(db), "--today", "2026-11-23", "demo"]) == 0
    folder = tmp_path / "kigo-backups"
    folder.mkdir()
    for moment in MOMENTS:
        stamp = moment.strftime("%Y%m%d-%H%M%S-000000")
        (folder / f"k-{stamp}-manuel.db").write_bytes(db.read_bytes())
    capsys.readouterr()
    assert main(["--db", str(db), "backups"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Taget (dansk tid)  Fil"
    shown = [line.split("  ")[0] for line in lines[1:]]
    expected = [f"{MOMENTS[m]:%d-%m-%Y %H:%M}" for m in sorted(MOMENTS, reverse=True)]
    assert shown == expected
