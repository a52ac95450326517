"""Verify a status bundle without trusting it: zip safety, manifest, hashes, schema and meaning.

Nothing is extracted to disk, and memory stays bounded whatever the bundle claims: the zip's end
record is read before zipfile builds an object per entry; every entry's header is checked
(name, type, size, ratio) before any data is read; the JSON documents are read whole only up to
their own limits, and counted before they are parsed; status.csv and status.xlsx are read whole
up to status.json's limit and let go once compared; every other entry is hashed as it streams
and not kept. A hostile zip (path traversal, links, a zip bomb, lying headers, a huge directory
or document) is rejected with a message naming the entry, file or field.

Then what the bundle says is recomputed with kigo's own rules (kigo_tui.domain.rules, the status tree's
roll-up, the export's rows): every colour, count and follow-up list, the kommune, each task's
place, dates and completion, the bundle's date, and the rows of status.csv and status.xlsx.
Every check is a rule in RULES (id and Danish text, listed in docs/VERIFY.md); a rejection names
the part, the task where there is one, and the rule.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import zip_longest
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kigo_tui.bundle.defects_schema import DefectsDocument
from kigo_tui.bundle.export import (
    CSV_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    csv_headers,
    project_rows,
    task_rows,
)
from kigo_tui.bundle.nogc import paused_gc
from kigo_tui.bundle.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    READABLE_VERSIONS,
    CountsOut,
    ExitDocument,
    Manifest,
    OrganisationDocument,
    ProjectOut,
    StatusDocument,
    TaskOut,
    follow_up_local,
    status_schema,
    status_schema_bytes,
)
from kigo_tui.bundle.xlsx import xlsx_parts
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.dates import resolve_today, short_date
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import (
    COLOUR_LABELS,
    Colour,
    Counts,
    Status,
    needs_follow_up,
    task_colour,
)
from kigo_tui.domain.seed import PROJECT_CODES
from kigo_tui.domain.text import count
from kigo_tui.domain.times import end_of_day
from kigo_tui.errors import KigoError
from kigo_tui.formats.files import declared_directory
from kigo_tui.formats.status import _sum as counts_sum
from kigo_tui.formats.status import colour_word

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

ModelT = TypeVar("ModelT", bound=BaseModel)


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
REQUIRED_FILES = ("status.json", "status.schema.json", "status.csv", "status.xlsx")
TABLES = ("status.csv", "status.xlsx")
"""Entries read whole (up to MAX_STATUS_BYTES) to compare with status.json, then dropped."""
ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _versions_text(joined_by: str = "og") -> str:
    """READABLE_VERSIONS in Danish: "2 og 3" (or "2 eller 3")."""
    words = [str(v) for v in READABLE_VERSIONS]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joined_by} {words[-1]}"


class BundleError(KigoError):
    """The bundle is not acceptable; the message starts with the bundle's path, names the part
    (file in the bundle), the task where there is one, and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    """What the rule demands, in Danish, as KOMBIT's staff read it (docs/VERIFY.md lists them)."""


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "zip",
            "Bundtet er en læsbar zip-fil på højst 256 MB med højst 16 poster og en "
            "indholdsfortegnelse på højst 1 MB.",
        ),
        Rule(
            "postnavn",
            "Hver post har et almindeligt filnavn: ingen mapper eller stier, ingen "
            "kontroltegn, ingen ':', '\\' eller andre tegn Windows ikke tillader, intet "
            "afsluttende punktum eller mellemrum, intet reserveret Windows-navn (CON, PRN, AUX, "
            "NUL, COM1-9, LPT1-9, også med filtype) og kun NFC-normaliseret Unicode.",
        ),
        Rule(
            "posttype",
            "Hver post er en almindelig fil (ikke et link eller en mappe), ukrypteret "
            "og komprimeret med stored eller deflate.",
        ),
        Rule(
            "poststørrelse",
            "Hver post holder sig inden for størrelsesgrænserne (64 MB pr. post, "
            "160 MB i alt), pakker ikke ud som en zip-bombe og er så stor, som zip-hovedet siger.",
        ),
        Rule(
            "dublet-post",
            "Ingen post findes to gange, heller ikke med forskellige store og små bogstaver.",
        ),
        Rule(
            "manifest",
            "manifest.json findes, er formatet kigo-status-bundle i en version, denne "
            f"kigo læser ({_versions_text('eller')}), og nævner netop bundtets øvrige poster, "
            "hver én gang.",
        ),
        Rule(
            "kernefiler",
            "Kernefilerne manifest.json, status.json, status.schema.json, status.csv "
            "og status.xlsx findes.",
        ),
        Rule("hash", "Hver fils størrelse og SHA-256 er dem, manifest.json angiver."),
        Rule(
            "json",
            "Hver JSON-fil er gyldig UTF-8-JSON inden for grænserne for størrelse, antal "
            "værdier og felter pr. objekt, uden dublerede nøgler og uden NaN, Infinity eller "
            "-Infinity.",
        ),
        Rule(
            "skema",
            "status.schema.json er netop JSON-skemaet for den formatversion, manifestet angiver.",
        ),
        Rule(
            "felter",
            "Hver JSON-fil har præcis de felter og typer, formatet foreskriver "
            "(status.json: netop det status.schema.json tillader; tal som tal, ikke tekst).",
        ),
        Rule("manifest-status", "status.json's kommune og dato er manifestets."),
        Rule("kommune", "Kommunekoden er en af de 98 kommuners, og navnet er den kommunes."),
        Rule(
            "dato",
            "Bundtets dato ligger ikke efter den dag, det kontrolleres (med én dags "
            "margen for tidszoner).",
        ),
        Rule("struktur", "Hvert projekt står én gang, og hver hovedopgave én gang i sit projekt."),
        Rule("opgave-id", "Hvert opgave-id står kun én gang i bundtet."),
        Rule(
            "placering",
            "En opgave ligger under det projekt og den hovedopgave, dens id angiver, "
            "og hovedopgaven findes; en katalogopgave findes i det katalog, bundtet nævner, når "
            "det er kigos medleverede katalog.",
        ),
        Rule(
            "lokal",
            "En opgave er markeret som lokal, netop når dens id er et lokalt id (L-nummer).",
        ),
        Rule("datoer", "En opgaves startdato ligger ikke efter dens slutdato."),
        Rule(
            "farve-plan",
            "Hver katalogopgaves farve efter KOMBIT's plan (baseline_colour) er den, farvereglen "
            "giver ud fra status, KOMBITs slutdato, varsel og bundtets dato.",
        ),
        Rule(
            "plan-lokal",
            "En lokal opgave har ingen KOMBIT-plan (ingen baseline-datoer eller -farve).",
        ),
        Rule(
            "begrundelse",
            "En begrundelse for en flyttet dato står kun, når datoen er flyttet fra KOMBIT's.",
        ),
        Rule(
            "fuldført",
            "En fuldført opgave har et fuldførelsestidspunkt, og kun en fuldført opgave har et.",
        ),
        Rule(
            "farve",
            "Hver opgaves farve er den, KIGOs farveregel giver ud fra status, slutdato, "
            "varsel og bundtets dato.",
        ),
        Rule(
            "samlet-farve",
            "Hver hovedopgaves, hvert projekts og kommunens farve er den værste "
            "af deres opgavers farver.",
        ),
        Rule(
            "optælling",
            "Hver optælling (fuldført, i alt, pr. farve, pr. kategori) for "
            "hovedopgaver, projekter og kommunen passer med opgaverne.",
        ),
        Rule(
            "opfølgning",
            "Hvert projekts opfølgningsliste er netop de opgaver, KOMBIT følger op på: "
            "KOMBITs obligatoriske opgaver (også de kritiske), der er røde, og de obligatorisk "
            "kritiske, der er gule (ikke påbegyndt). Fra format 3 aldrig kommunens egne "
            "opgaver; i et bundt i format 2 tæller de med som KOMBITs, som den kigo, der skrev "
            "det, regnede. I træets rækkefølge og med opgavernes værdier.",
        ),
        Rule("status-csv", "status.csv har netop status.json's opgaver, række for række."),
        Rule(
            "status-xlsx",
            "status.xlsx har netop status.json's opgaver og projekter, række for række.",
        ),
        Rule("fejllog", "defects.json er målt ved udgangen af bundtets dato."),
    )
}
"""Every check `kigo verify` makes, by id; every rejection names one (docs/VERIFY.md lists all)."""


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    manifest: Manifest
    status: StatusDocument
    files: dict[str, bytes]
    """manifest.json and the DOCUMENTS the bundle has, as read, except status.json (that is
    `status`: its bytes are let go once parsed, before status.csv and status.xlsx are compared
    with it, and are not kept per kommune by the aggregation); other entries are not kept."""

    def summary(self) -> str:
        doc = self.status
        counts = doc.counts
        return (
            f"{self.path.name}: gyldig · {doc.kommune.name} ({doc.kommune.code}) pr. {short_date(doc.today)} · "
            f"{count(counts.total, 'opgave', 'opgaver')}, {counts.done} fuldført · samlet {colour_word(doc.colour)}"
        )


