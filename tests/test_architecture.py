"""The domain stays free of Textual, and the TUI's first frame does not wait for SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOMAIN_MODULES = (
    "kigo_tui.rules",
    "kigo_tui.catalogue",
    "kigo_tui.kommuner",
    "kigo_tui.db",
    "kigo_tui.models.tables",
    "kigo_tui.store",
    "kigo_tui.status",
    "kigo_tui.tree_model",
    "kigo_tui.demo",
    "kigo_tui.bundle.export",
    "kigo_tui.bundle.verify",
    "kigo_tui.bundle.aggregate",
    "kigo_tui.bundle.xlsx",
    "kigo_tui.bundle.zipfiles",
    "kigo_tui.bundle.nogc",
)


def _loaded_after_import(modules: tuple[str, ...], probe: tuple[str, ...]) -> dict[str, bool]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        f"print(json.dumps({{p: p in sys.modules for p in {list(probe)!r}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout)


def test_domain_does_not_import_textual() -> None:
    loaded = _loaded_after_import(DOMAIN_MODULES, ("textual", "sqlalchemy"))
    assert loaded["sqlalchemy"], "the probe must see the domain's own heavy import"
    assert not loaded["textual"]


def test_app_and_screens_do_not_import_sqlalchemy_before_first_frame() -> None:
    loaded = _loaded_after_import(
        ("kigo_tui.app", "kigo_tui.screens.main", "kigo_tui.screens.first_run"),
        ("textual", "sqlalchemy", "sqlmodel"),
    )
    assert loaded["textual"]
    assert not loaded["sqlalchemy"]
    assert not loaded["sqlmodel"]


def test_version_does_not_load_the_stack() -> None:
    code = (
        "import sys; from kigo_tui.__main__ import build_parser; build_parser(); "
        "print('textual' in sys.modules or 'sqlalchemy' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


def test_export_writes_its_xlsx_without_openpyxl() -> None:
    """openpyxl is for the exit workspace's workbook; the bundle has its own writer."""
    code = (
        "import sys\n"
        "from tests.conftest import FIXED_TODAY\n"
        "from tests.fleet import kommune, synthetic_snapshot\n"
        "from kigo_tui.bundle.export import bundle_bytes\n"
        "bundle_bytes(synthetic_snapshot(kommune('101'), 300, FIXED_TODAY), FIXED_TODAY)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"
