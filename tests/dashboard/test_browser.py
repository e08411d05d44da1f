"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright, against
a real ``maritime serve`` subprocess on 127.0.0.1 over a database built from the bundled
sample. Every request the page makes is recorded; none may leave 127.0.0.1.

Screenshots of the main views go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.chromium import ALLOWED, playwright_or_skip, watched_page

from .conftest import REPO, SAMPLE, SCREENSHOTS

playwright_or_skip()  # skips the module without Chromium or Playwright

_READY = re.compile(r"watch floor at (http://127\.0\.0\.1:\d+)/")


class Server:
    """A ``maritime serve`` subprocess on a free port of 127.0.0.1."""

    def __init__(self, db: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for k in ("MARITIME_TOKEN", "MARITIME_USERS", "MARITIME_AUTH_FILE", "MARITIME_DEBUG"):
            env.pop(k, None)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "maritime.dashboard.server",
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--refresh",
                "1",
                *extra,
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        self.url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.log.append(line)
            m = _READY.search(line)
            if m:
                self.url = m.group(1)
                break
        if self.url is None:
            self.proc.kill()
            raise RuntimeError("maritime serve did not start:\n" + "".join(self.log))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


REQUESTS: list[str] = []


@pytest.fixture
def page(browser):
    with watched_page(browser, REQUESTS, accept_downloads=True) as pg:
        yield pg


@pytest.fixture(scope="module")
def served_db(sample_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("served") / "watch.duckdb"
    shutil.copy(sample_db, path)
    return path


@pytest.fixture(scope="module")
def server(served_db):
    s = Server(served_db, "--no-detect")
    yield s
    s.stop()


def shot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def wait_for_map(pg, min_vessels: int = 150) -> dict:
    pg.wait_for_function(f"window._mw && window._mw.vessels.size >= {min_vessels}", timeout=20000)
    pg.wait_for_selector(".ag-row", timeout=20000)
    return pg.evaluate("""() => {
        const gd = document.querySelector('#map .js-plotly-plot');
        return gd.data.map(t => ({name: t.name, type: t.type, n: (t.x || []).filter(v => v !== null).length}));
    }""")


def test_overview_shows_vessels_zones_and_alerts(page, server):
    page.goto(server.url + "/")
    traces = wait_for_map(page)
    by_name = {t["name"]: t for t in traces}
    assert by_name["patrol zones"]["n"] > 50, "zone outlines are drawn"
    skip = ("land", "patrol zones", "zone names", "alert: new", "alert: handled", "track", "events", "selected")
    vessel_points = sum(t["n"] for t in traces if t["name"] not in skip)
    assert vessel_points >= 150
    assert by_name["alert: new"]["n"] >= 6, "vessels with alerts are ringed"
    page.wait_for_function("document.querySelectorAll('.ag-center-cols-container .ag-row').length === 9")
    assert page.inner_text("#summary").replace("\n", " ").startswith("9 new")
    assert page.inner_text("#mode-badge") == "LIVE"
    # the map is really drawn: one SVG marker per vessel
    drawn = page.evaluate("() => document.querySelectorAll('#map .scatterlayer .point').length")
    assert drawn >= 150
    shot(page, "overview")


def test_click_alert_acknowledge_and_restart(page, server, served_db):
    page.goto(server.url + "/")
    wait_for_map(page)
    page.click('.ag-row[row-id="truth-0-loitering"] .ag-cell[col-id="vessel"]')
    page.wait_for_function(
        "document.querySelector('#vessel-card') && "
        "document.querySelector('#vessel-card').innerText.includes('352847939')"
    )
    card = page.inner_text("#vessel-card")
    assert "CAPE ARROW" in card and "IDENTITY HISTORY" in card.upper()
    assert "LOITERING" in page.inner_text("#alert-box")
    # the map centred on the alert
    page.wait_for_function(
        """() => {
        const r = document.querySelector('#map .js-plotly-plot').layout.xaxis.range;
        return r[0] < -79.25 && -79.25 < r[1] && r[1] - r[0] < 10;
    }""",
        timeout=5000,
    )
    page.wait_for_function("location.search.includes('event=truth-0-loitering')", timeout=5000)
    page.fill("#operator", "Lt. Ramos")
    page.keyboard.press("Tab")
    page.click("#btn-ack")
    page.wait_for_function("document.querySelector('#action-msg').innerText.includes('Acknowledged by Lt. Ramos')")
    page.wait_for_function("""() => {
        const c = document.querySelector('.ag-row[row-id="truth-0-loitering"] .ag-cell[col-id="status"]');
        return c && c.innerText.trim().toLowerCase() === 'acknowledged';
    }""")
    shot(page, "vessel_card")

    # restart the server on the same database: the acknowledgement is still there
    assert server.stop() == 0
    again = Server(served_db, "--no-detect")
    try:
        page.goto(again.url + "/?event=truth-0-loitering&mmsi=352847939")
        wait_for_map(page)
        page.wait_for_function("document.querySelector('#alert-box').innerText.toLowerCase().includes('acknowledged')")
        assert "Lt. Ramos" in page.inner_text("#alert-box")
        status = page.inner_text('.ag-row[row-id="truth-0-loitering"] .ag-cell[col-id="status"]')
        assert status.strip().lower() == "acknowledged"
        shot(page, "after_restart")
        server.proc, server.url = again.proc, again.url  # the module's server is now this one
    except BaseException:
        again.stop()
        raise


def test_export_files(page, server):
    page.goto(server.url + "/?status=all")
    wait_for_map(page)
    with page.expect_download() as dl:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 9 and {r["kind"] for r in rows} == {"loitering", "dark_period", "rendezvous"}
    by_id = {r["event_id"]: r for r in rows}
    assert by_id["truth-0-loitering"]["status"] == "acknowledged"
    assert by_id["truth-0-loitering"]["mmsi"] == "352847939" and by_id["truth-0-loitering"]["zone"] == "Gulf of Panama"
    href = page.get_attribute("#export-geojson", "href")
    doc = json.loads(page.request.get(server.url + href).text())
    assert len(doc["features"]) == 9
    kml = ET.fromstring(page.request.get(server.url + page.get_attribute("#export-kml", "href")).body())
    assert len(kml.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == 9


def test_health_and_results_tabs(page, server):
    page.goto(server.url + "/?mmsi=412382233&event=truth-6-rendezvous")
    wait_for_map(page)
    page.click("text=Ingest health")
    page.wait_for_function("document.querySelector('#health-panel').innerText.includes('rPanama-Balboa')")
    assert "checksum" in page.inner_text("#health-panel")
    shot(page, "health")
    page.click("text=Results")
    page.wait_for_function("document.querySelectorAll('#results-panel .js-plotly-plot').length === 3")
    shot(page, "results")


def test_review_a_past_window_and_filter(page, server):
    page.goto(server.url + "/?live=0&end=2025-01-15T12:00:00Z&win=6h&status=all")
    wait_for_map(page, min_vessels=100)
    assert page.inner_text("#mode-badge") == "REVIEW"
    assert page.inner_text("#clock") == "2025-01-15 06:00 → 2025-01-15 12:00 UTC"
    # events overlapping 06:00-12:00 only; then a confidence filter typed into the page
    ids = set(page.evaluate("() => Array.from(window._mwA.rows.keys())"))
    assert "truth-0-loitering" not in ids and "truth-2-loitering" in ids and len(ids) == 7
    page.fill("#min-conf", "0.8")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window._mwA.rows.size === 3", timeout=10000)
    assert "conf=0.8" in page.evaluate("location.search")
    shot(page, "review")


def test_live_replay_with_detection(page, tmp_path):
    """Ingest (a replay at 3000×), detection and the page in one process on one database."""
    srv = Server(tmp_path / "live.duckdb", "--replay", str(SAMPLE), "--speed", "3000", "--detect-every", "2")
    try:
        page.goto(srv.url + "/")
        page.wait_for_function("window._mw && window._mw.vessels.size >= 100", timeout=30000)
        page.wait_for_function("document.querySelector('#feed-chip').innerText.includes('feeds')")
        first = page.inner_text("#clock")
        page.wait_for_function(f"document.querySelector('#clock').innerText !== {json.dumps(first)}", timeout=15000)
        assert page.inner_text("#mode-badge") == "LIVE"
        health = json.loads(page.request.get(srv.url + "/healthz").text())
        assert health["feeds"][0]["url"].startswith("replay://") and health["feeds"][0]["lines"] > 0
        det = health["detection"]
        if det.get("available"):  # maritime.detect.runner is there: it runs beside ingest without error
            page.wait_for_function(
                "() => fetch('/healthz').then(r => r.json()).then(h => h.detection.last_run)", timeout=20000
            )
            assert not json.loads(page.request.get(srv.url + "/healthz").text())["detection"].get("error")
        page.click("text=Ingest health")
        page.wait_for_function("document.querySelector('#health-panel').innerText.includes('replay://')")
        shot(page, "live_replay")
    finally:
        assert srv.stop() == 0


def test_no_request_left_localhost():
    assert REQUESTS, "the browser tests made requests"
    outside = [u for u in REQUESTS if not u.startswith(ALLOWED)]
    assert not outside, f"requests left 127.0.0.1: {outside}"
