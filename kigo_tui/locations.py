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


def documents_dir() -> Path:
    """The user's documents folder (on Linux XDG_DOCUMENTS_DIR, else ~/Documents)."""
    return Path(platformdirs.user_documents_dir())


def export_dir(configured: str | None = None) -> Path:
    """Where the TUI writes the files it exports (the status bundle, the calendar file):
    `export_dir` from config.toml, else the user's documents folder. Never the current folder,
    which may be the program's own source checkout. Made when the first file is written."""
    if configured:
        return Path(configured).expanduser()
    return documents_dir()


def default_db_path() -> Path:
    return data_dir() / "kigo.db"


def config_path() -> Path:
    return config_dir() / "config.toml"


def log_path() -> Path:
    """The TUI's log of unexpected errors (its folder is made when the first one is written)."""
    return log_dir() / "kigo.log"
