"""The organisation commands of `kigo` end to end: people, role, responsible, mine, dialogue, and
organisation.json in the exported bundle (with and without personal data)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.bundle.verify import BundleError, verify_bundle
from kigo_tui.storage.organisation import read_organisation
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY

TODAY = FIXED_TODAY.isoformat()
ANNE = ("Anne Jensen", "anne.jensen@kommune.dk", "+45 11 22 33 44")
BO = ("Bo Berg", "bo.berg@kommune.dk", "+45 55 66 77 88")


@pytest.fixture(autouse=True)
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIGO_ME", raising=False)


class Run:
    def __init__(self, db: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--db", str(self.db), "--today", TODAY, *argv])
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code == 0, err
        assert err == ""
        return out

    def fails(self, *argv: str, code: int = 1) -> str:
        got, out, err = self(*argv)
        assert got == code, (out, err)
        if code == 1:
            assert err.startswith("kigo: fejl: ")
        return err


@pytest.fixture
def kigo(kigo_url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(kigo_url, capsys)


def _add_people(kigo: Run) -> None:
    for name, email, phone in (ANNE, BO):
        kigo.ok(
            "people",
            "add",
            name,
            "--title",
            "Projektleder",
            "--unit",
            "Borgerservice",
            "--email",
            email,
            "--phone",
            phone,
        )


def _organise(kigo: Run) -> None:
    _add_people(kigo)
    kigo.ok("role", "assign", ANNE[1], "programme_lead")
    kigo.ok("role", "assign", BO[0], "project_lead", "--project", "SAPA")
    kigo.ok("role", "assign", "1", "steering_chair", "--direktion")
    kigo.ok("responsible", "SAPA-07-02", "--accountable", ANNE[1], "--doer", BO[1])
    kigo.ok("responsible", "KY-14-02", "--doer", BO[0])
    kigo.ok(
        "dialogue",
        "log",
        "--project",
        "SAPA",
        "--form",
        "møde",
        "--topic",
        "Status på SAPA",
        "--actions",
        "Ny plan for test",
        "--escalation",
        "direktion",
        "--task",
        "SAPA-07-02",
        "--date",
        "2026-11-20",
    )


# ------------------------------------------------------------------------------------- people


def test_people_add_list_remove(kigo: Run, kigo_url: str) -> None:
    assert "Ingen personer endnu" in kigo.ok("people", "list")
    out = kigo.ok(
        "people",
        "add",
        ANNE[0],
        "--title",
        "Programleder",
        "--unit",
        "Digitalisering",
        "--email",
        ANNE[1],
        "--phone",
        ANNE[2],
    )
    assert out == f"Tilføjet 1: {ANNE[0]}\n"
    kigo.ok("role", "assign", ANNE[1], "programme_lead")
    kigo.ok("responsible", "SAPA-07-02", "--accountable", ANNE[0])
    out = kigo.ok("people", "list")
    assert ANNE[0] in out and ANNE[1] in out and ANNE[2] in out
    assert "Programleder" in out and "Digitalisering" in out
    assert "Projektkoordinator/programleder" in out

    out = kigo.ok("people", "remove", ANNE[1])
    assert out == f"Fjernet {ANNE[0]}; 1 opgave mistede ansvarlig/udfører\n"
    assert "Ingen personer endnu" in kigo.ok("people", "list")
    store = Store.open(str(kigo_url))
    try:
        store.task("SAPA-07-02")  # the task stays
        org = read_organisation(store)
        assert org.roles == [] and org.responsibility["SAPA-07-02"] == (None, None)
        history = [(h.field, h.old, h.new) for h in store.detail("SAPA-07-02").history]
        assert history[0] == ("ansvarlig", ANNE[0], None)
    finally:
        store.close()


def test_people_add_invalid_email(kigo: Run) -> None:
    err = kigo.fails("people", "add", ANNE[0], "--email", "anne-at-kommune")
    assert "ugyldig e-mail: 'anne-at-kommune'" in err
    assert "Ingen personer endnu" in kigo.ok("people", "list")


def test_people_add_duplicate_email_and_empty_name(kigo: Run) -> None:
    kigo.ok("people", "add", ANNE[0], "--email", ANNE[1])
    assert "bruges allerede" in kigo.fails("people", "add", "Anne Anden", "--email", ANNE[1])
    assert "navnet må ikke være tomt" in kigo.fails("people", "add", "  ")


def test_people_remove_unknown(kigo: Run) -> None:
    err = kigo.fails("people", "remove", "nobody@kommune.dk")
    assert "ukendt person: 'nobody@kommune.dk'" in err


def test_commands_need_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = Run(tmp_path / "missing.db", capsys)
    assert "databasen findes ikke" in run.fails("people", "list")


# -------------------------------------------------------------------------------------- roles


def test_role_assign_and_remove(kigo: Run) -> None:
    _add_people(kigo)
    assert kigo.ok("role", "assign", ANNE[0], "project_lead", "--project", "sapa") == (
        "Rolle tildelt: Projektleder (SAPA)\n"
    )
    assert kigo.ok("role", "assign", "2", "steering_member", "--direktion") == (
        "Rolle tildelt: Styregruppemedlem, fra direktionen\n"
    )
    assert "Projektleder (SAPA)" in kigo.ok("people", "list")
    assert kigo.ok("role", "remove", ANNE[1], "project_lead", "--project", "SAPA") == (
        "Rollen er fjernet\n"
    )
    assert "Projektleder (SAPA)" not in kigo.ok("people", "list")
    assert "har ikke rollen" in kigo.fails("role", "remove", ANNE[1], "project_lead")


def test_role_assign_refusals(kigo: Run) -> None:
    _add_people(kigo)
    kigo.ok("role", "assign", ANNE[0], "programme_lead")
    err = kigo.fails("role", "assign", BO[0], "programme_lead")
    assert "allerede en indehaver: Anne Jensen" in err
    kigo.ok("role", "assign", ANNE[0], "project_lead", "--project", "KY")
    kigo.ok("role", "assign", BO[0], "project_lead", "--project", "SAPA")  # another project
    err = kigo.fails("role", "assign", BO[0], "project_lead", "--project", "KY")
    assert "for KY har allerede en indehaver: Anne Jensen" in err
    assert "ukendt person: 'Carl'" in kigo.fails(
        "role", "assign", "Carl", "superuser", "--project", "KY"
    )
    assert "ukendt person" in kigo.fails("role", "assign", "99", "programme_lead")
    assert "ugyldigt valg 'chef'" in kigo.fails("role", "assign", ANNE[0], "chef", code=2)
    assert "gælder et projekt" in kigo.fails("role", "assign", BO[0], "superuser")
    err = kigo.fails("role", "assign", BO[0], "sts_owner", "--project", "STS")
    assert "hele kommunen" in err
    assert "direktionen" in kigo.fails("role", "assign", BO[0], "it_buyer", "--direktion")
    # argparse refuses an unknown project before the domain sees it
    err = kigo.fails("role", "assign", BO[0], "superuser", "--project", "ABC", code=2)
    assert "kigo: fejl:" in err and "--project" in err


def _squeeze(text: str) -> str:
    """Each line with its runs of spaces made single (the colour word is padded)."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def test_role_list_prints_readiness_with_symbol_word_and_weight(kigo: Run) -> None:
    out = _squeeze(kigo.ok("role", "list"))
    assert (
        "programleder" in out
        and "programme_lead" not in out
        and "Projektkoordinator/programleder" in out
    )
    assert "[pr. projekt, én]" in out and "[hele kommunen, flere]" in out
    assert "KOMBITs anbefalede organisering" in out
    # Seed 001: "Derfor anbefaler KOMBIT, at kommunen udpeger en medarbejder, som er ansvarlig
    # for at se på tværs af monopolbrudsprojekterne" -- a recommendation: yellow, not red
    assert "▲ gul Projektkoordinator på tværs af projekterne (anbefaling): ingen er udpeget" in out
    # Seed 001: "Kommunen skal nedsætte en samlet, tværgående styregruppe for monopolbruddet"
    assert "■ rød Tværgående styregruppe nedsat (krav): ingen styregruppe er registreret" in out
    assert (
        "▲ gul Direktionen i styregruppen (anbefaling): intet medlem af styregruppen er fra "
        "direktionen"
    ) in out
    for project in ("KSD", "KY", "SAPA"):
        assert f"■ rød Projektleder for {project} (krav): {project} har ingen projektleder" in out
    assert "■ rød Ansvarlig for STS og Serviceplatformen (krav)" in out
    assert "kigo role list --help" in out

    _organise(kigo)
    out = _squeeze(kigo.ok("role", "list"))
    assert "● grøn Projektkoordinator på tværs af projekterne (anbefaling): Anne Jensen" in out
    assert "■ rød Tværgående styregruppe nedsat (krav): kun én person" in out
    assert "● grøn Direktionen i styregruppen (anbefaling): Anne Jensen" in out
    assert "● grøn Projektleder for SAPA (krav): Bo Berg" in out
    assert "■ rød Projektleder for KY (krav): KY har ingen projektleder" in out
    assert "Bo Berg (SAPA)" in out


