"""The replay source: a recorded NMEA file played through the live path, paced by its data time.

``maritime serve --replay FILE --speed N`` uses it: the lines' own data times (tag-block
``c:`` or a USCG NAIS trailing UNIX time) pace the replay, and the lines keep those times, so a
review or a demo looks exactly like a live watch.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from maritime.sources.files import open_decompressed
from maritime.sources.live import FeedStatus, LiveLine

log = logging.getLogger("maritime.sources.replay")

_TAG_TIME = re.compile(rb"^\\(?:[^\\]*?[,:])?c:(\d{9,13})")
_TRAILER_TIME = re.compile(rb",(\d{10}(?:\.\d+)?)\s*$")
#: A tag-block ``c:`` above this is in milliseconds (1e11 s is the year 5138).
_MILLISECONDS_ABOVE = 100_000_000_000


def line_data_time(line: bytes) -> float | None:
    """Data time (UNIX seconds, UTC) a recorded line carries: tag-block ``c:`` (seconds or
    milliseconds) or a trailing UNIX time (USCG NAIS style); ``None`` if it carries none."""
    m = _TAG_TIME.match(line)
    if m:
        v = int(m.group(1))
        return v / 1000.0 if v > _MILLISECONDS_ABOVE else float(v)
    if line.startswith((b"!", b"\\")):
        m = _TRAILER_TIME.search(line)
        if m and b"*" in line[: m.start()]:
            return float(m.group(1))
    return None


class ReplayFeed:
    """A recorded file played through the live path at ``speed``× real time.

    Pacing follows the data: a line stamped ``t`` is released ``(t - t0) / speed`` seconds
    (wall time) after the first stamped line. Lines without a time of their own (later parts
    of a multi-sentence group) go out with the line before them. ``speed <= 0`` releases lines
    as fast as the ingest takes them. The lines keep their own tag-block times, so the decoder
    stamps reports with data time, not arrival time.
    """

    def __init__(self, path: str | Path, speed: float = 1.0) -> None:
        self.path = Path(path)
        self.speed = float(speed)
        self.url = f"replay://{self.path.name}"
        self.status = FeedStatus(self.url)
        self.finished = False
        self.data_time: float | None = None  # data time (UNIX s) of the latest line released

    def lines(self, stop: threading.Event) -> Iterator[LiveLine]:
        """The file's non-empty lines, paced; ends at the end of the file or when ``stop`` is set."""
        t0: float | None = None
        w0 = 0.0
        try:
            with open(self.path, "rb") as raw_file:
                stream = open_decompressed(io.BufferedReader(raw_file))
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
