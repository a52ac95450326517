"""Live refresh across users on PostgreSQL: LISTEN/NOTIFY, reconnects, and the TUI on top of it."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kigo_tui.app import create_app
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Status
from kigo_tui.storage.live import ChangeListener
from kigo_tui.storage.store import Store
from tests.support.backends import Database, libpq_url, with_database
from tests.support.fixed import FIXED_TODAY, GOLIVES
from tests.support.tui import goto_task, wait_for, wait_loaded

ROOT = Path(__file__).resolve().parents[2]
KIGO = [sys.executable, "-m", "kigo_tui"]
LIVE_WITHIN_S = 2.0
"""The promise: a change by one user shows in another user's open TUI within this time."""


@pytest.fixture
def team_db(pg_db: Database) -> Database:
    store = Store.open(pg_db.url)
    try:
        store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    finally:
        store.close()
    return pg_db


class Recorder:
    """on_change / on_state of a listener, as queues the test can wait on."""

    def __init__(self) -> None:
        self.changes: queue.Queue[int | None] = queue.Queue()
        self.states: queue.Queue[bool] = queue.Queue()

    def change(self, timeout: float = LIVE_WITHIN_S) -> int | None:
        return self.changes.get(timeout=timeout)

    def state(self, timeout: float = 10.0) -> bool:
        return self.states.get(timeout=timeout)


@pytest.fixture
def listening(team_db: Database) -> Iterator[tuple[Store, ChangeListener, Recorder]]:
    store = Store.open(team_db.url)
    recorder = Recorder()
    listener = store.change_listener(recorder.changes.put, recorder.states.put)
    assert listener is not None
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    try:
        assert recorder.state() is True
        yield store, listener, recorder
    finally:
        listener.stop()
        thread.join(10)
        assert not thread.is_alive()
        store.close()


def _terminate(db: Database, pid: int | None) -> None:
    """End a server process, as a network outage or a server restart would."""
    assert pid is not None
    admin = with_database(db.url, "postgres")
    import psycopg

    with psycopg.connect(libpq_url(admin), autocommit=True) as conn:
        ended = conn.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()
    assert ended == (True,)


def test_a_change_by_another_user_is_announced_with_its_revision(
    listening: tuple[Store, ChangeListener, Recorder], team_db: Database
) -> None:
    _, _, recorder = listening
    other = Store.open(team_db.url, user="bo")
    try:
        started = time.perf_counter()
        other.set_status("SAPA-07-02", Status.IN_PROGRESS)
        revision = recorder.change()
        latency = time.perf_counter() - started
        assert revision == other.revision()
        other.add_local_task("KY", 3, "Egen opgave")
        assert recorder.change() == other.revision()
    finally:
        other.close()
    print(f"LIVE notification latency {latency * 1000:.0f} ms")
    assert recorder.changes.empty()


def test_a_rolled_back_change_is_not_announced(
    listening: tuple[Store, ChangeListener, Recorder], team_db: Database
) -> None:
    _, _, recorder = listening
    other = Store.open(team_db.url)
    try:
        with pytest.raises(Exception, match="ukendt opgave"):
            other.set_status("SAPA-99-99", Status.DONE)
        with pytest.raises(RuntimeError), other.writing() as tx:
            tx.bump_revision()
            raise RuntimeError("rolled back")
        with pytest.raises(queue.Empty):
            recorder.change(timeout=1.0)
    finally:
        other.close()


def test_a_dropped_connection_reconnects_reloads_and_still_delivers(
    listening: tuple[Store, ChangeListener, Recorder], team_db: Database
) -> None:
    _, listener, recorder = listening
    assert listener.backend_pid is not None
    _terminate(team_db, listener.backend_pid)
    assert recorder.state() is False
    assert recorder.state() is True
    assert recorder.change(timeout=10) is None  # the full reload after a reconnect
    other = Store.open(team_db.url)
    try:
        other.set_status("STS-01-01", Status.DONE)
        assert recorder.change() == other.revision()
    finally:
        other.close()


