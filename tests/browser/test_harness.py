"""The browser harness (tests/support/browser.py) proven on crafted pages: a clean report-like page
passes every check, and each check fails on the fault it is there to catch (a row cut by a page
edge, a request, a console error, an SVG without a size, low contrast, a page that is not A4, a
header that is not repeated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import (
    ARTIFACTS,
    WHITE,
    Browser,
    Rgba,
    check_pdf,
    contrast_ratio,
    is_large_text,
    normalise,
    parse_css_colour,
    pdf_pages,
    require_browser,
    sample_table_page,
    table_rows,
)

pytestmark = pytest.mark.browser

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
    "f8cf00000301010018dd8db00000000049454e44ae426082"
)


def page(folder: Path, html: str, name: str = "side.html") -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


def simple(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Prøve</title>'
        f"{head}</head><body>{body}</body></html>"
    )


# --- (a) the clean page ------------------------------------------------------------------------


def test_clean_page_passes_every_check(chromium: Browser, tmp_path: Path) -> None:
    html = sample_table_page(120)
    path = page(tmp_path, html)

    report = chromium.load(path)
    assert report.problems() == []
    assert [(s.width, s.height) for s in report.svgs] == [(200, 40)]
    assert len(report.contrasts) == 120
    assert all(c.passes and not c.uncertain for c in report.contrasts)

    pdf = chromium.print_pdf(path)
    tables = table_rows(html)
    checked = check_pdf(pdf, tables)
    assert checked.problems() == []
    assert checked.rows_checked == 120
    assert len(checked.page_sizes) > 3, "the table should run over several pages"
    # The wrapped task text of every row is its own: a cut through it could not hide.
    assert not [(r.row, i) for r, i in checked.weak_cells if i == 1]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "harness-ren-side.pdf").write_bytes(pdf)
    shot = chromium.screenshot(path, ARTIFACTS / "harness-ren-side.png")
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 1000 and height > 3000, "the whole page, beyond the 900 px window"


# --- (b) rows cut across a page edge -----------------------------------------------------------


def cut_by_tokens(pdf: bytes, rows: int) -> dict[int, int]:
    """The rows whose wrapped cells' first and last words (`Opgave 007` … `(slut 007)`,
    `Ansvarlig 007` … `Sagsområde 007`) do not all stand on one page, by row number, with the
    first of their pages: found without the harness's check."""
    texts = [normalise(text) for _, _, text in pdf_pages(pdf)]

    def page_of(token: str) -> int:
        pages = [number for number, text in enumerate(texts, 1) if token in text]
        assert len(pages) == 1, (token, pages)
        return pages[0]

    cut = {}
    for i in range(1, rows + 1):
        tokens = (f"Opgave{i:03d}for", f"(slut{i:03d})", f"Ansvarlig{i:03d}", f"Sagsområde{i:03d}")
        pages = {page_of(token) for token in tokens}
        if len(pages) > 1:
            cut[i] = min(pages)
    return cut


def test_rows_cut_across_a_page_edge_are_reported(chromium: Browser, tmp_path: Path) -> None:
    """Without `tr { break-inside: avoid }` Chromium (LayoutNG's table fragmentation) splits a
    row between its lines where the page ends: the check must name exactly those rows."""
    html = sample_table_page(120, avoid_breaks=False)
    pdf = chromium.print_pdf(page(tmp_path, html))

    checked = check_pdf(pdf, table_rows(html))

    expected = cut_by_tokens(pdf, 120)
    assert len(expected) >= 3, "the fixture should make Chromium cut rows"
    assert {c.row.row: c.first_page for c in checked.cut_rows} == expected
    assert checked.missing_rows == []
    assert checked.problems() == [
        f"række delt over en sideskift: {c.describe()}" for c in checked.cut_rows
    ]
    assert "er delt mellem side" in checked.problems()[0]


