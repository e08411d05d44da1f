"""The on-disk format of the bundled land layer (``data/land.npz``): write and read.

One NumPy ``.npz`` archive (zlib-compressed) holding polygons as integer coordinates:

- ``xy``: int32 ``(n_vertices, 2)`` longitude/latitude in units of :data:`COORD_UNIT_DEG`
  (1e-5 degree, about 1.1 m), each ring's first vertex absolute and the others as differences
  from the previous vertex (small numbers compress well). Rings are stored open: the closing
  vertex (equal to the first) is left out.
- ``ring_offsets``: int64 ``(n_rings + 1,)``, ring ``k`` is ``xy[ring_offsets[k]:ring_offsets[k+1]]``.
- ``ring_polygon``: int32 ``(n_rings,)``, the polygon of each ring, non-decreasing; a polygon's
  first ring is its exterior, the others its holes.
- ``polygon_source``: uint8 ``(n_polygons,)``, index into ``sources``.
- ``sources``: str ``(n_sources,)``, one line naming each source (see ``data/SOURCES.md``).
- ``meta``: a JSON object (str) with the build's parameters.

Writing is for the developer tool ``tools/build_land.py``; :func:`read_land` is what the
package uses at run time (about 0.3 s for the world).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon

#: Coordinate unit of ``xy`` (degrees).
COORD_UNIT_DEG = 1e-5


@dataclass(frozen=True)
class LandLayer:
    """Polygons of a land layer, with the source of each."""

    polygons: npt.NDArray[np.object_]  # shapely Polygons (lon, lat degrees)
    polygon_source: npt.NDArray[np.uint8]
    sources: tuple[str, ...]
    meta: dict[str, Any]


def write_land(path: Path, parts: Sequence[tuple[str, Sequence[Polygon]]], meta: dict[str, Any]) -> None:
    """Write polygons grouped by source (``[(source line, polygons), ...]``) to ``path``."""
    xy_parts: list[npt.NDArray[np.int32]] = []
    lengths: list[int] = []
    ring_polygon: list[int] = []
    polygon_source: list[int] = []
    n_poly = 0
    for s, (_, polys) in enumerate(parts):
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                c = np.rint(shapely.get_coordinates(ring)[:-1] / COORD_UNIT_DEG).astype(np.int64)
                if len(c) < 3:
                    continue
                d = c.copy()
                d[1:] -= c[:-1]
                xy_parts.append(d.astype(np.int32))
                lengths.append(len(c))
                ring_polygon.append(n_poly)
            polygon_source.append(s)
            n_poly += 1
    np.savez_compressed(
        path,
        xy=np.concatenate(xy_parts),
        ring_offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        ring_polygon=np.asarray(ring_polygon, dtype=np.int32),
        polygon_source=np.asarray(polygon_source, dtype=np.uint8),
        sources=np.asarray([name for name, _ in parts]),
        meta=np.asarray(json.dumps(meta, sort_keys=True)),
    )


def read_land(path: Path) -> LandLayer:
    """Read a land layer written by :func:`write_land`."""
    with np.load(path, allow_pickle=False) as z:
        d = z["xy"].astype(np.int64)
        offsets = z["ring_offsets"]
        ring_polygon = z["ring_polygon"]
        polygon_source = z["polygon_source"]
        sources = tuple(str(s) for s in z["sources"])
        meta = json.loads(str(z["meta"]))
    lengths = np.diff(offsets)
    starts = offsets[:-1]
    # Undo the per-ring differences: a cumulative sum restarted at every ring's first vertex.
    c = np.cumsum(d, axis=0)
    base = np.repeat(c[starts] - d[starts], lengths, axis=0)
    xy = (c - base).astype(np.float64) * COORD_UNIT_DEG
    # Close every ring (repeat its first vertex after its last).
    ring_of_vertex = np.repeat(np.arange(len(lengths)), lengths)
    closed_pos = np.arange(len(xy)) + ring_of_vertex
    total = len(xy) + len(lengths)
    closed = np.empty((total, 2))
    closed[closed_pos] = xy
    close_at = offsets[1:] + np.arange(len(lengths))
    closed[close_at] = xy[starts]
    closed_ring = np.empty(total, dtype=np.int64)
    closed_ring[closed_pos] = ring_of_vertex
    closed_ring[close_at] = np.arange(len(lengths))
    rings = shapely.linearrings(closed, indices=closed_ring)
    polygons = shapely.polygons(rings, indices=ring_polygon)
    return LandLayer(polygons=polygons, polygon_source=polygon_source, sources=sources, meta=meta)
