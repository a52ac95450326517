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
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import on
from textual.message import Message
from textual.screen import Screen, ScreenResultType
from textual.worker import Worker, WorkerState, get_current_worker

from kigo_tui.errors import KigoError

if TYPE_CHECKING:
    from textual.app import App

    from kigo_tui.app import KigoApp
    from kigo_tui.storage.store import Store

R = TypeVar("R")

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
    "report": "skrivningen af statussiden",
    "calendar": "skrivningen af kalenderfilen",
    "progress-load": "indlæsningen af fremdriften",
    "defect-load": "indlæsningen af fejlloggen",
    "defect-poll": "kontrollen af fejlloggen",
    "defect-write": "gemningen i fejlloggen",
    "exit-load": "indlæsningen af KMD Sag-exitstrategien",
    "exit-write": "gemningen i KMD Sag-exitstrategien",
    "exit-note": "gemningen af beslutningsnotatet",
    "org-load": "indlæsningen af organisationen",
    "org-write": "gemningen i organisationen",
    "org-me": "gemningen af, hvem du er",
}
"""What a worker group does, as the notification names it."""

LOG_LIMIT = 1_000_000
"""Bytes: a longer log is moved aside to kigo.log.1 (one old log is kept)."""


def what_failed(worker: Worker[Any]) -> str:
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


def report_failure(app: App[Any], worker: Worker[Any]) -> None:
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


def log_orphan_failure(worker: Worker[Any], error: BaseException) -> None:
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
            report_failure(self.app, event.worker)  # type: ignore[attr-defined]  # a mixin: the class it is mixed into is a DOMNode

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]:
        if kwargs.get("thread") and callable(work) and not inspect.iscoroutinefunction(work):
            work = partial(_logging_orphans, work)
        worker: Worker[Any] = super().run_worker(work, *args, **kwargs)  # type: ignore[misc]  # a mixin: the next class in the MRO is a DOMNode
        return worker


def _logging_orphans(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Exception as error:
        worker = get_current_worker()
        if worker.is_cancelled:
            log_orphan_failure(worker, error)
        raise


@dataclass(eq=False)
class WorkDone(Message):
    """A worker's result, handed to the screen that started it (posted from the worker thread).

    `then` runs with `result` on the UI thread; the worker waits until it has (as
    `call_from_thread` would), so a key held for what the result opens sees it open.
    """

    then: Callable[[Any], object]
    result: Any
    handled: threading.Event = field(default_factory=threading.Event)


class BaseScreen(ReportsWorkerFailures, Screen[ScreenResultType]):
    """Every kigo screen: typed access to the app, a read and a write in a thread worker whose
    result comes back as a `WorkDone` message, and failures through `report_failure`.

    A `KigoError` (a refused read or write) is shown as it is, anything else is shown and logged
    (see `ReportsWorkerFailures`); `on_error` lets a screen show an expected error its own way.
    """

    @property
    def kigo_app(self) -> KigoApp:
        return cast("KigoApp", self.app)

    def read(
        self,
        group: str,
        read: Callable[[Store], R],
        then: Callable[[R], object],
        *,
        exclusive: bool = True,
        opens: bool = False,
        on_error: Callable[[KigoError], object] | None = None,
    ) -> Worker[None]:
        """Run `read` on the store in a thread worker; `then` gets its result on the UI thread.

        In an exclusive group a newer read cancels an older one (a detail pane follows the
        cursor; only the last one matters). When `then` `opens` a dialog, the keys typed
        meanwhile wait for it (KigoApp.on_event).
        """
        worker = self.run_worker(
            partial(self._work, read, then, on_error),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )
        if opens:
            self.kigo_app.hold_keys_for(worker)
        return worker

    def write(
        self,
        group: str,
        change: Callable[[Store], R],
        then: Callable[[R], object],
        *,
        opens: bool = False,
        on_error: Callable[[KigoError], object] | None = None,
    ) -> Worker[None]:
        """Run `change` on the store in a thread worker, one write of this screen at a time;
        `then` gets its result on the UI thread once the store has committed."""

        def locked(store: Store) -> R:
            with self._write_lock:
                return change(store)

        worker = self.run_worker(
            partial(self._work, locked, then, on_error),
            thread=True,
            group=group,
            exit_on_error=False,
        )
        if opens:
            self.kigo_app.hold_keys_for(worker)
        return worker

    @property
    def _write_lock(self) -> threading.Lock:
        lock: threading.Lock | None = self.__dict__.get("_base_write_lock")
        if lock is None:
            lock = self.__dict__.setdefault("_base_write_lock", threading.Lock())
        return lock

    def _work(
        self,
        work: Callable[[Store], R],
        then: Callable[[R], object],
        on_error: Callable[[KigoError], object] | None,
    ) -> None:
        """In the worker thread: the work on the store, then its result to the screen."""
        try:
            result: Any = work(self.kigo_app.open_store())
        except KigoError as exc:
            if on_error is None:
                raise  # to the one handler: shown as it is
            self.deliver(on_error, exc)
            return
        self.deliver(then, result)

    def deliver(self, then: Callable[[Any], object], result: Any) -> None:
        """From a worker thread: `then(result)` on the UI thread, through a `WorkDone` message;
        returns once it has run (or the screen is gone, or the worker was cancelled)."""
        message = WorkDone(then, result)
        worker = get_current_worker()
        if not self.post_message(message):
            return
        while not message.handled.wait(0.05):
            if worker.is_cancelled or not self.is_attached or not self.app.is_running:
                return

    @on(WorkDone)
    def _work_done(self, message: WorkDone) -> None:
        message.stop()
        try:
            message.then(message.result)
        finally:
            message.handled.set()
