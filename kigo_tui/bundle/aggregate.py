"""KOMBIT's side: verify many bundles, keep the newest per kommune, write the national overview."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kigo_tui.bundle.export import write_atomically
from kigo_tui.bundle.nogc import paused_gc
from kigo_tui.bundle.schema import ProjectOut, TaskOut
from kigo_tui.bundle.verify import BundleError, VerifiedBundle, verify_bundle
from kigo_tui.bundle.xlsx import xlsx_bytes
from kigo_tui.errors import KigoError
from kigo_tui.rules import CATEGORY_LABELS, COLOUR_LABELS, Colour, severity, worst

OVERVIEW_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Status pr.",
    "Projekt",
    "Farve",
    "Fuldført",
    "Opgaver",
    "Røde",
    "Gule",
    "Grønne",
    "Til opfølgning",
    "Farve efter KOMBITs plan",
    "Røde efter KOMBITs plan",
    "Gule efter KOMBITs plan",
    "Grønne efter KOMBITs plan",
    "Flyttede opgaver",
)
"""Per kommune and project: the kommune's view (its own dates), then KOMBIT's (the catalogue's
baseline dates; catalogue tasks only) and how many tasks have a date moved from KOMBIT's."""
MOVED_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Dato",
    "KOMBITs dato",
    "Kommunens dato",
    "Dage flyttet",
    "Begrundelse",
)
NO_REASON = "(ingen begrundelse angivet)"
"""A move made before kigo asked for reasons (a database from before schema 8)."""
FOLLOW_UP_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Farve",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Frist",
)


@dataclass
class Aggregation:
    bundles: list[VerifiedBundle] = field(default_factory=list)
    """The newest valid bundle per kommune, sorted by kommune code."""
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    superseded: list[Path] = field(default_factory=list)

    def overview_rows(self) -> list[list[str | int]]:
        rows: list[list[str | int]] = []
        for bundle in self.bundles:
            doc = bundle.status
            for project in doc.projects:
                by = project.counts.by_colour
                rows.append(
                    [
                        doc.kommune.code,
                        doc.kommune.name,
                        doc.today.isoformat(),
                        project.code,
                        COLOUR_LABELS[project.colour],
                        project.counts.done,
                        project.counts.total,
                        by.get(Colour.RED, 0),
                        by.get(Colour.YELLOW, 0),
                        by.get(Colour.GREEN, 0),
                        len(project.follow_up),
                        *_baseline_view(project),
                    ]
                )
        return rows

    def moved_rows(self) -> list[list[str | int]]:
        """Every date a kommune moved from KOMBIT's baseline: per kommune (by code), in the tree's
        order, start before due."""
        rows: list[list[str | int]] = []
        for bundle in self.bundles:
            doc = bundle.status
            for project in doc.projects:
                for main in project.main_tasks:
                    for task in main.tasks:
                        for label, own, baseline, reason in _moves(task):
                            rows.append(
                                [
                                    doc.kommune.code,
                                    doc.kommune.name,
                                    project.code,
                                    task.id,
                                    task.title,
                                    CATEGORY_LABELS[task.category],
                                    label,
                                    baseline.isoformat(),
                                    own.isoformat() if own else "",
                                    (own - baseline).days if own else "",
                                    reason or NO_REASON,
                                ]
                            )
        return rows

    def follow_up_rows(self) -> list[list[str | int]]:
        """Every task KOMBIT would follow up on, nationally: red first, then by due date."""
        items = []
        for bundle in self.bundles:
            doc = bundle.status
            for project in doc.projects:
                for task in project.follow_up:
                    items.append((doc, project.code, task))
        items.sort(
            key=lambda i: (-severity(i[2].colour), i[2].due or date.max, i[0].kommune.code, i[2].id)
        )
        return [
            [
                doc.kommune.code,
                doc.kommune.name,
                code,
                COLOUR_LABELS[task.colour],
                task.id,
                task.title,
                CATEGORY_LABELS[task.category],
                task.due.isoformat() if task.due else "",
            ]
            for doc, code, task in items
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "kommuner": len(self.bundles),
            "overview": [dict(zip(OVERVIEW_HEADERS, r, strict=True)) for r in self.overview_rows()],
            "follow_up": [
                dict(zip(FOLLOW_UP_HEADERS, r, strict=True)) for r in self.follow_up_rows()
            ],
            "moved": [dict(zip(MOVED_HEADERS, r, strict=True)) for r in self.moved_rows()],
            "rejected": [{"file": str(p), "error": e} for p, e in self.rejected],
        }


