"""The `kigo` subcommands: the argument parser, and each command calling the domain; nothing else.

`kigo_tui.__main__` is the entry: it starts the TUI without importing this module. Heavy imports
(SQLAlchemy, pydantic) happen inside the commands, so `kigo --version` does not pay for them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kigo_tui import __version__
from kigo_tui.__main__ import _add_global_options
from kigo_tui.domain.conflict import add_version_option
from kigo_tui.domain.dates import DateError, parse_date, resolve_today
from kigo_tui.domain.text import MAX_INT, TextError, bounded_int, clean_text
from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from kigo_tui.storage.store import Store

PROJECTS = ("STS", "SAPA", "KY", "KSD")
STATUSES = ("not_started", "in_progress", "done")
CATEGORIES = ("optional", "mandatory", "critical")


class CliError(KigoError):
    """A user error: printed as 'kigo: fejl: …' on stderr, exit code 1."""


def _date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _golive_arg(text: str) -> tuple[str, date]:
    project, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"'{text}': skriv PROJEKT=ÅÅÅÅ-MM-DD, fx SAPA=2027-03-01")
    code = project.strip().upper()
    if code not in PROJECTS:
        raise argparse.ArgumentTypeError(f"ukendt projekt '{project}' (brug {', '.join(PROJECTS)})")
    return code, _date_arg(value)


def _checklist_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et punktnummer (1, 2, …)") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"punktnummeret skal være fra 1 til 10000, ikke {value}")
    return value


def _warn_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et helt antal dage") from None
    if not 0 <= value <= 365:
        raise argparse.ArgumentTypeError("varsel skal være mellem 0 og 365 dage")
    return value


def _int_in(field: str, low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number in [low, high], or a Danish message naming `field`."""

    def parse(text: str) -> int:
        try:
            return bounded_int(text, field, low, high)
        except TextError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _text_arg(field: str) -> Callable[[str], str]:
    """An argument type: text through `clean_text` (NFC, no control characters or line breaks)."""

    def parse(text: str) -> str:
        try:
            return clean_text(text, field, strip=False)
        except TextError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _location_arg(text: str) -> str:
    """An argument type for a database location: kept as given, but it must be valid Unicode
    (SQLite and SQLAlchemy take a database's name as UTF-8)."""
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise argparse.ArgumentTypeError(
            "stien til databasen er ikke gyldig UTF-8; omdøb filen eller mappen"
        )
    return text


DATABASE_DESTS = frozenset({"db", "source", "target"})
PATH_DESTS = frozenset({*DATABASE_DESTS, "out"})
"""Arguments that name a file or database: kept byte for byte (a file name in NFD or not UTF-8
is still that file); what is printed of them goes through the printable output."""


