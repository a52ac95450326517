"""SQLModel tables. Writes go through these; bulk reads select plain columns from them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, col


class Meta(SQLModel, table=True):
    """Key/value facts about the database: schema version, kommune, catalogue version, revision."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Project(SQLModel, table=True):
    __tablename__ = "project"
    code: str = Field(primary_key=True)
    name: str
    description: str = ""
    position: int = 0
    golive: date | None = None


class MainTask(SQLModel, table=True):
    """One of the 16 hovedopgaver of the implementation model."""

    __tablename__ = "main_task"
    number: int = Field(primary_key=True)
    name: str
    group: str
    description: str
    purpose: str


class SkippedMainTask(SQLModel, table=True):
    """A hovedopgave that a project does not use, with the catalogue's reason."""

    __tablename__ = "skipped_main_task"
    project: str = Field(foreign_key="project.code", primary_key=True)
    main_task: int = Field(foreign_key="main_task.number", primary_key=True)
    reason: str


class Task(SQLModel, table=True):
    """A concrete task. Dates derive from the project's go-live unless edited by hand (*_manual)."""

    __tablename__ = "task"
    id: str = Field(primary_key=True)
    project: str = Field(foreign_key="project.code", index=True)
    main_task: int = Field(foreign_key="main_task.number")
    position: int = 0
    title: str
    description: str = ""
    category: str
    phase: str
    status: str = "not_started"
    previous_status: str | None = None
    start_offset: int | None = None
    due_offset: int | None = None
    start: date | None = None
    due: date | None = None
    start_manual: bool = False
    due_manual: bool = False
    warn_days: int = 14
    is_local: bool = False
    exit_priority: str | None = None
    completed_at: datetime | None = None
    version: int = 1
    """Raised on every change; a save based on an older version is refused (no silent overwrite)."""
    withdrawn: bool = False
    """The catalogue no longer has this task: it is kept (status, history) but hidden from the tree."""
    baseline_start: date | None = None
    """KOMBIT's start date: the catalogue's offset from the project's go-live (None for a local
    task, or while there is no go-live). The kommune may move `start`; this stays."""
    baseline_due: date | None = None
    """KOMBIT's due date, as `baseline_start`."""
    start_reason: str | None = None
    """Why the kommune moved `start` away from `baseline_start` (the latest move's reason)."""
    due_reason: str | None = None
    """Why the kommune moved `due` away from `baseline_due`."""


ROLLUP_INDEX = Index(
    "ix_task_rollup",
    col(Task.withdrawn),
    col(Task.project),
    col(Task.main_task),
    col(Task.category),
    col(Task.status),
    col(Task.due),
    col(Task.warn_days),
)
"""Everything the tree's roll-up counts need, so they are read from the index alone
(`kigo_tui.storage.queries.ROLLUP`), and the key of a branch (project, hovedopgave)."""


class ChecklistItem(SQLModel, table=True):
    __tablename__ = "checklist_item"
    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(foreign_key="task.id", index=True, ondelete="CASCADE")
    position: int = 0
    text: str
    done: bool = False


class History(SQLModel, table=True):
    """Every change to a task: which field, old and new value, when (UTC) and by whom."""

    __tablename__ = "history"
    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(index=True)
    field: str
    old: str | None = None
    new: str | None = None
    at: datetime
    user: str
    reason: str | None = None
    """Why, where the change needs a reason (a catalogue task's date moved from KOMBIT's)."""


class Person(SQLModel, table=True):
    """Someone in the kommune's implementation organisation (personal data: see export)."""

    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    title: str = ""
    unit: str = ""
    email: str = ""
    phone: str = ""
    version: int = 1
    """Raised on every change; an edit or removal based on an older version is refused."""


class RoleAssignment(SQLModel, table=True):
    """A person holding a role, kommune-wide (project None) or for one project."""

    __tablename__ = "role_assignment"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str
    project: str | None = None
    from_direktion: bool = False
    decision_power: bool = False
    """A steering group member who can make decisions (seed 001)."""


class Responsibility(SQLModel, table=True):
    """Who is accountable (ansvarlig) for a task and who does it (udfører)."""

    __tablename__ = "responsibility"
    task_id: str = Field(foreign_key="task.id", primary_key=True, ondelete="CASCADE")
    accountable_id: int | None = Field(default=None, foreign_key="person.id")
    doer_id: int | None = Field(default=None, foreign_key="person.id")


class Dialogue(SQLModel, table=True):
    """One follow-up from KOMBIT: when, on what project, how, what was agreed, escalation."""

    __tablename__ = "dialogue"
    id: int | None = Field(default=None, primary_key=True)
    on: date
    project: str = Field(foreign_key="project.code")
    form: str
    topic: str
    actions: str = ""
    escalation: str = "none"
    recorded_at: datetime
    user: str
    results: str = ""
    """What the follow-up achieved (seed 000)."""
    lead_informed: bool | None = None
    """For an escalation: was the kommune's programme leader told beforehand (None: not said)."""


class DialogueTask(SQLModel, table=True):
    __tablename__ = "dialogue_task"
    dialogue_id: int = Field(foreign_key="dialogue.id", primary_key=True, ondelete="CASCADE")
    task_id: str = Field(primary_key=True)


class CaseAreaRow(SQLModel, table=True):
    """A sagsområde of the KMD Sag exit strategy (one row of KOMBIT's documentation sheet R1)."""

    __tablename__ = "case_area"
    id: int | None = Field(default=None, primary_key=True)
    field_area: str
    case_area: str
    kle: str
    uses_kmd_sag: bool = True
    caseworkers: int = 0
    pattern: str | None = None
    cases_in: str = ""
    notes_in: str = ""
    alerts_in: str = ""
    documents_in: str = ""
    overview_in: str = ""
    monopoly_break: bool = False
    case_count: int = 0
    note_count: int = 0
    cleanup_needed: bool = False
    archivable: bool = False
    future_system: str = ""
    business_critical: bool = False
    cleanup_complexity: str | None = None
    scenario: int | None = None
    comment: str = ""
    version: int = 1
    """Raised on every change; a save based on an older version is refused (no silent overwrite)."""
    # schema 10: the rest of the documentation sheet (seed 004)
    tsa_agreement: bool = False
    cleanup_requirements: str = ""
    archive_requirements: str = ""
    tender_when: str = ""
    market_options: str = ""
    preferred_cases_in: str = ""
    preferred_notes_in: str = ""
    preferred_alerts_in: str = ""
    preferred_documents_in: str = ""
    preferred_overview_in: str = ""
    own_user_band: str | None = None
    own_priority: int | None = None


class ExitDecisionRow(SQLModel, table=True):
    """The KMD Sag exit decision note (beslutningsnotat): one row, id 1 (schema 10)."""

    __tablename__ = "exit_decision"
    id: int = Field(default=1, primary_key=True)
    body: str = ""
    policies: str = ""
    cleanup_order: str = "heavy_first"
    status: str = "draft"
    decided_on: date | None = None
    decided_by: str = ""
    version: int = 1


class DefectRecord(SQLModel, table=True):
    """A defect reported to the supplier (the defect log); times are UTC."""

    __tablename__ = "defect"
    id: int | None = Field(default=None, primary_key=True)
    project: str = Field(foreign_key="project.code", index=True)
    title: str
    severity: str
    status: str = "reported"
    reported_at: datetime
    responded_at: datetime | None = None
    fixed_at: datetime | None = None
    supplier_ref: str = ""
    note: str = ""
    created_at: datetime
    user: str
    version: int = 1
    """Raised on every change; a save based on an older version is refused."""
