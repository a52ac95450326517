"""The run: make the data, then measure everything round-robin so the floor shares the noise.

Every round measures each figure once, in the same order (floor first); the first `warmup` rounds
are thrown away. A figure that fails (a timeout, a crash, a screen that never shows what we wait
for) keeps its error and is not tried again, so one slow command cannot stall the rest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import datasets
from benchmarks.compare import dooit_app as dooit
from benchmarks.compare import taskwarrior
from benchmarks.environment import isolated_env
from benchmarks.figures import Figure, Figures
from benchmarks.machine import machine_info
from benchmarks.paths import FLOOR_APP, KIGO, PYTHON
from benchmarks.processes import run_measured
from benchmarks.pty_term import ScreenTimeout
from benchmarks.screens import all_present, count_after, kigo_tree_painted
from benchmarks.tmux import StartTimeout, TmuxServer
from benchmarks.tui import ToggleTarget, TuiSpec, measure_keypresses, measure_start

Log = Callable[[str], None]
Sample = tuple[list[float], int]
"""Seconds (one or more) and a peak memory in bytes, from one measurement."""

START_TIMEOUT = 60.0
"""Seconds a TUI may take to its first paint (or a key to its repaint) before it counts as failed."""


@dataclass(frozen=True)
class SuiteConfig:
    sizes: tuple[int, ...] = (400, 10_000, 50_000)
    keypress_sizes: tuple[int, ...] | None = None
    """The sizes the keypress benchmark runs at (None: all of `sizes`)."""
    runs: int = 5
    warmup: int = 1
    presses: int = 30
    """Space presses per keypress run (alternating done and undone)."""
    bundles: int = 98
    bundle_tasks: int = 400
    compare: bool = True
    """Also measure dooit and taskwarrior (installs them on first use: needs the network)."""
    compare_tasks: int = 50_000
    timeout: float = 120.0
    """Seconds one run of a command may take; beyond that it is killed and reported as failed."""
    today: str = "2026-11-23"


@dataclass
class Results:
    config: SuiteConfig
    machine: dict[str, object]
    figures: Figures
    comparison: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Others:
    """The comparison programs that could be set up."""

    dooit: TuiSpec | None = None
    taskwarrior: tuple[str, dict[str, str]] | None = None
    """The `task` executable and its environment (TASKRC, TASKDATA)."""


class MeasureError(Exception):
    """A measurement that produced no figure; the message says why, in Danish."""


@dataclass
class Job:
    figure: Figure
    measure: Callable[[], Sample]
    warm_up: bool = True
    """Run in the warm-up rounds too (False: an earlier job of the round already warmed it)."""


def floor_spec(env: dict[str, str]) -> TuiSpec:
    return TuiSpec(
        program="gulv",
        argv=[str(PYTHON), str(FLOOR_APP)],
        env=env,
        painted=all_present([count_after("gulv")]),
        quit_keys=b"q",
        toggle=ToggleTarget(task_label="gulv", ancestor_labels=["gulv"]),
    )


def kigo_spec(data: datasets.KigoDataset, env: dict[str, str], today: str) -> TuiSpec:
    return TuiSpec(
        program="kigo",
        argv=[str(KIGO), "--db", str(data.db), "--today", today],
        env=env,
        painted=kigo_tree_painted(data.kommune),
        quit_keys=b"q",
        toggle=data.toggle,
    )


class Suite:
    """One run of the benchmark in `workdir` (a temporary folder)."""

    def __init__(self, config: SuiteConfig, workdir: Path, log: Log) -> None:
        self.config = config
        self.workdir = workdir
        self.log = log
        self.figures = Figures()
        self.jobs: list[Job] = []
        self.comparison: dict[str, object] = {"ran": False, "reason": "--no-compare"}
        self.homes = workdir / "homes"

    def env(self, program: str, **extra: str) -> dict[str, str]:
        return isolated_env(self.homes / program, **extra)

    # --- jobs ----------------------------------------------------------------------------------

    def add(self, figure: Figure, measure: Callable[[], Sample], warm_up: bool = True) -> None:
        self.jobs.append(Job(self.figures.add(figure), measure, warm_up))

    def start_job(self, tmux: TmuxServer, spec: TuiSpec, key: str, tasks: int | None) -> None:
        def measure() -> Sample:
            try:
                start = measure_start(tmux, spec, START_TIMEOUT)
            except StartTimeout as exc:
                raise MeasureError(f"intet første billede: {str(exc).splitlines()[0]}") from exc
            return [start.seconds], start.peak_bytes

        floor = None if key == "start/floor" else "start/floor"
        self.add(Figure(key, "start → første billede", spec.program, tasks, floor), measure)

    def keypress_job(self, spec: TuiSpec, key: str, tasks: int | None) -> None:
        def measure() -> Sample:
            try:
                run = measure_keypresses(spec, self.config.presses, START_TIMEOUT)
            except (ScreenTimeout, LookupError) as exc:
                raise MeasureError(f"tasten blev ikke set: {str(exc).splitlines()[0]}") from exc
            return run.latencies, run.peak_bytes

        floor = None if key == "keypress/floor" else "keypress/floor"
        what = "mellemrum → opgave og forfædre gentegnet"
        # The round's start job has already warmed this program and its data up.
        figure = Figure(key, what, spec.program, tasks, floor, show_p95=True)
        self.add(figure, measure, warm_up=False)

    def command_job(
        self,
        key: str,
        what: str,
        program: str,
        argv: list[str],
        env: dict[str, str],
        tasks: int | None,
        needs: Path | None = None,
    ) -> None:
        """A command timed from spawn to exit, read against the floor's start."""

        def measure() -> Sample:
            if needs is not None and not needs.exists():
                raise MeasureError(f"{needs.name} findes ikke (kommandoen før fejlede)")
            try:
                run = run_measured(argv, env, self.workdir, self.config.timeout)
            except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
                raise MeasureError(f"kunne ikke køres: {exc}") from exc
            if run.timed_out:
                self.figures[key].at_least_s = self.config.timeout
                raise MeasureError(f"over {self.config.timeout:g} s (afbrudt)")
            if run.returncode != 0:
                last = (run.stderr.strip().splitlines() or [""])[-1]
                raise MeasureError(f"exitkode {run.returncode}: {last}")
            return [run.seconds], run.peak_bytes

        self.add(Figure(key, what, program, tasks, "start/floor"), measure)

    # --- the run -------------------------------------------------------------------------------

    def prepare_kigo(self) -> list[datasets.KigoDataset]:
        env = self.env("kigo")
        out = []
        for tasks in self.config.sizes:
            self.log(f"database med {tasks} opgaver …")
            out.append(
                datasets.kigo_dataset(
                    self.workdir, tasks, self.config.today, env, self.config.timeout
                )
            )
        return out

    def prepare_bundles(self) -> Path | None:
        if not self.config.bundles:
            return None
        self.log(f"{self.config.bundles} statusbundter à {self.config.bundle_tasks} opgaver …")
        return datasets.make_bundles(
            self.workdir / "bundles",
            self.config.bundles,
            self.config.bundle_tasks,
            self.config.today,
            timeout=max(600.0, self.config.timeout),
        )

    def prepare_comparison(self) -> Others:
        """dooit and taskwarrior with `compare_tasks` items; records why when one cannot run."""
        n = self.config.compare_tasks
        self.comparison = {"ran": True, "reason": None, "tasks": n}
        others = Others()
        try:
            bin_dir = dooit.ensure_installed(self.log)
            env = self.env("dooit")
            self.log(f"dooit-database med {n} opgaver …")
            dooit.make_database(bin_dir, Path(env["XDG_DATA_HOME"]), n, self.config.timeout)
            self.comparison["dooit"] = {
                "version": dooit.VERSION,
                "textual": dooit.textual_version(bin_dir),
            }
            others.dooit = dooit.dooit_spec(bin_dir, env)
        except (OSError, subprocess.SubprocessError) as exc:  # e.g. no network for pip
            self.comparison["dooit"] = {"error": f"{type(exc).__name__}: {exc}"}
        task = taskwarrior.find_task(install=True, log=self.log)
        if task is None:
            self.comparison["taskwarrior"] = {"error": "task findes ikke og kunne ikke installeres"}
            return others
        try:
            self.log(f"taskwarrior-data med {n} opgaver …")
            rc = taskwarrior.write_data(self.workdir / "taskwarrior", n)
            env = taskwarrior.task_env(self.env("taskwarrior"), rc)
            taskwarrior.check_count(task, env, n, self.config.timeout)
            self.comparison["taskwarrior"] = {"version": taskwarrior.version(task)}
            others.taskwarrior = (task, env)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            self.comparison["taskwarrior"] = {"error": f"{type(exc).__name__}: {exc}"}
        return others

    def add_jobs(
        self,
        tmux: TmuxServer,
        data: list[datasets.KigoDataset],
        bundles: Path | None,
        others: Others,
    ) -> None:
        """Every measurement, in the order each round makes them (each floor before its kind)."""
        env, today, n = self.env("kigo"), self.config.today, self.config.compare_tasks
        floor = floor_spec(self.env("floor"))
        self.start_job(tmux, floor, "start/floor", None)
        for d in data:
            self.start_job(tmux, kigo_spec(d, env, today), f"start/kigo/{d.tasks}", d.tasks)
        if others.dooit is not None:
            self.start_job(tmux, others.dooit, f"start/dooit/{n}", n)
        self.keypress_job(floor, "keypress/floor", None)
        for d in data:
            if self.config.keypress_sizes is None or d.tasks in self.config.keypress_sizes:
                self.keypress_job(kigo_spec(d, env, today), f"keypress/kigo/{d.tasks}", d.tasks)
        python = [str(PYTHON), "-c", "pass"]
        self.command_job("python", "python -c pass", "python", python, env, None)
        exports = self.workdir / "exports"
        exports.mkdir(exist_ok=True)
        for d in data:
            db = [str(KIGO), "--db", str(d.db), "--today", today]
            bundle = exports / f"kigo-{d.tasks}.zip"
            status = [*db, "status", "--json"]
            export = [*db, "export", "--out", str(bundle), "--force"]
            verify = [str(KIGO), "verify", str(bundle)]
            self.command_job(
                f"status/{d.tasks}", "kigo status --json", "kigo", status, env, d.tasks
            )
            self.command_job(f"export/{d.tasks}", "kigo export", "kigo", export, env, d.tasks)
            self.command_job(
                f"verify/{d.tasks}", "kigo verify", "kigo", verify, env, d.tasks, needs=bundle
            )
            page = exports / f"rapport-{d.tasks}.html"
            report = [*db, "report", "--out", str(page), "--force"]
            self.command_job(f"report/{d.tasks}", "kigo report", "kigo", report, env, d.tasks)
        if bundles is not None:
            count = self.config.bundles
            out = self.workdir / "nationalt.xlsx"
            aggregate = [str(KIGO), "aggregate", str(bundles), "--out", str(out), "--force"]
            what = f"kigo aggregate ({count} bundter à {self.config.bundle_tasks} opgaver)"
            self.command_job(f"aggregate/{count}", what, "kigo", aggregate, env, None)
            page = self.workdir / "nationalt.html"
            national = [str(KIGO), "aggregate", str(bundles), "--out", str(page), "--force"]
            what = (
                f"kigo aggregate --out .html ({count} bundter à {self.config.bundle_tasks} opgaver)"
            )
            self.command_job(f"aggregate-html/{count}", what, "kigo", national, env, None)
            # The same command over one of those bundles: memory must not grow with the count.
            single = self.workdir / "bundles-1"
            single.mkdir(exist_ok=True)
            first = min(bundles.glob("*.zip"))
            shutil.copy(first, single / first.name)
            one = [str(KIGO), "aggregate", str(single), "--out", str(out), "--force"]
            what = f"kigo aggregate (1 bundt à {self.config.bundle_tasks} opgaver)"
            self.command_job("aggregate/1", what, "kigo", one, env, None)
        if others.taskwarrior is not None:
            task, task_env = others.taskwarrior
            for name, args in taskwarrior.REPORTS.items():
                self.command_job(
                    f"taskwarrior/{name}/{n}",
                    f"task {' '.join(args)}",
                    "taskwarrior",
                    [task, *args],
                    task_env,
                    n,
                )

    def run(self) -> Results:
        started = time.perf_counter()
        machine = machine_info()
        data = self.prepare_kigo()
        bundles = self.prepare_bundles()
        others = self.prepare_comparison() if self.config.compare else Others()
        with TmuxServer(self.env("tmux")) as tmux:
            self.add_jobs(tmux, data, bundles, others)
            self.rounds()
        return Results(
            self.config, machine, self.figures, self.comparison, time.perf_counter() - started
        )

    def rounds(self) -> None:
        total = self.config.warmup + self.config.runs
        for number in range(total):
            label = "opvarmning" if number < self.config.warmup else "runde"
            for job in self.jobs:
                figure = job.figure
                warming = number < self.config.warmup
                if figure.error is not None or (warming and not job.warm_up):
                    continue
                try:
                    seconds, peak = job.measure()
                except MeasureError as exc:
                    figure.error = str(exc)
                    self.log(f"{label} {number + 1}/{total}: {figure.key}: {exc}")
                    continue
                if not warming:
                    figure.seconds.extend(seconds)
                    figure.peaks.append(peak)
                self.log(
                    f"{label} {number + 1}/{total}: {figure.key}: "
                    f"{1000 * sum(seconds) / len(seconds):.1f} ms, {peak >> 20} MiB"
                )


def stderr_log() -> Log:
    """Progress on stderr, each line with the seconds since the run began."""
    began = time.perf_counter()

    def log(line: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {line}", file=sys.stderr, flush=True)

    return log


def run_suite(config: SuiteConfig, log: Log | None = None, workdir: Path | None = None) -> Results:
    """Run the suite in a temporary folder (or `workdir`) and return its figures."""
    log = log or stderr_log()
    if workdir is not None:
        return Suite(config, workdir, log).run()
    with tempfile.TemporaryDirectory(prefix="kigo-bench-") as tmp:
        return Suite(config, Path(tmp), log).run()
