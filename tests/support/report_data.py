"""A demo kommune with an organisation, KOMBIT's dialogue, defects and an exit workspace: what
the styregruppe's page shows in every section (the plain demo database has tasks only)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.defects import DefectInput
from kigo_tui.domain.exit_strategy import CaseArea
from kigo_tui.domain.rules import Colour, Status
from kigo_tui.storage.defects import add_defect
from kigo_tui.storage.exit_strategy import save_area
from kigo_tui.storage.organisation import (
    add_person,
    assign_role,
    log_dialogue,
    set_responsibility,
)
from kigo_tui.storage.store import Store

PEOPLE = (
    ("Birte Holm", "Programleder", "Digitalisering", "birte.holm@example.dk", "+45 11 22 33 44"),
    ("Jens Kragh", "Direktør", "Direktionen", "jens.kragh@example.dk", "+45 22 33 44 55"),
    (
        "Aisha Nørgaard",
        "Projektleder",
        "Borgerservice",
        "aisha.norgaard@example.dk",
        "+45 33 44 55 66",
    ),
    ("Mads Ølgaard", "Systemejer", "It-drift", "mads.olgaard@example.dk", "+45 44 55 66 77"),
)


def enrich(store: Store, today: date) -> dict[str, int]:
    """Add people, roles, responsibility for the red and yellow tasks, two dialogues (one of them
    an escalation to the direktion), defects (one past its SLA) and three sagsområder."""
    ids = {}
    for name, title, unit, email, phone in PEOPLE:
        ids[name] = add_person(store, name, title=title, unit=unit, email=email, phone=phone).id
    assign_role(store, ids["Birte Holm"], "programme_lead")
    assign_role(store, ids["Jens Kragh"], "steering_chair", from_direktion=True)
    assign_role(store, ids["Birte Holm"], "steering_member", decision_power=True)
    assign_role(store, ids["Aisha Nørgaard"], "project_lead", "SAPA")
    assign_role(store, ids["Mads Ølgaard"], "project_lead", "STS")
    assign_role(store, ids["Mads Ølgaard"], "system_owner", "STS")
    snapshot = store.snapshot()
    lead = {"SAPA": ids["Aisha Nørgaard"], "STS": ids["Mads Ølgaard"]}
    red = []
    for task in snapshot.tasks:
        colour = task.colour(today)
        if colour is Colour.GREEN:
            continue
        if colour is Colour.RED:
            red.append(task)
        owner = lead.get(task.project, ids["Birte Holm"])
        set_responsibility(store, task.id, accountable=owner, doer=ids["Birte Holm"])
    sapa_red = [t.id for t in red if t.project == "SAPA"][:2]
    log_dialogue(
        store,
        today - timedelta(days=20),
        "STS",
        "mail",
        "Status på rettighedsstyring",
        actions="Kommunen sender plan for de røde opgaver",
        results="Plan modtaget",
    )
    log_dialogue(
        store,
        today - timedelta(days=6),
        "SAPA",
        "møde",
        "SAPA's røde opgaver før idriftsættelsen",
        actions="Styregruppen beslutter ekstra ressourcer til konvertering",
        escalation="direktion",
        task_ids=sapa_red,
        lead_informed=True,
    )
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    add_defect(
        store,
        DefectInput(
            "SAPA",
            "Sager fra KMD Sag mangler KLE-nummer",
            Severity.CRITICAL,
            now - timedelta(days=5),
        ),
        now=now,
    )
    add_defect(
        store,
        DefectInput(
            "STS",
            "Adgangsstyring viser gamle roller",
            Severity.MINOR,
            now - timedelta(days=2),
            status=DefectStatus.ACKNOWLEDGED,
            responded_at=now - timedelta(days=1),
        ),
        now=now,
    )
    for kle, field_area, case_area, scenario, pattern in (
        ("27.24", "Beskæftigelse", "Sygedagpenge", 1, "C"),
        ("32.18", "Socialområdet", "Magtanvendelse", 4, "D"),
        ("02.34", "Teknik og miljø", "Byggesager", None, "C"),
    ):
        save_area(
            store,
            CaseArea(
                field_area=field_area,
                case_area=case_area,
                kle=kle,
                caseworkers=12,
                pattern=pattern,
                scenario=scenario,
                monopoly_break=kle == "27.24",
            ),
        )
    return ids


def lived_in(db: Path, today: date, days: int = 60) -> None:
    """Make the database look used for `days` days before `today`: it was made then, and each
    task was marked done a little before its due date (no later than yesterday), so the weekly
    figures (`kigo progress`, the page's burn-down and "since" line) have a history to show."""
    made = today - timedelta(days=days)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE history SET at = ?", (f"{made.isoformat()} 08:00:00",))
        con.execute(
            "UPDATE meta SET value = ? WHERE key = 'created_at'",
            (f"{made.isoformat()}T08:00:00+00:00",),
        )
        rows = con.execute(
            "SELECT h.id, t.due FROM history h JOIN task t ON t.id = h.task_id "
            "WHERE h.field = 'status' AND h.new = 'done'"
        ).fetchall()
        for history_id, due in rows:
            day = date.fromisoformat(due) - timedelta(days=2) if due else made
            day = min(max(day, made), today - timedelta(days=1))
            con.execute(
                "UPDATE history SET at = ? WHERE id = ?",
                (f"{day.isoformat()} 12:00:00", history_id),
            )


def done_days_ago(db: Path, task_ids: list[str], today: date, days: int = 3) -> None:
    """Mark tasks done `days` before `today` (their history moved to then)."""
    with sqlite3.connect(db) as con:
        last = con.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0]
    store = Store.open(str(db))
    try:
        for task_id in task_ids:
            store.set_status(task_id, Status.DONE)
    finally:
        store.close()
    with sqlite3.connect(db) as con:
        day = (today - timedelta(days=days)).isoformat()
        con.execute("UPDATE history SET at = ? WHERE id > ?", (f"{day} 09:00:00", last))
