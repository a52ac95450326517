"""The organisation's forms: a person, a role to give or take back, "who am I", and the help of
the organisation view with the source of every check (seed 001)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kigo_tui.domain.organisation import (
    ROLES,
    STEERING_ROLES,
    holder_problem,
    person_problem,
    readiness_help,
)
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import TextError, clean_text
from kigo_tui.screens.dialogs.base import Dialog
from kigo_tui.screens.dialogs.help import HelpScreen, keys_text

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation, PersonRow, RoleRow

PERSON_FIELDS = (
    ("name", "Navn", "fornavn og efternavn"),
    ("title", "Titel", "fx ydelseschef"),
    ("unit", "Enhed", "den del af forretningen, fx Borgerservice"),
    ("email", "E-mail", ""),
    ("phone", "Telefon", ""),
)
"""(field, label, placeholder) in the order the person form shows them."""


class PersonFormScreen(Dialog):
    """Add or edit a person; checked (Danish message naming the field) before it closes with the
    fields as a dict."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]

    def __init__(self, person: PersonRow | None) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        person = self.person
        with VerticalScroll(classes="dialog"):
            title = "Ny person" if person is None else f"Ret {person.name}"
            yield Static(title, classes="title", markup=False)
            with Grid():
                for field_name, label, placeholder in PERSON_FIELDS:
                    yield Label(label)
                    yield Input(
                        getattr(person, field_name) if person else "",
                        id=field_name,
                        placeholder=placeholder,
                        compact=True,
                    )
            yield Static(
                "Enheden viser, hvilken del af forretningen personen repræsenterer i styregruppen.",
                classes="hint",
            )
            yield from self.form_footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        try:
            values = {
                field_name: clean_text(
                    self.query_one(f"#{field_name}", Input).value, label.lower()
                ).strip()
                for field_name, label, _ in PERSON_FIELDS
            }
        except TextError as exc:
            self.show_error(exc)
            return
        problem = person_problem(values["name"], values["email"])
        if problem is not None:
            self.show_error(problem[0].upper() + problem[1:])
            return
        self.dismiss(values)


@dataclass(frozen=True)
class RoleChoice:
    """A role to give: which, for which project (None: the whole kommune), and the steering
    group's marks."""

    role: str
    project: str | None
    from_direktion: bool
    decision_power: bool


WHOLE_KOMMUNE = "hele"
"""The project select's value for a role of the whole kommune."""


class RoleFormScreen(Dialog):
    """Give `person` a role; checked against the roles held already before it closes."""

    BINDINGS = [Binding("ctrl+s", "save", "Gem")]

    def __init__(self, person: PersonRow, org: Organisation) -> None:
        super().__init__()
        self.person = person
        self.org = org

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Giv {self.person.name} en rolle", classes="title", markup=False)
            with Grid():
                yield Label("Rolle")
                yield Select(
                    [(spec.label, code) for code, spec in ROLES.items()],
                    prompt="— vælg en rolle —",
                    id="role",
                    compact=True,
                )
                yield Label("Projekt")
                yield Select(
                    [("hele kommunen", WHOLE_KOMMUNE)] + [(code, code) for code in PROJECT_CODES],
                    value=WHOLE_KOMMUNE,
                    allow_blank=False,
                    id="project",
                    compact=True,
                )
                yield Label("Styregruppe")
                yield Checkbox("fra direktionen", id="direktion", compact=True)
                yield Label("")
                yield Checkbox("har beslutningskraft", id="decision", compact=True)
            yield from self.form_footer()

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        role = self.query_one("#role", Select).value
        if not isinstance(role, str):
            self.show_error("Vælg en rolle")
            return
        spec = ROLES[role]
        chosen = self.query_one("#project", Select).value
        project = None if chosen == WHOLE_KOMMUNE else str(chosen)
        from_direktion = self.query_one("#direktion", Checkbox).value
        decision_power = self.query_one("#decision", Checkbox).value
        if spec.per_project and project is None:
            self.show_error(f"Vælg et projekt: rollen {spec.label} gælder ét projekt")
            return
        if not spec.per_project and project is not None:
            self.show_error(f"Vælg hele kommunen: rollen {spec.label} gælder ikke et projekt")
            return
        if (from_direktion or decision_power) and role not in STEERING_ROLES:
            self.show_error(
                "Kun styregruppens formand og medlemmer kan være fra direktionen eller have "
                "beslutningskraft"
            )
            return
        problem = holder_problem(self.org, self.person, role, project)
        if problem is not None:
            self.show_error(problem[0].upper() + problem[1:])
            return
        self.dismiss(RoleChoice(role, project, from_direktion, decision_power))


