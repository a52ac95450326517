"""The kommune's implementation organisation, in the domain: people, roles, responsibility,
readiness after KOMBIT's recommendations, the dialogue with KOMBIT and "mine opgaver"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from kigo_tui.domain.organisation import CHECKS, ROLES, Organisation, Weight
from kigo_tui.domain.rules import Colour, Status
from kigo_tui.storage.organisation import (
    MeNotSetError,
    OrganisationError,
    UnknownMeError,
    add_person,
    assign_role,
    edit_person,
    find_me,
    log_dialogue,
    my_tasks,
    read_organisation,
    remove_person,
    set_responsibility,
    unassign_role,
)
from kigo_tui.storage.store import ConflictError, Store, StoreError, TaskEdit
from tests.support.backends import Database
from tests.support.fixed import FIXED_TODAY

TASK = "SAPA-07-02"
OTHER = "KY-14-02"


@pytest.fixture
def store(kigo_db: Database) -> Iterator[Store]:
    """On a SQLite file and on PostgreSQL."""
    store = Store.open(kigo_db.url, user="testbruger")
    yield store
    store.close()


def _people(store: Store) -> tuple[int, int, int]:
    anne = add_person(store, "Anne Jensen", email="anne@kommune.dk")
    bo = add_person(store, "Bo Berg", email="bo@kommune.dk")
    carl = add_person(store, "Carl Holm", email="carl@kommune.dk")
    return anne.id, bo.id, carl.id


def _history(store: Store, task_id: str, field: str) -> list[tuple[str | None, str | None]]:
    """(old, new) of the task's history rows for `field`, oldest first."""
    rows = [(h.old, h.new) for h in store.detail(task_id).history if h.field == field]
    return list(reversed(rows))


def _task_count(store: Store) -> int:
    return len(store.snapshot().tasks)


# ------------------------------------------------------------------------------------- people


def test_add_person_with_all_fields(store: Store) -> None:
    person = add_person(
        store,
        "  Anne Jensen ",
        title="Projektleder",
        unit="Borgerservice",
        email="anne@kommune.dk",
        phone="+45 12 34 56 78",
    )
    assert person.name == "Anne Jensen"
    assert (person.title, person.unit, person.email, person.phone) == (
        "Projektleder",
        "Borgerservice",
        "anne@kommune.dk",
        "+45 12 34 56 78",
    )
    org = read_organisation(store)
    assert org.people == {person.id: person}
    assert org.find("anne@kommune.dk") == person
    assert org.find("ANNE JENSEN") == person
    assert org.find(str(person.id)) == person
    assert org.find("Bo") is None


def test_add_person_without_email_is_allowed(store: Store) -> None:
    a = add_person(store, "Anne Jensen")
    b = add_person(store, "Bo Berg")
    assert {p.id for p in read_organisation(store).people.values()} == {a.id, b.id}


@pytest.mark.parametrize("email", ["anne", "anne@kommune", "anne @kommune.dk", "@kommune.dk"])
def test_invalid_email_is_refused_and_nothing_added(store: Store, email: str) -> None:
    revision = store.revision()
    with pytest.raises(OrganisationError, match="ugyldig e-mail") as info:
        add_person(store, "Anne Jensen", email=email)
    assert email in str(info.value)
    assert read_organisation(store).people == {}
    assert store.revision() == revision


def test_duplicate_email_is_refused(store: Store) -> None:
    add_person(store, "Anne Jensen", email="anne@kommune.dk")
    with pytest.raises(OrganisationError, match="bruges allerede"):
        add_person(store, "Anne Andersen", email="ANNE@kommune.dk")
    assert [p.name for p in read_organisation(store).people.values()] == ["Anne Jensen"]


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused(store: Store, name: str) -> None:
    with pytest.raises(OrganisationError, match="navnet"):
        add_person(store, name, email="x@kommune.dk")
    assert read_organisation(store).people == {}


# -------------------------------------------------------------------------------------- roles


def test_a_person_can_hold_several_roles(store: Store) -> None:
    anne, _, _ = _people(store)
    assign_role(store, anne, "programme_lead")
    assign_role(store, anne, "project_lead", "SAPA")
    assign_role(store, anne, "superuser", "ky")  # project codes are case-insensitive
    roles = read_organisation(store).roles_of(anne)
    assert [(r.role, r.project) for r in roles] == [
        ("programme_lead", None),
        ("project_lead", "SAPA"),
        ("superuser", "KY"),
    ]
    assert [r.label for r in roles] == [
        "Projektkoordinator/programleder",
        "Projektleder (SAPA)",
        "Superbruger (KY)",
    ]


@pytest.mark.parametrize("role", [c for c, s in ROLES.items() if s.per_project])
def test_per_project_roles_need_a_project(store: Store, role: str) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(OrganisationError, match="gælder et projekt"):
        assign_role(store, anne, role)
    with pytest.raises(OrganisationError, match="gælder et projekt"):
        assign_role(store, anne, role, "XYZ")
    assert read_organisation(store).roles == []


