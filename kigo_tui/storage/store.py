"""The kommune's database as the domain sees it: read a snapshot, make changes with history.

Every write is one transaction that also bumps the database's `revision`, so other processes
(a second TUI, `kigo set` in a shell) can notice changes by polling one row; on PostgreSQL they
are also told at commit (`change_listener`, `kigo_tui.storage.live`). Every change to a
task raises its `version`; a change based on an older version is refused (`ConflictError`).

The queries are SQL text (`kigo_tui.storage.queries`, `kigo_tui.storage.sql`). A SQLite file
whose schema is current is used through the standard library (`kigo_tui.storage.sqlite`): opening
it, reading and ticking tasks off never import SQLAlchemy. Creating, upgrading or refusing a file
(`kigo_tui.storage.schema`), and any other database (PostgreSQL, `kigo_tui.storage.engine`), go
through SQLAlchemy. Every write, here and in the other storage modules, is one `Transaction`
(`kigo_tui.storage.transaction`, from `writing()`): it records the history, does the versioned
updates and bumps the revision. `Store.engine` gives a SQLAlchemy engine on the same database only
to the copy between databases (`kigo_tui.storage.copy`).
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kigo_tui.domain.dates import short_date
from kigo_tui.domain.kommuner import Kommune
from kigo_tui.domain.rules import Category, Status
from kigo_tui.domain.seed import PROJECT_CODES, PROJECT_LIST
from kigo_tui.domain.tasks import (
    TaskFieldError,
    check_dates_in_order,
    check_reason,
    clean_reason,
    validate_task_fields,
)
from kigo_tui.domain.text import clean_text, count
from kigo_tui.models.readmodels import Outline, Overview, Snapshot, TaskDetail, TaskRow
from kigo_tui.storage import queries
from kigo_tui.storage.common import (
    LOCAL_ID_KEY,
    SCHEMA_VERSION,
    sqlite_file,
)
from kigo_tui.storage.sql import Sql, as_date, first, scalar, utc_now
from kigo_tui.storage.transaction import ConflictError as ConflictError
from kigo_tui.storage.transaction import StoreError as StoreError
from kigo_tui.storage.transaction import Transaction
from kigo_tui.storage.transaction import insert_sql as insert_sql
from kigo_tui.storage.transaction import refuse_stale as refuse_stale

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kigo_tui.domain.catalogue import Catalogue, TaskSpec
    from kigo_tui.storage.live import ChangeListener
    from kigo_tui.storage.sqlite import SqliteFile


class NotInitialisedError(StoreError):
    pass


NOT_INITIALISED = (
    "databasen er ikke oprettet endnu: kør 'kigo init --kommune KODE' eller 'kigo demo'"
)


def current_user() -> str:
    """Who makes the change: KIGO_USER, else the OS user."""
    configured = os.environ.get("KIGO_USER")
    if configured:
        return configured
    try:
        return getpass.getuser()
    except OSError:
        return "ukendt"


def date_from_golive(golive: date | None, days: int | None) -> date | None:
    """go-live + days; None when either is missing."""
    if golive is None or days is None:
        return None
    try:
        return golive + timedelta(days=days)
    except OverflowError:
        raise StoreError(
            f"idriftsættelsesdatoen {short_date(golive)} giver en opgavedato uden for kalenderen "
            f"({count(days, 'dag', 'dage', '+d')}); vælg en realistisk dato"
        ) from None


def category_locked(task_id: str) -> StoreError:
    """The refusal of a category change on a catalogue task: the category is KOMBIT's."""
    return StoreError(
        f"{task_id} kommer fra KOMBITs katalog: kategorien er KOMBITs og kan ikke ændres af "
        "kommunen (kun et nyere katalog kan ændre den; lokale opgaver har fri kategori); "
        "intet er ændret"
    )


def checked_reason(task_id: str, moves: Sequence[str], reason: str | None) -> str | None:
    """The reason for moving a catalogue task's dates away from KOMBIT's (`moves`: which, in
    Danish), checked by `domain.tasks.check_reason`; refused when a move has none. None when
    nothing moves."""
    if not moves:
        return None
    try:
        text = check_reason(reason)
    except TaskFieldError as exc:
        raise StoreError(f"{task_id}: {exc}") from None
    if not text:
        raise StoreError(
            f"{task_id}: {' og '.join(moves)} flyttes væk fra KOMBITs dato; angiv en kort "
            "begrundelse (--begrundelse i kigo set, feltet Begrundelse i TUI'en); intet er ændret"
        )
    return text


