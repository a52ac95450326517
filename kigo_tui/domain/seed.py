"""Where the shipped reference data lives, and the codes and labels every module needs without
loading the catalogue (which is validated with pydantic, and so costs an import).

The reference data is edited in the checkout's `seed/` folder and nowhere else; it travels inside
the package as `kigo_tui/seed_data` (a symbolic link to `../seed` in the checkout, real files in
the wheel) and is read through importlib.resources, so an installed `kigo` finds it from any
working folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SEED_FOLDER = "seed_data"
"""The reference data's folder inside the package."""
ProjectCode = Literal["STS", "SAPA", "KY", "KSD"]
"""KIGO's four projects: written out here and nowhere else (pydantic fields take this type)."""
PROJECT_CODES: tuple[ProjectCode, ...] = get_args(ProjectCode)
"""The project codes in the catalogue's order."""
PROJECT_PATTERN = "|".join(PROJECT_CODES)
"""The codes as a regular-expression alternation (`STS|SAPA|KY|KSD`), for ids that start with one."""
PROJECT_LIST = f"{', '.join(PROJECT_CODES[:-1])} eller {PROJECT_CODES[-1]}"
"""The codes in a Danish sentence: "STS, SAPA, KY eller KSD"."""


def seed_file(name: str) -> Traversable:
    """A shipped reference file (`catalogue.toml`, `kommuner.csv`), wherever kigo is installed.

    importlib.resources is imported here, not at module level: `kigo status` and the TUI's first
    frame need the labels above, not the files."""
    from importlib.resources import files

    return files("kigo_tui") / SEED_FOLDER / name


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
