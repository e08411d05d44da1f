"""Named patrol zones (polygons) read from GeoJSON.

The bundled ``maritime/reference/data/patrol_zones.geojson`` holds approximate outlines of
Eastern Pacific patrol zones (see ``data/SOURCES.md``). Coordinates are WGS84 degrees, in
GeoJSON order (longitude, latitude).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Point, Polygon, shape

Zone = tuple[str, Polygon | MultiPolygon]


def default_zones_path() -> Path:
    """Path of the bundled ``patrol_zones.geojson``."""
    return Path(str(resources.files("maritime.reference").joinpath("data", "patrol_zones.geojson")))


def _features(doc: Any, src: Path) -> list[Any]:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ValueError(f"{src}: FeatureCollection has no 'features' list")
        return feats
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    raise ValueError(f"{src}: expected a GeoJSON FeatureCollection or Feature")


def load_zones(path: str | Path | None = None) -> list[Zone]:
    """Read named polygons from a GeoJSON file.

    Args:
        path: a GeoJSON FeatureCollection (or single Feature) whose features are Polygons or
            MultiPolygons, each with a non-empty string property ``name``; ``None`` reads the
            bundled patrol zones.

    Returns:
        ``[(name, polygon), ...]`` in file order; polygons are shapely geometries in
        (longitude, latitude) degrees.

    Raises:
        ValueError: with a one-line message naming the feature, if a feature lacks ``name``, is
            not a (Multi)Polygon, or is not a valid geometry; or if the file is not GeoJSON.
    """
    src = Path(path) if path is not None else default_zones_path()
    try:
        doc = json.loads(src.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{src}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    zones: list[Zone] = []
    for i, feat in enumerate(_features(doc, src)):
        props = feat.get("properties") if isinstance(feat, dict) else None
        name = props.get("name") if isinstance(props, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{src}: feature #{i} has no 'name' property")
        geom = feat.get("geometry")
        gtype = geom.get("type") if isinstance(geom, dict) else None
        if gtype not in ("Polygon", "MultiPolygon"):
            raise ValueError(
                f"{src}: feature #{i} '{name}' is a {gtype or 'missing geometry'}, not a Polygon or MultiPolygon"
            )
        try:
            poly = shape(geom)
        except Exception as exc:  # shapely raises several types for malformed coordinates
            raise ValueError(f"{src}: feature #{i} '{name}' has malformed coordinates ({exc})") from None
        if poly.is_empty or not poly.is_valid:
            raise ValueError(f"{src}: feature #{i} '{name}' is an empty or invalid polygon")
        zones.append((name, poly))
    return zones


def zone_of(lat: float, lon: float, zones: list[Zone]) -> str | None:
    """Name of the first zone containing the point (``lat``, ``lon`` in degrees), else ``None``."""
    pt = Point(lon, lat)
    for name, poly in zones:
        if poly.covers(pt):
            return name
    return None
