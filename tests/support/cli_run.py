"""Run `kigo` in-process as a user would type it: the exit code and what it printed."""

from __future__ import annotations

import pytest

from kigo_tui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`kigo ARGV…`: (exit code, stdout, stderr); argparse's SystemExit becomes its code."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err
