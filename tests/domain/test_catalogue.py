"""The shipped catalogue's content, and the error messages for broken catalogue files."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain import catalogue
from kigo_tui.domain.catalogue import (
    CATALOGUE_PATH,
    DEFAULT_WARN_DAYS,
    PROJECT_CODES,
    Catalogue,
    CatalogueError,
    TaskSpec,
    load_catalogue,
    parse_catalogue,
    shipped_catalogue,
)
from kigo_tui.domain.rules import Category, Colour, Status, needs_follow_up, task_colour

ID_RE = re.compile(r"^(STS|SAPA|KY|KSD)-(\d{2})-(\d{2})$")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return shipped_catalogue()


def _text(task: Any) -> str:
    return f"{task.title} {task.description}"


# --------------------------------------------------------------------------- shipped content


def test_shipped_catalogue_loads_from_the_seed_file(cat: Catalogue) -> None:
    assert CATALOGUE_PATH.name == "catalogue.toml"
    assert CATALOGUE_PATH.is_file()
    fresh = load_catalogue(CATALOGUE_PATH)
    assert fresh == cat
    assert cat.format == "kigo-catalogue"
    assert cat.version
    assert len(cat.tasks) >= 4 * 16 * 3 - 3 * len(cat.skipped)


def test_four_projects_with_full_names(cat: Catalogue) -> None:
    names = {p.code: p.name for p in cat.projects}
    assert list(names) == ["STS", "SAPA", "KY", "KSD"]
    assert names["SAPA"] == "Sags- og partsoverblik"
    assert names["KY"] == "Kommunernes Ydelsessystem"
    assert names["KSD"] == "Kommunernes Sygedagpengesystem"
    assert names["STS"].startswith("Støttesystemerne")
    for project in cat.projects:
        assert project.description.strip(), project.code


def test_sixteen_main_tasks_fully_described(cat: Catalogue) -> None:
    assert [m.number for m in cat.main_tasks] == list(range(1, 17))
    for main in cat.main_tasks:
        assert main.name.strip(), main.number
        assert main.group in {"independent", "project", "organisational", "technical"}
        assert main.description.strip(), main.number
        assert main.purpose.strip(), main.number
    assert len({m.name for m in cat.main_tasks}) == 16


def test_every_project_and_main_task_has_tasks_or_a_skip_reason(cat: Catalogue) -> None:
    for code in PROJECT_CODES:
        for number in range(1, 17):
            tasks = cat.tasks_for(code, number)
            reason = cat.skip_reason(code, number)
            if reason is None:
                assert len(tasks) >= 3, f"{code} hovedopgave {number}: kun {len(tasks)} opgaver"
            else:
                assert reason.strip()
                assert tasks == []


def test_task_ids_have_the_documented_shape(cat: Catalogue) -> None:
    ids = [t.id for t in cat.tasks]
    assert len(ids) == len(set(ids))
    for task in cat.tasks:
        match = ID_RE.match(task.id)
        assert match, task.id
        assert match.group(1) == task.project
        assert int(match.group(2)) == task.main_task
        assert 1 <= task.main_task <= 16
        assert task.start_offset <= task.due_offset, task.id
        assert 0 <= task.warn_days <= 365
        assert task.title.strip() and task.description.strip()


def test_content_is_project_specific(cat: Catalogue) -> None:
    projects_by_title: dict[str, set[str]] = defaultdict(set)
    for task in cat.tasks:
        projects_by_title[task.title].add(task.project)
    shared_by_all = [t for t, ps in projects_by_title.items() if ps == set(PROJECT_CODES)]
    assert shared_by_all == []
    # and not mostly shared either: well under a tenth of the titles occur in two projects
    shared = [t for t, ps in projects_by_title.items() if len(ps) > 1]
    assert len(shared) < len(projects_by_title) / 10
    per_project = {
        code: {t.title for t in cat.tasks if t.project == code} for code in PROJECT_CODES
    }
    for a in PROJECT_CODES:
        for b in PROJECT_CODES:
            if a < b:
                assert per_project[a] != per_project[b]


def test_sapa_exit_priorities_decide_the_category(cat: Catalogue) -> None:
    marked = [t for t in cat.tasks if t.exit_priority is not None]
    assert marked, "SAPA skal have KMD Sag exit-opgaver med exit_priority"
    assert {t.project for t in marked} == {"SAPA"}
    assert {t.exit_priority for t in marked} >= {"necessary", "recommended"}
    for task in marked:
        if task.exit_priority == "necessary":
            assert task.category in (Category.MANDATORY, Category.CRITICAL), task.id
        else:
            assert task.category == Category.OPTIONAL, task.id


def test_ky_conversion_from_kmd_aktiv_and_manual_entry(cat: Catalogue) -> None:
    conversion = cat.tasks_for("KY", 14)
    assert any("KMD Aktiv" in _text(t) for t in conversion)
    assert any("manuel" in _text(t).lower() for t in conversion)


def test_sts_certificates_and_identity_provider(cat: Catalogue) -> None:
    tasks = cat.tasks_for("STS", 11) + cat.tasks_for("STS", 13)
    assert any("funktionscertifikat" in _text(t).lower() for t in tasks)
    assert any("Serviceplatformen" in _text(t) for t in tasks)
    assert any("IdP" in _text(t) or "Identity Provider" in _text(t) for t in tasks)


def test_ksd_readiness_under_16(cat: Catalogue) -> None:
    assert any("parathed" in _text(t).lower() for t in cat.tasks_for("KSD", 16))


def test_main_task_16_is_critical_up_to_golive(cat: Catalogue) -> None:
    # Seed 002: "Idriftsættelsen specificeres som selvstændig hovedopgave, da denne opgave er
    # yderst kritisk for kommunens implementering og på kritisk vej ..."
    # What happens after go-live (the evaluation of it) no longer blocks the go-live.
    tasks16 = [t for t in cat.tasks if t.main_task == 16]
    assert len(tasks16) >= 3
    assert {t.category for t in tasks16 if t.due_offset <= 0} == {Category.CRITICAL}
    assert all(t.category != Category.CRITICAL for t in tasks16 if t.due_offset > 0)


# --------------------------------------------------------------------------- broken files


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def _render(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the catalogue's shape (scalars, then arrays of tables)."""
    lines = []
    tables = {k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    for key, value in data.items():
        if key not in tables:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, entries in tables.items():
        for entry in entries:
            lines.append(f"\n[[{key}]]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in entry.items())
    return "\n".join(lines) + "\n"


def _minimal() -> dict[str, Any]:
    return {
        "format": "kigo-catalogue",
        "version": "test-1",
        "projects": [{"code": c, "name": f"Projekt {c}"} for c in PROJECT_CODES],
        "main_tasks": [
            {
                "number": n,
                "name": f"Hovedopgave {n}",
                "group": "project",
                "description": "beskrivelse",
                "purpose": "formål",
            }
            for n in range(1, 17)
        ],
        "tasks": [
            {
                "id": "SAPA-07-01",
                "title": "Ryd op",
                "description": "d",
                "category": "mandatory",
                "phase": "F2",
                "start_offset": -30,
                "due_offset": -10,
            },
            {
                "id": "KY-14-02",
                "title": "Konverter",
                "description": "d",
                "category": "critical",
                "phase": "F3",
                "start_offset": -5,
                "due_offset": 0,
            },
        ],
    }


def _write(tmp_path: Path, data: dict[str, Any], name: str = "katalog.toml") -> Path:
    path = tmp_path / name
    path.write_text(_render(data), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    return str(info.value)


def test_minimal_catalogue_is_valid(tmp_path: Path) -> None:
    loaded = load_catalogue(_write(tmp_path, _minimal()))
    assert [t.id for t in loaded.tasks] == ["SAPA-07-01", "KY-14-02"]
    assert loaded.tasks[1].category == Category.CRITICAL
    assert loaded.tasks[0].warn_days == 14  # the default warning ...
    assert loaded.tasks[1].warn_days == 5  # ... never longer than the task (5 days)


def test_bad_category_names_file_entry_and_field(tmp_path: Path) -> None:
    data = _minimal()
    data["tasks"][1]["category"] = "vital"
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert "KY-14-02" in message
    assert "'category'" in message
    assert "SAPA-07-01" not in message


def test_missing_title_names_file_entry_and_field(tmp_path: Path) -> None:
    data = _minimal()
    del data["tasks"][0]["title"]
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert "SAPA-07-01" in message
    assert "'title'" in message


@pytest.mark.parametrize("bad_id", ["KY-4-02", "KY-14-2", "XX-14-02", "KY-17-01", "ky-14-02"])
def test_bad_id_shape(tmp_path: Path, bad_id: str) -> None:
    data = _minimal()
    data["tasks"][1]["id"] = bad_id
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert bad_id in message
    assert "'id'" in message


def test_start_after_due_offset(tmp_path: Path) -> None:
    data = _minimal()
    data["tasks"][0]["start_offset"] = -5
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert "SAPA-07-01" in message
    assert "start_offset" in message and "due_offset" in message


def test_duplicate_id(tmp_path: Path) -> None:
    data = _minimal()
    data["tasks"].append(dict(data["tasks"][0], title="Igen"))
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert "SAPA-07-01" in message
    assert "to gange" in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    data = _minimal()
    data["farve"] = "rød"
    path = _write(tmp_path, data)
    message = _error(path)
    assert str(path) in message
    assert "farve" in message


def test_unknown_task_key(tmp_path: Path) -> None:
    data = _minimal()
    data["tasks"][1]["colour"] = "red"
    message = _error(_write(tmp_path, data))
    assert "KY-14-02" in message and "'colour'" in message


def test_necessary_exit_task_must_not_be_optional(tmp_path: Path) -> None:
    data = _minimal()
    data["tasks"][0].update(exit_priority="necessary", category="optional")
    message = _error(_write(tmp_path, data))
    assert "SAPA-07-01" in message
    assert "Nødvendig" in message


def test_invalid_toml_syntax(tmp_path: Path) -> None:
    path = tmp_path / "ødelagt.toml"
    path.write_text('format = "kigo-catalogue"\nversion = \n', encoding="utf-8")
    message = _error(path)
    assert str(path) in message
    assert "TOML" in message
    assert "line 2" in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "findes-ikke.toml"
    message = _error(path)
    assert str(path) in message
    assert "findes ikke" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('format = "kigo-catalogue"\nversion = "ø"\n'.encode("latin-1"))
    message = _error(path)
    assert str(path) in message
    assert "UTF-8" in message


def test_a_folder_is_not_a_catalogue(tmp_path: Path) -> None:
    folder = tmp_path / "kataloger"
    folder.mkdir()
    assert _error(folder) == f"{folder}: katalogfilen kan ikke læses (Is a directory)"


def test_deeply_nested_lists_are_invalid_toml(tmp_path: Path) -> None:
    """tomllib recurses per nesting level; its RecursionError used to escape as a traceback."""
    path = tmp_path / "dyb.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert _error(path) == f"{path}: ikke gyldig TOML: for dybt indlejrede lister"


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_CATALOGUE_BYTES", 1000, "katalogfilen er for stor (over 1000 bytes)"),
        ("MAX_CATALOGUE_VALUES", 100, "katalogfilen har for mange værdier (over 100)"),
        ("MAX_TABLE_KEYS", 6, "tasks[1] har 7 felter; højst 6 er tilladt"),
    ],
)
def test_catalogue_limits_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    path = _write(tmp_path, _minimal())
    load_catalogue(path)  # fine with the real limits
    monkeypatch.setattr(catalogue, limit, value)
    assert _error(path) == f"{path}: {message}"


def test_each_list_stops_at_its_first_bad_entry(tmp_path: Path) -> None:
    """FailFast: 500 broken tasks cost the first one's errors, not 500 times as many."""
    data = _minimal()
    data["tasks"] = [{"id": f"SAPA-07-{n:02}", "title": ""} for n in range(1, 100)] * 5
    message = _error(_write(tmp_path, data))
    assert "(6 fejl)" in message
    assert "tasks[1] (SAPA-07-01)" in message
    assert "SAPA-07-02" not in message


# --------------------------------------------------------------------------- the warning window
# Seed 000: "En obligatorisk opgave får status gul et antal dage inden slutdato, hvis opgaven ikke
# er påbegyndt." Yellow asks for an extra effort now, so it must not come before the task can
# begin: the window (warn_days before the due date) may not reach back before the start.


def _days_before_start(task: TaskSpec, golive: date) -> list[date]:
    start = golive + timedelta(days=task.start_offset)
    return [start - timedelta(days=n) for n in range(1, 31)]


def test_no_shipped_task_turns_yellow_or_reaches_kombit_before_it_can_start(
    cat: Catalogue,
) -> None:
    golive = date(2027, 3, 1)
    for task in cat.tasks:
        assert task.warn_days <= task.due_offset - task.start_offset, task.id
        due = golive + timedelta(days=task.due_offset)
        for day in _days_before_start(task, golive):
            colour = task_colour(Status.NOT_STARTED, due, task.warn_days, day)
            assert colour == Colour.GREEN, (task.id, day)
            assert not needs_follow_up(task.category, Status.NOT_STARTED, colour, local=False), (
                task.id
            )


def _one_task_catalogue(task: dict[str, Any]) -> dict[str, Any]:
    data = _minimal()
    data["tasks"] = [task]
    return data


@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(-400, 400),
    length=st.integers(0, 400),
    warn=st.integers(0, 365),
    category=st.sampled_from(["optional", "mandatory", "critical"]),
)
def test_a_warning_window_before_the_start_is_refused_when_a_catalogue_loads(
    start: int, length: int, warn: int, category: str
) -> None:
    """Any catalogue (KOMBIT's or one a kommune imports) goes through the same check."""
    due = start + length
    raw = _one_task_catalogue(
        {
            "id": "KY-16-01",
            "title": "Udfyld parathedsundersøgelse",
            "description": "d",
            "category": category,
            "phase": "F2",
            "start_offset": start,
            "due_offset": due,
            "warn_days": warn,
        }
    )
    if warn <= length:
        task = parse_catalogue(raw, "katalog.toml").tasks[0]
        golive = date(2027, 3, 1)
        yellow_from = golive + timedelta(days=due - task.warn_days)
        assert yellow_from >= golive + timedelta(days=start)
        first = task_colour(
            Status.NOT_STARTED, golive + timedelta(days=due), task.warn_days, yellow_from
        )
        assert first == Colour.YELLOW
        return
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(raw, "katalog.toml")
    message = str(info.value)
    assert message.startswith("katalog.toml: kataloget er ugyldigt (1 fejl)")
    assert "KY-16-01" in message and "'Udfyld parathedsundersøgelse'" in message
    assert f"start_offset = {start})" in message and f"due_offset = {due})" in message
    assert f"(warn_days = {warn})" in message
    assert f"Sæt warn_days til højst {length}," in message
    early = warn - length
    assert f"gul {early} dag" in message or f"KOMBITs opfølgningsliste {early} dag" in message
    assert ("KOMBITs opfølgningsliste" in message) == (category == "critical")


