"""``maritime detect`` and ``maritime events``: the command-line adapter of detection.

``add_parsers(subparsers)`` registers both sub-commands on the ``maritime`` parser;
``cmd_detect(args)`` and ``cmd_events(args)`` run them and return the exit status. Errors a
user can fix raise :class:`maritime.errors.UsageError` or
:class:`maritime.store.database.StoreError` with a one-line message.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maritime import export
from maritime.arguments import add_db_option, parse_time
from maritime.detect.events import KINDS, ROW_COLUMNS
from maritime.errors import UsageError

if TYPE_CHECKING:
    import duckdb

    from maritime.detect.runner import RunSettings
    from maritime.detect.settings import Setting

FORMATS = ("table", "csv", "json", "geojson")
#: The columns of ``sql/list_events.sql`` (every stored column but ``updated_at``).
COLUMNS = ROW_COLUMNS


def add_parsers(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``detect`` and ``events`` on the ``maritime`` sub-command parser."""
    p = subparsers.add_parser(
        "detect",
        help="find loitering, dark periods, rendezvous and identity conflicts in the stored positions",
        description="Detect events over the positions in the database (incremental: only what new data can "
        "change is recomputed) and print a summary by kind and zone.",
    )
    add_db_option(p)
    p.add_argument(
        "--zones",
        metavar="FILE",
        help="GeoJSON of patrol zones (polygons with a 'name' property), stored in the database for later "
        "runs (default: the stored zones, else the bundled ones)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="TOML file overriding any thresholds of maritime/detect/defaults.toml, stored in the database "
        "for later runs (default: the stored file, else none)",
    )
    g = p.add_argument_group("on a Dask cluster, over a Parquet archive")
    g.add_argument(
        "--engine",
        choices=("duckdb", "dask"),
        default="duckdb",
        help="duckdb: the database on this machine (default); dask: the archive on a Dask cluster",
    )
    g.add_argument("--archive", metavar="DEST", help="the Parquet archive (folder or s3:// URL) for --engine dask")
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on this machine)",
    )
    g.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="workers of the local cluster (default: one per core); ignored with --scheduler",
    )
    g.add_argument(
        "--partition-rows",
        type=int,
        default=2_000_000,
        metavar="N",
        help="positions per vessel partition: bounds each worker's memory (default %(default)s)",
    )
    g.add_argument(
        "--cell-deg",
        type=float,
        default=5.0,
        metavar="DEG",
        help="rendezvous cell size in degrees (default %(default)s)",
    )
    g.add_argument(
        "--window-hours",
        type=float,
        default=24.0,
        metavar="H",
        help="rendezvous time window in hours (default %(default)s)",
    )

    p = subparsers.add_parser(
        "events",
        help="list detected events (table, CSV, JSON or GeoJSON for partner agencies)",
        description="List detected events, newest first.",
    )
    add_db_option(p)
    p.add_argument("--kind", metavar="K", help=f"only this kind ({', '.join(KINDS)})")
    p.add_argument("--zone", metavar="Z", help="only events in this patrol zone (exact name)")
    p.add_argument("--since", metavar="T", help="only events still going on at or after this UTC time (ISO 8601)")
    p.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="C",
        help="only events with at least this confidence, 0-1 (default 0: all, coverage gaps included)",
    )
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")


def _db_path(db: str | None) -> str:
    from maritime.store.database import resolve_db_path

    return resolve_db_path(db)


def given_settings(zones: str | None, config: str | None) -> tuple[Setting | None, Setting | None]:
    """The ``--zones`` and ``--config`` files of ``detect`` or ``serve``, read and checked.

    Raises:
        UsageError: a file is missing or does not load (one line naming the option).
    """
    from maritime.detect.config import ConfigError, load_config_text
    from maritime.detect.inputs import zones_from_geojson
    from maritime.detect.settings import Setting

    z = c = None
    if zones:
        z = Setting(_read_text("--zones", zones), zones)
        try:
            zones_from_geojson(z.text, zones)
        except ValueError as exc:
            raise UsageError(f"--zones: {exc}") from None
    if config:
        c = Setting(_read_text("--config", config), config)
        try:
            load_config_text(c.text, config)
        except ConfigError as exc:
            raise UsageError(f"--config: {exc}") from None
    return z, c


