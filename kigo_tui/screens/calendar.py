"""Write the open tasks' deadlines as a calendar file (.ics) from the TUI: `c` on the main screen.

Same file as `kigo calendar`; the writing happens in a thread worker of the main screen's app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.errors import KigoError
from kigo_tui.screens.dialogs import ConfirmScreen, Dialog
from kigo_tui.widgets.ticks import TickBox

if TYPE_CHECKING:
    from kigo_tui.storage.store import Store


@dataclass(frozen=True)
class CalendarRequest:
    project: str | None
    mine: bool
    path: Path
    make_folder: bool = False
    """The file goes to the export folder, which does not exist yet: the worker makes it."""


def default_name(kommune_code: str, project: str | None) -> str:
    return f"kigo-frister-{kommune_code}{'-' + project if project else ''}.ics"


class CalendarScreen(Dialog):
    """Which tasks, and where the .ics file goes; writes it in a worker, then dismisses with
    the path (None when cancelled). A problem stays in the dialog's error line."""

    BINDINGS = [Binding("ctrl+s", "save", "Skriv")]

    def __init__(self, project: str | None, kommune_code: str, folder: Path) -> None:
        super().__init__()
        self.project = project
        self.kommune_code = kommune_code
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Slutdatoer som kalenderfil (.ics)", classes="title")
            yield Static(
                "En heldagsbegivenhed på slutdatoen og på varslets første dag for hver åben opgave. "
                "Importér filen igen efter ændringer: de samme begivenheder opdateres."
            )
            with Grid():
                yield Label("Projekt")
                yield Select(
                    [(code, code) for code in PROJECT_CODES],
                    value=self.project if self.project else Select.NULL,
                    prompt="alle projekter",
                    id="project",
                    compact=True,
                )
                yield Label("Fil")
                yield Input(
                    str(self.folder / default_name(self.kommune_code, self.project)),
                    id="path",
                    compact=True,
                )
            yield TickBox("Kun mine opgaver ('me' i config.toml)", False, id="mine")
            yield from self.form_footer("Skriv (ctrl+s)")

    @on(Select.Changed, "#project")
    def _project_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        project = None if event.value == Select.NULL else str(event.value)
        current = Path(path.value)
        if current.name.startswith("kigo-frister-"):
            path.value = str(current.with_name(default_name(self.kommune_code, project)))

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.show_error("skriv hvor filen skal gemmes")
            return
        path = Path(text).expanduser()
        if path.suffix.lower() != ".ics":
            self.show_error("filnavnet skal ende på .ics")
            return
        # The export folder (documents, or export_dir) is made when first used, by the worker.
        make_folder = path.parent == self.folder and not path.parent.exists()
        if not make_folder and not path.parent.is_dir():
            self.show_error(f"mappen {path.parent} findes ikke")
            return
        value = self.query_one("#project", Select).value
        request = CalendarRequest(
            project=None if value == Select.NULL else str(value),
            mine=self.query_one("#mine", Checkbox).value,
            path=path,
            make_folder=make_folder,
        )
        if path.exists():

            def answer(yes: bool | None) -> None:
                if yes:
                    self._write(request, force=True)

            self.app.push_screen(ConfirmScreen(f"{path} findes allerede. Overskriv?"), answer)
            return
        self._write(request, force=False)

    def _write(self, request: CalendarRequest, force: bool) -> None:
        app = self.kigo_app
        me, today = app.settings.me, app.today()

        def written(count: int) -> None:
            app.notify(f"{count} begivenheder skrevet til {request.path}", title="Kalenderfil")
            self.dismiss(request.path)

        self.read(
            "calendar",
            partial(_write_calendar, request, me, today, force),
            written,
            on_error=self.show_error,
        )


def _write_calendar(
    request: CalendarRequest, me: str | None, today: date, force: bool, store: Store
) -> int:
    """In a worker: the .ics file of the open tasks; how many events it holds."""
    from kigo_tui.formats.calendar import calendar_bytes
    from kigo_tui.formats.files import write_atomically

    ids = _my_task_ids(store, me, today) if request.mine else None
    if request.make_folder:
        folder = request.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KigoError(f"mappen {folder} kan ikke oprettes: {exc.strerror or exc}") from None
    data, count = calendar_bytes(store.snapshot(), today, task_ids=ids, project=request.project)
    write_atomically(request.path, data, force=force)
    return count


def _my_task_ids(store: Store, me: str | None, today: date) -> list[str]:
    """The configured person's tasks (`storage.organisation.my_tasks`, the one answer to "who am
    I and what are my tasks"), refused in the dialog's words when there is nobody to ask for."""
    from kigo_tui.storage.organisation import (
        MeNotSetError,
        OrganisationError,
        UnknownMeError,
        my_tasks,
    )

    try:
        return [task.id for task in my_tasks(store, me, today).tasks]
    except MeNotSetError:
        raise OrganisationError(
            "sæt 'me' i config.toml (dit navn, e-mail eller id) for 'kun mine'"
        ) from None
    except UnknownMeError as exc:
        raise OrganisationError(
            f"kender ingen person '{exc.who}' (se 'kigo people list')"
        ) from None
