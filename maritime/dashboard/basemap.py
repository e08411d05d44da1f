"""The offline basemap: land and patrol zones drawn on a plain lon/lat cartesian figure.

No tile server, no topojson, no map style from the internet: the land polygons come from the
project's own worldwide coast layer (:func:`maritime.reference.coast.load_land`, Natural
Earth 1:10m and GLOBE islands) and the zones from the ``zones``
table (what detection uses) or the bundled ``patrol_zones.geojson``. Longitude is x,
latitude is y, with equal aspect (an equirectangular chart; near the equator, where these
waters lie, its distortion is small).

The first ``BASE_TRACES`` traces of the map figure are this basemap; the page's script
(``assets/dashboard.js``) keeps them and redraws only the vessel traces after them.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from maritime.reference.coast import load_land as load_coast_land

log = logging.getLogger(__name__)

#: Initial extent (degrees): the Eastern Pacific from Mexico to central Chile.
DEFAULT_EXTENT = (-108.0, -68.0, -38.0, 22.0)  # lon0, lon1, lat0, lat1
#: Land is simplified to this many degrees in the page's first figure (about 5 km: a pixel
#: or less at the whole-area zoom, and ~0.7 MB for the whole world); islands under 1e-3
#: square degrees (~12 km²) are left out of it.
LAND_TOLERANCE = 0.05
LAND_MIN_AREA = 1e-3
#: ... and to this for the detailed layer the page fetches once when zoomed in (all islands).
DETAIL_TOLERANCE = 0.003
#: Below this map width (degrees of longitude) the page draws the detailed land.
DETAIL_BELOW_DEG = 15
#: Traces the basemap puts first in the figure: land, zone outlines, zone labels.
BASE_TRACES = 3

SEA = "#0b2540"
LAND = "#2b3440"
COAST = "#6b7b8c"
ZONE = "#f2c14e"
PAPER = "#0a121c"
GRID = "rgba(160,180,200,0.12)"
TEXT = "#c9d4df"


# -- loading -------------------------------------------------------------------------------


def _geometries(obj: Any) -> list[BaseGeometry]:
    """Polygons out of whatever a loader returns: a geometry, GeoJSON, a GeoDataFrame, or a
    list of geometries / (name, geometry) pairs / features."""
    if obj is None:
        return []
    if isinstance(obj, BaseGeometry):
        if isinstance(obj, (Polygon, MultiPolygon)):
            return [obj]
        if isinstance(obj, GeometryCollection):
            return [g for part in obj.geoms for g in _geometries(part)]
        return []
    if hasattr(obj, "geometry") and hasattr(obj, "iterrows"):  # GeoDataFrame
        return [g for geom in obj.geometry for g in _geometries(geom)]
    if isinstance(obj, dict):
        if obj.get("type") == "FeatureCollection":
            return [g for f in obj.get("features", []) for g in _geometries(f)]
        if obj.get("type") == "Feature":
            return _geometries(obj.get("geometry"))
        if obj.get("type") in ("Polygon", "MultiPolygon", "GeometryCollection"):
            return _geometries(shape(obj))
        return []
    if isinstance(obj, (list, tuple)):
        if len(obj) == 2 and isinstance(obj[0], str):  # (name, geometry)
            return _geometries(obj[1])
        return [g for item in obj for g in _geometries(item)]
    if hasattr(obj, "geometry"):  # an object with a geometry attribute
        return _geometries(obj.geometry)
    return []


@lru_cache(maxsize=1)
def load_land() -> tuple[BaseGeometry, ...]:
    """Land polygons from the project's coast layer (:func:`maritime.reference.coast.load_land`);
    empty when the layer cannot be read (a broken layer must not take the watch floor down)."""
    try:
        return tuple(_geometries(load_coast_land()))
    except Exception as exc:  # noqa: BLE001 - shown in the log; the map then has no land
        log.warning("land layer: %s", exc)
        return ()


def load_zone_shapes(rows: Sequence[dict[str, Any]] | None = None) -> list[tuple[str, str, BaseGeometry]]:
    """``(name, description, polygon)`` from ``zones`` table rows, else the bundled file."""
    out: list[tuple[str, str, BaseGeometry]] = []
    for row in rows or ():
        try:
            geoms = _geometries(json.loads(row["geojson"]))
        except (ValueError, TypeError):
            continue
        if geoms:
            geom = geoms[0] if len(geoms) == 1 else MultiPolygon([p for g in geoms for p in _polys(g)])
            out.append((row["name"], row.get("description") or "", geom))
    if out:
        return out
    from maritime.reference.zones import default_zones_path

    doc = json.loads(default_zones_path().read_text(encoding="utf-8"))
    for feat in doc.get("features", []):
        props = feat.get("properties") or {}
        geoms = _geometries(feat)
        if geoms and props.get("name"):
            out.append((props["name"], props.get("description") or "", geoms[0]))
    return out


def _polys(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return []


# -- traces --------------------------------------------------------------------------------


def rings_xy(
    geoms: Iterable[BaseGeometry], tolerance: float = 0.0, min_area: float = 0.0, decimals: int = 4
) -> tuple[list[float | None], list[float | None]]:
    """Exterior rings as one x/y path with ``None`` between rings (one trace, one SVG path)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for geom in geoms:
        for poly in _polys(geom):
            if min_area and poly.area < min_area:
                continue
            ring = poly.exterior.simplify(tolerance, preserve_topology=False) if tolerance else poly.exterior
            coords = list(ring.coords)
            if len(coords) < 3:
                continue
            if xs:
                xs.append(None)
                ys.append(None)
            xs.extend(round(c[0], decimals) for c in coords)
            ys.extend(round(c[1], decimals) for c in coords)
    return xs, ys


