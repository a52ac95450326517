"""A real headless browser for the HTML reports (`kigo report`, `kigo aggregate`), and the checks
CI runs on them.

The reports are single HTML files that a kommune opens in its own browser, mails on, or prints.
What a test cannot see from the HTML text alone, a real browser shows:

- **Console errors** (`PageReport.console_errors`): every SEVERE entry of the browser log: a
  `console.error`, an uncaught exception, a resource that failed to load, a Content-Security-Policy
  violation (a request the page's CSP blocks never reaches the network log; its console error does).
- **Network requests** (`PageReport.external_requests`): the reports are self-contained, so the
  page may ask for nothing but its own file. Every request Chromium's network log saw
  (`Network.requestWillBeSent`, `Network.webSocketCreated`) is listed except the page's own
  `file://` URL and in-page URLs (`data:`, `blob:`, `about:`). A `file://` request to another
  file counts as external: the report must not lean on a file beside it. The browser is started
  with a dead proxy and a host resolver that finds nothing, so a stray request is recorded but
  never leaves the machine.
- **SVG sizes** (`PageReport.svgs`): every `<svg>` element (and `<img>` of an SVG data URL) with
  its bounding box (`getBoundingClientRect`); a zero width or height means a chart that does not
  render (no viewBox, a size from a missing stylesheet, a hidden parent).
- **Contrast** (`PageReport.contrasts`): for every element matching a CSS selector (the traffic
  lights, `.light`), its computed text colour, the background behind it (the element's and its
  ancestors' background colours composited, top-down, over white, as far as the first opaque
  one), its font size and weight, and the WCAG 2.x contrast ratio computed here in Python
  (`contrast_ratio`). AA asks 4.5:1 for normal text and 3:1 for large text (at least 24 px, or
  18.66 px bold: 18 pt and 14 pt). A background image or a partly transparent element on the way
  is noted (`Contrast.uncertain`): the ratio then is only the colours'.
- **Print** (`check_pdf`): `Browser.print_pdf` prints with Chromium's own print-to-PDF
  (`Page.printToPDF`, the CSS page size preferred, backgrounds printed). The paper size is left at
  Chromium's default (US Letter), so only a page that asks for A4 itself (`@page { size: A4 }`)
  passes the A4 check, as it will on a kommune's printer. Every PDF page must be A4 (595.28 ×
  841.89 pt, within 1 pt), portrait or landscape: both are accepted.
- **No table row cut across a page edge** (`check_pdf` with the rows of `table_rows(html)`): for
  each body row (`<tr>` in a table's `<tbody>`, or outside `<thead>`/`<tfoot>`) the text of each
  cell is taken from the HTML; each PDF page's text is extracted with pypdf. Both are normalised
  (NFKC, soft hyphens and every kind of whitespace removed: line wrapping, `<br>` and PDF text
  positioning then do not matter). A row passes when one page holds the whole text of every one
  of its cells. A row cut by a page edge has part of a wrapped cell on each page, so neither page
  holds that cell whole: the row is reported as cut between those two pages (the cell's longest
  prefix found on the one page and the rest on the next). A row whose cells are found on no page
  nor split over two neighbouring pages is reported as missing: text the HTML does not have
  (CSS `content`, `hyphens: auto`) or reorders inside a cell, or a cell longer than a page.
  What the check cannot see: a row cut only through its padding or border (every cell one line:
  a line of text is never split), and a cut inside a cell whose text also stands whole elsewhere
  on the page (a cell text repeated in other rows: `PdfReport.weak_cells` lists such cells, for
  information). The table header (`<thead>`) must stand on every page that holds a row of its
  table (Chromium repeats a `thead` on each page by default).
- **Screenshots** (`Browser.screenshot`): the whole page (beyond the window) as PNG, kept by CI
  as artifacts (`ARTIFACTS`).

The browser is Debian's Chromium (`/usr/bin/chromium`) driven by Debian's chromedriver through
Selenium 4; the driver's path is given, so Selenium Manager is never asked to find or download
anything (and `SE_OFFLINE` tells it not to, in case). Headless, no sandbox (CI runs as root),
no GPU, a fixed window (1280 × 900 at scale 1), Danish (`--lang=da`, `Accept-Language: da`,
locale da-DK and time zone Europe/Copenhagen for scripts). One `Browser` loads many pages: a
test module shares one (`tests/browser/conftest.py`); each test process (an xdist worker)
starts its own, with its own HOME and profile folder.

Without Chromium or chromedriver the browser tests are skipped, except under CI (the CI variable
set), where they fail: CI never passes without having rendered the pages (`require_browser`).

`python -m tests.support.browser` measures what the harness costs: one browser start, and one
load, print and check of a page with a 120-row table (wall and CPU time, browser included).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest

from tests.support.html_page import VOID

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = (1280, 900)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
"""Where screenshots (and other files a person should look at) go: CI keeps this folder."""

A4_PT = (595.28, 841.89)
A4_TOLERANCE_PT = 1.0
AA_NORMAL = 4.5
AA_LARGE = 3.0
LARGE_PX = 24.0  # 18 pt
LARGE_BOLD_PX = 18.66  # 14 pt, bold (font-weight 700 or more)
IN_PAGE_SCHEMES = ("data:", "blob:", "about:")
NETWORK_EVENTS = ("Network.requestWillBeSent", "Network.webSocketCreated")


# --- Availability ------------------------------------------------------------------------------


def missing_browser(chromium: Path = CHROMIUM, chromedriver: Path = CHROMEDRIVER) -> str | None:
    """Why the browser tests cannot run here (in Danish, as a skip reason), or None."""
    missing = [str(p) for p in (chromium, chromedriver) if not os.access(p, os.X_OK)]
    if not missing:
        return None
    return (
        f"{' og '.join(missing)} mangler: installér Debians chromium og chromium-driver "
        "(apt-get install chromium chromium-driver), som .ci/run gør"
    )


def require_browser(chromium: Path = CHROMIUM, chromedriver: Path = CHROMEDRIVER) -> None:
    """Skip the test when Chromium or chromedriver is missing; under CI, fail instead."""
    reason = missing_browser(chromium, chromedriver)
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI skal køre browsertestene, men {reason}", pytrace=False)
    pytest.skip(reason)


# --- Colour and contrast (WCAG 2.x) ------------------------------------------------------------


@dataclass(frozen=True)
class Rgba:
    """An sRGB colour, channels 0–255, alpha 0–1."""

    r: float
    g: float
    b: float
    a: float = 1.0

    def over(self, below: Rgba) -> Rgba:
        """This colour composited over an opaque colour `below` (the result is opaque)."""
        return Rgba(
            self.r * self.a + below.r * (1 - self.a),
            self.g * self.a + below.g * (1 - self.a),
            self.b * self.a + below.b * (1 - self.a),
        )

    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in (self.r, self.g, self.b)))


WHITE = Rgba(255, 255, 255)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?%?"


def parse_css_colour(text: str) -> Rgba:
    """A computed CSS colour as Chromium gives it: `rgb(…)`, `rgba(…)` (comma or space syntax),
    `color(srgb r g b / a)`, `transparent`. Other colour spaces raise ValueError: the report's
    CSS should use sRGB colours, so their contrast can be computed."""
    text = text.strip().lower()
    if text == "transparent":
        return Rgba(0, 0, 0, 0)
    match = re.fullmatch(r"(rgba?|color)\((.*)\)", text)
    if not match:
        raise ValueError(f"unsupported colour (not sRGB): {text!r}")
    function, body = match.groups()
    if function == "color":
        space, _, body = body.strip().partition(" ")
        if space != "srgb":
            raise ValueError(f"unsupported colour space: {text!r}")
    parts = re.findall(_NUMBER, body)
    if len(parts) not in (3, 4):
        raise ValueError(f"cannot read colour: {text!r}")

    def channel(part: str) -> float:
        if part.endswith("%"):
            return float(part[:-1]) * 255 / 100
        return float(part) * (255 if function == "color" else 1)

    def alpha(part: str) -> float:
        return float(part[:-1]) / 100 if part.endswith("%") else float(part)

    r, g, b = (channel(p) for p in parts[:3])
    return Rgba(r, g, b, alpha(parts[3]) if len(parts) == 4 else 1.0)


def relative_luminance(colour: Rgba) -> float:
    """WCAG 2.x relative luminance of an opaque sRGB colour (0 black … 1 white). The linearising
    threshold is the sRGB standard's 0.04045 (WCAG 2.0 printed 0.03928; no 8-bit value lies
    between the two, so the results are the same)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast_ratio(foreground: Rgba, background: Rgba) -> float:
    """WCAG 2.x contrast ratio (1–21) of text `foreground` on an opaque `background`; a partly
    transparent foreground is first composited over the background."""
    fg = foreground.over(background) if foreground.a < 1 else foreground
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_large_text(font_size_px: float, font_weight: int) -> bool:
    """WCAG's large text: at least 18 pt (24 px), or 14 pt (18.66 px) bold."""
    return font_size_px >= LARGE_PX or (font_size_px >= LARGE_BOLD_PX and font_weight >= 700)


