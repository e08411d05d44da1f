"""``create_app``: the Dash app over one maritime database, wired to the plain functions of
:mod:`dashboard.callbacks`.

Offline by construction: Dash serves its own JavaScript and CSS (``serve_locally``), the map
is a cartesian figure over the project's own land and zone data, and a Content Security
Policy lets the page talk to this server only.

Access: when credentials are configured (:class:`Credentials`), every request needs them
(HTTP basic auth; a token works as the password of any user name, or as a bearer token) and
the authenticated user is the "who" of alert actions. Without credentials the page asks for
an operator name, and ``maritime serve`` binds only to a loopback address.
"""

from __future__ import annotations

import hmac
import json
import os
import time
import tomllib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dash
import flask
from dash import ClientsideFunction, Input, Output, State, no_update

from dashboard import basemap, layout
from dashboard import callbacks as cb
from dashboard import queries as q
from maritime.errors import MaritimeError

UTC = UTC
ASSETS = Path(__file__).resolve().parent / "assets"

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

_HASH_PREFIXES = ("pbkdf2:", "scrypt:", "argon2")


class CredentialsError(MaritimeError, ValueError):
    """The credentials configuration cannot be read; the message says what to fix."""


class Credentials:
    """User accounts and/or a shared token, from the environment or a config file — never code.

    * ``MARITIME_USERS="alice:SECRET,bob:SECRET"`` — each secret a werkzeug password hash
      (``pbkdf2:…``/``scrypt:…``, recommended) or the password itself;
    * ``MARITIME_TOKEN=…`` — a shared token, accepted as the password of any user name
      (who is then that name) or as ``Authorization: Bearer …``;
    * ``--auth-file FILE`` / ``$MARITIME_AUTH_FILE``: TOML with ``token = "…"`` and a
      ``[users]`` table of ``name = "hash or password"``.
    """

    def __init__(self, users: Mapping[str, str] | None = None, token: str | None = None) -> None:
        self.users = dict(users or {})
        self.token = token or None

    @property
    def configured(self) -> bool:
        return bool(self.users or self.token)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, path: str | os.PathLike | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        users: dict[str, str] = {}
        token = env.get("MARITIME_TOKEN") or None
        for item in (env.get("MARITIME_USERS") or "").split(","):
            if not item.strip():
                continue
            name, sep, secret = item.strip().partition(":")
            if not sep or not name or not secret:
                raise CredentialsError("MARITIME_USERS: write name:secret pairs separated by commas")
            users[name] = secret
        path = path or env.get("MARITIME_AUTH_FILE")
        if path:
            try:
                doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as exc:
                raise CredentialsError(f"auth file {path}: {exc.strerror or exc}") from None
            except tomllib.TOMLDecodeError as exc:
                raise CredentialsError(f"auth file {path}: not valid TOML ({exc})") from None
            file_users = doc.get("users", {})
            if not isinstance(file_users, dict) or not all(isinstance(v, str) and v for v in file_users.values()):
                raise CredentialsError(f"auth file {path}: [users] must map names to password hashes or passwords")
            users.update(file_users)
            if doc.get("token"):
                token = str(doc["token"])
        if token is not None and len(token) < 12:
            raise CredentialsError("the token must be at least 12 characters")
        return cls(users, token)

    def check(self, username: str | None, password: str | None) -> bool:
        if not username or password is None:
            return False
        if self.token and hmac.compare_digest(password.encode(), self.token.encode()):
            return True
        secret = self.users.get(username)
        if secret is None:
            return False
        if secret.startswith(_HASH_PREFIXES):
            from werkzeug.security import check_password_hash

            return check_password_hash(secret, password)
        return hmac.compare_digest(password.encode(), secret.encode())


def _wall() -> datetime:
    return datetime.now(UTC)


