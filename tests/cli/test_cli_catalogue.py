"""`kigo catalogue import` from the shell: dry run, apply, idempotence, older version refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.catalogue import CATALOGUE_PATH, shipped_catalogue


def _newer_catalogue(tmp_path: Path) -> Path:
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    text = text.replace(f'version = "{shipped_catalogue().version}"', 'version = "2099.1.0"', 1)
    start = text.index('id = "KY-14-02"')
    due = text.index("due_offset", start)
    end = text.index("\n", due)
    text = text[:due] + "due_offset = -5" + text[end:]
    path = tmp_path / "newer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _status(db: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["--db", str(db), "--today", "2026-11-23", "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _due(tree: dict, task_id: str) -> str | None:
    for project in tree["projects"]:
        for main_task in project["main_tasks"]:
            for task in main_task["tasks"]:
                if task["id"] == task_id:
                    return task["due"]
    raise AssertionError(task_id)


def test_catalogue_import_dry_run_then_apply(kigo_url: str, tmp_path: Path, capsys) -> None:
    newer = _newer_catalogue(tmp_path)
    before = _status(kigo_url, capsys)

    assert main(["--db", str(kigo_url), "catalogue", "import", str(newer), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "KY-14-02" in out and "2099.1.0" in out
    assert _status(kigo_url, capsys) == before

    assert main(["--db", str(kigo_url), "catalogue", "import", str(newer)]) == 0
    assert "KY-14-02" in capsys.readouterr().out
    after = _status(kigo_url, capsys)
    assert after["catalogue_version"] == "2099.1.0"
    assert _due(after, "KY-14-02") == "2027-08-27"  # KY go-live 2027-09-01 minus 5 days

    assert main(["--db", str(kigo_url), "catalogue", "import", str(newer)]) == 0
    assert "Ingen ændringer" in capsys.readouterr().out
    assert _status(kigo_url, capsys) == after


def test_catalogue_import_refuses_older_and_broken(kigo_url: str, tmp_path: Path, capsys) -> None:
    newer = _newer_catalogue(tmp_path)
    assert main(["--db", str(kigo_url), "catalogue", "import", str(newer)]) == 0
    after = _status(kigo_url, capsys)

    assert main(["--db", str(kigo_url), "catalogue", "import", str(CATALOGUE_PATH)]) == 1
    assert "ældre katalog" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 'kigo-catalogue'\nversion = [", encoding="utf-8")
    assert main(["--db", str(kigo_url), "catalogue", "import", str(broken)]) == 1
    assert "broken.toml" in capsys.readouterr().err
    assert _status(kigo_url, capsys) == after
