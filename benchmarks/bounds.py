"""The CI guard (tests/test_benchmarks.py): a small, fast run and the bounds it must stay within.

Every bound is a ratio to the floor measured in the same run (never an absolute time), so a slower
CI machine moves kigo and the floor together. A key `<figure>` bounds the figure's median time over
its floor's median; `<figure>:peak` bounds its peak memory over the floor's. The values were set
from runs of the code as it is before the speed rewrite, with generous margins (benchmarks/README.md
has the measured ratios); tighten them once the rewrite has landed.
"""

from __future__ import annotations

from benchmarks.figures import Figures
from benchmarks.suite import SuiteConfig

CI_SUITE = SuiteConfig(
    sizes=(400, 2_000),
    keypress_sizes=(2_000,),
    runs=3,
    warmup=1,
    presses=10,
    bundles=10,
    compare=False,
    timeout=60.0,
)

CI_BOUNDS: dict[str, float] = {
    # figure → bound; the comments give the ratios 4 CI runs measured before the speed rewrite
    "start/kigo/400": 10.0,  # 2.8–4.6 × the floor's start
    "start/kigo/2000": 10.0,  # 3.5–5.2
    "start/kigo/2000:peak": 3.5,  # 2.26 × the floor's memory after start
    "keypress/kigo/2000": 20.0,  # 6.1–8.8 × the floor's keypress
    "keypress/kigo/2000:peak": 3.5,  # 2.44 × the floor's memory after the presses
    "status/400": 8.0,  # 2.0–3.5 × the floor's start
    "status/2000": 8.0,  # 2.2–3.2
    "status/2000:peak": 3.5,  # 1.95 × the floor's memory after start
    "export/400": 10.0,  # 3.3–4.6
    "export/2000": 20.0,  # 7.5–9.2
    "export/2000:peak": 4.0,  # 2.54
    "verify/2000": 3.0,  # 0.7–1.0
    "aggregate/10": 6.0,  # 2.3–2.9
}


def check(figures: Figures, bounds: dict[str, float] = CI_BOUNDS) -> list[str]:
    """Every bound that is exceeded or could not be measured, as a sentence; empty if all hold."""
    problems = []
    for spec, bound in bounds.items():
        key, _, kind = spec.partition(":")
        stat = "peak" if kind == "peak" else "median_s"
        figure = figures.get(key)
        if figure is None:
            problems.append(f"{spec}: not measured")
        elif figure.error:
            problems.append(f"{spec}: {figure.error}")
        elif (ratio := figures.ratio(key, stat)) is None:
            problems.append(f"{spec}: no ratio to {figure.floor}")
        elif ratio > bound:
            problems.append(f"{spec}: {ratio:.2f} × {figure.floor} exceeds the bound {bound:g}")
    return problems
