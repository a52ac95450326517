"""Export the kommune's status bundle for KOMBIT: a deterministic zip, written atomically.

The same database exported twice for the same as-of date gives a byte-identical zip: entries are
sorted, every timestamp is fixed, and nothing depends on the wall clock.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from kigo_tui import __version__
from kigo_tui.bundle.csvtext import csv_bytes as write_csv
from kigo_tui.bundle.csvtext import minute_text
from kigo_tui.bundle.nogc import paused_gc
from kigo_tui.bundle.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    CheckOut,
    DialogueOut,
    ExitAreaOut,
    ExitDocument,
    FileEntry,
    Manifest,
    OrganisationDocument,
    PersonOut,
    ResponsibilityOut,
    RoleOut,
    StatusDocument,
    follow_up_local,
    status_schema_bytes,
)
from kigo_tui.bundle.xlsx import Cell, xlsx_bytes
from kigo_tui.bundle.zipfiles import zip_bytes, zip_entry
from kigo_tui.domain.exit_strategy import STORED, CaseArea, analyse, summarise
from kigo_tui.models.readmodels import Snapshot

if TYPE_CHECKING:
    from kigo_tui.domain.organisation import Organisation
from kigo_tui.domain.rules import (
    CATEGORY_LABELS,
    COLOUR_LABELS,
    STATUS_LABELS,
    Category,
    Colour,
    needs_follow_up,
)
from kigo_tui.domain.times import excel_moment
from kigo_tui.formats.files import (
    ExportError,
    write_atomically,
)
from kigo_tui.formats.status import status_tree

CSV_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Hovedopgave",
    "Hovedopgavenavn",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Status",
    "Farve",
    "Startdato",
    "Slutdato",
    "Varsel (dage)",
    "Fuldført (dansk tid)",
    "Lokal",
    "KOMBIT-opfølgning",
    "KOMBITs start",
    "KOMBITs slutdato",
    "Farve efter KOMBITs plan",
    "Begrundelse for flyttet start",
    "Begrundelse for flyttet slutdato",
)
"""The columns of status.csv and the Opgaver sheet (format 3: "slutdato", as KIGO says it)."""

FORMAT_2_HEADERS = {
    "Slutdato": "Frist",
    "KOMBITs slutdato": "KOMBITs frist",
    "Begrundelse for flyttet slutdato": "Begrundelse for flyttet frist",
}
"""The columns format 2 named otherwise: a bundle of format 2 is read with its own headers."""


def csv_headers(format_version: int = FORMAT_VERSION) -> tuple[str, ...]:
    """The task table's headers in a bundle of `format_version`."""
    if format_version >= 3:
        return CSV_HEADERS
    return tuple(FORMAT_2_HEADERS.get(header, header) for header in CSV_HEADERS)


def bundle_name(kommune_code: str, as_of: date) -> str:
    return f"kigo-status-{kommune_code}-{as_of.isoformat()}.zip"


def status_document(snapshot: Snapshot, as_of: date) -> StatusDocument:
    """The validated content of status.json."""
    return StatusDocument.model_validate(status_tree(snapshot, as_of))


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_STATUS_DOCUMENT = TypeAdapter(StatusDocument)


def status_json_bytes(doc: StatusDocument) -> bytes:
    """status.json, serialised by pydantic-core.

    The same bytes as `_json_bytes(doc.model_dump(mode="json"))` (a test holds them equal, for
    any text), written several times faster than json.dumps with indent at 50,000 tasks.
    """
    return _STATUS_DOCUMENT.dump_json(doc, indent=2) + b"\n"


def _completed(moment: datetime | None) -> str:
    """A moment as 'YYYY-MM-DD HH:MM' as given (no time zone); '' for none."""
    return "" if moment is None else minute_text(moment)


