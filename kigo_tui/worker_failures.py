"""A failing worker is never silent: one handler for every TUI worker (issue 14, point 8).

Every worker runs with `exit_on_error=False`; the app, and every screen that runs workers
(through `ReportsWorkerFailures`), hands a failed worker to `report_failure`. An expected error
(`KigoError`: a refused write, a database that cannot be used) is shown as it is; anything else
is unexpected: its traceback goes to the log file and a notification says what failed and where
the log is. The app keeps running.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from textual.app import App

WORKER_LABELS = {
    "init": "oprettelsen af databasen",
    "load": "indlæsningen af opgaverne",
    "listen": "forbindelsen, der viser andres ændringer",
    "poll": "kontrollen af andres ændringer",
    "branch": "indlæsningen af en hovedopgave",
    "detail": "indlæsningen af opgavens detaljer",
    "search": "søgningen",
    "lists": "indlæsningen af listen",
    "write": "gemningen af en ændring",
    "export": "eksporten af statusbundtet",
    "calendar": "skrivningen af kalenderfilen",
    "progress-load": "indlæsningen af fremdriften",
    "defect-load": "indlæsningen af fejlloggen",
    "defect-poll": "kontrollen af fejlloggen",
    "defect-write": "gemningen i fejlloggen",
    "exit-load": "indlæsningen af KMD Sag-exitstrategien",
    "exit-write": "gemningen i KMD Sag-exitstrategien",
}
"""What a worker group does, as the notification names it."""

LOG_LIMIT = 1_000_000
"""Bytes: a longer log is moved aside to kigo.log.1 (one old log is kept)."""


def what_failed(worker: Worker) -> str:
    return WORKER_LABELS.get(worker.group, "en baggrundsopgave")


def write_failure(path: Path, what: str, source: str, error: BaseException) -> None:
    """Append the failure and its traceback to the log at `path` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > LOG_LIMIT:
        path.replace(path.with_name(path.name + ".1"))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    lines = "".join(traceback.format_exception(error))
    with path.open("a", encoding="utf-8") as log:
        log.write(f"{stamp} fejl under {what} (worker {source})\n{lines}\n")


def report_failure(app: App, worker: Worker) -> None:
    """Show a failed worker's error; log the traceback of an unexpected one (UI thread)."""
    from kigo_tui.locations import log_path

    error = worker.error
    if error is None:
        return
    if isinstance(error, KigoError):
        app.notify(str(error), severity="error", markup=False)
        return
    what = what_failed(worker)
    path = log_path()
    try:
        write_failure(path, what, f"{worker.group}/{worker.name}", error)
        where = f"Detaljerne er skrevet i {path}"
    except OSError as exc:
        where = f"Detaljerne kunne ikke skrives i {path}: {exc.strerror or exc}"
    app.notify(
        f"Der opstod en uventet fejl under {what} ({type(error).__name__}). "
        f"kigo kører videre. {where}",
        title="Uventet fejl",
        severity="error",
        timeout=20,
        markup=False,
    )


class ReportsWorkerFailures:
    """Mixed into the app and every screen that runs workers: their failures are reported.

    Textual sends a worker's state changes only to the node that started it.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report_failure(self.app, event.worker)  # type: ignore[attr-defined]
