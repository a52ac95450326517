"""A catalogue import that would withdraw most of the kommune's tasks needs a confirmation
(issue 14, point 7).

"Most" is more than half of the kommune's catalogue tasks that are not withdrawn already: such a
file is far more likely the wrong one (another supplier's, a truncated export) than a real new
catalogue. `kigo catalogue import` refuses it, saying how many would go, unless `--force` is
given; `--dry-run` shows the list and the same note; nothing is written (not even a backup).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.__main__ import main
from kigo_tui.domain.catalogue import CATALOGUE_PATH, shipped_catalogue
from kigo_tui.storage.backup import list_backups
from kigo_tui.storage.catalogue import MassWithdrawalError, apply_update, plan_update
from kigo_tui.storage.store import Store

ALL_IDS = [task.id for task in shipped_catalogue().tasks]
TOTAL = len(ALL_IDS)
HALF = TOTAL // 2


def _catalogue_file(tmp_path: Path, keep: int, version: str = "2099.1.0") -> Path:
    """The shipped catalogue with only its first `keep` tasks, as a TOML file."""
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    text = text.replace(f'version = "{shipped_catalogue().version}"', f'version = "{version}"', 1)
    head, *blocks = text.split("\n[[tasks]]\n")
    kept = [b for b in blocks if b.split('"', 2)[1] in set(ALL_IDS[:keep])]
    path = tmp_path / f"katalog-{keep}-{version}.toml"
    path.write_text("\n[[tasks]]\n".join([head, *kept]), encoding="utf-8")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--today", "2026-11-23", "catalogue", "import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(withdrawn=st.integers(0, TOTAL))
def test_more_than_half_withdrawn_needs_a_confirmation(withdrawn: int, db_path: Path) -> None:
    catalogue = shipped_catalogue()
    newer = catalogue.model_copy(
        update={"version": "2099.1.0", "tasks": catalogue.tasks[: TOTAL - withdrawn]}
    )
    store = Store.open(str(db_path))
    try:
        plan = plan_update(store, newer)
        assert len(plan.withdrawn) == withdrawn and plan.active_before == TOTAL
        assert plan.mass_withdrawal == (2 * withdrawn > TOTAL)
    finally:
        store.close()


def test_the_boundary_half_is_allowed_one_more_is_refused(db_path: Path) -> None:
    catalogue = shipped_catalogue()
    store = Store.open(str(db_path))
    try:
        refused = catalogue.model_copy(
            update={"version": "2099.1.0", "tasks": catalogue.tasks[: TOTAL - HALF - 1]}
        )
        revision = store.revision()
        with pytest.raises(MassWithdrawalError, match=f"tilbagetrække {HALF + 1} af kommunens"):
            apply_update(store, refused)
        assert store.revision() == revision  # nothing written
        allowed = catalogue.model_copy(
            update={"version": "2099.1.0", "tasks": catalogue.tasks[: TOTAL - HALF]}
        )
        assert len(apply_update(store, allowed).withdrawn) == HALF
    finally:
        store.close()


def test_tasks_withdrawn_before_do_not_count_as_the_kommunes(db_path: Path) -> None:
    """After 100 are withdrawn, 100 more of the 186 left is most of what the kommune has."""
    catalogue = shipped_catalogue()
    store = Store.open(str(db_path))
    try:
        first = catalogue.model_copy(
            update={"version": "2099.1.0", "tasks": catalogue.tasks[: TOTAL - 100]}
        )
        assert len(apply_update(store, first).withdrawn) == 100
        second = catalogue.model_copy(
            update={"version": "2099.2.0", "tasks": catalogue.tasks[: TOTAL - 200]}
        )
        plan = plan_update(store, second)
        assert (len(plan.withdrawn), plan.active_before) == (100, TOTAL - 100)
        with pytest.raises(MassWithdrawalError, match=f"100 af kommunens {TOTAL - 100}"):
            apply_update(store, second)
        assert len(apply_update(store, second, confirm_withdrawal=True).withdrawn) == 100
    finally:
        store.close()


def test_the_cli_refuses_says_how_many_and_imports_with_force(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    wrong = _catalogue_file(tmp_path, keep=10)
    before = _sha(db_path)

    code, out, err = _import(capsys, db_path, str(wrong))
    assert code == 1 and "Traceback" not in err
    assert f"ville tilbagetrække {TOTAL - 10} af kommunens {TOTAL} katalogopgaver" in err
    assert "--force" in err and "intet er ændret" in err
    assert _sha(db_path) == before and list_backups(db_path) == []

    code, out, err = _import(capsys, db_path, str(wrong), "--dry-run")
    assert code == 0 and "Bemærk: kataloget 2099.1.0 ville tilbagetrække" in out
    assert _sha(db_path) == before

    code, out, err = _import(capsys, db_path, str(wrong), "--force")
    assert code == 0, err
    assert f"Tilbagetrukne opgaver ({TOTAL - 10})" in out and "Bemærk" not in out
    assert len(list_backups(db_path)) == 1  # the backup before the import, as always


def test_a_catalogue_withdrawing_few_tasks_imports_without_a_flag(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    code, out, err = _import(capsys, db_path, str(_catalogue_file(tmp_path, keep=TOTAL - 3)))
    assert code == 0, err
    assert "Tilbagetrukne opgaver (3)" in out
