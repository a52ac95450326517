"""KigoApp and create_app(): the one factory used by the CLI and the tests.

SQLAlchemy is imported only inside workers (through the store), so the first frame is not kept
waiting for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker

from kigo_tui.actions import danish_palette_binding, key_display, palette_commands
from kigo_tui.config import Settings
from kigo_tui.domain.dates import copenhagen_today
from kigo_tui.screens.base import ReportsWorkerFailures
from kigo_tui.screens.refresh import LiveRefresh
from kigo_tui.widgets.traffic import TRAFFIC_VARIABLES

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation
    from kigo_tui.models.readmodels import Overview
    from kigo_tui.screens.main import MainScreen
    from kigo_tui.storage.preload import Preload
    from kigo_tui.storage.store import Store

HOLD_POLL_SECONDS = 0.01
"""How often a held burst looks whether what its key opens is ready."""
HOLD_LIMIT_SECONDS = 3.0
"""A last resort: keys are never held longer than this (a widget that took the key itself)."""


@dataclass
class KeyHold:
    """Keys that arrived while what an earlier key opens (a dialog, the search field) is opening.

    Textual hands a key to the focused widget and runs its binding only when the key has bubbled
    back to the app: keys already queued behind it would reach the tree, not the dialog it opens.
    """

    key: events.Key
    """The key whose action is awaited."""
    screen: Screen[Any]
    """The top screen when it was pressed."""
    held: list[events.Event] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    dispatched: bool = False
    """The key's binding has run."""
    workers: list[Worker[Any]] = field(default_factory=list)
    """Workers whose result opens the dialog (a list read from the database)."""
    timer: Timer | None = None


PALETTE_PLACEHOLDER = "Søg efter en kommando…"
THEME_PLACEHOLDER = "Søg efter et farvetema…"
NO_MATCHES = "Intet passer til søgningen"


def danish_palette(placeholder: str, **kwargs: Any) -> Screen[Any]:
    """Textual's command palette with a Danish search field and a Danish 'no matches' line."""
    from rich.align import Align
    from rich.text import Text
    from textual.command import CommandList, CommandPalette
    from textual.widgets.option_list import Option

    class DanishCommandPalette(CommandPalette):
        def _start_no_matches_countdown(self, search_value: str) -> None:
            # Textual 8.2.8's method with the line it adds in Danish (Textual is pinned exactly)
            self._stop_no_matches_countdown()

            def show_no_matches() -> None:
                if search_value:
                    self.query_one(CommandList).add_option(
                        Option(
                            Align.center(Text(NO_MATCHES, style="not bold")),
                            disabled=True,
                            id=self._NO_MATCHES,
                        )
                    )
                    self._list_visible = True
                else:
                    self._list_visible = False

            self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

    return DanishCommandPalette(placeholder=placeholder, **kwargs)


