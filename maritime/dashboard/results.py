"""The results tab: what detection found and what the officers did with it, as bar charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from dash import dcc, html

from maritime.dashboard import queries as q
from maritime.dashboard.basemap import PAPER, TEXT
from maritime.dashboard.state import Now, ViewState, as_state, iso
from maritime.dashboard.sync import grid_row

# -- figures -----------------------------------------------------------------------------------

_KIND_COLORS = {
    "loitering": "#ffb74d",
    "dark_period": "#ef5350",
    "rendezvous": "#ba68c8",
    "identity_conflict": "#4dd0e1",
    "feed_silent": "#90a4ae",
    "dark_vessel": "#ff3b3b",
    "dark_rendezvous": "#ff7043",
    "ais_unconfirmed": "#fff176",
    "zone_entry": "#66bb6a",
    "speed_range": "#ffee58",
    "position_anomaly": "#ff7043",
    "identity_change": "#26c6da",
    "fishing": "#ffcc80",
}


def _bar_layout(height: int, **kw: Any) -> dict[str, Any]:
    return {
        "height": height,
        "barmode": "stack",
        "paper_bgcolor": PAPER,
        "plot_bgcolor": "#0f1924",
        "font": {"color": TEXT, "size": 10},
        "margin": {"l": 8, "r": 8, "t": 24, "b": 30},
        "legend": {"orientation": "h", "y": -0.2},
        **kw,
    }


def results_figures(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Events by zone and kind, by day and kind; alert outcomes."""
    kinds = sorted({r["kind"] for r in rows})
    zones = sorted({r["zone"] or "outside zones" for r in rows})
    days = sorted({r["start"][:10] for r in rows if r["start"]})
    by_zone = Counter((r["zone"] or "outside zones", r["kind"]) for r in rows)
    by_day = Counter((r["start"][:10], r["kind"]) for r in rows if r["start"])
    zone_fig = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": k,
                "y": zones,
                "x": [by_zone[(z, k)] for z in zones],
                "marker": {"color": _KIND_COLORS.get(k, "#aaa")},
            }
            for k in kinds
        ],
        "layout": _bar_layout(
            max(180, 26 * len(zones) + 70),
            title={"text": "Events by zone", "x": 0.01},
            yaxis={"automargin": True},
            xaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    day_fig = {
        "data": [
            {
                "type": "bar",
                "name": k,
                "x": days,
                "y": [by_day[(d, k)] for d in days],
                "marker": {"color": _KIND_COLORS.get(k, "#aaa")},
            }
            for k in kinds
        ],
        "layout": _bar_layout(
            200,
            title={"text": "Events by day", "x": 0.01},
            xaxis={"type": "category"},
            yaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    outcomes = Counter(r["status"] for r in rows)
    labels = ["new", "acknowledged", "assigned", "dismissed"]
    out_fig = {
        "data": [
            {
                "type": "bar",
                "x": ["unhandled", "acknowledged", "dispatched", "dismissed"],
                "y": [outcomes[s] for s in labels],
                "marker": {"color": ["#ff4d4f", "#ffb020", "#4fc3f7", "#7f8c99"]},
            }
        ],
        "layout": _bar_layout(
            200,
            title={"text": "Alert outcomes", "x": 0.01},
            showlegend=False,
            yaxis={"gridcolor": "rgba(160,180,200,0.1)"},
        ),
    }
    return {"zone": zone_fig, "day": day_fig, "outcomes": out_fig}


def results_panel(cur: q.Cursor, state: Mapping[str, Any] | ViewState | None, now: Now) -> list[Any]:
    """The results tab: alert outcomes, events by zone and by day in the window (every status)."""
    s = as_state(state)
    window = now.window(s)
    flt = replace(s.alert_filter(limit=100_000), statuses=())  # outcomes need every status
    rows = [grid_row(r, window.end_s) for r in q.alerts(cur, window.start, window.end, flt, now.wall)]
    figs = results_figures(rows)
    return [
        html.Div(
            f"{len(rows)} alerts from {iso(window.start_s, False)} to {iso(window.end_s, False)} UTC "
            "(current filters, every status)",
            className="muted small",
        ),
        dcc.Graph(figure=figs["outcomes"], config={"displayModeBar": False}),
        dcc.Graph(figure=figs["zone"], config={"displayModeBar": False}),
        dcc.Graph(figure=figs["day"], config={"displayModeBar": False}),
        *patrol_results(cur, window.start),
    ]


# -- patrol results and vessels of interest (maritime/analytics) --------------------------------------


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], cls: str = "results-table") -> Any:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "–"
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    return html.Table(
        [html.Thead(html.Tr([html.Th(c) for c in columns]))]
        + [html.Tbody([html.Tr([html.Td(cell(v)) for v in r]) for r in rows])],
        className=cls,
    )


def patrol_results(cur: q.Cursor, since: Any) -> list[Any]:
    """Patrol outcomes per zone, unit and week and confirmation rates by kind and rule (see
    :mod:`maritime.analytics.outcomes`)."""
    from maritime.analytics.outcomes_store import results

    have = {r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    out: list[Any] = [html.H4("Patrol results")]
    if "alert_outcomes" in have:
        table, rates = results(cur, since)
        table = table.sort_values(["week", "raised"], ascending=[False, False]).head(40)
        cols = ["zone", "unit", "week", "raised", "acted_on", "reached", "confirmed"]
        cols += ["median_hours_to_interception", "confirmation_rate"]
        out.append(_table(["zone", "unit", "week", "raised", "acted on", "reached", "confirmed", "h to board", "conf."],
                          table[cols].values.tolist()))  # fmt: skip
        rcols = ["dimension", "value", "raised", "reached", "confirmed", "confirmation_rate"]
        out += [
            html.H4("Confirmation rate by kind, rule and confidence threshold"),
            _table(rcols, rates[rcols].values.tolist()),
        ]
    else:
        out.append(html.Div("No outcomes recorded yet (`maritime outcome`).", className="muted small"))
    # the vessels of interest are the sortable list under this panel (analytics_layout.interest_section)
    return out
