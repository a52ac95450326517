"""A file the program writes never replaces a device, a named pipe or a folder, not even with
--force: `kigo export --out /dev/null --force` once replaced the machine's /dev/null with a zip
(writes go to a temporary file that is then renamed over the target)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from kigo_tui.__main__ import main

KINDS: dict[str, Callable[[Path], None]] = {
    "pipe": lambda path: os.mkfifo(path),
    "mappe": lambda path: path.mkdir(),
}
if hasattr(os, "geteuid") and os.geteuid() == 0:  # a device node needs root (CI runs as root)
    KINDS["enhed"] = lambda path: os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, Path]:
    db = str(tmp_path / "demo.db")
    assert _run(capsys, "--db", db, "--today", "2026-11-23", "demo")[0] == 0
    bundle = tmp_path / "bundt.zip"
    assert _run(capsys, "--db", db, "--today", "2026-11-23", "export", "--out", str(bundle))[0] == 0
    return db, bundle


COMMANDS: dict[str, tuple[str, Callable[[str, Path, Path], list[str]]]] = {
    "export": ("b.zip", lambda db, _bundle, out: ["--db", db, "export", "--out", str(out)]),
    "calendar": ("k.ics", lambda db, _bundle, out: ["--db", db, "calendar", "--out", str(out)]),
    "aggregate": ("a.xlsx", lambda _db, bundle, out: ["aggregate", str(bundle), "--out", str(out)]),
    "exit export-xlsx": (
        "e.xlsx",
        lambda db, _bundle, out: ["--db", db, "exit", "export-xlsx", "--out", str(out)],
    ),
}


# `export --out MAPPE` writes the bundle inside the folder (documented), so that pair is left out.
CASES = [(c, k) for c in sorted(COMMANDS) for k in sorted(KINDS) if (c, k) != ("export", "mappe")]


@pytest.mark.parametrize(("command", "kind"), CASES)
def test_no_write_replaces_what_is_not_a_file(
    demo: tuple[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    kind: str,
) -> None:
    db, bundle = demo
    name, argv = COMMANDS[command]
    target = tmp_path / "mål" / name
    target.parent.mkdir()
    KINDS[kind](target)
    before = target.lstat()
    code, output = _run(capsys, "--today", "2026-11-23", *argv(db, bundle, target), "--force")
    after = target.lstat()
    assert code != 0, output
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert str(target) in output and "erstattes ikke" in output, output
    assert "Traceback" not in output
    assert sorted(p.name for p in target.parent.iterdir()) == [name]  # no temporary file left


def test_a_symbolic_link_is_replaced_as_a_link(
    demo: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --force the link itself is replaced by the new file; what it pointed to is kept."""
    db, _bundle = demo
    kept = tmp_path / "behold.zip"
    kept.write_bytes(b"gammelt")
    link = tmp_path / "link.zip"
    link.symlink_to(kept)
    code, output = _run(
        capsys, "--db", db, "--today", "2026-11-23", "export", "--out", str(link), "--force"
    )
    assert code == 0, output
    assert kept.read_bytes() == b"gammelt"
    assert not link.is_symlink() and link.stat().st_size > 1000