@given(start=st.integers(-400, 400), length=st.integers(0, 400))
def test_the_default_warning_never_reaches_before_the_start(start: int, length: int) -> None:
    raw = _one_task_catalogue(
        {
            "id": "SAPA-07-01",
            "title": "Ryd op",
            "description": "d",
            "category": "mandatory",
            "phase": "F2",
            "start_offset": start,
            "due_offset": start + length,
        }
    )
    assert parse_catalogue(raw, "k").tasks[0].warn_days == min(DEFAULT_WARN_DAYS, length)


def test_a_catalogue_file_with_an_early_warning_names_the_task_and_the_numbers(
    tmp_path: Path,
) -> None:
    data = _minimal()
    data["tasks"][0].update(start_offset=-14, due_offset=-10, warn_days=7)
    path = _write(tmp_path, data)
    assert _error(path) == (
        f"{path}: kataloget er ugyldigt (1 fejl)\n"
        "  tasks[1] (SAPA-07-01): 'Ryd op' starter 14 dage før go-live (start_offset = -14) og "
        "har slutdato 10 dage før go-live (due_offset = -10), men varslet er 7 dage "
        "(warn_days = 7). Opgaven ville blive gul 3 dage før den kan begynde. Sæt warn_days til "
        "højst 4, eller læg starten tidligere"
    )


