"""Deterministic zip archives: fixed timestamps and attributes, so the bytes depend on the data only."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this time (the earliest a zip can hold)."""


def zip_entry(name: str, *, compress: bool = True) -> zipfile.ZipInfo:
    """A regular file entry (mode 0644, Unix) with the fixed timestamp."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    return info


def zip_bytes(
    entries: Iterable[tuple[zipfile.ZipInfo, bytes]], *, compresslevel: int | None = None
) -> bytes:
    """An archive with exactly these entries, in this order; deflated at `compresslevel` (1–9,
    None for zlib's default, 6)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data, compresslevel=compresslevel)
    return out.getvalue()
