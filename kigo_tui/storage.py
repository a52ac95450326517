"""What every part of the storage layer shares, cheap to import: the schema version, the storage
error and its Danish messages, and where a database is.

The SQLAlchemy side (`kigo_tui.db`) and the standard-library SQLite side (`kigo_tui.sqlite_file`)
both import from here, so a message or a limit is written once.
"""

from __future__ import annotations

from pathlib import Path

from kigo_tui.errors import KigoError

SCHEMA_VERSION = 8
"""The schema this program writes.

History: 1 = first release; 2 = task.version (optimistic locking); 3 = task.withdrawn (tasks a
newer catalogue no longer has are kept, marked withdrawn, instead of deleted); 4 = the kommune's
organisation: person, role_assignment, responsibility, dialogue, dialogue_task; 5 = case_area
(the KMD Sag exit strategy workspace); 6 = index ix_task_rollup, so the roll-up counts of the tree
are read from the index alone; 7 = defect (the defect log measured against the SLA); 8 =
case_area.version (a sagsområde's edits refused when based on an older version).
"""

CHANGES_CHANNEL = "kigo_changes"
"""PostgreSQL's notification channel: every committed write sends its new revision on it."""

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another process's write lock before it gives up."""


class StorageError(KigoError):
    """The database cannot be used: locked, corrupt, too new, or not reachable. Message in Danish."""


def storage_error(message: str) -> StorageError:
    """The Danish error for what the database driver said (`message`)."""
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return StorageError("databasen er låst af en anden bruger eller proces; prøv igen om lidt")
    if "deadlock" in lowered or "could not serialize" in lowered:
        return StorageError(
            "ændringen stødte sammen med en anden brugers ændring og er ikke gemt; prøv igen"
        )
    missing_database = 'database "' in lowered and "does not exist" in lowered
    if missing_database or any(
        sign in lowered for sign in ("connection", "connect to server", "authentication")
    ):
        return StorageError(f"kan ikke forbinde til databasen: {message}")
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"databasen er skrivebeskyttet: ændringen er ikke gemt ({message})")
    if "malformed" in lowered or "not a database" in lowered or "encrypted" in lowered:
        return StorageError(f"databasen er beskadiget eller ikke en kigo-database: {message}")
    return StorageError(f"databasen kan ikke bruges: {message}")


def text_error(exc: UnicodeEncodeError) -> StorageError:
    """Text with lone surrogates (argv bytes that are not UTF-8) cannot be stored or looked up."""
    return StorageError(
        f"teksten {exc.object[:40]!r} indeholder tegn der ikke er gyldig UTF-8 "
        "(fx fra en terminal med en anden tegnkodning); intet er ændret"
    )


def url_for(db: str) -> str:
    """A SQLAlchemy URL from what the user gave: a URL as it is, anything else as a SQLite file path."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def sqlite_file(db: str) -> Path | None:
    """The file behind a SQLite path or URL; None for other databases and in-memory SQLite."""
    if "://" not in db:
        return Path(db).expanduser().resolve()
    if db.startswith("sqlite:///") and not db.endswith(":memory:"):
        return Path(db.removeprefix("sqlite:///"))
    return None
