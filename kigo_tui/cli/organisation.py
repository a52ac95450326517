"""The organisation commands of the CLI: people, roles, responsibility, mine opgaver, dialogue."""

from __future__ import annotations

import argparse
from datetime import date

from kigo_tui.config import load_settings
from kigo_tui.domain.organisation import ESCALATIONS
from kigo_tui.domain.rules import severity
from kigo_tui.formats.status import colour_word
from kigo_tui.storage.organisation import (
    ROLES,
    Organisation,
    OrganisationError,
    add_person,
    assign_role,
    log_dialogue,
    read_organisation,
    remove_person,
    set_responsibility,
    unassign_role,
)
from kigo_tui.storage.store import Store


def mine_sorted(store: Store, org: Organisation, person_id: int, today: date) -> list:
    """The person's tasks (accountable or doer), worst colour first, then by due date."""
    tasks = store.snapshot().tasks_by_id()
    mine = [tasks[t] for t in org.tasks_of(person_id) if t in tasks]
    mine.sort(key=lambda t: (-severity(t.colour(today)), t.due or date.max, t.id))
    return mine


def _print_people(org: Organisation) -> None:
    if not org.people:
        print("Ingen personer endnu: 'kigo people add NAVN --email …'")
    for person in org.people.values():
        roles = ", ".join(r.label for r in org.roles_of(person.id)) or "ingen roller"
        contact = " · ".join(
            x for x in (person.title, person.unit, person.email, person.phone) if x
        )
        print(f"{person.id:>3}  {person.name}{' · ' + contact if contact else ''}\n     {roles}")


def _print_roles(org: Organisation) -> None:
    for code, spec in ROLES.items():
        holders = [r for r in org.roles if r.role == code]
        names = ", ".join(
            org.people[r.person_id].name + (f" ({r.project})" if r.project else "") for r in holders
        )
        scope = "pr. projekt" if spec.per_project else "hele kommunen"
        count = "én" if spec.single else "flere"
        print(f"{code:<22} {spec.label} [{scope}, {count}]: {names or '—'}")
    print("\nKOMBITs anbefalede organisering:")
    for check in org.readiness():
        print(f"  {colour_word(check.colour):<7} {check.title}: {check.detail}")


def run_organisation_command(store: Store, args: argparse.Namespace, today: date) -> int:
    command = args.command
    if command == "people":
        if args.people_command == "add":
            person = add_person(
                store,
                args.name,
                title=args.title,
                unit=args.unit,
                email=args.email,
                phone=args.phone,
            )
            print(f"Tilføjet {person.id}: {person.name}")
        elif args.people_command == "list":
            _print_people(read_organisation(store))
        else:
            person, emptied = remove_person(store, args.person)
            print(f"Fjernet {person.name}; {len(emptied)} opgaver mistede ansvarlig/udfører")
        return 0
    if command == "role":
        if args.role_command == "assign":
            row = assign_role(
                store, args.person, args.role, args.project, from_direktion=args.direktion
            )
            print(f"Rolle tildelt: {row.label}")
        elif args.role_command == "remove":
            unassign_role(store, args.person, args.role, args.project)
            print("Rollen er fjernet")
        else:
            _print_roles(read_organisation(store))
        return 0
    if command == "responsible":
        if args.accountable is None and args.doer is None:
            raise OrganisationError("angiv --accountable og/eller --doer")
        changes = {}
        if args.accountable is not None:
            changes["accountable"] = args.accountable
        if args.doer is not None:
            changes["doer"] = args.doer
        from kigo_tui.storage.store import ConflictError

        try:
            accountable, doer = set_responsibility(
                store, args.task_id, **changes, expected_version=args.expected_version
            )
        except ConflictError as exc:
            raise OrganisationError(_responsibility_stale(store, args, changes, exc)) from None
        print(
            f"{args.task_id}: ansvarlig {accountable.name if accountable else '—'}, "
            f"udfører {doer.name if doer else '—'}"
        )
        return 0
    if command == "mine":
        me = args.me or load_settings().me
        if not me:
            raise OrganisationError("hvem er du? Sæt 'me' i config.toml, KIGO_ME eller brug --me")
        org = read_organisation(store)
        person = org.find(me)
        if person is None:
            raise OrganisationError(f"ukendt person: '{me}'")
        tasks = mine_sorted(store, org, person.id, today)
        print(f"Mine opgaver – {person.name}: {len(tasks)}")
        for task in tasks:
            acc, doer = org.responsibility.get(task.id, (None, None))
            role = "/".join(
                r for r, pid in (("ansvarlig", acc), ("udfører", doer)) if pid == person.id
            )
            print(
                f"  {colour_word(task.colour(today)):<7} {task.id:<12} frist {task.due or '—'}  "
                f"{task.title} ({role})"
            )
        return 0
    if args.dialogue_command == "log":
        row = log_dialogue(
            store,
            args.date or today,
            args.project,
            args.form,
            args.topic,
            actions=args.actions,
            escalation=args.escalation,
            task_ids=args.tasks,
        )
        print(f"Registreret dialog {row.id} med KOMBIT om {row.project}: {row.topic}")
        return 0
    org = read_organisation(store)
    for d in org.dialogues_for(args.project):
        tasks = f" · opgaver: {', '.join(d.task_ids)}" if d.task_ids else ""
        print(f"{d.on} {d.project} {d.form}: {d.topic} ({ESCALATIONS[d.escalation]}){tasks}")
        if d.actions:
            print(f"    aftalt: {d.actions}")
    return 0


def _responsibility_stale(
    store: Store, args: argparse.Namespace, changes: dict[str, str], exc: Exception
) -> str:
    """The refusal of `responsible --version N` on a task changed since version N."""
    from kigo_tui.domain.conflict import stale_text

    org = read_organisation(store)
    now = org.responsibility.get(args.task_id, (None, None))
    fields = [
        (label, org.name(now[index]), changes[key] or None)
        for index, (key, label) in enumerate((("accountable", "ansvarlig"), ("doer", "udfører")))
        if key in changes
    ]
    return stale_text(
        f"opgave {args.task_id}",
        args.expected_version,
        getattr(exc, "current_version", None),
        fields,
        store.history_of(args.task_id),
    )
