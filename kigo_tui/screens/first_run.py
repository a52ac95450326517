"""First run: choose the kommune and the go-live dates, or take the demo data."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kigo_tui.domain.dates import DateError, parse_date
from kigo_tui.domain.kommuner import all_kommuner
from kigo_tui.domain.seed import PROJECT_CODES as PROJECTS
from kigo_tui.screens.base import BaseScreen


class FirstRunScreen(BaseScreen[tuple[str, str, dict[str, date]] | None]):
    """Dismisses with ("init", code, golives) or ("demo", code, {})."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Opret"),
        # priority: the focused Input would otherwise take ctrl+d as "delete right"
        Binding("ctrl+d", "demo", "Demodata", priority=True),
    ]
    DEFAULT_CSS = """
    FirstRunScreen { align: center top; }
    FirstRunScreen #box { width: 78; max-width: 100%; height: auto; padding: 0 1; }
    FirstRunScreen .title { text-style: bold; }
    FirstRunScreen OptionList { height: 8; }
    FirstRunScreen Grid { grid-size: 4; grid-columns: 6 1fr 6 1fr; height: auto; }
    FirstRunScreen Grid Label { padding-top: 1; }
    FirstRunScreen #error { color: $error; height: auto; }
    FirstRunScreen .buttons { height: auto; align: right middle; }
    FirstRunScreen .buttons Button { margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("Velkommen til kigo – opret kommunens database", classes="title")
            yield Input(placeholder="Søg kommune (navn eller kode)", id="search")
            yield OptionList(*self._options(""), id="kommuner")
            yield Static("Idriftsættelsesdatoer (DD-MM-ÅÅÅÅ; kan udfyldes senere):")
            with Grid():
                for code in PROJECTS:
                    yield Label(code)
                    yield Input(id=f"golive-{code}", placeholder="DD-MM-ÅÅÅÅ")
            yield Static("", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Brug demodata (ctrl+d)", id="demo")
                yield Button("Opret (ctrl+s)", id="create", variant="primary")
        yield Footer()

    def _options(self, query: str) -> list[Option]:
        needle = query.strip().casefold()
        return [
            Option(f"{k.code}  {k.name} ({k.region})", id=k.code)
            for k in all_kommuner()
            if not needle or needle in k.name.casefold() or k.code.startswith(needle)
        ]

    @on(Input.Changed, "#search")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one("#kommuner", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#search")
    def _to_list(self) -> None:
        self.query_one("#kommuner", OptionList).focus()

    def _chosen(self) -> str | None:
        options = self.query_one("#kommuner", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _error(self, message: str) -> None:
        self.query_one("#error", Static).update(f"⚠ {message}")

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        code = self._chosen()
        if code is None:
            self._error("vælg en kommune på listen")
            return
        golives: dict[str, date] = {}
        for project in PROJECTS:
            value = self.query_one(f"#golive-{project}", Input).value.strip()
            if value:
                try:
                    golives[project] = parse_date(value, f"idriftsættelsesdato for {project}")
                except DateError as exc:
                    self._error(str(exc))
                    return
        self.dismiss(("init", code, golives))

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        self.dismiss(("demo", self._chosen() or "461", {}))
