"""The test setup itself: without a PostgreSQL server the PostgreSQL tests say why they did not
run, and under CI they fail instead (CI never passes without having run against the server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.backends import PG_URL_ENV

ROOT = Path(__file__).resolve().parents[2]
ONE_PG_TEST = "tests/storage/test_storage_backends.py::test_a_read_is_one_snapshot[postgresql]"


def _pytest(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (PG_URL_ENV, "CI")}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_PG_TEST],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("ci", [False, True], ids=["developer", "ci"])
def test_without_a_server_postgresql_tests_skip_with_a_reason_or_fail_under_ci(ci: bool) -> None:
    run = _pytest(ci)
    if ci:
        assert run.returncode == 1, run.stdout
        assert "1 failed" in run.stdout or "1 error" in run.stdout
        assert "CI skal køre mod PostgreSQL" in run.stdout
    else:
        assert run.returncode == 0, run.stdout
        assert "1 skipped" in run.stdout
        assert f"{PG_URL_ENV} er ikke sat" in run.stdout
