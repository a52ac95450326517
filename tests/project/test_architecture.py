"""The domain stays free of Textual, and the TUI's first frame does not wait for SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LAYERS_BELOW_THE_TUI = (
    "kigo_tui.domain",
    "kigo_tui.models",
    "kigo_tui.storage",
    "kigo_tui.formats",
    "kigo_tui.bundle",
    "kigo_tui.cli",
)
"""Every module of these packages is imported (found by a walk, not named by hand)."""

_WALK = """
import importlib, json, pkgutil, sys
probe = {probe!r}
loaded_by = {{}}
walked = []
for package in {packages!r}:
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        before = set(sys.modules)
        importlib.import_module(info.name)
        walked.append(info.name)
        for name in probe:
            if name in sys.modules and name not in before and name not in loaded_by:
                loaded_by[name] = info.name
print(json.dumps({{"walked": walked, "loaded_by": loaded_by}}))
"""


def _walk(packages: tuple[str, ...], probe: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """Import every module under `packages` in a fresh interpreter; which module first loaded
    each name in `probe`."""
    import json

    code = _WALK.format(packages=list(packages), probe=list(probe))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    return result["walked"], result["loaded_by"]


def _module_files(package: str) -> set[str]:
    root = Path(__file__).resolve().parents[2]
    folder = root.joinpath(*package.split("."))
    return {
        ".".join(path.relative_to(root).with_suffix("").parts)
        for path in folder.rglob("*.py")
        if path.name != "__init__.py"
    }


def _loaded_after_import(modules: tuple[str, ...], probe: tuple[str, ...]) -> dict[str, bool]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        f"print(json.dumps({{p: p in sys.modules for p in {list(probe)!r}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout)


def test_no_layer_below_the_tui_imports_textual() -> None:
    walked, loaded_by = _walk(LAYERS_BELOW_THE_TUI, ("textual", "sqlalchemy"))
    expected = set().union(*(_module_files(p) for p in LAYERS_BELOW_THE_TUI))
    assert set(walked) == expected, "the walk must reach every module file"
    assert "sqlalchemy" in loaded_by, "the probe must see the storage layer's own heavy import"
    assert "textual" not in loaded_by, f"{loaded_by.get('textual')} loads Textual"


def test_the_domain_loads_no_database_no_rich_and_no_textual() -> None:
    walked, loaded_by = _walk(("kigo_tui.domain",), ("textual", "rich", "sqlalchemy", "sqlmodel"))
    assert set(walked) == _module_files("kigo_tui.domain")
    assert loaded_by == {}, f"loaded by the domain: {loaded_by}"


def test_app_and_screens_do_not_import_sqlalchemy_before_first_frame() -> None:
    loaded = _loaded_after_import(
        (
            "kigo_tui.app",
            "kigo_tui.screens.main",
            "kigo_tui.screens.first_run",
            "kigo_tui.screens.progress",
            "kigo_tui.screens.defects",
            "kigo_tui.screens.calendar",
        ),
        ("textual", "sqlalchemy", "sqlmodel"),
    )
    assert loaded["textual"]
    assert not loaded["sqlalchemy"]
    assert not loaded["sqlmodel"]


def test_version_does_not_load_the_stack() -> None:
    code = (
        "import sys; from kigo_tui.cli.main import build_parser; build_parser(); "
        "print('textual' in sys.modules or 'sqlalchemy' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


def test_export_writes_its_xlsx_without_openpyxl() -> None:
    """openpyxl is for the exit workspace's workbook; the bundle has its own writer."""
    code = (
        "import sys\n"
        "from tests.support.fixed import FIXED_TODAY\n"
        "from tests.support.fleet import kommune, synthetic_snapshot\n"
        "from kigo_tui.bundle.export import bundle_bytes\n"
        "bundle_bytes(synthetic_snapshot(kommune('101'), 300, FIXED_TODAY), FIXED_TODAY)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_first_frame_and_a_tick_need_neither_sqlalchemy_nor_pydantic(demo_path) -> None:
    """What `kigo` does up to the tree's first frame and a status change, on a current SQLite file:
    the preload, the app and its screens, the roll-up, a branch and a toggle."""
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from kigo_tui.__main__ import tui_arguments\n"
        f"args = tui_arguments(['--db', {str(demo_path)!r}])\n"
        "from kigo_tui.config import load_settings\n"
        "from kigo_tui.storage.preload import Preload\n"
        "preload = Preload.start(args.db, load_settings().user, date(2026, 11, 23))\n"
        "import kigo_tui.app, kigo_tui.screens.main\n"
        "from kigo_tui.domain.tree import TreeModel\n"
        "store = preload.wait()\n"
        "model = TreeModel(preload.view[0])\n"
        "rows, _ = store.branch('SAPA', 10)\n"
        "store.toggle_done(rows[0].id, rows[0].version)\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))\n"
    )
    assert _run(code) == "[]"


def test_kigo_status_needs_neither_sqlalchemy_nor_pydantic(demo_path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from kigo_tui.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--db', {str(demo_path)!r}, 'status', '--json']) == 0\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'textual') if m in sys.modules))\n"
    )
    assert _run(code) == "[]"


def test_pure_beyond_modules_need_neither_textual_nor_a_database() -> None:
    """The SLA arithmetic, the progress series, the chart layout and the .ics writer are pure."""
    loaded = _loaded_after_import(
        (
            "kigo_tui.domain.sla",
            "kigo_tui.domain.defects",
            "kigo_tui.domain.progress",
            "kigo_tui.formats.chart",
            "kigo_tui.formats.calendar",
        ),
        ("textual", "rich", "sqlalchemy", "holidays"),
    )
    assert loaded == {"textual": False, "rich": False, "sqlalchemy": False, "holidays": False}


def test_naming_the_database_needs_only_the_standard_library() -> None:
    """The header and the messages name the database through kigo_tui.storage.dburl, also on SQLite."""
    loaded = _loaded_after_import(
        ("kigo_tui.storage.dburl",), ("sqlalchemy", "psycopg", "pydantic")
    )
    assert loaded == {"sqlalchemy": False, "psycopg": False, "pydantic": False}
