"""Run a command and measure it: wall time and peak memory (ru_maxrss of the child via wait4)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_bytes: int
    returncode: int
    timed_out: bool
    stderr: str


def run_measured(
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    stdout: Path | None = None,
) -> Run:
    """Start `argv`, wait for it with wait4 and return its wall time and ru_maxrss.

    The clock runs from just before the spawn to the moment wait4 returns, so interpreter start-up
    and shutdown count. stdout goes to `stdout` (or /dev/null); the process group is killed if it
    outlives `timeout`.
    """
    out_path = stdout or Path(os.devnull)
    with out_path.open("wb") as out, (cwd / ".stderr").open("w+b") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it, not Popen
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(
        seconds=seconds,
        peak_bytes=usage.ru_maxrss * 1024,  # Linux reports KiB
        returncode=proc.returncode,
        timed_out=timed_out.is_set(),
        stderr=stderr[-2000:],
    )


def peak_memory(pid: int) -> int:
    """VmHWM (peak resident set size) of a running process, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def is_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
