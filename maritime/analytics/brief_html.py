"""The partner brief as one self-contained HTML file (pure: data in, text out).

Maps are inline SVG drawn from the land rings given (the shipped land layer, clipped by the
adapter), in an equirectangular projection; there is no script, font, image or style sheet
from anywhere else, so the file opens offline and makes no request. Every section shows the
SQL that produced it and its parameters, for the analyst to rerun.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

#: Colours of event kinds on the map (others grey).
KIND_COLOURS = {
    "rendezvous": "#d62728",
    "dark_period": "#7f3fbf",
    "loitering": "#ff7f0e",
    "fishing": "#2ca02c",
    "zone_entry": "#1f77b4",
    "identity_conflict": "#8c564b",
}
MAP_W, MAP_H = 760, 560

Ring = Sequence[tuple[float, float]]  # (lon, lat)


@dataclass
class Section:
    """A titled table with the query (and parameters) it came from."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    query: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class BriefData:
    """Everything the brief shows. ``bbox`` = (lon0, lat0, lon1, lat1) degrees."""

    title: str
    period: str
    generated: str
    bbox: tuple[float, float, float, float]
    land: list[Ring]
    zones: list[tuple[str, list[Ring]]]
    event_points: list[tuple[str, float, float]]  # kind, lat, lon
    hotspot_cells: list[tuple[float, float, float, float]]  # lat, lon (SW corner), res, share
    tracks: list[tuple[str, list[tuple[float, float]]]]  # label, [(lat, lon)]
    sections: list[Section]


class _Proj:
    def __init__(self, bbox: tuple[float, float, float, float]) -> None:
        self.lon0, self.lat0, self.lon1, self.lat1 = bbox
        self.sx = MAP_W / (self.lon1 - self.lon0)
        self.sy = MAP_H / (self.lat1 - self.lat0)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon - self.lon0) * self.sx, 1), round((self.lat1 - lat) * self.sy, 1)

    def path(self, ring: Ring) -> str:
        pts = [self.xy(lon, lat) for lon, lat in ring]
        return "M" + "L".join(f"{x},{y}" for x, y in pts) + "Z"


def _base(p: _Proj, data: BriefData, label: str) -> list[str]:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_W} {MAP_H}" width="{MAP_W}" height="{MAP_H}" '
        f'role="img" aria-label="{escape(label)}">',
        f'<rect width="{MAP_W}" height="{MAP_H}" fill="#dcebf5"/>',
    ]
    if data.land:
        out.append(f'<path d="{" ".join(p.path(r) for r in data.land)}" fill="#efe9d8" stroke="#9a8f70" '
                   'stroke-width="0.5" fill-rule="evenodd"/>')  # fmt: skip
    for name, rings in data.zones:
        out.append(
            f'<path d="{" ".join(p.path(r) for r in rings)}" fill="none" stroke="#336" stroke-dasharray="4 3" '
            f'stroke-width="0.8"><title>{escape(name)}</title></path>'
        )
    return out


