"""The app's live refresh: one timer and one change listener for every screen that shows the
database, so each sees others' commits without polling on its own.

On PostgreSQL a listener hears every commit (LISTEN/NOTIFY, see `kigo_tui.storage.live`); on a
SQLite file the timer reads the revision. A new day (unless --today fixed the date) counts as a
change of everything. Screens `subscribe` and get `DatabaseChanged` and `ConnectionChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from typing import Any

    from kigo_tui.app import KigoApp
    from kigo_tui.storage.live import ChangeListener


@dataclass
class DatabaseChanged(Message):
    """Someone committed: `revision` is the database's revision now (None: anything may have
    changed, e.g. after a reconnect or on a new day)."""

    revision: int | None


@dataclass
class ConnectionChanged(Message):
    """The listener's connection went down (`up` False) or came back."""

    up: bool


class LiveRefresh:
    """Owned by the app; started by the first screen that subscribes."""

    def __init__(self, app: KigoApp) -> None:
        self.app = app
        self.listener: ChangeListener | None = None
        """Other users' changes as they commit (PostgreSQL); None on a SQLite file (polled)."""
        self.live: bool | None = None
        """The listener's connection is up (True), down (False), or there is none (None)."""
        self._screens: list[Screen[Any]] = []
        self._timer: Timer | None = None
        self._listening = False
        self._day: date | None = None

    def subscribe(self, screen: Screen[Any]) -> None:
        """`screen` hears of changes until it unmounts (or `unsubscribe`)."""
        if screen not in self._screens:
            self._screens.append(screen)
        if self._timer is None:
            self._day = self.app.today()
            self._timer = self.app.set_interval(self.app.settings.poll_seconds, self.tick)

    def unsubscribe(self, screen: Screen[Any]) -> None:
        if screen in self._screens:
            self._screens.remove(screen)

    def listen(self) -> None:
        """Start the change listener (once; it returns at once on a SQLite file)."""
        if not self._listening:
            self._listening = True
            self.app.run_worker(self._listen, thread=True, group="listen", exit_on_error=False)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def tick(self) -> None:
        self._screens = [s for s in self._screens if s.is_attached]
        if not self._screens:
            return
        if not self.app.today_overridden and self.app.today() != self._day:
            self._day = self.app.today()
            self._broadcast(DatabaseChanged(None))  # colours and counts are for another day
            return
        if self.live is None:  # no listener (SQLite): look at the revision
            self.app.run_worker(
                self._check_revision, thread=True, exclusive=True, group="poll", exit_on_error=False
            )

    def _broadcast(self, message: DatabaseChanged | ConnectionChanged) -> None:
        for screen in self._screens:
            if screen.is_attached:
                screen.post_message(
                    DatabaseChanged(message.revision)
                    if isinstance(message, DatabaseChanged)
                    else ConnectionChanged(message.up)
                )

    def _check_revision(self) -> None:
        """In a worker: the revision, to every screen (each knows which one it shows)."""
        try:
            revision = self.app.open_store().revision()
        except KigoError:
            return  # a passing lock or outage; the next tick tries again
        self.app.call_from_thread(self._broadcast, DatabaseChanged(revision))

    def _listen(self) -> None:
        """In a worker, for as long as the app: LISTEN/NOTIFY on PostgreSQL."""
        listener = self.app.open_store().change_listener(self._notified, self._connection_state)
        if listener is None:
            return  # a SQLite file: tick reads the revision
        self.listener = listener
        listener.run()

    def _notified(self, revision: int | None) -> None:
        """In the listener's thread: a commit by someone (None: anything may have changed)."""
        if self.listener is not None and not self.listener.stopped:
            self.app.call_from_thread(self._broadcast, DatabaseChanged(revision))

    def _connection_state(self, up: bool) -> None:
        if self.listener is not None and not self.listener.stopped:
            self.app.call_from_thread(self._show_connection, up)

    def _show_connection(self, up: bool) -> None:
        was = self.live
        self.live = up
        self._broadcast(ConnectionChanged(up))
        if not up and was:
            self.app.notify(
                "Forbindelsen til databasen er afbrudt; kigo forbinder igen og genindlæser",
                title="Ingen forbindelse",
                severity="warning",
            )
        elif up and was is False:
            self.app.notify("Forbindelsen til databasen er genoprettet")
