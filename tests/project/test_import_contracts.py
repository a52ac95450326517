"""The layers are enforced by import-linter (pyproject.toml, [tool.importlinter]): the suite fails
on a broken contract, as `make test` does."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_every_import_contract_is_kept() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert " broken." in result.stdout and "0 broken" in result.stdout


def test_the_contracts_cover_the_layers_the_issue_names() -> None:
    """A contract deleted from pyproject.toml would leave the check green; name what must be there."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    linter = config["importlinter"]
    assert linter["root_package"] == "kigo_tui"
    assert linter["include_external_packages"] is True
    contracts = linter["contracts"]
    layers = [c for c in contracts if c["type"] == "layers"]
    assert len(layers) == 1
    order = layers[0]["layers"]
    for top, below in (
        ("kigo_tui.__main__", "kigo_tui.app"),
        ("kigo_tui.app", "kigo_tui.screens"),
        ("kigo_tui.screens", "kigo_tui.cli"),
        ("kigo_tui.cli", "kigo_tui.bundle"),
        ("kigo_tui.bundle", "kigo_tui.storage"),
        ("kigo_tui.storage", "kigo_tui.domain"),
    ):
        assert order.index(top) < order.index(below)
    forbidden: dict[str, set[str]] = {}
    for contract in contracts:
        if contract["type"] == "forbidden":
            for source in contract["source_modules"]:
                forbidden.setdefault(source, set()).update(contract["forbidden_modules"])
    assert {"textual", "rich", "sqlalchemy", "sqlmodel", "kigo_tui.storage"} <= forbidden[
        "kigo_tui.domain"
    ]
    for layer in ("kigo_tui.storage", "kigo_tui.formats", "kigo_tui.bundle"):
        assert {"textual", "kigo_tui.screens", "kigo_tui.widgets", "kigo_tui.cli"} <= forbidden[
            layer
        ]
    assert "kigo_tui.app" in forbidden["kigo_tui.cli"]
