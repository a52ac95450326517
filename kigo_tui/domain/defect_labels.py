"""Severities and statuses of a defect reported to the supplier: codes (English) and Danish labels.

Kept apart from `defects` so the config can name the severities without importing the SLA clock.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Most severe first; the order is used to check that the SLA targets make sense."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    COSMETIC = "cosmetic"


class DefectStatus(StrEnum):
    REPORTED = "reported"
    """Indberettet: reported to the supplier, no answer yet (the response clock runs)."""
    ACKNOWLEDGED = "acknowledged"
    """Under behandling: the supplier has responded (responded_at); not fixed yet."""
    FIXED = "fixed"
    """Rettet: the supplier has delivered a fix (fixed_at); both clocks have stopped."""


SEVERITY_LABELS: dict[Severity, str] = {
    Severity.CRITICAL: "kritisk",
    Severity.MAJOR: "alvorlig",
    Severity.MINOR: "mindre alvorlig",
    Severity.COSMETIC: "kosmetisk",
}
SEVERITY_HINTS: dict[Severity, str] = {
    Severity.CRITICAL: "løsningen eller en forretningskritisk funktion kan ikke bruges",
    Severity.MAJOR: "en vigtig funktion fejler; der findes en besværlig omvej",
    Severity.MINOR: "en fejl med en rimelig omvej",
    Severity.COSMETIC: "tekst, layout og lignende uden betydning for sagsbehandlingen",
}
STATUS_LABELS: dict[DefectStatus, str] = {
    DefectStatus.REPORTED: "indberettet",
    DefectStatus.ACKNOWLEDGED: "under behandling",
    DefectStatus.FIXED: "rettet",
}
DEFAULT_TARGET_HOURS: dict[Severity, tuple[float, float]] = {
    Severity.CRITICAL: (2, 24),
    Severity.MAJOR: (8, 72),
    Severity.MINOR: (24, 240),
    Severity.COSMETIC: (72, 720),
}
"""(response, resolution) in hours per severity when config.toml says nothing."""


def parse_severity(text: str) -> Severity:
    """A severity from its code or its Danish label ('kritisk', 'mindre' …); ValueError in Danish."""
    word = text.strip().casefold()
    for severity in Severity:
        label = SEVERITY_LABELS[severity]
        if word in (severity.value, label, label.split()[0]):
            return severity
    raise ValueError(f"ukendt alvorlighed '{text}' (brug {severity_choices()})")


def parse_status(text: str) -> DefectStatus:
    """A status from its code or its Danish label; ValueError in Danish."""
    word = text.strip().casefold().replace("-", " ")
    for status in DefectStatus:
        label = STATUS_LABELS[status]
        if word in (status.value, label):
            return status
    raise ValueError(f"ukendt status '{text}' (brug {status_choices()})")


def severity_choices() -> str:
    return ", ".join(SEVERITY_LABELS[s].split()[0] for s in Severity)


def status_choices() -> str:
    return ", ".join(STATUS_LABELS[s] for s in DefectStatus)
