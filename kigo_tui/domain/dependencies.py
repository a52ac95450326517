"""Which projects build on which, and where a kommune's go-live dates contradict it. Pure rules.

Our reading of the seeds (DOMAIN.md): SAPA, KY and KSD all build on the støttesystemer (STS).
Their users log in through STS's adgangsstyring, SAPA shows the cases the fagsystemer deliver to
the Sags- og dokumentindeks, and KY and KSD fetch data through Serviceplatformen; seed 004 names
"Støttesystemerne og SAPA" together whenever it times the KMD Sag exit. So STS must be in
operation before each of them goes live. Nothing in the seeds makes KY and KSD depend on each
other or on SAPA.

A project without a go-live date contradicts nothing: the check waits until both dates are set.
No Textual, Rich or SQL here; the TUI's header and detail (kommune and project), `kigo init`,
`kigo golive` and `kigo status` show the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kigo_tui.domain.dates import danish_date
from kigo_tui.domain.seed import PROJECT_CODES

REQUIRES: Mapping[str, tuple[str, ...]] = {
    "SAPA": ("STS",),
    "KY": ("STS",),
    "KSD": ("STS",),
}
"""Project → the projects that must be in operation before it goes live."""

FOUNDATION_NAMES: Mapping[str, str] = {"STS": "støttesystemerne"}
"""How a required project is named in a sentence ("SAPA bygger på støttesystemerne")."""


@dataclass(frozen=True, slots=True)
class GoliveConflict:
    """`project` goes live on or before `required`, which it builds on."""

    project: str
    golive: date
    required: str
    required_golive: date

    def involves(self, code: str) -> bool:
        return code in (self.project, self.required)

    @property
    def message(self) -> str:
        """The full Danish sentence, with both dates and the reason."""
        if self.golive == self.required_golive:
            when = (
                f"{self.project} og {self.required} går i drift samme dag, "
                f"{danish_date(self.golive)}"
            )
        else:
            when = (
                f"{self.project} går i drift {danish_date(self.golive)}, men {self.required} "
                f"først {danish_date(self.required_golive)}"
            )
        name = FOUNDATION_NAMES.get(self.required, self.required)
        return (
            f"{when}. {self.project} bygger på {name}, så {self.required} skal være i drift "
            f"før {self.project}."
        )


def golive_conflicts(golives: Mapping[str, date | None]) -> list[GoliveConflict]:
    """Every dependency the go-live dates contradict, in the projects' order.

    A dependent project must go live strictly after the project it builds on; the same day is a
    contradiction too (the foundation is not yet running when the users log in).
    """
    conflicts = []
    for project in PROJECT_CODES:
        golive = golives.get(project)
        if golive is None:
            continue
        for required in REQUIRES.get(project, ()):
            required_golive = golives.get(required)
            if required_golive is not None and required_golive >= golive:
                conflicts.append(GoliveConflict(project, golive, required, required_golive))
    return conflicts


def short_summary(conflicts: list[GoliveConflict]) -> str:
    """One short phrase for a one-line header: 'STS skal i drift før SAPA og KY'; '' for none."""
    by_required: dict[str, list[str]] = {}
    for conflict in conflicts:
        by_required.setdefault(conflict.required, []).append(conflict.project)
    parts = [
        f"{required} skal i drift før {_and_list(projects)}"
        for required, projects in by_required.items()
    ]
    return "; ".join(parts)


def _and_list(items: list[str]) -> str:
    """'SAPA', 'SAPA og KY', 'SAPA, KY og KSD'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"
