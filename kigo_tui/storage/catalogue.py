"""Merging a newer catalogue into a kommune's database (`kigo catalogue import FILE`).

`plan_update` compares a catalogue with the database and says what would change (for
`--dry-run`); `apply_update` makes exactly those changes in one write transaction. Both diff the
catalogue against what is stored, so importing the same file twice changes nothing the second
time; the version check only refuses a catalogue older than the one the database has.

What a merge does and never does:

* New tasks are added with dates from their project's go-live.
* Changed titles, descriptions, categories, phases, offsets, warning windows and exit
  priorities update their tasks; dates that are not edited by hand follow the new offsets.
  Dates edited by hand (`start_manual` / `due_manual`) stay. New checklist items are appended;
  items the catalogue dropped stay (with their ticks).
* A field the kommune edited by hand (title, description, category, warning window) is kept
  when the catalogue did not change it since; when the catalogue did change it, the catalogue
  wins and the history keeps the kommune's value. The catalogue value the edit started from is
  read from the history (the `old` value of the first hand edit since the catalogue last set it).
* Tasks the catalogue withdraws are kept, marked `withdrawn`, with status and history; they are
  left out of `Store.snapshot()` and so of the tree, the colours and the export. A withdrawn task
  the catalogue has again is re-instated.
* Status, completion time, previous status and history are never changed. Local tasks (the
  kommune's own) are never touched.

Every changed field is recorded in the history as `katalog:<field>` by the store's user. No
Textual here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from typing import Any, Literal

from kigo_tui.domain.catalogue import Catalogue, TaskSpec
from kigo_tui.domain.dates import short_date
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import count
from kigo_tui.storage.sql import Sql, as_date, in_list
from kigo_tui.storage.store import (
    NotInitialisedError,
    Store,
    StoreError,
    catalogue_task_row,
    date_from_golive,
)
from kigo_tui.storage.transaction import Transaction, insert_sql

HISTORY_PREFIX = "katalog:"
CATALOGUE_HISTORY_ID = "KATALOG"
"""The history's task_id for rows about the catalogue itself (its version)."""

TASK_FIELDS = (
    "title",
    "description",
    "category",
    "phase",
    "start_offset",
    "due_offset",
    "warn_days",
    "exit_priority",
)
"""Task columns that come from the catalogue, in the order changes are listed."""

USER_FIELDS = frozenset({"title", "description", "category", "warn_days"})
"""Of those, the ones a user can edit by hand (`Store.edit_task`, `Store.restore_task`)."""

FIELD_LABELS = {
    "title": "titel",
    "description": "beskrivelse",
    "category": "kategori",
    "phase": "fase",
    "start_offset": "start (dage fra idriftsættelse)",
    "due_offset": "slutdato (dage fra idriftsættelse)",
    "warn_days": "varsel",
    "exit_priority": "exit-prioritet",
    "start": "start",
    "due": "slutdato",
    "name": "navn",
    "group": "gruppe",
    "purpose": "formål",
}


class MassWithdrawalError(StoreError):
    """The catalogue would withdraw more than half of the kommune's catalogue tasks, and the user
    has not confirmed it; nothing changed."""


class CatalogueVersionError(StoreError):
    """The catalogue is older than the database's, or a version cannot be read; nothing changed."""


# ---------------------------------------------------------------------------------------------
# The plan


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    """A task column: one of TASK_FIELDS, or "start" / "due" (a derived date that moves)."""
    old: object
    new: object
    overrides_local: bool = False
    """The old value was the kommune's own edit; the catalogue changed the field, so it wins."""


@dataclass(frozen=True, slots=True)
class TaskChange:
    task_id: str
    title: str
    """The title after the update."""
    fields: tuple[FieldChange, ...] = ()
    checklist_added: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.field for f in self.fields)

    def get(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.field == name), None)


@dataclass(frozen=True, slots=True)
class TextChange:
    """A changed text of a project or a hovedopgave (old is None: not in the database before)."""

    kind: Literal["project", "main_task"]
    key: str
    """Project code, or the hovedopgave's number as text."""
    field: str
    old: str | None
    new: str


