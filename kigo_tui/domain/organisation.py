"""The kommune's implementation organisation as rules: roles, people, readiness, "my tasks".

The roles and the readiness checks follow KOMBIT's note on the kommune's organisation (seed 001),
with the note's own weight: what the kommune *skal* do is red when it is missing, what KOMBIT
*anbefaler* is yellow. Every check carries the sentence it comes from (`CHECKS`), shown in the
help. Plain data and pure functions: reading and writing it is `kigo_tui.storage.organisation`.
Also the labels the TUI needs before SQLAlchemy is loaded. No Textual, no SQL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from kigo_tui.domain.rules import COLOUR_LABELS, Colour, severity
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
    # seed 001 recommends a coordinator across the projects; a programme management is one way
    # some kommuner chose to fill it
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


PERSON_LABELS = {
    "name": "navn",
    "title": "titel",
    "unit": "enhed",
    "email": "e-mail",
    "phone": "telefon",
}
"""A person's fields by their Danish names (the CLI's refusal and the TUI's conflict dialog)."""


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    title: str
    unit: str
    email: str
    phone: str
    version: int = 1
    """Raised on every change; an edit or removal based on an older version is refused."""


@dataclass(frozen=True)
class RoleRow:
    id: int
    person_id: int
    role: str
    project: str | None
    from_direktion: bool
    decision_power: bool = False
    """A member of the steering group who can make decisions (seed 001: "beslutningskraft")."""

    @property
    def label(self) -> str:
        text = ROLES[self.role].label if self.role in ROLES else self.role
        if self.project:
            text += f" ({self.project})"
        if self.from_direktion:
            text += ", fra direktionen"
        elif self.decision_power:
            text += ", med beslutningskraft"
        return text

    @property
    def can_decide(self) -> bool:
        """Decision power: marked so, or from the direktion (which decides by its office)."""
        return self.decision_power or self.from_direktion


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
    results: str = ""
    """What the follow-up achieved (seed 000: KOMBIT documents "de resultater der opnås")."""
    lead_informed: bool | None = None
    """For an escalation: whether the kommune's programme leader was told beforehand (None: not
    recorded; seed 000 says they always are)."""

    @property
    def escalated(self) -> bool:
        return self.escalation != "none"

    @property
    def lead_informed_text(self) -> str:
        """The escalation's notice to the programme leader in words ("" for no escalation)."""
        return lead_informed_text(self.escalation, self.lead_informed)


def lead_informed_text(escalation: str, informed: bool | None) -> str:
    if escalation == "none":
        return ""
    if informed is None:
        return "ikke oplyst, om programlederen er varslet"
    return "programlederen er varslet" if informed else "programlederen er ikke varslet"


class Weight(StrEnum):
    """How seed 001 words a point: what the kommune *skal*, or what KOMBIT *anbefaler*."""

    MUST = "skal"
    RECOMMENDED = "anbefaler"

    @property
    def colour(self) -> Colour:
        """The colour of the check when it is not met: red for a duty, yellow for advice."""
        return Colour.RED if self is Weight.MUST else Colour.YELLOW

    @property
    def label(self) -> str:
        return "krav" if self is Weight.MUST else "anbefaling"


@dataclass(frozen=True)
class CheckSpec:
    """One point of seed 001 as a readiness check: its weight and the sentence it comes from."""

    title: str
    weight: Weight
    section: str
    """Where in KOMBIT's note the sentence stands."""
    source: str
    """The note's sentence, quoted."""

    def citation(self) -> str:
        return f"KOMBITs notat om organisering, {self.section}: «{self.source}»"


NOTE_1 = "afsnit 1 (koordination på tværs)"
NOTE_2 = "afsnit 2 (styregruppe)"
NOTE_3 = "afsnit 3 (projektledere)"

