"""Shared fixtures: tests never touch the user's real data dir, and 'today' is fixed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

FIXED_TODAY = date(2026, 11, 23)
GOLIVES = {"STS": date(2026, 12, 1), "SAPA": date(2027, 3, 1), "KY": date(2027, 9, 1)}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("KIGO_DB", "KIGO_TODAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KIGO_USER", "testbruger")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """An initialised database for København (101) with go-live dates for STS, SAPA and KY."""
    from kigo_tui.catalogue import shipped_catalogue
    from kigo_tui.kommuner import find_kommune
    from kigo_tui.store import Store

    path = tmp_path / "kigo.db"
    store = Store.open(str(path))
    store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    store.close()
    return path


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """A demo database (every colour and status) made for FIXED_TODAY."""
    from kigo_tui.catalogue import shipped_catalogue
    from kigo_tui.demo import make_demo
    from kigo_tui.kommuner import find_kommune
    from kigo_tui.store import Store

    path = tmp_path / "demo.db"
    store = Store.open(str(path))
    make_demo(store, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
    store.close()
    return path
