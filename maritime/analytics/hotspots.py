"""Hotspot forecasts and their backtest (pure: arrays in, arrays out).

Events are points (UTC seconds, latitude, longitude); a :class:`Grid` of square cells (0.1° by
default over the Eastern Pacific) turns them into counts. Three predictors give the expected
number of events per cell in a target window ``[a, b)`` from the events before the issue time:

- :func:`naive_last_week`: the last seven days' counts, scaled to the window.
- :func:`kde_baseline`, **the baseline**: a kernel density of past events (Gaussian kernel of
  ``bandwidth`` cells, about 20 km), each event weighted ``2^(-age / half_life)`` with a
  14-day half-life, times the weekly cycle (the region's share of events on each day of the
  week) and the recent daily rate. Decayed kernel density is the standard prospective
  hotspot baseline (Bowers, Johnson & Pease 2004, Br. J. Criminology 44:641; Chainey,
  Tompson & Uhlig 2008, Security Journal 21:4).
- :func:`weekday_kde`, **the forecast**: per target day, a kernel density of past events of the
  same day of the week (other days count 0.15) with a longer memory (56-day half-life), blended
  80/20 with the baseline's density so a fresh burst still shows. Activity in the patrol area
  recurs on fixed days at fixed places (fleets working weekly cycles, landings on fixed market
  days); a density per weekday captures it where one weekly profile for the whole region
  cannot.

The backtest (:func:`backtest`) rolls over weeks: train on weeks 1..k, predict week k+1 (the
7-day horizon) or each of its days (the 24-hour horizon, issued at each midnight), and reports
for the top 1, 5 and 10 % of the sea area the hit rate (share of the events that fell in the
flagged cells) and the Predictive Accuracy Index, PAI = hit rate / area share (Chainey,
Tompson & Uhlig 2008).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter

FloatArray = npt.NDArray[np.float64]
DAY = 86_400.0
WEEK = 7 * DAY
#: Baseline: kernel bandwidth (cells; 2 x 0.1° ≈ 22 km) and half-life of an event's weight (days).
BANDWIDTH_CELLS = 2.0
BASELINE_HALF_LIFE_DAYS = 14.0
#: Forecast: memory, weight of other weekdays, share of the baseline density in the blend.
WEEKDAY_HALF_LIFE_DAYS = 56.0
OTHER_WEEKDAY_WEIGHT = 0.15
BASELINE_BLEND = 0.2
#: Days of history that give the recent daily rate.
RATE_DAYS = 28.0
#: Area shares the backtest reports.
TOP_SHARES = (0.01, 0.05, 0.10)


@dataclass(frozen=True)
class Grid:
    """Cells of ``res`` degrees from (lat0, lon0) to (lat1, lon1); cell (i, j) has its
    south-west corner at (lat0 + i res, lon0 + j res). ``sea``: a mask of the cells that count
    as area (all when None)."""

    lat0: float = -25.0
    lat1: float = 15.0
    lon0: float = -100.0
    lon1: float = -70.0
    res: float = 0.1

    @property
    def shape(self) -> tuple[int, int]:
        return round((self.lat1 - self.lat0) / self.res), round((self.lon1 - self.lon0) / self.res)

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    def index(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Flat cell index of each point, -1 outside the grid."""
        la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        i = np.floor((la - self.lat0) / self.res).astype(np.int64)
        j = np.floor((lo - self.lon0) / self.res).astype(np.int64)
        ny, nx = self.shape
        ok = (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
        return np.where(ok, i * nx + j, -1)

    def corners(self) -> tuple[FloatArray, FloatArray]:
        """South-west corner (lat, lon) of every cell, flat."""
        ny, nx = self.shape
        i, j = np.divmod(np.arange(ny * nx), nx)
        return self.lat0 + i * self.res, self.lon0 + j * self.res

    @cached_property
    def area(self) -> FloatArray:
        """Relative area of each cell (cos of its centre latitude)."""
        lat, _ = self.corners()
        return np.cos(np.radians(lat + self.res / 2))

    def counts(self, lat: npt.ArrayLike, lon: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> FloatArray:
        """Events (or weights) per cell, flat."""
        idx = self.index(lat, lon)
        ok = idx >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[ok]
        return np.bincount(idx[ok], weights=w, minlength=self.size).astype(np.float64)


@dataclass(frozen=True)
class Events:
    """Event points: ``t`` UTC seconds, ``lat``/``lon`` degrees."""

    t: FloatArray
    lat: FloatArray
    lon: FloatArray

    def before(self, issue: float) -> Events:
        m = self.t < issue
        return Events(self.t[m], self.lat[m], self.lon[m])

    def within(self, a: float, b: float) -> Events:
        m = (self.t >= a) & (self.t < b)
        return Events(self.t[m], self.lat[m], self.lon[m])


Predictor = Callable[[Events, Grid, float, float, float], FloatArray]


def _density(ev: Events, grid: Grid, weights: FloatArray) -> FloatArray:
    """Kernel density (sums to 1, or all 0) of weighted events."""
    c = grid.counts(ev.lat, ev.lon, weights).reshape(grid.shape)
    d = np.asarray(gaussian_filter(c, BANDWIDTH_CELLS, mode="constant"), dtype=np.float64).ravel()
    s = float(d.sum())
    return d / s if s > 0 else d


def weekday(t: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Day of the week of UTC seconds, 0 = Monday (1970-01-01 was a Thursday)."""
    return ((np.floor(np.asarray(t, dtype=np.float64) / DAY).astype(np.int64) + 3) % 7).astype(np.int64)


def weekly_profile(ev: Events, issue: float) -> FloatArray:
    """Share of events on each day of the week (Monday first), decayed like the baseline,
    with one event of prior per day so a short history is not all-or-nothing."""
    w = 0.5 ** ((issue - ev.t) / (BASELINE_HALF_LIFE_DAYS * DAY))
    p = np.bincount(weekday(ev.t), weights=w, minlength=7) + 1.0
    return np.asarray(p / p.sum(), dtype=np.float64)


def daily_rate(ev: Events, issue: float) -> float:
    """Events per day over the last :data:`RATE_DAYS` days (or the history, if shorter)."""
    if len(ev.t) == 0:
        return 0.0
    span = min(RATE_DAYS * DAY, max(issue - float(ev.t.min()), DAY))
    return float(np.count_nonzero(ev.t >= issue - span)) / (span / DAY)


def _days(a: float, b: float) -> list[tuple[float, float]]:
    out, t = [], a
    while t < b:
        out.append((t, min(t + DAY, b)))
        t += DAY
    return out


def _expected_per_day(ev: Events, issue: float, a: float, b: float) -> list[tuple[float, float, float]]:
    """(day start, day end, expected events) with the weekly cycle."""
    profile, rate = weekly_profile(ev, issue), daily_rate(ev, issue)
    return [(d0, d1, rate * 7 * profile[int(weekday(d0))] * (d1 - d0) / DAY) for d0, d1 in _days(a, b)]


def naive_last_week(ev: Events, grid: Grid, issue: float, a: float, b: float) -> FloatArray:
    """The last seven days' events per cell, scaled to the window ``[a, b)``."""
    last = ev.within(issue - WEEK, issue)
    return grid.counts(last.lat, last.lon) * (b - a) / WEEK


def kde_baseline(ev: Events, grid: Grid, issue: float, a: float, b: float) -> FloatArray:
    """The baseline: decayed kernel density x weekly cycle x recent rate (see the module doc)."""
    past = ev.before(issue)
    dens = _density(past, grid, 0.5 ** ((issue - past.t) / (BASELINE_HALF_LIFE_DAYS * DAY)))
    return dens * sum(x for _, _, x in _expected_per_day(past, issue, a, b))


def weekday_kde(ev: Events, grid: Grid, issue: float, a: float, b: float) -> FloatArray:
    """The forecast: a density per target weekday, blended with the baseline (module doc)."""
    past = ev.before(issue)
    base = _density(past, grid, 0.5 ** ((issue - past.t) / (BASELINE_HALF_LIFE_DAYS * DAY)))
    decay = 0.5 ** ((issue - past.t) / (WEEKDAY_HALF_LIFE_DAYS * DAY))
    days = weekday(past.t)
    out = np.zeros(grid.size)
    for d0, _, x in _expected_per_day(past, issue, a, b):
        w = decay * np.where(days == int(weekday(d0)), 1.0, OTHER_WEEKDAY_WEIGHT)
        out += x * ((1 - BASELINE_BLEND) * _density(past, grid, w) + BASELINE_BLEND * base)
    return out


MODELS: dict[str, Predictor] = {
    "forecast": weekday_kde,
    "baseline": kde_baseline,
    "naive_last_week": naive_last_week,
}


def top_cells(pred: FloatArray, area: FloatArray, share: float) -> npt.NDArray[np.int64]:
    """The highest-predicted cells whose total area is ``share`` of ``area``'s sum (ties by
    cell order; cells predicted 0 are never flagged)."""
    order = np.argsort(-pred, kind="stable")
    cum = np.cumsum(area[order])
    n = int(np.searchsorted(cum, share * cum[-1], side="left")) + 1
    sel = order[:n]
    return sel[pred[sel] > 0]


@dataclass
class Score:
    """Backtest result of one model and area share: events, events captured, area flagged."""

    model: str
    horizon: str
    share: float
    events: int = 0
    captured: int = 0
    area_flagged: float = 0.0
    forecasts: int = 0

    @property
    def hit_rate(self) -> float:
        return self.captured / self.events if self.events else 0.0

    @property
    def pai(self) -> float:
        """Predictive Accuracy Index: hit rate / the area share. The nominal share: a predictor
        that ranks fewer cells (the naive one: cells with no event last week) is charged the
        whole share, as a patrol plan of that size would be."""
        return self.hit_rate / self.share


def backtest(
    ev: Events,
    grid: Grid,
    start: float,
    weeks: int,
    horizon: str = "24h",
    min_train_weeks: int = 4,
    models: Sequence[str] = tuple(MODELS),
    sea: npt.NDArray[np.bool_] | None = None,
) -> list[Score]:
    """Rolling backtest from ``start`` (UTC s, a week boundary): for k = ``min_train_weeks`` ..
    ``weeks - 1``, train on the events before week k and predict it (``7d``) or each of its
    days (``24h``). ``sea``: the cells that count as area (others are never flagged)."""
    area = grid.area * (sea if sea is not None else 1.0)
    total = float(area.sum())
    scores = {(m, s): Score(m, horizon, s) for m in models for s in TOP_SHARES}
    for k in range(min_train_weeks, weeks):
        w0 = start + k * WEEK
        windows = [(w0, w0 + WEEK)] if horizon == "7d" else [(w0 + d * DAY, w0 + (d + 1) * DAY) for d in range(7)]
        for a, b in windows:
            truth = ev.within(a, b)
            idx = grid.index(truth.lat, truth.lon)
            idx = idx[idx >= 0]
            if sea is not None:
                idx = idx[sea[idx]]
            for m in models:
                pred = MODELS[m](ev, grid, a, a, b)
                if sea is not None:
                    pred = pred * sea
                for s in TOP_SHARES:
                    cells = top_cells(pred, area, s)
                    flagged = np.zeros(grid.size, dtype=bool)
                    flagged[cells] = True
                    sc = scores[(m, s)]
                    sc.events += len(idx)
                    sc.captured += int(flagged[idx].sum())
                    sc.area_flagged += float(area[cells].sum()) / total
                    sc.forecasts += 1
    return list(scores.values())


@dataclass(frozen=True)
class Slice:
    """One day slice of a forecast: its window (UTC s) and the flagged cells (flat indices,
    highest first) with their expected events, share of the slice's total and area rank."""

    valid_from: float
    valid_to: float
    cells: npt.NDArray[np.int64]
    expected: FloatArray
    share: FloatArray
    area_rank: FloatArray


def forecast_slices(
    ev: Events,
    grid: Grid,
    issue: float,
    days: int,
    model: str = "forecast",
    sea: npt.NDArray[np.bool_] | None = None,
    top_share: float = 0.10,
) -> list[Slice]:
    """The forecast of ``model`` issued at ``issue`` (UTC s) for ``days`` day slices, each
    keeping the cells of the top ``top_share`` of the (sea) area."""
    area = grid.area * (sea if sea is not None else 1.0)
    total = float(area.sum())
    out = []
    for d in range(days):
        a, b = issue + d * DAY, issue + (d + 1) * DAY
        pred = MODELS[model](ev, grid, issue, a, b)
        if sea is not None:
            pred = pred * sea
        cells = top_cells(pred, area, top_share)
        s = float(pred.sum())
        out.append(
            Slice(
                a,
                b,
                cells,
                pred[cells],
                pred[cells] / s if s > 0 else pred[cells],
                np.cumsum(area[cells]) / total,
            )
        )
    return out


def box_share(sl: Slice, grid: Grid, south: float, west: float, north: float, east: float) -> float:
    """Share of a slice's predicted activity in a patrol box (degrees; cells whose centre is
    inside). Only the flagged cells count, so the share is of the top of the area."""
    lat, lon = grid.corners()
    c_lat, c_lon = lat[sl.cells] + grid.res / 2, lon[sl.cells] + grid.res / 2
    inside = (c_lat >= south) & (c_lat <= north) & (c_lon >= west) & (c_lon <= east)
    return float(sl.share[inside].sum())


def to_geojson(slices: Sequence[Slice], grid: Grid, horizon: str, issued: str) -> dict[str, object]:
    """A FeatureCollection: one Polygon per flagged cell and slice, with ``valid_from``,
    ``valid_to`` (ISO 8601 UTC), ``expected``, ``share`` and ``area_rank``."""
    from datetime import UTC, datetime

    lat, lon = grid.corners()
    r = grid.res
    feats: list[dict[str, object]] = []
    for sl in slices:
        vf = datetime.fromtimestamp(sl.valid_from, UTC).isoformat()
        vt = datetime.fromtimestamp(sl.valid_to, UTC).isoformat()
        for c, x, s, rank in zip(sl.cells.tolist(), sl.expected.tolist(), sl.share.tolist(), sl.area_rank.tolist()):
            y0, x0 = round(float(lat[c]), 6), round(float(lon[c]), 6)
            ring = [[x0, y0], [x0 + r, y0], [x0 + r, y0 + r], [x0, y0 + r], [x0, y0]]
            feats.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [[[round(p[0], 6), round(p[1], 6)] for p in ring]]},
                    "properties": {
                        "valid_from": vf,
                        "valid_to": vt,
                        "expected": round(x, 6),
                        "share": round(s, 6),
                        "area_rank": round(rank, 6),
                    },
                }
            )
    return {"type": "FeatureCollection", "properties": {"horizon": horizon, "issued_at": issued}, "features": feats}
