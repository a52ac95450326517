"""`kigo calendar` (open tasks as an .ics file) and `kigo progress` (weekly figures) from the shell.

    kigo calendar [--project P] [--mine] --out FIL.ics [--force]
    kigo progress [--project P] [--json]

Only argparse is imported at module level: `kigo --version` builds these parsers too.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_force_option, add_json_option, add_project_option
from kigo_tui.cli.running import with_store

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.progress import Progress
    from kigo_tui.storage.store import Store


def register(subparsers: Subparsers) -> None:
    calendar = subparsers.add_parser(
        "calendar",
        help="skriv åbne opgavers frister og varsler som kalenderfil (.ics)",
        description="En heldagsbegivenhed på hver åben opgaves frist og én, når varslet "
        "begynder. Faste UID'er: en ny import opdaterer begivenhederne i stedet for at lave "
        "dubletter. Åbnes i Outlook, Google Kalender, Apple Kalender m.fl.",
    )
    add_project_option(calendar)
    calendar.add_argument(
        "--mine", action="store_true", help="kun mine opgaver ('me' i config.toml eller --me)"
    )
    calendar.add_argument("--me", help="person (id, e-mail eller navn) for --mine")
    calendar.add_argument("--out", type=Path, required=True, metavar="FIL.ics")
    add_force_option(calendar)
    calendar.set_defaults(run=with_store(run_calendar))

    progress = subparsers.add_parser(
        "progress",
        help="fremdrift pr. uge: fuldført mod planen, røde og gule",
        description="Ugetal fra historikken: opgaver tilbage mod planen (fristerne) og antal "
        "røde og gule opgaver pr. uge. Samme tal som grafen i TUI'en (p) og arket Fremdrift.",
    )
    add_project_option(progress)
    add_json_option(progress)
    progress.set_defaults(run=with_store(run_progress))


def _mine_ids(store: Store, me: str | None, today: date) -> list[str]:
    from kigo_tui.config import load_settings
    from kigo_tui.storage.organisation import my_tasks

    return [task.id for task in my_tasks(store, me or load_settings().me, today).tasks]


def run_calendar(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.bundle.export import write_atomically
    from kigo_tui.formats.calendar import calendar_bytes

    if args.out.suffix.lower() != ".ics":
        from kigo_tui.bundle.export import ExportError

        raise ExportError(f"{args.out}: kalenderfilen skal hedde noget med .ics")
    snapshot = store.snapshot()
    ids = _mine_ids(store, args.me, today) if args.mine else None
    data, count = calendar_bytes(snapshot, today, task_ids=ids, project=args.project)
    write_atomically(args.out, data, force=args.force)
    print(f"Skrev {args.out}: {count} begivenheder ({len(data)} bytes)")
    return 0


def progress_dict(series: Progress) -> dict[str, object]:
    return {
        "scope": series.scope,
        "today": series.today.isoformat(),
        "weeks": [
            {
                "week": w.label,
                "monday": w.monday.isoformat(),
                "day": w.day.isoformat(),
                "tasks": w.tasks,
                "done": w.done,
                "remaining": w.remaining,
                "planned_remaining": w.planned_remaining,
                "behind": w.behind,
                "red": w.red,
                "yellow": w.yellow,
            }
            for w in series.weeks
        ],
    }


def progress_lines(series: Progress) -> list[str]:
    """The weekly table as text (what the TUI's table shows)."""
    from kigo_tui.domain.progress import ALL

    name = "Hele kommunen" if series.scope == ALL else series.scope
    lines = [
        f"Fremdrift – {name} pr. {series.today.isoformat()}",
        f"{'Uge':<9} {'Opgjort':<10} {'Opgaver':>7} {'Fuldført':>8} {'Tilbage':>7} "
        f"{'Plan':>5} {'Bagud':>6} {'Røde':>5} {'Gule':>5}",
    ]
    for w in series.weeks:
        if not w.measured:
            lines.append(f"{w.label:<9} {'':<10} {'':>7} {'':>8} {'':>7} {w.planned_remaining:>5}")
            continue
        lines.append(
            f"{w.label:<9} {w.day.isoformat():<10} {w.tasks:>7} {w.done:>8} {w.remaining:>7} "
            f"{w.planned_remaining:>5} {w.behind:>+6} {w.red:>5} {w.yellow:>5}"
        )
    return lines


def run_progress(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.progress import ALL
    from kigo_tui.storage.progress import read_progress

    series = read_progress(store, today)[args.project or ALL]
    if args.json:
        print(json.dumps(progress_dict(series), ensure_ascii=False, indent=2))
    else:
        print("\n".join(progress_lines(series)))
    return 0
