"""The detail pane: what the selected node is, with a task's checklist that can be ticked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.rules import (
    CATEGORY_LABELS,
    COLOUR_LABELS,
    STATUS_LABELS,
    Colour,
    Counts,
)
from kigo_tui.domain.seed import EXIT_PRIORITY_LABELS, GROUP_LABELS, PHASE_LABELS
from kigo_tui.domain.text import count, history_change
from kigo_tui.domain.times import clock_text, local_text
from kigo_tui.domain.tree import MainKey, TreeModel
from kigo_tui.models.readmodels import TaskDetail
from kigo_tui.widgets.ticks import Checklist
from kigo_tui.widgets.traffic import colour_badge

NO_REASON = "ingen angivet (flyttet før kigo bad om en begrundelse)"


def _counts_lines(counts: Counts) -> Text:
    text = Text()
    text.append(f"Fuldført: {counts.done} af {counts.total}\n")
    for colour in (Colour.RED, Colour.YELLOW, Colour.GREEN):
        text.append_text(colour_badge(colour))
        text.append(f": {counts.by_colour[colour]}   ")
    text.append("\n")
    text.append(
        "Kritiske: {critical} · obligatoriske: {mandatory} · valgfri: {optional}\n".format(
            **{c.value: n for c, n in counts.by_category.items()}
        )
    )
    return text


class DetailPane(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane #detail-text { width: 1fr; }
    DetailPane SelectionList { height: auto; max-height: 12; border: none; padding: 0; }
    DetailPane SelectionList.-empty { display: none; }
    """

    _checklist_task: str | None = None
    """The task whose checklist is shown (a reload of the same task keeps the highlight)."""

    @dataclass
    class ChecklistToggled(Message):
        item_id: int
        done: bool

    def compose(self) -> ComposeResult:
        # The checklist (a SelectionList) is mounted when the first task with one is shown: its
        # styles and widgets cost the first frame time, and most of what is shown has none.
        yield Static(id="detail-text")
        yield Static(id="detail-history")

    def _checklist(self) -> SelectionList[int] | None:
        found = self.query("#checklist")
        return found.first(SelectionList) if found else None

    def _set(self, body: Text, history: Text | None = None) -> None:
        self.query_one("#detail-text", Static).update(body)
        self.query_one("#detail-history", Static).update(history or "")

    def _clear_checklist(self) -> None:
        checklist = self._checklist()
        if checklist is not None:
            checklist.clear_options()
            checklist.add_class("-empty")
        self._checklist_task = None

    def show_kommune(self, model: TreeModel, today_label: str) -> None:
        self._clear_checklist()
        body = Text.assemble((f"{model.kommune_name} ({model.kommune_code})\n", "bold"))
        body.append(f"Status pr. {today_label}: ")
        body.append_text(colour_badge(model.total.colour))
        body.append("\n\n")
        body.append_text(_counts_lines(model.total))
        body.append("\nProjekter:\n")
        for code, project in model.projects.items():
            counts = model.project_counts[code]
            body.append_text(colour_badge(counts.colour))
            golive = project.golive
            when = (
                f"idriftsættelse {danish_date(golive)}" if golive else "ingen idriftsættelsesdato"
            )
            body.append(f" {code}: {when}\n")
        for conflict in model.golive_conflicts():
            body.append(f"⚠ {conflict.message}\n", style="bold")
        self._set(body)

    def show_project(self, model: TreeModel, code: str, extra: Text | None = None) -> None:
        self._clear_checklist()
        project = model.projects[code]
        counts = model.project_counts[code]
        body = Text.assemble((f"{code} – {project.name}\n", "bold"))
        body.append(f"Idriftsættelse: {danish_date(project.golive)}\n")
        for conflict in model.golive_conflicts():
            if conflict.involves(code):
                body.append(f"⚠ {conflict.message}\n", style="bold")
        body.append("Samlet farve: ")
        body.append_text(colour_badge(counts.colour))
        body.append("\n\n")
        body.append_text(_counts_lines(counts))
        if project.description:
            body.append(f"\n{project.description}\n")
        if extra is not None:
            body.append("\n")
            body.append_text(extra)
        self._set(body)

    def show_main(self, model: TreeModel, key: MainKey) -> None:
        self._clear_checklist()
        main = model.main_tasks[key[1]]
        body = Text.assemble((f"Hovedopgave {main.number}: {main.name}\n", "bold"))
        body.append(f"{key[0]} · {GROUP_LABELS.get(main.group, main.group)}\n\n")
        reason = model.skipped.get(key)
        if reason:
            body.append(f"Ikke relevant for {key[0]}: {reason}\n\n", style="italic")
        else:
            body.append_text(_counts_lines(model.main_counts[key]))
            body.append("\n")
        body.append("Formål: ", style="bold")
        body.append(f"{main.purpose}\n\n{main.description}\n")
        self._set(body)

    def show_task(self, detail: TaskDetail, colour: Colour, extra: Text | None = None) -> None:
        task = detail.task
        body = Text.assemble((f"{task.id}  {task.title}\n", "bold"))
        if task.is_local:
            body.append("Lokal opgave (kommunens egen)\n", style="italic")
        body.append("Farve: ")
        body.append_text(colour_badge(colour))
        body.append(f" · status: {STATUS_LABELS[task.status]}\n")
        body.append(
            f"Kategori: {CATEGORY_LABELS[task.category]} · fase: {PHASE_LABELS.get(task.phase, task.phase)}\n"
        )
        body.append(
            f"Start: {danish_date(task.start)}{' (rettet)' if detail.start_manual else ''} · "
            f"slutdato: {danish_date(task.due)}{' (rettet)' if detail.due_manual else ''}\n"
        )
        for label, moved, baseline, reason in (
            ("Start", task.start_moved, task.baseline_start, task.start_reason),
            ("Slutdato", task.due_moved, task.baseline_due, task.due_reason),
        ):
            if moved:
                body.append(f"{label} flyttet fra KOMBITs dato {danish_date(baseline)}", "bold")
                body.append(f" – begrundelse: {reason or NO_REASON}\n")
        body.append(f"Varsel: {count(task.warn_days, 'dag', 'dage')} før slutdatoen\n")
        if detail.exit_priority:
            body.append(f"KMD Sag-exit: {EXIT_PRIORITY_LABELS[detail.exit_priority]}\n")
        if task.completed_at:
            body.append(f"Fuldført: {clock_text(task.completed_at)}\n")
        if extra is not None:
            body.append_text(extra)
        body.append(f"\n{detail.description}\n")
        checklist = self._checklist()
        # After a tick the same task is shown again: keep the highlighted item, so ↓ and space
        # go on down the list instead of starting over at (and unticking) the first item.
        same = checklist is not None and self._checklist_task == task.id
        keep = checklist.highlighted if same and checklist is not None else None
        self._checklist_task = task.id
        if checklist is not None:
            checklist.clear_options()
        if detail.checklist:
            done = sum(item.done for item in detail.checklist)
            body.append(
                f"\nTjekliste, {done} af {len(detail.checklist)} afkrydset (mellemrum krydser af):",
                style="bold",
            )
            items = [Selection(Text(item.text), item.id, item.done) for item in detail.checklist]
            if checklist is None:  # empty first, as if it had always been there: no highlight
                checklist = Checklist(id="checklist")
                self.mount(checklist, after="#detail-text")
                checklist.add_options(items)
            else:
                checklist.add_options(items)
                checklist.remove_class("-empty")
                if keep is not None and keep < checklist.option_count:
                    checklist.highlighted = keep
        elif checklist is not None:
            checklist.add_class("-empty")
        history = Text()
        if detail.history:
            history.append("\nHistorik (dansk tid)\n", style="bold")
            for row in detail.history[:15]:
                label, old, new = history_change(row.field, row.old, row.new)
                history.append(
                    f"{local_text(row.at)} {row.user}: {label} {old} → {new}"
                    + (f" (begrundelse: {row.reason})" if row.reason else "")
                    + "\n"
                )
        self._set(body, history)

    def show_message(self, message: str) -> None:
        self._clear_checklist()
        self._set(Text(message))

    @on(events.DescendantFocus)
    def _highlight_first_item(self, event: events.DescendantFocus) -> None:
        """A checklist that gets the focus highlights its first item, so the first space ticks
        it (without a highlight, space did nothing and the user's tick was silently lost)."""
        checklist = self._checklist()
        if (
            checklist is not None
            and event.widget is checklist
            and checklist.highlighted is None
            and checklist.option_count
        ):
            checklist.highlighted = 0

    @on(SelectionList.SelectionToggled, "#checklist")
    def _toggled(self, event: SelectionList.SelectionToggled[int]) -> None:
        event.stop()
        item_id = event.selection.value
        done = item_id in event.selection_list.selected
        self.post_message(self.ChecklistToggled(item_id, done))


__all__ = ["COLOUR_LABELS", "DetailPane"]
