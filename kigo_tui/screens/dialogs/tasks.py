"""The task forms: edit a task (dates, category, warning, responsibility) and add a local one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from kigo_tui.domain.dates import short_date
from kigo_tui.domain.rules import CATEGORY_LABELS, Category
from kigo_tui.domain.tasks import REASON_MAX, check_task_date, validate_task_fields
from kigo_tui.domain.text import clean_text
from kigo_tui.errors import KigoError
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.screens.dialogs.base import Dialog

if TYPE_CHECKING:
    from kigo_tui.storage.store import TaskEdit

CATEGORY_OPTIONS = [(CATEGORY_LABELS[c], c) for c in Category]


class TaskForm(Dialog):
    """A form with the task fields title, start, due and warning window."""

    def read_task_fields(self) -> tuple[str, date | None, date | None, int]:
        """Title, start, due and warning window from a task form, checked as everywhere
        (`kigo_tui.domain.tasks.validate_task_fields`); a KigoError names the problem."""
        fields = validate_task_fields(
            title=self.query_one("#title", Input).value,
            start=self.query_one("#start", Input).value,
            due=self.query_one("#due", Input).value,
            warn_days=self.query_one("#warn", Input).value,
        )
        assert fields.title is not None and fields.warn_days is not None  # both were given
        return fields.title, fields.start, fields.due, fields.warn_days


@dataclass(frozen=True)
class EditResult:
    edit: TaskEdit
    responsibility: tuple[int | None, int | None] | None
    """New (accountable, doer) person ids, or None when unchanged."""


class EditTaskScreen(TaskForm):
    """Edit dates, category and warning window; validates before it closes.

    A catalogue task's category is KOMBIT's (shown, not editable); moving its start or due away
    from KOMBIT's date shows the Begrundelse field, which is then required."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]

    def __init__(
        self,
        task: TaskRow,
        people: list[tuple[Text, int]] | None = None,
        responsibility: tuple[int | None, int | None] = (None, None),
    ) -> None:
        super().__init__()
        self.task_row = task
        self.people = people or []
        self.responsibility = responsibility

    def compose(self) -> ComposeResult:
        task = self.task_row
        with Vertical(classes="dialog"):
            yield Static(f"Ret {task.id}", classes="title", markup=False)
            yield Static(task.title, markup=False)
            with Grid():
                yield Label("Titel")
                yield Input(task.title, id="title", compact=True)
                yield Label("Start (DD-MM-ÅÅÅÅ)")
                yield Input(short_date(task.start) if task.start else "", id="start", compact=True)
                yield Label("Slutdato (DD-MM-ÅÅÅÅ)")
                yield Input(short_date(task.due) if task.due else "", id="due", compact=True)
                yield Label("Varsel (dage)")
                yield Input(str(task.warn_days), id="warn", type="integer", compact=True)
                yield Label("Kategori" if task.is_local else "Kategori (KOMBITs)")
                yield Select(
                    CATEGORY_OPTIONS,
                    value=task.category,
                    allow_blank=False,
                    id="category",
                    compact=True,
                    disabled=not task.is_local,
                    tooltip=None
                    if task.is_local
                    else "Kategorien kommer fra KOMBITs katalog og kan ikke ændres",
                )
                yield Label("Begrundelse", id="reason-label")
                yield Input(
                    id="reason",
                    compact=True,
                    placeholder="hvorfor flyttes KOMBITs dato? (kræves)",
                    max_length=REASON_MAX,
                )
                for label, ident, current in (
                    ("Ansvarlig", "accountable", self.responsibility[0]),
                    ("Udfører", "doer", self.responsibility[1]),
                ):
                    yield Label(label)
                    yield Select(
                        self.people,
                        value=current if current is not None else Select.NULL,
                        prompt="— ingen —",
                        id=ident,
                        compact=True,
                    )
            yield from self.form_footer()

    def on_mount(self) -> None:
        self._show_reason()

    def _moved_from_baseline(self) -> bool:
        """Does a date in the form differ from KOMBIT's (a catalogue task with a baseline)?"""
        task = self.task_row
        if task.is_local:
            return False
        for ident, baseline in (("#start", task.baseline_start), ("#due", task.baseline_due)):
            try:
                value = check_task_date(self.query_one(ident, Input).value, "dato")
            except KigoError:
                continue  # said when saving
            if baseline is not None and value != baseline:
                return True
        return False

    @on(Input.Changed, "#start, #due")
    def _show_reason(self) -> None:
        moved = self._moved_from_baseline()
        self.query_one("#reason-label", Label).display = moved
        self.query_one("#reason", Input).display = moved

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        from kigo_tui.storage.store import StoreError, TaskEdit, checked_reason, date_moves

        try:
            title, start, due, warn = self.read_task_fields()
        except KigoError as exc:
            self.show_error(exc)
            return
        reason = self.query_one("#reason", Input).value
        try:
            checked_reason(self.task_row.id, date_moves(self.task_row, start, due), reason)
        except StoreError as exc:
            self.show_error(exc)
            self.query_one("#reason", Input).focus()
            return
        category = self.query_one("#category", Select).value
        chosen = tuple(
            None if value == Select.NULL else value
            for value in (
                self.query_one("#accountable", Select).value,
                self.query_one("#doer", Select).value,
            )
        )
        self.dismiss(
            EditResult(
                TaskEdit(
                    title=title,
                    category=Category(str(category)),
                    start=start,
                    due=due,
                    warn_days=warn,
                    clear_start=start is None and self.task_row.start is not None,
                    clear_due=due is None and self.task_row.due is not None,
                    reason=reason if self._moved_from_baseline() else None,
                ),
                responsibility=chosen if chosen != self.responsibility else None,  # type: ignore[arg-type]  # two Select values: ids or None
            )
        )


