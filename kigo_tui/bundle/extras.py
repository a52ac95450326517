"""The bundle's progress and defect parts: `defects.json` and extra sheets in status.xlsx.

`bundle_extras(store, snapshot, as_of, sla)` gives the keyword arguments `export_bundle` takes
for them, so the CLI and the TUI export the same picture. Everything is measured at the end of
the bundle's date (Copenhagen), never at the wall clock, so the export stays deterministic.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kigo_tui.bundle.defects_schema import (
    DefectFiguresOut,
    DefectOut,
    DefectsDocument,
    SlaTargetOut,
)
from kigo_tui.bundle.xlsx import Cell
from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS, Severity
from kigo_tui.domain.defects import ALL, Assessment, Figures, Policy, assess_all, figures, sla_word
from kigo_tui.domain.progress import Progress
from kigo_tui.domain.sla_settings import SlaSettings
from kigo_tui.domain.times import end_of_day, excel_moment

if TYPE_CHECKING:
    from kigo_tui.domain.defects import DefectRow
    from kigo_tui.models.readmodels import Snapshot
    from kigo_tui.storage.store import Store

Sheet = tuple[str, tuple[str, ...], list[list[Cell]]]

PROGRESS_HEADERS = (
    "Projekt",
    "Uge",
    "Mandag",
    "Opgjort pr.",
    "Opgaver",
    "Fuldført",
    "Tilbage",
    "Plan: tilbage",
    "Bagud (+) / foran (−)",
    "Røde",
    "Gule",
)
DEFECT_HEADERS = (
    "Nr.",
    "Projekt",
    "Titel",
    "Alvorlighed",
    "Status",
    "Indberettet (dansk tid)",
    "Svar (dansk tid)",
    "Rettet (dansk tid)",
    "Leverandørens reference",
    "Alder (timer)",
    "Svarfrist (dansk tid)",
    "Løsningsfrist (dansk tid)",
    "SLA",
    "Farve",
)
FIGURE_HEADERS = (
    "Projekt",
    "Fejl i alt",
    "Åbne",
    "Med SLA-brud",
    "Åbne med SLA-brud",
    "Median tid til rettelse (timer)",
    "Farve",
)
TARGET_HEADERS = ("Alvorlighed", "Svartid (timer)", "Løsningstid (timer)", "Ur", "Opgjort pr.")


def _hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 2)


def _cell(value: int | None) -> Cell:
    return value


def _moment(value: Any) -> Cell:
    """A stored UTC moment as a spreadsheet date-time in Danish time; None stays empty."""
    return None if value is None else excel_moment(value)


def progress_rows(progress: dict[str, Progress]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for scope, series in progress.items():
        for week in series.weeks:
            rows.append(
                [
                    scope,
                    week.label,
                    week.monday,
                    week.day if week.measured else None,
                    _cell(week.tasks),
                    _cell(week.done),
                    _cell(week.remaining),
                    week.planned_remaining,
                    _cell(week.behind),
                    _cell(week.red),
                    _cell(week.yellow),
                ]
            )
    return rows


def defect_rows(rows: list[Assessment]) -> list[list[Cell]]:
    return [
        [
            a.defect.id,
            a.defect.project,
            a.defect.title,
            SEVERITY_LABELS[a.defect.severity],
            STATUS_LABELS[a.defect.status],
            _moment(a.defect.reported_at),
            _moment(a.defect.responded_at),
            _moment(a.defect.fixed_at),
            a.defect.supplier_ref,
            _hours(a.age),
            _moment(a.response_deadline),
            _moment(a.resolution_deadline),
            sla_word(a),
            "rød" if a.breached else "grøn",
        ]
        for a in sorted(rows, key=lambda a: a.defect.id)
    ]


def figure_rows(per_project: list[Figures]) -> list[list[Cell]]:
    return [
        [
            "I alt" if f.project == ALL else f.project,
            f.total,
            f.open,
            f.breached,
            f.open_breached,
            None if f.median_fix_hours is None else round(f.median_fix_hours, 1),
            "rød" if f.open_breached else "grøn",
        ]
        for f in per_project
    ]


def defects_document(
    defects: list[DefectRow],
    sla: SlaSettings,
    as_of: date,
    *,
    at: datetime | None = None,
    open_only: bool = False,
) -> tuple[DefectsDocument, list[Assessment], list[Figures]]:
    """The validated defects.json content, measured at the end of `as_of` (the bundle) or at `at`
    (`kigo defect list --json`: the same instant as the text form); `open_only`: the defects
    still open then, and the figures of those."""
    at = end_of_day(as_of) if at is None else at
    policy = Policy.from_settings(sla)
    rows = assess_all(defects, policy, at)
    if open_only:
        rows = [a for a in rows if a.is_open]
    per_project = figures(rows)
    doc = DefectsDocument(
        measured_at=at,
        working_days=sla.working_days,
        targets=[
            SlaTargetOut(
                severity=s,
                response_hours=sla.target(s).response_hours,
                resolution_hours=sla.target(s).resolution_hours,
            )
            for s in Severity
        ],
        defects=[
            DefectOut(
                id=a.defect.id,
                project=a.defect.project,
                title=a.defect.title,
                severity=a.defect.severity,
                status=a.defect.status,
                reported_at=a.defect.reported_at,
                responded_at=a.defect.responded_at,
                fixed_at=a.defect.fixed_at,
                supplier_ref=a.defect.supplier_ref,
                open=a.is_open,
                age_hours=_hours(a.age),
                response_hours_used=_hours(a.response_used),
                resolution_hours_used=_hours(a.resolution_used),
                response_deadline=a.response_deadline,
                resolution_deadline=a.resolution_deadline,
                response_breached=a.response_breached,
                resolution_breached=a.resolution_breached,
            )
            for a in sorted(rows, key=lambda a: a.defect.id)
        ],
        figures=[
            DefectFiguresOut(
                project=f.project,
                total=f.total,
                open=f.open,
                breached=f.breached,
                open_breached=f.open_breached,
                median_fix_hours=None
                if f.median_fix_hours is None
                else round(f.median_fix_hours, 2),
            )
            for f in per_project
        ],
    )
    return doc, rows, per_project


def target_rows(sla: SlaSettings, as_of: date) -> list[list[Cell]]:
    clock = "hverdage uden helligdage" if sla.working_days else "kalendertid"
    measured = f"udgangen af {as_of:%d-%m-%Y}"
    return [
        [
            SEVERITY_LABELS[s],
            sla.target(s).response_hours,
            sla.target(s).resolution_hours,
            clock,
            measured,
        ]
        for s in Severity
    ]


def extras_from(
    progress: dict[str, Progress], defects: list[DefectRow], sla: SlaSettings, as_of: date
) -> dict[str, Any]:
    """`export_bundle`'s extra_files and extra_sheets from already read data."""
    sheets: list[Sheet] = [("Fremdrift", PROGRESS_HEADERS, progress_rows(progress))]
    files: dict[str, bytes] = {}
    if defects:
        doc, rows, per_project = defects_document(defects, sla, as_of)
        files["defects.json"] = (
            json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8")
        sheets += [
            ("Fejl", DEFECT_HEADERS, defect_rows(rows)),
            ("Fejl pr. projekt", FIGURE_HEADERS, figure_rows(per_project)),
            ("SLA", TARGET_HEADERS, target_rows(sla, as_of)),
        ]
    return {"extra_files": files, "extra_sheets": sheets}


def bundle_extras(
    store: Store, snapshot: Snapshot, as_of: date, sla: SlaSettings | None = None
) -> dict[str, Any]:
    """Read the history and the defect log and build the bundle's extra parts."""
    from kigo_tui.storage.defects import list_defects
    from kigo_tui.storage.progress import read_progress

    return extras_from(
        read_progress(store, as_of, snapshot), list_defects(store), sla or SlaSettings(), as_of
    )
