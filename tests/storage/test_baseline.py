"""KOMBIT's plan stays visible, and calendar entries stay stable (issue 15, points 1 and 8).

A catalogue task's category is KOMBIT's; its dates may move, with a reason, while KOMBIT's own
date (go-live + the catalogue's offset) stays as the baseline, through the store, the migration
from schema 7, the bundle, `kigo verify`, `kigo aggregate` and the TUI. A local task's id is never
given twice, so a calendar client never takes a new task for an old one.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.bundle.aggregate import MOVED_HEADERS, NO_REASON, aggregate, write_overview
from kigo_tui.bundle.export import CSV_HEADERS, bundle_bytes, bundle_name, task_rows
from kigo_tui.bundle.schema import status_schema
from kigo_tui.bundle.verify import BundleError, verify_bundle
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Category, Status, task_colour
from kigo_tui.domain.tasks import REASON_MAX
from kigo_tui.errors import KigoError
from kigo_tui.formats.calendar import calendar_bytes
from kigo_tui.storage.common import LOCAL_ID_KEY
from kigo_tui.storage.store import Store, StoreError, TaskEdit
from tests.support.backends import Database
from tests.support.fixed import FIXED_TODAY, GOLIVES

FIXTURE_V7 = Path(__file__).parent / "fixtures" / "kigo_schema_v7.sql"
OVERDUE = "STS-01-01"
"""A catalogue task whose KOMBIT due date is before FIXED_TODAY (red on the baseline)."""
LATER = "STS-01-05"
"""A catalogue task due well after FIXED_TODAY."""
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def store(kigo_db: Database) -> Iterator[Store]:
    store = Store.open(kigo_db.url)
    yield store
    store.close()


def kombit_dates(task_id: str) -> tuple[date, date]:
    """KOMBIT's start and due of a catalogue task of the GOLIVES database."""
    spec = next(t for t in shipped_catalogue().tasks if t.id == task_id)
    golive = GOLIVES[spec.project]
    assert spec.start_offset is not None and spec.due_offset is not None
    return golive + timedelta(days=spec.start_offset), golive + timedelta(days=spec.due_offset)


# ------------------------------------------------------------------------- the store's rules


def test_the_overdue_task_is_what_the_tests_think() -> None:
    assert kombit_dates(OVERDUE)[1] < FIXED_TODAY < kombit_dates(LATER)[0]


@SETTINGS
@given(
    task_id=st.sampled_from([t.id for t in shipped_catalogue().tasks][::7]),
    category=st.sampled_from(list(Category)),
)
def test_a_catalogue_tasks_category_is_kombits(
    store: Store, kigo_db: Database, task_id: str, category: Category
) -> None:
    task = store.task(task_id)
    if category == task.category:  # saying what it is changes nothing
        assert store.edit_task(task_id, TaskEdit(category=category)) == task
        return
    before = kigo_db.dump()
    with pytest.raises(StoreError, match="kategorien er KOMBITs") as info:
        store.edit_task(task_id, TaskEdit(category=category, title="Ny titel"))
    assert task_id in str(info.value) and "intet er ændret" in str(info.value)
    assert kigo_db.dump() == before


@SETTINGS
@given(categories=st.lists(st.sampled_from(list(Category)), min_size=1, max_size=4))
def test_a_local_tasks_category_is_free(store: Store, categories: list[Category]) -> None:
    local = store.add_local_task("KY", 3, "Egen opgave")
    for category in categories:
        assert store.edit_task(local.id, TaskEdit(category=category)).category == category


def test_undo_never_puts_back_a_category_kombit_changed(store: Store) -> None:
    before = store.task(LATER)
    other = next(c for c in Category if c != before.category)
    with store.writing() as sql:  # as a newer catalogue import would
        sql.run("UPDATE task SET category = :c WHERE id = :id", {"c": other.value, "id": LATER})
    assert store.restore_task(LATER, before).category == other


