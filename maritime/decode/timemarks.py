"""Which time marks may stamp the lines after them: checked against the base-station clock.

A time mark is a line that carries a time for the lines after it and no AIS sentence of
its own: a Gatehouse ``$PGHP`` or a receiver's ``$--RMC``/``$--ZDA``. Lines without a time
of their own take the latest earlier mark. A mark can be wrong: AMSA's ``ais.txt.gz`` has a
``$PGHP`` in the middle of the file 1 h 45 min behind the marks around it, while the type 4
base-station reports on the lines after it say the original time. Such a mark must not
re-stamp lines.

The rule, in stream order (``TOLERANCE_US`` = 10 minutes):

* a base-station report (type 4, ITU-R M.1371-5 §3.3.8.2.3) with a valid UTC date and time
  is a *clock reading*;
* a mark is **applied** when the latest clock reading since the last applied mark is within
  the tolerance of it; with no reading since then, when it is not more than the tolerance
  behind the last applied mark (a recording may pause, so a later mark is never doubted),
  or when it agrees with the mark rejected just before it (two consecutive marks that agree
  restart the clock, as when recordings are joined out of order);
* otherwise it is **ignored** (counted as ``time_marks_ignored``): the lines after it keep
  the time they would have had without it.

Lines before the first applied mark take, as before, the first time in the stream (a
sentence's own time or an applied mark), or ``--start``.

The tolerance: base stations are synchronised to UTC by GNSS and send type 4 every 10 s
(ITU-R M.1371-5 §3.3.8.2.3 and table 1), so in a continuous recording the latest reading is
seconds old when a mark arrives; receivers that batch their output (satellite downlinks
excepted) add seconds to a few minutes. Ten minutes accepts all of that and still catches
the AMSA mark, an order of magnitude further off. The state carries across chunks, so the
decision does not depend on where a stream is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from maritime.decode.nmea import MAX_PLAUSIBLE_S, MIN_PLAUSIBLE_S

#: How far a time mark may be from the base-station clock (see the module docstring).
TOLERANCE_US = 600_000_000

#: Six-bit characters 6..12 of a type 4 payload hold bits 36..77: UTC year (bits 38-51),
#: month (52-55), day (56-60), hour (61-65), minute (66-71), second (72-77).
_UTC_FIRST_CHAR = 6
_UTC_CHARS = 7


@dataclass
class ClockState:
    """What the mark check carries from one chunk to the next (data times, µs; -1: none)."""

    applied_us: int = -1  # the last applied mark
    reading_us: int = -1  # the latest clock reading since then
    rejected_us: int = -1  # the mark rejected just before (cleared by any applied mark)

    def to_json(self) -> list[int]:
        return [self.applied_us, self.reading_us, self.rejected_us]

    @classmethod
    def from_json(cls, data: list[int] | None) -> ClockState:
        return cls() if data is None else cls(*(int(v) for v in data))


def base_station_clock(
    sixbit: npt.NDArray[np.uint8],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    nfrag: npt.NDArray[np.int16],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Clock readings of the single-sentence type 4 reports among the sentences.

    Returns the indices of the sentences that hold a valid UTC date and time (plausible
    years, months 1-12, days 1-31, hours below 24, minutes and seconds below 60) and those
    times in microseconds.
    """
    long_enough = (nfrag == 1) & (end - start >= _UTC_FIRST_CHAR + _UTC_CHARS)
    candidates = np.flatnonzero(long_enough)
    candidates = candidates[sixbit[start[candidates]] == 4]
    if not len(candidates):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = np.zeros(len(candidates), dtype=np.int64)
    for k in range(_UTC_CHARS):
        bits = (bits << 6) | sixbit[start[candidates] + _UTC_FIRST_CHAR + k].astype(np.int64)
    # 42 bits from bit 36: year at bit 2 of them, then month, day, hour, minute, second
    year = (bits >> 26) & 0x3FFF
    month = (bits >> 22) & 0xF
    day = (bits >> 17) & 0x1F
    hour = (bits >> 12) & 0x1F
    minute = (bits >> 6) & 0x3F
    second = bits & 0x3F
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (hour < 24) & (minute < 60) & (second < 60)
    valid &= (year >= 1990) & (year < 2100)
    idx = np.flatnonzero(valid)
    utc = _days_from_civil(year[idx], month[idx], day[idx]) * 86_400 + hour[idx] * 3600 + minute[idx] * 60 + second[idx]
    ok = (utc >= MIN_PLAUSIBLE_S) & (utc <= MAX_PLAUSIBLE_S)
    return candidates[idx[ok]], utc[ok] * 1_000_000


def _days_from_civil(
    y: npt.NDArray[np.int64], m: npt.NDArray[np.int64], d: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of (year, month, day); a day past the month's end runs on."""
    months = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1).astype("timedelta64[M]")
    days: npt.NDArray[np.int64] = months.astype("datetime64[D]").astype(np.int64) + d - 1
    return days


def check_marks(
    state: ClockState,
    mark_line: list[int],
    mark_us: list[int],
    reading_line: npt.NDArray[np.int64],
    reading_us: npt.NDArray[np.int64],
) -> list[bool]:
    """Whether each time mark (line index, time) is applied, in stream order, given the
    clock readings (line index, time) of the same chunk; updates ``state``."""
    applied: list[bool] = []
    r = 0
    n_readings = len(reading_line)
    lines = reading_line.tolist()
    times = reading_us.tolist()
    for line, mark in zip(mark_line, mark_us, strict=True):
        while r < n_readings and lines[r] < line:
            state.reading_us = times[r]
            r += 1
        if state.reading_us >= 0:
            ok = abs(mark - state.reading_us) <= TOLERANCE_US
        else:
            ok = (
                state.applied_us < 0
                or mark >= state.applied_us - TOLERANCE_US
                or (state.rejected_us >= 0 and abs(mark - state.rejected_us) <= TOLERANCE_US)
            )
        if ok:
            state.applied_us, state.reading_us, state.rejected_us = mark, -1, -1
        else:
            state.rejected_us = mark
        applied.append(ok)
    if r < n_readings:
        state.reading_us = times[-1]
    return applied
