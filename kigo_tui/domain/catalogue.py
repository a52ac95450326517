"""The shipped task catalogue: loading and validating `seed/catalogue.toml`.

The catalogue is KOMBIT's published structure (projects, the 16 hovedopgaver and the concrete
tasks per project). It is plain data validated with pydantic; nothing here touches the database.

A catalogue file may come from anywhere (`kigo catalogue import FILE`), so reading it has limits
that keep memory bounded: the file's size, the values in it (counted before parsing), the keys in
one table, and every list is `FailFast`: it stops at its first bad entry, so 12,000 broken tasks
cost one task's errors, not 72,000 (see tests/storage/test_memory_hostile.py).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    FailFast,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kigo_tui.domain.rules import Category
from kigo_tui.domain.seed import PROJECT_CODES, PROJECT_PATTERN, ProjectCode, seed_file
from kigo_tui.domain.tasks import WARN_DAYS_MAX
from kigo_tui.domain.text import clean_text, count
from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

CATALOGUE_PATH = seed_file("catalogue.toml")
"""The shipped catalogue (edited in the checkout's seed/, read from the installed package)."""

TASK_ID_PATTERN = re.compile(rf"^({PROJECT_PATTERN})-(\d{{2}})-(\d{{2}})$")
DEFAULT_WARN_DAYS = 14
MAX_CATALOGUE_BYTES = 4 * 1024 * 1024
"""Largest catalogue file read (the shipped one: 0.15 MB)."""
MAX_CATALOGUE_VALUES = 100_000
"""Most separators (= , [ {) in a catalogue, counted before parsing (the shipped one: 4,295)."""
MAX_TABLE_KEYS = 64
"""Most keys in one table (a task has 10 fields); each unknown key is a validation error."""

Phase = Literal["F1", "F2", "F3", "F4"]
Group = Literal["independent", "project", "organisational", "technical"]
ExitPriority = Literal["necessary", "recommended", "voluntary"]


MAX_OFFSET_DAYS = 36_500
"""Largest distance (days, either way) between go-live and a task's start or due date."""

Text = Annotated[str, AfterValidator(lambda value: clean_text(value, "teksten"))]
"""A text from the catalogue: NFC, no control characters or line breaks (kigo_tui.domain.text)."""
Name = Annotated[Text, Field(min_length=1)]
Offset = Annotated[int, Field(ge=-MAX_OFFSET_DAYS, le=MAX_OFFSET_DAYS)]


def _days(days: int) -> str:
    return count(days, "dag", "dage")


def relative_to_golive(offset: int) -> str:
    """'14 dage før go-live', 'på go-live-dagen', '1 dag efter go-live'."""
    if offset == 0:
        return "på go-live-dagen"
    return f"{_days(abs(offset))} {'før' if offset < 0 else 'efter'} go-live"


def warning_before_start(task: TaskSpec) -> str:
    """Why a task whose warning window reaches back before its start is refused, with its numbers.

    A task is yellow from `warn_days` days before its due date (rules.task_colour); if that is
    before its start, it turns yellow (and, if critical, lands on KOMBIT's list) before anyone
    can begin it.
    """
    length = task.due_offset - task.start_offset
    early = task.warn_days - length
    kombit = " og komme på KOMBITs opfølgningsliste" if task.category == Category.CRITICAL else ""
    return (
        f"'{task.title}' starter {relative_to_golive(task.start_offset)} "
        f"(start_offset = {task.start_offset}) og har slutdato "
        f"{relative_to_golive(task.due_offset)} (due_offset = {task.due_offset}), men varslet er "
        f"{_days(task.warn_days)} (warn_days = {task.warn_days}). Opgaven ville blive gul{kombit} "
        f"{_days(early)} før den kan begynde. Sæt warn_days til højst {length}, eller læg starten "
        "tidligere"
    )


class CatalogueError(KigoError):
    """The catalogue file cannot be read or does not validate; the message names file, entry, field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectSpec(_Strict):
    code: ProjectCode
    name: Name
    description: Text = ""


class MainTaskSpec(_Strict):
    number: Annotated[int, Field(ge=1, le=16)]
    name: Name
    group: Group
    description: Name
    purpose: Name


class SkipSpec(_Strict):
    """A project that does not use a hovedopgave, and why."""

    project: ProjectCode
    main_task: Annotated[int, Field(ge=1, le=16)]
    reason: Name


class TaskSpec(_Strict):
    id: str
    title: Name
    description: Name
    category: Category
    phase: Phase
    start_offset: Offset
    due_offset: Offset
    warn_days: Annotated[int, Field(ge=0, le=WARN_DAYS_MAX)] = DEFAULT_WARN_DAYS
    checklist: Annotated[tuple[Name, ...], FailFast()] = ()
    exit_priority: ExitPriority | None = None
    """For SAPA's KMD Sag exit items: KOMBIT's marking, which decides the category."""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        match = TASK_ID_PATTERN.match(value)
        if match is None:
            raise ValueError("id skal have formen PROJEKT-NN-MM, fx SAPA-07-02")
        if not 1 <= int(match.group(2)) <= 16:
            raise ValueError("hovedopgavenummeret i id skal være 01-16")
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_warning(cls, data: Any) -> Any:
        """Without `warn_days` the warning is DEFAULT_WARN_DAYS, but never longer than the task."""
        if isinstance(data, dict) and "warn_days" not in data:
            start, due = data.get("start_offset"), data.get("due_offset")
            if type(start) is int and type(due) is int and start <= due:
                return {**data, "warn_days": min(DEFAULT_WARN_DAYS, due - start)}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> TaskSpec:
        if self.start_offset > self.due_offset:
            raise ValueError("start_offset ligger efter due_offset")
        if self.warn_days > self.due_offset - self.start_offset:
            raise ValueError(warning_before_start(self))
        if self.exit_priority == "necessary" and self.category == Category.OPTIONAL:
            raise ValueError("en 'Nødvendig' exit-opgave skal være mandatory eller critical")
        if (
            self.exit_priority in ("recommended", "voluntary")
            and self.category != Category.OPTIONAL
        ):
            raise ValueError("en 'Anbefales'/'Frivillig' exit-opgave skal være optional")
        return self

    @property
    def project(self) -> str:
        return self.id.split("-")[0]

    @property
    def main_task(self) -> int:
        return int(self.id.split("-")[1])


class Catalogue(_Strict):
    format: Literal["kigo-catalogue"]
    version: Annotated[str, Field(min_length=1, max_length=40)]
    projects: Annotated[tuple[ProjectSpec, ...], FailFast()]
    main_tasks: Annotated[tuple[MainTaskSpec, ...], FailFast()]
    skipped: Annotated[tuple[SkipSpec, ...], FailFast()] = ()
    tasks: Annotated[tuple[TaskSpec, ...], FailFast()]

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        codes = [p.code for p in self.projects]
        if sorted(codes) != sorted(PROJECT_CODES):
            raise ValueError(f"projects skal være præcis {', '.join(PROJECT_CODES)}")
        numbers = [m.number for m in self.main_tasks]
        if sorted(numbers) != list(range(1, 17)):
            raise ValueError("main_tasks skal være hovedopgave 1-16, hver én gang")
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValueError(f"task-id {task.id} findes to gange")
            seen.add(task.id)
        skips = {(s.project, s.main_task) for s in self.skipped}
        for task in self.tasks:
            if (task.project, task.main_task) in skips:
                raise ValueError(
                    f"{task.id}: hovedopgave {task.main_task} er markeret som sprunget over for "
                    f"{task.project}"
                )
        return self

    def tasks_for(self, project: str, main_task: int) -> list[TaskSpec]:
        return [t for t in self.tasks if t.project == project and t.main_task == main_task]

    def skip_reason(self, project: str, main_task: int) -> str | None:
        for skip in self.skipped:
            if skip.project == project and skip.main_task == main_task:
                return skip.reason
        return None


def _describe_location(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into e.g. "tasks[12] (SAPA-07-02), felt 'category'"."""
    where = ""
    node: Any = raw
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            node = node[key]
            ident = (
                node.get("id") or node.get("code") or node.get("number")
                if isinstance(node, dict)
                else None
            )
            where += f"[{key + 1}]" + (f" ({ident})" if ident is not None else "")
        elif last and where:
            where += f", felt '{key}'"
        else:
            where += f".{key}" if where else str(key)
            node = node.get(key) if isinstance(node, dict) else None
    return where or "(øverste niveau)"


def _widest_table(raw: Any) -> tuple[str, int] | None:
    """The first table (in file order) with more than MAX_TABLE_KEYS keys, and its key count.

    Iterative: tomllib parses lists nested ~500 deep, and this runs deeper in the stack than it.
    """
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            if len(node) > MAX_TABLE_KEYS:
                return where or "(øverste niveau)", len(node)
            children = [(f"{where}.{key}" if where else str(key), v) for key, v in node.items()]
        elif isinstance(node, list):
            children = [(f"{where}[{index + 1}]", v) for index, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(children))
    return None


def parse_catalogue(raw: dict[str, Any], source: str) -> Catalogue:
    """Validate already-parsed catalogue data; errors name the source, the entry and the field.

    Each list stops at its first bad entry (FailFast), so the errors shown are those of the first
    bad project, hovedopgave, skip and task, plus any at the top level.
    """
    wide = _widest_table(raw)
    if wide is not None:
        raise CatalogueError(
            f"{source}: {wide[0]} har {count(wide[1], 'felt', 'felter')}; højst {MAX_TABLE_KEYS} er tilladt"
        )
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{source}: kataloget er ugyldigt ({exc.error_count()} fejl)"]
        for err in exc.errors()[:20]:
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {_describe_location(raw, tuple(err['loc']))}: {message}")
        raise CatalogueError("\n".join(lines)) from None


def load_catalogue(path: Path | Traversable | None = None) -> Catalogue:
    """Read and validate a catalogue TOML file (the shipped one by default)."""
    path = path or CATALOGUE_PATH
    try:
        with path.open("rb") as stream:  # at most the limit + 1 byte, also from /dev/zero
            data = stream.read(MAX_CATALOGUE_BYTES + 1)
    except FileNotFoundError:
        raise CatalogueError(f"{path}: katalogfilen findes ikke") from None
    except OSError as exc:  # a folder, no permission
        raise CatalogueError(f"{path}: katalogfilen kan ikke læses ({exc.strerror})") from None
    if len(data) > MAX_CATALOGUE_BYTES:
        raise CatalogueError(f"{path}: katalogfilen er for stor (over {MAX_CATALOGUE_BYTES} bytes)")
    values = sum(data.count(separator) for separator in (b"=", b",", b"[", b"{"))
    if values > MAX_CATALOGUE_VALUES:
        raise CatalogueError(
            f"{path}: katalogfilen har for mange værdier (over {MAX_CATALOGUE_VALUES})"
        )
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: filen er ikke UTF-8 ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path}: ikke gyldig TOML: {exc}") from None
    except RecursionError:
        raise CatalogueError(f"{path}: ikke gyldig TOML: for dybt indlejrede lister") from None
    return parse_catalogue(raw, str(path))


@cache
def shipped_catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_PATH)