@pytest.mark.parametrize("role", [c for c, s in ROLES.items() if not s.per_project])
def test_kommune_wide_roles_refuse_a_project(store: Store, role: str) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(OrganisationError, match="hele kommunen"):
        assign_role(store, anne, role, "SAPA")
    assert read_organisation(store).roles == []


def test_single_holder_kommune_wide_role_refuses_a_second(store: Store) -> None:
    anne, bo, _ = _people(store)
    assign_role(store, anne, "programme_lead")
    with pytest.raises(OrganisationError, match="allerede en indehaver") as info:
        assign_role(store, bo, "programme_lead")
    assert "Anne Jensen" in str(info.value)
    assert [p.name for p in read_organisation(store).holders("programme_lead")] == ["Anne Jensen"]


def test_single_holder_per_project_is_per_project(store: Store) -> None:
    anne, bo, carl = _people(store)
    assign_role(store, anne, "project_lead", "SAPA")
    assign_role(store, bo, "project_lead", "KY")  # another project: independent
    with pytest.raises(OrganisationError, match="allerede en indehaver") as info:
        assign_role(store, carl, "project_lead", "SAPA")
    assert "Anne Jensen" in str(info.value) and "SAPA" in str(info.value)
    org = read_organisation(store)
    assert [p.name for p in org.holders("project_lead", "SAPA")] == ["Anne Jensen"]
    assert [p.name for p in org.holders("project_lead", "KY")] == ["Bo Berg"]
    assert org.roles_of(carl) == []


def test_the_same_role_twice_is_refused(store: Store) -> None:
    anne, _, _ = _people(store)
    assign_role(store, anne, "superuser", "SAPA")
    with pytest.raises(OrganisationError, match="har allerede rollen"):
        assign_role(store, anne, "superuser", "SAPA")


def test_multi_holder_roles_accept_several(store: Store) -> None:
    anne, bo, carl = _people(store)
    for person in (anne, bo, carl):
        assign_role(store, person, "superuser", "SAPA")
        assign_role(store, person, "steering_member")
    org = read_organisation(store)
    assert len(org.holders("superuser", "SAPA")) == 3
    assert len(org.holders("steering_member")) == 3


def test_from_direktion_only_for_steering_roles(store: Store) -> None:
    anne, bo, _ = _people(store)
    with pytest.raises(OrganisationError, match="direktionen"):
        assign_role(store, anne, "programme_lead", from_direktion=True)
    with pytest.raises(OrganisationError, match="direktionen"):
        assign_role(store, anne, "project_lead", "KY", from_direktion=True)
    chair = assign_role(store, anne, "steering_chair", from_direktion=True)
    member = assign_role(store, bo, "steering_member", from_direktion=True)
    assert chair.from_direktion and member.from_direktion
    assert chair.label == "Styregruppeformand, fra direktionen"
    assert [r.from_direktion for r in read_organisation(store).roles] == [True, True]


def test_unknown_role_is_refused(store: Store) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(OrganisationError, match="ukendt rolle: 'boss'"):
        assign_role(store, anne, "boss")


@pytest.mark.parametrize("ref", [999, "999", "Ukendt Person", "nobody@kommune.dk", "Anne"])
def test_unknown_person_is_refused(store: Store, ref: str | int) -> None:
    _people(store)
    with pytest.raises(OrganisationError, match="ukendt person"):
        assign_role(store, ref, "programme_lead")
    with pytest.raises(OrganisationError, match="ukendt person"):
        set_responsibility(store, TASK, accountable=ref)
    with pytest.raises(OrganisationError, match="ukendt person"):
        remove_person(store, ref)
    assert read_organisation(store).roles == []


@pytest.mark.parametrize("ref", ["id", "email", "name"])
def test_a_person_is_found_by_id_email_or_name(store: Store, ref: str) -> None:
    anne, _, _ = _people(store)
    value = {"id": anne, "email": "Anne@Kommune.dk", "name": "anne jensen"}[ref]
    row = assign_role(store, value, "programme_lead")
    assert row.person_id == anne


def test_unassign_role(store: Store) -> None:
    anne, _, _ = _people(store)
    assign_role(store, anne, "programme_lead")
    assign_role(store, anne, "project_lead", "SAPA")
    assign_role(store, anne, "project_lead", "KY")
    unassign_role(store, anne, "project_lead", "sapa")
    assert [(r.role, r.project) for r in read_organisation(store).roles_of(anne)] == [
        ("programme_lead", None),
        ("project_lead", "KY"),
    ]
    unassign_role(store, "anne@kommune.dk", "programme_lead")
    assert [(r.role, r.project) for r in read_organisation(store).roles_of(anne)] == [
        ("project_lead", "KY")
    ]
    with pytest.raises(OrganisationError, match="har ikke rollen"):
        unassign_role(store, anne, "programme_lead")
    with pytest.raises(OrganisationError, match="har ikke rollen"):
        unassign_role(store, anne, "project_lead", "SAPA")


