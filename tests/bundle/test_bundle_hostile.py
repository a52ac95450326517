"""Hostile status bundles: each crafted bundle is refused by `verify_bundle` with its own message.

Every bundle is built from a real exported one (its entries re-zipped with `zipfile`), then broken
in one way. Where zipfile cannot write the lie (encryption flag, compression method, sizes,
version), the header bytes are patched in place; see `patch_entry`.

For every case: `verify_bundle` raises BundleError (never anything else) whose message starts with
the bundle's path and names the entry, file or field; `kigo verify` exits 1; no file is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kigo_tui.__main__ import main
from kigo_tui.bundle import verify
from kigo_tui.bundle.export import bundle_bytes
from kigo_tui.bundle.verify import BundleError, verify_bundle
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Status
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY, GOLIVES

STAMP = (1980, 1, 1, 0, 0, 0)
DELETE = object()
"""A manifest change that removes the field."""


@dataclass(frozen=True)
class Base:
    """A real bundle for 101 København on FIXED_TODAY: its bytes and its entries."""

    data: bytes
    files: dict[str, bytes]

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.files["manifest.json"])

    def content(self) -> dict[str, bytes]:
        """Every entry but the manifest."""
        return {k: v for k, v in self.files.items() if k != "manifest.json"}

    def status(self) -> dict[str, Any]:
        return json.loads(self.files["status.json"])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    path = tmp_path_factory.mktemp("base") / "kigo.db"
    store = Store.open(str(path), user="testbruger")
    store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    first = store.snapshot().tasks[0].id
    store.set_status(first, Status.DONE)
    data = bundle_bytes(store.snapshot(), FIXED_TODAY)
    store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    return Base(data, files)


# ------------------------------------------------------------------------------ zip builders


def entry(name: str, *, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def zip_of(entries: Iterable[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip with exactly these entries in this order (duplicates allowed)."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, and writes them
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in entries:
                archive.writestr(entry(name) if isinstance(name, str) else name, data)
    return out.getvalue()


def manifest_for(base: Base, files: dict[str, bytes], **changes: object) -> dict[str, Any]:
    """An honest manifest for `files` (the base manifest's other fields), then `changes`."""
    manifest = base.manifest
    manifest["files"] = [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(files.items())
    ]
    for key, value in changes.items():
        if value is DELETE:
            del manifest[key]
        else:
            manifest[key] = value
    return manifest


def as_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def rezip(
    base: Base,
    files: dict[str, bytes] | None = None,
    *,
    manifest: dict[str, Any] | bytes | None = None,
    extra: Iterable[tuple[str | zipfile.ZipInfo, bytes]] = (),
) -> bytes:
    """manifest.json (honest for `files` unless given) + `files` sorted + `extra` (unlisted)."""
    files = base.content() if files is None else files
    if manifest is None:
        manifest = manifest_for(base, files)
    raw = manifest if isinstance(manifest, bytes) else as_json(manifest)
    return zip_of([("manifest.json", raw), *sorted(files.items()), *extra])


def with_file(base: Base, name: str, data: bytes) -> bytes:
    """The base bundle with `name` replaced or added, listed honestly in the manifest."""
    return rezip(base, base.content() | {name: data})


# --------------------------------------------------------------------------- header patching
#
# A zip entry has a local file header in front of its data, and a record in the central
# directory at the end of the file (APPNOTE 4.3.7, 4.3.12); the end-of-central-directory record
# (4.3.16) says where that directory starts. zipfile takes flags, method, sizes and version from
# the central record and re-reads the local header when the entry is opened, so a convincing lie
# patches both. Offsets of the fields, from each header's signature:

LOCAL_SIG, CENTRAL_SIG, END_SIG = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
LOCAL_FIELDS = {"version": 4, "flags": 6, "method": 8, "compressed": 18, "size": 22}
CENTRAL_FIELDS = {"version": 6, "flags": 8, "method": 10, "compressed": 20, "size": 24}
FIELD_FORMATS = {"version": "<H", "flags": "<H", "method": "<H", "compressed": "<I", "size": "<I"}


def central_records(data: bytes) -> Iterator[tuple[int, str, int]]:
    """(offset of the central record, entry name, offset of the local header) per entry."""
    end = data.rfind(END_SIG)
    # end record: signature, disk, cd disk, entries on disk, entries (@10), cd size, cd offset
    count, _size, pos = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        assert data[pos : pos + 4] == CENTRAL_SIG
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        (local,) = struct.unpack_from("<I", data, pos + 42)
        yield pos, data[pos + 46 : pos + 46 + name_len].decode("utf-8"), local
        pos += 46 + name_len + extra_len + comment_len


def locate(data: bytes, name: str) -> tuple[int, int]:
    """(central record offset, local header offset) of entry `name`."""
    for central, entry_name, local in central_records(data):
        if entry_name == name:
            assert data[local : local + 4] == LOCAL_SIG
            return central, local
    raise KeyError(name)


def patch_entry(
    data: bytes, name: str, *, headers: tuple[str, ...] = ("central", "local"), **fields: int
) -> bytes:
    """Overwrite header fields (version, flags, method, compressed, size) of entry `name`."""
    central, local = locate(data, name)
    out = bytearray(data)
    for field, value in fields.items():
        if "central" in headers:
            struct.pack_into(FIELD_FORMATS[field], out, central + CENTRAL_FIELDS[field], value)
        if "local" in headers:
            struct.pack_into(FIELD_FORMATS[field], out, local + LOCAL_FIELDS[field], value)
    return bytes(out)


def local_name_offset(data: bytes, name: str) -> int:
    _central, local = locate(data, name)
    return local + 30


def data_offset(data: bytes, name: str) -> int:
    """Where the (compressed) data of entry `name` starts."""
    _central, local = locate(data, name)
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    return local + 30 + name_len + extra_len


# ------------------------------------------------------------------------------------- cases


def _changed_byte(base: Base) -> bytes:
    changed = base.files["status.json"].replace(b"Udpeg", b"Udpek", 1)
    assert changed != base.files["status.json"]
    assert len(changed) == len(base.files["status.json"])
    return rezip(base, base.content() | {"status.json": changed}, manifest=base.manifest)


def _missing_file(base: Base) -> bytes:
    files = base.content()
    del files["status.csv"]
    return rezip(base, files, manifest=base.manifest)


def _extra_file(base: Base) -> bytes:
    return rezip(base, extra=[("noter.txt", b"hej KOMBIT")])


def _symlink(base: Base) -> bytes:
    return rezip(base, extra=[(entry("link.json", mode=stat.S_IFLNK | 0o777), b"/etc/passwd")])


def _directory(base: Base) -> bytes:
    folder = entry("bilag/", mode=stat.S_IFDIR | 0o755)
    folder.external_attr |= 0x10  # the MS-DOS directory bit, as zipfile writes it
    return rezip(base, extra=[(folder, b"")])


def _duplicate(base: Base) -> bytes:
    return rezip(base, extra=[("status.json", base.files["status.json"])])


def _case_only(base: Base) -> bytes:
    return rezip(base, extra=[("STATUS.json", base.files["status.json"])])


BOMB_BYTES = 30 * 1024 * 1024


def _ratio_bomb(base: Base) -> bytes:
    return with_file(base, "nuller.bin", bytes(BOMB_BYTES))


def _size_bomb(base: Base) -> bytes:
    return patch_entry(base.data, "status.csv", size=verify.MAX_ENTRY_BYTES + 1)


def _too_many(base: Base) -> bytes:
    extra = [(f"bilag-{n:02}.txt", b"x") for n in range(verify.MAX_ENTRIES + 1 - len(base.files))]
    return rezip(base, extra=extra)


def _encrypted(base: Base) -> bytes:
    return patch_entry(base.data, "status.json", flags=0x1)


def _unknown_compression(base: Base) -> bytes:
    return patch_entry(base.data, "status.json", method=99)


def _manifest_missing(base: Base) -> bytes:
    return zip_of(sorted(base.content().items()))


def _manifest_not_json(base: Base) -> bytes:
    return rezip(base, manifest=b'{"format": "kigo-status-bundle", ')


def _manifest_format(base: Base) -> bytes:
    return rezip(base, manifest=manifest_for(base, base.content(), format="zip-bundt"))


def _format_version_1(base: Base) -> bytes:
    """A bundle of the format before KOMBIT's baseline dates (format 1)."""
    return rezip(base, manifest=manifest_for(base, base.content(), format_version=1))


def _format_version_4(base: Base) -> bytes:
    """A bundle of a format a later kigo may write."""
    return rezip(base, manifest=manifest_for(base, base.content(), format_version=4))


def _format_version_true(base: Base) -> bytes:
    """true is not a version (Python would read it as 1)."""
    return rezip(base, manifest=manifest_for(base, base.content(), format_version=True))


def _format_2_with_format_3_schema(base: Base) -> bytes:
    """The manifest says format 2, but status.schema.json is format 3's."""
    return rezip(base, manifest=manifest_for(base, base.content(), format_version=2))


def _kommune_mismatch(base: Base) -> bytes:
    return rezip(
        base, manifest=manifest_for(base, base.content(), kommune_code="751", kommune_name="Aarhus")
    )


def _status_invalid(base: Base) -> bytes:
    doc = base.status()
    doc["projects"][0]["main_tasks"][0]["tasks"][0]["colour"] = "purple"
    return with_file(base, "status.json", as_json(doc))


def _schema_tampered(base: Base) -> bytes:
    schema = json.loads(base.files["status.schema.json"])
    schema["properties"]["colour"] = {}  # "anything goes"
    return with_file(base, "status.schema.json", as_json(schema))


def _truncated(base: Base) -> bytes:
    return base.data[: len(base.data) // 2]


def _size_mismatch(base: Base) -> bytes:
    manifest = base.manifest
    for item in manifest["files"]:
        if item["name"] == "status.csv":
            item["size"] += 1
    return rezip(base, manifest=manifest)


def _header_claims_more(base: Base) -> bytes:
    size = len(base.files["status.csv"])
    return patch_entry(base.data, "status.csv", size=size + 100)


def _as_of_mismatch(base: Base) -> bytes:
    return rezip(base, manifest=manifest_for(base, base.content(), as_of="2026-12-24"))


def _manifest_field_missing(base: Base) -> bytes:
    return rezip(base, manifest=manifest_for(base, base.content(), kommune_name=DELETE))


def _listed_twice(base: Base) -> bytes:
    manifest = base.manifest
    manifest["files"].append(manifest["files"][0])
    return rezip(base, manifest=manifest)


def _required_missing(base: Base) -> bytes:
    files = base.content()
    del files["status.schema.json"]
    return rezip(base, files)


def _organisation_invalid(base: Base) -> bytes:
    organisation = {
        "with_contacts": False,
        "people": [
            {
                "ref": "P1",
                "name": "Jens Hansen",
                "title": "",
                "unit": "",
                "email": "jens@kk.dk",
                "phone": "",
            }
        ],
        "roles": [],
        "responsibility": [],
        "readiness": [],
        "dialogues": [],
    }
    return with_file(base, "organisation.json", as_json(organisation))


def _corrupt_deflate(base: Base) -> bytes:
    out = bytearray(base.data)
    out[data_offset(base.data, "status.json")] = 0x07  # BFINAL=1, BTYPE=11: a reserved block type
    return bytes(out)


def _zip_version(base: Base) -> bytes:
    # "version needed to extract" 10.2: newer than any zip version Python reads
    return patch_entry(base.data, "status.json", headers=("central",), version=102)


def _local_name_not_utf8(base: Base) -> bytes:
    # The local header says "UTF-8 name" (flag 0x800), but its copy of the name is not UTF-8.
    out = bytearray(patch_entry(base.data, "status.json", headers=("local",), flags=0x800))
    out[local_name_offset(base.data, "status.json")] = 0xFF
    return bytes(out)


def _central_name_not_utf8(base: Base) -> bytes:
    # The central record says "UTF-8 name" but holds a byte that is not UTF-8.
    central, _local = locate(base.data, "status.csv")
    out = bytearray(patch_entry(base.data, "status.csv", headers=("central",), flags=0x800))
    out[central + 46] = 0xFF
    return bytes(out)


def _status_not_utf8(base: Base) -> bytes:
    return with_file(base, "status.json", b"\xff\xfe" + base.files["status.json"])


def _deep_nesting(base: Base) -> bytes:
    return with_file(base, "organisation.json", b"[" * 100_000)


def _huge_integer(base: Base) -> bytes:
    return with_file(base, "status.schema.json", b"9" * 5000)


def _control_character(base: Base) -> bytes:
    return rezip(base, extra=[("noter\x07.txt", b"ding")])


def _manifest_too_large(base: Base) -> bytes:
    padded = as_json(base.manifest) + b" " * verify.MAX_MANIFEST_BYTES
    return rezip(base, manifest=padded)


def _document_too_large(base: Base) -> bytes:
    # stored, so the ratio check (which an 8 MiB run of spaces would trip) cannot fire first
    info = entry("organisation.json")
    info.compress_type = zipfile.ZIP_STORED
    data = json.dumps(_valid_org()).encode() + b" " * verify.MAX_DOCUMENT_BYTES
    files = base.content() | {"organisation.json": data}
    listed = {k: v for k, v in files.items() if k != "organisation.json"}
    return rezip(base, listed, manifest=manifest_for(base, files), extra=[(info, data)])


def _too_many_values(base: Base) -> bytes:
    return with_file(base, "organisation.json", b"[" + b"0," * verify.MAX_DOCUMENT_VALUES + b"0]")


def _object_too_wide(base: Base) -> bytes:
    wide = {f"felt{n}": 0 for n in range(verify.MAX_OBJECT_KEYS + 1)}
    return with_file(base, "sapa_exit.json", as_json(wide))


def _directory_too_large(base: Base) -> bytes:
    # the end record's "size of the central directory" (APPNOTE 4.3.16, offset 12)
    out = bytearray(base.data)
    struct.pack_into("<I", out, out.rfind(END_SIG) + 12, 2 * verify.MAX_DIRECTORY_BYTES)
    return bytes(out)


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Base], bytes]
    expect: tuple[str, ...]
    """Substrings of the message: a distinctive Danish part, and the entry/file/field it names."""


