"""kigo installed as a user installs it: the wheel built from this checkout, installed with pip into a
clean virtual environment outside the checkout, and with pipx; run from an unrelated folder.

`kigo init`, `demo`, `status`, `export` and the TUI's first-run screen must work from there: they
need the reference data (catalogue, kommuner) from inside the installed package, never from the
checkout. Without the `postgres` extra, a PostgreSQL URL says what to install.

One wheel, one venv and one pipx install serve the whole module (module-scoped fixtures); pip's
cache is the user's own, so a second run downloads nothing. Select with `pytest -m install`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

import kigo_tui
from tests.support.terminal import Terminal

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[2]
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
"""The user's pip cache, read before the tests' isolated HOME replaces ~ (conftest)."""
INSTALL_TIMEOUT_S = 600
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "kigo_tui", "seed")
"""Everything the build reads; kigo_tui/seed_data stays a link to ../seed in the copy."""
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")
PG_URL = "postgresql+psycopg://kigo@db.kommune.dk/kigo"


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment that knows nothing of the checkout: no PYTHONPATH, no virtualenv, a HOME
    of its own (so no config.toml or database from elsewhere)."""
    keep = ("PATH", "LANG", "LC_ALL", "TERM", "SYSTEMROOT", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        PIP_CACHE_DIR=PIP_CACHE,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        KIGO_USER="installationstest",
        NO_COLOR="1",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    env.update(extra)
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 120):
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return result


def _ok(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    result = _run(argv, cwd, env, timeout)
    assert result.returncode == 0, (
        f"{shlex.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _pip_install(venv: Path, *what: str) -> list[str]:
    """pip installing into `venv` (made without pip of its own, which saves a few seconds)."""
    target = str(venv / "bin" / "python")
    return [sys.executable, "-m", "pip", "--python", target, "install", "-q", "--no-compile", *what]


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("install")
    assert not base.resolve().is_relative_to(ROOT), "the install test must run outside the checkout"
    return base


@pytest.fixture(scope="module")
def wheel(outside: Path) -> Path:
    """The wheel built from this checkout, as `pip install .` builds it: from a copy of what the
    build reads (a stale build/ folder in the checkout would hide a missing file)."""
    source = outside / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, symlinks=True, ignore=SKIPPED)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = outside / "dist"
    home = outside / "build-home"
    _ok(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(source)],
        outside,
        _clean_env(home),
        timeout=INSTALL_TIMEOUT_S,
    )
    (built,) = dist.glob("kigo_tui-*.whl")
    return built


def _install_with_pipx(outside: Path, wheel: Path) -> Path:
    """`pipx install` with pipx's home and bin folder in the temporary folder; pipx gets the wheel
    that `pipx install .` would build in the checkout (built once, above)."""
    tool = outside / "pipx-tool"
    home = outside / "pipx-home"
    env = _clean_env(home)
    _ok([sys.executable, "-m", "venv", "--without-pip", str(tool)], outside, env)
    _ok(_pip_install(tool, "pipx"), outside, env, timeout=INSTALL_TIMEOUT_S)
    pipx_env = _clean_env(
        home,
        PIPX_HOME=str(outside / "pipx"),
        PIPX_BIN_DIR=str(outside / "pipx-bin"),
        PIPX_MAN_DIR=str(outside / "pipx-man"),
    )
    _ok(
        [str(tool / "bin" / "pipx"), "install", "--pip-args=--no-compile", str(wheel)],
        outside,
        pipx_env,
        timeout=INSTALL_TIMEOUT_S,
    )
    return outside / "pipx-bin" / "kigo"


