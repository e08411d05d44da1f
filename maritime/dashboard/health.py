"""The ingest-health tab and the top bar's feed counters: feeds, message rates, rejected lines,
stations heard and detection status, from the live process's ``Health.snapshot`` and the
database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from dash import html

from maritime.dashboard import queries as q
from maritime.dashboard.panels import age_text
from maritime.dashboard.state import Now, ViewState, as_state, iso


def feed_chips(snapshot: Mapping[str, Any]) -> list[Any]:
    """The top bar's feed counters: feeds up of all, and the message rate (empty without feeds)."""
    feeds = snapshot.get("feeds") or []
    if not feeds:
        return []
    up = sum(1 for f in feeds if f.get("state") in ("connected", "replaying"))
    silent = [f for f in feeds if f.get("state") in ("silent", "down")]
    return [
        html.Span(
            [html.B(f"{up}/{len(feeds)}"), " feeds"],
            className="chip chip-new" if silent else "chip chip-ok",
        ),
        html.Span([html.B(f"{snapshot.get('rate', 0.0):.1f}"), " msg/s"], className="chip"),
        *dropped_chips(feeds),
    ]


def dropped_chips(feeds: list[Mapping[str, Any]]) -> list[Any]:
    """A warning chip with the datagrams the kernel dropped on the UDP feeds (receive buffer
    full: the feed sends faster than it is read), none when nothing was dropped."""
    dropped = sum(int(f.get("dropped") or 0) for f in feeds)
    if not dropped:
        return []
    title = "UDP datagrams the kernel dropped because the receive buffer was full: " + ", ".join(
        f"{f['url']} {int(f.get('dropped') or 0):,}" for f in feeds if f.get("dropped")
    )
    return [html.Span([html.B(f"{dropped:,}"), " dropped"], className="chip chip-new", title=title)]


# -- the health tab -----------------------------------------------------------------------------


def health_panel(
    cur: q.Cursor,
    snapshot: Mapping[str, Any] | None,
    state: Mapping[str, Any] | ViewState | None,
    now: Now,
) -> list[Any]:
    """Feeds, message rate, stations, rejected lines and detection status."""
    s = as_state(state)
    wall = now.wall.timestamp()
    snap = snapshot or {}
    clock = now.clock
    window = now.window(s)
    feeds = snap.get("feeds") or []
    feed_rows = []
    for f in feeds:
        age = None if f.get("last_line_at") is None else wall - f["last_line_at"]
        st = f.get("state", "connected" if f.get("connected") else "down")
        feed_rows.append(
            html.Tr(
                [
                    html.Td(f["url"]),
                    html.Td(st, className=f"fs-{st}"),
                    html.Td(f"{f.get('rate', 0):.1f}"),
                    html.Td(f"{f.get('lines', 0):,}"),
                    html.Td("—" if age is None else age_text(age)),
                    html.Td(str(f.get("reconnects", 0))),
                    html.Td(f"{f.get('dropped') or 0:,}", className="warn" if f.get("dropped") else ""),
                    html.Td(f.get("last_error") or ""),
                ]
            )
        )
    feeds_el = (
        html.Table(
            [
                html.Tr(
                    [
                        html.Th(h)
                        for h in ("feed", "state", "msg/s", "lines", "last line", "reconnects", "dropped", "last error")
                    ]
                ),
                *feed_rows,
            ],
            className="tbl",
        )
        if feed_rows
        else html.Div("No live feed in this process (review of the database).", className="muted")
    )
    counts = snap.get("counts") or {}
    session_rej = sorted(
        ((k[9:], v) for k, v in counts.items() if k.startswith("rejected_") and v), key=lambda kv: -kv[1]
    )
    db_rej = q.rejects(cur)
    stations_rows = q.stations(cur, window.end - timedelta(hours=24), window.end)
    st_rows = []
    for r in stations_rows[:60]:
        age = window.end_s - r["last_s"]
        st_rows.append(
            html.Tr(
                [
                    html.Td(r["station"]),
                    html.Td(iso(r["last_s"], False)),
                    html.Td(age_text(age), className="warn" if age > 1800 else ""),
                    html.Td(f"{r['reports']:,}"),
                ]
            )
        )
    det = snap.get("detection") or {}
    if not det:
        det_text = "Detection is not run by this process."
    elif not det.get("available", True):
        det_text = f"Detection unavailable: {det.get('error') or 'maritime.detect is not installed'}"
    elif det.get("last_run") is None:
        det_text = "Detection: first run pending."
    else:
        det_text = (
            f"Detection: last run {age_text(wall - det['last_run'])} ago, {det.get('seconds', 0):.2f} s, "
            f"{det.get('events', 0)} events written" + (f" · last error: {det['error']}" if det.get("error") else "")
        )
    return [
        html.Div(
            [
                html.Div(
                    [html.Div(f"{snap.get('rate', 0.0):.1f}", className="big"), html.Div("messages/s (1 min)")],
                    className="stat",
                ),
                html.Div(
                    [
                        html.Div(f"{counts.get('positions_stored', 0):,}", className="big"),
                        html.Div("positions stored (this run)"),
                    ],
                    className="stat",
                ),
                html.Div(
                    [
                        html.Div(f"{counts.get('rejected', 0):,}", className="big"),
                        html.Div("lines rejected (this run)"),
                    ],
                    className="stat",
                ),
                html.Div(
                    [html.Div(f"{clock.vessels:,}", className="big"), html.Div("vessels in database")], className="stat"
                ),
            ],
            className="stats",
        ),
        html.H4("Feeds"),
        feeds_el,
        html.Div(det_text, className="muted small pad-top"),
        html.H4("Rejected lines by reason"),
        html.Div(
            [
                html.Table(
                    [
                        html.Tr([html.Th("this run"), html.Th("")]),
                        *[html.Tr([html.Td(k), html.Td(f"{v:,}")]) for k, v in session_rej],
                    ],
                    className="tbl",
                )
                if session_rej
                else html.Div("None this run.", className="muted"),
                html.Table(
                    [
                        html.Tr([html.Th("latest ingest runs"), html.Th("")]),
                        *[html.Tr([html.Td(r["reason"]), html.Td(f"{r['lines']:,}")]) for r in db_rej],
                    ],
                    className="tbl",
                )
                if db_rej
                else html.Div("None stored.", className="muted"),
            ],
            className="cols",
        ),
        html.H4("Stations (last message, data time, 24 h before window end)"),
        html.Table(
            [html.Tr([html.Th(h) for h in ("station", "last report UTC", "age", "reports")]), *st_rows], className="tbl"
        )
        if st_rows
        else html.Div("No station heard.", className="muted"),
    ]
