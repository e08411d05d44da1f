"""TCP client for an NMEA-over-TCP AIS feed (AISHub, a receiver's output port).

:class:`TcpFeed` connects to ``host:port`` and yields every complete line it receives.
It survives the network: when the connection is refused, drops (EOF, reset) or stays
silent for longer than the watchdog, it closes the socket and reconnects with
exponential backoff, recording what happened in :attr:`TcpFeed.status` instead of
raising. All durations are in seconds.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any

from maritime.sources.live import FeedStatus, LineAssembler, LiveLine, describe_error
from maritime.sources.url import format_feed_url

#: Longest time (seconds) any blocking socket call waits before ``stop`` is looked at.
POLL_S = 0.2
#: Bytes asked for per ``recv()``.
RECV_BYTES = 65536

_CONNECT_IN_PROGRESS = {
    0,
    errno.EINPROGRESS,
    errno.EWOULDBLOCK,
    errno.EALREADY,
    getattr(errno, "WSAEWOULDBLOCK", errno.EWOULDBLOCK),
}


class Backoff:
    """Delays (seconds) between reconnection attempts: ``initial``, doubling up to ``maximum``."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self._next = initial

    def next(self) -> float:
        """Return the delay to wait now, and double the following one (capped)."""
        delay = self._next
        self._next = min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        """Back to ``initial`` (after a connection that delivered data)."""
        self._next = self.initial


class TcpFeed:
    """Blocking line source reading from a TCP feed server; run :meth:`lines` in a thread.

    Parameters (seconds):

    * ``watchdog_s`` -- a connection that delivers no byte for this long is closed and
      reopened (the feed is assumed stuck).
    * ``backoff_initial_s``, ``backoff_max_s`` -- wait before each reconnection attempt,
      doubling from initial to max; back to initial after a connection that delivered data.
    * ``connect_timeout_s`` -- give up one connection attempt after this long.
    * ``clock`` -- wall clock for :attr:`LiveLine.arrival` (UNIX seconds UTC). The
      watchdog, backoff and timeouts use :func:`time.monotonic`.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        watchdog_s: float = 60.0,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 30.0,
        connect_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0 < port <= 65535:
            raise ValueError(f"port must be 1-65535, got {port}")
        for name, value in (
            ("watchdog_s", watchdog_s),
            ("backoff_initial_s", backoff_initial_s),
            ("connect_timeout_s", connect_timeout_s),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be > 0 seconds, got {value}")
        if backoff_max_s < backoff_initial_s:
            raise ValueError(f"backoff_max_s ({backoff_max_s}) must be >= backoff_initial_s ({backoff_initial_s})")
        self.host = host
        self.port = port
        self.watchdog_s = watchdog_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.connect_timeout_s = connect_timeout_s
        self.clock = clock
        self.url = format_feed_url("tcp", host, port)
        self.status = FeedStatus(url=self.url)
        self._assembler = LineAssembler()

    def lines(self, stop: threading.Event) -> Iterator[LiveLine]:
        """Yield complete lines, in order, until ``stop`` is set (then return within ~POLL_S).

        Never raises for network errors: they go to ``status.last_error`` and the feed
        reconnects. Closing the generator closes the connection. Only the host name
        lookup (``getaddrinfo``) can delay ``stop``, by as long as the resolver takes.
        """
        backoff = Backoff(self.backoff_initial_s, self.backoff_max_s)
        first = True
        while not stop.is_set():
            if not first:
                if stop.wait(backoff.next()):
                    return
                self.status.reconnects += 1
            first = False
            sock = self._connect(stop)
            if sock is None:
                continue
            try:
                delivered = yield from self._read(sock, stop)
            finally:
                self.status.connected = False
                sock.close()
            if delivered:
                backoff.reset()

    def _connect(self, stop: threading.Event) -> socket.socket | None:
        """Open a connection, or record why not and return ``None``; honours ``stop``."""
        deadline = time.monotonic() + self.connect_timeout_s
        try:
            addresses = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            self.status.last_error = f"cannot resolve {self.host!r}: {describe_error(exc)}"
            return None
        error: OSError | None = None
        for family, kind, proto, _, address in addresses:
            sock = None
            try:
                sock = socket.socket(family, kind, proto)
                if _connect_before(sock, address, deadline, stop, self.connect_timeout_s):
                    sock.settimeout(min(POLL_S, self.watchdog_s))
                    self.status.connected = True
                    return sock
                sock.close()
                return None  # stopped
            except OSError as exc:
                if sock is not None:
                    sock.close()
                error = exc
        reason = describe_error(error) if error else "no address to connect to"
        self.status.last_error = f"connect to {self.url} failed: {reason}"
        return None

    def _read(self, sock: socket.socket, stop: threading.Event) -> Generator[LiveLine, None, bool]:
        """Yield the lines of one connection; return whether it delivered any byte."""
        status = self.status
        assembler = self._assembler
        assembler.reset()  # a new connection is a new stream
        delivered = False
        last_data = time.monotonic()
        while not stop.is_set():
            try:
                data = sock.recv(RECV_BYTES)
            except TimeoutError:
                if time.monotonic() - last_data > self.watchdog_s:
                    self._dropped(f"no data from {self.url} for {self.watchdog_s:g} s (watchdog)")
                    return delivered
                continue
            except OSError as exc:
                self._dropped(f"connection to {self.url} lost: {describe_error(exc)}")
                return delivered
            if not data:
                self._dropped(f"connection to {self.url} closed by the server")
                return delivered
            last_data = time.monotonic()
            arrival = self.clock()
            delivered = True
            status.bytes += len(data)
            lines = assembler.feed(data)
            status.garbage_discarded = assembler.garbage_discarded
            for line in lines:
                status.lines += 1
                status.last_line_at = arrival
                yield LiveLine(line, arrival, self.url)
        return delivered

    def _dropped(self, reason: str) -> None:
        self.status.last_error = reason
        self.status.connected = False
        if self._assembler.reset():
            self.status.partial_discarded += 1


def _connect_before(
    sock: socket.socket,
    address: tuple[Any, ...],
    deadline: float,
    stop: threading.Event,
    timeout_s: float,
) -> bool:
    """Non-blocking connect, polled so ``stop`` is seen; ``False`` if stopped, raises on error."""
    sock.setblocking(False)
    code = sock.connect_ex(address)
    if code == 0:
        return True
    if code not in _CONNECT_IN_PROGRESS:
        raise OSError(code, os.strerror(code))
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE)
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer within {timeout_s:g} s")
            if selector.select(min(POLL_S, remaining)):
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, os.strerror(code))
                return True
    return False