def test_the_shipped_catalogue_with_an_early_warning_is_refused(tmp_path: Path) -> None:
    """The rule broken on purpose in KOMBIT's own file: SAPA-16-01 back to its old window."""
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    at = text.index('id = "SAPA-16-01"')
    start = text.index("start_offset = ", at)
    end = text.index("\n", start)
    path = tmp_path / "catalogue.toml"
    path.write_text(text[:start] + "start_offset = -14" + text[end:], encoding="utf-8")
    message = _error(path)
    assert "SAPA-16-01" in message and "'Udfyld parathedsundersøgelsen'" in message
    assert "komme på KOMBITs opfølgningsliste 3 dage før den kan begynde" in message


# --------------------------------------------------------------------------- critical path, phases


def test_critical_tasks_end_by_golive(cat: Catalogue) -> None:
    # Seed 000: "... opgaver, som har en risiko for at overskride og dermed blokere den kritiske
    # vej." The critical path leads to go-live; a task after it (an evaluation, a check of the
    # first payments) cannot block it, so it is at most mandatory.
    late = [t.id for t in cat.tasks if t.category == Category.CRITICAL and t.due_offset > 0]
    assert late == []
    evaluations = [t for t in cat.tasks if t.title.startswith("Evaluer") and t.due_offset > 0]
    assert evaluations and all(t.category != Category.CRITICAL for t in evaluations)


