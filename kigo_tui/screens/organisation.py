"""The organisation view: KOMBIT's recommended organisation as readiness checks, the people and
their roles, managed here as from `kigo people` and `kigo role`; and the organisation's lines in
the main screen's detail pane (roles, contact, dialogue with KOMBIT).

Reached with `o`. Reads and writes run in the screen base's thread workers; an edit or removal of
a person a colleague changed meanwhile is refused by the store (versioned), and the user sees
what changed. Changes from other processes show within a poll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from kigo_tui.actions import ORGANISATION_ACTIONS, help_keys, screen_bindings
from kigo_tui.domain.organisation import ESCALATIONS, PERSON_LABELS, PersonRow
from kigo_tui.errors import KigoError
from kigo_tui.screens.base import BaseScreen
from kigo_tui.screens.refresh import DatabaseChanged
from kigo_tui.widgets.traffic import colour_badge

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation, RoleRow
    from kigo_tui.screens.dialogs.organisation import RoleChoice
    from kigo_tui.storage.store import Store

COLUMNS = ("Nr", "Navn", "Enhed", "Roller")


class OrganisationScreen(BaseScreen[None]):
    """KOMBIT's recommended organisation as checks, and the people with their roles."""

    BINDINGS = screen_bindings(ORGANISATION_ACTIONS)
    DEFAULT_CSS = """
    OrganisationScreen #org-checks { height: auto; max-height: 50%; background: $panel; }
    OrganisationScreen #org-checks-text { padding: 0 1; }
    OrganisationScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.org: Organisation | None = None
        self._revision = -1

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="org-checks"):  # Tab reaches it, to scroll at 80×24
            yield Static("Organisation og parathed · indlæser …", id="org-checks-text")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.reload()
        self.kigo_app.live_refresh.subscribe(self)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self.read("org-load", _read, lambda found: self._loaded(*found))

    @on(DatabaseChanged)
    def _changed_elsewhere(self, event: DatabaseChanged) -> None:
        if event.revision is None or event.revision != self._revision:
            self.reload()

    def _loaded(self, org: Organisation, revision: int) -> None:
        self.org, self._revision = org, revision
        self.query_one("#org-checks-text", Static).update(checks_text(org))
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for person in org.people.values():
            roles = ", ".join(r.label for r in org.roles_of(person.id)) or "—"
            table.add_row(
                str(person.id),
                Text(person.name),
                Text(person.unit),
                Text(roles),
                key=str(person.id),
            )
        if org.people:
            table.move_cursor(row=min(keep, len(org.people) - 1))

    def _selected(self) -> PersonRow | None:
        table = self.query_one(DataTable)
        if self.org is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.org.people.get(int(key)) if key is not None else None

    def _chosen_person(self) -> PersonRow | None:
        person = self._selected()
        if person is None:
            self.notify("Ingen person valgt: a tilføjer en", severity="warning")
        return person

    # ------------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        from kigo_tui.screens.dialogs.organisation import OrganisationHelpScreen

        bindings = [
            (self.app.get_key_display(active.binding), active.binding)
            for active in self.active_bindings.values()
        ]
        keys = help_keys(bindings)[3:-2]  # without the main screen's tree and palette lines
        self.app.push_screen(OrganisationHelpScreen(keys))

    def action_add_person(self) -> None:
        from kigo_tui.screens.dialogs.organisation import PersonFormScreen

        def added(values: dict[str, str] | None) -> None:
            if values is not None:
                self._write(lambda store: _ops().add_person(store, **values), "Tilføjet")

        self.app.push_screen(PersonFormScreen(None), added)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_edit_person()

    def action_edit_person(self) -> None:
        person = self._chosen_person()
        if person is None:
            return
        from kigo_tui.screens.dialogs.organisation import PersonFormScreen

        def edited(values: dict[str, str] | None) -> None:
            if values is not None:
                self._save_person(person, values)

        self.app.push_screen(PersonFormScreen(person), edited)

    def action_remove_person(self) -> None:
        person = self._chosen_person()
        if person is None or self.org is None:
            return
        from kigo_tui.screens.dialogs import ConfirmScreen

        tasks = len(self.org.tasks_of(person.id))
        roles = len(self.org.roles_of(person.id))
        consequence = (
            f" {_count(roles, 'rolle', 'roller')} fjernes, og "
            f"{_count(tasks, 'opgave', 'opgaver')} mister ansvarlig/udfører; historikken beholder "
            "navnet."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda store: _removed(store, person),
                    "Fjernet",
                    conflict=lambda current: self._removal_refused(person, current),
                )

        self.app.push_screen(ConfirmScreen(f"Fjern {person.name}?{consequence}"), confirmed)

    def action_assign_role(self) -> None:
        person = self._chosen_person()
        if person is None or self.org is None:
            return
        from kigo_tui.screens.dialogs.organisation import RoleFormScreen

        def chosen(choice: RoleChoice | None) -> None:
            if choice is not None:
                self._write(lambda store: _assigned(store, person, choice), "Rolle givet")

        self.app.push_screen(RoleFormScreen(person, self.org), chosen)

    def action_unassign_role(self) -> None:
        person = self._chosen_person()
        if person is None or self.org is None:
            return
        roles = self.org.roles_of(person.id)
        if not roles:
            self.notify(f"{person.name} har ingen roller", severity="warning", markup=False)
            return
        from kigo_tui.screens.dialogs.organisation import RemoveRoleScreen

        def chosen(role: RoleRow | None) -> None:
            if role is not None:
                self._write(lambda store: _unassigned(store, person, role), "Rolle fjernet")

        self.app.push_screen(RemoveRoleScreen(person, roles), chosen)

    def action_pick_me(self) -> None:
        person = self._chosen_person()
        if person is not None:
            remember_me(self, person)

    # ------------------------------------------------------------------ writes

    def _write(
        self,
        change: Callable[[Store], object],
        done: str,
        conflict: Callable[[PersonRow], object] | None = None,
    ) -> None:
        """Run `change` in the screen base's write worker; the view follows after the commit. A
        change the store refused because a colleague changed the person first comes back as
        (the person now,) and goes to `conflict`."""

        def saved(outcome: Any) -> None:
            if isinstance(outcome, tuple) and conflict is not None:
                conflict(outcome[0])
                return
            self.notify(f"{done}: {outcome}", markup=False)
            self.reload()

        self.write("org-write", change, saved, on_error=self._not_saved)

    def _not_saved(self, error: KigoError) -> None:
        self.notify(str(error), title="Ikke gemt", severity="error", markup=False)
        self.reload()

    def _save_person(self, seen: PersonRow, values: dict[str, str]) -> None:
        self._write(
            lambda store: _edited(store, seen, values),
            "Gemt",
            conflict=lambda current: self._ask_conflict(seen, current, values),
        )

    def _ask_conflict(self, seen: PersonRow, current: PersonRow, values: dict[str, str]) -> None:
        """A colleague saved the person first: per field what the user saw, what the colleague
        saved and what the user wants; saving anyway puts only the user's changes on top."""
        from kigo_tui.domain.conflict import Conflict, changes, merged, not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen

        def labelled(fields: dict[str, str]) -> dict[str, object]:
            return {PERSON_LABELS[k]: v for k, v in fields.items()}

        conflict = Conflict(
            f"person {seen.id}",
            seen.version,
            current.version,
            changes(labelled(_fields(seen)), labelled(_fields(current)), labelled(values)),
        )

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                on_top = merged(_fields(seen), _fields(current), values)
                self._save_person(current, {k: str(v) for k, v in on_top.items()})
                return
            self.notify(
                not_saved_message(choice, f"person {seen.id}"),
                title="Ændret af en anden",
                severity="warning",
            )
            self.reload()

        self.app.push_screen(ConflictScreen(conflict), chosen)

    def _removal_refused(self, seen: PersonRow, current: PersonRow) -> None:
        self.notify(
            f"{current.name} er ændret af en anden, siden du så personen; intet er fjernet. Se "
            "ændringen, og fjern igen, hvis det stadig skal ske.",
            title="Ændret af en anden",
            severity="warning",
            markup=False,
        )
        self.reload()


