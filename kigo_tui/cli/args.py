"""The argument types and options the command families share, and the parser class they use.

Only the standard library and light domain modules are imported: `kigo --version` and the TUI's
fast path (`kigo_tui.cli.tui`) import this module.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from kigo_tui.domain.dates import DateError, parse_date
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import TextError, bounded_int, clean_text

if TYPE_CHECKING:
    from typing import TypeAlias

    Subparsers: TypeAlias = argparse._SubParsersAction["Parser"]
    """What `register(subparsers)` of each command family adds its commands to."""


class DanishUsage(argparse.HelpFormatter):
    """A help layout with a Danish usage line ('brug: kigo …'); mixed into any formatter class a
    command asks for (`Parser` does it)."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)


USAGE_PREFIX = "brug: "
HELP_TEXT = "vis denne hjælp og afslut"
VERSION_HELP = "vis programmets version og afslut"
POSITIONALS_TITLE = "argumenter"
OPTIONALS_TITLE = "tilvalg"

_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"invalid choice: (.*) \(choose from (.*)\)", re.S),
        lambda m: f"ugyldigt valg {m[1]} (vælg mellem {m[2]})",
    ),
    (re.compile(r"invalid .* value: (.*)", re.S), lambda m: f"ugyldig værdi {m[1]}"),
    (
        re.compile(r"the following arguments are required: (.*)", re.S),
        lambda m: f"mangler {m[1]}",
    ),
    (
        re.compile(r"one of the arguments (.*) is required", re.S),
        lambda m: f"et af argumenterne {m[1]} skal angives",
    ),
    (re.compile(r"unrecognized arguments: (.*)", re.S), lambda m: f"ukendte argumenter: {m[1]}"),
    (
        re.compile(r"not allowed with argument (.*)", re.S),
        lambda m: f"kan ikke bruges sammen med {m[1]}",
    ),
    (
        re.compile(r"ignored explicit argument (.*)", re.S),
        lambda m: f"tager ingen værdi (fik {m[1]})",
    ),
    (re.compile(r"expected one argument"), lambda m: "mangler en værdi"),
    (re.compile(r"expected at most one argument"), lambda m: "tager højst én værdi"),
    (re.compile(r"expected at least one argument"), lambda m: "mangler mindst én værdi"),
    (re.compile(r"expected (\d+) arguments?"), lambda m: f"forventer {m[1]} værdier"),
    (
        re.compile(r"ambiguous option: (.*) could match (.*)", re.S),
        lambda m: f"tvetydigt tilvalg {m[1]}: kan være {m[2]}",
    ),
    (
        re.compile(r"unexpected option string: (.*)", re.S),
        lambda m: f"uventet tilvalg {m[1]}",
    ),
    (
        re.compile(r"unknown parser (.*) \(choices: (.*)\)", re.S),
        lambda m: f"ukendt kommando {m[1]} (vælg mellem {m[2]})",
    ),
)
_ARGUMENT_ERROR = re.compile(r"argument (\S+): (.*)", re.S)


def danish_error(message: str) -> str:
    """argparse's own English error message in Danish; a message that is already Danish (from an
    argument type) is kept as it is."""
    argument = _ARGUMENT_ERROR.fullmatch(message)
    if argument:
        return f"{argument[1]}: {danish_error(argument[2])}"
    for pattern, danish in _ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return danish(match)
    return message


