"""`kigo kommune [NAVN|KODE]`: show which kommune the database is for, or change it.

The first run (or `kigo init`) chose the kommune; a wrong choice is put right here, without
making the database again. A name is matched as search matches (Danish spellings folded: "Aarhus"
and "Århus", "Koebenhavn" and "København"); a code with or without its leading zero.

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from kigo_tui.cli.running import CliError, with_store
from kigo_tui.domain.text import count

if TYPE_CHECKING:
    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.kommuner import Kommune
    from kigo_tui.storage.store import Store

MAX_LISTED = 6
"""How many kommuner an ambiguous name lists."""


def register(subparsers: Subparsers) -> None:
    kommune = subparsers.add_parser(
        "kommune",
        help="vis hvilken kommune databasen er for, eller skift den",
        description="Uden argument: vis kommunen. Med et navn eller en kode: skift til den "
        "kommune (opgaver, datoer og historik bliver, som de er; skiftet skrives i historikken).",
    )
    kommune.add_argument(
        "kommune",
        nargs="?",
        metavar="NAVN|KODE",
        help="kommunens navn eller trecifrede kode, fx 'Aarhus' eller 751",
    )
    kommune.set_defaults(run=with_store(run_kommune))


def find_by_name_or_code(text: str) -> Kommune:
    """The one kommune `text` names (code, full name, or the start of one name); else a Danish
    CliError that says what to write instead."""
    from kigo_tui.domain.kommuner import all_kommuner, find_kommune
    from kigo_tui.domain.search import fold

    wanted = text.strip()
    if not wanted:
        raise CliError("skriv kommunens navn eller kode, fx 'Aarhus' eller 751")
    if wanted.isdigit():
        found = find_kommune(wanted)
        if found is None:
            raise CliError(f"der findes ingen kommune med koden {wanted}")
        return found
    folded = fold(wanted)
    kommuner = all_kommuner()
    exact = [k for k in kommuner if fold(k.name) == folded]
    if exact:
        return exact[0]
    starts = [k for k in kommuner if fold(k.name).startswith(folded)]
    candidates = starts or [k for k in kommuner if folded in fold(k.name)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise CliError(
            f"ukendt kommune: '{wanted}'; skriv kommunens navn eller trecifrede kode, "
            "fx 'Aarhus' eller 751"
        )
    listed = ", ".join(f"{k.name} ({k.code})" for k in candidates[:MAX_LISTED])
    more = " m.fl." if len(candidates) > MAX_LISTED else ""
    raise CliError(
        f"'{wanted}' passer på {count(len(candidates), 'kommune', 'kommuner')}: {listed}{more}; "
        "skriv hele navnet eller koden"
    )


def run_kommune(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.kommuner import find_kommune

    if args.kommune is None:
        snapshot = store.snapshot()
        current = find_kommune(snapshot.kommune_code)
        region = f", {current.region}" if current is not None else ""
        print(f"Databasen er for {snapshot.kommune_name} ({snapshot.kommune_code}){region}.")
        print("Skift med 'kigo kommune NAVN' eller 'kigo kommune KODE'.")
        return 0
    kommune = find_by_name_or_code(args.kommune)
    code, name = store.set_kommune(kommune)
    if code == kommune.code:
        print(f"Databasen er allerede for {name} ({code}); intet er ændret.")
    else:
        print(f"Kommunen er skiftet fra {name} ({code}) til {kommune.name} ({kommune.code}).")
    return 0
