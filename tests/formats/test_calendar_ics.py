"""`kigo calendar`: the .ics file parsed back with the maintained `icalendar` library.

One all-day event per open task's due date and one on the first day of its warning window;
stable UIDs, so a re-import updates instead of duplicating; RFC 5545 line folding and escaping.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.domain.rules import Status
from kigo_tui.formats.calendar import MAX_OCTETS, calendar_bytes, escape_text, fold
from kigo_tui.storage.store import Store, TaskEdit
from tests.support.fixed import FIXED_TODAY

STAMP = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def _events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == len(calendar.walk("VEVENT")), "UIDs must be unique"
    return events


def _snapshot(path: Path):
    store = Store.open(str(path))
    try:
        return store.snapshot()
    finally:
        store.close()


def test_one_all_day_event_per_due_date_and_warning_start(db_path: Path) -> None:
    snapshot = _snapshot(db_path)
    data, count = calendar_bytes(snapshot, FIXED_TODAY, stamp=STAMP)
    events = _events(data)
    open_dated = [t for t in snapshot.tasks if t.due and t.status != Status.DONE]
    expected = len(open_dated) + sum(1 for t in open_dated if t.warn_days > 0)
    assert count == len(events) == expected > 0
    for task in open_dated:
        due = events[f"{task.id}-due@kigo.{snapshot.kommune_code}"]
        assert due.decoded("DTSTART") == task.due
        assert type(due.decoded("DTSTART")) is date  # VALUE=DATE: an all-day event
        assert due.decoded("DTEND") == task.due + timedelta(days=1)
        assert str(due["SUMMARY"]) == f"Slutdato: {task.id} {task.title}"
        assert due.decoded("DTSTAMP") == STAMP
        assert int(due["SEQUENCE"]) == task.version
        if task.warn_days:
            warn = events[f"{task.id}-warn@kigo.{snapshot.kommune_code}"]
            assert warn.decoded("DTSTART") == task.due - timedelta(days=task.warn_days)
            assert str(warn["SUMMARY"]).startswith(f"Varsel: {task.id} ")
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//KIGO")


def test_uids_are_stable_and_changes_raise_the_sequence(db_path: Path) -> None:
    first = _events(calendar_bytes(_snapshot(db_path), FIXED_TODAY, stamp=STAMP)[0])
    store = Store.open(str(db_path))
    task = store.task("SAPA-07-02")
    moved = task.due + timedelta(days=7)
    store.edit_task(task.id, TaskEdit(due=moved, warn_days=0, reason="Flyttet"))
    store.set_status("STS-01-01", Status.DONE)
    store.close()
    second = _events(calendar_bytes(_snapshot(db_path), FIXED_TODAY, stamp=STAMP)[0])
    kept = set(first) & set(second)
    assert "SAPA-07-02-due@kigo.101" in kept
    assert set(first) - set(second) == {
        "STS-01-01-due@kigo.101",
        "STS-01-01-warn@kigo.101",
        "SAPA-07-02-warn@kigo.101",  # no warning window any more
    }
    assert set(second) <= set(first)  # nothing new: a re-import only updates
    due = second["SAPA-07-02-due@kigo.101"]
    assert due.decoded("DTSTART") == moved
    assert int(due["SEQUENCE"]) > int(first["SAPA-07-02-due@kigo.101"]["SEQUENCE"])
    unchanged = "KY-14-01-due@kigo.101"
    assert first[unchanged].to_ical() == second[unchanged].to_ical()


def test_special_characters_survive_escaping_and_folding(db_path: Path) -> None:
    title = "Fejl; komma, skråstreg \\ og æøå – meget lang titel " + "ø" * 60
    store = Store.open(str(db_path))
    local = store.add_local_task("KY", 10, title, due=date(2027, 9, 3), warn_days=5)
    store.close()
    data, _ = calendar_bytes(_snapshot(db_path), FIXED_TODAY, project="KY", stamp=STAMP)
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= MAX_OCTETS for line in lines)
    event = _events(data)[f"{local.id}-due@kigo.101"]
    assert str(event["SUMMARY"]) == f"Slutdato: {local.id} {title.strip()}"
    assert "\nProjekt: KY · hovedopgave 10" in str(event["DESCRIPTION"])
    assert all(str(e["UID"]).startswith("KY-") for e in _events(data).values())


@given(st.text(min_size=0, max_size=400))
def test_fold_keeps_every_character_and_the_75_octet_limit(value: str) -> None:
    line = "SUMMARY:" + escape_text(value)
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(part.encode("utf-8")) <= MAX_OCTETS - (i > 0) for i, part in enumerate(parts))


def test_cli_writes_the_file_filters_and_refuses_to_overwrite(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kigo_tui.storage.organisation import add_person, set_responsibility

    store = Store.open(str(demo_path))
    me = add_person(store, "Bo Berg", email="bo@kommune.dk")
    open_tasks = [t for t in store.snapshot().tasks if t.due and t.status != Status.DONE][:2]
    for task in open_tasks:
        set_responsibility(store, task.id, doer=me.id)
    store.close()
    out = tmp_path / "frister.ics"
    db = ["--db", str(demo_path), "--today", FIXED_TODAY.isoformat()]
    assert main([*db, "calendar", "--mine", "--me", "bo@kommune.dk", "--out", str(out)]) == 0
    events = _events(out.read_bytes())
    assert {str(u).split("-due@")[0] for u in events if "-due@" in u} == {t.id for t in open_tasks}
    assert "Skrev" in capsys.readouterr().out
    assert main([*db, "calendar", "--project", "SAPA", "--out", str(out)]) == 1
    assert "findes allerede" in capsys.readouterr().err
    assert main([*db, "calendar", "--project", "SAPA", "--out", str(out), "--force"]) == 0
    assert {str(e["UID"]).split("-")[0] for e in _events(out.read_bytes()).values()} == {"SAPA"}
    assert main([*db, "calendar", "--out", str(tmp_path / "frister.txt")]) == 1
    assert ".ics" in capsys.readouterr().err
    assert main([*db, "calendar", "--mine", "--out", str(tmp_path / "x.ics")]) == 1
    assert "'me'" in capsys.readouterr().err