def task_rows(doc: StatusDocument, format_version: int = FORMAT_VERSION) -> list[list[Cell]]:
    """One row per task with Danish values, for the CSV and the xlsx: dates as dates, the
    completion time as a naive date-time in Danish time, counts as numbers. The
    KOMBIT-opfølgning column follows the rule of `format_version` (`follow_up_local`)."""
    rows: list[list[Cell]] = []
    code, name = doc.kommune.code, doc.kommune.name
    yes_no = ("nej", "ja")
    for project in doc.projects:
        for main in project.main_tasks:
            head = (code, name, project.code, main.number, main.name)
            for task in main.tasks:
                category, status, colour = task.category, task.status, task.colour
                done = task.completed_at
                b_start, b_due, b_colour = (
                    task.baseline_start,
                    task.baseline_due,
                    task.baseline_colour,
                )
                rows.append(
                    [
                        *head,
                        task.id,
                        task.title,
                        CATEGORY_LABELS[category],
                        STATUS_LABELS[status],
                        COLOUR_LABELS[colour],
                        task.start,
                        task.due,
                        task.warn_days,
                        None if done is None else excel_moment(done),
                        yes_no[task.local],
                        yes_no[
                            needs_follow_up(
                                category,
                                status,
                                colour,
                                local=follow_up_local(task.local, format_version),
                            )
                        ],
                        b_start,
                        b_due,
                        COLOUR_LABELS[b_colour] if b_colour else "",
                        task.start_reason or "",
                        task.due_reason or "",
                    ]
                )
    return rows


def csv_bytes(rows: list[list[Cell]], format_version: int = FORMAT_VERSION) -> bytes:
    """status.csv: the rows of `task_rows` (see `kigo_tui.bundle.csvtext`)."""
    return write_csv(csv_headers(format_version), rows)


def project_rows(doc: StatusDocument) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for project in doc.projects:
        counts = project.counts
        rows.append(
            [
                project.code,
                project.name,
                project.golive,
                COLOUR_LABELS[project.colour],
                counts.done,
                counts.total,
                counts.by_colour.get(Colour.RED, 0),
                counts.by_colour.get(Colour.YELLOW, 0),
                counts.by_colour.get(Colour.GREEN, 0),
                counts.by_category.get(Category.CRITICAL, 0),
                counts.by_category.get(Category.MANDATORY, 0),
                counts.by_category.get(Category.OPTIONAL, 0),
                len(project.follow_up),
            ]
        )
    return rows


PROJECT_HEADERS = (
    "Projekt",
    "Navn",
    "Go-live",
    "Farve",
    "Fuldført",
    "Opgaver",
    "Røde",
    "Gule",
    "Grønne",
    "Kritiske",
    "Obligatoriske",
    "Valgfri",
    "Til KOMBIT-opfølgning",
)


def organisation_document(org: Organisation, *, with_contacts: bool) -> OrganisationDocument:
    """Roles, responsibility, readiness and dialogue; names only `with_contacts`."""

    def ref(person_id: int | None) -> str | None:
        return None if person_id is None else f"P{person_id}"

    return OrganisationDocument(
        with_contacts=with_contacts,
        people=[
            PersonOut(
                ref=f"P{p.id}",
                name=p.name,
                title=p.title,
                unit=p.unit,
                email=p.email,
                phone=p.phone,
            )
            for p in sorted(org.people.values(), key=lambda p: p.id)
        ]
        if with_contacts
        else [],
        roles=[
            RoleOut(
                role=r.role,
                label=r.label,
                project=r.project,
                from_direktion=r.from_direktion,
                person=f"P{r.person_id}",
                decision_power=r.decision_power,
            )
            for r in org.roles
        ],
        responsibility=[
            ResponsibilityOut(task_id=task_id, accountable=ref(acc), doer=ref(doer))
            for task_id, (acc, doer) in sorted(org.responsibility.items())
            if acc is not None or doer is not None
        ],
        readiness=[
            CheckOut(title=c.title, colour=c.colour, project=c.project, weight=c.weight.value)
            for c in org.readiness()
        ],
        dialogues=[
            DialogueOut(
                on=d.on,
                project=d.project,
                form=d.form,
                topic=d.topic,
                actions=d.actions,
                escalation=d.escalation,
                tasks=list(d.task_ids),
                results=d.results,
                lead_informed=d.lead_informed,
            )
            for d in sorted(org.dialogues, key=lambda d: (d.on, d.id))
        ],
    )


def exit_document(areas: list[CaseArea]) -> ExitDocument:
    """The KMD Sag exit workspace with its computed fields, in priority order."""
    summary = summarise(areas)
    return ExitDocument(
        areas=[
            ExitAreaOut.model_validate(
                {
                    **row.area.model_dump(),
                    "user_band": row.user_band,
                    "extent": row.extent,
                    "priority": row.priority,
                    "needs_scenario": row.needs_scenario,
                },
                context={STORED: True},  # as stored: the text rules are for input
            )
            for row in analyse(areas)
        ],
        per_scenario={
            str(k or "none"): v for k, v in sorted(summary.per_scenario.items(), key=str)
        },
        per_pattern={str(k or "none"): v for k, v in sorted(summary.per_pattern.items(), key=str)},
        procurement=[a.case_area for a in summary.procurement],
    )