def _fail(path: Path, message: str, rule: str) -> BundleError:
    """A rejection: `message` names the part (and the task); the rule is added by id and text."""
    return BundleError(f"{path}: {message} (regel '{rule}': {RULES[rule].text})")


def _reject(path: Path, part: str, rule: str, detail: str, task: str | None = None) -> BundleError:
    where = f"{part}, opgave {task}" if task else part
    return _fail(path, f"{where}: {detail}", rule)


_NOT_ON_WINDOWS = frozenset(':<>"|?*')
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "123456789¹²³"]
)
"""Windows device names: no file can have them, whatever its extension (NUL.txt is NUL)."""


def _check_name(path: Path, name: str) -> None:
    if "\\" in name:
        raise _fail(path, f"posten '{name}' indeholder en omvendt skråstreg", "postnavn")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _fail(path, f"posten '{name}' har en absolut sti", "postnavn")
    parts = PurePosixPath(name).parts
    if ".." in parts or "." in parts or not parts:
        raise _fail(path, f"posten '{name}' peger uden for bundtet ('..')", "postnavn")
    if name.endswith("/") or len(parts) != 1:
        raise _fail(path, f"posten '{name}' er en mappe eller ligger i en mappe", "postnavn")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in name):
        raise _fail(path, f"posten {name!r} har kontroltegn i navnet", "postnavn")
    if any(ch in _NOT_ON_WINDOWS for ch in name):
        raise _fail(
            path, f"posten '{name}' har et tegn, Windows ikke tillader i et filnavn", "postnavn"
        )
    if name.endswith((".", " ")):
        raise _fail(path, f"posten '{name}' ender med punktum eller mellemrum", "postnavn")
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED_NAMES:
        raise _fail(path, f"posten '{name}' har et reserveret Windows-navn", "postnavn")
    if not unicodedata.is_normalized("NFC", name):
        raise _fail(path, f"posten {name!r} er ikke NFC-normaliseret Unicode", "postnavn")


