"""Storage of the KMD Sag exit workspace: read, save and delete sagsområder. No Textual."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from kigo_tui.db import read_connection, write_transaction
from kigo_tui.exit_strategy import CaseArea
from kigo_tui.models.tables import CaseAreaRow
from kigo_tui.store import Store, StoreError

AREA = CaseAreaRow.__table__  # type: ignore[attr-defined]
FIELDS = [name for name in CaseArea.model_fields if name != "id"]


class CaseAreaError(StoreError):
    pass


def list_areas(store: Store) -> list[CaseArea]:
    with read_connection(store.engine) as conn:
        rows = conn.execute(select(AREA).order_by(AREA.c.field_area, AREA.c.case_area, AREA.c.id))
        return [CaseArea.model_validate(dict(row._mapping)) for row in rows]


def save_area(store: Store, area: CaseArea) -> CaseArea:
    """Insert a new area (id None) or update an existing one; returns it with its id."""
    values = area.model_dump(include=set(FIELDS))
    with write_transaction(store.engine) as conn:
        store._require_initialised(conn)
        if area.id is None:
            new_id = conn.execute(insert(AREA).values(**values)).inserted_primary_key[0]
            area = area.model_copy(update={"id": new_id})
        else:
            result = conn.execute(update(AREA).where(AREA.c.id == area.id).values(**values))
            if result.rowcount != 1:
                raise CaseAreaError(f"ukendt sagsområde: id {area.id}")
        store._bump_revision(conn)
    return area


def save_areas(store: Store, areas: list[CaseArea]) -> tuple[int, int]:
    """Save many areas in one transaction (an Excel import); returns (added, updated)."""
    added = updated = 0
    with write_transaction(store.engine) as conn:
        store._require_initialised(conn)
        existing = set(conn.execute(select(AREA.c.id)).scalars())
        for area in areas:
            values = area.model_dump(include=set(FIELDS))
            if area.id is not None and area.id in existing:
                conn.execute(update(AREA).where(AREA.c.id == area.id).values(**values))
                updated += 1
            else:
                conn.execute(insert(AREA).values(**values))
                added += 1
        store._bump_revision(conn)
    return added, updated


def delete_area(store: Store, area_id: int) -> None:
    with write_transaction(store.engine) as conn:
        if conn.execute(delete(AREA).where(AREA.c.id == area_id)).rowcount != 1:
            raise CaseAreaError(f"ukendt sagsområde: id {area_id}")
        store._bump_revision(conn)
