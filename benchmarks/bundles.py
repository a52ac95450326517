"""Status bundles for `kigo aggregate`: one per kommune, each from its own generated database.

    .venv/bin/python -m benchmarks.bundles OUT_DIR [--count 98] [--tasks 400] [--today 2026-11-23]

Each kommune in seed/kommuner.csv gets a database of `--tasks` tasks (a different seed per kommune,
so statuses and colours differ), and its bundle is made in-process with the kigo_tui library
(`bundle_bytes`), as `kigo export` would make it. The suite runs this once per run and reuses the
folder for every `kigo aggregate` it times.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from datetime import date
from pathlib import Path
from types import ModuleType

from benchmarks.paths import GENERATOR


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_db", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_bundles(out: Path, count: int, tasks: int, today: date) -> list[Path]:
    """Write `count` bundles into `out` (kommuner in the order of seed/kommuner.csv)."""
    from kigo_tui.bundle.export import bundle_bytes, bundle_name
    from kigo_tui.domain.kommuner import all_kommuner
    from kigo_tui.storage.store import Store

    generate = _generator().generate
    kommuner = all_kommuner()
    if count > len(kommuner):
        raise ValueError(f"there are {len(kommuner)} kommuner, not {count}")
    paths = []
    with tempfile.TemporaryDirectory(prefix="kigo-bundles-") as scratch:
        for seed, kommune in enumerate(kommuner[:count], start=1):
            db = Path(scratch) / f"{kommune.code}.db"
            generate(db, tasks, today, seed=seed, kommune=kommune.code)
            store = Store.open(str(db))
            try:
                snapshot = store.snapshot()
            finally:
                store.close()
            path = out / bundle_name(kommune.code, today)
            path.write_bytes(bundle_bytes(snapshot, today))
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Statusbundter til kigo aggregate.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=98)
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = make_bundles(args.out, args.count, args.tasks, args.today)
    print(f"{len(paths)} bundter i {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
