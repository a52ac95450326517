"""Pilot tests for the organisation in the TUI: warnings, mine opgaver (and picking who you are),
the organisation view (people and roles managed there, versioned), responsibility in the edit
dialog, KOMBIT's contact in the follow-up view."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static

from kigo_tui.app import create_app
from kigo_tui.config import Settings, load_settings
from kigo_tui.domain.organisation import CHECKS
from kigo_tui.locations import config_path
from kigo_tui.screens.dialogs import ConfirmScreen, ConflictScreen, EditTaskScreen, TaskListScreen
from kigo_tui.screens.dialogs.organisation import (
    OrganisationHelpScreen,
    PersonFormScreen,
    PickMeScreen,
    RemoveRoleScreen,
    RoleFormScreen,
)
from kigo_tui.screens.organisation import OrganisationScreen
from kigo_tui.storage.organisation import (
    add_person,
    assign_role,
    edit_person,
    read_organisation,
    set_responsibility,
)
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import goto_task, wait_for, wait_loaded

SIZE = (80, 24)


def _organise(path: Path) -> tuple[int, int]:
    store = Store.open(str(path))
    anne = add_person(store, "Anne Jensen", email="anne@kommune.dk")
    bo = add_person(store, "Bo Berg", email="bo@kommune.dk")
    assign_role(store, anne.id, "programme_lead")
    assign_role(store, bo.id, "project_lead", "SAPA")
    set_responsibility(store, "SAPA-07-02", accountable=anne.id, doer=bo.id)
    set_responsibility(store, "KY-14-02", doer=bo.id)
    store.close()
    return anne.id, bo.id


async def test_project_warning_and_contact(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        tree = app.main_screen.tree
        labels = {code: str(node.label) for code, node in tree._projects.items()}
        assert "⚠" in labels["KY"] and "⚠" in labels["KSD"]
        assert "⚠" not in labels["SAPA"]
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        summary = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "SAPA" in summary and "Bo Berg (Projektleder (SAPA))" in summary
        assert "Anne Jensen (Projektkoordinator/programleder)" in summary


async def test_mine_opgaver_lists_my_tasks_and_jumps(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), settings=Settings(me="bo@kommune.dk"), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        table = app.screen.query_one(DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert sorted(keys) == ["KY-14-02", "SAPA-07-02"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.tree.cursor_node.data.key == keys[0])


async def test_mine_without_people_says_how(demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("m")
        await wait_for(
            pilot, lambda: any("ingen personer" in str(n.message) for n in app._notifications)
        )
        assert not isinstance(app.screen, TaskListScreen | PickMeScreen)


async def test_mine_lets_the_user_pick_who_they_are_and_remembers_it(demo_path: Path) -> None:
    _organise(demo_path)
    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("# mine indstillinger\npoll_seconds = 2\n", encoding="utf-8")
    app = create_app(str(demo_path), settings=load_settings(), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, PickMeScreen))
        picker = app.screen.query_one("#me", Select)
        assert app.screen.focused is picker  # the form opens in its first field
        picker.value = next(
            p.id for p in app.main_screen.org.people.values() if p.name == "Bo Berg"
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        keys = [row.key.value for row in app.screen.query_one(DataTable).ordered_rows]
        assert sorted(keys) == ["KY-14-02", "SAPA-07-02"]
    assert config.read_text(encoding="utf-8") == (
        'me = "bo@kommune.dk"\n# mine indstillinger\npoll_seconds = 2\n'
    )
    assert load_settings().me == "bo@kommune.dk"


async def _open_organisation(pilot: Pilot) -> OrganisationScreen:
    app = pilot.app
    await wait_loaded(pilot)
    await pilot.press("o")
    await wait_for(pilot, lambda: isinstance(app.screen, OrganisationScreen))
    screen = app.screen
    assert isinstance(screen, OrganisationScreen)
    await wait_for(pilot, lambda: screen.org is not None)
    return screen


def _shown(screen: Screen) -> str:
    return " ".join(str(s.render()) for s in screen.query(Static))


async def test_organisation_screen_shows_checks_with_weight(demo_path: Path) -> None:
    _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_organisation(pilot)
        text = _shown(screen)
        # Seed 001: "Derfor anbefaler KOMBIT, at kommunen udpeger en medarbejder ..."
        assert "● grøn Projektkoordinator på tværs af projekterne (anbefaling): Anne Jensen" in text
        # Seed 001: "Kommunen skal udpege en projektleder for hvert af monopolbrudsprojekterne"
        assert "■ rød Projektleder for KY (krav)" in text
        assert "● grøn Projektleder for SAPA (krav): Bo Berg" in text
        table = screen.query_one(DataTable)
        assert table.row_count == 2


async def test_organisation_help_cites_each_check(demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=(100, 60)) as pilot:
        await _open_organisation(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationHelpScreen))
        text = " ".join(_shown(app.screen).split())
        for spec in CHECKS.values():
            assert " ".join(spec.citation().split()) in text, spec.title
        # Seed 001: "Det er afgørende, at medlemmerne har beslutningskraft" -- a duty: red
        assert "Styregruppens medlemmer har beslutningskraft (krav: rød, når det mangler)" in text
        assert "Ny person" in text and "Giv rolle" in text and "Fjern rolle" in text


async def test_people_and_roles_are_managed_in_the_tui(demo_path: Path) -> None:
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_organisation(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonFormScreen))
        form = app.screen
        assert form.focused is form.query_one("#name", Input)  # focus in the first field
        await pilot.press("ctrl+s")
        error = str(form.query_one("#error", Static).render())
        assert "Navnet må ikke være tomt" in error  # Danish, and the dialog stays
        assert app.screen is form
        await pilot.press(*"Carl Holm")
        form.query_one("#unit", Input).value = "Ydelse"
        form.query_one("#email", Input).value = "carl@"
        await pilot.press("ctrl+s")
        assert "Ugyldig e-mail" in str(form.query_one("#error", Static).render())
        form.query_one("#email", Input).value = "carl@kommune.dk"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.org is not None and len(screen.org.people) == 1)
        (carl,) = screen.org.people.values()
        assert (carl.name, carl.unit, carl.email) == ("Carl Holm", "Ydelse", "carl@kommune.dk")

        # give a role: the role select has the focus; a project role needs a project
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RoleFormScreen))
        form = app.screen
        assert form.focused is form.query_one("#role", Select)
        form.query_one("#role", Select).value = "project_lead"
        await pilot.press("ctrl+s")
        assert "Vælg et projekt" in str(form.query_one("#error", Static).render())
        form.query_one("#project", Select).value = "KY"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [r.role for r in screen.org.roles] == ["project_lead"])
        assert "● grøn Projektleder for KY (krav): Carl Holm" in _shown(screen)

        # a steering group member with decision power
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RoleFormScreen))
        app.screen.query_one("#role", Select).value = "steering_member"
        app.screen.query_one("#decision", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.org.roles) == 2)
        assert screen.org.roles[1].decision_power

        # take the project role back
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, RemoveRoleScreen))
        assert app.screen.focused is app.screen.query_one("#role", Select)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [r.role for r in screen.org.roles] == ["steering_member"])

        # remove the person (asked first)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("j")
        await wait_for(pilot, lambda: screen.org is not None and not screen.org.people)
    store = Store.open(str(demo_path))
    try:
        assert read_organisation(store).people == {}
    finally:
        store.close()


async def test_an_edit_on_a_person_a_colleague_changed_shows_the_conflict(demo_path: Path) -> None:
    anne, _ = _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_organisation(pilot)
        screen.query_one(DataTable).move_cursor(row=0)  # Anne Jensen (sorted by name)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonFormScreen))
        form = app.screen
        assert form.query_one("#name", Input).value == "Anne Jensen"
        colleague = Store.open(str(demo_path))
        try:
            edit_person(colleague, anne, name="Anne Jensen", email="anne@kommune.dk", phone="1234")
        finally:
            colleague.close()
        form.query_one("#title", Input).value = "Programleder"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        conflict = app.screen.conflict
        assert {(c.label, c.theirs, c.mine) for c in conflict.changes} == {
            ("telefon", "1234", "—"),
            ("titel", "—", "Programleder"),
        }
        await wait_for(pilot, lambda: app.screen.query("#mine"))
        app.screen.query_one("#mine", Button).press()  # mine on top of the colleague's
        store = Store.open(str(demo_path))
        try:

            def saved() -> bool:
                return read_organisation(store).people[anne].title == "Programleder"

            await wait_for(pilot, saved)
            person = read_organisation(store).people[anne]
            assert (person.phone, person.version) == ("1234", 3)  # the colleague's kept
        finally:
            store.close()


async def test_edit_dialog_sets_responsibility(demo_path: Path) -> None:
    anne, bo = _organise(demo_path)
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await goto_task(pilot, "SAPA-01-01")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        app.screen.query_one("#accountable", Select).value = bo
        app.screen.query_one("#doer", Select).value = anne
        await pilot.press("ctrl+s")
        store = Store.open(str(demo_path))

        def saved() -> bool:
            return read_organisation(store).responsibility.get("SAPA-01-01") == (bo, anne)

        await wait_for(pilot, saved)
        history = store.detail("SAPA-01-01").history
        assert {(h.field, h.new) for h in history} >= {
            ("ansvarlig", "Bo Berg"),
            ("udfører", "Anne Jensen"),
        }
        store.close()


def test_every_organisation_action_runs_a_method_of_the_screen() -> None:
    from kigo_tui.actions import ORGANISATION_ACTIONS

    ids = [a.id for a in ORGANISATION_ACTIONS]
    assert len(ids) == len(set(ids))
    keys = [k for a in ORGANISATION_ACTIONS for k in a.key.split(",")]
    assert len(keys) == len(set(keys))  # no key does two things here
    for action in ORGANISATION_ACTIONS:
        assert callable(getattr(OrganisationScreen, f"action_{action.action}", None)), action.id


def test_the_project_pane_shows_the_dialogues_results_and_the_leads_notice() -> None:
    # Seed 000: "dokumentere dialogen med kommunen, eventuelle opfølgingsaktiviteter og de
    # resultater der opnås"; "kommunens programleder altid vil være varslet og informeret om, at
    # der eskaleres"
    from datetime import date

    from kigo_tui.domain.organisation import DialogueRow, Organisation
    from kigo_tui.screens.organisation import project_extra

    org = Organisation(
        dialogues=[
            DialogueRow(
                2,
                date(2026, 11, 20),
                "KY",
                "møde",
                "Bagud",
                "",
                "direktion",
                "u",
                (),
                results="Ny plan",
                lead_informed=None,
            ),
            DialogueRow(
                1,
                date(2026, 11, 10),
                "KY",
                "mail",
                "Frister",
                "Svar fredag",
                "none",
                "u",
                (),
                results="Svar modtaget",
            ),
        ]
    )
    lines = project_extra(org, "KY").plain.splitlines()
    at = lines.index("20-11-2026 møde: Bagud · eskaleret til direktionen")
    assert lines[at + 1 : at + 3] == [
        "   ikke oplyst, om programlederen er varslet",
        "   resultat: Ny plan",
    ]
    at = lines.index("10-11-2026 mail: Frister")
    assert lines[at + 1 : at + 3] == ["   aftalt: Svar fredag", "   resultat: Svar modtaget"]


async def test_i_on_the_main_screen_changes_who_you_are(demo_path: Path) -> None:
    _, bo = _organise(demo_path)
    app = create_app(str(demo_path), settings=Settings(me="anne@kommune.dk"), today=FIXED_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, PickMeScreen))
        picker = app.screen.query_one("#me", Select)
        assert app.screen.focused is picker
        assert picker.value == next(  # the current choice is shown
            p.id for p in app.main_screen.org.people.values() if p.name == "Anne Jensen"
        )
        picker.value = bo
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.settings.me == "bo@kommune.dk")
    assert load_settings().me == "bo@kommune.dk"
