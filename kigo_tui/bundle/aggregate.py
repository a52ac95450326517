"""KOMBIT's side: verify many bundles, keep the newest per kommune, write the national overview.

The overview survives any upload. Each bundle is read, verified and summarised on its own, and
only its summary rows are kept (`KommuneSummary`): memory does not grow with the number of
bundles, only with the rows the overview shows. Any error while reading or checking one bundle,
whatever its kind, makes that bundle "afvist" with the reason; the rest are summarised as usual.
An error that is not a `BundleError` is a fault in kigo itself: its type and text become the
reason, and it is logged (logger `kigo_tui.bundle.aggregate`, with the traceback) so it is not
lost.

Every file seen is reported with what became of it (`FileOutcome`):

- "læst": verified; it is in the overview, or another bundle for the same kommune won (newer,
  the same content, or a clash).
- "afvist": it could not be read or failed verification; the reason says why.
- "sprunget over": not considered, with the reason: a folder inside a given folder (sub-folders
  are not searched; give them by name), a file in a given folder that is not a .zip, a bundle
  dated after `today` (--today/KIGO_TODAY), or a path given twice.

A file in a given folder counts as a bundle when its name ends in .zip in any case (.zip, .ZIP);
a file given by name is always tried. "Newest per kommune" compares the bundles' dates. Two
bundles for the same kommune and date with different content are a clash: the one whose
manifest.json has the lowest SHA-256 is used (a rule that depends on the content only, never on
file names or order), and both are named. Two files with the same content are one bundle: the
first by path is used, the other is named as a copy.

Bundles of every format `kigo verify` reads (READABLE_VERSIONS: 2 and 3) are aggregated side by
side, as KOMBIT's 98 kommuner upgrade kigo at different times. What KOMBIT follows up on is what
the kommune sent, its own follow-up list, and a bundle's report columns are counted by its
format's rule (`follow_up_local`): in format 2 a kommune's own tasks count like KOMBIT's, from
format 3 they are not on KOMBIT's lists.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import pickle
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kigo_tui.bundle.csvtext import csv_bytes
from kigo_tui.bundle.nogc import paused_gc
from kigo_tui.bundle.schema import ProjectOut, TaskOut, follow_up_local
from kigo_tui.bundle.verify import BundleError, VerifiedBundle, verify_bundle
from kigo_tui.bundle.xlsx import Cell, StreamedRows, xlsx_bytes
from kigo_tui.domain.rules import (
    CATEGORY_LABELS,
    COLOUR_LABELS,
    Colour,
    in_kombit_report,
    severity,
    worst,
)
from kigo_tui.domain.tasks import NO_REASON
from kigo_tui.domain.text import printable
from kigo_tui.errors import KigoError
from kigo_tui.formats.files import ExportError, write_atomically

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

OVERVIEW_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Status pr.",
    "Projekt",
    "Farve",
    "Fuldførte opgaver",
    "Opgaver i alt",
    "Røde (alle opgaver)",
    "Gule (alle opgaver)",
    "Grønne (alle opgaver)",
    "Røde obligatoriske (KOMBITs rapport)",
    "Gule obligatoriske (KOMBITs rapport)",
    "KOMBIT følger op på",
    "Farve efter KOMBITs plan",
    "Røde efter KOMBITs plan",
    "Gule efter KOMBITs plan",
    "Grønne efter KOMBITs plan",
    "Flyttede opgaver",
)
"""Per kommune and project: the kommune's view (its own dates; every task, optional and the
kommune's own ones too), what KOMBIT sees in its report (red and yellow mandatory tasks it
published, `in_kombit_report`) and how many of those it follows up on (the bundle's own
follow-up list; both by the rule of the bundle's format, `follow_up_local`), then
KOMBIT's plan (the catalogue's baseline dates; catalogue tasks only) and how many tasks have a
date moved from KOMBIT's. Every header says what is counted, and of what."""
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
FOLLOW_UP_HEADERS = (
    "Kommunekode",
    "Kommune",
    "Projekt",
    "Farve",
    "Opgave-id",
    "Titel",
    "Kategori",
    "Slutdato",
)
FILE_HEADERS = ("Fil", "Udfald", "Begrundelse")

