"""Memory stays bounded under hostile input: zip bombs, huge manifests and JSON, huge catalogues.

Each case runs the real `kigo verify`, `kigo aggregate` or `kigo catalogue import --dry-run` as a
process and compares its peak resident memory with a baseline measured in the same run: the same
command on a small valid input. A rejected input may cost baseline + MARGIN_MB (64 MiB), about
twice the baseline of `kigo verify`: every hostile case is refused before it can cost more. An
accepted bundle costs what its JSON costs to parse and validate, at most PARSE_FACTOR times the
documents' size on top of that: a real bundle (101 København, every task) unpacks to 0.25 MB, and
the largest status.json verify accepts (32 MiB, about 90,000 tasks: the national-scale benchmark
has 50,000) is the case that uses it. Before the limits in bundle/verify.py and catalogue.py,
inputs like these took from 130 MB to more than 2.9 GB (docs/RELIABILITY.md).

How the peak is measured: Linux carries a process's peak RSS across fork and exec, so the
ru_maxrss that os.wait4 reports for a child of pytest is never below pytest's own peak. So a
small launcher (LAUNCHER, about 10 MB) forks and execs kigo and reports the child's
ru_maxrss; that child's peak starts from the launcher's, not from pytest's. The launcher also
caps the child's address space at ADDRESS_LIMIT, so a regression fails the test (MemoryError)
instead of exhausting the CI machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kigo_tui.bundle import verify
from kigo_tui.bundle.export import bundle_bytes
from kigo_tui.domain import catalogue
from kigo_tui.domain.catalogue import CATALOGUE_PATH, PROJECT_CODES, shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import Status
from kigo_tui.storage.store import Store
from tests.bundle.test_bundle_hostile import Base, as_json, entry, manifest_for, patch_entry, zip_of
from tests.support.fixed import FIXED_TODAY, GOLIVES
from tests.support.reliability_worker import report

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="ru_maxrss in KiB and fork semantics of Linux"
)

MIB = 1024 * 1024
GIB = 1024 * MIB
MARGIN_MB = 64.0
PARSE_FACTOR = 10.0
"""Peak memory per MB of JSON in an accepted bundle (measured: 9.1 for a status.json of 22 MB)."""
ADDRESS_LIMIT = 3 * GIB
"""Address-space cap for each kigo run: a safety net, far above the bound, below the bombs."""

LAUNCHER = """
import os, resource, sys
report, limit, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    peak_mb: float


def run_measured(argv: list[str], cwd: Path) -> Run:
    """ARGV in its own process (via LAUNCHER): its exit code, output and peak RSS in MiB."""
    report_file = cwd.parent / f"{cwd.name}.rss"
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(report_file), str(ADDRESS_LIMIT), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 0, done.stderr
    maxrss_kib, code = report_file.read_text().split()
    report_file.unlink()
    return Run(int(code), done.stdout, done.stderr, int(maxrss_kib) / 1024)


def run_kigo(args: list[str], cwd: Path) -> Run:
    return run_measured([sys.executable, "-m", "kigo_tui", *args], cwd)


# --------------------------------------------------------------------------------- bundles


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    path = tmp_path_factory.mktemp("base") / "kigo.db"
    store = Store.open(str(path), user="testbruger")
    store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    store.set_status(store.snapshot().tasks[0].id, Status.DONE)
    data = bundle_bytes(store.snapshot(), FIXED_TODAY)
    store.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    return Base(data, files)


def stored(name: str) -> zipfile.ZipInfo:
    """An entry kept uncompressed: its size is honest and no ratio check can fire."""
    info = entry(name)
    info.compress_type = zipfile.ZIP_STORED
    return info


def listed(base: Base, extra: dict[str, bytes]) -> bytes:
    """The base bundle plus `extra` entries (stored), all listed honestly in the manifest."""
    files = base.content() | extra
    manifest = as_json(manifest_for(base, files))
    entries = [(stored(n) if n in extra else n, d) for n, d in files.items()]
    return zip_of([("manifest.json", manifest), *sorted(entries, key=_entry_name)])


def _entry_name(item: tuple[str | zipfile.ZipInfo, bytes]) -> str:
    name = item[0]
    return name if isinstance(name, str) else name.filename


