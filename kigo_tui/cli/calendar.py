"""`kigo calendar`: the open tasks' due dates and warnings as an .ics file, from the shell.

    kigo calendar [--project P] [--mine] --out FIL.ics [--force]

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_force_option, add_project_option
from kigo_tui.cli.running import with_store

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.storage.store import Store


def register(subparsers: Subparsers) -> None:
    calendar = subparsers.add_parser(
        "calendar",
        help="skriv åbne opgavers slutdatoer og varsler som kalenderfil (.ics)",
        description="En heldagsbegivenhed på hver åben opgaves slutdato og én, når varslet "
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


def _mine_ids(store: Store, me: str | None, today: date) -> list[str]:
    from kigo_tui.config import load_settings
    from kigo_tui.storage.organisation import my_tasks

    return [task.id for task in my_tasks(store, me or load_settings().me, today).tasks]


def run_calendar(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.calendar import calendar_bytes
    from kigo_tui.formats.files import write_atomically

    if args.out.suffix.lower() != ".ics":
        from kigo_tui.formats.files import ExportError

        raise ExportError(f"{args.out}: kalenderfilen skal hedde noget med .ics")
    snapshot = store.snapshot()
    ids = _mine_ids(store, args.me, today) if args.mine else None
    data, count = calendar_bytes(snapshot, today, task_ids=ids, project=args.project)
    write_atomically(args.out, data, force=args.force)
    print(f"Skrev {args.out}: {count} begivenheder ({len(data)} bytes)")
    return 0
