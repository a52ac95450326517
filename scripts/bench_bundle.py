"""Time the status bundle in-process: export, verify and KOMBIT's aggregation of 98 kommuner.

    python scripts/bench_bundle.py [--tasks 400 10000 50000] [--fleet 400] [--repeat 3]

The data is synthetic (tests/support/fleet.py: the shipped catalogue plus generated tasks, every colour
and status), so the figures measure the bundle code alone, not the database or the imports. Each
figure is the fastest of --repeat runs, with its CPU time. Bundles are written to a temporary folder, then removed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # for tests.support.fleet

from kigo_tui.bundle.aggregate import aggregate, write_overview
from kigo_tui.bundle.export import bundle_bytes
from kigo_tui.bundle.verify import verify_bundle
from tests.support.fleet import kommune, synthetic_snapshot, write_fleet

TODAY = date(2026, 11, 23)


def best(action: Callable[[], object], repeat: int) -> str:
    """The fastest of `repeat` runs: wall time, and the CPU time of that run (on a shared machine
    the wall time also holds the time other processes had the CPU)."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(runs)
    return f"{wall:6.3f} s (CPU {cpu:.3f} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Tidtag statusbundtet (eksport, kontrol, samling)."
    )
    parser.add_argument("--tasks", type=int, nargs="+", default=[400, 10_000, 50_000])
    parser.add_argument(
        "--fleet", type=int, default=400, help="opgaver pr. bundt for de 98 (0: spring over)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kigo-bench-") as temp:
        folder = Path(temp)
        for count in args.tasks:
            snapshot = synthetic_snapshot(kommune("101"), count, TODAY)
            data = bundle_bytes(snapshot, TODAY)
            path = folder / f"bundt-{count}.zip"
            path.write_bytes(data)
            export = best(lambda s=snapshot: bundle_bytes(s, TODAY), args.repeat)
            check = best(lambda p=path: verify_bundle(p), args.repeat)
            print(
                f"{count:>7} opgaver: bundle_bytes {export}, verify_bundle {check}, "
                f"bundt {len(data) / 1e6:.2f} MB"
            )
        if args.fleet:
            fleet = folder / "indbakke"
            fleet.mkdir()
            write_fleet(fleet, args.fleet, TODAY)
            result = aggregate([fleet])
            collect = best(lambda: aggregate([fleet]), args.repeat)
            out = folder / "overblik.xlsx"
            write = best(lambda: write_overview(result, out, force=True), args.repeat)
            print(
                f"aggregate af {len(result.kommuner)} bundter à {args.fleet} opgaver: {collect}, "
                f"overblik.xlsx {write}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
