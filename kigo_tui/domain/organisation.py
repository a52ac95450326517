"""The kommune's implementation organisation as rules: roles, people, readiness, "my tasks".

The roles and the readiness checks follow KOMBIT's recommended organisation (seed 001): a
programme leader across the projects, one steering group with the direktion in it, a project
leader for KSD, KY and SAPA, and someone responsible for STS and Serviceplatformen. Plain data
and pure functions: reading and writing it is `kigo_tui.storage.organisation`. Also the labels
the TUI needs before SQLAlchemy is loaded. No Textual, no SQL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from kigo_tui.domain.rules import Colour, severity
from kigo_tui.domain.seed import PROJECT_CODES, PROJECT_LIST
from kigo_tui.domain.text import same_text

FORMS = {"mail": "mail", "telefon": "telefon", "møde": "møde"}
"""How KOMBIT followed up."""

ESCALATIONS = {
    "none": "ingen eskalering",
    "direktion": "eskaleret til direktionen",
    "kommunalbestyrelse": "eskaleret til kommunalbestyrelsen",
}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RoleSpec:
    label: str
    per_project: bool
    single: bool
    """Only one holder (per project, for a per-project role)."""


ROLES: dict[str, RoleSpec] = {
    "programme_lead": RoleSpec("Projektkoordinator/programleder", per_project=False, single=True),
    "steering_chair": RoleSpec("Styregruppeformand", per_project=False, single=True),
    "steering_member": RoleSpec("Styregruppemedlem", per_project=False, single=False),
    "project_lead": RoleSpec("Projektleder", per_project=True, single=True),
    "implementation_owner": RoleSpec("Implementeringsansvarlig", per_project=True, single=True),
    "sts_owner": RoleSpec("STS/Serviceplatform-ansvarlig", per_project=False, single=True),
    "system_owner": RoleSpec("Systemejer", per_project=True, single=True),
    "contract_manager": RoleSpec("Kontraktstyringsansvarlig", per_project=False, single=True),
    "it_controller": RoleSpec("It-controller", per_project=False, single=True),
    "it_buyer": RoleSpec("Strategisk it-indkøber", per_project=False, single=True),
    "benefit_responsible": RoleSpec("Gevinstansvarlig", per_project=True, single=False),
    "benefit_owner": RoleSpec("Gevinstejer", per_project=True, single=False),
    "trainer": RoleSpec("Træner", per_project=True, single=False),
    "superuser": RoleSpec("Superbruger", per_project=True, single=False),
    "kombit_contact": RoleSpec("KOMBIT-kontakt", per_project=True, single=False),
}
"""Role code → what it is. Codes are English; labels are what the user reads."""

PROJECTS_NEEDING_LEAD = ("KSD", "KY", "SAPA")


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    title: str
    unit: str
    email: str
    phone: str


@dataclass(frozen=True)
class RoleRow:
    id: int
    person_id: int
    role: str
    project: str | None
    from_direktion: bool

    @property
    def label(self) -> str:
        text = ROLES[self.role].label if self.role in ROLES else self.role
        if self.project:
            text += f" ({self.project})"
        if self.from_direktion:
            text += ", fra direktionen"
        return text


@dataclass(frozen=True)
class DialogueRow:
    id: int
    on: date
    project: str
    form: str
    topic: str
    actions: str
    escalation: str
    user: str
    task_ids: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """A readiness check from KOMBIT's recommended organisation."""

    title: str
    colour: Colour
    detail: str
    project: str | None = None


