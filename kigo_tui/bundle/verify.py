"""Verify a status bundle without trusting it: zip safety, manifest, hashes and schema.

Nothing is extracted to disk, and memory stays bounded whatever the bundle claims: the zip's end
record is read before zipfile builds an object per entry; every entry's header is checked
(name, type, size, ratio) before any data is read; the JSON documents are read whole only up to
their own limits, and counted before they are parsed; every other entry is hashed as it streams
and not kept. A hostile zip (path traversal, links, a zip bomb, lying headers, a huge directory
or document) is rejected with a message naming the entry, file or field.
"""

from __future__ import annotations

import hashlib
import json
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from kigo_tui.bundle.defects_schema import DefectsDocument
from kigo_tui.bundle.nogc import paused_gc
from kigo_tui.bundle.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ExitDocument,
    Manifest,
    OrganisationDocument,
    StatusDocument,
    status_schema,
    status_schema_bytes,
)
from kigo_tui.errors import KigoError
from kigo_tui.rules import task_colour
from kigo_tui.status import colour_word
from kigo_tui.times import end_of_day

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 16
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200
"""Largest uncompressed/compressed ratio for an entry over RATIO_FLOOR bytes (a zip bomb's mark)."""
RATIO_FLOOR = 1024 * 1024
MAX_DIRECTORY_BYTES = 1024 * 1024
"""Largest zip central directory: 16 entries need a few kB. zipfile builds an object of about
400 bytes per record of 47, before any limit here can look at the entries."""
MAX_MANIFEST_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
"""Largest JSON document that is parsed (status.json of 101 København, every task: 0.16 MB)."""
MAX_DOCUMENT_VALUES = 250_000
"""Most separators (, : [ {) in a JSON document, counted before parsing: an upper bound on its
values and containers, each a Python object of up to 90 bytes (the same status.json: 8,845)."""
MAX_STATUS_BYTES = 32 * 1024 * 1024
MAX_STATUS_VALUES = 2_000_000
"""status.json may be larger: a database of 50,000 tasks (the national-scale benchmark, 125 times
a real kommune) gives 21 MB and 1,084,969 separators; these limits admit about 90,000 tasks."""


def document_limits(name: str) -> tuple[int, int]:
    """(bytes, values) a JSON document of the bundle may have."""
    if name == "status.json":
        return MAX_STATUS_BYTES, MAX_STATUS_VALUES
    return MAX_DOCUMENT_BYTES, MAX_DOCUMENT_VALUES


MAX_OBJECT_KEYS = 64
"""Most keys in one JSON object (the widest model has 26 fields); each unknown one is an error."""
READ_CHUNK = 1024 * 1024
DOCUMENTS = (
    "status.json",
    "status.schema.json",
    "organisation.json",
    "sapa_exit.json",
    "defects.json",
)
"""The entries that are parsed, and so read whole; all others are only hashed."""
REQUIRED_FILES = ("status.json", "status.schema.json")
ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class BundleError(KigoError):
    """The bundle is not acceptable; the message starts with the bundle's path."""


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    manifest: Manifest
    status: StatusDocument
    files: dict[str, bytes]
    """manifest.json and the DOCUMENTS the bundle has, as read; other entries are not kept."""

    def summary(self) -> str:
        doc = self.status
        counts = doc.counts
        return (
            f"{self.path.name}: gyldig · {doc.kommune.name} ({doc.kommune.code}) pr. {doc.today} · "
            f"{counts.total} opgaver, {counts.done} fuldført · samlet {colour_word(doc.colour)}"
        )


def _fail(path: Path, message: str) -> BundleError:
    return BundleError(f"{path}: {message}")


