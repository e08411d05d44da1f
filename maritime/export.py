"""Event export formats: rows of event dicts in, text out. Pure: no database, no clock.

Used by ``maritime events --format csv|json|geojson`` and by the dashboard's export of the
current view (CSV, GeoJSON, KML). Each caller picks its columns and properties; the formats
themselves (quoting, GeoJSON structure, KML placemarks) live here once.

Formats: CSV (RFC 4180, ``\\n`` line ends, a header row), JSON (a list, indent 1), GeoJSON
(RFC 7946 ``FeatureCollection`` of ``Point`` features, coordinates ``[lon, lat]`` in degrees
WGS 84) and KML 2.2 (OGC 12-007r2; ``TimeSpan`` in UTC).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

Row = Mapping[str, Any]

#: Leading characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (AIS names can start with = + - @) gets a
    leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def to_csv(
    rows: Iterable[Row], fields: Sequence[str], *, formula_safe: bool = True, json_fields: Collection[str] = ()
) -> str:
    """A header of ``fields`` and one line per row (``\\n`` line ends, the last line ended too).

    A missing key or ``None`` is an empty cell. Fields in ``json_fields`` are written as JSON
    (keys sorted); with ``formula_safe``, text cells are defused with :func:`csv_safe`.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    for r in rows:
        cells: list[Any] = []
        for f in fields:
            v = r.get(f)
            if f in json_fields:
                v = json.dumps(v, ensure_ascii=False, sort_keys=True)
            elif v is None:
                v = ""
            cells.append(csv_safe(v) if formula_safe else v)
        w.writerow(cells)
    return buf.getvalue()


def to_json(rows: Iterable[Row]) -> str:
    """The rows as a JSON list (UTF-8 text, indent 1)."""
    return json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=1)


def point(row: Row) -> dict[str, Any] | None:
    """GeoJSON ``Point`` of a row's ``lon``/``lat`` (degrees), ``None`` when either is missing."""
    lon, lat = row.get("lon"), row.get("lat")
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def to_geojson(
    rows: Iterable[Row],
    *,
    properties: Callable[[Row], Mapping[str, Any]] = dict,
    id_field: str | None = None,
) -> str:
    """A ``FeatureCollection`` with one ``Point`` feature per row (``geometry`` null without a
    position); ``properties(row)`` gives each feature's properties (default: every field), and
    ``id_field`` names the field used as the feature ``id``."""
    feats = []
    for r in rows:
        feat: dict[str, Any] = {"type": "Feature"}
        if id_field is not None:
            feat["id"] = r[id_field]
        feat["geometry"] = point(r)
        feat["properties"] = dict(properties(r))
        feats.append(feat)
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1)


def to_kml(
    rows: Iterable[Row],
    fields: Sequence[str],
    *,
    title: str = "maritime events",
    id_field: str = "event_id",
    start_field: str = "start_utc",
    end_field: str = "end_utc",
) -> str:
    """A KML document with one placemark per row that has a position: named ``kind mmsi
    name``, described by ``fields`` (``key: value`` lines; ``None`` left out), with the row's
    UTC span (ISO 8601 text in ``start_field``/``end_field``) as its ``TimeSpan``."""
    marks = []
    for r in rows:
        if r.get("lon") is None or r.get("lat") is None:
            continue
        desc = "\n".join(f"{k}: {r.get(k)}" for k in fields if r.get(k) is not None)
        span = f"<begin>{r[start_field]}</begin>" + (f"<end>{r[end_field]}</end>" if r.get(end_field) else "")
        pid = escape(str(r[id_field]), {'"': "&quot;"})
        marks.append(
            f'  <Placemark id="{pid}">\n'
            f"    <name>{escape(r['kind'])} {r['mmsi']} {escape(r.get('name') or '')}</name>\n"
            f"    <description>{escape(desc)}</description>\n"
            f"    <TimeSpan>{span}</TimeSpan>\n"
            f"    <Point><coordinates>{r['lon']:.6f},{r['lat']:.6f},0</coordinates></Point>\n"
            f"  </Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        f"<Document>\n  <name>{escape(title)}</name>\n" + "\n".join(marks) + "\n</Document>\n</kml>\n"
    )