def test_role_list_help_cites_each_checks_sentence(kigo: Run) -> None:
    from kigo_tui.domain.organisation import CHECKS

    out = kigo.ok("role", "list", "--help")
    flat = " ".join(out.split())
    for spec in CHECKS.values():
        assert " ".join(spec.citation().split()) in flat, spec.title
    # Seed 001: "Det er afgørende, at medlemmerne har beslutningskraft" -- a duty, so red
    assert "Styregruppens medlemmer har beslutningskraft (krav: rød, når det mangler)" in flat
    # Seed 001: "KOMBIT anbefaler, at direktionen er repræsenteret i styregruppen."
    assert "Direktionen i styregruppen (anbefaling: gul, når det mangler)" in flat


def test_role_assign_with_decision_power(kigo: Run, kigo_url: str) -> None:
    # Seed 001: "Det er afgørende, at medlemmerne har beslutningskraft"
    _add_people(kigo)
    out = kigo.ok("role", "assign", BO[0], "steering_member", "--beslutningskraft")
    assert out == "Rolle tildelt: Styregruppemedlem, med beslutningskraft\n"
    err = kigo.fails("role", "assign", ANNE[0], "programme_lead", "--beslutningskraft")
    assert "kun styregruppens medlemmer og formand" in err
    store = Store.open(str(kigo_url))
    try:
        assert [r.decision_power for r in read_organisation(store).roles] == [True]
    finally:
        store.close()


