"""The report's own charts: well-formed SVG whatever the numbers, every point inside the
drawing, the plan and what remains where the numbers put them, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain.progress import WeekPoint
from kigo_tui.report import svg

NS = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 1, 5)


def weeks_of(plan: list[int], remaining: list[int | None]) -> list[WeekPoint]:
    out = []
    for i, (p, r) in enumerate(zip(plan, remaining, strict=True)):
        monday = MONDAY + timedelta(weeks=i)
        iso = monday.isocalendar()
        tasks = None if r is None else max(p, r) + 3
        out.append(
            WeekPoint(
                iso.year,
                iso.week,
                monday,
                monday + timedelta(days=6),
                p,
                tasks,
                None if r is None else tasks - r,
                0,
                0,
            )
        )
    return out


def points(element: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in element.attrib["points"].split()]  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 60_000), min_size=1, max_size=270).flatmap(
        lambda plan: st.tuples(
            st.just(plan),
            st.lists(
                st.one_of(st.none(), st.integers(0, 60_000)), min_size=len(plan), max_size=len(plan)
            ),
        )
    )
)
def test_every_point_is_inside_the_drawing_where_its_number_puts_it(
    data: tuple[list[int], list[int | None]],
) -> None:
    plan, remaining = data
    weeks = weeks_of(plan, remaining)
    today = next((i for i, r in enumerate(remaining) if r is not None), None)
    root = ET.fromstring(svg.burndown(weeks, today, label="Fremdrift", today=MONDAY))
    assert root.attrib["viewBox"] == f"0 0 {svg.WIDTH} {svg.HEIGHT}"
    lines = {e.attrib.get("stroke-dasharray"): e for e in root.iter(f"{NS}polyline")}
    plan_line = points(lines["6 4"])
    assert len(plan_line) == len(plan)
    top = max(float(t.text or 0) for t in root.iter(f"{NS}text") if t.attrib.get("class") == "y")
    bottom = svg.HEIGHT - svg.MARGIN_BOTTOM
    height = bottom - svg.MARGIN_TOP
    for (x, y), value in zip(plan_line, plan, strict=True):
        assert svg.MARGIN_LEFT <= x <= svg.WIDTH - svg.MARGIN_RIGHT
        assert svg.MARGIN_TOP - 0.05 <= y <= bottom + 0.05
        assert abs(y - (bottom - height * value / max(top, 1))) <= 0.06
    xs = [x for x, _ in plan_line]
    assert xs == sorted(xs)
    measured = [r for r in remaining if r is not None]
    if measured:
        actual = points(lines[None])
        assert len(actual) == len(measured)
        for (_, y), r in zip(actual, measured, strict=True):
            assert abs((bottom - y) - height * r / max(top, 1)) <= 0.06


def test_labels_are_escaped() -> None:
    text = svg.burndown([], None, label='<script>"x"</script>', today=MONDAY)
    root = ET.fromstring(text)
    assert root.find(f"{NS}title").text == '<script>"x"</script>'  # type: ignore[union-attr]
    assert "<script>" not in text
    bar = svg.colour_bar({"red": 2, "yellow": 1, "green": 7}, label="a & b")
    assert ET.fromstring(bar).attrib["aria-label"] == "a & b"


def test_the_colour_bar_is_split_by_the_counts() -> None:
    root = ET.fromstring(svg.colour_bar({"red": 1, "yellow": 3, "green": 4}, label="x"))
    widths = [float(r.attrib["width"]) for r in root.iter(f"{NS}rect")][1:]
    assert widths == [40, 120, 160]
