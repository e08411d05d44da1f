"""The hotspot forecast layer, on a months-long scenario in DuckDB with its stored forecasts."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from maritime.analytics.hotspots import Grid
from maritime.dashboard import hotspot_layer as hl


@pytest.fixture
def con(months_db):
    c = duckdb.connect(str(months_db), read_only=True)
    yield c
    c.close()


def _rects(trace: dict) -> list[tuple[float, float, float, float]]:
    """(x0, x1, y0, y1) of each rectangle of a filled level trace."""
    xs, ys, out = trace["x"] + [None], trace["y"] + [None], []
    cur_x: list[float] = []
    cur_y: list[float] = []
    for x, y in zip(xs, ys):
        if x is None:
            out.append((min(cur_x), max(cur_x), min(cur_y), max(cur_y)))
            cur_x, cur_y = [], []
        else:
            cur_x.append(x)
            cur_y.append(y)
    return out


def test_reads_the_latest_forecast_and_its_slices(con) -> None:
    fc = hl.read_forecast(con, "7d")
    assert fc is not None and fc.horizon == "7d" and fc.res == pytest.approx(0.1)
    assert len(fc.slices) == 7
    assert [s.to_s - s.from_s for s in fc.slices] == [86_400.0] * 7
    assert all(b.from_s == a.to_s for a, b in zip(fc.slices, fc.slices[1:]))
    assert fc.slices[0].from_s == fc.issued_s
    assert all(s.cells > 1000 and 0.3 < s.mapped_share <= 1.0 for s in fc.slices)
    assert fc.cmax == max(s.max_expected for s in fc.slices)
    sp = hl.slider_props(fc)
    assert (sp["min"], sp["max"], sp["value"], len(sp["marks"])) == (0, 6, 0, 7)
    assert sp["marks"][0] == "Mon 17"  # the forecast is issued at the Monday midnight after the data
    assert hl.Forecast.from_dict(fc.to_dict()) == fc
    one = hl.read_forecast(con, "24h")
    assert one is not None and len(one.slices) == 1 and hl.slider_props(one)["max"] == 0
    assert "slice 3/7" in hl.slice_label(fc, 2) and "Wed" in hl.slice_label(fc, 2)
    assert [hl.slice_index(fc, v) for v in (-1, 2, 2.7, 99, None, "3", True)] == [0, 2, 2, 6, 0, 0, 0]


def test_no_forecast_in_a_database_without_hotspots(cur) -> None:
    assert hl.read_forecast(cur, "24h") is None
    assert hl.slider_props(None)["marks"] == {}


def test_the_layer_draws_every_cell_once_at_its_level(con) -> None:
    fc = hl.read_forecast(con, "7d")
    rows = hl.read_cells(con, fc, 3)
    assert len(rows) == fc.slices[3].cells
    traces = hl.layer_traces(rows, fc.cmax)
    levels, bar = traces[:-1], traces[-1]
    assert bar["name"] == hl.LAYER_NAME and bar["marker"]["showscale"] and bar["marker"]["cmax"] == fc.cmax
    top = rows[0]
    assert bar["x"][0] == pytest.approx(top["cell_lon"] + 0.05) and bar["y"][0] == pytest.approx(top["cell_lat"] + 0.05)
    rects = [(k, r) for k, t in enumerate(levels) for r in _rects(t)]
    # merged runs cover exactly the cells: total area = cells x res^2, and far fewer rectangles
    area = sum((x1 - x0) * (y1 - y0) for _, (x0, x1, y0, y1) in rects)
    assert area == pytest.approx(len(rows) * 0.01, rel=1e-6)
    assert len(rects) < len(rows) / 2
    # each of the top cells (and a spread of others) lies in exactly one rectangle, of its level
    lev = hl.levels([r["expected"] for r in rows], fc.cmax)
    for n in list(range(30)) + list(range(30, len(rows), 397)):
        cx, cy = rows[n]["cell_lon"] + 0.05, rows[n]["cell_lat"] + 0.05
        hits = [k for k, (x0, x1, y0, y1) in rects if x0 < cx < x1 and y0 < cy < y1]
        assert len(hits) == 1, (n, hits)
        assert levels[hits[0]]["fillcolor"] == hl.layer_traces([rows[n]], fc.cmax)[0]["fillcolor"], lev[n]
    assert hl.layer_traces([], 1.0) == []


def test_levels_and_runs() -> None:
    assert hl.levels([0.0, 0.49, 0.5, 0.99, 1.0, 3.0], 1.0, 2).tolist() == [0, 0, 1, 1, 1, 1]
    assert hl.levels([0.2], 0.0).tolist() == [0]
    assert hl.runs(np.array([0, 0, 0, 1, 0]), np.array([1, 2, 4, 2, 3])) == [(0, 1, 4), (1, 2, 2)]
    assert hl.runs(np.array([5, 5]), np.array([7, 9])) == [(5, 7, 7), (5, 9, 9)]
    assert hl.runs(np.array([], dtype=int), np.array([], dtype=int)) == []


def test_stored_cells_become_an_analytics_slice(con) -> None:
    fc = hl.read_forecast(con, "24h")
    rows = hl.read_cells(con, fc, 0)
    grid, sl = hl.slice_of(rows, fc.slices[0])
    assert grid == Grid(res=0.1)
    assert len(sl.cells) == len(rows) and len(set(sl.cells.tolist())) == len(rows)
    lat, lon = grid.corners()
    assert np.allclose(lat[sl.cells], [r["cell_lat"] for r in rows])
    assert np.allclose(lon[sl.cells], [r["cell_lon"] for r in rows])
    assert sl.share.sum() == pytest.approx(fc.slices[0].mapped_share)
    assert sl.valid_from == fc.slices[0].from_s