READ, REJECTED, SKIPPED = "læst", "afvist", "sprunget over"
IN_OVERVIEW = "med i overblikket"
BUNDLE_SUFFIX = ".zip"
"""Compared case-insensitively: 'BUNDT.ZIP' in a folder is read too."""
CSV_PARTS = (
    ("", "overblik"),
    ("-opfølgning", "opfølgning"),
    ("-flyttede", "flyttede datoer"),
    ("-filer", "filer"),
)
"""`--out NAVN.csv` writes one table per file: NAVN.csv (the overview), NAVN-opfølgning.csv,
NAVN-flyttede.csv and NAVN-filer.csv."""


PACK_ROWS = 512
"""Follow-up rows per compressed chunk: a kommune's list is kept packed, and the national list is
merged chunk by chunk, so 98 kommuner of 50,000 tasks (310,000 follow-up rows) stay small."""


@dataclass(frozen=True)
class PackedRows:
    """Rows kept as zlib-compressed pickled chunks, in the order given; unpacked as they are read."""

    chunks: tuple[bytes, ...]
    count: int
    longest: tuple[int, ...]
    """The longest text of each column (what the xlsx needs for its widths before the rows)."""

    @classmethod
    def pack(cls, rows: Sequence[tuple[Any, ...]], width: int) -> PackedRows:
        """`rows` end with the cells of a row (before them: what the rows are sorted by)."""
        longest = [0] * width
        for row in rows:
            for i, value in enumerate(row[-1]):
                if value is not None:
                    longest[i] = max(longest[i], len(str(value)))
        chunks = tuple(
            zlib.compress(pickle.dumps(rows[i : i + PACK_ROWS], protocol=5), 1)
            for i in range(0, len(rows), PACK_ROWS)
        )
        return cls(chunks, len(rows), tuple(longest))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for chunk in self.chunks:
            yield from pickle.loads(zlib.decompress(chunk))  # our own bytes, packed above


@dataclass(frozen=True)
class KommuneSummary:
    """What the overview keeps of one verified bundle: its identity and its rows, nothing else."""

    code: str
    name: str
    today: date
    path: Path
    digest: str
    """SHA-256 of the bundle's manifest.json: the identity of its content (it holds every
    file's hash)."""
    overview: tuple[tuple[Cell, ...], ...]
    follow_up: PackedRows
    """(severity, due, task id, the row) per task KOMBIT follows up on, in that order."""
    moved: PackedRows
    """(the row,) per date moved from KOMBIT's baseline, in the tree's order."""


@dataclass
class FileOutcome:
    path: Path
    outcome: str
    """READ, REJECTED or SKIPPED."""
    reason: str


def summarise(bundle: VerifiedBundle) -> KommuneSummary:
    """The overview's rows of one verified bundle."""
    doc = bundle.status
    code, name = doc.kommune.code, doc.kommune.name
    overview = []
    follow_up = []
    moved: list[tuple[object, ...]] = []
    for project in doc.projects:
        counts = project.counts
        by = counts.by_colour
        overview.append(
            (
                code,
                name,
                doc.today,
                project.code,
                COLOUR_LABELS[project.colour],
                counts.done,
                counts.total,
                by.get(Colour.RED, 0),
                by.get(Colour.YELLOW, 0),
                by.get(Colour.GREEN, 0),
                *_in_report(project, bundle.manifest.format_version),
                len(project.follow_up),
                *_baseline_view(project),
            )
        )
        for main in project.main_tasks:
            for task in main.tasks:
                for label, own, baseline, reason in _moves(task):
                    moved_row = (
                        code,
                        name,
                        project.code,
                        task.id,
                        task.title,
                        CATEGORY_LABELS[task.category],
                        label,
                        baseline,
                        own,
                        (own - baseline).days if own else None,
                        reason or NO_REASON,
                    )
                    moved.append((moved_row,))
        for item in project.follow_up:
            row = (
                code,
                name,
                project.code,
                COLOUR_LABELS[item.colour],
                item.id,
                item.title,
                CATEGORY_LABELS[item.category],
                item.due,
            )
            follow_up.append((-severity(item.colour), item.due or date.max, item.id, row))
    follow_up.sort(key=lambda item: item[:3])
    digest = hashlib.sha256(bundle.files["manifest.json"]).hexdigest()
    packed = PackedRows.pack(follow_up, len(FOLLOW_UP_HEADERS))
    return KommuneSummary(
        code,
        name,
        doc.today,
        bundle.path,
        digest,
        tuple(overview),
        packed,
        PackedRows.pack(moved, len(MOVED_HEADERS)),
    )


