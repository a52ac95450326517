"""The status bundle's files as pydantic models: what goes out is validated, what comes in too.

The JSON Schema shipped in every bundle is generated from `StatusDocument`.

Every list and dict is `FailFast`: validation of a collection stops at its first bad item. Without
it a 0.4 MB status.json of 100,000 empty task objects gives a million errors and over 1 GB of
memory; with it, a bad bundle costs one item's errors (see tests/test_memory_hostile.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, FailFast, Field, model_validator

from kigo_tui.exit_strategy import CaseArea
from kigo_tui.rules import Category, Colour, Status
from kigo_tui.store import REASON_MAX

FORMAT_NAME = "kigo-status-bundle"
FORMAT_VERSION = 2
"""1: first format; 2: every task has KOMBIT's baseline dates and the colour against them, and
the kommune's reasons for moved dates."""

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
KommuneCode = Annotated[str, Field(pattern=r"^\d{3}$")]
ProjectCode = Literal["STS", "SAPA", "KY", "KSD"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CountsOut(_Model):
    done: Annotated[int, Field(ge=0)]
    total: Annotated[int, Field(ge=0)]
    by_colour: Annotated[dict[Colour, Annotated[int, Field(ge=0)]], FailFast()]
    by_category: Annotated[dict[Category, Annotated[int, Field(ge=0)]], FailFast()]


class TaskOut(_Model):
    id: Annotated[str, Field(pattern=r"^(STS|SAPA|KY|KSD)-\d{2}-(\d{2}|L\d+|G\d+)$")]
    title: str
    category: Category
    status: Status
    colour: Colour
    start: date | None
    due: date | None
    warn_days: Annotated[int, Field(ge=0, le=365)]
    completed_at: datetime | None
    local: bool
    baseline_start: date | None
    """KOMBIT's start date (the catalogue's, from the go-live); null for a local task."""
    baseline_due: date | None
    """KOMBIT's due date; null for a local task."""
    baseline_colour: Colour | None
    """The colour against `baseline_due` (the same rule as `colour`); null for a local task."""
    start_reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX)] | None
    """Why the kommune moved the start from KOMBIT's; null unless it is moved."""
    due_reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX)] | None
    """Why the kommune moved the due date from KOMBIT's; null unless it is moved."""


class MainTaskOut(_Model):
    number: Annotated[int, Field(ge=1, le=16)]
    name: str
    colour: Colour
    counts: CountsOut
    skipped_reason: str | None = None
    tasks: Annotated[list[TaskOut], FailFast()]


class FollowUpItem(_Model):
    """A task KOMBIT would follow up on: mandatory/critical red, or critical yellow."""

    id: str
    title: str
    category: Category
    status: Status
    colour: Colour
    due: date | None


class ProjectOut(_Model):
    code: ProjectCode
    name: str
    golive: date | None
    colour: Colour
    counts: CountsOut
    main_tasks: Annotated[list[MainTaskOut], FailFast()]
    follow_up: Annotated[list[FollowUpItem], FailFast()]


class KommuneOut(_Model):
    code: KommuneCode
    name: str


class StatusDocument(_Model):
    """`status.json`: the status tree of one kommune on one date."""

    kommune: KommuneOut
    today: date
    catalogue_version: str
    colour: Colour
    counts: CountsOut
    projects: Annotated[list[ProjectOut], FailFast()]


class FileEntry(_Model):
    name: str
    sha256: Sha256
    size: Annotated[int, Field(ge=0)]


class Manifest(_Model):
    """`manifest.json`: what the bundle is, and the hash and size of every other file in it."""

    format: Literal["kigo-status-bundle"]
    format_version: int
    kommune_code: KommuneCode
    kommune_name: str
    as_of: date
    generator: str
    files: Annotated[list[FileEntry], FailFast()]


def status_schema() -> dict[str, object]:
    """The JSON Schema of status.json (a fresh copy each call; the caller may change it)."""
    return json.loads(status_schema_bytes())


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


class ResponsibilityOut(_Model):
    task_id: str
    accountable: str | None
    doer: str | None


class CheckOut(_Model):
    title: str
    colour: Colour
    project: ProjectCode | None


class DialogueOut(_Model):
    on: date
    project: ProjectCode
    form: Literal["mail", "telefon", "møde"]
    topic: str
    actions: str
    escalation: Literal["none", "direktion", "kommunalbestyrelse"]
    tasks: Annotated[list[str], FailFast()]


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
    """Sagsområder that need a procurement (scenarios 1 and 4)."""
