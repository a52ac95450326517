"""The kommune's database as the domain sees it: read a snapshot, make changes with history.

Every write is one transaction that also bumps the database's `revision`, so other processes
(a second TUI, `kigo set` in a shell) can notice changes by polling one row. Every change to a
task raises its `version`; a change based on an older version is refused (`ConflictError`).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from kigo_tui.catalogue import PROJECT_CODES, Catalogue, TaskSpec
from kigo_tui.db import make_engine, prepare_schema, read_connection, write_transaction
from kigo_tui.errors import KigoError
from kigo_tui.kommuner import Kommune
from kigo_tui.models.readmodels import (
    ChecklistRow,
    HistoryRow,
    MainTaskRow,
    ProjectRow,
    Snapshot,
    TaskDetail,
    TaskRow,
)
from kigo_tui.models.tables import ChecklistItem, History, MainTask, Meta, Project, Task
from kigo_tui.models.tables import SkippedMainTask as Skipped
from kigo_tui.rules import Category, Status

T = Task.__table__  # type: ignore[attr-defined]
P = Project.__table__  # type: ignore[attr-defined]
M = MainTask.__table__  # type: ignore[attr-defined]
S = Skipped.__table__  # type: ignore[attr-defined]
C = ChecklistItem.__table__  # type: ignore[attr-defined]
H = History.__table__  # type: ignore[attr-defined]
META = Meta.__table__  # type: ignore[attr-defined]

_TASK_COLUMNS = (
    T.c.id,
    T.c.project,
    T.c.main_task,
    T.c.position,
    T.c.title,
    T.c.category,
    T.c.phase,
    T.c.status,
    T.c.start,
    T.c.due,
    T.c.warn_days,
    T.c.is_local,
    T.c.completed_at,
    T.c.version,
)


class StoreError(KigoError):
    """A change the store refuses; the message is for the user (Danish) and nothing was changed."""


class NotInitialisedError(StoreError):
    pass


class ConflictError(StoreError):
    """The task changed since the caller read it; reload and try again."""


def current_user() -> str:
    """Who makes the change: KIGO_USER, else the OS user."""
    configured = os.environ.get("KIGO_USER")
    if configured:
        return configured
    try:
        return getpass.getuser()
    except OSError:
        return "ukendt"


def _row_to_task(row: Sequence[object]) -> TaskRow:
    (
        id_,
        project,
        main_task,
        position,
        title,
        category,
        phase,
        status,
        start,
        due,
        warn,
        local,
        completed,
        version,
    ) = row
    return TaskRow(
        id=id_,  # type: ignore[arg-type]
        project=project,  # type: ignore[arg-type]
        main_task=main_task,  # type: ignore[arg-type]
        position=position,  # type: ignore[arg-type]
        title=title,  # type: ignore[arg-type]
        category=Category(category),
        phase=phase,  # type: ignore[arg-type]
        status=Status(status),
        start=start,  # type: ignore[arg-type]
        due=due,  # type: ignore[arg-type]
        warn_days=warn,  # type: ignore[arg-type]
        is_local=bool(local),
        completed_at=completed,  # type: ignore[arg-type]
        version=version,  # type: ignore[arg-type]
    )


def date_from_golive(golive: date | None, days: int | None) -> date | None:
    """go-live + days; None when either is missing."""
    if golive is None or days is None:
        return None
    try:
        return golive + timedelta(days=days)
    except OverflowError:
        raise StoreError(
            f"idriftsættelsesdatoen {golive.isoformat()} giver en opgavedato uden for kalenderen "
            f"({days:+d} dage); vælg en realistisk dato"
        ) from None


def catalogue_task_row(spec: TaskSpec, position: int, golive: date | None) -> dict[str, object]:
    """The `task` row for a new catalogue task, dated from its project's go-live."""
    return {
        "id": spec.id,
        "project": spec.project,
        "main_task": spec.main_task,
        "position": position,
        "title": spec.title,
        "description": spec.description,
        "category": spec.category.value,
        "phase": spec.phase,
        "status": Status.NOT_STARTED.value,
        "start_offset": spec.start_offset,
        "due_offset": spec.due_offset,
        "start": date_from_golive(golive, spec.start_offset),
        "due": date_from_golive(golive, spec.due_offset),
        "start_manual": False,
        "due_manual": False,
        "warn_days": spec.warn_days,
        "is_local": False,
        "exit_priority": spec.exit_priority,
        "version": 1,
        "withdrawn": False,
    }


