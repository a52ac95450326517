"""An app in a pseudo-terminal whose output is fed into pyte, for timing a keypress to a frame.

tmux's screen can only be polled (a client process per look), which is too coarse for a 16 ms
target. Here the app writes into our pty, every read is timestamped the moment select() says output
is there, and the emulated 120×40 screen is checked after each read. A latency is the time from
just before the key byte is written to the first read after which the screen shows the new state.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import signal
import struct
import termios
import time
from collections.abc import Callable
from types import TracebackType

import pyte

from benchmarks.environment import COLS, ROWS
from benchmarks.processes import peak_memory

Lines = list[str]


class ScreenTimeout(Exception):
    def __init__(self, message: str, screen: Lines) -> None:
        super().__init__(f"{message}\n--- last screen ---\n" + "\n".join(screen))
        self.screen = screen


class PtyApp:
    """`argv` running on a 120×40 pty; use as a context manager (it is killed on exit)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv = argv
        self.env = env
        self.screen = pyte.Screen(COLS, ROWS)
        self._stream = pyte.ByteStream(self.screen)
        self.pid = 0
        self._fd = -1
        self.closed = False
        """The app closed the terminal (it exited)."""
        self._reaped = False

    def __enter__(self) -> PtyApp:
        pid, fd = os.forkpty()
        if pid == 0:  # the child: size the terminal, then become the app
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.execve(self.argv[0], self.argv, self.env)
            finally:
                os._exit(127)
        self.pid, self._fd = pid, fd
        os.set_blocking(fd, False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._reaped:
            self._kill()
        os.close(self._fd)

    def lines(self) -> Lines:
        return self.screen.display

    def peak_memory(self) -> int:
        return peak_memory(self.pid)

    def send(self, data: bytes) -> float:
        """Write `data` as typed keys; returns the clock just before the write."""
        started = time.perf_counter()
        os.write(self._fd, data)
        return started

    def _pump(self, timeout: float) -> float | None:
        """Wait up to `timeout` for output, read all of it into the screen.

        Returns the time select() reported the output (or None if there was none).
        """
        ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        arrived = time.perf_counter()
        chunks = []
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError as exc:  # EIO: the app closed the terminal (it exited)
                if exc.errno != errno.EIO:
                    raise
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            chunks.append(chunk)
        if chunks:
            self._stream.feed(b"".join(chunks))
        return arrived

    def wait_for(self, predicate: Callable[[Lines], bool], timeout: float, what: str) -> float:
        """Read until `predicate(screen)`; returns when the output that made it true arrived."""
        if predicate(self.lines()):
            return time.perf_counter()
        deadline = time.perf_counter() + timeout
        while True:
            arrived = self._pump(deadline - time.perf_counter())
            if arrived is not None and predicate(self.lines()):
                return arrived
            if self.closed:
                raise ScreenTimeout(f"the app exited while waiting for {what}", self.lines())
            if time.perf_counter() > deadline:
                raise ScreenTimeout(
                    f"timed out after {timeout:g} s waiting for {what}", self.lines()
                )

    def settle(self, quiet: float, timeout: float = 5.0) -> None:
        """Read until the app has written nothing for `quiet` seconds (or `timeout` passed)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and not self.closed:
            if self._pump(quiet) is None:
                return

    def quit(self, keys: bytes, timeout: float = 5.0) -> None:
        """Quit with the app's own keys; kill it if it has not gone within `timeout`."""
        self.send(keys)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self._pump(0.05)
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.closed = self._reaped = True
                return
        self._kill()

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.closed = self._reaped = True
