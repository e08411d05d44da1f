"""The page: top bar, controls, map, alert list and the side panel (vessel, health, results).

``page(state, ...)`` builds the whole layout for one page load from the view state read from
the URL, so a shared link reopens the same view.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from maritime.dashboard import analytics_layout, basemap
from maritime.dashboard.categories import style_spec
from maritime.dashboard.inputs import WINDOWS
from maritime.dashboard.queries import KINDS, STATUSES
from maritime.dashboard.state import ViewState, state_query

_GRID_THEME = (
    "themeBalham.withParams({backgroundColor: '#0f1924', foregroundColor: '#d5dee8', "
    "headerBackgroundColor: '#16222f', headerTextColor: '#9fb3c8', oddRowBackgroundColor: '#121e2a', "
    "borderColor: '#243446', accentColor: '#4fc3f7', rowHoverColor: '#1b2c3d', "
    "selectedRowBackgroundColor: '#1d3a55', fontFamily: 'inherit', fontSize: 12, "
    "chromeBackgroundColor: '#16222f', browserColorScheme: 'dark'})"
)

ALERT_COLUMNS: list[dict[str, Any]] = [
    {"field": "prio", "hide": True, "sort": "asc", "sortIndex": 0},
    {
        "field": "status",
        "width": 108,
        "filter": "agTextColumnFilter",
        "cellClass": {"function": "'st-cell st-' + params.value"},
    },
    {
        "field": "kind",
        "width": 122,
        "filter": "agTextColumnFilter",
        "valueFormatter": {"function": "params.value ? params.value.replace('_', ' ') : ''"},
    },
    {"field": "vessel", "flex": 2, "minWidth": 150, "filter": "agTextColumnFilter"},
    {"field": "mmsi", "width": 100, "filter": "agNumberColumnFilter"},
    {"field": "zone", "flex": 2, "minWidth": 140, "filter": "agTextColumnFilter"},
    {
        "field": "start",
        "headerName": "start UTC",
        "width": 130,
        "sort": "desc",
        "sortIndex": 1,
        "filter": "agTextColumnFilter",
    },
    {"field": "end", "headerName": "end", "width": 122},
    {"field": "dur", "headerName": "dur.", "width": 68, "valueGetter": {"function": "duration(params)"}},
    {"field": "conf", "headerName": "conf.", "width": 70, "filter": "agNumberColumnFilter"},
    {"field": "unit", "width": 90},
    {"field": "actor", "headerName": "by", "width": 80},
]

#: The map's Plotly config: no tiles or topojson from the internet; the toolbar draws patrol boxes.
MAP_CONFIG: Any = {  # dcc.Graph types it as its own TypedDict
    "scrollZoom": True,
    "displaylogo": False,
    "topojsonURL": "",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
    "modeBarButtonsToAdd": ["drawrect", "eraseshape"],
    "doubleClick": "reset",
}


def _options(values: Sequence[str], label: Callable[[str], str] = str) -> list[dict[str, str]]:
    return [{"label": label(v), "value": v} for v in values]


def top_bar(user: str | None, state: ViewState, initial: dict[str, Any] | None = None) -> html.Header:
    initial = initial or {}
    clock = initial.get("clock") or {}
    operator = (
        html.Div(
            [
                html.Span("Signed in", className="muted small"),
                html.B(user, id="signed-user"),
                dcc.Input(id="operator", type="hidden", value=user),
            ],
            className="operator",
        )
        if user
        else html.Div(
            [
                html.Label("Operator", htmlFor="operator", className="muted small"),
                dcc.Input(
                    id="operator",
                    type="text",
                    placeholder="your name",
                    debounce=True,
                    maxLength=100,
                    persistence=True,
                    persistence_type="local",
                    className="inp",
                ),
            ],
            className="operator",
        )
    )
    return html.Header(
        [
            html.Div(
                [
                    html.Span("◈", className="logo"),
                    html.Span("MARITIME WATCH", className="brand"),
                    html.Span("Eastern Pacific joint patrol", className="muted small"),
                ],
                className="brand-box",
            ),
            html.Div(
                [
                    html.Span(
                        clock.get("badge") or ("LIVE" if state.live else "REVIEW"),
                        id="mode-badge",
                        className="badge live"
                        if (clock.get("badge") or ("LIVE" if state.live else "")) == "LIVE"
                        else "badge review",
                    ),
                    html.Span(clock.get("text", ""), id="clock", className="clock"),
                ],
                className="clock-box",
            ),
            html.Div(initial.get("summary"), id="summary", className="chips"),
            html.Div(id="feed-chip", className="chips"),
            html.Div(id="watch-chip", className="chips"),
            operator,
        ],
        className="topbar",
    )


def control_bar(state: ViewState, zone_names: Sequence[str], initial: dict[str, Any] | None = None) -> html.Div:
    initial = initial or {}
    clock = initial.get("clock") or {"min": 0, "max": 1, "marks": None, "value": state.end or 1}
    links = initial.get("links") or {}
    return html.Div(
        [
            html.Div(
                [
                    dcc.Checklist(
                        id="live",
                        options=[{"label": " Follow live", "value": "live"}],
                        value=["live"] if state.live else [],
                        className="chk",
                    ),
                    dcc.Dropdown(
                        id="window",
                        options=_options(list(WINDOWS), lambda v: f"last {v}"),
                        value=state.win,
                        clearable=False,
                        searchable=False,
                        className="dd dd-win",
                    ),
                    html.Div(
                        dcc.Slider(
                            id="end-slider",
                            min=clock["min"],
                            max=clock["max"],
                            step=600,
                            value=clock["value"],
                            updatemode="mouseup",
                            marks=clock["marks"],
                            allow_direct_input=False,
                            className="slider",
                        ),
                        className="slider-box",
                        title="window end (data time): drag back to review past days",
                    ),
                ],
                className="ctl-group time",
            ),
            html.Div(
                [
                    dcc.Dropdown(
                        id="kinds",
                        options=_options(KINDS, lambda v: v.replace("_", " ")),
                        value=list(state.kinds),
                        multi=True,
                        placeholder="all kinds",
                        className="dd dd-multi",
                    ),
                    dcc.Dropdown(
                        id="zones",
                        options=_options(zone_names),
                        value=list(state.zones),
                        multi=True,
                        placeholder="all zones",
                        className="dd dd-multi",
                    ),
                    dcc.Dropdown(
                        id="statuses",
                        options=_options(STATUSES),
                        value=list(state.statuses),
                        multi=True,
                        placeholder="all statuses",
                        className="dd dd-multi",
                    ),
                    html.Div(
                        [
                            html.Span("conf ≥", className="muted small"),
                            dcc.Input(
                                id="min-conf",
                                type="number",
                                min=0,
                                max=1,
                                step=0.05,
                                value=state.conf,
                                debounce=True,
                                className="inp num",
                            ),
                        ],
                        className="inline",
                    ),
                ],
                className="ctl-group filters",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Span("grey after", className="muted small"),
                            dcc.Input(
                                id="stale-min",
                                type="number",
                                min=1,
                                max=10080,
                                step=1,
                                value=state.stale,
                                debounce=True,
                                className="inp num",
                            ),
                            html.Span("min", className="muted small"),
                        ],
                        className="inline",
                    ),
                    dcc.Checklist(
                        id="hide-stale",
                        options=[{"label": " hide grey", "value": "hide"}],
                        value=["hide"] if state.hide else [],
                        className="chk",
                    ),
                    analytics_layout.colour_by_control(),
                ],
                className="ctl-group mapopts",
            ),
            html.Div(
                [
                    html.Span("Export", className="muted small"),
                    html.A("CSV", id="export-csv", href=links.get("csv", "/export/events.csv"), className="btn-link"),
                    html.A(
                        "GeoJSON",
                        id="export-geojson",
                        href=links.get("geojson", "/export/events.geojson"),
                        className="btn-link",
                    ),
                    html.A("KML", id="export-kml", href=links.get("kml", "/export/events.kml"), className="btn-link"),
                    html.A(
                        "Link to this view",
                        id="share-link",
                        href=links.get("share", "/" + state_query(state)),
                        className="btn-link",
                        title="this view as a link",
                    ),
                ],
                className="ctl-group export",
            ),
        ],
        className="controls",
    )


def action_box(box: list[Any] | None = None, units: list[Any] | None = None) -> html.Div:
    return html.Div(
        [
            html.Div(box, id="alert-box", className="alert-box"),
            html.Div(
                [
                    html.Button("Acknowledge", id="btn-ack", n_clicks=0, className="btn"),
                    dcc.Input(
                        id="unit",
                        type="text",
                        placeholder="patrol unit",
                        list="unit-list",
                        maxLength=100,
                        className="inp unit",
                    ),
                    html.Datalist(id="unit-list", children=[html.Option(value=u) for u in units or []]),
                    html.Button("Assign", id="btn-assign", n_clicks=0, className="btn"),
                    dcc.Input(
                        id="reason",
                        type="text",
                        placeholder="reason (false alarm because…)",
                        maxLength=1000,
                        className="inp reason",
                    ),
                    html.Button("Dismiss", id="btn-dismiss", n_clicks=0, className="btn btn-warn"),
                    html.Button("Reopen", id="btn-reopen", n_clicks=0, className="btn btn-quiet"),
                ],
                className="actions",
            ),
            html.Div(id="action-msg", className="action-msg"),
            outcome_row(),
        ],
        className="action-panel",
    )


def outcome_row() -> html.Div:
    """What the patrol found (maritime/analytics/outcomes.py): result, report and a button; the
    unit is the patrol unit field above."""
    from maritime.analytics.outcomes import RESULTS

    return html.Div(
        [
            dcc.Dropdown(
                id="outcome-result",
                options=[{"label": r.replace("_", " "), "value": r} for r in RESULTS],
                placeholder="outcome",
                clearable=True,
                className="dd outcome",
            ),
            dcc.Input(id="outcome-report", type="text", placeholder="patrol report", maxLength=4000, className="inp"),
            html.Button("Record outcome", id="btn-outcome", n_clicks=0, className="btn"),
            html.Div(id="outcome-msg", className="action-msg"),
        ],
        className="actions outcome-row",
    )


def page(
    state: ViewState,
    *,
    user: str | None = None,
    zone_rows: Sequence[dict[str, Any]] | None = None,
    refresh_s: float = 5.0,
    map_figure: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
    session: str | None = None,
) -> html.Div:
    """The layout for one page load.

    ``initial`` holds what the first refresh would fetch (vessels, alerts, clock, links, the
    selected vessel's panel), computed while serving the layout so that the first view
    needs no further round trip; ``session`` is the page's id in the server's memory of what
    it was sent.
    """
    zone_names = [r["name"] for r in zone_rows] if zone_rows else [n for n, _, _ in basemap.load_zone_shapes()]
    fig = map_figure or basemap.base_figure(zone_rows)
    initial = initial or {}
    grid = dag.AgGrid(
        id="alerts-grid",
        columnDefs=ALERT_COLUMNS,
        rowData=[],
        getRowId="params.data.event_id",
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": True, "suppressHeaderMenuButton": True},
        dashGridOptions={
            "theme": {"function": _GRID_THEME},
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "animateRows": False,
            "headerHeight": 28,
            "floatingFiltersHeight": 26,
            "rowHeight": 26,
            "suppressCellFocus": True,
        },
        rowClassRules={
            "row-new": "params.data.status == 'new'",
            "row-dismissed": "params.data.status == 'dismissed'",
            "row-open": "params.data.end == 'open'",
        },
        style={"height": "100%", "width": "100%"},
        className="grid",
    )
    side = dcc.Tabs(
        id="side-tabs",
        value=state.tab,
        className="tabs",
        parent_className="tabs-parent",
        content_className="tab-content",
        children=[
            dcc.Tab(
                label="Vessel",
                value="vessel",
                className="tab",
                selected_className="tab-sel",
                children=[
                    action_box((initial.get("panel") or {}).get("box"), initial.get("units")),
                    html.Div((initial.get("panel") or {}).get("card"), id="vessel-card", className="card"),
                ],
            ),
            dcc.Tab(
                label="Ingest health",
                value="health",
                className="tab",
                selected_className="tab-sel",
                children=[html.Div(id="health-panel", className="card")],
            ),
            dcc.Tab(
                label="Results",
                value="results",
                className="tab",
                selected_className="tab-sel",
                children=[html.Div(id="results-panel", className="card"), analytics_layout.interest_section()],
            ),
            dcc.Tab(
                label="Alerts sent",
                value="delivery",
                className="tab",
                selected_className="tab-sel",
                children=[html.Div(id="delivery-panel", className="card")],
            ),
            analytics_layout.hotspot_tab(),
        ],
    )
    sel = {"mmsi": state.mmsi, "event_id": state.event}
    view = (
        {"x0": state.view[0], "x1": state.view[1], "y0": state.view[2], "y1": state.view[3], "seq": 0}
        if state.view
        else None
    )
    if state.view:
        fig = {
            **fig,
            "layout": {
                **fig["layout"],
                "xaxis": {**fig["layout"]["xaxis"], "range": list(state.view[:2])},
                "yaxis": {**fig["layout"]["yaxis"], "range": list(state.view[2:])},
            },
        }
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="session", data=session or uuid.uuid4().hex),
            dcc.Store(id="style", data=style_spec()),
            dcc.Store(id="state", data=replace(state, mmsi=None, event=None, view=None, tab="vessel").to_dict()),
            dcc.Store(id="vessel-data", data=initial.get("vessels")),
            dcc.Store(id="vessel-applied", data=None),
            dcc.Store(id="alerts-data", data=initial.get("alerts")),
            dcc.Store(id="alerts-applied", data=None),
            dcc.Store(id="selection", data=sel),
            dcc.Store(id="map-center", data=None),
            dcc.Store(id="view", data=view),
            dcc.Store(id="track-data", data=(initial.get("panel") or {}).get("track") or {"mmsi": None}),
            dcc.Store(id="actions-rev", data=0),
            dcc.Store(id="card-stamp", data=initial.get("stamp")),
            *analytics_layout.stores(),
            dcc.Interval(id="tick", interval=int(refresh_s * 1000), n_intervals=0),
            top_bar(user, state, initial),
            control_bar(state, zone_names, initial),
            html.Main(
                [
                    html.Section(
                        [
                            html.Div(
                                dcc.Graph(
                                    id="map",
                                    figure=fig,
                                    className="map",
                                    config=MAP_CONFIG,
                                ),
                                className="map-box",
                            ),
                            html.Div(html.Span("", id="map-note"), className="map-note"),
                            html.Div(grid, className="grid-box"),
                        ],
                        className="left",
                    ),
                    html.Aside(side, className="right"),
                ],
                className="main",
            ),
        ],
        className="app",
    )
