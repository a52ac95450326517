"""Synthetic status data at national scale, without a database: for timing and scale tests.

`synthetic_snapshot` builds the read-model the store would return for one kommune (the shipped
catalogue's projects, hovedopgaver and tasks, plus generated tasks up to the wanted count, with
every colour and status, completion times and Danish titles). `write_fleet` exports one bundle per
kommune in seed/kommuner.csv into a folder, as KOMBIT's inbox would hold them.

Also used by scripts/bench_bundle.py for the figures in the README.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kigo_tui.bundle.export import bundle_bytes, bundle_name
from kigo_tui.domain.catalogue import PROJECT_CODES, shipped_catalogue
from kigo_tui.domain.kommuner import Kommune, all_kommuner, find_kommune
from kigo_tui.domain.rules import Category, Status
from kigo_tui.models.readmodels import MainTaskRow, ProjectRow, Snapshot, TaskRow

CATEGORIES = (Category.OPTIONAL, Category.MANDATORY, Category.MANDATORY, Category.CRITICAL)
TITLE_WORDS = ("Afklar", "Udpeg", "Overfør", "Godkend", "Ryd op i", "Test", "Øv", "Beskriv")
OBJECTS = ("sagsområder", "brugere", "snitflader", "adgange", "data", "arbejdsgange", "økonomi")


def _status(rng: random.Random, start: date, due: date, today: date) -> Status:
    if due < today:
        return Status.DONE if rng.random() < 0.8 else Status.IN_PROGRESS
    if start <= today:
        return rng.choice((Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE))
    return Status.NOT_STARTED


def synthetic_snapshot(
    kommune: Kommune, tasks: int, today: date, *, seed: int = 1, local: int = 2
) -> Snapshot:
    """The snapshot of `kommune` with `tasks` tasks (at least the catalogue's 286).

    Deterministic for the same arguments. `local` of the generated tasks are local tasks.
    """
    catalogue = shipped_catalogue()
    rng = random.Random(f"{kommune.code}-{seed}")
    golives = {code: today + timedelta(days=30 + 60 * i) for i, code in enumerate(PROJECT_CODES)}
    rows: list[TaskRow] = []
    moves = random.Random(f"{kommune.code}-{seed}-moves")
    """Which catalogue tasks the kommune moved from KOMBIT's due date (about one in twenty)."""

    def add(
        task_id: str,
        project: str,
        main: int,
        title: str,
        category: Category,
        due: date,
        *,
        catalogue: bool = False,
    ):
        start = due - timedelta(days=rng.randint(5, 90))
        status = _status(rng, start, due, today)
        completed = None
        if status == Status.DONE:
            moment = datetime.combine(min(due, today), time(rng.randint(7, 16), rng.randint(0, 59)))
            completed = moment.replace(tzinfo=UTC)
        is_local = "-L" in task_id
        baseline_due, reason = (due, None) if catalogue else (None, None)
        if catalogue and moves.random() < 0.05:
            due = due + timedelta(days=moves.choice((-10, 14, 30, 60)))
            start = min(start, due)
            reason = moves.choice(("Leverandøren er forsinket", "Ferie; vi tager det i januar"))
        rows.append(
            TaskRow(
                id=task_id,
                project=project,
                main_task=main,
                position=len(rows),
                title=title,
                category=category,
                phase="F2",
                status=status,
                start=start,
                due=due,
                warn_days=14,
                is_local=is_local,
                completed_at=completed,
                version=1,
                baseline_start=start if catalogue else None,
                baseline_due=baseline_due,
                due_reason=reason,
            )
        )

    for spec in catalogue.tasks:
        due = golives[spec.project] + timedelta(days=spec.due_offset)
        add(spec.id, spec.project, spec.main_task, spec.title, spec.category, due, catalogue=True)
    for k in range(max(0, tasks - len(rows))):
        project = PROJECT_CODES[k % 4]
        main = (k // 4) % 16 + 1
        kind = f"L{k + 1}" if k < local else f"G{k + 1}"
        title = f"{rng.choice(TITLE_WORDS)} {rng.choice(OBJECTS)} i {kommune.name} ({k + 1})"
        due = today + timedelta(days=rng.randint(-200, 300))
        add(f"{project}-{main:02d}-{kind}", project, main, title, rng.choice(CATEGORIES), due)
    order = {code: i for i, code in enumerate(PROJECT_CODES)}
    rows.sort(key=lambda t: (order[t.project], t.main_task, t.is_local, t.position))
    return Snapshot(
        kommune_code=kommune.code,
        kommune_name=kommune.name,
        catalogue_version=catalogue.version,
        revision=1,
        projects=[
            ProjectRow(p.code, p.name, p.description, golives[p.code]) for p in catalogue.projects
        ],
        main_tasks=[
            MainTaskRow(m.number, m.name, m.group, m.description, m.purpose)
            for m in catalogue.main_tasks
        ],
        skipped={(s.project, s.main_task): s.reason for s in catalogue.skipped},
        tasks=rows,
    )


def kommune(code: str) -> Kommune:
    found = find_kommune(code)
    assert found is not None, code
    return found


def write_fleet(folder: Path, tasks: int, today: date) -> list[Path]:
    """One bundle of `tasks` tasks for each of the 98 kommuner, written into `folder`."""
    paths = []
    for each in all_kommuner():
        path = folder / bundle_name(each.code, today)
        path.write_bytes(bundle_bytes(synthetic_snapshot(each, tasks, today), today))
        paths.append(path)
    return paths
