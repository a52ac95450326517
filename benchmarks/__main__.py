"""`python -m benchmarks` (make bench): run the suite, print the tables, write the JSON.

.venv/bin/python -m benchmarks                      # the full suite (≈ 15 min), with dooit/taskwarrior
.venv/bin/python -m benchmarks --no-compare         # without the comparison (no installs)
.venv/bin/python -m benchmarks --ci                 # the CI guard's small run and its bounds
.venv/bin/python -m benchmarks.render --readme      # the README's table from latest.json
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
from pathlib import Path

from benchmarks.bounds import CI_SUITE, check
from benchmarks.paths import LATEST
from benchmarks.report import Report, write_json
from benchmarks.suite import SuiteConfig, run_suite
from benchmarks.tables import plain_text


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': skriv fx 400,10000,50000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("størrelserne skal være positive")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    default = SuiteConfig()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="kigos ydeevne ved siden af et gulv."
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=default.sizes,
        help="antal opgaver, kommasepareret (standard 400,10000,50000)",
    )
    parser.add_argument("--runs", type=int, default=default.runs, help="målte kørsler (5)")
    parser.add_argument("--warmup", type=int, default=default.warmup, help="opvarmning (1)")
    parser.add_argument(
        "--presses", type=int, default=default.presses, help="tastetryk pr. kørsel (30)"
    )
    parser.add_argument(
        "--bundles",
        type=int,
        default=default.bundles,
        help="bundter til kigo aggregate (98; 0 springer over)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=default.timeout,
        help="sekunder én kørsel af en kommando må tage (120)",
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="spring dooit og taskwarrior over (de installeres ellers ved behov)",
    )
    parser.add_argument(
        "--ci",
        action="store_true",
        help="CI-vagtens lille kørsel; fejler hvis en grænse i bounds.py overskrides",
    )
    parser.add_argument(
        "--out", type=Path, help=f"JSON-fil (standard {LATEST.name}; ikke ved --ci)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A plain `kill` unwinds like Ctrl+C: the tmux server and the temporary folder are cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if shutil.which("tmux") is None:
        print("benchmarks: tmux mangler (apt-get install tmux)", file=sys.stderr)
        return 1
    if args.ci:
        config = CI_SUITE
    else:
        config = SuiteConfig(
            sizes=args.sizes,
            runs=args.runs,
            warmup=args.warmup,
            presses=args.presses,
            bundles=args.bundles,
            timeout=args.timeout,
            compare=not args.no_compare,
        )
    results = run_suite(config)
    report = Report.from_results(results)
    print(plain_text(report))
    out = args.out or (None if args.ci else LATEST)
    if out is not None:
        write_json(report, out)
        print(f"\nSkrev {out}")
    if args.ci:
        problems = check(results.figures)
        for problem in problems:
            print(f"over grænsen: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