def test_the_phase_follows_the_golive(cat: Catalogue) -> None:
    # Seed 002: "... fase 2 særligt kritisk ..., da idriftsættelsen af løsningen sker her."
    # So go-live closes F2: a task in F1/F2 is due by go-live, one in F3/F4 after it.
    for task in cat.tasks:
        if task.phase in ("F1", "F2"):
            assert task.due_offset <= 0, task.id
        else:
            assert task.due_offset > 0, task.id


PHASE_NAMES = {"initiering": "F1", "forberedelse": "F2", "ibrugtagning": "F3", "forankring": "F4"}
PHASE_CHECK = re.compile(r"^Gennemfør faseovergangstjek for (\w+) fra (\w+) til (\w+)$")
TRANSITIONS = [("F1", "F2"), ("F2", "F3"), ("F3", "F4")]


def test_every_project_checks_every_phase_transition_in_the_same_place(cat: Catalogue) -> None:
    # Seed 002: "... udarbejdes tjeklister for faseovergange relateret til hvert projekt.
    # Tjekpunkterne vil typisk blive udformet som opgaver i KIGO."
    # Each check is made at the end of the phase it closes, as a project-management task (3),
    # with the same category in every project.
    checks: dict[tuple[str, str, str], list[TaskSpec]] = defaultdict(list)
    for task in cat.tasks:
        if "faseovergangstjek" not in task.title.lower():
            continue
        match = PHASE_CHECK.match(task.title)
        assert match, f"{task.id}: '{task.title}' følger ikke mønstret"
        project, source, target = match.groups()
        assert project == task.project, task.id
        checks[(project, PHASE_NAMES[source], PHASE_NAMES[target])].append(task)
    for source, target in TRANSITIONS:
        categories = set()
        for project in PROJECT_CODES:
            found = checks[(project, source, target)]
            assert len(found) == 1, f"{project}: {source} → {target}: {found}"
            task = found[0]
            assert task.main_task == 3, task.id
            assert task.phase == source, task.id
            categories.add(task.category)
        assert len(categories) == 1, (source, target, categories)
    assert len(checks) == len(PROJECT_CODES) * len(TRANSITIONS)