@dataclass(frozen=True, slots=True)
class SkipChange:
    """A hovedopgave a project skips: new (old_reason None), removed (new_reason None) or changed."""

    project: str
    main_task: int
    old_reason: str | None
    new_reason: str | None


@dataclass(frozen=True)
class CatalogueUpdate:
    old_version: str
    """The catalogue version the database had."""
    new_version: str
    added: tuple[str, ...] = ()
    changed: tuple[TaskChange, ...] = ()
    withdrawn: tuple[str, ...] = ()
    reinstated: tuple[str, ...] = ()
    """Withdrawn before, in the catalogue again. Their field changes, if any, are in `changed`."""
    project_texts: tuple[TextChange, ...] = ()
    main_task_texts: tuple[TextChange, ...] = ()
    skips: tuple[SkipChange, ...] = ()
    positions: Mapping[str, int] = field(default_factory=dict)
    """Existing tasks whose place within their hovedopgave must change to follow the catalogue's
    order (bookkeeping: no history, no task version). Usually empty: positions only move when
    the catalogue reorders tasks, or a new task cannot be slotted in between its neighbours."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """Titles of the tasks named above, for the text."""
    warnings: tuple[str, ...] = ()
    applied: bool = False
    """True when `apply_update` made the changes; False for a plan (dry run)."""
    active_before: int = 0
    """The kommune's catalogue tasks that were not withdrawn before this update."""

    @property
    def mass_withdrawal(self) -> bool:
        """More than half of the kommune's catalogue tasks would be withdrawn: most likely the
        wrong file (another project's, a truncated one), so it needs the user's confirmation."""
        return self.active_before > 0 and 2 * len(self.withdrawn) > self.active_before

    def mass_withdrawal_message(self) -> str:
        return (
            f"kataloget {self.new_version} ville tilbagetrække {len(self.withdrawn)} af kommunens "
            f"{count(self.active_before, 'katalogopgave', 'katalogopgaver')} (mere end halvdelen). Er det det rigtige "
            "katalog? Se listen med --dry-run, og importér med --force, hvis det er meningen; "
            "intet er ændret"
        )

    @property
    def version_changes(self) -> bool:
        return self.old_version != self.new_version

    @property
    def is_empty(self) -> bool:
        return not (
            self.version_changes
            or self.added
            or self.changed
            or self.withdrawn
            or self.reinstated
            or self.project_texts
            or self.main_task_texts
            or self.skips
            or self.positions
        )

    @property
    def changed_ids(self) -> tuple[str, ...]:
        return tuple(c.task_id for c in self.changed)

    def change_for(self, task_id: str) -> TaskChange | None:
        return next((c for c in self.changed if c.task_id == task_id), None)

    @property
    def new_skips(self) -> tuple[SkipChange, ...]:
        return tuple(s for s in self.skips if s.old_reason is None)

    def lines(self) -> list[str]:
        """The update as Danish text lines, for `--dry-run` and the summary after an import."""
        if self.is_empty:
            return [f"Ingen ændringer: databasen har allerede katalog version {self.new_version}"]
        verb = "Katalog opdateret" if self.applied else "Katalogimport (prøvekørsel, intet ændret)"
        if self.version_changes:
            out = [f"{verb}: version {self.old_version} → {self.new_version}"]
        else:
            out = [f"{verb}: version {self.new_version} (samme version, nyt indhold)"]

        def title(task_id: str) -> str:
            return f"{task_id} {self.titles.get(task_id, '')}".rstrip()

        if self.added:
            out.append(f"Nye opgaver ({len(self.added)}):")
            out += [f"  + {title(i)}" for i in self.added]
        if self.changed:
            out.append(f"Ændrede opgaver ({len(self.changed)}):")
            for change in self.changed:
                parts = [_describe_field(f) for f in change.fields]
                parts += [f"nyt tjeklistepunkt '{text}'" for text in change.checklist_added]
                out.append(f"  ~ {change.task_id}: " + "; ".join(parts))
        if self.withdrawn:
            out.append(
                f"Tilbagetrukne opgaver ({len(self.withdrawn)}) "
                "– beholdes med status og historik, men vises og tælles ikke:"
            )
            out += [f"  − {title(i)}" for i in self.withdrawn]
        if self.reinstated:
            out.append(f"Genindsatte opgaver ({len(self.reinstated)}):")
            out += [f"  ↺ {title(i)}" for i in self.reinstated]
        texts = self.project_texts + self.main_task_texts
        if texts:
            out.append(f"Ændrede tekster ({len(texts)}):")
            for t in texts:
                where = f"projekt {t.key}" if t.kind == "project" else f"hovedopgave {t.key}"
                label = FIELD_LABELS.get(t.field, t.field)
                if t.field in ("description", "purpose"):
                    out.append(f"  ~ {where}: {label} ændret")
                else:
                    out.append(f"  ~ {where}: {label} {_quote(t.old)} → {_quote(t.new)}")
        if self.skips:
            out.append(f"Hovedopgaver der springes over ({len(self.skips)}):")
            for s in self.skips:
                where = f"{s.project} hovedopgave {s.main_task}"
                if s.old_reason is None:
                    out.append(f"  + {where}: {s.new_reason}")
                elif s.new_reason is None:
                    out.append(f"  − {where} springes ikke længere over")
                else:
                    out.append(f"  ~ {where}: begrundelse ændret til: {s.new_reason}")
        if self.positions:
            out.append(
                f"Rækkefølgen justeret for {count(len(self.positions), 'opgave', 'opgaver')}"
            )
        if self.warnings:
            out.append(f"Advarsler ({len(self.warnings)}):")
            out += [f"  ! {w}" for w in self.warnings]
        if self.mass_withdrawal and not self.applied:
            out.append(f"Bemærk: {self.mass_withdrawal_message()}")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _quote(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _describe_field(change: FieldChange) -> str:
    label = FIELD_LABELS.get(change.field, change.field)
    if change.field == "description":
        text = f"{label} ændret"
    elif change.field in ("category", "phase", "exit_priority"):
        text = f"{label} {change.old or '—'} → {change.new or '—'}"
    else:
        text = f"{label} {_quote(change.old)} → {_quote(change.new)}"
    if change.overrides_local:
        text += " (erstatter kommunens egen rettelse)"
    return text


# ---------------------------------------------------------------------------------------------
# Versions


_VERSION_PATTERN = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9}){0,9}", re.ASCII)


