"""Demo data for a newcomer: go-live dates around today and statuses so every colour occurs."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kigo_tui.domain.catalogue import Catalogue
from kigo_tui.domain.kommuner import Kommune
from kigo_tui.domain.rules import Colour, Status
from kigo_tui.storage.store import Store

DEMO_GOLIVE_DAYS = {"STS": -45, "SAPA": 20, "KY": 75, "KSD": 160}
"""Go-live per project relative to today: STS live, SAPA close, KY and KSD ahead."""


def _demo_status(
    rng: random.Random, start: date | None, due: date | None, warn: int, today: date
) -> Status:
    if due is None:
        return Status.NOT_STARTED
    if due < today:
        roll = rng.random()
        return (
            Status.DONE
            if roll < 0.86
            else Status.IN_PROGRESS
            if roll < 0.93
            else Status.NOT_STARTED
        )
    if due - timedelta(days=warn) <= today:
        return Status.NOT_STARTED if rng.random() < 0.5 else Status.IN_PROGRESS
    if start is not None and start <= today:
        return Status.IN_PROGRESS if rng.random() < 0.4 else Status.NOT_STARTED
    return Status.NOT_STARTED


def make_demo(
    store: Store, kommune: Kommune, catalogue: Catalogue, today: date
) -> dict[Colour, int]:
    """Initialise `store` as a demo kommune; returns how many tasks got each colour."""
    golives = {code: today + timedelta(days=days) for code, days in DEMO_GOLIVE_DAYS.items()}
    store.initialise(kommune, golives, catalogue)
    rng = random.Random(int(kommune.code))
    colours = dict.fromkeys(Colour, 0)
    for task in store.snapshot().tasks:
        status = _demo_status(rng, task.start, task.due, task.warn_days, today)
        if status != task.status:
            task = store.set_status(task.id, status)
        colours[task.colour(today)] += 1
    return colours
