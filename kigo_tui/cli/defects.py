"""`kigo defect …`: the defect log (fejllog) from the shell.

    kigo defect add --project KY --title "…" --severity kritisk [--reported "2026-11-20 14:30"]
                    [--ref INC-123] [--note …] [--status …]
    kigo defect list [--project P] [--open] [--json]
    kigo defect set NR [--status S [--at TIDSPUNKT]] [--title …] [--severity …] [--ref …] …
    kigo defect delete NR
    kigo defect summary

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.defect_labels import DefectStatus, Severity
    from kigo_tui.domain.defects import Assessment
    from kigo_tui.domain.sla_settings import SlaSettings
    from kigo_tui.storage.store import Store

from kigo_tui.cli.args import (
    add_json_option,
    add_project_option,
    add_subcommands,
)
from kigo_tui.cli.running import with_store
from kigo_tui.domain.conflict import add_version_option


def severity_arg(text: str) -> Severity:
    from kigo_tui.domain.defect_labels import parse_severity

    try:
        return parse_severity(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def status_arg(text: str) -> DefectStatus:
    from kigo_tui.domain.defect_labels import parse_status

    try:
        return parse_status(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def moment_arg(text: str) -> datetime:
    from kigo_tui.domain.dates import DateError
    from kigo_tui.domain.times import parse_moment

    try:
        return parse_moment(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def id_arg(text: str) -> int:
    from kigo_tui.domain.text import MAX_INT, TextError, bounded_int, printable

    number = text.strip().removeprefix("FEJL-").removeprefix("fejl-")
    if not (number.isascii() and number.isdigit()):
        raise argparse.ArgumentTypeError(f"'{printable(text)}' er ikke et fejlnummer")
    try:
        return bounded_int(number, "fejlnummeret", 1, MAX_INT)
    except TextError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


MOMENT_HELP = "ÅÅÅÅ-MM-DD TT:MM i dansk tid, eller 'nu'"


def register(subparsers: Subparsers) -> None:
    defect = subparsers.add_parser(
        "defect",
        help="fejllog: fejl indberettet til leverandøren, målt mod SLA'en",
        description="Fejl indberettet til leverandøren under go-live og hyper-care (hovedopgave "
        "10 og 16), med svar- og løsningsfrister pr. alvorlighed fra [sla] i config.toml.",
    )
    defect_sub = add_subcommands(defect, "defect_command")
    add = defect_sub.add_parser("add", help="registrér en fejl")
    add_project_option(add, required=True)
    add.add_argument("--title", required=True, help="kort beskrivelse af fejlen")
    add.add_argument(
        "--severity",
        type=severity_arg,
        required=True,
        metavar="ALVOR",
        help="kritisk, alvorlig, mindre eller kosmetisk",
    )
    add.add_argument(
        "--reported", type=moment_arg, metavar="TIDSPUNKT", help=f"indberettet ({MOMENT_HELP})"
    )
    add.add_argument("--ref", default="", help="leverandørens sagsnummer")
    add.add_argument("--note", default="", help="kommunens egen note (kommer ikke i bundtet)")
    add.add_argument(
        "--status",
        type=status_arg,
        metavar="STATUS",
        help="indberettet (standard), under-behandling eller rettet",
    )
    add.set_defaults(run=with_store(run_add))

    list_ = defect_sub.add_parser("list", help="vis fejlloggen med alder og SLA")
    add_project_option(list_)
    list_.add_argument("--open", action="store_true", help="kun åbne fejl (også med --json)")
    add_json_option(list_, help="skriv JSON (som defects.json)")
    list_.set_defaults(run=with_store(run_list))

    set_ = defect_sub.add_parser("set", help="ændr en fejl (kun de angivne felter)")
    set_.add_argument("defect_id", type=id_arg, metavar="NR")
    set_.add_argument("--status", type=status_arg, metavar="STATUS")
    set_.add_argument(
        "--at",
        type=moment_arg,
        metavar="TIDSPUNKT",
        help=f"hvornår status skiftede ({MOMENT_HELP})",
    )
    add_project_option(set_)
    set_.add_argument("--title")
    set_.add_argument("--severity", type=severity_arg, metavar="ALVOR")
    set_.add_argument("--reported", type=moment_arg, metavar="TIDSPUNKT")
    set_.add_argument("--ref")
    set_.add_argument("--note")
    add_version_option(set_)
    set_.set_defaults(run=with_store(run_set))

    delete = defect_sub.add_parser("delete", help="slet en fejl registreret ved en fejl")
    delete.add_argument("defect_id", type=id_arg, metavar="NR")
    add_version_option(delete)
    delete.set_defaults(run=with_store(run_delete))

    summary = defect_sub.add_parser("summary", help="tal pr. projekt og de aftalte SLA-mål")
    summary.set_defaults(run=with_store(run_summary))


# ------------------------------------------------------------------ running


def _line(a: Assessment) -> str:
    from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS
    from kigo_tui.domain.defects import resolution_text, response_text
    from kigo_tui.domain.times import duration_text, local_text

    d = a.defect
    ref = f" [{d.supplier_ref}]" if d.supplier_ref else ""
    return (
        f"{d.id:>4}  {d.project:<4} {SEVERITY_LABELS[d.severity]:<15} "
        f"{STATUS_LABELS[d.status]:<16} {d.title}{ref}\n"
        f"      indberettet {local_text(d.reported_at)} · alder {duration_text(a.age)}\n"
        f"      svar: {response_text(a)}\n"
        f"      løsning: {resolution_text(a)}"
    )


def _print_targets(sla: SlaSettings) -> None:
    from kigo_tui.domain.defect_labels import SEVERITY_LABELS, Severity
    from kigo_tui.domain.defects import EXAMPLE_MARK
    from kigo_tui.domain.times import hours_text

    clock = (
        "hverdage (lørdag, søndag og helligdage tæller ikke)"
        if sla.working_days
        else "kalendertid (weekender tæller med)"
    )
    print(f"SLA-mål ([sla] i config.toml), målt i {clock}:")
    for severity in Severity:
        target = sla.target(severity)
        example = f"  ({EXAMPLE_MARK})" if sla.is_example(severity) else ""
        print(
            f"  {SEVERITY_LABELS[severity]:<16} svar inden {hours_text(target.response_hours):<8} "
            f"rettet inden {hours_text(target.resolution_hours)}{example}"
        )
    _print_examples_note(sla)


def _print_examples_note(sla: SlaSettings) -> None:
    """Seed 003: the supplier is held to the SLA that was agreed, so kigo's examples say so."""
    from kigo_tui.domain.defects import examples_note

    note = examples_note(sla)
    if note is not None:
        print(f"Bemærk: {note}")


