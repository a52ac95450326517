"""The shape of `kigo_tui.cli`: one module per command family owning its parser and its runner,
dispatch through `set_defaults(run=…)`, project codes from one place, and no import of
`kigo_tui.__main__` (which would run it twice under `python -m kigo_tui`)."""

from __future__ import annotations

import argparse
import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from kigo_tui.cli.main import build_parser
from kigo_tui.domain.seed import PROJECT_CODES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kigo_tui"
CLI_FILES = sorted((PACKAGE / "cli").glob("*.py"))


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser, bool]]:
    """Every parser below `parser`: (its command words, the parser, whether it is a leaf)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in dict(action.choices).items():
                leaf = not any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)
                found.append(((*path, name), sub, leaf))
                found += _parsers(sub, (*path, name))
    return found


PARSERS = _parsers(build_parser())
LEAVES = [(path, parser) for path, parser, leaf in PARSERS if leaf]


def test_the_walk_finds_the_commands() -> None:
    assert len(LEAVES) >= 38
    assert {("status",), ("people", "add"), ("exit", "import-xlsx"), ("aggregate",)} <= {
        path for path, _ in LEAVES
    }


@pytest.mark.parametrize(("path", "parser"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_runs_from_its_family_module(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    """Each leaf carries its runner as the `run` default, and the runner lives in the module
    that adds the command's parser (one module per family, parser and runner together)."""
    run = parser.get_default("run")
    assert callable(run), path
    module = inspect.getmodule(inspect.unwrap(run))
    assert module is not None and module.__name__.startswith("kigo_tui.cli."), path
    assert module.__name__ not in ("kigo_tui.cli.main", "kigo_tui.cli.args"), path
    source = inspect.getsource(module)
    for word in path:
        assert f'add_parser(\n        "{word}"' in source or f'add_parser("{word}"' in source, (
            f"{' '.join(path)}: its parser is not added in {module.__name__}"
        )


def test_only_leaves_choose_the_runner() -> None:
    """A family's parser (`kigo people`) has no runner of its own: it needs its second word."""
    top = build_parser()
    assert top.get_default("run") is None
    for path, parser, leaf in PARSERS:
        if not leaf:
            assert parser.get_default("run") is None, path


def test_main_knows_no_command_by_name() -> None:
    """The dispatch is `args.run(args)`: cli/main.py compares no command name."""
    tree = ast.parse((PACKAGE / "cli" / "main.py").read_text(encoding="utf-8"))
    names = {" ".join(path) for path, _, _ in PARSERS} | {p[-1] for p, _, _ in PARSERS}
    compared = [
        node.value
        for compare in ast.walk(tree)
        if isinstance(compare, ast.Compare)
        for node in ast.walk(compare)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not set(compared) & names


def _written_out_codes(path: Path) -> list[str]:
    """Tuples, lists or sets of two or more project codes, and regex alternations of them."""
    found = []
    codes = set(PROJECT_CODES)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if len(words & codes) >= 2:
                found.append(f"{path.name}:{node.lineno}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(f"{a}|{b}" in node.value for a in codes for b in codes)
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_project_codes_come_from_the_seed_module() -> None:
    files = [*CLI_FILES, PACKAGE / "__main__.py", PACKAGE / "screens" / "first_run.py"]
    assert [hit for path in files for hit in _written_out_codes(path)] == []


def test_the_probe_sees_a_written_out_list(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('PROJECTS = ("STS", "SAPA", "KY", "KSD")\nRX = r"(STS|KY)-"\n')
    assert _written_out_codes(sample) == ["sample.py:1", "sample.py:2"]


def _imports(node: ast.AST) -> list[str]:
    """The modules an import statement names (`from a import b` names a and a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def test_no_module_imports_the_entry() -> None:
    """`kigo_tui.__main__` is the entry; a module importing it runs it a second time under
    `python -m kigo_tui` (once as `__main__`, once as `kigo_tui.__main__`)."""
    importers = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if "kigo_tui.__main__" in _imports(node)
    ]
    assert importers == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["status", "--help"]])
def test_python_m_kigo_tui_runs_the_entry_once(argv: list[str]) -> None:
    """Run the package as `python -m kigo_tui` does and count the entry's executions: the body
    of __main__.py runs once, as `__main__`, and `kigo_tui.__main__` is never imported."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['kigo', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('kigo_tui', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        "else:\n"
        "    status = None\n"
        "print('imported-entry:', 'kigo_tui.__main__' in sys.modules, file=sys.stderr)\n"
        "print('status:', status, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert "imported-entry: False" in result.stderr, result.stderr
    assert "status: 0" in result.stderr, result.stderr
    assert "kigo" in result.stdout


def test_python_m_kigo_tui_imports_no_second_entry() -> None:
    """The same through the interpreter's own `-m`: the import log names no `kigo_tui.__main__`."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kigo_tui", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kigo ")
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "kigo_tui.cli.main" in imported  # the probe sees the CLI's imports
    assert "kigo_tui.__main__" not in imported
