"""Open the database and read the top of the tree while Textual is still being imported.

`kigo` starts this thread before it imports the UI: the standard-library SQLite calls release the
interpreter lock, so the integrity check and the roll-up query run on the other core while the
main thread loads Textual, and the first frame of the tree finds its data waiting. No Textual.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation
    from kigo_tui.models.readmodels import Overview
    from kigo_tui.storage.store import Store


class Preload:
    def __init__(self, db: str, user: str | None, today: date) -> None:
        self._db = db
        self._user = user
        self._today = today
        self._done = threading.Event()
        self.store: Store | None = None
        self.view: tuple[Overview, Organisation] | None = None
        """The overview and the organisation; None for a database that is not set up yet."""
        self.error: Exception | None = None

    @classmethod
    def start(cls, db: str, user: str | None, today: date) -> Preload:
        preload = cls(db, user, today)
        threading.Thread(target=preload._run, name="kigo-preload", daemon=True).start()
        return preload

    def _run(self) -> None:
        try:
            from kigo_tui.storage.organisation import read_organisation
            from kigo_tui.storage.store import Store

            self.store = Store.open(self._db, user=self._user)
            if self.store.is_initialised():
                self.view = (self.store.overview(self._today), read_organisation(self.store))
        except Exception as exc:  # handed to whoever waits, in their thread
            self.error = exc
        finally:
            self._done.set()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def wait(self) -> Store:
        """The opened store (blocks until the thread is done); raises what opening it raised."""
        self._done.wait()
        if self.error is not None:
            raise self.error
        assert self.store is not None
        return self.store
