"""The real `kigo` in a real terminal: a tmux server of the test's own (its environment, its
cleanup), for the tests that type into the program as a person does."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import pytest

T = TypeVar("T")


def poll(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.2) -> T:
    """`predicate()` once it is true; the test fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def home_env(home: Path, user: str = "tmux-test") -> dict[str, str]:
    """A user of the test's own: HOME and XDG folders under `home`, UTF-8, a 256-colour terminal."""
    return {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "KIGO_USER": user,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
    }


class Terminal:
    """`argv` running in a 100×30 tmux window, started on entering the `with` block and ended,
    with its server and socket, on leaving it."""

    session = "kigo"

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        cwd: Path | None = None,
        size: tuple[int, int] = (100, 30),
    ) -> None:
        self.socket = f"kigo-test-{uuid.uuid4().hex[:8]}"
        self.env = {**env, "TERM": env.get("TERM", "xterm-256color")}
        self.cwd = cwd
        self.size = size
        parts = ["env", *(shlex.quote(f"{k}={v}") for k, v in self.env.items())]
        parts += [shlex.quote(str(a)) for a in argv]
        self.command = " ".join(
            ["cd", shlex.quote(str(cwd)), "&&", *parts] if cwd is not None else parts
        )

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-u", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            timeout=10,
        ).stdout

    def __enter__(self) -> Terminal:
        width, height = self.size
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
            self.command,
        )  # fmt: skip
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            env={**os.environ, **self.env},
            timeout=10,
        )
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / self.socket).unlink(missing_ok=True)

    def screen(self, *, joined: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-J"] if joined else []), "-t", self.session)

    def send(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def line_with(self, text: str) -> str | None:
        return next((line for line in self.screen().splitlines() if text in line), None)

    def running(self) -> bool:
        """Is the program's session still there (it ends when the program quits)?"""
        try:
            return self.session in self.tmux("list-sessions", "-F", "#{session_name}")
        except subprocess.CalledProcessError:
            return False  # no server left: the last session ended
