"""The file work that every file kigo writes or reads shares: a write that is atomic and never
replaces a device or a folder, and the entry count a zip file declares before it is opened (the
bundle, the workbook and the calendar file all come through here)."""

from __future__ import annotations

import os
import stat
import struct
import tempfile
from pathlib import Path

from kigo_tui.errors import KigoError


class ExportError(KigoError):
    pass


def _refuse_special(path: Path) -> None:
    """A device, a named pipe, a socket or a folder is never replaced by a file, not even with
    --force (renaming over /dev/null would replace the device for every program on the machine).
    A symbolic link is replaced as a link; what it points to is not touched."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ExportError(f"{path} kan ikke undersøges: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = (
            "en mappe"
            if stat.S_ISDIR(mode)
            else "ikke en almindelig fil (fx en enhed eller en pipe)"
        )
        raise ExportError(f"{path} er {kind} og erstattes ikke; vælg et filnavn; intet er gemt")


def write_atomically(path: Path, data: bytes, *, force: bool) -> None:
    """Write to a temporary file beside `path`, then rename; never overwrite without `force`."""
    _refuse_special(path)
    if path.exists() and not force:
        raise ExportError(f"{path} findes allerede; brug --force for at overskrive")
    if not path.parent.is_dir():
        raise ExportError(f"mappen {path.parent} findes ikke")
    try:
        handle, temp = tempfile.mkstemp(prefix=".kigo-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"kan ikke skrive i {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not force and path.exists():
            raise ExportError(f"{path} findes allerede; brug --force for at overskrive")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a bundle is an ordinary file
        _refuse_special(path)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ExportError(
            f"{path} kunne ikke skrives: {exc.strerror or exc}; intet er gemt"
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def declared_directory(path: Path, size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) as the end record says, zip64 included; None if absent.

    Read the way zipfile reads it (the zip64 end record directly before its locator), so the
    numbers are the ones zipfile would act on; anything it cannot parse it will reject itself.
    """
    end_size, locator_size, zip64_size = 22, 20, 56
    with path.open("rb") as stream:
        tail_start = max(0, size - end_size - 0xFFFF)
        stream.seek(tail_start)
        tail = stream.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < end_size:
            return None
        entries, directory = struct.unpack_from("<HI", tail, at + 10)
        locator = tail_start + at - locator_size
        if locator < zip64_size:
            return entries, directory
        stream.seek(locator - zip64_size)
        record = stream.read(zip64_size + locator_size)
    if record[zip64_size : zip64_size + 4] != b"PK\x06\x07" or record[:4] != b"PK\x06\x06":
        return entries, directory
    entries, directory = struct.unpack_from("<QQ", record, 32)
    return entries, directory