def parse_version(version: str, whose: str = "kataloget") -> tuple[int, ...]:
    """'2026.11.1' → (2026, 11, 1); anything but numbers separated by dots is refused."""
    if not _VERSION_PATTERN.fullmatch(version):
        raise CatalogueVersionError(
            f"versionen af {whose} ('{version}') kan ikke læses: forventede tal adskilt af "
            "punktum, fx 2026.11.1; intet er ændret"
        )
    return tuple(int(part) for part in version.split("."))


def check_version(database_version: str, catalogue_version: str) -> None:
    """Refuse a catalogue older than the database's; the same or a newer version is fine."""
    new = parse_version(catalogue_version, "kataloget")
    if not database_version:
        return
    old = parse_version(database_version, "databasens katalog")
    if new < old:
        raise CatalogueVersionError(
            f"kataloget har version {catalogue_version}, men databasen bruger allerede version "
            f"{database_version}; et ældre katalog kan ikke indlæses (intet er ændret)"
        )


# ---------------------------------------------------------------------------------------------
# Reading the database


@dataclass
class _State:
    meta: dict[str, str]
    golives: dict[str, date | None]
    projects: dict[str, dict[str, Any]]
    main_tasks: dict[int, dict[str, Any]]
    skipped: dict[tuple[str, int], str]
    tasks: dict[str, dict[str, Any]]
    """Catalogue tasks (not local), withdrawn ones included."""
    checklist: dict[str, list[str]]
    checklist_next: dict[str, int]
    baselines: dict[tuple[str, str], str | None]
    """(task, field) → the catalogue value a hand edit started from (as text); absent: no edit."""


