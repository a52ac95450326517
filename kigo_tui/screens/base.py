"""A failing worker is never silent: one handler for every TUI worker (issue 14, point 8).

Every worker runs with `exit_on_error=False`; the app, and every screen that runs workers
(through `ReportsWorkerFailures`), hands a failed worker to `report_failure`. An expected error
(`KigoError`: a refused write, a database that cannot be used) is shown as it is; anything else
is unexpected: its traceback goes to the log file and a notification says what failed and where
the log is. The app keeps running.
"""

from __future__ import annotations

import contextlib
import inspect
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerState, get_current_worker

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


def log_orphan_failure(worker: Worker, error: BaseException) -> None:
    """The log only: a cancelled worker's thread failed (its screen had closed, or a newer read
    replaced it). Textual drops such a worker's outcome; most are a late answer to a screen that
    is gone, so nobody is told, but the traceback is kept. Runs in the worker's thread."""
    from kigo_tui.locations import log_path

    if isinstance(error, KigoError):
        return
    with contextlib.suppress(OSError):
        source = f"{worker.group}/{worker.name}, afbrudt"
        write_failure(log_path(), what_failed(worker), source, error)


class ReportsWorkerFailures:
    """Mixed into the app and every screen that runs workers: their failures are reported.

    Textual sends a worker's state changes only to the node that started it, and forgets a
    thread worker once it is cancelled (its node unmounted, or a newer one in an exclusive group)
    while the thread runs on: such a thread's error is logged by the wrapper `run_worker` puts
    around the work.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report_failure(self.app, event.worker)  # type: ignore[attr-defined]

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker:
        if kwargs.get("thread") and callable(work) and not inspect.iscoroutinefunction(work):
            work = partial(_logging_orphans, work)
        return super().run_worker(work, *args, **kwargs)  # type: ignore[misc]


def _logging_orphans(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Exception as error:
        worker = get_current_worker()
        if worker.is_cancelled:
            log_orphan_failure(worker, error)
        raise
