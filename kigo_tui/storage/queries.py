"""The store's reads as SQL text: plain rows, no ORM objects, the same on SQLite and PostgreSQL.

Tasks a newer catalogue withdrew (`task.withdrawn`, see `kigo_tui.storage.catalogue`) are left
out of everything the tree, the colours and the export read; `task()` still finds them. Within a
hovedopgave, catalogue tasks come before local ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from kigo_tui.domain.rules import Category, Status
from kigo_tui.domain.search import Candidate, rank
from kigo_tui.models.readmodels import (
    ChecklistRow,
    HistoryRow,
    MainTaskRow,
    Outline,
    ProjectRow,
    RollupRow,
    TaskDetail,
    TaskRow,
)
from kigo_tui.storage.sql import (
    Row,
    Sql,
    as_date,
    as_datetime,
    first,
    in_list,
    scalar,
    stored_datetime,
)

TASK_COLUMNS = (
    "id, project, main_task, position, title, category, phase, status, start, due, warn_days, "
    "is_local, completed_at, version, baseline_start, baseline_due, start_reason, due_reason"
)
TREE_ORDER = "ORDER BY project, main_task, is_local, position, id"
CURRENT = "withdrawn = false"
"""Tasks the catalogue still has."""

ID_CHUNK = 500
"""Ids per `IN (…)` list, well under every database's limit on parameters."""


def task_from_row(row: Row) -> TaskRow:
    (id_, project, main_task, position, title, category, phase, status) = row[:8]
    (start, due, warn, local, completed, version) = row[8:14]
    (baseline_start, baseline_due, start_reason, due_reason) = row[14:]
    return TaskRow(
        id=id_,
        project=project,
        main_task=main_task,
        position=position,
        title=title,
        category=Category(category),
        phase=phase,
        status=Status(status),
        start=as_date(start),
        due=as_date(due),
        warn_days=warn,
        is_local=bool(local),
        completed_at=as_datetime(completed),
        version=version,
        baseline_start=as_date(baseline_start),
        baseline_due=as_date(baseline_due),
        start_reason=start_reason,
        due_reason=due_reason,
    )


def days_until_due(dialect: str) -> str:
    """SQL for the number of days from `:today` to a task's due date."""
    if dialect == "sqlite":
        return "(julianday(due) - julianday(:today))"
    return "(due - CAST(:today AS DATE))"


def rollup_sql(dialect: str) -> str:
    """The roll-up counts: per hovedopgave, category and status, how many tasks and how many red
    and yellow on `:today`. The colour rule of `kigo_tui.domain.rules.task_colour` in SQL (tests hold the
    two to the same answer); grouped in the order of the ix_task_rollup index, so it is read from
    the index alone."""
    return (
        "SELECT project, main_task, category, status, count(*), "
        "sum(CASE WHEN status <> 'done' AND due < :today THEN 1 ELSE 0 END), "
        "sum(CASE WHEN status = 'not_started' AND due >= :today "
        f"AND {days_until_due(dialect)} <= warn_days THEN 1 ELSE 0 END) "
        f"FROM task WHERE {CURRENT} "
        "GROUP BY withdrawn, project, main_task, category, status "
        "ORDER BY project, main_task, category, status"
    )


def read_meta(sql: Sql) -> dict[str, str]:
    return {key: value for key, value in sql.rows("SELECT key, value FROM meta")}


def read_revision(sql: Sql) -> int:
    """The number every write raises (see `Store.bump_revision`)."""
    return int(scalar(sql, "SELECT value FROM meta WHERE key = 'revision'") or 0)


def read_outline(sql: Sql, meta: dict[str, str]) -> Outline:
    projects = [
        ProjectRow(code, name, description, as_date(golive))
        for code, name, description, golive in sql.rows(
            "SELECT code, name, description, golive FROM project ORDER BY position"
        )
    ]
    main_tasks = [
        MainTaskRow(*row)
        for row in sql.rows(
            'SELECT number, name, "group", description, purpose FROM main_task ORDER BY number'
        )
    ]
    skipped = {
        (project, number): reason
        for project, number, reason in sql.rows(
            "SELECT project, main_task, reason FROM skipped_main_task"
        )
    }
    return Outline(
        kommune_code=meta["kommune_code"],
        kommune_name=meta["kommune_name"],
        catalogue_version=meta.get("catalogue_version", ""),
        revision=int(meta.get("revision", "0")),
        projects=projects,
        main_tasks=main_tasks,
        skipped=skipped,
    )


