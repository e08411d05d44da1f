"""Types shared by the live feeds, and the pure line splitting they both use.

Times: ``arrival`` and ``last_line_at`` are UNIX seconds (UTC) as returned by
:func:`time.time` when the bytes were received. Sizes are in bytes.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator
from typing import NamedTuple, Protocol

#: A line longer than this (bytes, terminator excluded) is garbage and is discarded.
MAX_LINE_BYTES = 4096

_TERMINATORS = re.compile(rb"[\r\n]+")


class LiveLine(NamedTuple):
    """One complete line received from a live feed."""

    #: The line without its CR/LF terminator (never empty).
    line: bytes
    #: UNIX seconds (UTC, ``time.time()``) when the bytes holding the line's end arrived.
    arrival: float
    #: The feed it came from, as a URL: ``tcp://host:port`` or ``udp://host:port``.
    source: str


class LineFeed(Protocol):
    """What :class:`maritime.ingest.live.LiveIngest` needs of a feed: its URL and its lines."""

    url: str

    def lines(self, stop: threading.Event) -> Iterator[LiveLine]:
        """Complete lines with their arrival time until ``stop`` is set."""
        ...


@dataclasses.dataclass
class FeedStatus:
    """Health counters of one feed, updated in place by the feed's thread.

    Readers in other threads should take a :meth:`snapshot` for a consistent view.
    """

    url: str
    #: TCP: a connection is established. UDP: the socket is bound and listening.
    connected: bool = False
    #: UNIX seconds (UTC) of the last line yielded, ``None`` before the first.
    last_line_at: float | None = None
    #: Lines yielded.
    lines: int = 0
    #: Bytes received (including terminators and discarded bytes).
    bytes: int = 0
    #: Connection attempts after the first one (TCP only).
    reconnects: int = 0
    #: One-line description of the last network error, ``None`` if there was none.
    last_error: str | None = None
    #: Incomplete lines thrown away because the connection ended under them (TCP only).
    partial_discarded: int = 0
    #: Lines longer than :data:`MAX_LINE_BYTES` thrown away.
    garbage_discarded: int = 0
    #: UDP: datagrams the kernel dropped because the receive buffer was full (Linux).
    dropped: int = 0
    #: UDP: the receive buffer the kernel granted, in bytes (0 when not known).
    receive_buffer: int = 0

    def snapshot(self) -> FeedStatus:
        """Return a copy, safe to read while the feed keeps updating this object."""
        return dataclasses.replace(self)


def describe_error(exc: BaseException) -> str:
    """One-line text for a socket error, without Python's ``[Errno N]`` prefix."""
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def split_lines(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Split ``buffer`` into complete lines and the unterminated rest.

    Any run of CR and LF bytes ends a line (so ``\\r\\n``, ``\\n`` and a ``\\r\\n`` pair
    split across two reads all work); empty lines are dropped. Returns
    ``(lines, rest)`` where ``rest`` is what follows the last terminator (``b""`` if the
    buffer ends with one), to be prepended to the next read.

    >>> split_lines(b"!AIVDM,a\\r\\n!AIVDM,b\\n!AIV")
    ([b'!AIVDM,a', b'!AIVDM,b'], b'!AIV')
    """
    cut = max(buffer.rfind(b"\n"), buffer.rfind(b"\r"))
    if cut < 0:
        return [], buffer
    lines = [line for line in _TERMINATORS.split(buffer[:cut]) if line]
    return lines, buffer[cut + 1 :]


class LineAssembler:
    """Rebuild lines from a byte stream delivered in arbitrary chunks (one per stream).

    Keeps the unterminated tail between :meth:`feed` calls, and drops any line longer
    than ``max_line`` bytes -- including the rest of it still to come -- so that a
    binary or runaway stream cannot grow memory. :meth:`reset` starts a new stream.
    """

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_line = max_line
        #: Over-long lines discarded so far (never reset).
        self.garbage_discarded = 0
        self._pending = b""
        self._skipping = False  # inside an over-long line: drop bytes up to a terminator

    @property
    def pending(self) -> bytes:
        """The incomplete line kept for the next chunk."""
        return self._pending

    def feed(self, data: bytes) -> list[bytes]:
        """Add one received chunk; return the lines it completed, in order."""
        buffer = self._pending + data
        if self._skipping:
            end = _TERMINATORS.search(buffer)
            if end is None:
                self._pending = b""
                return []
            buffer = buffer[end.end() :]
            self._skipping = False
        lines, rest = split_lines(buffer)
        if any(len(line) > self.max_line for line in lines):
            kept = [line for line in lines if len(line) <= self.max_line]
            self.garbage_discarded += len(lines) - len(kept)
            lines = kept
        if len(rest) > self.max_line:
            self.garbage_discarded += 1
            rest = b""
            self._skipping = True
        self._pending = rest
        return lines

    def reset(self) -> int:
        """Start a new stream; return the size in bytes of the partial line thrown away."""
        dropped = len(self._pending)
        self._pending = b""
        self._skipping = False
        return dropped
