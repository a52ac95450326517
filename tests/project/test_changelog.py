"""CHANGELOG.md keeps Keep-a-Changelog release sections, and the newest is the package's version."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import kigo_tui

ROOT = Path(__file__).resolve().parents[2]
RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})$")
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def _headings() -> list[str]:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("## ")]


def test_the_newest_release_is_the_package_version() -> None:
    headings = _headings()
    assert headings[0] == "## [Unreleased]"
    releases = [RELEASE.match(h) for h in headings[1:]]
    assert releases and all(releases), f"not a release heading: {headings[1:]}"
    assert releases[0]["version"] == kigo_tui.__version__


def test_releases_are_dated_and_newest_first() -> None:
    releases = [RELEASE.match(h) for h in _headings()[1:]]
    versions = [tuple(int(p) for p in m["version"].split(".")) for m in releases if m]
    dates = [date.fromisoformat(m["date"]) for m in releases if m]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)


def test_entries_are_grouped_by_kind_of_change() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    kinds = re.findall(r"^### (.+)$", text, flags=re.MULTILINE)
    assert kinds and set(kinds) <= SECTIONS, (
        f"not a Keep-a-Changelog group: {set(kinds) - SECTIONS}"
    )


def test_pyproject_takes_its_version_from_the_package() -> None:
    """The version is written once: pyproject.toml reads kigo_tui.__version__."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kigo_tui.__version__"}
