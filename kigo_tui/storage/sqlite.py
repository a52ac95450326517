"""A kigo database in a SQLite file, used through the standard library's sqlite3.

This is how the store reaches a SQLite file once its schema is current: no SQLAlchemy import,
so the TUI paints its first frame and `kigo status` answers in a fraction of the time. The
connections get the same settings as the SQLAlchemy engine in `kigo_tui.storage.engine`: WAL (set when the
file is prepared), `synchronous=FULL`, foreign keys, a busy timeout, and writers that take the
write lock when their transaction starts (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kigo_tui.storage.common import (
    BUSY_TIMEOUT_MS,
    StorageError,
    sqlite_uri,
    storage_error,
    text_error,
)
from kigo_tui.storage.sql import Sql, SqliteSql

BEGIN_ATTEMPTS = 5
"""How often a writer tries to take the write lock when SQLite says busy despite the timeout."""


def fold(value: object) -> str | None:
    """Case-insensitive matching for Danish text (SQLite's own lower() knows only ASCII)."""
    return None if value is None else str(value).casefold()


@dataclass(frozen=True)
class Probe:
    """What a quick read-only look at a file found, before anything decides to write to it."""

    problem: str | None
    """What SQLite's integrity check (or the open) said, when it was not 'ok'."""
    schema_version: int | None
    journal_mode: str | None

    def ready(self, version: int) -> bool:
        """A kigo database of schema `version`, undamaged and in WAL mode."""
        return (
            self.problem is None and self.schema_version == version and self.journal_mode == "wal"
        )


def probe(path: Path) -> Probe:
    """Look at a SQLite file read-only: integrity, schema version, journal mode. Writes nothing."""
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return Probe(str(exc), None, None)
    try:
        check = conn.execute("PRAGMA quick_check").fetchall()
        result = "; ".join(str(r[0]) for r in check[:3])
        if result != "ok":
            return Probe(result, None, None)
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        version = None
        if has_meta:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        return Probe(None, version, str(mode).lower())
    except sqlite3.Error as exc:
        return Probe(str(exc), None, None)
    finally:
        conn.close()


def writable(path: Path) -> bool:
    """Can this user change the file (and create its -wal and -shm files beside it)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class SqliteFile:
    """Connections to one SQLite file: one for reads, one for writes, each used by one thread at a
    time. In WAL mode a long read never holds up a write."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self._closed = False

    def _connect(self, mode: str) -> sqlite3.Connection:
        if self._closed:
            raise StorageError("databasen er lukket")
        try:
            conn = sqlite3.connect(
                sqlite_uri(self.path, mode),
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we say BEGIN ourselves
                check_same_thread=False,  # the locks above keep one thread per connection
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if mode != "ro":
                conn.execute("PRAGMA synchronous = FULL")
            conn.create_function("kigo_fold", 1, fold, deterministic=True)
        except sqlite3.Error as exc:
            raise storage_error(str(exc)) from exc
        return conn

    @contextmanager
    def read(self) -> Iterator[Sql]:
        """A read transaction: one consistent view of the database."""
        with self._read_lock, _translated():
            if self._reader is None:
                self._reader = self._connect("ro" if self.read_only else "rw")
            conn = self._reader
            conn.execute("BEGIN")
            try:
                yield SqliteSql(conn)
            finally:
                conn.execute("ROLLBACK")  # nothing to keep; ends the snapshot

    @contextmanager
    def write(self) -> Iterator[Sql]:
        """A write transaction holding SQLite's write lock from its start; committed at the end of
        the block, rolled back on any error."""
        if self.read_only:
            raise StorageError(
                f"databasen er skrivebeskyttet for denne bruger ({self.path}): ændringen er ikke gemt"
            )
        with self._write_lock, _translated():
            if self._writer is None:
                self._writer = self._connect("rw")
            conn = self._writer
            _begin_immediate(conn)
            try:
                yield SqliteSql(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close both connections once no thread is using them (a worker may be mid-query when
        the app exits; closing a connection under a running statement can crash sqlite3)."""
        with self._read_lock, self._write_lock:
            self._closed = True
            for conn in (self._reader, self._writer):
                if conn is not None:
                    conn.close()
            self._reader = self._writer = None


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE waits up to the busy timeout; where SQLite still answers busy at once (it
    can, e.g. while another connection recovers the WAL), try again a few times."""
    for attempt in range(BEGIN_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or attempt == BEGIN_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise storage_error(str(exc)) from exc
    except UnicodeEncodeError as exc:
        raise text_error(exc) from None
