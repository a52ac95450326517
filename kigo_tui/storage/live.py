"""Changes by other users, as they are committed: PostgreSQL's LISTEN/NOTIFY. No Textual.

Every write transaction on PostgreSQL ends with `pg_notify(CHANGES_CHANNEL, <new revision>)`
(`Store.bump_revision`); the server delivers it to every listening session when the transaction
commits. `ChangeListener.run` keeps a connection of its own listening (in a thread: the TUI runs
it in a thread worker) and calls `on_change(revision)` for each burst of notifications. When the
connection drops it says so (`on_state(False)`), reconnects with a growing pause, and then calls
`on_change(None)`: notifications sent while it was away are lost, so the caller reads everything
again.

A SQLite file has no such channel; the TUI polls its revision instead.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kigo_tui.storage.common import CHANGES_CHANNEL

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

FIRST_RETRY_S = 0.5
"""The pause before the first reconnect; it doubles up to MAX_RETRY_S."""
MAX_RETRY_S = 15.0
WAIT_S = 0.5
"""How long one wait for notifications lasts (and so how soon stop() is noticed)."""
HEALTH_CHECK_S = 5.0
"""How often an idle connection is checked (a connection that died silently shows up here)."""
BURST_S = 0.05
"""After a notification, how long to collect the rest of its burst before reporting once."""


class ChangeListener:
    def __init__(
        self,
        engine: Engine,
        on_change: Callable[[int | None], None],
        on_state: Callable[[bool], None] = lambda _up: None,
    ) -> None:
        self._engine = engine
        self._on_change = on_change
        self._on_state = on_state
        self._stop = threading.Event()
        self.connected: bool | None = None
        """None until the first attempt to connect has been made."""
        self.backend_pid: int | None = None
        """The server process of the listening connection (tests end it to force a reconnect)."""

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """Listen until stop(); never raises for a lost or refused connection."""
        import psycopg

        retry = FIRST_RETRY_S
        listened_before = False
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except Exception:  # the server is away or refuses us: say so and try again
                self._set_state(False)
                self._stop.wait(retry)
                retry = min(retry * 2, MAX_RETRY_S)
                continue
            retry = FIRST_RETRY_S
            self._set_state(True)
            try:
                if listened_before:
                    self._on_change(None)  # what happened while we were away: read it all
                listened_before = True
                self._listen(conn)
            except psycopg.Error:
                self._set_state(False)
            finally:
                self.backend_pid = None
                with contextlib.suppress(Exception):  # already gone
                    conn.close()
        self._set_state(False)

    def _connect(self) -> psycopg.Connection[Any]:
        """A new connection of its own (made like the store's, never from its pool), in
        autocommit, listening."""
        pool = self._engine.pool.recreate()
        try:
            raw = pool.connect()
            conn: psycopg.Connection[Any] | None = raw.driver_connection
            raw.detach()  # never handed back: closed by us
        finally:
            pool.dispose()
        if conn is None:  # pragma: no cover  (a pool connection always has its driver's)
            raise ConnectionError("no driver connection")
        conn.rollback()  # idle, whatever connecting began
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANGES_CHANNEL}")
        self.backend_pid = conn.info.backend_pid
        return conn

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        checked = time.monotonic()
        while not self._stop.is_set():
            revisions = [_revision(n.payload) for n in conn.notifies(timeout=WAIT_S, stop_after=1)]
            if revisions:
                revisions += [_revision(n.payload) for n in conn.notifies(timeout=BURST_S)]
                known = [r for r in revisions if r is not None]
                self._on_change(max(known) if known else None)
                checked = time.monotonic()
            elif time.monotonic() - checked > HEALTH_CHECK_S:
                conn.execute("SELECT 1")
                checked = time.monotonic()

    def _set_state(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            self._on_state(up)


def _revision(payload: str) -> int | None:
    return int(payload) if payload.isdigit() else None