def write_zeros(
    path: Path, entries: dict[str, int], *, with_base: Base | None = None, manifest: bytes = b""
) -> None:
    """A zip of `entries` (name: size) of zero bytes, deflated as they stream (never in memory),
    after the base bundle's entries (with `manifest`, if given) when `with_base` is given."""
    with zipfile.ZipFile(path, "w") as archive:
        if with_base is not None:
            archive.writestr(entry("manifest.json"), manifest or with_base.files["manifest.json"])
            for name, data in sorted(with_base.content().items()):
                archive.writestr(entry(name), data)
        chunk = bytes(MIB)
        for name, size in entries.items():
            info = entry(name)
            info.file_size = size
            info._compresslevel = 1  # type: ignore[attr-defined]  # fast; zeros still shrink 229:1
            with archive.open(info, "w") as stream:
                for _ in range(size // MIB):
                    stream.write(chunk)


def _json_case(base: Base, name: str, document: bytes) -> bytes:
    return listed(base, {name: document})


def _status_with_tasks(base: Base, tasks: list[dict[str, object]]) -> bytes:
    """The base status.json with `tasks` as the first hovedopgave's tasks, compact."""
    doc = base.status()
    doc["projects"][0]["main_tasks"][0]["tasks"] = tasks
    return json.dumps(doc, separators=(",", ":")).encode()


def _separators(data: bytes) -> int:
    return sum(data.count(s) for s in (b",", b":", b"[", b"{"))


def _status_at_the_limits(base: Base) -> bytes:
    """A valid status.json with as many tasks as fit within verify's limit on values."""
    template = base.status()["projects"][0]["main_tasks"][0]["tasks"][0]
    one = _separators(json.dumps({**template, "id": "STS-01-L1"}).encode()) + 1
    room = verify.MAX_STATUS_VALUES - _separators(_status_with_tasks(base, []))
    count = room // one
    tasks = [{**template, "id": f"STS-01-L{n + 1}"} for n in range(count)]
    data = _status_with_tasks(base, tasks)
    assert verify.MAX_STATUS_VALUES - one < _separators(data) <= verify.MAX_STATUS_VALUES
    assert len(data) <= verify.MAX_STATUS_BYTES
    return data


def _export_at_the_limits(base: Base, path: Path) -> None:
    """Valid: a real export (tests/support/fleet.py) with about as many tasks as verify's limit on the
    size of status.json admits: 50,000 (with KOMBIT's baseline), 30 MB of JSON, with the tables."""
    from tests.support.fleet import kommune, synthetic_snapshot

    data = bundle_bytes(synthetic_snapshot(kommune("101"), 50_000, FIXED_TODAY), FIXED_TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo("status.json").file_size
    assert 0.85 * verify.MAX_STATUS_BYTES < size <= verify.MAX_STATUS_BYTES
    path.write_bytes(data)


def _huge_central_directory(entries: int, *, declared: int | None = None) -> bytes:
    """One real entry, then a central directory of `entries` records for it (zip64 end record),
    which says it has `declared` entries (default: the truth)."""
    name = b"a"
    local = (
        b"PK\x03\x04" + (20).to_bytes(2, "little") + bytes(8) + bytes(4) + bytes(8)
        + len(name).to_bytes(2, "little") + bytes(2) + name
    )  # fmt: skip
    record = (
        b"PK\x01\x02" + (20).to_bytes(2, "little") * 2 + bytes(16) + bytes(4)
        + len(name).to_bytes(2, "little") + bytes(12) + bytes(4) + name
    )  # fmt: skip
    central = record * entries
    offset = len(local)
    zip64_end = (
        b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2 + bytes(8)
        + (entries if declared is None else declared).to_bytes(8, "little") * 2
        + len(central).to_bytes(8, "little")
        + offset.to_bytes(8, "little")
    )  # fmt: skip
    locator = b"PK\x06\x07" + bytes(4) + (offset + len(central)).to_bytes(8, "little")
    locator += (1).to_bytes(4, "little")
    end = b"PK\x05\x06" + bytes(4) + b"\xff\xff" * 2 + b"\xff" * 8 + bytes(2)
    return local + central + zip64_end + locator + end


@dataclass(frozen=True)
class BundleCase:
    id: str
    build: Callable[[Base, Path], None]
    """Writes the bundle to the given path."""
    expect: str
    """A part of the rejection that names the entry, file or field ('' when the bundle is valid)."""
    unpacks_to: int | None = None
    """Bytes the data inflates to, when that is not what the headers say (None: what they say)."""
    parsed: bool = False
    """Refused only after its JSON is parsed and validated whole (for what it means), so it may
    cost what an accepted bundle of its size costs."""


def _parses(case: BundleCase) -> bool:
    return not case.expect or case.parsed


def _json_mb(path: Path) -> float:
    """MB of JSON documents in a bundle (what an accepted bundle costs to parse)."""
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist() if i.filename.endswith(".json")) / MIB


def _write(data: Callable[[Base], bytes]) -> Callable[[Base, Path], None]:
    return lambda base, path: path.write_bytes(data(base))


def _gib_of_zeros(base: Base, path: Path) -> None:
    """nuller.bin: 1 GiB of zeros (4.5 MB deflated), listed in the manifest as 1,000 bytes."""
    manifest = manifest_for(base, base.content() | {"nuller.bin": bytes(1000)})
    write_zeros(path, {"nuller.bin": GIB}, with_base=base, manifest=as_json(manifest))


def _lying_bomb(base: Base, path: Path) -> None:
    """bomb-by-size (built just before) with headers that say 1,000 bytes, as the manifest does."""
    honest = path.with_name("bomb-by-size.zip").read_bytes()
    path.write_bytes(patch_entry(honest, "nuller.bin", size=1000))


def _at_the_limits(base: Base, path: Path) -> None:
    """Valid: three listed attachments of 64 + 64 + 30 MiB (within MAX_TOTAL_BYTES), 1.5 MB zipped."""
    block = bytearray(MIB)
    for position in range(0, MIB, 97):  # a byte in every 97 defeats the deflate run coding
        block[position] = position % 251 + 1
    sizes = {"bilag-1.bin": 64, "bilag-2.bin": 64, "bilag-3.bin": 30}
    files = base.content()
    listing = dict(manifest_for(base, files))
    for name, mib in sizes.items():
        digest = hashlib.sha256()
        for _ in range(mib):
            digest.update(block)
        listing["files"].append({"name": name, "sha256": digest.hexdigest(), "size": mib * MIB})
    listing["files"].sort(key=lambda f: f["name"])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(entry("manifest.json"), as_json(listing))
        for name, data in sorted(files.items()):
            archive.writestr(entry(name), data)
        for name, mib in sizes.items():
            info = entry(name)
            info.file_size = mib * MIB
            with archive.open(info, "w") as stream:
                for _ in range(mib):
                    stream.write(block)


BUNDLE_CASES = [
    BundleCase(
        "bomb-by-ratio",
        lambda base, path: write_zeros(path, {f"nuller-{n:02}.bin": 64 * MIB for n in range(16)}),
        # 16 entries (the most allowed) of 64 MiB (the largest allowed): 1 GiB
        "posten 'nuller-00.bin' pakker ud til 67108864 bytes fra",
    ),
    BundleCase(
        "bomb-by-size",
        _gib_of_zeros,
        f"posten 'nuller.bin' er for stor ({GIB} bytes)",
    ),
    BundleCase(
        "bomb-with-lying-header",
        _lying_bomb,
        "posten 'nuller.bin' kan ikke læses: Bad CRC-32",  # read stops at the 1,000 bytes claimed
        GIB,  # what the data inflates to; the headers say 1,000
    ),
    BundleCase(
        "bomb-claims-4-gib",
        _write(lambda base: patch_entry(base.data, "status.csv", size=0xFFFF_FFFE)),
        "posten 'status.csv' er for stor (4294967294 bytes)",
    ),
    BundleCase(
        "huge-central-directory",
        _write(lambda base: _huge_central_directory(1_000_000)),
        "har 1000000 poster; højst 16 er tilladt",
        47_000_000,  # the directory zipfile would read, making a 400-byte object per record
    ),
    BundleCase(
        "central-directory-lies-about-its-count",
        _write(lambda base: _huge_central_directory(1_000_000, declared=1)),
        "zip-indholdsfortegnelsen er for stor (47000000 bytes; højst 1048576)",
        47_000_000,
    ),
    BundleCase(
        "huge-manifest",
        _write(
            lambda base: zip_of(
                [
                    (stored("manifest.json"), b"[" + b"{}," * 13_000_000 + b"{}]"),
                    *sorted(base.content().items()),
                ]
            )
        ),
        "manifest.json er for stor (39000004 bytes; højst 65536)",
    ),
    BundleCase(
        "status-json-huge",
        _write(lambda base: _json_case(base, "status.json", b'"' + b"x" * (60 * MIB) + b'"')),
        f"status.json er for stor (62914562 bytes; højst {verify.MAX_STATUS_BYTES})",
    ),
    BundleCase(
        "status-json-many-values",
        _write(lambda base: _json_case(base, "status.json", b"[" + b"[]," * 2_500_000 + b"[]]")),
        f"status.json har for mange værdier (over {verify.MAX_STATUS_VALUES})",
    ),
    BundleCase(
        "organisation-deep-nesting",
        _write(lambda base: _json_case(base, "organisation.json", b"[" * (7 * MIB))),
        "organisation.json har for mange værdier (over 250000)",
    ),
    BundleCase(
        "status-many-errors",
        _write(
            lambda base: _json_case(base, "status.json", _status_with_tasks(base, [{}] * 100_000))
        ),
        "status.json: felt 'projects.0.main_tasks.0.tasks.0.id': Field required",
    ),
    BundleCase(
        "status-wide-object",
        _write(
            lambda base: _json_case(
                base,
                "status.json",
                _status_with_tasks(base, [{f"felt{n}": 0 for n in range(100_000)}]),
            )
        ),
        "status.json: et objekt har 100000 felter; højst 64 er tilladt",
    ),
    BundleCase(
        # Copies of one catalogue task under local ids: the right shape, but not what it says.
        "status-json-at-the-limits",
        _write(lambda base: _json_case(base, "status.json", _status_at_the_limits(base))),
        "regel 'lokal'",
        parsed=True,
    ),
    BundleCase("attachments-at-the-limits", _at_the_limits, ""),
]


@pytest.fixture(scope="module")
def bundles(base: Base, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case's bundle, built once, plus 'valid': the base bundle."""
    folder = tmp_path_factory.mktemp("hostile-bundles")
    paths = {"valid": folder / "kigo-status-101-2026-11-23.zip"}
    paths["valid"].write_bytes(base.data)
    for case in BUNDLE_CASES:
        paths[case.id] = folder / f"{case.id}.zip"
        case.build(base, paths[case.id])
    return paths


@pytest.fixture(scope="module")
def verify_baseline(bundles: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> float:
    run = run_kigo(["verify", str(bundles["valid"])], tmp_path_factory.mktemp("cwd"))
    assert run.code == 0, run.err
    report({"test": "memory-baseline", "command": "verify", "peak_mb": round(run.peak_mb, 1)})
    return run.peak_mb


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    """An empty folder to run kigo in: a stray write would land here."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    return folder


def test_the_launcher_measures_the_child_not_pytest(cwd: Path) -> None:
    """A child that touches 200 MiB peaks 200 MiB above one that does not; neither is pytest's size."""
    idle = run_measured([sys.executable, "-c", "pass"], cwd)
    touch = "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    busy = run_measured([sys.executable, "-c", touch], cwd)
    assert idle.code == busy.code == 0
    assert 195 <= busy.peak_mb - idle.peak_mb <= 215
    assert idle.peak_mb < 40  # python alone; pytest here is several times that
    assert list(cwd.iterdir()) == []


def unpacked_size(path: Path, case: BundleCase) -> int:
    """What the bundle inflates to: the case's own figure, or the sum of its headers' sizes."""
    if case.unpacks_to is not None:
        return case.unpacks_to
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


@pytest.mark.parametrize("case", BUNDLE_CASES, ids=lambda c: c.id)
def test_verify_memory_stays_bounded(
    case: BundleCase, bundles: dict[str, Path], verify_baseline: float, cwd: Path
) -> None:
    path = bundles[case.id]
    run = run_kigo(["verify", str(path)], cwd)
    bound = verify_baseline + MARGIN_MB + (PARSE_FACTOR * _json_mb(path) if _parses(case) else 0)
    report(
        {
            "test": "memory-verify",
            "case": case.id,
            "file_mb": round(path.stat().st_size / MIB, 1),
            "unpacks_to_mb": round(unpacked_size(path, case) / MIB, 1),
            "peak_mb": round(run.peak_mb, 1),
            "baseline_mb": round(verify_baseline, 1),
        }
    )
    if case.expect:
        assert run.code == 1, run.err
        assert run.err.startswith("kigo: fejl: ") and str(path) in run.err, run.err
        assert case.expect in run.err, run.err
    else:
        assert run.code == 0, run.err
        assert "gyldig" in run.out
    assert "Traceback" not in run.err
    assert run.peak_mb <= bound, f"{run.peak_mb:.0f} MB > {bound:.0f} MB"
    assert list(cwd.iterdir()) == []  # nothing written


def test_verify_of_a_real_export_at_the_limits_stays_bounded(
    verify_baseline: float, tmp_path: Path, cwd: Path
) -> None:
    """status.json at about its size limit, and status.csv and status.xlsx compared with it: the
    same bound as any accepted bundle (its own folder, so the aggregate test's stays as it was)."""
    path = tmp_path / "kigo-status-101-2026-11-23.zip"
    _export_at_the_limits(Base(b"", {}), path)
    run = run_kigo(["--today", FIXED_TODAY.isoformat(), "verify", str(path)], cwd)
    bound = verify_baseline + MARGIN_MB + PARSE_FACTOR * _json_mb(path)
    report(
        {
            "test": "memory-verify",
            "case": "export-at-the-limits",
            "file_mb": round(path.stat().st_size / MIB, 1),
            "json_mb": round(_json_mb(path), 1),
            "peak_mb": round(run.peak_mb, 1),
            "baseline_mb": round(verify_baseline, 1),
        }
    )
    assert run.code == 0, run.err
    assert "gyldig" in run.out
    assert run.peak_mb <= bound, f"{run.peak_mb:.0f} MB > {bound:.0f} MB"


def test_aggregate_over_a_folder_of_hostile_bundles_stays_bounded(
    bundles: dict[str, Path], tmp_path: Path, cwd: Path
) -> None:
    folder = next(iter(bundles.values())).parent
    alone = tmp_path / "alene"
    alone.mkdir()
    (alone / bundles["valid"].name).write_bytes(bundles["valid"].read_bytes())
    baseline = run_kigo(["aggregate", str(alone), "--out", str(tmp_path / "alene.json")], cwd)
    assert baseline.code == 0, baseline.err

    out = tmp_path / "overblik.json"
    run = run_kigo(["aggregate", str(folder), "--out", str(out)], cwd)
    report(
        {
            "test": "memory-aggregate",
            "bundles": len(bundles),
            "folder_mb": round(sum(p.stat().st_size for p in folder.iterdir()) / MIB, 1),
            "peak_mb": round(run.peak_mb, 1),
            "baseline_mb": round(baseline.peak_mb, 1),
        }
    )
    assert run.code == 0, run.err
    overview = json.loads(out.read_text(encoding="utf-8"))
    assert overview["kommuner"] == 1
    rejected = {Path(r["file"]).stem for r in overview["rejected"]}
    assert rejected == {c.id for c in BUNDLE_CASES if c.expect}
    assert "Traceback" not in run.err
    accepted = max(_json_mb(bundles[c.id]) for c in BUNDLE_CASES if _parses(c))
    bound = baseline.peak_mb + MARGIN_MB + PARSE_FACTOR * accepted
    assert run.peak_mb <= bound, f"{run.peak_mb:.0f} MB > {bound:.0f} MB"
    assert list(cwd.iterdir()) == []


# ------------------------------------------------------------------------------ catalogues


@dataclass(frozen=True)
class CatalogueCase:
    id: str
    build: Callable[[Path], Path]
    """Makes the catalogue file in the folder and returns its path."""
    expect: str


def _sparse(size: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "kæmpe-katalog.toml"
        with path.open("wb") as stream:
            stream.truncate(size)  # a hole: no disk used, reads as zero bytes
        return path

    return build


def _text(name: str, make: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(make())
        return path

    return build


def _shipped_plus(extra: str) -> Callable[[], bytes]:
    return lambda: (CATALOGUE_PATH.read_text(encoding="utf-8") + extra).encode()


def _catalogue_at_the_limits() -> bytes:
    """A valid, newer catalogue: the shipped one plus 3,200 tasks (ids NN-50 to NN-99 under every
    hovedopgave), with checklists that fill it to the limit on values."""
    text = CATALOGUE_PATH.read_text(encoding="utf-8").replace(
        f'version = "{shipped_catalogue().version}"', 'version = "2099.1.0"', 1
    )
    ids = [f"{p}-{m:02}-{n}" for p in PROJECT_CODES for m in range(1, 17) for n in range(50, 100)]
    room = catalogue.MAX_CATALOGUE_VALUES - _toml_values(text.encode())
    plain = _toml_values(_extra_task("STS-01-50", 1).encode())
    items = (room - len(ids) * plain) // len(ids) + 1
    extra = "".join(_extra_task(task_id, items) for task_id in ids)
    data = (text + extra).encode()
    assert catalogue.MAX_CATALOGUE_VALUES - len(ids) < _toml_values(data)
    assert _toml_values(data) <= catalogue.MAX_CATALOGUE_VALUES
    return data


def _extra_task(task_id: str, items: int) -> str:
    checklist = ", ".join(f'"Punkt {n}"' for n in range(items))
    return (
        f'\n[[tasks]]\nid = "{task_id}"\ntitle = "Ekstra opgave"\ndescription = "En opgave"\n'
        'category = "mandatory"\nphase = "F2"\nstart_offset = -30\ndue_offset = -10\n'
        f"checklist = [{checklist}]\n"
    )


def _toml_values(data: bytes) -> int:
    return sum(data.count(s) for s in (b"=", b",", b"[", b"{"))


BAD_TASK = '\n[[tasks]]\nid = "STS-01-99"\ntitle = ""\ncategory = "vigtig"\n'
WIDE_TASK = "\n[[tasks]]\n" + "".join(f"felt{n} = 0\n" for n in range(20_000))

CATALOGUE_CASES = [
    CatalogueCase("sparse-1-gib", _sparse(GIB), "katalogfilen er for stor (over 4194304 bytes)"),
    CatalogueCase(
        "endless-stream",
        lambda folder: Path("/dev/zero"),
        "er ikke en almindelig fil",  # refused before a byte is read
    ),
    CatalogueCase(
        "many-values",
        _text("mange.toml", lambda: b"x = [" + b"[]," * 1_000_000 + b"[]]\n"),
        "katalogfilen har for mange værdier (over 100000)",
    ),
    CatalogueCase(
        "many-invalid-tasks",
        _text("ugyldige.toml", _shipped_plus(BAD_TASK * 12_000)),
        "kataloget er ugyldigt (6 fejl)",
    ),
    CatalogueCase(
        "valid-at-the-limits",
        _text("stort.toml", _catalogue_at_the_limits),
        "",
    ),
    CatalogueCase(
        "wide-table",
        _text("bred.toml", _shipped_plus(WIDE_TASK)),
        f"tasks[{len(shipped_catalogue().tasks) + 1}] har 20000 felter; højst 64 er tilladt",
    ),
]


@pytest.fixture(scope="module")
def catalogue_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue-db") / "kigo.db"
    store = Store.open(str(path), user="testbruger")
    store.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    store.close()
    return path


@pytest.fixture(scope="module")
def catalogue_baseline(catalogue_db: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    cwd = tmp_path_factory.mktemp("cwd")
    run = run_kigo(
        ["--db", str(catalogue_db), "catalogue", "import", str(CATALOGUE_PATH), "--dry-run"], cwd
    )
    assert run.code == 0, run.err
    report(
        {
            "test": "memory-baseline",
            "command": "catalogue import --dry-run",
            "peak_mb": round(run.peak_mb, 1),
        }
    )
    return run.peak_mb


@pytest.mark.parametrize("case", CATALOGUE_CASES, ids=lambda c: c.id)
def test_catalogue_import_memory_stays_bounded(
    case: CatalogueCase, catalogue_db: Path, catalogue_baseline: float, tmp_path: Path, cwd: Path
) -> None:
    if case.id == "endless-stream" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    folder = tmp_path / "filer"
    folder.mkdir()
    path = case.build(folder)
    before = catalogue_db.read_bytes()
    run = run_kigo(["--db", str(catalogue_db), "catalogue", "import", str(path), "--dry-run"], cwd)
    report(
        {
            "test": "memory-catalogue",
            "case": case.id,
            "file_mb": round(path.stat().st_size / MIB, 1) if path.is_file() else None,
            "peak_mb": round(run.peak_mb, 1),
            "baseline_mb": round(catalogue_baseline, 1),
        }
    )
    if case.expect:
        assert run.code == 1, run.err
        assert run.err.startswith("kigo: fejl: ") and str(path) in run.err, run.err
        assert case.expect in run.err, run.err
    else:
        assert run.code == 0, run.err
        assert "2099.1.0" in run.out
    assert "Traceback" not in run.err
    bound = catalogue_baseline + MARGIN_MB
    assert run.peak_mb <= bound, f"{run.peak_mb:.0f} MB > {bound:.0f} MB"
    assert list(cwd.iterdir()) == []
    assert catalogue_db.read_bytes() == before