CASES = [
    Case("hash-mismatch", _changed_byte, ("status.json: SHA-256 passer ikke med manifestet",)),
    Case(
        "missing-file", _missing_file, ("status.csv står i manifest.json, men mangler i bundtet",)
    ),
    Case("extra-file", _extra_file, ("posten 'noter.txt' står ikke i manifest.json",)),
    Case(
        "path-traversal",
        lambda b: rezip(b, extra=[("../evil.json", b"{}")]),
        ("posten '../evil.json' peger uden for bundtet",),
    ),
    Case(
        "absolute-path",
        lambda b: rezip(b, extra=[("/etc/x", b"root")]),
        ("posten '/etc/x' har en absolut sti",),
    ),
    Case(
        "drive-letter",
        lambda b: rezip(b, extra=[("C:evil.json", b"{}")]),
        ("posten 'C:evil.json' har en absolut sti",),
    ),
    Case(
        "backslash",
        lambda b: rezip(b, extra=[("..\\x", b"x")]),
        ("posten '..\\x' indeholder en omvendt skråstreg",),
    ),
    Case("symlink", _symlink, ("posten 'link.json' er et link eller ikke en almindelig fil",)),
    Case("directory", _directory, ("posten 'bilag/' er en mappe",)),
    Case("control-character", _control_character, ("posten 'noter\\x07.txt' har kontroltegn",)),
    Case(
        "duplicate-name", _duplicate, ("posten 'status.json' findes to gange (også 'status.json')",)
    ),
    Case(
        "case-only-names",
        _case_only,
        ("posten 'STATUS.json' findes to gange (også 'status.json')",),
    ),
    Case(
        "bomb-by-ratio",
        _ratio_bomb,
        (f"posten 'nuller.bin' pakker ud til {BOMB_BYTES} bytes fra", "(zip-bombe?)"),
    ),
    Case(
        "bomb-by-size",
        _size_bomb,
        (f"posten 'status.csv' er for stor ({verify.MAX_ENTRY_BYTES + 1} bytes)",),
    ),
    Case("too-many-entries", _too_many, (f"har 17 poster; højst {verify.MAX_ENTRIES} er tilladt",)),
    Case("encrypted", _encrypted, ("posten 'status.json' er krypteret",)),
    Case(
        "unknown-compression",
        _unknown_compression,
        ("posten 'status.json' bruger en ukendt komprimering (99)",),
    ),
    Case("manifest-missing", _manifest_missing, ("manifest.json mangler",)),
    Case("manifest-not-json", _manifest_not_json, ("manifest.json er ikke gyldig JSON",)),
    Case(
        "manifest-format",
        _manifest_format,
        ("manifest.json: felt 'format' er 'zip-bundt', ikke 'kigo-status-bundle'",),
    ),
    Case(
        "format-version-1",
        _format_version_1,
        ("manifest.json: ukendt format_version 1 (denne kigo læser version 2 og 3)",),
    ),
    Case(
        "format-version-4",
        _format_version_4,
        ("manifest.json: ukendt format_version 4 (denne kigo læser version 2 og 3)",),
    ),
    Case(
        "format-version-true",
        _format_version_true,
        ("manifest.json: ukendt format_version True (denne kigo læser version 2 og 3)",),
    ),
    Case(
        "format-2-with-format-3-schema",
        _format_2_with_format_3_schema,
        ("status.schema.json er ikke skemaet for format 2",),
    ),
    Case(
        "manifest-field-missing",
        _manifest_field_missing,
        ("manifest.json: felt 'kommune_name'", "Field required"),
    ),
    Case("manifest-lists-twice", _listed_twice, ("manifest.json: en fil er nævnt to gange",)),
    Case(
        "kommune-mismatch",
        _kommune_mismatch,
        ("status.json: felt 'kommune.code' passer ikke med manifestets kommune_code",),
    ),
    Case(
        "as-of-mismatch",
        _as_of_mismatch,
        ("status.json: felt 'today' passer ikke med manifestets as_of",),
    ),
    Case(
        "status-against-schema",
        _status_invalid,
        (
            "status.json: felt 'projects.0.main_tasks.0.tasks.0.colour'",
            "'green', 'yellow' or 'red'",
        ),
    ),
    Case(
        "schema-tampered",
        _schema_tampered,
        ("status.schema.json er ikke skemaet for format 3",),
    ),
    Case("schema-missing", _required_missing, ("status.schema.json mangler",)),
    Case(
        "organisation-privacy",
        _organisation_invalid,
        ("organisation.json: felt '(rod)'", "people må kun være med"),
    ),
    Case(
        "size-mismatch",
        _size_mismatch,
        ("status.csv: størrelsen er {size}, manifestet siger {size_plus_1}",),
    ),
    Case(
        "header-claims-more",
        _header_claims_more,
        ("posten 'status.csv' har en anden størrelse end zip-hovedet angiver",),
    ),
    Case(
        "corrupt-deflate",
        _corrupt_deflate,
        ("posten 'status.json' kan ikke læses", "invalid block type"),
    ),
    Case(
        "local-name-not-utf8",
        _local_name_not_utf8,
        ("posten 'status.json' kan ikke læses", "'utf-8' codec"),
    ),
    Case(
        "central-name-not-utf8",
        _central_name_not_utf8,
        ("er ikke en gyldig zip-fil ('utf-8' codec can't decode byte 0xff",),
    ),
    Case("zip-version", _zip_version, ("er ikke en gyldig zip-fil (zip file version 10.2)",)),
    Case(
        "status-not-utf8",
        _status_not_utf8,
        ("status.json er ikke gyldig JSON", "'utf-8' codec can't decode byte 0xff"),
    ),
    Case(
        "deep-nesting",
        _deep_nesting,
        ("organisation.json er ikke gyldig JSON", "maximum recursion depth"),
    ),
    Case(
        "huge-integer",
        _huge_integer,
        ("status.schema.json er ikke gyldig JSON", "4300 digits"),
    ),
    Case(
        "manifest-too-large",
        _manifest_too_large,
        ("manifest.json er for stor (", f"bytes; højst {verify.MAX_MANIFEST_BYTES})"),
    ),
    Case(
        "document-too-large",
        _document_too_large,
        ("organisation.json er for stor (", f"bytes; højst {verify.MAX_DOCUMENT_BYTES})"),
    ),
    Case(
        "too-many-values",
        _too_many_values,
        (f"organisation.json har for mange værdier (over {verify.MAX_DOCUMENT_VALUES})",),
    ),
    Case(
        "object-too-wide",
        _object_too_wide,
        (f"sapa_exit.json: et objekt har {verify.MAX_OBJECT_KEYS + 1} felter; højst",),
    ),
    Case(
        "directory-too-large",
        _directory_too_large,
        (f"zip-indholdsfortegnelsen er for stor ({2 * verify.MAX_DIRECTORY_BYTES} bytes",),
    ),
    # The next three get the same message from verify: zipfile cannot tell them apart.
    Case("truncated-zip", _truncated, ("er ikke en gyldig zip-fil",)),
    Case("empty-file", lambda b: b"", ("er ikke en gyldig zip-fil",)),
    Case(
        "text-file",
        lambda b: "Kære KOMBIT, her er status.\n".encode(),
        ("er ikke en gyldig zip-fil",),
    ),
]
NOT_A_ZIP = {"truncated-zip", "empty-file", "text-file"}


