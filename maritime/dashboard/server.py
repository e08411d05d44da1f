"""``maritime serve``: the watch-floor dashboard with live ingest and incremental detection in
one process, sharing one DuckDB database through cursors across threads.

The web server runs in the main thread (one thread per request); the live ingest, detection
and feed monitor are :class:`maritime.runtime.Runtime`'s threads. ``--replay FILE --speed N``
feeds a recorded NMEA file through the live path at N× real speed (:mod:`maritime.sources.replay`).

Security: binds 127.0.0.1 by default and refuses any non-loopback address unless credentials
are configured (``MARITIME_USERS``, ``MARITIME_TOKEN`` or ``--auth-file``; see
:class:`maritime.dashboard.auth.Credentials`); when they are, every request must carry them.

Entry points: :func:`add_parser` and :func:`cmd_serve` for the ``maritime`` command,
:func:`serve_database` for ``maritime demo``, and ``python -m maritime.dashboard.server``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from maritime.alerts.cli import add_alert_options
from maritime.arguments import add_db_option, positive_seconds
from maritime.dashboard.auth import Credentials
from maritime.errors import MaritimeError

log = logging.getLogger("maritime.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: SIGTERM or Ctrl-C stops the server within this many seconds (issue 11: within 5 s).
STOP_WITHIN_S = 4.0
_MEMORY_LIMIT = re.compile(r"\s*\d+(\.\d+)?\s*[KMGT]i?B\s*", re.IGNORECASE)


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"port {v} is out of range 0-65535 (0 picks a free port)")
    return v


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``maritime serve``."""
    add_db_option(p)
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to bind (default %(default)s; any non-loopback address needs credentials)",
    )
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port (default %(default)s; 0 = a free one)")
    p.add_argument(
        "--listen",
        action="append",
        default=[],
        metavar="URL",
        help="live feed tcp://host:port (client) or udp://host:port (listener); repeatable",
    )
    p.add_argument(
        "--replay",
        action="append",
        default=[],
        metavar="FILE",
        help="play a recorded NMEA file through the live path; repeatable",
    )
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="N",
        help="replay at N× real speed, paced by the lines' data times (default 1; 0 = as fast as possible)",
    )
    p.add_argument(
        "--detect-every",
        type=positive_seconds,
        default=10.0,
        metavar="S",
        help="run incremental detection every S seconds of wall time (default %(default)s)",
    )
    p.add_argument("--no-detect", action="store_true", help="do not run detection in this process")
    p.add_argument(
        "--zones",
        metavar="FILE",
        help="GeoJSON of patrol zones for detection, stored in the database for later runs "
        "(default: the zones stored by an earlier detect or serve, else the bundled ones)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="TOML file of detection thresholds, stored in the database for later runs "
        "(default: the stored file, else the bundled defaults)",
    )
    p.add_argument(
        "--refresh",
        type=positive_seconds,
        default=5.0,
        metavar="S",
        help="the page refreshes every S seconds (default %(default)s)",
    )
    p.add_argument(
        "--feed-silence",
        type=positive_seconds,
        default=120.0,
        metavar="S",
        help="a live feed silent this long raises an alert (default %(default)s)",
    )
    p.add_argument(
        "--watchdog",
        type=positive_seconds,
        default=60.0,
        metavar="S",
        help="reconnect a TCP feed silent for S seconds (default %(default)s)",
    )
    p.add_argument(
        "--memory-limit",
        default="2GB",
        metavar="SIZE",
        help="DuckDB memory cap for this process, e.g. 2GB (default %(default)s)",
    )
    p.add_argument(
        "--auth-file",
        metavar="FILE",
        help='TOML with [users] name = "password hash" and/or token = "…" (or $MARITIME_AUTH_FILE)',
    )
    p.add_argument("--station", metavar="NAME", help="station name for lines whose tag block names none")
    add_alert_options(p)
    p.add_argument(
        "--alert-every",
        type=positive_seconds,
        default=1.0,
        metavar="S",
        help="evaluate rules and watch lists every S seconds (default %(default)s)",
    )
    p.add_argument(
        "--accept-dummy-tag-checksum",
        action="store_true",
        help="accept tag blocks whose checksum is the placeholder *00",
    )


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``serve`` to the ``maritime`` command's subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="run the watch-floor dashboard with live ingest and detection",
        description="Live ingest, incremental detection and the watch-floor dashboard in one process.",
    )
    add_arguments(p)
    from maritime.ingest.options import add_contact_options

    add_contact_options(p)
    return p


