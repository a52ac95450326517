"""Save the status bundle from an open store: everything the bundle holds, read and written in
one go (the TUI's `x`; the same parts as `kigo export`), into the export folder.

Runs in a worker thread; never overwrites a file unless asked (`AlreadyThere` says it exists).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kigo_tui.bundle.export import ExportResult, export_bundle, target_path

if TYPE_CHECKING:
    from kigo_tui.domain.sla_settings import SlaSettings
    from kigo_tui.storage.store import Store


@dataclass(frozen=True)
class AlreadyThere:
    """The bundle's file exists: ask before `save_bundle(..., force=True)`."""

    path: Path


def save_bundle(
    store: Store,
    as_of: date,
    folder: Path | None,
    sla: SlaSettings | None = None,
    *,
    force: bool = False,
    with_contacts: bool = False,
) -> ExportResult | AlreadyThere:
    """Write the bundle of `store` as of `as_of` into `folder` (made if missing; None: the user's
    documents folder, never the current one) under its standard name, with the organisation, the
    exit strategy, the progress and the defect log."""
    from kigo_tui.bundle.extras import bundle_extras
    from kigo_tui.locations import export_dir
    from kigo_tui.storage.exit_strategy import list_areas
    from kigo_tui.storage.organisation import read_organisation

    folder = export_dir() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    snapshot = store.snapshot()
    path = target_path(f"{folder}{os.sep}", snapshot.kommune_code, as_of)
    if path.exists() and not force:
        return AlreadyThere(path)
    return export_bundle(
        snapshot,
        as_of,
        path,
        force=force,
        organisation=read_organisation(store),
        with_contacts=with_contacts,
        exit_areas=list_areas(store),
        **bundle_extras(store, snapshot, as_of, sla),
    )
