"""The hotspot forecast layer of the map: the cells of one day slice of the latest stored
forecast (``hotspot_forecast``, written by ``maritime hotspots``), drawn on the offline map as
filled rectangles coloured by the expected events per cell, with a colour bar.

Pure functions turn forecast rows into the slider's marks, Plotly traces and an
:class:`~maritime.analytics.hotspots.Slice` (for the patrol boxes); :func:`read_slices` and
:func:`read_cells` are the thin database readers (SQL in ``dashboard/sql/hotspot_*.sql``).

To stay light in the browser, neighbouring cells of a row that fall in the same colour level
are merged into one rectangle, and each level is one trace (one SVG path).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from maritime.analytics.hotspots import Grid, Slice
from maritime.dashboard import queries as q
from maritime.dashboard.colorscale import HOTSPOT_SCALE, plotly_scale, scale_colour

#: Horizons the page offers (those ``maritime hotspots`` writes).
HORIZONS = ("24h", "7d")
#: Colour levels the cells are drawn in (the colour bar is continuous).
LEVELS = 8
#: Trace name of the layer (the colour bar's trace; the level traces are named by their range).
LAYER_NAME = "hotspot forecast"
NO_FORECAST = "No {horizon} hotspot forecast in this database: run `maritime hotspots --horizon {horizon}`."


@dataclass(frozen=True)
class SliceInfo:
    """One day slice of a stored forecast (times in epoch seconds UTC)."""

    from_s: float
    to_s: float
    cells: int
    mapped_share: float  #: share of the day's predicted events in the stored cells
    max_expected: float  #: the highest expected events in one cell
    expected: float  #: expected events in the stored cells


@dataclass(frozen=True)
class Forecast:
    """The latest stored forecast of a horizon: which run, its cell size and its slices."""

    horizon: str
    issued_s: float
    computed_us: int
    res: float
    slices: tuple[SliceInfo, ...]

    @property
    def cmax(self) -> float:
        """Top of the colour scale: the peak cell of every slice, so slices compare."""
        return max((s.max_expected for s in self.slices), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "horizon": self.horizon,
            "issued_s": self.issued_s,
            "computed_us": self.computed_us,
            "res": self.res,
            "slices": [s.__dict__ for s in self.slices],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Forecast:
        return cls(
            str(d["horizon"]),
            float(d["issued_s"]),
            int(d["computed_us"]),
            float(d["res"]),
            tuple(SliceInfo(**s) for s in d["slices"]),
        )


def forecast_from_rows(horizon: str, rows: Sequence[Mapping[str, Any]]) -> Forecast | None:
    """The forecast described by ``hotspot_slices.sql`` rows (one per slice); None when empty."""
    if not rows:
        return None
    first = rows[0]
    slices = tuple(
        SliceInfo(
            float(r["from_s"]),
            float(r["to_s"]),
            int(r["cells"]),
            float(r["mapped_share"]),
            float(r["max_expected"]),
            float(r["expected"]),
        )
        for r in rows
    )
    return Forecast(horizon, float(first["issued_s"]), int(first["computed_us"]), float(first["res"]), slices)


def _utc(epoch_s: float, fmt: str) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime(fmt)


def slider_props(fc: Forecast | None) -> dict[str, Any]:
    """``min``, ``max``, ``marks`` and ``value`` of the time slider: one step per day slice,
    marked with its weekday and date (UTC); the first slice selected."""
    if fc is None:
        return {"min": 0, "max": 0, "marks": {}, "value": 0}
    marks = {i: _utc(s.from_s, "%a %d") for i, s in enumerate(fc.slices)}
    return {"min": 0, "max": max(0, len(fc.slices) - 1), "marks": marks, "value": 0}


def slice_index(fc: Forecast, value: Any) -> int:
    """The slider's value as a slice index (clipped; 0 for anything that is not a number)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return 0
    return min(max(int(value), 0), len(fc.slices) - 1)


def slice_label(fc: Forecast, i: int) -> str:
    """What the slice shown is: its window, the issue time and how much it holds."""
    s = fc.slices[i]
    return (
        f"{fc.horizon} forecast issued {_utc(fc.issued_s, '%Y-%m-%d %H:%M')} UTC · slice {i + 1}/{len(fc.slices)}: "
        f"{_utc(s.from_s, '%a %Y-%m-%d %H:%M')} → {_utc(s.to_s, '%a %H:%M')} UTC · {s.expected:.1f} events expected "
        f"in {s.cells} cells ({s.mapped_share:.0%} of the day's predicted events; the top 10 % of the sea area)"
    )


def levels(expected: Sequence[float] | np.ndarray, cmax: float, n: int = LEVELS) -> np.ndarray:
    """Colour level (0 .. n-1) of each cell: its expected events as a fraction of ``cmax``."""
    x = np.asarray(expected, dtype=np.float64)
    if cmax <= 0:
        return np.zeros(len(x), dtype=np.int64)
    return np.clip(np.floor(x / cmax * n), 0, n - 1).astype(np.int64)


