"""The catalogue rules and the projects' go-live order, seen from the shell.

`kigo catalogue import` refuses a catalogue whose warning window reaches back before a task's
start; `kigo golive` and `kigo status` say when the go-live dates contradict the dependencies.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.catalogue import CATALOGUE_PATH, shipped_catalogue
from kigo_tui.domain.dates import danish_date
from tests.support.fixed import GOLIVES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_refuses_a_warning_before_the_start(
    kigo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Seed 000: "En obligatorisk opgave får status gul et antal dage inden slutdato, hvis
    # opgaven ikke er påbegyndt." A kommune's imported catalogue meets the same check as KOMBIT's.
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    version = shipped_catalogue().version
    text = text.replace(f'version = "{version}"', 'version = "2099.1.0"', 1)
    at = text.index('id = "KY-14-03"')
    start = text.index("warn_days = ", at)
    end = text.index("\n", start)
    path = tmp_path / "tidlig.toml"
    path.write_text(text[:start] + "warn_days = 9" + text[end:], encoding="utf-8")
    before = _run(capsys, "--db", kigo_url, "status", "--json")[1]

    code, out, err = _run(capsys, "--db", kigo_url, "catalogue", "import", str(path))
    assert code != 0 and out == ""
    assert "KY-14-03" in err and "'Gennemfør konverteringsweekenden'" in err
    assert "(warn_days = 9)" in err and "Sæt warn_days til højst 2," in err
    assert "KOMBITs opfølgningsliste 7 dage før den kan begynde" in err
    assert _run(capsys, "--db", kigo_url, "status", "--json")[1] == before


def test_golive_and_status_say_when_sts_comes_too_late(
    kigo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Seed 001: "Monopolbrudsprojekterne har en række afhængigheder." SAPA, KY and KSD build on
    # the støttesystemer, so STS must be live before them (domain/dependencies.py).
    code, out, _ = _run(capsys, "--db", kigo_url, "status")
    assert code == 0 and "⚠" not in out  # GOLIVES: STS before SAPA and KY

    sts = date(2027, 3, 1)
    assert sts == GOLIVES["SAPA"]
    code, out, _ = _run(capsys, "--db", kigo_url, "golive", "STS", sts.isoformat())
    assert code == 0
    warning = (
        f"⚠ SAPA og STS går i drift samme dag, {danish_date(sts)}. SAPA bygger på "
        "støttesystemerne, så STS skal være i drift før SAPA."
    )
    assert out.splitlines()[1:] == [warning]

    code, out, _ = _run(capsys, "--db", kigo_url, "status")
    assert code == 0 and out.splitlines()[-1] == warning
    assert "⚠" not in _run(capsys, "--db", kigo_url, "status", "--project", "KY")[1]
    json.loads(_run(capsys, "--db", kigo_url, "status", "--json")[1])  # JSON stays JSON

    code, out, _ = _run(capsys, "--db", kigo_url, "golive", "KY", "2027-02-01")
    assert code == 0
    assert out.splitlines()[1:] == [
        f"⚠ KY går i drift {danish_date(date(2027, 2, 1))}, men STS først {danish_date(sts)}. "
        "KY bygger på støttesystemerne, så STS skal være i drift før KY."
    ]
    code, out, _ = _run(capsys, "--db", kigo_url, "golive", "STS", "2026-12-01")
    assert code == 0 and out.splitlines()[1:] == []


def test_init_says_when_sts_comes_too_late(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "kigo.db")
    argv = ["--db", db, "init", "--kommune", "101", "--golive", "STS=2027-05-01"]
    code, out, _ = _run(capsys, *argv, "--golive", "KSD=2027-04-01", "--golive", "KY=2027-06-01")
    assert code == 0
    assert out.splitlines()[1:] == [
        f"⚠ KSD går i drift {danish_date(date(2027, 4, 1))}, men STS først "
        f"{danish_date(date(2027, 5, 1))}. KSD bygger på støttesystemerne, så STS skal være i "
        "drift før KSD."
    ]
