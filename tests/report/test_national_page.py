"""KOMBIT's national page (`kigo aggregate … --out FIL.html`): its numbers are the aggregate's
(`--out FIL.json`), worst first, by region, what changed since a kommune's previous upload, and
every text from an upload shown literally."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.bundle.aggregate import aggregate
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.domain.rules import COLOUR_LABELS, Colour, severity
from kigo_tui.report.national import PER_KOMMUNE, national_html
from tests.support.cli_run import run as kigo
from tests.support.fixed import FIXED_TODAY
from tests.support.html_page import Element, parse
from tests.support.national import days, earlier, kommune_bundle, write_inbox

COLOUR_OF = {label: c for c, label in COLOUR_LABELS.items()}
TODAY = FIXED_TODAY.isoformat()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("indbakke")
    write_inbox(folder, 15, FIXED_TODAY)
    earlier(folder, "101", FIXED_TODAY - days(14), level=2, seed=7)
    earlier(folder, "151", FIXED_TODAY - days(28), level=0, seed=3)
    earlier(folder, "151", FIXED_TODAY - days(14), level=0, seed=4)
    (folder / "kigo-status-999-ødelagt.zip").write_bytes(b"PK\x03\x04 ikke et bundt")
    return folder


def cells(row: Element) -> list[str]:
    return [td.text() for td in row.find_all(lambda e: e.tag == "td")]


def test_the_numbers_are_those_of_the_aggregate(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page_path, json_path = tmp_path / "national.html", tmp_path / "national.json"
    for out in (page_path, json_path):
        code, _, err = kigo(capsys, "--today", TODAY, "aggregate", str(inbox), "--out", str(out))
        assert code == 0, err
    data = json.loads(json_path.read_text("utf-8"))
    assert data["rejected"] and len(data["rejected"]) == 1
    check_page_against_json(parse(page_path.read_text("utf-8")), data)


def check_page_against_json(page: Element, data: dict[str, Any]) -> None:
    """Every number of the national page against `kigo aggregate --out .json` of the same files."""
    per_kommune: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data["overview"]:
        per_kommune[row["Kommunekode"]].append(row)
    numbers = (
        page.one("id", "farver").numbers() | page.find_all(lambda e: e.tag == "header")[0].numbers()
    )
    assert numbers["kommuner"] == data["kommuner"] == len(per_kommune)
    assert numbers["follow_up_total"] == len(data["follow_up"])
    assert numbers["rejected"] == len(data["rejected"])
    worst = {
        code: max((COLOUR_OF[r["Farve"]] for r in rows), key=severity)
        for code, rows in per_kommune.items()
    }
    for colour in Colour:
        assert page.one("data-scope", f"alle-{colour.value}").numbers() == {
            f"kommuner_{colour.value}": sum(c is colour for c in worst.values())
        }

    table = page.one("data-list", "kommuner")
    rows = table.by_attr("data-kommune")
    assert [r.attrs["data-kommune"] for r in rows] == sorted(
        per_kommune,
        key=lambda code: (
            -severity(worst[code]),
            -sum(r["KOMBIT følger op på"] for r in per_kommune[code]),
            -sum(r["Røde (alle opgaver)"] for r in per_kommune[code]),
            per_kommune[code][0]["Kommune"],
        ),
    )
    for row in rows:
        code = str(row.attrs["data-kommune"])
        mine = per_kommune[code]
        assert row.numbers() == {
            "follow_up": sum(r["KOMBIT følger op på"] for r in mine),
            "red": sum(r["Røde (alle opgaver)"] for r in mine),
            "moved": sum(r["Flyttede opgaver"] for r in mine),
        }
        for cell in row.by_attr("data-project"):
            want = [r["Farve"] for r in mine if r["Projekt"] == cell.attrs["data-project"]]
            badge = cell.by_attr("data-colour")
            assert [COLOUR_LABELS[Colour(b.attrs["data-colour"])] for b in badge] == want

    regions: dict[str, Counter[str]] = defaultdict(Counter)
    for code, colour in worst.items():
        kommune = find_kommune(code)
        assert kommune is not None
        regions[kommune.region][colour.value] += 1
        regions[kommune.region]["kommuner"] += 1
        regions[kommune.region]["follow_up"] += sum(
            r["KOMBIT følger op på"] for r in per_kommune[code]
        )
    region_rows = page.one("data-list", "regions").by_attr("data-scope")
    assert {str(r.attrs["data-scope"]): r.numbers() for r in region_rows} == {
        name: {k: counts[k] for k in ("kommuner", "red", "yellow", "green", "follow_up")}
        for name, counts in regions.items()
    }

    follow_up_by_kommune = Counter(r["Kommunekode"] for r in data["follow_up"])
    for listed in page.by_attr("data-list", "follow_up"):
        code = str(listed.attrs["data-kommune"])
        shown = [cells(r)[2] for r in listed.find_all(lambda e: e.tag == "tr")[1:]]
        want = [r["Opgave-id"] for r in data["follow_up"] if r["Kommunekode"] == code]
        assert len(shown) == min(PER_KOMMUNE, follow_up_by_kommune[code])
        assert set(shown) <= set(want)
    rejected = page.by_attr("data-list", "rejected")
    assert [cells(r)[0] for t in rejected for r in t.find_all(lambda e: e.tag == "tr")[1:]] == [
        r["file"] for r in data["rejected"]
    ]


def follow_up_ids(path: Path) -> set[str]:
    return {row[4] for row in aggregate([path], FIXED_TODAY).follow_up_rows()}


def test_what_got_worse_and_better_since_the_previous_upload(inbox: Path) -> None:
    result = aggregate([inbox], FIXED_TODAY)
    assert sorted(result.previous) == ["101", "151"]
    assert result.previous["151"].today == FIXED_TODAY - days(14)  # the newest earlier one
    page = parse(national_html(result))
    trends = {
        str(r.attrs["data-kommune"]): r
        for r in page.one("data-list", "trends").by_attr("data-kommune")
    }
    assert set(trends) == {"101", "151"}
    for code, before_day in (("101", 14), ("151", 14)):
        before = inbox / f"kigo-status-{code}-{(FIXED_TODAY - days(before_day)).isoformat()}.zip"
        now = inbox / f"kigo-status-{code}-{TODAY}.zip"
        old_ids, new_ids = follow_up_ids(before), follow_up_ids(now)
        worse, better = (cells(trends[code])[i] for i in (2, 3))
        came, left = new_ids - old_ids, old_ids - new_ids
        new = "ny opgave" if len(came) == 1 else "nye opgaver"
        assert (f"{len(came)} {new} på opfølgningslisten" in worse) == bool(came)
        gone = "opgave" if len(left) == 1 else "opgaver"
        assert (f"{len(left)} {gone} ikke længere på opfølgningslisten" in better) == bool(left)
        old_rows = {r[3]: r for r in aggregate([before], FIXED_TODAY).overview_rows()}
        new_rows = {r[3]: r for r in aggregate([now], FIXED_TODAY).overview_rows()}
        for project, row in new_rows.items():
            was, is_ = COLOUR_OF[str(old_rows[project][4])], COLOUR_OF[str(row[4])]
            text = f"{project} {COLOUR_LABELS[was]} → {COLOUR_LABELS[is_]}"
            if severity(is_) > severity(was):
                assert text in worse
            elif severity(is_) < severity(was):
                assert text in better
            else:
                assert text not in worse + better
    # 101 was on track two weeks ago and is far behind now
    assert "på opfølgningslisten" in cells(trends["101"])[2]


def test_upload_text_shows_literally(tmp_path: Path) -> None:
    plain = tmp_path / "plain.zip"
    plain.write_bytes(kommune_bundle("101", FIXED_TODAY))
    first, second = (row[4] for row in aggregate([plain], FIXED_TODAY).follow_up_rows()[:2])
    plain.unlink()
    hostile = {first: "<script>alert(1)</script>", second: '"><img src=x onerror=alert(1)>'}
    (tmp_path / "kigo-status-101.zip").write_bytes(
        kommune_bundle("101", FIXED_TODAY, titles=hostile)
    )
    bad = tmp_path / '<img src=x onerror=alert(1)>".zip'
    bad.write_bytes(b"nonsense")
    html = national_html(aggregate([tmp_path], FIXED_TODAY))
    page = parse(html)
    assert not page.find_all(lambda e: e.tag in ("script", "img", "iframe"))
    texts = {td.text() for td in page.find_all(lambda e: e.tag == "td")}
    assert str(bad) in texts
    assert set(hostile.values()) <= texts


def test_the_same_inbox_gives_the_same_bytes(inbox: Path) -> None:
    first = national_html(aggregate([inbox], FIXED_TODAY))
    later = national_html(aggregate([inbox], FIXED_TODAY + days(3)))
    assert first == later


CODES = ("101", "147", "151", "153", "155", "157", "159", "161", "163")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    inbox=st.lists(
        st.tuples(
            st.sampled_from(CODES),
            st.integers(0, 2),
            st.integers(1, 50),
            st.sampled_from((0, 7, 21)),
        ),
        min_size=2,
        max_size=6,
    ),
    broken=st.booleans(),
)
def test_any_inbox_gives_the_aggregates_numbers_and_changes(
    tmp_path_factory: pytest.TempPathFactory, inbox: list[tuple[str, int, int, int]], broken: bool
) -> None:
    """Random inboxes: kommuner far behind, catching up or on track, some with earlier uploads
    (7 or 21 days before), maybe a broken file. The page's numbers are the aggregate's, and each
    kommune's changes are the set differences of its follow-up lists."""
    folder = tmp_path_factory.mktemp("tilfaeldig")
    for code, level, seed, days_before in inbox:
        day = FIXED_TODAY - days(days_before)
        (folder / f"kigo-status-{code}-{day.isoformat()}-{seed}.zip").write_bytes(
            kommune_bundle(code, day, level=level, seed=seed)
        )
    if broken:
        (folder / "ødelagt.zip").write_bytes(b"PK ikke et bundt")
    result = aggregate([folder], FIXED_TODAY)
    page = parse(national_html(result))
    check_page_against_json(page, json.loads(json.dumps(result.to_json(), default=str)))
    trends = page.by_attr("data-list", "trends")
    rows = {str(r.attrs["data-kommune"]): r for t in trends for r in t.by_attr("data-kommune")}
    assert set(rows) == set(result.previous)
    for code, before in result.previous.items():
        now = next(k for k in result.kommuner if k.code == code)
        assert before.today < now.today
        came = {row[4] for *_, row in now.follow_up} - {row[4] for *_, row in before.follow_up}
        worse = cells(rows[code])[2]
        assert (f"{len(came)} ny" in worse) == bool(came)
