"""Typed user settings from `config.toml` in the user config dir; environment variables override."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kigo_tui.errors import KigoError
from kigo_tui.locations import config_path


class ConfigError(KigoError):
    """The config file cannot be read; the message names the file and the field."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str | None = None
    """Who is recorded in the history for changes made here (default: the OS user; env KIGO_USER)."""

    me: str | None = None
    """Who "mine opgaver" is about: a person's id, e-mail or full name (env KIGO_ME)."""

    db: str | None = None
    """Default database path or SQLAlchemy URL (env KIGO_DB and --db take precedence)."""

    keys: dict[str, str] = Field(default_factory=dict)
    """Remapped keys, action id → key(s), e.g. {"toggle_done" = "x", "quit" = "q,ctrl+q"}."""

    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    """How often the TUI looks for changes made by other processes."""


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    raw: dict[str, object] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: ikke gyldig TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: kan ikke læses ({exc.strerror})") from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: felt '{where}': {first['msg']}") from None
    if os.environ.get("KIGO_ME"):
        settings.me = os.environ["KIGO_ME"]
    if os.environ.get("KIGO_USER"):
        settings.user = os.environ["KIGO_USER"]
    return settings
