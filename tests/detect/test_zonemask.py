"""The rasterised zone test is exact: it agrees with shapely on every point, boundary
cells included, for the bundled zones and their widened copies."""

from __future__ import annotations

import numpy as np
import shapely

from maritime.detect.inputs import zones_rows
from maritime.detect.zonemask import EDGE, inside, inside_many, raster, selected, widened


def test_agrees_with_shapely_on_the_bundled_zones():
    zones, _ = zones_rows(None)
    rng = np.random.default_rng(0)
    for name, geom in zones:
        for g in (geom, widened(geom, 1.0)):
            x0, y0, x1, y1 = g.bounds
            lon = rng.uniform(x0 - 0.1, x1 + 0.1, 20_000)
            lat = rng.uniform(y0 - 0.1, y1 + 0.1, 20_000)
            # and points on the boundary itself, nudged by a few metres
            b = shapely.get_coordinates(shapely.segmentize(g.exterior, 0.01))
            lon = np.r_[lon, b[:, 0] + rng.normal(0, 3e-5, len(b))]
            lat = np.r_[lat, b[:, 1] + rng.normal(0, 3e-5, len(b))]
            assert np.array_equal(inside(lat, lon, g), shapely.contains_xy(g, lon, lat)), name
            if g.area > 4.0:  # large zones: few cells need the exact polygon test
                assert (raster(g).state == EDGE).mean() < 0.2, name


def test_widened_covers_at_least_the_distance_and_selection_by_name():
    zones, _ = zones_rows(None)
    name, g = zones[0]
    w = widened(g, 2.0)
    assert w.contains(g) and w.area > g.area
    assert selected(zones, ["*"]) == zones
    assert [n for n, _ in selected(zones, [name])] == [name]
    assert selected(zones, []) == []


def test_many_zones_in_one_pass_agree_with_shapely():
    zones, _ = zones_rows(None)
    geoms = [g for _, g in zones] + [widened(g, 1.0) for _, g in zones]
    rng = np.random.default_rng(1)
    lon = rng.uniform(-100.0, -75.0, 200_000)
    lat = rng.uniform(-12.0, 10.0, 200_000)
    for g, m in zip(geoms, inside_many(lat, lon, geoms)):
        assert np.array_equal(m, shapely.contains_xy(g, lon, lat))
