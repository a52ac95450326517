"""Issue 7's targets, each checked against the figures of one run.

Ratios are to the floor measured in the same run; absolute limits are the issue's own. A target
whose figures this run did not take (another size, --no-compare) is shown as not measured. A
command killed at the time limit still bounds its figure from below ("≥ 120 s"), which can be
enough to decide a target (export ≤ 3 s fails; 400 tasks at least as fast as 50,000 holds); a
target its figures cannot decide fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.figures import Figures

BIG = 50_000
SMALL = 400
BUNDLES = 98
SAME_SPEED_TOLERANCE = 1.10
"""'At 400 tasks at least as fast as at 50,000' allows 10 % for noise between two medians."""

EXACT, AT_LEAST, AT_MOST = "", "≥", "≤"
Estimate = tuple[float, str]
"""A value and whether it is exact, a lower bound or an upper bound."""
Value = Callable[[Figures], Estimate | None]


@dataclass(frozen=True)
class Target:
    key: str
    text: str
    """The target as the table states it (Danish)."""
    limit: float
    unit: str
    """'×' for a ratio, 's' or 'ms'."""
    value: Value
    needs: tuple[str, ...]
    """Figure keys the value is computed from."""
    at_least: bool = False
    """True when the value must reach the limit rather than stay below it."""


@dataclass(frozen=True)
class Outcome:
    target: Target
    value: float | None
    passed: bool | None
    """None: not measured in this run."""
    note: str = ""
    bound: str = EXACT
    """AT_LEAST or AT_MOST when `value` only bounds the true value."""

    def to_json(self) -> dict[str, object]:
        t = self.target
        return {
            "key": t.key,
            "text": t.text,
            "limit": t.limit,
            "unit": t.unit,
            "at_least": t.at_least,
            "value": self.value,
            "bound": self.bound,
            "passed": self.passed,
            "note": self.note,
        }


def estimate(figures: Figures, key: str, stat: str) -> Estimate | None:
    """A figure's statistic; for a figure killed at the time limit, the limit as a lower bound."""
    figure = figures[key]
    value = getattr(figure, stat)
    if value is not None:
        return value, EXACT
    if stat != "peak" and figure.at_least_s is not None:
        return figure.at_least_s, AT_LEAST
    return None


def divide(top: Estimate | None, bottom: Estimate | None) -> Estimate | None:
    """top / bottom; a lower bound below the line gives an upper bound on the quotient, and so on."""
    if top is None or bottom is None or not bottom[0]:
        return None
    (a, qa), (b, qb) = top, bottom
    if qa == EXACT and qb == EXACT:
        return a / b, EXACT
    if qa == EXACT and qb == AT_LEAST:
        return a / b, AT_MOST
    if qa == AT_LEAST and qb == EXACT:
        return a / b, AT_LEAST
    return None


def _scaled(key: str, stat: str, scale: float) -> Value:
    def value(figures: Figures) -> Estimate | None:
        found = estimate(figures, key, stat)
        return None if found is None else (found[0] * scale, found[1])

    return value


def _quotient(top: str, bottom: str, stat: str = "median_s") -> Value:
    return lambda figures: divide(estimate(figures, top, stat), estimate(figures, bottom, stat))


def _to_floor(key: str, stat: str = "median_s") -> Value:
    """The figure over its own floor (the same statistic)."""

    def value(figures: Figures) -> Estimate | None:
        floor = figures[key].floor
        if floor is None or floor not in figures:
            return None
        return divide(estimate(figures, key, stat), estimate(figures, floor, stat))

    return value


