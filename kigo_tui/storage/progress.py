"""Reading what the progress chart needs: the current tasks and the relevant history. No Textual."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.progress import RELEVANT_FIELDS, Change, Progress, progress_by_scope
from kigo_tui.domain.times import as_utc
from kigo_tui.models.readmodels import Snapshot
from kigo_tui.models.tables import History, Meta
from kigo_tui.storage.schema import read_connection
from kigo_tui.storage.store import Store

H = History.__table__  # type: ignore[attr-defined]
META = Meta.__table__  # type: ignore[attr-defined]


def read_changes(store: Store) -> tuple[list[Change], date | None]:
    """The history rows that move the chart (oldest first), and the day the database was made."""
    with read_connection(store.engine) as conn:
        rows = conn.execute(
            select(H.c.task_id, H.c.field, H.c.old, H.c.new, H.c.at)
            .where(H.c.field.in_(RELEVANT_FIELDS))
            .order_by(H.c.at, H.c.id)
        ).all()
        created = conn.execute(select(META.c.value).where(META.c.key == "created_at")).scalar()
    changes = [Change(t, f, o, n, as_utc(at)) for t, f, o, n, at in rows]
    return changes, _created_day(created)


def _created_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return as_utc(datetime.fromisoformat(text)).astimezone(COPENHAGEN).date()
    except ValueError:
        return None


def read_progress(
    store: Store, today: date, snapshot: Snapshot | None = None
) -> dict[str, Progress]:
    """Weekly figures for the kommune and each project (see `kigo_tui.domain.progress`)."""
    snapshot = snapshot or store.snapshot()
    changes, created = read_changes(store)
    return progress_by_scope(
        snapshot.tasks, changes, today, [p.code for p in snapshot.projects], created
    )
