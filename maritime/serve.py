"""``maritime serve``: live ingest, incremental detection and the watch-floor dashboard in one
process, sharing one DuckDB database through cursors across threads.

Threads: the web server (main thread, one thread per request), live ingest (feeds →
decode → store, committed every 0.5 s), detection (every ``--detect-every`` seconds of wall
time) and a monitor that raises an alert when a feed goes silent.

``--replay FILE --speed N`` feeds a recorded NMEA file through the live path at N× real
speed: the lines' own data times (tag-block ``c:``) pace the replay, and the lines keep
those times, so a review or a demo looks exactly like a live watch.

Security: binds 127.0.0.1 by default and refuses any non-loopback address unless
credentials are configured (``MARITIME_USERS``, ``MARITIME_TOKEN`` or ``--auth-file``; see
:class:`dashboard.app.Credentials`); when they are, every request must carry them.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import logging
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from maritime.arguments import add_db_option, positive_seconds
from maritime.errors import MaritimeError
from maritime.sources.live import FeedStatus, LiveLine

log = logging.getLogger("maritime.serve")
UTC = UTC

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


# -- replay ----------------------------------------------------------------------------------

_TAG_TIME = re.compile(rb"^\\(?:[^\\]*?[,:])?c:(\d{9,13})")
_TRAILER_TIME = re.compile(rb",(\d{10}(?:\.\d+)?)\s*$")


def line_data_time(line: bytes) -> float | None:
    """Data time (UNIX seconds) a recorded line carries: tag-block ``c:`` (seconds or
    milliseconds) or a trailing UNIX time (USCG NAIS style); ``None`` if it carries none."""
    m = _TAG_TIME.match(line)
    if m:
        v = int(m.group(1))
        return v / 1000.0 if v > 100_000_000_000 else float(v)
    if line.startswith((b"!", b"\\")):
        m = _TRAILER_TIME.search(line)
        if m and b"*" in line[: m.start()]:
            return float(m.group(1))
    return None


class ReplayFeed:
    """A recorded file played through the live path at ``speed``× real time.

    Pacing follows the data: a line stamped ``t`` is released ``(t - t0) / speed`` seconds
    after the first stamped line. Lines without a time of their own (later parts of a
    multi-sentence group) go out with the line before them. ``speed <= 0`` releases lines as
    fast as the ingest takes them. The lines keep their own tag-block times, so the decoder
    stamps reports with data time, not arrival time.
    """

    def __init__(self, path: str | Path, speed: float = 1.0) -> None:
        self.path = Path(path)
        self.speed = float(speed)
        self.url = f"replay://{self.path.name}"
        self.status = FeedStatus(self.url)
        self.finished = False
        self.data_time: float | None = None  # data time of the latest line released

    def lines(self, stop: threading.Event) -> Iterator[LiveLine]:
        from maritime.ingest import open_decompressed

        t0 = w0 = None
        try:
            with open(self.path, "rb") as raw_file:
                stream = open_decompressed(io.BufferedReader(raw_file))  # type: ignore[arg-type]
                self.status.connected = True
                for raw in stream:
                    if stop.is_set():
                        return
                    self.status.bytes += len(raw)
                    line = raw.rstrip(b"\r\n")
                    if not line:
                        continue
                    t = line_data_time(line)
                    if t is not None:
                        self.data_time = t
                        if t0 is None:
                            t0, w0 = t, time.monotonic()
                        elif self.speed > 0:
                            delay = w0 + (t - t0) / self.speed - time.monotonic()
                            if delay > 0.02 and stop.wait(delay):
                                return
                    now = time.time()
                    self.status.lines += 1
                    self.status.last_line_at = now
                    yield LiveLine(line, now, self.url)
        except OSError as exc:
            self.status.last_error = f"{exc.strerror or exc}"
            log.error("replay %s: %s", self.path, exc)
        finally:
            self.status.connected = False
            self.finished = True


# -- health ----------------------------------------------------------------------------------


class Health:
    """What the health panel shows: feeds, message rate, ingest counters, detection.

    Updated by the ingest (``on_commit``), the monitor and the detection threads; read by
    the web threads through :meth:`snapshot`.
    """

    def __init__(self, feeds: list, silence_s: float = 120.0, rate_window_s: float = 60.0) -> None:
        self.feeds = feeds
        self.silence_s = silence_s
        self.rate_window_s = rate_window_s
        self.started_at = time.time()
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.batches: deque = deque()  # (wall time, messages decoded)
        self.feed_lines: dict[str, deque] = {f.url: deque() for f in feeds}
        self.detection: dict[str, Any] = {}
        self.ingest_error: str | None = None

    def on_commit(self, batch: Counter) -> None:
        now = time.time()
        with self.lock:
            self.counts.update(batch)
            self.batches.append((now, batch.get("decoded", 0)))
            while self.batches and self.batches[0][0] < now - self.rate_window_s:
                self.batches.popleft()

    def sample_feeds(self) -> None:
        """Record each feed's line count (for per-feed rates); call every few seconds."""
        now = time.time()
        with self.lock:
            for f in self.feeds:
                d = self.feed_lines[f.url]
                d.append((now, f.status.lines))
                while len(d) > 2 and d[0][0] < now - self.rate_window_s:
                    d.popleft()

    def feed_state(self, feed, now: float | None = None) -> str:
        now = now or time.time()
        if isinstance(feed, ReplayFeed):
            return "finished" if feed.finished else "replaying"
        st = feed.status
        last = st.last_line_at or self.started_at
        if now - last > self.silence_s:
            return "silent"
        return "connected" if st.connected else "down"

    def rate(self) -> float:
        now = time.time()
        with self.lock:
            msgs = sum(n for t, n in self.batches if t >= now - self.rate_window_s)
        span = min(self.rate_window_s, max(1.0, now - self.started_at))
        return msgs / span

    def snapshot(self) -> dict[str, Any]:
        now = time.time()
        feeds = []
        with self.lock:
            counts = dict(self.counts)
            for f in self.feeds:
                st = f.status.snapshot()
                d = self.feed_lines.get(f.url) or deque()
                rate = 0.0
                if len(d) >= 2 and d[-1][0] > d[0][0]:
                    rate = (d[-1][1] - d[0][1]) / (d[-1][0] - d[0][0])
                feeds.append(
                    {
                        "url": st.url,
                        "connected": st.connected,
                        "last_line_at": st.last_line_at,
                        "lines": st.lines,
                        "reconnects": st.reconnects,
                        "last_error": st.last_error,
                        "rate": rate,
                        "state": self.feed_state(f, now),
                    }
                )
            detection = dict(self.detection)
        return {
            "feeds": feeds,
            "rate": self.rate(),
            "counts": counts,
            "started_at": self.started_at,
            "detection": detection,
            "ingest_error": self.ingest_error,
            "silence_s": self.silence_s,
        }


