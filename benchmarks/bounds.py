"""The CI guard (tests/project/test_benchmarks.py): a small, fast run and the bounds it must stay within.

Every bound is a ratio to the floor measured in the same run (never an absolute time), so a slower
CI machine moves kigo and the floor together. A key `<figure>` bounds the figure's median time over
its floor's median; `<figure>:peak` bounds its peak memory over the floor's. The values are set
from runs of the finished code with a margin of about two (the ranges are beside each bound).
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
    # figure → bound, about twice the highest ratio of 4 CI runs on the finished code (2026-12-01,
    # the measured range in the comment); before the speed rewrite the same runs measured start
    # 2.8–5.2, keypress 6.1–8.8, status 2.0–3.5 and export 3.3–9.2, so each bound catches a return
    # of what the rewrite removed (SQLAlchemy on the first frame, a recount per keypress, …).
    "start/kigo/400": 3.0,  # 1.34–1.72 × the floor's start
    "start/kigo/2000": 3.0,  # 1.64–1.84
    "start/kigo/2000:peak": 2.0,  # 1.22–1.23 × the floor's memory after start
    "keypress/kigo/2000": 5.0,  # 2.26–2.56 × the floor's keypress
    "keypress/kigo/2000:peak": 2.2,  # 1.46–1.47 × the floor's memory after the presses
    "status/400": 1.5,  # 0.56–0.62 × the floor's start
    "status/2000": 1.5,  # 0.65–0.66
    "status/2000:peak": 1.5,  # 0.84 × the floor's memory after start
    "export/400": 6.0,  # 2.81–3.39
    "export/2000": 7.0,  # 3.25–3.70
    "export/2000:peak": 3.0,  # 2.16
    # verify and aggregate check meaning since issue 15 (colours, counts and follow-up recomputed,
    # status.csv/xlsx regenerated and compared with status.json, for every bundle): 2026-12-02 the
    # runs measured verify/2000 1.58–2.19 and aggregate/10 2.47–3.02 (before: 1.04–1.13, 1.32–1.47).
    # The bounds are 1.5 × that, not 2 ×, so a further doubling still fails; the cost is an open
    # item (closing note of session 3: verify (50,000) is over its 1 s target).
    "verify/2000": 3.5,
    "aggregate/10": 4.5,
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