def test_text_the_html_lacks_makes_a_row_missing_not_passed(
    chromium: Browser, tmp_path: Path
) -> None:
    """Text the CSS puts between a cell's words cannot be matched: the row is reported, not
    silently passed."""
    html = simple(
        "<table><tbody><tr><td>Første <b>vigtige</b> opgave</td></tr>"
        "<tr><td>Anden opgave</td></tr></tbody></table>",
        '<style>@page { size: A4 } b::before { content: "!! " }</style>',
    )
    checked = check_pdf(chromium.print_pdf(page(tmp_path, html)), table_rows(html))
    assert [r.row for r in checked.missing_rows] == [1]
    assert checked.rows_checked == 2


def test_header_not_repeated_on_every_page_is_reported(chromium: Browser, tmp_path: Path) -> None:
    html = sample_table_page(60).replace("<style>", "<style>thead { display: table-row-group; }", 1)
    checked = check_pdf(chromium.print_pdf(page(tmp_path, html)), table_rows(html))
    assert len(checked.page_sizes) >= 3
    assert checked.header_missing == [(1, n) for n in range(2, len(checked.page_sizes) + 1)]
    assert checked.cut_rows == []


# --- (c) network requests ----------------------------------------------------------------------


def test_requests_beyond_the_page_are_reported(chromium: Browser, tmp_path: Path) -> None:
    (tmp_path / "andet.png").write_bytes(PNG_1X1)
    (tmp_path / "baggrund.png").write_bytes(PNG_1X1)
    data_png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg+M8AAAMBAQAY3Y2wAAAAAElFTkSuQmCC"
    html = simple(
        '<a href="#top" id="top">Til toppen</a>'
        '<img src="http://127.0.0.1:9/x.png" alt="">'
        '<img src="andet.png" alt="">'
        f'<img src="{data_png}" alt="">'
        '<div class="bg">baggrund</div>'
        '<script src="https://cdn.example.invalid/lib.js"></script>'
        "<script>setTimeout(() => fetch('http://127.0.0.1:9/senere.json').catch(() => {}), 100)"
        "</script>",
        "<style>.bg { background: url(baggrund.png); }</style>",
    )
    path = page(tmp_path, html)
    report = chromium.load(path)
    assert sorted(report.external_requests) == sorted(
        [
            "http://127.0.0.1:9/x.png",
            (tmp_path / "andet.png").as_uri(),
            (tmp_path / "baggrund.png").as_uri(),
            "https://cdn.example.invalid/lib.js",
            "http://127.0.0.1:9/senere.json",
        ]
    )
    assert "netværkskald: http://127.0.0.1:9/x.png" in report.problems()


# --- (d) console errors ------------------------------------------------------------------------


def test_console_errors_and_uncaught_exceptions_are_reported(
    chromium: Browser, tmp_path: Path
) -> None:
    html = simple(
        "<p>Tekst</p><script>console.log('blot en besked'); console.warn('en advarsel');"
        "console.error('fejl i siden')</script><script>throw new Error('ikke fanget')</script>"
    )
    report = chromium.load(page(tmp_path, html))
    messages = [m.message for m in report.console_errors]
    assert len(messages) == 2, messages
    assert "fejl i siden" in messages[0]
    assert "ikke fanget" in messages[1]
    assert report.external_requests == []


# --- (e) SVG without a size --------------------------------------------------------------------


def test_svgs_without_a_size_are_reported(chromium: Browser, tmp_path: Path) -> None:
    svg_url = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E"
    html = simple(
        '<svg id="god" width="50" height="20"><rect width="50" height="20"/></svg>'
        '<svg id="tom" width="0" height="20"></svg>'
        '<div hidden><svg id="skjult" width="50" height="20"></svg></div>'
        f'<img id="billede" src="{svg_url}" alt="graf" style="width: 0">'
    )
    report = chromium.load(page(tmp_path, html))
    assert len(report.svgs) == 4
    zero = [s.description for s in report.zero_size_svgs]
    assert zero == ["svg #tom", "svg #skjult", 'img #billede "graf"']
    assert sum(p.startswith("SVG uden størrelse") for p in report.problems()) == 3


