"""The organisation commands: `kigo people`, `role`, `responsible`, `mine` and `dialogue`.

Only argparse and light domain modules are imported at module level: `kigo --version` builds these
parsers too.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from kigo_tui.cli.args import (
    ESCALATION_WORDS,
    ROLE_WORDS,
    add_project_option,
    add_subcommands,
    date_arg,
    word_arg,
    word_metavar,
)
from kigo_tui.cli.running import with_store
from kigo_tui.domain.conflict import add_version_option
from kigo_tui.domain.text import count

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.storage.store import Store


def register(subparsers: Subparsers) -> None:
    people = subparsers.add_parser("people", help="personer i implementeringsorganisationen")
    people_sub = add_subcommands(people, "people_command")
    people_add = people_sub.add_parser("add", help="tilføj en person")
    people_add.add_argument("name")
    for option in ("--title", "--unit", "--email", "--phone"):
        people_add.add_argument(option, default="")
    people_add.set_defaults(run=with_store(run_people_add))
    people_list = people_sub.add_parser("list", help="vis personer og deres roller")
    people_list.set_defaults(run=with_store(run_people_list))
    people_edit = people_sub.add_parser(
        "edit", help="ret en persons navn, titel, enhed, e-mail eller telefon"
    )
    people_edit.add_argument("person", help="id, e-mail eller fulde navn")
    people_edit.add_argument("--name", help="nyt navn")
    for option, what in (
        ("--title", "titel"),
        ("--unit", "enhed (den del af forretningen, personen kommer fra)"),
        ("--email", "e-mail"),
        ("--phone", "telefon"),
    ):
        people_edit.add_argument(option, help=f"ny {what} (tom streng fjerner)")
    add_version_option(people_edit)
    people_edit.set_defaults(run=with_store(run_people_edit))
    people_remove = people_sub.add_parser("remove", help="fjern en person (opgaverne bliver)")
    people_remove.add_argument("person", help="id, e-mail eller fulde navn")
    add_version_option(people_remove)
    people_remove.set_defaults(run=with_store(run_people_remove))

    role = subparsers.add_parser("role", help="roller: tildel og fjern")
    role_sub = add_subcommands(role, "role_command")
    role_assign = role_sub.add_parser("assign", help="giv en person en rolle")
    role_assign.add_argument("person")
    role_assign.add_argument(
        "role", type=word_arg(ROLE_WORDS), metavar="ROLLE", help="rollen, se 'kigo role list'"
    )
    add_project_option(role_assign)
    role_assign.add_argument(
        "--direktion", action="store_true", help="styregruppemedlem fra direktionen"
    )
    role_assign.add_argument(
        "--beslutningskraft",
        action="store_true",
        dest="decision_power",
        help="styregruppemedlem, der kan træffe beslutninger (direktionen har det altid)",
    )
    role_assign.set_defaults(run=with_store(run_role_assign))
    role_remove = role_sub.add_parser("remove", help="fjern en rolle fra en person")
    role_remove.add_argument("person")
    role_remove.add_argument("role", type=word_arg(ROLE_WORDS), metavar="ROLLE")
    add_project_option(role_remove)
    role_remove.set_defaults(run=with_store(run_role_remove))
    role_list = role_sub.add_parser(
        "list",
        help="rollerne og hvem der har dem, med KOMBITs anbefalinger",
        description="Rollerne og hvem der har dem, og kommunens organisering holdt op mod\n"
        "KOMBITs notat om organisering: det, kommunen skal, er rødt, når det mangler;\n"
        "det, KOMBIT anbefaler, er gult.",
        epilog=checks_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    role_list.set_defaults(run=with_store(run_role_list))

    responsible = subparsers.add_parser("responsible", help="sæt ansvarlig og udfører på en opgave")
    responsible.add_argument("task_id")
    responsible.add_argument("--accountable", help="ansvarlig (tom streng fjerner)")
    responsible.add_argument("--doer", help="udfører (tom streng fjerner)")
    add_version_option(responsible)
    responsible.set_defaults(run=with_store(run_responsible))

    mine = subparsers.add_parser(
        "mine", help="mine opgaver (identiteten 'me' i config.toml eller --me)"
    )
    mine.add_argument("--me", help="person (id, e-mail eller navn)")
    mine.set_defaults(run=with_store(run_mine))

    dialogue = subparsers.add_parser("dialogue", help="KOMBITs opfølgning: log og vis dialogen")
    dialogue_sub = add_subcommands(dialogue, "dialogue_command")
    dialogue_log = dialogue_sub.add_parser("log", help="registrér en opfølgning fra KOMBIT")
    add_project_option(dialogue_log, required=True)
    dialogue_log.add_argument("--form", choices=("mail", "telefon", "møde"), required=True)
    dialogue_log.add_argument("--topic", required=True)
    dialogue_log.add_argument("--actions", default="", help="aftalte handlinger")
    dialogue_log.add_argument("--results", default="", help="de resultater, dialogen gav")
    dialogue_log.add_argument(
        "--escalation",
        type=word_arg(ESCALATION_WORDS),
        metavar=word_metavar(ESCALATION_WORDS),
        default="none",
    )
    informed = dialogue_log.add_mutually_exclusive_group()
    informed.add_argument(
        "--lead-informed",
        action="store_true",
        dest="lead_informed",
        default=None,
        help="ved en eskalering: kommunens programleder var varslet på forhånd",
    )
    informed.add_argument(
        "--lead-not-informed",
        action="store_false",
        dest="lead_informed",
        help="ved en eskalering: kommunens programleder var ikke varslet",
    )
    dialogue_log.add_argument("--task", action="append", default=[], dest="tasks", metavar="OPGAVE")
    dialogue_log.add_argument("--date", type=date_arg, help="dato (standard: i dag)")
    dialogue_log.set_defaults(run=with_store(run_dialogue_log))
    dialogue_list = dialogue_sub.add_parser("list", help="vis dialogen")
    add_project_option(dialogue_list)
    dialogue_list.set_defaults(run=with_store(run_dialogue_list))


def checks_help() -> str:
    """`kigo role list --help`'s list of checks: each with its weight and the sentence of KOMBIT's
    note it comes from."""
    import textwrap

    from kigo_tui.domain.organisation import readiness_help

    lines = ["Tjekkene og deres kilde:"]
    for title, weight, citation in readiness_help():
        lines.append(f"  {title} ({weight})")
        lines += textwrap.wrap(citation, 78, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(lines)


# ------------------------------------------------------------------ people and roles


def run_people_add(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import add_person

    person = add_person(
        store, args.name, title=args.title, unit=args.unit, email=args.email, phone=args.phone
    )
    print(f"Tilføjet {person.id}: {person.name}")
    return 0


def run_people_list(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import read_organisation

    org = read_organisation(store)
    if not org.people:
        print("Ingen personer endnu: 'kigo people add NAVN --email …'")
    for person in org.people.values():
        roles = ", ".join(r.label for r in org.roles_of(person.id)) or "ingen roller"
        contact = " · ".join(
            x for x in (person.title, person.unit, person.email, person.phone) if x
        )
        print(f"{person.id:>3}  {person.name}{' · ' + contact if contact else ''}\n     {roles}")
    return 0


def run_people_edit(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import OrganisationError, edit_person, find_person
    from kigo_tui.storage.store import ConflictError

    person = find_person(store, args.person)
    fields = ("name", "title", "unit", "email", "phone")
    wanted = {f: getattr(args, f) for f in fields if getattr(args, f) is not None}
    if not wanted:
        raise OrganisationError("angiv mindst én af --name, --title, --unit, --email, --phone")
    values = {f: getattr(person, f) for f in fields} | wanted
    # without --version: the version just read, so a field not named is never set back
    expected = args.expected_version or person.version
    try:
        saved = edit_person(store, person.id, **values, expected_version=expected)
    except ConflictError as exc:
        raise OrganisationError(_person_stale(store, person.id, args, wanted, exc)) from None
    print(f"Gemt {saved.id}: {saved.name} (version {saved.version})")
    return 0


def _person_stale(
    store: Store, person_id: int, args: argparse.Namespace, wanted: dict[str, str], exc: Exception
) -> str:
    """The refusal of `people edit/remove --version N` of a person changed since version N."""
    from kigo_tui.domain.conflict import stale_text
    from kigo_tui.domain.organisation import PERSON_LABELS
    from kigo_tui.storage.organisation import read_organisation

    now = read_organisation(store).people.get(person_id)
    fields: list[tuple[str, object, object]] = [
        (PERSON_LABELS[key], getattr(now, key, None), value) for key, value in wanted.items()
    ]
    return stale_text(
        f"person {person_id}",
        args.expected_version or 0,
        getattr(exc, "current_version", None),
        fields,
        [],
    )


def run_people_remove(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import OrganisationError, find_person, remove_person
    from kigo_tui.storage.store import ConflictError

    try:
        person, emptied = remove_person(store, args.person, args.expected_version)
    except ConflictError as exc:
        person_id = find_person(store, args.person).id
        raise OrganisationError(_person_stale(store, person_id, args, {}, exc)) from None
    print(
        f"Fjernet {person.name}; {count(len(emptied), 'opgave', 'opgaver')} mistede ansvarlig/udfører"
    )
    return 0


def run_role_assign(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import assign_role

    row = assign_role(
        store,
        args.person,
        args.role,
        args.project,
        from_direktion=args.direktion,
        decision_power=args.decision_power,
    )
    print(f"Rolle tildelt: {row.label}")
    return 0


def run_role_remove(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import unassign_role

    unassign_role(store, args.person, args.role, args.project)
    print("Rollen er fjernet")
    return 0


def run_role_list(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.organisation import ROLES
    from kigo_tui.formats.status import colour_word
    from kigo_tui.storage.organisation import read_organisation

    org = read_organisation(store)
    for code, spec in ROLES.items():
        holders = [r for r in org.roles if r.role == code]
        names = ", ".join(
            org.people[r.person_id].name + (f" ({r.project})" if r.project else "") for r in holders
        )
        scope = "pr. projekt" if spec.per_project else "hele kommunen"
        count = "én" if spec.single else "flere"
        word = next(w for w, c in ROLE_WORDS.items() if c == code)
        print(f"{word:<26} {spec.label} [{scope}, {count}]: {names or '—'}")
    print("\nKOMBITs anbefalede organisering (krav er røde, anbefalinger gule, når de mangler):")
    for check in org.readiness():
        print(
            f"  {colour_word(check.colour):<7} {check.title} ({check.weight.label}): {check.detail}"
        )
    print("Kilden til hvert tjek: kigo role list --help")
    return 0


# ------------------------------------------------------------------ tasks


def run_responsible(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import OrganisationError, set_responsibility
    from kigo_tui.storage.store import ConflictError

    if args.accountable is None and args.doer is None:
        raise OrganisationError("angiv --accountable og/eller --doer")
    changes: dict[str, str] = {}
    if args.accountable is not None:
        changes["accountable"] = args.accountable
    if args.doer is not None:
        changes["doer"] = args.doer
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


def _responsibility_stale(
    store: Store, args: argparse.Namespace, changes: dict[str, str], exc: Exception
) -> str:
    """The refusal of `responsible --version N` on a task changed since version N."""
    from kigo_tui.domain.conflict import stale_text
    from kigo_tui.storage.organisation import read_organisation

    org = read_organisation(store)
    now = org.responsibility.get(args.task_id, (None, None))
    fields: list[tuple[str, object, object]] = [
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


def run_mine(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.config import load_settings
    from kigo_tui.domain.dates import short_date
    from kigo_tui.formats.status import colour_word
    from kigo_tui.storage.organisation import my_tasks

    mine = my_tasks(store, args.me or load_settings().me, today)
    person = mine.person
    print(f"Mine opgaver – {person.name}: {len(mine.tasks)}")
    for task in mine.tasks:
        acc, doer = mine.org.responsibility.get(task.id, (None, None))
        role = "/".join(r for r, pid in (("ansvarlig", acc), ("udfører", doer)) if pid == person.id)
        print(
            f"  {colour_word(task.colour(today)):<7} {task.id:<12} slutdato {short_date(task.due)}  "
            f"{task.title} ({role})"
        )
    return 0


# ------------------------------------------------------------------ dialogue with KOMBIT


def run_dialogue_log(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.organisation import log_dialogue

    row = log_dialogue(
        store,
        args.date or today,
        args.project,
        args.form,
        args.topic,
        actions=args.actions,
        escalation=args.escalation,
        task_ids=args.tasks,
        results=args.results,
        lead_informed=args.lead_informed,
    )
    print(f"Registreret dialog {row.id} med KOMBIT om {row.project}: {row.topic}")
    return 0


def run_dialogue_list(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.organisation import ESCALATIONS
    from kigo_tui.storage.organisation import read_organisation

    org = read_organisation(store)
    for d in org.dialogues_for(args.project):
        tasks = f" · opgaver: {', '.join(d.task_ids)}" if d.task_ids else ""
        print(
            f"{short_date(d.on)} {d.project} {d.form}: {d.topic} ({ESCALATIONS[d.escalation]}){tasks}"
        )
        if d.actions:
            print(f"    aftalt: {d.actions}")
        if d.results:
            print(f"    resultat: {d.results}")
        if d.escalated:
            print(f"    {d.lead_informed_text}")
    return 0
