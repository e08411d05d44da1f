"""Headless Chromium (Debian's package, driven by Playwright) for the tests that open a page:
the launch arguments, what counts as a local request, and a page that fails its test on any
error in the page or any request that leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where a page may send requests: the server under test and in-page URLs.
ALLOWED = ("http://127.0.0.1:", "data:", "blob:", "about:")
VIEWPORT = {"width": 1600, "height": 950}


def playwright_or_skip() -> Any:
    """``playwright.sync_api``, or skip the calling test (module) when Chromium or Playwright
    is absent."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is absent (apt-get install -y chromium): browser tests skipped", allow_module_level=True
        )
    return pytest.importorskip("playwright.sync_api", reason="python package playwright is not installed")


@contextmanager
def watched_page(browser: Any, requests: list[str], **context: Any) -> Iterator[Any]:
    """A page in a new browser context that records every request URL into ``requests``; on a
    clean exit, fails on errors raised in the page or a request outside :data:`ALLOWED`."""
    ctx = browser.new_context(viewport=VIEWPORT, **context)
    ctx.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page
    finally:
        ctx.close()
    assert not errors, f"errors in the page: {errors}"
    outside = [u for u in requests if not u.startswith(ALLOWED)]
    assert not outside, f"requests left 127.0.0.1: {outside}"
