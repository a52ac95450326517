"""Storage of the KMD Sag exit workspace: read, save and delete sagsområder. No Textual.

Every sagsområde has a version, raised by every change; a save or delete based on an older
version is refused (`ConflictError`), so a colleague's change is never overwritten unseen. Each
changed field goes in the history under 'SAG-<id>'.
"""

from __future__ import annotations

from kigo_tui.exit_strategy import CaseArea
from kigo_tui.sqlio import Sql
from kigo_tui.store import ConflictError, Store, StoreError, insert_sql, refuse_stale

FIELDS = [name for name in CaseArea.model_fields if name != "id"]
_COLUMNS = ", ".join(f'"{name}"' for name in ["id", *FIELDS])
_UPDATE = (
    "UPDATE case_area SET "
    + ", ".join(f'"{name}" = :{name}' for name in FIELDS)
    + ", version = version + 1 WHERE id = :id AND version = :version"
)


class CaseAreaError(StoreError):
    pass


def history_key(area_id: int) -> str:
    """The history's key for a case area (tasks use their id; defects 'FEJL-<n>')."""
    return f"SAG-{area_id}"


def _area(row: tuple) -> CaseArea:
    return CaseArea.model_validate(dict(zip(["id", *FIELDS], row, strict=True)))


def list_areas(store: Store) -> list[CaseArea]:
    return list_versioned(store)[0]


def list_versioned(store: Store) -> tuple[list[CaseArea], dict[int, int]]:
    """The areas and, by id, the version each was read at (one consistent read)."""
    with store.reading() as sql:
        rows = sql.rows(
            f"SELECT {_COLUMNS}, version FROM case_area ORDER BY field_area, case_area, id"
        )
    return [_area(row[:-1]) for row in rows], {row[0]: row[-1] for row in rows}


def get_area(store: Store, area_id: int) -> tuple[CaseArea, int]:
    """One area and its version; CaseAreaError for an unknown id."""
    with store.reading() as sql:
        return _get(sql, area_id)


def _get(sql: Sql, area_id: int) -> tuple[CaseArea, int]:
    rows = sql.rows(f"SELECT {_COLUMNS}, version FROM case_area WHERE id = :id", {"id": area_id})
    if not rows:
        raise CaseAreaError(f"ukendt sagsområde: id {area_id}")
    return _area(rows[0][:-1]), rows[0][-1]


def _values(area: CaseArea) -> dict[str, object]:
    return area.model_dump(include=set(FIELDS))


def _insert(sql: Sql, area: CaseArea) -> int:
    return sql.insert_id(
        insert_sql("case_area", [*FIELDS, "version"]), {**_values(area), "version": 1}
    )


def _update(store: Store, sql: Sql, area: CaseArea, old: CaseArea, version: int) -> list[str]:
    """Write `area` over `old` (read at `version`) and record each changed field; the fields."""
    assert area.id is not None
    new_values, old_values = _values(area), _values(old)
    changed = [name for name in FIELDS if new_values[name] != old_values[name]]
    if not changed:
        return []
    if sql.run(_UPDATE, {**new_values, "id": area.id, "version": version}) != 1:
        raise ConflictError(
            f"sagsområde {area.id} blev ændret samtidig af en anden; intet er gemt, prøv igen"
        )
    for name in changed:
        store.record(
            sql, history_key(area.id), name, _plain(old_values[name]), _plain(new_values[name])
        )
    return changed


def _plain(value: object) -> object:
    return None if value is None or value == "" else value


def save_area(store: Store, area: CaseArea, expected_version: int | None = None) -> CaseArea:
    """Insert a new area (id None) or update an existing one; returns it with its id.

    For an update, `expected_version` is the version the user saw: a save based on an older one
    is refused (ConflictError, nothing saved).
    """
    with store.writing() as sql:
        store.require_initialised(sql)
        if area.id is None:
            area = area.model_copy(update={"id": _insert(sql, area)})
            assert area.id is not None
            store.record(sql, history_key(area.id), "oprettet", None, area.case_area)
        else:
            old, version = _get(sql, area.id)
            refuse_stale(f"sagsområde {area.id}", version, expected_version)
            if not _update(store, sql, area, old, version):
                return area
        store.bump_revision(sql)
    return area


def save_areas(store: Store, areas: list[CaseArea]) -> tuple[int, int]:
    """Save many areas in one transaction (an Excel import); returns (added, updated)."""
    added = updated = 0
    with store.writing() as sql:
        store.require_initialised(sql)
        existing = {row[0] for row in sql.rows("SELECT id FROM case_area")}
        for area in areas:
            if area.id is not None and area.id in existing:
                old, version = _get(sql, area.id)
                _update(store, sql, area, old, version)
                updated += 1
            else:
                new_id = _insert(sql, area)
                store.record(sql, history_key(new_id), "oprettet", None, area.case_area)
                added += 1
        store.bump_revision(sql)
    return added, updated


def delete_area(store: Store, area_id: int, expected_version: int | None = None) -> None:
    """Delete an area; with `expected_version`, one changed since the user saw it is kept."""
    with store.writing() as sql:
        old, version = _get(sql, area_id)
        refuse_stale(f"sagsområde {area_id}", version, expected_version)
        sql.run("DELETE FROM case_area WHERE id = :id", {"id": area_id})
        store.record(sql, history_key(area_id), "slettet", old.case_area, None)
        store.bump_revision(sql)


def area_fields(area: CaseArea) -> dict[str, object]:
    """An area as the conflict dialog compares it: the sheet's header → the value."""
    from kigo_tui.exit_excel import FIELD_HEADERS

    values = _values(area)
    return {FIELD_HEADERS.get(name, name): values[name] for name in FIELDS}


def on_top(current: CaseArea, seen: CaseArea, mine: CaseArea) -> CaseArea:
    """The user's changes (fields of `mine` that differ from `seen`, what the user started from)
    on top of `current` (a colleague's newer version): every other field keeps `current`."""
    from kigo_tui.conflict import merged

    return current.model_copy(update=merged(_values(seen), _values(current), _values(mine)))