def _clean_text_arguments(parser: argparse.ArgumentParser) -> None:
    """Give every free-text argument of every subcommand the `clean_text` type, so no command
    receives a control character, a line break or text that is not valid Unicode."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):
                _clean_text_arguments(subparser)
        elif action.type is None and action.dest in DATABASE_DESTS:
            action.type = _location_arg
        elif (
            action.type is None
            and action.nargs != 0
            and action.choices is None
            and action.dest not in PATH_DESTS
        ):
            name = action.option_strings[-1] if action.option_strings else action.dest
            action.type = _text_arg(f"argumentet {name}")


class _Parser(argparse.ArgumentParser):
    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # Python 3.11 drops a '--' given as an option's value ('--kommune=--') and hands the
        # command an empty list: the value is the text '--', checked like any other.
        if arg_strings == ["--"] and action.option_strings and action.nargs in (None, "?"):
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"kigo: fejl: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kigo",
        description="KIGO i terminalen: implementeringsopgaver for STS, SAPA, KY og KSD.",
    )
    parser.add_argument("--version", action="version", version=f"kigo {__version__}")
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    init = sub.add_parser("init", help="opret databasen for en kommune")
    init.add_argument("--kommune", required=True, help="kommunekode, fx 101")
    init.add_argument(
        "--golive",
        action="append",
        type=_golive_arg,
        default=[],
        metavar="PROJEKT=DATO",
        help="idriftsættelsesdato for et projekt (kan gentages)",
    )

    demo = sub.add_parser("demo", help="opret en demodatabase hvor alle farver forekommer")
    demo.add_argument("--kommune", default="461", help="kommunekode (standard 461 Odense)")

    status = sub.add_parser("status", help="vis status som tekst eller JSON")
    status.add_argument("--project", type=str.upper, choices=PROJECTS)
    status.add_argument("--json", action="store_true", help="skriv JSON")
    status.add_argument(
        "--tasks", action="store_true", help="vis også opgaver der ikke er grønne og fuldførte"
    )

    set_ = sub.add_parser("set", help="ændr en opgave")
    set_.add_argument("task_id")
    set_.add_argument("--status", choices=STATUSES)
    set_.add_argument("--start", type=_date_arg)
    set_.add_argument("--due", type=_date_arg)
    set_.add_argument("--category", choices=CATEGORIES)
    set_.add_argument("--warn-days", type=_warn_arg)
    set_.add_argument(
        "--begrundelse",
        "--reason",
        dest="reason",
        metavar="TEKST",
        help="hvorfor en katalogopgaves start eller frist flyttes væk fra KOMBITs dato (kræves da)",
    )
    set_.add_argument("--title", help="ny titel")
    add_version_option(set_)

    done = sub.add_parser("done", help="markér en opgave som fuldført")
    done.add_argument("task_id")
    add_version_option(done)

    checklist = sub.add_parser("checklist", help="afkryds et punkt på en opgaves tjekliste")
    checklist.add_argument("task_id")
    checklist.add_argument(
        "number", type=_checklist_number, metavar="NR", help="punktets nummer, 1 er det første"
    )
    checklist.add_argument("--off", action="store_true", help="fjern afkrydsningen i stedet")
    add_version_option(checklist)

    golive = sub.add_parser("golive", help="sæt eller flyt et projekts idriftsættelsesdato")
    golive.add_argument("project", type=str.upper, choices=PROJECTS)
    golive.add_argument("date", type=_date_arg)

    add = sub.add_parser("add", help="tilføj kommunens egen opgave under en hovedopgave")
    add.add_argument("project", type=str.upper, choices=PROJECTS)
    add.add_argument(
        "main_task",
        type=_int_in("hovedopgaven", -MAX_INT, MAX_INT),
        help="hovedopgavens nummer, 1-16",
    )
    add.add_argument("title")
    add.add_argument("--description", default="")
    add.add_argument("--category", choices=CATEGORIES, default="optional")
    add.add_argument("--start", type=_date_arg)
    add.add_argument("--due", type=_date_arg)
    add.add_argument("--warn-days", type=_warn_arg, default=14)
    add.add_argument("--checklist", action="append", default=[], metavar="PUNKT")

    delete = sub.add_parser("delete", help="slet en lokal opgave")
    delete.add_argument("task_id")
    add_version_option(delete)

    catalogue = sub.add_parser("catalogue", help="opgavekataloget fra KOMBIT")
    catalogue_sub = catalogue.add_subparsers(
        dest="catalogue_command", required=True, parser_class=_Parser
    )
    catalogue_import = catalogue_sub.add_parser("import", help="flet et nyere katalog ind")
    catalogue_import.add_argument("file", type=Path, help="katalogfil (TOML)")
    catalogue_import.add_argument(
        "--dry-run", action="store_true", help="vis kun hvad der ville ændres"
    )
    catalogue_import.add_argument(
        "--force",
        action="store_true",
        help="importér også når over halvdelen af kommunens katalogopgaver trækkes tilbage",
    )

    people = sub.add_parser("people", help="personer i implementeringsorganisationen")
    people_sub = people.add_subparsers(dest="people_command", required=True, parser_class=_Parser)
    people_add = people_sub.add_parser("add", help="tilføj en person")
    people_add.add_argument("name")
    for option in ("--title", "--unit", "--email", "--phone"):
        people_add.add_argument(option, default="")
    people_sub.add_parser("list", help="vis personer og deres roller")
    people_remove = people_sub.add_parser("remove", help="fjern en person (opgaverne bliver)")
    people_remove.add_argument("person", help="id, e-mail eller fulde navn")

    role = sub.add_parser("role", help="roller: tildel og fjern")
    role_sub = role.add_subparsers(dest="role_command", required=True, parser_class=_Parser)
    role_assign = role_sub.add_parser("assign", help="giv en person en rolle")
    role_assign.add_argument("person")
    role_assign.add_argument("role", help="rollens kode, se 'kigo role list'")
    role_assign.add_argument("--project", type=str.upper, choices=PROJECTS)
    role_assign.add_argument(
        "--direktion", action="store_true", help="styregruppemedlem fra direktionen"
    )
    role_remove = role_sub.add_parser("remove", help="fjern en rolle fra en person")
    role_remove.add_argument("person")
    role_remove.add_argument("role")
    role_remove.add_argument("--project", type=str.upper, choices=PROJECTS)
    role_sub.add_parser("list", help="rollerne og hvem der har dem, med KOMBITs anbefalinger")

    responsible = sub.add_parser("responsible", help="sæt ansvarlig og udfører på en opgave")
    responsible.add_argument("task_id")
    responsible.add_argument("--accountable", help="ansvarlig (tom streng fjerner)")
    responsible.add_argument("--doer", help="udfører (tom streng fjerner)")
    add_version_option(responsible)

    mine = sub.add_parser("mine", help="mine opgaver (identiteten 'me' i config.toml eller --me)")
    mine.add_argument("--me", help="person (id, e-mail eller navn)")

    dialogue = sub.add_parser("dialogue", help="KOMBITs opfølgning: log og vis dialogen")
    dialogue_sub = dialogue.add_subparsers(
        dest="dialogue_command", required=True, parser_class=_Parser
    )
    dialogue_log = dialogue_sub.add_parser("log", help="registrér en opfølgning fra KOMBIT")
    dialogue_log.add_argument("--project", type=str.upper, choices=PROJECTS, required=True)
    dialogue_log.add_argument("--form", choices=("mail", "telefon", "møde"), required=True)
    dialogue_log.add_argument("--topic", required=True)
    dialogue_log.add_argument("--actions", default="", help="aftalte handlinger")
    dialogue_log.add_argument(
        "--escalation", choices=("none", "direktion", "kommunalbestyrelse"), default="none"
    )
    dialogue_log.add_argument("--task", action="append", default=[], dest="tasks", metavar="OPGAVE")
    dialogue_log.add_argument("--date", type=_date_arg, help="dato (standard: i dag)")
    dialogue_list = dialogue_sub.add_parser("list", help="vis dialogen")
    dialogue_list.add_argument("--project", type=str.upper, choices=PROJECTS)

    copy = sub.add_parser(
        "copy", help="kopiér alle data til en anden database (fx fra en SQLite-fil til PostgreSQL)"
    )
    copy.add_argument(
        "--from", dest="source", metavar="KILDE", help="sti eller URL (standard: --db/KIGO_DB)"
    )
    copy.add_argument("--to", dest="target", metavar="MÅL", required=True, help="sti eller URL")
    copy.add_argument("--replace", action="store_true", help="erstat data, som målet allerede har")

    sub.add_parser("backup", help="tag en sikkerhedskopi af databasen (SQLite)")
    sub.add_parser("backups", help="vis databasens sikkerhedskopier")
    restore = sub.add_parser("restore", help="gendan databasen fra en sikkerhedskopi")
    restore.add_argument("backup", nargs="?", type=Path, help="kopien (standard: nyeste gode)")
    restore.add_argument(
        "--force",
        action="store_true",
        help="gendan også en tom, beskadiget, nyere eller anden kommunes kopi",
    )

    from kigo_tui.cli.exit_strategy import add_exit_parser

    add_exit_parser(sub, _Parser)

    from kigo_tui.cli.defects import add_defect_parser
    from kigo_tui.cli.reports import add_report_parsers

    add_defect_parser(sub, _Parser)
    add_report_parsers(sub, _Parser)

    export = sub.add_parser("export", help="skriv statusbundtet til KOMBIT (zip)")
    export.add_argument("--out", help="mappe eller filnavn (standard: denne mappe)")
    export.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")
    export.add_argument(
        "--with-contacts",
        action="store_true",
        help="tag navne, e-mails og telefonnumre med (persondata)",
    )

    verify = sub.add_parser("verify", help="kontrollér et statusbundt (kræver ingen database)")
    verify.add_argument("bundle", type=Path)

    aggregate = sub.add_parser("aggregate", help="KOMBIT: samlet overblik over mange bundter")
    aggregate.add_argument("inputs", type=Path, nargs="+", metavar="BUNDT|MAPPE")
    aggregate.add_argument("--out", type=Path, required=True, help="FIL.xlsx, .csv eller .json")
    aggregate.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")
    _clean_text_arguments(parser)
    return parser


def resolve_db(option: str | None) -> str:
    from kigo_tui.config import resolve_db as resolve

    return resolve(option)


def _open(db: str, *, must_exist: bool) -> Store:
    from kigo_tui.storage.store import Store

    if must_exist and "://" not in db and not Path(db).expanduser().exists():
        raise CliError(f"databasen findes ikke: {db} (opret den med 'kigo init' eller 'kigo demo')")
    from kigo_tui.config import load_settings

    return Store.open(db, user=load_settings().user)


def _kommune(code: str):
    from kigo_tui.domain.kommuner import find_kommune

    kommune = find_kommune(code)
    if kommune is None:
        raise CliError(
            f"ukendt kommunekode: '{code}' (kommunens officielle kode, fx 101 for København; "
            "TUI'ens første skærm har en søgbar liste over de 98)"
        )
    return kommune


def run_bundle_command(args: argparse.Namespace) -> int:
    """verify and aggregate: KOMBIT's side, no database involved."""
    if args.command == "verify":
        from kigo_tui.bundle.verify import verify_bundle

        print(verify_bundle(args.bundle, resolve_today(args.today)[0]).summary())
        return 0
    from kigo_tui.bundle.aggregate import aggregate, report_lines, shown, write_overview

    result = aggregate(args.inputs, resolve_today(args.today)[0])
    for path, error in result.rejected:
        print(shown(f"kigo: afvist: {path}: {error}"), file=sys.stderr)
    for line in report_lines(result):
        print(line)
    if not result.kommuner:
        raise CliError("ingen gyldige bundter at samle")
    written = write_overview(result, args.out, force=args.force)
    print(
        f"{', '.join(map(str, written))}: {len(result.kommuner)} kommuner, "
        f"{result.follow_up_count} opgaver til opfølgning; {len(result.rejected)} bundter "
        f"afvist, {len(result.superseded)} erstattet af nyere, {len(result.skipped)} sprunget over"
    )
    return 0


