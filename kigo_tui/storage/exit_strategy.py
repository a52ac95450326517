"""Storage of the KMD Sag exit workspace: read, save and delete sagsområder, and the exit
decision note (beslutningsnotat). No Textual.

Every sagsområde has a version, raised by every change; a save or delete based on an older
version is refused (`ConflictError`), so a colleague's change is never overwritten unseen. Each
changed field goes in the history under 'SAG-<id>'.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kigo_tui.domain.exit_strategy import STORED, CaseArea, DecisionNote
from kigo_tui.domain.text import count
from kigo_tui.storage.sql import Row, Sql, as_date
from kigo_tui.storage.store import Store
from kigo_tui.storage.transaction import (
    ConflictError,
    StoreError,
    Transaction,
    insert_sql,
    refuse_stale,
)

FIELDS = [name for name in CaseArea.model_fields if name != "id"]
_COLUMNS = ", ".join(f'"{name}"' for name in ["id", *FIELDS])


class CaseAreaError(StoreError):
    pass


def history_key(area_id: int) -> str:
    """The history's key for a case area (tasks use their id; defects 'FEJL-<n>')."""
    return f"SAG-{area_id}"


def _area(row: Row) -> CaseArea:
    """A stored row read as it is (the text rules are for input: an old or foreign row must
    never lock the user out of the workspace)."""
    return CaseArea.model_validate(
        dict(zip(["id", *FIELDS], row, strict=True)), context={STORED: True}
    )


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


def _update(tx: Transaction, area: CaseArea, old: CaseArea, version: int) -> list[str]:
    """Write `area` over `old` (read at `version`) and record each changed field; the fields."""
    assert area.id is not None
    new_values, old_values = _values(area), _values(old)
    changed = [name for name in FIELDS if new_values[name] != old_values[name]]
    if not changed:
        return []
    tx.update_versioned(
        "case_area",
        area.id,
        version,
        new_values,
        conflict=f"sagsområde {area.id} blev ændret samtidig af en anden; intet er gemt, prøv igen",
    )
    for name in changed:
        tx.record(history_key(area.id), name, _plain(old_values[name]), _plain(new_values[name]))
    return changed


def _plain(value: object) -> object:
    return None if value is None or value == "" else value


def save_area(store: Store, area: CaseArea, expected_version: int | None = None) -> CaseArea:
    """Insert a new area (id None) or update an existing one; returns it with its id.

    For an update, `expected_version` is the version the user saw: a save based on an older one
    is refused (ConflictError, nothing saved).
    """
    with store.writing() as tx:
        store.require_initialised(tx)
        if area.id is None:
            area = area.model_copy(update={"id": _insert(tx, area)})
            assert area.id is not None
            tx.record(history_key(area.id), "oprettet", None, area.case_area)
        else:
            old, version = _get(tx, area.id)
            refuse_stale(f"sagsområde {area.id}", version, expected_version)
            if not _update(tx, area, old, version):
                return area
    return area


@dataclass(frozen=True)
class StaleArea:
    """A row of an imported sheet whose area a colleague changed after the export."""

    sheet: CaseArea
    sheet_version: int
    current: CaseArea
    current_version: int

    @property
    def differing(self) -> list[tuple[str, object, object]]:
        """(field, the value in the database now, the sheet's value) of each field that differs."""
        now, wanted = _values(self.current), _values(self.sheet)
        return [(name, now[name], wanted[name]) for name in FIELDS if now[name] != wanted[name]]


class ImportConflictError(ConflictError):
    """An import refused because rows of the sheet are older than the database; nothing saved."""

    def __init__(self, stale: list[StaleArea]) -> None:
        super().__init__(
            f"{count(len(stale), 'sagsområde', 'sagsområder')} er ændret siden eksporten; intet er gemt"
        )
        self.stale = stale


def _keeping(area: CaseArea, old: CaseArea, keep: Collection[str]) -> CaseArea:
    """`area` with the fields in `keep` (columns an older sheet lacks) as `old` has them."""
    return area.model_copy(update={name: getattr(old, name) for name in keep}) if keep else area


def _stale(
    sql: Sql, areas: list[CaseArea], versions: Mapping[int, int], keep: Collection[str] = ()
) -> list[StaleArea]:
    """The areas whose version on the sheet is not the database's and that the import would
    change (a row equal to the database overwrites nothing)."""
    found = []
    existing = {row[0] for row in sql.rows("SELECT id FROM case_area")}
    for area in areas:
        if area.id is None or area.id not in versions or area.id not in existing:
            continue  # one gone here is added again with a new id, as the import does
        current, version = _get(sql, area.id)
        stale = _stale_one(_keeping(area, current, keep), versions[area.id], current, version)
        if stale is not None:
            found.append(stale)
    return found


def _stale_one(area: CaseArea, expected: int, current: CaseArea, version: int) -> StaleArea | None:
    stale = StaleArea(area, expected, current, version)
    return stale if version != expected and stale.differing else None


def stale_areas(
    store: Store, areas: list[CaseArea], versions: Mapping[int, int], keep: Collection[str] = ()
) -> list[StaleArea]:
    """What `save_areas` would refuse (for a dry run): one consistent read."""
    with store.reading() as sql:
        return _stale(sql, areas, versions, keep)


