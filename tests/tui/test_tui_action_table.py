"""One action table: the main screen's bindings, the command palette and the help screen."""

from __future__ import annotations

from textual.binding import Binding

from kigo_tui.actions import MAIN_ACTIONS, help_keys, palette_commands, screen_bindings
from kigo_tui.screens.main import MainScreen
from kigo_tui.widgets.task_tree import TaskTree


def test_every_binding_of_ours_is_in_the_table() -> None:
    table = {a.id: a for a in MAIN_ACTIONS}
    screen = [b for b in MainScreen.BINDINGS if isinstance(b, Binding)]
    assert len(screen) == len(MainScreen.BINDINGS)
    assert [b.id for b in screen] == [a.id for a in MAIN_ACTIONS if not a.tree]
    assert "toggle_done" in {b.id for b in TaskTree.BINDINGS if isinstance(b, Binding)}
    for binding in screen:
        action = table[str(binding.id)]
        assert (binding.key, binding.action, binding.description, binding.show) == (
            action.key,
            action.action,
            action.description,
            action.show,
        )


def test_every_palette_command_runs_an_action_of_the_main_screen() -> None:
    commands = list(palette_commands())
    assert len(commands) == 22  # with search next/previous, "who am I" (17) and the report (18)
    assert len({title for _, title, _ in commands}) == len(commands)
    for name, title, help_text in commands:
        assert callable(getattr(MainScreen, f"action_{name}", None)), name
        assert title and help_text


def test_the_help_lists_each_action_once_after_the_tree_keys() -> None:
    bindings = [(b.key, b) for b in screen_bindings() if isinstance(b, Binding)] * 2
    keys = help_keys(bindings)
    assert keys[:3] == [("↑↓ j k", "flyt markøren"), ("→ Enter", "fold ud"), ("←", "fold sammen")]
    listed = [description for _, description in keys[3:-2]]
    assert listed == [a.description for a in MAIN_ACTIONS if not a.tree and a.id != "close_search"]
    assert keys[-1] == ("ctrl+p", "kommandopalet med de samme handlinger")
