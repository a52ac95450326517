"""Backups of a SQLite database with SQLite's online backup API, and the integrity check.

A backup is taken automatically before a schema migration and before a catalogue import, and on
demand (`kigo backup`). The newest few are kept beside the database in `kigo-backups/`. Every copy
is checked before it counts (SQLite's full integrity check, and the same rows per table as the
source had when it was copied). A restore first checks the backup and refuses, unless the user
confirms, one that is empty, damaged, of a newer schema or from another kommune; then it backs up
the current file (if it can be read; a damaged one is renamed beside), then copies the backup in.
A corrupt database is never overwritten silently: the user is told and offered the newest good
backup. No Textual.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kigo_tui.errors import KigoError
from kigo_tui.storage.common import (
    SCHEMA_VERSION,
    StorageError,
    require_regular_file,
    sqlite_file,
    sqlite_uri,
)

KEEP = 5
"""How many automatic and manual backups are kept per database."""


class BackupError(KigoError):
    pass


sqlite_path = sqlite_file
"""The file behind a SQLite URL or plain path; None for other databases or :memory:."""


def backup_dir(db: Path) -> Path:
    return db.parent / "kigo-backups"


def list_backups(db: Path) -> list[Path]:
    """This database's backups, newest first: `<stem>-<time stamp>-<reason>.db`, matched exactly
    (not as a glob pattern, where a `*`, `?` or `[` in the name would match other databases'
    backups, and `kigo-*` would take in those of `kigo-test.db`)."""
    folder = backup_dir(db)
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(db.stem) + r"-\d{8}-\d{6}-\d{6}-[a-z0-9-]+\.db")
    return sorted(
        (p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file()), reverse=True
    )


def backup_taken(backup: Path) -> datetime | None:
    """When a backup was taken, from its name (the stamp is UTC, so names sort in time order
    across a change of daylight saving time); None for a name without a stamp."""
    match = re.search(r"-(\d{8}-\d{6})-\d{6}-[a-z0-9-]+\.db$", backup.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


def integrity_problem(path: Path) -> str | None:
    """None when SQLite's quick check says ok; otherwise what it (or the open) said."""
    try:
        require_regular_file(path, "filen")
    except StorageError as exc:
        return str(exc)
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
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


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (all of the file's tables, SQLite's own included), in name order."""
    names = [
        str(r[0])
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {n: conn.execute(f"SELECT count(*) FROM {quoted[n]}").fetchone()[0] for n in names}


def _verify_copy(source: Path, target: Path, expected: dict[str, int]) -> None:
    """The copy passes SQLite's full integrity check and has the source's rows, table by table."""
    conn = sqlite3.connect(sqlite_uri(target, "ro"), uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        result = "; ".join(str(r[0]) for r in rows[:3])
        if result != "ok":
            raise BackupError(f"{source}: kopien {target.name} er ikke i orden ({result})")
        found = table_counts(conn)
    finally:
        conn.close()
    if found != expected:
        differ = sorted(
            f"{t}: {expected.get(t, 0)} → {found.get(t, 0)}"
            for t in set(found) | set(expected)
            if found.get(t) != expected.get(t)
        )
        raise BackupError(
            f"{source}: kopien {target.name} har ikke de samme rækker som kilden ("
            + ", ".join(differ[:5])
            + ")"
        )


def _copy(source: Path, target: Path, *, single_file: bool = False) -> dict[str, int]:
    """Copy with the backup API and check the copy (integrity, rows per table) against the
    source as it was copied: the counts are read in the same read transaction that the copy
    reads, so a writer in between changes neither. `single_file` makes the copy use a rollback
    journal, not WAL (for backups, so no -wal/-shm files pile up beside them). Returns the rows
    per table."""
    src = sqlite3.connect(sqlite_uri(source, "ro"), uri=True, isolation_level=None)
    try:
        src.execute("BEGIN")
        expected = table_counts(src)
        dst = sqlite3.connect(sqlite_uri(target, "rwc"), uri=True)
        try:
            src.backup(dst)
            if single_file:
                dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        src.execute("ROLLBACK")
    finally:
        src.close()
    if single_file:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    _verify_copy(source, target, expected)
    return expected


def make_backup(
    db: Path, reason: str = "manuel", keep: int = KEEP, protect: tuple[Path, ...] = ()
) -> Path:
    """Copy the database into its backup folder (consistent even while others write), checked
    (integrity, rows per table equal to the source) before it is kept. The oldest backups beyond
    `keep` are removed, except those in `protect`."""
    if not db.exists():
        raise BackupError(f"{db}: databasen findes ikke")
    try:
        require_regular_file(db, "databasen")
    except StorageError as exc:
        raise BackupError(str(exc)) from None
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
        os.replace(temp, target)
    except BackupError as exc:
        raise BackupError(f"{exc}; sikkerhedskopien er ikke gemt") from None
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{db}: kan ikke tage en sikkerhedskopi: {exc}") from None
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal")):
            leftover.unlink(missing_ok=True)
    kept = {p.resolve() for p in protect}
    for old in list_backups(db)[keep:]:
        if old.resolve() not in kept:
            old.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class Inspection:
    """What a file offered for a restore holds, read without changing it."""

    problem: str | None
    """Damage, or not a kigo database; None when SQLite's integrity check says ok."""
    schema_version: int | None = None
    kommune_code: str | None = None
    tasks: int = 0


