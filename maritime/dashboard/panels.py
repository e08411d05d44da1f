"""The side panels: the vessel card (identity, last position, speed chart, history, events),
the selected alert with its action log and the officers' actions, the top bar's alert
counters, and ingest health (feeds, rates, rejects, stations, detection).

Plain functions of a cursor and a :class:`~maritime.dashboard.state.Now`; Dash components out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from dash import dcc, html

from maritime.dashboard import queries as q
from maritime.dashboard.basemap import PAPER, TEXT
from maritime.dashboard.categories import ship_type_name
from maritime.dashboard.state import Now, ViewState, as_state, iso
from maritime.dashboard.sync import cached_alerts, track_data

# -- the top bar -------------------------------------------------------------------------------


def header_summary(summary: Mapping[str, int] | None) -> list[Any]:
    """The alert counters of the top bar."""
    s = summary or {}
    chips = [
        html.Span([html.B(str(s.get("new", 0))), " new"], className="chip chip-new" if s.get("new") else "chip"),
        html.Span([html.B(str(s.get("assigned", 0))), " assigned"], className="chip"),
        html.Span([html.B(str(s.get("acknowledged", 0))), " ack"], className="chip"),
        html.Span([html.B(str(s.get("open", 0))), " ongoing"], className="chip"),
    ]
    if s.get("feeds"):
        chips.append(html.Span([html.B(str(s["feeds"])), " feed silent"], className="chip chip-new"))
    return chips


# -- vessel card -------------------------------------------------------------------------------


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def _latlon(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return "—"
    return f"{abs(lat):.4f}°{'S' if lat < 0 else 'N'} {abs(lon):.4f}°{'W' if lon < 0 else 'E'}"


def silences(times: Sequence[float], gap_s: float, end_s: float | None = None) -> list[tuple[float, float]]:
    """Spans of at least ``gap_s`` with no report (a trailing one up to ``end_s``)."""
    out = [(a, b) for a, b in zip(times, times[1:]) if b - a >= gap_s]
    if end_s is not None and times and end_s - times[-1] >= gap_s:
        out.append((times[-1], end_s))
    return out


def speed_figure(
    points: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]], window: q.Window, gap_s: float
) -> dict[str, Any]:
    """Speed over ground against time; silences shaded grey, dark periods red."""
    times = [p["t"] for p in points]
    shapes = []
    for a, b in silences(times, gap_s, window.end_s if window.live else None):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": iso(a),
                "x1": iso(b),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(150,160,175,0.22)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    for e in events:
        if e["kind"] == "dark_period":
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": iso(e["start_s"]),
                    "x1": iso(e["end_s"] or window.end_s),
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "rgba(255,77,79,0.18)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    return {
        "data": [
            {
                "type": "scatter",
                "x": [iso(t) for t in times],
                "y": [p["sog"] for p in points],
                "mode": "lines",
                "line": {"color": "#4fc3f7", "width": 1.4},
                "connectgaps": False,
                "name": "SOG",
                "hovertemplate": "%{x}<br>%{y:.1f} kn<extra></extra>",
            }
        ],
        "layout": {
            "height": 150,
            "margin": {"l": 36, "r": 6, "t": 4, "b": 26},
            "paper_bgcolor": PAPER,
            "plot_bgcolor": "#0f1924",
            "font": {"color": TEXT, "size": 10},
            "showlegend": False,
            "xaxis": {
                "range": [iso(window.start_s), iso(window.end_s)],
                "gridcolor": "rgba(160,180,200,0.1)",
                "type": "date",
            },
            "yaxis": {"title": {"text": "kn"}, "gridcolor": "rgba(160,180,200,0.1)", "rangemode": "tozero"},
            "shapes": shapes,
        },
    }


def _kv(rows: Sequence[tuple[str, Any]]) -> html.Table:
    return html.Table([html.Tr([html.Th(k), html.Td(v)]) for k, v in rows], className="kv")


def _card(
    v: Mapping[str, Any],
    pos: Mapping[str, Any] | None,
    points: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    history: Sequence[Mapping[str, Any]],
    window: q.Window,
    s: ViewState,
) -> list[Any]:
    size = "—"
    if v["length_m"] or v["width_m"]:
        size = f"{v['length_m'] or '?'} × {v['width_m'] or '?'} m"
        if v["draught"]:
            size += f", draught {v['draught']:.1f} m"
    identity = _kv(
        [
            ("MMSI", str(v["mmsi"])),
            ("IMO", str(v["imo"]) if v["imo"] else "—"),
            ("Call sign", v["callsign"] or "—"),
            ("Flag", f"{v['flag'] or 'unknown'}" + (f" (MID {v['mid']})" if v["mid"] else "")),
            (
                "Type",
                f"{ship_type_name(v['ship_type'])}" + (f" ({v['ship_type']})" if v["ship_type"] is not None else ""),
            ),
            ("Size", size),
            ("Destination", v["destination"] or "—"),
        ]
    )
    last: html.Table | html.Div
    if pos is not None:
        age = window.end_s - pos["t"]
        stale = age >= s.stale * 60
        last = _kv(
            [
                ("Position", _latlon(pos["lat"], pos["lon"])),
                (
                    "Speed / course",
                    f"{'—' if pos['sog'] is None else format(pos['sog'], '.1f') + ' kn'} / "
                    f"{'—' if pos['cog'] is None else format(pos['cog'], '.0f') + '°'}",
                ),
                (
                    "Last report",
                    html.Span(
                        f"{iso(pos['t'], False)} UTC · {age_text(age)} {'ago' if window.live else 'before window end'}",
                        className="warn" if stale else "",
                    ),
                ),
            ]
        )
    else:
        last = html.Div("No report before the window end.", className="muted")
    hist_rows = [
        html.Tr(
            [
                html.Td(iso(h["t"], False)),
                html.Td(h["field"]),
                html.Td(h["previous"] or "—"),
                html.Td("→"),
                html.Td(h["value"] or "—"),
            ]
        )
        for h in history
    ]
    hist = (
        html.Table(
            [html.Tr([html.Th("UTC"), html.Th("field"), html.Th("was"), html.Th(""), html.Th("now")]), *hist_rows],
            className="tbl",
        )
        if hist_rows
        else html.Div("No name or call-sign change recorded.", className="muted")
    )
    ev_rows = [
        html.Tr(
            [
                html.Td(e["kind"].replace("_", " ")),
                html.Td(iso(e["start_s"], False)),
                html.Td(iso(e["end_s"], False) if e["end_s"] else "open"),
                html.Td(e["zone"] or "—"),
                html.Td(f"{e['confidence']:.2f}"),
                html.Td(e["status"], className=f"st-{e['status']}"),
            ]
        )
        for e in events
    ]
    evs = (
        html.Table(
            [html.Tr([html.Th(h) for h in ("kind", "start", "end", "zone", "conf", "status")]), *ev_rows],
            className="tbl",
        )
        if ev_rows
        else html.Div("No events for this vessel.", className="muted")
    )
    gap = max(30 * 60, min(s.stale * 60, 6 * 3600))
    chart = dcc.Graph(
        id="speed-chart",
        figure=speed_figure(points, events, window, gap),
        config={"displayModeBar": False},
        className="speed-chart",
    )
    title = html.Div(
        [
            html.Span(v["name"] or f"MMSI {v['mmsi']}", className="vname"),
            html.Span(f"{v['flag'] or ''}", className="muted small"),
        ],
        className="card-title",
    )
    return [
        title,
        html.Div(
            [
                html.Div([html.H4("Identity"), identity], className="col"),
                html.Div([html.H4("Last position"), last], className="col"),
            ],
            className="cols",
        ),
        html.H4(f"Speed over ground · silences ≥ {gap // 60} min shaded"),
        chart,
        html.H4("Identity history"),
        hist,
        html.H4("Events"),
        evs,
    ]


def risk_section(cur: q.Cursor, mmsi: int) -> list[Any]:
    """The vessel's risk score and each factor's weight, evidence and contribution
    (:mod:`maritime.analytics.risk`); nothing when the vessel has no score."""
    from maritime.analytics.risk import FACTORS
    from maritime.analytics.risk_store import vessel_risk

    r = vessel_risk(cur, mmsi)
    if r is None:
        return []
    rows = [
        html.Tr(
            [
                html.Td(
                    f["factor"].replace("_", " "),
                    title=FACTORS[f["factor"]].rationale if f["factor"] in FACTORS else "",
                ),
                html.Td(f"{f['weight']:.2f}"),
                html.Td(f"{f['evidence']:.1f} {f['unit']}"),
                html.Td(f"{f['contribution']:.2f}"),
                html.Td(str(len(f["refs"]))),
            ]
        )
        for f in r["factors"]
    ]
    return [
        html.H4(f"Risk {r['score']:.2f} (own {r['base']:.2f}, association {r['association']:.2f})"),
        html.Table(
            [html.Tr([html.Th(h) for h in ("factor", "weight", "evidence", "contribution", "rows")]), *rows],
            className="tbl risk-factors",
        ),
    ]


def vessel_panel(
    cur: q.Cursor,
    mmsi: int | None,
    event_id: str | None,
    state: Mapping[str, Any] | ViewState | None,
    now: Now,
) -> dict[str, Any]:
    """Everything about the selection, from one read of the vessel's reports and events:
    ``card`` (vessel card), ``box`` (the selected alert and its log), ``track`` (map)."""
    s = as_state(state)
    window = now.window(s)
    events: list[dict[str, Any]] = []
    if mmsi is None:
        card = [html.Div("Select a vessel on the map or an alert in the list.", className="muted pad")]
        track: dict[str, Any] = {"mmsi": None}
    else:
        v = q.vessel(cur, mmsi)
        if v is None:
            card = [html.Div(f"MMSI {mmsi}: no such vessel in the database.", className="muted pad")]
            track = {"mmsi": None}
        else:
            points = q.track(cur, mmsi, window)
            flt = q.AlertFilter(mmsi=int(mmsi), limit=200)
            events = cached_alerts(cur, now.version, None, window.end, flt, now.wall)
            pos = points[-1] if points else q.position_asof(cur, mmsi, window.end)
            card = _card(v, pos, points, events, q.identity_changes(cur, mmsi, window.end), window, s)
            card += risk_section(cur, int(mmsi))
            track = track_data(mmsi, points, events, window)
    alert_row = None
    if event_id:
        alert_row = next((e for e in events if e["event_id"] == event_id), None) or q.alert(cur, event_id)
    return {"card": card, "box": _alert_box(cur, event_id, alert_row), "track": track}


def vessel_card(
    cur: q.Cursor, mmsi: int | None, state: Mapping[str, Any] | ViewState | None, now: Now
) -> tuple[list[Any], float | None]:
    """The vessel card (identity, history, last position, speed chart, events) and the time
    of the last report it shows."""
    panel = vessel_panel(cur, mmsi, None, state, now)
    last = None
    if mmsi is not None:
        pos = q.position_asof(cur, mmsi, now.window(as_state(state)).end)
        last = pos["t"] if pos else None
    return panel["card"], last


def _alert_box(cur: q.Cursor, event_id: str | None, a: Mapping[str, Any] | None) -> list[Any]:
    if not event_id:
        return [html.Div("No alert selected: click one in the list.", className="muted")]
    if a is None:
        return [html.Div(f"Alert {event_id} is no longer in the database.", className="muted")]
    log_rows = q.action_log(cur, a)
    head = html.Div(
        [
            html.Span(a["kind"].replace("_", " ").upper(), className="kind"),
            html.Span(a["status"], className=f"status st-{a['status']}", id="alert-status"),
            html.Span(
                f"{iso(a['start_s'], False)} → {iso(a['end_s'], False) if a['end_s'] else 'open'}"
                f" · {a['zone'] or 'outside zones'} · conf {a['confidence']:.2f}",
                className="muted small",
            ),
        ],
        className="alert-head",
    )
    entries = [
        html.Li(
            f"{iso(r['acted_s'], False)} {r['actor']}: {r['action']}"
            + (f" → {r['unit']}" if r["unit"] else "")
            + (f" — {r['reason']}" if r["reason"] else "")
        )
        for r in log_rows
    ]
    return [head, html.Ul(entries, className="log")] if entries else [head]


def alert_box(cur: q.Cursor, event_id: str | None) -> list[Any]:
    """The selected alert and its action log, above the action buttons."""
    return _alert_box(cur, event_id, q.alert(cur, event_id) if event_id else None)


def act(
    cur: q.Cursor,
    event_id: str | None,
    action: str,
    actor: str | None,
    unit: str | None,
    reason: str | None,
    wall_now: datetime | None = None,
) -> tuple[bool, str]:
    """Take an officer's action; ``(ok, message for the page)``."""
    if not event_id:
        return False, "Select an alert first."
    try:
        q.record_action(cur, event_id, action, actor or "", unit, reason, wall_now)
    except q.ActionError as exc:
        return False, str(exc)
    verb = {
        "acknowledge": "Acknowledged",
        "assign": f"Assigned to {unit}",
        "dismiss": "Dismissed",
        "reopen": "Reopened",
    }[action]
    return True, f"{verb} by {(actor or '').strip()} at {(wall_now or datetime.now(UTC)).strftime('%H:%M:%S')} UTC"


def record_outcome(
    cur: q.Cursor, event_id: str | None, result: str | None, unit: str | None, report: str | None, actor: str
) -> tuple[bool, str]:
    """Record what a patrol found for the selected alert (append-only); ``(ok, message)``."""
    from maritime.analytics.outcomes import OutcomeError
    from maritime.analytics.outcomes_store import record_outcome as store_outcome

    if not event_id:
        return False, "Select an alert first."
    if not result:
        return False, "Choose the outcome."
    try:
        store_outcome(cur, event_id, result, unit or "", report or "", actor=actor or None)
    except OutcomeError as exc:
        return False, str(exc)
    return True, f"Outcome recorded: {result.replace('_', ' ')} by {(unit or '').strip()}"