# ---------------------------------------------------------------------------------------------
# In the write worker


def _ops() -> Any:
    """The organisation's storage, imported in the worker (it loads SQLAlchemy)."""
    from kigo_tui.storage import organisation

    return organisation


def _read(store: Store) -> tuple[Organisation, int]:
    revision = store.revision()
    return _ops().read_organisation(store), revision


def _fields(person: PersonRow) -> dict[str, str]:
    return {k: getattr(person, k) for k in PERSON_LABELS}


def _edited(store: Store, seen: PersonRow, values: dict[str, str]) -> str | tuple[PersonRow]:
    from kigo_tui.storage.store import ConflictError

    try:
        saved = _ops().edit_person(store, seen.id, **values, expected_version=seen.version)
    except ConflictError:
        return (_ops().find_person(store, seen.id),)  # a KigoError: removed meanwhile
    return str(saved.name)


def _removed(store: Store, seen: PersonRow) -> str | tuple[PersonRow]:
    from kigo_tui.storage.store import ConflictError

    try:
        person, _ = _ops().remove_person(store, seen.id, seen.version)
    except ConflictError:
        return (_ops().find_person(store, seen.id),)
    return str(person.name)


def _assigned(store: Store, person: PersonRow, choice: RoleChoice) -> str:
    row = _ops().assign_role(
        store,
        person.id,
        choice.role,
        choice.project,
        from_direktion=choice.from_direktion,
        decision_power=choice.decision_power,
    )
    return f"{person.name} er {row.label}"


