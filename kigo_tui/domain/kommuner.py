"""The 98 Danish kommuner and their official three-digit codes (shipped in `seed/kommuner.csv`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from kigo_tui.domain.seed import seed_file

KOMMUNER_FILE = "kommuner.csv"


@dataclass(frozen=True)
class Kommune:
    code: str
    name: str
    region: str


@cache
def all_kommuner() -> tuple[Kommune, ...]:
    text = seed_file(KOMMUNER_FILE).read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    return tuple(
        Kommune(r["kommunekode"].strip(), r["navn"].strip(), r["region"].strip()) for r in rows
    )


def find_kommune(code: str) -> Kommune | None:
    """The kommune with this code; '0101' and '101' are the same code."""
    wanted = code.strip().lstrip("0")
    for kommune in all_kommuner():
        if kommune.code.lstrip("0") == wanted:
            return kommune
    return None
