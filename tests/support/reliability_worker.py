"""A separate process that writes to a kigo database, for the reliability tests.

Run as a script (`python tests/support/reliability_worker.py MODE ...`), never imported by pytest as a
test module. Two modes:

concurrency DB SIGNALS INDEX WRITERS CHANGES SHARED TASKS_PER_WRITER
    DB is a SQLite path or a database URL. After opening the database the writer touches
    SIGNALS/ready-INDEX and waits for SIGNALS/go, so all writers contend from the same moment. Writer INDEX owns the tasks `owned_tasks(ids, INDEX, WRITERS, TASKS_PER_WRITER)` and makes
    CHANGES status changes on them, cycling each task through `CYCLE`. Interleaved with those it
    makes SHARED read-modify-write bumps of the shared task's warn_days (+1 modulo 366) with the
    version it read, retrying on ConflictError. Prints one JSON line with its counts and errors;
    the exit code is 0 only when every change was made and no error (such as "database is
    locked") reached it.

crash DB SEED
    Changes statuses in an endless loop and prints "saved <task> <status> <seq>" (flushed) right
    after each commit; the test kills it with SIGKILL at a random moment. It prints "ready" once
    the database is open.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kigo_tui.domain.rules import Status
from kigo_tui.errors import KigoError
from kigo_tui.storage.store import ConflictError, Store, TaskEdit

CYCLE = (Status.IN_PROGRESS, Status.DONE, Status.NOT_STARTED)
"""A task's c-th change (c = 0, 1, ...) sets CYCLE[c % 3]; it starts as not_started."""

SHARED_TASK_INDEX = 0
"""The shared task is the first task id in sorted order; owned tasks come after it."""

CRASH_TASKS = 12


def scale(name: str, default: int) -> int:
    """A size for a reliability test: KIGO_REL_<NAME> when set, else the test's default."""
    value = os.environ.get(f"KIGO_REL_{name}", "").strip()
    return int(value) if value else default


def full_run() -> bool:
    """KIGO_REL_FULL=1 switches the slow tests (pytest -m slow) on."""
    return os.environ.get("KIGO_REL_FULL", "") == "1"


def report(figures: dict[str, object]) -> None:
    """Print a measured figure; with KIGO_REL_REPORT=FILE also append it there as a JSON line."""
    line = json.dumps(figures, ensure_ascii=False)
    print(f"RELIABILITY {line}")
    target = os.environ.get("KIGO_REL_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")


def task_ids(store: Store) -> list[str]:
    return sorted(t.id for t in store.snapshot().tasks)


def owned_tasks(ids: list[str], index: int, writers: int, per_writer: int) -> list[str]:
    """Writer `index`'s disjoint slice of the task ids (the shared task is nobody's)."""
    pool = ids[SHARED_TASK_INDEX + 1 :]
    return [pool[index + writers * k] for k in range(per_writer)]


def expected_status(changes: int) -> Status:
    return Status.NOT_STARTED if changes == 0 else CYCLE[(changes - 1) % len(CYCLE)]


def _wait_for_start(signals: Path, index: int) -> None:
    """Say "ready" with a file, then wait for the test's "go" file so all writers start at once."""
    (signals / f"ready-{index}").touch()
    go = signals / "go"
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never said go")
        time.sleep(0.005)


def run_concurrency(
    db: str, signals: Path, index: int, writers: int, changes: int, shared: int, per: int
) -> int:
    result: dict[str, object] = {"writer": index, "errors": []}
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    made = shared_made = conflicts = 0
    started = time.perf_counter()
    try:
        store = Store.open(db, user=f"writer-{index}")
    except Exception as exc:
        errors.append(f"open: {type(exc).__name__}: {exc}")
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return 3
    try:
        ids = task_ids(store)
        shared_id = ids[SHARED_TASK_INDEX]
        mine = owned_tasks(ids, index, writers, per)
        counts = dict.fromkeys(mine, 0)
        _wait_for_start(signals, index)
        started = time.perf_counter()
        for step in range(changes):
            task = mine[step % len(mine)]
            try:
                store.set_status(task, CYCLE[counts[task] % len(CYCLE)])
                counts[task] += 1
                made += 1
            except KigoError as exc:
                errors.append(f"set_status {task}: {type(exc).__name__}: {exc}")
            # Spread the shared bumps evenly between the status changes (exactly SHARED in all).
            for _ in range((step + 1) * shared // changes - step * shared // changes):
                while True:
                    try:
                        current = store.task(shared_id)
                        store.edit_task(
                            shared_id,
                            TaskEdit(warn_days=(current.warn_days + 1) % 366),
                            expected_version=current.version,
                        )
                        shared_made += 1
                        break
                    except ConflictError:
                        conflicts += 1
                    except KigoError as exc:
                        errors.append(f"edit_task {shared_id}: {type(exc).__name__}: {exc}")
                        break
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    finally:
        store.close()
    result.update(
        made=made,
        shared_made=shared_made,
        conflicts=conflicts,
        seconds=round(time.perf_counter() - started, 3),
    )
    print(json.dumps(result, ensure_ascii=False), flush=True)
    ok = not errors and made == changes and shared_made == shared
    return 0 if ok else 1


def run_crash(db: str, seed: int) -> int:
    rng = random.Random(seed)
    store = Store.open(db, user="crash")
    ids = task_ids(store)[:CRASH_TASKS]
    seq = store.history_count()
    print("ready", flush=True)
    while True:
        task_id = rng.choice(ids)
        current = store.task(task_id).status
        status = rng.choice([s for s in Status if s != current])
        store.set_status(task_id, status)
        seq += 1
        print(f"saved {task_id} {status.value} {seq}", flush=True)


def main(argv: list[str]) -> int:
    mode, db, *rest = argv
    if mode == "concurrency":
        signals, *numbers = rest
        index, writers, changes, shared, per = (int(x) for x in numbers)
        return run_concurrency(db, Path(signals), index, writers, changes, shared, per)
    if mode == "crash":
        return run_crash(db, int(rest[0]))
    print(f"unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