@dataclass
class Organisation:
    """Everything about the organisation, read in one go (plain data for the CLI and the TUI)."""

    people: dict[int, PersonRow] = field(default_factory=dict)
    roles: list[RoleRow] = field(default_factory=list)
    responsibility: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    dialogues: list[DialogueRow] = field(default_factory=list)

    def holders(self, role: str, project: str | None = None) -> list[PersonRow]:
        return [
            self.people[r.person_id]
            for r in self.roles
            if r.role == role and (project is None or r.project == project)
        ]

    def roles_of(self, person_id: int) -> list[RoleRow]:
        return [r for r in self.roles if r.person_id == person_id]

    def name(self, person_id: int | None) -> str | None:
        return None if person_id is None else self.people[person_id].name

    def tasks_of(self, person_id: int) -> list[str]:
        """Task ids the person is accountable for or does."""
        return sorted(
            t for t, (acc, doer) in self.responsibility.items() if person_id in (acc, doer)
        )

    def find(self, ref: str) -> PersonRow | None:
        """A person by id, e-mail or name (case-insensitive)."""
        ref = ref.strip()
        if ref.isascii() and ref.isdigit() and len(ref) < 10 and int(ref) in self.people:
            return self.people[int(ref)]
        matches = [
            p for p in self.people.values() if same_text(ref, p.email) or same_text(ref, p.name)
        ]
        return matches[0] if len(matches) == 1 else None

    def readiness(self) -> list[Check]:
        """KOMBIT's recommendations (seed 001) as checks with a colour."""
        checks: list[Check] = []

        def add(
            title: str,
            ok: bool,
            detail_ok: str,
            detail_missing: str,
            colour: Colour,
            project: str | None = None,
        ) -> None:
            checks.append(
                Check(
                    title,
                    Colour.GREEN if ok else colour,
                    detail_ok if ok else detail_missing,
                    project,
                )
            )

        lead = self.holders("programme_lead")
        add(
            "Projektkoordinator/programleder",
            bool(lead),
            ", ".join(p.name for p in lead),
            "ingen er udpeget til at koordinere på tværs af projekterne",
            Colour.RED,
        )
        chair = self.holders("steering_chair")
        add(
            "Styregruppe med formand",
            bool(chair),
            ", ".join(p.name for p in chair),
            "styregruppen har ingen formand",
            Colour.RED,
        )
        direktion = [
            r
            for r in self.roles
            if r.role in ("steering_chair", "steering_member") and r.from_direktion
        ]
        add(
            "Direktionen i styregruppen",
            bool(direktion),
            ", ".join(self.people[r.person_id].name for r in direktion),
            "intet styregruppemedlem fra direktionen",
            Colour.YELLOW,
        )
        for project in PROJECTS_NEEDING_LEAD:
            holders = self.holders("project_lead", project)
            add(
                f"Projektleder for {project}",
                bool(holders),
                ", ".join(p.name for p in holders),
                f"{project} har ingen projektleder",
                Colour.RED,
                project,
            )
        sts = self.holders("sts_owner") or self.holders("project_lead", "STS")
        add(
            "Ansvarlig for STS og Serviceplatformen",
            bool(sts),
            ", ".join(p.name for p in sts),
            "ingen er ansvarlig for STS og Serviceplatformen",
            Colour.RED,
            "STS",
        )
        return checks

    def project_warnings(self) -> dict[str, list[str]]:
        """Missing roles per project, for a warning on the project's node in the tree."""
        warnings: dict[str, list[str]] = defaultdict(list)
        for check in self.readiness():
            if check.project and check.colour != Colour.GREEN:
                warnings[check.project].append(check.detail)
        return dict(warnings)

    def contact_for(self, project: str) -> tuple[str, PersonRow] | None:
        """Whom KOMBIT would contact about a project: its lead, else the programme leader, else
        the steering group's chair."""
        order: list[tuple[str, str | None]] = [("project_lead", project)]
        if project == "STS":
            order.insert(0, ("sts_owner", None))
        order += [("programme_lead", None), ("steering_chair", None)]
        for role, proj in order:
            holders = self.holders(role, proj)
            if holders:
                label = ROLES[role].label + (f" ({proj})" if proj else "")
                return label, holders[0]
        return None

    def dialogues_for(
        self, project: str | None = None, task_id: str | None = None
    ) -> list[DialogueRow]:
        return [
            d
            for d in self.dialogues
            if (project is None or d.project == project)
            and (task_id is None or task_id in d.task_ids)
        ]


# ---------------------------------------------------------------------------------------------
# Checks of what a user asks for (the storage layer raises them as OrganisationError)


def person_problem(name: str, email: str) -> str | None:
    """Why a person with this name and e-mail cannot be saved; None when they can."""
    if not name.strip():
        return "navnet må ikke være tomt"
    if email and not EMAIL.match(email.strip()):
        return f"ugyldig e-mail: '{email}'"
    return None


def role_problem(role: str, project: str | None, from_direktion: bool) -> str | None:
    """Why `role` (for `project`, upper case, or None) cannot be given; None when it can."""
    spec = ROLES.get(role)
    if spec is None:
        return f"ukendt rolle: '{role}' (kendte roller: {', '.join(ROLES)})"
    if spec.per_project and project not in PROJECT_CODES:
        return f"rollen {spec.label} gælder et projekt: angiv --project {PROJECT_LIST}"
    if not spec.per_project and project:
        return f"rollen {spec.label} gælder hele kommunen, ikke et projekt"
    if from_direktion and role not in ("steering_member", "steering_chair"):
        return "kun styregruppens medlemmer og formand kan markeres som fra direktionen"
    return None


def holder_problem(
    org: Organisation, person: PersonRow, role: str, project: str | None
) -> str | None:
    """Why `person` cannot take `role` (known) given who holds it already; None when they can."""
    spec = ROLES[role]
    same = [r for r in org.roles if r.role == role and r.project == project]
    if any(r.person_id == person.id for r in same):
        return f"{person.name} har allerede rollen {spec.label}"
    if spec.single and same:
        holder = org.people[same[0].person_id].name
        where = f" for {project}" if project else ""
        return f"rollen {spec.label}{where} har allerede en indehaver: {holder}"
    return None


def dialogue_problem(project: str, form: str, escalation: str) -> str | None:
    """Why a dialogue with KOMBIT cannot be logged like this (`project` upper case); None when
    it can."""
    if project not in PROJECT_CODES:
        return f"ukendt projekt: '{project}' (brug {PROJECT_LIST})"
    if form not in FORMS:
        return f"ukendt form: '{form}' (brug mail, telefon eller møde)"
    if escalation not in ESCALATIONS:
        return f"ukendt eskalering: '{escalation}' (brug ingen, direktion eller kommunalbestyrelse)"
    return None


# ---------------------------------------------------------------------------------------------
# Who am I, and my tasks


ME_NOT_SET = "hvem er du? Sæt 'me' i config.toml, KIGO_ME eller brug --me"


def unknown_me(who: str) -> str:
    return f"ukendt person: '{who}' (se 'kigo people list')"


class _Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def due(self) -> date | None: ...

    def colour(self, today: date) -> Colour: ...


Dated = TypeVar("Dated", bound=_Dated)


def mine_order(tasks: Iterable[Dated], today: date) -> list[Dated]:
    """ "Mine opgaver" as the TUI and `kigo mine` show them: worst colour first, then by due date
    (none last), then by id."""
    return sorted(tasks, key=lambda t: (-severity(t.colour(today)), t.due or date.max, t.id))
