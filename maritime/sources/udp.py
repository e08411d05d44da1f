"""UDP listener for AIS NMEA datagrams (receivers and forwarders that "send to" a port).

:class:`UdpFeed` binds ``host:port`` when it is created -- so a bad address or a port
already in use raises :class:`OSError` at once, with a one-line message -- and
:meth:`UdpFeed.lines` yields the lines of every datagram received. A datagram may hold
several lines ending with ``\\r\\n`` or ``\\n``; its last line needs no terminator.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

from maritime.sources.live import (
    MAX_LINE_BYTES,
    FeedStatus,
    LiveLine,
    describe_error,
    split_lines,
)
from maritime.sources.url import format_feed_url

#: Longest time (seconds) a receive waits before ``stop`` is looked at.
POLL_S = 0.2
#: Receive buffer asked of the kernel (bytes). With Linux's default (~208 kB) a third of a
#: burst was lost in tests, and 0.8 % at 5,000 datagrams/s; the kernel caps the request at
#: ``net.core.rmem_max`` (raise that sysctl for more). The granted size is in the feed status.
RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024
#: Seconds between readings of the kernel's drop counter.
DROPS_EVERY_S = 1.0


class UdpFeed:
    """Blocking line source bound to a UDP port; run :meth:`lines` in a thread.

    ``host`` is the local address to bind (``0.0.0.0`` / ``::`` for all interfaces),
    ``port`` the UDP port (0 picks a free one: read :attr:`port`). ``max_datagram`` is
    the receive size in bytes (a longer datagram is truncated by the OS). ``clock`` gives
    :attr:`LiveLine.arrival` (UNIX seconds UTC).

    The socket stays open until :meth:`lines` ends or :meth:`close` is called; the feed
    is also a context manager.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        max_datagram: int = 65535,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_datagram < 1:
            raise ValueError(f"max_datagram must be >= 1 byte, got {max_datagram}")
        self.host = host
        self.max_datagram = max_datagram
        self.clock = clock
        self._sock: socket.socket | None = _bind(host, port)
        self.port: int = self._sock.getsockname()[1]
        self.url = format_feed_url("udp", host, self.port)
        self.status = FeedStatus(url=self.url, connected=True)
        self.status.receive_buffer = self._sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        self._inode = os.fstat(self._sock.fileno()).st_ino
        self._drops_at = 0.0

    def lines(self, stop: threading.Event) -> Iterator[LiveLine]:
        """Yield the lines of each datagram, in order, until ``stop`` is set.

        Returns within ~POLL_S of ``stop`` being set and closes the socket when it ends.
        Receive errors are recorded in ``status.last_error``, never raised.
        """
        sock = self._sock
        if sock is None:
            raise RuntimeError(f"{self.url} is closed")
        status = self.status
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now - self._drops_at >= DROPS_EVERY_S:
                    self._drops_at = now
                    dropped = kernel_drops(self._inode)
                    if dropped is not None:
                        status.dropped = dropped
                try:
                    datagram, _sender = sock.recvfrom(self.max_datagram)
                except TimeoutError:
                    continue
                except OSError as exc:  # e.g. ICMP errors reported on some platforms
                    status.last_error = f"receive on {self.url} failed: {describe_error(exc)}"
                    stop.wait(POLL_S)
                    continue
                arrival = self.clock()
                status.bytes += len(datagram)
                lines, rest = split_lines(datagram)
                if rest:
                    lines.append(rest)  # the end of a datagram ends its last line
                for line in lines:
                    if len(line) > MAX_LINE_BYTES:
                        status.garbage_discarded += 1
                        continue
                    status.lines += 1
                    status.last_line_at = arrival
                    yield LiveLine(line, arrival, self.url)
        finally:
            self.close()

    def close(self) -> None:
        """Release the port (idempotent)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self.status.connected = False

    def __enter__(self) -> UdpFeed:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def kernel_drops(inode: int) -> int | None:
    """Datagrams the kernel dropped for the socket with this inode (its receive buffer was
    full), from Linux's ``/proc/net/udp`` and ``udp6``; ``None`` where that is not available."""
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(table) as f:
                next(f, None)
                for line in f:
                    fields = line.split()
                    if len(fields) > 12 and fields[9] == str(inode):
                        return int(fields[12])
        except (OSError, ValueError):
            continue
    return None


def _bind(host: str, port: int) -> socket.socket:
    """Open and bind the socket, turning any failure into a one-line :class:`OSError`."""
    where = format_feed_url("udp", host, port)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_DGRAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            # A burst larger than the default buffer (~200 kB) is dropped by the kernel.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
            sock.bind(address)
            sock.settimeout(POLL_S)
        except BaseException:
            sock.close()
            raise
    except OSError as exc:
        error = OSError(f"cannot listen on {where}: {describe_error(exc)}")
        error.errno = exc.errno
        raise error from exc
    return sock
