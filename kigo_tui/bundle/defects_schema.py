"""`defects.json` (optional in the bundle): the defect log measured against the agreed SLA.

Validated on export and by `kigo verify`: timestamps in order, status agreeing with them, and the
per-project figures agreeing with the defects listed. The kommune's own notes are not included
(free text may hold personal data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kigo_tui.domain.defect_labels import DefectStatus, Severity
from kigo_tui.domain.seed import ProjectCode

Hours = Annotated[float, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlaTargetOut(_Model):
    severity: Severity
    response_hours: Annotated[float, Field(gt=0)]
    resolution_hours: Annotated[float, Field(gt=0)]


class DefectOut(_Model):
    id: Annotated[int, Field(ge=1)]
    project: ProjectCode
    title: Annotated[str, Field(min_length=1)]
    severity: Severity
    status: DefectStatus
    reported_at: datetime
    responded_at: datetime | None
    fixed_at: datetime | None
    supplier_ref: str
    open: bool
    age_hours: Hours
    response_hours_used: Hours
    resolution_hours_used: Hours
    response_deadline: datetime
    resolution_deadline: datetime
    response_breached: bool
    resolution_breached: bool

    @model_validator(mode="after")
    def _consistent(self) -> DefectOut:
        if self.responded_at is not None and self.responded_at < self.reported_at:
            raise ValueError("responded_at ligger før reported_at")
        if self.fixed_at is not None and self.fixed_at < self.reported_at:
            raise ValueError("fixed_at ligger før reported_at")
        if (self.status == DefectStatus.FIXED) != (self.fixed_at is not None):
            raise ValueError("status 'fixed' og fixed_at skal følges ad")
        if self.status == DefectStatus.REPORTED and self.responded_at is not None:
            raise ValueError("en fejl med status 'reported' kan ikke have responded_at")
        if self.open != (self.fixed_at is None):
            raise ValueError("open skal være sand netop når fixed_at mangler")
        return self


class DefectFiguresOut(_Model):
    project: ProjectCode | Literal["Alle"]
    total: Annotated[int, Field(ge=0)]
    open: Annotated[int, Field(ge=0)]
    breached: Annotated[int, Field(ge=0)]
    open_breached: Annotated[int, Field(ge=0)]
    median_fix_hours: Hours | None


class DefectsDocument(_Model):
    """The defects reported by `measured_at` (the end of the bundle's date), as they stood then."""

    measured_at: datetime
    working_days: bool
    """true: the SLA counts weekdays only (no weekends, no Danish public holidays)."""
    targets: list[SlaTargetOut]
    defects: list[DefectOut]
    figures: list[DefectFiguresOut]

    @model_validator(mode="after")
    def _figures_match(self) -> DefectsDocument:
        if {t.severity for t in self.targets} != set(Severity):
            raise ValueError("targets skal have én række for hver alvorlighed")
        for defect in self.defects:
            if defect.reported_at > self.measured_at:
                raise ValueError(f"fejl {defect.id} er indberettet efter measured_at")
        if len({d.id for d in self.defects}) != len(self.defects):
            raise ValueError("en fejl står der to gange")
        for figures in self.figures:
            rows = [d for d in self.defects if figures.project in ("Alle", d.project)]
            counted = dict(
                total=len(rows),
                open=sum(d.open for d in rows),
                breached=sum(d.response_breached or d.resolution_breached for d in rows),
                open_breached=sum(
                    d.open and (d.response_breached or d.resolution_breached) for d in rows
                ),
            )
            for name, value in counted.items():
                if getattr(figures, name) != value:
                    raise ValueError(
                        f"figures for {figures.project}: {name} er {getattr(figures, name)}, "
                        f"men fejllisten giver {value}"
                    )
        return self