Sheet = tuple[str, tuple[str, ...], list[list[Cell]]]


def bundle_files(
    snapshot: Snapshot,
    as_of: date,
    organisation: OrganisationDocument | None = None,
    exit_doc: ExitDocument | None = None,
    extra_files: dict[str, bytes] | None = None,
    extra_sheets: list[Sheet] | None = None,
) -> dict[str, bytes]:
    """The bundle's files except the manifest, by name.

    `extra_files` (e.g. defects.json) and `extra_sheets` (after Opgaver and Projekter in
    status.xlsx) come from `kigo_tui.bundle.extras`.
    """
    with paused_gc():
        doc = status_document(snapshot, as_of)
        rows = task_rows(doc)
        extra = (
            {}
            if organisation is None
            else {"organisation.json": _json_bytes(organisation.model_dump(mode="json"))}
        )
        if exit_doc is not None:
            extra["sapa_exit.json"] = _json_bytes(exit_doc.model_dump(mode="json"))
        extra |= extra_files or {}
        core = {
            "status.json": status_json_bytes(doc),
            "status.csv": csv_bytes(rows),
            "status.xlsx": xlsx_bytes(
                [
                    ("Opgaver", CSV_HEADERS, rows),
                    ("Projekter", PROJECT_HEADERS, project_rows(doc)),
                    *(extra_sheets or []),
                ],
                as_of,
            ),
            "status.schema.json": status_schema_bytes(),
        }
        clash = set(extra) & (set(core) | {"manifest.json"})
        if clash:
            raise ExportError(f"ekstra filer må ikke erstatte {', '.join(sorted(clash))}")
        return extra | core


def bundle_bytes(
    snapshot: Snapshot,
    as_of: date,
    organisation: OrganisationDocument | None = None,
    exit_doc: ExitDocument | None = None,
    extra_files: dict[str, bytes] | None = None,
    extra_sheets: list[Sheet] | None = None,
) -> bytes:
    """The bundle: its files and the manifest with their hashes and sizes, zipped by name."""
    with paused_gc():
        files = bundle_files(snapshot, as_of, organisation, exit_doc, extra_files, extra_sheets)
        manifest = Manifest(
            format=FORMAT_NAME,
            format_version=FORMAT_VERSION,
            kommune_code=snapshot.kommune_code,
            kommune_name=snapshot.kommune_name,
            as_of=as_of,
            generator=f"kigo {__version__}",
            files=[
                FileEntry(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
                for name, data in sorted(files.items())
            ],
        )
        files["manifest.json"] = _json_bytes(manifest.model_dump(mode="json"))
        return zip_bytes((zip_entry(name), files[name]) for name in sorted(files))


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int


def target_path(out: Path | str | None, kommune_code: str, as_of: date) -> Path:
    """DIR (or nothing: the current folder) gets the standard name; anything else is the file.

    A path ending in '/' is always a folder, and must exist.
    """
    name = bundle_name(kommune_code, as_of)
    if out is None:
        return Path.cwd() / name
    text = str(out)
    if text.endswith(("/", os.sep)):
        folder = Path(text)
        if not folder.is_dir():
            raise ExportError(f"mappen {folder} findes ikke")
        return folder / name
    path = Path(text)
    return path / name if path.is_dir() else path


def export_bundle(
    snapshot: Snapshot,
    as_of: date,
    out: Path | str | None,
    *,
    force: bool = False,
    organisation: Organisation | None = None,
    with_contacts: bool = False,
    exit_areas: list[CaseArea] | None = None,
    extra_files: dict[str, bytes] | None = None,
    extra_sheets: list[Sheet] | None = None,
) -> ExportResult:
    """Write the bundle; with `organisation`, organisation.json goes in too (names only
    `with_contacts`); `extra_files`/`extra_sheets` from `kigo_tui.bundle.extras.bundle_extras`."""
    path = target_path(out, snapshot.kommune_code, as_of)
    org_doc = (
        None
        if organisation is None
        else organisation_document(organisation, with_contacts=with_contacts)
    )
    exit_doc = exit_document(exit_areas) if exit_areas else None
    data = bundle_bytes(snapshot, as_of, org_doc, exit_doc, extra_files, extra_sheets)
    write_atomically(path, data, force=force)
    return ExportResult(path, len(data))
