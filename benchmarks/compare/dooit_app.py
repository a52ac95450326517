"""dooit from PyPI in its own virtual environment under benchmarks/.cache (never in .venv: its
Textual pin is its own), pointed at a generated database through XDG_DATA_HOME.

dooit finds its database with platformdirs: `user_data_dir("dooit") / "dooit.db"`, which on Linux is
`$XDG_DATA_HOME/dooit/dooit.db` (dooit/api/_vars.py); `--db` would also do, but the environment
keeps its command line as a user types it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from benchmarks.paths import BENCHMARKS, CACHE, PYTHON
from benchmarks.screens import PROJECTS, words_present
from benchmarks.tui import TuiSpec

VERSION = "3.3.4"
"""The dooit release compared against; pinned so runs compare like with like."""
DB_SCRIPT = BENCHMARKS / "compare" / "dooit_db.py"


def venv_dir() -> Path:
    return CACHE / f"dooit-{VERSION}"


def ensure_installed(log: Callable[[str], None] = print) -> Path:
    """The venv's bin folder; created and `pip install dooit==VERSION` on first use."""
    venv = venv_dir()
    marker = venv / ".installed"
    if not marker.exists():
        log(f"installerer dooit {VERSION} i {venv} …")
        subprocess.run(
            [str(PYTHON), "-m", "venv", "--clear", str(venv)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"dooit=={VERSION}"],
            check=True,
            capture_output=True,
            timeout=600,
        )
        marker.touch()
    return venv / "bin"


def make_database(bin_dir: Path, data_home: Path, todos: int, timeout: float) -> Path:
    """dooit's database with `todos` todos where dooit will look for it."""
    path = data_home / "dooit" / "dooit.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    subprocess.run(
        [str(bin_dir / "python"), "-I", str(DB_SCRIPT), str(path), "--todos", str(todos)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    return path


def textual_version(bin_dir: Path) -> str | None:
    out = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "from importlib.metadata import version; print(version('textual'))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.stdout.strip() or None


def dooit_spec(bin_dir: Path, env: dict[str, str]) -> TuiSpec:
    """dooit's first paint: its workspace list shows the four project workspaces."""
    return TuiSpec(
        program=f"dooit {VERSION}",
        argv=[str(bin_dir / "dooit")],
        env=env,
        painted=words_present(list(PROJECTS)),
        quit_keys=b"\x11",  # ctrl+q
    )