def _check_entry(path: Path, info: zipfile.ZipInfo) -> None:
    _check_name(path, info.filename)
    mode = info.external_attr >> 16
    # Only the file-type bits matter; zip tools that store bare permissions (no type) are fine.
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        raise _fail(
            path, f"posten '{info.filename}' er et link eller ikke en almindelig fil", "posttype"
        )
    if info.flag_bits & 0x1:
        raise _fail(path, f"posten '{info.filename}' er krypteret", "posttype")
    if info.compress_type not in ALLOWED_COMPRESSION:
        raise _fail(
            path,
            f"posten '{info.filename}' bruger en ukendt komprimering ({info.compress_type})",
            "posttype",
        )
    if info.file_size > MAX_ENTRY_BYTES:
        raise _fail(
            path, f"posten '{info.filename}' er for stor ({info.file_size} bytes)", "poststørrelse"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _fail(
            path,
            f"posten '{info.filename}' pakker ud til {info.file_size} bytes fra "
            f"{info.compress_size} (zip-bombe?)",
            "poststørrelse",
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
        raise _fail(path, f"posten '{info.filename}' kan ikke læses: {exc}", "zip") from None
    if left != 1:
        raise _fail(
            path,
            f"posten '{info.filename}' har en anden størrelse end zip-hovedet angiver",
            "poststørrelse",
        )


def _read_document(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None
) -> bytes:
    """A JSON document, read whole: refused unread when its header says it is over `limit`
    (default: its limit by name)."""
    limit = document_limits(info.filename)[0] if limit is None else limit
    if info.file_size > limit:
        raise _fail(
            path, f"{info.filename} er for stor ({info.file_size} bytes; højst {limit})", "json"
        )
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


class _DuplicateKey(ValueError):
    pass


class _NotJsonNumber(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_OBJECT_KEYS:
        raise _TooManyKeys(len(pairs))
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    """NaN, Infinity and -Infinity: Python's json reads them, JSON has no such numbers."""
    raise _NotJsonNumber(name)


def _number(text: str) -> int | float:
    """A JSON number with a fraction or exponent; a whole one (3.0, 1e2) is the integer it equals,
    as JSON Schema's "integer" sees it."""
    value = float(text)
    return int(value) if value.is_integer() else value


def _parse_json(path: Path, name: str, data: bytes) -> Any:
    """`data` as JSON, refused before parsing when it has more values than its limit, and while
    parsing when an object has more keys than MAX_OBJECT_KEYS."""
    values = sum(data.count(separator) for separator in (b",", b":", b"[", b"{"))
    limit = document_limits(name)[1]
    if values > limit:
        raise _fail(path, f"{name} har for mange værdier (over {limit})", "json")
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_float=_number,
        )
    except _DuplicateKey as exc:
        raise _fail(
            path, f"{name}: nøglen '{exc.args[0]}' står to gange i samme objekt", "json"
        ) from None
    except _NotJsonNumber as exc:
        raise _fail(path, f"{name}: {exc.args[0]} er ikke et JSON-tal", "json") from None
    except _TooManyKeys as exc:
        raise _fail(
            path,
            f"{name}: et objekt har {count(exc.args[0], 'felt', 'felter')}; højst {MAX_OBJECT_KEYS} er tilladt",
            "json",
        ) from None
    except (ValueError, RecursionError) as exc:  # bad UTF-8/JSON, huge ints, deep nesting
        raise _fail(path, f"{name} er ikke gyldig JSON: {exc}", "json") from None


def _validate(path: Path, name: str, model: type[ModelT], raw: Any) -> ModelT:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _fail(path, f"{name}: {_validation_message(exc)}", "felter") from None


def _load(path: Path, name: str, model: type[ModelT], data: bytes) -> ModelT:
    """`data` parsed (within the limits on values and keys per object) and validated as `model`.

    pydantic-core's one-pass `model_validate_json` is about 0.13 s faster at 50,000 tasks, but it
    meets a hostile object before any limit can: one task with 100,000 unknown keys made it
    collect 100,000 errors (270 MB, and it grows with the document). json.loads with a hook that
    counts keys refuses such an object while parsing, so that is the one way documents are read.
    """
    return _validate(path, name, model, _parse_json(path, name, data))


def _open_archive(path: Path) -> zipfile.ZipFile:
    """The bundle as a ZipFile, after the checks on the file itself and on its end record."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"kan ikke læses: {exc.strerror}", "zip") from None
    if size > MAX_BUNDLE_BYTES:
        raise _fail(path, f"filen er for stor ({size} bytes)", "zip")
    if not path.is_file():
        raise _fail(path, "er ikke en gyldig zip-fil (det er ikke en fil)", "zip")
    if size == 0:
        raise _fail(path, "er ikke en gyldig zip-fil (filen er tom)", "zip")
    with path.open("rb") as stream:
        if stream.read(4) != b"PK\x03\x04":
            raise _fail(
                path, "er ikke en gyldig zip-fil (den starter ikke med zip-signaturen)", "zip"
            )
    declared = declared_directory(path, size)
    if declared is not None:
        entries, directory = declared
        if entries > MAX_ENTRIES:
            raise _fail(path, f"har {entries} poster; højst {MAX_ENTRIES} er tilladt", "zip")
        if directory > MAX_DIRECTORY_BYTES:
            raise _fail(
                path,
                f"zip-indholdsfortegnelsen er for stor ({directory} bytes; "
                f"højst {MAX_DIRECTORY_BYTES})",
                "zip",
            )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError) as exc:
        raise _fail(path, f"er ikke en gyldig zip-fil ({exc})", "zip") from None


def _checked_entries(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The bundle's entries by name, after every header check and before any data is read."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, f"har {len(infos)} poster; højst {MAX_ENTRIES} er tilladt", "zip")
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        _check_entry(path, info)
        folded = info.filename.casefold()
        if folded in seen:
            raise _fail(
                path,
                f"posten '{info.filename}' findes to gange (også '{seen[folded]}')",
                "dublet-post",
            )
        seen[folded] = info.filename
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _fail(path, "pakker ud til mere end tilladt i alt (zip-bombe?)", "poststørrelse")
    return {info.filename: info for info in infos}


def _check_manifest(path: Path, raw: Any) -> Manifest:
    if isinstance(raw, dict):
        if raw.get("format") != FORMAT_NAME:
            raise _fail(
                path,
                f"manifest.json: felt 'format' er {raw.get('format')!r}, ikke '{FORMAT_NAME}'",
                "manifest",
            )
        version = raw.get("format_version")
        # A bool is an int to Python (True == 1): only a real integer is a version.
        if type(version) is not int or version not in READABLE_VERSIONS:
            raise _fail(
                path,
                f"manifest.json: ukendt format_version {version!r} "
                f"(denne kigo læser version {_versions_text()})",
                "manifest",
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
                        raise _fail(
                            path, f"{where}: en lokal opgave har ingen KOMBIT-plan", "plan-lokal"
                        )
                else:
                    wanted = task_colour(
                        task.status, task.baseline_due, task.warn_days, status.today
                    )
                    if task.baseline_colour != wanted:
                        got = task.baseline_colour.value if task.baseline_colour else None
                        raise _fail(
                            path,
                            f"{where}: felt 'baseline_colour' er {got!r}, men KOMBITs slutdato "
                            f"({task.baseline_due or 'ingen'}) giver {wanted.value!r} pr. "
                            f"{status.today} (farvereglen)",
                            "farve-plan",
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
                            "begrundelse",
                        )


def verify_bundle(path: Path, today: date | None = None) -> VerifiedBundle:
    """Check a bundle completely; raise BundleError naming the file in the bundle, the task where
    there is one, and the rule (RULES). `today` is the day of the check (default: --today's
    KIGO_TODAY, else today in Copenhagen); a bundle dated more than a day after it is refused."""
    when = resolve_today(None)[0] if today is None else today
    with paused_gc():
        return _verify(Path(path), when)


def _verify(path: Path, today: date) -> VerifiedBundle:
    tables: dict[str, bytes] = {}
    with _open_archive(path) as archive:
        entries = _checked_entries(path, archive)
        if "manifest.json" not in entries:
            raise _fail(path, "manifest.json mangler", "manifest")
        files = {
            "manifest.json": _read_document(
                path, archive, entries["manifest.json"], MAX_MANIFEST_BYTES
            )
        }
        manifest = _check_manifest(path, _parse_json(path, "manifest.json", files["manifest.json"]))
        listed = {entry.name: entry for entry in manifest.files}
        if len(listed) != len(manifest.files):
            raise _fail(path, "manifest.json: en fil er nævnt to gange", "manifest")
        for name in sorted(entries):
            if name != "manifest.json" and name not in listed:
                raise _fail(path, f"posten '{name}' står ikke i manifest.json", "manifest")
        for name in REQUIRED_FILES:
            if name not in listed:
                raise _fail(path, f"{name} mangler", "kernefiler")
        for name, entry in sorted(listed.items()):
            if name not in entries:
                raise _fail(path, f"{name} står i manifest.json, men mangler i bundtet", "manifest")
            if name in DOCUMENTS or name in TABLES:
                limit = MAX_STATUS_BYTES if name in TABLES else None
                data = _read_document(path, archive, entries[name], limit)
                (files if name in DOCUMENTS else tables)[name] = data
                size, digest = len(data), hashlib.sha256(data).hexdigest()
            else:
                size, digest = _digest_entry(path, archive, entries[name])
            if size != entry.size:
                raise _fail(
                    path, f"{name}: størrelsen er {size}, manifestet siger {entry.size}", "hash"
                )
            if digest != entry.sha256:
                raise _fail(
                    path, f"{name}: SHA-256 passer ikke med manifestet (filen er ændret)", "hash"
                )
    version = manifest.format_version
    schema = files["status.schema.json"]
    # The exporter's bytes, or the same schema written differently (parsed and compared).
    if schema != status_schema_bytes(version) and (
        _parse_json(path, "status.schema.json", schema) != status_schema(version)
    ):
        raise _fail(path, f"status.schema.json er ikke skemaet for format {version}", "skema")
    status: StatusDocument = _load(path, "status.json", StatusDocument, files.pop("status.json"))
    if status.kommune.code != manifest.kommune_code:
        raise _fail(
            path,
            "status.json: felt 'kommune.code' passer ikke med manifestets kommune_code",
            "manifest-status",
        )
    if status.kommune.name != manifest.kommune_name:
        raise _fail(
            path,
            "status.json: felt 'kommune.name' passer ikke med manifestets kommune_name",
            "manifest-status",
        )
    if status.today != manifest.as_of:
        raise _fail(
            path, "status.json: felt 'today' passer ikke med manifestets as_of", "manifest-status"
        )
    check_status(path, status, today, format_version=version)
    check_baselines(path, status)
    check_tables(path, status, tables, format_version=version)
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
                path,
                "defects.json: felt 'measured_at' er ikke udgangen af manifestets as_of",
                "fejllog",
            )
    return VerifiedBundle(path, manifest, status, files)


# ------------------------------------------------------------------------- what the bundle means

_TASK_ID = re.compile(
    "(" + "|".join(PROJECT_CODES) + r")-([0-9]{2})-(?:([0-9]{2})|(L)[0-9]+|G[0-9]+)"
)
"""A task id: project, hovedopgave, then a catalogue number, a local L-number or a generated one."""
DATE_SLACK = timedelta(days=1)
"""A bundle may be dated one day after the day it is checked (the kommune may be a time zone ahead)."""


@cache
def _shipped_places() -> tuple[str, dict[str, tuple[str, int]], frozenset[int]]:
    """The shipped catalogue's version, its tasks' (project, hovedopgave) and its hovedopgaver."""
    catalogue = shipped_catalogue()
    places = {task.id: (task.project, task.main_task) for task in catalogue.tasks}
    return catalogue.version, places, frozenset(m.number for m in catalogue.main_tasks)


def _words(counts: dict[Any, int]) -> str:
    return ", ".join(f"{key!s} {value}" for key, value in sorted(counts.items(), key=str))


def _check_counts(
    path: Path, where: str, colour: Colour, claimed: CountsOut, counts: Counts
) -> None:
    """A level's colour and counts against those its tasks give (the roll-up in kigo_tui.domain.rules)."""
    part = "status.json"
    if colour != counts.colour:
        raise _reject(
            path,
            part,
            "samlet-farve",
            f"{where} har farven {COLOUR_LABELS[colour]}, men den værste af opgavernes farver "
            f"er {COLOUR_LABELS[counts.colour]}",
        )
    for label, got, want in (
        ("fuldført", claimed.done, counts.done),
        ("i alt", claimed.total, counts.total),
    ):
        if got != want:
            raise _reject(
                path, part, "optælling", f"{where}: '{label}' er {got}, men opgaverne giver {want}"
            )
    for label, got_counts, want_counts in (
        ("pr. farve", claimed.by_colour, counts.by_colour),
        ("pr. kategori", claimed.by_category, counts.by_category),
    ):
        if dict(got_counts) != want_counts:
            raise _reject(
                path,
                part,
                "optælling",
                f"{where}: optællingen {label} er ({_words(got_counts)}), men opgaverne giver "
                f"({_words(want_counts)})",
            )


def check_status(
    path: Path, doc: StatusDocument, today: date, *, format_version: int = FORMAT_VERSION
) -> None:
    """Recompute what status.json says from its tasks and its date, and refuse any difference:
    the kommune, the date, every task's place, dates, completion and colour, every level's
    colour and counts, and every follow-up list (by the rule of `format_version`:
    `follow_up_local`)."""
    part = "status.json"
    code, name = doc.kommune.code, doc.kommune.name
    kommune = find_kommune(code)
    if kommune is None or kommune.code != code:
        raise _reject(path, part, "kommune", f"kommunekoden '{code}' er ikke en af de 98 kommuners")
    if kommune.name != name:
        raise _reject(
            path, part, "kommune", f"kommune {code} hedder '{kommune.name}', ikke '{name}'"
        )
    if doc.today > today + DATE_SLACK:
        raise _reject(
            path,
            part,
            "dato",
            f"bundtet er dateret {short_date(doc.today)}, efter dagen for kontrollen "
            f"({short_date(today)})",
        )
    version, shipped, numbers = _shipped_places()
    catalogue = shipped if doc.catalogue_version == version else None
    seen: set[str] = set()
    projects: set[str] = set()
    project_counts: list[Counts] = []
    for project in doc.projects:
        pcode = project.code
        if pcode in projects:
            raise _reject(path, part, "struktur", f"projekt {pcode} står to gange")
        projects.add(pcode)
        mains: set[int] = set()
        main_counts: list[Counts] = []
        follow_up: list[TaskOut] = []
        for main in project.main_tasks:
            number = main.number
            where = f"projekt {pcode}, hovedopgave {number}"
            if number in mains:
                raise _reject(path, part, "struktur", f"{where} står to gange")
            mains.add(number)
            if number not in numbers:
                raise _reject(path, part, "placering", f"{where} findes ikke i kataloget")
            counts = Counts()
            for task in main.tasks:
                task_id = task.id
                if task_id in seen:
                    raise _reject(path, part, "opgave-id", "id'et står to gange", task_id)
                seen.add(task_id)
                shape = _TASK_ID.fullmatch(task_id)
                if shape is None or shape[1] != pcode or int(shape[2]) != number:
                    raise _reject(
                        path,
                        part,
                        "placering",
                        f"opgaven ligger under {where}, men dens id siger noget andet",
                        task_id,
                    )
                if task.local != (shape[4] is not None):
                    raise _reject(
                        path,
                        part,
                        "lokal",
                        f"'local' er {'sand' if task.local else 'falsk'}, men id'et er "
                        f"{'ikke ' if task.local else ''}et lokalt id",
                        task_id,
                    )
                if (
                    catalogue is not None
                    and shape[3] is not None
                    and catalogue.get(task_id) != (pcode, number)
                ):
                    raise _reject(
                        path,
                        part,
                        "placering",
                        f"opgaven findes ikke under {where} i katalog {version}",
                        task_id,
                    )
                start, due, status = task.start, task.due, task.status
                if start is not None and due is not None and start > due:
                    raise _reject(
                        path,
                        part,
                        "datoer",
                        f"startdatoen {short_date(start)} ligger efter slutdatoen {short_date(due)}",
                        task_id,
                    )
                if (status is Status.DONE) != (task.completed_at is not None):
                    detail = (
                        "opgaven er fuldført, men har intet fuldførelsestidspunkt"
                        if status is Status.DONE
                        else "opgaven er ikke fuldført, men har et fuldførelsestidspunkt"
                    )
                    raise _reject(path, part, "fuldført", detail, task_id)
                colour = task_colour(status, due, task.warn_days, doc.today)
                if colour != task.colour:
                    raise _reject(
                        path,
                        part,
                        "farve",
                        f"farven er {COLOUR_LABELS[task.colour]}, men farvereglen giver "
                        f"{COLOUR_LABELS[colour]} pr. {short_date(doc.today)}",
                        task_id,
                    )
                counts.add(task.category, status, colour)
                if colour is not Colour.GREEN and needs_follow_up(
                    task.category,
                    status,
                    colour,
                    local=follow_up_local(task.local, format_version),
                ):
                    follow_up.append(task)
            _check_counts(path, where, main.colour, main.counts, counts)
            main_counts.append(counts)
        counts = counts_sum(main_counts)
        _check_counts(path, f"projekt {pcode}", project.colour, project.counts, counts)
        project_counts.append(counts)
        _check_follow_up(path, project, follow_up)
    _check_counts(path, "kommunen", doc.colour, doc.counts, counts_sum(project_counts))


def _check_follow_up(path: Path, project: ProjectOut, tasks: list[TaskOut]) -> None:
    want = [(t.id, t.title, t.category, t.status, t.colour, t.due) for t in tasks]
    got = [(f.id, f.title, f.category, f.status, f.colour, f.due) for f in project.follow_up]
    if got == want:
        return
    index = next(
        (i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w),
        min(len(got), len(want)),
    )
    where = f"opfølgningslisten for projekt {project.code}"
    if index < len(got) and index < len(want) and got[index][0] == want[index][0]:
        detail = f"{where} har andre værdier for opgaven end opgaven selv"
        task_id = got[index][0]
    elif index < len(got) and got[index][0] not in {w[0] for w in want}:
        detail = f"{where} har opgaven, men KOMBIT følger ikke op på den"
        task_id = got[index][0]
    elif index < len(want):
        detail = f"{where} mangler opgaven (eller har den et andet sted)"
        task_id = want[index][0]
    else:
        detail = f"{where} har opgaven, men KOMBIT følger ikke op på den"
        task_id = got[index][0]
    raise _reject(path, "status.json", "opfølgning", detail, task_id)


# ------------------------------------------------------------------ status.csv and status.xlsx

_TASK_COLUMN = CSV_HEADERS.index("Opgave-id")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting so is neutralised with a leading ' (OWASP); the value is the rest."""
_EXCEL_EPOCH = datetime(1899, 12, 30)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MINUTE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}")
MAX_XLSX_PART_BYTES = 128 * 1024 * 1024
"""Largest part inside status.xlsx that is read (the sheet of 50,000 tasks: 28 MB)."""
MAX_XLSX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_XLSX_PARTS = 64


def _as_text(value: object) -> str:
    """A value as the CSV shows it: a date as ISO, a time to the minute, a number as digits."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _serial(text: str) -> float | None:
    """The Excel serial of an ISO date or date-and-time text (to the minute); None for other text."""
    if _ISO_DATE.fullmatch(text):
        return float((date.fromisoformat(text) - _EXCEL_EPOCH.date()).days)
    if _ISO_MINUTE.fullmatch(text):
        moment = datetime.fromisoformat(text.replace(" ", "T"))
        return (moment - _EXCEL_EPOCH).total_seconds() / 86400
    return None


def same_cell(want: object, got: object) -> bool:
    """Does a cell read back (CSV text, or an xlsx value) say `want`? A date may be an Excel date
    or ISO text, a number a number or its digits, and text may carry the ' that neutralises a
    formula-like cell, so both ways of writing a value compare equal."""
    text = _as_text(want)
    if got is None or got == "":
        return text == ""
    if isinstance(got, str):
        if got == text:
            return True
        return got[:1] == "'" and got[1:2] in _FORMULA_START and got[1:2] != "" and got[1:] == text
    if isinstance(got, bool):
        return want is got
    if isinstance(got, datetime):
        return _as_text(got) == text or (
            got.time() == datetime.min.time() and got.date().isoformat() == text
        )
    if isinstance(got, int | float):
        if isinstance(want, int | float) and not isinstance(want, bool):
            return got == want
        try:
            serial = _serial(text)
        except ValueError:
            return False
        if serial is not None:
            return round(got * 1440) == round(serial * 1440)
        try:
            return float(text) == got
        except ValueError:
            return False
    return False


def _compare_rows(
    path: Path,
    part: str,
    headers: tuple[str, ...],
    want_rows: list[list[Any]],
    got_rows: Iterator[Any],
    task_column: int | None,
) -> None:
    """Row by row, cell by cell; the first difference is refused, naming row, column and task."""
    header = next(got_rows, None)
    if header is None or [_as_text(h) for h in header][: len(headers)] != list(headers):
        raise _reject(path, part, f"status-{part[7:]}", "overskriftsrækken er ikke formatets")
    rule = f"status-{part[7:]}"
    for index, (want, got) in enumerate(zip_longest(want_rows, got_rows), start=2):
        task = None if want is None or task_column is None else str(want[task_column])
        if got is None:
            raise _reject(path, part, rule, f"række {index} mangler", task)
        cells = list(got)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if want is None:
            if not cells:
                continue  # a trailing empty row
            raise _reject(path, part, rule, f"række {index} svarer ikke til noget i status.json")
        padded = cells + [None] * (len(want) - len(cells))
        if len(padded) > len(want):
            raise _reject(path, part, rule, f"række {index} har flere kolonner end formatets", task)
        for column, (w, g) in enumerate(zip(want, padded, strict=True)):
            if not same_cell(w, g):
                raise _reject(
                    path,
                    part,
                    rule,
                    f"række {index}, kolonne '{headers[column]}' er {g!r}, men status.json "
                    f"giver {_as_text(w)!r}",
                    task,
                )


def _check_csv(path: Path, rows: list[list[Any]], data: bytes, format_version: int) -> None:
    if data == csv_bytes(rows, format_version):
        return  # written by this format's own code from exactly these rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(path, "status.csv", "status-csv", f"er ikke UTF-8 ({exc.reason})") from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        headers = csv_headers(format_version)
        _compare_rows(path, "status.csv", headers, rows, reader, _TASK_COLUMN)
    except csv.Error as exc:
        raise _reject(path, "status.csv", "status-csv", f"kan ikke læses som CSV: {exc}") from None


_XLSX_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    zlib.error,
)


def _open_xlsx(path: Path, data: bytes) -> zipfile.ZipFile:
    """status.xlsx as a zip, after the limits on its parts (it is a zip inside the bundle)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except _XLSX_ERRORS as exc:
        raise _reject(path, "status.xlsx", "status-xlsx", f"kan ikke læses: {exc}") from None
    infos = book.infolist()
    if len(infos) > MAX_XLSX_PARTS or sum(i.file_size for i in infos) > MAX_XLSX_TOTAL_BYTES:
        raise _reject(path, "status.xlsx", "status-xlsx", "arbejdsbogen er for stor")
    for info in infos:
        if info.file_size > MAX_XLSX_PART_BYTES or (
            info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise _reject(
                path, "status.xlsx", "status-xlsx", f"delen '{info.filename}' er for stor"
            )
    return book


def _same_part(theirs: zipfile.ZipFile, name: str, own: bytes) -> bool:
    """Is their part `own`, byte for byte? Theirs is inflated and compared chunk by chunk, never
    whole in memory."""
    view = memoryview(own)
    at = 0
    with theirs.open(name) as other:
        while chunk := other.read(READ_CHUNK):
            if view[at : at + len(chunk)] != chunk:
                return False
            at += len(chunk)
    return at == len(own)


_SST_ITEMS = re.compile(rb"<sst [^>]*>(.*)</sst>", re.DOTALL)
_SHEET_TAGS = re.compile(rb"<sheet [^>]*/>")
_FIRST_RELATIONS = re.compile(rb'<Relationship Id="rId[12]" [^>]*/>')
_OWN_PARTS = (
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
)


def _same_xlsx(path: Path, data: bytes, parts: dict[str, str]) -> bool:
    """Is the bundle's workbook this format's own, with the same Opgaver and Projekter sheets
    (other sheets may follow them)? Its parts are compared with `parts` (this format's, as
    `xlsx_parts` gives them, not deflated), without parsing a cell."""
    theirs = _open_xlsx(path, data)
    try:
        with theirs:
            if not set(_OWN_PARTS) <= set(theirs.namelist()):
                return False
            for name in _OWN_PARTS[:3]:
                if not _same_part(theirs, name, parts.pop(name).encode("utf-8")):
                    return False
            their = {n: theirs.read(n) for n in _OWN_PARTS[3:]}
    except _XLSX_ERRORS:
        return False  # openpyxl will say what is wrong with it
    own = {n: parts[n].encode("utf-8") for n in _OWN_PARTS[3:]}
    own_sheets = _SHEET_TAGS.findall(own["xl/workbook.xml"])
    if _SHEET_TAGS.findall(their["xl/workbook.xml"])[: len(own_sheets)] != own_sheets:
        return False
    relations = "xl/_rels/workbook.xml.rels"
    if _FIRST_RELATIONS.findall(own[relations]) != _FIRST_RELATIONS.findall(their[relations]):
        return False
    own_items, their_items = (
        _SST_ITEMS.search(parts["xl/sharedStrings.xml"]) for parts in (own, their)
    )
    return (
        own_items is not None
        and their_items is not None
        and their_items[1].startswith(own_items[1])
    )


def _check_xlsx(
    path: Path, doc: StatusDocument, rows: list[list[Any]], data: bytes, format_version: int
) -> None:
    projects = project_rows(doc)
    task_headers = csv_headers(format_version)
    parts = xlsx_parts(
        [("Opgaver", task_headers, rows), ("Projekter", PROJECT_HEADERS, projects)], doc.today
    )
    if _same_xlsx(path, data, parts):  # also checks the limits, before openpyxl unpacks anything
        return
    del parts
    # Another writer: read the cells back with openpyxl and compare them by value.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for title, headers, want, column in (
                ("Opgaver", task_headers, rows, _TASK_COLUMN),
                ("Projekter", PROJECT_HEADERS, projects, None),
            ):
                if title not in book.sheetnames:
                    raise _reject(path, "status.xlsx", "status-xlsx", f"arket '{title}' mangler")
                cells = book[title].iter_rows(values_only=True)
                _compare_rows(path, "status.xlsx", headers, want, cells, column)
        finally:
            book.close()
    except BundleError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _reject(
            path, "status.xlsx", "status-xlsx", f"kan ikke læses: {type(exc).__name__}: {exc}"
        ) from None


def check_tables(
    path: Path,
    doc: StatusDocument,
    tables: dict[str, bytes],
    *,
    format_version: int = FORMAT_VERSION,
) -> None:
    """status.csv and status.xlsx hold exactly status.json's rows (task_rows: the export's own,
    with the KOMBIT-opfølgning column by the rule of `format_version`)."""
    rows = task_rows(doc, format_version)
    # The csv first, then let go of it: the xlsx check needs room.
    _check_csv(path, rows, tables.pop("status.csv"), format_version)
    _check_xlsx(path, doc, rows, tables.pop("status.xlsx"), format_version)
