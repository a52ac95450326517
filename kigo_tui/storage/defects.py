"""Storage of the defect log: add, change, delete and read defects. No Textual.

Every write is one transaction that bumps the database's revision and records what changed in
the history (under the key 'FEJL-<id>'), so nothing about a defect is lost. Each defect has a
version; a change based on an older version is refused like a task's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectError, DefectInput, DefectRow, check
from kigo_tui.domain.times import as_utc, iso_local, now_utc
from kigo_tui.models.tables import DefectRecord
from kigo_tui.storage.schema import read_connection, write_transaction
from kigo_tui.storage.store import ConflictError, Store, refuse_stale

DEFECT = DefectRecord.__table__  # type: ignore[attr-defined]
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


def _row(mapping: object) -> DefectRow:
    m = dict(mapping)  # type: ignore[call-overload]
    return DefectRow(
        id=m["id"],
        project=m["project"],
        title=m["title"],
        severity=Severity(m["severity"]),
        status=DefectStatus(m["status"]),
        reported_at=as_utc(m["reported_at"]),
        responded_at=as_utc(m["responded_at"]) if m["responded_at"] else None,
        fixed_at=as_utc(m["fixed_at"]) if m["fixed_at"] else None,
        supplier_ref=m["supplier_ref"],
        note=m["note"],
        version=m["version"],
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
    query = select(DEFECT).order_by(DEFECT.c.id)
    if project is not None:
        query = query.where(DEFECT.c.project == project.upper())
    with read_connection(store.engine) as conn:
        return [_row(r._mapping) for r in conn.execute(query)]


def get_defect(store: Store, defect_id: int) -> DefectRow:
    with read_connection(store.engine) as conn:
        return _get(conn, defect_id)


def _get(conn: Connection, defect_id: int) -> DefectRow:
    row = conn.execute(select(DEFECT).where(DEFECT.c.id == defect_id)).first()
    if row is None:
        raise DefectError(f"ukendt fejl: {defect_id} (se 'kigo defect list')")
    return _row(row._mapping)


def add_defect(store: Store, defect: DefectInput, now: datetime | None = None) -> DefectRow:
    """Register a new defect; returns it with its number."""
    now = as_utc(now) if now else now_utc()
    checked = check(defect, now)
    with write_transaction(store.engine) as conn:
        store.require_initialised(conn)
        new_id = conn.execute(
            insert(DEFECT).values(**_values(checked), created_at=now, user=store.user, version=1)
        ).inserted_primary_key[0]
        store.record(conn, history_key(new_id), "oprettet", None, checked.title)
        store.bump_revision(conn)
        return _get(conn, new_id)


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
    with write_transaction(store.engine) as conn:
        current = _get(conn, defect_id)
        refuse_stale(f"fejl {defect_id}", current.version, expected_version)
        old, new = _values(to_input(current)), _values(checked)
        changed = {name: new[name] for name in _FIELDS if old[name] != new[name]}
        if not changed:
            return current
        result = conn.execute(
            update(DEFECT)
            .where(DEFECT.c.id == defect_id, DEFECT.c.version == current.version)
            .values(**changed, version=current.version + 1)
        )
        if result.rowcount != 1:
            raise ConflictError(
                f"fejl {defect_id} blev ændret samtidig af en anden; intet er gemt, prøv igen"
            )
        for name in changed:
            store.record(
                conn, history_key(defect_id), _LABELS[name], _plain(old[name]), _plain(new[name])
            )
        store.bump_revision(conn)
        return _get(conn, defect_id)


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
    return replace(now, **wanted)


def delete_defect(store: Store, defect_id: int, expected_version: int | None = None) -> DefectRow:
    """Delete a defect registered by mistake; the history keeps its title and what it was.

    With `expected_version` (the version the user saw), a defect changed since is not deleted.
    """
    with write_transaction(store.engine) as conn:
        current = _get(conn, defect_id)
        refuse_stale(f"fejl {defect_id}", current.version, expected_version)
        conn.execute(delete(DEFECT).where(DEFECT.c.id == defect_id))
        store.record(
            conn,
            history_key(defect_id),
            "slettet",
            f"{current.project}: {current.title} ({current.status.value})",
            None,
        )
        store.bump_revision(conn)
        return current
