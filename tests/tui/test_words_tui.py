"""No English a user can see in the TUI's frame: the command palette's search field and system
commands, the footer's key names and the palette key's description are Danish or neutral."""

from __future__ import annotations

import re
from pathlib import Path

from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kigo_tui.actions import MAIN_ACTIONS, key_display
from kigo_tui.app import NO_MATCHES, PALETTE_PLACEHOLDER, create_app
from kigo_tui.config import Settings
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import wait_for, wait_loaded

SIZE = (100, 30)
ENGLISH = re.compile(
    r"\b(space|escape|enter|palette|quit|theme|keys|screenshot|maximize|minimize|search|"
    r"command|open|change|show|hide)\b|\^",
    re.IGNORECASE,
)
"""Words (and the caret of '^p') Textual shows in English unless told otherwise."""


def test_key_names_are_danish_or_neutral() -> None:
    # Seed 002: "Hovedopgaverne bliver konkretiseret i relation til de specifikke it-løsninger."
    # (the product speaks the kommune's language: Danish, also on its keys)
    assert key_display("space") == "mellemrum"
    assert key_display("ctrl+p") == "ctrl+p"
    assert key_display("escape,q") == "esc"
    assert key_display("question_mark") == "?"
    assert key_display("shift+tab") == "skift+tab"
    for action in MAIN_ACTIONS:
        assert not ENGLISH.search(key_display(action.key)), action


async def test_palette_and_footer_speak_danish(demo_path: Path) -> None:
    # Seed 002: "Hovedopgaverne bliver konkretiseret i relation til de specifikke it-løsninger."
    app = create_app(str(demo_path), settings=Settings(), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        footer_keys = app.screen.query_one(Footer).query(FooterKey)
        shown = [f"{k.key_display} {k.description} {k.tooltip or ''}" for k in footer_keys]
        assert shown
        for text in shown:
            assert not ENGLISH.search(text), text
        assert any(k.key_display == "ctrl+p" for k in footer_keys)

        titles = [c.title for c in app.get_system_commands(app.screen)]
        helps = [c.help for c in app.get_system_commands(app.screen)]
        assert "Afslut" in titles and "Farvetema" in titles
        for text in (*titles, *helps):
            assert not ENGLISH.search(text), text

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder == PALETTE_PLACEHOLDER
        assert not ENGLISH.search(PALETTE_PLACEHOLDER)
        await pilot.press(*"zzxqj")  # matches nothing: the palette says so in Danish
        commands = palette.query_one(CommandList)

        def first_line() -> str:
            return str(commands.get_option_at_index(0).prompt) if commands.option_count else ""

        # The palette lists every command until the search for the typed text has run.
        await wait_for(pilot, lambda: NO_MATCHES in first_line(), what="the no-match line")
        assert not ENGLISH.search(first_line())