@SETTINGS
@given(
    which=st.sampled_from(["start", "due"]),
    days=st.integers(-30, 30),
    reason=st.one_of(
        st.none(),
        st.text(max_size=5),
        st.sampled_from(["  ", "\t\n", "Leverandøren er forsinket", "x" * REASON_MAX]),
        st.just("y" * (REASON_MAX + 1)),
    ),
)
def test_moving_a_catalogue_date_needs_a_short_reason(
    store: Store, kigo_db: Database, which: str, days: int, reason: str | None
) -> None:
    task = store.task(LATER)
    start, due = kombit_dates(LATER)
    assert (task.start, task.due, task.baseline_start, task.baseline_due) == (
        start,
        due,
        start,
        due,
    )
    new = (start if which == "start" else due) + timedelta(days=days)
    edit = TaskEdit(**{which: new}, reason=reason)  # type: ignore[arg-type]
    if (which == "start" and new > due) or (which == "due" and new < start):
        return  # the date order rule, tested elsewhere
    text = " ".join((reason or "").split())
    if any(
        unicodedata.category(c) in ("Cc", "Cs") for c in text
    ):  # kigo_tui.domain.text.clean_text
        before = kigo_db.dump()
        with pytest.raises(KigoError, match="begrundelse indeholder"):
            store.edit_task(LATER, edit)
        assert kigo_db.dump() == before
        return
    if days != 0 and not 0 < len(text) <= REASON_MAX:
        before = kigo_db.dump()
        with pytest.raises(StoreError, match="begrundelse") as info:
            store.edit_task(LATER, edit)
        assert LATER in str(info.value)
        assert kigo_db.dump() == before
        return
    moment = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    moved = store.edit_task(LATER, edit)
    assert getattr(moved, which) == new
    assert (moved.baseline_start, moved.baseline_due) == (start, due)  # KOMBIT's date stays
    assert getattr(moved, f"{which}_moved") == (days != 0)
    assert getattr(moved, f"{which}_reason") == (text if days else None)
    detail = store.detail(LATER)
    if days:
        entry = detail.history[0]  # who, when and why
        assert (entry.field, entry.new, entry.user, entry.reason) == (
            which,
            new.isoformat(),
            "testbruger",
            text,
        )
        assert moment <= entry.at <= datetime.now(UTC).replace(tzinfo=None)
        assert getattr(detail, f"{which}_manual")
        # Back to KOMBIT's date: no reason asked, the reason goes, the date follows go-live again.
        back = store.edit_task(LATER, TaskEdit(**{which: start if which == "start" else due}))  # type: ignore[arg-type]
        assert not getattr(back, f"{which}_moved") and getattr(back, f"{which}_reason") is None
        assert not getattr(store.detail(LATER), f"{which}_manual")
        assert store.detail(LATER).history[0].reason is None


def test_a_moved_date_stays_and_kombits_follows_the_golive(store: Store) -> None:
    store.edit_task(LATER, TaskEdit(due=date(2027, 8, 1), reason="Afventer leverandør"))
    store.set_golive("STS", GOLIVES["STS"] + timedelta(days=14))
    task = store.task(LATER)
    start, due = kombit_dates(LATER)
    assert task.due == date(2027, 8, 1) and task.due_reason == "Afventer leverandør"
    assert (task.baseline_start, task.baseline_due) == (start + timedelta(14), due + timedelta(14))
    assert task.start == task.baseline_start  # not moved: follows the go-live


def test_an_unchanged_moved_date_asks_for_no_new_reason(store: Store) -> None:
    store.edit_task(LATER, TaskEdit(due=date(2027, 8, 1), reason="Afventer leverandør"))
    task = store.edit_task(LATER, TaskEdit(due=date(2027, 8, 1), title="Ny titel", warn_days=3))
    assert (task.title, task.due_reason) == ("Ny titel", "Afventer leverandør")
    with pytest.raises(StoreError, match="begrundelse"):
        store.edit_task(LATER, TaskEdit(due=date(2027, 8, 2)))  # a new move: a new reason


def test_a_local_task_has_no_baseline_and_moves_freely(store: Store) -> None:
    local = store.add_local_task("KY", 3, "Egen", due=date(2027, 1, 1))
    moved = store.edit_task(local.id, TaskEdit(due=date(2027, 5, 1)))
    assert moved.due == date(2027, 5, 1)
    assert (moved.baseline_start, moved.baseline_due, moved.due_reason) == (None, None, None)
    assert not moved.due_moved and moved.baseline_colour(FIXED_TODAY) is None