class KigoApp(ReportsWorkerFailures, App[None]):
    TITLE = "kigo"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding("ctrl+q", "quit", "Afslut", tooltip="Luk kigo", show=False, priority=True)]
    """Textual's own quit key, with a Danish description."""

    def __init__(
        self,
        db: str,
        settings: Settings,
        today: date | None = None,
        preload: Preload | None = None,
    ) -> None:
        super().__init__()
        danish_palette_binding(self._bindings.key_to_bindings)
        self.db = db
        self.settings = settings
        self._today_override = today
        self._preload = preload
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self._preloaded: tuple[Overview, Organisation] | None = None
        self.export_dir: Path | None = None
        """Where `x` writes the status bundle (None: the current folder)."""
        self._hold: KeyHold | None = None
        self.live_refresh = LiveRefresh(self)
        """Other users' changes, for every screen that shows the database."""

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
                    from kigo_tui.storage.store import Store

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

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The traffic-light colours ($traffic-green, …), which a theme may override."""
        return {**super().get_theme_variable_defaults(), **TRAFFIC_VARIABLES}

    def get_default_screen(self) -> Screen[Any]:
        from kigo_tui.screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        if self.settings.keys:
            from kigo_tui.actions import key_clashes, usable_keymap

            clashes = key_clashes(self.settings.keys)
            for clash in clashes:  # reported, not silently applied
                self.notify(
                    clash.message(), title="Tast i config.toml", severity="warning", timeout=30
                )
            self.set_keymap(usable_keymap(self.settings.keys, clashes))

    @property
    def main_screen(self) -> MainScreen | None:
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
            from kigo_tui.domain.catalogue import shipped_catalogue
            from kigo_tui.domain.kommuner import find_kommune
            from kigo_tui.errors import KigoError
            from kigo_tui.storage.demo import make_demo

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

    # ------------------------------------------------------------------ keys typed fast

    async def on_event(self, event: events.Event) -> None:
        """Keys that follow a key opening something wait until it is open, then go there."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._hold is not None:
                self._hold.held.append(event)
                return
            if isinstance(event, events.Key) and self._opens_something(event):
                self._start_hold(event)
                await super().on_event(event)
                if not event.is_forwarded:  # a priority binding ran it already
                    self._key_dispatched(event)
                return
        await super().on_event(event)
        if isinstance(event, events.Key) and event.is_forwarded:
            self._key_dispatched(event)  # it bubbled back here: its binding has run

    def _opens_something(self, event: events.Key) -> bool:
        """The key runs a screen's or the app's action (those open dialogs and fields).

        A widget's own bindings (the tree's cursor keys) only move within it, and a printable key
        in an input is text.
        """
        if event.is_printable and isinstance(self.focused, Input):
            return False
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled:
            return False
        return active.node is self or isinstance(active.node, Screen)

    def _start_hold(self, key: events.Key) -> None:
        hold = KeyHold(key, self.screen)
        hold.timer = self.set_interval(HOLD_POLL_SECONDS, self._check_hold)
        self._hold = hold

    def hold_keys_for(self, worker: Worker[Any]) -> None:
        """The key being handled opens its dialog when `worker` is done: hold keys until then."""
        if self._hold is not None and not self._hold.dispatched:
            self._hold.workers.append(worker)

    def _key_dispatched(self, key: events.Key) -> None:
        if self._hold is not None and self._hold.key is key:
            self._hold.dispatched = True
            self._check_hold()

    def _check_hold(self) -> None:
        """Release the held keys once what the key opened is there and focused."""
        hold = self._hold
        if hold is None:
            return
        if time.monotonic() - hold.started < HOLD_LIMIT_SECONDS:
            if not hold.dispatched:
                return  # still on its way to the app
            if any(not worker.is_finished for worker in hold.workers):
                return
            screen = self.screen
            if not screen.is_mounted:
                return
            if screen is not hold.screen and screen.focused is None and screen.focus_chain:
                return  # the new screen has yet to focus its first field
        if hold.timer is not None:
            hold.timer.stop()
            hold.timer = None
        # After the callbacks already queued (a field's focus() is one).
        self.call_later(self._release, hold)

    async def _release(self, hold: KeyHold) -> None:
        if self._hold is not hold:
            return
        self._hold = None
        pending = hold.held
        while pending:
            event = pending.pop(0)
            await self.on_event(event)
            if self._hold is not None:  # a held key opens something in its turn
                self._hold.held.extend(pending)
                return

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands in Danish (theme, quit, maximise); its key panel and SVG
        screenshot are left out (their texts are English; `?` is the help), then ours."""
        yield SystemCommand("Farvetema", "Skift kigos farvetema", self.action_change_theme)
        yield SystemCommand("Afslut", "Luk kigo", self.action_quit)
        if screen.maximized is not None:
            yield SystemCommand(
                "Normal størrelse", "Vis feltet i normal størrelse igen", screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                "Maksimér", "Vis feltet med fokus i hele vinduet", screen.action_maximize
            )
        main = self.main_screen
        if main is None or screen is not main:
            return
        for action, title, help_text in palette_commands():
            yield SystemCommand(title, help_text, partial(main.run_action, action))

    def action_command_palette(self) -> None:
        """The command palette with a Danish search field."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(danish_palette(PALETTE_PLACEHOLDER, id="--command-palette"))

    def search_themes(self) -> None:
        """The theme list (the palette's "Farvetema") with a Danish search field."""
        from textual.theme import ThemeProvider

        self.push_screen(danish_palette(THEME_PLACEHOLDER, providers=[ThemeProvider]))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (Textual copies with it): say which key does, in Danish."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                shown = key_display(key)
                self.notify(f"Tryk {shown} for at afslutte kigo", title="Vil du afslutte?")
                return

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer and help show it: Danish or neutral names ('mellemrum', 'ctrl+p',
        'esc'), never Textual's English ones ('space', '^p', 'escape')."""
        return binding.key_display or key_display(binding.key)

    def on_unmount(self) -> None:
        self.live_refresh.stop()
        if self._store is not None:
            self._store.close()


def create_app(
    db: str,
    settings: Settings | None = None,
    today: date | None = None,
    preload: Preload | None = None,
) -> KigoApp:
    """The app on the database at `db` (path or URL); `today` fixes the date colours are for.

    `preload` (from `kigo_tui.storage.preload`) has opened the database while Textual was imported.
    """
    return KigoApp(db, settings or Settings(), today, preload)
