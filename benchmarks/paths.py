"""Where things are: everything is found from the repository and the running interpreter."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
RESULTS = BENCHMARKS / "results"
LATEST = RESULTS / "latest.json"
CACHE = BENCHMARKS / ".cache"
"""Gitignored: the comparison programs' virtual environments live here."""
GENERATOR = REPO / "scripts" / "generate_db.py"
FLOOR_APP = BENCHMARKS / "floor_app.py"
LAUNCHER = BENCHMARKS / "launcher.py"
README = REPO / "README.md"

VENV_BIN = Path(sys.executable).parent
"""The virtual environment the suite runs in (make bench uses .venv)."""
PYTHON = VENV_BIN / "python"
KIGO = VENV_BIN / "kigo"
