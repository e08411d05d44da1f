"""The signed distance grid's format and lookup (maritime.reference.shoregrid)."""

from __future__ import annotations

import numpy as np
import pytest

from maritime.reference import shoregrid as sg


def _grid(coarse_value: int = 1000) -> sg.ShoreGrid:
    coarse = np.full((sg.COARSE_ROWS + 1, sg.COARSE_COLS + 1), coarse_value, dtype=np.int16)
    tile_index = np.full((sg.COARSE_ROWS, sg.COARSE_COLS), -1, dtype=np.int32)
    # One fine tile at the cell of lat 0..0.25, lon 0..0.25: a plane rising 1 unit per arc-minute east.
    n = sg.TILE_CELLS + 1
    tiles = np.tile(np.arange(n, dtype=np.int16) - 3, (1, n, 1))
    tile_index[round(90 / sg.COARSE_DEG), round(180 / sg.COARSE_DEG)] = 0
    return sg.ShoreGrid(coarse=coarse, tile_index=tile_index, tiles=tiles, meta={"x": 1})


def test_lookup_is_bilinear_in_fine_tiles_and_coarse_elsewhere():
    g = _grid()
    lat = np.array([0.1, 0.1, 0.1, 10.0, np.nan])
    lon = np.array([0.0, 2.5 / 60, 0.25 - 1e-9, 10.0, 0.0])
    got = sg.signed_distance_km(g, lat, lon)
    # fine: value (b - 3) * unit at b arc-minutes east of the tile's west edge
    assert got[0] == pytest.approx(-3 * sg.FINE_UNIT_KM)
    assert got[1] == pytest.approx(-0.5 * sg.FINE_UNIT_KM, abs=1e-6)
    assert got[2] == pytest.approx(12 * sg.FINE_UNIT_KM, abs=1e-5)
    assert got[3] == pytest.approx(1000 * sg.COARSE_UNIT_KM)
    assert np.isnan(got[4])


def test_write_read_round_trip_and_disk_cache(tmp_path):
    g = _grid(-250)
    path = tmp_path / "grid.npz"
    sg.write_grid(path, g)
    back = sg.read_grid(path)
    assert np.array_equal(back.coarse, g.coarse) and np.array_equal(back.tiles, g.tiles)
    assert np.array_equal(back.tile_index, g.tile_index) and back.meta == g.meta
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "shore_0123456789abcdef.npy").write_bytes(b"old raster")
    first = sg.load_grid_cached(path, cache)
    again = sg.load_grid_cached(path, cache)  # memory-mapped from the cache entry
    assert isinstance(again.tiles, np.memmap)
    assert np.array_equal(first.tiles, again.tiles) and np.array_equal(again.coarse, g.coarse)
    assert len(list(cache.glob("shore_grid_*"))) == 1
    assert not list(cache.glob("shore_*.npy"))
