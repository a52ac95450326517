"""Reading and writing the kommune's organisation: people, roles, responsibility, KOMBIT's
dialogue, and "who am I and what are my tasks". The rules (roles, readiness, checks, the order of
"mine opgaver") are `kigo_tui.domain.organisation`; this module is their SQL. No Textual.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from kigo_tui.domain.dates import check_date
from kigo_tui.domain.organisation import (
    ME_NOT_SET,
    ROLES,
    DialogueRow,
    Organisation,
    PersonRow,
    RoleRow,
    dialogue_problem,
    holder_problem,
    mine_order,
    person_problem,
    role_problem,
    unknown_me,
)
from kigo_tui.domain.text import clean_text, same_text
from kigo_tui.models.readmodels import TaskRow
from kigo_tui.storage.sql import Sql, stored_date, utc_now
from kigo_tui.storage.store import Store
from kigo_tui.storage.transaction import StoreError, insert_sql, refuse_stale


class OrganisationError(StoreError):
    pass


def read_organisation(store: Store) -> Organisation:
    with store.reading() as sql:
        return _read(sql)


def _read(sql: Sql) -> Organisation:
    org = Organisation()
    for row in sql.rows(
        "SELECT id, name, title, unit, email, phone, version FROM person ORDER BY name, id"
    ):
        org.people[row[0]] = PersonRow(*row)
    org.roles = [
        RoleRow(i, p, r, proj, bool(d), bool(power))
        for i, p, r, proj, d, power in sql.rows(
            "SELECT id, person_id, role, project, from_direktion, decision_power "
            "FROM role_assignment ORDER BY id"
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
        DialogueRow(
            i,
            stored_date(on),
            proj,
            form,
            topic,
            actions,
            esc,
            user,
            tuple(links[i]),
            results or "",
            None if informed is None else bool(informed),
        )
        for i, on, proj, form, topic, actions, esc, user, results, informed in sql.rows(
            'SELECT id, "on", project, form, topic, actions, escalation, "user", results, '
            'lead_informed FROM dialogue ORDER BY "on" DESC, id DESC'
        )
    ]
    return org


def _refuse(problem: str | None) -> None:
    if problem is not None:
        raise OrganisationError(problem)


# ---------------------------------------------------------------------------------------------
# Who am I, and what are my tasks: the one place the CLI and the TUI ask


class MeNotSetError(OrganisationError):
    """No user name is configured ('me' in config.toml, KIGO_ME, --me)."""

    def __init__(self) -> None:
        super().__init__(ME_NOT_SET)


class UnknownMeError(OrganisationError):
    """The configured user name (`who`) is no person of the organisation."""

    def __init__(self, who: str) -> None:
        super().__init__(unknown_me(who))
        self.who = who


def find_me(org: Organisation, me: str | None) -> PersonRow:
    """The person the configured user name `me` (id, e-mail or name) is; MeNotSetError when
    none is configured, UnknownMeError when it names nobody (or several)."""
    if not me:
        raise MeNotSetError
    person = org.find(me)
    if person is None:
        raise UnknownMeError(me)
    return person


@dataclass(frozen=True)
class MyTasks:
    """A person and the current tasks they are accountable for or do, as "Mine opgaver" shows
    them (worst colour first, then by due date, then by id; withdrawn tasks left out)."""

    person: PersonRow
    tasks: list[TaskRow]
    org: Organisation
    """The organisation they were read with (for each task's responsibility)."""


def my_tasks(store: Store, me: str | None, today: date) -> MyTasks:
    """ "Who am I and what are my tasks", read as one consistent view: the person the configured
    user name `me` is (see `find_me`) and their tasks in the order of `mine_order`."""
    from kigo_tui.storage import queries

    with store.reading() as sql:
        org = _read(sql)
        person = find_me(org, me)
        tasks = queries.read_tasks_by_id(sql, org.tasks_of(person.id))
    return MyTasks(person, mine_order(tasks, today), org)


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


def _person_values(name: str, title: str, unit: str, email: str, phone: str) -> dict[str, str]:
    """The person's fields cleaned and checked (OrganisationError or TextError naming the field)."""
    values = {
        "name": clean_text(name, "navn").strip(),
        "title": clean_text(title, "titel").strip(),
        "unit": clean_text(unit, "enhed").strip(),
        "email": clean_text(email, "e-mail").strip(),
        "phone": clean_text(phone, "telefon").strip(),
    }
    _refuse(person_problem(values["name"], values["email"]))
    return values


def _refuse_taken_email(sql: Sql, email: str, person_id: int | None = None) -> None:
    if email and any(
        p.email.casefold() == email.casefold() and p.id != person_id
        for p in _read(sql).people.values()
    ):
        raise OrganisationError(f"e-mailen '{email}' bruges allerede af en anden person")


def add_person(
    store: Store, name: str, *, title: str = "", unit: str = "", email: str = "", phone: str = ""
) -> PersonRow:
    values = _person_values(name, title, unit, email, phone)
    with store.writing() as tx:
        store.require_initialised(tx)
        _refuse_taken_email(tx, values["email"])
        row: dict[str, object] = {**values, "version": 1}
        person_id = tx.insert_id(insert_sql("person", list(row)), row)
        tx.touch()
        return _read(tx).people[person_id]


def edit_person(
    store: Store,
    ref: str | int,
    *,
    name: str,
    title: str = "",
    unit: str = "",
    email: str = "",
    phone: str = "",
    expected_version: int | None = None,
) -> PersonRow:
    """Save a person's fields; one based on an older `expected_version` (the version the caller
    showed) is refused with ConflictError, so a colleague's edit is never silently overwritten."""
    values = _person_values(name, title, unit, email, phone)
    with store.writing() as tx:
        person = _resolve(tx, ref)
        refuse_stale(f"person {person.id} ({person.name})", person.version, expected_version)
        _refuse_taken_email(tx, values["email"], person.id)
        current = {
            "name": person.name,
            "title": person.title,
            "unit": person.unit,
            "email": person.email,
            "phone": person.phone,
        }
        if values != current:
            tx.run(
                "UPDATE person SET name = :name, title = :title, unit = :unit, email = :email, "
                "phone = :phone, version = version + 1 WHERE id = :id",
                {**values, "id": person.id},
            )
            tx.touch()
        return _read(tx).people[person.id]


def find_person(store: Store, ref: str | int) -> PersonRow:
    """The person `ref` (id, e-mail or full name) names, as stored now; OrganisationError when
    nobody (or several) is meant."""
    with store.reading() as sql:
        return _resolve(sql, ref)


def remove_person(
    store: Store, ref: str | int, expected_version: int | None = None
) -> tuple[PersonRow, list[str]]:
    """Remove a person: roles go, tasks stay with an empty responsibility; history keeps the name.

    Returns the person and the tasks whose responsibility was emptied. A removal based on an older
    `expected_version` of the person is refused (ConflictError).
    """
    with store.writing() as tx:
        person = _resolve(tx, ref)
        refuse_stale(f"person {person.id} ({person.name})", person.version, expected_version)
        emptied = []
        for task_id, acc, doer in tx.rows(
            "SELECT task_id, accountable_id, doer_id FROM responsibility "
            "WHERE accountable_id = :p OR doer_id = :p",
            {"p": person.id},
        ):
            values: dict[str, object] = {}
            if acc == person.id:
                values["accountable_id"] = None
                tx.record(task_id, "ansvarlig", person.name, None)
            if doer == person.id:
                values["doer_id"] = None
                tx.record(task_id, "udfører", person.name, None)
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            tx.run(
                f"UPDATE responsibility SET {assignments} WHERE task_id = :task_id",
                {**values, "task_id": task_id},
            )
            # the task changed: an edit of it based on what was shown before is refused
            tx.run("UPDATE task SET version = version + 1 WHERE id = :id", {"id": task_id})
            emptied.append(task_id)
        tx.run("DELETE FROM role_assignment WHERE person_id = :p", {"p": person.id})
        tx.run("DELETE FROM person WHERE id = :p", {"p": person.id})
        tx.touch()
        return person, sorted(emptied)


def assign_role(
    store: Store,
    ref: str | int,
    role: str,
    project: str | None = None,
    *,
    from_direktion: bool = False,
    decision_power: bool = False,
) -> RoleRow:
    """Give a person a role. The holders are checked in the same transaction: two users giving
    a single-holder role at once cannot both succeed."""
    project = project.upper() if project else None
    _refuse(role_problem(role, project, from_direktion, decision_power))
    with store.writing() as tx:
        person = _resolve(tx, ref)
        _refuse(holder_problem(_read(tx), person, role, project))
        values = {
            "person_id": person.id,
            "role": role,
            "project": project,
            "from_direktion": from_direktion,
            "decision_power": decision_power,
        }
        role_id = tx.insert_id(insert_sql("role_assignment", list(values)), values)
        tx.touch()
        return RoleRow(role_id, person.id, role, project, from_direktion, decision_power)


def unassign_role(store: Store, ref: str | int, role: str, project: str | None = None) -> None:
    with store.writing() as tx:
        person = _resolve(tx, ref)
        project = project.upper() if project else None
        same_project = "project IS NULL" if project is None else "project = :project"
        removed = tx.run(
            f"DELETE FROM role_assignment WHERE person_id = :p AND role = :role AND {same_project}",
            {"p": person.id, "role": role, "project": project},
        )
        if removed == 0:
            label = ROLES[role].label if role in ROLES else role
            where = f" for {project}" if project else ""
            raise OrganisationError(f"{person.name} har ikke rollen {label}{where}")
        tx.touch()


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
    with store.writing() as tx:
        task = store.require_task(tx, task_id)  # raises for an unknown task
        refuse_stale(f"opgave {task_id}", task.version, expected_version)
        org = _read(tx)
        current = org.responsibility.get(task_id, (None, None))
        new = list(current)
        for index, (value, field_name) in enumerate(
            ((accountable, "ansvarlig"), (doer, "udfører"))
        ):
            if value is _UNCHANGED:
                continue
            person = _resolve(tx, value) if isinstance(value, str | int) and value != "" else None
            new_id = None if person is None else person.id
            if new_id != current[index]:
                tx.record(
                    task_id,
                    field_name,
                    org.name(current[index]),
                    None if person is None else person.name,
                )
            new[index] = new_id
        if tuple(new) != current:
            values = {"task_id": task_id, "accountable_id": new[0], "doer_id": new[1]}
            if task_id in org.responsibility:
                tx.run(
                    "UPDATE responsibility SET accountable_id = :accountable_id, "
                    "doer_id = :doer_id WHERE task_id = :task_id",
                    values,
                )
            else:
                tx.run(insert_sql("responsibility", list(values)), values)
            tx.run("UPDATE task SET version = version + 1 WHERE id = :id", {"id": task_id})
            tx.touch()
        people = _read(tx).people
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
    results: str = "",
    lead_informed: bool | None = None,
) -> DialogueRow:
    """Record a follow-up from KOMBIT (mail, telefon, møde), what it achieved, and for an
    escalation whether the kommune's programme leader was told beforehand (None: not said)."""
    project = project.upper()
    _refuse(dialogue_problem(project, form, escalation, lead_informed))
    topic, actions = clean_text(topic, "emne"), clean_text(actions, "handlinger")
    results = clean_text(results, "resultater")
    check_date(on, "dato")
    if not topic.strip():
        raise OrganisationError("emnet må ikke være tomt")
    with store.writing() as tx:
        store.require_initialised(tx)
        for task_id in task_ids:
            store.require_task(tx, task_id)
        values = {
            "on": on,
            "project": project,
            "form": form,
            "topic": topic.strip(),
            "actions": actions.strip(),
            "escalation": escalation,
            "recorded_at": utc_now(),
            "user": store.user,
            "results": results.strip(),
            "lead_informed": lead_informed,
        }
        dialogue_id = tx.insert_id(insert_sql("dialogue", list(values)), values)
        for task_id in dict.fromkeys(task_ids):
            tx.run(
                insert_sql("dialogue_task", ("dialogue_id", "task_id")),
                {"dialogue_id": dialogue_id, "task_id": task_id},
            )
        tx.touch()
        return next(d for d in _read(tx).dialogues if d.id == dialogue_id)
