"""The KMD Sag exit workspace's dialogs: a sagsområde's form, the R2 pattern wizard, the filter,
the summary and the decision note (beslutningsnotat)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from kigo_tui.domain.exit_strategy import (
    CLEANUP_ORDER_LABELS,
    COMPLEXITY_LABELS,
    NOTE_STATUS_LABELS,
    PATTERN_LABELS,
    PATTERN_SHORT,
    QUESTIONS,
    SCENARIO_LABELS,
    SCENARIO_SHORT,
    USER_BAND_LABELS,
    AreaAnalysis,
    CaseArea,
    DecisionNote,
    explain,
    next_question,
    pattern_for,
)
from kigo_tui.domain.text import MAX_INT, TextError, bounded_int
from kigo_tui.errors import KigoError
from kigo_tui.screens.dialogs.base import Dialog
from kigo_tui.widgets.ticks import TickBox

YES_NO = [("Ja", True), ("Nej", False)]


@dataclass(frozen=True)
class AreaFilter:
    field_area: str | None = None
    pattern: str | None = None
    scenario: int | None = None
    critical_only: bool = False

    def keep(self, row: AreaAnalysis) -> bool:
        area = row.area
        return (
            (self.field_area is None or area.field_area == self.field_area)
            and (self.pattern is None or area.pattern == self.pattern)
            and (self.scenario is None or area.scenario == self.scenario)
            and (not self.critical_only or area.business_critical)
        )


class _Modal(Dialog):
    """The workspace's dialogs: the shared dialog frame with a wider label column."""

    DEFAULT_CSS = """
    _Modal Grid { grid-columns: 26 1fr; }
    """


SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Nuværende situation (As-is)",
        (
            ("field_area", "Fagområde", "text"),
            ("case_area", "Sagsområde", "text"),
            ("kle", "KLE-nr. (NN.NN[.NN])", "text"),
            ("uses_kmd_sag", "Anvender KMD Sag", "bool"),
            ("caseworkers", "Antal sagsbehandlere", "number"),
            ("pattern", "Brugsmønster", "pattern"),
            ("cases_in", "Sager ligger i", "text"),
            ("notes_in", "Journalnotater ligger i", "text"),
            ("alerts_in", "Adviser ligger i", "text"),
            ("documents_in", "Dokumenter ligger i", "text"),
            ("overview_in", "Overblik i", "text"),
            ("monopoly_break", "Del af monopolbruddet", "bool"),
            ("tsa_agreement", "Del af TSA-aftalen", "bool"),
            ("case_count", "Antal sager", "number"),
            ("note_count", "Antal journalnotater", "number"),
            ("cleanup_needed", "Oprydning nødvendig", "bool"),
            ("cleanup_requirements", "Hvad kræver oprydningen", "text"),
            ("archivable", "Kan arkiveres", "bool"),
            ("archive_requirements", "Hvad kræver arkiveringen", "text"),
        ),
    ),
    (
        "Fremtidig situation (To-be)",
        (
            ("tender_when", "Hvornår i udbud", "text"),
            ("market_options", "Løsninger på markedet", "text"),
            ("future_system", "Foretrukket system", "text"),
            ("preferred_cases_in", "Foretrukket til sager", "text"),
            ("preferred_notes_in", "Foretrukket til notater", "text"),
            ("preferred_alerts_in", "Foretrukket til adviser", "text"),
            ("preferred_documents_in", "Foretrukket til dokumenter", "text"),
            ("preferred_overview_in", "Foretrukket til overblik", "text"),
            ("business_critical", "Forretningskritisk", "bool"),
            ("cleanup_complexity", "Kompleksitet af oprydning", "complexity"),
            ("scenario", "Løsningsscenarie", "scenario"),
        ),
    ),
    (
        "Prioritering (kommunens valg går forud for kigos forslag)",
        (
            ("own_user_band", "Brugere: få, mellem, mange", "band"),
            ("own_priority", "Egen prioritet", "rank"),
            ("comment", "Bemærkning", "text"),
        ),
    ),
)
"""The form's fields in the order of the seed's question guide, with their Danish labels."""