def date_moves(task: TaskRow, start: date | None, due: date | None) -> list[str]:
    """Which of a catalogue task's new dates differ from KOMBIT's baseline and from what the
    task has now (a new move), in Danish; empty for a local task or a task without a baseline."""
    if task.is_local:
        return []
    moves = []
    if task.baseline_start is not None and start != task.baseline_start and start != task.start:
        moves.append("starten")
    if task.baseline_due is not None and due != task.baseline_due and due != task.due:
        moves.append("slutdatoen")
    return moves


def catalogue_task_row(spec: TaskSpec, position: int, golive: date | None) -> dict[str, object]:
    """The `task` row for a new catalogue task, dated from its project's go-live (which is also
    KOMBIT's baseline)."""
    start = date_from_golive(golive, spec.start_offset)
    due = date_from_golive(golive, spec.due_offset)
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
        "start": start,
        "due": due,
        "baseline_start": start,
        "baseline_due": due,
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
    reason: str | None = None
    """Why a catalogue task's date moves away from KOMBIT's (required then; see `date_moves`)."""


def clean_edit(edit: TaskEdit) -> TaskEdit:
    """The edit's fields checked and cleaned by `domain.tasks.validate_task_fields` (the one
    check of a task's fields, with its Danish messages)."""
    from dataclasses import replace

    fields = validate_task_fields(  # the reason's length matters only for a move: checked_reason
        title=edit.title,
        description=edit.description,
        start=edit.start,
        due=edit.due,
        warn_days=edit.warn_days,
    )
    return replace(
        edit,
        title=fields.title,
        description=fields.description,
        start=fields.start,
        due=fields.due,
        warn_days=fields.warn_days,
        reason=clean_reason(edit.reason),
    )


class _AlchemyBackend:
    """Transactions on a SQLAlchemy engine (PostgreSQL and any other database but a SQLite file)."""

    read_only = False

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def read(self) -> Iterator[Sql]:
        from kigo_tui.storage.engine import AlchemySql, read_connection

        with read_connection(self.engine) as conn:
            yield AlchemySql(conn)

    @contextmanager
    def write(self) -> Iterator[Sql]:
        from kigo_tui.storage.engine import AlchemySql, write_transaction

        with write_transaction(self.engine) as conn:
            yield AlchemySql(conn)

    def close(self) -> None:
        self.engine.dispose()


