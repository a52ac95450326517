"""The kommune's implementation organisation: people, roles, responsibility, KOMBIT's dialogue.

The roles and the readiness checks follow KOMBIT's recommended organisation (seed 001): a
programme leader across the projects, one steering group with the direktion in it, a project
leader for KSD, KY and SAPA, and someone responsible for STS and Serviceplatformen. No Textual.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from kigo_tui.domain.dates import check_date
from kigo_tui.domain.organisation import ESCALATIONS, FORMS
from kigo_tui.domain.rules import Colour
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import clean_text, same_text
from kigo_tui.storage.sql import Sql, as_date, utc_now
from kigo_tui.storage.store import Store, StoreError, insert_sql, refuse_stale

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


class OrganisationError(StoreError):
    pass


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
            title: str, ok: bool, detail_ok: str, detail_missing: str, colour: Colour, project=None
        ):
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
        order = [("project_lead", project)]
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


def read_organisation(store: Store) -> Organisation:
    with store.reading() as sql:
        return _read(sql)


def _read(sql: Sql) -> Organisation:
    org = Organisation()
    for row in sql.rows("SELECT id, name, title, unit, email, phone FROM person ORDER BY name, id"):
        org.people[row[0]] = PersonRow(*row)
    org.roles = [
        RoleRow(i, p, r, proj, bool(d))
        for i, p, r, proj, d in sql.rows(
            "SELECT id, person_id, role, project, from_direktion FROM role_assignment ORDER BY id"
        )
    ]
    org.responsibility = {
        t: (a, d)
        for t, a, d in sql.rows("SELECT task_id, accountable_id, doer_id FROM responsibility")
    }
    links: dict[int, list[str]] = defaultdict(list)
    for dialogue_id, task_id in sql.rows(
        "SELECT dialogue_id, task_id FROM dialogue_task ORDER BY task_id"
    ):
        links[dialogue_id].append(task_id)
    org.dialogues = [
        DialogueRow(i, as_date(on), proj, form, topic, actions, esc, user, tuple(links[i]))  # type: ignore[arg-type]
        for i, on, proj, form, topic, actions, esc, user in sql.rows(
            'SELECT id, "on", project, form, topic, actions, escalation, "user" FROM dialogue '
            'ORDER BY "on" DESC, id DESC'
        )
    ]
    return org


def _resolve(sql: Sql, ref: str | int) -> PersonRow:
    org = _read(sql)
    person = org.people.get(ref) if isinstance(ref, int) else org.find(ref)
    if person is None and isinstance(ref, str):
        same_name = [p for p in org.people.values() if same_text(p.name, ref)]
        if len(same_name) > 1:
            ids = ", ".join(str(p.id) for p in same_name)
            raise OrganisationError(
                f"flere personer hedder '{ref}' (id {ids}); brug id eller e-mail"
            )
    if person is None:
        raise OrganisationError(
            f"ukendt person: '{ref}' (brug id, e-mail eller det fulde navn; se 'kigo people list')"
        )
    return person


def _validate_person(name: str, email: str) -> None:
    if not name.strip():
        raise OrganisationError("navnet må ikke være tomt")
    if email and not EMAIL.match(email.strip()):
        raise OrganisationError(f"ugyldig e-mail: '{email}'")


def add_person(
    store: Store, name: str, *, title: str = "", unit: str = "", email: str = "", phone: str = ""
) -> PersonRow:
    name, title, unit = (
        clean_text(name, "navn"),
        clean_text(title, "titel"),
        clean_text(unit, "enhed"),
    )
    email, phone = clean_text(email, "e-mail"), clean_text(phone, "telefon")
    _validate_person(name, email)
    with store.writing() as sql:
        store.require_initialised(sql)
        if email and any(
            p.email.casefold() == email.strip().casefold() for p in _read(sql).people.values()
        ):
            raise OrganisationError(f"e-mailen '{email}' bruges allerede af en anden person")
        values = {
            "name": name.strip(),
            "title": title.strip(),
            "unit": unit.strip(),
            "email": email.strip(),
            "phone": phone.strip(),
        }
        person_id = sql.insert_id(insert_sql("person", list(values)), values)
        store.bump_revision(sql)
        return _read(sql).people[person_id]


def remove_person(store: Store, ref: str | int) -> tuple[PersonRow, list[str]]:
    """Remove a person: roles go, tasks stay with an empty responsibility; history keeps the name.

    Returns the person and the tasks whose responsibility was emptied.
    """
    with store.writing() as sql:
        person = _resolve(sql, ref)
        emptied = []
        for task_id, acc, doer in sql.rows(
            "SELECT task_id, accountable_id, doer_id FROM responsibility "
            "WHERE accountable_id = :p OR doer_id = :p",
            {"p": person.id},
        ):
            values: dict[str, object] = {}
            if acc == person.id:
                values["accountable_id"] = None
                store.record(sql, task_id, "ansvarlig", person.name, None)
            if doer == person.id:
                values["doer_id"] = None
                store.record(sql, task_id, "udfører", person.name, None)
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            sql.run(
                f"UPDATE responsibility SET {assignments} WHERE task_id = :task_id",
                {**values, "task_id": task_id},
            )
            # the task changed: an edit of it based on what was shown before is refused
            sql.run("UPDATE task SET version = version + 1 WHERE id = :id", {"id": task_id})
            emptied.append(task_id)
        sql.run("DELETE FROM role_assignment WHERE person_id = :p", {"p": person.id})
        sql.run("DELETE FROM person WHERE id = :p", {"p": person.id})
        store.bump_revision(sql)
        return person, sorted(emptied)


def assign_role(
    store: Store,
    ref: str | int,
    role: str,
    project: str | None = None,
    *,
    from_direktion: bool = False,
) -> RoleRow:
    spec = ROLES.get(role)
    if spec is None:
        raise OrganisationError(f"ukendt rolle: '{role}' (kendte roller: {', '.join(ROLES)})")
    project = project.upper() if project else None
    if spec.per_project and project not in PROJECT_CODES:
        raise OrganisationError(
            f"rollen {spec.label} gælder et projekt: angiv --project STS, SAPA, KY eller KSD"
        )
    if not spec.per_project and project:
        raise OrganisationError(f"rollen {spec.label} gælder hele kommunen, ikke et projekt")
    if from_direktion and role not in ("steering_member", "steering_chair"):
        raise OrganisationError(
            "kun styregruppens medlemmer og formand kan markeres som fra direktionen"
        )
    with store.writing() as sql:
        person = _resolve(sql, ref)
        org = _read(sql)
        same = [r for r in org.roles if r.role == role and r.project == project]
        if any(r.person_id == person.id for r in same):
            raise OrganisationError(f"{person.name} har allerede rollen {spec.label}")
        if spec.single and same:
            holder = org.people[same[0].person_id].name
            where = f" for {project}" if project else ""
            raise OrganisationError(
                f"rollen {spec.label}{where} har allerede en indehaver: {holder}"
            )
        values = {
            "person_id": person.id,
            "role": role,
            "project": project,
            "from_direktion": from_direktion,
        }
        role_id = sql.insert_id(insert_sql("role_assignment", list(values)), values)
        store.bump_revision(sql)
        return RoleRow(role_id, person.id, role, project, from_direktion)


def unassign_role(store: Store, ref: str | int, role: str, project: str | None = None) -> None:
    with store.writing() as sql:
        person = _resolve(sql, ref)
        project = project.upper() if project else None
        same_project = "project IS NULL" if project is None else "project = :project"
        removed = sql.run(
            f"DELETE FROM role_assignment WHERE person_id = :p AND role = :role AND {same_project}",
            {"p": person.id, "role": role, "project": project},
        )
        if removed == 0:
            raise OrganisationError(f"{person.name} har ikke rollen '{role}'")
        store.bump_revision(sql)


_UNCHANGED = object()


def set_responsibility(
    store: Store,
    task_id: str,
    *,
    accountable: str | int | object | None = _UNCHANGED,
    doer: str | int | object | None = _UNCHANGED,
    expected_version: int | None = None,
) -> tuple[PersonRow | None, PersonRow | None]:
    """Set who is accountable for / does a task; None or "" clears. History records the names.

    Responsibility is part of its task: a change raises the task's version, and one based on an
    older `expected_version` (the task's version the caller showed) is refused (ConflictError).
    """
    with store.writing() as sql:
        task = store.require_task(sql, task_id)  # raises for an unknown task
        refuse_stale(f"opgave {task_id}", task.version, expected_version)
        org = _read(sql)
        current = org.responsibility.get(task_id, (None, None))
        new = list(current)
        for index, (value, field_name) in enumerate(
            ((accountable, "ansvarlig"), (doer, "udfører"))
        ):
            if value is _UNCHANGED:
                continue
            person = None if value in (None, "") else _resolve(sql, value)  # type: ignore[arg-type]
            new_id = None if person is None else person.id
            if new_id != current[index]:
                store.record(
                    sql,
                    task_id,
                    field_name,
                    org.name(current[index]),
                    None if person is None else person.name,
                )
            new[index] = new_id
        if tuple(new) != current:
            values = {"task_id": task_id, "accountable_id": new[0], "doer_id": new[1]}
            if task_id in org.responsibility:
                sql.run(
                    "UPDATE responsibility SET accountable_id = :accountable_id, "
                    "doer_id = :doer_id WHERE task_id = :task_id",
                    values,
                )
            else:
                sql.run(insert_sql("responsibility", list(values)), values)
            sql.run("UPDATE task SET version = version + 1 WHERE id = :id", {"id": task_id})
            store.bump_revision(sql)
        people = _read(sql).people
        return (people.get(new[0]) if new[0] else None, people.get(new[1]) if new[1] else None)


def log_dialogue(
    store: Store,
    on: date,
    project: str,
    form: str,
    topic: str,
    *,
    actions: str = "",
    escalation: str = "none",
    task_ids: tuple[str, ...] | list[str] = (),
) -> DialogueRow:
    """Record a follow-up from KOMBIT (mail, telefon, møde), possibly an escalation."""
    project = project.upper()
    if project not in PROJECT_CODES:
        raise OrganisationError(f"ukendt projekt: '{project}' (brug STS, SAPA, KY eller KSD)")
    if form not in FORMS:
        raise OrganisationError(f"ukendt form: '{form}' (brug mail, telefon eller møde)")
    if escalation not in ESCALATIONS:
        raise OrganisationError(
            f"ukendt eskalering: '{escalation}' (brug none, direktion eller kommunalbestyrelse)"
        )
    topic, actions = clean_text(topic, "emne"), clean_text(actions, "handlinger")
    check_date(on, "dato")
    if not topic.strip():
        raise OrganisationError("emnet må ikke være tomt")
    with store.writing() as sql:
        store.require_initialised(sql)
        for task_id in task_ids:
            store.require_task(sql, task_id)
        values = {
            "on": on,
            "project": project,
            "form": form,
            "topic": topic.strip(),
            "actions": actions.strip(),
            "escalation": escalation,
            "recorded_at": utc_now(),
            "user": store.user,
        }
        dialogue_id = sql.insert_id(insert_sql("dialogue", list(values)), values)
        for task_id in dict.fromkeys(task_ids):
            sql.run(
                insert_sql("dialogue_task", ("dialogue_id", "task_id")),
                {"dialogue_id": dialogue_id, "task_id": task_id},
            )
        store.bump_revision(sql)
        return next(d for d in _read(sql).dialogues if d.id == dialogue_id)
