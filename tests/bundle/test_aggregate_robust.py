"""`kigo aggregate` survives any upload: mutated bundles beside good ones, odd folders, clashes.

The mutated bundles are made once per module from real bundles (tests/support/fleet.py, no database):
random byte mutations of the zip (flips, cuts, inserted and repeated runs) and field mutations of
status.json and manifest.json (values replaced by other types, keys dropped or added, numbers
made huge), half of them with the manifest's hashes redone so the mutation reaches the checks
behind the hash. Seeded, so a failure repeats. KIGO_FUZZ_BUNDLES=N makes a larger run.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import random
import sys
import zipfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kigo_tui.__main__ import main
from kigo_tui.bundle import aggregate as aggregate_module
from kigo_tui.bundle.aggregate import READ, REJECTED, SKIPPED, aggregate
from kigo_tui.bundle.export import bundle_bytes, bundle_name
from kigo_tui.bundle.zipfiles import zip_bytes, zip_entry
from kigo_tui.domain.kommuner import all_kommuner
from tests.support.fixed import FIXED_TODAY
from tests.support.fleet import kommune, synthetic_snapshot

MUTATED = int(os.environ.get("KIGO_FUZZ_BUNDLES", "1000"))
GOOD = ("101", "147", "461", "751", "851")
"""The good kommuner; the mutated bundles are made from other kommuner's bundles."""
BASES = ("157", "159", "161")
TASKS = 300


def good_bundle(code: str, today: date = FIXED_TODAY, seed: int = 1) -> bytes:
    return bundle_bytes(synthetic_snapshot(kommune(code), TASKS, today, seed=seed), today)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(files: dict[str, bytes], *, rehash: bool) -> bytes:
    if rehash and "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])
        listed = manifest.get("files", []) if isinstance(manifest, dict) else []
        for entry in listed if isinstance(listed, list) else []:
            if (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and entry["name"] in files
            ):
                data = files[entry["name"]]
                entry["sha256"] = hashlib.sha256(data).hexdigest()
                entry["size"] = len(data)
        files = files | {"manifest.json": json.dumps(manifest).encode()}
    return zip_bytes((zip_entry(name), data) for name, data in sorted(files.items()))


ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "x" * 300,
    -1,
    0,
    10**30,
    1.5,
    True,
    [],
    {},
    "2026-13-45",
    "9999-12-31",
    "NaN",
    '=HYPERLINK("http://x")',
    "\x00\u202e",
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a JSON document (lists sampled: at most 3 items each)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in list(enumerate(value))[:3]:
            found += paths_in(item, (*prefix, index))
    return found


