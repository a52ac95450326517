"""The defect log (fejllog): defects reported to the supplier, their age and the SLA.

Reached with `F` from a project node (or anything under it; from the kommune: every project).
Breaches are red and marked ■ with the word; the header has the project's figures. Database
work runs in thread workers; changes from other processes show within a poll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from kigo_tui.domain.defect_labels import (
    SEVERITY_HINTS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    DefectStatus,
    Severity,
)
from kigo_tui.domain.rules import Colour
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.times import (
    duration_text,
    local_text,
    measure_instant,
)
from kigo_tui.errors import KigoError
from kigo_tui.screens.base import BaseScreen
from kigo_tui.screens.dialogs import ConfirmScreen
from kigo_tui.screens.dialogs.defects import DefectFormScreen
from kigo_tui.screens.refresh import DatabaseChanged
from kigo_tui.widgets.traffic import traffic_style

if TYPE_CHECKING:
    from kigo_tui.domain.defects import Assessment, DefectInput, DefectRow, Figures, Policy
    from kigo_tui.storage.store import Store

NEXT_STATUS = {
    DefectStatus.REPORTED: DefectStatus.ACKNOWLEDGED,
    DefectStatus.ACKNOWLEDGED: DefectStatus.FIXED,
    DefectStatus.FIXED: DefectStatus.ACKNOWLEDGED,
}
COLUMNS = ("Nr", "Proj.", "Alvor", "Status", "Løsning", "Svar", "Alder", "Indberettet", "Titel")


def _sla_cell(text: str, breached: bool) -> Text:
    return Text(text, style=traffic_style(Colour.RED, bold=True) if breached else "")


class DefectLogScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Tilbage"),
        Binding("a", "add", "Ny fejl"),
        Binding("e,enter", "edit", "Ret"),
        Binding("s", "next_status", "Status"),
        Binding("o", "toggle_open", "Kun åbne"),
        Binding("p", "next_project", "Projekt"),
        Binding("d", "delete", "Slet"),
        Binding("question_mark", "rules", "Regler"),
    ]
    DEFAULT_CSS = """
    DefectLogScreen #defect-header { height: auto; background: $panel; padding: 0 1; }
    DefectLogScreen DataTable { height: 1fr; }
    """

    def __init__(self, project: str | None = None) -> None:
        super().__init__()
        self.project = project
        """The project shown; None: every project."""
        self.only_open = False
        self.defects: list[DefectRow] = []
        self.rows: list[Assessment] = []
        self._revision = -1

    def compose(self) -> ComposeResult:
        yield Static("Fejllog · indlæser …", id="defect-header")
        yield DataTable(id="defects", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.reload()
        self.kigo_app.live_refresh.subscribe(self)
        self.set_interval(60, self._refresh_table)  # ages and SLA clocks move on

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self.read("defect-load", self._read_defects, lambda found: self._loaded(*found))

    def _read_defects(self, store: Store) -> tuple[list[DefectRow], int]:
        from kigo_tui.storage.defects import list_defects

        revision = store.revision()
        defects = list_defects(store)
        self._policy_and_moment()[0].clock.counts(self.kigo_app.today())  # loads the holidays
        return defects, revision

    @on(DatabaseChanged)
    def _changed_elsewhere(self, event: DatabaseChanged) -> None:
        if event.revision is None or event.revision != self._revision:
            self.reload()

    def _loaded(self, defects: list[DefectRow], revision: int) -> None:
        self.defects = defects
        self._revision = revision
        self._refresh_table()

    def _policy_and_moment(self) -> tuple[Policy, datetime]:
        from kigo_tui.domain.defects import Policy

        return Policy.from_settings(self.kigo_app.settings.service_levels()), measure_instant(
            self.kigo_app.today()
        )

    def _refresh_table(self) -> None:
        from kigo_tui.domain.defects import assess_all, figures

        policy, at = self._policy_and_moment()
        in_scope = [d for d in self.defects if self.project in (None, d.project)]
        assessed = assess_all(in_scope, policy, at)
        self.rows = [a for a in assessed if a.is_open or not self.only_open]
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for a in self.rows:
            table.add_row(*self._cells(a), key=str(a.defect.id))
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self._header(figures(assessed), policy, at)

    @staticmethod
    def _cells(a: Assessment) -> tuple[object, ...]:
        from kigo_tui.domain.defects import resolution_short, response_short

        d = a.defect
        return (
            str(d.id),
            d.project,
            SEVERITY_LABELS[d.severity],
            STATUS_LABELS[d.status],
            _sla_cell(resolution_short(a), a.resolution_breached),
            _sla_cell(response_short(a), a.response_breached),
            duration_text(a.age),
            local_text(d.reported_at),
            Text(d.title + (f" [{d.supplier_ref}]" if d.supplier_ref else "")),
        )

    def _header(self, per_project: list[Figures], policy: Policy, at: datetime) -> None:
        from kigo_tui.domain.defects import examples_note, figures_text, measured_text

        text = Text()
        scope = self.project or "alle projekter"
        text.append(f"Fejllog – {scope}", style="bold")
        text.append(
            f" · {measured_text(at, self.kigo_app.today())} (alle tider i dansk tid) · "
            f"{policy.describe()}"
        )
        if self.only_open:
            text.append(" · kun åbne", style="italic")
        note = examples_note(policy.settings)
        if note is not None:
            text.append(f"\n▲ {note}", style=traffic_style(Colour.YELLOW, bold=True))
        total = per_project[-1]
        text.append("\n")
        line = figures_text(total).split(": ", 1)[1]
        text.append(line, style=traffic_style(Colour.RED, bold=True) if total.open_breached else "")
        if not self.defects:
            text.append("\nIngen fejl endnu: a registrerer en fejl indberettet til leverandøren.")
        self.query_one("#defect-header", Static).update(text)

    def _selected(self) -> DefectRow | None:
        """The defect under the cursor as stored (the table may show it as of an earlier date)."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((d for d in self.defects if str(d.id) == key), None)

    # ------------------------------------------------------------------ actions

    def action_toggle_open(self) -> None:
        self.only_open = not self.only_open
        self._refresh_table()

    def action_next_project(self) -> None:
        scopes: list[str | None] = [None, *PROJECT_CODES]
        self.project = scopes[(scopes.index(self.project) + 1) % len(scopes)]
        self._refresh_table()

    def action_add(self) -> None:
        # from "alle projekter" the form asks which project: no project is chosen for the user
        self.app.push_screen(DefectFormScreen(None, self.project), self._add)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        defect = self._selected()
        if defect is None:
            self.notify("Ingen fejl valgt: a registrerer en ny", severity="warning")
            return
        self.app.push_screen(
            DefectFormScreen(defect, defect.project), lambda r: self._save(defect, r)
        )

    def action_next_status(self) -> None:
        defect = self._selected()
        if defect is None:
            return
        target = NEXT_STATUS[defect.status]
        if defect.status == DefectStatus.FIXED:

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._status_worker(defect, target)

            self.app.push_screen(
                ConfirmScreen(
                    f"Genåbn fejl {defect.id} «{defect.title}»? Løsningsuret regnes fortsat fra "
                    "indberetningen."
                ),
                confirmed,
            )
            return
        self._status_worker(defect, target)

    def action_delete(self) -> None:
        defect = self._selected()
        if defect is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete_worker(defect)

        self.app.push_screen(
            ConfirmScreen(f"Slet fejl {defect.id} «{defect.title}»? (historikken beholder den)"),
            confirmed,
        )

    def action_rules(self) -> None:
        from kigo_tui.domain.defects import EXAMPLE_MARK, examples_note
        from kigo_tui.screens.dialogs.exit_strategy import SummaryScreen

        sla = self.kigo_app.settings.service_levels()
        lines = [
            "Taster: a ny fejl · e/Enter ret · s næste status (indberettet → under behandling → "
            "rettet; på en rettet fejl: genåbn) · o kun åbne · p projekt · d slet · Esc tilbage",
            "",
            "Begge ure starter, når fejlen er indberettet. Svaruret stopper ved leverandørens "
            "første svar (under behandling), løsningsuret når fejlen er rettet. En genåbnet fejl "
            "måles fortsat fra den oprindelige indberetning. Målet er brudt, når der er gået mere "
            "end den aftalte tid (præcis målet er overholdt).",
            "",
            "Med working_days = true tæller kun mandag–fredag, ikke helligdage (nytårsdag, "
            "skærtorsdag, langfredag, påske, Kristi himmelfart, pinse, jul)."
            if sla.working_days
            else "Weekender og helligdage tæller med (working_days = false i config.toml).",
            "",
            "Aftalte mål ([sla] i config.toml):",
        ]
        for severity in Severity:
            target = sla.target(severity)
            example = f" ({EXAMPLE_MARK})" if sla.is_example(severity) else ""
            lines.append(
                f"• {SEVERITY_LABELS[severity]} ({SEVERITY_HINTS[severity]}): svar inden "
                f"{target.response_hours:g} t, rettet inden {target.resolution_hours:g} t{example}"
            )
        note = examples_note(sla)
        if note is not None:
            lines += ["", note]
        self.app.push_screen(SummaryScreen("\n".join(lines), title="Fejllog – regler og taster"))

    # ------------------------------------------------------------------ writes

    def _add(self, defect: DefectInput | None) -> None:
        if defect is not None:
            self._write(lambda: defect, None, "Registreret")

    def _save(self, current: DefectRow, defect: DefectInput | None) -> None:
        if defect is not None:
            self._write(lambda: defect, current, "Gemt")

    def _status_worker(self, defect: DefectRow, status: DefectStatus) -> None:
        from kigo_tui.domain.times import now_utc

        at = now_utc()
        self._write(
            lambda: _ops().status_change(_ops().to_input(defect), status, at),
            defect,
            STATUS_LABELS[status].capitalize(),
        )

    def _delete_worker(self, defect: DefectRow) -> None:
        self._write(None, defect, "Slettet")

    def _write(
        self,
        wanted: Callable[[], DefectInput] | None,
        seen: DefectRow | None,
        done: str,
    ) -> None:
        """Save what the user wants (None: delete) of the defect they saw (None: a new one); the
        table follows after the commit. A defect a colleague changed since the user saw it is not
        saved: the user is shown what changed and chooses (`_ask_conflict`)."""

        def saved(outcome: DefectRow | tuple[DefectRow]) -> None:
            if isinstance(outcome, tuple):
                self._ask_conflict(wanted, seen, outcome[0], done)  # type: ignore[arg-type]  # a conflict is always on a defect seen
                return
            self.notify(f"{done}: fejl {outcome.id} «{outcome.title}»")
            self.reload()

        self.write(
            "defect-write",
            partial(self._store_write, wanted, seen),
            saved,
            on_error=self._not_saved,
        )

    def _not_saved(self, error: KigoError) -> None:
        self.notify(str(error), title="Ikke gemt", severity="error")
        self.reload()

    @staticmethod
    def _store_write(
        wanted: Callable[[], DefectInput] | None, seen: DefectRow | None, store: Store
    ) -> DefectRow | tuple[DefectRow]:
        """In the write worker: the defect as saved, or (the colleague's version,) when a
        colleague saved it first."""
        from kigo_tui.storage.store import ConflictError

        ops = _ops()
        try:
            if seen is None:
                assert wanted is not None
                row: DefectRow = ops.add_defect(store, wanted())
            elif wanted is None:
                row = ops.delete_defect(store, seen.id, seen.version)
            else:
                row = ops.save_defect(store, seen.id, wanted(), seen.version)
        except ConflictError:
            assert seen is not None
            return (ops.get_defect(store, seen.id),)  # a KigoError: deleted meanwhile
        return row

    def _ask_conflict(
        self,
        wanted: Callable[[], DefectInput] | None,
        seen: DefectRow,
        current: DefectRow,
        done: str,
    ) -> None:
        """A colleague saved the defect first: per field what the user saw, what the colleague
        saved and what the user wants; saving anyway puts only the user's changes on top."""
        from kigo_tui.domain.conflict import Conflict, changes, not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen

        ops = _ops()
        mine = {"fejlen": "slettet"} if wanted is None else ops.defect_fields(wanted())
        seen_fields = {**ops.defect_fields(ops.to_input(seen)), "fejlen": "findes"}
        theirs = {**ops.defect_fields(ops.to_input(current)), "fejlen": "findes"}
        conflict = Conflict(
            f"fejl {seen.id}", seen.version, current.version, changes(seen_fields, theirs, mine)
        )

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                again = None if wanted is None else _on_top(wanted, seen, current)
                self._write(again, current, done)
                return
            self.notify(
                not_saved_message(choice, f"fejl {seen.id}"),
                title="Ændret af en anden",
                severity="warning",
            )
            self.reload()

        self.app.push_screen(ConflictScreen(conflict), chosen)


def _on_top(
    wanted: Callable[[], DefectInput], seen: DefectRow, current: DefectRow
) -> Callable[[], DefectInput]:
    """The user's changes of `seen` applied to the colleague's `current` instead."""
    return lambda: _ops().on_top(current, seen, wanted())


def _ops() -> ModuleType:
    """The defect storage, imported in the worker (it loads SQLAlchemy)."""
    from kigo_tui.storage import defects as defect_store

    return defect_store
