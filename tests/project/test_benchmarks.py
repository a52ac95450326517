"""The benchmark suite (benchmarks/): its screen predicates and report, and the CI guard.

The guard runs a small version of the suite (benchmarks/bounds.py: CI_SUITE) and fails when a
figure's ratio to the floor measured in the same run passes its bound in CI_BOUNDS. Ratios, never
absolute times, so a slow or busy CI machine slows kigo and the floor alike.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from benchmarks.bounds import CI_BOUNDS, CI_SUITE, check
from benchmarks.figures import Figure, Figures
from benchmarks.render import END, START, replace_block
from benchmarks.report import Report, read_json, write_json
from benchmarks.screens import ToggleProbe, kigo_tree_painted
from benchmarks.stats import percentile
from benchmarks.tables import markdown, plain_text
from benchmarks.targets import evaluate

TREE = [
    " Odense (461) │ pr. 23-11-2026 (valgt dato) │ samlet ■ rød",
    "▼ ■ rød Odense 149/286                                    │ SAPA-01-01  Udpeg systemejer",
    "├ ▼ ■ STS ⚠ Støttesystemerne (inkl. Serviceplatformen) 59/74 │ Farve: ● grøn",
    "│ ├ ▼ ■  1. Drift og support 2/7                            │",
    "│ │ ├ ☐ ■ ! 08-12-2025 Udpeg systemejer for støttesystemerne │",
    "├ ▶ ■ SAPA Sags- og partsoverblik 30/80                      │",
    "├ ▶ ● KY Kommunernes Ydelsessystem 40/70                     │",
    "└ ▶ ▲ KSD Kommunernes Sygedagpengesystem 20/62               │",
]
LOADING = [" kigo · indlæser …", "", ""]


def test_first_paint_is_the_tree_with_counts_not_the_loading_frame() -> None:
    painted = kigo_tree_painted("Odense")
    assert painted(TREE)
    assert not painted(LOADING)
    assert not painted(TREE[:-1]), "all four projects must be there"
    assert not painted([line.replace("/", " af ") for line in TREE]), "counts are required"


def _toggle(lines: list[str], glyph: str, delta: int) -> list[str]:
    out = list(lines)
    out[4] = out[4].replace("☐", glyph)
    out[1] = out[1].replace("149/286", f"{149 + delta}/286")
    out[2] = out[2].replace("59/74", f"{59 + delta}/74")
    out[3] = out[3].replace("2/7", f"{2 + delta}/7")
    return out


def test_a_toggle_is_seen_only_when_the_task_and_all_ancestors_changed() -> None:
    ancestors = ["Drift og support", r"\bSTS\b", "Odense"]
    probe = ToggleProbe.locate(TREE, "Udpeg systemejer", ancestors)
    done = _toggle(TREE, "☑", +1)
    half = list(done)
    half[1] = TREE[1]  # the kommune line not yet repainted
    assert probe.toggled(TREE) is None
    assert probe.toggled(half) is None
    after = probe.toggled(done)
    assert after is not None and after.glyph == "☑"
    assert after.toggled(_toggle(TREE, "◐", 0)) is not None, "back to in progress, counts back"
    assert after.toggled(done) is None


def test_the_task_line_is_the_tree_line_not_the_detail_pane() -> None:
    probe = ToggleProbe.locate(TREE, "Udpeg systemejer", ["Odense"])
    assert probe.task_row == 4


def test_percentile_is_nearest_rank() -> None:
    samples = [float(x) for x in range(1, 21)]
    assert percentile(samples, 95) == 19.0
    assert percentile(samples, 50) == 10.0
    assert percentile([3.0], 95) == 3.0


def _figures() -> Figures:
    figures = Figures()
    figures.add(Figure("start/floor", "start", "gulv", seconds=[0.2, 0.3, 0.25], peaks=[30 << 20]))
    figures.add(
        Figure(
            "start/kigo/50000",
            "start",
            "kigo",
            50_000,
            "start/floor",
            seconds=[0.3, 0.35, 0.4],
            peaks=[90 << 20],
        )
    )
    figures.add(
        Figure(
            "export/50000",
            "kigo export",
            "kigo",
            50_000,
            "start/floor",
            error="over 120 s (afbrudt)",
        )
    )
    return figures


def test_targets_pass_fail_and_not_measured() -> None:
    outcomes = {o.target.key: o for o in evaluate(_figures())}
    assert outcomes["start"].passed is True
    assert outcomes["start"].value == pytest.approx(0.35 / 0.25)
    assert outcomes["export"].passed is False and "afbrudt" in outcomes["export"].note
    assert outcomes["aggregate"].passed is None


def test_a_command_killed_at_the_time_limit_still_bounds_its_targets() -> None:
    figures = _figures()
    figures["export/50000"].at_least_s = 120.0
    figures.add(Figure("export/400", "kigo export", "kigo", 400, "start/floor", seconds=[0.9]))
    outcomes = {o.target.key: o for o in evaluate(figures)}
    export = outcomes["export"]
    assert (export.value, export.bound, export.passed) == (120.0, "≥", False)
    small = outcomes["small_export"]
    assert small.bound == "≤" and small.passed is True
    assert small.value == pytest.approx(0.9 / 120)


def test_bounds_are_ratios_and_a_failed_figure_fails() -> None:
    figures = _figures()
    assert check(figures, {"start/kigo/50000": 1.5}) == []
    assert check(figures, {"start/kigo/50000": 1.2})
    assert check(figures, {"start/kigo/50000:peak": 2.0})  # 3× the floor's memory
    assert check(figures, {"export/50000": 100.0})
    assert check(figures, {"status/400": 100.0}), "a bound on a figure never measured fails"


def test_report_round_trips_through_json_and_renders(tmp_path: Path) -> None:
    figures = _figures()
    comparison = {"ran": False, "reason": "--no-compare"}
    report = Report(
        {"date": "2026-11-23T12:00:00+00:00", "git": {"commit": "abc"}},
        dataclasses.asdict(CI_SUITE),
        comparison,
        figures,
        evaluate(figures),
        1.0,
    )
    path = tmp_path / "latest.json"
    write_json(report, path)
    again = read_json(path)
    assert json.loads(path.read_text())["figures"][1]["median_s"] == pytest.approx(0.35)
    assert plain_text(again) == plain_text(report)
    table = markdown(again)
    assert "| start | kigo | 50.000 | 350 ms |" in table
    assert "✘ ikke opfyldt" in table and "✔ opfyldt" in table


def test_readme_block_is_replaced_and_nothing_else() -> None:
    text = f"# kigo\n\n## Ydeevne\n\n{START}\nold\n{END}\n\nrest\n"
    assert replace_block(text, "new") == f"# kigo\n\n## Ydeevne\n\n{START}\nnew\n{END}\n\nrest\n"
    with pytest.raises(ValueError):
        replace_block("no markers", "new")


def test_readme_has_the_benchmark_block() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "## Ydeevne" in readme
    replace_block(readme, "x")


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_figures_stay_within_their_bounds_of_the_floor(tmp_path: Path) -> None:
    from benchmarks.suite import run_suite

    lines: list[str] = []
    results = run_suite(CI_SUITE, log=lines.append, workdir=tmp_path)
    report = Report.from_results(results)
    table = plain_text(report)
    print(table)  # shown with -s, and in the failure message below
    assert set(CI_BOUNDS) <= {*results.figures, *(f"{k}:peak" for k in results.figures)}
    problems = check(results.figures)
    assert not problems, "\n".join(problems) + "\n\n" + table
