"""`kigo exit …`: the KMD Sag exit workspace (SAPA) from the shell.

    kigo exit list [--field-area X] [--pattern P] [--scenario N] [--critical]
    kigo exit add --field-area X --case-area Y --kle NN.NN [felter …]
    kigo exit edit ID [felter …]
    kigo exit delete ID
    kigo exit pattern ID --answers ja,nej,…
    kigo exit summary
    kigo exit note show | edit [felter …] | export --out FIL.txt
    kigo exit export-xlsx --out FIL.xlsx [--force]
    kigo exit import-xlsx FIL.xlsx [--dry-run] [--force]

Only argparse is imported at module level: `kigo --version` builds this parser too.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.cli.args import add_force_option, add_subcommands
from kigo_tui.cli.running import with_store
from kigo_tui.domain.conflict import add_version_option
from kigo_tui.domain.text import count

if TYPE_CHECKING:
    from datetime import date

    from kigo_tui.cli.args import Subparsers
    from kigo_tui.domain.exit_strategy import AreaAnalysis, CaseArea, Pattern
    from kigo_tui.storage.exit_strategy import StaleArea
    from kigo_tui.storage.store import Store

NONE_WORD = "ingen"
PATTERN_CHOICES = ("0", "A", "B", "C", "D", "E")
SCENARIO_CHOICES = ("1", "2", "3", "4")
COMPLEXITY_CHOICES = {"lav": "low", "middel": "medium", "høj": "high"}
BAND_CHOICES = {"få": "few", "mellem": "medium", "mange": "many"}
ORDER_CHOICES = {"tunge-først": "heavy_first", "lette-først": "light_first"}
STATUS_CHOICES = {"udkast": "draft", "besluttet": "decided"}
YES_WORDS = ("ja", "j", "yes", "y")
NO_WORDS = ("nej", "n", "no")

TEXT_OPTIONS = (
    ("--field-area", "field_area", "fagområde, fx 'Børn og unge'"),
    ("--case-area", "case_area", "sagsområde (KLE-emne)"),
    ("--kle", "kle", "KLE-nummer, NN.NN eller NN.NN.NN"),
    ("--cases-in", "cases_in", "hvor sagerne ligger"),
    ("--notes-in", "notes_in", "hvor journalnotaterne ligger"),
    ("--alerts-in", "alerts_in", "hvor adviserne ligger"),
    ("--documents-in", "documents_in", "hvor dokumenterne ligger"),
    ("--overview-in", "overview_in", "hvor overblikket er"),
    (
        "--cleanup-requirements",
        "cleanup_requirements",
        "hvad oprydningen kræver, før sagerne kan flyttes: fx sager uden KLE-nummer, åbne sager "
        "der skal lukkes, sager der ikke er bygget ens op med sagsbehandler-id, journalnotater "
        "uden sag",
    ),
    (
        "--archive-requirements",
        "archive_requirements",
        "hvilke sager der kan arkiveres i stedet for at flytte dem, og hvad det kræver",
    ),
    ("--tender-when", "tender_when", "hvornår løsningen på sagsområdet skal i udbud"),
    (
        "--market-options",
        "market_options",
        "ESDH- og fagsystemløsninger på markedet, der kan understøtte sagsområdet",
    ),
    ("--future-system", "future_system", "foretrukket fremtidigt system"),
    ("--preferred-cases-in", "preferred_cases_in", "foretrukken løsning til at journalisere sager"),
    (
        "--preferred-notes-in",
        "preferred_notes_in",
        "foretrukken løsning til at journalisere journalnotater",
    ),
    ("--preferred-alerts-in", "preferred_alerts_in", "foretrukken løsning til adviser"),
    (
        "--preferred-documents-in",
        "preferred_documents_in",
        "foretrukken løsning til at journalisere dokumenter",
    ),
    ("--preferred-overview-in", "preferred_overview_in", "foretrukken løsning til overblik"),
    ("--comment", "comment", "bemærkning"),
)
COUNT_OPTIONS = (
    ("--caseworkers", "caseworkers", "antal sagsbehandlere"),
    ("--case-count", "case_count", "antal sager"),
    ("--note-count", "note_count", "antal journalnotater"),
)
BOOL_OPTIONS = (
    ("--uses-kmd-sag", "uses_kmd_sag", "anvender KMD Sag (standard: ja)"),
    (
        "--monopoly-break",
        "monopoly_break",
        "fagsystemet er en del af monopolbruddet (KMD Aktiv eller KMD Sygedagpenge)",
    ),
    (
        "--tsa",
        "tsa_agreement",
        "fagsystemet er en del af TSA-aftalen (KMD Boligstøtte, KMD Socialpension, "
        "KMD Barselsdagpenge eller KMD Børneydelse)",
    ),
    ("--cleanup-needed", "cleanup_needed", "oprydning nødvendig"),
    ("--archivable", "archivable", "kan arkiveres"),
    ("--critical", "business_critical", "forretningskritisk"),
)
FIELD_DESTS = (
    [dest for _, dest, _ in TEXT_OPTIONS]
    + [dest for _, dest, _ in COUNT_OPTIONS]
    + [dest for _, dest, _ in BOOL_OPTIONS]
    + ["pattern", "cleanup_complexity", "scenario", "own_user_band", "own_priority"]
)


def _upper_or_none(text: str) -> str:
    word = text.strip()
    return NONE_WORD if word.casefold() == NONE_WORD else word.upper()


def _casefold(text: str) -> str:
    return text.strip().casefold()


def _rank_or_none(text: str) -> str | int:
    if text.strip().casefold() == NONE_WORD:
        return NONE_WORD
    number = int_arg(text)
    if number < 1:
        raise argparse.ArgumentTypeError("skal være et helt tal fra 1")
    return number


def int_arg(text: str) -> int:
    from kigo_tui.domain.text import MAX_INT, TextError, bounded_int

    try:
        return bounded_int(text, "tallet", -MAX_INT, MAX_INT)
    except TextError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_field_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    for option, dest, help_text in TEXT_OPTIONS:
        needed = required and dest in ("field_area", "case_area", "kle")
        parser.add_argument(option, dest=dest, required=needed, metavar="TEKST", help=help_text)
    for option, dest, help_text in COUNT_OPTIONS:
        parser.add_argument(option, dest=dest, type=int_arg, metavar="ANTAL", help=help_text)
    for option, dest, help_text in BOOL_OPTIONS:
        parser.add_argument(
            option, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=help_text
        )
    clear = f" ('{NONE_WORD}' fjerner)" if not required else ""
    parser.add_argument(
        "--pattern",
        type=_upper_or_none,
        choices=(*PATTERN_CHOICES, NONE_WORD),
        help="brugsmønster 0, A–E (se 'kigo exit pattern')" + clear,
    )
    parser.add_argument(
        "--complexity",
        dest="cleanup_complexity",
        type=_casefold,
        choices=(*COMPLEXITY_CHOICES, NONE_WORD),
        help="kompleksitet af oprydning: lav, middel eller høj" + clear,
    )
    parser.add_argument(
        "--scenario",
        type=_casefold,
        choices=(*SCENARIO_CHOICES, NONE_WORD),
        help="løsningsscenarie 1–4" + clear,
    )
    parser.add_argument(
        "--users",
        dest="own_user_band",
        type=_casefold,
        choices=(*BAND_CHOICES, NONE_WORD),
        help="kommunens eget valg af få, mellem eller mange brugere; uden det gælder kigos "
        "forslag" + clear,
    )
    parser.add_argument(
        "--priority",
        dest="own_priority",
        type=_rank_or_none,
        metavar="N",
        help="kommunens egen prioritet (1 tages først); uden den gælder kigos forslag" + clear,
    )


def register(subparsers: Subparsers) -> None:
    exit_ = subparsers.add_parser(
        "exit",
        help="KMD Sag-exitstrategi (SAPA): sagsområder",
        description="KMD Sag-exitstrategien under SAPA: dokumentationsarket (R1) med et "
        "sagsområde pr. række, brugsmønstermodellen (R2), løsningsscenarier, prioritering og "
        "beslutningsnotatet.",
    )
    exit_sub = add_subcommands(exit_, "exit_command")

    list_ = exit_sub.add_parser(
        "list",
        help="vis sagsområderne i prioriteret rækkefølge",
        description="Sagsområderne sorteret efter prioritet med de beregnede felter. "
        "⚠ markerer mønster C/D uden løsningsscenarie.",
    )
    list_.add_argument("--field-area", metavar="FAGOMRÅDE", help="kun dette fagområde")
    list_.add_argument(
        "--pattern", type=_upper_or_none, choices=PATTERN_CHOICES, help="kun dette brugsmønster"
    )
    list_.add_argument(
        "--scenario", type=_casefold, choices=(*SCENARIO_CHOICES, NONE_WORD), help="kun dette"
    )
    list_.add_argument("--critical", action="store_true", help="kun forretningskritiske")
    list_.set_defaults(run=with_store(run_list))

    add = exit_sub.add_parser("add", help="tilføj et sagsområde")
    _add_field_options(add, required=True)
    add.set_defaults(run=with_store(run_add))

    edit = exit_sub.add_parser("edit", help="ændr et sagsområde (kun de angivne felter)")
    edit.add_argument("area_id", type=int_arg, metavar="ID")
    _add_field_options(edit, required=False)
    add_version_option(edit)
    edit.set_defaults(run=with_store(run_edit))

    delete = exit_sub.add_parser("delete", help="slet et sagsområde")
    delete.add_argument("area_id", type=int_arg, metavar="ID")
    add_version_option(delete)
    delete.set_defaults(run=with_store(run_delete))

    pattern = exit_sub.add_parser(
        "pattern",
        help="bestem brugsmønsteret med beslutningstræet (R2) og gem det",
        description="Besvar med ja/nej de spørgsmål, figuren i brugsmønstermodellen stiller, i "
        "den rækkefølge de stilles: "
        "Anvender I KMD Sag på sagsområdet? (nej: 0) – "
        "Har I derudover et særskilt fagsystem på sagsområdet? "
        "Med fagsystem: Skriver I journalnotaterne i dette fagsystem? (nej: C) og så "
        "Kan I se de relevante adviser i dette fagsystem? (ja: A, nej: B). "
        "Uden fagsystem: Anvender I KMD Sag som jeres eneste eller primære sagssystem? "
        "(ja: D, nej: E). Fx ja,ja,nej giver C og ja,nej,ja giver D. "
        "Træet stopper, så snart mønsteret er afgjort.",
    )
    pattern.add_argument("area_id", type=int_arg, metavar="ID")
    pattern.add_argument(
        "--answers", required=True, metavar="SVAR", help="fx ja,ja,ja,nej (kommasepareret)"
    )
    pattern.set_defaults(run=with_store(run_pattern))

    summary = exit_sub.add_parser("summary", help="sagsområder pr. scenarie og mønster; indkøb")
    summary.set_defaults(run=with_store(run_summary))

    _register_note(exit_sub)

    export = exit_sub.add_parser("export-xlsx", help="skriv dokumentationsarket som Excel")
    export.add_argument("--out", type=Path, required=True, metavar="FIL.xlsx")
    add_force_option(export)
    export.set_defaults(run=with_store(run_export))

    import_ = exit_sub.add_parser(
        "import-xlsx", help="læs et udfyldt dokumentationsark (Excel) ind"
    )
    import_.add_argument("file", type=Path, metavar="FIL.xlsx")
    import_.add_argument("--dry-run", action="store_true", help="vis kun hvad der ville ske")
    add_force_option(
        import_,
        help="skriv arkets værdier, også i rækker en anden har ændret siden eksporten (kolonnen "
        "Version); det overskriver kollegaens ændringer",
    )
    import_.set_defaults(run=with_store(run_import))


# ------------------------------------------------------------------ running


def _error(message: str) -> Exception:
    from kigo_tui.storage.exit_strategy import CaseAreaError

    return CaseAreaError(message)


def _find_versioned(store: Store, area_id: int) -> tuple[CaseArea, int]:
    """The area and the version it was read at (a save based on it refuses a newer one)."""
    from kigo_tui.storage.exit_strategy import CaseAreaError, get_area

    try:
        return get_area(store, area_id)
    except CaseAreaError:
        raise _error(f"ukendt sagsområde: id {area_id} (se 'kigo exit list')") from None


def _stale(
    store: Store, args: argparse.Namespace, changes: dict[str, object], read: int, exc: Exception
) -> str:
    """The refusal of `exit edit/delete` on an area changed since the version given (or read)."""
    from kigo_tui.domain.conflict import stale_text
    from kigo_tui.domain.exit_strategy import FIELD_HEADERS
    from kigo_tui.storage.exit_strategy import get_area, history_key

    current, _ = get_area(store, args.area_id)
    fields = [
        (FIELD_HEADERS.get(name, name), getattr(current, name), value)
        for name, value in changes.items()
    ]
    return stale_text(
        f"sagsområde {args.area_id}",
        args.expected_version or read,
        getattr(exc, "current_version", None),
        fields,
        store.history_of(history_key(args.area_id)),
    )


def _given_fields(args: argparse.Namespace) -> dict[str, object]:
    values: dict[str, object] = {}
    for dest in FIELD_DESTS:
        value = getattr(args, dest, None)
        if value is None:
            continue
        if value == NONE_WORD:
            value = None
        elif dest == "cleanup_complexity":
            value = COMPLEXITY_CHOICES[str(value)]
        elif dest == "scenario":
            value = int(str(value))
        elif dest == "own_user_band":
            value = BAND_CHOICES[str(value)]
        values[dest] = value
    return values


def _label(area: CaseArea) -> str:
    return f"{area.id}: {area.field_area} / {area.case_area} ({area.kle})"


def _print_table(rows: list[AreaAnalysis]) -> None:
    from kigo_tui.domain.exit_strategy import COMPLEXITY_LABELS, EXTENT_LABELS, USER_BAND_LABELS

    headers = (
        "Pri",
        "Id",
        "Fagområde",
        "Sagsområde",
        "KLE",
        "Mønster",
        "Scen.",
        "Krit.",
        "Sagsbeh.",
        "Brugere",
        "Kompleks.",
        "Omfang",
        "",
    )
    table = [
        (
            str(r.priority) + ("*" if r.area.own_priority else ""),
            str(r.area.id),
            r.area.field_area,
            r.area.case_area,
            r.area.kle,
            r.area.pattern or "–",
            str(r.area.scenario or "–"),
            "ja" if r.area.business_critical else "nej",
            str(r.area.caseworkers),
            USER_BAND_LABELS[r.user_band] + ("*" if r.area.own_user_band else ""),
            COMPLEXITY_LABELS[r.area.cleanup_complexity] if r.area.cleanup_complexity else "–",
            EXTENT_LABELS[r.extent] if r.extent else "–",
            ("⚠" if r.needs_scenario else "") + ("OBS" if r.caveats else ""),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    right = {0, 1, 6, 8}

    def fmt(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    print(fmt(headers))
    print("  ".join("-" * w for w, h in zip(widths, headers, strict=True) if h))
    for row in table:
        print(fmt(row))


def run_list(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.exit_strategy import analyse
    from kigo_tui.storage.exit_strategy import list_areas

    areas = list_areas(store)
    if not areas:
        print("Ingen sagsområder endnu: 'kigo exit add --field-area … --case-area … --kle …'")
        return 0
    from kigo_tui.storage.exit_strategy import get_note

    # priority is relative to all areas, so filter afterwards
    rows = analyse(areas, get_note(store)[0].cleanup_order)
    if args.field_area:
        wanted = args.field_area.strip().casefold()
        rows = [r for r in rows if r.area.field_area.casefold() == wanted]
    if args.pattern:
        rows = [r for r in rows if r.area.pattern == args.pattern]
    if args.scenario:
        scenario = None if args.scenario == NONE_WORD else int(args.scenario)
        rows = [r for r in rows if r.area.scenario == scenario]
    if args.critical:
        rows = [r for r in rows if r.area.business_critical]
    if not rows:
        print(
            f"Ingen sagsområder passer til filteret ({count(len(areas), 'sagsområde', 'sagsområder')} i alt)"
        )
        return 0
    _print_table(rows)
    flagged = sum(1 for r in rows if r.needs_scenario)
    print(f"\n{len(rows)} af {count(len(areas), 'sagsområde', 'sagsområder')}", end="")
    print(f"; ⚠ {flagged} med mønster C/D mangler løsningsscenarie" if flagged else "")
    if any(r.area.own_priority or r.area.own_user_band for r in rows):
        print("* kommunens eget valg; ellers er Pri og Brugere kigos forslag")
    for row in rows:
        for caveat in row.caveats:
            print(f"OBS {row.area.id} {row.area.case_area}: {caveat}")
    return 0


def _warn_if_flagged(area: CaseArea) -> None:
    from kigo_tui.domain.exit_strategy import caveats

    if area.pattern in ("C", "D") and area.scenario is None:
        print(f"⚠ Mønster {area.pattern} kræver et løsningsscenarie: --scenario 1–4")
    for caveat in caveats(area):
        print(f"OBS: {caveat}")


def run_add(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.exit_strategy import validate_danish
    from kigo_tui.storage.exit_strategy import save_area

    area = save_area(store, validate_danish(_given_fields(args)))
    print(f"Tilføjet {_label(area)}")
    _warn_if_flagged(area)
    return 0


def run_edit(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.exit_strategy import FIELD_HEADERS
    from kigo_tui.formats.exit_strategy import validate_danish
    from kigo_tui.storage.exit_strategy import save_area

    changes = _given_fields(args)
    if not changes:
        raise _error("intet at ændre: angiv mindst ét felt, fx --scenario 2 (se --help)")
    from kigo_tui.storage.store import ConflictError

    old, version = _find_versioned(store, args.area_id)
    try:
        new = save_area(
            store, validate_danish(old.model_dump() | changes), args.expected_version or version
        )
    except ConflictError as exc:
        raise _error(_stale(store, args, changes, version, exc)) from None
    changed = [FIELD_HEADERS[f] for f in changes if getattr(old, f) != getattr(new, f)]
    print(f"Ændret {_label(new)}: " + (", ".join(changed) if changed else "ingen forskel"))
    _warn_if_flagged(new)
    return 0


def run_delete(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.storage.exit_strategy import delete_area
    from kigo_tui.storage.store import ConflictError

    area, version = _find_versioned(store, args.area_id)
    try:
        delete_area(store, args.area_id, args.expected_version or version)
    except ConflictError as exc:
        raise _error(_stale(store, args, {"case_area": "slettet"}, version, exc)) from None
    print(f"Slettet {_label(area)}")
    return 0


def parse_answers(text: str) -> list[bool]:
    """'ja,nej,j,n' → [True, False, True, False]; a CaseAreaError names a bad word."""
    answers = []
    for position, word in enumerate(text.split(","), start=1):
        token = word.strip().casefold()
        if token in YES_WORDS:
            answers.append(True)
        elif token in NO_WORDS:
            answers.append(False)
        else:
            raise _error(f"svar {position} '{word.strip()}': skriv ja eller nej")
    return answers


def decide_pattern(answers: list[bool]) -> tuple[Pattern, list[tuple[str, bool]]]:
    """Run the R2 tree on answers in question order: the pattern and the (question, answer) trail."""
    from kigo_tui.domain.exit_strategy import next_question, pattern_for

    given: dict[str, bool] = {}
    trail: list[tuple[str, bool]] = []
    for answer in answers:
        question = next_question(given)
        if question is None:
            break
        given[question.key] = answer
        trail.append((question.text, answer))
    pattern = pattern_for(given)
    if pattern is None:
        question = next_question(given)
        assert question is not None
        number = len(trail) + 1
        raise _error(
            f"for få svar ({len(answers)}): spørgsmål {number} er ubesvaret: '{question.text}'"
        )
    if len(answers) > len(trail):
        raise _error(
            f"for mange svar ({len(answers)}): mønsteret er afgjort efter {len(trail)} svar"
        )
    return pattern, trail


def run_pattern(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.exit_strategy import explain
    from kigo_tui.formats.exit_strategy import validate_danish
    from kigo_tui.storage.exit_strategy import save_area

    area, version = _find_versioned(store, args.area_id)
    pattern, trail = decide_pattern(parse_answers(args.answers))
    for number, (text, answer) in enumerate(trail, start=1):
        print(f"{number}. {text} {'Ja' if answer else 'Nej'}")
    # the first question is the sheet's 'Anvender KMD Sag', so the answer sets it too
    updated = validate_danish(area.model_dump() | {"pattern": pattern, "uses_kmd_sag": trail[0][1]})
    area = save_area(store, updated, version)
    print(explain(pattern))
    print(f"Gemt på {_label(area)}")
    _warn_if_flagged(area)
    return 0


def run_summary(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.exit_strategy import summarise
    from kigo_tui.storage.exit_strategy import list_areas

    areas = list_areas(store)
    print(count(len(areas), "sagsområde", "sagsområder"))
    for line in summarise(areas).lines():
        print(line)
    return 0


def run_export(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.exit_strategy import export_xlsx
    from kigo_tui.storage.exit_strategy import get_note, list_versioned

    areas, versions = list_versioned(store)
    export_xlsx(areas, args.out, force=args.force, versions=versions, note=get_note(store)[0])
    print(f"Skrev {args.out} ({count(len(areas), 'sagsområde', 'sagsområder')})")
    return 0


def run_import(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.exit_strategy import read_import
    from kigo_tui.storage.exit_strategy import (
        ImportConflictError,
        list_areas,
        save_areas,
        stale_areas,
    )

    sheet = read_import(args.file)
    areas = sheet.areas
    existing = {a.id for a in list_areas(store)}
    updated = sum(1 for a in areas if a.id is not None and a.id in existing)
    unknown = [a.id for a in areas if a.id is not None and a.id not in existing]
    added = len(areas) - updated
    note = (
        f" (id {', '.join(str(i) for i in unknown)} findes ikke her og får nye id'er)"
        if unknown
        else ""
    )
    unversioned = [a.id for a in areas if a.id is not None and a.id not in sheet.versions]
    if unversioned:
        note += (
            "; arket har ingen kolonne 'Version', så det er ikke tjekket, om en anden har ændret "
            "sagsområderne siden eksporten"
            if not sheet.has_version_column
            else f"; id {', '.join(str(i) for i in unversioned)} har ingen version i arket og "
            "er ikke tjekket for andres ændringer siden eksporten"
        )
    if sheet.missing_fields and updated:
        note += (
            f"; arket mangler {len(sheet.missing_fields)} nyere kolonner (det er fra en ældre "
            "udgave af kigo), så de felter beholder deres værdier"
        )
    if args.dry_run:
        stale = (
            [] if args.force else stale_areas(store, areas, sheet.versions, sheet.missing_fields)
        )
        if stale:
            raise _error("Tørkørsel: " + _stale_import_text(args.file, sheet.rows, stale))
        print(
            f"Tørkørsel, intet gemt: {args.file} ville tilføje {added} og opdatere "
            f"{count(updated, 'sagsområde', 'sagsområder')}{note}"
        )
        return 0
    try:
        added, updated = save_areas(
            store, areas, sheet.versions, force=args.force, keep=sheet.missing_fields
        )
    except ImportConflictError as exc:
        raise _error(_stale_import_text(args.file, sheet.rows, exc.stale)) from None
    print(f"Importeret {args.file}: {added} tilføjet, {updated} opdateret{note}")
    return 0


def _stale_import_text(path: Path, rows: dict[int, int], stale: list[StaleArea]) -> str:
    """The refusal of an import whose rows a colleague changed after the export: per row the
    fields whose value in the database now differs from the sheet's, and the two ways on."""
    from kigo_tui.domain.conflict import shown
    from kigo_tui.domain.exit_strategy import FIELD_HEADERS

    lines = [
        f"{path.name}: {len(stale)} af arkets sagsområder er ændret af en anden efter "
        "eksporten; intet er gemt."
    ]
    for entry in stale:
        area_id = entry.current.id
        lines.append(
            f"  række {'?' if area_id is None else rows.get(area_id, '?')}, id {area_id} '{entry.current.case_area}' "
            f"(arket har version {entry.sheet_version}, databasen version "
            f"{entry.current_version}):"
        )
        for name, now, wanted in entry.differing:
            lines.append(
                f"    {FIELD_HEADERS.get(name, name)}: i databasen nu {shown(now)!r}, "
                f"arket siger {shown(wanted)!r}"
            )
    lines.append(
        "  Eksportér arket igen (kigo exit export-xlsx --out …), udfyld det på ny og importér "
        "det; eller importér med --force for at skrive arkets værdier alligevel (det overskriver "
        "kollegaens ændringer ovenfor)."
    )
    return "\n".join(lines)


