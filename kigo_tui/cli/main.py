"""`kigo <command>`: the parser made of every command family's, and the run of the one given.

Each family module (`tasks`, `database`, `catalogue`, …) adds its commands with `register` and
gives each a `run` default; nothing here knows a command by name. Heavy imports (SQLAlchemy,
pydantic) happen inside the commands, so `kigo --version` does not pay for them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from kigo_tui import __version__
from kigo_tui.cli import (
    bundle,
    calendar,
    catalogue,
    database,
    defects,
    exit_strategy,
    kommune,
    organisation,
    progress,
    tasks,
)
from kigo_tui.cli import report as report_command
from kigo_tui.cli.args import (
    VERSION_HELP,
    Parser,
    add_global_options,
    clean_text_arguments,
    name_arguments,
)
from kigo_tui.cli.running import printable_output, report, reported
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.errors import KigoError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kigo",
        description="KIGO i terminalen: implementeringsopgaver for "
        f"{', '.join(PROJECT_CODES[:-1])} og {PROJECT_CODES[-1]}.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kigo {__version__}", help=VERSION_HELP
    )
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", parser_class=Parser)
    # in the order `kigo --help` lists them
    database.register_creation(subparsers)
    kommune.register(subparsers)
    tasks.register(subparsers)
    catalogue.register(subparsers)
    organisation.register(subparsers)
    database.register_care(subparsers)
    exit_strategy.register(subparsers)
    defects.register(subparsers)
    calendar.register(subparsers)
    progress.register(subparsers)
    report_command.register(subparsers)
    bundle.register(subparsers)
    clean_text_arguments(parser)
    name_arguments(parser)
    return parser


def main(
    argv: Sequence[str] | None = None, open_tui: Callable[[argparse.Namespace], int] | None = None
) -> int:
    """`kigo ARGV`: a subcommand, --help, --version or a mistake. With no subcommand, `open_tui`
    (given by the entry, `kigo_tui.__main__`, the one module that imports the app) opens the TUI;
    the entry opens it without this parser when only the TUI's options are given."""
    with printable_output():
        try:
            args = build_parser().parse_args(argv)
        except KigoError as exc:  # pragma: no cover  (argument types raise ArgumentTypeError)
            return report(exc, None)
        if args.command is not None:
            return reported(lambda: args.run(args), args)
    if open_tui is None:
        build_parser().print_usage(sys.stderr)
        return 2
    return reported(lambda: open_tui(args), args)
