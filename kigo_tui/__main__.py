"""The `kigo` command: the fast path to the TUI, else `kigo_tui.cli.main`.

The one module that imports the app (an import-linter contract in pyproject.toml). No module imports
this one (it would run twice under `python -m kigo_tui`): what the CLI needs lives in `kigo_tui.cli`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kigo_tui.cli.running import reported
from kigo_tui.cli.tui import tui_arguments

__all__ = ["main", "run_tui", "tui_arguments"]


def main(argv: Sequence[str] | None = None) -> int:
    args = tui_arguments(argv)
    if args is not None:
        return reported(lambda: run_tui(args), args)
    from kigo_tui.cli.main import main as cli_main

    return cli_main(argv, open_tui=run_tui)


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI: the database is opened in a thread before Textual is imported
    (`kigo_tui.storage.preload`), so the two overlap."""
    from kigo_tui.config import load_settings, resolve_db
    from kigo_tui.domain.dates import resolve_today
    from kigo_tui.storage.preload import Preload

    settings = load_settings()
    today, overridden = resolve_today(args.today)
    db = resolve_db(args.db, settings)
    preload = Preload.start(db, settings.user, today)  # before Textual is imported: in parallel
    from kigo_tui.app import create_app

    app = create_app(db, settings=settings, today=today if overridden else None, preload=preload)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