# --- What a page load reports ------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleMessage:
    level: str
    source: str
    message: str


@dataclass(frozen=True)
class SvgBox:
    index: int
    description: str
    width: float
    height: float

    @property
    def renders(self) -> bool:
        return self.width > 0 and self.height > 0


@dataclass(frozen=True)
class Contrast:
    """The text of one element matching the caller's selector, against what lies behind it."""

    index: int
    text: str
    colour: Rgba
    background: Rgba
    font_size_px: float
    font_weight: int
    uncertain: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.colour, self.background)

    @property
    def large(self) -> bool:
        return is_large_text(self.font_size_px, self.font_weight)

    @property
    def required(self) -> float:
        return AA_LARGE if self.large else AA_NORMAL

    @property
    def passes(self) -> bool:
        return self.ratio >= self.required

    def describe(self) -> str:
        size = f"{self.font_size_px:g}px/{self.font_weight}"
        note = f" (usikker: {', '.join(self.uncertain)})" if self.uncertain else ""
        return (
            f"#{self.index} {self.text!r}: {self.colour.hex()} på {self.background.hex()}, {size}: "
            f"{self.ratio:.2f}:1, AA kræver {self.required:g}:1{note}"
        )


@dataclass
class PageReport:
    url: str
    selector: str
    console_errors: list[ConsoleMessage] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    svgs: list[SvgBox] = field(default_factory=list)
    contrasts: list[Contrast] = field(default_factory=list)

    @property
    def zero_size_svgs(self) -> list[SvgBox]:
        return [s for s in self.svgs if not s.renders]

    @property
    def low_contrast(self) -> list[Contrast]:
        return [c for c in self.contrasts if not c.passes]

    def problems(self) -> list[str]:
        """Everything wrong with the page, one line each (empty: the page passes)."""
        return [
            *(f"konsolfejl ({m.source}): {m.message}" for m in self.console_errors),
            *(f"netværkskald: {url}" for url in self.external_requests),
            *(
                f"SVG uden størrelse: {s.description} ({s.width:g} × {s.height:g})"
                for s in self.zero_size_svgs
            ),
            *(f"for lav kontrast: {c.describe()}" for c in self.low_contrast),
        ]


