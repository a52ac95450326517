"""The `kigo` command: the TUI, or a subcommand of `kigo_tui.cli.main`.

Opening the TUI is the common case and is kept lean: its arguments (only `--db` and `--today`) are
parsed without building the parser of every subcommand, and the database is opened in a thread
before Textual is imported (`kigo_tui.storage.preload`).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from kigo_tui.errors import KigoError


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", help="databasefil eller SQLAlchemy-URL (ellers KIGO_DB eller standard)"
    )
    parser.add_argument(
        "--today", help="beregn farver for denne dato, ÅÅÅÅ-MM-DD (ellers KIGO_TODAY)"
    )


def tui_arguments(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments when all they do is open the TUI (global options only), parsed without
    building the parser of every subcommand, which costs the first frame tens of milliseconds.
    None for anything else (a subcommand, --help, --version, a mistake): the full parser decides."""
    quick = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    _add_global_options(quick)
    try:
        args, rest = quick.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.command = None
    return args


def run_tui(args: argparse.Namespace) -> int:
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


class PrintableStream:
    """A text stream that writes everything through `kigo_tui.domain.text.printable`: what the CLI prints
    (a task title from the database, a bundle's content, a file name) cannot steer the terminal.
    `unfiltered` is the stream underneath, for the few outputs that add their own colour codes."""

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        from kigo_tui.domain.text import printable

        return self.unfiltered.write(printable(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)


@contextmanager
def printable_output() -> Iterator[None]:
    """sys.stdout and sys.stderr as PrintableStreams for the duration (the CLI's print path)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    args = tui_arguments(argv)
    if args is not None:
        return _reported(lambda: run_tui(args), args)
    with printable_output():
        from kigo_tui.cli.main import build_parser

        try:
            args = build_parser().parse_args(argv)
        except KigoError as exc:  # pragma: no cover  (argument types raise ArgumentTypeError)
            return _report(exc, None)
        if args.command is not None:
            from kigo_tui.cli.main import run_command

            return _reported(lambda: run_command(args), args)
    return _reported(lambda: run_tui(args), args)


def _reported(run: Callable[[], int], args: argparse.Namespace) -> int:
    try:
        return run()
    except KigoError as exc:
        return _report(exc, args)
    except BrokenPipeError:  # `kigo status | head`: the reader went away, nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the command was pointed at: too long a name, no access …
        return _report(KigoError(_os_message(exc)), args)


_OS_ERRORS = {
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.ENOENT: "findes ikke",
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.EISDIR: "er en mappe",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.ENOSPC: "disken er fuld",
    errno.EROFS: "filsystemet er skrivebeskyttet",
}


def _os_message(exc: OSError) -> str:
    """A file system error in Danish, naming the file (its name cut to 120 characters)."""
    reason = _OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
    name = str(exc.filename) if exc.filename is not None else ""
    name = name if len(name) <= 120 else name[:60] + "…" + name[-59:]
    return f"{name}: {reason}" if name else reason


def _report(exc: KigoError, args: argparse.Namespace | None) -> int:
    from kigo_tui.domain.text import printable

    print(printable(f"kigo: fejl: {_masked(str(exc), args)}"), file=sys.stderr)
    return 1


def _masked(message: str, args: argparse.Namespace | None) -> str:
    """The message without any password from the URLs this run was given (a last safety net:
    storage errors are masked where they are made)."""
    from kigo_tui.storage.dburl import mask

    urls = (getattr(args, n, None) for n in ("db", "source", "target"))
    return mask(message, *urls, os.environ.get("KIGO_DB"))


if __name__ == "__main__":
    sys.exit(main())