def save_areas(
    store: Store,
    areas: list[CaseArea],
    versions: Mapping[int, int] | None = None,
    *,
    force: bool = False,
    keep: Collection[str] = (),
) -> tuple[int, int]:
    """Save many areas in one transaction (an Excel import); returns (added, updated).

    `keep` names fields the sheet has no column for (a sheet from an older kigo): an updated
    area keeps its stored values of them.

    `versions` is, by id, the version each row had when the sheet was exported: when a row the
    import would change has moved on since, nothing is saved (`ImportConflictError` lists them),
    unless `force` (the sheet's values overwrite the colleague's)."""
    added = updated = 0
    with store.writing() as tx:
        store.require_initialised(tx)
        existing = {row[0] for row in tx.rows("SELECT id FROM case_area")}
        stale: list[StaleArea] = []
        for area in areas:
            if area.id is not None and area.id in existing:
                area_id = area.id
                old, version = _get(tx, area_id)
                area = _keeping(area, old, keep)
                expected = None if force or versions is None else versions.get(area_id)
                if expected is not None:
                    conflict = _stale_one(area, expected, old, version)
                    if conflict is not None:
                        stale.append(conflict)
                        continue
                # the update is guarded by the version just read: a change in between refuses it
                _update(tx, area, old, version)
                updated += 1
            else:
                new_id = _insert(tx, area)
                tx.record(history_key(new_id), "oprettet", None, area.case_area)
                added += 1
        if stale:
            raise ImportConflictError(stale)  # rolls the whole import back
        tx.touch()  # an import counts as a change even when no field moved
    return added, updated


def delete_area(store: Store, area_id: int, expected_version: int | None = None) -> None:
    """Delete an area; with `expected_version`, one changed since the user saw it is kept."""
    with store.writing() as tx:
        old, version = _get(tx, area_id)
        refuse_stale(f"sagsområde {area_id}", version, expected_version)
        tx.run("DELETE FROM case_area WHERE id = :id", {"id": area_id})
        tx.record(history_key(area_id), "slettet", old.case_area, None)


def area_fields(area: CaseArea) -> dict[str, object]:
    """An area as the conflict dialog compares it: the sheet's header → the value."""
    from kigo_tui.domain.exit_strategy import FIELD_HEADERS

    values = _values(area)
    return {FIELD_HEADERS.get(name, name): values[name] for name in FIELDS}


def on_top(current: CaseArea, seen: CaseArea, mine: CaseArea) -> CaseArea:
    """The user's changes (fields of `mine` that differ from `seen`, what the user started from)
    on top of `current` (a colleague's newer version): every other field keeps `current`."""
    from kigo_tui.domain.conflict import merged

    return current.model_copy(update=merged(_values(seen), _values(current), _values(mine)))


# ------------------------------------------------------------------ the decision note

NOTE_KEY = "EXIT-NOTAT"
"""The history's key for the exit decision note (beslutningsnotat)."""
_NOTE_FIELDS = [name for name in DecisionNote.model_fields]
_NOTE_COLUMNS = ", ".join(f'"{name}"' for name in _NOTE_FIELDS)


def get_note(store: Store) -> tuple[DecisionNote, int]:
    """The decision note and its version (0: none saved yet, an empty draft)."""
    with store.reading() as sql:
        return _get_note(sql)


def _get_note(sql: Sql) -> tuple[DecisionNote, int]:
    rows = sql.rows(f"SELECT {_NOTE_COLUMNS}, version FROM exit_decision WHERE id = 1")
    if not rows:
        return DecisionNote(), 0
    values = dict(zip(_NOTE_FIELDS, rows[0][:-1], strict=True))
    values["decided_on"] = as_date(values["decided_on"])
    return DecisionNote.model_validate(values, context={STORED: True}), rows[0][-1]


def save_note(
    store: Store, note: DecisionNote, expected_version: int | None = None
) -> DecisionNote:
    """Save the note; based on `expected_version` (0: the user saw none) a newer one is refused
    (ConflictError). Each changed field goes in the history under 'EXIT-NOTAT'."""
    with store.writing() as tx:
        store.require_initialised(tx)
        old, version = _get_note(tx)
        if expected_version is not None and version != expected_version:
            raise ConflictError(
                f"beslutningsnotatet er ændret af en anden, siden du så det (version {version}, "
                f"du havde {expected_version}); intet er gemt, se ændringen og prøv igen",
                version,
            )
        new_values, old_values = note.model_dump(), old.model_dump()
        changed = [name for name in _NOTE_FIELDS if new_values[name] != old_values[name]]
        if not changed:
            return note
        if version == 0:
            tx.run(
                insert_sql("exit_decision", ["id", *_NOTE_FIELDS, "version"]),
                {"id": 1, **new_values, "version": 1},
            )
        else:
            tx.update_versioned(
                "exit_decision",
                1,
                version,
                new_values,
                conflict="beslutningsnotatet blev ændret samtidig af en anden; intet er gemt",
            )
        for name in changed:
            tx.record(NOTE_KEY, name, _plain(old_values[name]), _plain(new_values[name]))
    return note