HINTS: dict[str, str] = {
    "monopoly_break": "Er fagsystemet KMD Aktiv eller KMD Sygedagpenge (afløses af KY og KSD)?",
    "tsa_agreement": "Er fagsystemet KMD Boligstøtte, KMD Socialpension, KMD Barselsdagpenge "
    "eller KMD Børneydelse (TSA-aftalen)?",
    "cleanup_requirements": "Hvad skal der til, før sagerne kan flyttes? Fx sager uden "
    "KLE-nummer, åbne sager der skal lukkes, sager der ikke er bygget ens op med "
    "sagsbehandler-id, journalnotater der ikke hører til en sag.",
    "archive_requirements": "Kan nogle af sagerne arkiveres i stedet for at blive flyttet, og "
    "hvad skal der til?",
    "tender_when": "Hvornår skal løsningen eller løsningerne på sagsområdet i udbud?",
    "market_options": "Hvilke ESDH- og fagsystemløsninger på markedet kan understøtte sagsområdet?",
    "preferred_cases_in": "Hvilken løsning vil I helst journalisere sagerne i?",
    "preferred_notes_in": "Hvilken løsning vil I helst journalisere journalnotaterne i?",
    "preferred_alerts_in": "Hvilken løsning vil I helst have adviserne i?",
    "preferred_documents_in": "Hvilken løsning vil I helst journalisere dokumenterne i?",
    "preferred_overview_in": "Hvilken løsning vil I helst have overblikket i?",
    "own_user_band": "Tom: kigos forslag ud fra antallet af sagsbehandlere gælder.",
    "own_priority": "Tom: kigos forslag gælder (forretningskritiske først, så efter omfanget "
    "af oprydningen).",
}
"""The question each field answers, shown as the field's tooltip."""


def _of_kind(*kinds: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, label) for _, fields in SECTIONS for name, label, kind in fields if kind in kinds
    )


TEXT_FIELDS = _of_kind("text")
NUMBER_FIELDS = _of_kind("number")
BOOL_FIELDS = _of_kind("bool")
CHOICE_FIELDS = _of_kind("pattern", "complexity", "scenario", "band")
RANK_FIELDS = _of_kind("rank")


def _choices(kind: str) -> list[tuple[str, Any]]:
    if kind == "pattern":
        return [(f"{k}: {v}", k) for k, v in PATTERN_SHORT.items()]
    if kind == "complexity":
        return [(v, k) for k, v in COMPLEXITY_LABELS.items()]
    if kind == "scenario":
        return [(f"{k}: {v}", k) for k, v in SCENARIO_SHORT.items()]
    return [(v, k) for k, v in USER_BAND_LABELS.items()]


PROMPTS = {
    "pattern": "ikke vurderet (guiden: w)",
    "complexity": "ikke vurderet",
    "scenario": "intet endnu",
    "band": "kigos forslag",
}