def inspect_file(path: Path) -> Inspection:
    """Read a kigo database file's schema, kommune and size, read-only."""
    try:
        require_regular_file(path, "filen")
    except StorageError as exc:
        return Inspection(str(exc))
    if path.stat().st_size == 0:
        return Inspection(None)
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            result = "; ".join(str(r[0]) for r in rows[:3])
            if result != "ok":
                return Inspection(result)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "meta" not in tables:
                return Inspection(None if not tables else "ikke en kigo-database")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            tasks = (
                conn.execute("SELECT count(*) FROM task").fetchone()[0] if "task" in tables else 0
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return Inspection(str(exc))
    version = str(meta.get("schema_version", ""))
    return Inspection(
        None,
        int(version) if version.isdigit() else None,
        str(meta["kommune_code"]) if meta.get("kommune_code") is not None else None,
        int(tasks),
    )


def restore_objections(db: Path, backup: Path) -> list[str]:
    """Why `backup` should not replace `db` without the user's confirmation (Danish); empty when
    nothing speaks against it: an empty file, a damaged one, a newer schema, another kommune."""
    found = inspect_file(backup)
    if found.problem is not None:
        return [f"den er beskadiget eller ikke en kigo-database ({found.problem})"]
    objections = []
    if found.kommune_code is None:
        objections.append("den er tom (ingen kommune og ingen opgaver)")
    if found.schema_version is not None and found.schema_version > SCHEMA_VERSION:
        objections.append(
            f"den er lavet af en nyere kigo (skema {found.schema_version}; dette program kender "
            f"op til {SCHEMA_VERSION})"
        )
    current = inspect_file(db) if db.exists() else None
    if (
        current is not None
        and current.problem is None
        and current.kommune_code is not None
        and found.kommune_code is not None
        and current.kommune_code != found.kommune_code
    ):
        objections.append(
            f"den er fra en anden kommune (kode {found.kommune_code}; databasen er kode "
            f"{current.kommune_code})"
        )
    return objections


def restore(db: Path, backup: Path, *, force: bool = False) -> Path | None:
    """Put `backup` in place of `db`. Returns the safety copy taken of the current file, if any.

    Refused (nothing changed) when the backup is not a regular file, or when `restore_objections`
    finds something and `force` is not given. The current file is always kept first: copied into
    the backup folder, or, when it is damaged, renamed beside."""
    try:
        require_regular_file(backup, "sikkerhedskopien")
    except StorageError as exc:
        raise BackupError(str(exc)) from None
    if db.exists() and backup.resolve() == db.resolve():
        raise BackupError(f"{backup} er selve databasen, ikke en sikkerhedskopi; intet er ændret")
    if db.exists():
        try:
            require_regular_file(db, "databasen")
        except StorageError as exc:
            raise BackupError(str(exc)) from None
    objections = restore_objections(db, backup)
    if objections and not force:
        raise BackupError(
            f"{backup} gendannes ikke: "
            + "; ".join(objections)
            + ". Intet er ændret. Gendan alligevel med --force (den nuværende fil gemmes først)"
        )
    safety = None
    if db.exists() and integrity_problem(db) is None:
        safety = make_backup(db, "foer-gendannelse", keep=KEEP + 1, protect=(backup,))
    elif db.exists():
        # A corrupt file is kept beside, never deleted.
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        safety = db.with_name(f"{db.name}.beskadiget-{stamp}")
        os.replace(db, safety)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                os.replace(side, safety.with_name(safety.name + suffix))
    try:
        _copy(backup, db)
    except (BackupError, sqlite3.Error, OSError) as exc:
        kept = f"; den tidligere fil er gemt som {safety}" if safety else ""
        raise BackupError(f"{backup}: kan ikke gendannes ({exc}){kept}") from None
    return safety
