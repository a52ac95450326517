"""The task commands: `kigo status`, `set`, `done`, `checklist`, `golive`, `add` and `delete`.

Only argparse and light domain modules are imported at module level: `kigo --version` builds these
parsers too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from kigo_tui.cli.args import (
    CATEGORY_WORDS,
    STATUS_WORDS,
    add_json_option,
    add_project_argument,
    add_project_option,
    date_arg,
    int_in,
    word_arg,
    word_metavar,
)
from kigo_tui.cli.defects import add_confirm_option, refuse_go_live_done
from kigo_tui.cli.running import CliError, with_store
from kigo_tui.domain.conflict import add_version_option
from kigo_tui.domain.text import MAX_INT, count

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.rules import Status
    from kigo_tui.models.readmodels import TaskRow as Task
    from kigo_tui.storage.store import Store

STATUSES = ("not_started", "in_progress", "done")
CATEGORIES = ("optional", "mandatory", "critical")

T = TypeVar("T")
Wanted = list[tuple[str, object, object]]
"""What a refused command would have changed: (field, value now, value wanted)."""


def checklist_number(text: str) -> int:
    """An argument type: a checklist item's number, 1 is the first."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' er ikke et punktnummer (1, 2, …)") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"punktnummeret skal være fra 1 til 10000, ikke {value}")
    return value


def warn_arg(text: str) -> int:
    """An argument type: the warning, 0 to 365 days before the due date (domain.tasks checks it)."""
    from kigo_tui.domain.tasks import TaskFieldError, check_warn_days

    try:
        return check_warn_days(text)
    except TaskFieldError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: Subparsers) -> None:
    status = subparsers.add_parser("status", help="vis status som tekst eller JSON")
    add_project_option(status)
    add_json_option(status)
    status.add_argument(
        "--tasks", action="store_true", help="vis også opgaver der ikke er grønne og fuldførte"
    )
    status.set_defaults(run=with_store(run_status))

    set_ = subparsers.add_parser("set", help="ændr en opgave")
    set_.add_argument("task_id")
    set_.add_argument("--status", type=word_arg(STATUS_WORDS), metavar=word_metavar(STATUS_WORDS))
    set_.add_argument("--start", type=date_arg)
    set_.add_argument("--due", type=date_arg)
    set_.add_argument(
        "--category", type=word_arg(CATEGORY_WORDS), metavar=word_metavar(CATEGORY_WORDS)
    )
    set_.add_argument("--warn-days", type=warn_arg)
    set_.add_argument(
        "--begrundelse",
        "--reason",
        dest="reason",
        metavar="TEKST",
        help="hvorfor en katalogopgaves start eller slutdato flyttes væk fra KOMBITs dato (kræves da)",
    )
    set_.add_argument("--title", help="ny titel")
    add_version_option(set_)
    add_confirm_option(set_)
    set_.set_defaults(run=with_store(run_set))

    done = subparsers.add_parser("done", help="markér en opgave som fuldført")
    done.add_argument("task_id")
    add_version_option(done)
    add_confirm_option(done)
    done.set_defaults(run=with_store(run_done))

    checklist = subparsers.add_parser("checklist", help="afkryds et punkt på en opgaves tjekliste")
    checklist.add_argument("task_id")
    checklist.add_argument(
        "number", type=checklist_number, metavar="NR", help="punktets nummer, 1 er det første"
    )
    checklist.add_argument("--off", action="store_true", help="fjern afkrydsningen i stedet")
    add_version_option(checklist)
    checklist.set_defaults(run=with_store(run_checklist))

    golive = subparsers.add_parser("golive", help="sæt eller flyt et projekts idriftsættelsesdato")
    add_project_argument(golive)
    golive.add_argument("date", type=date_arg)
    golive.set_defaults(run=with_store(run_golive))

    add = subparsers.add_parser("add", help="tilføj kommunens egen opgave under en hovedopgave")
    add_project_argument(add)
    add.add_argument(
        "main_task",
        type=int_in("hovedopgaven", -MAX_INT, MAX_INT),
        help="hovedopgavens nummer, 1-16",
    )
    add.add_argument("title")
    add.add_argument("--description", default="")
    add.add_argument(
        "--category",
        type=word_arg(CATEGORY_WORDS),
        metavar=word_metavar(CATEGORY_WORDS),
        default="optional",
    )
    add.add_argument("--start", type=date_arg)
    add.add_argument("--due", type=date_arg)
    add.add_argument("--warn-days", type=warn_arg, default=14)
    add.add_argument("--checklist", action="append", default=[], metavar="PUNKT")
    add.set_defaults(run=with_store(run_add))

    delete = subparsers.add_parser("delete", help="slet en lokal opgave")
    delete.add_argument("task_id")
    add_version_option(delete)
    delete.set_defaults(run=with_store(run_delete))


# ------------------------------------------------------------------ running


