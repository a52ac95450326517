"""Issue 7's targets, each checked against the figures of one run.

Ratios are to the floor measured in the same run; absolute limits are the issue's own. A target
whose figures this run did not take (another size, --no-compare) is shown as not measured; one whose
figure failed (a timeout) fails.
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

Value = Callable[[Figures], float | None]


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

    def to_json(self) -> dict[str, object]:
        t = self.target
        return {
            "key": t.key,
            "text": t.text,
            "limit": t.limit,
            "unit": t.unit,
            "at_least": t.at_least,
            "value": self.value,
            "passed": self.passed,
            "note": self.note,
        }


def _median(key: str, scale: float = 1.0) -> Value:
    def value(figures: Figures) -> float | None:
        m = figures[key].median_s
        return None if m is None else m * scale

    return value


def _p95(key: str, scale: float = 1.0) -> Value:
    def value(figures: Figures) -> float | None:
        p = figures[key].p95_s
        return None if p is None else p * scale

    return value


def _ratio(key: str, stat: str = "median_s") -> Value:
    return lambda figures: figures.ratio(key, stat)


def _quotient(top: str, bottom: str, stat: str = "median_s") -> Value:
    def value(figures: Figures) -> float | None:
        a, b = getattr(figures[top], stat), getattr(figures[bottom], stat)
        return None if a is None or not b else a / b

    return value


def targets(dooit_tasks: int = BIG) -> list[Target]:
    big, small = f"{BIG:,}".replace(",", "."), SMALL
    tui = [
        Target(
            "start",
            f"start → første billede ({big}) ≤ 1,5 × gulvet",
            1.5,
            "×",
            _ratio(f"start/kigo/{BIG}"),
            (f"start/kigo/{BIG}", "start/floor"),
        ),
        Target(
            "keypress_median",
            f"mellemrum → ny farve ({big}), median ≤ 16 ms",
            16,
            "ms",
            _median(f"keypress/kigo/{BIG}", 1000),
            (f"keypress/kigo/{BIG}",),
        ),
        Target(
            "keypress_p95",
            f"mellemrum → ny farve ({big}), p95 ≤ 33 ms",
            33,
            "ms",
            _p95(f"keypress/kigo/{BIG}", 1000),
            (f"keypress/kigo/{BIG}",),
        ),
        Target(
            "memory",
            f"TUI'ens hukommelse ({big}) ≤ 2 × gulvets",
            2,
            "×",
            _ratio(f"keypress/kigo/{BIG}", "peak"),
            (f"keypress/kigo/{BIG}", "keypress/floor"),
        ),
        Target(
            "export",
            f"kigo export ({big}) ≤ 3 s",
            3,
            "s",
            _median(f"export/{BIG}"),
            (f"export/{BIG}",),
        ),
        Target(
            "verify",
            f"kigo verify ({big}) ≤ 1 s",
            1,
            "s",
            _median(f"verify/{BIG}"),
            (f"verify/{BIG}",),
        ),
        Target(
            "aggregate",
            f"kigo aggregate af {BUNDLES} bundter ≤ 5 s",
            5,
            "s",
            _median(f"aggregate/{BUNDLES}"),
            (f"aggregate/{BUNDLES}",),
        ),
        Target(
            "status_small",
            f"kigo status --json ({small}) ≤ gulvets start",
            1,
            "×",
            _ratio(f"status/{SMALL}"),
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
    n = f"{dooit_tasks:,}".replace(",", ".")
    versus = [
        Target(
            "dooit",
            f"kigo starter mindst 1,5 × hurtigere end dooit ({n})",
            1.5,
            "×",
            _quotient(f"start/dooit/{dooit_tasks}", f"start/kigo/{BIG}"),
            (f"start/dooit/{dooit_tasks}", f"start/kigo/{BIG}"),
            at_least=True,
        ),
    ]
    return tui + scale + versus


def evaluate(figures: Figures, dooit_tasks: int = BIG) -> list[Outcome]:
    outcomes = []
    for target in targets(dooit_tasks):
        missing = [k for k in target.needs if k not in figures]
        if missing:
            outcomes.append(Outcome(target, None, None, "ikke målt i denne kørsel"))
            continue
        failed = [figures[k] for k in target.needs if figures[k].error]
        if failed:
            note = "; ".join(f"{f.key}: {f.error}" for f in failed)
            outcomes.append(Outcome(target, None, False, note))
            continue
        value = target.value(figures)
        if value is None:
            outcomes.append(Outcome(target, None, False, "ingen måling"))
            continue
        passed = value >= target.limit if target.at_least else value <= target.limit
        outcomes.append(Outcome(target, value, passed))
    return outcomes