def run_backup_command(args: argparse.Namespace, db: str) -> int:
    """backup, backups and restore work on the file itself, so a damaged database can be restored."""
    from kigo_tui.storage.backup import (
        backup_taken,
        list_backups,
        make_backup,
        newest_good_backup,
        restore,
        sqlite_path,
    )

    path = sqlite_path(db)
    if path is None:
        raise CliError(
            "sikkerhedskopier laves med SQLite-filer; for en databaseserver: brug dens egne "
            "værktøjer (pg_dump), eller kopiér til en fil med 'kigo copy --to kopi.db'"
        )
    if args.command == "backup":
        print(f"Sikkerhedskopi: {make_backup(path)}")
    elif args.command == "backups":
        backups = list_backups(path)
        if not backups:
            print("Ingen sikkerhedskopier endnu")
        else:
            from kigo_tui.domain.times import local_text

            print("Taget (dansk tid)  Fil")
            for backup in backups:
                print(f"{local_text(backup_taken(backup)):<16}  {backup}")
    else:
        backup = args.backup or newest_good_backup(path)
        if backup is None:
            raise CliError(f"der er ingen god sikkerhedskopi af {path}")
        safety = restore(path, backup, force=args.force)
        kept = f"; den tidligere fil er gemt som {safety}" if safety else ""
        print(f"Gendannet {path} fra {backup}{kept}")
    return 0


