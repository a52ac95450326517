"""`[sla]` in config.toml: the service level agreed with the supplier, per severity, validated
with pydantic; and the Danish phrase for a pydantic error about the config.

Imported only when a config file is read or the defect log needs its targets, so a start without
a config file does not load pydantic.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    field_validator,
    model_validator,
)

from kigo_tui.domain.defect_labels import DEFAULT_TARGET_HOURS, SEVERITY_LABELS, Severity

MAX_SLA_HOURS = 24 * 366
TARGET_NAMES = ("response_hours", "resolution_hours")


class SlaTarget(BaseModel):
    """The agreed service level for one severity: hours until the supplier responds and fixes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_hours: float = Field(gt=0, le=MAX_SLA_HOURS)
    """From reported to the supplier's first response (status 'under behandling')."""

    resolution_hours: float = Field(gt=0, le=MAX_SLA_HOURS)
    """From reported to fixed (status 'rettet'); a reopened defect keeps its original start."""

    @model_validator(mode="after")
    def _response_first(self) -> SlaTarget:
        if self.response_hours > self.resolution_hours:
            raise ValueError(
                f"svartiden (response_hours = {self.response_hours:g}) er længere end "
                f"løsningstiden (resolution_hours = {self.resolution_hours:g}); leverandøren skal "
                "svare, før fejlen er rettet"
            )
        return self


def _default_target(severity: Severity) -> SlaTarget:
    response, resolution = DEFAULT_TARGET_HOURS[severity]
    return SlaTarget(response_hours=response, resolution_hours=resolution)


class SlaSettings(BaseModel):
    """`[sla]` in config.toml: targets per severity (hours) and whether weekends count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    working_days: StrictBool = False
    """true: only time on weekdays counts (not Saturday, Sunday or Danish public holidays)."""

    critical: SlaTarget = Field(default_factory=lambda: _default_target(Severity.CRITICAL))
    major: SlaTarget = Field(default_factory=lambda: _default_target(Severity.MAJOR))
    minor: SlaTarget = Field(default_factory=lambda: _default_target(Severity.MINOR))
    cosmetic: SlaTarget = Field(default_factory=lambda: _default_target(Severity.COSMETIC))

    _given: frozenset[tuple[str, str]] = PrivateAttr(default=frozenset())
    """(severity, target) pairs config.toml set; the rest are kigo's examples."""

    @model_validator(mode="wrap")
    @classmethod
    def _remember_given(cls, data: Any, handler: Any) -> SlaSettings:
        """Note which targets the kommune wrote itself, so the examples can say they are ones."""
        settings: SlaSettings = handler(data)
        if isinstance(data, dict):
            settings._given = frozenset(
                (severity.value, name)
                for severity in Severity
                if isinstance(table := data.get(severity.value), dict | SlaTarget)
                for name in TARGET_NAMES
                if isinstance(table, SlaTarget) or name in table
            )
        elif isinstance(data, SlaSettings):
            settings._given = data._given
        return settings

    def __eq__(self, other: object) -> bool:
        """Equal targets are equal settings, whether config.toml or kigo's examples gave them."""
        if not isinstance(other, SlaSettings):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def is_example(self, severity: Severity) -> bool:
        """Is a target of `severity` still kigo's example (not set in config.toml)?

        Seed 003: kommuner must hold the supplier to the SLA that was agreed ("Kommunerne skal
        være mere kritiske over for om leverancen rent faktisk lever op til 'SLA'"); kigo's
        defaults are only a starting point until the kommune writes its contract's targets.
        """
        return any((severity.value, name) not in self._given for name in TARGET_NAMES)

    def examples(self) -> list[Severity]:
        """The severities whose targets are (wholly or partly) kigo's examples, most severe first."""
        return [severity for severity in Severity if self.is_example(severity)]

    @field_validator("critical", "major", "minor", "cosmetic", mode="before")
    @classmethod
    def _fill_defaults(cls, value: Any, info: Any) -> Any:
        """A table that sets only one of the two targets keeps the default for the other."""
        if isinstance(value, dict):
            response, resolution = DEFAULT_TARGET_HOURS[Severity(info.field_name)]
            return {"response_hours": response, "resolution_hours": resolution} | value
        return value

    @model_validator(mode="after")
    def _more_severe_is_faster(self) -> SlaSettings:
        for worse, milder in pairwise(Severity):
            for name in ("response_hours", "resolution_hours"):
                a, b = getattr(self.target(worse), name), getattr(self.target(milder), name)
                if a > b:
                    raise ValueError(
                        f"sla.{worse.value}.{name} ({a:g} t) er længere end "
                        f"sla.{milder.value}.{name} ({b:g} t): en {SEVERITY_LABELS[worse]} fejl "
                        f"skal håndteres mindst lige så hurtigt som en {SEVERITY_LABELS[milder]}"
                    )
        return self

    def target(self, severity: Severity) -> SlaTarget:
        target: SlaTarget = getattr(self, severity.value)
        return target


def danish_error(error: Any) -> str:
    """One pydantic error about the config as a short Danish phrase (the field is named apart)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    loc = tuple(error.get("loc") or ())
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "extra_forbidden" and len(loc) == 2 and loc[0] == "sla":
        known = ", ".join(s.value for s in Severity)
        return f"ukendt felt; [sla] kender working_days og alvorlighederne {known}"
    messages = {
        "extra_forbidden": "ukendt felt",
        "unexpected_keyword_argument": "ukendt felt",
        "missing": "mangler",
        "bool_type": "skal være true eller false",
        "bool_parsing": "skal være true eller false",
        "float_type": "skal være et tal",
        "float_parsing": "skal være et tal",
        "int_type": "skal være et helt tal",
        "int_parsing": "skal være et helt tal",
        "string_type": "skal være en tekst i anførselstegn",
        "dict_type": "skal være en tabel, fx [sla.critical]",
        "model_type": "skal være en tabel, fx [sla.critical]",
        "greater_than": f"skal være større end {_number(ctx.get('gt'))}",
        "less_than_equal": f"må højst være {_number(ctx.get('le'))}",
    }
    return messages.get(kind, str(error.get("msg", "ugyldig værdi")))


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
