"""A clean, private environment for every program the suite starts.

Nothing leaks in from the caller (no NO_COLOR, KIGO_DB, TEXTUAL_* …): HOME and the XDG folders point
into a temporary folder, so each program finds its own fresh config and data there.
"""

from __future__ import annotations

from pathlib import Path

COLS, ROWS = 120, 40
TERM = "xterm-256color"


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """HOME and XDG_* under `home` (created), a UTF-8 locale, the terminal type, and `extra`."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": TERM,
        "KIGO_USER": "benchmark",
    }
    env.update(extra)
    return env
