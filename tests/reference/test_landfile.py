"""The land layer's file format (maritime.reference.landfile)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

from maritime.reference.coast import default_land_path
from maritime.reference.landfile import read_land, write_land


def test_round_trip_keeps_rings_holes_and_sources(tmp_path):
    square = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)], [[(0.5, 0.5), (1.0, 0.5), (1.0, 1.0)]])
    island = Polygon([(-179.5, -10.12345), (-179.0, -10.0), (-179.2, -9.5)])
    path = tmp_path / "land.npz"
    write_land(path, [("A", [square]), ("B", [island])], {"k": 1})
    layer = read_land(path)
    assert layer.sources == ("A", "B")
    assert layer.meta == {"k": 1}
    assert layer.polygon_source.tolist() == [0, 1]
    assert len(layer.polygons[0].interiors) == 1
    assert shapely.equals_exact(layer.polygons[0], square, tolerance=1e-9)
    assert shapely.equals_exact(layer.polygons[1], island, tolerance=1e-5)


def test_bundled_layer_names_natural_earth_and_globe():
    layer = read_land(default_land_path())
    assert "Natural Earth" in layer.sources[0] and "GLOBE" in layer.sources[1]
    assert np.isin(layer.polygon_source, [0, 1]).all()
    assert len(layer.polygons) > 10_000
