"""The dashboard's export of the current view: the filtered events in the window, as CSV,
GeoJSON or KML for partner agencies (formats in :mod:`maritime.export`).

Feed-silence alerts are left out: our own receivers' health is not for partner agencies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from maritime import export
from maritime.dashboard import queries as q
from maritime.dashboard.state import Now, ViewState, iso

#: Export formats: name (also the file extension) → mimetype.
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
}

#: Columns of the CSV export and lines of a KML description, in order.
EXPORT_FIELDS = (
    "event_id",
    "kind",
    "mmsi",
    "name",
    "flag",
    "other_mmsi",
    "other_name",
    "start_utc",
    "end_utc",
    "lat",
    "lon",
    "zone",
    "confidence",
    "status",
    "unit",
    "actor",
    "reason",
    "details",
)


def export_rows(cur: q.Cursor, state: ViewState, now: Now) -> list[dict[str, Any]]:
    """The events of the view's window and filters, with ``start_utc``/``end_utc`` (ISO 8601)."""
    window = now.window(state)
    out = []
    for r in q.alerts(cur, window.start, window.end, state.alert_filter(limit=1_000_000), now.wall):
        if r["kind"] == "feed_silent":
            continue  # our own receivers' health is not for partner agencies
        out.append({**r, "start_utc": iso(r["start_s"]), "end_utc": iso(r["end_s"])})
    return out


def _properties(r: Mapping[str, Any]) -> dict[str, Any]:
    props = {k: r.get(k) for k in EXPORT_FIELDS if k not in ("lat", "lon", "details")}
    props["details"] = json.loads(r["details"]) if r.get("details") else None
    return props


def export_events(cur: q.Cursor, state: ViewState, fmt: str, now: Now) -> tuple[bytes, str, str]:
    """The filtered events as ``(content, mimetype, filename)``; fmt csv, geojson or kml. The
    file is named for the wall time (UTC) of the export."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: csv, geojson or kml")
    rows = export_rows(cur, state, now)
    if fmt == "csv":
        text = export.to_csv(rows, EXPORT_FIELDS)
    elif fmt == "geojson":
        text = export.to_geojson(rows, properties=_properties, id_field="event_id")
    else:
        text = export.to_kml(rows, [k for k in EXPORT_FIELDS if k != "details"])
    stamp = now.wall.strftime("%Y%m%dT%H%M%SZ")
    return text.encode("utf-8"), FORMATS[fmt], f"events-{stamp}.{fmt}"