def _moves(task: TaskOut) -> list[tuple[str, date | None, date, str | None]]:
    """(which date, the kommune's, KOMBIT's, reason) for each date moved from the baseline."""
    return [
        (label, own, baseline, reason)
        for label, own, baseline, reason in (
            ("start", task.start, task.baseline_start, task.start_reason),
            ("frist", task.due, task.baseline_due, task.due_reason),
        )
        if not task.local and baseline is not None and own != baseline
    ]


def _baseline_view(project: ProjectOut) -> list[str | int]:
    """KOMBIT's view of a project: colour and red/yellow/green counts of its catalogue tasks on
    their baseline dates, and how many tasks have a moved date."""
    colours: list[Colour] = []
    moved = 0
    for main in project.main_tasks:
        for task in main.tasks:
            if task.baseline_colour is not None:
                colours.append(task.baseline_colour)
            moved += bool(_moves(task))
    return [
        COLOUR_LABELS[worst(colours)],
        colours.count(Colour.RED),
        colours.count(Colour.YELLOW),
        colours.count(Colour.GREEN),
        moved,
    ]


def bundle_paths(inputs: list[Path]) -> list[Path]:
    """Zip files given directly, and every *.zip directly in a given folder, sorted."""
    paths: list[Path] = []
    for item in inputs:
        if item.is_dir():
            paths.extend(sorted(p for p in item.glob("*.zip") if p.is_file()))
        else:
            paths.append(item)
    return paths


def aggregate(inputs: list[Path]) -> Aggregation:
    """Verify every bundle; a bad one is reported and skipped, never blocking the rest."""
    result = Aggregation()
    newest: dict[str, VerifiedBundle] = {}
    with paused_gc():  # once for all bundles: the kept ones stay alive, collecting finds nothing
        for path in bundle_paths(inputs):
            try:
                bundle = verify_bundle(path)
            except BundleError as exc:
                result.rejected.append((path, str(exc)))
                continue
            code = bundle.status.kommune.code
            current = newest.get(code)
            if current is None or (bundle.status.today, path.name) > (
                current.status.today,
                current.path.name,
            ):
                if current is not None:
                    result.superseded.append(current.path)
                newest[code] = bundle
            else:
                result.superseded.append(path)
    result.bundles = [newest[code] for code in sorted(newest)]
    return result


def write_overview(result: Aggregation, out: Path, *, force: bool = False) -> None:
    suffix = out.suffix.lower()
    if suffix == ".json":
        data = (json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    elif suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(OVERVIEW_HEADERS)
        writer.writerows(result.overview_rows())
        writer.writerow([])
        writer.writerow(FOLLOW_UP_HEADERS)
        writer.writerows(result.follow_up_rows())
        writer.writerow([])
        writer.writerow(MOVED_HEADERS)
        writer.writerows(result.moved_rows())
        data = "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    elif suffix == ".xlsx":
        newest = max((b.status.today for b in result.bundles), default=date(2000, 1, 1))
        data = xlsx_bytes(
            [
                ("Overblik", OVERVIEW_HEADERS, result.overview_rows()),
                ("Opfølgning", FOLLOW_UP_HEADERS, result.follow_up_rows()),
                ("Flyttede datoer", MOVED_HEADERS, result.moved_rows()),
                (
                    "Afviste bundter",
                    ("Fil", "Fejl"),
                    [[str(p), e] for p, e in result.rejected],
                ),
            ],
            newest,
        )
    else:
        raise KigoError(f"{out}: ukendt filtype '{out.suffix}' (brug .xlsx, .csv eller .json)")
    write_atomically(out, data, force=force)
