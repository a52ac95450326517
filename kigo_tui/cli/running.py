"""How a command runs: its database and today, its store, its printable output, and its errors
reported as 'kigo: fejl: …' with exit code 1.

Only the standard library is imported at module level (the TUI's fast path reports its errors
through `reported` too); the storage modules are imported when a command runs.
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from kigo_tui.storage.store import Store

Run = Callable[[argparse.Namespace], int]
"""What a subcommand's `set_defaults(run=…)` holds."""
StoreRun = Callable[["Store", argparse.Namespace, date], int]
"""A command that works on the open store, for `with_store`."""


class CliError(KigoError):
    """A user error: printed as 'kigo: fejl: …' on stderr, exit code 1."""


# ------------------------------------------------------------------ the database


def resolve_db(option: str | None) -> str:
    from kigo_tui.config import resolve_db as resolve

    return resolve(option)


def database(args: argparse.Namespace) -> tuple[str, date]:
    """The database this run names and the day it counts as today; a malformed URL is refused
    before any file is looked at or made."""
    from kigo_tui.domain.dates import resolve_today
    from kigo_tui.storage.common import check_db

    today, _ = resolve_today(args.today)
    db = resolve_db(args.db)
    check_db(db)
    return db, today


def open_store(db: str, *, must_exist: bool) -> Store:
    from kigo_tui.storage.store import Store

    if must_exist and "://" not in db and not Path(db).expanduser().exists():
        raise CliError(f"databasen findes ikke: {db} (opret den med 'kigo init' eller 'kigo demo')")
    from kigo_tui.config import load_settings

    return Store.open(db, user=load_settings().user)


def with_store(run: StoreRun) -> Run:
    """A command on an existing database: `run(store, args, today)` with the store open."""

    @functools.wraps(run)
    def run_with_store(args: argparse.Namespace) -> int:
        db, today = database(args)
        store = open_store(db, must_exist=True)
        try:
            return run(store, args, today)
        finally:
            store.close()

    return run_with_store


# ------------------------------------------------------------------ output


class PrintableStream:
    """A text stream that writes everything through `kigo_tui.domain.text.printable`: what the CLI
    prints (a task title from the database, a bundle's content, a file name) cannot steer the
    terminal. `unfiltered` is the stream underneath, for the few outputs that add their own colour
    codes."""

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
    sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


# ------------------------------------------------------------------ errors


def reported(run: Callable[[], int], args: argparse.Namespace) -> int:
    """run(), with a user error, a closed pipe or a file system error reported, not raised."""
    try:
        return run()
    except KigoError as exc:
        return report(exc, args)
    except BrokenPipeError:  # `kigo status | head`: the reader went away, nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the command was pointed at: too long a name, no access …
        return report(KigoError(os_message(exc)), args)


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


def os_message(exc: OSError) -> str:
    """A file system error in Danish, naming the file (its name cut to 120 characters)."""
    reason = _OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
    name = str(exc.filename) if exc.filename is not None else ""
    name = name if len(name) <= 120 else name[:60] + "…" + name[-59:]
    return f"{name}: {reason}" if name else reason


def report(exc: KigoError, args: argparse.Namespace | None) -> int:
    """Print the error as 'kigo: fejl: …' on stderr; the exit code 1."""
    from kigo_tui.domain.text import printable

    print(printable(f"kigo: fejl: {_masked(str(exc), args)}"), file=sys.stderr)
    return 1


def _masked(message: str, args: argparse.Namespace | None) -> str:
    """The message without any password from the URLs this run was given (a last safety net:
    storage errors are masked where they are made)."""
    from kigo_tui.storage.dburl import mask

    urls = (getattr(args, n, None) for n in ("db", "source", "target"))
    return mask(message, *urls, os.environ.get("KIGO_DB"))
