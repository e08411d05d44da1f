"""The analytics commands: ``maritime risk``, ``hotspots``, ``outcome`` and ``brief`` (thin
adapters over the ``*_store`` modules)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from maritime.arguments import add_db_option, parse_time
from maritime.errors import UsageError


def duration(text: str) -> timedelta:
    """``7d``, ``24h``, ``90m``: a period (days, hours, minutes)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period like 7d, 24h or 90m")
    n = float(m.group(1))
    return {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[m.group(2)]


def add_parsers(sub: Any) -> None:
    """Register ``risk``, ``hotspots``, ``outcome`` and ``brief``."""
    from maritime.analytics.outcomes import RESULTS

    p = sub.add_parser("risk", help="update and list vessel risk scores with their factors")
    add_db_option(p)
    p.add_argument("--top", type=int, default=20, metavar="N", help="vessels to list (default %(default)s)")
    p.add_argument("--full", action="store_true", help="recompute every vessel, not only those whose events changed")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("hotspots", help="forecast where events will occur; backtest the forecast")
    add_db_option(p)
    p.add_argument("--horizon", choices=("24h", "7d"), default="24h", help="forecast horizon (default %(default)s)")
    p.add_argument("--kind", metavar="K", help="forecast one event kind (default: all)")
    p.add_argument("--geojson", metavar="FILE", help="also write the forecast cells as GeoJSON")
    p.add_argument("--backtest", action="store_true", help="rolling weekly backtest against the baseline and last week")

    p = sub.add_parser("outcome", help="record what a patrol found for an alert (append-only)")
    p.add_argument("target", metavar="ALERT_OR_EVENT", help="an event id (maritime events) or an alert id")
    add_db_option(p)
    p.add_argument("--result", required=True, choices=RESULTS)
    p.add_argument("--unit", required=True, help="patrol unit")
    p.add_argument("--report", default="", help="free-text report")
    p.add_argument("--at", metavar="TIME", help="when (ISO 8601 UTC; default now)")
    p.add_argument("--actor", help="who records it")

    p = sub.add_parser("brief", help="write the partner brief: a self-contained HTML report")
    add_db_option(p)
    p.add_argument("--since", type=duration, default=timedelta(days=7), help="period before the latest event (7d)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="the HTML file to write")


def _open(db: str | None) -> Any:
    from maritime.store.database import Store, StoreError, resolve_db_path

    path = resolve_db_path(db)
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist: run `maritime ingest` and `maritime detect` first")
    return Store(path)


def cmd_risk(args: argparse.Namespace) -> int:
    from maritime.analytics.risk_store import top_risk, update_risk

    if args.top < 1:
        raise UsageError("--top must be at least 1")
    store = _open(args.db)
    try:
        u = update_risk(store.con, full=args.full)
        rows = top_risk(store.con, args.top)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return 0
    print(u.line())
    print(f"{'mmsi':>10}  {'score':>5}  {'flag':<24} {'name':<22} factors (contribution)")
    for r in rows:
        fs = ", ".join(f"{f['factor']} {f['contribution']:.2f}" for f in r["factors"][:4])
        print(f"{r['mmsi']:>10}  {r['score']:.2f}  {(r['flag'] or '')[:24]:<24} {(r['name'] or '')[:22]:<22} {fs}")
    return 0


def cmd_hotspots(args: argparse.Namespace) -> int:
    from maritime.analytics.hotspots import Grid, to_geojson
    from maritime.analytics.hotspots_store import HotspotError, run_backtest, write_forecast

    store = _open(args.db)
    try:
        run = write_forecast(store.con, args.horizon, kind=args.kind)
        print(run.line())
        if args.geojson:
            from datetime import UTC, datetime

            doc = to_geojson(run.slices, Grid(), args.horizon, datetime.fromtimestamp(run.issued, UTC).isoformat())
            Path(args.geojson).write_text(json.dumps(doc), encoding="utf-8")
            print(f"wrote {len(doc['features'])} cells to {args.geojson}")  # type: ignore[arg-type]
        if args.backtest:
            try:
                scores = run_backtest(store.con, args.horizon, kind=args.kind)
            except HotspotError as exc:
                raise UsageError(str(exc)) from None
            print(f"backtest ({args.horizon}, {scores[0].forecasts} forecasts, {scores[0].events} events):")
            print(f"  {'model':<16} {'area':>5} {'hit rate':>9} {'PAI':>7}")
            for s in scores:
                print(f"  {s.model:<16} {s.share:>5.0%} {s.hit_rate:>9.3f} {s.pai:>7.2f}")
    finally:
        store.close()
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    from maritime.analytics.outcomes_store import record_outcome

    at = parse_time(args.at) if args.at else None
    store = _open(args.db)
    try:
        oid = record_outcome(store.con, args.target, args.result, args.unit, args.report, at, args.actor)
    finally:
        store.close()
    print(f"outcome {oid} recorded: {args.result} by {args.unit.strip()} for {args.target}")
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from maritime.analytics.brief_store import write_brief

    out = Path(args.out)
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist")
    store = _open(args.db)
    try:
        seconds = write_brief(store.con, args.since, out)
    finally:
        store.close()
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {seconds:.1f} s")
    return 0


COMMANDS = {"risk": cmd_risk, "hotspots": cmd_hotspots, "outcome": cmd_outcome, "brief": cmd_brief}


def update_risk_after_detect(args: argparse.Namespace) -> None:
    """After ``maritime detect``: the incremental risk update over the events it wrote (when
    they went to a database: the DuckDB engine, or the Dask engine with ``--db``)."""
    from maritime.analytics.risk_store import update_risk

    if getattr(args, "engine", "duckdb") != "dask" or args.db:
        store = _open(args.db)
        try:
            print(update_risk(store.con).line())
        finally:
            store.close()
