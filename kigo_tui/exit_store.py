"""Storage of the KMD Sag exit workspace: read, save and delete sagsområder. No Textual."""

from __future__ import annotations

from kigo_tui.exit_strategy import STORED, CaseArea
from kigo_tui.sqlio import Sql
from kigo_tui.store import Store, StoreError, insert_sql

FIELDS = [name for name in CaseArea.model_fields if name != "id"]
_COLUMNS = ", ".join(f'"{name}"' for name in ["id", *FIELDS])
_UPDATE = (
    "UPDATE case_area SET "
    + ", ".join(f'"{name}" = :{name}' for name in FIELDS)
    + " WHERE id = :id"
)


class CaseAreaError(StoreError):
    pass


def list_areas(store: Store) -> list[CaseArea]:
    with store.reading() as sql:
        rows = sql.rows(f"SELECT {_COLUMNS} FROM case_area ORDER BY field_area, case_area, id")
    return [
        CaseArea.model_validate(
            dict(zip(["id", *FIELDS], row, strict=True)), context={STORED: True}
        )
        for row in rows
    ]


def _values(area: CaseArea) -> dict[str, object]:
    return area.model_dump(include=set(FIELDS))


def _insert(sql: Sql, area: CaseArea) -> int:
    return sql.insert_id(insert_sql("case_area", FIELDS), _values(area))


def save_area(store: Store, area: CaseArea) -> CaseArea:
    """Insert a new area (id None) or update an existing one; returns it with its id."""
    with store.writing() as sql:
        store.require_initialised(sql)
        if area.id is None:
            area = area.model_copy(update={"id": _insert(sql, area)})
        elif sql.run(_UPDATE, {**_values(area), "id": area.id}) != 1:
            raise CaseAreaError(f"ukendt sagsområde: id {area.id}")
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
                sql.run(_UPDATE, {**_values(area), "id": area.id})
                updated += 1
            else:
                _insert(sql, area)
                added += 1
        store.bump_revision(sql)
    return added, updated


def delete_area(store: Store, area_id: int) -> None:
    with store.writing() as sql:
        if sql.run("DELETE FROM case_area WHERE id = :id", {"id": area_id}) != 1:
            raise CaseAreaError(f"ukendt sagsområde: id {area_id}")
        store.bump_revision(sql)
