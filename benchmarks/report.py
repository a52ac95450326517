"""What a run leaves: the results as JSON (benchmarks/results/latest.json), read back for rendering."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.figures import Figure, Figures
from benchmarks.suite import Results
from benchmarks.targets import BIG, Outcome, evaluate

SCHEMA = 1


@dataclass
class Report:
    """What a run leaves: enough to render every table again without measuring."""

    machine: dict
    config: dict
    comparison: dict
    figures: Figures
    outcomes: list[Outcome]
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "machine": self.machine,
            "config": self.config,
            "comparison": self.comparison,
            "seconds": round(self.seconds, 1),
            "figures": [f.to_json() for f in self.figures.values()],
            "targets": [o.to_json() for o in self.outcomes],
        }

    @classmethod
    def from_results(cls, results: Results) -> Report:
        figures, tasks = results.figures, results.config.compare_tasks
        return cls(
            results.machine,
            asdict(results.config),
            results.comparison,
            figures,
            evaluate(figures, tasks),
            results.seconds,
        )

    @classmethod
    def from_json(cls, data: dict) -> Report:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unknown results schema {data.get('schema')!r}")
        figures = Figures()
        for item in data["figures"]:
            figures.add(Figure.from_json(item))
        dooit_tasks = int(data["comparison"].get("tasks") or BIG)
        return cls(
            data["machine"],
            data["config"],
            data["comparison"],
            figures,
            evaluate(figures, dooit_tasks),
            float(data.get("seconds", 0)),
        )


def write_json(report: Report, path: Path) -> None:
    """Write atomically (a .tmp beside it, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    os.replace(temp, path)


def read_json(path: Path) -> Report:
    return Report.from_json(json.loads(path.read_text()))