def _read_text(option: str, path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{option}: file {path} not found")
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option}: cannot read {path} ({exc})") from None


#: DuckDB memory for ``maritime detect``. DuckDB keeps what it allocates up to its cap (80 % of
#: RAM by default) while the detectors work beside it; with this cap the read of every report
#: sorts in memory or spills, and the full run over 10.3 M positions (``bench_detect.py``,
#: 2 cores) peaks at 2.8 GB of resident memory in the same time (22-24 s), against 3.6 GB with a
#: 1 GB cap and 3.8 GB uncapped; 512 MB saves no more and costs 15 % more time.
DETECT_DUCKDB_MEMORY = "768MB"


def cmd_detect(args: argparse.Namespace) -> int:
    """``maritime detect``: run detection with the given, else stored, else bundled zones and
    thresholds (see :mod:`maritime.detect.settings`), print what it used and the summary."""
    from maritime.detect.runner import run_detection, use_settings
    from maritime.store.database import Store, StoreError

    zones, config = given_settings(args.zones, args.config)
    if args.engine == "dask":
        return _detect_on_cluster(args, zones, config)
    if args.archive or args.scheduler:
        raise UsageError("--archive and --scheduler go with --engine dask")
    path = _db_path(args.db)
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist: run `maritime ingest` first or give --db")
    store = Store(path, memory_limit=DETECT_DUCKDB_MEMORY)
    try:
        settings = use_settings(store.con, zones, config)
        summary = run_detection(store.con, zones=settings.zones, config=settings.config)
    finally:
        store.close()
    print("\n".join(settings.lines() + summary.lines()))
    return 0


def _cluster_settings(args: argparse.Namespace, zones: Setting | None, config: Setting | None) -> RunSettings:
    """The settings of a Dask run: with ``--db``, given else stored (as ``detect``); without,
    given else bundled (an archive keeps no settings)."""
    from maritime.detect.runner import use_settings
    from maritime.store.database import Store

    if args.db:
        store = Store(_db_path(args.db))
        try:
            return use_settings(store.con, zones, config)
        finally:
            store.close()
    import duckdb

    con = duckdb.connect(":memory:")  # nothing stored: the given settings, else the bundled ones
    try:
        return use_settings(con, zones, config)
    finally:
        con.close()


def _cluster_anchorages(args: argparse.Namespace, settings: RunSettings) -> Any:
    """With ``--db``: the learned anchorages of the database, refreshed first (as ``detect``
    does), so that both engines suppress the same events; without, none."""
    if not args.db:
        return None
    from maritime.detect.anchorage_store import refresh_anchorages
    from maritime.store.database import Store

    store = Store(_db_path(args.db))
    try:
        return refresh_anchorages(store.con, settings.config).points
    finally:
        store.close()


def _detect_on_cluster(args: argparse.Namespace, zones: Setting | None, config: Setting | None) -> int:
    """``maritime detect --engine dask``: events of the archive, written back to it (and to
    ``--db`` when given, for the dashboard)."""
    import logging

    from maritime.archive.layout import open_archive
    from maritime.detect.cluster import detect_on_cluster

    if not args.archive:
        raise UsageError("--engine dask needs --archive DEST (write one with `maritime archive`)")
    if args.partition_rows < 1000 or args.cell_deg <= 0 or args.window_hours <= 0:
        raise UsageError("--partition-rows must be at least 1000; --cell-deg and --window-hours positive")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--engine dask needs dask: pip install 'dask[distributed,dataframe]'") from None
    settings = _cluster_settings(args, zones, config)
    anchorages = _cluster_anchorages(args, settings)
    # the shuffle extension logs every shuffle as a warning
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    arch = open_archive(args.archive, create=True)
    cluster = None
    try:
        if args.scheduler:
            try:
                client = Client(args.scheduler, timeout="10s")  # type: ignore[no-untyped-call]  # dask is untyped
            except (OSError, TimeoutError) as exc:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {args.scheduler} ({exc}): "
                    "check the address and that `dask scheduler` runs there"
                ) from None
        else:
            # dask is untyped
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)  # type: ignore[no-untyped-call]
        with client:
            summary = detect_on_cluster(
                client,
                arch,
                zones=settings.zones,
                config=settings.config,
                rows_per_partition=args.partition_rows,
                cell_deg=args.cell_deg,
                window_hours=args.window_hours,
                anchorages=anchorages,
            )
    finally:
        if cluster is not None:
            cluster.close()
    print("\n".join(settings.lines() + summary.lines()))
    print(f"events written to {arch.uri('events', 'part-detect.parquet')}")
    if args.db:
        from maritime.detect.runner import store_events
        from maritime.store.database import Store

        store = Store(_db_path(args.db))
        try:
            n = store_events(store.con, summary.events, settings.zones, settings.config, summary.now, summary.positions)
        finally:
            store.close()
        print(f"{n:,} events loaded into {args.db}")
    return 0


