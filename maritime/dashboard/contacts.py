"""The map's contacts layer: radar tracks, satellite detections and scene footprints of the
time window, and a contact's candidates for a click.

Routes (registered by :func:`register`; the page's script fetches them when the window moves):

* ``/contacts/layer.json?start=S&end=E`` (UTC seconds): ``tracks`` (one polyline per radar
  track, with its match; ``short`` when it has fewer contacts than ``dark_vessel`` needs, drawn
  faint), ``points`` (satellite detections and single radar contacts),
  ``joins`` (a matched contact to its vessel's position nearest in time), ``footprints``.
  Matched contacts are drawn small and grey, joined to their vessel; unmatched ones large and
  red (tracks) or orange (detections).
* ``/contacts/<id>.json``: the contact, its match and runner-up with names and scores.

Time-window review works as for AIS: the layer is the contacts of the window the page shows.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb
import flask
import shapely

from maritime.dashboard import queries as q
from maritime.dashboard.state import iso
from maritime.detect.config import ContactsConfig

if TYPE_CHECKING:
    from maritime.dashboard.context import AppContext

#: Contacts sent for one window at most (newest first); a denser window is cut.
MAX_CONTACTS = 20_000
#: Longest window (seconds) the layer covers: the last 24 h of the window asked for.
MAX_WINDOW_S = 86_400.0


def _rows(cur: q.Cursor, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    res = cur.execute(q.sql(name), params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _f(v: Any, nd: int = 5) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), nd)


def _hover(r: dict[str, Any]) -> str:
    what = r["track_id"] or f"{r['source_kind']} {r['detect_id'] or r['contact_id']}"
    if r["match_mmsi"] is None:
        head = f"<b>{what}</b><br>no AIS vessel matches"
    else:
        head = f"<b>{what}</b><br>AIS {r['match_mmsi']} {r['match_name'] or ''} (score {r['match_score']:.2f})"
    if r["runner_up_mmsi"] is not None:
        head += f"<br>runner-up {r['runner_up_mmsi']} (score {r['runner_up_score']:.2f})"
    return head + f"<br>{iso(r['t'])}"


def layer(cur: q.Cursor, start_s: float, end_s: float, limit: int = MAX_CONTACTS) -> dict[str, Any]:
    """The contacts layer of the window ``[start_s, end_s]`` (UTC seconds); see the module docstring."""
    start_s = max(start_s, end_s - MAX_WINDOW_S)
    params = {
        "start": datetime.fromtimestamp(start_s, UTC),
        "end": datetime.fromtimestamp(end_s, UTC),
        "limit": limit,
    }
    try:
        rows = _rows(cur, "contacts_layer", params)
        scenes = _rows(cur, "scenes_layer", {"start": params["start"], "end": params["end"]})
    except duckdb.CatalogException:
        rows, scenes = [], []
    tracks: dict[str, dict[str, Any]] = {}
    points: list[dict[str, Any]] = []
    joins: list[list[float | None]] = []
    for r in rows:
        if r["track_id"]:
            tr = tracks.setdefault(
                r["track_id"], {"id": r["track_id"], "x": [], "y": [], "ids": [], "matched": None, "hover": ""}
            )
            tr["x"].append(_f(r["lon"]))
            tr["y"].append(_f(r["lat"]))
            tr["ids"].append(r["contact_id"])
            tr["matched"] = r["match_mmsi"]
            tr["hover"] = _hover(r)
        else:
            points.append(
                {
                    "id": r["contact_id"],
                    "x": _f(r["lon"]),
                    "y": _f(r["lat"]),
                    "matched": r["match_mmsi"],
                    "hover": _hover(r),
                }
            )
        if r["match_mmsi"] is not None and r["vessel_lat"] is not None and not r["track_id"]:
            joins.append([_f(r["lon"]), _f(r["lat"]), _f(r["vessel_lon"]), _f(r["vessel_lat"])])
    footprints = []
    for s in scenes:
        geom = shapely.from_wkt(s["footprint_wkt"])
        rings = [p.exterior for p in getattr(geom, "geoms", [geom])]
        x: list[float | None] = []
        y: list[float | None] = []
        for ring in rings:
            xs, ys = ring.xy
            x += [round(v, 4) for v in xs] + [None]
            y += [round(v, 4) for v in ys] + [None]
        footprints.append({"id": s["scene_id"], "t": iso(s["t"]), "sensor": s["sensor_id"], "x": x, "y": y})
    short = ContactsConfig().min_track_contacts
    for tr in tracks.values():
        tr["short"] = len(tr["ids"]) < short  # too short for dark_vessel: drawn faint
    return {"tracks": list(tracks.values()), "points": points, "joins": joins, "footprints": footprints}


def candidates(cur: q.Cursor, contact_id: int) -> dict[str, Any] | None:
    """One contact with its match and runner-up, None when there is no such contact."""
    rows = _rows(cur, "contact_candidates", {"contact_id": contact_id})
    if not rows:
        return None
    r = rows[0]
    return {
        "contact_id": r["contact_id"],
        "time": iso(r["t"]),
        "lat": _f(r["lat"]),
        "lon": _f(r["lon"]),
        "source": r["source_kind"],
        "sensor": r["sensor_id"],
        "track": r["track_id"],
        "scene": r["scene_id"],
        "length_m": _f(r["length_m"], 1),
        "sigma_m": _f(r["sigma_major_m"], 0),
        "candidates": [
            {"role": role, "mmsi": m, "name": n, "score": _f(s, 3)}
            for role, m, n, s in (
                ("match", r["match_mmsi"], r["match_name"], r["match_score"]),
                ("runner-up", r["runner_up_mmsi"], r["runner_up_name"], r["runner_up_score"]),
            )
            if m is not None
        ],
        "n_candidates": r["n_candidates"],
    }


def register(server: flask.Flask, ctx: AppContext) -> None:
    """Add the contacts routes to the app's server."""

    @server.route("/contacts/layer.json")
    def contacts_layer() -> flask.Response:
        try:
            start = float(flask.request.args.get("start", ""))
            end = float(flask.request.args.get("end", ""))
        except ValueError:
            return flask.Response("start and end must be UTC seconds", status=400, mimetype="text/plain")
        if not (math.isfinite(start) and math.isfinite(end)) or end < start:
            return flask.Response("start and end must be UTC seconds, start <= end", status=400, mimetype="text/plain")
        with ctx.pool.cursor() as cur:
            return flask.jsonify(layer(cur, start, end))

    @server.route("/contacts/<int:contact_id>.json")
    def contact(contact_id: int) -> flask.Response:
        with ctx.pool.cursor() as cur:
            found = candidates(cur, contact_id)
        if found is None:
            flask.abort(404)
        return flask.jsonify(found)
