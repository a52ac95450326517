"""`kigo kommune`: the kommune chosen at the first run can be seen and changed later.

Seed 002: "Det er helt op til den enkelte kommune at vurdere og beslutte, om og hvordan
implementeringsmodellen skal anvendes lokalt." — the database is the kommune's own, so the
kommune is the user's choice, and a wrong one can be put right.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kigo_tui.__main__ import main
from kigo_tui.storage.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def kommune_of(path: Path) -> tuple[str, str]:
    store = Store.open(str(path))
    try:
        snapshot = store.snapshot()
        history = store.history_of("KOMMUNE")
    finally:
        store.close()
    assert all(field == "kommune" for field, *_ in history)
    return snapshot.kommune_code, snapshot.kommune_name


def test_kommune_shows_and_changes_by_name_or_code(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(db_path), "kommune")
    assert code == 0 and "København (101)" in out and "kigo kommune NAVN" in out
    code, out, _ = run(capsys, "--db", str(db_path), "kommune", "Århus")  # spelt the old way
    assert code == 0 and "fra København (101) til Aarhus (751)" in out, out
    assert kommune_of(db_path) == ("751", "Aarhus")
    code, out, _ = run(capsys, "--db", str(db_path), "kommune", "0101")
    assert code == 0 and kommune_of(db_path) == ("101", "København")
    code, out, _ = run(capsys, "--db", str(db_path), "kommune", "koebenhavn")
    assert code == 0 and "allerede for København (101); intet er ændret" in out


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Atlantis", "ukendt kommune: 'Atlantis'"),
        ("999", "ingen kommune med koden 999"),
        ("Frede", "passer på 5 kommuner: Frederiksberg (147), Fredensborg (210)"),
    ],
)
def test_an_unknown_or_ambiguous_kommune_is_refused_in_danish(
    db_path: Path, capsys: pytest.CaptureFixture[str], typed: str, message: str
) -> None:
    code, out, err = run(capsys, "--db", str(db_path), "kommune", typed)
    assert code == 1 and out == ""
    assert message in err, err
    assert kommune_of(db_path) == ("101", "København")
