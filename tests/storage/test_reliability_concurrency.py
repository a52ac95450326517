"""Many processes writing one database, and no silent overwrite between two users, on a SQLite
file and on a PostgreSQL server (the same tests, the same assertions).

The writers are real processes (tests/support/reliability_worker.py), so SQLite's file locks, WAL and
busy timeout, and PostgreSQL's locks and READ COMMITTED isolation, are what is tested, not threads
sharing one connection. Sizes come from
KIGO_REL_WRITERS, KIGO_REL_CHANGES (status changes per writer), KIGO_REL_SHARED (shared-counter
bumps per writer) and KIGO_REL_TASKS (tasks owned per writer). The full size takes well under
60 s, so plain pytest runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.rules import Status
from kigo_tui.storage.store import ConflictError, Store, TaskEdit
from tests.support.backends import Database
from tests.support.reliability_worker import (
    SHARED_TASK_INDEX,
    expected_status,
    owned_tasks,
    report,
    scale,
)

WORKER = Path(__file__).resolve().parents[1] / "support" / "reliability_worker.py"
ROOT = Path(__file__).resolve().parents[2]
KIGO = [sys.executable, "-m", "kigo_tui"]


def _run_writers(
    db: Database, writers: int, changes: int, shared: int, per_writer: int
) -> tuple[list[dict], float]:
    """Start the writers, let them all begin at once, wait; returns their reports and wall time."""
    signals = db.workdir
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "concurrency", db.url, str(signals)]
            + [str(n) for n in (index, writers, changes, shared, per_writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for index in range(writers)
    ]
    try:
        deadline = time.monotonic() + 120
        while not all((signals / f"ready-{i}").exists() for i in range(writers)):
            failed = [p for p in procs if p.poll() is not None]
            assert not failed, failed[0].communicate()
            assert time.monotonic() < deadline, "the writers did not open the database in time"
            time.sleep(0.01)
        started = time.perf_counter()
        (signals / "go").touch()
        outputs = [p.communicate(timeout=600) for p in procs]
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    reports = []
    for index, (proc, (out, err)) in enumerate(zip(procs, outputs, strict=True)):
        lines = [line for line in out.splitlines() if line.startswith("{")]
        assert lines, f"writer {index} printed no report (exit {proc.returncode}): {out}\n{err}"
        result = json.loads(lines[-1])
        assert proc.returncode == 0 and not result["errors"], (
            f"writer {index} failed (exit {proc.returncode}): {result['errors']}\n{err}"
        )
        assert "Traceback" not in err, err
        reports.append(result)
    return reports, wall


def _concurrent_writers(db: Database, *, writers: int, changes: int, shared: int) -> None:
    per_writer = scale("TASKS", 5)
    store = Store.open(db.url)
    ids = sorted(t.id for t in store.snapshot().tasks)
    shared_id = ids[SHARED_TASK_INDEX]
    shared_start = store.task(shared_id)
    history_before = store.history_count()
    revision_before = store.revision()
    store.close()
    assert (writers * per_writer) < len(ids), "not enough tasks for disjoint writers"

    reports, wall = _run_writers(db, writers, changes, shared, per_writer)

    # Every task a writer owned ends exactly where its deterministic cycle says.
    store = Store.open(db.url)
    try:
        final = {t.id: t for t in store.snapshot().tasks}
        for index in range(writers):
            mine = owned_tasks(ids, index, writers, per_writer)
            for position, task_id in enumerate(mine):
                made = len(range(position, changes, per_writer))
                task = final[task_id]
                assert task.status == expected_status(made), (task_id, made, task.status)
                assert task.version == 1 + made, (task_id, made, task.version)
        owned = {t for i in range(writers) for t in owned_tasks(ids, i, writers, per_writer)}
        untouched = [t for t in final.values() if t.id not in owned and t.id != shared_id]
        assert all(t.status == Status.NOT_STARTED and t.version == 1 for t in untouched)

        # The shared counter: no read-modify-write was lost.
        bumps = writers * shared
        shared_task = final[shared_id]
        assert shared_task.warn_days == (shared_start.warn_days + bumps) % 366
        assert shared_task.version == shared_start.version + bumps

        # One history row per change, and the revision moved once per change.
        status_changes = writers * changes
        assert store.history_count() - history_before == status_changes + bumps
        assert store.revision() - revision_before == status_changes + bumps
    finally:
        store.close()
    chain = db.query(
        "SELECT old, new FROM history WHERE task_id = :id AND field = 'warn_days' ORDER BY id",
        {"id": shared_id},
    )
    assert len(chain) == bumps
    assert all(int(new) == (int(old) + 1) % 366 for old, new in chain)
    assert all(chain[i][1] == chain[i + 1][0] for i in range(len(chain) - 1))
    assert db.integrity() == "ok"

    total = status_changes + bumps
    report(
        {
            "test": "concurrency",
            "backend": db.backend,
            "writers": writers,
            "status_changes_per_writer": changes,
            "shared_bumps_per_writer": shared,
            "changes": total,
            "conflicts_retried": sum(r["conflicts"] for r in reports),
            "wall_s": round(wall, 2),
            "changes_per_s": round(total / wall, 1),
        }
    )


def test_concurrent_writers(kigo_db: Database) -> None:
    """8 writers x (500 status changes + 50 shared bumps) = 4,400 changes; about 15 s here."""
    _concurrent_writers(
        kigo_db,
        writers=scale("WRITERS", 8),
        changes=scale("CHANGES", 500),
        shared=scale("SHARED", 50),
    )


# --------------------------------------------------------------------------- no silent overwrite

TASK = "STS-01-02"


def test_a_stale_save_is_refused_and_the_first_save_stays(kigo_db: Database) -> None:
    first, second = Store.open(kigo_db.url, user="anne"), Store.open(kigo_db.url, user="bo")
    try:
        seen_by_first, seen_by_second = first.task(TASK), second.task(TASK)
        assert seen_by_first.version == seen_by_second.version

        saved = first.set_status(TASK, Status.IN_PROGRESS, expected_version=seen_by_first.version)
        assert saved.version == seen_by_first.version + 1

        with pytest.raises(ConflictError) as refused:
            second.set_status(TASK, Status.DONE, expected_version=seen_by_second.version)
        message = str(refused.value)
        assert TASK in message and "ændret af en anden" in message and "prøv igen" in message
        with pytest.raises(ConflictError):
            second.edit_task(TASK, TaskEdit(warn_days=3), expected_version=seen_by_second.version)
        with pytest.raises(ConflictError):
            second.toggle_done(TASK, expected_version=seen_by_second.version)

        for store in (first, second):
            now = store.task(TASK)
            assert (now.status, now.version, now.warn_days) == (
                Status.IN_PROGRESS,
                saved.version,
                seen_by_first.warn_days,
            )
        history = kigo_db.query('SELECT new, "user" FROM history WHERE task_id = :id', {"id": TASK})
        assert history == [("in_progress", "anne")]

        # After reloading, the second user's change goes through on top of the first.
        fresh = second.task(TASK)
        assert second.set_status(TASK, Status.DONE, expected_version=fresh.version).status == (
            Status.DONE
        )
    finally:
        first.close()
        second.close()


def test_kigo_set_between_a_tui_read_and_its_write_is_not_overwritten(
    kigo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The "TUI" is a Store in this process; `kigo set` runs in-process and as its own process."""
    tui = Store.open(kigo_db.url, user="tui")
    try:
        shown = tui.task(TASK)
        revision = tui.revision()

        assert main(["--db", kigo_db.url, "set", TASK, "--status", "done", "--warn-days", "3"]) == 0
        capsys.readouterr()
        assert tui.revision() > revision  # the TUI's poll notices the change

        with pytest.raises(ConflictError, match="ændret af en anden"):
            tui.set_status(TASK, Status.IN_PROGRESS, expected_version=shown.version)
        with pytest.raises(ConflictError, match="ændret af en anden"):
            tui.edit_task(TASK, TaskEdit(warn_days=30), expected_version=shown.version)
        now = tui.task(TASK)
        assert now.status == Status.DONE and now.warn_days == 3
        assert now.version == shown.version + 2  # the CLI's two changes, nothing else

        # The same with `kigo set` as a separate process while the TUI keeps its connection.
        shown = now
        done = subprocess.run(
            [*KIGO, "--db", kigo_db.url, "set", TASK, "--status", "in_progress"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "KIGO_USER": "shell"},
        )
        assert done.returncode == 0, done.stderr
        with pytest.raises(ConflictError, match="ændret af en anden"):
            tui.toggle_done(TASK, expected_version=shown.version)
        assert tui.task(TASK).status == Status.IN_PROGRESS
    finally:
        tui.close()
    users = kigo_db.query(
        'SELECT "user" FROM history WHERE task_id = :id ORDER BY id', {"id": TASK}
    )
    assert [u for (u,) in users] == ["testbruger", "testbruger", "shell"]


def test_writers_that_read_then_write_do_not_interleave(kigo_db: Database) -> None:
    """Local task numbers are read, then used: 6 users adding tasks under the same hovedopgave at
    once get distinct numbers and no error (on PostgreSQL this needs the write lock that
    kigo_tui.storage.schema takes; READ COMMITTED alone would let two writers pick the same number)."""
    users, each = 6, 8
    start = threading.Barrier(users)
    made: list[str] = []
    errors: list[str] = []

    def add(index: int) -> None:
        store = Store.open(kigo_db.url, user=f"user-{index}")
        try:
            start.wait()
            for n in range(each):
                made.append(store.add_local_task("SAPA", 7, f"Opgave {index}.{n}").id)
        except Exception as exc:  # reported below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            store.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(made) == sorted(f"SAPA-07-L{k}" for k in range(1, users * each + 1))