def test_people_edit_is_versioned(kigo: Run) -> None:
    _add_people(kigo)
    assert kigo.ok("people", "edit", ANNE[1], "--unit", "Ydelse") == (
        f"Gemt 1: {ANNE[0]} (version 2)\n"
    )
    out = kigo.ok("people", "list")
    assert "Ydelse" in out and "Projektleder" in out  # the other fields are kept
    err = kigo.fails("people", "edit", "1", "--title", "Chef", "--version", "1")
    assert "ændret af en anden" in err and "version 2" in err and "enhed" not in err
    assert "Chef" not in kigo.ok("people", "list")
    assert "angiv mindst én" in kigo.fails("people", "edit", "1")
    err = kigo.fails("people", "remove", "1", "--version", "1")
    assert "ændret af en anden" in err
    assert ANNE[0] in kigo.ok("people", "list")
    kigo.ok("people", "remove", "1", "--version", "2")
    assert ANNE[0] not in kigo.ok("people", "list")


# ----------------------------------------------------------------------------- responsibility


def test_responsible_sets_and_clears(kigo: Run, kigo_url: str) -> None:
    _add_people(kigo)
    out = kigo.ok("responsible", "SAPA-07-02", "--accountable", ANNE[1], "--doer", "2")
    assert out == "SAPA-07-02: ansvarlig Anne Jensen, udfører Bo Berg\n"
    out = kigo.ok("responsible", "SAPA-07-02", "--doer", "")
    assert out == "SAPA-07-02: ansvarlig Anne Jensen, udfører —\n"
    out = kigo.ok("responsible", "SAPA-07-02", "--accountable", "")
    assert out == "SAPA-07-02: ansvarlig —, udfører —\n"
    store = Store.open(str(kigo_url))
    try:
        history = [(h.field, h.old, h.new) for h in store.detail("SAPA-07-02").history]
    finally:
        store.close()
    assert history[:2] == [("ansvarlig", ANNE[0], None), ("udfører", BO[0], None)]


