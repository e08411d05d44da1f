"""The live process without its UI: live ingest, incremental detection and feed health, each in
a thread, sharing one DuckDB database through cursors (:meth:`Store.cursor`).

Threads: live ingest (feeds → decode → store, committed every 0.5 s), detection (every
``detect_every`` seconds of wall time) and a monitor that raises a feed-silence alert when a
live feed goes silent. :class:`Health` is what they report; the dashboard reads its
:meth:`Health.snapshot`. ``maritime serve`` (:mod:`maritime.dashboard.server`) runs these
threads beside the web server; this module never imports the dashboard.

Wall time is used here only for what concerns the receivers themselves (message rates, feed
silence, the detection schedule); what the data says is always stamped with data time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb

from maritime.alerts.live import AlertLoops
from maritime.analytics.risk_store import update_risk
from maritime.detect.contact_runner import correlate_pending
from maritime.detect.live import LiveDetection
from maritime.errors import MaritimeError
from maritime.ingest.live import LiveIngest
from maritime.ingest.options import IngestOptions
from maritime.sources.live import FeedStatus, LineFeed
from maritime.sources.replay import ReplayFeed
from maritime.sources.tcp import TcpFeed
from maritime.sources.udp import UdpFeed
from maritime.sources.url import parse_feed_url
from maritime.store.database import Store
from maritime.store.feed_alerts import raise_feed_alert, resolve_feed_alert

log = logging.getLogger("maritime.runtime")

#: A live feed silent this long (seconds of wall time) raises an alert; ``--feed-silence``.
DEFAULT_SILENCE_S = 120.0
#: Message rates are averaged over this many seconds of wall time.
RATE_WINDOW_S = 60.0


class Feed(LineFeed, Protocol):
    """What the runtime needs of a source: the lines the ingest reads, and its live status."""

    status: FeedStatus


class FeedSetupError(MaritimeError):
    """A feed given on the command line cannot be used; the message says why."""


def build_feeds(
    listen: Sequence[str], replay: Sequence[str], speed: float = 1.0, watchdog_s: float = 60.0
) -> list[Feed]:
    """The feeds of ``--listen URL`` (tcp:// client or udp:// listener) and ``--replay FILE``
    (played at ``speed``× real time)."""
    feeds: list[Feed] = []
    for url in listen:
        try:
            scheme, host, port = parse_feed_url(url)
        except ValueError as exc:
            raise FeedSetupError(str(exc)) from None
        feeds.append(TcpFeed(host, port, watchdog_s=watchdog_s) if scheme == "tcp" else UdpFeed(host, port))
    for path in replay:
        if not Path(path).is_file():
            raise FeedSetupError(f"--replay {path}: no such file")
        feeds.append(ReplayFeed(path, speed))
    return feeds


class Health:
    """What the health panel shows: feeds, message rate, ingest counters, detection.

    Updated by the ingest (``on_commit``), the monitor and the detection threads; read by the
    web threads through :meth:`snapshot`. Rates are messages per second of wall time over
    ``rate_window_s``; a live feed with no line for ``silence_s`` seconds is "silent".
    """

    def __init__(
        self, feeds: Sequence[Feed], silence_s: float = DEFAULT_SILENCE_S, rate_window_s: float = RATE_WINDOW_S
    ) -> None:
        self.feeds = list(feeds)
        self.silence_s = silence_s
        self.rate_window_s = rate_window_s
        self.started_at = time.time()
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.batches: deque[tuple[float, int]] = deque()  # (wall time, messages decoded)
        self.feed_lines: dict[str, deque[tuple[float, int]]] = {f.url: deque() for f in self.feeds}
        self.detection: dict[str, Any] = {}
        self.ingest_error: str | None = None

    def on_commit(self, batch: Counter[str]) -> None:
        """Count a committed batch (called by the live ingest)."""
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

    def feed_state(self, feed: Feed, now: float | None = None) -> str:
        """``replaying``/``finished`` (a replay), else ``silent``, ``connected`` or ``down``."""
        now = now or time.time()
        if isinstance(feed, ReplayFeed):
            return "finished" if feed.finished else "replaying"
        st = feed.status
        last = st.last_line_at or self.started_at
        if now - last > self.silence_s:
            return "silent"
        return "connected" if st.connected else "down"

    def rate(self) -> float:
        """Messages decoded per second of wall time over the rate window."""
        now = time.time()
        with self.lock:
            msgs = sum(n for t, n in self.batches if t >= now - self.rate_window_s)
        span = min(self.rate_window_s, max(1.0, now - self.started_at))
        return msgs / span

    def snapshot(self) -> dict[str, Any]:
        """Plain values for the page: ``feeds``, ``rate``, ``counts``, ``detection``, ..."""
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
                        "dropped": st.dropped,  # UDP: datagrams the kernel dropped (buffer full)
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


# -- the threads ---------------------------------------------------------------------------------


def ingest_thread(
    store: Store, feeds: Sequence[Feed], options: IngestOptions, health: Health, stop: threading.Event
) -> None:
    """Run the live ingest of ``feeds`` until ``stop``; a failure is shown in ``health``."""
    own_stop = threading.Event()  # LiveIngest sets its own stop when it ends; don't stop the server with it

    def _relay() -> None:
        stop.wait()
        own_stop.set()

    threading.Thread(target=_relay, daemon=True, name="ingest stop").start()
    live = LiveIngest(store, list(feeds), options, on_commit=health.on_commit)
    try:
        live.run(own_stop)
    except Exception as exc:  # noqa: BLE001 - keep the watch floor up; show the failure
        log.exception("live ingest stopped")
        health.ingest_error = f"{type(exc).__name__}: {exc}"


def detection_thread(
    store: Store, health: Health, every_s: float, stop: threading.Event, cur: duckdb.DuckDBPyConnection | None = None
) -> None:
    """Run incremental detection every ``every_s`` seconds of wall time until ``stop``, on
    ``cur`` (a new cursor by default), with the zones and thresholds stored in the database
    (:func:`maritime.detect.runner.use_settings`; ``serve --zones/--config`` store them before
    this starts); :meth:`Runtime.close` interrupts its queries. Each cycle reads only the
    reports stored since the last one and recomputes what they can change
    (:class:`maritime.detect.live.LiveDetection`)."""
    cur = cur or store.cursor()
    health.detection = {"available": True, "last_run": None}
    live = LiveDetection(cur)
    try:
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                result = live.cycle()
                update_risk(cur)  # incremental: only vessels whose events changed
                health.detection = {
                    "available": True,
                    "last_run": time.time(),
                    "seconds": time.monotonic() - t0,
                    "events": result.written,
                    "error": None,
                }
            except Exception as exc:  # noqa: BLE001 - a failed run is shown, the next one may succeed
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - nothing to roll back
                    pass
                if stop.is_set():
                    break  # interrupted by the stop: not a failure
                log.exception("detection run failed")
                health.detection = {
                    **health.detection,
                    "last_run": time.time(),
                    "seconds": time.monotonic() - t0,
                    "error": f"{type(exc).__name__}: {exc}",
                }
            stop.wait(every_s)
    finally:
        cur.close()


def correlation_thread(store: Store, stop: threading.Event, every_s: float = 0.5) -> None:
    """Correlate newly stored contacts with AIS every ``every_s`` seconds until ``stop``, so a
    live radar contact carries its match within about a second, between detection runs."""
    cur = store.cursor()
    try:
        while not stop.wait(every_s):
            try:
                correlate_pending(cur)
            except Exception:  # noqa: BLE001 - the next round tries again
                try:
                    cur.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - nothing to roll back
                    pass
                if not stop.is_set():
                    log.exception("contact correlation failed")
    finally:
        cur.close()


def monitor_thread(store: Store, health: Health, stop: threading.Event, every_s: float = 2.0) -> None:
    """Sample feed rates; raise an alert when a live feed goes silent, close it when it talks."""
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
                        raise_feed_alert(
                            cur,
                            f.url,
                            datetime.fromtimestamp(since, UTC),
                            f.status.last_error,
                            datetime.fromtimestamp(now, UTC),
                        )
                        alerted[f.url] = True
                    elif state != "silent" and alerted.get(f.url):
                        resolve_feed_alert(cur, f.url, datetime.fromtimestamp(now, UTC))
                        alerted[f.url] = False
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("feed alert for %s", f.url)
    finally:
        cur.close()


@dataclass
class Runtime:
    """The background threads of the live process, started together and stopped together."""

    store: Store
    feeds: Sequence[Feed]
    options: IngestOptions
    health: Health
    detect_every_s: float | None = 10.0  #: ``None``: no detection in this process
    correlate_every_s: float = 0.5  #: new contacts are matched with AIS this often (live feeds)
    stop: threading.Event = field(default_factory=threading.Event, init=False)
    threads: list[threading.Thread] = field(default_factory=list, init=False)
    detect_cursor: duckdb.DuckDBPyConnection | None = field(default=None, init=False)
    alerts: AlertLoops | None = field(default=None, init=False)  #: ``serve --rules/--watchlist/--sinks``

    def start(self) -> None:
        """Start ingest (when there are feeds), detection (unless disabled) and the monitor."""
        if self.feeds:
            self._spawn("ingest", ingest_thread, self.store, self.feeds, self.options, self.health, self.stop)
        if self.detect_every_s is not None:
            self.detect_cursor = self.store.cursor()
            args = (self.store, self.health, self.detect_every_s, self.stop, self.detect_cursor)
            self._spawn("detect", detection_thread, *args)
            if self.feeds:
                self._spawn("correlate", correlation_thread, self.store, self.stop, self.correlate_every_s)
        self._spawn("monitor", monitor_thread, self.store, self.health, self.stop)
        if self.alerts is not None:  # evaluate rules and watch lists; deliver to the sinks
            self._spawn("alerts", self.alerts.raise_loop, self.stop)
            self._spawn("deliver", self.alerts.deliver_loop, self.stop)

    def _spawn(self, name: str, target: Any, *args: Any) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads.append(t)
        t.start()

    def close(self, deadline: float) -> bool:
        """Stop every thread, interrupting a detection query under way, and wait for them until
        ``deadline`` (``time.monotonic()``); ``True`` when all have ended."""
        self.stop.set()
        for t in self.threads:
            while t.is_alive() and time.monotonic() < deadline:
                if t.name == "detect" and self.detect_cursor is not None:
                    try:
                        self.detect_cursor.interrupt()  # the next query of the run is interrupted too
                    except duckdb.Error:
                        pass
                t.join(timeout=0.05)
        return not any(t.is_alive() for t in self.threads)
