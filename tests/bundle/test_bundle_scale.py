"""The status bundle at national scale: timing checks, and the shortcuts that make it fast.

Timings (CPU time of this process, so other work on a shared machine hardly matters) are never
compared with absolute limits (machines differ), only with each other, and generously: export and verify of 50,000 tasks may
take at most SCALE = 250 times as long as of 400 (125 times the tasks; linear work measures 90–160,
the old xlsx writer's quadratic work 5,700), and aggregating 98 bundles at most 25 times as long as
10 bundles (linear 9.8). The figures are printed; see them with

    .venv/bin/python -m pytest tests/bundle/test_bundle_scale.py -k scales -s

Each shortcut is held to what it replaced: pydantic-core's JSON equals json.dumps, the fast
validation in verify agrees with json.loads + model_validate, the new status tree with the
straightforward one, and the bytes do not depend on the process (hash seed).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kigo_tui.bundle.aggregate import aggregate
from kigo_tui.bundle.export import (
    _completed,
    _json_bytes,
    bundle_bytes,
    status_document,
    status_json_bytes,
)
from kigo_tui.bundle.verify import verify_bundle
from kigo_tui.domain.kommuner import all_kommuner
from kigo_tui.domain.rules import Colour, Counts, needs_follow_up
from kigo_tui.formats.status import status_json, status_tree
from kigo_tui.models.readmodels import Snapshot
from tests.support.fixed import FIXED_TODAY
from tests.support.fleet import kommune, synthetic_snapshot, write_fleet

SCALE = 250
SMALL, LARGE = 400, 50_000


def assert_same_text(got: str | bytes, want: str | bytes) -> None:
    """Equal, or fail naming the first difference (pytest's full diff of megabytes takes minutes)."""
    same = got == want
    if not same:
        pairs = enumerate(zip(got, want, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(got), len(want)))
        start = max(0, at - 80)
        raise AssertionError(f"at {at}: {got[start : at + 80]!r} != {want[start : at + 80]!r}")


def best_time(action: Callable[[], object], repeat: int) -> float:
    """The least CPU time of `repeat` runs, in seconds.

    CPU time, not wall time: on a shared machine other processes stretch a long run's wall time
    far more than the best of several short ones, which would skew the ratios.
    """
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times)


@pytest.fixture(scope="module")
def snapshots() -> dict[int, Snapshot]:
    return {n: synthetic_snapshot(kommune("101"), n, FIXED_TODAY) for n in (SMALL, LARGE)}


@pytest.fixture(scope="module")
def bundles(
    snapshots: dict[int, Snapshot], tmp_path_factory: pytest.TempPathFactory
) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("bundles")
    paths = {}
    for n, snapshot in snapshots.items():
        paths[n] = folder / f"{n}.zip"
        paths[n].write_bytes(bundle_bytes(snapshot, FIXED_TODAY))
    return paths


# ---------------------------------------------------------------------------------- timing


def test_export_scales_linearly(snapshots: dict[int, Snapshot]) -> None:
    small = best_time(lambda: bundle_bytes(snapshots[SMALL], FIXED_TODAY), repeat=7)
    large = best_time(lambda: bundle_bytes(snapshots[LARGE], FIXED_TODAY), repeat=2)
    print(f"\nbundle_bytes (CPU): {SMALL} opgaver {small:.3f} s, {LARGE} opgaver {large:.3f} s")
    assert large <= SCALE * small, (small, large)


def test_verify_scales_linearly(bundles: dict[int, Path]) -> None:
    small = best_time(lambda: verify_bundle(bundles[SMALL]), repeat=7)
    large = best_time(lambda: verify_bundle(bundles[LARGE]), repeat=2)
    print(f"\nverify_bundle (CPU): {SMALL} opgaver {small:.3f} s, {LARGE} opgaver {large:.3f} s")
    assert verify_bundle(bundles[LARGE]).status.counts.total == LARGE
    assert large <= SCALE * small, (small, large)


def test_aggregate_of_98_kommuner_scales_linearly(tmp_path: Path) -> None:
    fleet = tmp_path / "alle"
    fleet.mkdir()
    paths = write_fleet(fleet, SMALL, FIXED_TODAY)
    assert len(paths) == len(all_kommuner()) == 98
    few = tmp_path / "ti"
    few.mkdir()
    for path in paths[:10]:
        (few / path.name).write_bytes(path.read_bytes())
    ten = best_time(lambda: aggregate([few]), repeat=3)
    every = best_time(lambda: aggregate([fleet]), repeat=3)
    result = aggregate([fleet])
    print(f"\naggregate (CPU): 10 bundter {ten:.3f} s, 98 bundter à {SMALL} opgaver {every:.3f} s")
    assert result.rejected == []
    assert len(result.kommuner) == 98
    assert len(result.overview_rows()) == 98 * 4
    assert every <= 25 * ten, (ten, every)