# ----------------------------------------------------------------------------- responsibility


def test_set_responsibility_by_id_email_and_name(store: Store) -> None:
    anne, bo, carl = _people(store)
    acc, doer = set_responsibility(store, TASK, accountable=anne, doer="bo@kommune.dk")
    assert (acc.id, doer.id) == (anne, bo)  # type: ignore[union-attr]
    assert read_organisation(store).responsibility[TASK] == (anne, bo)
    acc, doer = set_responsibility(store, TASK, doer="Carl Holm")
    assert (acc.id, doer.id) == (anne, carl)  # type: ignore[union-attr]
    assert read_organisation(store).responsibility[TASK] == (anne, carl)
    assert _history(store, TASK, "ansvarlig") == [(None, "Anne Jensen")]
    assert _history(store, TASK, "udfører") == [(None, "Bo Berg"), ("Bo Berg", "Carl Holm")]


@pytest.mark.parametrize("empty", [None, ""])
def test_clearing_responsibility(store: Store, empty: str | None) -> None:
    anne, bo, _ = _people(store)
    set_responsibility(store, TASK, accountable=anne, doer=bo)
    assert set_responsibility(store, TASK, accountable=empty) == (
        None,
        read_organisation(store).people[bo],
    )
    assert read_organisation(store).responsibility[TASK] == (None, bo)
    assert set_responsibility(store, TASK, doer=empty) == (None, None)
    assert read_organisation(store).responsibility[TASK] == (None, None)
    assert read_organisation(store).tasks_of(anne) == []
    assert _history(store, TASK, "ansvarlig") == [(None, "Anne Jensen"), ("Anne Jensen", None)]
    assert _history(store, TASK, "udfører") == [(None, "Bo Berg"), ("Bo Berg", None)]


def test_unchanged_responsibility_records_nothing(store: Store) -> None:
    anne, _, _ = _people(store)
    set_responsibility(store, TASK, accountable=anne)
    version = store.task(TASK).version
    count = store.history_count()
    set_responsibility(store, TASK, accountable="Anne Jensen")
    assert store.history_count() == count
    assert store.task(TASK).version == version


def test_unknown_task_is_refused(store: Store) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(StoreError, match="ukendt opgave"):
        set_responsibility(store, "SAPA-99-99", accountable=anne)
    assert read_organisation(store).responsibility == {}


def test_responsibility_bumps_the_version_so_a_stale_edit_is_refused(store: Store) -> None:
    anne, _, _ = _people(store)
    seen = store.task(TASK).version
    revision = store.revision()
    set_responsibility(store, TASK, accountable=anne)
    assert store.task(TASK).version == seen + 1
    assert store.revision() > revision
    with pytest.raises(ConflictError):
        store.edit_task(TASK, TaskEdit(warn_days=3), expected_version=seen)
    with pytest.raises(ConflictError):
        store.set_status(TASK, Status.DONE, expected_version=seen)


# ------------------------------------------------------------------------------ remove person


def test_removing_a_person_keeps_the_tasks(store: Store) -> None:
    anne, bo, _ = _people(store)
    assign_role(store, anne, "programme_lead")
    assign_role(store, anne, "project_lead", "SAPA")
    set_responsibility(store, TASK, accountable=anne, doer=bo)
    set_responsibility(store, OTHER, doer=anne)
    tasks_before = _task_count(store)

    person, emptied = remove_person(store, "anne@kommune.dk")

    assert person.name == "Anne Jensen"
    assert emptied == sorted([TASK, OTHER])
    assert _task_count(store) == tasks_before
    store.task(TASK)  # still there
    store.task(OTHER)
    org = read_organisation(store)
    assert anne not in org.people
    assert org.roles == []
    assert org.responsibility[TASK] == (None, bo)
    assert org.responsibility[OTHER] == (None, None)
    assert org.holders("programme_lead") == []
    assert _history(store, TASK, "ansvarlig")[-1] == ("Anne Jensen", None)
    assert _history(store, OTHER, "udfører")[-1] == ("Anne Jensen", None)
    assert _history(store, TASK, "udfører") == [(None, "Bo Berg")]  # untouched


# ------------------------------------------------------------------------ versioned people


def test_edit_person_raises_the_version_and_refuses_a_stale_edit(store: Store) -> None:
    anne, _, _ = _people(store)
    edited = edit_person(store, anne, name="Anne Jensen", title="Programleder", expected_version=1)
    assert (edited.title, edited.version) == ("Programleder", 2)
    unchanged = edit_person(store, anne, name="Anne Jensen", title="Programleder")
    assert unchanged.version == 2  # nothing changed, nothing raised
    with pytest.raises(ConflictError) as refused:
        edit_person(store, anne, name="Anne J.", expected_version=1)
    assert refused.value.current_version == 2
    assert read_organisation(store).people[anne].name == "Anne Jensen"  # no lost update