def test_a_server_that_is_away_is_reported_and_retried(team_db: Database) -> None:
    """A listener that cannot connect: reported down, retried, never raising; up when it can."""
    recorder = Recorder()
    store = Store.open(team_db.url)
    listener = store.change_listener(recorder.changes.put, recorder.states.put)
    assert listener is not None
    thread = threading.Thread(target=listener.run, daemon=True)
    try:
        _allow_connections(team_db, False)
        thread.start()
        assert recorder.state() is False
        _allow_connections(team_db, True)
        assert recorder.state(timeout=20) is True
    finally:
        _allow_connections(team_db, True)
        listener.stop()
        thread.join(10)
        store.close()
    assert not thread.is_alive()


def test_sqlite_has_no_listener(db_path: Path) -> None:
    store = Store.open(str(db_path))
    try:
        assert store.change_listener(lambda _r: None, lambda _u: None) is None
    finally:
        store.close()


# --------------------------------------------------------------------------- the TUI


async def test_the_tui_shows_another_users_change_within_two_seconds(team_db: Database) -> None:
    """Two users: this TUI, and `kigo set` in a shell of its own."""
    app = create_app(team_db.url, today=FIXED_TODAY)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_loaded(pilot)
        screen = app.main_screen
        header = _header(screen)
        assert f"postgresql://127.0.0.1:{_port(team_db)}/{_name(team_db)}" in header
        assert _password(team_db) not in header
        await wait_for(pilot, lambda: screen.live is True, what="the listener to connect")
        await goto_task(pilot, "SAPA-07-02", detail=False)

        started = time.perf_counter()
        done = subprocess.run(
            [*KIGO, "--db", team_db.url, "set", "SAPA-07-02", "--status", "done"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "KIGO_USER": "shell"},
        )
        committed = time.perf_counter()
        assert done.returncode == 0, done.stderr
        await wait_for(
            pilot,
            lambda: screen.model.tasks["SAPA-07-02"].status == Status.DONE,
            timeout=LIVE_WITHIN_S,
            what="the other user's change in this TUI",
        )
        shown = time.perf_counter()
    print(
        f"LIVE tui: shown {1000 * (shown - committed):.0f} ms after `kigo set` returned "
        f"({1000 * (shown - started):.0f} ms after it started)"
    )


async def test_the_tui_header_says_when_the_connection_is_down(team_db: Database) -> None:
    """Connections refused: the header says so; allowed again: it reconnects, reads everything
    again, and later changes arrive live."""
    app = create_app(team_db.url, today=FIXED_TODAY)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_loaded(pilot)
        screen = app.main_screen
        await wait_for(pilot, lambda: screen.live is True, what="the listener to connect")
        assert "forbindelse" not in _header(screen)
        listener = screen.listener
        try:
            _allow_connections(team_db, False)
            _terminate(team_db, listener.backend_pid)
            await wait_for(pilot, lambda: screen.live is False, timeout=10, what="down")
            assert "⚠ ingen forbindelse til databasen" in _header(screen)
        finally:
            _allow_connections(team_db, True)
        await wait_for(pilot, lambda: screen.live is True, timeout=20, what="a reconnect")
        await wait_for(pilot, lambda: "forbindelse" not in _header(screen), what="header clear")
        await goto_task(pilot, "KY-14-01", detail=False)
        other = Store.open(team_db.url)
        try:
            other.set_status("KY-14-01", Status.DONE)
        finally:
            other.close()
        await wait_for(
            pilot,
            lambda: screen.model.tasks["KY-14-01"].status == Status.DONE,
            timeout=LIVE_WITHIN_S,
            what="a change after the reconnect",
        )


def _header(screen) -> str:
    return str(screen.query_one("#header").render())


def _name(db: Database) -> str:
    return db.url.rsplit("/", 1)[1].split("?")[0]


def _port(db: Database) -> int:
    return int(db.url.split("@", 1)[1].split("/")[0].split(":")[1])


def _password(db: Database) -> str:
    return db.url.split("://", 1)[1].split("@")[0].split(":", 1)[1]


def _allow_connections(db: Database, allowed: bool) -> None:
    """Let clients connect to the test's database, or refuse them (as a server that is away)."""
    import psycopg

    admin = libpq_url(with_database(db.url, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{_name(db)}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