def run_command(args: argparse.Namespace) -> int:
    if args.command in ("verify", "aggregate"):
        return run_bundle_command(args)
    today, _ = resolve_today(args.today)
    db = resolve_db(args.db)
    from kigo_tui.storage.common import check_db

    check_db(db)  # a malformed URL is refused before any file is looked at or made
    if args.command in ("init", "demo"):
        from kigo_tui.domain.catalogue import shipped_catalogue
        from kigo_tui.storage.dburl import display_url

        kommune = _kommune(args.kommune)
        golives = dict(args.golive) if args.command == "init" else {}
        catalogue = shipped_catalogue()
        store = _open(db, must_exist=False)
        try:
            if args.command == "init":
                store.initialise(kommune, golives, catalogue)
                print(
                    f"Oprettet: {kommune.name} ({kommune.code}), {len(catalogue.tasks)} opgaver "
                    f"i {display_url(db)}"
                )
            else:
                from kigo_tui.storage.demo import make_demo

                colours = make_demo(store, kommune, catalogue, today)
                print(
                    f"Demodatabase for {kommune.name} i {display_url(db)}: "
                    f"{colours['red']} røde, {colours['yellow']} gule, {colours['green']} grønne opgaver"
                )
        finally:
            store.close()
        return 0

    if args.command in ("backup", "backups", "restore"):
        return run_backup_command(args, db)
    if args.command == "copy":
        from kigo_tui.storage.copy import copy_database

        print(copy_database(args.source or db, args.target, replace=args.replace).text())
        return 0
    store = _open(db, must_exist=True)
    try:
        return _run_with_store(args, store, db, today)
    finally:
        store.close()