# --------------------------------------------------------------------------- KMD Sag exit (seed 004)


def _exit_moves(cat: Catalogue) -> dict[str, TaskSpec]:
    return {
        t.title: t
        for t in cat.tasks
        if t.exit_priority == "necessary" and t.title.startswith("Flyt KMD Sag-")
    }


def test_cases_and_users_leave_kmd_sag_before_or_after_sapa_golive(cat: Catalogue) -> None:
    # Seed 004: "Exit en for de forskellige brugergrupper kan ske enten før eller efter kommunens
    # ibrugtagning af Støttesystemerne og SAPA, og der er fordele og ulemper ved begge dele."
    # So the moves are open on both sides of SAPA's go-live, and not on the critical path to it.
    moves = _exit_moves(cat)
    assert any("sager" in title for title in moves) and any("bruger" in t for t in moves)
    for task in moves.values():
        assert task.project == "SAPA"
        assert task.start_offset < 0 < task.due_offset, task.id
        assert task.category == Category.MANDATORY, task.id
        assert "før eller efter" in task.description, task.id


def test_nothing_is_moved_into_sapa_before_it_is_live(cat: Catalogue) -> None:
    # Seed 004: "Det er især vigtigt at time den i forhold til, hvornår de berørte brugere tager
    # Støttesystemerne og SAPA i brug." Users, alerts or cases can only go into SAPA once it runs.
    into_sapa = re.compile(r"^(Flyt|Genskab|Overfør)\b.*\b(i|til) SAPA\b")
    tasks = [t for t in cat.tasks if into_sapa.match(t.title)]
    assert tasks, "ingen opgave flytter noget ind i SAPA"
    for task in tasks:
        assert task.start_offset >= 0, task.id
    users = next(t for t in _exit_moves(cat).values() if "bruger" in t.title)
    assert "først skifter til SAPA, når SAPA er i drift" in users.description


