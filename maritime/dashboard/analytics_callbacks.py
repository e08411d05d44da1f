"""Callbacks of the analytics controls: risk scores for the map, the vessels-of-interest list,
the hotspot forecast layer and its slider, and the patrol boxes. Thin: they check what the
page sent, read through :mod:`~maritime.dashboard.risk_view` and
:mod:`~maritime.dashboard.hotspot_layer`, and compute with
:mod:`~maritime.dashboard.patrol_boxes`. The map draws what they return in the browser
(``assets/dashboard.js``, ``buildMap``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import dash
from dash import Input, Output, State, no_update

from maritime.dashboard import hotspot_layer as hl
from maritime.dashboard import patrol_boxes as pb
from maritime.dashboard import risk_view
from maritime.dashboard.analytics_layout import COLOUR_BY
from maritime.dashboard.inputs import BadInput

if TYPE_CHECKING:
    from maritime.dashboard.context import AppContext

_OFF = ("off",)


def register(app: dash.Dash, ctx: AppContext) -> None:
    """Every callback of the analytics controls."""
    _register_risk(app, ctx)
    _register_hotspots(app, ctx)
    _register_boxes(app)


def _register_risk(app: dash.Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("risk-scores", "data"),
        Input("color-by", "value"),
        Input("tick", "n_intervals"),
        State("risk-scores", "data"),
        prevent_initial_call=True,
    )
    def _scores(colour_by: Any, _n: Any, previous: Any) -> Any:
        if colour_by not in COLOUR_BY:
            raise BadInput("color-by: unknown value")
        if colour_by != "risk":
            return no_update
        with ctx.pool.cursor() as cur:
            stamp = risk_view.read_stamp(cur) or [0, None]
            if isinstance(previous, Mapping) and previous.get("stamp") == stamp:
                return no_update
            return risk_view.risk_payload(stamp, risk_view.read_scores(cur))

    @app.callback(
        Output("risk-table", "data"),
        Output("risk-msg", "children"),
        Output("risk-stamp", "data"),
        Input("side-tabs", "value"),
        Input("tick", "n_intervals"),
        State("risk-stamp", "data"),
    )
    def _interest(tab: Any, _n: Any, previous: Any) -> tuple[Any, Any, Any]:
        if tab != "results":
            return no_update, no_update, no_update
        with ctx.pool.cursor() as cur:
            stamp = risk_view.read_stamp(cur)
            if stamp is None:
                return [], risk_view.NO_RISK, None
            if stamp == previous:
                return no_update, no_update, no_update
            rows = risk_view.read_interest(cur)
        msg = (
            f"The {len(rows)} highest of {stamp[0]} risk scores: sort or filter by any column; "
            "click a row for the vessel."
        )
        return rows, msg, stamp


def _forecast(meta: Any) -> hl.Forecast:
    try:
        return hl.Forecast.from_dict(meta)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput("hotspot-meta: not a forecast") from exc


def _register_hotspots(app: dash.Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("hotspot-meta", "data"),
        Output("hotspot-msg", "children"),
        Output("hotspot-slider", "min"),
        Output("hotspot-slider", "max"),
        Output("hotspot-slider", "marks"),
        Output("hotspot-slider", "value"),
        Input("hotspot-horizon", "value"),
        Input("tick", "n_intervals"),
        State("hotspot-meta", "data"),
        State("hotspot-msg", "children"),
        prevent_initial_call=True,
    )
    def _meta(horizon: Any, _n: Any, previous: Any, previous_msg: Any) -> tuple[Any, ...]:
        # Idempotent (the answer depends on the horizon and the database only): Dash drops the
        # answer to a click when a tick's request for the same callback follows it.
        if horizon not in _OFF + hl.HORIZONS:
            raise BadInput("hotspot-horizon: unknown value")
        fc = None
        if horizon != "off":
            with ctx.pool.cursor() as cur:
                fc = hl.read_forecast(cur, horizon)
        meta = None if fc is None else fc.to_dict()
        msg = hl.NO_FORECAST.format(horizon=horizon) if horizon != "off" and fc is None else ""
        if meta == previous and msg == (previous_msg or ""):
            return (no_update,) * 6
        sp = hl.slider_props(fc)
        return meta, msg, sp["min"], sp["max"], sp["marks"], sp["value"]

    @app.callback(
        Output("hotspot-layer", "data"),
        Output("hotspot-label", "children"),
        Output("patrol-panel", "children"),
        Input("hotspot-meta", "data"),
        Input("hotspot-slider", "value"),
        Input("patrol-boxes", "data"),
        State("hotspot-layer", "data"),
    )
    def _layer(meta: Any, value: Any, boxes_data: Any, shown: Any) -> tuple[Any, Any, Any]:
        boxes = pb.checked_boxes((boxes_data or {}).get("boxes") if isinstance(boxes_data, Mapping) else boxes_data)
        if meta is None:
            hint = "Choose a forecast horizon to see the hotspot layer and measure patrol boxes."
            return None, "", dash.html.Div(hint, className="muted small")
        fc = _forecast(meta)
        i = hl.slice_index(fc, value)
        with ctx.pool.cursor() as cur:
            rows = hl.read_cells(cur, fc, i)
        key = [fc.computed_us, fc.slices[i].from_s]
        same = isinstance(shown, Mapping) and shown.get("key") == key  # redraw only a new slice
        layer: Any = no_update if same else {"traces": hl.layer_traces(rows, fc.cmax), "slice": i, "key": key}
        if not boxes:
            return layer, hl.slice_label(fc, i), pb.patrol_panel([], None)
        from maritime.analytics.hotspots_store import sea_mask

        grid, sl = hl.slice_of(rows, fc.slices[i])
        shares, total = pb.box_shares(grid, sl, boxes, sea_mask(grid))
        return layer, hl.slice_label(fc, i), pb.patrol_panel(shares, total)


def _register_boxes(app: dash.Dash) -> None:
    @app.callback(
        Output("patrol-boxes", "data"),
        Input("map", "relayoutData"),
        Input("btn-clear-boxes", "n_clicks"),
        State("patrol-boxes", "data"),
        prevent_initial_call=True,
    )
    def _boxes(relayout: Any, _n: Any, previous: Any) -> Any:
        if dash.ctx.triggered_id == "btn-clear-boxes":
            return {"boxes": [], "shapes": []}
        before = pb.checked_boxes(previous.get("boxes") if isinstance(previous, Mapping) else previous)
        boxes = pb.boxes_from_relayout(relayout, before)
        if boxes is None or boxes == before:
            return no_update
        return {"boxes": [list(b) for b in boxes], "shapes": pb.box_shapes(boxes)}
