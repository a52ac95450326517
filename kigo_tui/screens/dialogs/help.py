"""The keys and what the colours and symbols mean (the keys from `kigo_tui.actions`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from kigo_tui.screens.dialogs.base import Dialog


def keys_text(keys: list[tuple[str, str]]) -> Text:
    """The keys and what they do, a line each, the keys right-aligned."""
    text = Text()
    for key, description in keys:
        text.append(f"{key:>12}", style="bold")
        text.append(f"  {description}\n")
    return text


class HelpScreen(Dialog):
    BINDINGS = [Binding("escape,q,question_mark", "cancel", "Luk")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text(), classes="title")
            yield Static(self.body())

    def title_text(self) -> str:
        return "Hjælp – taster"

    def body(self) -> Text:
        text = keys_text(self.keys)
        text.append(
            "\nFarver: ● grøn = i plan · ▲ gul = ikke påbegyndt og tæt på slutdatoen · "
            "■ rød = slutdatoen er overskredet.\nStatus: ☐ ikke påbegyndt · ◐ påbegyndt · ☑ fuldført. "
            "Kategori: ! obligatorisk · ‼ obligatorisk kritisk.\n"
            "Et projekt og kommunen får den værste farve under sig.\n"
            "Taster kan ændres i config.toml under [keys]."
        )
        return text
