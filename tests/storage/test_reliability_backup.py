"""Backups, restores, damaged and foreign files, and a hostile file system.

`kigo backup` / `backups` / `restore`, the KEEP limit, the automatic backups before a schema
migration and before a catalogue import, a damaged file refused untouched with the newest good
backup named, a newer schema refused untouched. Then what happens when the disk says no: an
export into a folder that cannot be written or onto a full disk, and a read-only database.

Tests run as root here, and root writes through chmod 0o555; the read-only cases therefore run
kigo as an unprivileged user (uid 65534) when the tests run as root.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.domain.rules import Status
from kigo_tui.storage.backup import KEEP, integrity_problem, list_backups, make_backup
from kigo_tui.storage.schema import SCHEMA_VERSION, StorageError
from kigo_tui.storage.store import Store
from tests.cli.test_cli_catalogue import _newer_catalogue

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parents[1] / "support" / "reliability_worker.py"
FIXTURE_V1 = Path(__file__).parent / "fixtures" / "kigo_schema_v1.sql"
TABLES = ("meta", "project", "main_task", "skipped_main_task", "task", "checklist_item", "history")
TASK = "STS-01-02"


def _query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _rows(path: Path) -> dict[str, list[tuple]]:
    return {t: sorted(_query(path, f"SELECT * FROM {t}"), key=repr) for t in TABLES}


def _status(path: Path, task_id: str = TASK) -> str:
    return _query(path, "SELECT status FROM task WHERE id = ?", (task_id,))[0][0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file and close, so the file alone holds the database."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def _damage(path: Path) -> None:
    """Overwrite two pages in the middle of the file (page headers included)."""
    _checkpoint(path)
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // 2) // page * page
    data[middle : middle + 2 * page] = b"\xa5" * (2 * page)
    path.write_bytes(bytes(data))
    assert integrity_problem(path) is not None


def _kigo(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--today", "2026-11-23", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- backup and restore


def test_backup_backups_and_restore_from_the_shell(db_path: Path, capsys) -> None:
    code, out, _ = _kigo(capsys, db_path, "backup")
    assert code == 0 and out.startswith("Sikkerhedskopi: ")
    backup = Path(out.removeprefix("Sikkerhedskopi: ").strip())
    assert backup.parent == db_path.parent / "kigo-backups" and "manuel" in backup.name
    assert integrity_problem(backup) is None
    assert _rows(backup) == _rows(db_path)

    assert _kigo(capsys, db_path, "set", TASK, "--status", "done")[0] == 0
    assert _status(db_path) == "done"

    code, out, _ = _kigo(capsys, db_path, "backups")
    assert code == 0 and [line.split()[-1] for line in out.splitlines()[1:]] == [str(backup)]

    code, out, _ = _kigo(capsys, db_path, "restore")  # no argument: the newest good backup
    assert code == 0 and f"fra {backup}" in out and "foer-gendannelse" in out
    assert _status(db_path) == "not_started"
    assert _rows(db_path) == _rows(backup)
    safety = next(b for b in list_backups(db_path) if "foer-gendannelse" in b.name)
    assert _status(safety) == "done"  # the state replaced by the restore is kept

    code, out, _ = _kigo(capsys, db_path, "restore", str(safety))  # and undone again
    assert code == 0 and _status(db_path) == "done"
    store = Store.open(str(db_path))  # a restored file is a working kigo database
    assert store.task(TASK).status == Status.DONE
    store.close()


def test_only_the_newest_backups_are_kept(db_path: Path, capsys) -> None:
    made = []
    for _ in range(KEEP + 3):
        code, out, _ = _kigo(capsys, db_path, "backup")
        assert code == 0
        made.append(Path(out.removeprefix("Sikkerhedskopi: ").strip()))
    kept = list_backups(db_path)
    assert kept == sorted(made, reverse=True)[:KEEP]
    assert not any(p.exists() for p in made[:3])
    folder = db_path.parent / "kigo-backups"
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_backup_folder_holds_nothing_but_the_kept_backups(db_path: Path, capsys) -> None:
    for _ in range(KEEP + 2):
        assert _kigo(capsys, db_path, "backup")[0] == 0
    folder = db_path.parent / "kigo-backups"
    assert sorted(folder.iterdir()) == sorted(list_backups(db_path))


def test_a_backup_taken_while_another_process_writes_is_consistent(db_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, str(WORKER), "crash", str(db_path), "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"ready"
        backups = []
        for _ in range(4):
            time.sleep(0.15)
            backups.append(make_backup(db_path, "under-skrivning", keep=10))
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    final = _query(db_path, "SELECT id, task_id, new FROM history ORDER BY id")
    sizes = []
    for backup in backups:
        assert integrity_problem(backup) is None
        history = _query(backup, "SELECT id, task_id, new FROM history ORDER BY id")
        assert history == final[: len(history)]  # a moment of the real history, nothing torn
        statuses = dict(_query(backup, "SELECT id, status FROM task"))
        last = {task_id: new for _id, task_id, new in history}
        assert all(statuses[t] == s for t, s in last.items())
        sizes.append(len(history))
    assert sizes == sorted(sizes) and sizes[-1] > 0


def _load_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE_V1.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_a_migration_is_preceded_by_a_backup_of_the_old_schema(tmp_path: Path) -> None:
    path = _load_v1(tmp_path / "gammel.db")
    before = _rows(path)
    assert list_backups(path) == []

    store = Store.open(str(path))
    store.close()

    backups = [b for b in list_backups(path) if "foer-skema" in b.name]
    assert len(backups) == 1, list_backups(path)
    backup = backups[0]
    assert f"foer-skema-{SCHEMA_VERSION}" in backup.name
    assert integrity_problem(backup) is None
    assert _query(backup, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert "version" not in [c[1] for c in _query(backup, "PRAGMA table_info(task)")]
    assert _rows(backup) == before  # the very rows the old file had
    assert _query(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]

    Store.open(str(path)).close()  # already current: no second backup
    assert len(list_backups(path)) == 1


def test_a_catalogue_import_is_preceded_by_a_backup(db_path: Path, tmp_path: Path, capsys) -> None:
    newer = _newer_catalogue(tmp_path)
    assert _kigo(capsys, db_path, "set", TASK, "--status", "in_progress")[0] == 0
    old_version = _query(db_path, "SELECT value FROM meta WHERE key = 'catalogue_version'")

    assert _kigo(capsys, db_path, "catalogue", "import", str(newer), "--dry-run")[0] == 0
    assert list_backups(db_path) == []  # a dry run writes nothing, not even a backup

    code, out, _ = _kigo(capsys, db_path, "catalogue", "import", str(newer))
    assert code == 0 and "Sikkerhedskopi før import:" in out
    (backup,) = list_backups(db_path)
    assert "foer-katalogimport" in backup.name and str(backup) in out
    assert _query(backup, "SELECT value FROM meta WHERE key = 'catalogue_version'") == old_version
    assert _status(backup) == "in_progress"
    assert _query(db_path, "SELECT value FROM meta WHERE key = 'catalogue_version'") == [
        ("2099.1.0",)
    ]

    assert _kigo(capsys, db_path, "catalogue", "import", str(newer))[0] == 0  # nothing to do
    assert len(list_backups(db_path)) == 1


# --------------------------------------------------------------------------- damaged and foreign


def test_a_damaged_file_is_refused_untouched_and_restore_brings_the_backup_back(
    db_path: Path, capsys
) -> None:
    assert _kigo(capsys, db_path, "set", TASK, "--status", "in_progress")[0] == 0
    good = make_backup(db_path)
    time.sleep(0.01)
    newest = make_backup(db_path)
    _damage(newest)  # the newest backup is bad too: the older good one must be offered
    assert _kigo(capsys, db_path, "set", TASK, "--status", "done")[0] == 0
    _damage(db_path)
    damaged = _sha(db_path)

    with pytest.raises(StorageError) as refused:
        Store.open(str(db_path))
    message = str(refused.value)
    assert "beskadiget" in message and "ikke ændret" in message
    assert str(good) in message and str(newest) not in message
    assert f"kigo --db {db_path} restore" in message

    code, _out, err = _kigo(capsys, db_path, "status")
    assert code == 1 and err.startswith("kigo: fejl: ") and str(good) in err
    code, _out, err = _kigo(capsys, db_path, "set", TASK, "--status", "not_started")
    assert code == 1 and "beskadiget" in err
    assert _sha(db_path) == damaged  # never written to

    code, out, _ = _kigo(capsys, db_path, "restore")
    assert code == 0 and f"fra {good}" in out
    (kept,) = [
        p
        for p in db_path.parent.glob(f"{db_path.name}.beskadiget-*")
        if p.suffix != ".db-wal" and not p.name.endswith(("-wal", "-shm"))
    ]
    assert str(kept) in out and _sha(kept) == damaged
    assert integrity_problem(db_path) is None
    assert _status(db_path) == "in_progress"  # the state of the good backup
    store = Store.open(str(db_path))
    store.close()


def test_a_damaged_file_without_backups_says_so(db_path: Path) -> None:
    _damage(db_path)
    damaged = _sha(db_path)
    with pytest.raises(StorageError, match="ingen sikkerhedskopi"):
        Store.open(str(db_path))
    assert _sha(db_path) == damaged


def test_a_database_from_a_newer_kigo_is_refused_untouched(db_path: Path, capsys) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    _checkpoint(db_path)
    before = _sha(db_path)

    with pytest.raises(StorageError, match="nyere kigo"):
        Store.open(str(db_path))
    code, _out, err = _kigo(capsys, db_path, "set", TASK, "--status", "done")
    assert code == 1 and "skema 99" in err and "ikke ændret" in err
    assert _sha(db_path) == before
    assert list_backups(db_path) == []  # not "migrated", not backed up as if it were


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, capsys) -> None:
    path = tmp_path / "noter.db"
    path.write_bytes(b"Referat fra styregruppem\xf8de\n" * 300)
    before = _sha(path)
    code, _out, err = _kigo(capsys, path, "status")
    assert code == 1 and "ikke en kigo-database" in err
    assert _sha(path) == before


# --------------------------------------------------------------------------- hostile environment


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder under /tmp that an unprivileged user can reach (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="kigo-rel-"))
    folder.chmod(0o755)
    home = folder / "home"
    home.mkdir()
    home.chmod(0o777)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _unprivileged() -> dict[str, object]:
    """Popen arguments that run kigo as a user chmod applies to."""
    if os.geteuid() != 0:
        return {}
    return {"user": 65534, "group": 65534, "extra_groups": []}


def _user_env(folder: Path) -> dict[str, str]:
    home = folder / "home"
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "KIGO_USER": "laeser",
        "NO_COLOR": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), *site_packages]),
    }


@functools.cache
def _user_python(probe_dir: str) -> str | None:
    """An interpreter the unprivileged user may run (the venv's may live under /root)."""
    version = f"python3.{sys.version_info.minor}"
    candidates = [sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"]
    for python in filter(None, candidates):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            probe = subprocess.run(
                [python, "-c", "import kigo_tui.storage.store"],
                capture_output=True,
                env=_user_env(Path(probe_dir)),
                cwd="/",
                timeout=60,
                **_unprivileged(),  # type: ignore[arg-type]
            )
            if probe.returncode == 0:
                return python
    return None


def _kigo_as_user(folder: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    python = _user_python(str(folder))
    if python is None:
        pytest.skip("no Python interpreter that an unprivileged user can run")
    return subprocess.run(
        [python, "-m", "kigo_tui", "--db", str(db), "--today", "2026-11-23", *args],
        capture_output=True,
        text=True,
        cwd="/",
        env=_user_env(folder),
        timeout=120,
        **_unprivileged(),  # type: ignore[arg-type]
    )


def _copy_db(source: Path, target: Path) -> Path:
    _checkpoint(source)
    shutil.copyfile(source, target)
    target.chmod(0o644)
    return target


def _can_write_into(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


@pytest.fixture
def export_into_read_only_folder(
    db_path: Path, shared_dir: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    db = _copy_db(db_path, shared_dir / "kigo.db")
    (shared_dir).chmod(0o777)  # the database's folder can be written; the target cannot
    target = shared_dir / "ud"
    target.mkdir()
    target.chmod(0o555)
    if not _unprivileged() and _can_write_into(target):
        pytest.skip("this user writes through chmod 0o555")
    return _kigo_as_user(shared_dir, db, "export", "--out", f"{target}/"), target


def test_an_export_into_a_read_only_folder_leaves_nothing(export_into_read_only_folder) -> None:
    done, target = export_into_read_only_folder
    assert done.returncode != 0
    assert list(target.iterdir()) == []  # no bundle, no half-written file, no temp file


def test_an_export_into_a_read_only_folder_says_why(export_into_read_only_folder) -> None:
    done, _target = export_into_read_only_folder
    assert done.returncode == 1
    assert done.stderr.startswith("kigo: fejl: ") and "Traceback" not in done.stderr


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("fails", ["os.fsync", "os.replace"])
def test_an_export_onto_a_full_disk_leaves_nothing(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str, capsys
) -> None:
    out = tmp_path / "ud"
    out.mkdir()
    monkeypatch.setattr(fails, _disk_full)
    with contextlib.suppress(OSError):
        main(["--db", str(db_path), "--today", "2026-11-23", "export", "--out", f"{out}/"])
    assert list(out.iterdir()) == []


def test_an_export_onto_a_full_disk_says_why(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    out = tmp_path / "ud"
    out.mkdir()
    monkeypatch.setattr("os.replace", _disk_full)
    code, _out, err = _kigo(capsys, db_path, "export", "--out", f"{out}/")
    assert code == 1 and err.startswith("kigo: fejl: ")


def test_a_read_only_database_file_can_be_read_but_not_changed(
    db_path: Path, shared_dir: Path
) -> None:
    shared_dir.chmod(0o777)
    db = _copy_db(db_path, shared_dir / "kigo.db")
    db.chmod(0o444)
    before = _sha(db)
    if not _unprivileged() and _can_write_into(shared_dir) and os.access(db, os.W_OK):
        pytest.skip("this user writes through chmod 0o444")

    shown = _kigo_as_user(shared_dir, db, "status", "--json")
    assert shown.returncode == 0, shown.stderr
    changed = _kigo_as_user(shared_dir, db, "set", TASK, "--status", "done")
    assert changed.returncode == 1 and "Traceback" not in changed.stderr, changed.stderr
    assert changed.stderr.startswith("kigo: fejl: databasen er skrivebeskyttet")
    assert _sha(db) == before and _status(db) == "not_started"


def test_a_database_in_a_read_only_folder_is_not_called_damaged(
    db_path: Path, shared_dir: Path
) -> None:
    """SQLite cannot open a WAL database whose folder it cannot write; that is not damage."""
    folder = shared_dir / "skrivebeskyttet"
    folder.mkdir()
    db = _copy_db(db_path, folder / "kigo.db")
    db.chmod(0o444)
    folder.chmod(0o555)
    before = _sha(db)
    if not _unprivileged() and _can_write_into(folder):
        pytest.skip("this user writes through chmod 0o555")

    for args in (("status",), ("set", TASK, "--status", "done")):
        done = _kigo_as_user(shared_dir, db, *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "skrivebeskyttet" in done.stderr and "beskadiget" not in done.stderr
        assert "restore" not in done.stderr  # no offer to replace a good file
    assert _sha(db) == before


def test_kigo_backup_in_a_read_only_folder_says_why(db_path: Path, shared_dir: Path) -> None:
    folder = shared_dir / "skrivebeskyttet"
    folder.mkdir()
    db = _copy_db(db_path, folder / "kigo.db")
    folder.chmod(0o555)
    if not _unprivileged() and _can_write_into(folder):
        pytest.skip("this user writes through chmod 0o555")
    done = _kigo_as_user(shared_dir, db, "backup")
    assert done.returncode == 1 and done.stderr.startswith("kigo: fejl: "), done.stderr
