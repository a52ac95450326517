"""`kigo catalogue import`: merge a newer task catalogue from KOMBIT into the database.

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers

from kigo_tui.cli.args import add_force_option, add_subcommands
from kigo_tui.cli.running import CliError, database, open_store


def register(subparsers: Subparsers) -> None:
    catalogue = subparsers.add_parser("catalogue", help="opgavekataloget fra KOMBIT")
    catalogue_sub = add_subcommands(catalogue, "catalogue_command")
    catalogue_import = catalogue_sub.add_parser("import", help="flet et nyere katalog ind")
    catalogue_import.add_argument("file", type=Path, help="katalogfil (TOML)")
    catalogue_import.add_argument(
        "--dry-run", action="store_true", help="vis kun hvad der ville ændres"
    )
    add_force_option(
        catalogue_import,
        help="importér også når over halvdelen af kommunens katalogopgaver trækkes tilbage",
    )
    catalogue_import.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    """The plan (--dry-run) or the import, with a backup of a SQLite file before it changes."""
    from kigo_tui.domain.catalogue import load_catalogue
    from kigo_tui.storage.catalogue import apply_update, plan_update
    from kigo_tui.storage.common import require_regular_file

    db, _ = database(args)
    store = open_store(db, must_exist=True)
    try:
        require_regular_file(args.file, "katalogfilen")  # a FIFO or device would hang the read
        new_catalogue = load_catalogue(args.file)
        if args.dry_run:
            print(plan_update(store, new_catalogue).text())
            return 0
        from kigo_tui.storage.backup import make_backup, sqlite_path

        plan = plan_update(store, new_catalogue)
        if plan.mass_withdrawal and not args.force:
            raise CliError(plan.mass_withdrawal_message())
        path = sqlite_path(db)
        if not plan.is_empty and path is not None:
            print(f"Sikkerhedskopi før import: {make_backup(path, 'foer-katalogimport')}")
        print(apply_update(store, new_catalogue, confirm_withdrawal=args.force).text())
        return 0
    finally:
        store.close()
