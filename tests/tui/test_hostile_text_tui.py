"""Hostile text through the TUI's dialogs, driven by Textual's pilot.

Hypothesis draws a batch of texts (markup such as '[bold]', '[/]' and '[@click=quit]',
backslashes, emoji, right-to-left script, combining marks in NFD, long words, control
characters and line breaks); each text is entered in the edit dialog, the add-task dialog, the
search, the defect form and the case-area form, and names and dialogue entries with such text
are put into the organisation. After each: the app still runs; a text with a control character
is refused in the dialog with a Danish message naming the field and nothing is stored; any other
text is stored NFC and shown literally (as typed, brackets and all) in the tree, the detail pane,
dialogs, tables, notifications and the confirm and summary screens.

One app per batch of six texts (TUI start-up is the slow part): two fixed hostile texts, one
more picked from a list and three generated; 1 batch per test (KIGO_FUZZ_FULL=1: 10 batches).
"""

# ruff: noqa: B023  (the lambdas are awaited before the loop moves on)
from __future__ import annotations

import asyncio
import os
import shutil
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from kigo_tui.app import KigoApp, create_app
from kigo_tui.screens.defects import DefectFormScreen, DefectLogScreen
from kigo_tui.screens.dialogs import (
    AddTaskScreen,
    ConfirmScreen,
    EditTaskScreen,
)
from kigo_tui.screens.exit_strategy import (
    AreaFilterScreen,
    AreaFormScreen,
    ExitWorkspaceScreen,
    SummaryScreen,
)
from kigo_tui.screens.main import MainScreen
from kigo_tui.screens.organisation import OrganisationScreen
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY
from tests.support.tui import cursor_key, goto_task, wait_for, wait_loaded

FULL = os.environ.get("KIGO_FUZZ_FULL") == "1"
SIZE = (100, 30)
EDITABLE = "SAPA-10-04"

