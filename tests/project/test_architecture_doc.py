"""docs/ARCHITECTURE.md shows every module under kigo_tui/, one line each, and no module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
ENTRY = re.compile(r"^(?P<indent> *)(?P<name>[A-Za-z_][\w.]*(?:/|\.py))(?:\s|$)")


def documented_modules(text: str) -> list[str]:
    """The .py files the tree under `kigo_tui/` names, as paths relative to the repository."""
    block = text.split("```\nkigo_tui/\n", 1)[1].split("```", 1)[0]
    folders = ["kigo_tui"]  # the folder of each indentation level (two spaces per level)
    names = []
    for line in block.splitlines():
        match = ENTRY.match(line)
        if not match or len(match["indent"]) % 2:
            continue
        level = len(match["indent"]) // 2
        if level == 0:
            break  # seed/, scripts/ …: the tree of kigo_tui/ has ended
        if level > len(folders):
            continue  # a description's continuation that happens to start with a name
        del folders[level:]
        name = match["name"]
        if name.endswith("/"):
            folders.append(f"{folders[-1]}/{name[:-1]}")
        else:
            names.append(f"{folders[-1]}/{name}")
    return names


def module_files() -> set[str]:
    package = ROOT / "kigo_tui"
    return {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*.py")
        if "seed_data" not in path.relative_to(package).parts
    }


def test_every_module_is_in_the_architecture_tree_and_no_other() -> None:
    documented = documented_modules(DOC.read_text(encoding="utf-8"))
    assert len(documented) == len(set(documented)), "a module is listed twice"
    files = module_files()
    missing = sorted(files - set(documented))
    gone = sorted(set(documented) - files)
    assert not missing, f"docs/ARCHITECTURE.md does not show: {missing}"
    assert not gone, f"docs/ARCHITECTURE.md shows modules that do not exist: {gone}"


def test_the_tree_reader_sees_folders_and_the_end_of_the_tree() -> None:
    text = (
        "```\nkigo_tui/\n  app.py  the app\n  domain/  rules\n    rules.py  colour\n"
        "                  seed.py is named in a description\n  cli/\n    main.py  x\n"
        "seed/  data\n  other.py  not a module\n```\n"
    )
    assert documented_modules(text) == [
        "kigo_tui/app.py",
        "kigo_tui/domain/rules.py",
        "kigo_tui/cli/main.py",
    ]