CHECKS: dict[str, CheckSpec] = {
    "coordinator": CheckSpec(
        "Projektkoordinator på tværs af projekterne",
        Weight.RECOMMENDED,
        NOTE_1,
        "Derfor anbefaler KOMBIT, at kommunen udpeger en medarbejder, som er ansvarlig for at se "
        "på tværs af monopolbrudsprojekterne, så der sker den fornødne koordination.",
    ),
    "steering_group": CheckSpec(
        "Tværgående styregruppe nedsat",
        Weight.MUST,
        NOTE_2,
        "Kommunen skal nedsætte en samlet, tværgående styregruppe for monopolbruddet …",
    ),
    "steering_areas": CheckSpec(
        "Styregruppen repræsenterer de berørte dele af forretningen",
        Weight.MUST,
        NOTE_2,
        "Styregruppen skal være sammensat med repræsentanter for de grene af forretningen, som "
        "berøres af monopolbrudsprojekterne.",
    ),
    "decision_power": CheckSpec(
        "Styregruppens medlemmer har beslutningskraft",
        Weight.MUST,
        NOTE_2,
        "Det er afgørende, at medlemmerne har beslutningskraft, så de kan træffe beslutninger, "
        "når der bliver behov for det.",
    ),
    "direktion": CheckSpec(
        "Direktionen i styregruppen",
        Weight.RECOMMENDED,
        NOTE_2,
        "KOMBIT anbefaler, at direktionen er repræsenteret i styregruppen.",
    ),
    "project_lead": CheckSpec(
        "Projektleder for KSD, KY og SAPA",
        Weight.MUST,
        NOTE_3,
        "Kommunen skal udpege en projektleder for hvert af monopolbrudsprojekterne KSD, KY og "
        "SAPA …",
    ),
    "sts": CheckSpec(
        "Ansvarlig for STS og Serviceplatformen",
        Weight.MUST,
        NOTE_3,
        "… ligesom der skal være en eller flere medarbejdere, som beskæftiger sig med "
        "Serviceplatformen og støttesystemerne i rammearkitekturen.",
    ),
    "director_chair": CheckSpec(
        "Styregruppen ledes af en direktør (KSD og KY)",
        Weight.RECOMMENDED,
        NOTE_3 + ", KSD og KY",
        "… og indtage rollen som implementeringsansvarlig for projekterne, mens styregruppen "
        "ledes af en direktør.",
    ),
}
"""Seed 001's points as checks, in the note's order. The weight is the note's word: "skal" (and
"det er afgørende") is a duty, "anbefaler" advice. The director-led steering group is advice for
the stage the note describes: once the ydelseschef has become implementeringsansvarlig for KSD
or KY, the steering group is led by a direktør; before that stage the check is not made."""

STEERING_ROLES = ("steering_chair", "steering_member")


@dataclass(frozen=True)
class Check:
    """A readiness check from KOMBIT's recommended organisation."""

    key: str
    """Its point in `CHECKS`."""
    title: str
    colour: Colour
    detail: str
    project: str | None = None

    @property
    def spec(self) -> CheckSpec:
        return CHECKS[self.key]

    @property
    def weight(self) -> Weight:
        return self.spec.weight