def create_app(
    cursor_factory: Callable[[], Any],
    *,
    health: Callable[[], Mapping[str, Any]] | None = None,
    credentials: Credentials | None = None,
    refresh_s: float = 5.0,
    title: str = "Maritime watch",
) -> dash.Dash:
    """The dashboard over the database reached through ``cursor_factory`` (e.g. ``Store.cursor``).

    ``health`` returns the live ingest/detection status (``maritime serve``'s
    ``Health.snapshot``); ``credentials`` turns on authentication.
    """
    pool = q.CursorPool(cursor_factory)
    cache = cb.SessionCache()
    creds = credentials or Credentials()
    health_fn = health or (lambda: {})
    app = dash.Dash(
        "dashboard",
        serve_locally=True,
        assets_folder=str(ASSETS),
        title=title,
        update_title=None,
        suppress_callback_exceptions=False,
        compress=False,
    )
    app.config.include_assets_files = True
    server: flask.Flask = app.server
    server.config["MARITIME_CREDENTIALS"] = creds

    # -- access ----------------------------------------------------------------------------
    @server.before_request
    def _authenticate():
        flask.g.t0 = time.perf_counter()
        flask.g.user = None
        if not creds.configured:
            return None
        auth = flask.request.authorization
        if (
            auth is not None
            and auth.type == "bearer"
            and creds.token
            and auth.token
            and hmac.compare_digest(auth.token.encode(), creds.token.encode())
        ):
            flask.g.user = "token"
            return None
        if auth is not None and auth.type == "basic" and creds.check(auth.username, auth.password):
            flask.g.user = auth.username
            return None
        return flask.Response(
            "Sign in to the maritime watch.\n",
            401,
            {"WWW-Authenticate": 'Basic realm="maritime watch", charset="UTF-8"'},
        )

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

    def actor(typed: str | None) -> str:
        return flask.g.get("user") or (typed or "")

    # -- layout ----------------------------------------------------------------------------
    @lru_cache(maxsize=4)
    def base_figure(zones_json: str) -> str:
        return json.dumps(basemap.base_figure(json.loads(zones_json) or None))

    def serve_layout():
        state = cb.ViewState()
        user = None
        if flask.has_request_context():
            ref = flask.request.referrer or ""
            parsed = urlparse(ref)
            if parsed.query and parsed.netloc == flask.request.host:
                state = cb.parse_state(parsed.query)
            user = flask.g.get("user")
        zone_rows: list[dict] = []
        session = uuid.uuid4().hex
        initial: dict[str, Any] = {}
        with pool.cursor() as cur:
            try:
                zone_rows = q.zones_in_db(cur)
            except Exception:  # noqa: BLE001 - the page must load even if the zones table is unreadable
                zone_rows = []
            if flask.has_request_context():
                initial = first_refresh(cur, session, state)
        fig = json.loads(base_figure(json.dumps(zone_rows, sort_keys=True, default=str)))
        return layout.page(
            state,
            user=user,
            zone_rows=zone_rows or None,
            refresh_s=refresh_s,
            map_figure=fig,
            initial=initial,
            session=session,
        )

    def first_refresh(cur, session: str, state: cb.ViewState) -> dict[str, Any]:
        """What the first refresh would fetch, served with the layout (no round trip after it)."""
        wall = _wall()
        view = (
            {"x0": state.view[0], "x1": state.view[1], "y0": state.view[2], "y1": state.view[3]} if state.view else None
        )
        data_state = replace(state, mmsi=None, event=None, view=None, tab="vessel")
        vessels = cb.vessel_update(cur, cache, session, None, replace(data_state, mmsi=state.mmsi), view, wall)
        alerts = cb.alerts_update(cur, cache, session, None, data_state, wall)
        search, share, csv_, geojson, kml = url_outputs(
            data_state.to_dict(), {"mmsi": state.mmsi, "event_id": state.event}, view, state.tab
        )
        return {
            "vessels": vessels,
            "alerts": alerts,
            "summary": cb.header_summary(alerts["summary"]),
            "clock": cb.clock_view(cur, data_state, wall),
            "links": {"share": share, "csv": csv_, "geojson": geojson, "kml": kml},
            "panel": cb.vessel_panel(cur, state.mmsi, state.event, data_state, wall),
            "stamp": cb.selection_stamp(cur, state.mmsi, state.event),
            "units": q.units(cur),
        }

    app.layout = serve_layout

    # -- routes ----------------------------------------------------------------------------
    @server.route("/export/events.<fmt>")
    def export(fmt: str):
        if fmt not in ("csv", "geojson", "kml"):
            flask.abort(404)
        state = cb.parse_state(flask.request.args)
        with pool.cursor() as cur:
            content, mimetype, filename = cb.export_events(cur, state, fmt, _wall())
        return flask.Response(
            content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    @server.route("/basemap/land-detail.json")
    def land_detail():
        resp = flask.Response(basemap.detail_land_json(), mimetype="application/json")
        resp.headers["Cache-Control"] = "private, max-age=86400"
        return resp

    @server.route("/healthz")
    def healthz():
        with pool.cursor() as cur:
            clock = q.data_clock(cur, _wall())
        snap = health_fn()
        return flask.jsonify(
            {
                "ok": True,
                "data_first": cb._iso(clock.first_s),
                "data_last": cb._iso(clock.last_s),
                "vessels": clock.vessels,
                "feeds": snap.get("feeds", []),
                "rate": snap.get("rate", 0.0),
                "detection": snap.get("detection", {}),
            }
        )

    # -- callbacks ---------------------------------------------------------------------------
    @app.callback(
        Output("state", "data"),
        Output("live", "value"),
        Input("live", "value"),
        Input("window", "value"),
        Input("end-slider", "value"),
        Input("kinds", "value"),
        Input("zones", "value"),
        Input("statuses", "value"),
        Input("min-conf", "value"),
        Input("stale-min", "value"),
        Input("hide-stale", "value"),
        State("end-slider", "max"),
        State("state", "data"),
        prevent_initial_call=True,
    )
    def _state(live, win, end_value, kinds, zones, statuses, conf, stale, hide, end_max, previous):
        trig = dash.ctx.triggered_id
        new, is_live = cb.controls_to_state(
            previous,
            live=live,
            win=win,
            end_value=end_value,
            end_max=end_max,
            kinds=kinds,
            zones=zones,
            statuses=statuses,
            conf=conf,
            stale=stale,
            hide=hide,
            triggered=trig,
        )
        live_out = (["live"] if is_live else []) if bool(live) != is_live else no_update
        return (no_update if new == previous else new), live_out

    @app.callback(
        Output("url", "search"),
        Output("share-link", "href"),
        Output("export-csv", "href"),
        Output("export-geojson", "href"),
        Output("export-kml", "href"),
        Input("state", "data"),
        Input("selection", "data"),
        Input("view", "data"),
        Input("side-tabs", "value"),
        prevent_initial_call=True,
    )
    def _url(state, selection, view, tab):
        return url_outputs(state, selection, view, tab)

    def url_outputs(state, selection, view, tab):
        s = cb.ViewState.from_dict(state)
        sel = selection or {}
        v = cb._view(view)
        full = replace(s, mmsi=sel.get("mmsi"), event=sel.get("event_id"), view=v, tab=tab if tab in cb.TABS else s.tab)
        search = cb.state_query(full)
        filters = cb.state_query(replace(s, mmsi=None, event=None, view=None, tab="vessel"))
        return (
            search,
            "/" + search,
            "/export/events.csv" + filters,
            "/export/events.geojson" + filters,
            "/export/events.kml" + filters,
        )

    @app.callback(
        Output("vessel-data", "data"),
        Input("tick", "n_intervals"),
        Input("state", "data"),
        Input("view", "data"),
        State("session", "data"),
        State("vessel-applied", "data"),
        State("selection", "data"),
        prevent_initial_call=True,
    )
    def _vessels(_n, state, view, session, applied, selection):
        s = cb.ViewState.from_dict(state)
        s = replace(s, mmsi=(selection or {}).get("mmsi"))
        with pool.cursor() as cur:
            payload = cb.vessel_update(cur, cache, session, applied, s, view, _wall())
        return no_update if payload is None else payload

    @app.callback(
        Output("alerts-data", "data"),
        Output("summary", "children"),
        Input("tick", "n_intervals"),
        Input("state", "data"),
        Input("actions-rev", "data"),
        State("session", "data"),
        State("alerts-applied", "data"),
        prevent_initial_call=True,
    )
    def _alerts(_n, state, _rev, session, applied):
        with pool.cursor() as cur:
            payload = cb.alerts_update(cur, cache, session, applied, state, _wall())
        if payload is None:
            return no_update, no_update
        return payload, cb.header_summary(payload["summary"]) if payload["summary_changed"] else no_update

    @app.callback(
        Output("clock", "children"),
        Output("mode-badge", "children"),
        Output("mode-badge", "className"),
        Output("end-slider", "min"),
        Output("end-slider", "max"),
        Output("end-slider", "marks"),
        Output("end-slider", "value"),
        Input("tick", "n_intervals"),
        Input("state", "data"),
        State("end-slider", "max"),
        State("end-slider", "value"),
        prevent_initial_call=True,
    )
    def _clock(_n, state, old_max, old_value):
        with pool.cursor() as cur:
            c = cb.clock_view(cur, state, _wall())
        live = c["badge"] == "LIVE"
        same_range = old_max == c["max"]
        value = c["value"] if (live or old_value is None or old_value < c["min"]) else no_update
        if value is not no_update and value == old_value:
            value = no_update
        return (
            c["text"],
            c["badge"],
            "badge live" if live else "badge review",
            no_update if same_range else c["min"],
            no_update if same_range else c["max"],
            no_update if same_range else c["marks"],
            value,
        )

    app.clientside_callback(
        ClientsideFunction("maritime", "select"),
        Output("selection", "data"),
        Output("map-center", "data"),
        Output("side-tabs", "value"),
        Input("alerts-grid", "cellClicked"),
        Input("map", "clickData"),
        State("selection", "data"),
        State("view", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("maritime", "view"),
        Output("view", "data"),
        Input("map", "relayoutData"),
        Input("map-center", "data"),
        State("view", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("maritime", "buildMap"),
        Output("map", "figure"),
        Output("vessel-applied", "data"),
        Input("vessel-data", "data"),
        Input("track-data", "data"),
        Input("map-center", "data"),
        Input("hide-stale", "value"),
        Input("stale-min", "value"),
        Input("selection", "data"),
        Input("view", "data"),
        State("style", "data"),
        State("map", "figure"),
    )
    app.clientside_callback(
        ClientsideFunction("maritime", "applyAlerts"),
        Output("alerts-grid", "rowData"),
        Output("alerts-grid", "rowTransaction"),
        Output("alerts-applied", "data"),
        Input("alerts-data", "data"),
    )

    @app.callback(
        Output("vessel-card", "children"),
        Output("alert-box", "children"),
        Output("track-data", "data"),
        Output("card-stamp", "data"),
        Output("unit-list", "children"),
        Input("selection", "data"),
        Input("state", "data"),
        Input("actions-rev", "data"),
        Input("tick", "n_intervals"),
        State("card-stamp", "data"),
        prevent_initial_call=True,
    )
    def _selected(selection, state, _rev, _n, stamp):
        sel = selection or {}
        mmsi, event_id = sel.get("mmsi"), sel.get("event_id")
        trig = dash.ctx.triggered_id
        with pool.cursor() as cur:
            new_stamp = cb.selection_stamp(cur, mmsi, event_id)
            if trig == "tick" and stamp == new_stamp:
                return no_update, no_update, no_update, no_update, no_update
            panel = cb.vessel_panel(cur, mmsi, event_id, state, _wall())
            units = [dash.html.Option(value=u) for u in q.units(cur)] if trig in (None, "actions-rev") else no_update
        return panel["card"], panel["box"], panel["track"], new_stamp, units

    @app.callback(
        Output("action-msg", "children"),
        Output("action-msg", "className"),
        Output("actions-rev", "data"),
        Output("reason", "value"),
        Input("btn-ack", "n_clicks"),
        Input("btn-assign", "n_clicks"),
        Input("btn-dismiss", "n_clicks"),
        Input("btn-reopen", "n_clicks"),
        State("selection", "data"),
        State("operator", "value"),
        State("unit", "value"),
        State("reason", "value"),
        State("actions-rev", "data"),
        prevent_initial_call=True,
    )
    def _act(_a, _b, _c, _d, selection, operator, unit, reason, rev):
        action = {
            "btn-ack": "acknowledge",
            "btn-assign": "assign",
            "btn-dismiss": "dismiss",
            "btn-reopen": "reopen",
        }.get(dash.ctx.triggered_id)
        if action is None:
            return no_update, no_update, no_update, no_update
        with pool.cursor() as cur:
            ok, msg = cb.act(cur, (selection or {}).get("event_id"), action, actor(operator), unit, reason, _wall())
        if not ok:
            return msg, "action-msg err", no_update, no_update
        return msg, "action-msg ok", (rev or 0) + 1, ("" if action == "dismiss" else no_update)

    @app.callback(
        Output("health-panel", "children"),
        Output("feed-chip", "children"),
        Input("tick", "n_intervals"),
        Input("side-tabs", "value"),
        Input("state", "data"),
    )
    def _health(_n, tab, state):
        snap = health_fn()
        feeds = snap.get("feeds") or []
        chips = []
        if feeds:
            up = sum(1 for f in feeds if f.get("state") in ("connected", "replaying"))
            silent = [f for f in feeds if f.get("state") == "silent" or f.get("state") == "down"]
            chips = [
                dash.html.Span(
                    [dash.html.B(f"{up}/{len(feeds)}"), " feeds"],
                    className="chip chip-new" if silent else "chip chip-ok",
                ),
                dash.html.Span([dash.html.B(f"{snap.get('rate', 0.0):.1f}"), " msg/s"], className="chip"),
            ]
        if tab != "health":
            return no_update, chips
        with pool.cursor() as cur:
            panel = cb.health_panel(cur, snap, state, _wall())
        return panel, chips

    @app.callback(
        Output("results-panel", "children"),
        Input("side-tabs", "value"),
        Input("state", "data"),
        Input("actions-rev", "data"),
    )
    def _results(tab, state, _rev):
        if tab != "results":
            return no_update
        with pool.cursor() as cur:
            return cb.results_panel(cur, state, _wall())

    app._maritime = {"pool": pool, "cache": cache, "credentials": creds}  # for tests and benchmarks
    return app