def test_edit_person_checks_like_add(store: Store) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(OrganisationError, match="navnet må ikke være tomt"):
        edit_person(store, anne, name="  ")
    with pytest.raises(OrganisationError, match="bruges allerede"):
        edit_person(store, anne, name="Anne Jensen", email="BO@kommune.dk")
    kept = edit_person(store, anne, name="Anne Jensen", email="anne@kommune.dk")
    assert kept.email == "anne@kommune.dk"  # her own e-mail is not 'taken'


def test_remove_person_refuses_a_stale_version(store: Store) -> None:
    anne, _, _ = _people(store)
    edit_person(store, anne, name="Anne Jensen", unit="Ydelse")
    with pytest.raises(ConflictError):
        remove_person(store, anne, expected_version=1)
    assert anne in read_organisation(store).people
    remove_person(store, anne, expected_version=2)
    assert anne not in read_organisation(store).people


# ---------------------------------------------------------------------------------- readiness
#
# Seed 001 is KOMBIT's note on the kommune's organisation. What the kommune "skal" is red when it
# is missing, what KOMBIT "anbefaler" is yellow (issue 17, point 3).


def _colours(org: Organisation) -> dict[str, Colour]:
    return {c.title: c.colour for c in org.readiness()}


def _by_key(org: Organisation) -> dict[str, Colour]:
    """The colour of each check, by its point in CHECKS (the project leads as project_lead:KY)."""
    return {
        c.key + (f":{c.project}" if c.key == "project_lead" else ""): c.colour
        for c in org.readiness()
    }


EXPECTED_CHECKS = [
    ("Projektkoordinator på tværs af projekterne", None),
    ("Tværgående styregruppe nedsat", None),
    ("Styregruppen repræsenterer de berørte dele af forretningen", None),
    ("Styregruppens medlemmer har beslutningskraft", None),
    ("Direktionen i styregruppen", None),
    ("Projektleder for KSD", "KSD"),
    ("Projektleder for KY", "KY"),
    ("Projektleder for SAPA", "SAPA"),
    ("Ansvarlig for STS og Serviceplatformen", "STS"),
]
"""The checks of an organisation without an implementeringsansvarlig for KSD or KY."""

SEED_WEIGHTS = {
    # Seed 001: "Derfor anbefaler KOMBIT, at kommunen udpeger en medarbejder, som er ansvarlig for
    # at se på tværs af monopolbrudsprojekterne" (a programme management is what "nogle kommuner
    # har valgt")
    "coordinator": Weight.RECOMMENDED,
    # Seed 001: "Kommunen skal nedsætte en samlet, tværgående styregruppe for monopolbruddet"
    "steering_group": Weight.MUST,
    # Seed 001: "Styregruppen skal være sammensat med repræsentanter for de grene af forretningen,
    # som berøres af monopolbrudsprojekterne."
    "steering_areas": Weight.MUST,
    # Seed 001: "Det er afgørende, at medlemmerne har beslutningskraft"
    "decision_power": Weight.MUST,
    # Seed 001: "KOMBIT anbefaler, at direktionen er repræsenteret i styregruppen."
    "direktion": Weight.RECOMMENDED,
    # Seed 001: "Kommunen skal udpege en projektleder for hvert af monopolbrudsprojekterne KSD, KY
    # og SAPA"
    "project_lead": Weight.MUST,
    # Seed 001: "ligesom der skal være en eller flere medarbejdere, som beskæftiger sig med
    # Serviceplatformen og støttesystemerne i rammearkitekturen"
    "sts": Weight.MUST,
    # Seed 001, under "KOMBIT anbefaler følgende": "Når mængden af konkrete
    # implementeringsaktiviteter stiger, kan ydelseschefen ... indtage rollen som
    # implementeringsansvarlig for projekterne, mens styregruppen ledes af en direktør."
    "director_chair": Weight.RECOMMENDED,
}


@pytest.mark.parametrize("key", list(SEED_WEIGHTS))
def test_each_check_has_the_weight_seed_001_gives_it(key: str) -> None:
    spec = CHECKS[key]
    assert spec.weight == SEED_WEIGHTS[key]
    assert spec.weight.colour == (Colour.RED if SEED_WEIGHTS[key] == Weight.MUST else Colour.YELLOW)
    # the cited sentence carries the note's own word for the weight
    words = ("skal", "afgørende") if spec.weight == Weight.MUST else ("anbefaler", "direktør")
    assert any(word in spec.source for word in words), spec.source
    assert spec.source in spec.citation() and "afsnit" in spec.citation()


def test_every_check_is_in_the_weight_table() -> None:
    assert list(CHECKS) == list(SEED_WEIGHTS)


def test_readiness_of_an_empty_organisation(store: Store) -> None:
    org = read_organisation(store)
    checks = org.readiness()
    assert [(c.title, c.project) for c in checks] == EXPECTED_CHECKS
    assert all(c.detail for c in checks)
    assert _by_key(org) == {
        "coordinator": Colour.YELLOW,  # a recommendation: never red
        "steering_group": Colour.RED,
        "steering_areas": Colour.RED,
        "decision_power": Colour.RED,
        "direktion": Colour.YELLOW,
        "project_lead:KSD": Colour.RED,
        "project_lead:KY": Colour.RED,
        "project_lead:SAPA": Colour.RED,
        "sts": Colour.RED,
        # no "director_chair": not yet the stage the note describes
    }
    assert all(c.colour != Colour.GREEN for c in checks)