# ------------------------------------------------------------------ the decision note


def _register_note(exit_sub: Subparsers) -> None:
    note = exit_sub.add_parser(
        "note",
        help="beslutningsnotatet: vis, ret eller eksportér det",
        description="Beslutningsnotatet samler anbefalingerne for sagsområderne og rækkefølgen, "
        "de gennemføres i, til kommunens beslutning om KMD Sag-exit. kigo skriver "
        "anbefalingerne fra sagsområderne som bilag; teksten skriver I selv.",
    )
    note_sub = add_subcommands(note, "note_command")
    show = note_sub.add_parser("show", help="vis notatet med anbefalingerne")
    show.set_defaults(run=with_store(run_note_show))

    edit = note_sub.add_parser("edit", help="ret notatet (kun de angivne felter)")
    text = edit.add_mutually_exclusive_group()
    text.add_argument("--text", dest="body", metavar="TEKST", help="notatets tekst")
    text.add_argument(
        "--text-file", type=Path, metavar="FIL", help="læs notatets tekst fra en UTF-8-tekstfil"
    )
    edit.add_argument(
        "--policies",
        metavar="TEKST",
        help="hvordan kommunens politikker og strategier påvirker den fremtidige it-understøttelse",
    )
    edit.add_argument(
        "--order",
        dest="cleanup_order",
        type=_casefold,
        choices=tuple(ORDER_CHOICES),
        help="rækkefølgen for oprydningen efter de forretningskritiske: de tunge sagsområder "
        "først eller de lette først",
    )
    edit.add_argument(
        "--status", type=_casefold, choices=tuple(STATUS_CHOICES), help="udkast eller besluttet"
    )
    edit.add_argument(
        "--decided-on",
        metavar="DATO",
        help=f"beslutningens dato, ÅÅÅÅ-MM-DD ('{NONE_WORD}' fjerner)",
    )
    edit.add_argument("--decided-by", metavar="TEKST", help="hvem der traf beslutningen")
    add_version_option(edit)
    edit.set_defaults(run=with_store(run_note_edit))

    export = note_sub.add_parser("export", help="skriv notatet med anbefalingerne som tekstfil")
    export.add_argument("--out", type=Path, required=True, metavar="FIL.txt")
    add_force_option(export)
    export.set_defaults(run=with_store(run_note_export))


