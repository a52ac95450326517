"""Processes: a command's wall time and peak memory (via benchmarks/launcher.py), a TUI's VmHWM."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.paths import LAUNCHER, PYTHON


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
) -> Run:
    """Run `argv` through benchmarks/launcher.py and return its wall time and ru_maxrss.

    stdout goes to /dev/null, stderr is kept for the error message; the launcher
    kills the command's process group if it outlives `timeout`.
    """
    report = cwd / ".launcher-report"
    report.unlink(missing_ok=True)
    launcher = [str(PYTHON), "-I", "-S", str(LAUNCHER), str(report), repr(timeout), *argv]
    with (cwd / ".stderr").open("w+b") as err:
        subprocess.run(
            launcher,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            timeout=timeout + 30,
            check=False,
        )
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    try:
        seconds, maxrss, code, timed_out = report.read_text().split()
    except (FileNotFoundError, ValueError):
        raise RuntimeError(f"the launcher reported nothing: {stderr[-500:]}") from None
    return Run(
        seconds=float(seconds),
        peak_bytes=int(maxrss) * 1024,  # Linux reports KiB
        returncode=int(code),
        timed_out=timed_out == "1",
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
