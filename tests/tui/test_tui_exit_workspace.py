"""Pilot tests for the KMD Sag exit workspace screen: reach it from SAPA, add with the form,
set the pattern with the wizard, filter, sort, delete."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select

from kigo_tui.app import create_app
from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.screens.dialogs import ConfirmScreen
from kigo_tui.screens.exit_strategy import (
    AreaFilterScreen,
    AreaFormScreen,
    ExitWorkspaceScreen,
    PatternWizardScreen,
)
from kigo_tui.storage.exit_strategy import list_areas, save_area
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, wait_for, wait_loaded

SIZE = (80, 24)


def _seed(path: Path) -> None:
    store = Store.open(str(path))
    save_area(
        store,
        CaseArea(
            field_area="Jobcenter",
            case_area="Kontanthjælp",
            kle="15.00",
            caseworkers=40,
            pattern="D",
            scenario=4,
        ),
    )
    save_area(
        store,
        CaseArea(
            field_area="Børn og unge",
            case_area="Underretninger",
            kle="27.24",
            caseworkers=12,
            business_critical=True,
            pattern="C",
        ),
    )
    store.close()


def _areas(path: Path) -> list[CaseArea]:
    store = Store.open(str(path))
    try:
        return list_areas(store)
    finally:
        store.close()


async def _open_workspace(pilot) -> ExitWorkspaceScreen:
    app = pilot.app
    await wait_loaded(pilot)
    await goto_task(pilot, "SAPA-01-01", detail=False)
    await pilot.press("w")
    await wait_for(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
    screen = app.screen
    return screen


async def test_workspace_only_from_sapa(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "KY-01-01", detail=False)
        await pilot.press("w")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ExitWorkspaceScreen)


async def test_table_sorted_by_priority_and_flags(db_path: Path) -> None:
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        first = table.get_row_at(0)
        assert str(first[2]) == "Underretninger"  # business-critical first
        assert "⚠" in first[-1]  # pattern C without a scenario
        await pilot.press("s")  # sort by fagområde
        assert str(table.get_row_at(0)[1]) == "Børn og unge"
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFilterScreen))
        app.screen.query_one("#pattern", Select).value = "D"
        await pilot.click("#apply")
        await wait_for(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[2]) == "Kontanthjælp"


async def test_add_validate_and_wizard(db_path: Path) -> None:
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-01-01", detail=False)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        form = app.screen
        form.query_one("#field_area", Input).value = "Borgerservice"
        form.query_one("#case_area", Input).value = "Pas"
        form.query_one("#kle", Input).value = "2502"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert isinstance(app.screen, AreaFormScreen)
        assert "'KLE-nr.': skal have formen NN.NN" in str(form.query_one("#error").render())
        form.query_one("#kle", Input).value = "25.02.01"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(_areas(db_path)) == 1)
        workspace = app.screen
        await wait_for(pilot, lambda: workspace.query_one(DataTable).row_count == 1)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternWizardScreen))
        # Seed 004 (R2): uses KMD Sag, a separate fagsystem, notes not written in it → C
        await pilot.press("j", "j", "n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _areas(db_path)[0].pattern == "C")
        assert _areas(db_path)[0].uses_kmd_sag
        await wait_for(pilot, lambda: "⚠" in workspace.query_one(DataTable).get_row_at(0)[-1])
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: _areas(db_path) == [])


async def test_rules_help_in_the_workspace(db_path: Path) -> None:
    from textual.widgets import Static

    from kigo_tui.screens.exit_strategy import SummaryScreen

    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await _open_workspace(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen))
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "percentilrang" in text and "3–4 stort" in text and "Taster" in text


async def test_enter_opens_the_form_as_the_help_says(db_path: Path) -> None:
    """The help names Enter beside e; the table takes the key, so its RowSelected opens it."""
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        assert app.screen.area is not None
        assert app.screen.area.case_area == "Underretninger"  # the selected (first) row


async def test_an_empty_workspace_says_what_to_do(db_path: Path) -> None:
    from textual.widgets import Static

    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        hint = screen.query_one("#exit-empty", Static)
        await wait_for(pilot, lambda: hint.display)
        text = str(hint.render())
        assert "Tryk a for at tilføje" in text and "import-xlsx" in text
        assert not screen.query_one(DataTable).display
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        form = app.screen
        form.query_one("#field_area", Input).value = "Borgerservice"
        form.query_one("#case_area", Input).value = "Pas"
        form.query_one("#kle", Input).value = "25.02"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 1)
        assert not hint.display and screen.query_one(DataTable).display


async def test_the_form_saves_the_seeds_other_answers_and_own_choices(db_path: Path) -> None:
    # Seed 004 (R3, As-is 8): "Er der nogle af sagerne, der kan arkiveres, og hvad kræver det?"
    # and phase 4: "Angiv om der er få, mellem eller mange brugere på hvert sagsområde"
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 2)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        form = app.screen
        assert form.focused is form.query_one("#field_area", Input)
        form.query_one("#archive_requirements", Input).value = "Sager før 2015 kan arkiveres"
        form.query_one("#tender_when", Input).value = "2028"
        form.query_one("#preferred_notes_in", Input).value = "SBSYS"
        form.query_one("#tsa_agreement", Select).value = True
        form.query_one("#own_user_band", Select).value = "few"
        form.query_one("#own_priority", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert "Egen prioritet" in str(form.query_one("#error").render())
        form.query_one("#own_priority", Input).value = "2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(a.own_priority == 2 for a in _areas(db_path)))
        area = next(a for a in _areas(db_path) if a.case_area == "Underretninger")
        assert area.archive_requirements == "Sager før 2015 kan arkiveres"
        assert (area.tender_when, area.preferred_notes_in) == ("2028", "SBSYS")
        assert area.tsa_agreement and area.own_user_band == "few"
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: str(table.get_row_at(1)[0]) == "2*")


async def test_the_forms_choices_fit_at_80_columns(db_path: Path) -> None:
    """The option text of the form's choice lists is no wider than the list (no wrapping)."""
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 2)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
        await pilot.pause(0.1)
        for name in ("pattern", "scenario", "cleanup_complexity", "own_user_band"):
            select = app.screen.query_one(f"#{name}", Select)
            width = select.content_region.width
            labels = [str(prompt) for prompt, _ in select._options]
            assert width >= 30, (name, width)
            assert all(len(label) <= width - 2 for label in labels), (name, width, labels)


