"""Storage of the defect log: add, change, delete and read defects. No Textual.

Every write is one transaction that bumps the database's revision and records what changed in
the history (under the key 'FEJL-<id>'), so nothing about a defect is lost. Each defect has a
version; a change based on an older version is refused like a task's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectError, DefectInput, DefectRow, check
from kigo_tui.domain.times import as_utc, iso_local, now_utc
from kigo_tui.storage.sql import Row, Sql, as_datetime, stored_datetime
from kigo_tui.storage.store import Store
from kigo_tui.storage.transaction import insert_sql, refuse_stale

_FIELDS = (
    "project",
    "title",
    "severity",
    "status",
    "reported_at",
    "responded_at",
    "fixed_at",
    "supplier_ref",
    "note",
)
_LABELS = {
    "project": "projekt",
    "title": "titel",
    "severity": "alvorlighed",
    "status": "status",
    "reported_at": "indberettet",
    "responded_at": "svar",
    "fixed_at": "rettet",
    "supplier_ref": "leverandørens reference",
    "note": "note",
}


def history_key(defect_id: int) -> str:
    """The history's key for a defect (tasks use their id; defects 'FEJL-<n>')."""
    return f"FEJL-{defect_id}"


_SELECT = (
    'SELECT id, "project", "title", "severity", "status", "reported_at", "responded_at", '
    '"fixed_at", "supplier_ref", "note", "version" FROM defect'
)


def _time(value: object) -> datetime | None:
    """A stored time as an aware UTC datetime (None for none)."""
    moment = as_datetime(value) if value else None
    return None if moment is None else as_utc(moment)


def _row(row: Row) -> DefectRow:
    defect_id, project, title, severity, status, reported, responded, fixed, ref, note, version = (
        row
    )
    return DefectRow(
        id=defect_id,
        project=project,
        title=title,
        severity=Severity(severity),
        status=DefectStatus(status),
        reported_at=as_utc(stored_datetime(reported)),
        responded_at=_time(responded),
        fixed_at=_time(fixed),
        supplier_ref=ref,
        note=note,
        version=version,
    )


def _values(defect: DefectInput) -> dict[str, object]:
    return {
        "project": defect.project,
        "title": defect.title,
        "severity": defect.severity.value,
        "status": defect.status.value,
        "reported_at": defect.reported_at,
        "responded_at": defect.responded_at,
        "fixed_at": defect.fixed_at,
        "supplier_ref": defect.supplier_ref,
        "note": defect.note,
    }