def mutate_field(rng: random.Random, doc: Any) -> Any:
    paths = [p for p in paths_in(doc) if p]
    path = rng.choice(paths)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.random()
    if action < 0.6:
        parent[last] = rng.choice(ODD_VALUES)
    elif action < 0.8 and isinstance(parent, dict):
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"ukendt_{rng.randint(0, 9)}"] = rng.choice(ODD_VALUES)
    else:
        parent.append(rng.choice(ODD_VALUES))
    return doc


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.random()
        at = rng.randrange(len(raw))
        if kind < 0.5:
            raw[at] ^= 1 << rng.randrange(8)
        elif kind < 0.65:
            del raw[at : at + rng.randint(1, 64)]
        elif kind < 0.8:
            raw[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind < 0.9:
            raw[at:at] = raw[at : at + rng.randint(1, 512)] * rng.randint(1, 3)
        else:
            del raw[at:]
            if not raw:
                break
    return bytes(raw)


def mutated_bundle(rng: random.Random, base: bytes, files: dict[str, bytes]) -> bytes:
    if rng.random() < 0.5:
        return mutate_bytes(rng, base)
    name = rng.choice(["status.json", "status.json", "manifest.json"])
    doc = json.loads(files[name])
    for _ in range(rng.randint(1, 3)):
        doc = mutate_field(rng, doc)
    text = json.dumps(doc, ensure_ascii=False).encode()
    return rezip(files | {name: text}, rehash=rng.random() < 0.5)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GOOD bundles and MUTATED mutations of the BASES' bundles, in one folder (made once)."""
    folder = tmp_path_factory.mktemp("fuzz") / "indbakke"
    folder.mkdir()
    for code in GOOD:
        (folder / bundle_name(code, FIXED_TODAY)).write_bytes(good_bundle(code))
    rng = random.Random(15)
    bases = [good_bundle(code) for code in BASES]
    unpacked = [unzip(data) for data in bases]
    for n in range(MUTATED):
        which = n % len(bases)
        data = mutated_bundle(rng, bases[which], unpacked[which])
        (folder / f"mutant-{n:05d}.zip").write_bytes(data)
    return folder


def test_every_good_kommune_survives_a_thousand_mutated_bundles(inbox: Path) -> None:
    result = aggregate([inbox], FIXED_TODAY)
    seen = {f.path.name for f in result.files}
    assert len(result.files) == len(seen) == MUTATED + len(GOOD)
    assert {k.code for k in result.kommuner} >= set(GOOD)
    outcomes = {f.path.name: f for f in result.files}
    for code in GOOD:
        good = outcomes[bundle_name(code, FIXED_TODAY)]
        assert (good.outcome, good.reason) == (READ, "med i overblikket")
    rejected = [f for f in result.files if f.outcome == REJECTED]
    assert len(rejected) > MUTATED * 0.9  # the mutations really are caught, not waved through
    assert all(f.reason and "Traceback" not in f.reason for f in rejected)
    # No mutation met a fault in kigo itself (those would say "uventet fejl").
    assert [f.reason for f in rejected if "uventet fejl" in f.reason] == []
    assert all(f.outcome in (READ, REJECTED, SKIPPED) for f in result.files)
    codes = {row[0] for row in result.overview_rows()}
    assert codes >= set(GOOD)


def test_the_cli_writes_the_overview_beside_any_number_of_bad_bundles(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nationalt.json"
    assert main(["--today", "2026-11-23", "aggregate", str(inbox), "--out", str(out)]) == 0
    _stdout, stderr = capsys.readouterr()
    assert "Traceback" not in stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {row["Kommunekode"] for row in data["overview"]} >= set(GOOD)
    assert len(data["files"]) == MUTATED + len(GOOD)
    assert stderr.count("kigo: afvist:") == len(data["rejected"])


# ---------------------------------------------------------------------- faults in kigo itself


def test_an_unexpected_error_rejects_that_bundle_only_and_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    for code in ("101", "461"):
        (folder / bundle_name(code, FIXED_TODAY)).write_bytes(good_bundle(code))
    real = aggregate_module.verify_bundle
    faults = iter([KeyError("x"), ZeroDivisionError(), MemoryError("fuld"), RecursionError()])

    def flaky(path: Path) -> Any:
        if "461" in path.name:
            raise next(faults)
        return real(path)

    monkeypatch.setattr(aggregate_module, "verify_bundle", flaky)
    for kind in ("KeyError", "ZeroDivisionError", "MemoryError", "RecursionError"):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="kigo_tui.bundle.aggregate"):
            result = aggregate([folder], FIXED_TODAY)
        assert [k.code for k in result.kommuner] == ["101"]
        [(path, reason)] = result.rejected
        assert path.name == bundle_name("461", FIXED_TODAY)
        assert f"uventet fejl i kigo ved læsning ({kind}" in reason
        assert "meld fejlen" in reason
        [record] = caplog.records
        assert record.exc_info is not None and record.exc_info[0].__name__ == kind


# ------------------------------------------------------------------- what counts as a bundle


def test_every_file_seen_is_named_with_what_became_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "indbakke"
    (folder / "gammelt").mkdir(parents=True)
    upper = folder / "KIGO-STATUS-101.ZIP"
    upper.write_bytes(good_bundle("101"))
    (folder / "gammelt" / bundle_name("461", FIXED_TODAY)).write_bytes(good_bundle("461"))
    (folder / "læs mig.txt").write_text("hej", encoding="utf-8")
    given = tmp_path / "enkelt.bin"  # a file given by name is tried whatever its name
    given.write_bytes(good_bundle("751"))
    result = aggregate([folder, given, upper], FIXED_TODAY)
    report: dict[Path, tuple[str, str]] = {}
    for f in result.files:
        report.setdefault(f.path, (f.outcome, f.reason))
    assert report[upper] == (READ, "med i overblikket")
    assert report[given] == (READ, "med i overblikket")
    assert report[folder / "gammelt"][0] == SKIPPED
    assert "undermappe" in report[folder / "gammelt"][1]
    assert report[folder / "læs mig.txt"] == (SKIPPED, "er ikke et bundt (ikke en .zip-fil)")
    assert [k.code for k in result.kommuner] == ["101", "751"]
    assert [f.reason for f in result.files if f.path == upper] == [
        "med i overblikket",
        "er nævnt mere end én gang (læst én gang)",
    ]

    out = tmp_path / "o.json"
    assert main(["--today", "2026-11-23", "aggregate", str(folder), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert f"sprunget over: {folder / 'gammelt'}: er en undermappe" in stdout
    assert "1 sprunget over" not in stdout and "2 sprunget over" in stdout


def test_a_bundle_dated_in_the_future_is_named_and_not_newest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    today = FIXED_TODAY
    now = folder / bundle_name("101", today)
    now.write_bytes(good_bundle("101", today))
    ahead = folder / bundle_name("101", today + timedelta(days=1))
    ahead.write_bytes(good_bundle("101", today + timedelta(days=1)))
    result = aggregate([folder], today)
    assert [k.path for k in result.kommuner] == [now]
    assert result.skipped == [
        (
            ahead,
            "er dateret i fremtiden (24-11-2026; i dag er 23-11-2026) og tæller ikke som nyeste",
        )
    ]
    # The next day it is the newest.
    assert [k.path for k in aggregate([folder], today + timedelta(days=1)).kommuner] == [ahead]
    # The CLI measures "today" like every other command: --today, then KIGO_TODAY.
    monkeypatch.setenv("KIGO_TODAY", today.isoformat())
    out = tmp_path / "o.json"
    assert main(["aggregate", str(folder), "--out", str(out)]) == 0
    assert "er dateret i fremtiden" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {r["Status pr."] for r in data["overview"]} == {today.isoformat()}


def test_two_different_bundles_for_one_kommune_and_date_are_a_clash_decided_by_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = good_bundle("461", seed=1)
    two = good_bundle("461", seed=2)
    assert one != two
    digest = {data: hashlib.sha256(unzip(data)["manifest.json"]).hexdigest() for data in (one, two)}
    winner = min((one, two), key=digest.__getitem__)
    chosen = set()
    for names in (("a.zip", "b.zip"), ("b.zip", "a.zip")):  # the winner is the same by any name
        folder = tmp_path / "-".join(names)
        folder.mkdir()
        (folder / names[0]).write_bytes(one)
        (folder / names[1]).write_bytes(two)
        result = aggregate([folder], FIXED_TODAY)
        [kept] = result.kommuner
        assert kept.path.read_bytes() == winner
        chosen.add(kept.path.read_bytes())
        [clash] = result.clashes
        assert clash.startswith(
            "sammenstød: Odense (461) har to forskellige bundter pr. 23-11-2026"
        )
        [loser] = result.superseded
        assert loser != kept.path
        [reason] = [f.reason for f in result.files if f.path == loser]
        assert reason.startswith(f"sammenstød: samme kommune og dato som {kept.path}")
    assert len(chosen) == 1
    # The same content twice is no clash: one bundle, the copy named.
    folder = tmp_path / "kopi"
    folder.mkdir()
    (folder / "a.zip").write_bytes(one)
    (folder / "b.zip").write_bytes(one)
    result = aggregate([folder], FIXED_TODAY)
    assert result.clashes == []
    assert [k.path.name for k in result.kommuner] == ["a.zip"]
    assert [f.reason for f in result.files] == [
        "med i overblikket",
        f"samme indhold som {folder / 'a.zip'} (læst én gang)",
    ]
    out = tmp_path / "o.json"
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "x.zip").write_bytes(one)
    (tmp_path / "both" / "y.zip").write_bytes(two)
    assert main(["aggregate", str(tmp_path / "both"), "--out", str(out)]) == 0
    assert "sammenstød: Odense (461)" in capsys.readouterr().out
    assert len(json.loads(out.read_text(encoding="utf-8"))["clashes"]) == 1


# ------------------------------------------------------------------------------------ memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss of Linux")
def test_memory_does_not_grow_with_the_number_of_bundles(tmp_path: Path) -> None:
    """Peak memory of `kigo aggregate` over 20 bundles is within 1.5 × that over 1 of them.

    Each bundle is read, summarised and dropped before the next. Bundles of 2,000 tasks, so that
    keeping each verified bundle (as before issue 15) would show: 20 bundles of 300 tasks kept
    cost only 1.4 × one. The full
    figures (98 bundles, 300 and 50,000 tasks) come from benchmarks/aggregate_memory.py.
    """
    from tests.storage.test_memory_hostile import run_kigo

    every, one, cwd = tmp_path / "alle", tmp_path / "en", tmp_path / "cwd"
    for folder in (every, one, cwd):
        folder.mkdir()
    base = synthetic_snapshot(kommune("101"), 2_000, FIXED_TODAY)
    for each in all_kommuner()[:20]:
        snapshot = replace(base, kommune_code=each.code, kommune_name=each.name)
        data = bundle_bytes(snapshot, FIXED_TODAY)
        (every / bundle_name(each.code, FIXED_TODAY)).write_bytes(data)
    first = min(every.iterdir())
    (one / first.name).write_bytes(first.read_bytes())
    args = ["--today", FIXED_TODAY.isoformat(), "aggregate"]
    single = run_kigo([*args, str(one), "--out", str(tmp_path / "en.xlsx")], cwd)
    many = run_kigo([*args, str(every), "--out", str(tmp_path / "alle.xlsx")], cwd)
    assert single.code == many.code == 0, many.err
    assert "20 kommuner" in many.out
    print(f"\naggregate: 1 bundt {single.peak_mb:.1f} MiB, 20 bundter {many.peak_mb:.1f} MiB")
    assert many.peak_mb <= 1.5 * single.peak_mb, (single.peak_mb, many.peak_mb)


def test_file_names_and_reasons_reach_the_terminal_without_control_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "indbakke"
    folder.mkdir()
    (folder / bundle_name("101", FIXED_TODAY)).write_bytes(good_bundle("101"))
    (folder / "\x1b[2J\x07slet.zip").write_bytes(b"\x1b]0;titel\x07")
    (folder / "\x1b[31mnote.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    assert main(["--today", "2026-11-23", "aggregate", str(folder), "--out", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert "\x1b" not in stdout + stderr and "\x07" not in stdout + stderr
    assert "\\u001b[2J\\u0007slet.zip" in stderr
    assert "\\u001b[31mnote.txt: er ikke et bundt" in stdout
