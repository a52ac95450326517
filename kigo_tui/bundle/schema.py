"""The status bundle's files as pydantic models: what goes out is validated, what comes in too.

The JSON Schema shipped in every bundle is generated from `StatusDocument`.

Every list and dict is `FailFast`: validation of a collection stops at its first bad item. Without
it a 0.4 MB status.json of 100,000 empty task objects gives a million errors and over 1 GB of
memory; with it, a bad bundle costs one item's errors (see tests/storage/test_memory_hostile.py).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FailFast,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_validator,
)

from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.domain.rules import Category, Colour, Status
from kigo_tui.domain.seed import PROJECT_PATTERN, ProjectCode
from kigo_tui.domain.tasks import REASON_MAX, WARN_DAYS_MAX

FORMAT_NAME = "kigo-status-bundle"
FORMAT_VERSION = 2
"""1: first format; 2: every task has KOMBIT's baseline dates and the colour against them, and
the kommune's reasons for moved dates."""

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
KommuneCode = Annotated[StrictStr, Field(pattern=r"^[0-9]{3}$")]

# status.json is read exactly as its JSON Schema (status.schema.json) reads it, so that what the
# schema accepts and what `kigo verify` accepts are the same documents (tests/bundle/test_verify_schema.py
# holds them equal): no loose strings for numbers or booleans ("3", "true"), a number for an
# integer field only if it is whole (JSON Schema's "integer"; verify's parser turns 3.0 into 3),
# dates exactly as JSON Schema's "date" format, timestamps as RFC 3339 with their UTC offset, and
# patterns with Python's `re` (as the jsonschema library applies them).

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""JSON Schema's "date" format: RFC 3339 full-date (then a real calendar date)."""
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])(?!\n)$"
)
"""RFC 3339 date-time with its UTC offset, upper-case T and Z, nothing after it."""
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)


@lru_cache(maxsize=4096)
def _iso_date(text: str) -> date | None:
    """The date `text` is in JSON Schema's "date" format, else None; remembered, as status.json
    repeats a few hundred dates 100,000 times at 50,000 tasks (a ValueError is not remembered)."""
    if _DATE.fullmatch(text):
        return date.fromisoformat(text)  # ValueError for 2026-02-30: a validation error
    return None


def _json_date(value: object) -> object:
    if type(value) is date:
        return value
    if isinstance(value, str):
        # Only a plain str is remembered (a subclass may compare equal to another text).
        day = _iso_date(value) if type(value) is str else _iso_date.__wrapped__(value)
        if day is not None:
            return day
    raise ValueError("skal være en dato som tekst, ÅÅÅÅ-MM-DD")


def _json_timestamp(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and _TIMESTAMP.search(value):
        return datetime.fromisoformat(value)
    raise ValueError(
        "skal være et tidspunkt som tekst med UTC-forskydning, fx 2026-11-20T09:30:00Z"
    )


JsonDate = Annotated[
    date, BeforeValidator(_json_date), WithJsonSchema({"type": "string", "format": "date"})
]
Timestamp = Annotated[
    datetime,
    BeforeValidator(_json_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}),
]
Count = Annotated[StrictInt, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _StrictModel(BaseModel):
    """A model of status.json: read exactly as status.schema.json describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class CountsOut(_StrictModel):
    done: Count
    total: Count
    by_colour: Annotated[dict[Colour, Count], FailFast()]
    by_category: Annotated[dict[Category, Count], FailFast()]


class TaskOut(_StrictModel):
    id: Annotated[
        StrictStr, Field(pattern=rf"^({PROJECT_PATTERN})-[0-9]{{2}}-([0-9]{{2}}|L[0-9]+|G[0-9]+)$")
    ]
    title: StrictStr
    category: Category
    status: Status
    colour: Colour
    start: JsonDate | None
    due: JsonDate | None
    warn_days: Annotated[StrictInt, Field(ge=0, le=WARN_DAYS_MAX)]
    completed_at: Timestamp | None
    local: StrictBool
    baseline_start: JsonDate | None
    """KOMBIT's start date (the catalogue's, from the go-live); null for a local task."""
    baseline_due: JsonDate | None
    """KOMBIT's due date; null for a local task."""
    baseline_colour: Colour | None
    """The colour against `baseline_due` (the same rule as `colour`); null for a local task."""
    start_reason: Annotated[StrictStr, Field(min_length=1, max_length=REASON_MAX)] | None
    """Why the kommune moved the start from KOMBIT's; null unless it is moved."""
    due_reason: Annotated[StrictStr, Field(min_length=1, max_length=REASON_MAX)] | None
    """Why the kommune moved the due date from KOMBIT's; null unless it is moved."""


class MainTaskOut(_StrictModel):
    number: Annotated[StrictInt, Field(ge=1, le=16)]
    name: StrictStr
    colour: Colour
    counts: CountsOut
    skipped_reason: StrictStr | None = None
    tasks: Annotated[list[TaskOut], FailFast()]


