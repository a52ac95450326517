"""Crash durability: a writer killed with SIGKILL at random moments never loses a reported save.

The writer (tests/support/reliability_worker.py crash) prints "saved <task> <status> <seq>" after each
commit. After every kill the database must open cleanly, pass `PRAGMA integrity_check`, and its
status history must begin with exactly the saves the writer reported, in order; at most one more
change may be there (committed, killed before it could print). Sizes: KIGO_REL_KILLS, and
KIGO_REL_SEED for the random moments.

SIGKILL ends the process, not the machine: this proves that a commit is complete when
`set_status` returns and that a half-done transaction never damages the file. Power loss is left
to SQLite's synchronous=FULL, which the engine sets (checked below).
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kigo_tui.storage.engine import make_engine
from kigo_tui.storage.store import Store
from tests.support.reliability_worker import full_run, report, scale

WORKER = Path(__file__).resolve().parents[1] / "support" / "reliability_worker.py"
ROOT = Path(__file__).resolve().parents[2]


def _history(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT task_id, new FROM history WHERE field = 'status' ORDER BY id"
        ).fetchall()
        statuses = dict(conn.execute("SELECT id, status FROM task").fetchall())
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    # The task table agrees with the history: each task has its last recorded status.
    last: dict[str, str] = {}
    for task_id, new in rows:
        last[task_id] = new
    assert all(statuses[t] == s for t, s in last.items())
    return rows


class _Run:
    """One writer process; its stdout is read on a thread so the pipe never fills."""

    def __init__(self, db: Path, seed: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), "crash", str(db), str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                break  # cut off by the kill mid-line: not a report
            line = raw.decode().strip()
            if line == "ready":
                self.ready.set()
            else:
                self.lines.append(line)

    def kill(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.proc.stderr is not None
        return self.proc.returncode, self.proc.stderr.read().decode()


def _kill_repeatedly(db: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    reported: list[tuple[str, str]] = []
    in_flight_commits = killed_while_opening = 0
    started = time.perf_counter()
    for k in range(kills):
        run = _Run(db, seed * 100_003 + k)
        if rng.random() < 0.15:
            # Sometimes kill early: during start-up, the schema check or the first writes.
            time.sleep(rng.uniform(0.0, 0.9))
        else:
            assert run.ready.wait(timeout=60), "the writer never opened the database"
            time.sleep(rng.uniform(0.0, 0.25))
        was_ready = run.ready.is_set()
        code, err = run.kill()
        assert code == -signal.SIGKILL, f"the writer ended by itself (exit {code}):\n{err}"
        assert "Traceback" not in err, err
        killed_while_opening += not was_ready

        saves = []
        for line in run.lines:
            word, task_id, status, seq = line.split()
            assert word == "saved"
            saves.append((task_id, status, int(seq)))
        for offset, (_task, _status, seq) in enumerate(saves):
            assert seq == len(reported) + offset + 1, "the writer's sequence skipped a change"
        reported += [(t, s) for t, s, _ in saves]

        history = _history(db)
        assert history[: len(reported)] == reported, f"kill {k}: a reported save is missing"
        extra = len(history) - len(reported)
        assert extra in (0, 1), f"kill {k}: {extra} changes nobody reported"
        in_flight_commits += extra
        reported = history  # the one committed-but-unreported change is real; keep it

        store = Store.open(str(db))  # reopening runs the integrity check in prepare_schema
        store.close()
    elapsed = time.perf_counter() - started
    assert len(reported) > kills, "too few changes were made between the kills"
    report(
        {
            "test": "crash",
            "kills": kills,
            "killed_while_opening": killed_while_opening,
            "saves_reported": len(reported) - in_flight_commits,
            "committed_unreported": in_flight_commits,
            "lost": 0,
            "wall_s": round(elapsed, 2),
        }
    )


def test_the_engine_syncs_every_commit(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "x.db"))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_sigkill_never_loses_a_reported_save_reduced(db_path: Path) -> None:
    """Plain pytest: 20 kills (KIGO_REL_KILLS changes it)."""
    _kill_repeatedly(db_path, scale("KILLS", 20), scale("SEED", 20261123))


@pytest.mark.slow
@pytest.mark.skipif(not full_run(), reason="full run: KIGO_REL_FULL=1 pytest -m slow")
def test_sigkill_never_loses_a_reported_save_full(db_path: Path) -> None:
    """200 kills."""
    _kill_repeatedly(db_path, scale("KILLS", 200), scale("SEED", 20261123))