def _service_levels() -> SlaSettings:
    """[sla] from config.toml: every defect command checks it, so a bad section stops them all."""
    from kigo_tui.config import load_settings

    return load_settings().service_levels()


def run_add(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.defect_labels import DefectStatus
    from kigo_tui.domain.defects import DefectInput
    from kigo_tui.domain.times import now_utc
    from kigo_tui.storage.defects import add_defect

    _service_levels()  # checked first, as by every defect command
    now = now_utc()
    row = add_defect(
        store,
        DefectInput(
            project=args.project,
            title=args.title,
            severity=args.severity,
            reported_at=args.reported or now,
            status=args.status or DefectStatus.REPORTED,
            supplier_ref=args.ref,
            note=args.note,
        ),
        now,
    )
    print(f"Registreret fejl {row.id} ({row.project}): {row.title}")
    return 0


def run_set(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.defect_labels import STATUS_LABELS
    from kigo_tui.domain.defects import DefectError
    from kigo_tui.domain.times import now_utc
    from kigo_tui.storage.defects import get_defect, save_defect, set_status, to_input
    from kigo_tui.storage.store import ConflictError

    _service_levels()  # checked first, as by every defect command
    now = now_utc()
    fields = {
        name: value
        for name, value in (
            ("project", args.project),
            ("title", args.title),
            ("severity", args.severity),
            ("reported_at", args.reported),
            ("supplier_ref", args.ref),
            ("note", args.note),
        )
        if value is not None
    }
    if not fields and args.status is None:
        raise DefectError("intet at ændre: angiv --status, --title, --severity, --ref …")
    if args.at is not None and args.status is None:
        raise DefectError("--at hører til --status (hvornår status skiftede)")
    current = get_defect(store, args.defect_id)
    seen = args.expected_version or current.version
    row = current
    try:
        if fields:
            row = save_defect(
                store, args.defect_id, replace(to_input(current), **fields), seen, now
            )
        if args.status is not None:
            version = row.version if fields else seen
            row = set_status(store, args.defect_id, args.status, args.at, version, now)
    except ConflictError as exc:
        raise DefectError(_stale(store, args, fields, exc)) from None
    print(f"Fejl {row.id}: {STATUS_LABELS[row.status]}, {row.title}")
    return 0


def run_delete(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.defects import DefectError
    from kigo_tui.storage.defects import delete_defect
    from kigo_tui.storage.store import ConflictError

    _service_levels()  # checked first, as by every defect command
    try:
        row = delete_defect(store, args.defect_id, args.expected_version)
    except ConflictError as exc:
        raise DefectError(_stale(store, args, {}, exc, deleting=True)) from None
    print(f"Slettet fejl {row.id}: {row.title}")
    return 0


def run_summary(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.defects import Policy, assess_all, figures, figures_text
    from kigo_tui.domain.times import measure_instant, now_utc
    from kigo_tui.storage.defects import list_defects

    sla = _service_levels()
    at = measure_instant(today, now_utc())
    rows = assess_all(list_defects(store, None), Policy.from_settings(sla), at)
    for line in figures(rows):
        print(figures_text(line))
    _print_targets(sla)
    return 0


def run_list(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.defects import Policy, assess_all, measured_text
    from kigo_tui.domain.times import measure_instant, now_utc
    from kigo_tui.storage.defects import list_defects

    sla = _service_levels()
    at = measure_instant(today, now_utc())
    policy = Policy.from_settings(sla)
    defects = list_defects(store, args.project)
    rows = assess_all(defects, policy, at)
    if args.json:  # the same defects, measured at the same instant, as the text below
        from kigo_tui.bundle.extras import defects_document

        doc, _, _ = defects_document(defects, sla, today, at=at, open_only=args.open)
        print(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    if args.open:
        rows = [a for a in rows if a.is_open]
    if not rows:
        print("Ingen fejl i loggen" + (" for " + args.project if args.project else ""))
        return 0
    print(f"Fejlloggen {measured_text(at, today)} (alle tider i dansk tid) · {policy.describe()}")
    for a in rows:
        print(_line(a))
    _print_examples_note(sla)
    sys.stdout.flush()
    return 0


def _stale(
    store: Store,
    args: argparse.Namespace,
    fields: dict[str, object],
    exc: Exception,
    *,
    deleting: bool = False,
) -> str:
    """The refusal of `defect set/delete --version N` on a defect changed since version N."""
    from kigo_tui.domain.conflict import stale_text
    from kigo_tui.storage.defects import _LABELS, _plain, get_defect, history_key

    if args.expected_version is None:
        return str(exc)
    current = get_defect(store, args.defect_id)
    wanted: list[tuple[str, object, object]] = [
        (_LABELS[name], _plain(getattr(current, name)), _plain(value))
        for name, value in fields.items()
    ]
    if getattr(args, "status", None) is not None:
        wanted.append(("status", current.status.value, args.status.value))
    if deleting:
        wanted.append(("fejlen", current.title, "slettet"))
    return stale_text(
        f"fejl {args.defect_id}",
        args.expected_version,
        getattr(exc, "current_version", None),
        wanted,
        store.history_of(history_key(args.defect_id)),
    )


# ------------------------------------------------------------------ go-live tasks (kigo done/set)

CONFIRM_FLAG = "--trods-fejl"


def add_confirm_option(parser: argparse.ArgumentParser) -> None:
    """`--trods-fejl` on the commands that mark a task done (`kigo done`, `kigo set --status`)."""
    parser.add_argument(
        CONFIRM_FLAG,
        dest="despite_defects",
        action="store_true",
        help="markér en go-live-opgave fuldført, selv om en kritisk fejl er åben ud over SLA'en",
    )


def refuse_go_live_done(store: Store, task_id: str, today: date, confirmed: bool) -> None:
    """Stop marking a go-live or hyper-care task (hovedopgave 10 or 16) done while a critical
    defect against its project is open past its SLA, unless the user confirmed with
    `--trods-fejl`; the message names the defects (`go_live_blockers`, seed 003)."""
    from kigo_tui.cli.running import CliError
    from kigo_tui.domain.defects import (
        Policy,
        assess_all,
        blockers_text,
        go_live_blockers,
        is_go_live_task,
    )
    from kigo_tui.domain.rules import Status
    from kigo_tui.domain.times import measure_instant, now_utc
    from kigo_tui.storage.defects import list_defects

    task = store.task(task_id)
    if confirmed or task.status == Status.DONE or not is_go_live_task(task.main_task):
        return
    sla = _service_levels()
    at = measure_instant(today, now_utc())
    rows = assess_all(list_defects(store, task.project), Policy.from_settings(sla), at)
    blockers = go_live_blockers(task.project, task.main_task, rows)
    if blockers:
        raise CliError(
            f"{blockers_text(task.id, blockers)}\nIkke markeret fuldført. Ret fejlen først, "
            f"eller brug {CONFIRM_FLAG} for at markere opgaven fuldført alligevel."
        )