# -- background work -----------------------------------------------------------------------------


def _ingest_thread(store, feeds, options, health: Health, stop: threading.Event) -> None:
    from maritime.ingest import LiveIngest

    own_stop = threading.Event()  # LiveIngest sets its own stop when it ends; don't stop the server with it
    threading.Thread(target=lambda: (stop.wait(), own_stop.set()), daemon=True, name="ingest stop").start()
    live = LiveIngest(store, feeds, options, on_commit=health.on_commit)
    try:
        live.run(own_stop)
    except Exception as exc:  # noqa: BLE001 - keep the watch floor up; show the failure
        log.exception("live ingest stopped")
        health.ingest_error = f"{type(exc).__name__}: {exc}"


def _detection_count(result: Any) -> int | None:
    if isinstance(result, int):
        return result
    if isinstance(result, dict):
        for k in ("events_written", "events", "written"):
            if isinstance(result.get(k), int):
                return result[k]
    for k in ("events_written", "events", "written"):
        v = getattr(result, k, None)
        if isinstance(v, int):
            return v
    return None


def _detection_thread(store, health: Health, every_s: float, stop: threading.Event) -> None:
    try:
        from maritime.detect.runner import run_detection  # type: ignore
    except ImportError as exc:
        health.detection = {"available": False, "error": f"maritime.detect.runner: {exc}"}
        log.warning("detection unavailable: %s", exc)
        return
    cur = store.cursor()
    health.detection = {"available": True, "last_run": None}
    try:
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                result = run_detection(cur)
                n = _detection_count(result)
                health.detection = {
                    "available": True,
                    "last_run": time.time(),
                    "seconds": time.monotonic() - t0,
                    "events": n if n is not None else "?",
                    "error": None,
                }
            except Exception as exc:  # noqa: BLE001
                log.exception("detection run failed")
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001
                    pass
                health.detection = {
                    **health.detection,
                    "last_run": time.time(),
                    "seconds": time.monotonic() - t0,
                    "error": f"{type(exc).__name__}: {exc}",
                }
            stop.wait(every_s)
    finally:
        cur.close()


