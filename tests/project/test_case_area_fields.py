"""The case-area fields have one definition (`domain.exit_strategy.AREA_FIELDS`, the sheet's
columns); the CLI's options and the TUI's form name the same fields by kind with their own Danish
labels, and a field added to the domain without them (or the other way round) fails here."""

from __future__ import annotations

from kigo_tui.cli import exit_strategy as cli
from kigo_tui.domain.exit_strategy import AREA_FIELDS, PATTERNS, SCENARIOS
from kigo_tui.screens.dialogs import exit_strategy as form


def of_kind(*kinds: str) -> set[str]:
    return {f.field for f in AREA_FIELDS if f.kind in kinds}


def test_the_cli_options_are_the_domains_fields() -> None:
    assert {dest for _, dest, _ in cli.TEXT_OPTIONS} == of_kind("text", "kle")
    assert {dest for _, dest, _ in cli.COUNT_OPTIONS} == of_kind("count")
    assert {dest for _, dest, _ in cli.BOOL_OPTIONS} == of_kind("bool")
    assert set(cli.FIELD_DESTS) == {f.field for f in AREA_FIELDS} - {"id"}
    assert len(cli.FIELD_DESTS) == len(set(cli.FIELD_DESTS))
    assert cli.PATTERN_CHOICES == PATTERNS
    assert tuple(str(n) for n in SCENARIOS) == cli.SCENARIO_CHOICES


def test_the_tui_form_shows_the_domains_fields() -> None:
    assert {name for name, _ in form.TEXT_FIELDS} == of_kind("text", "kle")
    assert {name for name, _ in form.NUMBER_FIELDS} == of_kind("count")
    assert {name for name, _ in form.BOOL_FIELDS} == of_kind("bool")
    assert {name for name, _ in form.CHOICE_FIELDS} == of_kind(
        "pattern", "complexity", "scenario", "band"
    )
    assert {name for name, _ in form.RANK_FIELDS} == of_kind("rank")