def _graticule(p: _Proj) -> list[str]:
    out = []
    for lon in range(int(p.lon0) // 5 * 5, int(p.lon1) + 1, 5):
        if p.lon0 <= lon <= p.lon1:
            x, _ = p.xy(lon, p.lat0)
            out.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{MAP_H}" stroke="#fff" stroke-width="0.6"/>')
            out.append(f'<text x="{x + 2}" y="{MAP_H - 4}" font-size="10" fill="#557">{abs(lon)}°W</text>')
    for lat in range(int(p.lat0) // 5 * 5, int(p.lat1) + 1, 5):
        if p.lat0 <= lat <= p.lat1:
            _, y = p.xy(p.lon0, lat)
            out.append(f'<line x1="0" y1="{y}" x2="{MAP_W}" y2="{y}" stroke="#fff" stroke-width="0.6"/>')
            hemi = "N" if lat > 0 else ("S" if lat < 0 else "")
            out.append(f'<text x="3" y="{y - 2}" font-size="10" fill="#557">{abs(lat)}°{hemi}</text>')
    return out


def events_map(data: BriefData) -> str:
    """Events of the period (dots by kind) over the forecast hotspot cells (red by share)."""
    p = _Proj(data.bbox)
    out = _base(p, data, "events and forecast hotspots")
    top = max((s for *_, s in data.hotspot_cells), default=0.0) or 1.0
    for lat, lon, res, share in data.hotspot_cells:
        x0, y1 = p.xy(lon, lat)
        x1, y0 = p.xy(lon + res, lat + res)
        op = round(0.15 + 0.75 * share / top, 2)
        out.append(f'<rect x="{x0}" y="{y0}" width="{max(x1 - x0, 1)}" height="{max(y1 - y0, 1)}" '
                   f'fill="#e31a1c" fill-opacity="{op}"/>')  # fmt: skip
    for kind, lat, lon in data.event_points:
        x, y = p.xy(lon, lat)
        out.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{KIND_COLOURS.get(kind, "#777")}" fill-opacity="0.8"/>')
    out += _graticule(p)
    out.append("</svg>")
    return "\n".join(out)


def tracks_map(data: BriefData) -> str:
    """The period's tracks of the top-risk vessels, labelled at their last position."""
    p = _Proj(data.bbox)
    out = _base(p, data, "tracks of the top-risk vessels")
    palette = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
    for i, (label, pts) in enumerate(data.tracks):
        if not pts:
            continue
        c = palette[i % len(palette)]
        xy = [p.xy(lon, lat) for lat, lon in pts]
        out.append(f'<polyline points="{" ".join(f"{x},{y}" for x, y in xy)}" fill="none" stroke="{c}" '
                   f'stroke-width="1.4"><title>{escape(label)}</title></polyline>')  # fmt: skip
        x, y = xy[-1]
        out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{c}"/>')
        out.append(f'<text x="{x + 4}" y="{y - 4}" font-size="11" fill="{c}">{escape(label)}</text>')
    out += _graticule(p)
    out.append("</svg>")
    return "\n".join(out)


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return escape("" if v is None else str(v))


def _section(s: Section) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in s.columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>" for r in s.rows)
    params = ", ".join(f"${k} = {v!r}" for k, v in s.params.items())
    return (
        f"<section><h2>{escape(s.title)}</h2>"
        + (f"<p>{escape(s.note)}</p>" if s.note else "")
        + (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if s.rows else "<p>None.</p>")
        + f"<details><summary>Query</summary><pre>{escape(s.query.strip())}</pre>"
        + (f"<p>Parameters: <code>{escape(params)}</code></p>" if params else "")
        + "</details></section>"
    )


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2430;max-width:1100px}
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ccd;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccd;padding:3px 7px;text-align:left}
th{background:#eef2f7}pre{background:#f5f6f8;padding:8px;font-size:12px;white-space:pre-wrap}
.meta{color:#556}.legend span{display:inline-block;margin-right:12px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
figure{margin:12px 0}figcaption{font-size:12px;color:#556}
"""


def render_brief(data: BriefData) -> str:
    """The brief as one HTML document."""
    legend = "".join(f'<span><i style="background:{c}"></i>{escape(k)}</span>' for k, c in KIND_COLOURS.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(data.title)}</h1><p class="meta">Period {escape(data.period)} (UTC, data time). '
        f"Generated {escape(data.generated)}. Positions are AIS reports as received; events are "
        "automatic detections, not findings.</p>"
        f'<figure>{events_map(data)}<figcaption><div class="legend">{legend}'
        '<span><i style="background:#e31a1c;border-radius:0"></i>forecast hotspot cells</span></div>'
        "Events of the period and the forecast cells of the latest hotspot forecast.</figcaption></figure>"
        + "".join(_section(s) for s in data.sections[:2])
        + f"<figure>{tracks_map(data)}<figcaption>Tracks of the top-risk vessels over the period.</figcaption></figure>"
        + "".join(_section(s) for s in data.sections[2:])
        + "</body></html>\n"
    )
