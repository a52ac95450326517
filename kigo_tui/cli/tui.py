"""`kigo` without a subcommand: the TUI's two options, parsed without the full parser.

Opening the TUI is the common case and is kept lean: its arguments (only `--db` and `--today`) are
parsed without building the parser of every subcommand, and the database is opened in a thread
before Textual is imported (`kigo_tui.storage.preload`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kigo_tui.cli.args import add_global_options


def tui_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments when all they do is open the TUI (global options only), parsed without
    building the parser of every subcommand, which costs the first frame tens of milliseconds.
    None for anything else (a subcommand, --help, --version, a mistake): the full parser decides."""
    quick = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    add_global_options(quick)
    try:
        args, rest = quick.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    return args
