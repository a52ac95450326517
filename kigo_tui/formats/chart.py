"""The progress chart drawn with Unicode block characters, as a grid of (character, kind) cells.

Pure layout, no Textual or Rich: the widget only maps kinds to styles. Every series has its own
character as well as its colour, so the chart reads in NO_COLOR and for colour-blind users:
remaining tasks are bars (█ with ▁…▇ tops), the plan is •, red is █ and yellow ▒ in the stacked
weekly bars, today is ▲ under the axis.

Why not a plotting widget: textual-plotext works with textual 8.2.8 but is tied to plotext < 6,
a line plotext itself has replaced with an incompatible rewrite; textual-plot (with
textual-hires-canvas) crashes under NO_COLOR with textual 8.2.8 and needs numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kigo_tui.domain.progress import WeekPoint

EIGHTHS = " ▁▂▃▄▅▆▇█"
PLAN = "•"
RED = "█"
YELLOW = "▒"
TODAY = "▲"
MAX_PER_WEEK = 6

Cell = tuple[str, str]
"""(character, kind); kinds: '', axis, label, actual, plan, plan_on_actual, red, yellow, today."""


@dataclass(frozen=True, slots=True)
class Column:
    """What one column of the chart stands for (a week, or the last week of a bucket)."""

    week: WeekPoint
    peak: WeekPoint
    """The week with the most red and yellow tasks among the weeks this column covers."""
    is_today: bool


def columns(weeks: Sequence[WeekPoint], width: int, today_index: int | None) -> list[Column]:
    """One column per week (up to MAX_PER_WEEK when there is room); buckets when there is not."""
    if not weeks or width <= 0:
        return []
    n = len(weeks)
    if n <= width:
        per_week = max(1, min(MAX_PER_WEEK, width // n))
        return [
            Column(w, w, i == today_index) for i, w in enumerate(weeks) for _ in range(per_week)
        ]
    size = math.ceil(n / width)
    result = []
    for start in range(0, n, size):
        bucket = weeks[start : start + size]
        measured = [w for w in bucket if w.measured]
        peak = max(measured, key=lambda w: (w.red or 0) + (w.yellow or 0), default=bucket[-1])
        shown = measured[-1] if measured and not bucket[-1].measured else bucket[-1]
        is_today = today_index is not None and start <= today_index < start + size
        result.append(Column(shown, peak, is_today))
    return result


def _label_width(*values: int) -> int:
    return max(len(str(v)) for v in values) + 1


def _row(text: str, kind: str, width: int) -> list[Cell]:
    text = text[:width].ljust(width)
    return [(ch, kind if ch != " " else "") for ch in text]


def _y_axis(row: int, height: int, top: int, label_width: int) -> list[Cell]:
    if row == 0:
        label = str(top)
    elif row == height - 1:
        label = "0"
    elif height >= 5 and row == height // 2:
        label = str(round(top * (height - 1 - row + 0.5) / height))
    else:
        label = ""
    tick = "┤" if label else "│"
    return [(ch, "label") for ch in label.rjust(label_width - 1)] + [(tick, "axis"), (" ", "")]


def burndown_rows(cols: Sequence[Column], height: int, label_width: int) -> list[list[Cell]]:
    """Remaining tasks as bars, the plan as dots; `height` rows, top first."""
    top = max(
        [c.week.planned_remaining for c in cols] + [c.week.remaining or 0 for c in cols] + [1]
    )
    levels = height * 8
    rows = []
    for r in range(height):
        cells = _y_axis(r, height, top, label_width)
        floor = (height - 1 - r) * 8
        for col in cols:
            remaining = col.week.remaining
            bar = 0 if remaining is None else round(remaining / top * levels)
            fill = max(0, min(8, bar - floor))
            plan_level = col.week.planned_remaining / top * levels
            plan_row = height - 1 - min(height - 1, int(plan_level // 8))
            if r == plan_row:
                cells.append((PLAN, "plan_on_actual" if fill else "plan"))
            elif fill:
                cells.append((EIGHTHS[fill], "actual"))
            else:
                cells.append((" ", ""))
        rows.append(cells)
    return rows


def colour_rows(cols: Sequence[Column], height: int, label_width: int) -> list[list[Cell]]:
    """Red (bottom) and yellow (on top) tasks per week as stacked bars; any count shows."""
    top = max([(c.peak.red or 0) + (c.peak.yellow or 0) for c in cols] + [1])
    rows = []
    stacks = []
    for col in cols:
        red, yellow = col.peak.red or 0, col.peak.yellow or 0
        red_cells = math.ceil(red / top * height) if red else 0
        total_cells = math.ceil((red + yellow) / top * height) if red + yellow else 0
        if yellow and total_cells <= red_cells:
            total_cells = red_cells + 1
        stacks.append((red_cells, min(height, total_cells)))
    for r in range(height):
        cells = _y_axis(r, height, top, label_width)
        level = height - r  # 1 at the bottom row
        for red_cells, total_cells in stacks:
            if level <= red_cells:
                cells.append((RED, "red"))
            elif level <= total_cells:
                cells.append((YELLOW, "yellow"))
            else:
                cells.append((" ", ""))
        rows.append(cells)
    return rows


def _x_axis(cols: Sequence[Column], label_width: int) -> list[Cell]:
    cells: list[Cell] = [(" ", "")] * (label_width - 1) + [("└", "axis"), ("─", "axis")]
    for col in cols:
        cells.append((TODAY, "today") if col.is_today else ("─", "axis"))
    return cells


def _x_labels(cols: Sequence[Column], label_width: int, width: int) -> list[Cell]:
    """The first week's Monday, 'i dag' under today and the last week's Sunday, where they fit."""
    if not cols:
        return _row("", "", width)
    line = [" "] * width
    start = label_width + 1

    def put(at: int, text: str) -> None:
        if at < start or at + len(text) > width:
            return
        if any(ch != " " for ch in line[max(start, at - 1) : at + len(text) + 1]):
            return
        line[at : at + len(text)] = list(text)

    put(start, cols[0].week.monday.strftime("%d-%m-%y"))
    today_at = next((i for i, c in enumerate(cols) if c.is_today), None)
    if today_at is not None:
        put(max(start, start + today_at - 2), "i dag")
    last = cols[-1].week.sunday.strftime("%d-%m-%y")
    put(start + len(cols) - len(last), last)
    return [(ch, "label" if ch != " " else "") for ch in line]


def progress_chart(
    weeks: Sequence[WeekPoint], width: int, height: int, today_index: int | None
) -> list[list[Cell]]:
    """The whole chart: the burn-down, then red and yellow per week; `width` × `height` cells."""
    fixed = 5  # two titles, two x axes, one row of dates
    if width < 20 or height < fixed + 4:
        return [_row("(for lidt plads til grafen – gør vinduet større)", "label", width)]
    top = max([w.planned_remaining for w in weeks] + [w.remaining or 0 for w in weeks] + [1])
    peak = max([(w.red or 0) + (w.yellow or 0) for w in weeks] + [1])
    label_width = _label_width(top, peak)
    cols = columns(weeks, width - label_width - 1, today_index)
    room = height - fixed
    burn_height = max(3, room * 3 // 5)
    colour_height = max(1, room - burn_height)
    rows = [
        _row(f"Tilbage: █ ikke fuldført · {PLAN} plan (slutdatoerne) · ▲ i dag", "label", width)
    ]
    rows += burndown_rows(cols, burn_height, label_width)
    rows.append(_x_axis(cols, label_width))
    rows.append(_x_labels(cols, label_width, width))
    rows.append(_row(f"Røde og gule pr. uge: {RED} rød · {YELLOW} gul", "label", width))
    rows += colour_rows(cols, colour_height, label_width)
    rows.append(_x_axis(cols, label_width))
    return [(row + [(" ", "")] * width)[:width] for row in rows]


def plain(rows: Sequence[Sequence[Cell]]) -> list[str]:
    """The chart as plain text lines (for tests and for reading without colour)."""
    return ["".join(ch for ch, _ in row).rstrip() for row in rows]
