"""The one write transaction: SQL text, a history line per change, the revision, versioned updates.

Every module that writes (the store, the organisation, the defect log, the exit workspace, the
catalogue import) gets a `Transaction` from `Store.writing()` and does all its work through it:

- `rows` / `run` / `run_many` / `insert_id`: SQL text with `:name` parameters (it is an `Sql`);
- `record(key, field, old, new)`: one line of history, by the store's user, now (UTC);
- `update_versioned(table, key, version, values)`: write a row only if it is still at the
  version the caller read, and raise its version; else `ConflictError`, nothing saved;
- `touch()`: count the transaction as a change that has no history line.

A transaction that recorded, updated or was touched bumps the database's `revision` once, just
before it commits (on PostgreSQL it also notifies every listening session; the notification is
delivered at commit). One that changed nothing leaves the revision as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kigo_tui.errors import KigoError
from kigo_tui.storage.common import CHANGES_CHANNEL
from kigo_tui.storage.sql import Params, Row, Sql, utc_now


class StoreError(KigoError):
    """A change the store refuses; the message is for the user (Danish) and nothing was changed."""


class ConflictError(StoreError):
    """The row changed since the caller read it (its version moved on); nothing was saved.

    `current_version` is the row's version now (None when the row is gone): a caller that shows
    the user what changed (`kigo_tui.domain.conflict`) can save again on that version once the user
    chose to.
    """

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


def refuse_stale(what: str, current: int, expected: int | None) -> None:
    """Raise the ConflictError for a row at version `current` that the caller saw at `expected`
    (None: the caller did not say, nothing is checked)."""
    if expected is not None and current != expected:
        raise ConflictError(
            f"{what} er ændret af en anden, siden du så den (version {current}, du havde "
            f"{expected}); intet er gemt, se ændringen og prøv igen",
            current,
        )


def insert_sql(table: str, columns: Sequence[str]) -> str:
    """`INSERT INTO table (a, b) VALUES (:a, :b)`, quoting the column names."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


_HISTORY_INSERT = insert_sql("history", ("task_id", "field", "old", "new", "at", "user", "reason"))


class Transaction:
    """One open write transaction on the store's database (see the module's text)."""

    def __init__(self, sql: Sql, user: str) -> None:
        self.sql = sql
        self.user = user
        """Who makes the changes (the history's `user`)."""
        self.dialect = sql.dialect
        self._changed = False
        self._bumped = False

    # -------------------------------------------------------------------- SQL text (an `Sql`)

    def rows(self, query: str, params: Params | None = None) -> list[Row]:
        return self.sql.rows(query, params)

    def run(self, query: str, params: Params | None = None) -> int:
        return self.sql.run(query, params)

    def run_many(self, query: str, rows: Sequence[Params]) -> None:
        self.sql.run_many(query, rows)

    def insert_id(self, query: str, params: Params) -> int:
        return self.sql.insert_id(query, params)

    # -------------------------------------------------------------------- history and revision

    def record(
        self, key: str, field: str, old: object, new: object, reason: str | None = None
    ) -> None:
        """One line of history: which field of `key` (a task id, 'FEJL-n', 'SAG-n', …) changed
        from what to what, when (UTC), by whom, and (for a moved catalogue date) why."""
        self.sql.run(
            _HISTORY_INSERT,
            {
                "task_id": key,
                "field": field,
                "old": None if old is None else str(old),
                "new": None if new is None else str(new),
                "at": utc_now(),
                "user": self.user,
                "reason": reason,
            },
        )
        self._changed = True

    def touch(self) -> None:
        """Count this transaction as a change (one that has no history line)."""
        self._changed = True

    def update_versioned(
        self,
        table: str,
        key: object,
        version: int,
        values: Mapping[str, object],
        *,
        conflict: str,
        key_column: str = "id",
    ) -> None:
        """Write `values` to the row of `table` whose `key_column` is `key`, and raise its
        version by one, if it is still at `version`; otherwise raise ConflictError(`conflict`)."""
        assignments = "".join(f'"{name}" = :{name}, ' for name in values)
        changed = self.sql.run(
            f"UPDATE {table} SET {assignments}version = :_new_version "
            f'WHERE "{key_column}" = :_key AND version = :_version',
            {**values, "_new_version": version + 1, "_key": key, "_version": version},
        )
        if changed != 1:
            raise ConflictError(conflict)
        self._changed = True

    def bump_revision(self) -> None:
        """Count this transaction as a change now (once per transaction; `finish` does it for
        a transaction that changed something); on PostgreSQL also tell every listening session
        (the notification is delivered when the transaction commits)."""
        self._changed = True
        if self._bumped:
            return
        self._bumped = True
        self.sql.run(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR(20)) "
            "WHERE key = 'revision'"
        )
        if self.dialect == "postgresql":
            self.sql.rows(
                "SELECT pg_notify(:channel, value) FROM meta WHERE key = 'revision'",
                {"channel": CHANGES_CHANNEL},
            )

    def finish(self) -> None:
        """Before the commit: bump the revision when anything changed."""
        if self._changed and not self._bumped:
            self.bump_revision()
