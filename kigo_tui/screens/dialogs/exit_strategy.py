"""The KMD Sag exit workspace's dialogs: a sagsområde's form, the R2 pattern wizard, the filter
and the summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kigo_tui.domain.exit_strategy import (
    COMPLEXITY_LABELS,
    PATTERN_LABELS,
    QUESTIONS,
    SCENARIO_LABELS,
    AreaAnalysis,
    CaseArea,
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


TEXT_FIELDS = (
    ("field_area", "Fagområde"),
    ("case_area", "Sagsområde"),
    ("kle", "KLE-nr. (NN.NN[.NN])"),
    ("cases_in", "Sager ligger i"),
    ("notes_in", "Journalnotater ligger i"),
    ("alerts_in", "Adviser ligger i"),
    ("documents_in", "Dokumenter ligger i"),
    ("overview_in", "Overblik i"),
    ("future_system", "Foretrukket fremtidigt system"),
    ("comment", "Bemærkning"),
)
NUMBER_FIELDS = (
    ("caseworkers", "Antal sagsbehandlere"),
    ("case_count", "Antal sager"),
    ("note_count", "Antal journalnotater"),
)
BOOL_FIELDS = (
    ("uses_kmd_sag", "Anvender KMD Sag"),
    ("business_critical", "Forretningskritisk"),
    ("cleanup_needed", "Oprydning nødvendig"),
    ("archivable", "Kan arkiveres"),
    ("monopoly_break", "Del af monopolbruddet"),
)


class AreaFormScreen(_Modal):
    """Add or edit a sagsområde; validated before it closes."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]
    AUTO_FOCUS = "Input"  # the first field, not the scrolling frame around the form

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
            with Grid():
                for name, label in TEXT_FIELDS[:3]:
                    yield Label(label)
                    yield Input(getattr(area, name) if area else "", id=name, compact=True)
                for name, label in NUMBER_FIELDS:
                    yield Label(label)
                    yield Input(str(getattr(area, name)) if area else "0", id=name, compact=True)
                for name, label in BOOL_FIELDS:
                    yield Label(label)
                    default = name == "uses_kmd_sag"
                    yield Select(
                        YES_NO,
                        value=getattr(area, name) if area else default,
                        allow_blank=False,
                        id=name,
                        compact=True,
                    )
                yield Label("Brugsmønster")
                yield Select(
                    [(f"{k}: {v[:40]}", k) for k, v in PATTERN_LABELS.items()],
                    value=area.pattern if area and area.pattern else Select.NULL,
                    prompt="ikke vurderet (brug guiden: w)",
                    id="pattern",
                    compact=True,
                )
                yield Label("Kompleksitet af oprydning")
                yield Select(
                    [(v, k) for k, v in COMPLEXITY_LABELS.items()],
                    value=area.cleanup_complexity
                    if area and area.cleanup_complexity
                    else Select.NULL,
                    prompt="ikke vurderet",
                    id="cleanup_complexity",
                    compact=True,
                )
                yield Label("Løsningsscenarie")
                yield Select(
                    [(f"{k}: {v}", k) for k, v in SCENARIO_LABELS.items()],
                    value=area.scenario if area and area.scenario else Select.NULL,
                    prompt="intet endnu",
                    id="scenario",
                    compact=True,
                )
                for name, label in TEXT_FIELDS[3:]:
                    yield Label(label)
                    yield Input(getattr(area, name) if area else "", id=name, compact=True)
            yield from self.form_footer()

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
        for name in [n for n, _ in BOOL_FIELDS] + ["pattern", "cleanup_complexity", "scenario"]:
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
