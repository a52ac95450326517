"""Where the shipped reference data lives (`seed/`), and the codes and labels every module needs
without loading the catalogue (which is validated with pydantic, and so costs an import)."""

from __future__ import annotations

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
PROJECT_CODES = ("STS", "SAPA", "KY", "KSD")

GROUP_LABELS: dict[str, str] = {
    "independent": "Uafhængige opgaver",
    "project": "Projekt",
    "organisational": "Organisatorisk implementering",
    "technical": "Teknisk implementering",
}
PHASE_LABELS: dict[str, str] = {
    "F1": "F1 Initiering",
    "F2": "F2 Forberedelse",
    "F3": "F3 Ibrugtagning",
    "F4": "F4 Forankring",
}
EXIT_PRIORITY_LABELS: dict[str, str] = {
    "necessary": "Nødvendig",
    "recommended": "Anbefales",
    "voluntary": "Frivillig",
}