def read_rollup(sql: Sql, today: date) -> list[RollupRow]:
    return [
        RollupRow(project, main, Category(category), Status(status), n, int(red), int(yellow))
        for project, main, category, status, n, red, yellow in sql.rows(
            rollup_sql(sql.dialect), {"today": today}
        )
    ]


def read_tasks(sql: Sql, where: str = "", params: dict[str, object] | None = None) -> list[TaskRow]:
    """Current tasks in tree order, optionally narrowed by an SQL condition."""
    condition = f"{CURRENT} AND ({where})" if where else CURRENT
    return [
        task_from_row(row)
        for row in sql.rows(
            f"SELECT {TASK_COLUMNS} FROM task WHERE {condition} {TREE_ORDER}", params
        )
    ]


def read_branch(sql: Sql, project: str, main_task: int) -> list[TaskRow]:
    return read_tasks(
        sql, "project = :project AND main_task = :main", {"project": project, "main": main_task}
    )


def read_task(sql: Sql, task_id: str) -> TaskRow | None:
    """A task by id, withdrawn or not."""
    row = first(sql, f"SELECT {TASK_COLUMNS} FROM task WHERE id = :id", {"id": task_id})
    return None if row is None else task_from_row(row)


def read_tasks_by_id(sql: Sql, ids: Iterable[str]) -> list[TaskRow]:
    """The current tasks among `ids`, in tree order."""
    wanted = list(dict.fromkeys(ids))
    found: list[TaskRow] = []
    for i in range(0, len(wanted), ID_CHUNK):
        listed, params = in_list("id", wanted[i : i + ID_CHUNK])
        found += read_tasks(sql, f"id IN {listed}", params)
    found.sort(key=lambda t: (t.project, t.main_task, t.is_local, t.position, t.id))
    return found


def search_tasks(sql: Sql, needle: str, limit: int = 500) -> list[TaskRow]:
    """Current tasks whose id, title or description matches `needle`, best match first
    (`kigo_tui.domain.search`: Danish spellings and accents folded, title matches before the
    description's). Folded in Python on every database, since a server's lower() depends on its
    collation (with the text columns' "C" collation it lowers ASCII only)."""
    if not needle.strip():
        return []
    candidates = sql.rows(f"SELECT id, title, description FROM task WHERE {CURRENT} {TREE_ORDER}")
    ids = rank(needle, (Candidate(tid, title, text or "") for tid, title, text in candidates))
    ids = ids[: max(int(limit), 0)]
    found = {task.id: task for task in read_tasks_by_id(sql, ids)}
    return [found[tid] for tid in ids if tid in found]


def follow_up_candidates(sql: Sql, today: date) -> list[TaskRow]:
    """Tasks that may be in KOMBIT's report on `today`: mandatory or critical and overdue, or
    not started and due within the longest warning window (local ones too, to be counted apart).
    The caller applies the exact rules (`kigo_tui.domain.rules.in_kombit_report`,
    `needs_follow_up`) to these few."""
    return read_tasks(
        sql,
        "category <> 'optional' AND status <> 'done' AND due IS NOT NULL AND (due < :today "
        "OR (status = 'not_started' AND due <= :horizon))",
        {"today": today, "horizon": today + timedelta(days=366)},
    )


def read_detail(sql: Sql, task_id: str) -> TaskDetail | None:
    task = read_task(sql, task_id)
    if task is None:
        return None
    row = first(
        sql,
        "SELECT description, start_manual, due_manual, exit_priority FROM task WHERE id = :id",
        {"id": task_id},
    )
    assert row is not None
    description, start_manual, due_manual, exit_priority = row
    checklist = [
        ChecklistRow(item_id, text, bool(done))
        for item_id, text, done in sql.rows(
            "SELECT id, text, done FROM checklist_item WHERE task_id = :id ORDER BY position, id",
            {"id": task_id},
        )
    ]
    history = [
        HistoryRow(field, old, new, stored_datetime(at), user, reason)
        for field, old, new, at, user, reason in sql.rows(
            'SELECT field, old, new, at, "user", reason FROM history WHERE task_id = :id '
            "ORDER BY id DESC LIMIT 50",
            {"id": task_id},
        )
    ]
    return TaskDetail(
        task, description, bool(start_manual), bool(due_manual), exit_priority, checklist, history
    )
