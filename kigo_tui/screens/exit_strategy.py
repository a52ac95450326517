"""The KMD Sag exit workspace (SAPA): the documentation sheet as a table, a form, the R2 wizard
and the decision note (beslutningsnotat).

Reached with `w` from the SAPA project (or the command palette). Database work runs in workers.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from kigo_tui.domain.exit_strategy import (
    COMPUTED_RULES,
    EXTENT_LABELS,
    USER_BAND_LABELS,
    AreaAnalysis,
    CaseArea,
    DecisionNote,
    analyse,
    note_appendix,
    summarise,
)
from kigo_tui.domain.text import count
from kigo_tui.errors import KigoError
from kigo_tui.screens.base import BaseScreen
from kigo_tui.screens.dialogs import ConfirmScreen
from kigo_tui.screens.dialogs.exit_strategy import (
    AreaFilter,
    AreaFilterScreen,
    AreaFormScreen,
    NoteFormScreen,
    PatternWizardScreen,
    SummaryScreen,
)

if TYPE_CHECKING:
    from kigo_tui.storage.store import Store

SORTS = (
    ("prioritet", lambda a: a.priority),
    ("fagområde", lambda a: (a.area.field_area.casefold(), a.area.case_area.casefold())),
    ("brugsmønster", lambda a: (a.area.pattern or "~", a.priority)),
    ("scenarie", lambda a: (a.area.scenario or 9, a.priority)),
    ("forretningskritisk", lambda a: (not a.area.business_critical, a.priority)),
)


class ExitWorkspaceScreen(BaseScreen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Tilbage"),
        Binding("a", "add", "Tilføj"),
        Binding("e,enter", "edit", "Ret"),
        Binding("w", "wizard", "Brugsmønster"),
        Binding("d", "delete", "Slet"),
        Binding("s", "sort", "Sortér"),
        Binding("f", "filter", "Filter"),
        Binding("z", "summary", "Opsummering"),
        Binding("b", "note", "Beslutningsnotat"),
        Binding("question_mark", "rules", "Regler"),
    ]
    DEFAULT_CSS = """
    ExitWorkspaceScreen #exit-header { height: auto; background: $panel; padding: 0 1; }
    ExitWorkspaceScreen #exit-empty { height: auto; padding: 1 2; display: none; }
    ExitWorkspaceScreen DataTable { height: 1fr; }
    """

    EMPTY_HINT = (
        "Her er endnu ingen sagsområder.\n\n"
        "Tryk a for at tilføje det første sagsområde (et KLE-emne, som I vil kortlægge), og w "
        "for at finde dets brugsmønster med spørgsmålene fra brugsmønstermodellen.\n"
        "Har I allerede udfyldt KOMBITs dokumentationsark, kan I læse det ind med "
        "'kigo exit import-xlsx FIL.xlsx'.\n"
        "Tryk b for beslutningsnotatet og ? for reglerne bag de beregnede felter."
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AreaAnalysis] = []
        self.versions: dict[int, int] = {}
        """The version of each area as read with `rows` (a save is based on it)."""
        self.sort_index = 0
        self.area_filter = AreaFilter()
        self.note = DecisionNote()
        self.note_version = 0
        """The decision note as read with `rows` (it holds the cleanup order) and its version."""
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("KMD Sag-exitstrategi (SAPA) · indlæser …", id="exit-header")
        yield Static(self.EMPTY_HINT, id="exit-empty", markup=False)
        yield DataTable(id="areas", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Pri", "Fagområde", "Sagsområde", "KLE", "Mø", "Sc", "Krit", "Brugere", "Omfang", ""
        )
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.read("exit-load", _load, self._loaded)

    def _loaded(
        self, found: tuple[list[CaseArea], dict[int, int], tuple[DecisionNote, int]]
    ) -> None:
        areas, versions, (self.note, self.note_version) = found
        self.loaded = True
        self._show(analyse(areas, self.note.cleanup_order), versions)

    def _show(self, rows: list[AreaAnalysis], versions: dict[int, int] | None = None) -> None:
        self.rows = rows
        if versions is not None:
            self.versions = versions
        self._refresh_table()

    def _refresh_table(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        name, key = SORTS[self.sort_index]
        visible = sorted((r for r in self.rows if self.area_filter.keep(r)), key=key)
        for row in visible:
            area = row.area
            flags = []
            if row.needs_scenario:
                flags.append("⚠ scenarie")
            if row.caveats:
                flags.append("afvent KY/KSD")
            table.add_row(
                str(row.priority) + ("*" if area.own_priority else ""),
                Text(area.field_area),
                Text(area.case_area),
                Text(area.kle),
                area.pattern or "–",
                str(area.scenario or "–"),
                "ja" if area.business_critical else "",
                USER_BAND_LABELS[row.user_band] + ("*" if area.own_user_band else ""),
                EXTENT_LABELS[row.extent] if row.extent else "–",
                " · ".join(flags),
                key=str(area.id),
            )
        if visible:
            table.move_cursor(row=min(keep, len(visible) - 1))
        flagged = sum(1 for r in self.rows if r.needs_scenario)
        header = Text()
        header.append("KMD Sag-exitstrategi (SAPA)", style="bold")
        header.append(
            f" · {len(visible)} af {count(len(self.rows), 'sagsområde', 'sagsområder')} · sorteret efter {name}"
        )
        if flagged:
            header.append(f" · ⚠ {flagged} med mønster C/D mangler løsningsscenarie", style="bold")
        if self.area_filter != AreaFilter():
            header.append(" · filter aktivt", style="italic")
        if any(r.area.own_priority or r.area.own_user_band for r in self.rows):
            header.append(" · * kommunens eget valg")
        self.query_one("#exit-header", Static).update(header)
        empty = self.loaded and not self.rows
        self.query_one("#exit-empty", Static).display = empty
        table.display = not empty

    def _selected(self) -> CaseArea | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r.area for r in self.rows if str(r.area.id) == key), None)

    # ------------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#areas")
    def _row_chosen(self) -> None:
        """Enter on a row: the table takes the key, so the form opens from its message."""
        self.action_edit()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self._refresh_table()

    def action_filter(self) -> None:
        field_areas = sorted({r.area.field_area for r in self.rows})

        def chosen(result: AreaFilter | None) -> None:
            if result is not None:
                self.area_filter = result
                self._refresh_table()

        self.app.push_screen(AreaFilterScreen(self.area_filter, field_areas), chosen)

    def action_add(self) -> None:
        self.app.push_screen(AreaFormScreen(None), self._save)

    def action_edit(self) -> None:
        area = self._selected()
        if area is not None:
            seen = self._seen(area)
            self.app.push_screen(AreaFormScreen(area), lambda new: self._save(new, seen))

    def _seen(self, area: CaseArea) -> tuple[CaseArea, int | None]:
        """The area as the user sees it now, and its version: what a save is based on."""
        return area, self.versions.get(area.id) if area.id is not None else None

    def action_wizard(self) -> None:
        area = self._selected()
        if area is None:
            self.notify("Tilføj eller vælg et sagsområde først", severity="warning")
            return

        seen = self._seen(area)

        def decided(pattern: str | None) -> None:
            if pattern is not None:
                # the first question is the sheet's "Anvender KMD Sag": the answer sets it too
                update = {"pattern": pattern, "uses_kmd_sag": pattern != "0"}
                self._save(area.model_copy(update=update), seen)

        self.app.push_screen(PatternWizardScreen(area.case_area), decided)

    def action_delete(self) -> None:
        area = self._selected()
        if area is None or area.id is None:
            return
        seen = self._seen(area)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save_worker(None, seen)

        self.app.push_screen(ConfirmScreen(f"Slet sagsområdet «{area.case_area}»?"), confirmed)

    def action_summary(self) -> None:
        summary = summarise([r.area for r in self.rows])
        self.app.push_screen(SummaryScreen("\n".join(summary.lines())))

    def action_note(self) -> None:
        """The decision note: edit it; the recommendations come from the areas as shown."""
        if not self.loaded:
            return
        seen = self.note_version

        def edited(note: DecisionNote | None) -> None:
            if note is None:
                return

            def saved(_: object) -> None:
                self.notify("Beslutningsnotatet er gemt")
                self.reload()

            def refused(error: KigoError) -> None:
                self.notify(str(error), title="Ikke gemt", severity="error", markup=False)
                self.reload()

            self.write("exit-note", partial(_store_note, note, seen), saved, on_error=refused)

        self.app.push_screen(NoteFormScreen(self.note, note_appendix(self.rows)), edited)

    def action_rules(self) -> None:
        """The rules behind the computed fields, and the keys (the module's own documentation)."""
        keys = (
            "Taster: a tilføj · e/Enter ret · w brugsmønster (guide) · d slet · s sortér · "
            "f filter · z opsummering · b beslutningsnotat · Esc tilbage\n\n"
            "Regler for de beregnede felter:\n"
        )
        rules = "\n".join(f"• {rule}" for rule in COMPUTED_RULES)
        self.app.push_screen(SummaryScreen(keys + rules, title="Regler og taster"))

    def _save(self, area: CaseArea | None, seen: tuple[CaseArea, int | None] | None = None) -> None:
        if area is not None:
            self._save_worker(area, seen)

    def _save_worker(self, area: CaseArea | None, seen: tuple[CaseArea, int | None] | None) -> None:
        """Save `area` (None: delete the one seen), based on the version the user saw. An area a
        colleague changed since is not saved: the user is shown what changed and chooses."""

        def saved(outcome: str | tuple[CaseArea, int] | KigoError) -> None:
            if isinstance(outcome, str):
                self.notify(outcome, markup=False)  # user text
                self.reload()
            elif isinstance(outcome, KigoError):  # deleted by the colleague meanwhile
                self.notify(str(outcome), title="Ikke gemt", severity="error")
                self.reload()
            else:
                assert seen is not None  # a conflict is always on an area seen
                self._ask_conflict(area, seen, outcome)

        self.write("exit-write", partial(_store_save, area, seen), saved, on_error=self._not_saved)

    def _not_saved(self, error: KigoError) -> None:
        self.notify(str(error), title="Ikke gemt", severity="error")

    def _ask_conflict(
        self,
        area: CaseArea | None,
        seen: tuple[CaseArea, int | None],
        current: tuple[CaseArea, int],
    ) -> None:
        """Per field what the user saw, what the colleague saved and what the user wants; saving
        anyway puts only the user's changes on top of the colleague's version."""
        from kigo_tui.domain.conflict import Conflict, changes, not_saved_message
        from kigo_tui.screens.dialogs import ConflictScreen
        from kigo_tui.storage.exit_strategy import area_fields, on_top

        what = f"sagsområdet «{seen[0].case_area}»"
        exists = {"sagsområdet": "findes"}
        mine = {"sagsområdet": "slettet"} if area is None else area_fields(area)
        conflict = Conflict(
            what,
            seen[1] or 0,
            current[1],
            changes(
                {**area_fields(seen[0]), **exists}, {**area_fields(current[0]), **exists}, mine
            ),
        )

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                again = None if area is None else on_top(current[0], seen[0], area)
                self._save_worker(again, current)
                return
            self.notify(
                not_saved_message(choice, what),
                title="Ændret af en anden",
                severity="warning",
                markup=False,  # the area's name is user text
            )
            self.reload()

        self.app.push_screen(ConflictScreen(conflict), chosen)


def _store_save(
    area: CaseArea | None, seen: tuple[CaseArea, int | None] | None, store: Store
) -> str | tuple[CaseArea, int] | KigoError:
    """In the write worker: what to tell the user, or the colleague's version (and its
    version number) when a colleague saved first, or why that could not be read."""
    from kigo_tui.storage.exit_strategy import delete_area, get_area, save_area
    from kigo_tui.storage.store import ConflictError

    version = seen[1] if seen is not None else None
    try:
        if area is None:
            assert seen is not None and seen[0].id is not None
            delete_area(store, seen[0].id, version)
            return f"Slettet: {seen[0].case_area}"
        return f"Gemt: {save_area(store, area, version).case_area}"
    except ConflictError:
        assert seen is not None and seen[0].id is not None
        try:
            return get_area(store, seen[0].id)
        except KigoError as exc:
            return exc


def _load(store: Store) -> tuple[list[CaseArea], dict[int, int], tuple[DecisionNote, int]]:
    """In the read worker: the areas, their versions and the decision note."""
    from kigo_tui.storage.exit_strategy import get_note, list_versioned

    areas, versions = list_versioned(store)
    return areas, versions, get_note(store)


def _store_note(note: DecisionNote, seen: int, store: Store) -> DecisionNote:
    """In the write worker: save the note based on the version the user saw."""
    from kigo_tui.storage.exit_strategy import save_note

    return save_note(store, note, seen)
