"""The report's templates: Jinja2 with autoescaping on, one stylesheet inlined, no script.

Every value put into a page goes through Jinja's HTML escaping (`autoescape=True`: a task title
`<script>` is shown as those characters) and through `printable` first (a control character is
shown as a visible `\\u001b`, never written into the file). Only the charts are marked safe in
the templates (`|safe`), and they are escaped where they are drawn (`kigo_tui.report.svg`).
`StrictUndefined`: a name missing from the data is an error in our tests, never an empty cell.

The page's Content-Security-Policy (in the template) allows nothing from outside: no script at
all, styles and images inline only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from kigo_tui import __version__
from kigo_tui.domain.text import count, printable
from kigo_tui.formats.status import colour_word
from kigo_tui.report.svg import css_palette

if TYPE_CHECKING:
    import jinja2

LIST_LIMIT = 50
"""Rows shown per list on a page; the heading says how many there are in all."""


@dataclass(frozen=True)
class Listing:
    """A list on the page: the rows shown (at most LIST_LIMIT) and how many there are."""

    total: int
    rows: list[Any] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def _finalize(value: Any) -> Any:
    """Every printed value: text made printable (Markup, our own charts, is left as it is)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kigo_tui.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["version"] = __version__
    env.globals["css"] = stylesheet()
    env.globals["palette"] = css_palette()
    env.filters["colour_word"] = colour_word
    env.filters["count"] = count
    return env


@cache
def stylesheet() -> str:
    return files("kigo_tui.report").joinpath("templates", "report.css").read_text("utf-8")


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)