# --- The browser -------------------------------------------------------------------------------

_SETTLE_SCRIPT = """
const done = arguments[arguments.length - 1];
const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
(document.fonts ? document.fonts.ready : Promise.resolve()).then(frames, frames);
"""

_SVG_SCRIPT = """
const describe = (el) => {
  const bits = [el.tagName.toLowerCase()];
  if (el.id) bits.push('#' + el.id);
  const cls = el.getAttribute('class');
  if (cls) bits.push('.' + cls.trim().split(/\\s+/).join('.'));
  const label = el.getAttribute('aria-label') || el.getAttribute('alt');
  if (label) bits.push('"' + label.slice(0, 60) + '"');
  return bits.join(' ');
};
const els = [...document.querySelectorAll('svg, img[src^="data:image/svg+xml"]')];
return els.map((el, i) => {
  const box = el.getBoundingClientRect();
  return {index: i, description: describe(el), width: box.width, height: box.height};
});
"""

_CONTRAST_SCRIPT = """
return [...document.querySelectorAll(arguments[0])].map((el, i) => {
  const style = getComputedStyle(el);
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const s = getComputedStyle(node);
    layers.push({colour: s.backgroundColor, image: s.backgroundImage !== 'none', opacity: s.opacity});
  }
  return {
    index: i,
    text: (el.innerText || el.textContent || '').trim().slice(0, 80),
    colour: style.color,
    layers: layers,
    fontSize: parseFloat(style.fontSize),
    fontWeight: parseInt(style.fontWeight, 10) || 400,
  };
});
"""