def test_a_missing_coordinator_is_a_recommendation_not_a_duty(store: Store) -> None:
    # Seed 001: "Derfor anbefaler KOMBIT, at kommunen udpeger en medarbejder, som er ansvarlig
    # for at se på tværs af monopolbrudsprojekterne"
    anne, _, _ = _people(store)
    check = next(c for c in read_organisation(store).readiness() if c.key == "coordinator")
    assert check.colour == Colour.YELLOW and check.weight == Weight.RECOMMENDED
    assert "programleder" in check.detail  # one way among others, not a demand
    assign_role(store, anne, "programme_lead")
    check = next(c for c in read_organisation(store).readiness() if c.key == "coordinator")
    assert (check.colour, check.detail) == (Colour.GREEN, "Anne Jensen")


def test_a_chair_alone_is_no_steering_group(store: Store) -> None:
    # Seed 001: "Kommunen skal nedsætte en samlet, tværgående styregruppe for monopolbruddet"
    anne, bo, _ = _people(store)
    assign_role(store, anne, "steering_chair")
    colours = _by_key(read_organisation(store))
    assert colours["steering_group"] == Colour.RED
    assign_role(store, bo, "steering_member")
    check = next(c for c in read_organisation(store).readiness() if c.key == "steering_group")
    assert check.colour == Colour.GREEN
    assert check.detail == "2 medlemmer, formand Anne Jensen"


def test_the_steering_group_represents_more_than_one_part_of_the_business(store: Store) -> None:
    # Seed 001: "Styregruppen skal være sammensat med repræsentanter for de grene af
    # forretningen, som berøres af monopolbrudsprojekterne."
    ydelse = add_person(store, "Anne Jensen", unit="Ydelse").id
    ydelse2 = add_person(store, "Bo Berg", unit="Ydelse").id
    unknown = add_person(store, "Carl Holm").id
    it = add_person(store, "Dorte Dam", unit="IT og Digitalisering").id
    for person in (ydelse, unknown):
        assign_role(store, person, "steering_member")

    def areas() -> tuple[Colour, str]:
        check = next(c for c in read_organisation(store).readiness() if c.key == "steering_areas")
        return check.colour, check.detail

    assert areas() == (
        Colour.RED,
        "enhed mangler for Carl Holm: angiv, hvilken del af forretningen personen repræsenterer",
    )
    unassign_role(store, unknown, "steering_member")
    assign_role(store, ydelse2, "steering_member")
    colour, detail = areas()
    assert colour == Colour.RED and "alle medlemmer er fra Ydelse" in detail
    assign_role(store, it, "steering_chair")
    assert areas() == (Colour.GREEN, "repræsenterede enheder: IT og Digitalisering, Ydelse")


def test_every_member_of_the_steering_group_must_have_decision_power(store: Store) -> None:
    # Seed 001: "Det er afgørende, at medlemmerne har beslutningskraft, så de kan træffe
    # beslutninger, når der bliver behov for det."
    anne, bo, carl = _people(store)
    assign_role(store, anne, "steering_chair", decision_power=True)
    assign_role(store, bo, "steering_member")
    check = next(c for c in read_organisation(store).readiness() if c.key == "decision_power")
    assert (check.colour, check.detail) == (
        Colour.RED,
        "ikke markeret med beslutningskraft: Bo Berg",
    )
    unassign_role(store, bo, "steering_member")
    assign_role(store, bo, "steering_member", decision_power=True)
    assign_role(store, carl, "steering_member", from_direktion=True)  # the direktion decides
    assert _by_key(read_organisation(store))["decision_power"] == Colour.GREEN


def test_decision_power_only_for_the_steering_group(store: Store) -> None:
    anne, _, _ = _people(store)
    with pytest.raises(OrganisationError, match="beslutningskraft"):
        assign_role(store, anne, "programme_lead", decision_power=True)


def test_a_steering_chair_from_direktion_satisfies_the_direktion_check(store: Store) -> None:
    # Seed 001: "KOMBIT anbefaler, at direktionen er repræsenteret i styregruppen."
    anne, bo, _ = _people(store)
    assign_role(store, bo, "steering_member")
    assert _colours(read_organisation(store))["Direktionen i styregruppen"] == Colour.YELLOW
    assign_role(store, anne, "steering_chair", from_direktion=True)
    assert _colours(read_organisation(store))["Direktionen i styregruppen"] == Colour.GREEN