_TASK_COLUMNS = (
    "id",
    *TASK_FIELDS,
    "start",
    "due",
    "start_manual",
    "due_manual",
    "baseline_start",
    "baseline_due",
    "withdrawn",
    "position",
    "version",
)
_DATES = frozenset({"start", "due", "baseline_start", "baseline_due"})
_FLAGS = frozenset({"start_manual", "due_manual", "withdrawn"})


def _typed(name: str, value: object) -> object:
    """A task column's stored value as Python has it (dates as `date`, flags as `bool`)."""
    if name in _DATES:
        return as_date(value)
    if name in _FLAGS:
        return bool(value)
    return value


def _read_state(sql: Sql) -> _State:
    meta: dict[str, str] = {k: v for k, v in sql.rows("SELECT key, value FROM meta")}
    if "kommune_code" not in meta:
        raise NotInitialisedError(
            "databasen er ikke oprettet endnu: kør 'kigo init --kommune KODE' eller 'kigo demo'"
        )
    projects: dict[str, dict[str, Any]] = {
        code: {"code": code, "name": name, "description": description, "golive": as_date(golive)}
        for code, name, description, golive in sql.rows(
            "SELECT code, name, description, golive FROM project"
        )
    }
    main_columns = ("number", "name", "group", "description", "purpose")
    main_tasks: dict[int, dict[str, Any]] = {
        row[0]: dict(zip(main_columns, row, strict=True))
        for row in sql.rows(
            "SELECT " + ", ".join(f'"{c}"' for c in main_columns) + " FROM main_task"
        )
    }
    skipped = {
        (project, number): reason
        for project, number, reason in sql.rows(
            "SELECT project, main_task, reason FROM skipped_main_task"
        )
    }
    tasks: dict[str, dict[str, Any]] = {
        row[0]: {name: _typed(name, value) for name, value in zip(_TASK_COLUMNS, row, strict=True)}
        for row in sql.rows(
            "SELECT "
            + ", ".join(f'"{c}"' for c in _TASK_COLUMNS)
            + " FROM task WHERE is_local = false"
        )
    }
    checklist: dict[str, list[str]] = defaultdict(list)
    checklist_next: dict[str, int] = {}
    for task_id, position, text_ in sql.rows(
        "SELECT task_id, position, text FROM checklist_item ORDER BY task_id, position, id"
    ):
        checklist[task_id].append(text_)
        checklist_next[task_id] = max(checklist_next.get(task_id, 0), position + 1)
    names = sorted(USER_FIELDS | {HISTORY_PREFIX + f for f in USER_FIELDS})
    baselines: dict[tuple[str, str], str | None] = {}
    wanted, params = in_list("field", names)
    for task_id, name, old in sql.rows(
        f"SELECT task_id, field, old FROM history WHERE field IN {wanted} ORDER BY id", params
    ):
        if task_id not in tasks:
            continue
        if name.startswith(HISTORY_PREFIX):
            baselines.pop((task_id, name.removeprefix(HISTORY_PREFIX)), None)
        else:
            baselines.setdefault((task_id, name), old)
    return _State(
        meta=meta,
        golives={code: p["golive"] for code, p in projects.items()},
        projects=projects,
        main_tasks=main_tasks,
        skipped=skipped,
        tasks=tasks,
        checklist=dict(checklist),
        checklist_next=checklist_next,
        baselines=baselines,
    )


def _spec_value(spec: TaskSpec, name: str) -> object:
    value = getattr(spec, name)
    return value.value if hasattr(value, "value") else value


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------
# Diffing


