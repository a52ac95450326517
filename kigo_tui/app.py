"""KigoApp and create_app(): the one factory used by the CLI and the tests.

SQLAlchemy is imported only inside workers (through the store), so the first frame is not kept
waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from kigo_tui.config import Settings
from kigo_tui.dates import copenhagen_today

if TYPE_CHECKING:
    from kigo_tui.models.readmodels import Overview
    from kigo_tui.organisation import Organisation
    from kigo_tui.preload import Preload
    from kigo_tui.store import Store

PALETTE_ACTIONS = (
    ("toggle_done", "Fuldført til/fra", "Markér den valgte opgave som fuldført, eller tilbage"),
    ("cycle_status", "Skift status", "ikke påbegyndt → påbegyndt → fuldført"),
    ("edit", "Ret opgave", "Datoer, kategori og varsel for den valgte opgave"),
    ("undo", "Fortryd", "Fortryd den seneste ændring"),
    ("search", "Søg opgave", "Find en opgave på id eller titel"),
    ("filter", "Filtrér", "Kun gul/rød, kun obligatoriske/kritiske, skjul fuldførte"),
    ("follow_up", "KOMBITs opfølgning", "Det KOMBIT ser: røde og kritiske gule opgaver"),
    ("add", "Tilføj lokal opgave", "Kommunens egen opgave under den valgte hovedopgave"),
    ("delete", "Slet lokal opgave", "Slet den valgte lokale opgave"),
    ("mine", "Mine opgaver", "Opgaver hvor du er ansvarlig eller udfører"),
    ("organisation", "Organisation", "Roller og KOMBITs anbefalinger som parathedstjek"),
    ("exit_workspace", "KMD Sag-exitstrategi", "SAPA: sagsområder, brugsmønstre, scenarier"),
    ("progress", "Fremdrift over tid", "Burn-down mod planen og røde/gule pr. uge for projektet"),
    ("defects", "Fejllog og SLA", "Fejl indberettet til leverandøren: alder, SLA-brud, tal"),
    ("calendar", "Frister i kalenderen", "Skriv åbne opgavers frister og varsler som .ics-fil"),
    ("export", "Eksportér statusbundt", "Skriv zip-bundtet til KOMBIT i den aktuelle mappe"),
    ("reload", "Genindlæs", "Læs databasen igen"),
    ("help", "Hjælp", "Vis tasterne"),
)


class KigoApp(App[None]):
    TITLE = "kigo"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        db: str,
        settings: Settings,
        today: date | None = None,
        preload: Preload | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self._today_override = today
        self._preload = preload
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self._preloaded: tuple[Overview, Organisation] | None = None
        self.export_dir: Path | None = None
        """Where `x` writes the status bundle (None: the current folder)."""

    @property
    def today_overridden(self) -> bool:
        return self._today_override is not None

    def today(self) -> date:
        """The date colours are computed for: --today if given, else today in Copenhagen."""
        return self._today_override or copenhagen_today()

    def open_store(self) -> Store:
        """The store, opened on first use (in a worker thread), or the one the preload opened."""
        with self._store_lock:
            if self._store is None:
                if self._preload is not None:
                    preload, self._preload = self._preload, None
                    self._store = preload.wait()
                    self._preloaded = preload.view
                else:
                    from kigo_tui.store import Store

                    self._store = Store.open(self.db, user=self.settings.user)
            return self._store

    def ready_preload(self) -> tuple[Overview, Organisation] | None:
        """The preload's view if it is already there for today; never waits (UI thread)."""
        with self._store_lock:
            preload = self._preload
            if preload is None or not preload.finished or preload.error is not None:
                return None
            if preload.view is None or preload.view[0].today != self.today():
                return None
            self._preload = None
            self._store = preload.wait()
            return preload.view

    @property
    def read_only(self) -> bool:
        """The database opened read-only (this user may not change it)."""
        return self._store is not None and self._store.read_only

    def take_preloaded(self) -> tuple[Overview, Organisation] | None:
        """What the preload read before the UI was up (once; None when there was nothing)."""
        self.open_store()
        with self._store_lock:
            view, self._preloaded = self._preloaded, None
        return view

    def get_default_screen(self) -> Screen:
        from kigo_tui.screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(self.settings.keys)

    @property
    def main_screen(self):
        from kigo_tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def first_run(self) -> None:
        from kigo_tui.screens.first_run import FirstRunScreen

        self.push_screen(FirstRunScreen(), self._first_run_chosen)

    def _first_run_chosen(self, choice: tuple[str, str, dict[str, date]] | None) -> None:
        if choice is None:
            self.exit()
            return
        self._initialise(*choice)

    def _initialise(self, mode: str, code: str, golives: dict[str, date]) -> None:
        def work() -> None:
            from kigo_tui.catalogue import shipped_catalogue
            from kigo_tui.demo import make_demo
            from kigo_tui.errors import KigoError
            from kigo_tui.kommuner import find_kommune

            try:
                store = self.open_store()
                kommune = find_kommune(code)
                assert kommune is not None
                if mode == "demo":
                    make_demo(store, kommune, shipped_catalogue(), self.today())
                else:
                    store.initialise(kommune, golives, shipped_catalogue())
            except KigoError as exc:
                self.call_from_thread(self.notify, str(exc), severity="error")
                self.call_from_thread(self.first_run)
                return
            self.call_from_thread(self._initialised)

        self.run_worker(work, thread=True, group="init", exit_on_error=False)

    def _initialised(self) -> None:
        main = self.main_screen
        if main is not None:
            main.load()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: a task title or an error that quotes a user's text
        ('[bold]', '[/]') is shown as typed, never parsed as markup (`markup` is ignored)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if main is None or screen is not main:
            return
        for action, title, help_text in PALETTE_ACTIONS:
            yield SystemCommand(title, help_text, partial(main.run_action, action))

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()


def create_app(
    db: str,
    settings: Settings | None = None,
    today: date | None = None,
    preload: Preload | None = None,
) -> KigoApp:
    """The app on the database at `db` (path or URL); `today` fixes the date colours are for.

    `preload` (from `kigo_tui.preload`) has opened the database while Textual was imported.
    """
    return KigoApp(db, settings or Settings(), today, preload)
