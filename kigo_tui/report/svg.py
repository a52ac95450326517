"""The report's charts as inline SVG text: the burn-down against the plan, and a colour bar.

A small module of our own rather than a plotting library (docs/ARCHITECTURE.md says why): two
chart kinds, drawn from numbers kigo already has (`kigo_tui.domain.progress`), as plain SVG
elements with fixed sizes in a viewBox, so a page renders the same in any browser, on a
projector and in print, with no script and no font download. Every text put into the SVG is
escaped here (`_text`); the numbers are formatted here. The output is the same bytes for the
same input (no random ids, no time of drawing).

Each series has a shape as well as a colour, so a chart reads in grey print and for colour-blind
readers: the plan is a dashed line, what remains a solid line over a light area, today a dotted
vertical line with its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from kigo_tui.domain.dates import short_date
from kigo_tui.domain.progress import WeekPoint
from kigo_tui.domain.rules import COLOUR_LABELS, Colour

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 14
MARGIN_BOTTOM = 34

INK = "#1a1a1a"
GRID = "#c8c8c8"
PLAN = "#4a4a4a"
ACTUAL = "#0b4f8a"
ACTUAL_FILL = "#d6e6f5"
TODAY = "#6b2c91"

TRAFFIC_LIGHTS: dict[Colour, tuple[str, str]] = {
    Colour.RED: ("#b3261e", "#ffffff"),
    Colour.YELLOW: ("#f2c12e", INK),
    Colour.GREEN: ("#1e6b2f", "#ffffff"),
}
"""Each traffic light's fill and the text on it (WCAG AA, checked in tests/browser): the charts'
bars here, and the page's badges through `css_palette` (report.css's var(--red), var(--red-ink) …)."""


def css_palette() -> str:
    """The traffic lights as CSS custom properties, for the page's stylesheet."""
    names = " ".join(
        f"--{colour.value}: {fill}; --{colour.value}-ink: {ink};"
        for colour, (fill, ink) in TRAFFIC_LIGHTS.items()
    )
    return f":root {{ {names} }}"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate with one decimal at most, the same text on every machine."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_top(value: int) -> int:
    """The y axis' top: the smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1)."""
    value = max(1, value)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def burndown(
    weeks: Sequence[WeekPoint], today_index: int | None, *, label: str, today: date
) -> str:
    """Tasks remaining per week (solid line over an area) against the plan (dashed line).

    `label` names the chart for screen readers (the svg's title and aria-label).
    """
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    bottom = MARGIN_TOP + plot_h
    parts = [
        f'<svg class="chart burndown" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{_text(label)}"><title>{_text(label)}</title>'
    ]
    if not weeks:
        parts.append(
            f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" fill="{INK}" '
            'font-size="14">Ingen opgaver med datoer endnu</text></svg>'
        )
        return "".join(parts)
    top = _nice_top(max(max(w.planned_remaining, w.remaining or 0) for w in weeks))
    n = len(weeks)

    def x(i: int) -> float:
        return MARGIN_LEFT + (plot_w * (i + 0.5) / n)

    def y(value: int) -> float:
        return bottom - plot_h * value / top

    # grid and y labels: 0, half, top
    for value in (0, top // 2, top) if top >= 2 else (0, top):
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{_num(y(value))}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{_num(y(value))}" stroke="{GRID}" stroke-width="1"/>'
            f'<text class="y" x="{MARGIN_LEFT - 6}" y="{_num(y(value) + 4)}" text-anchor="end" '
            f'fill="{INK}" font-size="12">{value}</text>'
        )
    measured = [(i, w.remaining) for i, w in enumerate(weeks) if w.remaining is not None]
    if measured:
        line = " ".join(f"{_num(x(i))},{_num(y(r))}" for i, r in measured)
        area = (
            f"{_num(x(measured[0][0]))},{_num(bottom)} {line} "
            f"{_num(x(measured[-1][0]))},{_num(bottom)}"
        )
        parts.append(f'<polygon points="{area}" fill="{ACTUAL_FILL}" stroke="none"/>')
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{ACTUAL}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        last, value = measured[-1]
        parts.append(
            f'<circle cx="{_num(x(last))}" cy="{_num(y(value))}" r="4" fill="{ACTUAL}"/>'
            f'<text x="{_num(x(last) + 7)}" y="{_num(y(value) - 7)}" fill="{ACTUAL}" '
            f'font-size="12" font-weight="bold">{value}</text>'
        )
    plan = " ".join(f"{_num(x(i))},{_num(y(w.planned_remaining))}" for i, w in enumerate(weeks))
    parts.append(
        f'<polyline points="{plan}" fill="none" stroke="{PLAN}" stroke-width="2" '
        'stroke-dasharray="6 4"/>'
    )
    if today_index is not None:
        tx = _num(x(today_index))
        parts.append(
            f'<line x1="{tx}" y1="{MARGIN_TOP}" x2="{tx}" y2="{_num(bottom)}" stroke="{TODAY}" '
            'stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
    # x labels: the first Monday, today and the last Sunday, where they do not collide
    labels = [(0, weeks[0].monday, "start")]
    if today_index is not None:
        labels.append((today_index, today, "middle"))
    labels.append((n - 1, weeks[-1].sunday, "end"))
    placed: list[float] = []
    for i, day, anchor in labels:
        at = x(i) if anchor == "middle" else (MARGIN_LEFT if anchor == "start" else WIDTH - 2)
        if any(abs(at - other) < 90 for other in placed):
            continue
        placed.append(at)
        text = f"i dag {short_date(day)}" if anchor == "middle" else short_date(day)
        parts.append(
            f'<text x="{_num(at)}" y="{HEIGHT - 12}" text-anchor="{anchor}" fill="{INK}" '
            f'font-size="12">{_text(text)}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN_LEFT}" y1="{_num(bottom)}" x2="{WIDTH - MARGIN_RIGHT}" '
        f'y2="{_num(bottom)}" stroke="{INK}" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def colour_bar(by_colour: dict[str, int], *, label: str) -> str:
    """The tasks by colour as one stacked bar (red, yellow, green), each part with its count and
    word where it fits."""
    width, height = 320, 28
    total = sum(by_colour.get(c.value, 0) for c in Colour)
    parts = [
        f'<svg class="chart colour-bar" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_text(label)}"><title>{_text(label)}</title>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" stroke="{GRID}"/>'
    ]
    at = 0.0
    for colour in (Colour.RED, Colour.YELLOW, Colour.GREEN):
        n = by_colour.get(colour.value, 0)
        if not n or not total:
            continue
        w = width * n / total
        fill, ink = TRAFFIC_LIGHTS[colour]
        parts.append(
            f'<rect x="{_num(at)}" y="0" width="{_num(w)}" height="{height}" fill="{fill}"/>'
        )
        text = f"{n} {COLOUR_LABELS[colour]}"
        if w >= 8 * len(text):
            parts.append(
                f'<text x="{_num(at + w / 2)}" y="{height // 2 + 5}" text-anchor="middle" '
                f'fill="{ink}" font-size="13" font-weight="bold">{_text(text)}</text>'
            )
        at += w
    parts.append("</svg>")
    return "".join(parts)