A4_CONTENT_PX = (210 - 2 * 12) / 25.4 * 96
"""The width of an A4 page less the reports' 12 mm side margins, in CSS pixels (96 per inch)."""

_OVERFLOW_SCRIPT = """
const width = arguments[0];
const out = [];
for (const el of document.querySelectorAll('table, figure, svg, .card, p, h1, h2, h3, ul')) {
  const box = el.getBoundingClientRect();
  if (box.width > 0 && box.right > width + 0.5) {
    out.push({tag: el.tagName.toLowerCase(), right: box.right,
              text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60)});
  }
}
return out;
"""


def page_url(path: Path) -> str:
    return path.resolve().as_uri()


def _same_url(a: str, b: str) -> bool:
    return unquote(urldefrag(a).url) == unquote(urldefrag(b).url)


def _background(layers: Sequence[dict[str, Any]]) -> tuple[Rgba, tuple[str, ...]]:
    """The colour behind an element, from its and its ancestors' computed backgrounds (element
    first): the layers up to the first opaque one composited, outermost first, over white. What
    the colours alone do not tell is noted: a background image, or partial opacity, on the way."""
    behind: list[Rgba] = []
    notes: list[str] = []
    for layer in layers:
        colour = parse_css_colour(layer["colour"])
        if layer["image"]:
            notes.append("baggrundsbillede")
        if float(layer["opacity"]) < 1:
            notes.append(f"opacity {layer['opacity']}")
        behind.append(colour)
        if colour.a >= 1:
            break
    result = WHITE
    for colour in reversed(behind):
        result = colour if colour.a >= 1 else colour.over(result)
    return result, tuple(dict.fromkeys(notes))


