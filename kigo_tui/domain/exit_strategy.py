"""The KMD Sag exit strategy workspace under SAPA (seed 004): sagsområder and their analysis.

* `CaseArea` is one row of KOMBIT's documentation sheet (R1), validated with pydantic.
* `QUESTIONS` / `next_question` / `pattern_for` are the usage-pattern decision tree (R2).
* `analyse` adds the computed fields: the user band, the extent of the cleanup and the priority.
* `summarise` counts areas per scenario and pattern and names those that need a procurement.

The rules (also in the docs and the help):

* **User band** (få/mellem/mange) is relative to the kommune's other sagsområder: an area's
  percentile rank by number of caseworkers, ties counted half, is below 1/3 → få, below 2/3 →
  mellem, otherwise mange. With a single area, it is mellem.
* **Extent of the cleanup** (let/moderat/stort) combines cleanup complexity (lav 0, middel 1, høj 2)
  and the user band (få 0, mellem 1, mange 2): a sum of 0–1 is let, 2 moderat, 3–4 stort. Without a
  complexity there is no extent.
* **Priority**: business-critical areas first, then larger cleanup extent, then more caseworkers,
  then fagområde and sagsområde by name. Rank 1 is done first.
* Only usage patterns C and D need a future solution scenario; such an area without one is flagged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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
COMPLEXITY_LABELS = {"low": "lav", "medium": "middel", "high": "høj"}
USER_BAND_LABELS = {"few": "få", "medium": "mellem", "many": "mange"}
EXTENT_LABELS = {"light": "let", "moderate": "moderat", "large": "stort"}
NEEDS_SCENARIO = ("C", "D")
PROCUREMENT_SCENARIOS = (1, 4)
"""Scenarios that mean a procurement: meeting the procurement duty (1) or a new system (4)."""

KLE_PATTERN = r"^\d{2}\.\d{2}(\.\d{2})?$"

COMPUTED_RULES = (
    "Brugere (få/mellem/mange) er relativt til kommunens øvrige sagsområder: sagsområdets "
    "percentilrang efter antal sagsbehandlere (lige store tæller halvt) under 1/3 giver få, under "
    "2/3 mellem, ellers mange. Er der kun ét sagsområde, er det mellem.",
    "Omfang af oprydning (let/moderat/stort) kombinerer kompleksiteten af oprydningen (lav 0, "
    "middel 1, høj 2) med brugerne (få 0, mellem 1, mange 2): en sum på 0–1 er let, 2 moderat, "
    "3–4 stort. Uden kompleksitet er der intet omfang.",
    "Prioritet: forretningskritiske sagsområder først, derefter større omfang af oprydning, "
    "derefter flere sagsbehandlere, derefter fagområde og sagsområde efter navn. Prioritet 1 "
    "tages først.",
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
    """Part of the monopolbrud (KY, KSD …)."""
    case_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    note_count: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    cleanup_needed: bool = False
    archivable: bool = False
    future_system: str = ""
    business_critical: bool = False
    cleanup_complexity: Complexity | None = None
    scenario: Scenario | None = None
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
        "future_system",
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
    """text, id, kle, bool, count, pattern, complexity or scenario."""


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
    AreaField("Antal sager", "case_count", "count"),
    AreaField("Antal journalnotater", "note_count", "count"),
    AreaField("Oprydning nødvendig (Ja/Nej)", "cleanup_needed", "bool"),
    AreaField("Kan arkiveres (Ja/Nej)", "archivable", "bool"),
    AreaField("Foretrukket fremtidigt system", "future_system", "text"),
    AreaField("Forretningskritisk (Ja/Nej)", "business_critical", "bool"),
    AreaField("Kompleksitet af oprydning (lav/middel/høj)", "cleanup_complexity", "complexity"),
    AreaField("Løsningsscenarie (1–4)", "scenario", "scenario"),
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
    "primary": Question("primary", "Er KMD Sag jeres eneste eller primære sagssystem på området?"),
    "fagsystem": Question("fagsystem", "Har I derudover et særskilt fagsystem på sagsområdet?"),
    "notes": Question("notes", "Skriver I journalnotaterne i fagsystemet?"),
    "alerts": Question("alerts", "Kan I se de relevante adviser i fagsystemet?"),
}


def next_question(answers: dict[str, bool]) -> Question | None:
    """The next yes/no question, or None when the answers decide the pattern."""
    for key in ("uses", "primary", "fagsystem", "notes", "alerts"):
        if key not in answers:
            return QUESTIONS[key]
        if pattern_for(answers) is not None:
            return None
    return None


def pattern_for(answers: dict[str, bool]) -> Pattern | None:
    """The usage pattern the answers so far decide (None while undecided).

    Our reading of the R2 tree: not using KMD Sag → 0; KMD Sag as the only/primary case system → D;
    no separate fagsystem either → E (the case work lives in a generic case system such as ESDH);
    journal notes written outside the fagsystem (in KMD Sag) → C; alerts visible in the
    fagsystem → A, otherwise B.
    """
    if "uses" not in answers:
        return None
    if not answers["uses"]:
        return "0"
    if "primary" not in answers:
        return None
    if answers["primary"]:
        return "D"
    if "fagsystem" not in answers:
        return None
    if not answers["fagsystem"]:
        return "E"
    if "notes" not in answers:
        return None
    if not answers["notes"]:
        return "C"
    if "alerts" not in answers:
        return None
    return "A" if answers["alerts"] else "B"


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
    extent: Extent | None
    priority: int
    """1 = first; see the module docstring."""
    needs_scenario: bool
    """Pattern C or D with no solution scenario yet."""


_BAND_SCORE = {"few": 0, "medium": 1, "many": 2}
_COMPLEXITY_SCORE = {"low": 0, "medium": 1, "high": 2}
_EXTENT_ORDER = {"large": 0, "moderate": 1, "light": 2, None: 3}


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


def analyse(areas: list[CaseArea]) -> list[AreaAnalysis]:
    """Every area with its computed fields, in priority order."""
    counts = [a.caseworkers for a in areas]
    rows = []
    for area in areas:
        band = user_band(area.caseworkers, counts)
        rows.append(
            (
                area,
                band,
                cleanup_extent(area.cleanup_complexity, band),
                area.pattern in NEEDS_SCENARIO and area.scenario is None,
            )
        )
    rows.sort(
        key=lambda r: (
            not r[0].business_critical,
            _EXTENT_ORDER[r[2]],
            -r[0].caseworkers,
            r[0].field_area.casefold(),
            r[0].case_area.casefold(),
        )
    )
    return [
        AreaAnalysis(area, band, extent, rank, flagged)
        for rank, (area, band, extent, flagged) in enumerate(rows, start=1)
    ]


@dataclass(frozen=True)
class Summary:
    per_scenario: dict[int | None, int]
    per_pattern: dict[str | None, int]
    new_procurement: list[CaseArea]
    """Scenario 4: a new system, the longest lead time."""
    procurement: list[CaseArea]
    """Every area that needs a procurement (scenarios 1 and 4)."""
    missing_scenario: list[CaseArea]

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
                f"OBS: {count(len(self.new_procurement), 'sagsområde', 'sagsområder')} kræver et nyt system (scenarie 4, "
                "længst tid): " + ", ".join(a.case_area for a in self.new_procurement)
            )
        out.append(
            f"Kræver indkøb ({len(self.procurement)}): "
            + (", ".join(a.case_area for a in self.procurement) or "ingen")
        )
        if self.missing_scenario:
            out.append(
                f"Mangler løsningsscenarie (mønster C/D) ({len(self.missing_scenario)}): "
                + ", ".join(a.case_area for a in self.missing_scenario)
            )
        return out


def summarise(areas: list[CaseArea]) -> Summary:
    return Summary(
        per_scenario=dict(Counter(a.scenario for a in areas)),
        per_pattern=dict(Counter(a.pattern for a in areas)),
        new_procurement=[a for a in areas if a.scenario == 4],
        procurement=[a for a in areas if a.scenario in PROCUREMENT_SCENARIOS],
        missing_scenario=[a for a in areas if a.pattern in NEEDS_SCENARIO and a.scenario is None],
    )
