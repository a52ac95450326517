"""Register or edit a defect of the defect log (fejllog)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from kigo_tui.domain.dates import DateError
from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS, DefectStatus, Severity
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.times import iso_local, parse_moment
from kigo_tui.screens.dialogs.base import Dialog

if TYPE_CHECKING:
    from kigo_tui.domain.defects import DefectRow


class DefectFormScreen(Dialog):
    """Register or edit a defect; validated (Danish message naming the field) before it closes."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]
    DEFAULT_CSS = """
    DefectFormScreen Grid { grid-columns: 24 1fr; }
    """

    def __init__(self, defect: DefectRow | None, project: str | None) -> None:
        super().__init__()
        self.defect = defect
        self.project = project
        """The project to suggest; None (a new defect from "alle projekter"): the user chooses."""

    def compose(self) -> ComposeResult:
        d = self.defect
        with VerticalScroll(classes="dialog"):
            yield Static(
                "Ny fejl til leverandøren" if d is None else f"Ret fejl {d.id}", classes="title"
            )
            with Grid():
                yield Label("Titel")
                yield Input(
                    d.title if d else "", id="title", placeholder="hvad fejler", compact=True
                )
                yield Label("Projekt")
                project = d.project if d else self.project
                yield Select(
                    [(code, code) for code in PROJECT_CODES],
                    prompt="vælg projekt",
                    value=Select.NULL if project is None else project,
                    allow_blank=project is None,
                    id="project",
                    compact=True,
                )
                yield Label("Alvorlighed")
                yield Select(
                    [(SEVERITY_LABELS[s], s) for s in Severity],
                    value=d.severity if d else Severity.MAJOR,
                    allow_blank=False,
                    id="severity",
                    compact=True,
                )
                yield Label("Status")
                yield Select(
                    [(STATUS_LABELS[s], s) for s in DefectStatus],
                    value=d.status if d else DefectStatus.REPORTED,
                    allow_blank=False,
                    id="status",
                    compact=True,
                )
                yield Label("Indberettet")
                yield Input(iso_local(d.reported_at) if d else "nu", id="reported", compact=True)
                yield Label("Svar fra leverandør")
                yield Input(
                    iso_local(d.responded_at) if d else "",
                    id="responded",
                    placeholder="tom: ved status under behandling = nu",
                    compact=True,
                )
                yield Label("Rettet")
                yield Input(
                    iso_local(d.fixed_at) if d else "",
                    id="fixed",
                    placeholder="tom: ved status rettet = nu",
                    compact=True,
                )
                yield Label("Leverandørens ref.")
                yield Input(d.supplier_ref if d else "", id="ref", compact=True)
                yield Label("Note (kun lokalt)")
                yield Input(d.note if d else "", id="note", compact=True)
            yield Static("Tidspunkter: ÅÅÅÅ-MM-DD TT:MM i dansk tid eller 'nu'.", classes="hint")
            yield from self.form_footer()

    def _moment(self, ident: str, what: str) -> datetime | None:
        value = self.query_one(f"#{ident}", Input).value
        return parse_moment(value, what) if value.strip() else None

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        from kigo_tui.domain.defects import DefectError, DefectInput, check
        from kigo_tui.domain.text import TextError
        from kigo_tui.domain.times import now_utc

        try:
            reported = self._moment("reported", "indberetningstidspunkt")
            if reported is None:
                raise DateError("felt 'indberettet': skriv hvornår fejlen blev indberettet")
            project = self.query_one("#project", Select)
            if project.is_blank():
                raise DefectError("felt 'projekt': vælg det projekt, fejlen hører til")
            status = DefectStatus(str(self.query_one("#status", Select).value))
            defect = DefectInput(
                project=str(project.value),
                title=self.query_one("#title", Input).value,
                severity=Severity(str(self.query_one("#severity", Select).value)),
                reported_at=reported,
                status=status,
                responded_at=self._moment("responded", "svartidspunkt"),
                fixed_at=self._moment("fixed", "rettetidspunkt"),
                supplier_ref=self.query_one("#ref", Input).value,
                note=self.query_one("#note", Input).value,
            )
            old = self.defect
            if (
                old is not None
                and old.status == DefectStatus.FIXED
                and status != DefectStatus.FIXED
                and defect.fixed_at == old.fixed_at
            ):
                defect = replace(defect, fixed_at=None)  # reopened; the history keeps the old fix
            checked = check(defect, now_utc())
        except (DateError, DefectError, TextError) as exc:
            self.show_error(exc)
            return
        self.dismiss(checked)
