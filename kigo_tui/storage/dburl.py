"""Database URLs for people to read: where the data is, never a password. Standard library only.

The header of the TUI and every message that names a database use `display_url`; `mask` takes a
password out of any text (a driver's error can repeat the URL it was given); `password_in` finds
a password written into a URL, which kigo refuses to keep in config.toml.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, unquote, urlsplit

PASSWORD_OPTIONS = ("password", "passwd")
"""Query options that carry a password in a libpq or SQLAlchemy URL."""

HIDDEN = "***"


BACKENDS = ("sqlite", "postgresql")
"""The databases kigo works with."""

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9]*(\+[A-Za-z0-9_]+)?")
_URL_LIKE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]+):")
"""A path that starts like a URL (`postgres:/x`, `postgresql:user@host`): a scheme of two or more
letters and a colon (one letter is a Windows drive)."""
_SCHEME_WITHOUT_COLON = re.compile(r"(sqlite|postgres|postgresql)(\+\w+)?(/|\\|$)", re.IGNORECASE)

EXAMPLE = "fx postgresql://vært/database eller en filsti som ./kigo.db"


def is_url(db: str) -> bool:
    return "://" in db


def problem(db: str) -> str | None:
    """Why `db` (a path or URL) cannot be a database, in Danish; None when it can be tried.

    Never repeats a password: the URL is named by its scheme only."""
    if not db.strip():
        return "databasens sti eller adresse er tom"
    if "\x00" in db:
        return "databasens sti eller adresse indeholder et nul-tegn"
    if not is_url(db):
        if match := _URL_LIKE.match(db):
            return (
                f"databasen '{match.group(1)}:…' ligner en databaseadresse, men mangler '//' "
                f"({EXAMPLE}); en fil med kolon i navnet skrives med ./ foran"
            )
        if match := _SCHEME_WITHOUT_COLON.match(db):
            return (
                f"databasen '{match.group(1)}…' ligner en databaseadresse uden '://' ({EXAMPLE}); "
                "en fil eller mappe med det navn skrives med ./ foran"
            )
        if db.startswith("~") and os.path.expanduser(db) == db:
            user = db[1:].split("/", 1)[0]
            whose = f"brugeren '{user}'" if user else "din bruger"
            return f"databasen {db} begynder med ~, men hjemmemappen for {whose} kan ikke findes"
        if db.endswith("/") or db.endswith(os.sep):
            return f"databasen {db} er en mappe, ikke en fil"
        return None
    scheme, _, rest = db.partition("://")
    if not _SCHEME.fullmatch(scheme):
        return (
            "databaseadressen begynder ikke med en databasetype før '://' "
            f"(kigo kender {', '.join(b + '://' for b in BACKENDS)})"
        )
    kind = backend(db)
    if kind == "postgres":
        return "databasetypen hedder postgresql://, ikke postgres:// (ret adressen)"
    if kind not in BACKENDS:
        return (
            f"ukendt databasetype '{scheme}://' "
            f"(kigo kender {', '.join(b + '://' for b in BACKENDS)})"
        )
    if kind == "sqlite":
        return _sqlite_problem(rest)
    return _server_problem(db)


def _sqlite_problem(rest: str) -> str | None:
    """`sqlite://` (in memory), `sqlite:///relativ.db`, `sqlite:////absolut.db`."""
    if rest == "":
        return None
    if not rest.startswith("/"):
        return "en sqlite://-adresse har ingen vært: skriv sqlite:///fil.db eller sqlite:////sti/fil.db"
    database = rest[1:]
    if "?" in database:
        return (
            "en sqlite://-adresse med indstillinger efter '?' understøttes ikke; skriv filens sti"
        )
    if not database.strip():
        return "sqlite://-adressen mangler filens navn (fx sqlite:///kigo.db)"
    if database.endswith("/"):
        return f"sqlite://-adressen peger på en mappe ({unquote(database)}), ikke en fil"
    return None


def _server_problem(db: str) -> str | None:
    """A server URL as SQLAlchemy reads it: a port that is a number from 1 to 65535."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db)
    except (ArgumentError, ValueError):
        return (
            f"databaseadressen ({backend(db)}://…) kan ikke læses: portnummeret skal være et tal, "
            "og et @, : eller / i brugernavn eller adgangskode skrives %40, %3A og %2F"
        )
    if url.port is not None and not 1 <= url.port <= 65535:
        return f"databaseadressens portnummer {url.port} skal være mellem 1 og 65535"
    return None


def backend(db: str) -> str:
    """'sqlite', 'postgresql', …: the scheme without its driver (`postgresql+psycopg` →
    `postgresql`); a plain path is a SQLite file."""
    if not is_url(db):
        return "sqlite"
    return db.split("://", 1)[0].split("+", 1)[0].lower()


def display_url(db: str) -> str:
    """`postgresql://host/dbname` for a server (port only when it is not the default, a service
    file's name when the URL has no host), the file's path for SQLite."""
    if not is_url(db):
        return db
    kind = backend(db)
    if kind == "sqlite":
        return db.split("://", 1)[1].removeprefix("/") or ":memory:"
    parts = urlsplit(db)
    query = parse_qs(parts.query)
    host = parts.hostname or _first(query, "host") or ""
    if host.startswith("/"):
        host = "localhost"  # a socket folder: the server is on this machine
    port = _port(parts.netloc)
    name = unquote(parts.path.removeprefix("/")) or _first(query, "dbname") or ""
    service = _first(query, "service")
    where = f"{host}:{port}" if port else host
    shown = f"{kind}://{where}/{name}"
    if service and not (host or name):
        return f"{kind}://?service={service}"
    return f"{shown} (service {service})" if service else shown


def header_location(db: str) -> str:
    """The database as the TUI's header names it: a server's `display_url`, a file's name."""
    shown = display_url(db)
    return shown.rsplit("/", 1)[-1] if backend(db) == "sqlite" else shown


def password_in(db: str) -> str | None:
    """The password written into a URL (`user:password@host` or `?password=`), if there is one."""
    if not is_url(db):
        return None
    parts = urlsplit(db)
    try:
        if parts.password:
            return unquote(parts.password)
    except ValueError:  # a malformed netloc: look for the colon ourselves
        pass
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        return unquote(userinfo.split(":", 1)[1]) or None
    for option in PASSWORD_OPTIONS:
        value = _first(parse_qs(parts.query), option)
        if value:
            return value
    return None


def mask(text: str, *dbs: str | None) -> str:
    """`text` with the password of each URL in `dbs` replaced by ***, in plain and %-encoded form."""
    for db in dbs:
        secret = password_in(db) if db else None
        if not secret:
            continue
        raw = _raw_password(db) if db else None
        for form in {secret, raw}:
            if form:
                text = text.replace(form, HIDDEN)
    return text


def _raw_password(db: str) -> str | None:
    """The password as written in the URL (still %-encoded)."""
    netloc = urlsplit(db).netloc
    userinfo, at, _ = netloc.rpartition("@")
    if at and ":" in userinfo:
        return userinfo.split(":", 1)[1]
    for pair in urlsplit(db).query.split("&"):
        key, _, value = pair.partition("=")
        if key in PASSWORD_OPTIONS and value:
            return value
    return None


def _port(netloc: str) -> str | None:
    """The port as written (even when it is not a number), None for none or the default."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):  # [ipv6]:port
        hostport = hostport.partition("]")[2]
    port = hostport.rpartition(":")[2] if ":" in hostport else ""
    return port if port not in ("", "5432") else None


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
