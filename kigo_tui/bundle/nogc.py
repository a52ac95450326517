"""Pause Python's cyclic garbage collector while a batch builds many objects that all stay alive.

Export and verify create hundreds of thousands of dicts, models and strings at 50,000 tasks. Each
allocation burst triggers a collection that walks every live object again (the snapshot, the tree,
the models), which more than doubled the time of pydantic's validation. None of these objects form
reference cycles that must be freed early, so the collector waits until the batch is done.

The switch is process-wide: while the TUI exports in a worker thread, the UI thread's collector
waits too (for about a second), which costs nothing but a little memory. Pauses may nest and
overlap; only the one that found the collector on turns it back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
