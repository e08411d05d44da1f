"""A labelled recording of watch-listed vessels, one of which changes its MMSI (a developer tool).

``listed`` vessels each report (type 5 static data, then a type 1 position every
``interval_s``) for ``report_minutes``, one starting every ``stagger_minutes``; the first of them
is the hull that changes identity: after ``change_after_h`` hours of silence the same IMO comes
back under a new MMSI, name, call sign and flag. ``background`` unlisted vessels report over the
whole span. The watch list (:func:`watchlist_csv`) names the changing hull by its old MMSI
only, so finding it under the new MMSI needs the IMO it reported (identity linking); the
others are listed by MMSI, IMO, call sign or name in turn. :class:`Labelled` is the truth: the
(list entry, MMSI) pairs that must raise a watch-list hit, and the MMSIs that must not.

Lines carry NMEA 4.10 tag blocks (``\\s:station,c:unix seconds*hh\\``); type 5 is sent as two
sentences with a group tag, as a shore station writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from maritime.scenario.payloads import nmea_checksum, pack_sixbit, payload_strings, text_codes

STATION = "scenario-watch"


@dataclass(frozen=True, slots=True)
class Hull:
    """One identity a vessel transmits under."""

    mmsi: int
    imo: int
    name: str
    callsign: str
    ship_type: int = 30  # fishing
    lat: float = -0.9
    lon: float = -90.5


@dataclass(slots=True)
class Labelled:
    """The recording's lines and its truth."""

    lines: list[str]
    listed: list[Hull]
    renamed: Hull  #: the first listed hull under its new MMSI
    background: list[Hull]
    expected_hits: set[int] = field(default_factory=set)  #: MMSIs that must raise a hit
    start: datetime = datetime(2024, 3, 1, tzinfo=UTC)
    end: datetime = datetime(2024, 3, 1, tzinfo=UTC)


def imo_with_check_digit(six: int) -> int:
    """A seven-digit IMO number from six digits and its check digit (IMO Res. A.1078(28))."""
    digits = [int(c) for c in f"{six:06d}"]
    return six * 10 + sum(d * w for d, w in zip(digits, range(7, 1, -1))) % 10


def _tagged(t: float, body: str, group: str | None = None) -> str:
    tag = (f"g:{group}," if group else "") + f"s:{STATION},c:{int(t)}"
    return f"\\{tag}*{nmea_checksum(tag):02X}\\!{body}*{nmea_checksum(body):02X}"


def _type1(h: Hull, lat: float, lon: float, sog: float, cog: float, second: int) -> str:
    chars, fill = pack_sixbit(
        [(1, 6), (0, 2), (h.mmsi, 30), (7, 4), (-128, 8), (round(sog * 10), 10), (1, 1)]
        + [(round(lon * 600000), 28), (round(lat * 600000), 27), (round(cog * 10), 12)]
        + [(round(cog), 9), (second, 6), (0, 2), (0, 3), (0, 1), (0, 19)],
        1,
    )
    return f"AIVDM,1,1,,A,{payload_strings(chars)[0]},{fill}"


def _type5(h: Hull) -> tuple[str, int]:
    chars, fill = pack_sixbit(
        [(5, 6), (0, 2), (h.mmsi, 30), (0, 2), (h.imo, 30)]
        + [(np.array([text_codes(h.callsign, 7)]), 6), (np.array([text_codes(h.name, 20)]), 6)]
        + [(h.ship_type, 8), (20, 9), (8, 9), (4, 6), (4, 6), (1, 4), (3, 4), (2, 5), (12, 5), (0, 6)]
        + [(45, 8), (np.array([text_codes("FISHING GROUNDS", 20)]), 6), (0, 1), (0, 1)],
        1,
    )
    return payload_strings(chars)[0], fill


def _reports(h: Hull, t0: float, minutes: float, interval_s: float, seq: int) -> Iterator[tuple[float, list[str]]]:
    payload, fill = _type5(h)
    group = f"{seq % 10}"
    yield (
        t0,
        [
            _tagged(t0, f"AIVDM,2,1,{group},A,{payload[:60]},0", f"1-2-{seq}"),
            _tagged(t0, f"AIVDM,2,2,{group},A,{payload[60:]},{fill}", f"2-2-{seq}"),
        ],
    )
    n = int(minutes * 60 // interval_s)
    for k in range(n):
        t = t0 + 1 + k * interval_s
        lat = h.lat + 0.0004 * k  # ~3 kn north
        yield t, [_tagged(t, _type1(h, lat, h.lon, 3.0, 0.0, int(t) % 60))]


def watchlisted_recording(
    start: datetime = datetime(2024, 3, 1, tzinfo=UTC),
    listed: int = 6,
    background: int = 3,
    stagger_minutes: float = 10.0,
    report_minutes: float = 20.0,
    change_after_h: float = 2.0,
    interval_s: float = 60.0,
) -> Labelled:
    """The recording and its truth (lines sorted by data time)."""
    t0 = start.timestamp()
    hulls = [
        Hull(412_000_100 + i, imo_with_check_digit(881_400 + i), f"LISTED {i}", f"BX{i:03d}", lat=-0.9 + 0.05 * i)
        for i in range(listed)
    ]
    first = hulls[0]
    renamed = Hull(667_000_222, first.imo, "NEW NAME", "9LAB2", lat=-1.5, lon=-91.0)
    others = [
        Hull(735_000_300 + i, imo_with_check_digit(771_000 + i), f"HONEST {i}", f"HC{i:03d}", 70, -2.0 - 0.1 * i, -81.0)
        for i in range(background)
    ]
    span_min = max(stagger_minutes * listed + report_minutes, change_after_h * 60 + report_minutes * 2)
    timed: list[tuple[float, list[str]]] = []
    seq = 0
    for i, h in enumerate(hulls):
        timed += _reports(h, t0 + i * stagger_minutes * 60, report_minutes, interval_s, seq := seq + 1)
    timed += _reports(renamed, t0 + (report_minutes + change_after_h * 60) * 60, report_minutes, interval_s, seq + 1)
    for j, h in enumerate(others):
        timed += _reports(h, t0 + 30 + j, span_min, interval_s * 2, seq + 2 + j)
    timed.sort(key=lambda x: x[0])
    lines = [line for _, group in timed for line in group]
    end = datetime.fromtimestamp(max(t for t, _ in timed), UTC)
    return Labelled(lines, hulls, renamed, others, {h.mmsi for h in hulls} | {renamed.mmsi}, start, end)


def watchlist_csv(rec: Labelled) -> str:
    """The watch list of ``rec`` (maritime layout): the changing hull by its old MMSI only, the
    others by MMSI, IMO, call sign or name in turn, plus a listed vessel that never appears."""
    rows = ["mmsi,imo,callsign,name,reason,source"]
    for i, h in enumerate(rec.listed):
        ident = [str(h.mmsi), "", "", ""]
        if i > 0:
            ident = [str(h.mmsi), "", "", ""] if i % 4 == 1 else ["", "", "", ""]
            ident[i % 4] = [str(h.mmsi), str(h.imo), h.callsign, h.name][i % 4]
        rows.append(",".join(ident) + f",IUU listed (scenario {i}),scenario")
    rows.append(f",{imo_with_check_digit(123_456)},,NEVER SEEN,not in the recording,scenario")
    return "\n".join(rows) + "\n"