def run_note_show(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.domain.exit_strategy import analyse
    from kigo_tui.formats.exit_strategy import note_lines
    from kigo_tui.storage.exit_strategy import get_note, list_areas

    note, version = get_note(store)
    for line in note_lines(note, analyse(list_areas(store), note.cleanup_order)):
        print(line)
    if version:
        print(f"\n(version {version})")
    return 0


def _note_changes(args: argparse.Namespace) -> dict[str, object]:
    from kigo_tui.domain.dates import DateError, parse_date

    changes: dict[str, object] = {}
    if args.body is not None:
        changes["body"] = args.body
    if args.text_file is not None:
        try:
            changes["body"] = args.text_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _error(f"kan ikke læse {args.text_file}: filen findes ikke") from None
        except IsADirectoryError:
            raise _error(f"kan ikke læse {args.text_file}: det er en mappe") from None
        except PermissionError:
            raise _error(f"kan ikke læse {args.text_file}: ingen adgang til filen") from None
        except UnicodeDecodeError:
            raise _error(f"kan ikke læse {args.text_file}: filen er ikke UTF-8-tekst") from None
        except OSError:
            raise _error(f"kan ikke læse {args.text_file}") from None
    if args.policies is not None:
        changes["policies"] = args.policies
    if args.cleanup_order is not None:
        changes["cleanup_order"] = ORDER_CHOICES[args.cleanup_order]
    if args.status is not None:
        changes["status"] = STATUS_CHOICES[args.status]
    if args.decided_on is not None:
        if args.decided_on.strip().casefold() == NONE_WORD:
            changes["decided_on"] = None
        else:
            try:
                changes["decided_on"] = parse_date(args.decided_on, "--decided-on")
            except DateError as exc:
                raise _error(str(exc)) from None
    if args.decided_by is not None:
        changes["decided_by"] = args.decided_by
    return changes


def run_note_edit(store: Store, args: argparse.Namespace, today: date) -> int:
    from pydantic import ValidationError

    from kigo_tui.domain.exit_strategy import NOTE_FIELDS, DecisionNote
    from kigo_tui.domain.text import TextError
    from kigo_tui.storage.exit_strategy import get_note, save_note
    from kigo_tui.storage.store import ConflictError

    changes = _note_changes(args)
    if not changes:
        raise _error("intet at ændre: angiv mindst ét felt, fx --status besluttet (se --help)")
    old, version = get_note(store)
    try:
        new = DecisionNote.model_validate(old.model_dump() | changes)
    except (ValidationError, TextError) as exc:
        raise _error(f"beslutningsnotatet: {_first_error(exc)}") from None
    try:
        save_note(
            store, new, args.expected_version if args.expected_version is not None else version
        )
    except ConflictError as exc:
        raise _error(str(exc)) from None
    changed = [NOTE_FIELDS[name] for name in changes if getattr(old, name) != getattr(new, name)]
    print("Beslutningsnotatet er ændret: " + (", ".join(changed) if changed else "ingen forskel"))
    return 0


def _first_error(exc: Exception) -> str:
    from pydantic import ValidationError

    from kigo_tui.domain.exit_strategy import NOTE_FIELDS
    from kigo_tui.formats.exit_strategy import danish_message

    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        return f"felt '{NOTE_FIELDS.get(name, name)}': {danish_message(error)}"
    return str(exc)


def run_note_export(store: Store, args: argparse.Namespace, today: date) -> int:
    from kigo_tui.formats.exit_strategy import export_note
    from kigo_tui.storage.exit_strategy import get_note, list_areas

    export_note(get_note(store)[0], list_areas(store), args.out, force=args.force)
    print(f"Skrev beslutningsnotatet til {args.out}")
    return 0