class Parser(argparse.ArgumentParser):
    """The parser of `kigo` and of every subcommand: help and errors in Danish, '--' a value like
    any other."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        formatter = kwargs.get("formatter_class", argparse.HelpFormatter)
        if not issubclass(formatter, DanishUsage):
            kwargs["formatter_class"] = type(
                f"Danish{formatter.__name__}", (DanishUsage, formatter), {}
            )
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = POSITIONALS_TITLE
        self._optionals.title = OPTIONALS_TITLE
        if add_help:
            self.add_argument("-h", "--help", action="help", help=HELP_TEXT)

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
        self.exit(2, f"kigo: fejl: {danish_error(message)}\n")


def add_subcommands(parser: argparse.ArgumentParser, dest: str) -> Subparsers:
    """The required second word of a command family (`kigo people add`, `kigo exit list`, …)."""
    return parser.add_subparsers(dest=dest, required=True, parser_class=Parser)


# ------------------------------------------------------------------ global options


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """--db and --today: all the TUI takes, and given before any subcommand."""
    parser.add_argument(
        "--db", help="databasefil eller SQLAlchemy-URL (ellers KIGO_DB eller standard)"
    )
    parser.add_argument(
        "--today", help="beregn farver for denne dato, ÅÅÅÅ-MM-DD (ellers KIGO_TODAY)"
    )


# ------------------------------------------------------------------ argument types


def date_arg(text: str) -> date:
    """An argument type: a date, ÅÅÅÅ-MM-DD."""
    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def golive_arg(text: str) -> tuple[str, date]:
    """An argument type: PROJEKT=ÅÅÅÅ-MM-DD, the project code in any case."""
    project, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"'{text}': skriv PROJEKT=ÅÅÅÅ-MM-DD, fx SAPA=2027-03-01")
    code = project.strip().upper()
    if code not in PROJECT_CODES:
        raise argparse.ArgumentTypeError(
            f"ukendt projekt '{project}' (brug {', '.join(PROJECT_CODES)})"
        )
    return code, date_arg(value)


def int_in(field: str, low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number in [low, high], or a Danish message naming `field`."""

    def parse(text: str) -> int:
        try:
            return bounded_int(text, field, low, high)
        except TextError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def text_arg(field: str) -> Callable[[str], str]:
    """An argument type: text through `clean_text` (NFC, no control characters or line breaks)."""

    def parse(text: str) -> str:
        try:
            return clean_text(text, field, strip=False)
        except TextError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def location_arg(text: str) -> str:
    """An argument type for a database location: kept as given, but it must be valid Unicode
    (SQLite and SQLAlchemy take a database's name as UTF-8)."""
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise argparse.ArgumentTypeError(
            "stien til databasen er ikke gyldig UTF-8; omdøb filen eller mappen"
        )
    return text


# ------------------------------------------------------------------ shared options


def add_project_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """--project: a project code (STS, SAPA, …) in any case."""
    parser.add_argument("--project", type=str.upper, choices=PROJECT_CODES, required=required)


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    """The positional `project`: a project code (STS, SAPA, …) in any case."""
    parser.add_argument("project", type=str.upper, choices=PROJECT_CODES)


def add_json_option(parser: argparse.ArgumentParser, help: str = "skriv JSON") -> None:
    parser.add_argument("--json", action="store_true", help=help)


def add_force_option(
    parser: argparse.ArgumentParser, help: str = "overskriv en eksisterende fil"
) -> None:
    parser.add_argument("--force", action="store_true", help=help)


# ------------------------------------------------------------------ free text


DATABASE_DESTS = frozenset({"db", "source", "target"})
PATH_DESTS = frozenset({*DATABASE_DESTS, "out"})
"""Arguments that name a file or database: kept byte for byte (a file name in NFD or not UTF-8
is still that file); what is printed of them goes through the printable output."""


