"""Modal dialogs of the main screen; each returns its answer with dismiss()."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static

from kigo_tui.domain.dates import DateError, danish_date, parse_date
from kigo_tui.domain.rules import CATEGORY_LABELS, COLOUR_LABELS, COLOUR_SYMBOLS, Category, Colour
from kigo_tui.domain.text import clean_text
from kigo_tui.domain.tree import TaskFilter
from kigo_tui.errors import KigoError
from kigo_tui.models.readmodels import TaskRow

if TYPE_CHECKING:
    from kigo_tui.domain.conflict import Conflict
    from kigo_tui.storage.store import TaskEdit

CATEGORY_OPTIONS = [(CATEGORY_LABELS[c], c) for c in Category]


class Dialog(ModalScreen):
    """Escape cancels; the dialog box is centred and fits 80×24."""

    BINDINGS = [Binding("escape", "cancel", "Annullér", priority=True)]
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    Dialog .title { text-style: bold; width: 1fr; content-align: center middle; }
    Dialog .error { color: $error; height: auto; }
    Dialog .buttons { height: auto; align: right middle; }
    Dialog .buttons Button { margin-left: 1; }
    Dialog Grid {
        grid-size: 2; grid-columns: 20 1fr; grid-rows: auto; height: auto; grid-gutter: 0 1;
        margin: 1 0;
    }
    Dialog Grid Input, Dialog Grid Select { background: $boost; }
    """

    _dismissed = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Close once. A second Enter or ctrl+s typed fast can arrive after the first has closed
        the dialog: Textual would run the answer's callback again and pop the screen below."""
        if self._dismissed:
            return AwaitComplete(asyncio.sleep(0))
        self._dismissed = True
        return super().dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def form_footer(self, save_label: str = "Gem (ctrl+s)") -> ComposeResult:
        """The error line and the Annullér/save buttons every form dialog ends with."""
        yield Static("", id="error", classes="error", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Annullér", id="cancel")
            yield Button(save_label, id="save", variant="primary")

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def read_task_fields(self) -> tuple[str, date | None, date | None, int]:
        """Title, start, due and warning window from a task form; a KigoError (DateError,
        TextError) names the problem."""
        title = clean_text(self.query_one("#title", Input).value, "titel")
        if not title:
            raise DateError("titlen må ikke være tom")
        start = _read_date(self.query_one("#start", Input).value, "startdato")
        due = _read_date(self.query_one("#due", Input).value, "frist")
        warn = _read_warn_days(self.query_one("#warn", Input).value)
        if start and due and start > due:
            raise DateError(
                f"starten ({danish_date(start)}) ligger efter fristen ({danish_date(due)})"
            )
        return title, start, due, warn

    def show_error(self, message: object) -> None:
        self.query_one("#error", Static).update(Text(f"⚠ {message}"))


def _read_date(value: str, what: str) -> date | None:
    """Empty → None; otherwise a date or DateError naming the field."""
    if not value.strip():
        return None
    return parse_date(value, what)


def _read_warn_days(value: str) -> int:
    try:
        warn = int(value.strip())
    except ValueError:
        raise DateError(f"varsel skal være et helt antal dage, ikke '{value}'") from None
    if not 0 <= warn <= 365:
        raise DateError("varsel skal være mellem 0 og 365 dage")
    return warn


@dataclass(frozen=True)
class EditResult:
    edit: TaskEdit
    responsibility: tuple[int | None, int | None] | None
    """New (accountable, doer) person ids, or None when unchanged."""


class EditTaskScreen(Dialog):
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
        from kigo_tui.storage.store import REASON_MAX

        task = self.task_row
        with Vertical(classes="dialog"):
            yield Static(f"Ret {task.id}", classes="title", markup=False)
            yield Static(task.title, markup=False)
            with Grid():
                yield Label("Titel")
                yield Input(task.title, id="title", compact=True)
                yield Label("Start (ÅÅÅÅ-MM-DD)")
                yield Input(task.start.isoformat() if task.start else "", id="start", compact=True)
                yield Label("Frist (ÅÅÅÅ-MM-DD)")
                yield Input(task.due.isoformat() if task.due else "", id="due", compact=True)
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
                value = _read_date(self.query_one(ident, Input).value, "dato")
            except DateError:
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
                    category=Category(category),
                    start=start,
                    due=due,
                    warn_days=warn,
                    clear_start=start is None and self.task_row.start is not None,
                    clear_due=due is None and self.task_row.due is not None,
                    reason=reason if self._moved_from_baseline() else None,
                ),
                responsibility=chosen if chosen != self.responsibility else None,  # type: ignore[arg-type]
            )
        )


class AddTaskScreen(Dialog):
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
                yield Label("Start (ÅÅÅÅ-MM-DD)")
                yield Input(id="start", compact=True)
                yield Label("Frist (ÅÅÅÅ-MM-DD)")
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
                "category": Category(self.query_one("#category", Select).value),
                "start": start,
                "due": due,
                "warn_days": warn,
                "checklist": items,
            }
        )


