"""A figure: one row of the table, with its raw samples and the floor it is read against."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from benchmarks.stats import median, percentile


@dataclass
class Figure:
    key: str
    what: str
    """What is measured, as the table says it (Danish)."""
    program: str
    tasks: int | None = None
    floor: str | None = None
    """Key of the figure this one is divided by in the ratio columns."""
    show_p95: bool = False
    seconds: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    """Peak memory per run, bytes."""
    error: str | None = None
    """Why the figure is missing or incomplete (a timeout, a crash)."""
    at_least_s: float | None = None
    """Set when a run was killed at the time limit: the figure is at least this many seconds."""

    @property
    def median_s(self) -> float | None:
        return median(self.seconds) if self.seconds else None

    @property
    def p95_s(self) -> float | None:
        return percentile(self.seconds, 95) if self.seconds else None

    @property
    def peak(self) -> int | None:
        return int(median(self.peaks)) if self.peaks else None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data |= {"median_s": self.median_s, "p95_s": self.p95_s, "peak_bytes": self.peak}
        return data

    @classmethod
    def from_json(cls, data: dict) -> Figure:
        fields = {k: v for k, v in data.items() if k not in ("median_s", "p95_s", "peak_bytes")}
        return cls(**fields)


class Figures(dict[str, Figure]):
    """All figures of a run by key, in the order they were added."""

    def add(self, figure: Figure) -> Figure:
        self[figure.key] = figure
        return figure

    def ratio(self, key: str, stat: str = "median_s") -> float | None:
        """The figure's statistic over its floor's (same statistic; memory for 'peak')."""
        figure = self.get(key)
        if figure is None or figure.floor is None or figure.floor not in self:
            return None
        value, base = getattr(figure, stat), getattr(self[figure.floor], stat)
        if value is None or not base:
            return None
        return value / base
