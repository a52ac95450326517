"""The `kigo` command: the fast path to the TUI, else `kigo_tui.cli.main`.

No module imports this one (it would run twice under `python -m kigo_tui`): what the CLI needs
lives in the `kigo_tui.cli` package.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kigo_tui.cli.running import reported
from kigo_tui.cli.tui import run_tui, tui_arguments

__all__ = ["main", "tui_arguments"]


def main(argv: Sequence[str] | None = None) -> int:
    args = tui_arguments(argv)
    if args is not None:
        return reported(lambda: run_tui(args), args)
    from kigo_tui.cli.main import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
