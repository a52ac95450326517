"""The fixed facts every test shares: "today" and the go-live dates the seeded databases use."""

from __future__ import annotations

from datetime import date

FIXED_TODAY = date(2026, 11, 23)
GOLIVES = {"STS": date(2026, 12, 1), "SAPA": date(2027, 3, 1), "KY": date(2027, 9, 1)}