def _moves(task: TaskOut) -> list[tuple[str, date | None, date, str | None]]:
    """(which date, the kommune's, KOMBIT's, reason) for each date moved from the baseline."""
    return [
        (label, own, baseline, reason)
        for label, own, baseline, reason in (
            ("start", task.start, task.baseline_start, task.start_reason),
            ("slutdato", task.due, task.baseline_due, task.due_reason),
        )
        if not task.local and baseline is not None and own != baseline
    ]


def _in_report(project: ProjectOut, format_version: int) -> tuple[int, int]:
    """(red, yellow): the project's tasks in KOMBIT's report (`in_kombit_report`), by the rule
    of the bundle's format, as its follow-up list is: in format 2 the kommune's own tasks count
    like KOMBIT's, so that a project's follow-up count never exceeds what its report shows."""
    red = yellow = 0
    for main in project.main_tasks:
        for task in main.tasks:
            local = follow_up_local(task.local, format_version)
            if in_kombit_report(task.category, task.colour, local=local):
                red += task.colour == Colour.RED
                yellow += task.colour == Colour.YELLOW
    return red, yellow


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


@dataclass
class Aggregation:
    kommuner: list[KommuneSummary] = field(default_factory=list)
    """The newest valid bundle per kommune, sorted by kommune code."""
    files: list[FileOutcome] = field(default_factory=list)
    """Every file seen, in the order seen, with what became of it."""
    clashes: list[str] = field(default_factory=list)
    """One Danish sentence per clash (same kommune and date, different content)."""
    today: date | None = None
    previous: dict[str, KommuneSummary] = field(default_factory=dict)
    """Per kommune code: its newest verified bundle dated before the one in the overview (an
    earlier upload in the same folder), for what got worse and better since then."""

    @property
    def rejected(self) -> list[tuple[Path, str]]:
        return [(f.path, f.reason) for f in self.files if f.outcome == REJECTED]

    @property
    def skipped(self) -> list[tuple[Path, str]]:
        return [(f.path, f.reason) for f in self.files if f.outcome == SKIPPED]

    @property
    def superseded(self) -> list[Path]:
        """Verified bundles another bundle for the same kommune won over."""
        return [f.path for f in self.files if f.outcome == READ and f.reason != IN_OVERVIEW]

    def overview_rows(self) -> list[list[Cell]]:
        return [list(row) for kommune in self.kommuner for row in kommune.overview]

    def iter_follow_up(self) -> Iterator[tuple[Cell, ...]]:
        """Every task KOMBIT follows up on (`needs_follow_up`), nationally: red first, then by
        slutdato, kommune and id; merged from the kommuner's packed lists (a few chunks in memory at a time)."""

        def keyed(kommune: KommuneSummary) -> Iterator[tuple[Any, ...]]:
            for sev, due, task_id, row in kommune.follow_up:
                yield (sev, due, kommune.code, task_id, row)

        for item in heapq.merge(*map(keyed, self.kommuner), key=lambda i: i[:4]):
            yield item[4]

    @property
    def follow_up_count(self) -> int:
        return sum(k.follow_up.count for k in self.kommuner)

    def follow_up_rows(self) -> list[list[Cell]]:
        return [list(row) for row in self.iter_follow_up()]

    def follow_up_sheet(self) -> StreamedRows:
        """The national follow-up list for the xlsx, written as it is merged."""
        longest = [len(h) for h in FOLLOW_UP_HEADERS]
        for kommune in self.kommuner:
            longest = [max(a, b) for a, b in zip(longest, kommune.follow_up.longest, strict=True)]
        return StreamedRows(self.iter_follow_up, self.follow_up_count, tuple(longest))

    def moved_rows(self) -> list[list[Cell]]:
        """Every date a kommune moved from KOMBIT's baseline: per kommune (by code), in the tree's
        order, start before due."""
        return [list(item[0]) for kommune in self.kommuner for item in kommune.moved]

    def file_rows(self) -> list[list[Cell]]:
        return [[str(f.path), f.outcome, f.reason] for f in self.files]

    def to_json(self) -> dict[str, object]:
        def plain(row: list[Cell]) -> list[object]:
            return [v.isoformat() if isinstance(v, date) else v for v in row]

        return {
            "kommuner": len(self.kommuner),
            "today": None if self.today is None else self.today.isoformat(),
            "overview": [
                dict(zip(OVERVIEW_HEADERS, plain(r), strict=True)) for r in self.overview_rows()
            ],
            "follow_up": [
                dict(zip(FOLLOW_UP_HEADERS, plain(r), strict=True)) for r in self.follow_up_rows()
            ],
            "moved": [dict(zip(MOVED_HEADERS, plain(r), strict=True)) for r in self.moved_rows()],
            "files": [
                {"file": str(f.path), "outcome": f.outcome, "reason": f.reason} for f in self.files
            ],
            "rejected": [{"file": str(p), "error": e} for p, e in self.rejected],
            "clashes": list(self.clashes),
        }


