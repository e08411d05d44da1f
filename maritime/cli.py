"""The ``maritime`` command line: a thin adapter over ingest, live feeds, detection, the
Parquet archive, the dashboard server and the demo.

Errors a user can fix print one line, ``maritime: error: ...``, and exit 2; nothing
prints a traceback unless ``MARITIME_DEBUG=1`` is set.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from maritime.alerts.cli import add_alert_options, cmd_alerts, cmd_rules
from maritime.alerts.cli import add_parsers as add_alert_parsers
from maritime.analytics.cli import COMMANDS as ANALYTICS_COMMANDS
from maritime.analytics.cli import add_parsers as add_analytics_parsers
from maritime.analytics.cli import update_risk_after_detect
from maritime.archive.cli import add_cell_option, cmd_archive
from maritime.archive.cli import add_parser as add_archive_parser
from maritime.arguments import add_db_option, parse_time, positive_seconds
from maritime.dashboard.server import add_parser as add_serve_parser
from maritime.dashboard.server import cmd_serve
from maritime.decode.assembly import DEFAULT_TTL_US
from maritime.decode.pipeline import DEFAULT_DEDUP_WINDOW_US, DecodeOptions
from maritime.detect.anchorage_cli import add_parser as add_anchorages_parser
from maritime.detect.anchorage_cli import cmd_anchorages
from maritime.detect.cli import add_parsers as add_detect_parsers
from maritime.detect.cli import cmd_detect, cmd_events
from maritime.errors import MaritimeError, UsageError
from maritime.ingest.options import add_contact_options, contact_options

if TYPE_CHECKING:
    from maritime.ingest.options import IngestOptions
    from maritime.store.database import Store


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, then exit 2
        self.exit(
            2,
            f"maritime: error: {message} (see `maritime {self.prog.split()[-1]} --help`)\n"
            if " " in self.prog
            else f"maritime: error: {message} (see `maritime --help`)\n",
        )


def _station_name(text: str) -> str:
    """A ``--station`` value: printable, at most :data:`MAX_TEXT_CHARS` characters."""
    from maritime.store.database import MAX_TEXT_CHARS

    name = text.strip()
    if not name or len(name) > MAX_TEXT_CHARS or not name.isprintable():
        raise argparse.ArgumentTypeError(f"a station name is 1 to {MAX_TEXT_CHARS} printable characters")
    return name


def _decode_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("decoding")
    g.add_argument(
        "--station", metavar="NAME", type=_station_name, help="station name for lines whose tag block names none"
    )
    g.add_argument(
        "--accept-dummy-tag-checksum",
        action="store_true",
        help="accept tag blocks whose checksum is the placeholder *00 (some providers write it); never the default",
    )
    g.add_argument(
        "--fragment-ttl",
        type=positive_seconds,
        default=DEFAULT_TTL_US / 1e6,
        metavar="S",
        help="seconds of data time a multi-sentence message may take to arrive (default %(default)s)",
    )
    g.add_argument(
        "--dedup-window",
        type=positive_seconds,
        default=DEFAULT_DEDUP_WINDOW_US / 1e6,
        metavar="S",
        help="same MMSI and payload within this many seconds is one transmission (default %(default)s)",
    )
    add_contact_options(p)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="maritime", description="Maritime patrol and vessel anomaly monitor.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "ingest",
        help="load recorded AIS files, folders or - (stdin) into the database",
        description="Load recorded AIS (NMEA 0183, optionally gzip/bz2) or decoded CSV files.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or - for standard input")
    add_db_option(p)
    p.add_argument("--format", choices=("nmea", "csv"), help="input format (default: detect)")
    p.add_argument(
        "--columns",
        metavar="SPEC",
        help="CSV column mapping, e.g. 'mmsi=MMSI,ts=Time:unix_ms,lat=Latitude,lon=Longitude'",
    )
    p.add_argument(
        "--start", metavar="TIME", help="UTC time the recording began, for files without time stamps (ISO 8601)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--reingest",
        action="store_true",
        help="replace what earlier ingests of the same files stored (a repaired file, corrected options)",
    )
    g = p.add_argument_group("straight into a Parquet archive (bulk loads larger than one database)")
    g.add_argument(
        "--archive",
        metavar="DEST",
        help="write positions to the Parquet archive DEST (folder or s3:// URL) instead of --db",
    )
    add_cell_option(g)
    g.add_argument(
        "--staging",
        metavar="FILE",
        help="staging database of --archive (default: DEST/_maritime/staging.duckdb, or a cache "
        "file for a remote DEST)",
    )
    _decode_options(p)

    p = sub.add_parser("listen", help="ingest live AIS feeds (tcp://host:port client, udp://host:port listener)")
    p.add_argument("urls", nargs="+", metavar="URL")
    add_db_option(p)
    p.add_argument(
        "--watchdog",
        type=positive_seconds,
        default=60.0,
        metavar="S",
        help="reconnect a TCP feed silent for this many seconds (default %(default)s)",
    )
    p.add_argument("--duration", type=positive_seconds, metavar="S", help="stop after this many seconds")
    _decode_options(p)

    add_detect_parsers(sub)
    add_alert_options(sub.choices["detect"])
    add_alert_parsers(sub)
    add_archive_parser(sub)
    add_serve_parser(sub)
    add_anchorages_parser(sub)
    add_analytics_parsers(sub)

    p = sub.add_parser("demo", help="ingest the bundled Eastern Pacific sample into a fresh database, detect, show")
    p.add_argument(
        "--db", metavar="FILE", default="maritime-demo.duckdb", help="database to (re)create (default %(default)s)"
    )
    p.add_argument("--port", type=int, default=8050, help="dashboard port on 127.0.0.1 (default %(default)s)")
    p.add_argument("--no-serve", action="store_true", help="stop after printing, do not serve the dashboard")
    return parser


def _make_decode_options(args: argparse.Namespace, start: datetime | None = None) -> DecodeOptions:
    return DecodeOptions(
        accept_dummy_tag_checksum=args.accept_dummy_tag_checksum,
        fragment_ttl_us=int(args.fragment_ttl * 1e6),
        dedup_window_us=int(args.dedup_window * 1e6),
        default_station=args.station,
        start_time_us=int(start.timestamp() * 1_000_000) if start else None,
    )


#: DuckDB memory for ingest: bulk appends need little, and the cap keeps a multi-GB ingest
#: (decoder and DuckDB together) under 1 GB of resident memory.
INGEST_DUCKDB_MEMORY = "256MB"


def _open_store(db: str | None, dedup_window_us: int = DEFAULT_DEDUP_WINDOW_US) -> Store:
    from maritime.store.database import Store, resolve_db_path

    return Store(resolve_db_path(db), dedup_window_us=dedup_window_us, memory_limit=INGEST_DUCKDB_MEMORY)


def cmd_ingest(args: argparse.Namespace) -> int:
    from maritime.decode.csv.mapping import parse_mapping
    from maritime.ingest.options import IngestOptions
    from maritime.ingest.recordings import ingest_paths

    start = parse_time(args.start) if args.start else None
    try:
        mapping = parse_mapping(args.columns) if args.columns else None
    except ValueError as exc:
        raise UsageError(f"--columns: {exc}") from None
    options = IngestOptions(
        decode=_make_decode_options(args, start),
        fmt=args.format,
        mapping=mapping,
        progress=not args.no_progress,
        reingest=args.reingest,
        contacts=contact_options(args),
    )
    if args.archive:
        return _ingest_to_archive(args, options)
    if args.cell_deg or args.staging:
        raise UsageError("--cell-deg and --staging go with --archive DEST")
    store = _open_store(args.db, options.decode.dedup_window_us)
    try:
        summary = ingest_paths(store, args.paths, options)
    finally:
        store.close()
    print("\n".join(summary.lines()))
    summary.raise_failures()
    return 0


def _ingest_to_archive(args: argparse.Namespace, options: IngestOptions) -> int:
    from maritime.archive.bulk import ingest_to_archive, staging_path
    from maritime.archive.layout import open_archive, removed_if_failed

    if args.db:
        raise UsageError("give either --db or --archive, not both (ingest --archive writes no database)")
    if "-" in args.paths:
        raise UsageError("--archive takes files and folders, not - (standard input): ingest stdin with --db")
    with removed_if_failed(args.archive):
        arch = open_archive(args.archive)
        store = _open_store(str(staging_path(arch, args.staging)), options.decode.dedup_window_us)
        try:
            summary, archived = ingest_to_archive(store, arch, args.paths, options, args.cell_deg)
        finally:
            store.close()
    print("\n".join(summary.lines() + archived.lines(args.archive)))
    summary.raise_failures()
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    from maritime.ingest.live import LiveIngest
    from maritime.ingest.options import IngestOptions
    from maritime.sources.live import LineFeed
    from maritime.sources.tcp import TcpFeed
    from maritime.sources.udp import UdpFeed
    from maritime.sources.url import parse_feed_url

    feeds: list[LineFeed] = []
    for url in args.urls:
        try:
            scheme, host, port = parse_feed_url(url)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        feeds.append(TcpFeed(host, port, watchdog_s=args.watchdog) if scheme == "tcp" else UdpFeed(host, port))
    options = IngestOptions(decode=_make_decode_options(args), contacts=contact_options(args))
    store = _open_store(args.db, options.decode.dedup_window_us)
    stop = threading.Event()
    if args.duration is not None:
        threading.Timer(args.duration, stop.set).start()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or a service stop: finish cleanly
        signal.signal(sig, lambda *_: stop.set())
    live = LiveIngest(store, feeds, options)
    print(f"listening to {', '.join(f.url for f in feeds)}; Ctrl-C stops", file=sys.stderr)
    try:
        live.run(stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        store.close()
    from collections import Counter

    from maritime.ingest.summary import Summary

    summary = Summary()
    summary.add(live.counts)
    summary.add(Counter(udp_dropped=sum(f.status.dropped for f in feeds if isinstance(f, UdpFeed))))
    print("\n".join(summary.lines()))
    return 0


def cmd_detect_and_alert(args: argparse.Namespace) -> int:
    """``maritime detect``, then the vessel risk update over the events it wrote
    (:mod:`maritime.analytics.risk_store`), then with ``--rules``/``--watchlist`` evaluate every event and watch
    list and queue the alerts (for the sinks of ``--sinks``; `maritime serve --sinks` sends them)."""
    from maritime.alerts.live import load_options, raise_once
    from maritime.store.database import Store, resolve_db_path

    options = load_options(args.rules, args.watchlist, args.sinks)  # checked before detecting
    if options is not None and args.engine == "dask" and not args.db:
        raise UsageError("--rules, --watchlist and --sinks with --engine dask need --db (where alerts are queued)")
    status = cmd_detect(args)
    if status != 0:
        return status
    update_risk_after_detect(args)
    if options is None:
        return 0
    store = Store(resolve_db_path(args.db))
    try:
        result = raise_once(store.con, options)
    finally:
        store.close()
    print(
        f"alerts: {result.count('new')} new, {result.count('raised')} raised, {result.count('closed')} on closed "
        f"events ({result.watchlist_hits} watch-list hit(s); queued for {', '.join(options.sink_names) or 'no sink'})"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from maritime.demo import run_demo

    return run_demo(Path(args.db), serve=not args.no_serve, port=args.port)


COMMANDS = {
    "ingest": cmd_ingest,
    "listen": cmd_listen,
    "detect": cmd_detect_and_alert,
    "events": cmd_events,
    "serve": cmd_serve,
    "demo": cmd_demo,
    "archive": cmd_archive,
    "anchorages": cmd_anchorages,
    "rules": cmd_rules,
    "alerts": cmd_alerts,
    **ANALYTICS_COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        rc = COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader gone away shows here, not as a message at exit
        return rc
    except BrokenPipeError:
        # the reader of the output went away (`maritime events | head`): stop quietly, as Unix
        # tools do (128 + SIGPIPE); what the command committed is kept
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except MaritimeError as exc:
        if os.environ.get("MARITIME_DEBUG"):
            raise
        print(f"maritime: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if os.environ.get("MARITIME_DEBUG"):
            raise
        print(
            f"maritime: error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        print(
            "maritime: interrupted; committed batches are kept: run the same command again to resume", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