# --- (f) contrast ------------------------------------------------------------------------------


def test_contrast_of_traffic_lights(chromium: Browser, tmp_path: Path) -> None:
    html = simple(
        '<span class="light" id="daarlig" style="color: #ffcc00">Gul</span>'
        '<span class="light" style="color: #1a1a1a; background: #ffd54f">Gul</span>'
        '<div style="background: rgba(0, 0, 0, 0.5)"><span class="light" style="color: #fff">'
        "Halvgennemsigtig</span>"
        '<span class="light" style="color: #fff; font-size: 24px">Stor</span>'
        '<span class="light" style="color: #fff; font-size: 19px; font-weight: bold">Fed</span>'
        '<span class="light" style="color: #fff; font-size: 19px">Ikke fed</span></div>'
        '<span class="andet" style="color: #ffcc00">ikke et lys</span>'
    )
    report = chromium.load(page(tmp_path, html))
    bad, good, *half = report.contrasts
    assert len(report.contrasts) == 6

    assert bad.colour == Rgba(255, 204, 0) and bad.background == WHITE
    assert bad.ratio == pytest.approx(contrast_ratio(Rgba(255, 204, 0), WHITE))
    assert bad.ratio < 4.5 and not bad.passes
    assert good.background == Rgba(255, 213, 79)
    assert good.ratio > 4.5 and good.passes

    # 50 % black over white is grey (127.5): white text on it is 3.98:1, enough for large text.
    grey = Rgba(127.5, 127.5, 127.5)
    assert all(c.background == grey for c in half)
    assert [round(c.ratio, 2) for c in half] == [3.98] * 4
    assert [(c.text, c.required, c.passes) for c in half] == [
        ("Halvgennemsigtig", 4.5, False),
        ("Stor", 3.0, True),
        ("Fed", 3.0, True),
        ("Ikke fed", 4.5, False),
    ]
    low = [p for p in report.problems() if p.startswith("for lav kontrast")]
    assert len(low) == 3 and "#ffcc00 på #ffffff" in low[0]


def test_wcag_contrast_formula() -> None:
    assert contrast_ratio(Rgba(0, 0, 0), WHITE) == pytest.approx(21)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1)
    assert contrast_ratio(Rgba(0x77, 0x77, 0x77), WHITE) == pytest.approx(4.48, abs=0.005)
    assert contrast_ratio(WHITE, Rgba(0x76, 0x76, 0x76)) == pytest.approx(4.54, abs=0.005)
    # The channels weigh differently (WebAIM's checker gives the same figures).
    assert contrast_ratio(Rgba(255, 0, 0), WHITE) == pytest.approx(4.0, abs=0.005)
    assert contrast_ratio(Rgba(0, 255, 0), WHITE) == pytest.approx(1.37, abs=0.005)
    assert contrast_ratio(Rgba(0, 0, 255), WHITE) == pytest.approx(8.59, abs=0.005)
    assert is_large_text(24, 400) and is_large_text(18.66, 700)
    assert not is_large_text(23.9, 400) and not is_large_text(18.66, 600)


def test_css_colours_are_read() -> None:
    assert parse_css_colour("rgb(255, 204, 0)") == Rgba(255, 204, 0)
    assert parse_css_colour("rgba(0, 0, 0, 0.5)") == Rgba(0, 0, 0, 0.5)
    assert parse_css_colour("rgb(10 20 30 / 25%)") == Rgba(10, 20, 30, 0.25)
    assert parse_css_colour("color(srgb 1 0.5 0 / 0.5)") == Rgba(255, 127.5, 0, 0.5)
    assert parse_css_colour("transparent").a == 0
    with pytest.raises(ValueError, match="colour space"):
        parse_css_colour("color(display-p3 1 0 0)")
    with pytest.raises(ValueError, match="not sRGB"):
        parse_css_colour("oklch(0.7 0.1 120)")


