"""Where kigo keeps its data, configuration and logs (platformdirs; nothing is created at import)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "kigo"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "kigo.db"


def config_path() -> Path:
    return config_dir() / "config.toml"


def log_path() -> Path:
    """The TUI's log of unexpected errors (its folder is made when the first one is written)."""
    return log_dir() / "kigo.log"
