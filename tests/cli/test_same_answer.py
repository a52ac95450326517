"""Same answer in every form: every listing command that has a text and a JSON form lists the same
rows with the same numbers in both, whatever the filters and the day (issue 14, point 10).

The commands are found by walking the CLI's parser for `--json`, so a new JSON form that this file
does not compare fails `test_every_json_form_is_compared`. Both forms run in-process on one demo
database with a defect log, with the clock fixed per example (`kigo_tui.domain.times.now_utc`), so "now"
is the same instant for both and every example is deterministic.
"""

from __future__ import annotations

import argparse
import io
import json
import re
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.cli.main import build_parser
from kigo_tui.domain import times
from kigo_tui.domain.defect_labels import SEVERITY_LABELS, STATUS_LABELS, DefectStatus, Severity
from kigo_tui.domain.defects import measured_text
from kigo_tui.domain.times import COPENHAGEN, duration_text
from kigo_tui.formats.status import STATUS_LABELS as TASK_STATUS_LABELS
from kigo_tui.formats.status import colour_word
from tests.support.fixed import FIXED_TODAY

PROJECTS = ("STS", "SAPA", "KY", "KSD")
COMPARED = {("status",), ("defect", "list"), ("progress",)}
"""Every command with both a text and a JSON form; each has a test below (and `defect summary`,
whose figures are also in `defect list --json`)."""

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
project_filter = st.one_of(st.none(), st.sampled_from(PROJECTS))
days = st.dates(
    min_value=FIXED_TODAY - timedelta(days=40), max_value=FIXED_TODAY + timedelta(days=90)
)
instants = st.datetimes(
    min_value=datetime(2026, 10, 20), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))


def _json_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    if "--json" in parser._option_string_actions:
        yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _json_commands(sub, (*path, name))


def test_every_json_form_is_compared() -> None:
    assert set(_json_commands(build_parser())) == COMPARED


# ------------------------------------------------------------------ the database


@pytest.fixture(scope="module")
def log_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo kommune with a defect log: every project, severity and status, reported over six
    weeks (some answered or fixed late, some after FIXED_TODAY)."""
    import random

    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.defects import DefectInput
    from kigo_tui.domain.kommuner import find_kommune
    from kigo_tui.storage.defects import add_defect
    from kigo_tui.storage.demo import make_demo
    from kigo_tui.storage.store import Store

    path = tmp_path_factory.mktemp("same-answer") / "demo.db"
    store = Store.open(str(path))
    make_demo(store, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
    rng = random.Random(14)
    start = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    for number in range(24):
        reported = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 50))
        responded = fixed = None
        status = rng.choice(list(DefectStatus))
        if status != DefectStatus.REPORTED:
            responded = reported + timedelta(minutes=rng.randrange(5, 60 * 24 * 6))
        if status == DefectStatus.FIXED:
            fixed = responded + timedelta(minutes=rng.randrange(5, 60 * 24 * 12))
        add_defect(
            store,
            DefectInput(
                project=PROJECTS[number % 4],
                title=f"Fejl {number} [bold]ikke markup[/]",
                severity=rng.choice(list(Severity)),
                reported_at=reported,
                status=status,
                responded_at=responded,
                fixed_at=fixed,
                supplier_ref=f"INC-{number}" if number % 3 else "",
            ),
            datetime(2027, 2, 1, tzinfo=UTC),
        )
    store.close()
    return path


def run(db: Path, argv: list[str], now: datetime) -> str:
    """`kigo --db DB ARGV` in-process with the clock at `now`; its standard output."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(times, "now_utc", lambda: now)
        with redirect_stdout(out):
            code = main(["--db", str(db), *argv])
    assert code == 0, out.getvalue()
    return out.getvalue()


def _today_for(now: datetime, other_day: date | None) -> date:
    """The Copenhagen date of `now` (ages measured now) or another day (measured at its end)."""
    return other_day if other_day is not None else now.astimezone(COPENHAGEN).date()


# ------------------------------------------------------------------ kigo defect list


DEFECT_HEAD = re.compile(r"^\s*(\d+)  (\S+)\s+(.*)$")


def _label_prefix(text: str, labels: list[str]) -> tuple[str, str]:
    """The label `text` starts with (the longest, as the columns may touch) and the rest."""
    label = max((lab for lab in labels if text.startswith(lab)), key=len)
    return label, text[len(label) :].lstrip()


