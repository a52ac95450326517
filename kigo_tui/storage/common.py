"""What every part of the storage layer shares, cheap to import: the schema version, the storage
error and its Danish messages, and where a database is.

The SQLAlchemy side (`kigo_tui.storage.engine`, `kigo_tui.storage.schema`) and the
standard-library SQLite side (`kigo_tui.storage.sqlite`) both import from here, so a message or a
limit is written once.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import quote, unquote

from kigo_tui.errors import KigoError

SCHEMA_VERSION = 11
"""The schema this program writes.

History: 1 = first release; 2 = task.version (optimistic locking); 3 = task.withdrawn (tasks a
newer catalogue no longer has are kept, marked withdrawn, instead of deleted); 4 = the kommune's
organisation: person, role_assignment, responsibility, dialogue, dialogue_task; 5 = case_area
(the KMD Sag exit strategy workspace); 6 = index ix_task_rollup, so the roll-up counts of the tree
are read from the index alone; 7 = defect (the defect log measured against the SLA); 8 =
task.baseline_start/baseline_due (KOMBIT's dates beside the kommune's), task.start_reason/
due_reason and history.reason (why a date was moved), and meta `local_id:<PROJECT>-<NN>` (local
task numbers are never reused); 9 = case_area.version (a sagsområde's edits refused when based on
an older version); 10 = the rest of seed 004's documentation sheet on case_area (TSA, cleanup and
archiving requirements, the To-be answers, the kommune's own user band and priority) and
exit_decision (the beslutningsnotat); 11 = person.version (people edited without a lost update),
role_assignment.decision_power, dialogue.results and dialogue.lead_informed.
"""

LOCAL_ID_KEY = "local_id:"
"""Meta key prefix: `local_id:SAPA-07` holds the highest local task number ever given under that
hovedopgave (SAPA-07-L<n>), so a deleted task's id (and its calendar UID) never comes back."""

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


def check_db(db: str) -> None:
    """Refuse a malformed database URL, or a path that looks like one, before anything is opened
    or created: a mistyped URL must never become a folder or file name (with its password)."""
    from kigo_tui.storage.dburl import problem

    reason = problem(db)
    if reason is not None:
        raise StorageError(reason)


def url_for(db: str) -> str:
    """A SQLAlchemy URL from what the user gave: a URL as it is, anything else as a SQLite file
    path, %-encoded so that `#`, `?` and `%` in the path stay part of it."""
    check_db(db)
    if "://" in db:
        return db
    return "sqlite:///" + quote(str(Path(db).expanduser().resolve()), safe="/")


def sqlite_file(db: str) -> Path | None:
    """The file behind a SQLite path or URL; None for other databases and in-memory SQLite.

    Raises StorageError for a malformed URL (see `check_db`) and for a path that exists but is
    not a regular file (a folder, a FIFO, a device): SQLite would hang on a FIFO or fail later."""
    check_db(db)
    if "://" not in db:
        path = Path(db).expanduser().resolve()
    else:
        scheme, _, rest = db.partition("://")
        if scheme.split("+", 1)[0].lower() != "sqlite" or rest in ("", "/:memory:"):
            return None
        path = Path(unquote(rest.removeprefix("/"))).resolve()  # SQLAlchemy unquotes it too
    require_regular_file(path, "databasen", missing_ok=True)
    return path


def require_regular_file(path: Path, what: str, *, missing_ok: bool = False) -> None:
    """StorageError unless `path` is a regular file (or, with `missing_ok`, does not exist)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if missing_ok:
            return
        raise StorageError(f"{what} {path} findes ikke") from None
    except OSError as exc:
        raise StorageError(f"{what} {path} kan ikke læses ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = (
            "en mappe" if stat.S_ISDIR(mode) else "ikke en almindelig fil (fx en FIFO eller enhed)"
        )
        raise StorageError(f"{what} {path} er {kind}; intet er ændret")


def require_folder(path: Path) -> None:
    """The folder a new SQLite file goes into must exist: kigo does not create folders for a
    database (a typo in a folder name would otherwise give a new, empty database somewhere else),
    except its own default folder in the user data dir."""
    folder = path.parent
    if folder.is_dir():
        return
    from kigo_tui.locations import default_db_path

    if path == default_db_path().expanduser().resolve() and not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"kan ikke oprette mappen {folder}: {exc.strerror}") from None
        return
    if folder.exists():
        raise StorageError(f"{folder} er ikke en mappe; databasen {path.name} kan ikke ligge der")
    raise StorageError(
        f"mappen {folder} findes ikke; opret den først (fx mkdir -p), eller ret stien. "
        "kigo opretter ikke mapper til en database selv; intet er oprettet"
    )


def sqlite_uri(path: Path, mode: str) -> str:
    """A `file:` URI for sqlite3 (uri=True) with the path %-encoded, so `#`, `?` and `%` in a
    folder or file name are part of the name, never a fragment or a query. `mode`: ro, rw, rwc."""
    absolute = str(Path(path).absolute())
    return f"file://{quote(absolute, safe='/')}?mode={mode}"