class Browser:
    """One headless Chromium, loading one page after another (`load`, `screenshot`,
    `print_pdf`). Made by `browser()`."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self._shown: tuple[str, int, int] | None = None  # the open file: URL, mtime, size

    def _drain_logs(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def _network_urls(self) -> list[str]:
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] in NETWORK_EVENTS:
                params = message["params"]
                urls.append(params["request"]["url"] if "request" in params else params["url"])
        return urls

    @staticmethod
    def _stamp(path: Path) -> tuple[str, int, int]:
        stat = path.stat()
        return page_url(path), stat.st_mtime_ns, stat.st_size

    def _open(self, path: Path) -> str:
        stamp = self._stamp(path)
        self._shown = None
        self._drain_logs()  # what earlier pages left in the logs
        self.driver.get(stamp[0])
        self.driver.execute_async_script(_SETTLE_SCRIPT)
        self._shown = stamp
        return stamp[0]

    def _ensure(self, path: Path) -> None:
        """Open `path` unless it is the page shown, as it was when it was opened."""
        if self._shown != self._stamp(path):
            self._open(path)

    def load(
        self, path: Path, contrast_selector: str = ".light", settle_s: float = 0.2
    ) -> PageReport:
        """Open the HTML file `path` and report its console errors, requests, SVG sizes, and the
        contrast of the elements matching `contrast_selector`. After the load event and the
        fonts, the network log is read until it has been quiet for `settle_s` (so a request a
        script makes a moment later is seen too; at most 20 rounds)."""
        url = self._open(path)
        requests = self._network_urls()
        for _ in range(20):
            time.sleep(settle_s)
            later = self._network_urls()
            if not later:
                break
            requests += later
        report = PageReport(url=url, selector=contrast_selector)
        report.console_errors = [
            ConsoleMessage(e["level"], e.get("source", ""), e["message"])
            for e in self.driver.get_log("browser")
            if e["level"] == "SEVERE"
        ]
        report.external_requests = [
            u for u in requests if not _same_url(u, url) and not u.startswith(IN_PAGE_SCHEMES)
        ]
        report.svgs = [SvgBox(**box) for box in self.driver.execute_script(_SVG_SCRIPT)]
        for c in self.driver.execute_script(_CONTRAST_SCRIPT, contrast_selector):
            background, uncertain = _background(c["layers"])
            report.contrasts.append(
                Contrast(
                    index=c["index"],
                    text=c["text"],
                    colour=parse_css_colour(c["colour"]),
                    background=background,
                    font_size_px=float(c["fontSize"]),
                    font_weight=int(c["fontWeight"]),
                    uncertain=uncertain,
                )
            )
        return report

    def screenshot(self, path: Path, out_png: Path, height: float | None = None) -> Path:
        """The whole page `path` (beyond the window, at the window's width) as a PNG file; with
        `height`, only its top that high (a picture for the README)."""
        self._ensure(path)
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"] if height is None else min(height, size["height"]),
                    "scale": 1,
                },
            },
        )
        out_png.parent.mkdir(parents=True, exist_ok=True)
        out_png.write_bytes(base64.b64decode(shot["data"]))
        return out_png

    def print_overflow(self, path: Path, width_px: float = A4_CONTENT_PX) -> list[dict[str, Any]]:
        """Elements that stick out to the right of a printed page: the page laid out for print
        (`@media print`) at the width of A4 less its margins, then every table, figure, chart,
        card, paragraph and heading whose right edge passes it. Such an element is cut at the
        paper's edge (the cut-row check sees only cuts across a page's foot)."""
        self._ensure(path)
        metrics = {"width": int(width_px), "height": 1100, "deviceScaleFactor": 1, "mobile": False}
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        try:
            found: list[dict[str, Any]] = self.driver.execute_script(_OVERFLOW_SCRIPT, width_px)
            return found
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    def print_pdf(self, path: Path) -> bytes:
        """The page `path` printed to PDF by Chromium: the CSS page size (`@page { size }`)
        preferred, US Letter without one (Chromium's default), backgrounds printed."""
        self._ensure(path)
        pdf = self.driver.execute_cdp_cmd(
            "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
        )
        return base64.b64decode(pdf["data"])


def chromium_options(profile: Path) -> Any:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",  # a small /dev/shm (containers) crashes Chromium
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        "--lang=da",
        "--accept-lang=da",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # A stray request is recorded by the network log, but never leaves the machine.
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "da"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.page_load_strategy = "normal"
    return options


@contextmanager
def browser(home: Path | None = None) -> Iterator[Browser]:
    """A started headless Chromium, quit on leaving. Its HOME, XDG folders and profile lie under
    `home` (a temporary folder, removed afterwards, when None)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager, should anything call it: no downloads
    own_home = home is None
    root = Path(tempfile.mkdtemp(prefix="kigo-chromium-")) if home is None else home
    env = {
        **os.environ,
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_DATA_HOME": str(root / "data"),
    }
    service = Service(executable_path=str(CHROMEDRIVER), env=env)
    driver = webdriver.Chrome(service=service, options=chromium_options(root / "profile"))
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(30)
        driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "da-DK"})
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Copenhagen"})
        yield Browser(driver)
    finally:
        driver.quit()
        if own_home:
            shutil.rmtree(root, ignore_errors=True)


# --- Tables in the HTML ------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    table: int  # 1-based, in document order
    row: int  # 1-based among the table's body rows
    cells: tuple[str, ...]

    def describe(self) -> str:
        first = next((c for c in self.cells if c.strip()), "")
        first = " ".join(first.split())
        return f"tabel {self.table}, række {self.row} ({first[:50]!r})"


@dataclass
class Table:
    number: int
    header: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


_NOT_SHOWN = {"script", "style", "template", "noscript"}


class _TableParser(HTMLParser):
    """The header and body rows of every table (nested tables each their own), cell text as in
    the source; text in `script`, `style`, `template` and `[hidden]` elements left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._open: list[dict[str, Any]] = []  # the tables being read, innermost last
        self._skip: list[str] = []  # the open elements whose text is not shown

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in VOID:
                self._skip.append(tag)
            return
        if tag in _NOT_SHOWN or (tag not in VOID and any(n == "hidden" for n, _ in attrs)):
            self._skip.append(tag)
            return
        if tag == "table":
            table = Table(number=len(self.tables) + 1)
            self.tables.append(table)
            self._open.append({"table": table, "section": "tbody", "row": None, "cell": None})
            return
        if not self._open:
            return
        state = self._open[-1]
        if tag == "br":
            self.handle_data(" ")
        elif tag in ("thead", "tbody", "tfoot"):
            self._end_row(state)
            state["section"] = tag
        elif tag == "tr":
            self._end_row(state)
            state["row"] = []
        elif tag in ("td", "th"):
            self._end_cell(state)
            if state["row"] is None:
                state["row"] = []
            state["cell"] = []

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip.pop()
            return
        if not self._open:
            return
        state = self._open[-1]
        if tag == "table":
            self._end_row(state)
            self._open.pop()
        elif tag in ("thead", "tbody", "tfoot"):
            self._end_row(state)
            state["section"] = "tbody"
        elif tag == "tr":
            self._end_row(state)
        elif tag in ("td", "th"):
            self._end_cell(state)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        for state in self._open:  # a nested table's text is its cell's text too
            if state["cell"] is not None:
                state["cell"].append(data)

    def _end_cell(self, state: dict[str, Any]) -> None:
        if state["cell"] is not None:
            state["row"].append("".join(state["cell"]))
            state["cell"] = None

    def _end_row(self, state: dict[str, Any]) -> None:
        self._end_cell(state)
        if state["row"] is None:
            return
        table: Table = state["table"]
        cells = tuple(" ".join(c.split()) for c in state["row"])
        state["row"] = None
        if state["section"] == "thead":
            table.header.extend(cells)
        elif state["section"] == "tbody":
            table.rows.append(TableRow(table.number, len(table.rows) + 1, cells))


def table_rows(html: str) -> list[Table]:
    """The tables of an HTML document: header cells and body rows, with each cell's text."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return parser.tables


# --- The printed PDF ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def normalise(text: str) -> str:
    """Text as the row check compares it: NFKC (ligatures undone), soft hyphens, zero-width
    characters and all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


@dataclass(frozen=True)
class CutRow:
    row: TableRow
    first_page: int  # 1-based: the row is cut between first_page and first_page + 1

    def describe(self) -> str:
        return (
            f"{self.row.describe()} er delt mellem side {self.first_page} og {self.first_page + 1}"
        )


@dataclass
class PdfReport:
    page_sizes: list[tuple[float, float]]
    rows_checked: int = 0
    cut_rows: list[CutRow] = field(default_factory=list)
    missing_rows: list[TableRow] = field(default_factory=list)
    header_missing: list[tuple[int, int]] = field(default_factory=list)  # (table, page)
    weak_cells: list[tuple[TableRow, int]] = field(default_factory=list)  # (row, cell index)

    @property
    def not_a4(self) -> list[tuple[int, float, float]]:
        return [
            (number, width, height)
            for number, (width, height) in enumerate(self.page_sizes, 1)
            if not is_a4(width, height)
        ]

    def problems(self) -> list[str]:
        return [
            *([] if self.page_sizes else ["PDF'en har ingen sider"]),
            *(f"side {n} er ikke A4: {w:.2f} × {h:.2f} pt" for n, w, h in self.not_a4),
            *(f"række delt over en sideskift: {c.describe()}" for c in self.cut_rows),
            *(
                f"række findes ikke hel på nogen side eller delt over to: {r.describe()}"
                for r in self.missing_rows
            ),
            *(f"tabel {t}: tabelhovedet mangler på side {p}" for t, p in self.header_missing),
        ]


def is_a4(width: float, height: float) -> bool:
    """A4 within 1 pt, portrait or landscape."""
    return any(
        abs(width - w) <= A4_TOLERANCE_PT and abs(height - h) <= A4_TOLERANCE_PT
        for w, h in (A4_PT, A4_PT[::-1])
    )


def pdf_pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page's width and height (pt, the media box) and extracted text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [
        (float(p.mediabox.width), float(p.mediabox.height), p.extract_text() or "")
        for p in reader.pages
    ]