async def test_the_decision_note_is_edited_in_the_tui(db_path: Path) -> None:
    # Seed 004, phase 4 step 5: "samle de anbefalinger ... i et notat. Dette notat kan anvendes
    # som beslutningsgrundlag for din kommunes endelige beslutning om KMD Sag Exit en"
    from textual.widgets import Static, TextArea

    from kigo_tui.screens.dialogs.exit_strategy import NoteFormScreen
    from kigo_tui.storage.exit_strategy import get_note

    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 2)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteFormScreen))
        dialog = app.screen
        assert dialog.focused is dialog.query_one("#body", TextArea)
        appendix = str(dialog.query_one("#appendix", Static).render())
        assert "1. Børn og unge / Underretninger (27.24) – mangler scenarie" in appendix
        dialog.query_one("#body", TextArea).text = "Vi anbefaler scenarie 4 for kontanthjælp."
        dialog.query_one("#cleanup_order", Select).value = "light_first"
        dialog.query_one("#status", Select).value = "decided"
        dialog.query_one("#decided_on", Input).value = "30-02-2027"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert "findes ikke" in str(dialog.query_one("#error").render())
        dialog.query_one("#decided_on", Input).value = "01-03-2027"
        await pilot.press("ctrl+s")

        def saved() -> bool:
            store = Store.open(str(db_path))
            try:
                return get_note(store)[1] == 1
            finally:
                store.close()

        await wait_for(pilot, saved)
        store = Store.open(str(db_path))
        try:
            note, _ = get_note(store)
        finally:
            store.close()
        assert note.body == "Vi anbefaler scenarie 4 for kontanthjælp."
        assert (note.status, note.cleanup_order, str(note.decided_on)) == (
            "decided",
            "light_first",
            "2027-03-01",
        )


async def test_the_wizards_no_to_the_first_question_is_pattern_0_and_not_using(
    db_path: Path,
) -> None:
    # Seed 004 (R2): "Start Anvender I KMD Sag på sagsområdet? ... NEJ ... Brugsmønster 0 Bruger
    # IKKE KMD Sag i dag."
    _seed(db_path)
    app = create_app(str(db_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_workspace(pilot)
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 2)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternWizardScreen))
        await pilot.press("n", "ctrl+s")

        def saved() -> bool:
            area = next(a for a in _areas(db_path) if a.case_area == "Underretninger")
            return area.pattern == "0" and not area.uses_kmd_sag

        await wait_for(pilot, saved)
