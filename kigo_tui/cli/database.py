"""The database commands: `kigo init` and `demo` make one; `copy`, `backup`, `backups` and
`restore` look after it.

backup, backups and restore work on the file itself (no store is opened), so a damaged database
can be restored. Only argparse and light domain modules are imported at module level.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_force_option, golive_arg
from kigo_tui.cli.running import CliError, database, open_store
from kigo_tui.domain.text import count

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.kommuner import Kommune


def register_creation(subparsers: Subparsers) -> None:
    """init and demo (first in `kigo --help`)."""
    init = subparsers.add_parser("init", help="opret databasen for en kommune")
    init.add_argument("--kommune", required=True, help="kommunekode, fx 101")
    init.add_argument(
        "--golive",
        action="append",
        type=golive_arg,
        default=[],
        metavar="PROJEKT=DATO",
        help="idriftsættelsesdato for et projekt (kan gentages)",
    )
    init.set_defaults(run=run_init)

    demo = subparsers.add_parser("demo", help="opret en demodatabase hvor alle farver forekommer")
    demo.add_argument("--kommune", default="461", help="kommunekode (standard 461 Odense)")
    demo.set_defaults(run=run_demo)


def register_care(subparsers: Subparsers) -> None:
    """copy, backup, backups and restore (after the organisation in `kigo --help`)."""
    copy = subparsers.add_parser(
        "copy", help="kopiér alle data til en anden database (fx fra en SQLite-fil til PostgreSQL)"
    )
    copy.add_argument(
        "--from", dest="source", metavar="KILDE", help="sti eller URL (standard: --db/KIGO_DB)"
    )
    copy.add_argument("--to", dest="target", metavar="MÅL", required=True, help="sti eller URL")
    copy.add_argument("--replace", action="store_true", help="erstat data, som målet allerede har")
    copy.set_defaults(run=run_copy)

    backup = subparsers.add_parser("backup", help="tag en sikkerhedskopi af databasen (SQLite)")
    backup.set_defaults(run=run_backup)
    backups = subparsers.add_parser("backups", help="vis databasens sikkerhedskopier")
    backups.set_defaults(run=run_backups)
    restore = subparsers.add_parser("restore", help="gendan databasen fra en sikkerhedskopi")
    restore.add_argument("backup", nargs="?", type=Path, help="kopien (standard: nyeste gode)")
    add_force_option(
        restore, help="gendan også en tom, beskadiget, nyere eller anden kommunes kopi"
    )
    restore.set_defaults(run=run_restore)


# ------------------------------------------------------------------ running


def _kommune(code: str) -> Kommune:
    from kigo_tui.domain.kommuner import find_kommune

    kommune = find_kommune(code)
    if kommune is None:
        raise CliError(
            f"ukendt kommunekode: '{code}' (kommunens officielle kode, fx 101 for København; "
            "TUI'ens første skærm har en søgbar liste over de 98)"
        )
    return kommune


def run_init(args: argparse.Namespace) -> int:
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.storage.dburl import display_url

    db, _ = database(args)
    kommune = _kommune(args.kommune)
    catalogue = shipped_catalogue()
    store = open_store(db, must_exist=False)
    try:
        store.initialise(kommune, dict(args.golive), catalogue)
        print(
            f"Oprettet: {kommune.name} ({kommune.code}), {count(len(catalogue.tasks), 'opgave', 'opgaver')} "
            f"i {display_url(db)}"
        )
        from kigo_tui.domain.dependencies import golive_conflicts

        for conflict in golive_conflicts(dict(args.golive)):
            print(f"⚠ {conflict.message}")
    finally:
        store.close()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.rules import Colour
    from kigo_tui.storage.dburl import display_url
    from kigo_tui.storage.demo import make_demo

    db, today = database(args)
    kommune = _kommune(args.kommune)
    catalogue = shipped_catalogue()
    store = open_store(db, must_exist=False)
    try:
        colours = make_demo(store, kommune, catalogue, today)
        print(
            f"Demodatabase for {kommune.name} i {display_url(db)}: opgaverne er "
            f"{count(colours[Colour.RED], 'rød', 'røde')}, "
            f"{count(colours[Colour.YELLOW], 'gul', 'gule')} og "
            f"{count(colours[Colour.GREEN], 'grøn', 'grønne')}"
        )
    finally:
        store.close()
    return 0


def run_copy(args: argparse.Namespace) -> int:
    from kigo_tui.storage.copy import copy_database

    db, _ = database(args)
    print(copy_database(args.source or db, args.target, replace=args.replace).text())
    return 0


def _sqlite_file(args: argparse.Namespace) -> Path:
    """The SQLite file of the database this run names; a server's database is refused."""
    from kigo_tui.storage.backup import sqlite_path

    db, _ = database(args)
    path = sqlite_path(db)
    if path is None:
        raise CliError(
            "sikkerhedskopier laves med SQLite-filer; for en databaseserver: brug dens egne "
            "værktøjer (pg_dump), eller kopiér til en fil med 'kigo copy --to kopi.db'"
        )
    return path


def run_backup(args: argparse.Namespace) -> int:
    from kigo_tui.storage.backup import make_backup

    print(f"Sikkerhedskopi: {make_backup(_sqlite_file(args))}")
    return 0


def run_backups(args: argparse.Namespace) -> int:
    from kigo_tui.storage.backup import backup_taken, list_backups

    backups = list_backups(_sqlite_file(args))
    if not backups:
        print("Ingen sikkerhedskopier endnu")
        return 0
    from kigo_tui.domain.times import local_text

    print("Taget (dansk tid)  Fil")
    for backup in backups:
        print(f"{local_text(backup_taken(backup)):<16}  {backup}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from kigo_tui.storage.backup import newest_good_backup, restore

    path = _sqlite_file(args)
    backup = args.backup or newest_good_backup(path)
    if backup is None:
        raise CliError(f"der er ingen god sikkerhedskopi af {path}")
    safety = restore(path, backup, force=args.force)
    kept = f"; den tidligere fil er gemt som {safety}" if safety else ""
    print(f"Gendannet {path} fra {backup}{kept}")
    return 0