@lru_cache(maxsize=4)
def land_json(tolerance: float, min_area: float, decimals: int) -> str:
    """Land rings as ``{"x": [...], "y": [...]}`` JSON (cached: the layer never changes)."""
    x, y = rings_xy(load_land(), tolerance, min_area, decimals)
    return json.dumps({"x": x, "y": y}, separators=(",", ":"))


def detail_land_json() -> str:
    return land_json(DETAIL_TOLERANCE, 0.0, 4)


def base_traces(zone_rows: Sequence[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Land, zone outlines and zone labels, as plain plotly trace dicts."""
    overview = json.loads(land_json(LAND_TOLERANCE, LAND_MIN_AREA, 3))
    lx, ly = overview["x"], overview["y"]
    land = {
        "type": "scatter",
        "x": lx,
        "y": ly,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": LAND,
        "line": {"color": COAST, "width": 0.8},
        "hoverinfo": "skip",
        "name": "land",
        "showlegend": False,
    }
    zones = load_zone_shapes(zone_rows)
    zx, zy = rings_xy(g for _, _, g in zones)
    outline = {
        "type": "scatter",
        "x": zx,
        "y": zy,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": "rgba(242,193,78,0.06)",
        "line": {"color": ZONE, "width": 1.2, "dash": "dash"},
        "hoverinfo": "skip",
        "name": "patrol zones",
        "showlegend": False,
    }
    cx, cy, names, hover = [], [], [], []
    for name, desc, geom in zones:
        pt = geom.representative_point()
        cx.append(round(pt.x, 3))
        cy.append(round(pt.y, 3))
        names.append(name)
        hover.append(f"<b>{html.escape(name)}</b><br>{html.escape(desc[:160])}")
    labels = {  # names are drawn when zoomed in (assets/dashboard.js), hover only when zoomed out
        "type": "scatter",
        "x": cx,
        "y": cy,
        "mode": "markers",
        "text": names,
        "hovertext": hover,
        "hoverinfo": "text",
        "textfont": {"color": ZONE, "size": 10},
        "textposition": "middle center",
        "marker": {"size": 5, "color": ZONE, "symbol": "diamond-open"},
        "name": "zone names",
        "showlegend": False,
    }
    return [land, outline, labels]


def base_figure(
    zone_rows: Sequence[dict[str, Any]] | None = None, extent: Sequence[float] | None = None
) -> dict[str, Any]:
    """The map figure with only the basemap; vessel traces are added in the browser."""
    lon0, lon1, lat0, lat1 = extent or DEFAULT_EXTENT
    axis = {
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "color": TEXT,
        "ticks": "outside",
        "tickfont": {"size": 10},
        "showline": False,
    }
    return {
        "data": base_traces(zone_rows),
        "layout": {
            "meta": {
                "base": BASE_TRACES,
                "detail_below": DETAIL_BELOW_DEG,
                "detail_url": "/basemap/land-detail.json" if load_land() else None,
            },
            "uirevision": "map",
            "paper_bgcolor": PAPER,
            "plot_bgcolor": SEA,
            "font": {"color": TEXT, "family": "Inter, 'DejaVu Sans', Arial, sans-serif", "size": 11},
            "margin": {"l": 44, "r": 8, "t": 6, "b": 28},
            "xaxis": {**axis, "range": [lon0, lon1], "ticksuffix": "°", "title": {"text": ""}},
            "yaxis": {**axis, "range": [lat0, lat1], "ticksuffix": "°", "scaleanchor": "x", "scaleratio": 1},
            "dragmode": "pan",
            # patrol boxes drawn with the toolbar's rectangle tool (maritime/dashboard/patrol_boxes.py)
            "newshape": {"line": {"color": "#5ee7ff", "width": 2}, "fillcolor": "rgba(94,231,255,0.06)"},
            "hovermode": "closest",
            "hoverlabel": {"bgcolor": "#111c28", "bordercolor": "#3b4c5f", "font": {"color": "#e6edf3"}},
            "showlegend": True,
            "legend": {
                "x": 0.005,
                "y": 0.995,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(10,18,28,0.78)",
                "bordercolor": "#2a3a4c",
                "borderwidth": 1,
                "font": {"size": 10},
                "itemsizing": "constant",
            },
        },
    }