def test_a_newer_catalogue_moves_kombits_baseline(store: Store, tmp_path: Path) -> None:
    from kigo_tui.domain.catalogue import load_catalogue
    from kigo_tui.storage.catalogue import apply_update
    from tests.storage.test_catalogue_update import _raw_shipped, dump_toml

    store.edit_task(OVERDUE, TaskEdit(due=date(2027, 2, 1), reason="Vi når det ikke"))
    raw = _raw_shipped()
    raw["version"] = "2099.1.0"
    for spec in raw["tasks"]:
        if spec["id"] in (OVERDUE, LATER):
            spec["due_offset"] += 10
    path = tmp_path / "nyt.toml"
    path.write_text(dump_toml(raw), encoding="utf-8")
    apply_update(store, load_catalogue(path))
    for task_id in (OVERDUE, LATER):
        task = store.task(task_id)
        assert task.baseline_due == kombit_dates(task_id)[1] + timedelta(days=10)
    assert store.task(LATER).due == store.task(LATER).baseline_due  # not moved: follows
    assert store.task(OVERDUE).due == date(2027, 2, 1)  # moved: stays, with its reason
    assert store.task(OVERDUE).due_reason == "Vi når det ikke"


# ------------------------------------------------------------------- the migration (schema 7)


def test_schema_7_gets_kombits_baselines_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "v7.db"
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE_V7.read_text(encoding="utf-8"))
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    before = {t: set(conn.execute(f"SELECT * FROM {t}")) for t in tables}
    golives = dict(conn.execute("SELECT code, golive FROM project"))
    conn.close()
    assert "baseline_due" not in str(before)

    store = Store.open(str(path))
    try:
        tasks = {t.id: t for t in store.snapshot().tasks}
        detail = store.detail("SAPA-07-01")
        added = store.add_local_task("KSD", 3, "Ny lokal opgave")
    finally:
        store.close()
    assert added.id == "KSD-03-L3"  # KSD-03-L2 was deleted before the upgrade: never again

    conn = sqlite3.connect(path)
    try:
        for table, rows in before.items():  # every row, every old column, as it was
            quoted = ", ".join(f'"{c}"' for c in columns[table])
            now = set(conn.execute(f"SELECT {quoted} FROM {table}"))
            if table == "meta":
                changed = {k for k, _v in now ^ rows}
                assert {k for k in changed if not k.startswith(LOCAL_ID_KEY)} == {
                    "schema_version",
                    "revision",
                }
            elif table in ("task", "history"):  # the new local task is the one addition
                assert rows <= now and len(now - rows) == 1, table
            else:
                assert now == rows, table
        stored = conn.execute(
            "SELECT id, project, start_offset, due_offset, is_local, baseline_start, "
            "baseline_due, start_reason, due_reason FROM task"
        ).fetchall()
        counters = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'local_id:%'"))
    finally:
        conn.close()
    for task_id, project, s_off, d_off, local, b_start, b_due, s_reason, d_reason in stored:
        golive = golives[project] and date.fromisoformat(golives[project])
        if local or golive is None:
            assert (b_start, b_due) == (None, None), task_id
        else:
            assert b_start == (golive + timedelta(days=s_off)).isoformat(), task_id
            assert b_due == (golive + timedelta(days=d_off)).isoformat(), task_id
        assert (s_reason, d_reason) == (None, None)
    assert counters == {"local_id:KSD-03": "3", "local_id:SAPA-07": "1"}
    # The fixture's hand-moved due date (before reasons) is a move without a reason.
    moved = tasks["SAPA-07-01"]
    assert moved.due == date(2027, 1, 15) and moved.due_moved and moved.due_reason is None
    assert detail.due_manual and not moved.start_moved


def test_the_upgrade_computes_baselines_on_every_database(empty_db: Database) -> None:
    """The schema-1 database, upgraded through every migration on SQLite and PostgreSQL."""
    from tests.storage.test_migrations import _load_v1_into

    db = _load_v1_into(empty_db)
    golives = {code: golive for code, golive in db.query("SELECT code, golive FROM project")}
    offsets = {
        task_id: (project, s_off, d_off, bool(local))
        for task_id, project, s_off, d_off, local in db.query(
            "SELECT id, project, start_offset, due_offset, is_local FROM task"
        )
    }
    store = Store.open(db.url)
    try:
        tasks = {t.id: t for t in store.snapshot().tasks}
        local_ids = [i for i, (_p, _s, _d, local) in offsets.items() if local]
        added = store.add_local_task("SAPA", 7, "Efter opgraderingen") if local_ids else None
    finally:
        store.close()
    assert len(tasks) == len(offsets) > 250
    for task_id, (project, s_off, d_off, local) in offsets.items():
        task = tasks[task_id]
        golive = golives[project] and date.fromisoformat(str(golives[project]))
        if local or not golive:
            assert (task.baseline_start, task.baseline_due) == (None, None), task_id
        else:
            expected = (golive + timedelta(days=s_off), golive + timedelta(days=d_off))
            assert (task.baseline_start, task.baseline_due) == expected, task_id
    if added is not None:
        assert added.id not in offsets


