"""No database is ever lost by a path (issue 14, point 5).

A database, backup or bundle path may hold `#`, `?`, `%`, spaces, æøå, quotes and a leading dash.
Before the fix, a `#` in a folder name cut the sqlite3 `file:` URI short: `kigo backup` copied a new,
empty database made outside the folder, and `kigo restore` put that empty copy over the real one.
Here every command that touches a file (`init`, `set`, `backup`, `restore`, `copy`, `export`, the
TUI start) runs on such paths, and the test compares the directory listing before and after:
nothing may appear outside the intended folder, and the data must survive each step.

Also here: malformed database URLs (never turned into a file or folder name, their password never
on disk), a database in a folder that does not exist, the checks of `kigo restore`, and inputs
that are not regular files (a FIFO, a device, a folder), refused instead of hanging.
"""

from __future__ import annotations

import os
import sqlite3
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.storage.backup import list_backups, make_backup, restore, table_counts
from kigo_tui.storage.common import StorageError, sqlite_file, sqlite_uri, url_for
from tests.support.fixed import FIXED_TODAY

TASKS = len(shipped_catalogue().tasks)

TASK = "STS-01-02"
HOSTILE_NAMES = (
    "a#b",
    "spørgsmål?x=1",
    "pct%41%",
    "%23%3F",
    "mellem rum",
    "æøå ÆØÅ",
    "anførsel'\"tegn",
    "-bindestreg",
    "--db",
    "#?%& æ'\"",
)
"""Folder names; each test also puts the same name into the file name."""