def readiness_help() -> list[tuple[str, str, str]]:
    """Each check as the help explains it: (title, weight and colour, citation)."""
    return [
        (
            spec.title,
            f"{spec.weight.label}: {COLOUR_LABELS[spec.weight.colour]}, når det mangler",
            spec.citation(),
        )
        for spec in CHECKS.values()
    ]


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

    def steering_group(self) -> list[RoleRow]:
        """The steering group's chair and members (one row per seat)."""
        return [r for r in self.roles if r.role in STEERING_ROLES]

    def _names(self, rows: Iterable[RoleRow]) -> str:
        return ", ".join(dict.fromkeys(self.people[r.person_id].name for r in rows))

    def readiness(self) -> list[Check]:
        """Seed 001's points (`CHECKS`) as checks: green when met, else the point's weight."""
        checks: list[Check] = []

        def add(
            key: str, met: bool, detail: str, project: str | None = None, title: str = ""
        ) -> None:
            spec = CHECKS[key]
            colour = Colour.GREEN if met else spec.weight.colour
            checks.append(Check(key, title or spec.title, colour, detail, project))

        lead = self.holders("programme_lead")
        add(
            "coordinator",
            bool(lead),
            ", ".join(p.name for p in lead)
            or "ingen er udpeget til at koordinere på tværs af projekterne (det kan være en af "
            "projektlederne, kontaktpersonen for drejebogen eller en programleder)",
        )

        group = self.steering_group()
        members = {r.person_id for r in group}
        chair = self.holders("steering_chair")
        if len(members) >= 2:
            formed = f"{len(members)} medlemmer" + (
                f", formand {chair[0].name}" if chair else ", ingen formand udpeget"
            )
        elif members:
            formed = "kun én person er registreret i styregruppen"
        else:
            formed = "ingen styregruppe er registreret"
        add("steering_group", len(members) >= 2, formed)

        units = {self.people[pid].unit.strip() for pid in members}
        without_unit = [r for r in group if not self.people[r.person_id].unit.strip()]
        if not members:
            areas, met = "ingen styregruppe er registreret", False
        elif without_unit:
            who = "personen" if len({r.person_id for r in without_unit}) == 1 else "hver af dem"
            areas = (
                f"enhed mangler for {self._names(without_unit)}: angiv, hvilken del af "
                f"forretningen {who} repræsenterer"
            )
            met = False
        elif len(units) < 2:
            areas = (
                f"alle medlemmer er fra {next(iter(units))}; projekterne berører flere dele af "
                "forretningen"
            )
            met = False
        else:
            areas, met = "repræsenterede enheder: " + ", ".join(sorted(units)), True
        add("steering_areas", met, areas)

        undecided = [r for r in group if not r.can_decide]
        if not group:
            decide = "ingen styregruppe er registreret"
        elif undecided:
            decide = "ikke markeret med beslutningskraft: " + self._names(undecided)
        else:
            decide = "alle medlemmer kan træffe beslutninger"
        add("decision_power", bool(group) and not undecided, decide)

        direktion = [r for r in group if r.from_direktion]
        add(
            "direktion",
            bool(direktion),
            self._names(direktion) or "intet medlem af styregruppen er fra direktionen",
        )

        for project in PROJECTS_NEEDING_LEAD:
            holders = self.holders("project_lead", project)
            add(
                "project_lead",
                bool(holders),
                ", ".join(p.name for p in holders) or f"{project} har ingen projektleder",
                project,
                f"Projektleder for {project}",
            )

        sts = self.holders("sts_owner") or self.holders("project_lead", "STS")
        add(
            "sts",
            bool(sts),
            ", ".join(p.name for p in sts) or "ingen er ansvarlig for STS og Serviceplatformen",
            "STS",
        )

        owners = [
            r for r in self.roles if r.role == "implementation_owner" and r.project in ("KSD", "KY")
        ]
        if owners:  # the stage the note describes; before it the check does not apply
            chair_rows = [r for r in group if r.role == "steering_chair"]
            led_by_director = any(r.from_direktion for r in chair_rows)
            projects = " og ".join(sorted({str(r.project) for r in owners}))
            add(
                "director_chair",
                led_by_director,
                f"formand {self._names(chair_rows)} er fra direktionen"
                if led_by_director
                else f"der er en implementeringsansvarlig for {projects}, men styregruppens "
                "formand er ikke fra direktionen",
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


def role_problem(
    role: str, project: str | None, from_direktion: bool, decision_power: bool = False
) -> str | None:
    """Why `role` (for `project`, upper case, or None) cannot be given; None when it can."""
    spec = ROLES.get(role)
    if spec is None:
        return f"ukendt rolle: '{role}' (kendte roller: {', '.join(ROLES)})"
    if spec.per_project and project not in PROJECT_CODES:
        return f"rollen {spec.label} gælder et projekt: angiv --project {PROJECT_LIST}"
    if not spec.per_project and project:
        return f"rollen {spec.label} gælder hele kommunen, ikke et projekt"
    if from_direktion and role not in STEERING_ROLES:
        return "kun styregruppens medlemmer og formand kan markeres som fra direktionen"
    if decision_power and role not in STEERING_ROLES:
        return "kun styregruppens medlemmer og formand kan markeres med beslutningskraft"
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


def dialogue_problem(
    project: str, form: str, escalation: str, lead_informed: bool | None = None
) -> str | None:
    """Why a dialogue with KOMBIT cannot be logged like this (`project` upper case); None when
    it can."""
    if project not in PROJECT_CODES:
        return f"ukendt projekt: '{project}' (brug {PROJECT_LIST})"
    if form not in FORMS:
        return f"ukendt form: '{form}' (brug mail, telefon eller møde)"
    if escalation not in ESCALATIONS:
        return f"ukendt eskalering: '{escalation}' (brug ingen, direktion eller kommunalbestyrelse)"
    if escalation == "none" and lead_informed is not None:
        return "om programlederen er varslet, registreres kun ved en eskalering"
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
