"""Make tests/storage/fixtures/kigo_schema_vN.sql with the kigo that really wrote schema N.

    python scripts/make_schema_fixture.py 3 06ff622

checks COMMIT out in a temporary git worktree outside the repository, runs that version's own
`kigo` (and, where it had no command for it, its own `Store`) against a fresh database, dumps
the database to SQL text with `sqlite3.Connection.iterdump()` under a header saying which commit
and commands made it, and removes the worktree again. The old code runs on this checkout's
virtualenv (PYTHONPATH puts the old package first); its dependencies are a subset of today's.

The content grows with the schema: every fixture has a kommune, go-live dates, status changes
(so history rows exist), edited fields and a local task with a checklist; from schema 3 a task
withdrawn by a catalogue import; from 4 people, roles, responsibility and a dialogue; from 5
case areas of the KMD Sag exit workspace; from 7 defects, and a local task added and deleted
again (its id must never come back); from 9 a case area edited on the version it was read at;
from 10 the documentation sheet's newer answers and the exit decision note.
Timestamps are the time of the run, so a re-run gives
the same rows with other times.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "storage" / "fixtures"
TODAY = "2026-11-23"
USER = "fixturebruger"
WITHDRAWN = "KY-14-02"
"""The task the 'newer catalogue' of schema 3+ leaves out (after it has a status and history)."""


@dataclass(frozen=True)
class Step:
    since: int
    """The first schema whose kigo can do this."""
    command: str
    """A `kigo` command line (run as `kigo --db DB …`), or Python run with the old code imported."""
    python: bool = False
    until: int = 10**6
    """The last schema whose kigo can do this (a later kigo refuses it, or does it otherwise)."""


def kigo(since: int, command: str, until: int = 10**6) -> Step:
    return Step(since, command, until=until)


CHECKLIST_CODE = """
from kigo_tui.storage.store import Store
store = Store.open(DB)
for task_id, position in (("SAPA-07-L1", 0), ("STS-01-02", 1)):
    item = store.detail(task_id).checklist[position]
    store.set_checklist_item(item.id, True)
store.close()
"""

STEPS = (
    kigo(
        2,
        "init --kommune 461 --golive STS=2026-12-01 --golive SAPA=2027-03-01 --golive KY=2027-09-01",
    ),
    kigo(2, "done STS-01-01"),
    kigo(2, "set STS-01-02 --status in_progress"),
    kigo(
        2,
        "set SAPA-07-01 --status in_progress --due 2027-01-15 --warn-days 21 --category critical",
        until=7,  # schema 8: a catalogue task's category is KOMBIT's, a moved date needs a reason
    ),
    kigo(
        8,
        "set SAPA-07-01 --status in_progress --due 2027-01-15 --warn-days 21"
        " --begrundelse 'Leverandøren er forsinket'",
    ),
    kigo(2, "done KY-14-01"),
    kigo(2, "set KY-14-01 --status in_progress"),
    kigo(2, f"set {WITHDRAWN} --status in_progress"),
    kigo(2, "golive KY 2027-10-01"),
    kigo(
        2,
        "add SAPA 7 \"Ryd op i 'gamle' sager før KMD Sag lukker\""
        " --description 'Sager fra før 2015 gennemgås; æ, ø og å skal overleve.'"
        " --due 2027-01-31 --category mandatory"
        " --checklist Udtræk --checklist Gennemgang --checklist 'Slet eller arkivér'",
    ),
    kigo(2, "add KSD 3 'Lokal afklaring med jobcentret'"),
    kigo(2, "set SAPA-07-L1 --status in_progress"),
    Step(2, CHECKLIST_CODE, python=True),  # ticking a checklist item is TUI-only
    kigo(3, "catalogue import nyere-katalog.toml"),
    kigo(
        4,
        "people add 'Anne Jensen' --title Digitaliseringschef --unit Økonomi"
        " --email anne@odense.dk --phone 12345678",
    ),
    kigo(4, "people add 'Bo Berg' --title Projektleder --email bo@odense.dk"),
    kigo(4, "people add 'Carla Ørsted' --unit Direktionen"),
    kigo(4, "people add 'Dan Midlertidig'"),
    kigo(4, "role assign anne@odense.dk programme_lead"),
    kigo(4, "role assign 'Bo Berg' project_lead --project SAPA"),
    kigo(4, "role assign 'Carla Ørsted' steering_member --direktion"),
    kigo(4, "role assign 'Dan Midlertidig' project_lead --project KY"),
    kigo(4, "responsible SAPA-07-02 --accountable anne@odense.dk --doer 'Bo Berg'"),
    kigo(4, "responsible KY-14-03 --accountable 'Dan Midlertidig'"),
    kigo(
        4,
        "dialogue log --project SAPA --form telefon --topic 'Røde opgaver' --actions 'Plan fredag'"
        " --task SAPA-07-02 --escalation direktion --date 2026-11-20",
    ),
    kigo(4, "people remove 'Dan Midlertidig'"),  # responsibility and role rows lose their person
    kigo(
        5,
        "exit add --field-area 'Børn og unge' --case-area Underretninger --kle 27.24.00"
        " --cases-in 'KMD Sag' --notes-in 'KMD Sag' --caseworkers 40 --case-count 1200"
        " --note-count 9000 --monopoly-break --cleanup-needed --critical --complexity høj"
        " --comment \"Fagsystem 'DUBU' bruges også\"",
    ),
    kigo(
        5,
        "exit add --field-area Beskæftigelse --case-area Fleksjob --kle 15.25.10"
        " --caseworkers 6 --complexity lav --archivable",
    ),
    kigo(
        5,
        "exit add --field-area 'Teknik og miljø' --case-area Byggesager --kle 02.34.02"
        " --no-uses-kmd-sag --caseworkers 12",
    ),
    kigo(5, "exit pattern 1 --answers ja,nej,ja,ja,nej", until=9),  # B in the tree before 10
    kigo(10, "exit pattern 1 --answers ja,ja,ja,nej"),  # B in the figure's order (schema 10)
    kigo(5, "exit edit 1 --scenario 4"),
    kigo(7, "add KSD 3 'Slettes igen'"),  # KSD-03-L2: the highest local number, then deleted
    kigo(7, "delete KSD-03-L2"),
    kigo(
        7,
        "defect add --project SAPA --title 'Journalnotater mangler efter migrering'"
        " --severity major --reported '2026-11-20 09:15' --ref INC-4711",
    ),
    kigo(7, "defect set 1 --status acknowledged --at '2026-11-20 13:00'"),
    kigo(9, "exit edit 2 --caseworkers 7 --version 1"),  # case areas have versions from 9
    kigo(
        10,
        "exit edit 1 --tsa --cleanup-requirements 'Åbne sager lukkes' --tender-when 2028"
        " --preferred-notes-in SBSYS --users mange --priority 2",
    ),
    kigo(
        10,
        "exit note edit --text 'Vi anbefaler scenarie 4.' --order lette-først"
        " --status besluttet --decided-on 2026-11-20 --decided-by Direktionen",
    ),
)


def newer_catalogue(worktree: Path, folder: Path) -> Path:
    """The old version's own catalogue, one version later, without WITHDRAWN."""
    text = (worktree / "seed" / "catalogue.toml").read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^version = "[^"]+"', 'version = "2099.1.0"', text, count=1)
    block = re.search(r'\[\[tasks\]\]\nid = "' + WITHDRAWN + r'"\n.*?(?=\n\[\[)', text, re.S)
    assert count == 1 and block is not None
    path = folder / "nyere-katalog.toml"
    path.write_text(text[: block.start()] + text[block.end() + 1 :], encoding="utf-8")
    return path


def run_steps(version: int, worktree: Path, folder: Path) -> tuple[Path, list[str]]:
    """Make the database; return it and the commands as shell lines for the header."""
    folder.mkdir()
    db = folder / "kigo.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(worktree),
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "KIGO_USER": USER,
        "KIGO_TODAY": TODAY,
        "NO_COLOR": "1",
    }
    env.pop("KIGO_DB", None)
    if version >= 3:
        newer_catalogue(worktree, folder)  # found by `kigo catalogue import` in the folder
    shown: list[str] = []
    for step in STEPS:
        if not step.since <= version <= step.until:
            continue
        if step.python:
            command = [sys.executable, "-c", f"DB = {str(db)!r}\n{step.command}"]
            lines = ["python -c '", *step.command.strip().splitlines(), "'"]
            shown.extend(f"  {line}" for line in lines)
        else:
            command = [
                sys.executable,
                "-m",
                "kigo_tui",
                "--db",
                str(db),
                *shlex.split(step.command),
            ]
            shown.append(f"  kigo {step.command}")
        done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}")
    return db, shown


def dump(db: Path, header: list[str]) -> str:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        lines = list(conn.iterdump())
    finally:
        conn.close()
    return "".join(f"-- {line}".rstrip() + "\n" for line in header) + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", type=int, help="the schema the commit writes")
    parser.add_argument("commit", help="a commit where SCHEMA_VERSION = VERSION was current")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{args.commit}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix=f"old-schema-{args.version}-") as tmp:
        folder = Path(tmp)
        worktree = folder / "src"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            # The version lived in db.py up to schema 5, then in storage.py, now storage/common.py.
            source = "".join(
                (worktree / "kigo_tui" / name).read_text(encoding="utf-8")
                for name in ("db.py", "storage.py", "storage/common.py")
                if (worktree / "kigo_tui" / name).exists()
            )
            if f"SCHEMA_VERSION = {args.version}\n" not in source:
                raise SystemExit(f"{commit[:12]} does not write schema {args.version}")
            subject = subprocess.run(
                ["git", "log", "-1", "--format=%h %s", commit],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            db, shown = run_steps(args.version, worktree, folder / "run")
            header = [
                f"A schema-{args.version} kigo database, written by kigo at commit {commit}:",
                f"  {subject}",
                f"Made with: python scripts/make_schema_fixture.py {args.version} {commit[:7]}",
                f"which ran that commit's own code (KIGO_USER={USER}, KIGO_TODAY={TODAY}, "
                "DB = the new file):",
                *shown,
                *(
                    [
                        "where nyere-katalog.toml is that commit's seed/catalogue.toml with "
                        f'version = "2099.1.0" and without {WITHDRAWN},'
                    ]
                    if args.version >= 3
                    else []
                ),
                "then dumped it with sqlite3 iterdump(). Loaded by tests/storage/test_migrations.py.",
            ]
            text = dump(db, header)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=True
            )
    out = FIXTURES / f"kigo_schema_v{args.version}.sql"
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {text.count(chr(10))} lines")


if __name__ == "__main__":
    main()
