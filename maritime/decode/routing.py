"""Which decoder a line of a mixed NMEA stream goes to: AIS, radar, or both (pure).

A radar's ARPA tracker and an AIS receiver often share one serial multiplexer, one log
file or one network feed, so a stream interleaves ``!AIVDM`` lines with ``$RATTM``,
``$RATLL``, ``$RATLB``, ``$RAOSD`` and ``$RARSD``. Routing is by sentence formatter, never by
talker: radars use ``RA`` but integrated bridge systems send ``II`` or ``IN``, and AIS
sentences are the encapsulated ``!--VDM``/``!--VDO`` whatever their talker.

* **radar**: ``TTM``, ``TLL``, ``TLB``, ``OSD``, ``RSD`` (after an optional tag block).
* **own position and time** (``GGA``, ``GLL``, ``RMC``, ``ZDA``, ``HDT``): to the AIS decoder
  (they are its time marks) *and*, for a radar without a fixed position (on a ship), to the
  radar decoder, which places range/bearing targets from them.
* everything else: AIS (which skips and counts what it does not decode).

Radar handling is automatic: a file or feed without radar sentences is read exactly as
before, and one with them stores contacts. There is nothing to switch on because no AIS line
can be mistaken for a radar one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Sentence formatters of radar target data.
RADAR_SENTENCES = frozenset({"TTM", "TLL", "TLB", "OSD", "RSD"})
#: Own-position and time sentences a shipborne radar needs as well as the AIS decoder.
OWN_SHIP_SENTENCES = frozenset({"GGA", "GLL", "RMC", "ZDA", "HDT"})

_HEAD = re.compile(rb"^(?:\\[^\\]*\\)?[$!][A-Z0-9]{2}([A-Z]{3}),")
_TAG = re.compile(rb"^\\([^\\]*)\\")

AIS = 0
RADAR = 1
OWN_SHIP = 2


def route(line: bytes) -> int:
    """:data:`RADAR`, :data:`OWN_SHIP` or :data:`AIS` for one line (bytes, no line end needed)."""
    m = _HEAD.match(line.lstrip())
    if m is None:
        return AIS
    kind = m.group(1).decode("ascii")
    if kind in RADAR_SENTENCES:
        return RADAR
    if kind in OWN_SHIP_SENTENCES:
        return OWN_SHIP
    return AIS


@dataclass(frozen=True, slots=True)
class Tag:
    """What a line's tag block says: its station (``s:``) and time (``c:``, UTC microseconds)."""

    station: str | None
    time_us: int | None


def tag_of(line: bytes) -> Tag:
    """The ``s:`` and ``c:`` of a line's tag block (checksum not verified here: the decoders
    do that); an empty :class:`Tag` when there is none."""
    m = _TAG.match(line.lstrip())
    if m is None:
        return Tag(None, None)
    body = m.group(1).split(b"*", 1)[0].decode("ascii", "replace")
    station: str | None = None
    time_us: int | None = None
    for item in body.split(","):
        if item.startswith("s:") and len(item) > 2:
            station = item[2:]
        elif item.startswith("c:") and item[2:].isdigit():
            value = int(item[2:])
            time_us = value * 1000 if len(item) - 2 >= 12 else value * 1_000_000
    return Tag(station, time_us)


def split_lines(data: bytes) -> list[bytes]:
    """A chunk of text as lines, the way the AIS decoder numbers them (LF, CRLF or lone CR)."""
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines
