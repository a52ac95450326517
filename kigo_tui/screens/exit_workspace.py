"""The KMD Sag exit workspace (SAPA): the documentation sheet as a table, a form, the R2 wizard.

Reached with `w` from the SAPA project (or the command palette). Database work runs in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Label, Select, Static

from kigo_tui.domain.exit_strategy import (
    COMPLEXITY_LABELS,
    COMPUTED_RULES,
    EXTENT_LABELS,
    PATTERN_LABELS,
    QUESTIONS,
    SCENARIO_LABELS,
    USER_BAND_LABELS,
    AreaAnalysis,
    CaseArea,
    analyse,
    explain,
    next_question,
    pattern_for,
    summarise,
)
from kigo_tui.domain.text import MAX_INT, TextError, bounded_int
from kigo_tui.errors import KigoError
from kigo_tui.screens.base import ReportsWorkerFailures
from kigo_tui.screens.dialogs import ConfirmScreen, Dialog

if TYPE_CHECKING:
    from kigo_tui.app import KigoApp

SORTS = (
    ("prioritet", lambda a: a.priority),
    ("fagområde", lambda a: (a.area.field_area.casefold(), a.area.case_area.casefold())),
    ("brugsmønster", lambda a: (a.area.pattern or "~", a.priority)),
    ("scenarie", lambda a: (a.area.scenario or 9, a.priority)),
    ("forretningskritisk", lambda a: (not a.area.business_critical, a.priority)),
)
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


class ExitWorkspaceScreen(ReportsWorkerFailures, Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Tilbage"),
        Binding("a", "add", "Tilføj"),
        Binding("e,enter", "edit", "Ret"),
        Binding("w", "wizard", "Brugsmønster"),
        Binding("d", "delete", "Slet"),
        Binding("s", "sort", "Sortér"),
        Binding("f", "filter", "Filter"),
        Binding("z", "summary", "Opsummering"),
        Binding("question_mark", "rules", "Regler"),
    ]
    DEFAULT_CSS = """
    ExitWorkspaceScreen #exit-header { height: auto; background: $panel; padding: 0 1; }
    ExitWorkspaceScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AreaAnalysis] = []
        self.versions: dict[int, int] = {}
        """The version of each area as read with `rows` (a save is based on it)."""
        self.sort_index = 0
        self.area_filter = AreaFilter()

    @property
    def kigo(self) -> KigoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("KMD Sag-exitstrategi (SAPA) · indlæser …", id="exit-header")
        yield DataTable(id="areas", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Pri", "Fagområde", "Sagsområde", "KLE", "Mø", "Sc", "Krit", "Brugere", "Omfang", ""
        )
        table.focus()
        self.reload()

    @work(thread=True, exclusive=True, group="exit-load", exit_on_error=False)
    def reload(self) -> None:
        from kigo_tui.storage.exit_strategy import list_versioned

        try:
            areas, versions = list_versioned(self.kigo.open_store())
        except KigoError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, analyse(areas), versions)

    def _show(self, rows: list[AreaAnalysis], versions: dict[int, int] | None = None) -> None:
        self.rows = rows
        if versions is not None:
            self.versions = versions
        self._refresh_table()

    def _refresh_table(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        name, key = SORTS[self.sort_index]
        visible = sorted((r for r in self.rows if self.area_filter.keep(r)), key=key)
        for row in visible:
            area = row.area
            table.add_row(
                str(row.priority),
                Text(area.field_area),
                Text(area.case_area),
                Text(area.kle),
                area.pattern or "–",
                str(area.scenario or "–"),
                "ja" if area.business_critical else "",
                USER_BAND_LABELS[row.user_band],
                EXTENT_LABELS[row.extent] if row.extent else "–",
                "⚠ scenarie" if row.needs_scenario else "",
                key=str(area.id),
            )
        if visible:
            table.move_cursor(row=min(keep, len(visible) - 1))
        flagged = sum(1 for r in self.rows if r.needs_scenario)
        header = Text()
        header.append("KMD Sag-exitstrategi (SAPA)", style="bold")
        header.append(f" · {len(visible)} af {len(self.rows)} sagsområder · sorteret efter {name}")
        if flagged:
            header.append(f" · ⚠ {flagged} med mønster C/D mangler løsningsscenarie", style="bold")
        if self.area_filter != AreaFilter():
            header.append(" · filter aktivt", style="italic")
        self.query_one("#exit-header", Static).update(header)

    def _selected(self) -> CaseArea | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r.area for r in self.rows if str(r.area.id) == key), None)

    # ------------------------------------------------------------------ actions

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._refresh_table()

    def action_filter(self) -> None:
        field_areas = sorted({r.area.field_area for r in self.rows})

        def chosen(result: AreaFilter | None) -> None:
            if result is not None:
                self.area_filter = result
                self._refresh_table()

        self.app.push_screen(AreaFilterScreen(self.area_filter, field_areas), chosen)

    def action_add(self) -> None:
        self.app.push_screen(AreaFormScreen(None), self._save)

    def action_edit(self) -> None:
        area = self._selected()
        if area is not None:
            seen = self._seen(area)
            self.app.push_screen(AreaFormScreen(area), lambda new: self._save(new, seen))

    def _seen(self, area: CaseArea) -> tuple[CaseArea, int | None]:
        """The area as the user sees it now, and its version: what a save is based on."""
        return area, self.versions.get(area.id) if area.id is not None else None

    def action_wizard(self) -> None:
        area = self._selected()
        if area is None:
            self.notify("Tilføj eller vælg et sagsområde først", severity="warning")
            return

        seen = self._seen(area)

        def decided(pattern: str | None) -> None:
            if pattern is not None:
                self._save(area.model_copy(update={"pattern": pattern}), seen)

        self.app.push_screen(PatternWizardScreen(area.case_area), decided)

    def action_delete(self) -> None:
        area = self._selected()
        if area is None or area.id is None:
            return
        seen = self._seen(area)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save_worker(None, seen)

        self.app.push_screen(ConfirmScreen(f"Slet sagsområdet «{area.case_area}»?"), confirmed)

    def action_summary(self) -> None:
        summary = summarise([r.area for r in self.rows])
        self.app.push_screen(SummaryScreen("\n".join(summary.lines())))

    def action_rules(self) -> None:
        """The rules behind the computed fields, and the keys (the module's own documentation)."""
        keys = (
            "Taster: a tilføj · e/Enter ret · w brugsmønster (guide) · d slet · s sortér · "
            "f filter · z opsummering · Esc tilbage\n\nRegler for de beregnede felter:\n"
        )
        rules = "\n".join(f"• {rule}" for rule in COMPUTED_RULES)
        self.app.push_screen(SummaryScreen(keys + rules, title="Regler og taster"))

    def _save(self, area: CaseArea | None, seen: tuple[CaseArea, int | None] | None = None) -> None:
        if area is not None:
            self._save_worker(area, seen)

    @work(thread=True, group="exit-write", exit_on_error=False)
    def _save_worker(self, area: CaseArea | None, seen: tuple[CaseArea, int | None] | None) -> None:
        """Save `area` (None: delete the one seen), based on the version the user saw. An area a
        colleague changed since is not saved: the user is shown what changed and chooses."""
        from kigo_tui.storage.exit_strategy import delete_area, get_area, save_area
        from kigo_tui.storage.store import ConflictError

        store = self.kigo.open_store()
        version = seen[1] if seen is not None else None
        try:
            if area is None:
                assert seen is not None and seen[0].id is not None
                delete_area(store, seen[0].id, version)
                done = f"Slettet: {seen[0].case_area}"
            else:
                done = f"Gemt: {save_area(store, area, version).case_area}"
        except ConflictError:
            assert seen is not None and seen[0].id is not None
            try:
                current = get_area(store, seen[0].id)
            except KigoError as exc:  # deleted by the colleague meanwhile
                self.app.call_from_thread(
                    self.notify, str(exc), title="Ikke gemt", severity="error"
                )
                self.reload()
                return
            self.app.call_from_thread(self._ask_conflict, area, seen, current)
            return
        except KigoError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Ikke gemt", severity="error")
            return
        self.app.call_from_thread(partial(self.notify, done, markup=False))  # user text
        self.reload()

    def _ask_conflict(
        self,
        area: CaseArea | None,
        seen: tuple[CaseArea, int | None],
        current: tuple[CaseArea, int],
    ) -> None:
        """Per field what the user saw, what the colleague saved and what the user wants; saving
        anyway puts only the user's changes on top of the colleague's version."""
        from kigo_tui.domain.conflict import Conflict, changes, not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen
        from kigo_tui.storage.exit_strategy import area_fields, on_top

        what = f"sagsområdet «{seen[0].case_area}»"
        exists = {"sagsområdet": "findes"}
        mine = {"sagsområdet": "slettet"} if area is None else area_fields(area)
        conflict = Conflict(
            what,
            seen[1] or 0,
            current[1],
            changes(
                {**area_fields(seen[0]), **exists}, {**area_fields(current[0]), **exists}, mine
            ),
        )

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                again = None if area is None else on_top(current[0], seen[0], area)
                self._save_worker(again, current)  # type: ignore[arg-type]
                return
            self.notify(
                not_saved_message(choice, what),
                title="Ændret af en anden",
                severity="warning",
                markup=False,  # the area's name is user text
            )
            self.reload()

        self.app.push_screen(ConflictScreen(conflict), chosen)


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
            yield Checkbox("Kun forretningskritiske", current.critical_only, id="critical")
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