class FilterScreen(Dialog):
    BINDINGS = [Binding("ctrl+s", "apply", "Anvend")]

    def __init__(self, current: TaskFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Filtrér opgaver", classes="title")
            yield Checkbox("Kun gule og røde", self.current.only_problems, id="problems")
            yield Checkbox(
                "Kun obligatoriske og kritiske", self.current.only_required, id="required"
            )
            yield Checkbox("Skjul fuldførte", self.current.hide_done, id="hide-done")
            with Horizontal(classes="buttons"):
                yield Button("Nulstil", id="reset")
                yield Button("Anvend", id="apply", variant="primary")

    @on(Button.Pressed, "#reset")
    def _reset(self) -> None:
        self.dismiss(TaskFilter())

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(
            TaskFilter(
                only_problems=self.query_one("#problems", Checkbox).value,
                only_required=self.query_one("#required", Checkbox).value,
                hide_done=self.query_one("#hide-done", Checkbox).value,
            )
        )


class ConfirmScreen(Dialog):
    BINDINGS = [Binding("y,j", "yes", "Ja"), Binding("n", "cancel", "Nej")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Nej (n)", id="no")
                yield Button("Ja (j)", id="yes", variant="error")

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


class TaskListScreen(Dialog):
    """A list of tasks (KOMBIT's follow-up, mine opgaver), most severe first. Enter jumps to one."""

    BINDINGS = [Binding("escape,q", "cancel", "Luk")]
    DEFAULT_CSS = """
    TaskListScreen > .dialog { width: 100%; max-width: 110; }
    TaskListScreen DataTable { max-height: 14; }
    """

    def __init__(
        self, title: str, summary: Text, rows: list[tuple[TaskRow, Colour]], empty: str
    ) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.rows = rows
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.summary)
            if not self.rows:
                yield Static(self.empty, markup=False)
            yield DataTable(id="task-list", cursor_type="row")
            yield Static("Enter: gå til opgaven · Esc: luk", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Farve", "Opgave", "Kategori", "Frist", "Titel")
        for task, colour in self.rows:
            table.add_row(
                f"{COLOUR_SYMBOLS[colour]} {COLOUR_LABELS[colour]}",
                Text(task.id),
                CATEGORY_LABELS[task.category],
                task.due.strftime("%d-%m-%Y") if task.due else "—",
                Text(task.title),
                key=task.id,
            )
        table.focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)


class OrganisationScreen(Dialog):
    """Who holds which role, and KOMBIT's recommended organisation as readiness checks."""

    BINDINGS = [Binding("escape,q,o", "cancel", "Luk")]

    def __init__(self, body: Text) -> None:
        super().__init__()
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Organisation og parathed", classes="title")
            yield Static(self.body)
            yield Static(
                "Personer og roller vedligeholdes med 'kigo people' og 'kigo role' (se README).",
                classes="hint",
            )


class HelpScreen(Dialog):
    BINDINGS = [Binding("escape,q,question_mark", "cancel", "Luk")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Hjælp – taster", classes="title")
            text = Text()
            for key, description in self.keys:
                text.append(f"{key:>12}", style="bold")
                text.append(f"  {description}\n")
            text.append(
                "\nFarver: ● grøn = i plan · ▲ gul = ikke påbegyndt og tæt på fristen · "
                "■ rød = fristen er overskredet.\nStatus: ☐ ikke påbegyndt · ◐ påbegyndt · ☑ fuldført. "
                "Kategori: ! obligatorisk · ‼ obligatorisk kritisk.\n"
                "Et projekt og kommunen får den værste farve under sig.\n"
                "Taster kan ændres i config.toml under [keys]."
            )
            yield Static(text)


UNCHANGED = "(ikke ændret af dig)"


class ConflictScreen(Dialog):
    """A colleague saved the row while the user was changing it. Per field: what the user had
    seen, what the colleague saved and what the user wants. The user chooses: keep the
    colleague's change ("keep"), save their own changes on top of it ("mine": only the fields
    the user changed; every other field keeps the colleague's value), or cancel (None). Nothing
    is written by the dialog itself."""

    BINDINGS = [Binding("escape", "cancel", "Annullér", priority=True)]
    DEFAULT_CSS = """
    ConflictScreen > .dialog { width: 100%; max-width: 110; }
    ConflictScreen #conflict-fields { height: auto; max-height: 14; }
    ConflictScreen .buttons { margin-top: 1; }
    """

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        from rich.table import Table

        conflict = self.conflict
        table = Table(expand=True, show_edge=False, pad_edge=False)
        for header in ("Felt", "Du så", "Kollegaen gemte", "Du vil gemme"):
            table.add_column(Text(header), overflow="fold")
        for change in conflict.changes:
            theirs = Text(change.theirs, style="bold" if change.colleague_changed else "")
            # A field the user did not change keeps the colleague's value whatever the choice.
            mine = Text(change.mine, style="bold") if change.i_changed else Text(UNCHANGED, "dim")
            table.add_row(Text(change.label), Text(change.seen), theirs, mine)
        who = ", ".join(conflict.colleague_fields) or "ingen af de viste felter"
        with Vertical(classes="dialog"):
            yield Static(Text(f"{conflict.what} er ændret af en anden"), classes="title")
            yield Static(
                Text(
                    f"En kollega gemte {conflict.what}, mens du havde den åben (version "
                    f"{conflict.seen_version} → {conflict.current_version}; ændret: {who}). "
                    "Intet af dit er gemt endnu. Felter du ikke har ændret, beholder kollegaens "
                    "værdi, også hvis du gemmer dine ændringer."
                )
            )
            with VerticalScroll(id="conflict-fields"):
                yield Static(table)
            with Horizontal(classes="buttons"):
                yield Button("Annullér", id="cancel")
                yield Button("Gem mine ændringer alligevel", id="mine", variant="warning")
                yield Button("Behold kollegaens ændring", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.dismiss("keep")

    @on(Button.Pressed, "#mine")
    def _mine(self) -> None:
        self.dismiss("mine")