def clean_text_arguments(parser: argparse.ArgumentParser) -> None:
    """Give every free-text argument of every subcommand the `clean_text` type, so no command
    receives a control character, a line break or text that is not valid Unicode."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):
                clean_text_arguments(subparser)
        elif action.type is None and action.dest in DATABASE_DESTS:
            action.type = location_arg
        elif (
            action.type is None
            and action.nargs != 0
            and action.choices is None
            and action.dest not in PATH_DESTS
        ):
            name = action.option_strings[-1] if action.option_strings else action.dest
            action.type = text_arg(f"argumentet {name}")


# ------------------------------------------------------------------ Danish names in help


COMMAND_METAVAR = "KOMMANDO"
METAVARS: dict[str, str] = {
    "accountable": "PERSON",
    "actions": "TEKST",
    "backup": "KOPI",
    "bundle": "BUNDT",
    "date": "DATO",
    "db": "DATABASE",
    "description": "TEKST",
    "doer": "PERSON",
    "due": "DATO",
    "email": "E-MAIL",
    "file": "FIL",
    "kommune": "KOMMUNE",
    "main_task": "HOVEDOPGAVE",
    "me": "PERSON",
    "name": "NAVN",
    "note": "TEKST",
    "out": "FIL",
    "person": "PERSON",
    "phone": "TELEFON",
    "project": "PROJEKT",
    "ref": "SAGSNR",
    "role": "ROLLE",
    "start": "DATO",
    "task_id": "OPGAVE",
    "title": "TITEL",
    "today": "DATO",
    "topic": "EMNE",
    "unit": "ENHED",
    "warn_days": "DAGE",
}
"""The name `--help` and error messages give an argument's value, by the argument's dest, where
the command family gave no metavar (argparse would show the English dest)."""


def name_arguments(parser: argparse.ArgumentParser) -> None:
    """Give every argument of every subcommand a Danish name in help and errors: the command word
    is KOMMANDO, a value without a metavar gets its name from METAVARS (a positional with choices
    too; an option with choices keeps showing them)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            if action.metavar is None:
                action.metavar = COMMAND_METAVAR
            for subparser in dict.fromkeys(action.choices.values()):
                name_arguments(subparser)
        elif action.metavar is None and action.nargs != 0:
            if action.choices is not None and action.option_strings:
                continue
            action.metavar = METAVARS.get(action.dest, action.dest.upper())


# ------------------------------------------------------------------ Danish values


STATUS_WORDS: dict[str, str] = {
    "ikke-påbegyndt": "not_started",
    "påbegyndt": "in_progress",
    "i-gang": "in_progress",
    "fuldført": "done",
}
"""`--status` of a task as a user types it → the stored code; the first word per code is shown."""
CATEGORY_WORDS: dict[str, str] = {
    "valgfri": "optional",
    "obligatorisk": "mandatory",
    "kritisk": "critical",
    "obligatorisk-kritisk": "critical",
}
"""`--category` of a task as a user types it → the stored code ('kritisk' is KIGO's
'obligatorisk kritisk')."""


ESCALATION_WORDS: dict[str, str] = {
    "ingen": "none",
    "direktion": "direktion",
    "kommunalbestyrelse": "kommunalbestyrelse",
}
"""`kigo dialogue log --escalation`: to whom KOMBIT escalated, if anyone (seed 000)."""


ROLE_WORDS: dict[str, str] = {
    "programleder": "programme_lead",
    "styregruppeformand": "steering_chair",
    "styregruppemedlem": "steering_member",
    "projektleder": "project_lead",
    "implementeringsansvarlig": "implementation_owner",
    "sts-ansvarlig": "sts_owner",
    "systemejer": "system_owner",
    "kontraktstyringsansvarlig": "contract_manager",
    "it-controller": "it_controller",
    "it-indkøber": "it_buyer",
    "gevinstansvarlig": "benefit_responsible",
    "gevinstejer": "benefit_owner",
    "træner": "trainer",
    "superbruger": "superuser",
    "kombit-kontakt": "kombit_contact",
    "projektkoordinator": "programme_lead",
}
"""`kigo role assign PERSON ROLLE`: a role by its Danish word → the stored code (the first word
per code is the one `kigo role list` shows)."""


def word_arg(words: dict[str, str]) -> Callable[[str], str]:
    """An argument type: one of the Danish `words` (any case, a space for a hyphen) → its code.
    The codes themselves ('in_progress', 'done', exactly so) are accepted too, for scripts written
    before the Danish words; help and errors name only the Danish words."""
    codes = set(words.values())

    def parse(text: str) -> str:
        if text in codes:  # exactly as scripts wrote it before
            return text
        word = text.strip().casefold().replace(" ", "-")
        if word in words:
            return words[word]
        raise argparse.ArgumentTypeError(f"ugyldigt valg '{text}' (vælg mellem {', '.join(words)})")

    return parse


def word_metavar(words: dict[str, str]) -> str:
    """How help shows a choice of Danish words: '{ikke-påbegyndt,påbegyndt,i-gang,fuldført}'."""
    return "{" + ",".join(words) + "}"
