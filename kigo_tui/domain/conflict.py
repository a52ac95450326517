"""What a colleague changed while a user was editing the same row: the three values of each field.

When a save is refused because the row's version moved on (`kigo_tui.storage.store.ConflictError`), the
TUI shows, per field, what the user had seen, what the colleague saved and what the user wants,
and lets the user choose; the CLI prints the same. Plain data, no Textual, no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kigo_tui.domain.text import history_change

if TYPE_CHECKING:
    import argparse

    from kigo_tui.models.readmodels import TaskDetail, TaskRow

EMPTY = "—"
"""How an empty value is shown."""


@dataclass(frozen=True)
class FieldChange:
    """One field of a conflict, as display text (Danish label; values as the user reads them)."""

    label: str
    seen: str
    """What the user had on the screen when they started the change."""
    theirs: str
    """What is in the database now (the colleague's value)."""
    mine: str
    """What the user's change would make it."""

    @property
    def colleague_changed(self) -> bool:
        return self.theirs != self.seen

    @property
    def i_changed(self) -> bool:
        return self.mine != self.seen


@dataclass(frozen=True)
class Conflict:
    """A refused save: which row, its version then and now, and the fields that differ."""

    what: str
    """The row in Danish, e.g. 'opgave STS-01-01' or 'fejl 3'."""
    seen_version: int
    current_version: int
    changes: tuple[FieldChange, ...]

    @property
    def colleague_fields(self) -> list[str]:
        return [c.label for c in self.changes if c.colleague_changed]


def shown(value: object) -> str:
    """A value as the conflict shows it: an empty value as '—'."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def changes(
    seen: Mapping[str, object], theirs: Mapping[str, object], mine: Mapping[str, object]
) -> tuple[FieldChange, ...]:
    """The fields (keyed by their Danish label) the colleague or the user changed, in `seen`'s
    order. A field missing from `mine` is one the user did not change; one missing from `theirs`
    is gone from the database (shown empty)."""
    found = []
    for label, before in seen.items():
        now = theirs.get(label)
        wanted = mine.get(label, before)
        if shown(now) != shown(before) or shown(wanted) != shown(before):
            found.append(FieldChange(label, shown(before), shown(now), shown(wanted)))
    return tuple(found)


def merged(
    seen: Mapping[str, object], theirs: Mapping[str, object], mine: Mapping[str, object]
) -> dict[str, object]:
    """What "save mine anyway" stores: the user's value where the user changed a field, the
    colleague's value everywhere else."""
    return {
        key: (mine[key] if key in mine and mine[key] != seen.get(key) else theirs.get(key))
        for key in theirs
    }


# ------------------------------------------------------------------------------------ the CLI


def not_saved_message(choice: str | None, what: str) -> str:
    """What the user is told when a conflict ended without saving their change: they kept the
    colleague's (`choice == "keep"`) or cancelled."""
    if choice == "keep":
        return f"Kollegaens ændring af {what} er beholdt; din ændring er ikke gemt"
    return f"Annulleret: din ændring af {what} er ikke gemt"


def version_number(text: str) -> int:
    """`--version N`: a row's version, a whole number from 1."""
    import argparse

    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' er ikke et versionsnummer (et helt tal)"
        ) from None
    if not 1 <= value <= 2**62:
        raise argparse.ArgumentTypeError(f"versionen skal være et helt tal fra 1, ikke {value}")
    return value


def add_version_option(parser: argparse.ArgumentParser) -> None:
    """The optional `--version N` of a command that changes a row (argparse parser)."""
    parser.add_argument(
        "--version",
        dest="expected_version",
        type=version_number,
        metavar="N",
        help="den version af rækken du så; er den ændret siden, gemmes intet, og du får at se, "
        "hvad der er ændret",
    )


def stale_text(
    what: str,
    expected: int,
    current: int | None,
    fields: list[tuple[str, object, object]],
    history: list[tuple[str, str | None, str | None, str, str]],
) -> str:
    """The CLI's refusal of a change based on version `expected` of a row now at `current`:
    the fields the command would change (label, value now, value wanted) and the newest history."""
    if current is None:
        return f"{what} findes ikke længere (du havde version {expected}); intet er gemt"
    lines = [
        f"{what} er ændret af en anden, siden du så den (du havde version {expected}, nu er den "
        f"version {current}); intet er gemt."
    ]
    for label, now, wanted in fields:
        lines.append(f"  {label}: nu {shown(now)!r}, du ville gemme {shown(wanted)!r}")
    if history:
        lines.append("  Seneste ændringer:")
        for field_name, old, new, at, user in history:
            label, old_text, new_text = history_change(field_name, old, new)
            when = _local_moment(at)
            lines.append(f"    {when} {user}: {label} {old_text!r} → {new_text!r}")
    lines.append(
        f"  Se ændringen; skal din ændring stadig gælde, så kør kommandoen igen med --version {current}"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ tasks


def _local_moment(at: str) -> str:
    """A history line's moment (stored UTC, 'ÅÅÅÅ-MM-DD HH:MM:SS') as Danish time, dd-mm-åååå."""
    from datetime import datetime

    from kigo_tui.domain.times import local_text

    try:
        return local_text(datetime.fromisoformat(at))
    except ValueError:
        return at


def task_fields(
    row: TaskRow,
    responsibility: tuple[str | None, str | None] | None = None,
    detail: TaskDetail | None = None,
) -> dict[str, object]:
    """A task as the conflict dialog compares it: Danish label → the value the user reads.

    Responsibility (the names of ansvarlig and udfører) and the detail (description, checklist)
    are part of the task when the caller showed them."""
    from kigo_tui.domain.dates import short_date
    from kigo_tui.domain.rules import CATEGORY_LABELS, STATUS_LABELS

    fields: dict[str, object] = {
        "titel": row.title,
        "status": STATUS_LABELS[row.status],
        "kategori": CATEGORY_LABELS[row.category],
        "start": short_date(row.start) if row.start else None,
        "slutdato": short_date(row.due) if row.due else None,
        "varsel (dage)": row.warn_days,
    }
    if responsibility is not None:
        fields["ansvarlig"], fields["udfører"] = responsibility
    if detail is not None and detail.task.id == row.id:
        fields["beskrivelse"] = detail.description
        for number, item in enumerate(detail.checklist, start=1):
            fields[checklist_label(number, item.text)] = "✓" if item.done else "○"
    return fields


def checklist_label(number: int, text: str) -> str:
    return f"tjekliste {number}: {text}"