def _monitor_thread(store, health: Health, stop: threading.Event, every_s: float = 2.0) -> None:
    """Sample feed rates; raise an alert when a live feed goes silent, close it when it talks."""
    from dashboard import queries as q

    cur = store.cursor()
    alerted: dict[str, bool] = {}
    try:
        while not stop.wait(every_s):
            health.sample_feeds()
            now = time.time()
            for f in health.feeds:
                if isinstance(f, ReplayFeed):
                    continue
                state = health.feed_state(f, now)
                try:
                    if state == "silent" and not alerted.get(f.url):
                        since = f.status.last_line_at or health.started_at
                        q.raise_feed_alert(cur, f.url, datetime.fromtimestamp(since, UTC), f.status.last_error)
                        alerted[f.url] = True
                    elif state != "silent" and alerted.get(f.url):
                        q.resolve_feed_alert(cur, f.url)
                        alerted[f.url] = False
                except Exception:  # noqa: BLE001
                    log.exception("feed alert for %s", f.url)
    finally:
        cur.close()


# -- command line ----------------------------------------------------------------------------------


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"port {v} is out of range 0-65535 (0 picks a free port)")
    return v


def add_arguments(p: argparse.ArgumentParser) -> None:

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
    p.add_argument(
        "--accept-dummy-tag-checksum",
        action="store_true",
        help="accept tag blocks whose checksum is the placeholder *00",
    )


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``serve`` to the ``maritime`` command's subparsers."""
    p = subparsers.add_parser(
        "serve",
        help="run the watch-floor dashboard with live ingest and detection",
        description="Live ingest, incremental detection and the watch-floor dashboard in one process.",
    )
    add_arguments(p)
    return p


class ServeError(MaritimeError):
    """A setting that stops the server from starting; the message says what to do."""


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, credentials) -> None:
    """Refuse a non-loopback address without credentials."""
    if not is_loopback(host) and not credentials.configured:
        raise ServeError(
            f"refusing to serve on {host} without credentials: set MARITIME_USERS or MARITIME_TOKEN, "
            "or give --auth-file (or bind 127.0.0.1)"
        )


def _build_feeds(args) -> list:
    from maritime.sources.tcp import TcpFeed
    from maritime.sources.udp import UdpFeed
    from maritime.sources.url import parse_feed_url

    feeds: list = []
    for url in args.listen:
        try:
            scheme, host, port = parse_feed_url(url)
        except ValueError as exc:
            raise ServeError(str(exc)) from None
        feeds.append(TcpFeed(host, port, watchdog_s=args.watchdog) if scheme == "tcp" else UdpFeed(host, port))
    for path in args.replay:
        if not Path(path).is_file():
            raise ServeError(f"--replay {path}: no such file")
        feeds.append(ReplayFeed(path, args.speed))
    return feeds


