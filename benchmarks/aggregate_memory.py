"""`kigo aggregate`'s peak memory for many bundles against one bundle of the same size.

    .venv/bin/python -m benchmarks.aggregate_memory [--tasks 300,50000] [--count 98] [--runs 3]

Issue 15: memory does not grow with the number of bundles; peak memory for 98 bundles stays
within 1.5 × that for 1 bundle of the same size, for realistic bundles (about 300 tasks) and
large ones (50,000). For each size, one synthetic snapshot (tests/support/fleet.py, no database) is
exported once per kommune with that kommune's code and name, so the 98 bundles have the same
size and different kommuner. `kigo aggregate` then runs over a folder with the first bundle only
and over the folder with all of them, each through benchmarks/launcher.py (ru_maxrss of the
command alone, as the suite measures every command). The median peak of `--runs` runs is kept.

The full suite measures the realistic size itself (figures `aggregate/1` and `aggregate/98`, the
target `aggregate_memory`); the 50,000-task case takes several minutes to make (98 × 21 MB of
status.json) and runs only here. Prints a table and writes `--out` (JSON).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from statistics import median

from benchmarks.environment import isolated_env
from benchmarks.paths import KIGO, RESULTS
from benchmarks.processes import run_measured

LIMIT = 1.5
TODAY = date(2026, 11, 23)


def make_bundles(folder: Path, tasks: int, count: int) -> list[Path]:
    from kigo_tui.bundle.export import bundle_bytes, bundle_name
    from kigo_tui.domain.kommuner import all_kommuner
    from tests.support.fleet import synthetic_snapshot

    kommuner = all_kommuner()[:count]
    base = synthetic_snapshot(kommuner[0], tasks, TODAY)
    paths = []
    for each in kommuner:
        snapshot = replace(base, kommune_code=each.code, kommune_name=each.name)
        path = folder / bundle_name(each.code, TODAY)
        path.write_bytes(bundle_bytes(snapshot, TODAY))
        paths.append(path)
    return paths


def peak_mib(folder: Path, work: Path, runs: int) -> float:
    env = isolated_env(work / "home")
    out = work / "nationalt.xlsx"
    argv = [str(KIGO), "--today", TODAY.isoformat(), "aggregate", str(folder), "--out", str(out)]
    peaks = []
    for _ in range(runs):
        run = run_measured([*argv, "--force"], env, work, timeout=1800.0)
        if run.returncode != 0:
            raise RuntimeError(f"kigo aggregate fejlede: {run.stderr}")
        peaks.append(run.peak_bytes / 2**20)
    return median(peaks)


def measure(tasks: int, count: int, runs: int, keep: Path | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kigo-aggmem-") as scratch:
        root = Path(scratch)
        every = (keep / f"{tasks}-{count}") if keep else root / "alle"
        one = root / "en"
        one.mkdir()
        if every.is_dir() and len(list(every.glob("*.zip"))) == count:
            paths = sorted(every.glob("*.zip"))  # made by an earlier run with --keep
        else:
            every.mkdir(parents=True, exist_ok=True)
            paths = make_bundles(every, tasks, count)
        first = min(paths)
        shutil.copy(first, one / first.name)
        single = peak_mib(one, root, runs)
        many = peak_mib(every, root, runs)
        size = first.stat().st_size
    return {
        "tasks": tasks,
        "bundles": count,
        "bundle_bytes": size,
        "peak_1_mib": round(single, 1),
        f"peak_{count}_mib": round(many, 1),
        "ratio": round(many / single, 3),
        "limit": LIMIT,
        "passed": many / single <= LIMIT,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kigo aggregate: hukommelse, mange mod ét bundt.")
    parser.add_argument("--tasks", default="300,50000", help="opgaver pr. bundt, kommasepareret")
    parser.add_argument("--count", type=int, default=98)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "aggregate_memory.json")
    parser.add_argument(
        "--keep", type=Path, help="mappe hvor bundterne gemmes og genbruges (50.000: minutter)"
    )
    args = parser.parse_args(argv)
    results = []
    for tasks in (int(t) for t in args.tasks.split(",")):
        print(f"{args.count} bundter à {tasks} opgaver …", file=sys.stderr, flush=True)
        results.append(measure(tasks, args.count, args.runs, args.keep))
    print(f"| opgaver pr. bundt | bundt | 1 bundt | {args.count} bundter | forhold (≤ {LIMIT}) |")
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['tasks']} | {int(r['bundle_bytes']) / 1e6:.2f} MB | {r['peak_1_mib']} MiB | "
            f"{r[f'peak_{args.count}_mib']} MiB | {r['ratio']:.2f} {'✔' if r['passed'] else '✘'} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
