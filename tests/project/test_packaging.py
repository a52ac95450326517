"""How kigo is packaged, checked without building it (tests/project/test_install.py builds and installs it):
the reference data is edited in seed/ only and read through importlib.resources, the version is
written once, the licence is in SPDX form, and PostgreSQL is an extra whose absence is explained."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kigo_tui
from kigo_tui.domain.seed import SEED_FOLDER, seed_file

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_reference_data_is_edited_in_seed_only() -> None:
    """kigo_tui/seed_data is a link to seed/, not a second copy that could drift."""
    inside = ROOT / "kigo_tui" / SEED_FOLDER
    assert inside.is_symlink(), f"{inside} must be a link to seed/, not a copy"
    assert inside.resolve() == (ROOT / "seed").resolve()
    for name in ("catalogue.toml", "kommuner.csv"):
        assert seed_file(name).read_bytes() == (ROOT / "seed" / name).read_bytes()


def test_every_seed_file_is_package_data() -> None:
    """A file added to seed/ travels in the wheel: the package-data patterns cover it."""
    from fnmatch import fnmatch

    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["kigo_tui"]
    for path in (ROOT / "seed").iterdir():
        inside = f"{SEED_FOLDER}/{path.name}"
        assert any(fnmatch(inside, p) for p in patterns), f"{inside} is not package data"


def test_the_version_is_written_once() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kigo_tui.__version__"}
    from importlib.metadata import version

    assert version("kigo-tui") == kigo_tui.__version__
    out = subprocess.run(
        [sys.executable, "-m", "kigo_tui", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert out.strip() == f"kigo {kigo_tui.__version__}"


def test_packaging_metadata_is_current() -> None:
    """SPDX licence (setuptools >= 77), a bounded build requirement, found sub-packages."""
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    (requirement,) = PYPROJECT["build-system"]["requires"]
    assert requirement.startswith("setuptools>=77,<"), requirement
    setuptools_cfg = PYPROJECT["tool"]["setuptools"]
    assert "packages" in setuptools_cfg and "find" in setuptools_cfg["packages"]
    assert setuptools_cfg["packages"]["find"]["include"] == ["kigo_tui*"]


def test_postgresql_is_an_extra_that_the_tests_pull_in() -> None:
    project = PYPROJECT["project"]
    assert not any(dep.startswith("psycopg") for dep in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(dep.startswith("psycopg") for dep in extras["postgres"])
    assert "kigo-tui[postgres]" in extras["test"]


def _kigo_without_psycopg(*argv: str) -> subprocess.CompletedProcess[str]:
    """`kigo ARGV` in a Python where psycopg cannot be imported, as after a plain install."""
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from kigo_tui.__main__ import main\n"
        f"sys.exit(main({list(argv)!r}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KIGO_DB"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )


@pytest.mark.parametrize("command", [["status"], ["init", "--kommune", "101"], ["people", "list"]])
def test_a_postgresql_url_without_psycopg_says_what_to_install(command: list[str]) -> None:
    url = "postgresql+psycopg://kigo:hemmeligt@db.kommune.dk/kigo"
    result = _kigo_without_psycopg("--db", url, *command)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert "PostgreSQL-understøttelsen er ikke installeret" in result.stderr
    assert "pipx install 'kigo-tui[postgres]'" in result.stderr
    assert "pip install 'kigo-tui[postgres]'" in result.stderr
    assert "hemmeligt" not in result.stderr
    assert "db.kommune.dk" in result.stderr  # which database it was about


@settings(max_examples=15, deadline=None)
@given(
    scheme=st.sampled_from(["postgresql", "postgresql+psycopg"]),
    host=st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z]{2,5})?", fullmatch=True),
    name=st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
)
def test_every_postgresql_url_without_psycopg_gets_the_message(
    scheme: str, host: str, name: str
) -> None:
    """In-process, through the one place engines are made: every spelling of a PostgreSQL URL."""
    from kigo_tui.storage.common import StorageError
    from kigo_tui.storage.engine import make_engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "psycopg", None)
        with pytest.raises(StorageError) as caught:
            make_engine(f"{scheme}://kigo@{host}/{name}")
    message = str(caught.value)
    assert "pipx install 'kigo-tui[postgres]'" in message
    assert host in message and name in message


def test_another_postgresql_driver_than_psycopg_is_named() -> None:
    """A URL naming a driver kigo does not bring: which one is missing, and what kigo uses."""
    from kigo_tui.storage.common import StorageError
    from kigo_tui.storage.engine import make_engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "psycopg2", None)
        with pytest.raises(StorageError) as caught:
            make_engine("postgresql+psycopg2://kigo@db.kommune.dk/kigo")
    message = str(caught.value)
    assert "driveren psycopg2 er ikke installeret" in message
    assert "skriv adressen som postgresql+psycopg://" in message