def _task_change(
    state: _State, spec: TaskSpec, current: Mapping[str, Any]
) -> tuple[TaskChange | None, list[str]]:
    fields: list[FieldChange] = []
    warnings: list[str] = []
    for name in TASK_FIELDS:
        new = _spec_value(spec, name)
        old = current[name]
        if new == old:
            continue
        baseline_key = (spec.id, name)
        locally_edited = name in USER_FIELDS and baseline_key in state.baselines
        if locally_edited and state.baselines[baseline_key] == _as_text(new):
            continue  # the catalogue did not change it; the kommune's edit stays
        fields.append(FieldChange(name, old, new, overrides_local=locally_edited))

    golive = state.golives.get(spec.project)
    start, due = current["start"], current["due"]
    new_start = start if current["start_manual"] else date_from_golive(golive, spec.start_offset)
    new_due = due if current["due_manual"] else date_from_golive(golive, spec.due_offset)
    if new_start and new_due and new_start > new_due:
        # Only possible when one date is hand-edited: that one wins, the derived one yields.
        if current["due_manual"]:
            warnings.append(
                f"{spec.id}: den beregnede start ({short_date(new_start)}) ligger efter den "
                f"håndrettede slutdato; start sættes til slutdatoen {short_date(new_due)}"
            )
            new_start = new_due
        else:
            warnings.append(
                f"{spec.id}: den beregnede slutdato ({short_date(new_due)}) ligger før den "
                f"håndrettede start; slutdatoen sættes til starten {short_date(new_start)}"
            )
            new_due = new_start
    if new_start != start:
        fields.append(FieldChange("start", start, new_start))
    if new_due != due:
        fields.append(FieldChange("due", due, new_due))

    existing = set(state.checklist.get(spec.id, ()))
    added = tuple(item for item in dict.fromkeys(spec.checklist) if item not in existing)
    if not fields and not added:
        return None, warnings
    title = next((f.new for f in fields if f.field == "title"), current["title"])
    return TaskChange(spec.id, str(title), tuple(fields), added), warnings


def _target_positions(state: _State, catalogue: Catalogue) -> dict[str, int]:
    """Positions for new tasks, and for existing ones only where the order needs them to move.

    Order matters only within a hovedopgave of a project (local tasks sort after catalogue tasks;
    see `Store.snapshot`). A task's target is its index in the catalogue, as `Store.initialise`
    gives it. Existing tasks keep their positions when, with the new tasks at their targets, the
    hovedopgave is still in the catalogue's order; otherwise the hovedopgave is renumbered.
    """
    groups: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    for index, spec in enumerate(catalogue.tasks):
        groups[(spec.project, spec.main_task)].append((spec.id, index))
    result: dict[str, int] = {}
    for members in groups.values():
        planned = [
            (task_id, state.tasks[task_id]["position"] if task_id in state.tasks else index)
            for task_id, index in members
        ]
        values = [position for _, position in planned]
        in_order = all(a < b for a, b in pairwise(values))
        for (task_id, index), (_, position) in zip(members, planned, strict=True):
            if task_id not in state.tasks or (not in_order and position != index):
                result[task_id] = index
    return result


def _plan(state: _State, catalogue: Catalogue) -> CatalogueUpdate:
    old_version = state.meta.get("catalogue_version", "")
    check_version(old_version, catalogue.version)

    added: list[str] = []
    changed: list[TaskChange] = []
    reinstated: list[str] = []
    warnings: list[str] = []
    titles: dict[str, str] = {}
    positions = {
        task_id: position
        for task_id, position in _target_positions(state, catalogue).items()
        if task_id in state.tasks
    }
    for spec in catalogue.tasks:
        current = state.tasks.get(spec.id)
        if current is None:
            added.append(spec.id)
            titles[spec.id] = spec.title
            continue
        if current["withdrawn"]:
            reinstated.append(spec.id)
            titles[spec.id] = current["title"]
        change, task_warnings = _task_change(state, spec, current)
        warnings += task_warnings
        if change is not None:
            changed.append(change)
            titles[spec.id] = change.title

    in_catalogue = {spec.id for spec in catalogue.tasks}
    withdrawn = [
        task_id
        for task_id, row in sorted(
            state.tasks.items(), key=lambda item: (item[1]["position"], item[0])
        )
        if task_id not in in_catalogue and not row["withdrawn"]
    ]
    for task_id in withdrawn:
        titles[task_id] = state.tasks[task_id]["title"]

    project_texts = [
        TextChange("project", spec.code, name, state.projects.get(spec.code, {}).get(name), new)
        for spec in sorted(catalogue.projects, key=lambda p: PROJECT_CODES.index(p.code))
        for name in ("name", "description")
        if (new := getattr(spec, name)) != state.projects.get(spec.code, {}).get(name)
    ]
    main_task_texts = [
        TextChange(
            "main_task",
            str(spec.number),
            name,
            state.main_tasks.get(spec.number, {}).get(name),
            new,
        )
        for spec in sorted(catalogue.main_tasks, key=lambda m: m.number)
        for name in ("name", "group", "description", "purpose")
        if (new := getattr(spec, name)) != state.main_tasks.get(spec.number, {}).get(name)
    ]
    wanted: dict[tuple[str, int], str] = {
        (s.project, s.main_task): s.reason for s in catalogue.skipped
    }
    skips = [
        SkipChange(
            project, number, state.skipped.get((project, number)), wanted.get((project, number))
        )
        for project, number in sorted(
            set(wanted) | set(state.skipped), key=lambda k: (PROJECT_CODES.index(k[0]), k[1])
        )
        if wanted.get((project, number)) != state.skipped.get((project, number))
    ]
    return CatalogueUpdate(
        old_version=old_version,
        new_version=catalogue.version,
        added=tuple(added),
        changed=tuple(changed),
        withdrawn=tuple(withdrawn),
        reinstated=tuple(reinstated),
        project_texts=tuple(project_texts),
        main_task_texts=tuple(main_task_texts),
        skips=tuple(skips),
        positions=positions,
        titles=titles,
        warnings=tuple(warnings),
        active_before=sum(1 for row in state.tasks.values() if not row["withdrawn"]),
    )