def _plain(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return iso_local(value)
    return str(value)


def list_defects(store: Store, project: str | None = None) -> list[DefectRow]:
    with store.reading() as sql:
        if project is None:
            rows = sql.rows(_SELECT + " ORDER BY id")
        else:
            rows = sql.rows(
                _SELECT + " WHERE project = :project ORDER BY id", {"project": project.upper()}
            )
    return [_row(r) for r in rows]


def get_defect(store: Store, defect_id: int) -> DefectRow:
    with store.reading() as sql:
        return _get(sql, defect_id)


def _get(sql: Sql, defect_id: int) -> DefectRow:
    rows = sql.rows(_SELECT + " WHERE id = :id", {"id": defect_id})
    if not rows:
        raise DefectError(f"ukendt fejl: {defect_id} (se 'kigo defect list')")
    return _row(rows[0])


def add_defect(store: Store, defect: DefectInput, now: datetime | None = None) -> DefectRow:
    """Register a new defect; returns it with its number."""
    now = as_utc(now) if now else now_utc()
    checked = check(defect, now)
    with store.writing() as tx:
        store.require_initialised(tx)
        values = {**_values(checked), "created_at": now, "user": tx.user, "version": 1}
        new_id = tx.insert_id(insert_sql("defect", list(values)), values)
        tx.record(history_key(new_id), "oprettet", None, checked.title)
        return _get(tx, new_id)


def to_input(row: DefectRow) -> DefectInput:
    return DefectInput(
        project=row.project,
        title=row.title,
        severity=row.severity,
        reported_at=row.reported_at,
        status=row.status,
        responded_at=row.responded_at,
        fixed_at=row.fixed_at,
        supplier_ref=row.supplier_ref,
        note=row.note,
    )


def save_defect(
    store: Store,
    defect_id: int,
    defect: DefectInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> DefectRow:
    """Replace a defect's fields with `defect` (checked); each changed field goes in the history."""
    now = as_utc(now) if now else now_utc()
    checked = check(defect, now)
    with store.writing() as tx:
        current = _get(tx, defect_id)
        refuse_stale(f"fejl {defect_id}", current.version, expected_version)
        old, new = _values(to_input(current)), _values(checked)
        changed = {name: new[name] for name in _FIELDS if old[name] != new[name]}
        if not changed:
            return current
        tx.update_versioned(
            "defect",
            defect_id,
            current.version,
            changed,
            conflict=f"fejl {defect_id} blev ændret samtidig af en anden; intet er gemt, prøv igen",
        )
        for name in changed:
            tx.record(history_key(defect_id), _LABELS[name], _plain(old[name]), _plain(new[name]))
        return _get(tx, defect_id)


def set_status(
    store: Store,
    defect_id: int,
    status: DefectStatus,
    at: datetime | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> DefectRow:
    """Move a defect to `status` at `at` (default now).

    Under behandling sets the response time (if it has none) and reopens a fixed defect; rettet
    sets the fix time; indberettet takes back both (the supplier has not answered after all).
    """
    now = as_utc(now) if now else now_utc()
    at = as_utc(at) if at else now
    current = get_defect(store, defect_id)
    changed = status_change(to_input(current), status, at)
    version = expected_version if expected_version is not None else current.version
    return save_defect(store, defect_id, changed, version, now)


def status_change(base: DefectInput, status: DefectStatus, at: datetime) -> DefectInput:
    """`base` moved to `status` at `at` (the rules of `set_status`)."""
    if status == DefectStatus.REPORTED:
        return replace(base, status=status, responded_at=None, fixed_at=None)
    if status == DefectStatus.ACKNOWLEDGED:
        return replace(base, status=status, responded_at=base.responded_at or at, fixed_at=None)
    return replace(base, status=status, fixed_at=at)


def defect_fields(defect: DefectInput) -> dict[str, object]:
    """A defect as the conflict dialog compares it: Danish label → the value the user reads."""
    from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS

    values = _values(defect)
    values["severity"] = SEVERITY_LABELS[defect.severity]
    values["status"] = STATUS_LABELS[defect.status]
    return {_LABELS[name]: _plain(values[name]) for name in _FIELDS}


def on_top(current: DefectRow, seen: DefectRow, mine: DefectInput) -> DefectInput:
    """The user's changes (the fields of `mine` that differ from `seen`, what the user started
    from) on top of `current` (a colleague's newer version): every other field keeps `current`."""
    from kigo_tui.domain.conflict import merged

    base, now = to_input(seen), to_input(current)
    fields = {name: getattr(now, name) for name in _FIELDS}
    wanted = merged(
        {n: getattr(base, n) for n in _FIELDS}, fields, {n: getattr(mine, n) for n in _FIELDS}
    )
    # `wanted` holds DefectInput's own fields with values taken from DefectInputs.
    return replace(now, **wanted)  # type: ignore[arg-type]  # field-by-field merge of one dataclass


def delete_defect(store: Store, defect_id: int, expected_version: int | None = None) -> DefectRow:
    """Delete a defect registered by mistake; the history keeps its title and what it was.

    With `expected_version` (the version the user saw), a defect changed since is not deleted.
    """
    with store.writing() as tx:
        current = _get(tx, defect_id)
        refuse_stale(f"fejl {defect_id}", current.version, expected_version)
        tx.run("DELETE FROM defect WHERE id = :id", {"id": defect_id})
        tx.record(
            history_key(defect_id),
            "slettet",
            f"{current.project}: {current.title} ({current.status.value})",
            None,
        )
        return current