def _candidates(inputs: list[Path], files: list[FileOutcome]) -> Iterator[Path]:
    """The paths to try as bundles; every other entry seen is added to `files` as skipped."""
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            key = path.absolute()
        if key in seen:
            files.append(FileOutcome(path, SKIPPED, "er nævnt mere end én gang (læst én gang)"))
            return False
        seen.add(key)
        return True

    for item in inputs:
        if not item.is_dir():
            if first_time(item):
                yield item
            continue
        try:
            entries = sorted(item.iterdir())
        except OSError as exc:
            files.append(FileOutcome(item, REJECTED, f"mappen kan ikke læses: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.is_dir():
                files.append(
                    FileOutcome(
                        entry, SKIPPED, "er en undermappe (undermapper læses ikke; angiv den selv)"
                    )
                )
            elif entry.name.lower().endswith(BUNDLE_SUFFIX):
                if first_time(entry):
                    yield entry
            else:
                files.append(FileOutcome(entry, SKIPPED, "er ikke et bundt (ikke en .zip-fil)"))


def _read(path: Path) -> KommuneSummary:
    """The summary of one bundle; any failure is a BundleError naming the file."""
    try:
        with paused_gc():
            return summarise(verify_bundle(path))
    except BundleError:
        raise
    except Exception as exc:  # a fault in kigo: this bundle is rejected, the others go on
        log.error("uventet fejl ved læsning af %s", path, exc_info=exc)
        text = str(exc).strip() or "(ingen tekst)"
        raise BundleError(
            f"{path}: uventet fejl i kigo ved læsning ({type(exc).__name__}: {text[:300]}); "
            "bundtet er afvist, meld fejlen til kigos udviklere"
        ) from None


def _clash_choice(a: KommuneSummary, b: KommuneSummary) -> tuple[KommuneSummary, KommuneSummary]:
    """(kept, other) of two bundles for the same kommune and date."""
    if a.digest != b.digest:
        return (a, b) if a.digest < b.digest else (b, a)
    return (a, b) if str(a.path) <= str(b.path) else (b, a)


def aggregate(inputs: list[Path], today: date | None = None) -> Aggregation:
    """Verify every bundle, one at a time; a bad one is reported and never blocks the rest.

    Bundles dated after `today` are skipped (None: no such check).
    """
    result = Aggregation(today=today)
    newest: dict[str, KommuneSummary] = {}
    older: dict[str, KommuneSummary] = {}
    outcome: dict[Path, FileOutcome] = {}
    for path in _candidates(inputs, result.files):
        entry = FileOutcome(path, READ, IN_OVERVIEW)
        result.files.append(entry)
        try:
            summary = _read(path)
        except BundleError as exc:
            entry.outcome, entry.reason = REJECTED, _without_path(str(exc), path)
            continue
        if today is not None and summary.today > today:
            entry.outcome = SKIPPED
            entry.reason = (
                f"er dateret i fremtiden ({summary.today:%d-%m-%Y}; i dag er {today:%d-%m-%Y}) "
                "og tæller ikke som nyeste"
            )
            continue
        outcome[path] = entry
        current = newest.get(summary.code)
        if current is None:
            newest[summary.code] = summary
            continue
        if summary.today != current.today:
            kept, other = (
                (summary, current) if summary.today > current.today else (current, summary)
            )
            outcome[other.path].reason = f"erstattet af nyere bundt: {kept.path}"
        elif summary.digest == current.digest:
            kept, other = _clash_choice(summary, current)
            outcome[other.path].reason = f"samme indhold som {kept.path} (læst én gang)"
        else:
            kept, other = _clash_choice(summary, current)
            result.clashes.append(
                f"sammenstød: {kept.name} ({kept.code}) har to forskellige bundter pr. "
                f"{kept.today:%d-%m-%Y}: {kept.path} og {other.path}; brugt: {kept.path} "
                "(laveste SHA-256 af manifest.json)"
            )
            outcome[other.path].reason = (
                f"sammenstød: samme kommune og dato som {kept.path}, andet indhold; det andet "
                "er brugt (laveste SHA-256 af manifest.json)"
            )
        outcome[kept.path].reason = IN_OVERVIEW
        newest[summary.code] = kept
        _keep_older(older, kept, (current, summary))
    result.kommuner = [newest[code] for code in sorted(newest)]
    result.previous = older
    return result


def _keep_older(
    older: dict[str, KommuneSummary],
    kept: KommuneSummary,
    others: tuple[KommuneSummary, KommuneSummary],
) -> None:
    """Keep, per kommune, the newest bundle dated before the one used (of several that day, the
    one with the lowest manifest SHA-256, as for a clash): at most one more summary per kommune
    is held, so memory still does not grow with the number of uploads."""
    pool = [s for s in (*others, older.get(kept.code)) if s is not None and s.today < kept.today]
    if pool:
        older[kept.code] = min(pool, key=lambda s: (-s.today.toordinal(), s.digest))
    else:
        older.pop(kept.code, None)


def _without_path(message: str, path: Path) -> str:
    """A BundleError's text without the leading path (the report names the file already)."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def report_lines(result: Aggregation) -> list[str]:
    """What the CLI says about the files that did not simply go into the overview (rejected
    ones are said on stderr), and the clashes; printable whatever the file names hold."""
    lines = [
        f"{f.outcome}: {f.path}: {f.reason}"
        for f in result.files
        if f.outcome == SKIPPED or (f.outcome == READ and f.reason != IN_OVERVIEW)
    ]
    return [printable(str(line), one_line=True) for line in lines + result.clashes]


def csv_paths(out: Path) -> list[Path]:
    """The files `--out NAVN.csv` writes, one per table."""
    return [out.with_name(f"{out.stem}{suffix}{out.suffix}") for suffix, _ in CSV_PARTS]


def write_overview(result: Aggregation, out: Path, *, force: bool = False) -> list[Path]:
    """Write the overview; returns the files written (several for .csv: one per table)."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        outputs = [(out, text.encode("utf-8"))]
    elif suffix == ".csv":
        tables = (
            (OVERVIEW_HEADERS, result.overview_rows()),
            (FOLLOW_UP_HEADERS, result.iter_follow_up()),
            (MOVED_HEADERS, result.moved_rows()),
            (FILE_HEADERS, result.file_rows()),
        )
        outputs = [
            (path, csv_bytes(headers, rows))
            for path, (headers, rows) in zip(csv_paths(out), tables, strict=True)
        ]
    elif suffix == ".xlsx":
        newest = max((k.today for k in result.kommuner), default=date(2000, 1, 1))
        data = xlsx_bytes(
            [
                ("Overblik", OVERVIEW_HEADERS, result.overview_rows()),
                ("Opfølgning", FOLLOW_UP_HEADERS, result.follow_up_sheet()),
                ("Flyttede datoer", MOVED_HEADERS, result.moved_rows()),
                ("Filer", FILE_HEADERS, result.file_rows()),
            ],
            newest,
        )
        outputs = [(out, data)]
    else:
        raise KigoError(
            f"{out}: ukendt filtype '{out.suffix}' (brug .xlsx, .csv, .json eller .html)"
        )
    if not force:
        for path, _data in outputs:
            if path.exists():
                raise ExportError(f"{path} findes allerede; brug --force for at overskrive")
    for path, data in outputs:
        write_atomically(path, data, force=force)
    return [path for path, _data in outputs]
