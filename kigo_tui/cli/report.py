"""`kigo report`: the styregruppe's status page as one self-contained HTML file.

    kigo report [--project P] [--out FIL.html|MAPPE] [--with-contacts] [--force]

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
    report = subparsers.add_parser(
        "report",
        help="skriv statussiden til styregruppen (én HTML-fil)",
        description="Én HTML-fil uden eksterne filer, til skærmen på mødet eller til print på "
        "A4: samlet farve, idriftsættelse, fremdrift mod planen, røde og gule opgaver, frister, "
        "hvad KOMBIT ser, dialog og eskaleringer, organisation, exit fra KMD Sag, fejl og SLA. "
        "Samme tal som 'kigo status --json'. Uden --with-contacts står personer med deres "
        "roller, ikke med navn (som i statusbundtet).",
    )
    add_project_option(report)
    report.add_argument(
        "--out",
        type=Path,
        default=Path("."),
        metavar="FIL.html|MAPPE",
        help="filen eller mappen (standard: denne mappe, kigo-rapport-<kode>-<dato>.html)",
    )
    report.add_argument(
        "--with-contacts",
        action="store_true",
        help="tag navne, e-mails og telefonnumre med (persondata)",
    )
    add_force_option(report)
    report.set_defaults(run=with_store(run_report))


def run_report(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.config import load_settings
    from kigo_tui.report.kommune import save_report

    path, size = save_report(
        store,
        today,
        load_settings().service_levels(),
        args.out,
        project=args.project,
        with_contacts=args.with_contacts,
        force=args.force,
    )
    print(f"Skrev {path} ({size} bytes)")
    return 0