def _longest_prefix_on(cell: str, page: str) -> int:
    """The length of the longest prefix of `cell` found in `page` (a prefix found means every
    shorter one is: a binary search)."""
    low, high = 0, len(cell)
    while low < high:
        middle = (low + high + 1) // 2
        if cell[:middle] in page:
            low = middle
        else:
            high = middle - 1
    return low


def _split_over(cell: str, page: str, next_page: str) -> bool:
    """Whether `cell` stands as its beginning at the end of one page and the rest on the next."""
    if cell in page or cell in next_page:
        return True
    k = _longest_prefix_on(cell, page)
    return k > 0 and cell[k:] in next_page


def check_pdf(pdf: bytes, tables: Sequence[Table] = (), repeat_header: bool = True) -> PdfReport:
    """The printed page checked: every page A4; every body row of `tables` (from `table_rows`)
    whole on one page; the header of each table on every page that holds its rows (when
    `repeat_header`)."""
    pages = pdf_pages(pdf)
    texts = [normalise(text) for _, _, text in pages]
    report = PdfReport(page_sizes=[(w, h) for w, h, _ in pages])
    all_cells = [
        (row, i, normalise(cell))
        for table in tables
        for row in table.rows
        for i, cell in enumerate(row.cells)
    ]
    headers = [normalise(h) for table in tables for h in table.header]
    for table in tables:
        pages_with_rows: set[int] = set()
        for row in table.rows:
            report.rows_checked += 1
            cells = [c for c in (normalise(cell) for cell in row.cells) if c]
            whole = [p for p, text in enumerate(texts) if all(c in text for c in cells)]
            if whole:
                if len(whole) == 1:  # a row found on several pages says nothing of where it is
                    pages_with_rows.add(whole[0])
                continue
            cut = next(
                (
                    p
                    for p in range(len(texts) - 1)
                    if all(_split_over(c, texts[p], texts[p + 1]) for c in cells)
                ),
                None,
            )
            if cut is None:
                report.missing_rows.append(row)
            else:
                report.cut_rows.append(CutRow(row, cut + 1))
                pages_with_rows.update((cut, cut + 1))
        header = [c for c in (normalise(h) for h in table.header) if c]
        if repeat_header and header:
            report.header_missing += [
                (table.number, p + 1)
                for p in sorted(pages_with_rows)
                if not all(h in texts[p] for h in header)
            ]
    for row, i, cell in all_cells:
        others = (other for r, _, other in all_cells if r is not row)
        if cell and any(cell in other for other in (*headers, *others)):
            report.weak_cells.append((row, i))
    return report


