"""Reading what the progress chart needs: the current tasks and the relevant history. No Textual."""

from __future__ import annotations

from datetime import date, datetime

from kigo_tui.domain.dates import COPENHAGEN
from kigo_tui.domain.progress import RELEVANT_FIELDS, Change, Progress, progress_by_scope
from kigo_tui.domain.times import as_utc
from kigo_tui.models.readmodels import Snapshot
from kigo_tui.storage.sql import in_list, scalar, stored_datetime
from kigo_tui.storage.store import Store


def read_changes(store: Store) -> tuple[list[Change], date | None]:
    """The history rows that move the chart (oldest first), and the day the database was made."""
    fields, params = in_list("field", RELEVANT_FIELDS)
    with store.reading() as sql:
        rows = sql.rows(
            f"SELECT task_id, field, old, new, at FROM history WHERE field IN {fields} "
            "ORDER BY at, id",
            params,
        )
        created = scalar(sql, "SELECT value FROM meta WHERE key = 'created_at'")
    changes = [Change(t, f, o, n, as_utc(stored_datetime(at))) for t, f, o, n, at in rows]
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
