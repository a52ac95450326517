"""Backups of a SQLite database with SQLite's online backup API, and the integrity check.

A backup is taken automatically before a schema migration and before a catalogue import, and on
demand (`kigo backup`). The newest few are kept beside the database in `kigo-backups/`. A restore
first checks the backup, then backs up the current file (if it can be read), then copies the
backup in. A corrupt database is never overwritten silently: the user is told and offered the
newest good backup. No Textual.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kigo_tui.errors import KigoError
from kigo_tui.storage import sqlite_file

KEEP = 5
"""How many automatic and manual backups are kept per database."""


class BackupError(KigoError):
    pass


sqlite_path = sqlite_file
"""The file behind a SQLite URL or plain path; None for other databases or :memory:."""


def backup_dir(db: Path) -> Path:
    return db.parent / "kigo-backups"


def list_backups(db: Path) -> list[Path]:
    """This database's backups, newest first."""
    folder = backup_dir(db)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db.stem}-*.db"), reverse=True)


def integrity_problem(path: Path) -> str | None:
    """None when SQLite's integrity check says ok; otherwise what it (or the open) said."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    result = "; ".join(str(r[0]) for r in rows[:3])
    return None if result == "ok" else result


def newest_good_backup(db: Path) -> Path | None:
    for candidate in list_backups(db):
        if integrity_problem(candidate) is None:
            return candidate
    return None


def _copy(source: Path, target: Path, *, single_file: bool = False) -> None:
    """Copy with the backup API; `single_file` makes the copy use a rollback journal, not WAL
    (for backups, so no -wal/-shm files pile up beside them)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            if single_file:
                dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    if single_file:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def make_backup(db: Path, reason: str = "manuel", keep: int = KEEP) -> Path:
    """Copy the database into its backup folder (consistent even while others write)."""
    if not db.exists():
        raise BackupError(f"{db}: databasen findes ikke")
    folder = backup_dir(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"kan ikke oprette mappen {folder}: {exc.strerror}") from None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db.stem}-{stamp}-{reason}.db"
    temp = target.with_suffix(".tmp")
    try:
        _copy(db, temp, single_file=True)
        problem = integrity_problem(temp)
        if problem is not None:
            raise BackupError(f"{db}: sikkerhedskopien kunne ikke kontrolleres: {problem}")
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{db}: kan ikke tage en sikkerhedskopi: {exc}") from None
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    for old in list_backups(db)[keep:]:
        old.unlink(missing_ok=True)
    return target


def restore(db: Path, backup: Path) -> Path | None:
    """Put `backup` in place of `db`. Returns the safety copy taken of the current file, if any."""
    problem = integrity_problem(backup)
    if problem is not None:
        raise BackupError(
            f"{backup}: sikkerhedskopien er ikke i orden ({problem}); intet er ændret"
        )
    safety = None
    if db.exists() and integrity_problem(db) is None:
        safety = make_backup(db, "foer-gendannelse", keep=KEEP + 1)
    elif db.exists():
        # A corrupt file is kept beside, never deleted.
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        safety = db.with_name(f"{db.name}.beskadiget-{stamp}")
        os.replace(db, safety)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                os.replace(side, safety.with_name(safety.name + suffix))
    _copy(backup, db)
    return safety