# ---------------------------------------------------------------------------------------------
# Public API


def plan_update(store: Store, catalogue: Catalogue) -> CatalogueUpdate:
    """What importing `catalogue` would change; changes nothing (the `--dry-run`).

    Raises CatalogueVersionError for a catalogue older than the database's.
    """
    with store.reading() as sql:
        return _plan(_read_state(sql), catalogue)


def apply_update(
    store: Store, catalogue: Catalogue, *, confirm_withdrawal: bool = False
) -> CatalogueUpdate:
    """Import `catalogue` in one write transaction and return what changed (`applied=True`).

    The plan is made again inside the transaction, so it matches what is written even if another
    process changed something since a dry run. An empty plan writes nothing (same revision).
    A plan that withdraws more than half of the kommune's catalogue tasks raises
    MassWithdrawalError unless `confirm_withdrawal` is given.
    """
    with store.writing() as tx:
        state = _read_state(tx)
        plan = _plan(state, catalogue)
        if plan.is_empty:
            return plan
        if plan.mass_withdrawal and not confirm_withdrawal:
            raise MassWithdrawalError(plan.mass_withdrawal_message())
        _write(tx, state, catalogue, plan)
        return replace(plan, applied=True)


def withdrawn_task_ids(store: Store) -> list[str]:
    """Tasks the catalogue has withdrawn (kept in the database, absent from the snapshot)."""
    with store.reading() as sql:
        rows = sql.rows("SELECT id FROM task WHERE withdrawn = true ORDER BY project, id")
    return [task_id for (task_id,) in rows]


# ---------------------------------------------------------------------------------------------
# Writing


def _record(tx: Transaction, task_id: str, name: str, old: object, new: object) -> None:
    tx.record(task_id, HISTORY_PREFIX + name, _as_text(old), _as_text(new))


def _update_task(tx: Transaction, task_id: str, version: int, values: dict[str, object]) -> None:
    tx.update_versioned(
        "task",
        task_id,
        version,
        values,
        conflict=f"{task_id} blev ændret samtidig af en anden; prøv importen igen",
    )