def _fetch(args: argparse.Namespace) -> list[dict[str, Any]]:
    import duckdb

    from maritime.store.database import Store, StoreError

    if args.kind and args.kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not {args.kind!r}")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise UsageError("--min-confidence must be between 0 and 1")
    since = parse_time(args.since) if args.since else None
    path = _db_path(args.db)
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"database {path} does not exist: run `maritime ingest` and `maritime detect` first")
    store = Store(path, read_only=True)
    try:
        return fetch_events(store.con, args, since)
    except duckdb.CatalogException:
        raise StoreError(f"database {path} has no events yet: run `maritime detect` first") from None
    finally:
        store.close()


def fetch_events(
    con: duckdb.DuckDBPyConnection, args: argparse.Namespace, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Events matching ``args`` (kind, zone, min_confidence) from a DuckDB connection."""
    from maritime.detect.runner import sql

    rows = con.execute(
        sql("list_events"),
        {"kind": args.kind, "zone": args.zone, "since": since, "min_confidence": args.min_confidence},
    ).fetchall()
    out = []
    for r in rows:
        d = dict(zip(COLUMNS, r))
        for k in ("start_time", "end_time"):
            v = d[k]
            d[k] = v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, datetime) else None
        d["details"] = json.loads(d["details"]) if d["details"] else {}
        out.append(d)
    return out


def _duration_h(e: dict[str, Any]) -> str:
    if not e["end_time"]:
        return "open"
    a = datetime.fromisoformat(e["start_time"].replace("Z", "+00:00"))
    b = datetime.fromisoformat(e["end_time"].replace("Z", "+00:00"))
    return f"{(b - a).total_seconds() / 3600:.1f} h"


def format_events(events: list[dict[str, Any]], fmt: str) -> str:
    """Events as text in ``fmt`` (table, csv, json, geojson)."""
    if fmt == "json":
        return export.to_json(events)
    if fmt == "geojson":
        return export.to_geojson(events)
    if fmt == "csv":
        return export.to_csv(events, COLUMNS, formula_safe=False, json_fields=("details",)).rstrip("\n")
    head = ("start (UTC)", "end (UTC)", "duration", "kind", "mmsi", "other", "conf", "lat", "lon", "zone")
    rows = [
        (
            e["start_time"],
            e["end_time"] or "open",
            _duration_h(e),
            e["kind"],
            str(e["mmsi"]),
            "" if e["other_mmsi"] is None else str(e["other_mmsi"]),
            f"{e['confidence']:.2f}",
            f"{e['lat']:.4f}",
            f"{e['lon']:.4f}",
            (e["zone"] or "-") + (" (coverage gap)" if e["details"].get("reason") == "coverage_gap" else ""),
        )
        for e in events
    ]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"{len(rows)} event(s)")
    return "\n".join(lines)


def cmd_events(args: argparse.Namespace) -> int:
    """``maritime events``: list events."""
    text = format_events(_fetch(args), args.format)
    sys.stdout.write(text + "\n")
    return 0