def _run_with_store(args: argparse.Namespace, store: Store, db: str, today: date) -> int:
    if args.command == "status":
        from kigo_tui.formats.status import status_text, status_tree

        tree = status_tree(store.snapshot(), today, args.project)
        if args.json:
            from kigo_tui.formats.status import status_json

            print(status_json(tree))
        else:
            ansi = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            text = status_text(tree, show_tasks=args.tasks or bool(args.project), ansi=ansi)
            # status_text made its user text printable itself and adds only its colour codes
            out = getattr(sys.stdout, "unfiltered", sys.stdout) if ansi else sys.stdout
            print(text, file=out)
        return 0
    if args.command in ("set", "done", "checklist", "delete"):
        from kigo_tui.storage.store import ConflictError

        try:
            if args.command == "checklist":
                return _checklist(store, args)
            if args.command == "delete":
                store.delete_local_task(args.task_id, args.expected_version)
                print(f"Slettet {args.task_id}")
                return 0
            return _set(store, args, today)
        except ConflictError as exc:
            raise CliError(_task_stale(store, args, exc)) from None
    if args.command == "golive":
        moved = store.set_golive(args.project, args.date)
        print(f"{args.project}: go-live {args.date.isoformat()}; {moved} opgaver fik nye datoer")
        return 0
    if args.command == "add":
        from kigo_tui.domain.rules import Category

        task = store.add_local_task(
            args.project,
            args.main_task,
            args.title,
            description=args.description,
            category=Category(args.category),
            start=args.start,
            due=args.due,
            warn_days=args.warn_days,
            checklist=args.checklist,
        )
        print(f"Tilføjet {task.id}: {task.title}")
        return 0
    if args.command == "catalogue":
        from kigo_tui.domain.catalogue import load_catalogue
        from kigo_tui.storage.catalogue import apply_update, plan_update
        from kigo_tui.storage.common import require_regular_file

        require_regular_file(args.file, "katalogfilen")  # a FIFO or device would hang the read
        new_catalogue = load_catalogue(args.file)
        if args.dry_run:
            print(plan_update(store, new_catalogue).text())
        else:
            from kigo_tui.storage.backup import make_backup, sqlite_path

            plan = plan_update(store, new_catalogue)
            if plan.mass_withdrawal and not args.force:
                raise CliError(plan.mass_withdrawal_message())
            path = sqlite_path(db)
            if not plan.is_empty and path is not None:
                print(f"Sikkerhedskopi før import: {make_backup(path, 'foer-katalogimport')}")
            print(apply_update(store, new_catalogue, confirm_withdrawal=args.force).text())
        return 0
    if args.command in ("people", "role", "responsible", "mine", "dialogue"):
        from kigo_tui.cli.organisation import run_organisation_command

        return run_organisation_command(store, args, today)
    if args.command == "exit":
        from kigo_tui.cli.exit_strategy import run_exit_command

        return run_exit_command(store, args)
    if args.command == "defect":
        from kigo_tui.cli.defects import run_defect_command

        return run_defect_command(store, args, today)
    if args.command in ("calendar", "progress"):
        from kigo_tui.cli.reports import run_calendar, run_progress

        return (run_calendar if args.command == "calendar" else run_progress)(store, args, today)
    if args.command == "export":
        from kigo_tui.bundle.export import export_bundle
        from kigo_tui.bundle.extras import bundle_extras
        from kigo_tui.config import load_settings
        from kigo_tui.storage.exit_strategy import list_areas
        from kigo_tui.storage.organisation import read_organisation

        snapshot = store.snapshot()
        result = export_bundle(
            snapshot,
            today,
            args.out,
            force=args.force,
            organisation=read_organisation(store),
            with_contacts=args.with_contacts,
            exit_areas=list_areas(store),
            **bundle_extras(store, snapshot, today, load_settings().service_levels()),
        )
        print(f"Skrev {result.path} ({result.size} bytes)")
        return 0
    raise CliError(f"ukendt kommando: {args.command}")