def test_kmd_sag_is_cleaned_before_and_ended_after_the_moves(cat: Catalogue) -> None:
    # Seed 004: "Den konkrete oprydning i sager og journalnotater i KMD Sag før flytning af sager
    # til nyt sagsbærende it-system" and, for the moves, "Nødvendig (fordi KMD Sag udfases samt
    # for at kommunen kan opsige KMD Sag kontrakten)".
    moves = _exit_moves(cat).values()
    cleanup = next(t for t in cat.tasks if t.title.startswith("Ryd op i KMD Sag-sager"))
    contract = next(t for t in cat.tasks if "aftalen om KMD Sag" in t.title)
    assert cleanup.due_offset <= min(t.due_offset for t in moves)
    assert contract.due_offset >= max(t.due_offset for t in moves)


# --------------------------------------------------------------------------- interfaces


SHUTDOWN = re.compile(r"\b(luk|nedlæg|opsig)\b", re.IGNORECASE)
EARLY_BECAUSE = re.compile(r"allerede[^.]*, fordi ")


def test_interfaces_close_at_the_cutover_or_the_description_says_why(cat: Catalogue) -> None:
    # Seed 002: "Idriftsættelse af løsningen dækker de 2-14 dage, der konkret bruges til at få den
    # ny løsning op at køre i teknisk forstand inkl. konfiguration, flytning af snitflader mm."
    # An interface closed earlier than that leaves the old system without it while it still
    # runs; such a task must say why it happens already then ("allerede …, fordi …").
    shutdowns = [t for t in cat.tasks if SHUTDOWN.search(t.title) and "snitflade" in t.title]
    assert len(shutdowns) >= 3
    for task in shutdowns:
        if task.start_offset < -14:
            assert EARLY_BECAUSE.search(task.description), f"{task.id}: hvorfor så tidligt?"