# ----------------------------------------------------------------------------- ids (point 8)


@SETTINGS
@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["add", "delete"]), st.sampled_from([("KY", 3), ("STS", 12)])),
        min_size=1,
        max_size=8,
    )
)
def test_a_local_id_is_never_given_twice(
    store: Store, ops: list[tuple[str, tuple[str, int]]]
) -> None:
    given_ids: list[str] = [
        t.id for t in store.snapshot().tasks if t.is_local
    ]  # from earlier examples: the property holds across them too
    seen = set(store_history_ids(store))
    for op, (project, main) in ops:
        alive = [t.id for t in store.snapshot().tasks if t.is_local and t.project == project]
        if op == "delete" and alive:
            store.delete_local_task(alive[-1])
            continue
        task = store.add_local_task(project, main, "Lokal")
        assert task.id not in seen, task.id
        seen.add(task.id)
        given_ids.append(task.id)
    assert len(set(given_ids)) == len(given_ids)


def store_history_ids(store: Store) -> list[str]:
    with store.reading() as sql:
        return [r[0] for r in sql.rows("SELECT DISTINCT task_id FROM history")]


def test_a_new_task_after_a_delete_gets_a_new_calendar_uid(store: Store) -> None:
    first = store.add_local_task("KY", 3, "Møde med leverandøren", due=date(2026, 12, 10))
    calendar_one = calendar_bytes(store.snapshot(), FIXED_TODAY)[0].decode()
    store.delete_local_task(first.id)
    second = store.add_local_task("KY", 3, "Et andet møde", due=date(2026, 12, 10))
    calendar_two = calendar_bytes(store.snapshot(), FIXED_TODAY)[0].decode()
    assert second.id != first.id
    uid_one = f"UID:{first.id}-due@kigo.101"
    assert uid_one in calendar_one and uid_one not in calendar_two
    assert f"UID:{second.id}-due@kigo.101" in calendar_two


# --------------------------------------------------------------------------------- the bundle


def moved_store(folder: Path, code: str, moves: dict[str, tuple[date, str]]) -> Store:
    store = Store.open(str(folder / f"kigo-{code}.db"), user="testbruger")
    store.initialise(find_kommune(code), GOLIVES, shipped_catalogue())
    for task_id, (due, reason) in moves.items():
        store.edit_task(task_id, TaskEdit(due=due, reason=reason))
    store.add_local_task("KY", 3, "Egen opgave", due=date(2026, 11, 1))
    return store


def all_tasks(doc: dict) -> list[dict]:
    return [t for p in doc["projects"] for m in p["main_tasks"] for t in m["tasks"]]


def write_bundle(folder: Path, store: Store) -> Path:
    path = folder / bundle_name(store.snapshot().kommune_code, FIXED_TODAY)
    path.write_bytes(bundle_bytes(store.snapshot(), FIXED_TODAY))
    return path