# -------------------------------------------------------------------- output stays the same


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, name=TEXT)
@example(title='"citat" \\ \x00 \x1f \x7f \u2028 😀 æøå', name="</script>")
def test_status_json_from_pydantic_core_equals_json_dumps(title: str, name: str) -> None:
    snapshot = synthetic_snapshot(kommune("461"), 300, FIXED_TODAY)
    snapshot = replace(snapshot, kommune_name=name or "x")
    snapshot.tasks[0] = replace(snapshot.tasks[0], title=title)
    doc = status_document(snapshot, FIXED_TODAY)
    assert_same_text(status_json_bytes(doc), _json_bytes(doc.model_dump(mode="json")))


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 1),
        timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=2))]),
    )
)
def test_completion_time_in_the_csv_reads_as_before(moment: datetime) -> None:
    assert _completed(moment) == moment.strftime("%Y-%m-%d %H:%M")


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def reference_tree(snapshot: Snapshot, today: date, project: str | None = None) -> dict[str, Any]:
    """status_tree as first written: every task counted into three Counts, one at a time."""
    by_main: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for task in snapshot.tasks:
        by_main[(task.project, task.main_task)].append(task)
    kommune_counts, projects = Counts(), []
    for proj in snapshot.projects:
        if project and proj.code != project:
            continue
        project_counts, main_tasks = Counts(), []
        for main in snapshot.main_tasks:
            tasks = by_main.get((proj.code, main.number), [])
            skipped = snapshot.skipped.get((proj.code, main.number))
            if not tasks and skipped is None:
                continue
            main_counts, nodes = Counts(), []
            for task in tasks:
                colour = task.colour(today)
                for counts in (main_counts, project_counts, kommune_counts):
                    counts.add(task.category, task.status, colour)
                done = task.completed_at
                baseline = task.baseline_colour(today)
                nodes.append(
                    {
                        "id": task.id,
                        "title": task.title,
                        "category": task.category.value,
                        "status": task.status.value,
                        "colour": colour.value,
                        "start": task.start.isoformat() if task.start else None,
                        "due": task.due.isoformat() if task.due else None,
                        "warn_days": task.warn_days,
                        "completed_at": done.isoformat(timespec="seconds") if done else None,
                        "local": task.is_local,
                        "baseline_start": iso(task.baseline_start),
                        "baseline_due": iso(task.baseline_due),
                        "baseline_colour": baseline.value if baseline else None,
                        "start_reason": task.start_reason if task.start_moved else None,
                        "due_reason": task.due_reason if task.due_moved else None,
                    }
                )
            node = {"number": main.number, "name": main.name, "skipped_reason": skipped}
            node |= {"tasks": nodes, "colour": main_counts.colour.value}
            main_tasks.append(node | {"counts": main_counts.to_dict()})
        follow_up = [
            {k: t[k] for k in ("id", "title", "category", "status", "colour", "due")}
            for m in main_tasks
            for t in m["tasks"]
            if needs_follow_up(t["category"], t["status"], Colour(t["colour"]), local=t["local"])
        ]
        projects.append(
            {
                "code": proj.code,
                "name": proj.name,
                "golive": proj.golive.isoformat() if proj.golive else None,
                "main_tasks": main_tasks,
                "follow_up": follow_up,
                "colour": project_counts.colour.value,
                "counts": project_counts.to_dict(),
            }
        )
    return {
        "kommune": {"code": snapshot.kommune_code, "name": snapshot.kommune_name},
        "today": today.isoformat(),
        "catalogue_version": snapshot.catalogue_version,
        "projects": projects,
        "colour": kommune_counts.colour.value,
        "counts": kommune_counts.to_dict(),
    }


@pytest.mark.parametrize("today", [date(2025, 1, 1), FIXED_TODAY, date(2027, 6, 30)])
@pytest.mark.parametrize("project", [None, "SAPA"])
def test_status_tree_equals_the_straightforward_one(today: date, project: str | None) -> None:
    snapshot = synthetic_snapshot(kommune("851"), 2_000, FIXED_TODAY, local=5)
    tree = status_tree(snapshot, today, project)
    want = reference_tree(snapshot, today, project)
    assert_same_text(json.dumps(tree, ensure_ascii=False), json.dumps(want, ensure_ascii=False))
    if today == FIXED_TODAY:  # the data has every colour and some follow-up
        tasks = [t for p in tree["projects"] for m in p["main_tasks"] for t in m["tasks"]]
        assert {t["colour"] for t in tasks} == {"green", "yellow", "red"}
        assert any(p["follow_up"] for p in tree["projects"])


def test_bundles_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """Two processes with different hash seeds (set and dict order) write the same bytes."""
    code = (
        "import hashlib, sys\n"
        "from tests.support.fixed import FIXED_TODAY\n"
        "from tests.support.fleet import kommune, synthetic_snapshot\n"
        "from kigo_tui.bundle.export import bundle_bytes\n"
        "data = bundle_bytes(synthetic_snapshot(kommune('147'), 600, FIXED_TODAY), FIXED_TODAY)\n"
        "print(hashlib.sha256(data).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2", "random"):
        run = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        digests.add(run.stdout.strip())
    here = bundle_bytes(synthetic_snapshot(kommune("147"), 600, FIXED_TODAY), FIXED_TODAY)
    assert digests == {hashlib.sha256(here).hexdigest()}


# ------------------------------------------------------------------ verify's fast validation


@pytest.mark.parametrize("project", [None, "KY"])
def test_status_json_text_equals_json_dumps(project: str | None) -> None:
    snapshot = synthetic_snapshot(kommune("461"), 1_000, FIXED_TODAY, local=3)
    snapshot.tasks[0] = replace(snapshot.tasks[0], title='Ærø "citat" \\ \x07 \u2028 😀')
    tree = status_tree(snapshot, FIXED_TODAY, project)
    assert_same_text(status_json(tree), json.dumps(tree, ensure_ascii=False, indent=2))
