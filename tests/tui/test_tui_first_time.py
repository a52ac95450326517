"""No surprises for a first-time user (issue 17, point 7): the first run chooses nothing for the
user, search finds the next and the previous match, a key clash in config.toml is reported, every
form opens in its first field, ticked boxes differ in shape, a long title is readable at 80×24,
and exports go to the documents folder (or the configured one), never the current folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

import kigo_tui.screens
from kigo_tui.app import KigoApp, create_app
from kigo_tui.config import Settings
from kigo_tui.screens.dialogs.base import FORM_FIELDS, Dialog
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import cursor_key, goto_task, notifications, wait_for, wait_loaded

SIZE = (80, 24)


def demo_app(demo_path: Path, **settings: object) -> KigoApp:
    return create_app(str(demo_path), settings=Settings(**settings), today=FIXED_TODAY)


def screen_lines(app: KigoApp) -> list[str]:
    """The screen as plain text, line by line (what the user sees, colours left out)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


# ---------------------------------------------------------------------------------- first run


async def test_the_first_run_chooses_no_kommune_and_asks_for_one(tmp_path: Path) -> None:
    # Seed 002: "Det er helt op til den enkelte kommune at vurdere og beslutte, om og hvordan
    # implementeringsmodellen skal anvendes lokalt." — the kommune is the user's to choose.
    from kigo_tui.screens.first_run import FirstRunScreen

    path = tmp_path / "ny.db"
    app = create_app(str(path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        screen = app.screen
        await wait_for(pilot, lambda: app.focused is screen.query_one("#search", Input))
        kommuner = screen.query_one("#kommuner", OptionList)
        assert kommuner.highlighted is None and screen._chosen() is None
        await pilot.press("ctrl+s")  # saving without a choice
        error = screen.query_one("#error", Static)
        await wait_for(pilot, lambda: "Vælg først din kommune" in str(error.render()))
        await wait_for(pilot, lambda: app.focused is kommuner, what="the focus on the list")
        assert isinstance(app.screen, FirstRunScreen)
        assert not _initialised(path)  # nothing was made for a kommune the user did not choose
        # a choice: down to the second kommune on the list, Enter picks it
        await pilot.press("down", "down", "enter")
        chosen = screen._chosen()
        assert chosen is not None
        assert chosen in str(screen.query_one("#chosen", Static).render())
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert app.main_screen.model.kommune_code == chosen


def _initialised(path: Path) -> bool:
    store = Store.open(str(path))
    try:
        return store.is_initialised()
    finally:
        store.close()


async def test_the_first_run_search_folds_danish_spellings(tmp_path: Path) -> None:
    from kigo_tui.screens.first_run import FirstRunScreen

    app = create_app(str(tmp_path / "ny.db"), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, FirstRunScreen))
        await pilot.press(*"Aeroe")
        kommuner = app.screen.query_one("#kommuner", OptionList)
        await wait_for(pilot, lambda: kommuner.option_count == 1)
        assert kommuner.get_option_at_index(0).id == "492"  # Ærø
        await pilot.press("enter")  # the one left is the one typed
        assert app.screen._chosen() == "492"


# ---------------------------------------------------------------------------------- search


async def test_search_steps_to_the_next_and_previous_match_best_first(demo_path: Path) -> None:
    # Seed 000: "det er derfor særdeles væsentligt at kommunen opdaterer status på opgaverne i
    # KIGO løbende" — finding the task to update must work as the user spells it.
    store = Store.open(str(demo_path))
    try:
        expected = [t.id for t in store.search("oekonomi")]  # ø written out
        assert expected == [t.id for t in store.search("ØKONOMI")]
    finally:
        store.close()
    assert len(expected) >= 3, expected
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")
        search = app.main_screen.query_one("#search", Input)
        await wait_for(pilot, lambda: search.has_focus)
        await pilot.press(*"oekonomi", "enter")
        await wait_for(pilot, lambda: cursor_key(pilot) == expected[0], what="the best match")
        await pilot.press("n")
        await wait_for(pilot, lambda: cursor_key(pilot) == expected[1], what="the next match")
        await pilot.press("n")
        await wait_for(pilot, lambda: cursor_key(pilot) == expected[2])
        await pilot.press("N")
        await wait_for(pilot, lambda: cursor_key(pilot) == expected[1], what="the previous one")
        await pilot.press("N", "N")  # round the start to the last
        await wait_for(pilot, lambda: cursor_key(pilot) == expected[-1])
        assert any(f"af {len(expected)}" in n for n in notifications(pilot))


async def test_search_puts_title_matches_before_description_matches(demo_path: Path) -> None:
    store = Store.open(str(demo_path))
    try:
        local = store.add_local_task("SAPA", 1, "Xylofon-møde", description="ingenting")
        other = store.add_local_task("STS", 1, "Noget andet", description="om xylofonmoede")
        found = [t.id for t in store.search("xylofon-moede")]
        assert found == [local.id], found
        found = [t.id for t in store.search("xylofon")]
    finally:
        store.close()
    # STS comes before SAPA in the tree, but the title match ranks first
    assert found == [local.id, other.id]


# ---------------------------------------------------------------------------------- keys


async def test_a_key_taken_from_another_action_is_reported_not_applied(demo_path: Path) -> None:
    app = demo_app(demo_path, keys={"toggle_done": "x", "undo": "U"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        said = [n for n in notifications(pilot) if "config.toml" in n]
        assert len(said) == 1, notifications(pilot)
        assert "«x»" in said[0] and "«Fuldført»" in said[0] and "«Eksport»" in said[0]
        bindings = app.main_screen.active_bindings
        assert bindings["x"].binding.action == "export"  # x still exports
        assert bindings["U"].binding.action == "undo"  # a free key is moved as asked


# ---------------------------------------------------------------------------------- forms


def _dialog_classes() -> dict[str, type[Dialog]]:
    for module in pkgutil.walk_packages(kigo_tui.screens.__path__, "kigo_tui.screens."):
        importlib.import_module(module.name)
    found: dict[str, type[Dialog]] = {}
    todo = [Dialog]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found[sub.__name__] = sub
            todo.append(sub)
    return found


NOT_FORMS = {
    "ConfirmScreen": "a question: Ja/Nej",
    "ConflictScreen": "a choice between two saves",
    "HelpScreen": "text",
    "OrganisationHelpScreen": "text",
    "OrganisationScreen": "text",
    "SummaryScreen": "text",
    "TaskListScreen": "a list to jump from",
    "PatternWizardScreen": "questions answered with Ja/Nej",
    "_Modal": "a base class",
    "TaskForm": "a base class",
}


def _forms(tmp_path: Path, store: Store) -> dict[str, Callable[[], Dialog]]:
    from kigo_tui.domain.exit_strategy import DecisionNote
    from kigo_tui.domain.organisation import Organisation, PersonRow, RoleRow
    from kigo_tui.domain.tree import TaskFilter
    from kigo_tui.screens.calendar import CalendarScreen
    from kigo_tui.screens.dialogs import AddTaskScreen, EditTaskScreen, FilterScreen
    from kigo_tui.screens.dialogs.defects import DefectFormScreen
    from kigo_tui.screens.dialogs.exit_strategy import (
        AreaFilter,
        AreaFilterScreen,
        AreaFormScreen,
        NoteFormScreen,
    )
    from kigo_tui.screens.dialogs.organisation import (
        PersonFormScreen,
        PickMeScreen,
        RemoveRoleScreen,
        RoleFormScreen,
    )

    anne = PersonRow(1, "Anne Jensen", "Chef", "Ydelse", "anne@kommune.dk", "")
    role = RoleRow(1, 1, "programme_lead", None, False)
    task = store.task("SAPA-10-04")
    return {
        "EditTaskScreen": lambda: EditTaskScreen(task),
        "AddTaskScreen": lambda: AddTaskScreen("SAPA", 7, "Sagsklargøring/-oprydning"),
        "DefectFormScreen": lambda: DefectFormScreen(None, "SAPA"),
        "AreaFormScreen": lambda: AreaFormScreen(None),
        "AreaFilterScreen": lambda: AreaFilterScreen(AreaFilter(), ["Børn og unge"]),
        "FilterScreen": lambda: FilterScreen(TaskFilter()),
        "CalendarScreen": lambda: CalendarScreen(None, "461", tmp_path),
        "NoteFormScreen": lambda: NoteFormScreen(DecisionNote(), ["1. Børn og unge"]),
        "PersonFormScreen": lambda: PersonFormScreen(None),
        "RoleFormScreen": lambda: RoleFormScreen(anne, Organisation(people={1: anne})),
        "RemoveRoleScreen": lambda: RemoveRoleScreen(anne, [role]),
        "PickMeScreen": lambda: PickMeScreen([anne]),
    }


def test_every_dialog_is_known_as_a_form_or_not(demo_path: Path, tmp_path: Path) -> None:
    """A new dialog must be added to _forms (and so checked below) or to NOT_FORMS."""
    store = Store.open(str(demo_path))
    try:
        forms = _forms(tmp_path, store)
    finally:
        store.close()
    unknown = set(_dialog_classes()) - set(forms) - set(NOT_FORMS)
    assert not unknown, f"add these dialogs to _forms or NOT_FORMS: {sorted(unknown)}"


@pytest.mark.parametrize(
    "name",
    [
        "EditTaskScreen",
        "AddTaskScreen",
        "DefectFormScreen",
        "AreaFormScreen",
        "AreaFilterScreen",
        "FilterScreen",
        "CalendarScreen",
        "NoteFormScreen",
        "PersonFormScreen",
        "RoleFormScreen",
        "RemoveRoleScreen",
        "PickMeScreen",
    ],
)
async def test_every_form_opens_with_the_focus_in_its_first_field(
    demo_path: Path, tmp_path: Path, name: str
) -> None:
    # Seed 002: "Når kommunen forholder sig til en tjekliste, fremkommer et tjek på kommunens
    # parathed" — what the user fills in must start where the form starts, with no hunt for it.
    store = Store.open(str(demo_path))
    try:
        dialog = _forms(tmp_path, store)[name]()
    finally:
        store.close()
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.push_screen(dialog)
        await wait_for(pilot, lambda: app.screen is dialog and dialog.focused is not None)
        await pilot.pause()
        fields = [w for w in dialog.focus_chain if isinstance(w, FORM_FIELDS)]
        assert fields, f"{name} has no field: move it to NOT_FORMS"
        assert dialog.focused is fields[0], (name, dialog.focused, fields[0])


# ---------------------------------------------------------------------------------- ticks


async def test_ticked_and_unticked_boxes_differ_in_shape_without_colour(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seed 002: "Når kommunen forholder sig til en tjekliste, fremkommer et tjek på kommunens
    # parathed til overgang til næste fase." — a tick must be readable in any terminal.
    monkeypatch.setenv("NO_COLOR", "1")
    store = Store.open(str(demo_path))
    try:
        items = store.detail("SAPA-01-04").checklist
        store.set_checklist_item(items[0].id, True)
    finally:
        store.close()
    app = demo_app(demo_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, "SAPA-01-04")
        await wait_for(pilot, lambda: bool(app.main_screen.query("#checklist")))
        await pilot.pause(0.2)
        lines = screen_lines(app)
        first = next(line for line in lines if items[0].text[:30] in line)
        second = next(line for line in lines if items[1].text[:30] in line)
        assert "[x]" in first and "[ ]" not in first, first
        assert "[ ]" in second and "[x]" not in second, second
        # and the filter's boxes
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FilterScreen")
        await pilot.pause(0.1)
        before = [line for line in screen_lines(app) if "Skjul fuldførte" in line]
        assert before and "[ ]" in before[0], before
        app.screen.query_one("#hide-done").value = True
        await pilot.pause(0.1)
        after = [line for line in screen_lines(app) if "Skjul fuldførte" in line]
        assert "[x]" in after[0], after


# ---------------------------------------------------------------------------------- 80×24


@pytest.mark.parametrize("task_id", ["STS-13-04", "local"])
async def test_the_whole_title_is_readable_at_80_by_24(demo_path: Path, task_id: str) -> None:
    # Seed 000: "markerer opgaven som fuldført, når den er løst" — the user must see which task
    # it is before ticking it, all of its title, on the smallest usual terminal.
    store = Store.open(str(demo_path))
    try:
        if task_id == "local":
            long_title = (
                "Gennemgå alle fagsystemernes snitflader til Sags- og dokumentindekset sammen "
                "med leverandørerne og dokumentér aftalerne i projektets fællesmappe"
            )
            task_id = store.add_local_task("STS", 13, long_title).id
        title = store.task(task_id).title
    finally:
        store.close()
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, task_id)
        await pilot.pause(0.2)
        pane = app.main_screen.query_one("#detail")
        left = pane.region.x
        right_side = " ".join(line[left:] for line in screen_lines(app))
        assert " ".join(title.split()) in " ".join(right_side.split()), right_side


# ---------------------------------------------------------------------------------- exports


async def test_the_bundle_goes_to_the_documents_folder_and_the_tui_says_where(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    # Seed 002: "Rapporter fremdrift" — the report the user sends on must be found afterwards.
    documents = isolated_home / "Dokumenter"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    app = demo_app(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: any(documents.glob("kigo-status-461-*.zip")))
        await wait_for(pilot, lambda: any(str(documents) in n for n in notifications(pilot)))
    assert list(work.iterdir()) == []  # nothing in the current folder


async def test_the_export_folder_can_be_set_in_config(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    target = tmp_path / "til KOMBIT" / "2026"  # made when the first file is written
    app = demo_app(demo_path, export_dir=str(target))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: target.is_dir() and any(target.glob("*.zip")))
        await pilot.press("c")
        from kigo_tui.screens.calendar import CalendarScreen

        await wait_for(pilot, lambda: isinstance(app.screen, CalendarScreen))
        path = app.screen.query_one("#path", Input)
        assert Path(path.value).parent == target
    assert list(work.iterdir()) == []


async def test_the_calendar_file_makes_the_export_folder_when_first_used(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    target = tmp_path / "til KOMBIT" / "kalender"  # not there yet
    app = demo_app(demo_path, export_dir=str(target))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("c")
        from kigo_tui.screens.calendar import CalendarScreen

        await wait_for(pilot, lambda: isinstance(app.screen, CalendarScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(target.glob("kigo-frister-461*.ics")))
        await wait_for(pilot, lambda: any(str(target) in n for n in notifications(pilot)))
    assert list(work.iterdir()) == []


async def test_R_writes_the_status_page_and_asks_before_overwriting_it(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kigo_tui.screens.dialogs import ConfirmScreen

    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    target = tmp_path / "til styregruppen"
    app = demo_app(demo_path, export_dir=str(target))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: any(target.glob("kigo-rapport-461-*.html")))
        (page,) = target.glob("kigo-rapport-461-*.html")
        await wait_for(pilot, lambda: any(str(page) in n for n in notifications(pilot)))
        assert "Implementeringsstatus for Odense (461)" in page.read_text("utf-8")
        page.write_text("mine noter", "utf-8")
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert page.read_text("utf-8") == "mine noter"  # kept: the user said no
    assert list(work.iterdir()) == []


async def test_a_highlight_for_an_item_the_list_no_longer_has_is_dropped() -> None:
    """The detail pane refills a task's checklist when it is shown again; a highlight sent just
    before (a fast ↓ during a live refresh) arrives after the refill. It must not stop the app
    (Textual raised OptionDoesNotExist building the message: a random-key run found it)."""
    from textual.app import App, ComposeResult
    from textual.widgets.selection_list import Selection

    from kigo_tui.widgets.ticks import Checklist

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Checklist(*(Selection(f"punkt {n}", n) for n in range(5)), id="checklist")

    app = One()
    async with app.run_test() as pilot:
        checklist = app.query_one(Checklist)
        checklist.highlighted = 4  # the highlight message is queued ...
        checklist.clear_options()  # ... and the list refilled shorter before it is handled
        checklist.add_options([Selection("nyt punkt", 9)])
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert [o.value for o in checklist.options] == [9]
