"""Run one command and report its wall time and peak memory: a small parent on purpose.

    python -I -S benchmarks/launcher.py REPORT TIMEOUT ARGV...

A forked child's ru_maxrss includes the resident memory its parent had at the fork (Linux keeps the
old address space's high-water mark across exec), so a command started straight from the suite
would report at least the suite's own size. Started from this launcher, run without `site` and
importing only built-in modules (about 8 MiB), the child's figure is its own. The clock runs from
just before the fork to the moment wait4 returns. The child gets its own session, and is killed
with its process group after TIMEOUT seconds. REPORT receives `seconds maxrss_kib exit timed_out`.
"""

import os
import signal
import sys
import time


def main() -> None:
    report, timeout, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    timed_out = []
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.execv(argv[0], argv)
        finally:
            os._exit(127)

    def kill(signum: int, frame: object) -> None:
        timed_out.append(True)
        try:  # noqa: SIM105 (contextlib would grow this process; built-in modules only)
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGALRM, kill)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    seconds = time.perf_counter() - started
    signal.setitimer(signal.ITIMER_REAL, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(report, "w") as out:
        out.write(f"{seconds!r} {usage.ru_maxrss} {code} {int(bool(timed_out))}\n")


if __name__ == "__main__":
    main()
