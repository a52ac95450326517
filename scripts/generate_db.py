"""Generate a kigo database of a given size, for benchmarks and scale tests.

    python scripts/generate_db.py OUT.db --tasks 50000 [--today 2026-11-23] [--seed 1] [--kommune 101]

It initialises the kommune (default København, 101) with the shipped catalogue and go-live dates around `today`, then
adds generated tasks (ids `<PROJECT>-<NN>-G<k>`) spread over every project and hovedopgave, with
dates and statuses that give every colour. The file must not exist already.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert

from kigo_tui.domain.catalogue import PROJECT_CODES, shipped_catalogue
from kigo_tui.domain.dates import parse_date
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.models.tables import Task
from kigo_tui.storage.engine import write_transaction
from kigo_tui.storage.store import Store

CATEGORIES = ("optional", "mandatory", "mandatory", "critical")


def generate(path: Path, tasks: int, today: date, seed: int = 1, kommune: str = "101") -> int:
    """Create the database; returns the number of tasks in it."""
    found = find_kommune(kommune)
    if found is None:
        raise ValueError(f"ukendt kommunekode: {kommune}")
    catalogue = shipped_catalogue()
    golives = {code: today + timedelta(days=30 + 60 * i) for i, code in enumerate(PROJECT_CODES)}
    store = Store.open(str(path))
    store.initialise(found, golives, catalogue)
    extra = max(0, tasks - len(catalogue.tasks))
    rng = random.Random(seed)
    rows = []
    for k in range(extra):
        project = PROJECT_CODES[k % 4]
        main_task = (k // 4) % 16 + 1
        due = today + timedelta(days=rng.randint(-200, 300))
        start = due - timedelta(days=rng.randint(5, 90))
        if due < today:
            status = "done" if rng.random() < 0.85 else "in_progress"
        elif start <= today:
            status = rng.choice(("not_started", "in_progress"))
        else:
            status = "not_started"
        rows.append(
            {
                "id": f"{project}-{main_task:02d}-G{k + 1}",
                "project": project,
                "main_task": main_task,
                "position": len(catalogue.tasks) + k,
                "title": f"Genereret opgave {k + 1} for {project} hovedopgave {main_task}",
                "description": "Genereret til test af ydeevne.",
                "category": rng.choice(CATEGORIES),
                "phase": "F2",
                "status": status,
                "start": start,
                "due": due,
                "start_manual": True,
                "due_manual": True,
                "warn_days": 14,
                # A done task has its completion time (verify checks it): noon UTC of its due day.
                "completed_at": datetime.combine(due, time(12), UTC) if status == "done" else None,
                "is_local": False,
                "version": 1,
            }
        )
    table = Task.__table__  # type: ignore[attr-defined]
    with write_transaction(store.engine) as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[i : i + 5000])
    count = len(catalogue.tasks) + extra
    store.close()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generér en kigo-database af en given størrelse.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--today", default="2026-11-23")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kommune", default="101", help="kommunekode (standard 101 København)")
    args = parser.parse_args(argv)
    if args.out.exists():
        print(f"generate_db: {args.out} findes allerede; vælg en ny fil", file=sys.stderr)
        return 1
    if find_kommune(args.kommune) is None:
        print(f"generate_db: ukendt kommunekode: {args.kommune}", file=sys.stderr)
        return 1
    count = generate(args.out, args.tasks, parse_date(args.today), args.seed, args.kommune)
    print(f"{args.out}: {count} opgaver")
    return 0


if __name__ == "__main__":
    sys.exit(main())
