"""The analytics controls in a real browser (Debian's Chromium, headless, Playwright) against a
real ``maritime serve`` subprocess on 127.0.0.1, over a months-long scenario with its risk
scores and a stored 7-day forecast (the 24-hour one removed, for the empty state): the
sortable vessels-of-interest list, colour by risk, the hotspot layer and its time slider, and
patrol boxes drawn on the map. No request may leave 127.0.0.1."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.chromium import watched_page

from .test_browser import Server, shot

TRACES = "() => document.querySelector('#map .js-plotly-plot').data"


@pytest.fixture
def page(browser):
    requests: list[str] = []
    with watched_page(browser, requests) as pg:
        yield pg
    assert requests, "the page made requests"


@pytest.fixture(scope="module")
def server(months_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("served-months") / "months.duckdb"
    shutil.copy(months_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM hotspot_forecast WHERE horizon = '24h'")
    con.close()
    s = Server(path, "--no-detect")
    yield s
    s.stop()


def _column(pg, col: str) -> list[str]:
    return pg.eval_on_selector_all(f'#risk-table td[data-dash-column="{col}"]', "els => els.map(e => e.innerText)")


def test_vessels_of_interest_sort_filter_and_select(page, server):
    page.goto(server.url + "/?tab=results")
    page.wait_for_function("document.querySelectorAll('#risk-table td[data-dash-column=\"risk\"]').length === 25")
    assert "highest of 600 risk scores" in page.inner_text("#risk-msg")
    risks = [float(x) for x in _column(page, "risk")]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0.5
    assert "(w 0." in _column(page, "factors")[0]
    shot(page, "vessels_of_interest")
    # sort by another column (native sort in the page): events, then back to risk
    page.click('#risk-table th[data-dash-column="events"] .column-header--sort')
    page.wait_for_function(
        """() => { const v = Array.from(document.querySelectorAll('#risk-table td[data-dash-column="events"]'))
                     .map(e => Number(e.innerText));
                   return v.length === 25 && v.every((x, i) => i === 0 || v[i - 1] <= x); }"""
    )
    # filter: only one flag
    page.fill('#risk-table th.dash-filter[data-dash-column="flag"] input', "Panama")
    page.keyboard.press("Enter")
    page.wait_for_function(
        """() => { const v = Array.from(document.querySelectorAll('#risk-table td[data-dash-column="flag"]'));
                   return v.length > 0 && v.every(e => e.innerText.includes('Panama')); }"""
    )
    # a click on a row opens the vessel card and centres the map on it
    mmsi = _column(page, "mmsi")[0].strip()
    page.click('#risk-table td[data-dash-column="name"] >> nth=0')
    page.wait_for_function(f"document.querySelector('#vessel-card').innerText.includes('{mmsi}')", timeout=10000)
    assert page.evaluate("document.querySelector('.tab-sel').innerText").strip().lower() == "vessel"
    assert "RISK" in page.inner_text("#vessel-card").upper()
    page.wait_for_function(
        "() => { const r = document.querySelector('#map .js-plotly-plot').layout.xaxis.range;"
        " return r[1] - r[0] < 10; }",
        timeout=5000,
    )
    page.wait_for_function(f"location.search.includes('mmsi={mmsi}')", timeout=5000)


def test_colour_by_risk(page, server):
    page.goto(server.url + "/")
    page.wait_for_function("window._mw && window._mw.vessels.size >= 500", timeout=20000)
    page.click("#color-by label:has-text('risk')")
    page.wait_for_function(
        TRACES + ".some(t => t.marker && t.marker.showscale && t.marker.cmax === 1 && Array.isArray(t.marker.color))"
    )
    colours = page.evaluate(
        TRACES + ".filter(t => t.marker && t.marker.cmax === 1 && Array.isArray(t.marker.color))"
        ".flatMap(t => t.marker.color)"
    )
    assert len(colours) >= 500 and all(0 <= c <= 1 for c in colours) and max(colours) > 0.5
    assert page.evaluate("document.querySelectorAll('#map .colorbar').length") == 1
    shot(page, "colour_by_risk")
    page.click("#color-by label:has-text('type')")
    page.wait_for_function("document.querySelectorAll('#map .colorbar').length === 0")


def test_hotspot_layer_slider_and_patrol_boxes(page, server):
    page.goto(server.url + "/?tab=hotspots")
    page.wait_for_function("window._mw && window._mw.vessels.size >= 500", timeout=20000)
    # no 24 h forecast in this database: a clear message, no layer
    page.click("#hotspot-horizon label:has-text('24h')")
    page.wait_for_function("document.querySelector('#hotspot-msg').innerText.includes('run `maritime hotspots')")
    assert not page.evaluate(TRACES + ".some(t => t.name === 'hotspot forecast')")
    # the 7-day forecast: the layer, a colour bar, and a slider of seven days
    page.click("#hotspot-horizon label:has-text('7d')")
    page.wait_for_function(TRACES + ".some(t => t.name === 'hotspot forecast')", timeout=10000)
    assert page.inner_text("#hotspot-msg") == ""
    marks = page.eval_on_selector_all("#hotspot-slider .dash-slider-mark", "els => els.map(e => e.innerText)")
    assert marks == ["Mon 17", "Tue 18", "Wed 19", "Thu 20", "Fri 21", "Sat 22", "Sun 23"]
    assert "slice 1/7" in page.inner_text("#hotspot-label")
    cells = page.evaluate(TRACES + ".filter(t => t.fill === 'toself' && t.legendgroup === 'hotspot').length")
    assert cells >= 4
    assert page.evaluate("document.querySelectorAll('#map .colorbar').length") == 1
    # the layer sits under the vessels: right after the basemap
    groups = page.evaluate(TRACES + ".map(t => t.legendgroup === 'hotspot')")
    k = groups.count(True)
    assert groups[3 : 3 + k] == [True] * k and not any(groups[3 + k :])
    page.focus("#hotspot-slider .dash-slider-thumb")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#hotspot-label').innerText.includes('slice 3/7')")
    shot(page, "hotspot_forecast")
    # draw a patrol box with the map's rectangle tool
    page.click('#map .modebar-btn[data-title="Draw rectangle"]')
    box = page.locator("#map .nsewdrag").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 90, cy - 70)
    page.mouse.down()
    page.mouse.move(cx, cy, steps=5)
    page.mouse.move(cx + 90, cy + 70, steps=5)
    page.mouse.up()
    page.wait_for_selector("#patrol-table", timeout=15000)
    text = page.inner_text("#patrol-table")
    assert "B1" in text and "all boxes" in text
    assert page.evaluate("document.querySelector('#map .js-plotly-plot').layout.shapes.length") == 1
    shot(page, "patrol_box")
    page.click("#btn-clear-boxes")
    page.wait_for_selector("#patrol-table", state="detached", timeout=10000)
    assert page.evaluate("document.querySelector('#map .js-plotly-plot').layout.shapes.length") == 0
    # off: the layer goes
    page.click("#hotspot-horizon label:has-text('off')")
    page.wait_for_function(f"() => !({TRACES})().some(t => t.name === 'hotspot forecast')")