# --- What it costs -----------------------------------------------------------------------------


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process `pid` and all its descendants, the reaped ones
    included (they count in their parent's cutime/cstime)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ppid = int(fields[1])
        children.setdefault(ppid, []).append(int(entry.name))
        ticks[int(entry.name)] = sum(int(f) for f in fields[11:15])
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += ticks.get(current, 0)
        todo += children.get(current, [])
    return total / os.sysconf("SC_CLK_TCK")


def sample_table_page(rows: int = 120, avoid_breaks: bool = True) -> str:
    """A report-like page: a heading, an inline SVG and a table whose rows differ in height and
    whose second cell wraps over several lines, from `Opgave 001` to `(slut 001)`, and third
    from `Ansvarlig 001` to `Sagsområde 001`."""
    avoid = "tr { break-inside: avoid; }" if avoid_breaks else ""
    body = "".join(
        f"<tr><td>{i}</td><td>Opgave {i:03d} for kommunen: "
        + " ".join(f"ord{i}x{j}" for j in range(20 + i * 7 % 25))
        + f" (slut {i:03d})</td><td>Ansvarlig {i:03d}<br>Frist 2026-03-{i % 28 + 1:02d}<br>"
        f'Sagsområde {i:03d}</td><td><span class="light">Grøn {i}</span></td></tr>'
        for i in range(1, rows + 1)
    )
    return f"""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Rapport</title>
<style>
@page {{ size: A4; margin: 15mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 11px; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #555; padding: 3px; vertical-align: top; }}
.light {{ color: #1a1a1a; background: #a5d6a7; padding: 1px 4px; }}
{avoid}
</style></head><body>
<h1>Implementeringsopgaver</h1>
<svg width="200" height="40" viewBox="0 0 200 40" role="img" aria-label="Fremdrift">
<rect x="0" y="0" width="120" height="40" fill="#2e7d32"/></svg>
<table><thead><tr><th>Nr.</th><th>Opgave</th><th>Ansvar</th><th>Lys</th></tr></thead>
<tbody>{body}</tbody></table></body></html>"""


def measure(rows: int = 120) -> None:
    """Print the wall and CPU time (this process and the browser's) of a browser start and of
    one load, print and check of a `rows`-row page."""
    me = os.getpid()
    with tempfile.TemporaryDirectory(prefix="kigo-measure-") as folder:
        page = Path(folder) / "side.html"
        html = sample_table_page(rows)
        page.write_text(html, encoding="utf-8")
        wall, cpu = time.perf_counter(), _tree_cpu_seconds(me)
        with browser(Path(folder) / "home") as b:
            started = time.perf_counter() - wall, _tree_cpu_seconds(me) - cpu
            wall, cpu = time.perf_counter(), _tree_cpu_seconds(me)
            report = b.load(page)
            loaded = time.perf_counter() - wall, _tree_cpu_seconds(me) - cpu
            wall, cpu = time.perf_counter(), _tree_cpu_seconds(me)
            pdf = b.print_pdf(page)
            printed = time.perf_counter() - wall, _tree_cpu_seconds(me) - cpu
            wall, cpu = time.perf_counter(), _tree_cpu_seconds(me)
            checked = check_pdf(pdf, table_rows(html))
            check = time.perf_counter() - wall, _tree_cpu_seconds(me) - cpu
            wall, cpu = time.perf_counter(), _tree_cpu_seconds(me)
            b.screenshot(page, Path(folder) / "side.png")
            shot = time.perf_counter() - wall, _tree_cpu_seconds(me) - cpu
        assert not report.problems() and not checked.problems(), (report, checked)
    for name, (w, c) in (
        ("browser start", started),
        (f"load ({rows} rows)", loaded),
        (f"print to PDF ({len(checked.page_sizes)} pages)", printed),
        ("PDF check (pypdf)", check),
        ("screenshot", shot),
    ):
        print(f"{name:32} wall {w:6.2f} s   CPU {c:6.2f} s")


if __name__ == "__main__":
    measure()