class FollowUpItem(_StrictModel):
    """A task KOMBIT would follow up on: mandatory/critical red, or critical yellow."""

    id: StrictStr
    title: StrictStr
    category: Category
    status: Status
    colour: Colour
    due: JsonDate | None


class ProjectOut(_StrictModel):
    code: ProjectCode
    name: StrictStr
    golive: JsonDate | None
    colour: Colour
    counts: CountsOut
    main_tasks: Annotated[list[MainTaskOut], FailFast()]
    follow_up: Annotated[list[FollowUpItem], FailFast()]


class KommuneOut(_StrictModel):
    code: KommuneCode
    name: StrictStr


class StatusDocument(_StrictModel):
    """`status.json`: the status tree of one kommune on one date."""

    kommune: KommuneOut
    today: JsonDate
    catalogue_version: StrictStr
    colour: Colour
    counts: CountsOut
    projects: Annotated[list[ProjectOut], FailFast()]


class FileEntry(_Model):
    name: StrictStr
    sha256: Sha256
    size: Count


class Manifest(_Model):
    """`manifest.json`: what the bundle is, and the hash and size of every other file in it.
    Read as strictly as status.json: no numbers as text."""

    format: Literal["kigo-status-bundle"]
    format_version: StrictInt
    kommune_code: KommuneCode
    kommune_name: StrictStr
    as_of: JsonDate
    generator: StrictStr
    files: Annotated[list[FileEntry], FailFast()]


def status_schema() -> dict[str, object]:
    """The JSON Schema of status.json (a fresh copy each call; the caller may change it)."""
    schema: dict[str, object] = json.loads(status_schema_bytes())
    return schema


@cache
def status_schema_bytes() -> bytes:
    """status.schema.json as the bundle holds it; generated once per process (pydantic takes
    about 10 ms, which KOMBIT's aggregation of 98 bundles would otherwise pay 98 times)."""
    schema = StatusDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:kigo:{FORMAT_NAME}:{FORMAT_VERSION}:status"
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class PersonOut(_Model):
    ref: Annotated[str, Field(pattern=r"^P\d+$")]
    name: str
    title: str
    unit: str
    email: str
    phone: str


class RoleOut(_Model):
    role: str
    label: str
    project: ProjectCode | None
    from_direktion: bool
    person: Annotated[str, Field(pattern=r"^P\d+$")]
    decision_power: bool = False
    """Added in issue 17; an older bundle without it reads as not marked."""


class ResponsibilityOut(_Model):
    task_id: str
    accountable: str | None
    doer: str | None


class CheckOut(_Model):
    title: str
    colour: Colour
    project: ProjectCode | None
    weight: Literal["skal", "anbefaler"] | None = None
    """Seed 001's word for the point (issue 17); None in an older bundle."""


class DialogueOut(_Model):
    on: date
    project: ProjectCode
    form: Literal["mail", "telefon", "møde"]
    topic: str
    actions: str
    escalation: Literal["none", "direktion", "kommunalbestyrelse"]
    tasks: Annotated[list[str], FailFast()]
    results: str = ""
    """What the follow-up achieved (issue 17; "" in an older bundle)."""
    lead_informed: bool | None = None
    """For an escalation: was the programme leader told beforehand (None: not recorded)."""


class OrganisationDocument(_Model):
    """`organisation.json` (optional): roles, responsibility, readiness and KOMBIT's dialogue.

    People appear as references (P1, P2 …); names, e-mails and phone numbers are personal data and
    are only included when the kommune exports with contacts.
    """

    with_contacts: bool
    people: Annotated[list[PersonOut], FailFast()]
    roles: Annotated[list[RoleOut], FailFast()]
    responsibility: Annotated[list[ResponsibilityOut], FailFast()]
    readiness: Annotated[list[CheckOut], FailFast()]
    dialogues: Annotated[list[DialogueOut], FailFast()]

    @model_validator(mode="after")
    def _privacy(self) -> OrganisationDocument:
        if self.people and not self.with_contacts:
            raise ValueError("people må kun være med, når with_contacts er sand")
        return self


class ExitAreaOut(CaseArea):
    """A sagsområde with its computed fields, as KOMBIT receives it."""

    user_band: Literal["few", "medium", "many"]
    extent: Literal["light", "moderate", "large"] | None
    priority: Annotated[int, Field(ge=1)]
    needs_scenario: bool


class ExitDocument(_Model):
    """`sapa_exit.json` (optional): the KMD Sag exit workspace in priority order."""

    areas: Annotated[list[ExitAreaOut], FailFast()]
    per_scenario: Annotated[dict[str, int], FailFast()]
    per_pattern: Annotated[dict[str, int], FailFast()]
    procurement: Annotated[list[str], FailFast()]
    """Sagsområder a purchase follows (scenarios 1, 3 and 4)."""
