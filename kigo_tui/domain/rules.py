"""The traffic-light rules of KIGO: a task's colour on a date, and the roll-up to the kommune.

Pure functions over plain values, so they can be tested exhaustively and reused by the CLI,
the TUI, the export and the national aggregation alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Category(StrEnum):
    OPTIONAL = "optional"
    MANDATORY = "mandatory"
    CRITICAL = "critical"


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_STARTED: "ikke påbegyndt",
    Status.IN_PROGRESS: "påbegyndt",
    Status.DONE: "fuldført",
}
STATUS_GLYPHS: dict[Status, str] = {
    Status.NOT_STARTED: "☐",
    Status.IN_PROGRESS: "◐",
    Status.DONE: "☑",
}
COLOUR_LABELS: dict[Colour, str] = {
    Colour.GREEN: "grøn",
    Colour.YELLOW: "gul",
    Colour.RED: "rød",
}
COLOUR_SYMBOLS: dict[Colour, str] = {
    Colour.GREEN: "●",
    Colour.YELLOW: "▲",
    Colour.RED: "■",
}
CATEGORY_LABELS: dict[Category, str] = {
    Category.OPTIONAL: "valgfri",
    Category.MANDATORY: "obligatorisk",
    Category.CRITICAL: "obligatorisk kritisk",
}
CATEGORY_MARKERS: dict[Category, str] = {
    Category.OPTIONAL: " ",
    Category.MANDATORY: "!",
    Category.CRITICAL: "‼",
}

_SEVERITY = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}
STATUS_CYCLE = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE)


def task_colour(status: Status, due: date | None, warn_days: int, today: date) -> Colour:
    """KIGO's colour of one task on `today`.

    Done is green; past the due date and not done is red; not started within `warn_days` before the
    due date (both ends included) is yellow; everything else, and a task with no due date, is green.

    The category plays no part: an optional (valgfri) task turns yellow and red too. Seed 000
    says "En obligatorisk opgave får status gul et antal dage inden slutdato, hvis opgaven ikke
    er påbegyndt" because KOMBIT's report is about mandatory tasks; its red rule ("En opgave
    bliver rød …") and its roll-up ("hvis én enkeltstående opgave er i gul/rød") speak of any
    task. Our reading: the colour rule is the same for every task, and the category decides only
    what reaches KOMBIT (`in_kombit_report`, `needs_follow_up`).
    """
    if status == Status.DONE or due is None:
        return Colour.GREEN
    if today > due:
        return Colour.RED
    if status == Status.NOT_STARTED and (due - today).days <= warn_days:
        return Colour.YELLOW
    return Colour.GREEN


def worst(colours: Iterable[Colour]) -> Colour:
    """The worst of some colours (red > yellow > green); green for none."""
    return max(colours, key=_SEVERITY.__getitem__, default=Colour.GREEN)


def severity(colour: Colour) -> int:
    return _SEVERITY[colour]


def next_status(status: Status) -> Status:
    """The status after `status` in the cycle ikke påbegyndt → påbegyndt → fuldført → …"""
    return STATUS_CYCLE[(STATUS_CYCLE.index(status) + 1) % len(STATUS_CYCLE)]


def in_kombit_report(category: Category, colour: Colour, *, local: bool) -> bool:
    """Is this task in the report KOMBIT pulls from KIGO? Every red or yellow mandatory task
    (obligatorisk and obligatorisk kritisk) that KOMBIT published.

    Seed 000: "Konkret trækkes en rapport fra KIGO, hvor der fokuseres på obligatoriske opgaver
    med status gul og rød." The report is what KOMBIT *sees*; what it *follows up on* is the
    narrower `needs_follow_up`.

    A kommune's own (local) task is never in it, whatever category the kommune gave it: the
    categories KOMBIT follows are the ones it set on the tasks it published (seed 000: "hvis der
    er kommuner der ikke udfører obligatoriske opgaver"), and a local task's category is the
    kommune's own choice, with no KOMBIT plan behind it. The kommune still sees its own tasks in
    its colours and roll-up, as in KIGO.
    """
    return not local and category != Category.OPTIONAL and colour != Colour.GREEN


def needs_follow_up(category: Category, status: Status, colour: Colour, *, local: bool) -> bool:
    """Is this task on KOMBIT's follow-up list? Of the tasks in KOMBIT's report
    (`in_kombit_report`): the red ones, and the critical ones that are yellow (yellow is always
    "ikke påbegyndt": KOMBIT's extract of "gul kombineret med ikke påbegyndt").

    Seed 000: "hvis kommunen har obligatoriske opgaver med status rød samt obligatoriske opgaver
    på kritisk vej med status gul/rød". Being on the list starts KOMBIT's judgement of the whole
    picture (helhedsvurdering); it escalates nothing by itself.
    """
    if not in_kombit_report(category, colour, local=local):
        return False
    if colour == Colour.RED:
        return True
    return category == Category.CRITICAL and status == Status.NOT_STARTED


@dataclass
class Counts:
    """Counts at one level of the tree; kept incrementally with `add`/`remove`."""

    by_colour: dict[Colour, int] = field(default_factory=lambda: dict.fromkeys(Colour, 0))
    by_category: dict[Category, int] = field(default_factory=lambda: dict.fromkeys(Category, 0))
    done: int = 0
    total: int = 0

    def add(self, category: Category, status: Status, colour: Colour, sign: int = 1) -> None:
        self.by_colour[colour] += sign
        self.by_category[category] += sign
        self.total += sign
        if status == Status.DONE:
            self.done += sign

    def remove(self, category: Category, status: Status, colour: Colour) -> None:
        self.add(category, status, colour, sign=-1)

    @property
    def colour(self) -> Colour:
        """The rolled-up colour: the worst colour of any task counted here."""
        if self.by_colour[Colour.RED]:
            return Colour.RED
        if self.by_colour[Colour.YELLOW]:
            return Colour.YELLOW
        return Colour.GREEN

    def to_dict(self) -> dict[str, object]:
        return {
            "done": self.done,
            "total": self.total,
            "by_colour": {c.value: n for c, n in self.by_colour.items()},
            "by_category": {c.value: n for c, n in self.by_category.items()},
        }
