"""The styregruppe's status page: one self-contained HTML file for the kommune (`kigo report`).

What the page shows comes from the same functions as the rest of kigo, so its numbers are
theirs: colours and counts from `status_tree` (= `kigo status --json`), KOMBIT's report and
follow-up from `in_kombit_report`/`needs_follow_up`, the burn-down from the weekly figures
(`kigo progress`), defects measured against the SLA at the end of the status date (as in the
bundle), readiness from the organisation's checks, the KMD Sag exit summary from the workspace.

Personal data follows the bundle's rule: without `with_contacts` people are named by their roles
(«Projektleder (SAPA)»), never by name, e-mail or phone, and the readiness checks show their
verdict without the detail text (which names people). The page is the same bytes for the same
data: nothing in it depends on the time it was made, only on the status date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kigo_tui.domain.dates import short_date
from kigo_tui.domain.defect_labels import SEVERITY_LABELS
from kigo_tui.domain.defect_labels import STATUS_LABELS as DEFECT_STATUS_LABELS
from kigo_tui.domain.defects import Assessment, Policy, assess_all, figures, sla_word
from kigo_tui.domain.dependencies import golive_conflicts
from kigo_tui.domain.exit_strategy import (
    NOTE_STATUS_LABELS,
    PATTERN_LABELS,
    PROCUREMENT_KIND,
    SCENARIO_LABELS,
    summarise,
)
from kigo_tui.domain.organisation import (
    ESCALATIONS,
    FORMS,
    Check,
    DialogueRow,
    Organisation,
    Weight,
)
from kigo_tui.domain.progress import ALL
from kigo_tui.domain.rules import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    Colour,
    Status,
    in_kombit_report,
)
from kigo_tui.domain.tasks import NO_REASON
from kigo_tui.domain.text import count
from kigo_tui.domain.times import end_of_day, local_text
from kigo_tui.formats.status import status_tree
from kigo_tui.report import svg
from kigo_tui.report.render import LIST_LIMIT, Listing, render

if TYPE_CHECKING:
    from kigo_tui.domain.defects import DefectRow
    from kigo_tui.domain.exit_strategy import CaseArea, DecisionNote
    from kigo_tui.domain.progress import Progress
    from kigo_tui.domain.sla_settings import SlaSettings
    from kigo_tui.models.readmodels import Snapshot, TaskRow
    from kigo_tui.storage.store import Store

UPCOMING_DAYS = 30
"""Deadlines shown as coming up: the next 30 days, today included."""
SINCE_WEEKS = 4
"""The page compares this week with the week four weeks before: about the time since the last
monthly meeting of the steering group (seed 001)."""
DECISION_ESCALATIONS = ("direktion", "kommunalbestyrelse")
"""Escalations the steering group takes upward: what the page asks it to decide on."""


@dataclass(frozen=True)
class KommuneData:
    """Everything the page is made from, read in one go (plain data, no database)."""

    snapshot: Snapshot
    today: date
    organisation: Organisation
    progress: dict[str, Progress]
    defects: list[DefectRow]
    sla: SlaSettings
    exit_areas: list[CaseArea] = field(default_factory=list)
    exit_note: DecisionNote | None = None


def read_kommune_data(store: Store, today: date, sla: SlaSettings) -> KommuneData:
    """Read what the page needs from an open database."""
    from kigo_tui.storage.defects import list_defects
    from kigo_tui.storage.exit_strategy import get_note, list_areas
    from kigo_tui.storage.organisation import read_organisation
    from kigo_tui.storage.progress import read_progress

    snapshot = store.snapshot()
    return KommuneData(
        snapshot=snapshot,
        today=today,
        organisation=read_organisation(store),
        progress=read_progress(store, today, snapshot),
        defects=list_defects(store),
        sla=sla,
        exit_areas=list_areas(store),
        exit_note=get_note(store)[0],
    )


def report_name(kommune_code: str, today: date, project: str | None = None) -> str:
    """The file's standard name: kigo-rapport-<kode>[-<projekt>]-<dato>.html."""
    scope = f"-{project}" if project else ""
    return f"kigo-rapport-{kommune_code}{scope}-{today.isoformat()}.html"


# ------------------------------------------------------------------ people