def test_a_director_leads_the_steering_group_once_ksd_ky_have_an_implementation_owner(
    store: Store,
) -> None:
    # Seed 001: "kan ydelseschefen udpege en projektleder for KSD og KY ... og indtage rollen som
    # implementeringsansvarlig for projekterne, mens styregruppen ledes af en direktør."
    anne, bo, _ = _people(store)
    assert "director_chair" not in _by_key(read_organisation(store))  # not that stage yet
    assign_role(store, anne, "implementation_owner", "KY")
    assign_role(store, bo, "steering_chair")
    check = next(c for c in read_organisation(store).readiness() if c.key == "director_chair")
    assert check.colour == Colour.YELLOW  # a recommendation, so yellow, not red
    assert "KY" in check.detail and "ikke fra direktionen" in check.detail
    unassign_role(store, bo, "steering_chair")
    assign_role(store, bo, "steering_chair", from_direktion=True)
    assert _by_key(read_organisation(store))["director_chair"] == Colour.GREEN


def test_filling_the_organisation_turns_every_check_green(store: Store) -> None:
    chair = add_person(store, "Anne Jensen", unit="Direktionen").id
    member = add_person(store, "Bo Berg", unit="Ydelse").id
    lead = add_person(store, "Carl Holm", unit="Ydelse").id
    sapa = add_person(store, "Dorte Dam", unit="Digitalisering").id
    assign_role(store, chair, "steering_chair", from_direktion=True)
    assign_role(store, member, "steering_member", decision_power=True)
    assign_role(store, lead, "programme_lead")
    assign_role(store, lead, "project_lead", "KSD")
    assign_role(store, lead, "project_lead", "KY")
    assign_role(store, member, "implementation_owner", "KY")
    assign_role(store, sapa, "project_lead", "SAPA")
    assign_role(store, sapa, "sts_owner")
    org = read_organisation(store)
    assert {c.title: c.colour for c in org.readiness() if c.colour != Colour.GREEN} == {}
    assert org.project_warnings() == {}


@pytest.mark.parametrize(("role", "project"), [("sts_owner", None), ("project_lead", "STS")])
def test_sts_check_by_sts_owner_or_sts_project_lead(
    store: Store, role: str, project: str | None
) -> None:
    # Seed 001: "ligesom der skal være en eller flere medarbejdere, som beskæftiger sig med
    # Serviceplatformen og støttesystemerne i rammearkitekturen"
    anne, _, _ = _people(store)
    title = "Ansvarlig for STS og Serviceplatformen"
    assert _colours(read_organisation(store))[title] == Colour.RED
    assign_role(store, anne, role, project)
    org = read_organisation(store)
    assert _colours(org)[title] == Colour.GREEN
    assert "STS" not in org.project_warnings()


def test_project_warnings_name_the_projects_missing_a_lead(store: Store) -> None:
    anne, bo, _ = _people(store)
    warnings = read_organisation(store).project_warnings()
    assert set(warnings) == {"KSD", "KY", "SAPA", "STS"}
    assert warnings["SAPA"] == ["SAPA har ingen projektleder"]
    assign_role(store, anne, "project_lead", "SAPA")
    assign_role(store, bo, "sts_owner")
    warnings = read_organisation(store).project_warnings()
    assert set(warnings) == {"KSD", "KY"}
    assert warnings["KY"] == ["KY har ingen projektleder"]
    assert warnings["KSD"] == ["KSD har ingen projektleder"]


def test_contact_for_a_project(store: Store) -> None:
    anne, bo, carl = _people(store)
    assert read_organisation(store).contact_for("SAPA") is None
    assign_role(store, carl, "steering_chair")
    label, person = read_organisation(store).contact_for("SAPA")  # type: ignore[misc]
    assert (label, person.id) == ("Styregruppeformand", carl)
    assign_role(store, bo, "programme_lead")
    label, person = read_organisation(store).contact_for("SAPA")  # type: ignore[misc]
    assert (label, person.id) == ("Projektkoordinator/programleder", bo)
    assign_role(store, anne, "project_lead", "SAPA")
    org = read_organisation(store)
    label, person = org.contact_for("SAPA")  # type: ignore[misc]
    assert (label, person.id) == ("Projektleder (SAPA)", anne)
    label, person = org.contact_for("KY")  # type: ignore[misc]
    assert (label, person.id) == ("Projektkoordinator/programleder", bo)


def test_contact_for_sts_prefers_the_sts_owner(store: Store) -> None:
    anne, bo, carl = _people(store)
    assign_role(store, carl, "programme_lead")
    assign_role(store, anne, "project_lead", "STS")
    label, person = read_organisation(store).contact_for("STS")  # type: ignore[misc]
    assert (label, person.id) == ("Projektleder (STS)", anne)
    assign_role(store, bo, "sts_owner")
    label, person = read_organisation(store).contact_for("STS")  # type: ignore[misc]
    assert (label, person.id) == ("STS/Serviceplatform-ansvarlig", bo)
    # the STS owner is not the contact for the other projects
    label, person = read_organisation(store).contact_for("KY")  # type: ignore[misc]
    assert person.id == carl


# ----------------------------------------------------------------------------------- dialogue


