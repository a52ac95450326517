"""Seed 003 from the shell: `kigo done`/`kigo set --status done` refuse a go-live task while a
critical defect is open past its SLA (naming it) unless `--trods-fejl` is given; the defect log
says its SLA targets are examples and which day it is measured on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.rules import Status
from kigo_tui.storage.store import Store


def kigo(db: Path, *args: str) -> int:
    return main(["--db", str(db), "--today", "2026-11-23", *args])


def status(db: Path, task_id: str) -> Status:
    store = Store.open(str(db))
    try:
        return store.task(task_id).status
    finally:
        store.close()


def add_critical(db: Path, project: str = "KY") -> None:
    assert (
        kigo(
            db,
            "defect",
            "add",
            "--project",
            project,
            "--title",
            "Udbetaling fejler",
            "--severity",
            "kritisk",
            "--reported",
            "2026-11-20 09:00",
            "--ref",
            "INC-9",
        )
        == 0
    )


def test_go_live_task_is_not_done_past_a_critical_defects_sla_without_the_flag(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA' … Hvis den ikke er det, så er opgaven ikke løst."
    add_critical(db_path)  # critical, 24 h to fix, still open at the end of 23-11-2026
    capsys.readouterr()
    assert kigo(db_path, "done", "KY-10-01") != 0
    err = capsys.readouterr().err
    assert "fejl 1 «Udbetaling fejler» [INC-9]" in err
    assert "--trods-fejl" in err
    assert status(db_path, "KY-10-01") != Status.DONE
    assert kigo(db_path, "set", "KY-16-01", "--status", "done") != 0
    assert "fejl 1" in capsys.readouterr().err
    assert status(db_path, "KY-16-01") != Status.DONE
    # not a go-live task, or a go-live task of another project: nothing to confirm
    assert kigo(db_path, "done", "KY-07-01") == 0
    assert kigo(db_path, "done", "SAPA-10-01") == 0
    # confirmed: done
    assert kigo(db_path, "done", "KY-10-01", "--trods-fejl") == 0
    assert status(db_path, "KY-10-01") == Status.DONE
    # fixed: no question any more
    assert (
        kigo(db_path, "defect", "set", "1", "--status", "rettet", "--at", "2026-11-22 10:00") == 0
    )
    assert kigo(db_path, "done", "KY-16-01") == 0
    assert status(db_path, "KY-16-01") == Status.DONE


def test_defect_log_says_the_day_it_means_and_that_targets_are_examples(
    db_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    # Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    # til 'SLA', dvs det aftalte serviceniveau."
    add_critical(db_path)
    capsys.readouterr()
    assert kigo(db_path, "defect", "list") == 0
    out = capsys.readouterr().out
    assert "Fejlloggen ved udgangen af 23-11-2026 (alle tider i dansk tid)" in out
    assert "24-11-2026 00:00" not in out
    assert "Bemærk: SLA-målene er eksempler – erstat dem med jeres kontrakts SLA" in out
    assert kigo(db_path, "defect", "summary") == 0
    out = capsys.readouterr().out
    assert out.count("(eksempel)") == 4
    assert "erstat dem med jeres kontrakts SLA" in out
    # the kommune writes its contract's targets: the examples are gone
    config = isolated_home / "config" / "kigo" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        "[sla.critical]\nresponse_hours = 1\nresolution_hours = 8\n"
        "[sla.major]\nresponse_hours = 4\nresolution_hours = 48\n"
        "[sla.minor]\nresponse_hours = 24\nresolution_hours = 240\n"
        "[sla.cosmetic]\nresponse_hours = 72\nresolution_hours = 720\n",
        encoding="utf-8",
    )
    assert kigo(db_path, "defect", "summary") == 0
    out = capsys.readouterr().out
    assert "eksempel" not in out
