"""`kigo copy`: a team's data from a SQLite file to PostgreSQL and back, with nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.defect_labels import Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.exit_strategy import CaseArea, DecisionNote
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Status
from kigo_tui.storage.copy import kigo_tables
from kigo_tui.storage.defects import add_defect
from kigo_tui.storage.demo import make_demo
from kigo_tui.storage.engine import make_engine, read_connection
from kigo_tui.storage.exit_strategy import save_area, save_note
from kigo_tui.storage.organisation import (
    add_person,
    assign_role,
    log_dialogue,
    read_organisation,
    set_responsibility,
)
from kigo_tui.storage.store import Store, TaskEdit, insert_sql
from tests.support.backends import ALL_TABLES, Database
from tests.support.fixed import FIXED_TODAY

TODAY = FIXED_TODAY.isoformat()


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """A SQLite file a team has used: demo statuses, history, a local task with a checklist,
    people with roles and responsibility, a dialogue with KOMBIT, case areas, the exit decision
    note, a defect."""
    path = tmp_path / "team.db"
    store = Store.open(str(path), user="Åse Ølgaard")
    try:
        make_demo(store, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
        local = store.add_local_task(
            "SAPA", 7, "Ryd op i fællesdrev", due=date(2026, 12, 1), checklist=["Find", "Slet"]
        )
        store.set_checklist_item(store.detail(local.id).checklist[0].id, True)
        store.edit_task("KY-03-01", TaskEdit(title="Æbler og pærer", warn_days=3))
        anne = add_person(store, "Anne Jensen", email="anne@kommune.dk", phone="12345678")
        bo = add_person(store, "Bo Berg", title="Projektleder")
        assign_role(store, anne.id, "programme_lead")
        assign_role(store, bo.id, "project_lead", "SAPA")
        assign_role(store, anne.id, "steering_member", from_direktion=True)
        set_responsibility(store, "SAPA-07-02", accountable=anne.id, doer=bo.id)
        log_dialogue(
            store, date(2026, 11, 20), "SAPA", "møde", "Røde opgaver", task_ids=["SAPA-07-02"]
        )
        save_area(
            store, CaseArea(field_area="Børn og unge", case_area="Underretninger", kle="27.24")
        )
        save_note(store, DecisionNote(body="Scenarie 2 for underretninger", status="decided"))
        add_defect(
            store,
            DefectInput(
                "KY",
                "Brev mangler æøå",
                Severity.MAJOR,
                datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
                supplier_ref="KMD-4711",
            ),
        )
        store.set_status("STS-01-01", Status.DONE)
        with store.writing() as sql:  # the shipped catalogue skips no hovedopgave; a kommune's may
            sql.run(
                insert_sql("skipped_main_task", ("project", "main_task", "reason")),
                {"project": "STS", "main_task": 16, "reason": "Ikke relevant for STS"},
            )
    finally:
        store.close()
    return path


def rows_of(db: str) -> dict[str, list[tuple]]:
    """Every row of every kigo table, in key order, timestamps as naive UTC."""
    engine = make_engine(db)
    try:
        with read_connection(engine) as conn:
            return {
                table.name: [
                    tuple(_plain(v) for v in row)
                    for row in conn.execute(table.select().order_by(*table.primary_key.columns))
                ]
                for table in kigo_tables()
            }
    finally:
        engine.dispose()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def kigo(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status_json(capsys: pytest.CaptureFixture[str], db: str) -> tuple[Any, int]:
    code, out, err = kigo(capsys, "--db", db, "--today", TODAY, "status", "--json")
    assert code == 0, err
    store = Store.open(db)
    try:
        history = store.history_count()
    finally:
        store.close()
    return json.loads(out), history


def test_sqlite_to_postgresql_and_back_loses_nothing(
    team_file: Path, pg_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before_rows = rows_of(str(team_file))
    before_status = status_json(capsys, str(team_file))
    assert set(before_rows) == set(ALL_TABLES)
    assert all(before_rows[t] for t in ALL_TABLES), "every table has rows to copy"

    code, out, err = kigo(capsys, "copy", "--from", str(team_file), "--to", pg_db.url)
    assert code == 0, err
    assert out.startswith(
        f"Kopieret {sum(len(r) for r in before_rows.values())} rækker i {len(ALL_TABLES)}"
    )
    assert "postgresql://127.0.0.1" in out and pg_db.url.split("@")[0].split(":")[-1] not in out
    assert rows_of(pg_db.url) == before_rows
    assert status_json(capsys, pg_db.url) == before_status

    # The team goes on on the server: new ids follow the copied ones.
    store = Store.open(pg_db.url, user="Bo Berg")
    try:
        carl = add_person(store, "Carl Carlsen")
        assert carl.id == max(p.id for p in read_organisation(store).people.values())
        assert carl.id == 1 + max(r[0] for r in before_rows["person"])
        dialogue = log_dialogue(store, date(2026, 11, 24), "KY", "mail", "Opfølgning")
        assert dialogue.id == 1 + max(r[0] for r in before_rows["dialogue"])
        store.set_status("KY-03-01", Status.IN_PROGRESS)
        area = save_area(store, CaseArea(field_area="Ældre", case_area="Pleje", kle="29.00"))
        assert area.id == 1 + max(r[0] for r in before_rows["case_area"])
    finally:
        store.close()
    on_server = rows_of(pg_db.url)
    server_status = status_json(capsys, pg_db.url)
    assert server_status[1] == before_status[1] + 2  # the status change and the new case area

    back = tmp_path / "tilbage.db"
    code, out, err = kigo(capsys, "copy", "--from", pg_db.url, "--to", str(back))
    assert code == 0, err
    assert rows_of(str(back)) == on_server
    assert status_json(capsys, str(back)) == server_status


def test_a_target_with_data_is_refused_unless_replaced(
    team_file: Path, pg_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "andet.db"
    store = Store.open(str(other))
    try:
        store.initialise(find_kommune("101"), {}, shipped_catalogue())
    finally:
        store.close()
    assert kigo(capsys, "copy", "--from", str(other), "--to", pg_db.url)[0] == 0
    kept = pg_db.dump(ALL_TABLES)

    code, out, err = kigo(capsys, "copy", "--from", str(team_file), "--to", pg_db.url)
    assert code == 1 and out == ""
    assert "indeholder allerede data" in err and "--replace" in err and "intet er ændret" in err
    assert pg_db.dump(ALL_TABLES) == kept

    code, out, err = kigo(capsys, "copy", "--from", str(team_file), "--to", pg_db.url, "--replace")
    assert code == 0, err
    assert "erstattet" in out
    assert rows_of(pg_db.url) == rows_of(str(team_file))

    # A SQLite target that is replaced is backed up first.
    code, out, err = kigo(capsys, "copy", "--from", pg_db.url, "--to", str(other), "--replace")
    assert code == 0, err
    backups = list((tmp_path / "kigo-backups").glob("andet-*-foer-kopiering.db"))
    assert len(backups) == 1 and str(backups[0]) in out
    assert rows_of(str(other)) == rows_of(str(team_file))
    assert status_json(capsys, str(backups[0]))[0]["kommune"]["code"] == "101"


def test_copy_refusals_change_nothing(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = team_file.read_bytes()
    code, _, err = kigo(capsys, "copy", "--from", str(team_file), "--to", str(team_file))
    assert code == 1 and "samme database" in err
    empty = tmp_path / "tom.db"
    Store.open(str(empty)).close()
    code, _, err = kigo(capsys, "copy", "--from", str(empty), "--to", str(tmp_path / "x.db"))
    assert code == 1 and "ikke oprettet" in err
    assert team_file.read_bytes() == before


def test_copy_defaults_to_the_current_database(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "kopi.db"
    code, _, err = kigo(capsys, "--db", str(team_file), "copy", "--to", str(target))
    assert code == 0, err
    assert rows_of(str(target)) == rows_of(str(team_file))
