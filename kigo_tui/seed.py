"""Where the shipped reference data lives (`seed/`), and the project codes every module needs
without loading the catalogue (which is validated with pydantic, and so costs an import)."""

from __future__ import annotations

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
PROJECT_CODES = ("STS", "SAPA", "KY", "KSD")
