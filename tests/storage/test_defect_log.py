"""The defect log: storage (history, versions, consistent status) and `kigo defect` from the shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectError, DefectInput
from kigo_tui.storage.defects import (
    add_defect,
    delete_defect,
    get_defect,
    list_defects,
    save_defect,
    set_status,
    to_input,
)
from kigo_tui.storage.store import ConflictError, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def cph(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(UTC)


@pytest.fixture
def store(db_path: Path):
    store = Store.open(str(db_path))
    yield store
    store.close()


def _history(store: Store, key: str) -> list[tuple[str, str | None, str | None]]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT field, old, new FROM history WHERE task_id = :k ORDER BY id"),
                {"k": key},
            )
        ]


def test_add_answer_fix_reopen_with_history(store: Store) -> None:
    revision = store.revision()
    row = add_defect(
        store,
        DefectInput(
            " ky ",
            "  Udbetaling   fejler ",
            Severity.CRITICAL,
            cph(11, 20, 9),
            supplier_ref=" INC-7 ",
        ),
        NOW,
    )
    assert (row.project, row.title, row.supplier_ref, row.status) == (
        "KY",
        "Udbetaling fejler",
        "INC-7",
        DefectStatus.REPORTED,
    )
    assert store.revision() == revision + 1
    answered = set_status(store, row.id, DefectStatus.ACKNOWLEDGED, cph(11, 20, 10), now=NOW)
    assert answered.responded_at == cph(11, 20, 10) and answered.version == 2
    fixed = set_status(store, row.id, DefectStatus.FIXED, cph(11, 21, 8), now=NOW)
    assert fixed.fixed_at == cph(11, 21, 8) and fixed.responded_at == cph(11, 20, 10)
    reopened = set_status(store, row.id, DefectStatus.ACKNOWLEDGED, now=NOW)
    assert reopened.fixed_at is None and reopened.responded_at == cph(11, 20, 10)
    assert reopened.reported_at == cph(11, 20, 9)  # the clock keeps its original start
    history = _history(store, f"FEJL-{row.id}")
    assert history[0] == ("oprettet", None, "Udbetaling fejler")
    assert ("status", "reported", "acknowledged") in history
    assert ("rettet", "2026-11-21 08:00", None) in history  # the old fix time is kept
    deleted = delete_defect(store, row.id)
    assert list_defects(store) == []
    assert _history(store, f"FEJL-{row.id}")[-1][0] == "slettet"
    assert deleted.title in _history(store, f"FEJL-{row.id}")[-1][1]


def test_straight_to_fixed_sets_the_response_too(store: Store) -> None:
    row = add_defect(
        store,
        DefectInput("SAPA", "Layout", Severity.COSMETIC, cph(11, 20, 9), status=DefectStatus.FIXED),
        NOW,
    )
    assert row.status == DefectStatus.FIXED
    assert row.fixed_at == row.responded_at == NOW


def test_a_stale_version_is_refused(store: Store) -> None:
    row = add_defect(store, DefectInput("KY", "A", Severity.MINOR, cph(11, 20, 9)), NOW)
    save_defect(
        store, row.id, DefectInput("KY", "B", Severity.MINOR, cph(11, 20, 9)), row.version, NOW
    )
    with pytest.raises(ConflictError, match="ændret af en anden"):
        save_defect(store, row.id, to_input(row), row.version, NOW)
    assert get_defect(store, row.id).title == "B"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "   "}, "felt 'titel': må ikke være tom"),
        ({"project": "XYZ"}, "ukendt projekt: 'XYZ'"),
        ({"reported_at": NOW + timedelta(hours=2)}, "felt 'indberettet'"),
        (
            {"status": DefectStatus.ACKNOWLEDGED, "responded_at": cph(11, 19)},
            "ligger før indberetningen",
        ),
        ({"status": DefectStatus.FIXED, "fixed_at": cph(11, 19)}, "felt 'rettet'"),
        ({"status": DefectStatus.REPORTED, "fixed_at": cph(11, 21)}, "kan ikke være indberettet"),
        (
            {"status": DefectStatus.FIXED, "responded_at": cph(11, 22), "fixed_at": cph(11, 21)},
            "ligger efter rettelsen",
        ),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_stored(
    store: Store, change: dict, message: str
) -> None:
    values = {
        "project": "KY",
        "title": "Fejl",
        "severity": Severity.MAJOR,
        "reported_at": cph(11, 20, 9),
    }
    with pytest.raises(DefectError, match=message):
        add_defect(store, DefectInput(**(values | change)), NOW)
    assert list_defects(store) == []


# ------------------------------------------------------------------ CLI


def kigo(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", "2026-11-23", *args])


def test_cli_round_trip(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        kigo(
            db_path,
            "defect",
            "add",
            "--project",
            "ky",
            "--title",
            "Udbetaling fejler",
            "--severity",
            "kritisk",
            "--reported",
            "2026-11-20 09:00",
            "--ref",
            "INC-1",
        )
        == 0
    )
    assert "Registreret fejl 1 (KY)" in capsys.readouterr().out
    assert (
        kigo(
            db_path,
            "defect",
            "add",
            "--project",
            "SAPA",
            "--title",
            "Layout",
            "--severity",
            "kosmetisk",
            "--reported",
            "20-11-2026 10:00",
        )
        == 0
    )
    assert (
        kigo(
            db_path,
            "defect",
            "set",
            "FEJL-1",
            "--status",
            "under behandling",
            "--at",
            "2026-11-20 10:30",
        )
        == 0
    )
    assert (
        kigo(
            db_path,
            "defect",
            "set",
            "1",
            "--status",
            "rettet",
            "--at",
            "2026-11-22 09:00",
            "--note",
            "hotfix 3.2",
        )
        == 0
    )
    capsys.readouterr()
    assert kigo(db_path, "defect", "list") == 0
    out = capsys.readouterr().out
    assert "SLA målt i kalendertid" in out
    assert "svar: ● svar efter 1 t 30 min (mål 2 t)" in out
    assert "løsning: ■ rettet efter 2 d 0 t (mål 24 t)" in out  # 48 h > 24 h
    assert "[INC-1]" in out
    assert kigo(db_path, "defect", "list", "--open") == 0
    out = capsys.readouterr().out
    assert "Layout" in out and "Udbetaling" not in out
    assert kigo(db_path, "defect", "summary") == 0
    out = capsys.readouterr().out
    assert "KY: 1 fejl, 0 åbne, 1 med SLA-brud (0 åbne), median tid til rettelse 2 d 0 t" in out
    assert "kritisk          svar inden 2 t" in out
    assert kigo(db_path, "defect", "list", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in doc["defects"]] == [1, 2]
    assert "note" not in doc["defects"][0]  # the kommune's note stays at home
    assert doc["defects"][0]["resolution_breached"] is True
    assert kigo(db_path, "defect", "delete", "2") == 0
    assert "Slettet fejl 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("add", "--project", "KY", "--title", "x", "--severity", "blocker"),
            2,
            "ukendt alvorlighed 'blocker'",
        ),
        (
            (
                "add",
                "--project",
                "KY",
                "--title",
                "x",
                "--severity",
                "minor",
                "--reported",
                "i går",
            ),
            2,
            "ugyldigt tidspunkt: 'i går'",
        ),
        (
            (
                "add",
                "--project",
                "KY",
                "--title",
                "x",
                "--severity",
                "minor",
                "--reported",
                "2026-03-29 02:30",
            ),
            2,
            "findes ikke i dansk tid",
        ),
        (
            ("add", "--project", "KY", "--title", "x", "--severity", "minor", "--status", "lukket"),
            2,
            "ukendt status 'lukket'",
        ),
        (("set", "7", "--title", "x"), 1, "ukendt fejl: 7"),
        (("set", "abc", "--title", "x"), 2, "'abc' er ikke et fejlnummer"),
        (("set", "1"), 1, "intet at ændre"),
        (("set", "1", "--at", "nu", "--title", "y"), 1, "--at hører til --status"),
    ],
)
def test_cli_errors_are_danish_and_change_nothing(
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    assert (
        kigo(db_path, "defect", "add", "--project", "KY", "--title", "Fejl", "--severity", "minor")
        == 0
    )
    before = db_path.read_bytes()
    capsys.readouterr()
    if code == 2:  # argparse refuses the argument before anything runs
        with pytest.raises(SystemExit) as info:
            kigo(db_path, "defect", *args)
        assert info.value.code == 2
    else:
        assert kigo(db_path, "defect", *args) == 1
    assert message in capsys.readouterr().err
    assert db_path.read_bytes() == before
