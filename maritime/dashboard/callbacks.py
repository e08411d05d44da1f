"""The page's Dash callbacks: each takes a cursor, reads the clock once (:meth:`AppContext.now`),
calls the plain functions of :mod:`~maritime.dashboard.state`, :mod:`~maritime.dashboard.sync`,
:mod:`~maritime.dashboard.panels` and :mod:`~maritime.dashboard.results`, and returns their
results. The map and the alert grid are drawn in the browser (``assets/dashboard.js``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import dash
import flask
from dash import ClientsideFunction, Input, Output, State, no_update

from maritime.dashboard import analytics_callbacks, delivery, health, panels, results, sync
from maritime.dashboard import queries as q
from maritime.dashboard.inputs import (
    checked_applied,
    checked_number,
    checked_selection,
    checked_session,
    checked_text,
)
from maritime.dashboard.state import ViewState, clock_view, controls_to_state, url_outputs

if TYPE_CHECKING:
    from maritime.dashboard.context import AppContext

#: The action buttons and the action each one takes.
ACTION_BUTTONS = {"btn-ack": "acknowledge", "btn-assign": "assign", "btn-dismiss": "dismiss", "btn-reopen": "reopen"}


def register(app: dash.Dash, ctx: AppContext) -> None:
    """Every callback of the page."""
    _register_view(app)
    _register_data(app, ctx)
    _register_clientside(app)
    _register_selection(app, ctx)
    _register_panels(app, ctx)
    _register_outcomes(app, ctx)
    analytics_callbacks.register(app, ctx)


def _register_view(app: dash.Dash) -> None:
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
    def _state(
        live: Any,
        win: Any,
        end_value: Any,
        kinds: Any,
        zones: Any,
        statuses: Any,
        conf: Any,
        stale: Any,
        hide: Any,
        end_max: Any,
        previous: Any,
    ) -> tuple[Any, Any]:
        new, is_live = controls_to_state(
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
            triggered=dash.ctx.triggered_id,
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
    def _url(state: Any, selection: Any, view: Any, tab: Any) -> tuple[str, str, str, str, str]:
        mmsi, event_id = checked_selection(selection)
        return url_outputs(state, {"mmsi": mmsi, "event_id": event_id}, view, tab)


def _register_data(app: dash.Dash, ctx: AppContext) -> None:
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
    def _vessels(_n: Any, state: Any, view: Any, session: Any, applied: Any, selection: Any) -> Any:
        s = replace(ViewState.from_dict(state), mmsi=checked_selection(selection)[0])
        session, applied = checked_session(session), checked_applied(applied)
        view = view if isinstance(view, dict) else None
        with ctx.pool.cursor() as cur:
            payload = sync.vessel_update(cur, ctx.cache, session, applied, s, view, ctx.now(cur))
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
    def _alerts(_n: Any, state: Any, _rev: Any, session: Any, applied: Any) -> tuple[Any, Any]:
        s, session, applied = ViewState.from_dict(state), checked_session(session), checked_applied(applied)
        with ctx.pool.cursor() as cur:
            payload = sync.alerts_update(cur, ctx.cache, session, applied, s, ctx.now(cur))
        if payload is None:
            return no_update, no_update
        return payload, panels.header_summary(payload["summary"]) if payload["summary_changed"] else no_update

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
    def _clock(_n: Any, state: Any, old_max: Any, old_value: Any) -> tuple[Any, ...]:
        s = ViewState.from_dict(state)
        old_max, old_value = checked_number(old_max, "end-slider max"), checked_number(old_value, "end-slider value")
        with ctx.pool.cursor() as cur:
            c = clock_view(s, ctx.now(cur))
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


def _register_clientside(app: dash.Dash) -> None:
    clientside: Callable[..., None] = app.clientside_callback  # Dash leaves this method unannotated
    clientside(
        ClientsideFunction("maritime", "select"),
        Output("selection", "data"),
        Output("map-center", "data"),
        Output("side-tabs", "value"),
        Input("alerts-grid", "cellClicked"),
        Input("map", "clickData"),
        Input("risk-table", "active_cell"),
        State("selection", "data"),
        State("view", "data"),
        State("risk-table", "data"),
        prevent_initial_call=True,
    )
    clientside(
        ClientsideFunction("maritime", "view"),
        Output("view", "data"),
        Input("map", "relayoutData"),
        Input("map-center", "data"),
        State("view", "data"),
        prevent_initial_call=True,
    )
    clientside(
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
        Input("color-by", "value"),
        Input("risk-scores", "data"),
        Input("hotspot-layer", "data"),
        Input("patrol-boxes", "data"),
        State("style", "data"),
        State("map", "figure"),
    )
    clientside(
        ClientsideFunction("maritime", "applyAlerts"),
        Output("alerts-grid", "rowData"),
        Output("alerts-grid", "rowTransaction"),
        Output("alerts-applied", "data"),
        Input("alerts-data", "data"),
    )


def _register_selection(app: dash.Dash, ctx: AppContext) -> None:
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
    def _selected(selection: Any, state: Any, _rev: Any, _n: Any, stamp: Any) -> tuple[Any, ...]:
        mmsi, event_id = checked_selection(selection)
        s = ViewState.from_dict(state)
        trig = dash.ctx.triggered_id
        with ctx.pool.cursor() as cur:
            now = ctx.now(cur)
            new_stamp = sync.selection_stamp(cur, mmsi, event_id, now)
            if trig == "tick" and stamp == new_stamp:
                return no_update, no_update, no_update, no_update, no_update
            panel = panels.vessel_panel(cur, mmsi, event_id, s, now)
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
    def _act(
        _a: Any, _b: Any, _c: Any, _d: Any, selection: Any, operator: Any, unit: Any, reason: Any, rev: Any
    ) -> tuple[Any, ...]:
        action = ACTION_BUTTONS.get(str(dash.ctx.triggered_id))
        if action is None:
            return no_update, no_update, no_update, no_update
        _mmsi, event_id = checked_selection(selection)
        typed = [
            None if v is None else checked_text(v, name, 1000)
            for v, name in ((operator, "operator"), (unit, "unit"), (reason, "reason"))
        ]
        actor = flask.g.get("user") or (typed[0] or "")
        with ctx.pool.cursor() as cur:
            ok, msg = panels.act(cur, event_id, action, actor, typed[1], typed[2], None)
        if not ok:
            return msg, "action-msg err", no_update, no_update
        return (
            msg,
            "action-msg ok",
            int(checked_number(rev, "actions-rev") or 0) + 1,
            ("" if action == "dismiss" else no_update),
        )


def _register_panels(app: dash.Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("health-panel", "children"),
        Output("feed-chip", "children"),
        Input("tick", "n_intervals"),
        Input("side-tabs", "value"),
        Input("state", "data"),
    )
    def _health(_n: Any, tab: Any, state: Any) -> tuple[Any, Any]:
        s = ViewState.from_dict(state)
        snap = ctx.health()
        chips = health.feed_chips(snap)
        if tab != "health":
            return no_update, chips
        with ctx.pool.cursor() as cur:
            panel = health.health_panel(cur, snap, s, ctx.now(cur))
        return panel, chips

    @app.callback(
        Output("delivery-panel", "children"),
        Output("watch-chip", "children"),
        Input("tick", "n_intervals"),
        Input("side-tabs", "value"),
    )
    def _delivery(_n: Any, tab: Any) -> tuple[Any, Any]:
        with ctx.pool.cursor() as cur:
            rows = delivery.recent_alerts(cur)
        return (delivery.delivery_panel(rows) if tab == "delivery" else no_update), delivery.watch_chip(rows)

    @app.callback(
        Output("results-panel", "children"),
        Input("side-tabs", "value"),
        Input("state", "data"),
        Input("actions-rev", "data"),
    )
    def _results(tab: Any, state: Any, _rev: Any) -> Any:
        if tab != "results":
            return no_update
        s = ViewState.from_dict(state)
        with ctx.pool.cursor() as cur:
            return results.results_panel(cur, s, ctx.now(cur))


def _register_outcomes(app: dash.Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("outcome-msg", "children"),
        Output("outcome-msg", "className"),
        Input("btn-outcome", "n_clicks"),
        State("selection", "data"),
        State("operator", "value"),
        State("unit", "value"),
        State("outcome-result", "value"),
        State("outcome-report", "value"),
        prevent_initial_call=True,
    )
    def _outcome(_n: Any, selection: Any, operator: Any, unit: Any, result: Any, report: Any) -> tuple[Any, ...]:
        _mmsi, event_id = checked_selection(selection)
        typed = [
            None if v is None else checked_text(v, name, 4000)
            for v, name in ((operator, "operator"), (unit, "unit"), (result, "outcome"), (report, "report"))
        ]
        actor = flask.g.get("user") or (typed[0] or "")
        with ctx.pool.cursor() as cur:
            ok, msg = panels.record_outcome(cur, event_id, typed[2], typed[1], typed[3], actor)
        return msg, "action-msg ok" if ok else "action-msg err"