def _text_defects(text: str) -> tuple[str | None, dict[int, dict[str, str]]]:
    # the closing note that the SLA targets are kigo's examples (seed 003) is not a defect
    lines = [line for line in text.splitlines() if not line.startswith("Bemærk: ")]
    if lines and lines[0].startswith("Ingen fejl i loggen"):
        return None, {}
    header = (
        lines[0]
        .removeprefix("Fejlloggen ")
        .split(" · ")[0]
        .removesuffix(" (alle tider i dansk tid)")
    )
    rows: dict[int, dict[str, str]] = {}
    for i in range(1, len(lines), 4):
        head = DEFECT_HEAD.match(lines[i])
        assert head is not None, lines[i]
        severity, rest = _label_prefix(head.group(3), list(SEVERITY_LABELS.values()))
        status, _ = _label_prefix(rest, list(STATUS_LABELS.values()))
        rows[int(head.group(1))] = {
            "project": head.group(2),
            "severity": severity,
            "status": status,
            "age": lines[i + 1].split(" · alder ")[1],
            "response": lines[i + 2].split("svar: ")[1],
            "resolution": lines[i + 3].split("løsning: ")[1],
        }
    return header, rows


def _exact_age(row: dict, measured_at: datetime) -> timedelta:
    """The age the JSON's own fields give: reported until fixed, or until the measuring instant."""
    end = datetime.fromisoformat(row["fixed_at"]) if row["fixed_at"] else measured_at
    return max(end - datetime.fromisoformat(row["reported_at"]), timedelta(0))


@SETTINGS
@given(
    project=project_filter,
    open_only=st.booleans(),
    now=instants,
    other_day=st.one_of(st.none(), days),
)
def test_defect_list_text_and_json_agree(
    log_db: Path, project: str | None, open_only: bool, now: datetime, other_day: date | None
) -> None:
    today = _today_for(now, other_day)
    argv = ["--today", today.isoformat(), "defect", "list"]
    argv += ["--project", project] if project else []
    argv += ["--open"] if open_only else []
    header, text_rows = _text_defects(run(log_db, argv, now))
    doc = json.loads(run(log_db, [*argv, "--json"], now))
    measured_at = datetime.fromisoformat(doc["measured_at"])
    json_rows = {row["id"]: row for row in doc["defects"]}

    assert set(text_rows) == set(json_rows)
    if header is not None:
        # "ved udgangen af 23-11-2026" for another day, else "pr. 23-11-2026 14:05"
        assert header == measured_text(measured_at, today)
        if other_day is not None and other_day != now.astimezone(COPENHAGEN).date():
            assert header == f"ved udgangen af {other_day:%d-%m-%Y}"
    if other_day is None:
        assert measured_at == now  # the real day: measured now, not at the end of the day
    for number, row in json_rows.items():
        text = text_rows[number]
        assert (not open_only) or row["open"]
        assert project in (None, row["project"])
        assert text["project"] == row["project"]
        assert text["severity"] == SEVERITY_LABELS[Severity(row["severity"])]
        assert text["status"] == STATUS_LABELS[DefectStatus(row["status"])]
        age = _exact_age(row, measured_at)
        assert text["age"] == duration_text(age)
        assert row["age_hours"] == round(age.total_seconds() / 3600, 2)
        assert text["response"].startswith("■" if row["response_breached"] else "●")
        assert text["resolution"].startswith("■" if row["resolution_breached"] else "●")
    if open_only:
        assert all(figure["open"] == figure["total"] for figure in doc["figures"])


SUMMARY = re.compile(
    r"^(.+?): (\d+) fejl, (\d+) åb(?:ne|en), (\d+) med SLA-brud \((\d+) åb(?:ne|en)\), "
    r"median tid til rettelse (.+)$"
)


def _minutes(text: str) -> tuple[int, int]:
    """duration_text's '2 d 4 t', '3 t 15 min', '20 min' as (minutes, the text's granularity)."""
    numbers = dict((unit, int(value)) for value, unit in re.findall(r"(\d+) (d|t|min)", text))
    minutes = numbers.get("d", 0) * 1440 + numbers.get("t", 0) * 60 + numbers.get("min", 0)
    return minutes, 60 if "d" in numbers else 1


@SETTINGS
@given(now=instants, other_day=st.one_of(st.none(), days))
def test_defect_summary_and_the_json_figures_agree(
    log_db: Path, now: datetime, other_day: date | None
) -> None:
    """`kigo defect summary` (text) and the figures of `kigo defect list --json`: one set of
    numbers per project and for the kommune."""
    today = _today_for(now, other_day)
    lines = run(log_db, ["--today", today.isoformat(), "defect", "summary"], now).splitlines()
    doc = json.loads(run(log_db, ["--today", today.isoformat(), "defect", "list", "--json"], now))
    text = {}
    for line in lines:
        match = SUMMARY.match(line)
        if match:
            text["Alle" if match.group(1) == "I alt" else match.group(1)] = match.groups()[1:]
    assert set(text) == {figure["project"] for figure in doc["figures"]}
    for figure in doc["figures"]:
        *counts, median = text[figure["project"]]
        keys = ("total", "open", "breached", "open_breached")
        assert [int(c) for c in counts] == [figure[k] for k in keys]
        if figure["median_fix_hours"] is None:
            assert median == "—"
            continue
        minutes, granularity = _minutes(median)
        exact = figure["median_fix_hours"] * 60  # rounded to 0.01 h = 0.6 min
        assert minutes - 0.6 <= exact < minutes + granularity + 0.6, (median, figure)