class Store:
    def __init__(self, backend: SqliteFile | _AlchemyBackend, url: str, user: str | None = None):
        self._backend = backend
        self.url = url
        """The database as the user named it (path or URL)."""
        self.user = user or current_user()
        self._engine: Engine | None = (
            backend.engine if isinstance(backend, _AlchemyBackend) else None
        )
        self._engine_lock = threading.Lock()

    @classmethod
    def open(cls, db: str, user: str | None = None) -> Store:
        """Open (creating or upgrading the schema of) the database at a path or URL.

        A SQLite file that is already a current kigo database opens without SQLAlchemy; anything
        else is prepared first (created, backed up and upgraded, or refused untouched).
        """
        path = sqlite_file(db)
        if path is None:
            from kigo_tui.storage.engine import make_engine
            from kigo_tui.storage.schema import prepare_schema

            engine = make_engine(db)
            try:
                prepare_schema(engine)
            except BaseException:
                engine.dispose()  # do not keep the refused database open
                raise
            return cls(_AlchemyBackend(engine), db, user)
        return cls(_open_sqlite(path), db, user)

    def close(self) -> None:
        self._backend.close()
        if self._engine is not None and not isinstance(self._backend, _AlchemyBackend):
            self._engine.dispose()

    @property
    def read_only(self) -> bool:
        """True when this user may read but not change the database (a banner says so)."""
        return self._backend.read_only

    @property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on the same database, for code written with SQLAlchemy Core."""
        with self._engine_lock:
            if self._engine is None:
                from kigo_tui.storage.engine import make_engine

                self._engine = make_engine(self.url)
            return self._engine

    def reading(self) -> AbstractContextManager[Sql]:
        """A read transaction (one consistent view)."""
        return self._backend.read()

    @contextmanager
    def writing(self) -> Iterator[Transaction]:
        """A write transaction (`kigo_tui.storage.transaction`): committed when the block ends,
        with the revision bumped when it changed anything; rolled back on any error."""
        with self._backend.write() as sql:
            transaction = Transaction(sql, self.user)
            yield transaction
            transaction.finish()

    # ----------------------------------------------------------------------------------- meta

    def is_initialised(self) -> bool:
        with self.reading() as sql:
            return "kommune_code" in queries.read_meta(sql)

    def revision(self) -> int:
        """A number that grows with every committed change, by any process."""
        with self.reading() as sql:
            return queries.read_revision(sql)

    def change_listener(
        self, on_change: Callable[[int | None], None], on_state: Callable[[bool], None]
    ) -> ChangeListener | None:
        """A listener for other users' changes as they commit (`kigo_tui.storage.live`); None where the
        database has no notifications (a SQLite file: poll `revision()`)."""
        if not isinstance(self._backend, _AlchemyBackend):
            return None
        if self._backend.engine.dialect.name != "postgresql":
            return None
        from kigo_tui.storage.live import ChangeListener

        return ChangeListener(self._backend.engine, on_change, on_state)

    def require_initialised(self, sql: Sql) -> None:
        if "kommune_code" not in queries.read_meta(sql):
            raise NotInitialisedError(NOT_INITIALISED)

    def require_task(self, sql: Sql, task_id: str) -> TaskRow:
        task = queries.read_task(sql, task_id)
        if task is None:
            raise StoreError(f"ukendt opgave: '{task_id}'")
        return task

    # ----------------------------------------------------------------------------------- init

    def initialise(
        self, kommune: Kommune, golives: Mapping[str, date], catalogue: Catalogue
    ) -> None:
        """Load the catalogue for a kommune; refuses on a database that already has one."""
        unknown = set(golives) - set(PROJECT_CODES)
        if unknown:
            raise StoreError(f"ukendt projekt: {', '.join(sorted(unknown))} (brug {PROJECT_LIST})")
        with self.writing() as tx:
            meta = queries.read_meta(tx)
            if "kommune_code" in meta:
                raise StoreError(
                    f"databasen er allerede oprettet for {meta['kommune_name']} "
                    f"({meta['kommune_code']}); intet er ændret"
                )
            tx.run_many(
                insert_sql("meta", ("key", "value")),
                [
                    {"key": "kommune_code", "value": kommune.code},
                    {"key": "kommune_name", "value": kommune.name},
                    {"key": "catalogue_version", "value": catalogue.version},
                    {"key": "created_at", "value": datetime.now(UTC).isoformat(timespec="seconds")},
                    {"key": "revision", "value": "1"},
                ],
            )
            project_columns = ("code", "name", "description", "position", "golive")
            tx.run_many(
                insert_sql("project", project_columns),
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
            mains = [m.model_dump() for m in catalogue.main_tasks]
            tx.run_many(insert_sql("main_task", list(mains[0])), mains)
            if catalogue.skipped:
                skipped = [s.model_dump() for s in catalogue.skipped]
                tx.run_many(insert_sql("skipped_main_task", list(skipped[0])), skipped)
            rows = []
            checklist = []
            for position, spec in enumerate(catalogue.tasks):
                rows.append(catalogue_task_row(spec, position, golives.get(spec.project)))
                checklist += [
                    {"task_id": spec.id, "position": i, "text": item, "done": False}
                    for i, item in enumerate(spec.checklist)
                ]
            tx.run_many(insert_sql("task", list(rows[0])), rows)
            if checklist:
                tx.run_many(insert_sql("checklist_item", list(checklist[0])), checklist)

    def set_kommune(self, kommune: Kommune) -> tuple[str, str]:
        """Make the database the given kommune's (the first run or `kigo init` chose another);
        returns the (code, name) it had. A history line records the change."""
        with self.writing() as tx:
            meta = queries.read_meta(tx)
            if "kommune_code" not in meta:
                raise NotInitialisedError(NOT_INITIALISED)
            before = (meta["kommune_code"], meta.get("kommune_name", ""))
            if before[0] == kommune.code:
                return before
            for key, value in (("kommune_code", kommune.code), ("kommune_name", kommune.name)):
                tx.run(
                    "UPDATE meta SET value = :value WHERE key = :key", {"key": key, "value": value}
                )
            tx.record(
                "KOMMUNE",
                "kommune",
                f"{before[1]} ({before[0]})",
                f"{kommune.name} ({kommune.code})",
            )
        return before

    # ----------------------------------------------------------------------------------- reads

    def snapshot(self) -> Snapshot:
        """The whole tree as plain rows (one select per table; no ORM objects)."""
        with self.reading() as sql:
            outline = self._outline(sql)
            tasks = queries.read_tasks(sql)
        return Snapshot(**_fields(outline), tasks=tasks)

    def overview(self, today: date) -> Overview:
        """The top of the tree and its roll-up counts on `today`, without reading any task."""
        return self.tree_view(today)[0]

    def tree_view(
        self, today: date, branches: Sequence[tuple[str, int]] = ()
    ) -> tuple[Overview, dict[tuple[str, int], list[TaskRow]]]:
        """The overview and the tasks of some open branches, read as one consistent view."""
        with self.reading() as sql:
            outline = self._outline(sql)
            rollup = queries.read_rollup(sql, today)
            rows = {key: queries.read_branch(sql, *key) for key in branches}
        return Overview(**_fields(outline), today=today, rollup=rollup), rows

    def _outline(self, sql: Sql) -> Outline:
        meta = queries.read_meta(sql)
        if "kommune_code" not in meta:
            raise NotInitialisedError(NOT_INITIALISED)
        return queries.read_outline(sql, meta)

    def branch(self, project: str, main_task: int) -> tuple[list[TaskRow], int]:
        """The current tasks of one hovedopgave in a project, and the revision they are from."""
        with self.reading() as sql:
            tasks = queries.read_branch(sql, project, main_task)
            revision = queries.read_revision(sql)
        return tasks, revision

    def tasks(self, ids: Sequence[str]) -> list[TaskRow]:
        """The current tasks among `ids`, in tree order (unknown and withdrawn ids are left out)."""
        with self.reading() as sql:
            return queries.read_tasks_by_id(sql, ids)

    def search(self, text: str, limit: int = 500) -> list[TaskRow]:
        """Current tasks matching `text` (`kigo_tui.domain.search`), best match first."""
        with self.reading() as sql:
            return queries.search_tasks(sql, text, limit)

    def follow_up_candidates(self, today: date) -> list[TaskRow]:
        with self.reading() as sql:
            return queries.follow_up_candidates(sql, today)

    def task(self, task_id: str) -> TaskRow:
        with self.reading() as sql:
            return self.require_task(sql, task_id)

    def detail(self, task_id: str) -> TaskDetail:
        with self.reading() as sql:
            detail = queries.read_detail(sql, task_id)
        if detail is None:
            raise StoreError(f"ukendt opgave: '{task_id}'")
        return detail

    def history_count(self) -> int:
        with self.reading() as sql:
            return int(scalar(sql, "SELECT count(*) FROM history"))

    # ----------------------------------------------------------------------------------- writes

    def _locked_task(self, sql: Sql, task_id: str, expected_version: int | None) -> TaskRow:
        task = self.require_task(sql, task_id)
        refuse_stale(f"opgave {task_id}", task.version, expected_version)
        return task

    def history_of(
        self, key: str, limit: int = 5
    ) -> list[tuple[str, str | None, str | None, str, str]]:
        """The newest history lines of a task, defect ('FEJL-n') or case area ('SAG-n'), newest
        first: (field, old, new, when in UTC, who)."""
        with self.reading() as sql:
            rows = sql.rows(
                'SELECT field, old, new, at, "user" FROM history WHERE task_id = :key '
                "ORDER BY id DESC LIMIT :limit",
                {"key": key, "limit": limit},
            )
        return [(f, o, n, str(at)[:19], u) for f, o, n, at, u in rows]

    def _apply(self, tx: Transaction, task: TaskRow, values: dict[str, object]) -> None:
        """Write `values` to the task and raise its version; refused if someone got there first."""
        tx.update_versioned(
            "task",
            task.id,
            task.version,
            values,
            conflict=f"{task.id} blev ændret samtidig af en anden; intet er gemt",
        )

    def _status_values(self, tx: Transaction, task: TaskRow, status: Status) -> dict[str, object]:
        tx.record(task.id, "status", task.status.value, status.value)
        return {
            "status": status.value,
            "previous_status": task.status.value,
            "completed_at": utc_now() if status == Status.DONE else None,
        }

    def set_status(
        self, task_id: str, status: Status, expected_version: int | None = None
    ) -> TaskRow:
        with self.writing() as tx:
            task = self._locked_task(tx, task_id, expected_version)
            if task.status == status:
                return task
            self._apply(tx, task, self._status_values(tx, task, status))
            return self.require_task(tx, task_id)

    def toggle_done(self, task_id: str, expected_version: int | None = None) -> TaskRow:
        """Done ↔ the status the task had before it was marked done."""
        with self.writing() as tx:
            task = self._locked_task(tx, task_id, expected_version)
            if task.status == Status.DONE:
                previous = scalar(
                    tx, "SELECT previous_status FROM task WHERE id = :id", {"id": task_id}
                )
                target = Status(previous) if previous and previous != "done" else Status.NOT_STARTED
            else:
                target = Status.DONE
            self._apply(tx, task, self._status_values(tx, task, target))
            return self.require_task(tx, task_id)

    def edit_task(
        self, task_id: str, edit: TaskEdit, expected_version: int | None = None
    ) -> TaskRow:
        """Change a task's fields. A catalogue task's category is KOMBIT's (refused); moving its
        start or due away from KOMBIT's baseline needs `edit.reason`, kept on the task and in the
        history; moving a date back to the baseline makes it follow the go-live again."""
        edit = clean_edit(edit)
        with self.writing() as tx:
            task = self._locked_task(tx, task_id, expected_version)
            row = first(
                tx,
                "SELECT title, description, category, warn_days FROM task WHERE id = :id",
                {"id": task_id},
            )
            assert row is not None
            current = dict(zip(("title", "description", "category", "warn_days"), row, strict=True))
            current["start"], current["due"] = task.start, task.due
            start = None if edit.clear_start else (edit.start or current["start"])
            due = None if edit.clear_due else (edit.due or current["due"])
            check_dates_in_order(start, due)
            if (
                not task.is_local
                and edit.category is not None
                and edit.category.value != current["category"]
            ):
                raise category_locked(task_id)
            reason = checked_reason(task_id, date_moves(task, start, due), edit.reason)
            changes = {
                "title": edit.title.strip() if edit.title is not None else None,
                "description": edit.description,
                "category": edit.category.value if edit.category else None,
                "warn_days": edit.warn_days,
            }
            values: dict[str, object] = {
                name: new
                for name, new in changes.items()
                if new is not None and new != current[name]
            }
            reasons: dict[str, str | None] = {}
            for name, new, asked, baseline in (
                ("start", start, edit.start or edit.clear_start, task.baseline_start),
                ("due", due, edit.due or edit.clear_due, task.baseline_due),
            ):
                if not asked or new == current[name]:
                    continue
                values[name] = new
                back = not task.is_local and baseline is not None and new == baseline
                values[f"{name}_manual"] = not back
                if not task.is_local and baseline is not None:
                    reasons[name] = None if back else reason
                    values[f"{name}_reason"] = reasons[name]
            if not values:
                return task
            for name, new in values.items():
                if not name.endswith(("_manual", "_reason")):
                    tx.record(task_id, name, _plain(current[name]), _plain(new), reasons.get(name))
            self._apply(tx, task, values)
            return self.require_task(tx, task_id)

    def set_golive(self, project: str, golive: date | None) -> int:
        """Set or move a project's go-live date; derived dates follow, hand-edited dates stay.

        Returns the number of tasks whose dates moved.
        """
        project = project.upper()
        if project not in PROJECT_CODES:
            raise StoreError(f"ukendt projekt: '{project}' (brug {PROJECT_LIST})")
        moved = 0
        with self.writing() as tx:
            self.require_initialised(tx)
            before = as_date(
                scalar(tx, "SELECT golive FROM project WHERE code = :code", {"code": project})
            )
            tx.run(
                "UPDATE project SET golive = :golive WHERE code = :code",
                {"golive": golive, "code": project},
            )
            rows = tx.rows(
                "SELECT id, start, due, start_offset, due_offset, start_manual, due_manual, "
                "version, is_local, baseline_start, baseline_due FROM task "
                "WHERE project = :project",
                {"project": project},
            )
            baselines = []
            for tid, start, due, s_off, d_off, s_manual, d_manual, version, *rest in rows:
                start, due = as_date(start), as_date(due)
                local, b_start, b_due = bool(rest[0]), as_date(rest[1]), as_date(rest[2])
                new_baseline = (date_from_golive(golive, s_off), date_from_golive(golive, d_off))
                if not local and new_baseline != (b_start, b_due):
                    baselines.append({"id": tid, "s": new_baseline[0], "d": new_baseline[1]})
                values: dict[str, object] = {}
                if not s_manual and s_off is not None and date_from_golive(golive, s_off) != start:
                    values["start"] = date_from_golive(golive, s_off)
                if not d_manual and d_off is not None and date_from_golive(golive, d_off) != due:
                    values["due"] = date_from_golive(golive, d_off)
                if values:
                    assignments = ", ".join(f"{name} = :{name}" for name in values)
                    tx.run(
                        f"UPDATE task SET {assignments}, version = :version WHERE id = :id",
                        {**values, "version": version + 1, "id": tid},
                    )
                    moved += 1
            # KOMBIT's baseline follows the go-live too (bookkeeping: no version, no history).
            tx.run_many(
                "UPDATE task SET baseline_start = :s, baseline_due = :d WHERE id = :id", baselines
            )
            tx.record(project, "golive", _plain(before), _plain(golive))
        return moved

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
            raise StoreError(f"ukendt projekt: '{project}' (brug {PROJECT_LIST})")
        if not 1 <= main_task <= 16:
            raise StoreError(f"ukendt hovedopgave: {main_task} (brug 1-16)")
        fields = validate_task_fields(
            title=title, description=description, start=start, due=due, warn_days=warn_days
        )
        assert fields.title is not None and fields.description is not None
        assert fields.warn_days is not None
        title, description, warn_days = fields.title, fields.description, fields.warn_days
        start, due = fields.start, fields.due
        checklist = [clean_text(item, "tjeklistepunkt") for item in checklist]
        prefix = f"{project}-{main_task:02d}-L"
        with self.writing() as tx:
            self.require_initialised(tx)
            number = self._next_local_number(tx, prefix)
            position = int(scalar(tx, "SELECT coalesce(max(position), 0) + 1 FROM task"))
            task_id = f"{prefix}{number}"
            row = {
                "id": task_id,
                "project": project,
                "main_task": main_task,
                "position": position,
                "title": title.strip(),
                "description": description,
                "category": category.value,
                "phase": "F2",
                "status": Status.NOT_STARTED.value,
                "start": start,
                "due": due,
                "start_manual": start is not None,
                "due_manual": due is not None,
                "warn_days": warn_days,
                "is_local": True,
                "version": 1,
                "withdrawn": False,
            }
            tx.run(insert_sql("task", list(row)), row)
            if checklist:
                items = [
                    {"task_id": task_id, "position": i, "text": item, "done": False}
                    for i, item in enumerate(checklist)
                ]
                tx.run_many(insert_sql("checklist_item", list(items[0])), items)
            tx.record(task_id, "oprettet", None, title.strip())
            return self.require_task(tx, task_id)

    def _next_local_number(self, sql: Sql, prefix: str) -> int:
        """The next local number under `prefix` (`SAPA-07-L`), never one given before: one past
        both the counter in meta (raised here, in the caller's write transaction, which holds the
        write lock) and every current id, so a deleted task's id never comes back."""
        key = LOCAL_ID_KEY + prefix.removesuffix("-L")
        existing = sql.rows("SELECT id FROM task WHERE id LIKE :p", {"p": prefix + "%"})
        stored = scalar(sql, "SELECT value FROM meta WHERE key = :key", {"key": key})
        highest = max(
            (int(i) for (tid,) in existing if (i := tid.removeprefix(prefix)).isdigit()),
            default=0,
        )
        number = 1 + max(highest, int(stored or 0))
        if stored is None:
            sql.run(insert_sql("meta", ("key", "value")), {"key": key, "value": str(number)})
        else:
            sql.run("UPDATE meta SET value = :v WHERE key = :key", {"v": str(number), "key": key})
        return number

    def delete_local_task(self, task_id: str, expected_version: int | None = None) -> None:
        with self.writing() as tx:
            task = self._locked_task(tx, task_id, expected_version)
            if not task.is_local:
                raise StoreError(
                    f"{task_id} kommer fra KOMBITs katalog og kan ikke slettes (kun lokale opgaver)"
                )
            tx.run("DELETE FROM checklist_item WHERE task_id = :id", {"id": task_id})
            tx.run("DELETE FROM task WHERE id = :id", {"id": task_id})
            tx.record(task_id, "slettet", task.title, None)

    def set_checklist_item(
        self, item_id: int, done: bool, expected_version: int | None = None
    ) -> tuple[TaskRow, Status | None]:
        """Tick or untick a checklist item; the last tick makes the task done, an untick reopens it.

        The checklist is part of its task: `expected_version` is the task's version the caller
        showed. Returns the task and the status it changed to (None when its status stayed).
        """
        with self.writing() as tx:
            row = first(
                tx,
                "SELECT task_id, done, text FROM checklist_item WHERE id = :id",
                {"id": item_id},
            )
            if row is None:
                raise StoreError(f"ukendt tjeklistepunkt: {item_id}")
            task_id, was_done, text = row
            task = self._locked_task(tx, task_id, expected_version)
            if bool(was_done) == done:
                return task, None
            tx.run(
                "UPDATE checklist_item SET done = :done WHERE id = :id",
                {"done": done, "id": item_id},
            )
            tx.record(task_id, "tjekliste", text, "✓" if done else "○")
            remaining = int(
                scalar(
                    tx,
                    "SELECT count(*) FROM checklist_item WHERE task_id = :id AND done = false",
                    {"id": task_id},
                )
            )
            target: Status | None = None
            if done and remaining == 0 and task.status != Status.DONE:
                target = Status.DONE
            elif (not done and task.status == Status.DONE) or (
                done and task.status == Status.NOT_STARTED
            ):
                target = Status.IN_PROGRESS
            values = self._status_values(tx, task, target) if target else {}
            self._apply(tx, task, values)
            return self.require_task(tx, task_id), target

    def restore_task(
        self,
        task_id: str,
        before: TaskRow,
        expected_version: int | None = None,
        only: Sequence[str] | None = None,
    ) -> TaskRow:
        """Undo: put status, dates, category, warning window and title back as they were in
        `before`; with `only`, just those fields (the ones the undone change touched)."""
        names = ("status", "start", "due", "warn_days", "category", "title")
        wanted = set(names if only is None else only)
        with self.writing() as tx:
            task = self._locked_task(tx, task_id, expected_version)
            values: dict[str, object] = {}
            if "status" in wanted and task.status != before.status:
                values.update(self._status_values(tx, task, before.status))
                values["completed_at"] = before.completed_at
            for name in names[1:]:
                if name not in wanted:
                    continue
                old, new = getattr(task, name), getattr(before, name)
                if name == "category" and not task.is_local:
                    continue  # KOMBIT's: only a newer catalogue changes it
                if old != new:
                    values[name] = new.value if isinstance(new, Category) else new
                    reason = None
                    baseline = getattr(task, f"baseline_{name}", None)
                    if name in ("start", "due") and not task.is_local and baseline is not None:
                        reason = getattr(before, f"{name}_reason") if new != baseline else None
                        values[f"{name}_reason"] = reason
                        values[f"{name}_manual"] = new != baseline
                    tx.record(task_id, name, _plain(old), _plain(new), reason)
            if values:
                self._apply(tx, task, values)
            return self.require_task(tx, task_id)


def _open_sqlite(path: Path) -> SqliteFile:
    """The standard-library connections to a SQLite file, preparing it first when it needs it."""
    from kigo_tui.storage.sqlite import SqliteFile, probe, writable

    exists = path.exists() and path.stat().st_size > 0
    found = probe(path) if exists else None
    if found is not None and found.ready(SCHEMA_VERSION):
        return SqliteFile(path, read_only=not writable(path))
    current = found is not None and found.problem is None and found.schema_version == SCHEMA_VERSION
    if current and not writable(path):  # current but not in WAL mode, and not ours to switch
        return SqliteFile(path, read_only=True)
    from kigo_tui.storage.engine import make_engine
    from kigo_tui.storage.schema import prepare_schema

    engine = make_engine(str(path))
    try:
        prepare_schema(engine)  # creates, backs up and upgrades, or refuses untouched
    finally:
        engine.dispose()
    return SqliteFile(path)


def _fields(outline: Outline) -> dict[str, Any]:
    """An Outline's fields, to build the Snapshot or Overview that extends it."""
    return {f.name: getattr(outline, f.name) for f in fields(Outline)}


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Category | Status):
        return value.value
    return value
