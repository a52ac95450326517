"""The browser for the tests in tests/browser: one headless Chromium per test module (and so per
test process: each xdist worker starts its own), skipped without Chromium, failed under CI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import Browser, browser, require_browser


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A headless Chromium shared by the tests of one module (its start costs about a second)."""
    require_browser()
    with browser(tmp_path_factory.mktemp("chromium")) as started:
        yield started