class AreaFormScreen(_Modal):
    """Add or edit a sagsområde; validated before it closes."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]
    AUTO_FOCUS = "Input"  # the first field, not the scrolling frame around the form
    DEFAULT_CSS = """
    AreaFormScreen .section { text-style: bold; margin-top: 1; }
    AreaFormScreen Grid { margin: 0; }
    """

    def __init__(self, area: CaseArea | None) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        area = self.area
        with VerticalScroll(classes="dialog"):
            yield Static(
                "Nyt sagsområde" if area is None else f"Ret {area.case_area}",
                classes="title",
                markup=False,
            )
            for heading, fields in SECTIONS:
                yield Static(heading, classes="section")
                with Grid():
                    for name, label, kind in fields:
                        yield Label(label)
                        yield self._field(name, kind)
            yield from self.form_footer()

    def _field(self, name: str, kind: str) -> Input | Select[Any]:
        area = self.area
        hint = HINTS.get(name)
        if kind == "text":
            return Input(getattr(area, name) if area else "", id=name, compact=True, tooltip=hint)
        if kind == "number":
            return Input(str(getattr(area, name)) if area else "0", id=name, compact=True)
        if kind == "rank":
            value = area.own_priority if area else None
            return Input(
                "" if value is None else str(value),
                id=name,
                compact=True,
                placeholder="kigos forslag",
                tooltip=hint,
            )
        if kind == "bool":
            default = name == "uses_kmd_sag"
            return Select(
                YES_NO,
                value=getattr(area, name) if area else default,
                allow_blank=False,
                id=name,
                compact=True,
                tooltip=hint,
            )
        current = getattr(area, name) if area else None
        return Select(
            _choices(kind),
            value=current if current else Select.NULL,
            prompt=PROMPTS[kind],
            id=name,
            compact=True,
            tooltip=hint,
        )

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        from kigo_tui.formats.exit_strategy import validate_danish

        values: dict[str, object] = {"id": self.area.id if self.area else None}
        for name, _ in TEXT_FIELDS:
            values[name] = self.query_one(f"#{name}", Input).value
        for name, label in NUMBER_FIELDS:
            text = self.query_one(f"#{name}", Input).value.strip() or "0"
            try:
                values[name] = bounded_int(text, label, -MAX_INT, MAX_INT)
            except TextError:
                self.show_error(f"{label}: skriv et helt tal")
                return
        for name, label in RANK_FIELDS:
            rank = self.query_one(f"#{name}", Input).value.strip()
            try:
                values[name] = bounded_int(rank, label, 1, MAX_INT) if rank else None
            except TextError:
                self.show_error(f"{label}: skriv et helt tal fra 1, eller lad feltet stå tomt")
                return
        for name, _ in BOOL_FIELDS + CHOICE_FIELDS:
            value = self.query_one(f"#{name}", Select).value
            values[name] = None if value == Select.NULL else value
        try:
            area = validate_danish(values)
        except KigoError as exc:
            self.show_error(exc)
            return
        self.dismiss(area)


class PatternWizardScreen(_Modal):
    """The R2 decision tree as yes/no questions; dismisses with the pattern (or None)."""

    BINDINGS = [
        Binding("j,y", "answer(True)", "Ja"),
        Binding("n", "answer(False)", "Nej"),
        Binding("ctrl+s", "accept", "Gem"),
    ]

    def __init__(self, case_area: str) -> None:
        super().__init__()
        self.case_area = case_area
        self.answers: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Brugsmønster for {self.case_area}", classes="title", markup=False)
            yield Static(id="asked")
            yield Static(id="question")
            with Horizontal(classes="buttons"):
                yield Button("Ja (j)", id="yes")
                yield Button("Nej (n)", id="no")
                yield Button("Gem (ctrl+s)", id="accept", variant="primary", disabled=True)

    def on_mount(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        asked = Text()
        for key, answer in self.answers.items():
            asked.append(f"{QUESTIONS[key].text} {'Ja' if answer else 'Nej'}\n", style="dim")
        self.query_one("#asked", Static).update(asked)
        pattern = pattern_for(self.answers)
        question = next_question(self.answers)
        if pattern is not None:
            self.query_one("#question", Static).update(Text(explain(pattern), style="bold"))
            self.query_one("#accept", Button).disabled = False
            self.query_one("#yes", Button).disabled = True
            self.query_one("#no", Button).disabled = True
        elif question is not None:
            self.query_one("#question", Static).update(Text(question.text, style="bold"))

    def action_answer(self, answer: bool) -> None:
        question = next_question(self.answers)
        if question is None or pattern_for(self.answers) is not None:
            return
        self.answers[question.key] = answer
        self._refresh()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.action_answer(False)

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        pattern = pattern_for(self.answers)
        if pattern is not None:
            self.dismiss(pattern)


class AreaFilterScreen(_Modal):
    def __init__(self, current: AreaFilter, field_areas: list[str]) -> None:
        super().__init__()
        self.current = current
        self.field_areas = field_areas

    def compose(self) -> ComposeResult:
        current = self.current
        with Vertical(classes="dialog"):
            yield Static("Filtrér sagsområder", classes="title")
            with Grid():
                yield Label("Fagområde")
                yield Select(
                    [(Text(f), f) for f in self.field_areas],
                    value=current.field_area
                    if current.field_area in self.field_areas
                    else Select.NULL,
                    prompt="alle",
                    id="field_area",
                    compact=True,
                )
                yield Label("Brugsmønster")
                yield Select(
                    [(k, k) for k in PATTERN_LABELS],
                    value=current.pattern or Select.NULL,
                    prompt="alle",
                    id="pattern",
                    compact=True,
                )
                yield Label("Løsningsscenarie")
                yield Select(
                    [(str(k), k) for k in SCENARIO_LABELS],
                    value=current.scenario or Select.NULL,
                    prompt="alle",
                    id="scenario",
                    compact=True,
                )
            yield TickBox("Kun forretningskritiske", current.critical_only, id="critical")
            with Horizontal(classes="buttons"):
                yield Button("Nulstil", id="reset")
                yield Button("Anvend", id="apply", variant="primary")

    @on(Button.Pressed, "#reset")
    def _reset(self) -> None:
        self.dismiss(AreaFilter())

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        def value(name: str) -> Any:
            chosen = self.query_one(f"#{name}", Select).value
            return None if chosen == Select.NULL else chosen

        self.dismiss(
            AreaFilter(
                field_area=value("field_area"),
                pattern=value("pattern"),
                scenario=value("scenario"),
                critical_only=self.query_one("#critical", Checkbox).value,
            )
        )


class SummaryScreen(_Modal):
    BINDINGS = [Binding("escape,q,z", "cancel", "Luk")]

    def __init__(self, text: str, title: str = "Opsummering af exitstrategien") -> None:
        super().__init__()
        self.text = text
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static(self.text, markup=False)


class NoteFormScreen(_Modal):
    """Edit the exit decision note; dismisses with the new DecisionNote (or None). The
    recommendations kigo gathers from the sagsområder are shown below, read-only."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]
    AUTO_FOCUS = "#body"
    DEFAULT_CSS = """
    NoteFormScreen TextArea { height: 6; }
    NoteFormScreen .section { text-style: bold; margin-top: 1; }
    NoteFormScreen #appendix { color: $text-muted; }
    """

    def __init__(self, note: DecisionNote, appendix: list[str]) -> None:
        super().__init__()
        self.note = note
        self.appendix = appendix

    def compose(self) -> ComposeResult:
        from kigo_tui.domain.dates import short_date

        note = self.note
        with VerticalScroll(classes="dialog"):
            yield Static("Beslutningsnotat for KMD Sag-exit", classes="title")
            yield Static("Notat (anbefalinger og beslutning)", classes="section")
            yield TextArea(note.body, id="body", soft_wrap=True)
            yield Static("Kommunens politikker og strategier", classes="section")
            yield TextArea(note.policies, id="policies", soft_wrap=True)
            with Grid():
                yield Label("Rækkefølge for oprydning")
                yield Select(
                    [(v, k) for k, v in CLEANUP_ORDER_LABELS.items()],
                    value=note.cleanup_order,
                    allow_blank=False,
                    id="cleanup_order",
                    compact=True,
                    tooltip="Efter de forretningskritiske: tag de tunge sagsområder først, eller "
                    "de lette først for at høste erfaring.",
                )
                yield Label("Status")
                yield Select(
                    [(v, k) for k, v in NOTE_STATUS_LABELS.items()],
                    value=note.status,
                    allow_blank=False,
                    id="status",
                    compact=True,
                )
                yield Label("Besluttet den")
                yield Input(
                    "" if note.decided_on is None else short_date(note.decided_on),
                    id="decided_on",
                    placeholder="DD-MM-ÅÅÅÅ",
                    compact=True,
                )
                yield Label("Besluttet af")
                yield Input(
                    note.decided_by, id="decided_by", placeholder="fx direktionen", compact=True
                )
            yield Static("Anbefalinger fra sagsområderne (kigo skriver dem)", classes="section")
            yield Static(
                "\n".join(self.appendix) or "Ingen sagsområder endnu.", id="appendix", markup=False
            )
            yield from self.form_footer()

    def on_mount(self) -> None:
        # the focused note would scroll the title out of view: show the dialog from its top
        scroll = self.query_one(VerticalScroll)
        self.call_after_refresh(lambda: scroll.scroll_home(animate=False))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from pydantic import ValidationError

        from kigo_tui.domain.dates import DateError, parse_date

        text = self.query_one("#decided_on", Input).value.strip()
        try:
            decided_on = parse_date(text, "beslutningens dato") if text else None
        except DateError as exc:
            self.show_error(exc)
            return
        values = {
            "body": self.query_one("#body", TextArea).text,
            "policies": self.query_one("#policies", TextArea).text,
            "cleanup_order": self.query_one("#cleanup_order", Select).value,
            "status": self.query_one("#status", Select).value,
            "decided_on": decided_on,
            "decided_by": self.query_one("#decided_by", Input).value,
        }
        try:
            note = DecisionNote.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            self.show_error(error.get("ctx", {}).get("error") or "ugyldig værdi")
            return
        self.dismiss(note)
