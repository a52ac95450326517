"""Verify a status bundle without trusting it: zip safety, manifest, hashes and schema.

Nothing is extracted to disk; entries are read into memory with hard limits, so a hostile zip
(path traversal, links, a zip bomb, lying headers) is rejected with a message naming the entry.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

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
from kigo_tui.status import colour_word

MAX_BUNDLE_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 16
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200
"""Largest uncompressed/compressed ratio for an entry over RATIO_FLOOR bytes (a zip bomb's mark)."""
RATIO_FLOOR = 1024 * 1024
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


def _read_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read at most the declared size; a header that lies about it is caught here."""
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
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
    if len(data) != info.file_size:
        raise _fail(
            path, f"posten '{info.filename}' har en anden størrelse end zip-hovedet angiver"
        )
    return data


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(rod)"
    more = f" (og {exc.error_count() - 1} fejl mere)" if exc.error_count() > 1 else ""
    return f"felt '{where}': {err['msg']}{more}"


def _parse_json(path: Path, name: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8/JSON, huge ints, deep nesting
        raise _fail(path, f"{name} er ikke gyldig JSON: {exc}") from None


def _validate(path: Path, name: str, model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _fail(path, f"{name}: {_validation_message(exc)}") from None


def _load(path: Path, name: str, model: type[BaseModel], data: bytes) -> Any:
    """`data` parsed and validated as `model`.

    pydantic-core parses and validates in one pass, twice as fast as json.loads and
    model_validate at 50,000 tasks. Whatever it refuses is judged again by json.loads and
    model_validate, which word the message (the file, the field) and stay the final word: the two
    agree on every document (tests/test_bundle_scale.py), except that json.loads also accepts a
    lone surrogate escape such as "\\ud800", which this way is accepted as before.
    """
    try:
        return model.model_validate_json(data)
    except ValidationError:
        return _validate(path, name, model, _parse_json(path, name, data))


def read_entries(path: Path) -> dict[str, bytes]:
    """The bundle's entries, after every safety check on the archive itself."""
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
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise _fail(path, f"er ikke en gyldig zip-fil ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _fail(path, f"har {len(infos)} poster; højst {MAX_ENTRIES} er tilladt")
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            _check_entry(path, info)
            folded = info.filename.casefold()
            if folded in seen:
                raise _fail(
                    path, f"posten '{info.filename}' findes to gange (også '{seen[folded]}')"
                )
            seen[folded] = info.filename
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise _fail(path, "pakker ud til mere end tilladt i alt (zip-bombe?)")
        return {info.filename: _read_entry(path, archive, info) for info in infos}


def verify_bundle(path: Path) -> VerifiedBundle:
    """Check a bundle completely; raise BundleError naming the file and the entry or field."""
    with paused_gc():
        return _verify(Path(path))


def _verify(path: Path) -> VerifiedBundle:
    files = read_entries(path)
    if "manifest.json" not in files:
        raise _fail(path, "manifest.json mangler")
    raw_manifest = _parse_json(path, "manifest.json", files["manifest.json"])
    if isinstance(raw_manifest, dict):
        if raw_manifest.get("format") != FORMAT_NAME:
            raise _fail(
                path,
                f"manifest.json: felt 'format' er {raw_manifest.get('format')!r}, ikke '{FORMAT_NAME}'",
            )
        if raw_manifest.get("format_version") != FORMAT_VERSION:
            raise _fail(
                path,
                f"manifest.json: ukendt format_version {raw_manifest.get('format_version')!r} "
                f"(denne kigo læser version {FORMAT_VERSION})",
            )
    manifest: Manifest = _validate(path, "manifest.json", Manifest, raw_manifest)
    listed = {entry.name: entry for entry in manifest.files}
    if len(listed) != len(manifest.files):
        raise _fail(path, "manifest.json: en fil er nævnt to gange")
    for name in sorted(files):
        if name != "manifest.json" and name not in listed:
            raise _fail(path, f"posten '{name}' står ikke i manifest.json")
    for name, entry in sorted(listed.items()):
        if name not in files:
            raise _fail(path, f"{name} står i manifest.json, men mangler i bundtet")
        data = files[name]
        if len(data) != entry.size:
            raise _fail(path, f"{name}: størrelsen er {len(data)}, manifestet siger {entry.size}")
        if hashlib.sha256(data).hexdigest() != entry.sha256:
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
    if "organisation.json" in files:
        _load(path, "organisation.json", OrganisationDocument, files["organisation.json"])
    if "sapa_exit.json" in files:
        _load(path, "sapa_exit.json", ExitDocument, files["sapa_exit.json"])
    return VerifiedBundle(path, manifest, status, files)