class RemoveRoleScreen(Dialog):
    """Take one of `person`'s roles back; closes with the role's row."""

    BINDINGS = [Binding("ctrl+s", "save", "Fjern")]

    def __init__(self, person: PersonRow, roles: list[RoleRow]) -> None:
        super().__init__()
        self.person = person
        self.roles = roles

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Fjern en rolle fra {self.person.name}", classes="title", markup=False)
            with Grid():
                yield Label("Rolle")
                yield Select(
                    [(Text(r.label), r.id) for r in self.roles],
                    value=self.roles[0].id,
                    allow_blank=False,
                    id="role",
                    compact=True,
                )
            yield from self.form_footer("Fjern (ctrl+s)")

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        chosen = self.query_one("#role", Select).value
        self.dismiss(next(r for r in self.roles if r.id == chosen))


class PickMeScreen(Dialog):
    """ "Hvem er du?": the person "mine opgaver" is about; closes with the person."""

    BINDINGS = [Binding("ctrl+s", "save", "Vælg")]

    def __init__(
        self, people: list[PersonRow], current: int | None = None, reason: str = ""
    ) -> None:
        super().__init__()
        self.people = people
        self.current = current
        self.reason = reason
        """Why the user is asked (no one chosen yet, or an unknown one), shown first."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Hvem er du?", classes="title")
            yield Static(
                (self.reason + " " if self.reason else "")
                + "'Mine opgaver' viser de opgaver, hvor du er ansvarlig eller udfører. Valget "
                "huskes i config.toml.",
                classes="hint",
                markup=False,
            )
            with Grid():
                yield Label("Du er")
                yield Select(
                    [(Text(_who(p)), p.id) for p in self.people],
                    value=self.current if self.current is not None else Select.NULL,
                    prompt="— vælg dig selv —",
                    id="me",
                    compact=True,
                )
            yield from self.form_footer("Vælg (ctrl+s)")

    def on_mount(self) -> None:
        self.query_one("#me", Select).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        chosen = self.query_one("#me", Select).value
        person = next((p for p in self.people if p.id == chosen), None)
        if person is None:
            self.show_error("Vælg en person")
            return
        self.dismiss(person)


def _who(person: PersonRow) -> str:
    extra = " · ".join(x for x in (person.title, person.unit, person.email) if x)
    return f"{person.name} ({extra})" if extra else person.name


class OrganisationHelpScreen(HelpScreen):
    """The organisation view's keys, and each check with its weight and the sentence of KOMBIT's
    note it comes from."""

    def title_text(self) -> str:
        return "Hjælp – organisationen"

    def body(self) -> Text:
        return organisation_help_text(self.keys)


def organisation_help_text(keys: list[tuple[str, str]]) -> Text:
    text = keys_text(keys)
    text.append(
        "\nTjekkene følger KOMBITs notat om kommunernes organisering. Det, kommunen skal, er "
        "rødt, når det mangler; det, KOMBIT anbefaler, er gult.\n",
    )
    for title, weight, citation in readiness_help():
        text.append(f"\n{title}", style="bold")
        text.append(f" ({weight})\n")
        text.append(f"{citation}\n", style="italic")
    return text