class People:
    """How the page names a person: by name with contacts, else by the roles they hold."""

    def __init__(self, org: Organisation, with_contacts: bool) -> None:
        self.org = org
        self.with_contacts = with_contacts

    def label(self, person_id: int | None) -> str:
        if person_id is None or person_id not in self.org.people:
            return "—"
        if self.with_contacts:
            return self.org.people[person_id].name
        roles = sorted(r.label for r in self.org.roles_of(person_id))
        if not roles:
            return f"person P{person_id} (ingen rolle)"
        return roles[0] + (" m.fl." if len(roles) > 1 else "")

    def of_task(self, task_id: str) -> tuple[str, str]:
        accountable, doer = self.org.responsibility.get(task_id, (None, None))
        return self.label(accountable), self.label(doer)


# ------------------------------------------------------------------ rows


def golive_text(golive: date | None, today: date) -> str:
    """'om 41 dage', 'i dag', 'for 12 dage siden', or 'ingen dato'."""
    if golive is None:
        return "ingen dato sat"
    days = (golive - today).days
    if days == 0:
        return "i dag"
    span = count(abs(days), "dag", "dage")
    return f"om {span}" if days > 0 else f"for {span} siden"


def _task_row(
    task: TaskRow, colour: Colour, main_names: dict[int, str], people: People, today: date
) -> dict[str, Any]:
    accountable, doer = people.of_task(task.id)
    due = task.due
    return {
        "id": task.id,
        "title": task.title,
        "main": f"{task.main_task}. {main_names.get(task.main_task, '')}",
        "category": CATEGORY_LABELS[task.category],
        "status": STATUS_LABELS[task.status],
        "colour": colour.value,
        "due": short_date(due),
        "kombit_due": short_date(task.baseline_due) if task.due_moved else None,
        "days": None if due is None else (due - today).days,
        "accountable": accountable,
        "doer": doer,
    }


def _moves(task: TaskRow) -> list[dict[str, Any]]:
    out = []
    for label, own, base, reason, moved in (
        ("start", task.start, task.baseline_start, task.start_reason, task.start_moved),
        ("slutdato", task.due, task.baseline_due, task.due_reason, task.due_moved),
    ):
        if moved and base is not None:
            out.append(
                {
                    "id": task.id,
                    "title": task.title,
                    "which": label,
                    "kombit": short_date(base),
                    "own": short_date(own),
                    "days": None if own is None else (own - base).days,
                    "reason": reason or NO_REASON,
                }
            )
    return out


def _escalation_open(dialogue: DialogueRow, done: set[str], project_colour: str) -> bool:
    """An escalation is open while one of its tasks is not done; one that names no task, while
    its project is not green."""
    if not dialogue.escalated:
        return False
    if dialogue.task_ids:
        return any(t not in done for t in dialogue.task_ids)
    return project_colour != Colour.GREEN


def _dialogue(d: DialogueRow) -> dict[str, Any]:
    return {
        "on": short_date(d.on),
        "project": d.project,
        "form": FORMS.get(d.form, d.form),
        "topic": d.topic,
        "actions": d.actions,
        "results": d.results,
        "escalation": ESCALATIONS.get(d.escalation, d.escalation),
        "lead_informed": d.lead_informed_text,
        "tasks": ", ".join(d.task_ids),
    }


def _defect(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.defect.id,
        "title": a.defect.title,
        "severity": SEVERITY_LABELS[a.defect.severity],
        "status": DEFECT_STATUS_LABELS[a.defect.status],
        "reported": local_text(a.defect.reported_at),
        "sla": sla_word(a),
        "breached": a.breached,
    }


def since(series: Progress | None, weeks: int = SINCE_WEEKS) -> dict[str, Any] | None:
    """This week against `weeks` weeks before, from the weekly figures (`kigo progress`): done,
    red, yellow and how far behind the plan, then and now; None without a measured week then."""
    if series is None or series.current_index is None or series.current_index < weeks:
        return None
    now, then = series.weeks[series.current_index], series.weeks[series.current_index - weeks]
    if not then.measured:
        return None
    return {
        "day": short_date(then.day),
        "weeks": weeks,
        "done": (then.done, now.done),
        "red": (then.red, now.red),
        "yellow": (then.yellow, now.yellow),
        "behind": (then.behind, now.behind),
    }


def _listing(rows: Sequence[dict[str, Any]], total: int | None = None) -> Listing:
    """The first LIST_LIMIT of `rows`, and how many there are (`total`, when `rows` are only
    the ones shown)."""
    return Listing(total=len(rows) if total is None else total, rows=list(rows[:LIST_LIMIT]))


def _task_listing(
    chosen: list[TaskRow],
    colour_of: dict[str, Colour],
    main_names: dict[int, str],
    people: People,
    today: date,
) -> Listing:
    """Most overdue (or soonest due) first; rows made only for the tasks shown."""
    chosen.sort(key=lambda t: (t.due or date.max, t.id))
    rows = [_task_row(t, colour_of[t.id], main_names, people, today) for t in chosen[:LIST_LIMIT]]
    return _listing(rows, total=len(chosen))


