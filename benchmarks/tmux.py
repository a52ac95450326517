"""Start-up timing in tmux: a private server, a fixed 120×40 window, the screen polled every 5 ms.

One long-lived dummy session keeps the server up, so a measured start never pays for the tmux
server's own start. The command is given to tmux as an argument vector, which tmux execs without a
shell, so the pane's pid is the app's pid (for reading its peak memory).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from benchmarks.environment import COLS, ROWS
from benchmarks.processes import peak_memory, wait_gone

POLL_INTERVAL = 0.005


class StartTimeout(Exception):
    """The predicate never held: the app did not paint what we wait for."""

    def __init__(self, message: str, screen: str) -> None:
        super().__init__(f"{message}\n--- last screen ---\n{screen}")
        self.screen = screen


@dataclass(frozen=True)
class Start:
    seconds: float
    """From just before `new-session` to the end of the first capture where the predicate held."""
    peak_bytes: int
    """VmHWM right after the first paint (read before quitting)."""
    screen: list[str]


class TmuxServer:
    """A tmux server on a private socket; use as a context manager."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"kigo-bench-{uuid.uuid4().hex[:8]}"
        self._env = {**env, "TMUX": ""}
        self._counter = 0

    def __enter__(self) -> TmuxServer:
        # -f /dev/null: no user configuration; the dummy session starts the server once.
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "keep",
            "-x",
            str(COLS),
            "-y",
            str(ROWS),
            "sleep",
            "86400",
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        subprocess.run(self._argv("kill-server"), capture_output=True, env=self._env, timeout=10)
        tmpdir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (tmpdir / self.socket).unlink(missing_ok=True)

    def _argv(self, *args: str) -> list[str]:
        return ["tmux", "-u", "-L", self.socket, *args]

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            self._argv(*args),
            capture_output=True,
            text=True,
            check=True,
            env=self._env,
            timeout=10,
        ).stdout

    def capture(self, session: str) -> list[str]:
        return self._tmux("capture-pane", "-p", "-t", session).splitlines()

    def measure_start(
        self,
        argv: list[str],
        env: dict[str, str],
        painted: Callable[[list[str]], bool],
        timeout: float,
    ) -> Start:
        """Start `argv` in a new session, time it until `painted(screen)`, read VmHWM, close it."""
        self._counter += 1
        session = f"run{self._counter}"
        command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv]
        started = time.perf_counter()
        pid = int(
            self._tmux(
                "new-session",
                "-d",
                "-P",
                "-F",
                "#{pane_pid}",
                "-s",
                session,
                "-x",
                str(COLS),
                "-y",
                str(ROWS),
                *command,
            ).strip()
        )
        try:
            deadline = started + timeout
            screen: list[str] = []
            while True:
                try:
                    screen = self.capture(session)
                except subprocess.CalledProcessError:  # the session ended: the app died
                    raise StartTimeout(
                        f"{argv[0]} exited before painting", "\n".join(screen)
                    ) from None
                now = time.perf_counter()
                if painted(screen):
                    seconds = now - started
                    break
                if now > deadline:
                    raise StartTimeout(f"no first paint within {timeout:g} s", "\n".join(screen))
                time.sleep(POLL_INTERVAL)
            peak = peak_memory(pid)
            return Start(seconds, peak, screen)
        finally:
            self._stop(session, pid)

    def _stop(self, session: str, pid: int) -> None:
        """Close the session (SIGHUP to the app) and wait until the app is gone.

        Quitting is not measured, and a graceful quit costs kigo up to a second; the keypress
        runs quit with the app's own keys instead.
        """
        subprocess.run(
            self._argv("kill-session", "-t", session),
            capture_output=True,
            env=self._env,
            timeout=10,
        )
        if not wait_gone(pid, 5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_gone(pid, 5)
