"""The "Alerts sent" tab and the top bar's watch-list chip: alerts raised by rules and watch lists
(:mod:`maritime.alerts`), each with its rule, severity and delivery state per sink; a watch-listed
vessel seen stands out (a red chip in the top bar, a banner above the list)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
from dash import html

from maritime.dashboard import queries as q

#: Alerts shown in the tab.
LIMIT = 200
SEVERITY_CLASS = {"low": "chip", "medium": "chip", "high": "chip chip-new", "critical": "chip chip-new"}


def recent_alerts(cur: q.Cursor, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The latest alerts with their delivery state (empty when no alert was ever raised)."""
    try:
        return q.run(cur, "alert_delivery", limit=limit)
    except (duckdb.CatalogException, duckdb.BinderException):
        return []  # no alert_outbox table (rules never ran here), or one older than rule_version


def _when(epoch_s: float | None) -> str:
    return "" if epoch_s is None else datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d %H:%M")


def _vessel(a: dict[str, Any]) -> str:
    return f"{a.get('name') or ''} {a.get('mmsi') or ''}".strip()


def watch_chip(rows: Sequence[dict[str, Any]]) -> list[Any]:
    """The top bar's chip: how many watch-listed vessels were seen (nothing when none)."""
    hits = [a for a in rows if a.get("hit")]
    if not hits:
        return []
    names = ", ".join(sorted({_vessel(a) for a in hits}))
    return [
        html.Span(
            [html.B(str(len({a.get("mmsi") for a in hits}))), " watch-listed seen"],
            className="chip chip-new",
            title=names,
            id="watch-chip-count",
        )
    ]


def delivery_panel(rows: Sequence[dict[str, Any]]) -> list[Any]:
    """The tab: a banner per watch-listed vessel seen, then every alert's rule, severity and delivery."""
    if not rows:
        return [html.P("No alert raised yet: start serve or detect with --rules / --watchlist (README, Alerts).")]
    out: list[Any] = []
    for a in rows:
        if a.get("hit"):
            out.append(
                html.Div(
                    [
                        html.B("WATCH LIST "),
                        f"{_vessel(a)} seen ({a.get('watchlist') or ''}: {a.get('reason') or 'listed'}) — ",
                        f"rule {a['rule_id']}, {a['severity']}, first report {_when(a.get('created_s'))} UTC",
                    ],
                    className="watch-banner",
                )
            )
    head = html.Tr([html.Th(h) for h in ("event (UTC)", "rule", "severity", "kind", "vessel", "zone", "delivery")])
    body = [
        html.Tr(
            [
                html.Td(_when(a.get("created_s"))),
                html.Td(f"{a['rule_id']} v{a.get('rule_version') or '-'}"),
                html.Td(html.Span(a["severity"], className=SEVERITY_CLASS.get(a["severity"], "chip"))),
                html.Td(a.get("kind") or ""),
                html.Td(_vessel(a)),
                html.Td(a.get("zone") or ""),
                html.Td(a.get("delivery") or "not queued", className="bad" if a.get("failed") else None),
            ],
            className="row-watch" if a.get("hit") else None,
        )
        for a in rows
    ]
    out.append(html.Table([html.Thead(head), html.Tbody(body)], className="kv alert-delivery"))
    return out