# ------------------------------------------------------------------ the page


def kommune_context(
    data: KommuneData, *, project: str | None = None, with_contacts: bool = False
) -> dict[str, Any]:
    """The template's data: the status tree's numbers plus the lists the steering group reads."""
    today = data.today
    snapshot = data.snapshot
    tree = status_tree(snapshot, today, project)
    people = People(data.organisation, with_contacts)
    main_names = {m.number: m.name for m in snapshot.main_tasks}
    by_project: dict[str, list[TaskRow]] = defaultdict(list)
    for task in snapshot.tasks:
        by_project[task.project].append(task)
    done = {t.id for t in snapshot.tasks if t.status == Status.DONE}
    horizon = today + timedelta(days=UPCOMING_DAYS)
    assessments = assess_all(data.defects, Policy.from_settings(data.sla), end_of_day(today))
    checks = data.organisation.readiness()
    projects = []
    decisions = []
    for node in tree["projects"]:
        code = node["code"]
        tasks = by_project.get(code, [])
        colour_of = {t.id: t.colour(today) for t in tasks}
        red: list[TaskRow] = []
        yellow: list[TaskRow] = []
        upcoming: list[TaskRow] = []
        report_red = report_yellow = 0
        for t in tasks:
            colour = colour_of[t.id]
            if colour is Colour.RED:
                red.append(t)
            elif colour is Colour.YELLOW:
                yellow.append(t)
            if t.status != Status.DONE and t.due is not None and today <= t.due <= horizon:
                upcoming.append(t)
            if in_kombit_report(t.category, colour, local=t.is_local):
                report_red += colour is Colour.RED
                report_yellow += colour is Colour.YELLOW

        follow_up = [
            {
                **item,
                "category": CATEGORY_LABELS[item["category"]],
                "due": short_date(date.fromisoformat(item["due"]) if item["due"] else None),
            }
            for item in node["follow_up"]
        ]
        moved = [m for t in tasks for m in _moves(t)]
        dialogues = sorted(data.organisation.dialogues_for(code), key=lambda d: (d.on, d.id))
        open_rows = [d for d in dialogues if _escalation_open(d, done, node["colour"])]
        open_escalations = [_dialogue(d) for d in open_rows]
        decisions += [_dialogue(d) for d in open_rows if d.escalation in DECISION_ESCALATIONS]
        own_defects = [a for a in assessments if a.defect.project == code]
        golive = snapshot_golive(snapshot, code)
        series = data.progress.get(code)
        projects.append(
            {
                "code": code,
                "name": node["name"],
                "colour": node["colour"],
                "counts": node["counts"],
                "golive": short_date(golive),
                "golive_text": golive_text(golive, today),
                "burndown": svg.burndown(
                    series.weeks if series else [],
                    series.current_index if series else None,
                    label=f"Fremdrift for {code}: opgaver tilbage mod planen pr. uge",
                    today=today,
                ),
                "bar": svg.colour_bar(
                    node["counts"]["by_colour"], label=f"Opgaver i {code} fordelt på farver"
                ),
                "since": since(series),
                "red": _task_listing(red, colour_of, main_names, people, today),
                "yellow": _task_listing(yellow, colour_of, main_names, people, today),
                "upcoming": _task_listing(upcoming, colour_of, main_names, people, today),
                "report_red": report_red,
                "report_yellow": report_yellow,
                "follow_up": _listing(follow_up),
                "moved": _listing(moved),
                "latest_dialogue": _dialogue(dialogues[-1]) if dialogues else None,
                "dialogue_count": len(dialogues),
                "open_escalations": open_escalations,
                "checks": [_check(c, with_contacts) for c in checks if c.project == code],
                "defects": _listing([_defect(a) for a in own_defects if a.is_open]),
                "defect_figures": figures(own_defects)[0] if own_defects else None,
                "exit": _exit(data) if code == "SAPA" else None,
            }
        )
    if project is None or project == "SAPA":
        note = data.exit_note
        if data.exit_areas and note is not None and note.status != "decided":
            decisions.append(
                {
                    "on": "",
                    "project": "SAPA",
                    "topic": "Beslutningsnotatet om exit fra KMD Sag er et udkast og venter på "
                    "beslutning",
                    "actions": "",
                    "escalation": "",
                    "tasks": "",
                }
            )
    return {
        "kommune": tree["kommune"],
        "scope": project,
        "today": short_date(today),
        "today_iso": today.isoformat(),
        "catalogue_version": tree["catalogue_version"],
        "colour": tree["colour"],
        "counts": tree["counts"],
        "bar": svg.colour_bar(tree["counts"]["by_colour"], label="Alle opgaver fordelt på farver"),
        "burndown": svg.burndown(
            data.progress[ALL].weeks if project is None and ALL in data.progress else [],
            data.progress[ALL].current_index if ALL in data.progress else None,
            label="Fremdrift for hele kommunen: opgaver tilbage mod planen pr. uge",
            today=today,
        )
        if project is None
        else None,
        "since": since(data.progress.get(ALL)) if project is None else None,
        "golive_warnings": [
            c.message
            for c in golive_conflicts({p.code: p.golive for p in snapshot.projects})
            if project is None or c.involves(project)
        ],
        "projects": projects,
        "decisions": decisions,
        "checks": [
            _check(c, with_contacts)
            for c in checks
            if project is None or c.project in (None, project)
        ],
        "with_contacts": with_contacts,
        "contacts": _contacts(data.organisation) if with_contacts else [],
        "upcoming_days": UPCOMING_DAYS,
    }


