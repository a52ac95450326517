"""Typed user settings from `config.toml` in the user config dir; environment variables override.

`Settings` is a plain dataclass, validated with pydantic when there is a file to validate: a user
without a config file does not pay for importing pydantic on the way to the first frame. The
`[sla]` table is validated by `kigo_tui.domain.sla_settings` (read it with `Settings.service_levels()`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kigo_tui.errors import KigoError
from kigo_tui.locations import config_path

if TYPE_CHECKING:
    from kigo_tui.domain.sla_settings import SlaSettings


class ConfigError(KigoError):
    """The config file cannot be read; the message names the file and the field."""


@dataclass
class Settings:
    __pydantic_config__ = {"extra": "forbid"}

    user: str | None = None
    """Who is recorded in the history for changes made here (default: the OS user; env KIGO_USER)."""

    me: str | None = None
    """Who "mine opgaver" is about: a person's id, e-mail or full name (env KIGO_ME)."""

    db: str | None = None
    """Default database path or SQLAlchemy URL (env KIGO_DB and --db take precedence). Never
    with a password in it: that comes from KIGO_DB, ~/.pgpass or a service file."""

    keys: dict[str, str] = field(default_factory=dict)
    """Remapped keys, action id → key(s), e.g. {"toggle_done" = "t", "quit" = "q,ctrl+q"};
    a key another action has is reported at start and not moved (`kigo_tui.actions.key_clashes`)."""
    """"""

    export_dir: str | None = None
    """The folder the TUI writes exports to (status bundle, calendar file); default the user's
    documents folder (`kigo_tui.locations.export_dir`). `~` is the home folder."""

    poll_seconds: float = 1.0
    """How often the TUI looks for changes made by other processes (over 0, at most 60 seconds)."""

    sla: Any = None
    """`[sla]`: the service level agreed with the supplier, for the defect log (see README); the
    table as written until `service_levels()` has validated it."""

    def service_levels(self) -> SlaSettings:
        """`[sla]` validated, with the defaults for what the file does not say."""
        from kigo_tui.domain.sla_settings import SlaSettings

        if not isinstance(self.sla, SlaSettings):
            self.sla = SlaSettings.model_validate(self.sla or {})
        return self.sla

    def problem(self) -> tuple[str, str] | None:
        """A value the types allow but the program does not: (field, what is wrong)."""
        if not 0 < self.poll_seconds <= 60:
            return "poll_seconds", "skal være over 0 og højst 60 sekunder"
        return None


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    settings = _read_file(path) if path.exists() else Settings()
    if os.environ.get("KIGO_ME"):
        settings.me = os.environ["KIGO_ME"]
    if os.environ.get("KIGO_USER"):
        settings.user = os.environ["KIGO_USER"]
    return settings


def resolve_db(option: str | None, settings: Settings | None = None) -> str:
    """--db, else KIGO_DB, else the config file's db, else kigo.db in the user data dir."""
    if option:
        return option
    if os.environ.get("KIGO_DB"):
        return os.environ["KIGO_DB"]
    from kigo_tui.locations import default_db_path

    return (settings or load_settings()).db or str(default_db_path())


def _read_file(path: Path) -> Settings:
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: ikke gyldig TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: kan ikke læses ({exc.strerror})") from None
    from pydantic import TypeAdapter, ValidationError

    from kigo_tui.domain.sla_settings import danish_error

    try:
        settings = TypeAdapter(Settings).validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(rod)"
        if first["type"] == "unexpected_keyword_argument" and len(first["loc"]) == 1:
            known = ", ".join(Settings.__dataclass_fields__)
            raise ConfigError(f"{path}: ukendt indstilling '{where}' (kendte: {known})") from None
        raise ConfigError(f"{path}: felt '{where}': {danish_error(first)}") from None
    from kigo_tui.storage.dburl import display_url, password_in

    if settings.db and password_in(settings.db):
        raise ConfigError(
            f"{path}: 'db' indeholder en adgangskode ({display_url(settings.db)}). kigo bruger ikke "
            "adgangskoder fra config.toml, hvor de ligger i klar tekst: fjern den, og sæt hele "
            "URL'en i miljøvariablen KIGO_DB, eller læg adgangskoden i ~/.pgpass eller en "
            'servicefil (pg_service.conf, fx db = "postgresql+psycopg:///?service=kigo")'
        )
    problem = settings.problem()
    if problem is not None:
        raise ConfigError(f"{path}: felt '{problem[0]}': {problem[1]}")
    try:
        settings.service_levels()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(["sla", *(str(p) for p in first["loc"])])
        raise ConfigError(f"{path}: felt '{where}': {danish_error(first)}") from None
    return settings


# ---------------------------------------------------------------------------------------------
# Remembering who "mine opgaver" is about (issue 17): the one setting the TUI writes


def save_me(me: str, path: Path | None = None) -> Path:
    """Set `me` in config.toml (made if missing), keeping everything else in the file as written.

    The file is hostile until validated: one that does not validate is not touched (ConfigError,
    as `load_settings` reports it), and the edited text must parse to the same settings with only
    `me` changed before it replaces the file, in one atomic rename. Returns the file's path.
    """
    import tomllib

    path = path or config_path()
    me = me.strip()
    if not me or any(ord(c) < 32 or c == "\x7f" for c in me):
        raise ConfigError("'me' skal være et navn, en e-mail eller et id uden kontroltegn")
    if path.exists():
        _read_file(path)  # validated before anything is written
        try:
            old_text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: kan ikke læses ({exc.strerror})") from None
    else:
        old_text = ""
    old = tomllib.loads(old_text)
    new_text = _with_me(old_text, me)
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        new = None
    if new != {**old, "me": me}:
        raise ConfigError(
            f"{path}: 'me' kan ikke skrives sikkert i filen (den er skrevet på en måde, kigo ikke "
            'retter automatisk); skriv selv me = "…" øverst i filen'
        )
    _replace_atomically(path, new_text)
    return path


def _with_me(text: str, me: str) -> str:
    """`text` with its top-level `me = …` line replaced, or one added before the first table."""
    import json
    import re

    line = f"me = {json.dumps(me, ensure_ascii=False)}"
    lines = text.splitlines(keepends=True)
    for index, old in enumerate(lines):
        if re.match(r"\s*\[", old):
            break  # a table begins: top-level keys stop here
        if re.match(r"\s*me\s*=", old):
            ending = "\n" if old.endswith("\n") else ""
            lines[index] = line + ending
            return "".join(lines)
    return line + "\n" + text


def _replace_atomically(path: Path, text: str) -> None:
    import tempfile

    if path.is_symlink():
        path = path.resolve()  # a linked config (dotfiles) stays linked: its target is written
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
        handle, temp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"{path}: kan ikke skrives ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"{path}: kunne ikke skrives ({exc.strerror}); intet er ændret") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
