"""The status bundle: `kigo export` writes the kommune's; `verify` and `aggregate` are KOMBIT's
side and need no database.

Only argparse is imported at module level: `kigo --version` builds these parsers too.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_force_option
from kigo_tui.cli.running import CliError, with_store
from kigo_tui.domain.text import count

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.storage.store import Store


def register(subparsers: Subparsers) -> None:
    export = subparsers.add_parser("export", help="skriv statusbundtet til KOMBIT (zip)")
    export.add_argument("--out", help="mappe eller filnavn (standard: denne mappe)")
    add_force_option(export)
    export.add_argument(
        "--with-contacts",
        action="store_true",
        help="tag navne, e-mails og telefonnumre med (persondata)",
    )
    export.set_defaults(run=with_store(run_export))

    verify = subparsers.add_parser(
        "verify", help="kontrollér et statusbundt (kræver ingen database)"
    )
    verify.add_argument("bundle", type=Path)
    verify.set_defaults(run=run_verify)

    aggregate = subparsers.add_parser(
        "aggregate", help="KOMBIT: samlet overblik over mange bundter"
    )
    aggregate.add_argument("inputs", type=Path, nargs="+", metavar="BUNDT|MAPPE")
    aggregate.add_argument(
        "--out",
        type=Path,
        required=True,
        help="FIL.xlsx, .csv, .json eller .html (siden til skærm og print)",
    )
    add_force_option(aggregate)
    aggregate.set_defaults(run=run_aggregate)


def run_export(store: Store, args: argparse.Namespace, today: date) -> int:
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


def run_verify(args: argparse.Namespace) -> int:
    from kigo_tui.bundle.verify import verify_bundle
    from kigo_tui.domain.dates import resolve_today

    print(verify_bundle(args.bundle, resolve_today(args.today)[0]).summary())
    return 0


def run_aggregate(args: argparse.Namespace) -> int:
    from kigo_tui.bundle.aggregate import aggregate, report_lines, write_overview
    from kigo_tui.domain.dates import resolve_today
    from kigo_tui.domain.text import printable
    from kigo_tui.report.national import is_page, save_national

    result = aggregate(args.inputs, resolve_today(args.today)[0])
    for path, error in result.rejected:
        print(printable(f"kigo: afvist: {path}: {error}", one_line=True), file=sys.stderr)
    for line in report_lines(result):
        print(line)
    if not result.kommuner:
        raise CliError("ingen gyldige bundter at samle")
    if is_page(args.out):
        written = [save_national(result, args.out, force=args.force)]
    else:
        written = write_overview(result, args.out, force=args.force)
    print(
        f"{', '.join(map(str, written))}: {count(len(result.kommuner), 'kommune', 'kommuner')}, "
        f"{count(result.follow_up_count, 'opgave', 'opgaver')}, KOMBIT følger op på; "
        f"{count(len(result.rejected), 'bundt', 'bundter')} "
        f"afvist, {len(result.superseded)} erstattet af nyere, {len(result.skipped)} sprunget over"
    )
    return 0