# --- (g) paper size ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_css", "a4"),
    [
        ("@page { size: A4 }", True),
        ("@page { size: A4 landscape }", True),
        ("@page { size: letter }", False),
        ("", False),  # no size asked: Chromium's default, US Letter
    ],
)
def test_pages_must_be_a4(chromium: Browser, tmp_path: Path, page_css: str, a4: bool) -> None:
    html = simple("<p>Én side</p>", f"<style>{page_css}</style>")
    checked = check_pdf(chromium.print_pdf(page(tmp_path, html)))
    assert len(checked.page_sizes) == 1
    assert (checked.not_a4 == []) is a4
    if not a4:
        assert checked.problems() == ["side 1 er ikke A4: 612.00 × 792.00 pt"]


# --- The parts without the browser -------------------------------------------------------------


def test_table_rows_from_html() -> None:
    html = (
        "<table><caption>Ikke en række</caption><thead><tr><th>Nr.<th>Navn</thead>"
        "<tbody><tr><td>1<td>Første\n   opgave<br>ny linje<tr><td>2<td>Anden "
        '<span hidden>skjult</span><script>var x = "<td>"</script>opgave</tbody>'
        "<tfoot><tr><td>I alt<td>2</tfoot></table>"
        "<table><tr><td>Uden tbody</td><td><table><tr><td>indre</td></tr></table></td></tr>"
        "</table>"
    )
    outer, second, inner = table_rows(html)
    assert outer.header == ["Nr.", "Navn"]
    assert [r.cells for r in outer.rows] == [
        ("1", "Første opgave ny linje"),
        ("2", "Anden opgave"),
    ]
    assert [r.cells for r in second.rows] == [("Uden tbody", "indre")]
    assert [r.cells for r in inner.rows] == [("indre",)]


def test_without_chromium_tests_skip_but_fail_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    absent = tmp_path / "chromium"
    monkeypatch.delenv("CI", raising=False)
    # BaseException: a skip where a failure is due must fail this test, not skip it.
    with pytest.raises(BaseException, match="chromium mangler") as skipped:
        require_browser(chromium=absent)
    assert skipped.type is pytest.skip.Exception
    monkeypatch.setenv("CI", "true")
    with pytest.raises(BaseException, match="CI skal køre browsertestene") as failed:
        require_browser(chromium=absent)
    assert failed.type is pytest.fail.Exception


def test_a_rewritten_page_is_opened_again(chromium: Browser, tmp_path: Path) -> None:
    path = page(tmp_path, simple("<p>Én side</p>", "<style>@page { size: A4 }</style>"))
    assert check_pdf(chromium.print_pdf(path)).not_a4 == []
    page(tmp_path, simple("<p>Én side</p>", "<style>@page { size: letter }</style>"))
    assert check_pdf(chromium.print_pdf(path)).not_a4 == [(1, 612, 792)]


def test_an_element_wider_than_the_printed_page_is_reported(
    chromium: Browser, tmp_path: Path
) -> None:
    style = "<style>@page { size: A4; margin: 14mm 12mm } body { margin: 0 }</style>"
    fits = page(
        tmp_path, simple("<table><tr><td>kort</td><td>tekst</td></tr></table>", style), "smal.html"
    )
    assert chromium.print_overflow(fits) == []
    wide = page(
        tmp_path,
        simple(
            '<table style="white-space: nowrap"><tr>'
            + "".join(f"<td>kolonne nummer {i} med lang tekst</td>" for i in range(12))
            + "</tr></table>",
            style,
        ),
        "bred.html",
    )
    found = chromium.print_overflow(wide)
    assert [f["tag"] for f in found] == ["table"]
    assert found[0]["right"] > 703
    # the screen layout is back afterwards: the window's width again
    assert chromium.driver.execute_script("return window.innerWidth") == 1280