def _set(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.rules import Category, Status
    from kigo_tui.formats.status import colour_word
    from kigo_tui.storage.store import TaskEdit

    version = args.expected_version
    if args.command == "done":
        task = store.set_status(args.task_id, Status.DONE, version)
    else:
        edit = TaskEdit(
            title=args.title,
            category=Category(args.category) if args.category else None,
            start=args.start,
            due=args.due,
            warn_days=args.warn_days,
            reason=args.reason,
        )
        if args.status is None and edit == TaskEdit(reason=args.reason):
            raise CliError(
                "intet at ændre: angiv --status, --title, --start, --due, --category eller "
                "--warn-days"
            )
        task = store.task(args.task_id)
        if edit != TaskEdit(reason=args.reason):
            task = store.edit_task(args.task_id, edit, version)
            version = None if version is None else task.version  # our own edit moved it on
        if args.status:
            task = store.set_status(args.task_id, Status(args.status), version)
    kombit = f" (KOMBITs frist {task.baseline_due})" if task.due_moved else ""
    print(
        f"{task.id}: {task.status.value}, {colour_word(task.colour(today))}, "
        f"frist {task.due or '—'}{kombit}"
    )
    return 0


def _checklist(store: Store, args: argparse.Namespace) -> int:
    items = store.detail(args.task_id).checklist
    if args.number > len(items):
        raise CliError(
            f"{args.task_id} har {len(items)} punkter på tjeklisten, ikke et punkt {args.number}"
        )
    item = items[args.number - 1]
    task, changed = store.set_checklist_item(item.id, not args.off, args.expected_version)
    mark = "○" if args.off else "✓"
    became = f"; opgaven er nu {task.status.value}" if changed else ""
    print(f"{task.id}: {mark} {item.text}{became}")
    return 0


def _task_stale(store: Store, args: argparse.Namespace, exc: Exception) -> str:
    """The refusal of a task command given an older --version: what it would change, and what
    changed (the task's newest history)."""
    from kigo_tui.domain.conflict import stale_text

    current = getattr(exc, "current_version", None)
    if getattr(args, "expected_version", None) is None:
        return str(exc)
    task = store.task(args.task_id)
    wanted: list[tuple[str, object, object]] = []
    if args.command == "done":
        wanted.append(("status", task.status.value, "done"))
    elif args.command == "set":
        for label, name, value in (
            ("titel", "title", args.title),
            ("status", "status", args.status),
            ("start", "start", args.start),
            ("frist", "due", args.due),
            ("kategori", "category", args.category),
            ("varsel", "warn_days", args.warn_days),
        ):
            if value is not None:
                now = getattr(task, name)
                shown = value.isoformat() if isinstance(value, date) else value
                wanted.append((label, getattr(now, "value", now), shown))
    elif args.command == "checklist":
        item = store.detail(args.task_id).checklist[args.number - 1]
        wanted.append(
            (f"tjekliste: {item.text}", "✓" if item.done else "○", "○" if args.off else "✓")
        )
    else:
        wanted.append(("opgaven", task.title, "slettet"))
    return stale_text(
        f"opgave {args.task_id}",
        args.expected_version,
        current,
        wanted,
        store.history_of(args.task_id),
    )
