"""First run: choose the kommune and the go-live dates, or take the demo data.

Nothing is chosen for the user: the kommune is the one picked on the list (Enter or a click), or
the only one left by what was typed in the search field. Saving without one asks for it. The
kommune can be changed later with `kigo kommune`.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kigo_tui.domain.dates import DateError, parse_date
from kigo_tui.domain.kommuner import all_kommuner, find_kommune
from kigo_tui.domain.search import fold
from kigo_tui.domain.seed import PROJECT_CODES as PROJECTS
from kigo_tui.screens.base import BaseScreen

NO_CHOICE = "Valgt kommune: ingen endnu (søg, og tryk Enter på kommunen)"


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
    FirstRunScreen #search { margin-top: 1; }
    FirstRunScreen Grid {
        grid-size: 4; grid-columns: 6 1fr 6 1fr; grid-gutter: 1 1; height: auto;
    }
    FirstRunScreen Input { background: $boost; }
    FirstRunScreen #error { color: $error; height: auto; }
    FirstRunScreen .hint { color: $text-muted; height: auto; }
    FirstRunScreen .buttons { height: auto; align: right middle; }
    FirstRunScreen .buttons Button { margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("Velkommen til kigo – opret kommunens database", classes="title")
            yield Input(placeholder="Søg kommune (navn eller kode)", id="search", compact=True)
            yield OptionList(*self._options(""), id="kommuner")
            yield Static(NO_CHOICE, id="chosen", markup=False)
            yield Static("Idriftsættelsesdatoer (DD-MM-ÅÅÅÅ; kan udfyldes senere):")
            with Grid():
                for code in PROJECTS:
                    yield Label(code)
                    yield Input(id=f"golive-{code}", placeholder="DD-MM-ÅÅÅÅ", compact=True)
            yield Static("", id="error", markup=False)
            yield Static(
                "Demodata er opdigtede opgaver at øve sig på (for Odense, hvis ingen kommune er "
                "valgt). Kommunen kan skiftes senere med kommandoen 'kigo kommune'.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Brug demodata (ctrl+d)", id="demo")
                yield Button("Opret (ctrl+s)", id="create", variant="primary")
        yield Footer()

    _choice: str | None = None
    """The kommune the user picked on the list."""

    def _options(self, query: str) -> list[Option]:
        needle = fold(query).strip()
        return [
            Option(f"{k.code}  {k.name} ({k.region})", id=k.code)
            for k in all_kommuner()
            if not needle or needle in fold(k.name) or k.code.startswith(needle.lstrip("0"))
        ]

    @on(Input.Changed, "#search")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one("#kommuner", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        options.highlighted = None  # a highlight would look like a choice made for the user

    def on_mount(self) -> None:
        self.query_one("#kommuner", OptionList).highlighted = None
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def _to_list(self) -> None:
        if self._typed_one() is not None:
            self._choose(self._typed_one())
            return
        self.query_one("#kommuner", OptionList).focus()

    @on(OptionList.OptionSelected, "#kommuner")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, code: str | None) -> None:
        kommune = find_kommune(code) if code else None
        if kommune is None:
            return
        self._choice = kommune.code
        self.query_one("#chosen", Static).update(
            f"Valgt kommune: {kommune.code} {kommune.name} ({kommune.region})"
        )
        self.query_one("#error", Static).update("")
        self.query_one(f"#golive-{PROJECTS[0]}", Input).focus()

    def _typed_one(self) -> str | None:
        """The one kommune left by a search the user typed (None: none typed, or not one)."""
        if not self.query_one("#search", Input).value.strip():
            return None
        options = self.query_one("#kommuner", OptionList)
        return options.get_option_at_index(0).id if options.option_count == 1 else None

    def _chosen(self) -> str | None:
        """The kommune the user chose: picked on the list, or the only one their search left."""
        return self._choice or self._typed_one()

    def _error(self, message: str) -> None:
        self.query_one("#error", Static).update(f"⚠ {message}")

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        code = self._chosen()
        if code is None:
            self._error("Vælg først din kommune: søg, og tryk Enter på den rigtige")
            options = self.query_one("#kommuner", OptionList)
            (options if options.option_count else self.query_one("#search", Input)).focus()
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
