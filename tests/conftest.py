"""Shared fixtures: tests never touch the user's real data dir, and 'today' is fixed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.backends import Database, backend_params, pg_admin_url, pg_database, pg_schema
from tests.support.fixed import FIXED_TODAY, GOLIVES


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path / "home", monkeypatch)


def isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and the XDG folders under `home`, the test user, no colour, no database from the
    environment."""
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
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.kommuner import find_kommune
    from kigo_tui.storage.store import Store

    path = tmp_path / "kigo.db"
    store = Store.open(str(path))
    store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    store.close()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, made once per test process (in an isolated home, as a test would)."""
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.kommuner import find_kommune
    from kigo_tui.storage.demo import make_demo
    from kigo_tui.storage.store import Store

    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / "demo.db"
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(folder / "home", monkeypatch)
        store = Store.open(str(path))
        make_demo(store, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
        store.close()
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in ("demo.db", "home"))
    assert not leftovers, f"the closed demo database left files beside it: {leftovers}"
    return path


@pytest.fixture
def demo_path(tmp_path: Path, demo_template: Path) -> Path:
    """A demo database (every colour and status) made for FIXED_TODAY: a copy of the template, so
    each test changes its own."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


# --------------------------------------------------------------------------- both databases


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' and 'postgresql': a test using a database fixture below runs on both."""
    return request.param


@pytest.fixture(scope="session")
def pg_test_database() -> Iterator[str]:
    """One database on the test server for the whole session; each test gets a schema in it."""
    with pg_database(pg_admin_url()) as url:
        yield url


@pytest.fixture
def empty_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database with nothing in it yet: a SQLite path with no file, or a new schema on the
    PostgreSQL test server (as a URL of its own)."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    if backend == "sqlite":
        yield Database("sqlite", str(tmp_path / "kigo.db"), workdir)
        return
    with pg_schema(request.getfixturevalue("pg_test_database")) as url:
        yield Database("postgresql", url, workdir)


@pytest.fixture
def kigo_db(empty_db: Database) -> Database:
    """`db_path` on either database: initialised for København (101) with GOLIVES."""
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.kommuner import find_kommune
    from kigo_tui.storage.store import Store

    store = Store.open(empty_db.url)
    try:
        store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    finally:
        store.close()
    return empty_db


@pytest.fixture
def pg_db(tmp_path: Path) -> Iterator[Database]:
    """An empty database on the PostgreSQL test server (for tests about PostgreSQL only)."""
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    with pg_database(pg_admin_url()) as url:
        yield Database("postgresql", url, workdir)


@pytest.fixture
def kigo_url(kigo_db: Database) -> str:
    """What `--db` gets for `kigo_db`: a file path or a PostgreSQL URL."""
    return kigo_db.url


SERIAL_MODULES = {
    "test_benchmarks": "ratios of kigo's timings to a floor measured in the same run",
    "test_bundle_scale": "timings that must stay linear in the size",
    "test_tui_keys_tmux": "starts CPU burners to load the machine",
    "test_reliability_concurrency": "throughput of many writer processes",
    "test_reliability_crash": "kills a writer at random moments",
    "test_live": "latency of live refresh",
}
"""Modules that measure time or load the machine: `make test` runs them after the rest, alone
(`-m serial`), while the rest runs on both cores (`-n 2 -m "not serial"`)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SERIAL_MODULES:
            item.add_marker(pytest.mark.serial)