def test_log_dialogue_with_every_field(store: Store) -> None:
    row = log_dialogue(
        store,
        date(2026, 11, 20),
        "sapa",
        "møde",
        "  Status på SAPA ",
        actions="Projektleder udpeges",
        escalation="direktion",
        task_ids=[TASK, OTHER, TASK],
    )
    assert row.on == date(2026, 11, 20)
    assert row.project == "SAPA"
    assert (row.form, row.topic, row.actions, row.escalation) == (
        "møde",
        "Status på SAPA",
        "Projektleder udpeges",
        "direktion",
    )
    assert row.task_ids == tuple(sorted({TASK, OTHER}))
    assert row.user == "testbruger"
    assert read_organisation(store).dialogues == [row]


def test_dialogue_records_results_and_whether_the_lead_was_told_of_an_escalation(
    store: Store,
) -> None:
    # Seed 000: "Projekterne i KOMBIT vil systematisk dokumentere dialogen med kommunen,
    # eventuelle opfølgingsaktiviteter og de resultater der opnås."
    # Seed 000: "kommunens kontaktpersoner ift. det relevante projekt samt kommunens programleder
    # altid vil være varslet og informeret om, at der eskaleres"
    plain = log_dialogue(
        store, date(2026, 11, 18), "KY", "mail", "Røde opgaver", results="Plan modtaget"
    )
    assert (plain.results, plain.lead_informed, plain.lead_informed_text) == (
        "Plan modtaget",
        None,
        "",
    )
    told = log_dialogue(
        store,
        date(2026, 11, 20),
        "KY",
        "møde",
        "Ingen fremdrift",
        escalation="direktion",
        results="  Direktionen sætter ressourcer af ",
        lead_informed=True,
    )
    assert (told.results, told.lead_informed) == ("Direktionen sætter ressourcer af", True)
    assert told.lead_informed_text == "programlederen er varslet"
    untold = log_dialogue(
        store,
        date(2026, 11, 21),
        "KY",
        "telefon",
        "Igen",
        escalation="kommunalbestyrelse",
        lead_informed=False,
    )
    assert untold.lead_informed_text == "programlederen er ikke varslet"
    unknown = log_dialogue(
        store, date(2026, 11, 22), "KY", "mail", "Eskaleret", escalation="direktion"
    )
    assert unknown.lead_informed_text == "ikke oplyst, om programlederen er varslet"
    assert read_organisation(store).dialogues == [unknown, untold, told, plain]


def test_lead_notice_only_for_an_escalation(store: Store) -> None:
    with pytest.raises(OrganisationError, match="kun ved en eskalering"):
        log_dialogue(store, FIXED_TODAY, "KY", "mail", "Status", lead_informed=True)
    assert read_organisation(store).dialogues == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"form": "brev"}, "ukendt form"),
        ({"escalation": "borgmester"}, "ukendt eskalering"),
        ({"project": "XYZ"}, "ukendt projekt"),
        ({"topic": "   "}, "emnet"),
        ({"task_ids": ["SAPA-99-99"]}, "ukendt opgave"),
    ],
)
def test_bad_dialogue_is_refused(store: Store, kwargs: dict, message: str) -> None:
    args = {"project": "SAPA", "form": "mail", "topic": "Opfølgning"} | kwargs
    task_ids = args.pop("task_ids", ())
    escalation = args.pop("escalation", "none")
    with pytest.raises(StoreError, match=message):
        log_dialogue(
            store,
            FIXED_TODAY,
            args["project"],
            args["form"],
            args["topic"],
            escalation=escalation,
            task_ids=task_ids,
        )
    assert read_organisation(store).dialogues == []


def test_dialogues_filter_and_newest_first(store: Store) -> None:
    d = FIXED_TODAY
    first = log_dialogue(store, d - timedelta(days=10), "SAPA", "mail", "Første", task_ids=[TASK])
    ky = log_dialogue(store, d - timedelta(days=5), "KY", "telefon", "KY-opkald", task_ids=[OTHER])
    later = log_dialogue(store, d, "SAPA", "møde", "Møde", task_ids=[TASK, OTHER])
    same_day = log_dialogue(store, d, "SAPA", "mail", "Samme dag")
    org = read_organisation(store)
    assert [x.id for x in org.dialogues] == [same_day.id, later.id, ky.id, first.id]
    assert [x.id for x in org.dialogues_for("SAPA")] == [same_day.id, later.id, first.id]
    assert [x.id for x in org.dialogues_for("KY")] == [ky.id]
    assert org.dialogues_for("KSD") == []
    assert [x.id for x in org.dialogues_for(task_id=TASK)] == [later.id, first.id]
    assert [x.id for x in org.dialogues_for(task_id=OTHER)] == [later.id, ky.id]
    assert [x.id for x in org.dialogues_for("KY", task_id=OTHER)] == [ky.id]


# ------------------------------------------------------------------------------ mine opgaver


