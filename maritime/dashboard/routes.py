"""The app's HTTP side: access control and security headers on every request, the page's
layout (with its first refresh), and the export, basemap and health routes."""

from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse, urlsplit

import dash
import flask

from maritime.dashboard import basemap, contacts, layout, panels, sync
from maritime.dashboard import queries as q
from maritime.dashboard.auth import TOKEN_NAME
from maritime.dashboard.export import FORMATS, export_events
from maritime.dashboard.inputs import BadInput
from maritime.dashboard.state import Now, ViewState, clock_view, iso, parse_state, url_outputs

if TYPE_CHECKING:
    from maritime.dashboard.context import AppContext

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def register(app: dash.Dash, ctx: AppContext) -> None:
    """Access control, headers, the layout and the routes of ``app``."""
    _register_access(app.server, ctx)
    _register_layout(app, ctx)
    _register_routes(app.server, ctx)


def _plain(text: str, status: int, headers: dict[str, str] | None = None) -> flask.Response:
    return flask.Response(text + "\n", status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})})


def request_host(host_header: str) -> str:
    """The host name of a ``Host`` header (lower case, without port or IPv6 brackets)."""
    return (urlsplit("//" + host_header).hostname or "").rstrip(".")


def _register_access(server: flask.Flask, ctx: AppContext) -> None:
    creds = ctx.credentials

    @server.before_request
    def _authenticate() -> flask.Response | None:
        flask.g.t0 = time.perf_counter()
        flask.g.user = None
        if ctx.allowed_hosts is not None and request_host(flask.request.host) not in ctx.allowed_hosts:
            # a page of another site whose name resolves here (DNS rebinding) must not reach the watch
            return _plain(f"Bad request: unknown host {flask.request.host!r}", 400)
        if not creds.configured:
            return None
        auth = flask.request.authorization
        if auth is not None and auth.type in ("basic", "bearer"):
            address = flask.request.remote_addr or ""
            wait = ctx.limiter.retry_after(address)
            if wait > 0:
                return _plain("Too many failed sign-ins: try again later.", 429, {"Retry-After": str(math.ceil(wait))})
            if auth.type == "bearer":
                user = TOKEN_NAME if creds.is_token(auth.token) else None
            else:
                user = creds.identify(auth.username, auth.password)
            if user is not None:
                flask.g.user = user
                return None
            ctx.limiter.failed(address)
        return _plain(
            "Sign in to the maritime watch.",
            401,
            {"WWW-Authenticate": 'Basic realm="maritime watch", charset="UTF-8"'},
        )

    @server.before_request
    def _check_link() -> None:
        if flask.request.path == "/" and flask.request.query_string:
            parse_state(flask.request.args, strict=True)  # a bad view link: 400, not a page that fails

    @server.errorhandler(q.PoolClosed)
    def _stopping(exc: q.PoolClosed) -> flask.Response:
        return _plain(f"Service unavailable: {exc}", 503)

    @server.errorhandler(BadInput)
    def _bad_input(exc: BadInput) -> flask.Response:
        return _plain(f"Bad request: {exc}", 400)

    @server.after_request
    def _headers(resp: flask.Response) -> flask.Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        t0 = flask.g.get("t0")
        if t0 is not None:  # how long the server took, for the browser's devtools and the benchmark
            resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        return resp


def first_refresh(cur: q.Cursor, ctx: AppContext, session: str, state: ViewState, now: Now) -> dict[str, Any]:
    """What the first refresh would fetch, served with the layout (no round trip after it)."""
    view = {"x0": state.view[0], "x1": state.view[1], "y0": state.view[2], "y1": state.view[3]} if state.view else None
    data_state = replace(state, mmsi=None, event=None, view=None, tab="vessel")
    vessels = sync.vessel_update(cur, ctx.cache, session, None, replace(data_state, mmsi=state.mmsi), view, now)
    alerts = sync.alerts_update(cur, ctx.cache, session, None, data_state, now)
    _search, share, csv_, geojson, kml = url_outputs(
        data_state.to_dict(), {"mmsi": state.mmsi, "event_id": state.event}, view, state.tab
    )
    return {
        "vessels": vessels,
        "alerts": alerts,
        "summary": panels.header_summary(alerts["summary"] if alerts else None),
        "clock": clock_view(data_state, now),
        "links": {"share": share, "csv": csv_, "geojson": geojson, "kml": kml},
        "panel": panels.vessel_panel(cur, state.mmsi, state.event, data_state, now),
        "stamp": sync.selection_stamp(cur, state.mmsi, state.event, now),
        "units": q.units(cur),
    }


def _register_layout(app: dash.Dash, ctx: AppContext) -> None:
    @lru_cache(maxsize=4)
    def base_figure(zones_json: str) -> str:
        return json.dumps(basemap.base_figure(json.loads(zones_json) or None))

    def serve_layout() -> Any:
        state = ViewState()
        user = None
        if flask.has_request_context():
            parsed = urlparse(flask.request.referrer or "")
            if parsed.query and parsed.netloc == flask.request.host:
                state = parse_state(parsed.query)  # lenient: the link itself was checked (_check_link)
            user = flask.g.get("user")
        zone_rows: list[dict[str, Any]] = []
        session = uuid.uuid4().hex
        initial: dict[str, Any] = {}
        with ctx.pool.cursor() as cur:
            try:
                zone_rows = q.zones_in_db(cur)
            except Exception:  # noqa: BLE001 - the page must load even if the zones table is unreadable
                zone_rows = []
            if flask.has_request_context():
                initial = first_refresh(cur, ctx, session, state, ctx.now(cur))
        fig = json.loads(base_figure(json.dumps(zone_rows, sort_keys=True, default=str)))
        return layout.page(
            state,
            user=user,
            zone_rows=zone_rows or None,
            refresh_s=ctx.refresh_s,
            map_figure=fig,
            initial=initial,
            session=session,
        )

    app.layout = serve_layout


def _register_routes(server: flask.Flask, ctx: AppContext) -> None:
    @server.route("/export/events.<fmt>")
    def export(fmt: str) -> flask.Response:
        if fmt not in FORMATS:
            flask.abort(404)
        state = parse_state(flask.request.args, strict=True)
        with ctx.pool.cursor() as cur:
            content, mimetype, filename = export_events(cur, state, fmt, ctx.now(cur))
        return flask.Response(
            content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    @server.route("/basemap/land-detail.json")
    def land_detail() -> flask.Response:
        resp = flask.Response(basemap.detail_land_json(), mimetype="application/json")
        resp.headers["Cache-Control"] = "private, max-age=86400"
        return resp

    contacts.register(server, ctx)

    @server.route("/healthz")
    def healthz() -> flask.Response:
        with ctx.pool.cursor() as cur:
            clock = ctx.now(cur).clock
        snap = ctx.health()
        return flask.jsonify(
            {
                "ok": True,
                "data_first": iso(clock.first_s),
                "data_last": iso(clock.last_s),
                "vessels": clock.vessels,
                "feeds": snap.get("feeds", []),
                "rate": snap.get("rate", 0.0),
                "detection": snap.get("detection", {}),
            }
        )
