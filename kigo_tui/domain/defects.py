"""The defect log: defects reported to the supplier, measured against the agreed service level.

Lesson from KSD/KY (seed 003): trust fell because defects took too long from being reported to
being fixed, and kommuner should hold the delivery to the SLA. Each defect has a severity; the
config gives a response and a resolution target per severity (hours, see `SlaSettings`). Both
clocks start when the defect is reported; the response clock stops at the supplier's first
answer, the resolution clock when it is fixed. A reopened defect keeps its original start. A
target is breached when more than the agreed time has passed (exactly the target is met).

Pure functions over plain rows; no Textual, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from kigo_tui.domain.dates import check_date
from kigo_tui.domain.defect_labels import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    DefectStatus,
    Severity,
)
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.sla import SlaClock
from kigo_tui.domain.sla_settings import SlaSettings
from kigo_tui.domain.text import clean_text, count
from kigo_tui.domain.times import (
    as_utc,
    duration_text,
    end_of_day,
    hours_text,
    local,
    local_text,
)
from kigo_tui.errors import KigoError

MAX_TITLE = 200
ALL = "Alle"
"""The key of the kommune-wide row in the per-project figures."""


class DefectError(KigoError):
    """A defect that cannot be saved as given; the message names the field in Danish."""


@dataclass(frozen=True, slots=True)
class DefectRow:
    """A defect as stored (timestamps aware UTC)."""

    id: int
    project: str
    title: str
    severity: Severity
    status: DefectStatus
    reported_at: datetime
    responded_at: datetime | None
    fixed_at: datetime | None
    supplier_ref: str
    note: str
    version: int


@dataclass(frozen=True, slots=True)
class DefectInput:
    """What a user gives for a new or edited defect; `check` turns it into consistent values."""

    project: str
    title: str
    severity: Severity
    reported_at: datetime
    status: DefectStatus = DefectStatus.REPORTED
    responded_at: datetime | None = None
    fixed_at: datetime | None = None
    supplier_ref: str = ""
    note: str = ""


def check(defect: DefectInput, now: datetime) -> DefectInput:
    """Validate and complete a defect; DefectError names the problem in Danish.

    The status and the timestamps agree afterwards: 'indberettet' has neither a response nor a
    fix, 'under behandling' has a response (default: now), 'rettet' has a fix (default: now)
    and a response (default: the fix).
    """
    project = defect.project.strip().upper()
    if project not in PROJECT_CODES:
        raise DefectError(f"ukendt projekt: '{defect.project}' (brug {', '.join(PROJECT_CODES)})")
    title = " ".join(clean_text(defect.title, "felt 'titel'").split())
    if not title:
        raise DefectError("felt 'titel': må ikke være tom")
    if len(title) > MAX_TITLE:
        raise DefectError(f"felt 'titel': højst {MAX_TITLE} tegn")
    now = as_utc(now)
    reported = as_utc(defect.reported_at)
    responded = as_utc(defect.responded_at) if defect.responded_at else None
    fixed = as_utc(defect.fixed_at) if defect.fixed_at else None
    status = defect.status
    if status == DefectStatus.REPORTED:
        if fixed is not None:
            raise DefectError(
                "felt 'status': en fejl med et rettet-tidspunkt kan ikke være indberettet"
            )
        responded = None
    elif status == DefectStatus.ACKNOWLEDGED:
        if fixed is not None:
            raise DefectError(
                "felt 'status': en fejl med et rettet-tidspunkt er rettet, ikke under behandling"
            )
        responded = responded or max(now, reported)
    else:
        fixed = fixed or max(now, reported)
        responded = responded or fixed
    for name, moment in (("indberettet", reported), ("svar", responded), ("rettet", fixed)):
        if moment is not None:
            check_date(local(moment).date(), f"felt '{name}'")
        if moment is not None and moment > now + timedelta(minutes=5):
            raise DefectError(
                f"felt '{name}': {local_text(moment)} ligger i fremtiden (nu er {local_text(now)})"
            )
    if fixed is not None and fixed < reported:
        raise DefectError(
            f"felt 'rettet': {local_text(fixed)} ligger før indberetningen ({local_text(reported)})"
        )
    if responded is not None and responded < reported:
        raise DefectError(
            f"felt 'svar': {local_text(responded)} ligger før indberetningen "
            f"({local_text(reported)})"
        )
    if fixed is not None and responded is not None and responded > fixed:
        raise DefectError(
            f"felt 'svar': {local_text(responded)} ligger efter rettelsen ({local_text(fixed)})"
        )
    return DefectInput(
        project=project,
        title=title,
        severity=defect.severity,
        reported_at=reported,
        status=status,
        responded_at=responded,
        fixed_at=fixed,
        supplier_ref=clean_text(defect.supplier_ref, "felt 'leverandørens sagsnr.'"),
        note=clean_text(defect.note, "felt 'note'"),
    )


# ------------------------------------------------------------------ SLA


@dataclass(frozen=True, slots=True)
class Policy:
    """The agreed targets and the clock they are measured with."""

    settings: SlaSettings
    clock: SlaClock

    @classmethod
    def from_settings(cls, settings: SlaSettings) -> Policy:
        return cls(settings, SlaClock(settings.working_days))

    def response_target(self, severity: Severity) -> timedelta:
        return timedelta(hours=self.settings.target(severity).response_hours)

    def resolution_target(self, severity: Severity) -> timedelta:
        return timedelta(hours=self.settings.target(severity).resolution_hours)

    def describe(self) -> str:
        clock = (
            "hverdage (weekender og helligdage tæller ikke)"
            if self.settings.working_days
            else "kalendertid (weekender tæller med)"
        )
        return f"SLA målt i {clock}"


@dataclass(frozen=True, slots=True)
class Assessment:
    """A defect measured at one moment."""

    defect: DefectRow
    at: datetime
    is_open: bool
    """Reported by `at` and not fixed by `at`."""
    age: timedelta
    """Calendar time from reported to fixed (or to `at` while open)."""
    response_used: timedelta
    resolution_used: timedelta
    """SLA-clock time used so far (frozen at the response / the fix)."""
    response_target: timedelta
    resolution_target: timedelta
    response_deadline: datetime
    resolution_deadline: datetime
    responded: bool
    response_breached: bool
    resolution_breached: bool

    @property
    def breached(self) -> bool:
        return self.response_breached or self.resolution_breached

    @property
    def resolution_left(self) -> timedelta:
        """SLA time left to fix it (negative: over by that much)."""
        return self.resolution_target - self.resolution_used

    @property
    def response_left(self) -> timedelta:
        return self.response_target - self.response_used

    @property
    def fix_time(self) -> timedelta | None:
        """SLA-clock time from reported to fixed, for a fixed defect."""
        return None if self.is_open else self.resolution_used


def as_of(defect: DefectRow, at: datetime) -> DefectRow | None:
    """The defect as it stood at `at`: None before it was reported; a later answer or fix has not
    happened yet, and the status says so."""
    at = as_utc(at)
    if defect.reported_at > at:
        return None
    responded = defect.responded_at if defect.responded_at and defect.responded_at <= at else None
    fixed = defect.fixed_at if defect.fixed_at and defect.fixed_at <= at else None
    if fixed is not None:
        status = DefectStatus.FIXED
    elif responded is not None:
        status = DefectStatus.ACKNOWLEDGED
    else:
        status = DefectStatus.REPORTED
    if (responded, fixed, status) == (defect.responded_at, defect.fixed_at, defect.status):
        return defect
    return replace(defect, responded_at=responded, fixed_at=fixed, status=status)


def assess(defect: DefectRow, policy: Policy, at: datetime) -> Assessment:
    """How `defect` stands at `at`: a response or fix after `at` has not happened yet."""
    at = as_utc(at)
    defect = as_of(defect, at) or defect
    reported = defect.reported_at
    responded = defect.responded_at
    fixed = defect.fixed_at
    clock = policy.clock
    response_end = responded or at
    resolution_end = fixed or at
    response_used = clock.elapsed(reported, response_end)
    resolution_used = clock.elapsed(reported, resolution_end)
    response_target = policy.response_target(defect.severity)
    resolution_target = policy.resolution_target(defect.severity)
    return Assessment(
        defect=defect,
        at=at,
        is_open=fixed is None,
        age=max(resolution_end - reported, timedelta(0)),
        response_used=response_used,
        resolution_used=resolution_used,
        response_target=response_target,
        resolution_target=resolution_target,
        response_deadline=clock.deadline(reported, response_target),
        resolution_deadline=clock.deadline(reported, resolution_target),
        responded=responded is not None,
        response_breached=response_used > response_target,
        resolution_breached=resolution_used > resolution_target,
    )


def assess_all(defects: Iterable[DefectRow], policy: Policy, at: datetime) -> list[Assessment]:
    """Every defect reported by `at`, measured at `at`; open first, most overdue first."""
    at = as_utc(at)
    rows = [assess(d, policy, at) for d in defects if d.reported_at <= at]
    # `assess` applies `as_of`, so each row shows the defect as it stood at `at`
    rows.sort(key=lambda a: (not a.is_open, -a.breached, a.resolution_left, a.defect.id))
    return rows


# ------------------------------------------------------------------ figures


@dataclass(frozen=True, slots=True)
class Figures:
    """Per project (or for all): what KOMBIT and the steering group look at."""

    project: str
    total: int
    open: int
    breached: int
    """Defects that broke the response or the resolution target (open or fixed)."""
    open_breached: int
    median_fix: timedelta | None
    """Median SLA-clock time from reported to fixed, over the fixed defects; None if none."""

    @property
    def median_fix_hours(self) -> float | None:
        return None if self.median_fix is None else self.median_fix.total_seconds() / 3600


def _median(durations: list[timedelta]) -> timedelta:
    """statistics.median for durations (typeshed gives statistics numbers only): the middle one,
    or the mean of the two in the middle."""
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _figures(project: str, rows: list[Assessment]) -> Figures:
    fixes = [a.fix_time for a in rows if a.fix_time is not None]
    return Figures(
        project=project,
        total=len(rows),
        open=sum(1 for a in rows if a.is_open),
        breached=sum(1 for a in rows if a.breached),
        open_breached=sum(1 for a in rows if a.is_open and a.breached),
        median_fix=_median(fixes) if fixes else None,
    )


def figures(rows: list[Assessment]) -> list[Figures]:
    """One row per project that has defects, in project order, then the kommune as a whole."""
    result = [
        _figures(code, [a for a in rows if a.defect.project == code])
        for code in PROJECT_CODES
        if any(a.defect.project == code for a in rows)
    ]
    result.append(_figures(ALL, rows))
    return result


def severity_label(severity: Severity) -> str:
    return SEVERITY_LABELS[severity]


def status_label(status: DefectStatus) -> str:
    return STATUS_LABELS[status]


# ------------------------------------------------------------------ Danish texts

WITHIN = "●"
BREACHED = "■"


def response_text(a: Assessment) -> str:
    """The response clock in words: '● svar efter 1 t (mål 2 t)', '■ intet svar, 3 t over'."""
    target = hours_text(a.response_target.total_seconds() / 3600)
    mark = BREACHED if a.response_breached else WITHIN
    if a.responded:
        return f"{mark} svar efter {duration_text(a.response_used)} (mål {target})"
    if a.response_breached:
        return f"{mark} intet svar, {duration_text(-a.response_left)} over (mål {target})"
    return f"{mark} {duration_text(a.response_left)} til svarfristen (mål {target})"


def resolution_text(a: Assessment) -> str:
    """The resolution clock in words: '● 20 t tilbage', '■ 4 t over', '● rettet efter 5 t'."""
    target = hours_text(a.resolution_target.total_seconds() / 3600)
    mark = BREACHED if a.resolution_breached else WITHIN
    if not a.is_open:
        return f"{mark} rettet efter {duration_text(a.resolution_used)} (mål {target})"
    if a.resolution_breached:
        return f"{mark} {duration_text(-a.resolution_left)} over fristen (mål {target})"
    return f"{mark} {duration_text(a.resolution_left)} tilbage (mål {target})"


def response_short(a: Assessment) -> str:
    """For a table cell: '● efter 1 t', '■ 3 t over', '● 5 t tilbage'."""
    if a.responded:
        mark = BREACHED if a.response_breached else WITHIN
        return f"{mark} efter {duration_text(a.response_used)}"
    return _left_or_over(a.response_left, a.response_breached)


def resolution_short(a: Assessment) -> str:
    if not a.is_open:
        mark = BREACHED if a.resolution_breached else WITHIN
        return f"{mark} rettet efter {duration_text(a.resolution_used)}"
    return _left_or_over(a.resolution_left, a.resolution_breached)


def _left_or_over(left: timedelta, breached: bool) -> str:
    if breached:
        return f"{BREACHED} {duration_text(-left)} over"
    return f"{WITHIN} {duration_text(left)} tilbage"


def sla_word(a: Assessment) -> str:
    """'brudt', 'overholdt' (fixed in time) or 'inden for' (open, still in time)."""
    if a.breached:
        return "brudt"
    return "inden for" if a.is_open else "overholdt"


def figures_text(f: Figures) -> str:
    median = "—" if f.median_fix is None else duration_text(f.median_fix)
    name = "I alt" if f.project == ALL else f.project
    return (
        f"{name}: {f.total} fejl, {count(f.open, 'åben', 'åbne')}, {f.breached} med SLA-brud "
        f"({count(f.open_breached, 'åben', 'åbne')}), median tid til rettelse {median}"
    )


def measured_text(at: datetime, today: date) -> str:
    """When the log is measured, as people say it: 'ved udgangen af 23-11-2026' for the end of
    a chosen day (not '24-11-2026 00:00', the same instant on the next day's clock), else
    'pr. 23-11-2026 14:05'."""
    if as_utc(at) == end_of_day(today):
        return f"ved udgangen af {today:%d-%m-%Y}"
    return f"pr. {local_text(at)}"


EXAMPLE_MARK = "eksempel"
"""Beside every SLA target that is still kigo's example (`SlaSettings.is_example`); the note
(`examples_note`) says what to do about it."""


def examples_note(settings: SlaSettings) -> str | None:
    """One Danish sentence while any SLA target is kigo's example ('SLA-målene er eksempler –
    erstat dem med jeres kontrakts SLA …'); None once config.toml has the kommune's own targets
    for every severity."""
    examples = settings.examples()
    if not examples:
        return None
    if len(examples) == len(Severity):
        which = "SLA-målene"
    else:
        names = [SEVERITY_LABELS[s] for s in examples]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"
        which = f"SLA-målene for {listed}"
    return (
        f"{which} er eksempler – erstat dem med jeres kontrakts SLA ([sla] i config.toml), så "
        "leverandøren måles på det, der er aftalt."
    )


# ------------------------------------------------------------------ go-live and open defects

GO_LIVE_MAIN_TASKS = frozenset({10, 16})
"""Hovedopgave 10 Go-live (the hyper-care days) and 16 Idriftsættelse af løsningen (seed 002):
every task under them, KOMBIT's and the kommune's own, is a go-live task. The rule is on the
structure of the implementation model, not on task titles, so a catalogue can word its tasks as
it likes."""


def is_go_live_task(main_task: int) -> bool:
    return main_task in GO_LIVE_MAIN_TASKS


def past_sla(a: Assessment) -> bool:
    """Open and past a deadline now: not fixed in the agreed time, or still unanswered after the
    agreed response time. (A late answer to a defect that is still within its fixing time is a
    breach on record, but the defect is not overdue now.)"""
    return a.is_open and (a.resolution_breached or (not a.responded and a.response_breached))


def go_live_blockers(project: str, main_task: int, rows: Iterable[Assessment]) -> list[Assessment]:
    """The critical defects against `project` that are open past their SLA, when a task of
    hovedopgave `main_task` is about to be marked done; [] for any other task.

    Seed 003: "Kommunerne skal være mere kritiske over for om leverancen rent faktisk lever op
    til 'SLA' … Hvis den ikke er det, så er opgaven ikke løst." Such a go-live or hyper-care task
    is done only when the user confirms it in spite of the defects (the TUI asks, the CLI wants
    --trods-fejl); nothing is blocked for good.
    """
    if not is_go_live_task(main_task):
        return []
    return [
        a
        for a in rows
        if a.defect.project == project and a.defect.severity == Severity.CRITICAL and past_sla(a)
    ]


def blockers_text(task_id: str, blockers: list[Assessment]) -> str:
    """What the user reads before marking the go-live task done anyway (TUI and CLI)."""
    lines = [
        f"{task_id} hører til go-live og idriftsættelse, men "
        + (
            "en kritisk fejl er åben ud over den aftalte SLA:"
            if len(blockers) == 1
            else f"{count(len(blockers), 'kritisk', 'kritiske')} fejl er åbne ud over den aftalte SLA:"
        )
    ]
    for a in blockers:
        d = a.defect
        ref = f" [{d.supplier_ref}]" if d.supplier_ref else ""
        late = resolution_text(a) if a.resolution_breached else response_text(a)
        lines.append(f"  fejl {d.id} «{d.title}»{ref}: {late}")
    lines.append(
        "Erfaringen fra KSD og KY: lever løsningen ikke op til SLA'en, er opgaven ikke løst."
    )
    return "\n".join(lines)
