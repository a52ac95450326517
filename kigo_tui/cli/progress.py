"""`kigo progress`: the weekly figures (done against the plan, red and yellow), from the shell.

    kigo progress [--project P] [--json]

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_json_option, add_project_option
from kigo_tui.cli.running import with_store

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.progress import Progress
    from kigo_tui.storage.store import Store


def register(subparsers: Subparsers) -> None:
    progress = subparsers.add_parser(
        "progress",
        help="fremdrift pr. uge: fuldført mod planen, røde og gule",
        description="Ugetal fra historikken: opgaver tilbage mod planen (slutdatoerne) og antal "
        "røde og gule opgaver pr. uge. Samme tal som grafen i TUI'en (p) og arket Fremdrift.",
    )
    add_project_option(progress)
    add_json_option(progress)
    progress.set_defaults(run=with_store(run_progress))


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
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.progress import ALL

    name = "Hele kommunen" if series.scope == ALL else series.scope
    lines = [
        f"Fremdrift – {name} pr. {short_date(series.today)}",
        f"{'Uge':<12} {'Opgjort':<10} {'Opgaver':>7} {'Fuldført':>8} {'Tilbage':>7} "
        f"{'Plan':>5} {'Bagud':>6} {'Røde':>5} {'Gule':>5}",
    ]
    for w in series.weeks:
        if not w.measured:
            lines.append(
                f"{w.danish_label:<12} {'':<10} {'':>7} {'':>8} {'':>7} {w.planned_remaining:>5}"
            )
            continue
        lines.append(
            f"{w.danish_label:<12} {short_date(w.day):<10} {w.tasks:>7} {w.done:>8} {w.remaining:>7} "
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