@dataclass(frozen=True)
class TaskEdit:
    """Fields a user may change on a task; None leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    category: Category | None = None
    start: date | None = None
    due: date | None = None
    warn_days: int | None = None
    clear_start: bool = False
    clear_due: bool = False


class Store:
    def __init__(self, engine: Engine, user: str | None = None) -> None:
        self.engine = engine
        self.user = user or current_user()

    @classmethod
    def open(cls, db: str, user: str | None = None) -> Store:
        """Open (creating or upgrading the schema of) the database at a path or URL."""
        engine = make_engine(db)
        try:
            prepare_schema(engine)
        except BaseException:
            engine.dispose()  # do not keep the refused file open
            raise
        return cls(engine, user)

    def close(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------------------------- meta

    def _meta(self, conn: Connection) -> dict[str, str]:
        return {k: v for k, v in conn.execute(select(META.c.key, META.c.value))}

    def is_initialised(self) -> bool:
        with read_connection(self.engine) as conn:
            return "kommune_code" in self._meta(conn)

    def revision(self) -> int:
        """A number that grows with every committed change, by any process."""
        with read_connection(self.engine) as conn:
            value = conn.execute(select(META.c.value).where(META.c.key == "revision")).scalar()
        return int(value or 0)

    def _bump_revision(self, conn: Connection) -> None:
        conn.execute(
            text(
                "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR(20)) "
                "WHERE key = 'revision'"
            )
        )

    # ----------------------------------------------------------------------------------- init

    def initialise(
        self, kommune: Kommune, golives: Mapping[str, date], catalogue: Catalogue
    ) -> None:
        """Load the catalogue for a kommune; refuses on a database that already has one."""
        unknown = set(golives) - set(PROJECT_CODES)
        if unknown:
            raise StoreError(
                f"ukendt projekt: {', '.join(sorted(unknown))} (brug STS, SAPA, KY, KSD)"
            )
        with write_transaction(self.engine) as conn:
            meta = self._meta(conn)
            if "kommune_code" in meta:
                raise StoreError(
                    f"databasen er allerede oprettet for {meta['kommune_name']} "
                    f"({meta['kommune_code']}); intet er ændret"
                )
            conn.execute(
                insert(META),
                [
                    {"key": "kommune_code", "value": kommune.code},
                    {"key": "kommune_name", "value": kommune.name},
                    {"key": "catalogue_version", "value": catalogue.version},
                    {"key": "created_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
                    {"key": "revision", "value": "1"},
                ],
            )
            conn.execute(
                insert(P),
                [
                    {
                        "code": p.code,
                        "name": p.name,
                        "description": p.description,
                        "position": PROJECT_CODES.index(p.code),
                        "golive": golives.get(p.code),
                    }
                    for p in catalogue.projects
                ],
            )
            conn.execute(insert(M), [m.model_dump() for m in catalogue.main_tasks])
            if catalogue.skipped:
                conn.execute(insert(S), [s.model_dump() for s in catalogue.skipped])
            rows = []
            checklist = []
            for position, spec in enumerate(catalogue.tasks):
                golive = golives.get(spec.project)
                rows.append(catalogue_task_row(spec, position, golive))
                checklist += [
                    {"task_id": spec.id, "position": i, "text": item, "done": False}
                    for i, item in enumerate(spec.checklist)
                ]
            conn.execute(insert(T), rows)
            if checklist:
                conn.execute(insert(C), checklist)

    # ----------------------------------------------------------------------------------- reads

    def snapshot(self) -> Snapshot:
        """The whole tree as plain rows (one select per table; no ORM objects).

        Tasks a newer catalogue withdrew (`task.withdrawn`, see `kigo_tui.catalogue_update`) are
        left out here, so every consumer of the snapshot (status tree, TUI, export) neither shows
        them nor counts them in the colours. They stay in the database with their status and
        history: `task()` and `detail()` still read them, and re-importing a catalogue that has
        them again brings them back. Within a hovedopgave, catalogue tasks come before local ones.
        """
        with read_connection(self.engine) as conn:
            meta = self._meta(conn)
            if "kommune_code" not in meta:
                raise NotInitialisedError(
                    "databasen er ikke oprettet endnu: kør 'kigo init --kommune KODE' eller 'kigo demo'"
                )
            projects = [
                ProjectRow(code, name, description, golive)
                for code, name, description, golive in conn.execute(
                    select(P.c.code, P.c.name, P.c.description, P.c.golive).order_by(P.c.position)
                )
            ]
            main_tasks = [
                MainTaskRow(*row)
                for row in conn.execute(
                    select(M.c.number, M.c.name, M.c.group, M.c.description, M.c.purpose).order_by(
                        M.c.number
                    )
                )
            ]
            skipped = {
                (project, number): reason
                for project, number, reason in conn.execute(
                    select(S.c.project, S.c.main_task, S.c.reason)
                )
            }
            tasks = [
                _row_to_task(row)
                for row in conn.execute(
                    select(*_TASK_COLUMNS)
                    .where(T.c.withdrawn.is_(False))
                    .order_by(T.c.project, T.c.main_task, T.c.is_local, T.c.position, T.c.id)
                )
            ]
        return Snapshot(
            kommune_code=meta["kommune_code"],
            kommune_name=meta["kommune_name"],
            catalogue_version=meta.get("catalogue_version", ""),
            revision=int(meta.get("revision", "0")),
            projects=projects,
            main_tasks=main_tasks,
            skipped=skipped,
            tasks=tasks,
        )

    def task(self, task_id: str) -> TaskRow:
        with read_connection(self.engine) as conn:
            return self._task(conn, task_id)

    def _task(self, conn: Connection, task_id: str) -> TaskRow:
        row = conn.execute(select(*_TASK_COLUMNS).where(T.c.id == task_id)).first()
        if row is None:
            raise StoreError(f"ukendt opgave: '{task_id}'")
        return _row_to_task(row)

    def detail(self, task_id: str) -> TaskDetail:
        with read_connection(self.engine) as conn:
            task = self._task(conn, task_id)
            description, start_manual, due_manual, exit_priority = conn.execute(
                select(T.c.description, T.c.start_manual, T.c.due_manual, T.c.exit_priority).where(
                    T.c.id == task_id
                )
            ).one()
            checklist = [
                ChecklistRow(*row)
                for row in conn.execute(
                    select(C.c.id, C.c.text, C.c.done)
                    .where(C.c.task_id == task_id)
                    .order_by(C.c.position, C.c.id)
                )
            ]
            history = [
                HistoryRow(*row)
                for row in conn.execute(
                    select(H.c.field, H.c.old, H.c.new, H.c.at, H.c.user)
                    .where(H.c.task_id == task_id)
                    .order_by(H.c.id.desc())
                    .limit(50)
                )
            ]
        return TaskDetail(
            task,
            description,
            bool(start_manual),
            bool(due_manual),
            exit_priority,
            checklist,
            history,
        )

    def history_count(self) -> int:
        with read_connection(self.engine) as conn:
            return conn.execute(select(func.count()).select_from(H)).scalar_one()

    # ----------------------------------------------------------------------------------- writes

    def _record(self, conn: Connection, task_id: str, field: str, old: object, new: object) -> None:
        conn.execute(
            insert(H).values(
                task_id=task_id,
                field=field,
                old=None if old is None else str(old),
                new=None if new is None else str(new),
                at=datetime.now(UTC),
                user=self.user,
            )
        )

    def _locked_task(self, conn: Connection, task_id: str, expected_version: int | None) -> TaskRow:
        task = self._task(conn, task_id)
        if expected_version is not None and task.version != expected_version:
            raise ConflictError(
                f"{task_id} er ændret af en anden, siden du så den (version {task.version}, "
                f"du havde {expected_version}); visningen er opdateret, prøv igen"
            )
        return task

    def _apply(self, conn: Connection, task: TaskRow, values: dict[str, object]) -> None:
        result = conn.execute(
            update(T)
            .where(T.c.id == task.id, T.c.version == task.version)
            .values(**values, version=task.version + 1)
        )
        if result.rowcount != 1:
            raise ConflictError(f"{task.id} blev ændret samtidig af en anden; prøv igen")
        self._bump_revision(conn)

    def _status_values(self, conn: Connection, task: TaskRow, status: Status) -> dict[str, object]:
        values: dict[str, object] = {"status": status.value, "previous_status": task.status.value}
        values["completed_at"] = datetime.now(UTC) if status == Status.DONE else None
        self._record(conn, task.id, "status", task.status.value, status.value)
        return values

    def set_status(
        self, task_id: str, status: Status, expected_version: int | None = None
    ) -> TaskRow:
        with write_transaction(self.engine) as conn:
            task = self._locked_task(conn, task_id, expected_version)
            if task.status == status:
                return task
            self._apply(conn, task, self._status_values(conn, task, status))
            return self._task(conn, task_id)

    def toggle_done(self, task_id: str, expected_version: int | None = None) -> TaskRow:
        """Done ↔ the status the task had before it was marked done."""
        with write_transaction(self.engine) as conn:
            task = self._locked_task(conn, task_id, expected_version)
            if task.status == Status.DONE:
                previous = conn.execute(
                    select(T.c.previous_status).where(T.c.id == task_id)
                ).scalar()
                target = Status(previous) if previous and previous != "done" else Status.NOT_STARTED
            else:
                target = Status.DONE
            self._apply(conn, task, self._status_values(conn, task, target))
            return self._task(conn, task_id)

    def edit_task(
        self, task_id: str, edit: TaskEdit, expected_version: int | None = None
    ) -> TaskRow:
        with write_transaction(self.engine) as conn:
            task = self._locked_task(conn, task_id, expected_version)
            current = conn.execute(select(T).where(T.c.id == task_id)).mappings().one()
            values: dict[str, object] = {}
            start = None if edit.clear_start else (edit.start or current["start"])
            due = None if edit.clear_due else (edit.due or current["due"])
            if start and due and start > due:
                raise StoreError(
                    f"startdatoen ({start.isoformat()}) ligger efter slutdatoen ({due.isoformat()})"
                )
            if edit.warn_days is not None and not 0 <= edit.warn_days <= 365:
                raise StoreError("varsel skal være mellem 0 og 365 dage")
            if edit.title is not None and not edit.title.strip():
                raise StoreError("titlen må ikke være tom")
            changes = {
                "title": edit.title.strip() if edit.title is not None else None,
                "description": edit.description,
                "category": edit.category.value if edit.category else None,
                "warn_days": edit.warn_days,
            }
            for name, new in changes.items():
                if new is not None and new != current[name]:
                    values[name] = new
            if (edit.start or edit.clear_start) and start != current["start"]:
                values["start"] = start
                values["start_manual"] = True
            if (edit.due or edit.clear_due) and due != current["due"]:
                values["due"] = due
                values["due_manual"] = True
            if not values:
                return task
            for name, new in values.items():
                if not name.endswith("_manual"):
                    old = current[name]
                    self._record(conn, task_id, name, _plain(old), _plain(new))
            self._apply(conn, task, values)
            return self._task(conn, task_id)

    def set_golive(self, project: str, golive: date | None) -> int:
        """Set or move a project's go-live date; derived dates follow, hand-edited dates stay.

        Returns the number of tasks whose dates moved.
        """
        project = project.upper()
        if project not in PROJECT_CODES:
            raise StoreError(f"ukendt projekt: '{project}' (brug STS, SAPA, KY eller KSD)")
        moved = 0
        with write_transaction(self.engine) as conn:
            self._require_initialised(conn)
            conn.execute(update(P).where(P.c.code == project).values(golive=golive))
            rows = conn.execute(
                select(
                    T.c.id,
                    T.c.start,
                    T.c.due,
                    T.c.start_offset,
                    T.c.due_offset,
                    T.c.start_manual,
                    T.c.due_manual,
                    T.c.version,
                ).where(T.c.project == project)
            ).all()
            for tid, start, due, s_off, d_off, s_manual, d_manual, version in rows:
                values: dict[str, object] = {}
                if not s_manual and s_off is not None and date_from_golive(golive, s_off) != start:
                    values["start"] = date_from_golive(golive, s_off)
                if not d_manual and d_off is not None and date_from_golive(golive, d_off) != due:
                    values["due"] = date_from_golive(golive, d_off)
                if values:
                    conn.execute(
                        update(T).where(T.c.id == tid).values(**values, version=version + 1)
                    )
                    moved += 1
            self._record(conn, f"{project}", "golive", None, golive.isoformat() if golive else None)
            self._bump_revision(conn)
        return moved

    def _require_initialised(self, conn: Connection) -> None:
        if "kommune_code" not in self._meta(conn):
            raise NotInitialisedError(
                "databasen er ikke oprettet endnu: kør 'kigo init --kommune KODE' eller 'kigo demo'"
            )

    def add_local_task(
        self,
        project: str,
        main_task: int,
        title: str,
        *,
        description: str = "",
        category: Category = Category.OPTIONAL,
        start: date | None = None,
        due: date | None = None,
        warn_days: int = 14,
        checklist: Sequence[str] = (),
    ) -> TaskRow:
        """The kommune's own task under a hovedopgave; its id is <PROJECT>-<NN>-L<k>."""
        project = project.upper()
        if project not in PROJECT_CODES:
            raise StoreError(f"ukendt projekt: '{project}' (brug STS, SAPA, KY eller KSD)")
        if not 1 <= main_task <= 16:
            raise StoreError(f"ukendt hovedopgave: {main_task} (brug 1-16)")
        if not title.strip():
            raise StoreError("titlen må ikke være tom")
        if start and due and start > due:
            raise StoreError("startdatoen ligger efter slutdatoen")
        if not 0 <= warn_days <= 365:
            raise StoreError("varsel skal være mellem 0 og 365 dage")
        prefix = f"{project}-{main_task:02d}-L"
        with write_transaction(self.engine) as conn:
            self._require_initialised(conn)
            existing = conn.execute(select(T.c.id).where(T.c.id.like(prefix + "%"))).scalars()
            number = 1 + max((int(i.removeprefix(prefix)) for i in existing), default=0)
            position = conn.execute(select(func.coalesce(func.max(T.c.position), 0) + 1)).scalar()
            task_id = f"{prefix}{number}"
            conn.execute(
                insert(T).values(
                    id=task_id,
                    project=project,
                    main_task=main_task,
                    position=position,
                    title=title.strip(),
                    description=description,
                    category=category.value,
                    phase="F2",
                    status=Status.NOT_STARTED.value,
                    start=start,
                    due=due,
                    start_manual=start is not None,
                    due_manual=due is not None,
                    warn_days=warn_days,
                    is_local=True,
                    version=1,
                )
            )
            if checklist:
                conn.execute(
                    insert(C),
                    [
                        {"task_id": task_id, "position": i, "text": item, "done": False}
                        for i, item in enumerate(checklist)
                    ],
                )
            self._record(conn, task_id, "oprettet", None, title.strip())
            self._bump_revision(conn)
            return self._task(conn, task_id)

    def delete_local_task(self, task_id: str) -> None:
        with write_transaction(self.engine) as conn:
            task = self._task(conn, task_id)
            if not task.is_local:
                raise StoreError(
                    f"{task_id} kommer fra KOMBITs katalog og kan ikke slettes (kun lokale opgaver)"
                )
            conn.execute(delete(C).where(C.c.task_id == task_id))
            conn.execute(delete(T).where(T.c.id == task_id))
            self._record(conn, task_id, "slettet", task.title, None)
            self._bump_revision(conn)

    def set_checklist_item(self, item_id: int, done: bool) -> tuple[TaskRow, Status | None]:
        """Tick or untick a checklist item; the last tick makes the task done, an untick reopens it.

        Returns the task and the status it changed to (None when its status stayed).
        """
        with write_transaction(self.engine) as conn:
            row = conn.execute(select(C.c.task_id, C.c.done).where(C.c.id == item_id)).first()
            if row is None:
                raise StoreError(f"ukendt tjeklistepunkt: {item_id}")
            task_id, was_done = row
            task = self._task(conn, task_id)
            if bool(was_done) == done:
                return task, None
            conn.execute(update(C).where(C.c.id == item_id).values(done=done))
            text_ = conn.execute(select(C.c.text).where(C.c.id == item_id)).scalar()
            self._record(conn, task_id, "tjekliste", text_, "✓" if done else "○")
            remaining = conn.execute(
                select(func.count()).where(C.c.task_id == task_id, C.c.done.is_(False))
            ).scalar_one()
            target: Status | None = None
            if done and remaining == 0 and task.status != Status.DONE:
                target = Status.DONE
            elif (not done and task.status == Status.DONE) or (
                done and task.status == Status.NOT_STARTED
            ):
                target = Status.IN_PROGRESS
            values = self._status_values(conn, task, target) if target else {}
            self._apply(conn, task, values)
            return self._task(conn, task_id), target

    def restore_task(self, task_id: str, before: TaskRow) -> TaskRow:
        """Undo: put status, dates, category and warning window back as they were in `before`."""
        with write_transaction(self.engine) as conn:
            task = self._task(conn, task_id)
            values: dict[str, object] = {}
            if task.status != before.status:
                values.update(self._status_values(conn, task, before.status))
                values["completed_at"] = before.completed_at
            for name in ("start", "due", "warn_days", "category", "title"):
                old, new = getattr(task, name), getattr(before, name)
                if old != new:
                    values[name] = new.value if isinstance(new, Category) else new
                    self._record(conn, task_id, name, _plain(old), _plain(new))
            if values:
                self._apply(conn, task, values)
            return self._task(conn, task_id)


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Category | Status):
        return value.value
    return value