class ServeError(MaritimeError):
    """A setting that stops the server from starting; the message says what to do."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host.lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


#: The names of this machine that a browser on it may put in the ``Host`` header.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(bind_host: str) -> tuple[str, ...] | None:
    """Host names the server answers to: on a loopback address only this machine's names (so a
    page of another site that resolves to 127.0.0.1, DNS rebinding, gets 400); ``None`` (any)
    on other addresses, where credentials are required anyway."""
    if not is_loopback(bind_host):
        return None
    return tuple(dict.fromkeys((*LOOPBACK_NAMES, bind_host.lower().strip("[]"))))


def check_bind(host: str, credentials: Credentials) -> None:
    """Refuse a non-loopback address without credentials."""
    if not is_loopback(host) and not credentials.configured:
        raise ServeError(
            f"refusing to serve on {host} without credentials: set MARITIME_USERS or MARITIME_TOKEN, "
            "or give --auth-file (or bind 127.0.0.1)"
        )


def cmd_serve(args: argparse.Namespace) -> int:
    """``maritime serve``: run until SIGINT/SIGTERM. A setting that prevents starting prints
    one line, ``maritime: error: ...``, and returns 2."""
    try:
        return _serve(args)
    except ServeError as exc:
        print(f"maritime: error: {exc}", file=sys.stderr)
        return 2


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: a free port); a port in use or an address
    that cannot be bound raises :class:`ServeError` (one line)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host.strip("[]"), port), family=family, backlog=128)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _not_ready(environ: Any, start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"The watch floor is starting.\n"]


def _serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from maritime.dashboard.app import create_app
    from maritime.dashboard.auth import CredentialsError
    from maritime.dashboard.context import AppContext
    from maritime.decode.pipeline import DecodeOptions
    from maritime.detect.cli import given_settings
    from maritime.detect.runner import use_settings
    from maritime.errors import UsageError
    from maritime.ingest.options import IngestOptions, contact_options
    from maritime.runtime import FeedSetupError, Health, Runtime, build_feeds
    from maritime.store.database import Store, resolve_db_path

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        creds = Credentials.load(path=args.auth_file)
    except CredentialsError as exc:
        raise ServeError(str(exc)) from None
    check_bind(args.host, creds)
    try:
        feeds = build_feeds(args.listen, args.replay, args.speed, args.watchdog)
    except FeedSetupError as exc:
        raise ServeError(str(exc)) from None
    options = IngestOptions(
        decode=DecodeOptions(accept_dummy_tag_checksum=args.accept_dummy_tag_checksum, default_station=args.station),
        contacts=contact_options(args),
    )
    try:
        given = given_settings(args.zones, args.config)
    except UsageError as exc:
        raise ServeError(str(exc)) from None
    from maritime.alerts.live import AlertLoops, load_options
    from maritime.alerts.model import AlertError

    try:
        alert_options = load_options(args.rules, args.watchlist, args.sinks)
    except AlertError as exc:
        raise ServeError(str(exc)) from None
    db = resolve_db_path(args.db)
    if not _MEMORY_LIMIT.fullmatch(args.memory_limit or ""):
        raise ServeError(f"--memory-limit {args.memory_limit!r}: write a size such as 2GB or 512MB")
    sock = listen(args.host, args.port)  # before the database exists: a busy port creates nothing
    try:
        server = make_server(args.host, args.port, _not_ready, threaded=True, fd=sock.fileno())
    finally:
        sock.close()  # the server holds its own duplicate of the socket
    try:
        store = Store(db, memory_limit=args.memory_limit.strip())
    except BaseException:
        server.server_close()
        raise
    try:
        if any(given):  # stored now: the detection thread (and later runs) use them
            chosen = use_settings(store.con, *given)
            print("maritime serve: " + "; ".join(chosen.lines()), file=sys.stderr, flush=True)
    except BaseException:
        store.close()
        server.server_close()
        raise
    health = Health(feeds, silence_s=args.feed_silence)
    runtime = Runtime(store, feeds, options, health, None if args.no_detect else args.detect_every)
    if alert_options is not None:
        try:
            runtime.alerts = AlertLoops(store.cursor, alert_options, args.alert_every)
        except BaseException:
            store.close()
            server.server_close()
            raise
    clean = False
    try:
        app = create_app(
            store.cursor,
            health=health.snapshot,
            credentials=creds,
            refresh_s=args.refresh,
            allowed_hosts=allowed_hosts(args.host),
        )
        ctx: AppContext = app.server.extensions["maritime"]
        server.app = app.server
        runtime.start()

        def _stop(*_: Any) -> None:
            if not runtime.stop.is_set():
                runtime.stop.set()
                threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(
            f"maritime serve: watch floor at http://{host}:{server.port}/ (database {db}"
            f"{'; ' + ', '.join(f.url for f in feeds) if feeds else ''}"
            f"{'; sign-in required' if creds.configured else ''}); Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            deadline = time.monotonic() + STOP_WITHIN_S
            server.server_close()
            clean = runtime.close(deadline) & ctx.pool.close(deadline)
    finally:
        if clean:
            store.close()
    c = health.snapshot()["counts"]
    if feeds:
        print(
            f"maritime serve: stopped; {c.get('lines_read', 0):,} lines read, {c.get('positions_stored', 0):,} "
            f"positions stored, {c.get('rejected', 0):,} rejected",
            file=sys.stderr,
        )
    if not clean:
        # a thread is still inside the database (a long computation between queries): closing
        # the connection under it, or letting the interpreter tear it down, can abort the
        # process; what was committed is in the database's WAL, so leave at once
        print("maritime serve: stopped without waiting for a busy thread", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(0)
    return 0


def serve_database(db: str | Path, *options: str) -> int:
    """Serve the dashboard over ``db`` until Ctrl-C (e.g. at the end of ``maritime demo``);
    ``options`` are ``maritime serve`` options, e.g. ``"--port", "8050"``."""
    p = argparse.ArgumentParser(prog="maritime serve")
    add_arguments(p)
    return cmd_serve(p.parse_args(["--db", str(db), *options]))


def main(argv: list[str] | None = None) -> int:
    """``python -m maritime.dashboard.server``: the same as ``maritime serve``."""
    logging.basicConfig(level=logging.WARNING, format="maritime serve: %(levelname)s %(message)s")
    p = argparse.ArgumentParser(
        prog="maritime serve", description="Live ingest, incremental detection and the watch-floor dashboard."
    )
    add_arguments(p)
    args = p.parse_args(argv)
    try:
        return cmd_serve(args)
    except MaritimeError as exc:
        print(f"maritime: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