def snapshot_golive(snapshot: Snapshot, code: str) -> date | None:
    return next((p.golive for p in snapshot.projects if p.code == code), None)


def _check(check: Check, with_contacts: bool) -> dict[str, Any]:
    return {
        "title": check.title,
        "colour": check.colour.value,
        "weight": "skal" if check.weight is Weight.MUST else "anbefales",
        "project": check.project or "",
        "detail": check.detail if with_contacts else None,
    }


def _contacts(org: Organisation) -> list[dict[str, str]]:
    rows = []
    for person in sorted(org.people.values(), key=lambda p: (p.name, p.id)):
        roles = ", ".join(sorted(r.label for r in org.roles_of(person.id)))
        rows.append(
            {
                "name": person.name,
                "roles": roles,
                "email": person.email,
                "phone": person.phone,
            }
        )
    return rows


def _exit(data: KommuneData) -> dict[str, Any] | None:
    areas = data.exit_areas
    if not areas:
        return None
    summary = summarise(areas)
    note = data.exit_note
    return {
        "areas": len(areas),
        "scenarios": [
            {
                "key": scenario or "–",
                "label": SCENARIO_LABELS[scenario] if scenario else "intet scenarie endnu",
                "n": summary.per_scenario.get(scenario, 0),
            }
            for scenario in (1, 2, 3, 4, None)
        ],
        "patterns": [
            {
                "key": pattern or "–",
                "label": PATTERN_LABELS[pattern] if pattern else "ikke vurderet",
                "n": summary.per_pattern.get(pattern, 0),
            }
            for pattern in ("0", "A", "B", "C", "D", "E", None)
        ],
        "procurement": [
            f"{a.case_area} ({PROCUREMENT_KIND[a.scenario or 0]})" for a in summary.procurement
        ],
        "new_procurement": [a.case_area for a in summary.new_procurement],
        "await_ky_ksd": [a.case_area for a in summary.await_ky_ksd],
        "missing_scenario": [a.case_area for a in summary.missing_scenario],
        "note_status": NOTE_STATUS_LABELS[note.status] if note else "intet notat",
        "note_decided": (
            f"{short_date(note.decided_on)}" + (f" af {note.decided_by}" if note.decided_by else "")
            if note and note.status == "decided"
            else ""
        ),
    }


def kommune_html(
    data: KommuneData, *, project: str | None = None, with_contacts: bool = False
) -> str:
    """The whole page as text."""
    return render(
        "kommune.html.j2", kommune_context(data, project=project, with_contacts=with_contacts)
    )


def save_report(
    store: Store,
    today: date,
    sla: SlaSettings,
    out: Path,
    *,
    project: str | None = None,
    with_contacts: bool = False,
    force: bool = False,
) -> tuple[Path, int]:
    """Write the page: `out` is a file (.html) or a folder (the standard name inside it).
    Returns the path and its size; never overwrites without `force` (atomic write)."""
    from kigo_tui.formats.files import ExportError, write_atomically

    data = read_kommune_data(store, today, sla)
    if out.is_dir():
        out = out / report_name(data.snapshot.kommune_code, today, project)
    elif out.suffix.lower() not in (".html", ".htm"):
        raise ExportError(f"{out}: rapporten skal hedde noget med .html (eller angiv en mappe)")
    body = kommune_html(data, project=project, with_contacts=with_contacts).encode("utf-8")
    write_atomically(out, body, force=force)
    return out, len(body)