@pytest.fixture(scope="module")
def pipx_install(outside: Path, wheel: Path) -> Iterator[Future[Path]]:
    """The pipx installation, started in the background so that it overlaps the pip one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(_install_with_pipx, outside, wheel)


@pytest.fixture(scope="module")
def venv_kigo(outside: Path, wheel: Path, pipx_install: Future[Path]) -> Path:
    """`kigo` in a fresh virtual environment with the wheel and its dependencies from the index."""
    venv = outside / "venv"
    home = outside / "venv-home"
    _ok([sys.executable, "-m", "venv", "--without-pip", str(venv)], outside, _clean_env(home))
    _ok(_pip_install(venv, str(wheel)), outside, _clean_env(home), timeout=INSTALL_TIMEOUT_S)
    return venv / "bin" / "kigo"


@pytest.fixture(scope="module")
def pipx_kigo(pipx_install: Future[Path]) -> Path:
    return pipx_install.result(timeout=2 * INSTALL_TIMEOUT_S)


@pytest.fixture
def elsewhere(outside: Path) -> tuple[Path, dict[str, str]]:
    """An unrelated working folder and a fresh HOME for one test."""
    folder = outside / f"elsewhere-{uuid.uuid4().hex[:8]}"
    (folder / "cwd").mkdir(parents=True)
    return folder / "cwd", _clean_env(folder / "home")


def test_the_wheel_carries_the_reference_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for source in sorted((ROOT / "seed").iterdir()):
            inside = f"kigo_tui/seed_data/{source.name}"
            assert inside in names, f"{inside} is not in {wheel.name}"
            assert archive.read(inside) == source.read_bytes()
        for package in ("models", "screens", "widgets", "bundle", "report"):
            assert f"kigo_tui/{package}/__init__.py" in names
        for template in sorted((ROOT / "kigo_tui" / "report" / "templates").iterdir()):
            assert f"kigo_tui/report/templates/{template.name}" in names
        metadata = archive.read(f"kigo_tui-{kigo_tui.__version__}.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert f"Version: {kigo_tui.__version__}" in metadata
    assert 'Requires-Dist: psycopg[binary]<4,>=3.2; extra == "postgres"' in metadata


def test_pip_install_works_from_an_unrelated_folder(
    venv_kigo: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = elsewhere
    python = str(venv_kigo.parent / "python")
    where = _ok([python, "-c", "import kigo_tui, sys; print(kigo_tui.__file__)"], cwd, env)
    assert not Path(where.strip()).resolve().is_relative_to(ROOT), where
    assert _ok([str(venv_kigo), "--version"], cwd, env).strip() == f"kigo {kigo_tui.__version__}"

    kigo = [str(venv_kigo), "--db", "kbh.db", "--today", "2026-11-23"]
    out = _ok([*kigo, "init", "--kommune", "101", "--golive", "SAPA=2027-03-01"], cwd, env)
    assert "København" in out
    status = _ok([*kigo, "status"], cwd, env)
    assert "SAPA" in status and "København" in status

    demo = [str(venv_kigo), "--db", "demo.db", "--today", "2026-11-23"]
    _ok([*demo, "demo"], cwd, env)
    assert "SAPA" in _ok([*demo, "status"], cwd, env)
    (cwd / "bundter").mkdir()
    _ok([*demo, "export", "--out", "bundter"], cwd, env)
    (bundle,) = (cwd / "bundter").glob("kigo-status-*.zip")
    _ok([str(venv_kigo), "verify", str(bundle)], cwd, env)
    # the report pages: their templates and stylesheet travel in the wheel
    _ok([*demo, "report", "--out", "side.html"], cwd, env)
    page = (cwd / "side.html").read_text("utf-8")
    assert "Implementeringsstatus for Odense (461)" in page and "@page" in page
    _ok([*demo, "aggregate", "bundter", "--out", "national.html"], cwd, env)
    assert "Nationalt overblik" in (cwd / "national.html").read_text("utf-8")


def test_without_the_extra_a_postgresql_url_says_what_to_install(
    venv_kigo: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = elsewhere
    python = str(venv_kigo.parent / "python")
    missing = _run([python, "-c", "import psycopg"], cwd, env)
    assert missing.returncode != 0, "psycopg came without the postgres extra"
    result = _run([str(venv_kigo), "--db", PG_URL, "status"], cwd, env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "pipx install 'kigo-tui[postgres]'" in result.stderr, result.stderr


def _tui_screen(
    kigo: Path, argv: list[str], cwd: Path, env: dict[str, str], wanted: tuple[str, ...]
) -> str:
    """The installed TUI started in tmux; its screen once every `wanted` text is on it (or after
    30 s, for the assertion to show)."""
    with Terminal([str(kigo), *argv], env, cwd=cwd) as term:
        deadline = time.monotonic() + 30
        screen = ""
        while time.monotonic() < deadline:
            screen = term.screen(joined=True)
            if all(text in screen for text in wanted):
                break
            time.sleep(0.2)
        return screen


needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@needs_tmux
def test_the_first_run_screen_of_the_installed_tui(
    venv_kigo: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    """No config, no database: the TUI opens on the first-run screen with the 98 kommuner."""
    cwd, env = elsewhere
    wanted = ("Velkommen til kigo", "101  København")  # kommuner.csv from the installed package
    screen = _tui_screen(venv_kigo, [], cwd, env, wanted)
    for text in wanted:
        assert text in screen, screen


@needs_tmux
def test_the_installed_tui_says_what_to_install_for_postgresql(
    venv_kigo: Path, elsewhere: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = elsewhere
    wanted = ("PostgreSQL-understøttelsen er ikke", "installeret")
    screen = _tui_screen(venv_kigo, ["--db", PG_URL], cwd, env, wanted)
    assert "PostgreSQL-understøttelsen er ikke" in " ".join(screen.split()), screen
    assert "Traceback" not in screen


def test_pipx_install_works(pipx_kigo: Path, elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    assert _ok([str(pipx_kigo), "--version"], cwd, env).strip() == f"kigo {kigo_tui.__version__}"
    demo = [str(pipx_kigo), "--db", "demo.db", "--today", "2026-11-23"]
    _ok([*demo, "demo"], cwd, env)
    status = _ok([*demo, "status"], cwd, env)
    assert "SAPA" in status
