"""The partner brief: rendered from the database, self-contained, opened in headless Chromium
with no request beyond the file itself."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from maritime.analytics.brief_html import BriefData, Section, render_brief
from maritime.analytics.brief_store import land_rings, write_brief
from maritime.analytics.outcomes_store import record_outcomes
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip


def test_render_escapes_text_and_draws_land() -> None:
    land = land_rings((-92.0, -2.0, -89.0, 1.0))  # the Galápagos
    assert len(land) >= 5
    data = BriefData(
        "T <b>", "p", "g", (-92.0, -2.0, -89.0, 1.0), land, [], [("fishing", -0.5, -90.5)], [], [],
        [Section("S", ["a"], [["<script>x</script>"]], "SELECT 1")],
    )  # fmt: skip
    html = render_brief(data)
    assert "<script>" not in html and "&lt;script&gt;" in html and "T &lt;b&gt;" in html
    assert html.count("<svg") == 2 and 'fill="#2ca02c"' in html


@pytest.fixture
def brief(months_copy, tmp_path: Path) -> Path:
    store, truth = months_copy
    record_outcomes(store.con, truth.outcomes)
    store.con.execute(
        "INSERT INTO positions (mmsi, ts, lat, lon, msg_type, n_stations, payload_hash, run_id) "
        "SELECT mmsi, start_time, lat, lon, 1, 1, hash(event_id), 0 FROM events"
    )
    out = tmp_path / "brief.html"
    write_brief(store.con, timedelta(days=7), out)
    return out


def test_brief_sections_and_queries(brief: Path) -> None:
    html = brief.read_text(encoding="utf-8")
    for title in ("Events of the period", "Top-risk vessels", "Forecast hotspots", "Outcomes", "Results by zone"):
        assert title in html
    assert html.count("<summary>Query</summary>") == 5 and "$since" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched from anywhere
    assert "<script" not in html


def test_brief_opens_in_chromium_without_requests(brief: Path) -> None:
    api = playwright_or_skip()
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(brief.as_uri())
        assert page.locator("svg").count() == 2
        assert page.locator("svg >> nth=0").bounding_box()["width"] > 500
        assert page.locator("section table").count() == 5
        browser.close()
    assert requests == [brief.as_uri()]
