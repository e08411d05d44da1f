"""The page's analytics controls: colour the map by risk, the vessels-of-interest list (in the
Results tab) and the Hotspots tab (forecast layer, its time slider, patrol boxes)."""

from __future__ import annotations

from typing import Any

from dash import dash_table, dcc, html

from maritime.dashboard.hotspot_layer import HORIZONS
from maritime.dashboard.risk_view import INTEREST_COLUMNS, risk_cell_styles

#: Map colourings: by ship type (the default, as before) or by risk score.
COLOUR_BY = ("type", "risk")


def stores() -> list[Any]:
    """The page-side state of these controls."""
    return [
        dcc.Store(id="risk-scores", data=None),
        dcc.Store(id="risk-stamp", data=None),
        dcc.Store(id="hotspot-meta", data=None),
        dcc.Store(id="hotspot-layer", data=None),
        dcc.Store(id="patrol-boxes", data={"boxes": [], "shapes": []}),
    ]


def colour_by_control() -> html.Div:
    """ "Colour by: type | risk" (in the control bar's map options)."""
    return html.Div(
        [
            html.Span("colour by", className="muted small"),
            dcc.RadioItems(
                id="color-by",
                options=[{"label": " type", "value": "type"}, {"label": " risk", "value": "risk"}],
                value="type",
                inline=True,
                className="chk radio",
            ),
        ],
        className="inline",
        title="colour vessels by ship type, or by risk score (0-1, maritime risk)",
    )


def interest_section() -> html.Div:
    """The sortable, filterable list of vessels by risk; a click selects the vessel."""
    return html.Div(
        [
            html.H4("Vessels of interest"),
            html.Div(id="risk-msg", className="muted small"),
            dash_table.DataTable(  # type: ignore[attr-defined]  # generated at import time
                id="risk-table",
                columns=INTEREST_COLUMNS,
                data=[],
                sort_action="native",
                sort_mode="single",
                sort_by=[{"column_id": "risk", "direction": "desc"}],
                filter_action="native",
                page_action="native",
                page_size=25,
                cell_selectable=True,
                style_as_list_view=True,
                style_table={"overflowX": "auto"},
                style_header={"backgroundColor": "#16222f", "color": "#9fb3c8", "fontWeight": "bold"},
                style_filter={"backgroundColor": "#121e2a", "color": "#d5dee8"},
                style_cell={
                    "backgroundColor": "#0f1924",
                    "color": "#d5dee8",
                    "fontSize": 12,
                    "fontFamily": "inherit",
                    "padding": "2px 6px",
                    "textAlign": "left",
                    "border": "1px solid #243446",
                    "cursor": "pointer",
                },
                style_cell_conditional=[
                    {"if": {"column_id": "factors"}, "whiteSpace": "normal", "minWidth": "220px"},
                    {"if": {"column_id": "name"}, "minWidth": "110px"},
                ],
                style_data_conditional=risk_cell_styles(),
                tooltip_delay=300,
            ),
        ],
        className="interest",
    )


def hotspot_tab() -> dcc.Tab:
    """The Hotspots tab of the side panel."""
    return dcc.Tab(
        label="Hotspots",
        value="hotspots",
        className="tab",
        selected_className="tab-sel",
        children=hotspot_tab_children(),
    )


def hotspot_tab_children() -> list[Any]:
    """The Hotspots tab: horizon (or off), the slice slider, the patrol boxes."""
    return [
        html.Div(
            [
                html.H4("Hotspot forecast"),
                dcc.RadioItems(
                    id="hotspot-horizon",
                    options=[{"label": " off", "value": "off"}] + [{"label": f" {h}", "value": h} for h in HORIZONS],
                    value="off",
                    inline=True,
                    className="chk radio",
                ),
                html.Div(id="hotspot-msg", className="muted small"),
                html.Div(
                    dcc.Slider(
                        id="hotspot-slider", min=0, max=0, step=1, value=0, marks={}, included=False, className="slider"
                    ),
                    className="slider-box hotspot-slider",
                    title="the forecast's day slice shown on the map",
                ),
                html.Div(id="hotspot-label", className="small"),
                html.H4("Patrol boxes"),
                html.Button("Clear boxes", id="btn-clear-boxes", n_clicks=0, className="btn btn-quiet"),
                html.Div(id="patrol-panel"),
            ],
            className="pad",
        )
    ]