def cmd_serve(args: argparse.Namespace) -> int:
    """``maritime serve``: run until SIGINT/SIGTERM. A setting that prevents starting prints
    one line, ``maritime: error: ...``, and returns 2."""
    try:
        return _serve(args)
    except ServeError as exc:
        print(f"maritime: error: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from dashboard.app import Credentials, CredentialsError, create_app
    from maritime.decode.pipeline import DecodeOptions
    from maritime.ingest import IngestOptions
    from maritime.store.database import Store, resolve_db_path

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        creds = Credentials.load(path=args.auth_file)
    except CredentialsError as exc:
        raise ServeError(str(exc)) from None
    check_bind(args.host, creds)
    feeds = _build_feeds(args)
    options = IngestOptions(
        decode=DecodeOptions(accept_dummy_tag_checksum=args.accept_dummy_tag_checksum, default_station=args.station)
    )
    db = resolve_db_path(args.db)
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]i?B\s*", args.memory_limit or "", re.IGNORECASE):
        raise ServeError(f"--memory-limit {args.memory_limit!r}: write a size such as 2GB or 512MB")
    store = Store(db, memory_limit=args.memory_limit.strip())
    health = Health(feeds, silence_s=args.feed_silence)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        app = create_app(store.cursor, health=health.snapshot, credentials=creds, refresh_s=args.refresh)
        try:
            server = make_server(args.host, args.port, app.server, threaded=True)
        except OSError as exc:
            raise ServeError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        if feeds:
            threads.append(
                threading.Thread(
                    target=_ingest_thread, args=(store, feeds, options, health, stop), name="ingest", daemon=True
                )
            )
        if not args.no_detect:
            threads.append(
                threading.Thread(
                    target=_detection_thread, args=(store, health, args.detect_every, stop), name="detect", daemon=True
                )
            )
        threads.append(
            threading.Thread(target=_monitor_thread, args=(store, health, stop), name="monitor", daemon=True)
        )
        for t in threads:
            t.start()

        def _stop(*_: Any) -> None:
            if not stop.is_set():
                stop.set()
                threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(
            f"maritime serve: watch floor at http://{host}:{server.server_port}/ (database {db}"
            f"{'; ' + ', '.join(f.url for f in feeds) if feeds else ''}"
            f"{'; sign-in required' if creds.configured else ''}); Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            stop.set()
            server.server_close()
            for t in threads:
                t.join(timeout=10)
    finally:
        store.close()
    snap = health.snapshot()
    c = snap["counts"]
    if feeds:
        print(
            f"maritime serve: stopped; {c.get('lines_read', 0):,} lines read, {c.get('positions_stored', 0):,} "
            f"positions stored, {c.get('rejected', 0):,} rejected",
            file=sys.stderr,
        )
    return 0


def serve_database(db: str | Path, *options: str) -> int:
    """Serve the dashboard over ``db`` until Ctrl-C (e.g. at the end of ``maritime demo``);
    ``options`` are ``maritime serve`` options, e.g. ``"--port", "8050"``."""
    p = argparse.ArgumentParser(prog="maritime serve")
    add_arguments(p)
    return cmd_serve(p.parse_args(["--db", str(db), *options]))


def main(argv: list[str] | None = None) -> int:
    """``python -m maritime.serve``: the same as ``maritime serve``."""
    logging.basicConfig(level=logging.WARNING, format="maritime serve: %(levelname)s %(message)s")
    p = argparse.ArgumentParser(
        prog="maritime serve", description="Live ingest, incremental detection and the watch-floor dashboard."
    )
    add_arguments(p)
    args = p.parse_args(argv)
    from maritime.store.database import StoreError

    try:
        return cmd_serve(args)
    except StoreError as exc:
        print(f"maritime: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