def runs(i: np.ndarray, j: np.ndarray) -> list[tuple[int, int, int]]:
    """Cells ``(row i, column j)`` merged into horizontal runs ``(i, j_first, j_last)``."""
    if len(i) == 0:
        return []
    order = np.lexsort((j, i))
    ii, jj = np.asarray(i)[order], np.asarray(j)[order]
    brk = np.flatnonzero((np.diff(ii) != 0) | (np.diff(jj) != 1)) + 1
    starts = np.r_[0, brk]
    ends = np.r_[brk - 1, len(ii) - 1]
    return [(int(ii[a]), int(jj[a]), int(jj[b])) for a, b in zip(starts, ends)]


def layer_traces(rows: Sequence[Mapping[str, Any]], cmax: float, n: int = LEVELS) -> list[dict[str, Any]]:
    """Plotly traces of one slice's cells (``hotspot_cells.sql`` rows): one filled trace per
    colour level (hover: its range of expected events), then a marker on the peak cell that
    carries the continuous colour bar (0 → ``cmax`` expected events per cell and day)."""
    if not rows:
        return []
    res = float(rows[0]["res"])
    lat = np.array([r["cell_lat"] for r in rows], dtype=np.float64)
    lon = np.array([r["cell_lon"] for r in rows], dtype=np.float64)
    exp = np.array([r["expected"] for r in rows], dtype=np.float64)
    lat0, lon0 = float(lat.min()), float(lon.min())
    i = np.rint((lat - lat0) / res).astype(np.int64)
    j = np.rint((lon - lon0) / res).astype(np.int64)
    lev = levels(exp, cmax, n)
    traces: list[dict[str, Any]] = []
    for k in range(n):
        m = lev == k
        if not m.any():
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for row, j0, j1 in runs(i[m], j[m]):
            y0, y1 = round(lat0 + row * res, 4), round(lat0 + (row + 1) * res, 4)
            x0, x1 = round(lon0 + j0 * res, 4), round(lon0 + (j1 + 1) * res, 4)
            xs += [x0, x1, x1, x0, x0, None]
            ys += [y0, y0, y1, y1, y0, None]
        mid = (k + 0.5) / n
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs[:-1],
                "y": ys[:-1],
                "fill": "toself",
                "fillcolor": scale_colour(HOTSPOT_SCALE, mid, 0.25 + 0.5 * mid),
                "line": {"width": 0},
                "hoveron": "fills",
                "hoverinfo": "name",
                "name": f"forecast {k / n * cmax:.3g}–{(k + 1) / n * cmax:.3g} events/cell",
                "legendgroup": "hotspot",
                "showlegend": False,
            }
        )
    top = int(np.argmax(exp))
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [round(float(lon[top]) + res / 2, 4)],
            "y": [round(float(lat[top]) + res / 2, 4)],
            "name": LAYER_NAME,
            "legendgroup": "hotspot",
            "hovertext": [f"forecast peak: {exp[top]:.3g} events in the cell"],
            "hoverinfo": "text",
            "customdata": [None],
            "marker": {
                "symbol": "x-thin-open",
                "size": 10,
                "color": [float(exp[top])],
                "cmin": 0,
                "cmax": cmax,
                "colorscale": plotly_scale(HOTSPOT_SCALE),
                "line": {"width": 2, "color": scale_colour(HOTSPOT_SCALE, 1.0)},
                "showscale": True,
                "colorbar": {
                    "title": {"text": "expected events per cell", "side": "top"},
                    "orientation": "h",
                    "x": 0.99,
                    "xanchor": "right",
                    "y": 0.01,
                    "yanchor": "bottom",
                    "len": 0.35,
                    "thickness": 10,
                    "bgcolor": "rgba(10,18,28,0.78)",
                    "tickfont": {"size": 9},
                },
            },
        }
    )
    return traces


def slice_of(rows: Sequence[Mapping[str, Any]], info: SliceInfo) -> tuple[Grid, Slice]:
    """The stored cells as an analytics :class:`Slice` on the forecast's grid (the grid of
    ``maritime hotspots``, :class:`~maritime.analytics.hotspots.Grid` at the stored cell
    size), for :func:`maritime.analytics.hotspots.box_share`. Cells outside that grid are
    left out."""
    res = float(rows[0]["res"]) if rows else 0.1
    grid = Grid(res=res)
    lat = np.array([r["cell_lat"] for r in rows], dtype=np.float64)
    lon = np.array([r["cell_lon"] for r in rows], dtype=np.float64)
    idx = grid.index(lat + res / 2, lon + res / 2)
    ok = idx >= 0

    def col(name: str) -> np.ndarray:
        return np.array([r[name] for r in rows], dtype=np.float64)[ok]

    return grid, Slice(info.from_s, info.to_s, idx[ok], col("expected"), col("share"), col("area_rank"))


# -- the database -------------------------------------------------------------------------------


def read_forecast(cur: q.Cursor, horizon: str) -> Forecast | None:
    """The latest stored forecast of ``horizon``; None when ``maritime hotspots`` never wrote one."""
    if not q.run(cur, "table_present", name="hotspot_forecast")[0]["present"]:
        return None
    return forecast_from_rows(horizon, q.run(cur, "hotspot_slices", horizon=horizon))


def read_cells(cur: q.Cursor, fc: Forecast, i: int) -> list[dict[str, Any]]:
    """The cells of slice ``i`` of ``fc``, highest expected first."""
    return q.run(
        cur,
        "hotspot_cells",
        horizon=fc.horizon,
        issued_s=fc.issued_s,
        computed_us=fc.computed_us,
        from_s=fc.slices[i].from_s,
    )