def expected(case: Case, base: Base) -> tuple[str, ...]:
    size = len(base.files["status.csv"])
    return tuple(e.format(size=size, size_plus_1=size + 1) for e in case.expect)


def listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    )


def rejection(path: Path) -> str:
    """verify_bundle's message for a bad bundle, without the leading path; nothing else may raise."""
    with pytest.raises(BundleError) as info:
        verify_bundle(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    return message.removeprefix(f"{path}: ")


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is also the current folder, so a stray write would land in it."""
    folder = tmp_path / "indbakke"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


# ------------------------------------------------------------------------------------- tests


def test_the_base_bundle_and_an_honest_rezip_are_valid(base: Base, inbox: Path) -> None:
    """The builders themselves add no fault: an unchanged rebuild verifies."""
    for name, data in (("base.zip", base.data), ("rezip.zip", rezip(base))):
        path = inbox / name
        path.write_bytes(data)
        assert verify_bundle(path).status.kommune.code == "101"
    path = inbox / "extra.zip"
    path.write_bytes(with_file(base, "organisation.json", json.dumps(_valid_org()).encode()))
    assert "organisation.json" in verify_bundle(path).files
    # Zip tools that store bare permissions (no file-type bits) or nothing at all are fine.
    bare = entry("organisation.json", mode=0o644)
    plain = entry("organisation.json", mode=0)
    for name, info in (("bare.zip", bare), ("plain.zip", plain)):
        path = inbox / name
        files = base.content() | {"organisation.json": json.dumps(_valid_org()).encode()}
        listed = {k: v for k, v in files.items() if k != "organisation.json"}
        path.write_bytes(
            rezip(
                base,
                listed,
                manifest=manifest_for(base, files),
                extra=[(info, files["organisation.json"])],
            )
        )
        assert verify_bundle(path).status.kommune.code == "101"


def _valid_org() -> dict[str, Any]:
    return {
        "with_contacts": False,
        "people": [],
        "roles": [],
        "responsibility": [],
        "readiness": [],
        "dialogues": [],
    }


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 22
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_bundle_is_rejected(
    case: Case,
    base: Base,
    inbox: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = inbox / "kigo-status-101-2026-11-23.zip"
    path.write_bytes(case.build(base))
    before = listing(tmp_path)

    message = rejection(path)
    for part in expected(case, base):
        assert part in message, message

    assert main(["verify", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"kigo: fejl: {path}: {message}\n"
    assert listing(tmp_path) == before


def test_every_case_has_its_own_message(base: Base, inbox: Path) -> None:
    messages: dict[str, str] = {}
    for case in CASES:
        path = inbox / f"{case.id}.zip"
        path.write_bytes(case.build(base))
        messages[case.id] = rejection(path)
        path.unlink()
    own = [m for cid, m in messages.items() if cid not in NOT_A_ZIP]
    assert len(set(own)) == len(own)
    assert not {messages[c] for c in NOT_A_ZIP} & set(own)


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_TOTAL_BYTES", 100_000, "pakker ud til mere end tilladt i alt (zip-bombe?)"),
        ("MAX_BUNDLE_BYTES", 1_000, "filen er for stor ("),
        ("MAX_ENTRIES", 5, "har 6 poster; højst 5 er tilladt"),
        ("MAX_ENTRY_BYTES", 10_000, "er for stor ("),
    ],
)
def test_limits_apply(
    limit: str,
    value: int,
    message: str,
    base: Base,
    inbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = inbox / "bundt.zip"
    path.write_bytes(with_file(base, "organisation.json", json.dumps(_valid_org()).encode()))
    verify_bundle(path)  # fine with the real limits
    monkeypatch.setattr(verify, limit, value)
    assert message in rejection(path)
    assert main(["verify", str(path)]) == 1
    assert message in capsys.readouterr().err
    assert [p.name for p in inbox.iterdir()] == ["bundt.zip"]


def test_missing_path_and_folder(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "kan ikke læses" in rejection(inbox / "findes-ikke.zip")
    assert "er ikke en gyldig zip-fil" in rejection(inbox)
    assert main(["verify", str(inbox / "findes-ikke.zip")]) == 1
    assert "findes-ikke.zip: kan ikke læses" in capsys.readouterr().err
    assert list(inbox.iterdir()) == []


def test_random_header_damage_only_ever_raises_bundle_error(base: Base, inbox: Path) -> None:
    """Flip bytes in the headers and the central directory: BundleError or valid, nothing else.

    This found zlib.error, NotImplementedError and UnicodeDecodeError escaping verify_bundle.
    """
    data = base.data
    spots = list(range(data.find(CENTRAL_SIG), len(data)))
    for _central, _name, local in central_records(data):
        spots.extend(range(local, local + 40))
    rng = random.Random(20261123)
    path = inbox / "skadet.zip"
    outcomes = {"rejected": 0, "valid": 0}
    for _ in range(150):
        damaged = bytearray(data)
        for _flip in range(rng.randint(1, 3)):
            damaged[rng.choice(spots)] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        try:
            verify_bundle(path)
        except BundleError as exc:
            assert str(exc).startswith(f"{path}: ")
            outcomes["rejected"] += 1
        else:
            outcomes["valid"] += 1
    assert outcomes["rejected"] > 100
    assert [p.name for p in inbox.iterdir()] == ["skadet.zip"]
