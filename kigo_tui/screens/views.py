"""The main screen's views: KOMBIT's follow-up and mine opgaver, the organisation, the help,
the export of the status bundle, and the screens beyond KIGO (exit workspace, progress, defect
log, calendar), each opened from the action table (`kigo_tui.actions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kigo_tui.actions import help_keys
from kigo_tui.errors import KigoError
from kigo_tui.screens.lists import TaskList, follow_up_list, mine_list, unknown_me
from kigo_tui.screens.task_actions import TaskActions

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kigo_tui.bundle.export import ExportResult
    from kigo_tui.bundle.save import AlreadyThere
    from kigo_tui.domain.organisation import PersonRow
    from kigo_tui.models.readmodels import TaskRow
    from kigo_tui.storage.store import Store


class MainViews(TaskActions):
    """What the main screen opens on top of itself."""

    _listed: dict[str, TaskRow]
    """The tasks of the last list (KOMBIT's follow-up, mine opgaver), to jump to."""

    def reveal_task(self, task_id: str) -> None:
        raise NotImplementedError  # MainScreen moves the tree's cursor

    def action_follow_up(self) -> None:
        if self.model is not None:
            today, projects = self.model.today, list(self.model.projects)
            self.read(
                "lists",
                lambda store: follow_up_list(
                    store.follow_up_candidates(today), today, projects, self.org
                ),
                self._show_list,
                opens=True,
            )

    def action_mine(self) -> None:
        """Mine opgaver: the configured person's tasks (`storage.organisation.my_tasks`, the one
        answer to "who am I and what are my tasks"), worst colour first, then by due date."""
        if self.model is None:
            return
        me = self.kigo_app.settings.me
        today = self.model.today

        def load(store: Store) -> TaskList:
            from kigo_tui.storage.organisation import my_tasks

            mine = my_tasks(store, me, today)
            return mine_list(mine.person.name, mine.tasks, today)

        self.read("lists", load, self._show_list, opens=True, on_error=self._mine_refused)

    def _mine_refused(self, error: KigoError) -> None:
        from kigo_tui.storage.organisation import MeNotSetError, UnknownMeError

        if isinstance(error, MeNotSetError | UnknownMeError):
            # the user picks who they are here, and sees their tasks
            self._ask_who(then=self.action_mine, reason=unknown_me(getattr(error, "who", None)))
        else:
            self.notify(str(error), severity="error", markup=False)  # as report_failure shows it

    def action_pick_me(self) -> None:
        """ "Hvem er jeg": pick the person "mine opgaver" is about; remembered in config.toml."""
        self._ask_who(then=lambda: None)

    def _ask_who(self, then: Callable[[], object], reason: str = "") -> None:
        org = self.org
        if org is None:
            return
        if not org.people:
            self.notify(
                "Der er ingen personer endnu: tilføj dig selv i organisationen (o, så a)",
                severity="warning",
            )
            return
        from kigo_tui.screens.dialogs.organisation import PickMeScreen
        from kigo_tui.screens.organisation import remember_me

        me = self.kigo_app.settings.me
        current = org.find(me) if me else None

        def picked(person: PersonRow | None) -> None:
            if person is not None:
                remember_me(self, person, then)

        self.app.push_screen(
            PickMeScreen(list(org.people.values()), current.id if current else None, reason),
            picked,
        )

    def _show_list(self, task_list: TaskList) -> None:
        if self.model is None:
            return
        from kigo_tui.screens.dialogs import TaskListScreen

        self._listed = {task.id: task for task, _ in task_list.rows}
        self.app.push_screen(
            TaskListScreen(
                task_list.title, task_list.summary, task_list.rows, task_list.empty, task_list.notes
            ),
            self._jump,
        )

    def _jump(self, task_id: str | None) -> None:
        if task_id is not None and self.model is not None:
            self.reveal_task(task_id)

    def action_exit_workspace(self) -> None:
        """The KMD Sag exit workspace, from the SAPA project or anything under it."""
        if self._cursor_project() != "SAPA":
            self.notify("KMD Sag-exitstrategien hører til SAPA: vælg SAPA i træet og tryk w")
            return
        from kigo_tui.screens.exit_strategy import ExitWorkspaceScreen

        self.app.push_screen(ExitWorkspaceScreen())

    def action_organisation(self) -> None:
        from kigo_tui.screens.organisation import OrganisationScreen

        self.app.push_screen(OrganisationScreen())

    def action_help(self) -> None:
        from kigo_tui.screens.dialogs import HelpScreen

        bindings = [
            (self.app.get_key_display(active.binding), active.binding)
            for active in self.active_bindings.values()
        ]
        self.app.push_screen(HelpScreen(help_keys(bindings)))

    # ------------------------------------------------------------------ export

    def export_folder(self) -> Path:
        """Where exports go: `export_dir` in config.toml, else the documents folder (a test may
        set the app's `export_dir`)."""
        from kigo_tui.locations import export_dir

        app = self.kigo_app
        return app.export_dir or export_dir(app.settings.export_dir)

    def action_export(self) -> None:
        self._export(force=False)  # it may ask before overwriting: keys wait for the answer

    def _export(self, force: bool) -> None:
        if self.model is None:
            return
        today, app = self.model.today, self.kigo_app

        def save(store: Store) -> ExportResult | AlreadyThere:
            from kigo_tui.bundle.save import save_bundle
            from kigo_tui.formats.files import ExportError

            try:
                sla = app.settings.service_levels()
                return save_bundle(store, today, self.export_folder(), sla, force=force)
            except OSError as exc:
                raise ExportError(str(exc)) from exc

        self.read(
            "export", save, self._exported, exclusive=False, opens=True, on_error=self._not_exported
        )

    def _exported(self, result: ExportResult | AlreadyThere) -> None:
        from kigo_tui.bundle.save import AlreadyThere

        if not isinstance(result, AlreadyThere):
            self.notify(
                f"Statusbundtet er skrevet til {result.path}", title="Eksporteret", timeout=10
            )
            return

        self._ask_overwrite(result.path, lambda: self._export(force=True))

    def _not_exported(self, error: KigoError) -> None:
        self.notify(str(error), title="Ikke eksporteret", severity="error")

    def action_report(self) -> None:
        self._report(force=False)

    def _report(self, force: bool) -> None:
        """The styregruppe's page (`kigo report`) for the whole kommune, in the export folder;
        an existing file of the day is overwritten only when the user says so."""
        if self.model is None:
            return
        today, app, code = self.model.today, self.kigo_app, self.model.kommune_code

        def save(store: Store) -> tuple[Path, int] | AlreadyThere:
            from kigo_tui.bundle.save import AlreadyThere
            from kigo_tui.formats.files import ExportError
            from kigo_tui.report.kommune import report_name, save_report

            folder = self.export_folder()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / report_name(code, today)
                if path.exists() and not force:
                    return AlreadyThere(path)
                sla = app.settings.service_levels()
                return save_report(store, today, sla, path, force=force)
            except OSError as exc:
                raise ExportError(str(exc)) from exc

        self.read(
            "report", save, self._reported, exclusive=False, opens=True, on_error=self._not_reported
        )

    def _reported(self, result: tuple[Path, int] | AlreadyThere) -> None:
        from kigo_tui.bundle.save import AlreadyThere

        if not isinstance(result, AlreadyThere):
            self.notify(
                f"Statussiden er skrevet til {result[0]} (åbn den i en browser)",
                title="Statusside",
                timeout=10,
            )
            return

        self._ask_overwrite(result.path, lambda: self._report(force=True))

    def _ask_overwrite(self, path: Path, again: Callable[[], None]) -> None:
        """The file is there: `again` (the same write with force) only if the user says yes."""
        from kigo_tui.screens.dialogs import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                again()

        self.app.push_screen(ConfirmScreen(f"{path} findes allerede. Overskriv?"), answer)

    def _not_reported(self, error: KigoError) -> None:
        self.notify(str(error), title="Statussiden er ikke skrevet", severity="error")

    # ------------------------------------------------------------------ beyond KIGO (issue 10)

    def _cursor_project(self) -> str | None:
        """The project of the node under the cursor (None on the kommune)."""
        node = self.tree.cursor_node
        data = node.data if node is not None else None
        if data is None or data.kind == "kommune" or self.model is None:
            return None
        if data.kind == "project" and isinstance(data.key, str):
            return data.key
        if data.kind == "main" and isinstance(data.key, tuple):
            return str(data.key[0])
        task = self.model.tasks.get(data.key) if isinstance(data.key, str) else None
        return task.project if task is not None else None

    def action_progress(self) -> None:
        from kigo_tui.domain.progress import ALL
        from kigo_tui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self._cursor_project() or ALL))

    def action_defects(self) -> None:
        from kigo_tui.screens.defects import DefectLogScreen

        self.app.push_screen(DefectLogScreen(self._cursor_project()))

    def action_calendar(self) -> None:
        from kigo_tui.screens.calendar import CalendarScreen

        if self.model is not None:
            folder = self.export_folder()
            code = self.model.kommune_code
            self.app.push_screen(CalendarScreen(self._cursor_project(), code, folder))