def _write(tx: Transaction, state: _State, catalogue: Catalogue, plan: CatalogueUpdate) -> None:
    specs = {spec.id: spec for spec in catalogue.tasks}
    positions = _target_positions(state, catalogue)

    # New tasks: dates from the go-live, like `Store.initialise`.
    if plan.added:
        rows, checklist = [], []
        for task_id in plan.added:
            spec = specs[task_id]
            golive = state.golives.get(spec.project)
            rows.append(catalogue_task_row(spec, positions[spec.id], golive))
            checklist += [
                {"task_id": spec.id, "position": i, "text": item, "done": False}
                for i, item in enumerate(spec.checklist)
            ]
        tx.run_many(insert_sql("task", list(rows[0])), rows)
        if checklist:
            tx.run_many(insert_sql("checklist_item", list(checklist[0])), checklist)
        for task_id in plan.added:
            _record(tx, task_id, "tilføjet", None, specs[task_id].title)

    # Changed and re-instated tasks: catalogue fields only; status and history stay.
    reinstated = set(plan.reinstated)
    changes = {c.task_id: c for c in plan.changed}
    for task_id in dict.fromkeys([*changes, *plan.reinstated]):
        values: dict[str, object] = {}
        change = changes.get(task_id)
        if change is not None:
            for fc in change.fields:
                values[fc.field] = fc.new
                _record(tx, task_id, fc.field, fc.old, fc.new)
            if change.checklist_added:
                start = state.checklist_next.get(task_id, 0)
                tx.run_many(
                    insert_sql("checklist_item", ("task_id", "position", "text", "done")),
                    [
                        {"task_id": task_id, "position": start + i, "text": item, "done": False}
                        for i, item in enumerate(change.checklist_added)
                    ],
                )
                for item in change.checklist_added:
                    _record(tx, task_id, "tjekliste", None, item)
        # KOMBIT's baseline follows the catalogue's offsets (bookkeeping: no history line).
        spec, golive = specs[task_id], state.golives.get(specs[task_id].project)
        for name, offset in (
            ("baseline_start", spec.start_offset),
            ("baseline_due", spec.due_offset),
        ):
            if (baseline := date_from_golive(golive, offset)) != state.tasks[task_id][name]:
                values[name] = baseline
        if task_id in reinstated:
            values["withdrawn"] = False
            _record(tx, task_id, "genindsat", plan.old_version, plan.new_version)
        _update_task(tx, task_id, state.tasks[task_id]["version"], values)

    for task_id in plan.withdrawn:
        _update_task(tx, task_id, state.tasks[task_id]["version"], {"withdrawn": True})
        _record(tx, task_id, "tilbagetrukket", plan.old_version, plan.new_version)

    # The order is bookkeeping: no history, no task version.
    tx.run_many(
        "UPDATE task SET position = :position WHERE id = :id",
        [{"id": task_id, "position": position} for task_id, position in plan.positions.items()],
    )

    for t in plan.project_texts:
        tx.run(
            f'UPDATE project SET "{t.field}" = :value WHERE code = :code',
            {"value": t.new, "code": t.key},
        )
    for t in plan.main_task_texts:
        number = int(t.key)
        if number in state.main_tasks:
            tx.run(
                f'UPDATE main_task SET "{t.field}" = :value WHERE number = :number',
                {"value": t.new, "number": number},
            )
    new_main_tasks = [
        m.model_dump() for m in catalogue.main_tasks if m.number not in state.main_tasks
    ]
    if new_main_tasks:
        tx.run_many(insert_sql("main_task", list(new_main_tasks[0])), new_main_tasks)

    for s in plan.skips:
        where = {"project": s.project, "main_task": s.main_task}
        if s.old_reason is None:
            tx.run(
                insert_sql("skipped_main_task", ("project", "main_task", "reason")),
                {**where, "reason": s.new_reason},
            )
        elif s.new_reason is None:
            tx.run(
                "DELETE FROM skipped_main_task WHERE project = :project AND main_task = :main_task",
                where,
            )
        else:
            tx.run(
                "UPDATE skipped_main_task SET reason = :reason "
                "WHERE project = :project AND main_task = :main_task",
                {**where, "reason": s.new_reason},
            )

    if plan.version_changes:
        if "catalogue_version" in state.meta:
            tx.run(
                "UPDATE meta SET value = :value WHERE key = 'catalogue_version'",
                {"value": plan.new_version},
            )
        else:
            tx.run(
                insert_sql("meta", ("key", "value")),
                {"key": "catalogue_version", "value": plan.new_version},
            )
        _record(tx, CATALOGUE_HISTORY_ID, "version", plan.old_version or None, plan.new_version)
    tx.touch()  # an import that changed only the order or the texts is a change too