def _listing(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


def _kigo(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([f"--db={db}", "--today", FIXED_TODAY.isoformat(), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
    try:
        return table_counts(conn)
    finally:
        conn.close()


def _status(path: Path, task_id: str = TASK) -> str:
    conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
    try:
        return conn.execute("SELECT status FROM task WHERE id = ?", (task_id,)).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder to work in, the process's current folder elsewhere (so a file made relative to
    the current folder shows up in the listing too)."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    work = tmp_path / "work"
    work.mkdir()
    return work


# --------------------------------------------------------------------------- the reproduction


def test_a_hash_in_the_folder_name_no_longer_loses_the_database(workspace: Path, capsys) -> None:
    """The loss as it happened: backup of `a#b/kigo.db` read the new, empty file `a`, and restore
    put that over the database."""
    folder = workspace / "a#b"
    folder.mkdir()
    db = folder / "kigo.db"
    assert _kigo(capsys, db, "init", "--kommune", "101")[0] == 0
    assert _kigo(capsys, db, "set", TASK, "--status", "done")[0] == 0
    code, out, _ = _kigo(capsys, db, "backup")
    assert code == 0
    backup = Path(out.removeprefix("Sikkerhedskopi: ").strip())
    assert _counts(backup) == _counts(db) and _status(backup) == "done"
    assert _kigo(capsys, db, "restore", str(backup))[0] == 0
    assert _status(db) == "done" and _counts(db)["task"] == TASKS
    assert not (workspace / "a").exists()


# --------------------------------------------------------------------------- every command


@pytest.mark.parametrize("name", HOSTILE_NAMES)
async def test_every_command_keeps_to_the_folder_and_the_data(
    name: str, workspace: Path, tmp_path: Path, capsys
) -> None:
    folder = workspace / name
    folder.mkdir()
    db = folder / f"{name}.db"
    before = _listing(tmp_path)

    code, out, err = _kigo(capsys, db, "init", "--kommune", "101")
    assert code == 0, err
    assert db.is_file() and _counts(db)["task"] == TASKS
    assert _kigo(capsys, db, "set", TASK, "--status", "done")[0] == 0

    code, out, err = _kigo(capsys, db, "backup")
    assert code == 0, err
    backup = Path(out.removeprefix("Sikkerhedskopi: ").strip())
    assert backup.parent == folder / "kigo-backups" and backup.is_file()
    assert _counts(backup) == _counts(db) and _status(backup) == "done"

    assert _kigo(capsys, db, "set", TASK, "--status", "in_progress")[0] == 0
    code, out, err = _kigo(capsys, db, "restore", str(backup))
    assert code == 0, err
    assert _status(db) == "done" and _counts(db) == _counts(backup)
    (safety,) = (b for b in list_backups(db) if "foer-gendannelse" in b.name)
    assert _status(safety) == "in_progress"  # the replaced state is kept

    copy = folder / f"kopi {name}.db"
    code, out, err = _kigo(capsys, db, "copy", f"--to={copy}")
    assert code == 0, err
    assert _counts(copy) == _counts(db) and _status(copy) == "done"

    out_dir = folder / "eksport"
    out_dir.mkdir()
    code, out, err = _kigo(capsys, db, "export", f"--out={out_dir}")
    assert code == 0, err
    (bundle,) = out_dir.iterdir()
    assert bundle.suffix == ".zip" and bundle.stat().st_size > 0

    from kigo_tui.app import create_app
    from tests.support.tui import wait_loaded

    app = create_app(str(db), today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        model = app.main_screen.model
        assert model.kommune_code == "101" and model.total.total == TASKS
        assert model.total.done == 1  # the restored state

    created = _listing(tmp_path) - before
    outside = sorted(str(p) for p in created if folder not in (tmp_path / p).parents)
    assert outside == [], f"created outside {folder}: {outside}"
    assert _status(db) == "done" and _counts(db)["task"] == TASKS


alphabet = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="/\x00", min_codepoint=1
) | st.sampled_from(list("#?%&=;:'\" -æøå") + [f"%{c}{d}" for c in "23" for d in "0F"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.lists(alphabet, min_size=1, max_size=12).map("".join))
def test_sqlite_uris_and_sqlalchemy_urls_name_exactly_the_file(name: str, tmp_path: Path) -> None:
    """Any folder and file name (but `/` and NUL): the sqlite3 URI and the SQLAlchemy URL open
    that file and no other."""
    if name in (".", "..") or len(name.encode()) > 200:
        return
    root = tmp_path / "hyp"
    root.mkdir(exist_ok=True)
    for child in root.iterdir():  # one example's files do not count for the next
        for inner in sorted(child.rglob("*"), reverse=True) if child.is_dir() else []:
            inner.unlink() if not inner.is_dir() else inner.rmdir()
        child.rmdir() if child.is_dir() else child.unlink()
    folder = root / name
    folder.mkdir()
    path = folder / name
    conn = sqlite3.connect(sqlite_uri(path, "rwc"), uri=True)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert {p.relative_to(root) for p in root.rglob("*")} == {Path(name), Path(name) / name}

    from sqlalchemy import create_engine, text

    engine = create_engine(url_for(str(path)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    engine.dispose()
    assert sqlite_file(str(path)) == path.resolve()
    assert {p.relative_to(root) for p in root.rglob("*")} == {Path(name), Path(name) / name}


# --------------------------------------------------------------------------- a missing folder


def test_a_database_in_a_folder_that_does_not_exist_is_refused(workspace: Path, capsys) -> None:
    before = _listing(workspace)
    db = workspace / "findes ikke" / "kigo.db"
    code, _out, err = _kigo(capsys, db, "init", "--kommune", "101")
    assert code == 1 and "mappen" in err and "findes ikke" in err and "Traceback" not in err
    code, _out, err = _kigo(capsys, workspace / "kigo.db", "copy", f"--to={db}")
    assert code == 1
    assert _listing(workspace) == before


def test_the_default_database_folder_is_made_by_kigo(tmp_path: Path, capsys) -> None:
    from kigo_tui.locations import default_db_path

    assert not default_db_path().parent.exists()
    capsys.readouterr()
    assert main(["init", "--kommune", "101"]) == 0
    assert default_db_path().is_file()


# --------------------------------------------------------------------------- malformed URLs

SECRET = "Hemmeligt7Kodeord"
MALFORMED = (
    f"postgresql://bruger:{SECRET}@vært:ikkeenport/kigo",
    f"postgresql://bruger:{SECRET}@vært:70000/kigo",
    "sqlite:////",
    "sqlite:///",
    f"sqlite://bruger:{SECRET}@vært/kigo.db",
    f"sqlite:///kigo.db?password={SECRET}",
    f"ukendt://bruger:{SECRET}@vært/kigo",
    f"postgres://bruger:{SECRET}@vært/kigo",
    f"postgres:/bruger:{SECRET}@vært/kigo",
    f"postgresql:bruger:{SECRET}@vært/kigo",
    f"postgresql//bruger:{SECRET}@vært/kigo",
    f"bruger:{SECRET}@vært/kigo",
    f"/tmp/x://bruger:{SECRET}@vært",
)


@pytest.mark.parametrize("url", MALFORMED)
@pytest.mark.parametrize("command", [("init", "--kommune", "101"), ("status",), ("backup",)])
def test_a_malformed_url_is_refused_and_its_password_never_lands_on_disk(
    url: str, command: tuple[str, ...], workspace: Path, tmp_path: Path, capsys
) -> None:
    before = _listing(tmp_path)
    capsys.readouterr()
    code = main(["--db", url, *command])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("kigo: fejl: ") and "Traceback" not in err
    assert SECRET not in err
    assert _listing(tmp_path) == before
    assert not [p for p in tmp_path.rglob("*") if SECRET in str(p)]


@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_url_is_refused_as_a_copy_target(
    url: str, workspace: Path, tmp_path: Path, capsys
) -> None:
    db = workspace / "kigo.db"
    assert _kigo(capsys, db, "init", "--kommune", "101")[0] == 0
    before = _listing(tmp_path)
    code, _out, err = _kigo(capsys, db, "copy", "--to", url)
    assert code == 1 and SECRET not in err and "Traceback" not in err
    assert _listing(tmp_path) == before


def test_well_formed_urls_and_paths_are_not_refused() -> None:
    from kigo_tui.storage.dburl import problem

    for db in (
        "kigo.db",
        "./postgres:kigo.db",
        "C:/kigo.db",
        "a#b/k.db",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///rel%23ativ.db",
        "sqlite:////abs/kigo.db",
        "postgresql://h/db",
        "postgresql+psycopg://u:p%40w@h:5433/db",
        "postgresql+psycopg:///?service=kigo",
    ):
        assert problem(db) is None, db


# --------------------------------------------------------------------------- backup and restore


def _fresh_db(folder: Path, kommune: str = "101") -> Path:
    from kigo_tui.domain.catalogue import shipped_catalogue
    from kigo_tui.domain.kommuner import find_kommune
    from kigo_tui.storage.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kigo.db"
    store = Store.open(str(path))
    store.initialise(find_kommune(kommune), {}, shipped_catalogue())
    store.close()
    return path


def test_a_backup_whose_rows_differ_from_the_source_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check compares rows per table: a copy that lost rows is refused, not reported."""
    from kigo_tui.storage import backup as backup_module
    from kigo_tui.storage.backup import BackupError

    db = _fresh_db(tmp_path / "db")
    real = backup_module.table_counts
    calls = {"n": 0}

    def one_row_short(conn: sqlite3.Connection) -> dict[str, int]:
        counts = real(conn)
        calls["n"] += 1
        if calls["n"] == 1:  # the source's counts
            counts["task"] += 1
        return counts

    monkeypatch.setattr(backup_module, "table_counts", one_row_short)
    with pytest.raises(BackupError, match=rf"ikke de samme rækker.*task: {TASKS + 1} → {TASKS}"):
        make_backup(db)
    assert list_backups(db) == []
    assert [p.name for p in (tmp_path / "db" / "kigo-backups").iterdir()] == []


def _sha(path: Path) -> bytes:
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


def _other_kommune(tmp_path: Path) -> Path:
    return _fresh_db(tmp_path / "anden", kommune="461")


def _newer_schema(tmp_path: Path) -> Path:
    path = _fresh_db(tmp_path / "nyere")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "tom.db"
    path.write_bytes(b"")
    return path


def _damaged(tmp_path: Path) -> Path:
    path = _fresh_db(tmp_path / "beskadiget")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = bytearray(path.read_bytes())
    middle = (len(data) // 2) // 4096 * 4096
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))
    return path


def _not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "noter.db"
    path.write_bytes(b"Referat fra styregruppem\xf8de\n" * 300)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_empty, "tom"),
        (_damaged, "beskadiget"),
        (_not_sqlite, "beskadiget eller ikke en kigo-database"),
        (_newer_schema, "nyere kigo (skema 99"),
        (_other_kommune, "anden kommune (kode 461; databasen er kode 101)"),
    ],
)
def test_restore_refuses_a_doubtful_file_unless_forced_and_keeps_the_current_one(
    make, reason: str, tmp_path: Path, capsys
) -> None:
    db = _fresh_db(tmp_path / "db")
    assert _kigo(capsys, db, "set", TASK, "--status", "done")[0] == 0
    offered = make(tmp_path)
    before = _sha(db)
    code, _out, err = _kigo(capsys, db, "restore", str(offered))
    assert code == 1 and reason in err and "--force" in err and "Intet er ændret" in err, err
    assert _sha(db) == before and list_backups(db) == []

    code, out, err = _kigo(capsys, db, "restore", "--force", str(offered))
    (kept,) = [b for b in list_backups(db) if "foer-gendannelse" in b.name]
    assert _status(kept) == "done" and str(kept) in out + err  # the current file is kept
    if make in (_damaged, _not_sqlite):
        assert code == 1 and "Traceback" not in err  # cannot be copied: said, and kept
    else:
        assert code == 0, err


def test_restore_of_a_good_backup_needs_no_confirmation(tmp_path: Path, capsys) -> None:
    db = _fresh_db(tmp_path / "db")
    backup = make_backup(db)
    assert _kigo(capsys, db, "set", TASK, "--status", "done")[0] == 0
    safety = restore(db, backup)
    assert safety is not None and _status(safety) == "done" and _status(db) == "not_started"


def test_restoring_the_oldest_backup_does_not_prune_it(tmp_path: Path) -> None:
    from kigo_tui.storage.backup import KEEP

    db = _fresh_db(tmp_path / "db")
    made = [make_backup(db) for _ in range(KEEP + 1)]
    oldest = list_backups(db)[-1]
    assert oldest in made
    restore(db, oldest)
    assert oldest.exists()


# --------------------------------------------------------------------------- not a regular file

TIMEOUT = 120
"""For all the cases of one kind together; each takes about a second when nothing hangs."""

RUN_EACH = """
import json, sys
from kigo_tui.__main__ import main
for args in json.loads(sys.argv[1]):
    code = main(args)
    print(f"<<{code}>>", file=sys.stderr, flush=True)
"""


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "mappe.xlsx"
    folder.mkdir()
    return {"FIFO": fifo, "enhed": Path("/dev/zero"), "mappe": folder}


def test_inputs_that_are_not_regular_files_are_refused(
    specials: dict[str, Path], tmp_path: Path
) -> None:
    """Each command on each kind of special file, all in one child process (a regression that
    hangs on the FIFO fails on the timeout instead of hanging the suite)."""
    import json

    db = _fresh_db(tmp_path / "db")
    before = _sha(db)
    cases = []
    for special in map(str, specials.values()):
        cases += [
            ["--db", str(db), "restore", special],
            ["verify", special],
            ["--db", str(db), "catalogue", "import", special],
            ["--db", str(db), "exit", "import-xlsx", special],
            ["aggregate", special, "--out", str(tmp_path / "samlet.json")],
            ["--db", special, "status"],
            ["--db", special, "init", "--kommune", "101"],
        ]
    done = subprocess.run(
        [sys.executable, "-c", RUN_EACH, json.dumps(cases)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "KIGO_TODAY": FIXED_TODAY.isoformat()},
    )
    assert "Traceback" not in done.stderr, done.stderr
    reports = done.stderr.split(">>")[:-1]
    assert len(reports) == len(cases), done.stderr
    for args, report in zip(cases, reports, strict=True):
        message, _, code = report.strip().rpartition("<<")
        assert code != "0" and message.startswith("kigo: "), (args, report)
    assert _sha(db) == before
    assert specials["FIFO"].exists() and not specials["FIFO"].is_file()
    assert not (tmp_path / "samlet.json").exists()


def test_the_uri_escapes_what_sqlite_would_read_as_a_query_or_fragment() -> None:
    uri = sqlite_uri(Path("/a#b/c?d=e/f%20g h.db"), "ro")
    assert uri == "file:///a%23b/c%3Fd%3De/f%2520g%20h.db?mode=ro"
    assert set(uri.removeprefix("file://").split("?mode=")[0]) <= set(
        string.ascii_letters + string.digits + "/%._-~"
    )


def test_a_path_that_is_a_folder_or_fifo_is_not_a_database(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path):
        with pytest.raises(StorageError, match=r"mappe|almindelig fil"):
            sqlite_file(str(path))


@pytest.mark.parametrize("where", ["missing folder", "malformed url"])
async def test_the_tui_says_why_it_cannot_open_and_creates_nothing(
    where: str, workspace: Path, tmp_path: Path
) -> None:
    from kigo_tui.app import create_app
    from tests.support.tui import notifications, wait_for

    db = str(workspace / "mangler" / "kigo.db") if where == "missing folder" else MALFORMED[8]
    expected = "findes ikke" if where == "missing folder" else "mangler '//'"
    before = _listing(tmp_path)
    app = create_app(db, today=FIXED_TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: any(expected in n for n in notifications(pilot)))
        assert all(SECRET not in n for n in notifications(pilot))
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "neighbour"),
    [("x*.db", "xy.db"), ("a[1].db", "a1.db"), ("kigo.db", "kigo-test.db"), ("k?.db", "k1.db")],
)
def test_backups_of_two_databases_in_one_folder_stay_apart(
    name: str, neighbour: str, tmp_path: Path
) -> None:
    """A backup belongs to its database by exact name: glob characters in a name, or one name
    that begins with the other, never let pruning or a restore take the other's backups."""
    from kigo_tui.storage.backup import KEEP, newest_good_backup

    folder = tmp_path / "fælles"
    first = _fresh_db(folder).rename(folder / name)
    second = _fresh_db(tmp_path / "tmp").rename(folder / neighbour)
    theirs = [make_backup(second) for _ in range(2)]
    ours = [make_backup(first) for _ in range(KEEP + 2)]
    assert list_backups(second) == sorted(theirs, reverse=True)
    assert list_backups(first) == sorted(ours, reverse=True)[:KEEP]
    assert all(p.exists() for p in theirs)
    assert newest_good_backup(first) == max(ours)


URL_PIECES = (
    *("postgresql", "postgresql+psycopg", "sqlite", "postgres", "://", ":", "/", "//", "@"),
    *("u", "pw", "h", "[", "]", "::1", "5432", "99999", "-1", "?", "=", "&", "#", "%"),
    *("%2", "%zz", "db", "service=k", " ", "æ", "\\", "~", "..", ".", "\x00"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), min_size=1, max_size=9).map("".join))
def test_any_database_string_is_judged_without_a_crash(db: str) -> None:
    """Paths and URLs glued from their pieces: judged or refused with a StorageError, never
    another exception (a `~user` that does not exist was a RuntimeError)."""
    from kigo_tui.storage.dburl import problem

    reason = problem(db)
    try:
        sqlite_file(db)
    except StorageError as exc:
        assert reason is None or str(exc) == reason


def test_a_home_folder_that_does_not_exist_is_refused(workspace: Path, capsys) -> None:
    before = _listing(workspace)
    code, _out, err = _kigo(
        capsys, Path("~ingen-saadan-bruger/kigo.db"), "init", "--kommune", "101"
    )
    assert code == 1 and "hjemmemappen for brugeren 'ingen-saadan-bruger'" in err
    assert _listing(workspace) == before


def test_restoring_the_database_onto_itself_is_refused(tmp_path: Path, capsys) -> None:
    db = _fresh_db(tmp_path / "db")
    before = _counts(db)
    code, _out, err = _kigo(capsys, db, "restore", str(db.parent / "." / db.name))
    assert code == 1 and "selve databasen" in err
    assert _counts(db) == before and list_backups(db) == []