PIECE = st.one_of(
    st.sampled_from(
        [
            "[",
            "]",
            "[/]",
            "[bold]",
            "[b]fed[/b]",
            "[@click=app.quit]",
            "[link=https://x]",
            "\\",
            "\\[",
            "🙂",
            "👩‍👩‍👧",
            "שלום",
            "مرحبا",
            "e\u0301",
            "A\u030a",
            "$x",
            "Æøå",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
    st.integers(30, 90).map(lambda n: "Ø" * n),
)
TEXTS = st.lists(PIECE, min_size=1, max_size=5).map("".join)
FIXED = ["[bold]fed[/] \\ [/]", "rød\x1b[31m"]
"""In every batch: markup typed key by key (the first text), and an escape sequence."""
MORE = [
    "A\u030angstro\u0308m 🙂 שלום [b]",
    "[@click=app.quit]klik[/]",
    "linje 1\u2028linje 2",
    "[link=https://x]" + "Ø" * 80,
]
BATCH = st.tuples(st.sampled_from(MORE), st.lists(TEXTS, min_size=3, max_size=3)).map(
    lambda drawn: [FIXED[0], drawn[1][0], FIXED[1], drawn[1][1], drawn[0], drawn[1][2]]
)
"""Six texts: the two fixed ones, one more hand-picked, three generated."""


def refused(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def shown(root: Widget) -> str:
    """Every text the screen's Statics, labels, tables and lists show, as plain text."""
    parts = [str(w.render()) for w in root.query(Static)]
    for table in root.query(DataTable):
        parts += [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
    for options in root.query(SelectionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


def messages(app: KigoApp) -> str:
    """The notifications as the toasts on the screen render them."""
    from textual.widgets._toast import Toast

    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


def run_batches(make_app: Callable[[], KigoApp], scenario: Callable[..., Awaitable[None]]):
    """A hypothesis test that runs `scenario(pilot, texts)` in one app per batch of texts."""

    @settings(
        max_examples=10 if FULL else 1,
        deadline=None,
        database=None,
        derandomize=not FULL,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each try starts an app
    )
    @given(texts=BATCH)
    def check(texts: list[str]) -> None:
        async def session() -> None:
            app = make_app()
            async with app.run_test(size=SIZE, notifications=True) as pilot:
                await wait_loaded(pilot)
                await scenario(pilot, texts)
                assert app.is_running

        asyncio.run(session())

    check()


async def _save(pilot: Pilot, dialog: object) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: pilot.app.screen is not dialog or _error(dialog), what="save")


def _error(dialog: object) -> str:
    return str(dialog.query_one("#error", Static).render())  # type: ignore[attr-defined]


def _title(path: Path, task_id: str) -> str:
    store = Store.open(str(path))
    try:
        return store.task(task_id).title
    finally:
        store.close()


# ------------------------------------------------------------------------- the dialogs


def test_edit_dialog_and_confirm_show_and_store_text_literally(demo_path: Path) -> None:
    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        app = pilot.app
        for index, text in enumerate(texts):
            before = _title(demo_path, EDITABLE)
            await goto_task(pilot, EDITABLE)
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
            dialog = app.screen
            assert before in shown(dialog)  # the stored title, shown as it is
            title = dialog.query_one("#title", Input)
            if index == 0:  # type one text key by key; the others are pasted
                title.focus()
                title.value = ""
                await pilot.press(*[c for c in text if not refused(c)])
                text = title.value
            else:
                title.value = text
            await _save(pilot, dialog)
            if refused(text) or not nfc(text):
                assert app.screen is dialog and "tit" in _error(dialog)  # titel/titlen
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
                assert _title(demo_path, EDITABLE) == before
                continue
            expected = nfc(text)
            await wait_for(pilot, lambda: _title(demo_path, EDITABLE) == expected, what="saved")
            tree = app.main_screen.tree
            await wait_for(pilot, lambda: expected in tree._tasks[EDITABLE].label.plain)
            await wait_for(pilot, lambda: expected in shown(app.main_screen.query_one("#detail")))

    run_batches(lambda: create_app(str(demo_path), today=FIXED_TODAY), scenario)


def test_add_task_search_and_delete_show_text_literally(demo_path: Path) -> None:
    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        app = pilot.app
        for text in texts:
            await goto_task(pilot, EDITABLE)
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AddTaskScreen))
            dialog = app.screen
            dialog.query_one("#title", Input).value = f"Ny {text}"
            dialog.query_one("#description", Input).value = text
            dialog.query_one("#checklist", Input).value = f"{text}; punkt 2"
            await _save(pilot, dialog)
            if refused(text):
                assert app.screen is dialog
                assert any(f in _error(dialog) for f in ("titel", "beskrivelse", "tjekliste"))
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
            else:
                title = nfc(f"Ny {text}")
                await wait_for(pilot, lambda: f"{title}" in messages(app), what="'Tilføjet'")
                screen = app.main_screen
                added = next(t for t, n in screen.tree._tasks.items() if title in n.label.plain)
                await wait_for(pilot, lambda: cursor_key(pilot) == added, what="the new task")
                await wait_for(pilot, lambda: title in shown(screen.query_one("#detail")))
                if nfc(text) and ";" not in text:
                    assert nfc(text) in shown(screen.query_one("#detail"))  # checklist item
                await pilot.press("d")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
                assert f"«{title}»" in shown(app.screen)
                await pilot.press("j")
                await wait_for(pilot, lambda: added not in screen.tree._tasks, what="deleted")

            await pilot.press("slash")
            search = app.main_screen.query_one("#search", Input)
            await wait_for(pilot, lambda: search.has_focus)
            search.value = f"{text}zz"
            await pilot.press("enter")
            if refused(text):
                await wait_for(pilot, lambda: "søgningen indeholder" in messages(app))
            else:
                await wait_for(pilot, lambda: f"«{nfc(text + 'zz')}»" in messages(app))
            await pilot.press("escape")
            app.clear_notifications()

    run_batches(lambda: create_app(str(demo_path), today=FIXED_TODAY), scenario)


def test_defect_form_shows_and_stores_text_literally(demo_path: Path) -> None:
    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        app = pilot.app
        await goto_task(pilot, EDITABLE, detail=False)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, DefectLogScreen))
        log = app.screen
        for text in texts:
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, DefectFormScreen))
            form = app.screen
            form.query_one("#title", Input).value = f"F {text}"
            form.query_one("#ref", Input).value = text
            form.query_one("#note", Input).value = text
            form.query_one("#reported", Input).value = "2026-11-20 10:00"  # before FIXED_TODAY
            await _save(pilot, form)
            if refused(text):
                assert app.screen is form and "felt '" in _error(form)
                await pilot.press("escape")
                continue
            title = " ".join(nfc(f"F {text}").split())
            if len(title) > 200:
                assert app.screen is form and "højst 200" in _error(form)
                await pilot.press("escape")
                continue
            await wait_for(pilot, lambda: app.screen is log and title in shown(log), what=title)
            table = log.query_one(DataTable)
            rows = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
            cell = title + (f" [{nfc(text)}]" if nfc(text) else "")  # the title and the ref
            table.move_cursor(row=rows.index(cell))
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert f"«{title}»" in shown(app.screen)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is log)

    run_batches(lambda: create_app(str(demo_path), today=FIXED_TODAY), scenario)