def _danish(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def targets(dooit_tasks: int = BIG) -> list[Target]:
    big, small = _danish(BIG), SMALL
    start, keys = f"start/kigo/{BIG}", f"keypress/kigo/{BIG}"
    tui = [
        Target(
            "start",
            f"start → første billede ({big}) ≤ 1,5 × gulvet",
            1.5,
            "×",
            _to_floor(start),
            (start, "start/floor"),
        ),
        Target(
            "keypress_median",
            f"mellemrum → ny farve ({big}), median ≤ 16 ms",
            16,
            "ms",
            _scaled(keys, "median_s", 1000),
            (keys,),
        ),
        Target(
            "keypress_p95",
            f"mellemrum → ny farve ({big}), p95 ≤ 33 ms",
            33,
            "ms",
            _scaled(keys, "p95_s", 1000),
            (keys,),
        ),
        Target(
            "memory",
            f"TUI'ens hukommelse ({big}) ≤ 2 × gulvets",
            2,
            "×",
            _to_floor(keys, "peak"),
            (keys, "keypress/floor"),
        ),
        Target(
            "export",
            f"kigo export ({big}) ≤ 3 s",
            3,
            "s",
            _scaled(f"export/{BIG}", "median_s", 1),
            (f"export/{BIG}",),
        ),
        Target(
            "verify",
            f"kigo verify ({big}) ≤ 1 s",
            1,
            "s",
            _scaled(f"verify/{BIG}", "median_s", 1),
            (f"verify/{BIG}",),
        ),
        Target(
            "aggregate",
            f"kigo aggregate af {BUNDLES} bundter ≤ 5 s",
            5,
            "s",
            _scaled(f"aggregate/{BUNDLES}", "median_s", 1),
            (f"aggregate/{BUNDLES}",),
        ),
        Target(
            "aggregate_html",
            f"kigo aggregate af {BUNDLES} bundter til den nationale side (.html) ≤ 5 s",
            5,
            "s",
            _scaled(f"aggregate-html/{BUNDLES}", "median_s", 1),
            (f"aggregate-html/{BUNDLES}",),
        ),
        Target(
            "report",
            f"kigo report: styregruppens side ({big}) ≤ 3 s",
            3,
            "s",
            _scaled(f"report/{BIG}", "median_s", 1),
            (f"report/{BIG}",),
        ),
        Target(
            "report_small",
            f"kigo report: styregruppens side ({small}) ≤ 1 s",
            1,
            "s",
            _scaled(f"report/{SMALL}", "median_s", 1),
            (f"report/{SMALL}",),
        ),
        Target(
            "aggregate_memory",
            f"kigo aggregate: hukommelse for {BUNDLES} bundter ≤ 1,5 × for 1 bundt",
            1.5,
            "×",
            _quotient(f"aggregate/{BUNDLES}", "aggregate/1", "peak"),
            (f"aggregate/{BUNDLES}", "aggregate/1"),
        ),
        Target(
            "status_small",
            f"kigo status --json ({small}) ≤ gulvets start",
            1,
            "×",
            _to_floor(f"status/{SMALL}"),
            (f"status/{SMALL}", "start/floor"),
        ),
    ]
    same = [
        ("start", "start", "start/kigo/{}", "median_s"),
        ("keypress", "mellemrum, median", "keypress/kigo/{}", "median_s"),
        ("keypress_p95", "mellemrum, p95", "keypress/kigo/{}", "p95_s"),
        ("status", "status --json", "status/{}", "median_s"),
        ("export", "export", "export/{}", "median_s"),
        ("verify", "verify", "verify/{}", "median_s"),
    ]
    scale = [
        Target(
            f"small_{key}",
            f"{small} mindst lige så hurtig som {big}: {label}",
            SAME_SPEED_TOLERANCE,
            "×",
            _quotient(pattern.format(SMALL), pattern.format(BIG), stat),
            (pattern.format(SMALL), pattern.format(BIG)),
        )
        for key, label, pattern, stat in same
    ]
    dooit = f"start/dooit/{dooit_tasks}"
    versus = [
        Target(
            "dooit",
            f"kigo starter mindst 1,5 × hurtigere end dooit ({_danish(dooit_tasks)})",
            1.5,
            "×",
            _quotient(dooit, start),
            (dooit, start),
            at_least=True,
        ),
    ]
    return tui + scale + versus


def _decide(target: Target, value: float, bound: str) -> bool | None:
    """Whether the target holds; None when a bound on the value cannot tell."""
    holds = value >= target.limit if target.at_least else value <= target.limit
    if bound == EXACT:
        return holds
    # A lower bound decides when it already passes an 'at least' limit or fails an 'at most' one.
    decisive = (bound == AT_LEAST) == target.at_least
    if decisive:
        return True if holds else None
    return False if not holds else None


def evaluate(figures: Figures, dooit_tasks: int = BIG) -> list[Outcome]:
    outcomes = []
    for target in targets(dooit_tasks):
        if any(k not in figures for k in target.needs):
            outcomes.append(Outcome(target, None, None, "ikke målt i denne kørsel"))
            continue
        errors = [figures[k] for k in target.needs if figures[k].error]
        note = "; ".join(f"{f.key}: {f.error}" for f in errors)
        estimate = target.value(figures)
        if estimate is None:
            outcomes.append(Outcome(target, None, False, note or "ingen måling"))
            continue
        value, bound = estimate
        passed = _decide(target, value, bound)
        if passed is None:
            note = "; ".join(filter(None, [note, "grænsen afgør det ikke"]))
        outcomes.append(Outcome(target, value, bool(passed), note, bound))
    return outcomes
