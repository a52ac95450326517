"""The organisation view: who holds which role, and KOMBIT's recommended organisation as
readiness checks; and the organisation's lines in the detail pane (roles, contact, dialogue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from kigo_tui.domain.organisation import ESCALATIONS
from kigo_tui.screens.dialogs.base import Dialog
from kigo_tui.widgets.traffic import colour_badge

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from kigo_tui.domain.organisation import Organisation


class OrganisationScreen(Dialog):
    """Who holds which role, and KOMBIT's recommended organisation as readiness checks."""

    BINDINGS = [Binding("escape,q,o", "cancel", "Luk")]

    def __init__(self, body: Text) -> None:
        super().__init__()
        self.body = body

    @classmethod
    def of(cls, org: Organisation) -> OrganisationScreen:
        return cls(organisation_text(org))

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Organisation og parathed", classes="title")
            yield Static(self.body)
            yield Static(
                "Personer og roller vedligeholdes med 'kigo people' og 'kigo role' (se README).",
                classes="hint",
            )


def organisation_text(org: Organisation) -> Text:
    body = Text()
    body.append("KOMBITs anbefalede organisering\n", style="bold")
    for check in org.readiness():
        body.append_text(colour_badge(check.colour))
        body.append(f" {check.title}: {check.detail}\n")
    body.append("\nRoller\n", style="bold")
    if not org.roles:
        body.append("Ingen roller er tildelt endnu.\n")
    for role in org.roles:
        body.append(f"{role.label}: {org.people[role.person_id].name}\n")
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
            escalated = f" · {ESCALATIONS[d.escalation]}" if d.escalation != "none" else ""
            text.append(f"{d.on:%d-%m-%Y} {d.form}: {d.topic}{escalated}\n")
            if d.actions:
                text.append(f"   aftalt: {d.actions}\n", style="italic")
    return text


def task_extra(org: Organisation, task_id: str) -> Text:
    """Who is accountable for and does the task, and KOMBIT's dialogue about it."""
    accountable, doer = org.responsibility.get(task_id, (None, None))
    text = Text(f"Ansvarlig: {org.name(accountable) or '—'} · udfører: {org.name(doer) or '—'}\n")
    for d in org.dialogues_for(task_id=task_id):
        text.append(f"KOMBIT-dialog {d.on:%d-%m-%Y} ({d.form}): {d.topic}\n", style="italic")
    return text


def responsible_names(org: Organisation, task_id: str) -> tuple[str | None, str | None]:
    accountable, doer = org.responsibility.get(task_id, (None, None))
    return org.name(accountable), org.name(doer)