def run_status(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.status import golive_conflict_lines, status_text, status_tree

    snapshot = store.snapshot()
    tree = status_tree(snapshot, today, args.project)
    if args.json:
        from kigo_tui.formats.status import status_json

        print(status_json(tree))
    else:
        ansi = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = status_text(tree, show_tasks=args.tasks or bool(args.project), ansi=ansi)
        # status_text made its user text printable itself and adds only its colour codes
        out = getattr(sys.stdout, "unfiltered", sys.stdout) if ansi else sys.stdout
        print(text, file=out)
        for line in golive_conflict_lines(snapshot.projects, args.project):
            print(line, file=out)
    return 0


def run_set(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.rules import CATEGORY_LABELS, STATUS_LABELS, Category, Status
    from kigo_tui.storage.store import TaskEdit

    version = args.expected_version
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
            "intet at ændre: angiv --status, --title, --start, --due, --category eller --warn-days"
        )

    if args.status == Status.DONE.value:
        refuse_go_live_done(store, args.task_id, today, args.despite_defects)

    def change() -> Task:
        nonlocal version
        task = store.task(args.task_id)
        if edit != TaskEdit(reason=args.reason):
            task = store.edit_task(args.task_id, edit, version)
            version = None if version is None else task.version  # our own edit moved it on
        if args.status:
            task = store.set_status(args.task_id, Status(args.status), version)
        return task

    def wanted(task: Task) -> Wanted:
        fields: Wanted = []
        for label, name, value in (
            ("titel", "title", args.title),
            ("status", "status", args.status and STATUS_LABELS[Status(args.status)]),
            ("start", "start", args.start),
            ("slutdato", "due", args.due),
            ("kategori", "category", args.category and CATEGORY_LABELS[Category(args.category)]),
            ("varsel", "warn_days", args.warn_days),
        ):
            if value is not None:
                now = getattr(task, name)
                fields.append((label, _shown(now), _shown(value)))
        return fields

    _print_task(_refused_if_stale(store, args, change, wanted), today)
    return 0


def run_done(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.rules import STATUS_LABELS, Status

    refuse_go_live_done(store, args.task_id, today, args.despite_defects)

    def change() -> Task:
        return store.set_status(args.task_id, Status.DONE, args.expected_version)

    def wanted(task: Task) -> Wanted:
        return [("status", STATUS_LABELS[task.status], STATUS_LABELS[Status.DONE])]

    _print_task(_refused_if_stale(store, args, change, wanted), today)
    return 0


def _shown(value: object) -> object:
    """A task's field as a person reads it: Danish labels, dates as dd-mm-åååå."""
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.rules import CATEGORY_LABELS, STATUS_LABELS, Category, Status

    if isinstance(value, Status):
        return STATUS_LABELS[value]
    if isinstance(value, Category):
        return CATEGORY_LABELS[value]
    if isinstance(value, date):
        return short_date(value)
    return value


def _print_task(task: Task, today: date) -> None:
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.rules import STATUS_LABELS
    from kigo_tui.formats.status import colour_word

    kombit = f" (KOMBITs slutdato {short_date(task.baseline_due)})" if task.due_moved else ""
    print(
        f"{task.id}: {STATUS_LABELS[task.status]}, {colour_word(task.colour(today))}, "
        f"slutdato {short_date(task.due)}{kombit}"
    )


def run_checklist(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.rules import STATUS_LABELS

    items = store.detail(args.task_id).checklist
    if args.number > len(items):
        raise CliError(
            f"{args.task_id} har {count(len(items), 'punkt', 'punkter')} på tjeklisten, ikke et punkt {args.number}"
        )
    item = items[args.number - 1]

    def change() -> tuple[Task, Status | None]:
        return store.set_checklist_item(item.id, not args.off, args.expected_version)

    def wanted(task: Task) -> Wanted:
        now = store.detail(args.task_id).checklist[args.number - 1]
        return [(f"tjekliste: {now.text}", "✓" if now.done else "○", "○" if args.off else "✓")]

    task, changed = _refused_if_stale(store, args, change, wanted)
    mark = "○" if args.off else "✓"
    became = f"; opgaven er nu {STATUS_LABELS[task.status]}" if changed else ""
    print(f"{task.id}: {mark} {item.text}{became}")
    return 0


def run_delete(store: Store, args: argparse.Namespace, today: date) -> int:
    def change() -> None:
        store.delete_local_task(args.task_id, args.expected_version)

    def wanted(task: Task) -> Wanted:
        return [("opgaven", task.title, "slettet")]

    _refused_if_stale(store, args, change, wanted)
    print(f"Slettet {args.task_id}")
    return 0


def _refused_if_stale(
    store: Store,
    args: argparse.Namespace,
    change: Callable[[], T],
    wanted: Callable[[Task], Wanted],
) -> T:
    """change(), or, when the task is newer than the --version given, a CliError saying what the
    command would change (wanted) and what changed (the task's newest history)."""
    from kigo_tui.domain.conflict import stale_text
    from kigo_tui.storage.store import ConflictError

    try:
        return change()
    except ConflictError as exc:
        if getattr(args, "expected_version", None) is None:
            raise CliError(str(exc)) from None
        message = stale_text(
            f"opgave {args.task_id}",
            args.expected_version,
            getattr(exc, "current_version", None),
            wanted(store.task(args.task_id)),
            store.history_of(args.task_id),
        )
        raise CliError(message) from None


def run_golive(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.dates import short_date
    from kigo_tui.formats.status import golive_conflict_lines

    moved = store.set_golive(args.project, args.date)
    print(
        f"{args.project}: idriftsættelse {short_date(args.date)}; "
        f"{count(moved, 'opgave', 'opgaver')} fik nye datoer"
    )
    for line in golive_conflict_lines(store.overview(today).projects, args.project):
        print(line)
    return 0


def run_add(store: Store, args: argparse.Namespace, today: date) -> int:
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