def test_responsible_refusals(kigo: Run) -> None:
    _add_people(kigo)
    assert "angiv --accountable" in kigo.fails("responsible", "SAPA-07-02")
    assert "ukendt opgave: 'SAPA-99-99'" in kigo.fails(
        "responsible", "SAPA-99-99", "--accountable", ANNE[1]
    )
    err = kigo.fails("responsible", "SAPA-07-02", "--doer", "ukendt@kommune.dk")
    assert "ukendt person: 'ukendt@kommune.dk'" in err


# ------------------------------------------------------------------------------ mine opgaver


def test_mine_with_kigo_me(kigo: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _organise(kigo)
    monkeypatch.setenv("KIGO_ME", BO[1])
    out = kigo.ok("mine")
    lines = out.splitlines()
    assert lines[0] == "Mine opgaver – Bo Berg: 2"
    assert {line.split()[2] for line in lines[1:]} == {"SAPA-07-02", "KY-14-02"}
    assert any("SAPA-07-02" in line and line.endswith("(udfører)") for line in lines)
    assert all(line.startswith("  ") and line.split()[0] in "■▲●" for line in lines[1:])


def test_mine_with_me_option_wins(kigo: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _organise(kigo)
    monkeypatch.setenv("KIGO_ME", BO[1])
    out = kigo.ok("mine", "--me", ANNE[0])
    assert out.splitlines()[0] == "Mine opgaver – Anne Jensen: 1"
    assert "SAPA-07-02" in out and "(ansvarlig)" in out and "KY-14-02" not in out


def test_mine_from_config_file(kigo: Run, isolated_home: Path) -> None:
    _organise(kigo)
    config = isolated_home / "config" / "kigo" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'me = "{BO[0]}"\n', encoding="utf-8")
    assert kigo.ok("mine").startswith("Mine opgaver – Bo Berg: 2")


def test_mine_without_identity_or_unknown(kigo: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _organise(kigo)
    assert "hvem er du?" in kigo.fails("mine")
    assert "ukendt person: 'Carl'" in kigo.fails("mine", "--me", "Carl")
    monkeypatch.setenv("KIGO_ME", "nobody@kommune.dk")
    assert "ukendt person: 'nobody@kommune.dk'" in kigo.fails("mine")


# ----------------------------------------------------------------------------------- dialogue


def test_dialogue_log_and_list(kigo: Run) -> None:
    assert kigo.ok("dialogue", "list") == ""
    out = kigo.ok(
        "dialogue",
        "log",
        "--project",
        "sapa",
        "--form",
        "mail",
        "--topic",
        "Frister i SAPA",
        "--task",
        "SAPA-07-02",
        "--task",
        "SAPA-01-01",
        "--date",
        "2026-11-01",
    )
    assert out == "Registreret dialog 1 med KOMBIT om SAPA: Frister i SAPA\n"
    kigo.ok(
        "dialogue",
        "log",
        "--project",
        "KY",
        "--form",
        "telefon",
        "--topic",
        "KY er bagud",
        "--actions",
        "Direktionen orienteres",
        "--escalation",
        "kommunalbestyrelse",
    )
    out = kigo.ok("dialogue", "list")
    lines = out.splitlines()
    assert (
        lines[0]
        == f"{FIXED_TODAY:%d-%m-%Y} KY telefon: KY er bagud (eskaleret til kommunalbestyrelsen)"
    )
    assert lines[1] == "    aftalt: Direktionen orienteres"
    assert lines[2] == "    ikke oplyst, om programlederen er varslet"
    assert lines[3] == (
        "01-11-2026 SAPA mail: Frister i SAPA (ingen eskalering) · opgaver: SAPA-01-01, SAPA-07-02"
    )
    sapa = kigo.ok("dialogue", "list", "--project", "SAPA")
    assert "Frister i SAPA" in sapa and "KY er bagud" not in sapa
    assert kigo.ok("dialogue", "list", "--project", "KSD") == ""


def test_dialogue_log_results_and_lead_notice(kigo: Run) -> None:
    # Seed 000: "dokumentere dialogen med kommunen, eventuelle opfølgingsaktiviteter og de
    # resultater der opnås"; "kommunens programleder altid vil være varslet og informeret om, at
    # der eskaleres"
    base = ("dialogue", "log", "--project", "KY", "--form", "møde", "--topic", "Bagud")
    kigo.ok(*base, "--results", "Ny plan", "--escalation", "direktion", "--lead-informed")
    lines = kigo.ok("dialogue", "list").splitlines()
    assert lines == [
        f"{FIXED_TODAY:%d-%m-%Y} KY møde: Bagud (eskaleret til direktionen)",
        "    resultat: Ny plan",
        "    programlederen er varslet",
    ]
    err = kigo.fails(*base, "--lead-informed")
    assert "kun ved en eskalering" in err
    kigo.fails(*base, "--lead-informed", "--lead-not-informed", code=2)


def test_dialogue_log_refusals(kigo: Run) -> None:
    base = ("dialogue", "log", "--project", "SAPA", "--form", "mail")
    assert "emnet må ikke være tomt" in kigo.fails(*base, "--topic", "  ")
    err = kigo.fails(*base, "--topic", "x", "--task", "SAPA-99-99")
    assert "ukendt opgave: 'SAPA-99-99'" in err
    kigo.fails(*base, "--topic", "x", "--escalation", "borgmester", code=2)
    kigo.fails("dialogue", "log", "--project", "SAPA", "--form", "brev", "--topic", "x", code=2)
    assert kigo.ok("dialogue", "list") == ""


# ------------------------------------------------------------------------------------- export


def _entries(bundle: Path) -> dict[str, bytes]:
    """Every entry's bytes; an xlsx (itself a zip) is opened so its sheets are searched too."""
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            found[name] = data
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    for inner_name in inner.namelist():
                        found[f"{name}/{inner_name}"] = inner.read(inner_name)
    return found


def _export(kigo: Run, out: Path, *extra: str) -> Path:
    out.mkdir()
    text = kigo.ok("export", "--out", str(out), *extra)
    [bundle] = out.glob("*.zip")
    assert str(bundle) in text
    return bundle


PERSONAL = [s for person in (ANNE, BO) for s in person] + ["anne.jensen", "Jensen", "Berg"]


def test_export_without_contacts_has_no_personal_data(kigo: Run, tmp_path: Path) -> None:
    _organise(kigo)
    bundle = _export(kigo, tmp_path / "out")
    entries = _entries(bundle)
    assert "organisation.json" in entries
    for name, data in entries.items():
        for secret in PERSONAL:
            assert secret.encode() not in data, f"{secret!r} in {name}"

    org = json.loads(entries["organisation.json"])
    assert org["with_contacts"] is False
    assert org["people"] == []
    assert {(r["role"], r["project"], r["person"]) for r in org["roles"]} == {
        ("programme_lead", None, "P1"),
        ("project_lead", "SAPA", "P2"),
        ("steering_chair", None, "P1"),
    }
    assert org["responsibility"] == [
        {"task_id": "KY-14-02", "accountable": None, "doer": "P2"},
        {"task_id": "SAPA-07-02", "accountable": "P1", "doer": "P2"},
    ]
    assert [(c["title"], c["weight"]) for c in org["readiness"]] == [
        ("Projektkoordinator på tværs af projekterne", "anbefaler"),
        ("Tværgående styregruppe nedsat", "skal"),
        ("Styregruppen repræsenterer de berørte dele af forretningen", "skal"),
        ("Styregruppens medlemmer har beslutningskraft", "skal"),
        ("Direktionen i styregruppen", "anbefaler"),
        ("Projektleder for KSD", "skal"),
        ("Projektleder for KY", "skal"),
        ("Projektleder for SAPA", "skal"),
        ("Ansvarlig for STS og Serviceplatformen", "skal"),
    ]
    assert {c["title"]: c["colour"] for c in org["readiness"]}["Projektleder for KY"] == "red"
    assert org["dialogues"] == [
        {
            "on": "2026-11-20",
            "project": "SAPA",
            "form": "møde",
            "topic": "Status på SAPA",
            "actions": "Ny plan for test",
            "escalation": "direktion",
            "tasks": ["SAPA-07-02"],
            "results": "",
            "lead_informed": None,
        }
    ]
    out = kigo.ok("verify", str(bundle))
    assert "gyldig" in out


def test_export_with_contacts_has_the_names(kigo: Run, tmp_path: Path) -> None:
    _organise(kigo)
    bundle = _export(kigo, tmp_path / "out", "--with-contacts")
    entries = _entries(bundle)
    for secret in (ANNE[0], ANNE[1], BO[2]):  # the search of the other test would find them
        assert [n for n, data in entries.items() if secret.encode() in data] == [
            "organisation.json"
        ]
    org = json.loads(entries["organisation.json"])
    assert org["with_contacts"] is True
    assert org["people"] == [
        {
            "ref": "P1",
            "name": ANNE[0],
            "title": "Projektleder",
            "unit": "Borgerservice",
            "email": ANNE[1],
            "phone": ANNE[2],
        },
        {
            "ref": "P2",
            "name": BO[0],
            "title": "Projektleder",
            "unit": "Borgerservice",
            "email": BO[1],
            "phone": BO[2],
        },
    ]
    assert "gyldig" in kigo.ok("verify", str(bundle))
    assert verify_bundle(bundle).files["organisation.json"] == _entries(bundle)["organisation.json"]


def test_export_of_an_empty_organisation(kigo: Run, tmp_path: Path) -> None:
    bundle = _export(kigo, tmp_path / "out")
    org = json.loads(_entries(bundle)["organisation.json"])
    assert org["people"] == org["roles"] == org["responsibility"] == org["dialogues"] == []
    assert all(c["colour"] != "green" for c in org["readiness"])
    assert "gyldig" in kigo.ok("verify", str(bundle))


def _rewrite(bundle: Path, target: Path, name: str, data: bytes) -> None:
    """Replace one entry and update its hash and size in the manifest, as a forger would."""
    with zipfile.ZipFile(bundle) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files[name] = data
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["size"] = len(data)
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for n, content in files.items():
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, as kigo writes them
            archive.writestr(info, content)


def test_people_without_with_contacts_are_rejected_by_verify(kigo: Run, tmp_path: Path) -> None:
    _organise(kigo)
    bundle = _export(kigo, tmp_path / "out")
    org = json.loads(_entries(bundle)["organisation.json"])
    assert org["with_contacts"] is False
    org["people"] = [
        {
            "ref": "P1",
            "name": ANNE[0],
            "title": "",
            "unit": "",
            "email": ANNE[1],
            "phone": "",
        }
    ]
    tampered = tmp_path / "tampered.zip"
    _rewrite(bundle, tampered, "organisation.json", json.dumps(org).encode())

    with pytest.raises(BundleError, match=r"organisation\.json") as info:
        verify_bundle(tampered)
    assert "with_contacts" in str(info.value)
    assert "SHA-256" not in str(info.value)  # the hashes match: only the schema catches it
    err = kigo.fails("verify", str(tampered))
    assert "organisation.json" in err

    # the same rewrite without the forbidden people passes: the rewriting itself is sound
    org["people"] = []
    control = tmp_path / "control.zip"
    _rewrite(bundle, control, "organisation.json", json.dumps(org).encode())
    verify_bundle(control)


def test_an_older_organisation_json_without_the_new_fields_still_verifies() -> None:
    """Bundles written before issue 17 have no results, lead notice, decision power or weight."""
    from kigo_tui.bundle.schema import OrganisationDocument

    old = {
        "with_contacts": False,
        "people": [],
        "roles": [
            {
                "role": "steering_member",
                "label": "Styregruppemedlem",
                "project": None,
                "from_direktion": True,
                "person": "P1",
            }
        ],
        "responsibility": [],
        "readiness": [{"title": "Styregruppe med formand", "colour": "red", "project": None}],
        "dialogues": [
            {
                "on": "2026-11-20",
                "project": "KY",
                "form": "møde",
                "topic": "Bagud",
                "actions": "",
                "escalation": "direktion",
                "tasks": [],
            }
        ],
    }
    doc = OrganisationDocument.model_validate_json(json.dumps(old))
    assert doc.dialogues[0].results == "" and doc.dialogues[0].lead_informed is None
    assert doc.roles[0].decision_power is False and doc.readiness[0].weight is None