def test_tasks_of_gives_accountable_or_doer(store: Store) -> None:
    anne, bo, carl = _people(store)
    set_responsibility(store, TASK, accountable=anne, doer=bo)
    set_responsibility(store, OTHER, doer=anne)
    set_responsibility(store, "KSD-01-01", accountable=bo)
    org = read_organisation(store)
    assert org.tasks_of(anne) == sorted([TASK, OTHER])
    assert org.tasks_of(bo) == sorted([TASK, "KSD-01-01"])
    assert org.tasks_of(carl) == []


def _set_colour(store: Store, task_id: str, colour: Colour, due: date) -> None:
    """Give the task `due` and a status so it has `colour` on FIXED_TODAY."""
    store.edit_task(task_id, TaskEdit(due=due, clear_start=True, warn_days=14, reason="Test"))
    if colour == Colour.GREEN and due < FIXED_TODAY:
        store.set_status(task_id, Status.DONE)
    elif colour == Colour.GREEN:
        store.set_status(task_id, Status.IN_PROGRESS)
    else:
        store.set_status(task_id, Status.NOT_STARTED)
    assert store.task(task_id).colour(FIXED_TODAY) == colour


def test_mine_sorted_red_then_yellow_then_green_then_due(store: Store) -> None:
    anne, bo, _ = _people(store)
    t = FIXED_TODAY
    plan = {
        "STS-01-01": (Colour.GREEN, t + timedelta(days=100)),
        "STS-01-02": (Colour.YELLOW, t + timedelta(days=10)),
        "STS-01-03": (Colour.RED, t - timedelta(days=3)),
        "STS-01-04": (Colour.GREEN, t - timedelta(days=50)),  # done
        "STS-01-05": (Colour.YELLOW, t + timedelta(days=2)),
        "SAPA-07-02": (Colour.RED, t - timedelta(days=30)),
        "KY-14-02": (Colour.GREEN, t + timedelta(days=40)),
    }
    for task_id, (colour, due) in plan.items():
        _set_colour(store, task_id, colour, due)
    for index, task_id in enumerate(plan):
        if index % 2:
            set_responsibility(store, task_id, accountable=anne, doer=bo)
        else:
            set_responsibility(store, task_id, doer=anne)
    set_responsibility(store, "KSD-01-01", accountable=bo)  # not Anne's

    mine_of_anne = my_tasks(store, "anne@kommune.dk", FIXED_TODAY)
    assert mine_of_anne.person.id == anne
    mine = mine_of_anne.tasks
    assert [m.id for m in mine] == [
        "SAPA-07-02",
        "STS-01-03",
        "STS-01-05",
        "STS-01-02",
        "STS-01-04",
        "KY-14-02",
        "STS-01-01",
    ]
    assert [m.colour(FIXED_TODAY) for m in mine] == [
        Colour.RED,
        Colour.RED,
        Colour.YELLOW,
        Colour.YELLOW,
        Colour.GREEN,
        Colour.GREEN,
        Colour.GREEN,
    ]
    # Bo: a red, a yellow, a done task and one without a due date (green, last)
    assert store.task("KSD-01-01").due is None
    assert [m.id for m in my_tasks(store, "Bo Berg", FIXED_TODAY).tasks] == [
        "SAPA-07-02",
        "STS-01-02",
        "STS-01-04",
        "KSD-01-01",
    ]


def test_my_tasks_leaves_out_withdrawn_and_deleted_tasks(store: Store) -> None:
    anne, _, _ = _people(store)
    local = store.add_local_task("KY", 14, "Lokal opgave")
    set_responsibility(store, TASK, doer=anne)
    set_responsibility(store, local.id, accountable=anne)
    assert sorted(t.id for t in my_tasks(store, str(anne), FIXED_TODAY).tasks) == [local.id, TASK]
    with store.writing() as tx:  # as a newer catalogue withdraws a task
        tx.run("UPDATE task SET withdrawn = true WHERE id = :id", {"id": TASK})
    store.delete_local_task(local.id)
    mine = my_tasks(store, "Anne Jensen", FIXED_TODAY)
    assert mine.person.name == "Anne Jensen"
    assert mine.tasks == []


@pytest.mark.parametrize("me", [None, ""])
def test_my_tasks_without_a_configured_user_says_who_to_set(store: Store, me: str | None) -> None:
    _people(store)
    with pytest.raises(MeNotSetError, match=r"hvem er du\? Sæt 'me' i config.toml"):
        my_tasks(store, me, FIXED_TODAY)


@pytest.mark.parametrize("me", ["Ukendt Person", "nobody@kommune.dk", "999"])
def test_my_tasks_of_an_unknown_user_is_refused(store: Store, me: str) -> None:
    _people(store)
    with pytest.raises(UnknownMeError, match="ukendt person") as caught:
        my_tasks(store, me, FIXED_TODAY)
    assert caught.value.who == me
    assert isinstance(caught.value, OrganisationError)


def test_find_me_by_id_email_or_name(store: Store) -> None:
    anne, _, _ = _people(store)
    org = read_organisation(store)
    for me in (str(anne), "ANNE@kommune.dk", "anne jensen"):
        assert find_me(org, me).id == anne