def _unassigned(store: Store, person: PersonRow, role: RoleRow) -> str:
    _ops().unassign_role(store, person.id, role.role, role.project)
    return f"{person.name} er ikke længere {role.label}"


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


# ---------------------------------------------------------------------------------------------
# "Who am I" (mine opgaver), from here and from the main screen


def me_reference(person: PersonRow) -> str:
    """What config.toml remembers: the e-mail (unique), else the id."""
    return person.email or str(person.id)


def remember_me(
    screen: BaseScreen[Any], person: PersonRow, then: Callable[[], object] = lambda: None
) -> None:
    """Save `person` as 'me' in config.toml (in a worker) and use it at once; `then` afterwards."""
    import os

    from kigo_tui.config import save_me

    ref = me_reference(person)

    def saved(path: object) -> None:
        screen.kigo_app.settings.me = ref
        note = (
            " Bemærk: miljøvariablen KIGO_ME bestemmer ved næste start."
            if os.environ.get("KIGO_ME")
            else ""
        )
        screen.notify(
            f"Du er nu {person.name} i 'mine opgaver'. Valget er gemt i {path}.{note}",
            title="Det er dig",
            markup=False,
        )
        then()

    def refused(error: KigoError) -> None:
        screen.notify(str(error), title="Ikke gemt", severity="error", markup=False)

    screen.write("org-me", lambda _store: save_me(ref), saved, on_error=refused)


# ---------------------------------------------------------------------------------------------
# Text for this view and for the main screen's detail pane


def checks_text(org: Organisation) -> Text:
    body = Text()
    body.append("KOMBITs anbefalede organisering", style="bold")
    body.append(" · krav er røde og anbefalinger gule, når de mangler · ? viser kilderne\n")
    for check in org.readiness():
        body.append_text(colour_badge(check.colour))
        body.append(f" {check.title} ({check.weight.label}): {check.detail}\n")
    if not org.people:
        body.append("\nIngen personer endnu: a tilføjer en, r giver den valgte en rolle.")
    return body


def project_extra(org: Organisation, code: str) -> Text:
    """Missing roles, KOMBIT's contact and the dialogue log for a project."""
    text = Text()
    for warning in org.project_warnings().get(code, []):
        text.append(f"⚠ {warning}\n", style="bold")
    contact = org.contact_for(code)
    text.append("KOMBIT kontakter: ")
    text.append(f"{contact[1].name} ({contact[0]})\n" if contact else "ingen udpeget\n")
    dialogues = org.dialogues_for(project=code)
    if dialogues:
        text.append(f"\nDialog med KOMBIT ({len(dialogues)})\n", style="bold")
        for d in dialogues[:8]:
            escalated = f" · {ESCALATIONS[d.escalation]}" if d.escalated else ""
            text.append(f"{d.on:%d-%m-%Y} {d.form}: {d.topic}{escalated}\n")
            if d.escalated:
                warn = "bold" if d.lead_informed is not True else ""
                text.append(f"   {d.lead_informed_text}\n", style=warn)
            if d.actions:
                text.append(f"   aftalt: {d.actions}\n", style="italic")
            if d.results:
                text.append(f"   resultat: {d.results}\n", style="italic")
    return text


def task_extra(org: Organisation, task_id: str) -> Text:
    """Who is accountable for and does the task, and KOMBIT's dialogue about it."""
    accountable, doer = org.responsibility.get(task_id, (None, None))
    text = Text(f"Ansvarlig: {org.name(accountable) or '—'} · udfører: {org.name(doer) or '—'}\n")
    for d in org.dialogues_for(task_id=task_id):
        text.append(f"KOMBIT-dialog {d.on:%d-%m-%Y} ({d.form}): {d.topic}\n", style="italic")
        if d.results:
            text.append(f"   resultat: {d.results}\n", style="italic")
    return text


def responsible_names(org: Organisation, task_id: str) -> tuple[str | None, str | None]:
    accountable, doer = org.responsibility.get(task_id, (None, None))
    return org.name(accountable), org.name(doer)
