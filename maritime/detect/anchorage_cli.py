"""``maritime anchorages``: list the anchorages learned from the data (a thin adapter).

The anchorages are learned and refreshed by every ``maritime detect`` run and live detection
cycle (:mod:`maritime.detect.anchorage_store`); this command only reads them.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from maritime import export
from maritime.arguments import add_db_option

#: Columns of the listing, in order.
COLUMNS = ("anchorage_id", "lat", "lon", "radius_km", "cells", "vessels", "hours", "first_seen", "last_seen", "port_km")


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``anchorages`` on the ``maritime`` sub-command parser."""
    p = subparsers.add_parser(
        "anchorages",
        help="list the anchorages learned from the data (places where many vessels sit stationary)",
        description="List the anchorages that `maritime detect` learned from the stored positions, busiest "
        "first, with their evidence: vessels stationary there, hours, first and last seen, and the distance "
        "to the nearest bundled port (port_km).",
    )
    add_db_option(p)
    p.add_argument("--format", choices=("table", "csv", "geojson"), default="table", help="output format")


def _iso(v: Any) -> Any:
    return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, datetime) else v


def fetch(path: str) -> list[dict[str, Any]]:
    """The stored anchorages of the database at ``path``, times as ISO 8601 UTC text.

    Raises:
        maritime.store.database.StoreError: no such database, or no anchorages table yet.
    """
    import duckdb

    from maritime.detect.anchorage_store import list_anchorages
    from maritime.store.database import Store, StoreError

    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist: run `maritime ingest` and `maritime detect` first")
    store = Store(path, read_only=True)
    try:
        rows = store.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'anchorages'")
        if rows.fetchall()[0][0] == 0:
            raise StoreError(f"database {path} has no learned anchorages yet: run `maritime detect` first")
        return [{k: _iso(v) for k, v in r.items()} for r in list_anchorages(store.con)]
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the anchorages of {path}: {str(exc).splitlines()[0]}") from None
    finally:
        store.close()


def format_anchorages(rows: list[dict[str, Any]], fmt: str) -> str:
    """The anchorages as text in ``fmt`` (table, csv, geojson)."""
    if fmt == "geojson":
        return export.to_geojson(rows, id_field="anchorage_id")
    if fmt == "csv":
        return export.to_csv(rows, COLUMNS, formula_safe=False).rstrip("\n")
    if not rows:
        return "no anchorages learned (yet): they need 5 vessels stationary >= 2 h within 3 km, over >= 12 h"
    head = ["anchorage", "lat", "lon", "radius km", "vessels", "hours", "first seen (UTC)", "last seen (UTC)"]
    head.append("port km")
    body = [
        (
            r["anchorage_id"],
            f"{r['lat']:.4f}",
            f"{r['lon']:.4f}",
            f"{r['radius_km']:.1f}",
            str(r["vessels"]),
            f"{r['hours']:.0f}",
            str(r["first_seen"]),
            str(r["last_seen"]),
            "" if r["port_km"] is None else f"{r['port_km']:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths)) for b in body]
    return "\n".join(line.rstrip() for line in lines)


def cmd_anchorages(args: argparse.Namespace) -> int:
    """``maritime anchorages``: print the learned anchorages."""
    from maritime.store.database import resolve_db_path

    print(format_anchorages(fetch(resolve_db_path(args.db)), args.format))
    return 0