def test_the_bundle_carries_kombits_dates_and_both_colours(tmp_path: Path) -> None:
    store = moved_store(tmp_path, "101", {OVERDUE: (date(2027, 3, 1), "Ny plan fra direktionen")})
    try:
        bundle = verify_bundle(write_bundle(tmp_path, store))
    finally:
        store.close()
    with zipfile.ZipFile(bundle.path) as archive:  # verify keeps status.json parsed, not as bytes
        doc = json.loads(archive.read("status.json"))
    tasks = {t["id"]: t for t in all_tasks(doc)}
    moved = tasks[OVERDUE]
    assert (moved["due"], moved["baseline_due"]) == (
        "2027-03-01",
        kombit_dates(OVERDUE)[1].isoformat(),
    )
    assert (moved["colour"], moved["baseline_colour"]) == ("green", "red")
    assert moved["due_reason"] == "Ny plan fra direktionen" and moved["start_reason"] is None
    for task in tasks.values():  # every task: both colours by the one colour rule
        status, warn = Status(task["status"]), task["warn_days"]
        due = task["due"] and date.fromisoformat(task["due"])
        assert task["colour"] == task_colour(status, due, warn, FIXED_TODAY)
        if task["local"]:
            assert (task["baseline_start"], task["baseline_due"], task["baseline_colour"]) == (
                None,
                None,
                None,
            )
        else:
            baseline = task["baseline_due"] and date.fromisoformat(task["baseline_due"])
            assert task["baseline_colour"] == task_colour(status, baseline, warn, FIXED_TODAY)
    assert sum(t["baseline_due"] != t["due"] for t in tasks.values() if not t["local"]) == 1
    properties = status_schema()["$defs"]["TaskOut"]["properties"]
    assert {"baseline_start", "baseline_due", "baseline_colour", "due_reason"} <= set(properties)
    row = next(r for r in task_rows(bundle.status) if r[5] == OVERDUE)
    shown = dict(zip(CSV_HEADERS, row, strict=True))
    assert (
        shown["KOMBITs slutdato"] == kombit_dates(OVERDUE)[1]
    )  # a date: an Excel date in the xlsx
    assert shown["Farve efter KOMBITs plan"] == "rød" and shown["Farve"] == "grøn"
    assert shown["Begrundelse for flyttet slutdato"] == "Ny plan fra direktionen"


def tampered(path: Path, change) -> Path:
    """The bundle with status.json changed by `change`, and an honest manifest for it."""
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    doc = json.loads(files["status.json"])
    change(doc)
    files["status.json"] = json.dumps(doc, ensure_ascii=False, indent=2).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [
        {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in sorted(files.items())
        if n != "manifest.json"
    ]
    files["manifest.json"] = json.dumps(manifest).encode()
    out = path.with_name("snyd-" + path.name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    out.write_bytes(buffer.getvalue())
    return out


def _task(doc: dict, task_id: str) -> dict:
    return next(t for t in all_tasks(doc) if t["id"] == task_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _task(d, OVERDUE).update(baseline_colour="green"),
            f"opgave {OVERDUE}: felt 'baseline_colour' er 'green', men KOMBITs slutdato",
        ),
        (
            lambda d: _task(d, LATER).update(baseline_due="2026-11-01"),
            f"opgave {LATER}: felt 'baseline_colour' er 'green'",
        ),
        (
            lambda d: _task(d, "KY-03-L1").update(
                baseline_due="2027-01-01", baseline_colour="green"
            ),
            "opgave KY-03-L1: en lokal opgave har ingen KOMBIT-plan",
        ),
        (
            lambda d: _task(d, LATER).update(start_reason="Ingen grund"),
            f"opgave {LATER}: felt 'start_reason' er udfyldt, men 'start' er ikke flyttet",
        ),
        (lambda d: _task(d, LATER).update(baseline_colour=None), "baseline_colour"),
    ],
    ids=["colour", "baseline-date", "local-baseline", "reason-unmoved", "missing-colour"],
)
def test_verify_recomputes_the_baseline_colour(tmp_path: Path, change, message: str) -> None:
    store = moved_store(tmp_path, "101", {OVERDUE: (date(2027, 3, 1), "Ny plan")})
    try:
        honest = write_bundle(tmp_path, store)
    finally:
        store.close()
    verify_bundle(honest)
    with pytest.raises(BundleError, match=r"status\.json") as info:
        verify_bundle(tampered(honest, change))
    assert message in str(info.value)