def _check_name(path: Path, name: str) -> None:
    if "\\" in name:
        raise _fail(path, f"posten '{name}' indeholder en omvendt skråstreg")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _fail(path, f"posten '{name}' har en absolut sti")
    parts = PurePosixPath(name).parts
    if ".." in parts or "." in parts or not parts:
        raise _fail(path, f"posten '{name}' peger uden for bundtet ('..')")
    if name.endswith("/") or len(parts) != 1:
        raise _fail(path, f"posten '{name}' er en mappe eller ligger i en mappe")
    if any(ord(ch) < 32 for ch in name):
        raise _fail(path, f"posten {name!r} har kontroltegn i navnet")


def _check_entry(path: Path, info: zipfile.ZipInfo) -> None:
    _check_name(path, info.filename)
    mode = info.external_attr >> 16
    # Only the file-type bits matter; zip tools that store bare permissions (no type) are fine.
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise _fail(path, f"posten '{info.filename}' er et link eller ikke en almindelig fil")
    if info.flag_bits & 0x1:
        raise _fail(path, f"posten '{info.filename}' er krypteret")
    if info.compress_type not in ALLOWED_COMPRESSION:
        raise _fail(
            path, f"posten '{info.filename}' bruger en ukendt komprimering ({info.compress_type})"
        )
    if info.file_size > MAX_ENTRY_BYTES:
        raise _fail(path, f"posten '{info.filename}' er for stor ({info.file_size} bytes)")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _fail(
            path,
            f"posten '{info.filename}' pakker ud til {info.file_size} bytes fra "
            f"{info.compress_size} (zip-bombe?)",
        )


def _stream_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's data in chunks, at most the declared size + 1 byte (a lying header is caught)."""
    left = info.file_size + 1
    try:
        with archive.open(info) as stream:
            while left > 0 and (chunk := stream.read(min(READ_CHUNK, left))):
                left -= len(chunk)
                yield chunk
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,  # a name that is not UTF-8 although the header says so
        zlib.error,  # a corrupt deflate stream
    ) as exc:
        raise _fail(path, f"posten '{info.filename}' kan ikke læses: {exc}") from None
    if left != 1:
        raise _fail(
            path, f"posten '{info.filename}' har en anden størrelse end zip-hovedet angiver"
        )


def _read_document(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None
) -> bytes:
    """A JSON document, read whole: refused unread when its header says it is over `limit`
    (default: its limit by name)."""
    limit = document_limits(info.filename)[0] if limit is None else limit
    if info.file_size > limit:
        raise _fail(path, f"{info.filename} er for stor ({info.file_size} bytes; højst {limit})")
    return b"".join(_stream_entry(path, archive, info))


def _digest_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, str]:
    """Size and SHA-256 of an entry that is not parsed, hashed as it streams."""
    digest = hashlib.sha256()
    size = 0
    for chunk in _stream_entry(path, archive, info):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(rod)"
    more = f" (og {exc.error_count() - 1} fejl mere)" if exc.error_count() > 1 else ""
    return f"felt '{where}': {err['msg']}{more}"


class _TooManyKeys(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_OBJECT_KEYS:
        raise _TooManyKeys(len(pairs))
    return dict(pairs)


def _parse_json(path: Path, name: str, data: bytes) -> Any:
    """`data` as JSON, refused before parsing when it has more values than its limit, and while
    parsing when an object has more keys than MAX_OBJECT_KEYS."""
    values = sum(data.count(separator) for separator in (b",", b":", b"[", b"{"))
    limit = document_limits(name)[1]
    if values > limit:
        raise _fail(path, f"{name} har for mange værdier (over {limit})")
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_object)
    except _TooManyKeys as exc:
        raise _fail(
            path, f"{name}: et objekt har {exc.args[0]} felter; højst {MAX_OBJECT_KEYS} er tilladt"
        ) from None
    except (ValueError, RecursionError) as exc:  # bad UTF-8/JSON, huge ints, deep nesting
        raise _fail(path, f"{name} er ikke gyldig JSON: {exc}") from None