def test_case_area_form_table_filter_and_summary_show_text_literally(demo_path: Path) -> None:
    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        app = pilot.app
        await goto_task(pilot, "SAPA-01-01", detail=False)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ExitWorkspaceScreen))
        workspace = app.screen
        stored: list[str] = []
        for text in texts:
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AreaFormScreen))
            form = app.screen
            form.query_one("#field_area", Input).value = f"Fag {text}"[:200]
            form.query_one("#case_area", Input).value = f"Sag {text}"[:200]
            form.query_one("#kle", Input).value = "27.24"
            form.query_one("#comment", Input).value = text
            await _save(pilot, form)
            if refused(text):
                assert app.screen is form and "teksten indeholder" in _error(form)
                await pilot.press("escape")
                continue
            case_area = nfc(f"Sag {text}"[:200])
            stored.append(case_area)
            await wait_for(pilot, lambda: app.screen is workspace and case_area in shown(workspace))
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.press("escape")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, AreaFilterScreen))
        prompts = [
            str(prompt) for prompt, _ in app.screen.query_one("#field_area", Select)._options
        ]
        assert {nfc(f"Fag {t}"[:200]) for t in texts if not refused(t)} <= set(prompts)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is workspace)
        if stored:
            table = workspace.query_one(DataTable)
            rows = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
            table.move_cursor(row=rows.index(stored[-1]))
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert f"«{stored[-1]}»" in shown(app.screen)
            await pilot.press("escape")

    run_batches(lambda: create_app(str(demo_path), today=FIXED_TODAY), scenario)


def test_names_and_dialogue_entries_show_literally(demo_path: Path, tmp_path: Path) -> None:
    from kigo_tui.storage.organisation import (
        add_person,
        assign_role,
        log_dialogue,
        set_responsibility,
    )

    def make_app_with(texts: list[str]) -> KigoApp:
        db = tmp_path / f"demo-{len(list(tmp_path.glob('demo-*.db')))}.db"
        shutil.copy(demo_path, db)
        store = Store.open(str(db))
        try:
            for index, text in enumerate(t for t in texts if not refused(t) and nfc(t)):
                person = add_person(store, f"{text} {index}")
                assign_role(store, person.id, "project_lead", "SAPA") if index == 0 else None
                set_responsibility(store, EDITABLE, accountable=person.id)
                log_dialogue(store, date(2026, 11, 20), "SAPA", "mail", f"{text} {index}")
        finally:
            store.close()
        return create_app(str(db), today=FIXED_TODAY)

    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        app = pilot.app
        names = [
            nfc(f"{t} {i}") for i, t in enumerate(t for t in texts if not refused(t) and nfc(t))
        ]
        await wait_for(pilot, lambda: app.main_screen.org is not None)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OrganisationScreen))
        assert names[0] in shown(app.screen)  # SAPA's projektleder
        await pilot.press("escape")
        tree = app.main_screen.tree
        tree.focus()
        tree.move_cursor(tree._projects["SAPA"])
        detail = app.main_screen.query_one("#detail")
        await wait_for(pilot, lambda: all(name in shown(detail) for name in names), what="topics")
        await goto_task(pilot, EDITABLE)
        detail = app.main_screen.query_one("#detail")
        assert all(name in shown(detail) for name in names[-1:])  # the accountable one
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        accountable = app.screen.query_one("#accountable", Select)
        assert names[-1] in shown(accountable)
        await pilot.press("escape")

    @settings(
        max_examples=10 if FULL else 1,
        deadline=None,
        database=None,
        derandomize=not FULL,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: each try starts an app
    )
    @given(texts=BATCH)
    def check(texts: list[str]) -> None:
        if not any(not refused(t) and nfc(t) for t in texts):
            return

        async def session() -> None:
            app = make_app_with(texts)
            async with app.run_test(size=SIZE, notifications=True) as pilot:
                await wait_loaded(pilot)
                await scenario(pilot, texts)

        asyncio.run(session())

    check()


def test_the_command_palette_takes_hostile_search_text(demo_path: Path) -> None:
    """The palette lists only kigo's own commands, but what the user types into its search field
    (markup, RTL, emoji, long words) is matched and highlighted: it must stay literal and crash
    nothing."""

    async def scenario(pilot: Pilot, texts: list[str]) -> None:
        from textual.command import CommandPalette

        app = pilot.app
        for text in texts:
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
            field = app.screen.query_one(Input)
            field.insert_text_at_cursor(text)
            await pilot.pause(0.2)
            assert field.value == text
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), what="main screen")

    run_batches(lambda: create_app(str(demo_path), today=FIXED_TODAY), scenario)