class AddTaskScreen(TaskForm):
    """A new local task under a hovedopgave."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]

    def __init__(self, project: str, main_task: int, main_name: str) -> None:
        super().__init__()
        self.project = project
        self.main_task = main_task
        self.main_name = main_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Ny lokal opgave · {self.project} {self.main_task}. {self.main_name}",
                classes="title",
                markup=False,
            )
            with Grid():
                yield Label("Titel")
                yield Input(id="title", placeholder="hvad skal gøres", compact=True)
                yield Label("Beskrivelse")
                yield Input(id="description", compact=True)
                yield Label("Kategori")
                yield Select(
                    CATEGORY_OPTIONS,
                    value=Category.OPTIONAL,
                    allow_blank=False,
                    id="category",
                    compact=True,
                )
                yield Label("Start (DD-MM-ÅÅÅÅ)")
                yield Input(id="start", compact=True)
                yield Label("Slutdato (DD-MM-ÅÅÅÅ)")
                yield Input(id="due", compact=True)
                yield Label("Varsel (dage)")
                yield Input("14", id="warn", type="integer", compact=True)
                yield Label("Tjekliste (;-delt)")
                yield Input(id="checklist", placeholder="punkt 1; punkt 2", compact=True)
            yield from self.form_footer("Tilføj (ctrl+s)")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            title, start, due, warn = self.read_task_fields()
            description = clean_text(self.query_one("#description", Input).value, "beskrivelse")
            checklist = clean_text(self.query_one("#checklist", Input).value, "tjekliste")
        except KigoError as exc:
            self.show_error(exc)
            return
        items = [i.strip() for i in checklist.split(";") if i.strip()]
        self.dismiss(
            {
                "project": self.project,
                "main_task": self.main_task,
                "title": title,
                "description": description,
                "category": Category(str(self.query_one("#category", Select).value)),
                "start": start,
                "due": due,
                "warn_days": warn,
                "checklist": items,
            }
        )
