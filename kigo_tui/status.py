"""The status tree: colours and counts at every level, as JSON data and as text for a shell."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from kigo_tui.models.readmodels import Snapshot, TaskRow
from kigo_tui.rules import (
    CATEGORY_MARKERS,
    COLOUR_LABELS,
    COLOUR_SYMBOLS,
    STATUS_GLYPHS,
    STATUS_LABELS,
    Colour,
    Counts,
    needs_follow_up,
)


def _task_json(task: TaskRow, today: date) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "category": task.category.value,
        "status": task.status.value,
        "colour": task.colour(today).value,
        "start": task.start.isoformat() if task.start else None,
        "due": task.due.isoformat() if task.due else None,
        "warn_days": task.warn_days,
        "completed_at": task.completed_at.isoformat(timespec="seconds")
        if task.completed_at
        else None,
        "local": task.is_local,
    }


def _with_counts(node: dict[str, Any], counts: Counts) -> dict[str, Any]:
    node["colour"] = counts.colour.value
    node["counts"] = counts.to_dict()
    return node


def status_tree(snapshot: Snapshot, today: date, project: str | None = None) -> dict[str, Any]:
    """The tree `kigo status --json` prints: kommune → projects → main_tasks → tasks."""
    by_main: dict[tuple[str, int], list[TaskRow]] = defaultdict(list)
    for task in snapshot.tasks:
        by_main[(task.project, task.main_task)].append(task)
    kommune_counts = Counts()
    projects = []
    for proj in snapshot.projects:
        if project and proj.code != project:
            continue
        project_counts = Counts()
        main_tasks = []
        for main in snapshot.main_tasks:
            tasks = by_main.get((proj.code, main.number), [])
            skipped = snapshot.skipped.get((proj.code, main.number))
            if not tasks and skipped is None:
                continue
            main_counts = Counts()
            task_nodes = []
            for task in tasks:
                colour = task.colour(today)
                for counts in (main_counts, project_counts, kommune_counts):
                    counts.add(task.category, task.status, colour)
                task_nodes.append(_task_json(task, today))
            node = {"number": main.number, "name": main.name, "skipped_reason": skipped}
            node["tasks"] = task_nodes
            main_tasks.append(_with_counts(node, main_counts))
        project_node = {
            "code": proj.code,
            "name": proj.name,
            "golive": proj.golive.isoformat() if proj.golive else None,
            "main_tasks": main_tasks,
            "follow_up": [
                {k: t[k] for k in ("id", "title", "category", "status", "colour", "due")}
                for m in main_tasks
                for t in m["tasks"]
                if needs_follow_up(t["category"], t["status"], Colour(t["colour"]))
            ],
        }
        projects.append(_with_counts(project_node, project_counts))
    return _with_counts(
        {
            "kommune": {"code": snapshot.kommune_code, "name": snapshot.kommune_name},
            "today": today.isoformat(),
            "catalogue_version": snapshot.catalogue_version,
            "projects": projects,
        },
        kommune_counts,
    )


def colour_word(colour: Colour | str) -> str:
    """'■ rød': symbol and word, readable without colour."""
    colour = Colour(colour)
    return f"{COLOUR_SYMBOLS[colour]} {COLOUR_LABELS[colour]}"


def _counts_text(counts: dict[str, Any]) -> str:
    by = counts["by_colour"]
    return (
        f"{counts['done']}/{counts['total']} fuldført · "
        f"{by['red']} rød · {by['yellow']} gul · {by['green']} grøn"
    )


def status_text(tree: dict[str, Any], *, show_tasks: bool, ansi: bool) -> str:
    """The tree as plain text; colour is always also a symbol and a word."""
    codes = {"green": "32", "yellow": "33", "red": "31"}

    def paint(colour: str, text: str) -> str:
        return f"\x1b[{codes[colour]}m{text}\x1b[0m" if ansi else text

    kommune = tree["kommune"]
    lines = [
        f"{kommune['name']} ({kommune['code']}) · status pr. {tree['today']}: "
        + paint(tree["colour"], colour_word(tree["colour"]))
        + f" · {_counts_text(tree['counts'])}"
    ]
    for proj in tree["projects"]:
        golive = proj["golive"] or "ingen idriftsættelsesdato"
        lines.append(
            f"  {paint(proj['colour'], colour_word(proj['colour'])):<8} {proj['code']} "
            f"{proj['name']} (go-live {golive}) · {_counts_text(proj['counts'])}"
        )
        for main in proj["main_tasks"]:
            if main["skipped_reason"]:
                lines.append(
                    f"      – {main['number']:>2}. {main['name']}: ikke relevant ({main['skipped_reason']})"
                )
                continue
            c = main["counts"]
            lines.append(
                f"    {paint(main['colour'], colour_word(main['colour']))} {main['number']:>2}. "
                f"{main['name']} {c['done']}/{c['total']}"
            )
            if not show_tasks:
                continue
            for task in main["tasks"]:
                if task["status"] == "done" and task["colour"] == "green":
                    continue
                marker = CATEGORY_MARKERS[task["category"]]
                glyph = STATUS_GLYPHS[task["status"]]
                lines.append(
                    f"        {glyph} {paint(task['colour'], colour_word(task['colour']))} {marker} "
                    f"{task['id']} {task['title']} · {STATUS_LABELS[task['status']]} · "
                    f"frist {task['due'] or '—'}"
                )
    return "\n".join(lines)
