"""The KMD Sag exit strategy workspace under SAPA (seed 004): sagsområder and their analysis.

* `CaseArea` is one row of KOMBIT's documentation sheet (R1), validated with pydantic.
* `QUESTIONS` / `next_question` / `pattern_for` are the usage-pattern decision tree (R2), asked in
  the order of the seed's figure.
* `DecisionNote` is the exit decision note (beslutningsnotat) of phase 4, one per kommune.
* `analyse` adds the computed fields: the user band, the extent of the cleanup and the priority.
* `summarise` counts areas per scenario and pattern and names those that need a procurement.

The rules (also in the docs and the help):

* **User band** (få/mellem/mange): the seed leaves it to the kommune ("Angiv om der er få, mellem
  eller mange brugere"). kigo SUGGESTS one, relative to the kommune's other sagsområder: an area's
  percentile rank by number of caseworkers, ties counted half, is below 1/3 → få, below 2/3 →
  mellem, otherwise mange (a single area is mellem). The kommune's own choice
  (`CaseArea.own_user_band`) replaces the suggestion.
* **Extent of the cleanup** (let/moderat/stort) combines cleanup complexity (lav 0, middel 1, høj 2)
  and the user band (få 0, mellem 1, mange 2): a sum of 0–1 is let, 2 moderat, 3–4 stort. Without a
  complexity there is no extent.
* **Priority** (a SUGGESTION too): business-critical areas first (the seed gives them precedence),
  then by the extent of the cleanup in the order the kommune chose (`CleanupOrder`: the heavy
  areas first, or the light ones first to gain experience; the seed names both), then more
  caseworkers, then fagområde and sagsområde by name. The kommune's own rank
  (`CaseArea.own_priority`) places an area at that position; rank 1 is done first.
* **Scenario 1 on KMD Aktiv or KMD Sygedagpenge** (`monopoly_break`): await KY or KSD before the
  procurement (`caveats`).
* **Procurement** follows from scenarios 1 (SKI or own tender), 3 (buying an adaptation from the
  current supplier) and 4 (a new system).
* Only usage patterns C and D need a future solution scenario; such an area without one is flagged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from kigo_tui.domain.text import MAX_INT, clean_text, count

Pattern = Literal["0", "A", "B", "C", "D", "E"]
Complexity = Literal["low", "medium", "high"]
Scenario = Literal[1, 2, 3, 4]
UserBand = Literal["few", "medium", "many"]
Extent = Literal["light", "moderate", "large"]

PATTERN_LABELS: dict[str, str] = {
    "0": "Bruger ikke KMD Sag",
    "A": "KMD Sag kun til overblik; sagsarbejdet ligger i et fagsystem",
    "B": "KMD Sag til overblik og adviser; sager, dokumenter og notater i fagsystemet",
    "C": "KMD Sag i samspil med et fagsystem: overblik, adviser og journalnotater i KMD Sag",
    "D": "Intet fagsystem: KMD Sag er hele sagssystemet",
    "E": "Sagsarbejdet ligger i et generisk sagssystem (fx ESDH); lav afhængighed af KMD Sag",
}
SCENARIO_LABELS: dict[int, str] = {
    1: "Bliv i KMD Sag og opfyld udbudspligten (SKI eller eget udbud)",
    2: "Brug et eksisterende ESDH- eller fagsystem",
    3: "Tilpas et eksisterende ESDH- eller fagsystem",
    4: "Anskaf et nyt system (længst tid)",
}
PATTERN_SHORT: dict[str, str] = {
    "0": "bruger ikke KMD Sag",
    "A": "kun overblik",
    "B": "overblik og adviser",
    "C": "samspil med fagsystem",
    "D": "KMD Sag er sagssystemet",
    "E": "generisk sagssystem",
}
"""Short labels that fit a choice list at 80 columns."""
SCENARIO_SHORT: dict[int, str] = {
    1: "bliv i KMD Sag (udbud/SKI)",
    2: "brug eksisterende system",
    3: "tilpas eksisterende system",
    4: "anskaf nyt system",
}
"""Short labels that fit a choice list at 80 columns."""
COMPLEXITY_LABELS = {"low": "lav", "medium": "middel", "high": "høj"}
USER_BAND_LABELS = {"few": "få", "medium": "mellem", "many": "mange"}
EXTENT_LABELS = {"light": "let", "moderate": "moderat", "large": "stort"}
NEEDS_SCENARIO = ("C", "D")
PROCUREMENT_SCENARIOS = (1, 3, 4)
"""Scenarios a purchase follows: the procurement duty met by SKI or an own tender (1), an
adaptation bought from the current supplier (3) and a new system (4)."""
PROCUREMENT_KIND: dict[int, str] = {
    1: "udbud eller SKI-indkøb",
    3: "køb af tilpasning hos leverandøren",
    4: "anskaffelse af nyt system",
}
CleanupOrder = Literal["heavy_first", "light_first"]
CLEANUP_ORDER_LABELS: dict[str, str] = {
    "heavy_first": "de tunge sagsområder først",
    "light_first": "de lette sagsområder først",
}
NoteStatus = Literal["draft", "decided"]
NOTE_STATUS_LABELS: dict[str, str] = {"draft": "udkast", "decided": "besluttet"}

KLE_PATTERN = r"^\d{2}\.\d{2}(\.\d{2})?$"

COMPUTED_RULES = (
    "Brugere (få/mellem/mange) er kommunens egen vurdering. Har I ikke valgt, foreslår kigo en "
    "ud fra de øvrige sagsområder: sagsområdets percentilrang efter antal sagsbehandlere (lige "
    "store tæller halvt) under 1/3 giver få, under 2/3 mellem, ellers mange. Er der kun ét "
    "sagsområde, er forslaget mellem.",
    "Omfang af oprydning (let/moderat/stort) kombinerer kompleksiteten af oprydningen (lav 0, "
    "middel 1, høj 2) med brugerne (få 0, mellem 1, mange 2): en sum på 0–1 er let, 2 moderat, "
    "3–4 stort. Uden kompleksitet er der intet omfang.",
    "Prioritet er et forslag: forretningskritiske sagsområder først, derefter efter omfanget "
    "af oprydningen i den rækkefølge, kommunen har valgt i beslutningsnotatet (de tunge først "
    "eller de lette først for at høste erfaring), derefter flere sagsbehandlere, derefter "
    "fagområde og sagsområde efter navn. Giver I et sagsområde en egen prioritet, står det på "
    "den plads. Prioritet 1 tages først.",
    "Scenarie 1 på et sagsområde, hvis fagsystem er KMD Aktiv eller KMD Sygedagpenge (del af "
    "monopolbruddet): vent med udbuddet, til KY eller KSD er implementeret.",
    "Indkøb følger af scenarie 1 (udbud eller SKI), 3 (tilpasning købt hos leverandøren) og 4 "
    "(nyt system).",
    "Kun brugsmønster C og D kræver et fremtidigt løsningsscenarie; et sådant sagsområde uden "
    "scenarie bliver markeret.",
)
"""The rules of the module docstring in Danish, for the help screen and the Excel sheet."""


STORED = "stored"
"""Validation context key: the values come from the database (read as they are: a row written
before a rule existed, or by another tool, must never lock the user out of their data)."""
MAX_COUNT = MAX_INT
"""Largest id or count of cases/notes a sagsområde may have."""


class CaseArea(BaseModel):
    """One sagsområde: a row of the documentation sheet (R1)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: Annotated[int, Field(ge=1, le=MAX_COUNT)] | None = None
    field_area: Annotated[str, Field(min_length=1, max_length=200)]
    """Fagområde: the organisational unit that handles the case area."""
    case_area: Annotated[str, Field(min_length=1, max_length=200)]
    """Sagsområde: a KLE topic."""
    kle: Annotated[str, Field(pattern=KLE_PATTERN)]
    uses_kmd_sag: bool = True
    caseworkers: Annotated[int, Field(ge=0, le=100_000)] = 0
    pattern: Pattern | None = None
    cases_in: str = ""
    notes_in: str = ""
    alerts_in: str = ""
    documents_in: str = ""
    overview_in: str = ""
    monopoly_break: bool = False
    """The fagsystem is part of the monopolbrud: KMD Aktiv (→ KY) or KMD Sygedagpenge (→ KSD)."""
    tsa_agreement: bool = False
    """The fagsystem is under the TSA agreement (KMD Boligstøtte, KMD Socialpension, KMD
    Barselsdagpenge, KMD Børneydelse): the second half of the seed's As-is question 5."""
    case_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    note_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    cleanup_needed: bool = False
    cleanup_requirements: str = ""
    """As-is question 7: what the cleanup takes before the cases can move (cases without KLE,
    open cases to close, the same structure with caseworker id, notes tied to a case …)."""
    archivable: bool = False
    archive_requirements: str = ""
    """As-is question 8: which cases can be archived, and what that takes."""
    tender_when: str = ""
    """To-be question 2: when the area's solution(s) go to tender."""
    market_options: str = ""
    """To-be question 3: ESDH and fagsystem solutions on the market for the area."""
    future_system: str = ""
    preferred_cases_in: str = ""
    """To-be question 4a–e: the preferred case-bearing solution for each function."""
    preferred_notes_in: str = ""
    preferred_alerts_in: str = ""
    preferred_documents_in: str = ""
    preferred_overview_in: str = ""
    business_critical: bool = False
    cleanup_complexity: Complexity | None = None
    scenario: Scenario | None = None
    own_user_band: UserBand | None = None
    """The kommune's own få/mellem/mange; None: kigo's suggestion counts."""
    own_priority: Annotated[int, Field(ge=1, le=MAX_COUNT)] | None = None
    """The kommune's own rank for the area; None: kigo's suggested rank counts."""
    comment: str = ""

    @field_validator("field_area", "case_area", "kle", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("field_area", "case_area")
    @classmethod
    def _clean_name(cls, value: str, info: ValidationInfo) -> str:
        if info.context and info.context.get(STORED):
            return value
        return clean_text(value, "teksten")

    @field_validator(
        "cases_in",
        "notes_in",
        "alerts_in",
        "documents_in",
        "overview_in",
        "cleanup_requirements",
        "archive_requirements",
        "tender_when",
        "market_options",
        "future_system",
        "preferred_cases_in",
        "preferred_notes_in",
        "preferred_alerts_in",
        "preferred_documents_in",
        "preferred_overview_in",
        "comment",
    )
    @classmethod
    def _clean_note(cls, value: str, info: ValidationInfo) -> str:
        """Free text as typed in a cell: line breaks (Alt+Enter in Excel) and spaces stay."""
        if info.context and info.context.get(STORED):
            return value
        return clean_text(value, "teksten", multiline=True, strip=False)


@dataclass(frozen=True)
class AreaField:
    """One field of a sagsområde as the documentation sheet names it (its column header)."""

    header: str
    field: str
    kind: str
    """text, id, kle, bool, count, pattern, complexity, scenario, band or rank."""
    optional: bool = False
    """Added after the first sheets went out: a sheet without the column still imports."""


AREA_FIELDS: tuple[AreaField, ...] = (
    AreaField("Id", "id", "id"),
    AreaField("Fagområde", "field_area", "text"),
    AreaField("Sagsområde", "case_area", "text"),
    AreaField("KLE-nr.", "kle", "kle"),
    AreaField("Anvender KMD Sag (Ja/Nej)", "uses_kmd_sag", "bool"),
    AreaField("Antal sagsbehandlere", "caseworkers", "count"),
    AreaField("Brugsmønster (0, A–E)", "pattern", "pattern"),
    AreaField("Sager ligger i", "cases_in", "text"),
    AreaField("Journalnotater ligger i", "notes_in", "text"),
    AreaField("Adviser ligger i", "alerts_in", "text"),
    AreaField("Dokumenter ligger i", "documents_in", "text"),
    AreaField("Overblik i", "overview_in", "text"),
    AreaField("Del af monopolbruddet (Ja/Nej)", "monopoly_break", "bool"),
    AreaField("Del af TSA-aftalen (Ja/Nej)", "tsa_agreement", "bool", optional=True),
    AreaField("Antal sager", "case_count", "count"),
    AreaField("Antal journalnotater", "note_count", "count"),
    AreaField("Oprydning nødvendig (Ja/Nej)", "cleanup_needed", "bool"),
    AreaField("Hvad kræver oprydningen", "cleanup_requirements", "text", optional=True),
    AreaField("Kan arkiveres (Ja/Nej)", "archivable", "bool"),
    AreaField("Hvad kræver arkiveringen", "archive_requirements", "text", optional=True),
    AreaField("Hvornår i udbud", "tender_when", "text", optional=True),
    AreaField("Løsninger på markedet", "market_options", "text", optional=True),
    AreaField("Foretrukket fremtidigt system", "future_system", "text"),
    AreaField("Foretrukket til sager", "preferred_cases_in", "text", optional=True),
    AreaField("Foretrukket til journalnotater", "preferred_notes_in", "text", optional=True),
    AreaField("Foretrukket til adviser", "preferred_alerts_in", "text", optional=True),
    AreaField("Foretrukket til dokumenter", "preferred_documents_in", "text", optional=True),
    AreaField("Foretrukket til overblik", "preferred_overview_in", "text", optional=True),
    AreaField("Forretningskritisk (Ja/Nej)", "business_critical", "bool"),
    AreaField("Kompleksitet af oprydning (lav/middel/høj)", "cleanup_complexity", "complexity"),
    AreaField("Løsningsscenarie (1–4)", "scenario", "scenario"),
    AreaField("Brugere, kommunens valg (få/mellem/mange)", "own_user_band", "band", optional=True),
    AreaField("Egen prioritet", "own_priority", "rank", optional=True),
    AreaField("Bemærkning", "comment", "text"),
)
"""Every field of a sagsområde (CaseArea), in the sheet's order: the one list the workbook's
columns, the conflict's field names and the CLI's messages come from."""
FIELD_HEADERS = {f.field: f.header for f in AREA_FIELDS}
"""The Danish column header of every CaseArea field; also names fields in CLI errors."""
PATTERNS: tuple[Pattern, ...] = get_args(Pattern)
SCENARIOS: tuple[Scenario, ...] = get_args(Scenario)


# ------------------------------------------------------------------ the R2 decision tree


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS: dict[str, Question] = {
    "uses": Question("uses", "Anvender I KMD Sag på sagsområdet?"),
    "fagsystem": Question("fagsystem", "Har I derudover et særskilt fagsystem på sagsområdet?"),
    "notes": Question("notes", "Skriver I journalnotaterne i dette fagsystem?"),
    "alerts": Question("alerts", "Kan I se de relevante adviser i dette fagsystem?"),
    "primary": Question("primary", "Anvender I KMD Sag som jeres eneste eller primære sagssystem?"),
}
"""The questions of the brugsmønstermodel (R2) as its figure asks them."""

FIGURE: dict[str, dict[bool, str]] = {
    "uses": {False: "0", True: "fagsystem"},
    "fagsystem": {True: "notes", False: "primary"},
    "notes": {False: "C", True: "alerts"},
    "alerts": {True: "A", False: "B"},
    "primary": {True: "D", False: "E"},
}
"""The figure's branches: question → answer → the next question, or the pattern it gives.
The only/primary question comes only after "no separate fagsystem"; a fagsystem whose journal
notes are written elsewhere (in KMD Sag) is C whatever else is true."""


def _walk(answers: dict[str, bool]) -> tuple[Pattern | None, list[str]]:
    """Follow the figure from the start: the pattern reached (None while undecided) and the
    questions on the way; answers to questions off the path are ignored."""
    key = "uses"
    path: list[str] = []
    while True:
        path.append(key)
        if key not in answers:
            return None, path
        following = FIGURE[key][answers[key]]
        if following not in QUESTIONS:
            return following, path  # type: ignore[return-value]  # a pattern code
        key = following


def next_question(answers: dict[str, bool]) -> Question | None:
    """The next yes/no question on the figure's path, or None when the pattern is decided."""
    pattern, path = _walk(answers)
    return None if pattern is not None else QUESTIONS[path[-1]]


def pattern_for(answers: dict[str, bool]) -> Pattern | None:
    """The usage pattern the answers so far decide (None while undecided).

    The figure (R2): not using KMD Sag → 0. With a separate fagsystem on the area: journal notes
    not written in it → C; written in it and the relevant alerts visible there → A, not visible → B.
    Without a separate fagsystem: KMD Sag the only or primary case system → D, otherwise E (the
    case work lives in a generic case system such as ESDH).
    """
    return _walk(answers)[0]


def asked(answers: dict[str, bool]) -> list[str]:
    """The keys of the questions the figure asks for these answers, in order."""
    pattern, path = _walk(answers)
    return path if pattern is not None else path[:-1]


def explain(pattern: Pattern) -> str:
    """One line on what the pattern means and whether it needs a scenario."""
    need = (
        "kræver et fremtidigt løsningsscenarie"
        if pattern in NEEDS_SCENARIO
        else "kræver ikke et løsningsscenarie"
    )
    return f"Brugsmønster {pattern}: {PATTERN_LABELS[pattern]} – {need}."


# ------------------------------------------------------------------ computed fields


@dataclass(frozen=True)
class AreaAnalysis:
    area: CaseArea
    user_band: UserBand
    """The kommune's own band if it chose one, else kigo's suggestion."""
    extent: Extent | None
    priority: int
    """1 = first; the kommune's own rank where it gave one, else the suggestion's order."""
    needs_scenario: bool
    """Pattern C or D with no solution scenario yet."""
    suggested_band: UserBand = "medium"
    suggested_priority: int = 0
    caveats: tuple[str, ...] = ()


_BAND_SCORE = {"few": 0, "medium": 1, "many": 2}
_COMPLEXITY_SCORE = {"low": 0, "medium": 1, "high": 2}
_EXTENT_ORDER = {"large": 0, "moderate": 1, "light": 2, None: 3}
_LIGHT_FIRST = {"light": 0, "moderate": 1, "large": 2, None: 3}

AWAIT_KY_KSD = (
    "Scenarie 1 med KMD Aktiv eller KMD Sygedagpenge: vent med udbuddet, til KY eller KSD er "
    "implementeret."
)


def user_band(count: int, all_counts: list[int]) -> UserBand:
    """Few/medium/many by percentile rank among the kommune's areas (ties counted half)."""
    n = len(all_counts)
    if n <= 1:
        return "medium"
    below = sum(1 for c in all_counts if c < count)
    equal = sum(1 for c in all_counts if c == count)
    rank = (below + 0.5 * (equal - 1)) / (n - 1)
    if rank < 1 / 3:
        return "few"
    if rank < 2 / 3:
        return "medium"
    return "many"


def cleanup_extent(complexity: Complexity | None, band: UserBand) -> Extent | None:
    if complexity is None:
        return None
    score = _COMPLEXITY_SCORE[complexity] + _BAND_SCORE[band]
    return "light" if score <= 1 else "moderate" if score == 2 else "large"


def caveats(area: CaseArea) -> tuple[str, ...]:
    """What the seed says to watch for the area's scenario: on KMD Aktiv or KMD Sygedagpenge
    (part of the monopolbrud) scenario 1 waits for KY or KSD."""
    if area.scenario == 1 and area.monopoly_break:
        return (AWAIT_KY_KSD,)
    return ()


_Row = tuple[CaseArea, UserBand, UserBand, Extent | None]


def _place_own_ranks(suggested: list[_Row]) -> list[_Row]:
    """The final order: an area with the kommune's own rank at that place (by own rank, ties in
    the suggested order; one beyond the end comes last), the others fill the free places in
    the suggested order."""
    owned = sorted(
        (r for r in suggested if r[0].own_priority is not None),
        key=lambda r: r[0].own_priority or 0,
    )  # sorted() is stable: ties keep the suggested order
    others = [r for r in suggested if r[0].own_priority is None]
    placed: list[_Row] = []
    while owned or others:
        place = len(placed) + 1
        if owned and ((owned[0][0].own_priority or 0) <= place or not others):
            placed.append(owned.pop(0))
        else:
            placed.append(others.pop(0))
    return placed


def analyse(areas: list[CaseArea], order: CleanupOrder = "heavy_first") -> list[AreaAnalysis]:
    """Every area with its computed fields, in priority order (see the module docstring)."""
    counts = [a.caseworkers for a in areas]
    extent_order = _EXTENT_ORDER if order == "heavy_first" else _LIGHT_FIRST
    rows: list[_Row] = []
    for area in areas:
        suggested = user_band(area.caseworkers, counts)
        band = area.own_user_band or suggested
        rows.append((area, suggested, band, cleanup_extent(area.cleanup_complexity, band)))
    rows.sort(
        key=lambda r: (
            not r[0].business_critical,
            extent_order[r[3]],
            -r[0].caseworkers,
            r[0].field_area.casefold(),
            r[0].case_area.casefold(),
        )
    )
    suggested_rank = {id(r[0]): rank for rank, r in enumerate(rows, start=1)}
    rows = _place_own_ranks(rows)
    return [
        AreaAnalysis(
            area,
            band,
            extent,
            rank,
            area.pattern in NEEDS_SCENARIO and area.scenario is None,
            suggested,
            suggested_rank[id(area)],
            caveats(area),
        )
        for rank, (area, suggested, band, extent) in enumerate(rows, start=1)
    ]


@dataclass(frozen=True)
class Summary:
    per_scenario: dict[int | None, int]
    per_pattern: dict[str | None, int]
    new_procurement: list[CaseArea]
    """Scenario 4: a new system, the longest lead time."""
    procurement: list[CaseArea]
    """Every area a purchase follows (scenarios 1, 3 and 4)."""
    missing_scenario: list[CaseArea]
    await_ky_ksd: list[CaseArea] = field(default_factory=list)
    """Scenario 1 on KMD Aktiv or KMD Sygedagpenge: the procurement waits for KY or KSD."""

    def lines(self) -> list[str]:
        out = ["Sagsområder pr. løsningsscenarie:"]
        for scenario in (1, 2, 3, 4, None):
            label = SCENARIO_LABELS[scenario] if scenario else "intet scenarie endnu"
            out.append(f"  {scenario or '–'}: {self.per_scenario.get(scenario, 0):>3}  {label}")
        out.append("Sagsområder pr. brugsmønster:")
        for pattern in ("0", "A", "B", "C", "D", "E", None):
            label = PATTERN_LABELS[pattern] if pattern else "ikke vurderet"
            out.append(f"  {pattern or '–'}: {self.per_pattern.get(pattern, 0):>3}  {label}")
        if self.new_procurement:
            out.append(
                f"OBS: {_areas_word(len(self.new_procurement))} kræver et nyt system (scenarie "
                "4, længst tid): " + ", ".join(a.case_area for a in self.new_procurement)
            )
        out.append(
            f"Indkøb følger af scenarie 1, 3 og 4 ({len(self.procurement)}): "
            + (
                ", ".join(
                    f"{a.case_area} ({PROCUREMENT_KIND[a.scenario or 0]})" for a in self.procurement
                )
                or "ingen"
            )
        )
        if self.await_ky_ksd:
            out.append(
                f"Afvent KY eller KSD før udbuddet ({len(self.await_ky_ksd)}): "
                + ", ".join(a.case_area for a in self.await_ky_ksd)
            )
        if self.missing_scenario:
            out.append(
                f"Mangler løsningsscenarie (mønster C/D) ({len(self.missing_scenario)}): "
                + ", ".join(a.case_area for a in self.missing_scenario)
            )
        return out


def _areas_word(n: int) -> str:
    return count(n, "sagsområde", "sagsområder")


def summarise(areas: list[CaseArea]) -> Summary:
    return Summary(
        per_scenario=dict(Counter(a.scenario for a in areas)),
        per_pattern=dict(Counter(a.pattern for a in areas)),
        new_procurement=[a for a in areas if a.scenario == 4],
        procurement=[a for a in areas if a.scenario in PROCUREMENT_SCENARIOS],
        missing_scenario=[a for a in areas if a.pattern in NEEDS_SCENARIO and a.scenario is None],
        await_ky_ksd=[a for a in areas if caveats(a)],
    )


# ------------------------------------------------------------------ the decision note


class DecisionNote(BaseModel):
    """The exit decision note (beslutningsnotat) of phase 4: the recommendations and their order
    gathered for the kommune's decision. One per kommune (database)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    body: str = ""
    """The note itself, as the kommune writes it."""
    policies: str = ""
    """To-be question 1 (plenum): how the kommune's policies and strategies bear on the future
    case-bearing solutions."""
    cleanup_order: CleanupOrder = "heavy_first"
    status: NoteStatus = "draft"
    decided_on: date | None = None
    decided_by: Annotated[str, Field(max_length=200)] = ""
    """Who made the decision (fx direktionen, styregruppen)."""

    @field_validator("body", "policies", "decided_by")
    @classmethod
    def _clean(cls, value: str, info: ValidationInfo) -> str:
        if info.context and info.context.get(STORED):
            return value
        multiline = info.field_name != "decided_by"
        return clean_text(value, "teksten", multiline=multiline, strip=not multiline)


NOTE_FIELDS: dict[str, str] = {
    "body": "Notat",
    "policies": "Politikker og strategier",
    "cleanup_order": "Rækkefølge for oprydning",
    "status": "Status",
    "decided_on": "Besluttet den",
    "decided_by": "Besluttet af",
}
"""The note's fields with their Danish names (history, conflicts, the sheet)."""


def note_appendix(rows: list[AreaAnalysis]) -> list[str]:
    """The recommendations the note gathers (seed 004, phase 4 step 5): per sagsområde in the
    chosen order, the scenario and what to watch."""
    out = []
    for row in rows:
        area = row.area
        scenario = (
            f"scenarie {area.scenario}: {SCENARIO_LABELS[area.scenario]}"
            if area.scenario
            else ("mangler scenarie" if row.needs_scenario else "intet scenarie")
        )
        line = f"{row.priority}. {area.field_area} / {area.case_area} ({area.kle}) – {scenario}"
        if area.business_critical:
            line += " – forretningskritisk"
        out.append(line)
        out.extend(f"   OBS: {text}" for text in row.caveats)
    return out