def test_aggregate_shows_kombits_view_and_every_moved_date(tmp_path: Path) -> None:
    inbox = tmp_path / "indbakke"
    inbox.mkdir()
    moves = {
        "101": {OVERDUE: (date(2027, 3, 1), "Ny plan"), LATER: (date(2027, 9, 1), "Ferie")},
        "751": {},
        "851": {LATER: (date(2027, 2, 24), 'Tidligere; "før vinterferien"')},
    }
    for code, wanted in moves.items():
        store = moved_store(tmp_path, code, wanted)
        try:
            write_bundle(inbox, store)
        finally:
            store.close()
    result = aggregate([inbox])
    assert len(result.kommuner) == 3
    moved = result.moved_rows()
    assert [(r[0], r[3], r[6], r[10]) for r in moved] == [
        ("101", OVERDUE, "slutdato", "Ny plan"),
        ("101", LATER, "slutdato", "Ferie"),
        ("851", LATER, "slutdato", 'Tidligere; "før vinterferien"'),
    ]
    first = dict(zip(MOVED_HEADERS, moved[0], strict=True))
    assert first["KOMBITs dato"] == kombit_dates(OVERDUE)[1]
    assert first["Dage flyttet"] == (date(2027, 3, 1) - kombit_dates(OVERDUE)[1]).days
    overview = {(r[0], r[3]): r for r in result.overview_rows()}
    sts_101, sts_751 = overview[("101", "STS")], overview[("751", "STS")]
    assert sts_101[-5:-1] == sts_751[-5:-1]  # KOMBIT's view: the same plan, the same colours
    assert sts_101[7] == sts_751[7] - 1  # the kommune's view: one red fewer after the move
    assert (sts_101[-1], sts_751[-1]) == (2, 0)

    out = tmp_path / "overblik.xlsx"
    write_overview(result, out)
    from openpyxl import load_workbook

    sheet = load_workbook(out)["Flyttede datoer"]
    assert [c.value for c in sheet[1]] == list(MOVED_HEADERS)
    assert sheet.max_row == 1 + len(moved)
    data = tmp_path / "overblik.json"
    write_overview(result, data)
    assert [r["Opgave-id"] for r in json.loads(data.read_text())["moved"]] == [r[3] for r in moved]


def test_a_move_without_a_reason_from_before_schema_8_is_named_as_such(tmp_path: Path) -> None:
    store = moved_store(tmp_path, "101", {})
    try:
        with store.writing() as sql:  # as the migration leaves a hand-moved date
            sql.run(
                "UPDATE task SET due = '2027-05-01', due_manual = 1 WHERE id = :id", {"id": LATER}
            )
        write_bundle(tmp_path, store)
    finally:
        store.close()
    moved = aggregate([tmp_path]).moved_rows()
    assert [(r[3], r[10]) for r in moved] == [(LATER, NO_REASON)]


# ------------------------------------------------------------------------------------ the TUI


async def test_the_detail_pane_and_the_edit_dialog_show_kombits_date(demo_path: Path) -> None:
    from textual.widgets import Input, Select, Static

    from kigo_tui.app import create_app
    from kigo_tui.screens.dialogs import EditTaskScreen
    from kigo_tui.screens.main import MainScreen
    from tests.support.tui import goto_task, wait_for, wait_loaded

    task_id = "SAPA-10-04"  # the demo's: due 27-12-2026
    other = Store.open(str(demo_path))
    try:
        other.edit_task(
            task_id, TaskEdit(due=date(2027, 1, 15), reason="Leverandøren [bold]venter[/]")
        )
    finally:
        other.close()
    app = create_app(str(demo_path), today=FIXED_TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        await goto_task(pilot, task_id)
        text = str(app.main_screen.query_one("#detail-text", Static).render())
        assert "Slutdato flyttet fra KOMBITs dato 27-12-2026" in text
        assert "begrundelse: Leverandøren [bold]venter[/]" in text  # data, not markup
        assert "Start flyttet" not in text
        history = str(app.main_screen.query_one("#detail-history", Static).render())
        assert "(begrundelse: Leverandøren [bold]venter[/])" in history

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTaskScreen))
        dialog = app.screen
        assert dialog.query_one("#category", Select).disabled
        reason = dialog.query_one("#reason", Input)
        assert reason.display  # the due date differs from KOMBIT's
        due = dialog.query_one("#due", Input)
        due.value = "2026-12-27"  # back to KOMBIT's date: no reason to give
        await pilot.pause()
        assert not reason.display
        due.value = "2027-02-01"
        await pilot.pause()
        assert reason.display and reason.value == ""
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is dialog, "a move without a reason is not saved"
        assert "angiv en kort begrundelse" in str(dialog.query_one("#error", Static).render())
        reason.value = "Ny aftale"
        check = Store.open(str(demo_path))
        try:
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
            await wait_for(pilot, lambda: check.task(task_id).due_reason == "Ny aftale")
            assert check.task(task_id).due == date(2027, 2, 1)
        finally:
            check.close()