# ------------------------------------------------------------------ kigo status


COUNTS = re.compile(r"(\d+)/(\d+) fuldført · (\d+) røde? · (\d+) gule? · (\d+) grønne?$")


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d-%m-%Y") if iso else "—"


def _counts(counts: dict) -> tuple[int, ...]:
    by = counts["by_colour"]
    return (counts["done"], counts["total"], by["red"], by["yellow"], by["green"])


def _text_counts(line: str) -> tuple[int, ...]:
    match = COUNTS.search(line)
    assert match is not None, line
    return tuple(int(value) for value in match.groups())


@SETTINGS
@given(project=project_filter, show_tasks=st.booleans(), today=days)
def test_status_text_and_json_agree(
    log_db: Path, project: str | None, show_tasks: bool, today: date
) -> None:
    argv = ["--today", today.isoformat(), "status"]
    argv += ["--project", project] if project else []
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    lines = run(log_db, [*argv, *(["--tasks"] if show_tasks else [])], now).splitlines()
    tree = json.loads(run(log_db, [*argv, "--json"], now))

    assert f"status pr. {_day(tree['today'])}: {colour_word(tree['colour'])}" in lines[0]
    assert _text_counts(lines[0]) == _counts(tree["counts"])
    project_lines = [line for line in lines if re.match(r"^  \S", line)]
    assert [line.split()[2] for line in project_lines] == [p["code"] for p in tree["projects"]]
    task_lines = [line.strip() for line in lines if line.startswith("        ")]
    shown: list[str] = []
    for line, proj in zip(project_lines, tree["projects"], strict=True):
        assert line.strip().startswith(colour_word(proj["colour"]))
        assert _text_counts(line) == _counts(proj["counts"])
        for main_task in proj["main_tasks"]:
            if main_task["skipped_reason"]:
                continue
            c = main_task["counts"]
            expected = (
                f"{colour_word(main_task['colour'])} {main_task['number']:>2}. "
                f"{main_task['name']} {c['done']}/{c['total']}"
            )
            assert any(row.strip() == expected.strip() for row in lines), expected
            for task in main_task["tasks"]:
                listed = show_tasks or project is not None  # --project lists the tasks too
                if listed and not (task["status"] == "done" and task["colour"] == "green"):
                    shown.append(
                        f"{colour_word(task['colour'])} … {task['id']} {task['title']} · "
                        f"{TASK_STATUS_LABELS[task['status']]} · slutdato {_day(task['due'])}"
                    )
    assert len(task_lines) == len(shown)
    for line, expected in zip(task_lines, shown, strict=True):
        colour, rest = expected.split(" … ")
        assert line[2:].startswith(colour), (line, expected)  # after the status glyph
        assert line.endswith(rest), (line, expected)


# ------------------------------------------------------------------ kigo progress


def _week(text: str) -> str:
    """ "uge 7/2027" as the JSON writes it: "2027-U07"."""
    match = re.fullmatch(r"uge (\d{1,2})/(\d{4})", text)
    assert match, text
    return f"{match[2]}-U{int(match[1]):02d}"


@SETTINGS
@given(project=project_filter, today=days)
def test_progress_text_and_json_agree(log_db: Path, project: str | None, today: date) -> None:
    argv = ["--today", today.isoformat(), "progress"]
    argv += ["--project", project] if project else []
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    lines = run(log_db, argv, now).splitlines()
    doc = json.loads(run(log_db, [*argv, "--json"], now))

    assert lines[0].endswith(f"pr. {_day(doc['today'])}")
    assert (project or "Hele kommunen") in lines[0] and doc["scope"] == (project or "Alle")
    # A person reads "uge 7/2027"; the JSON keeps "2027-U07".
    rows = [[_week(line[:12].strip()), *line[12:].split()] for line in lines[2:]]
    assert [row[0] for row in rows] == [week["week"] for week in doc["weeks"]]
    for row, week in zip(rows, doc["weeks"], strict=True):
        if week["tasks"] is None:  # a week still to come: only the plan
            assert row == [week["week"], str(week["planned_remaining"])]
            continue
        fields = ("day", "tasks", "done", "remaining", "planned_remaining", "behind", "red")
        expected = [week["week"], *(str(week[f]) for f in fields), str(week["yellow"])]
        expected[1] = _day(week["day"])  # a person reads dd-mm-åååå; the JSON keeps ISO
        expected[6] = f"{week['behind']:+d}"
        assert row == expected
