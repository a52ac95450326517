"""KOMBIT's inbox for the national page: bundles from synthetic kommuner whose state differs
(some far behind, some catching up, some on track), so every colour and region shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kigo_tui.bundle.export import bundle_bytes, bundle_name
from kigo_tui.domain.kommuner import all_kommuner
from kigo_tui.domain.rules import Status
from kigo_tui.models.readmodels import Snapshot
from tests.support.fleet import kommune, synthetic_snapshot

TASKS = 300


def on_track(snapshot: Snapshot, today: date, level: int) -> Snapshot:
    """`level` 0: as generated (far behind); 1: every overdue task done (only yellow left at
    worst); 2: also every task due within its warning window started (green)."""
    if level == 0:
        return snapshot
    tasks = []
    for task in snapshot.tasks:
        if task.due is not None and task.due < today and task.status != Status.DONE:
            moment = datetime.combine(task.due, time(12), tzinfo=UTC)
            task = replace(task, status=Status.DONE, completed_at=moment)
        elif (
            level == 2
            and task.due is not None
            and task.status == Status.NOT_STARTED
            and (task.due - today).days <= task.warn_days
        ):
            task = replace(task, status=Status.IN_PROGRESS)
        tasks.append(task)
    return replace(snapshot, tasks=tasks)


def kommune_bundle(
    code: str, today: date, *, level: int = 0, seed: int = 1, titles: dict[str, str] | None = None
) -> bytes:
    snapshot = on_track(synthetic_snapshot(kommune(code), TASKS, today, seed=seed), today, level)
    if titles:
        snapshot = replace(
            snapshot,
            tasks=[replace(t, title=titles.get(t.id, t.title)) for t in snapshot.tasks],
        )
    return bundle_bytes(snapshot, today)


def write_inbox(folder: Path, count: int, today: date) -> list[Path]:
    """`count` kommuner (in the order of seed/kommuner.csv), every third far behind, every third
    catching up, every third on track."""
    paths = []
    for i, k in enumerate(all_kommuner()[:count]):
        path = folder / bundle_name(k.code, today)
        path.write_bytes(kommune_bundle(k.code, today, level=i % 3, seed=i + 1))
        paths.append(path)
    return paths


def earlier(folder: Path, code: str, day: date, *, level: int, seed: int) -> Path:
    path = folder / bundle_name(code, day)
    path.write_bytes(kommune_bundle(code, day, level=level, seed=seed))
    return path


def days(n: int) -> timedelta:
    return timedelta(days=n)
