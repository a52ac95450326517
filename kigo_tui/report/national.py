"""KOMBIT's national page: the aggregate of many kommuner's bundles as one HTML file
(`kigo aggregate … --out FIL.html`).

Its numbers are the aggregate's own (`Aggregation`: the overview rows, the follow-up list, the
moved dates and every file's outcome), so the page, the .xlsx, the .csv and the .json of one
folder agree. Regions come from the shipped kommune list (`seed/kommuner.csv`); a code not in it
is shown under "ukendt region". Lists that can be long (the follow-up list, moved dates) show the
first rows per kommune with the count of the rest: the whole list is in the .xlsx.

When the folder holds an earlier upload from the same kommune (`Aggregation.previous`), the page
says what got worse and what got better since then: a project's colour, its red tasks, and the
tasks that came on or left KOMBIT's follow-up list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kigo_tui.bundle.aggregate import FOLLOW_UP_HEADERS, MOVED_HEADERS, OVERVIEW_HEADERS
from kigo_tui.domain.dates import short_date
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import COLOUR_LABELS, Colour, severity, worst
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import count
from kigo_tui.report import svg
from kigo_tui.report.render import Listing, render

if TYPE_CHECKING:
    from kigo_tui.bundle.aggregate import Aggregation, KommuneSummary

PER_KOMMUNE = 10
"""Follow-up rows and moved dates shown per kommune; the heading says how many there are."""
TREND_IDS = 12
"""Task ids named per change in the trend section before '… og N flere'."""
UNKNOWN_REGION = "ukendt region"

_COLOUR_OF_LABEL = {label: colour for colour, label in COLOUR_LABELS.items()}

# the columns of the aggregate's rows, by their headers (the one place they are defined)
_O = {header: i for i, header in enumerate(OVERVIEW_HEADERS)}
_PROJECT, _COLOUR = _O["Projekt"], _O["Farve"]
_RED = _O["Røde (alle opgaver)"]
_FOLLOW_UP, _MOVED = _O["KOMBIT følger op på"], _O["Flyttede opgaver"]
_F = {header: i for i, header in enumerate(FOLLOW_UP_HEADERS)}
_FU_PROJECT, _FU_COLOUR, _FU_ID = _F["Projekt"], _F["Farve"], _F["Opgave-id"]
_FU_TITLE, _FU_CATEGORY, _FU_DUE = _F["Titel"], _F["Kategori"], _F["Slutdato"]
_M = {header: i for i, header in enumerate(MOVED_HEADERS)}


@dataclass(frozen=True)
class ProjectState:
    colour: Colour
    red: int
    follow_up: int


def _int(cell: object) -> int:
    """A count cell of an overview row (an int; empty counts as 0)."""
    return cell if isinstance(cell, int) else 0


def _projects(summary: KommuneSummary) -> dict[str, ProjectState]:
    return {
        str(row[_PROJECT]): ProjectState(
            _COLOUR_OF_LABEL[str(row[_COLOUR])],
            _int(row[_RED]),
            _int(row[_FOLLOW_UP]),
        )
        for row in summary.overview
    }


def _follow_up_ids(summary: KommuneSummary) -> set[str]:
    return {str(item[3][_FU_ID]) for item in summary.follow_up}


def _region(code: str) -> str:
    kommune = find_kommune(code)
    return kommune.region if kommune else UNKNOWN_REGION


def _ids(ids: Iterable[str]) -> str:
    ordered = sorted(ids)
    text = ", ".join(ordered[:TREND_IDS])
    if len(ordered) > TREND_IDS:
        text += f" … og {len(ordered) - TREND_IDS} flere"
    return text


def trend(now: KommuneSummary, before: KommuneSummary) -> dict[str, Any]:
    """What got worse and what got better from `before` to `now` (one kommune)."""
    worse: list[str] = []
    better: list[str] = []
    old, new = _projects(before), _projects(now)
    for code in sorted(set(old) | set(new), key=_project_order):
        a, b = old.get(code), new.get(code)
        if a is None or b is None:
            (better if b is None else worse).append(
                f"{code} er {'ikke længere' if b is None else 'nu'} med i bundtet"
            )
            continue
        if a.colour != b.colour:
            (worse if severity(b.colour) > severity(a.colour) else better).append(
                f"{code} {COLOUR_LABELS[a.colour]} → {COLOUR_LABELS[b.colour]}"
            )
        if a.red != b.red:
            (worse if b.red > a.red else better).append(f"{code}: røde opgaver {a.red} → {b.red}")
    ids_before, ids_now = _follow_up_ids(before), _follow_up_ids(now)
    came, left = ids_now - ids_before, ids_before - ids_now
    if came:
        worse.append(
            f"{count(len(came), 'ny opgave', 'nye opgaver')} på opfølgningslisten: {_ids(came)}"
        )
    if left:
        better.append(
            f"{count(len(left), 'opgave', 'opgaver')} ikke længere på opfølgningslisten: "
            + _ids(left)
        )
    return {
        "code": now.code,
        "name": now.name,
        "before": short_date(before.today),
        "now": short_date(now.today),
        "worse": worse,
        "better": better,
    }


def _project_order(code: str) -> tuple[int, str]:
    return (PROJECT_CODES.index(code) if code in PROJECT_CODES else len(PROJECT_CODES), code)


def national_context(result: Aggregation) -> dict[str, Any]:
    kommuner: list[dict[str, Any]] = []
    by_colour: Counter[str] = Counter()
    by_project: dict[str, Counter[str]] = {code: Counter() for code in PROJECT_CODES}
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    for summary in result.kommuner:
        states = _projects(summary)
        colour = worst(s.colour for s in states.values())
        follow_up = sum(s.follow_up for s in states.values())
        red = sum(s.red for s in states.values())
        moved = sum(_int(row[_MOVED]) for row in summary.overview)
        by_colour[colour.value] += 1
        for code, state in states.items():
            by_project.setdefault(code, Counter())[state.colour.value] += 1
        region = _region(summary.code)
        regions[region][colour.value] += 1
        regions[region]["kommuner"] += 1
        regions[region]["follow_up"] += follow_up
        rows: list[dict[str, Any]] = []
        for _sev, _due, _id, row in summary.follow_up:
            if len(rows) == PER_KOMMUNE:
                break
            rows.append(
                {
                    "project": row[_FU_PROJECT],
                    "colour": _COLOUR_OF_LABEL[str(row[_FU_COLOUR])].value,
                    "id": row[_FU_ID],
                    "title": row[_FU_TITLE],
                    "category": row[_FU_CATEGORY],
                    "due": short_date(row[_FU_DUE]) if isinstance(row[_FU_DUE], date) else "—",
                }
            )
        moved_rows: list[dict[str, Any]] = []
        for (row,) in summary.moved:
            if len(moved_rows) == PER_KOMMUNE:
                break
            moved_rows.append(
                {
                    "project": row[_M["Projekt"]],
                    "id": row[_M["Opgave-id"]],
                    "title": row[_M["Titel"]],
                    "which": row[_M["Dato"]],
                    "kombit": short_date(row[_M["KOMBITs dato"]]),
                    "own": short_date(row[_M["Kommunens dato"]]),
                    "days": row[_M["Dage flyttet"]],
                    "reason": row[_M["Begrundelse"]],
                }
            )
        kommuner.append(
            {
                "code": summary.code,
                "name": summary.name,
                "region": region,
                "today": short_date(summary.today),
                "colour": colour.value,
                "projects": {
                    code: (state.colour.value if state else None)
                    for code in PROJECT_CODES
                    for state in [states.get(code)]
                },
                "follow_up": follow_up,
                "red": red,
                "moved": moved,
                "follow_up_list": Listing(total=summary.follow_up.count, rows=rows),
                "moved_list": Listing(total=summary.moved.count, rows=moved_rows),
                "sort": (-severity(colour), -follow_up, -red, summary.name, summary.code),
            }
        )
    kommuner.sort(key=lambda k: k["sort"])
    trends = [
        trend(summary, result.previous[summary.code])
        for summary in result.kommuner
        if summary.code in result.previous
    ]
    trends.sort(key=lambda t: (-len(t["worse"]), t["name"], t["code"]))
    newest = max((k.today for k in result.kommuner), default=None)
    return {
        "status_date": short_date(newest),
        "kommune_count": len(result.kommuner),
        "by_colour": {c.value: by_colour.get(c.value, 0) for c in Colour},
        "bar": svg.colour_bar(
            {c.value: by_colour.get(c.value, 0) for c in Colour},
            label="Kommunerne fordelt på farver",
        ),
        "by_project": {
            code: {c.value: counter.get(c.value, 0) for c in Colour}
            for code, counter in by_project.items()
        },
        "project_bars": {
            code: svg.colour_bar(
                {c.value: counter.get(c.value, 0) for c in Colour},
                label=f"Kommunerne fordelt på farver i {code}",
            )
            for code, counter in by_project.items()
        },
        "regions": [
            {
                "name": name,
                **{k: counts.get(k, 0) for k in ("kommuner", "follow_up")},
                **{c.value: counts.get(c.value, 0) for c in Colour},
            }
            for name, counts in sorted(regions.items())
        ],
        "kommuner": kommuner,
        "follow_up_total": result.follow_up_count,
        "moved_total": sum(k.moved.count for k in result.kommuner),
        "rejected": [{"file": str(p), "reason": r} for p, r in result.rejected],
        "skipped": [{"file": str(p), "reason": r} for p, r in result.skipped],
        "superseded": len(result.superseded),
        "clashes": list(result.clashes),
        "trends": trends,
        "previous_count": len(result.previous),
        "projects": list(PROJECT_CODES),
        "per_kommune": PER_KOMMUNE,
    }


def national_html(result: Aggregation) -> str:
    return render("national.html.j2", national_context(result))


def is_page(out: Path) -> bool:
    """Does `--out` ask for the page (.html) rather than a table file?"""
    return out.suffix.lower() in (".html", ".htm")


def save_national(result: Aggregation, out: Path, *, force: bool = False) -> Path:
    """Write the page atomically; never over an existing file without `force`."""
    from kigo_tui.formats.files import write_atomically

    write_atomically(out, national_html(result).encode("utf-8"), force=force)
    return out
