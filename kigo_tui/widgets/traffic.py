"""Traffic-light styles from the theme: the colours are the theme variables `$traffic-green`,
`$traffic-yellow` and `$traffic-red` (defaults in `TRAFFIC_VARIABLES`, which a registered
`Theme` can override in its `variables`), never colour names in the widgets.

Every state also carries a symbol and a word (COLOUR_SYMBOLS, COLOUR_LABELS), so it reads in
NO_COLOR and for colour-blind users.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual._context import active_app
from textual.color import Color

from kigo_tui.domain.rules import COLOUR_LABELS, COLOUR_SYMBOLS, Colour

TRAFFIC_VARIABLES = {
    "traffic-green": "ansi_green",
    "traffic-yellow": "ansi_yellow",
    "traffic-red": "ansi_red",
}
"""The theme variables' defaults: the terminal's own green, yellow and red."""

EMPHASIS = {Colour.GREEN: False, Colour.YELLOW: False, Colour.RED: True}
"""Red is bold as well: the worst state stands out without its colour too."""


@lru_cache(maxsize=64)
def _style(value: str, bold: bool) -> Style:
    return Style(color=Color.parse(value).rich_color, bold=bold or None)


def traffic_style(colour: Colour, *, bold: bool | None = None) -> Style:
    """The style of a traffic-light state in the running app's theme (UI thread)."""
    value = active_app.get().theme_variables.get(
        f"traffic-{colour.value}", TRAFFIC_VARIABLES[f"traffic-{colour.value}"]
    )
    return _style(value, EMPHASIS[colour] if bold is None else bold)


def colour_badge(colour: Colour, word: bool = True) -> Text:
    """The state's symbol (and word) in its colour."""
    text = f"{COLOUR_SYMBOLS[colour]} {COLOUR_LABELS[colour]}" if word else COLOUR_SYMBOLS[colour]
    return Text(text, style=traffic_style(colour))