def _validate(path: Path, name: str, model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _fail(path, f"{name}: {_validation_message(exc)}") from None


def _load(path: Path, name: str, model: type[BaseModel], data: bytes) -> Any:
    """`data` parsed (within the limits on values and keys per object) and validated as `model`.

    pydantic-core's one-pass `model_validate_json` is about 0.13 s faster at 50,000 tasks, but it
    meets a hostile object before any limit can: one task with 100,000 unknown keys made it
    collect 100,000 errors (270 MB, and it grows with the document). json.loads with a hook that
    counts keys refuses such an object while parsing, so that is the one way documents are read.
    """
    return _validate(path, name, model, _parse_json(path, name, data))


def _declared_directory(path: Path, size: int) -> tuple[int, int] | None:
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


def _open_archive(path: Path) -> zipfile.ZipFile:
    """The bundle as a ZipFile, after the checks on the file itself and on its end record."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"kan ikke læses: {exc.strerror}") from None
    if size > MAX_BUNDLE_BYTES:
        raise _fail(path, f"filen er for stor ({size} bytes)")
    if not path.is_file():
        raise _fail(path, "er ikke en gyldig zip-fil (det er ikke en fil)")
    if size == 0:
        raise _fail(path, "er ikke en gyldig zip-fil (filen er tom)")
    with path.open("rb") as stream:
        if stream.read(4) != b"PK\x03\x04":
            raise _fail(path, "er ikke en gyldig zip-fil (den starter ikke med zip-signaturen)")
    declared = _declared_directory(path, size)
    if declared is not None:
        entries, directory = declared
        if entries > MAX_ENTRIES:
            raise _fail(path, f"har {entries} poster; højst {MAX_ENTRIES} er tilladt")
        if directory > MAX_DIRECTORY_BYTES:
            raise _fail(
                path,
                f"zip-indholdsfortegnelsen er for stor ({directory} bytes; "
                f"højst {MAX_DIRECTORY_BYTES})",
            )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise _fail(path, f"er ikke en gyldig zip-fil ({exc})") from None


def _checked_entries(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The bundle's entries by name, after every header check and before any data is read."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, f"har {len(infos)} poster; højst {MAX_ENTRIES} er tilladt")
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        _check_entry(path, info)
        folded = info.filename.casefold()
        if folded in seen:
            raise _fail(path, f"posten '{info.filename}' findes to gange (også '{seen[folded]}')")
        seen[folded] = info.filename
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _fail(path, "pakker ud til mere end tilladt i alt (zip-bombe?)")
    return {info.filename: info for info in infos}


def _check_manifest(path: Path, raw: Any) -> Manifest:
    if isinstance(raw, dict):
        if raw.get("format") != FORMAT_NAME:
            raise _fail(
                path,
                f"manifest.json: felt 'format' er {raw.get('format')!r}, ikke '{FORMAT_NAME}'",
            )
        if raw.get("format_version") != FORMAT_VERSION:
            raise _fail(
                path,
                f"manifest.json: ukendt format_version {raw.get('format_version')!r} "
                f"(denne kigo læser version {FORMAT_VERSION})",
            )
    return _validate(path, "manifest.json", Manifest, raw)


def check_baselines(path: Path, status: StatusDocument) -> None:
    """KOMBIT's baseline in status.json means what it says: every catalogue task's
    `baseline_colour` is the colour rule applied to its `baseline_due` on the bundle's date; a
    local task has no baseline; a reason is given only for a date that differs from KOMBIT's."""
    for project in status.projects:
        for main in project.main_tasks:
            for task in main.tasks:
                where = f"status.json: opgave {task.id}"
                if task.local:
                    if (task.baseline_start, task.baseline_due, task.baseline_colour) != (
                        None,
                        None,
                        None,
                    ):
                        raise _fail(path, f"{where}: en lokal opgave har ingen KOMBIT-plan")
                else:
                    wanted = task_colour(
                        task.status, task.baseline_due, task.warn_days, status.today
                    )
                    if task.baseline_colour != wanted:
                        got = task.baseline_colour.value if task.baseline_colour else None
                        raise _fail(
                            path,
                            f"{where}: felt 'baseline_colour' er {got!r}, men KOMBITs frist "
                            f"({task.baseline_due or 'ingen'}) giver {wanted.value!r} pr. "
                            f"{status.today} (farvereglen)",
                        )
                for name, own, baseline in (
                    ("start", task.start, task.baseline_start),
                    ("due", task.due, task.baseline_due),
                ):
                    reason = getattr(task, f"{name}_reason")
                    if reason is not None and (baseline is None or own == baseline):
                        raise _fail(
                            path,
                            f"{where}: felt '{name}_reason' er udfyldt, men '{name}' er ikke "
                            "flyttet fra KOMBITs dato",
                        )


def verify_bundle(path: Path) -> VerifiedBundle:
    """Check a bundle completely; raise BundleError naming the file and the entry or field."""
    with paused_gc():
        return _verify(Path(path))


def _verify(path: Path) -> VerifiedBundle:
    with _open_archive(path) as archive:
        entries = _checked_entries(path, archive)
        if "manifest.json" not in entries:
            raise _fail(path, "manifest.json mangler")
        files = {
            "manifest.json": _read_document(
                path, archive, entries["manifest.json"], MAX_MANIFEST_BYTES
            )
        }
        manifest = _check_manifest(path, _parse_json(path, "manifest.json", files["manifest.json"]))
        listed = {entry.name: entry for entry in manifest.files}
        if len(listed) != len(manifest.files):
            raise _fail(path, "manifest.json: en fil er nævnt to gange")
        for name in sorted(entries):
            if name != "manifest.json" and name not in listed:
                raise _fail(path, f"posten '{name}' står ikke i manifest.json")
        for name, entry in sorted(listed.items()):
            if name not in entries:
                raise _fail(path, f"{name} står i manifest.json, men mangler i bundtet")
            if name in DOCUMENTS:
                files[name] = _read_document(path, archive, entries[name])
                size, digest = len(files[name]), hashlib.sha256(files[name]).hexdigest()
            else:
                size, digest = _digest_entry(path, archive, entries[name])
            if size != entry.size:
                raise _fail(path, f"{name}: størrelsen er {size}, manifestet siger {entry.size}")
            if digest != entry.sha256:
                raise _fail(path, f"{name}: SHA-256 passer ikke med manifestet (filen er ændret)")
    for name in REQUIRED_FILES:
        if name not in files:
            raise _fail(path, f"{name} mangler")
    schema = files["status.schema.json"]
    # The exporter's bytes, or the same schema written differently (parsed and compared).
    if schema != status_schema_bytes() and (
        _parse_json(path, "status.schema.json", schema) != status_schema()
    ):
        raise _fail(path, "status.schema.json er ikke skemaet for dette format")
    status: StatusDocument = _load(path, "status.json", StatusDocument, files["status.json"])
    if status.kommune.code != manifest.kommune_code:
        raise _fail(
            path, "status.json: felt 'kommune.code' passer ikke med manifestets kommune_code"
        )
    if status.today != manifest.as_of:
        raise _fail(path, "status.json: felt 'today' passer ikke med manifestets as_of")
    check_baselines(path, status)
    if "organisation.json" in files:
        _load(path, "organisation.json", OrganisationDocument, files["organisation.json"])
    if "sapa_exit.json" in files:
        _load(path, "sapa_exit.json", ExitDocument, files["sapa_exit.json"])
    if "defects.json" in files:
        defects: DefectsDocument = _load(
            path, "defects.json", DefectsDocument, files["defects.json"]
        )
        if defects.measured_at != end_of_day(manifest.as_of):
            raise _fail(
                path, "defects.json: felt 'measured_at' er ikke udgangen af manifestets as_of"
            )
    return VerifiedBundle(path, manifest, status, files)
