"""AIS "not available" values, in one place for the NMEA and CSV decoders.

ITU-R M.1371-5, Annex 8, gives each field a value that means "not available"; the decoders
store NULL for it, never the sentinel number (see :mod:`maritime.records`). The values, in
physical units and as the raw integers of the bit fields:

==============  ======================  ==================  ==========================================
field           not available           raw field value     source (ITU-R M.1371-5 Annex 8)
==============  ======================  ==================  ==========================================
lat             91 degrees              91 * 600 000        table 46 (messages 1-3), also 18, 19, 21
lon             181 degrees             181 * 600 000       table 46
lat, type 27    91 degrees              91 * 600            table 82 (1/10 minute)
lon, type 27    181 degrees             181 * 600           table 82
sog             102.3 kn                1023                table 46 (102.2 = 102.2 kn or more)
sog, type 27    63 kn                   63                  table 82
cog             360 degrees             3600                table 46
cog, type 27    511 degrees             511                 table 82
heading         511 degrees             511                 table 46
second          60 (61-63: system)      60                  table 46
rot             -128                    -128                table 46
ship type       0                       0                   message 5, type of ship and cargo
IMO number      0                       0                   message 5
dimensions      0 m                     0                   message 5, reference point for position
draught         0 m                     0                   message 5
==============  ======================  ==================  ==========================================

A decoded value is *available* only within its field's range (:data:`RANGES`): a CSV of
decoded values (MarineCadastre's, or another layout) writes the sentinels in physical units
(``SOG 102.3``, ``Heading 511``) and sometimes other impossible values (a negative speed);
both become NULL. :func:`available` and :func:`null_unavailable` apply the rule to arrays in
physical units; the compiled NMEA kernels compare the raw integers above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "COG_NOT_AVAILABLE_DEG",
    "COG_NOT_AVAILABLE_RAW",
    "HEADING_NOT_AVAILABLE_DEG",
    "LAT_NOT_AVAILABLE_DEG",
    "LAT_NOT_AVAILABLE_RAW",
    "LAT27_NOT_AVAILABLE_RAW",
    "LON_NOT_AVAILABLE_DEG",
    "LON_NOT_AVAILABLE_RAW",
    "LON27_NOT_AVAILABLE_RAW",
    "RANGES",
    "ROT_NOT_AVAILABLE_RAW",
    "SECOND_NOT_AVAILABLE",
    "SOG_NOT_AVAILABLE_KN",
    "SOG_NOT_AVAILABLE_RAW",
    "Range",
    "available",
    "no_position",
    "null_unavailable",
]

#: Latitude and longitude "not available" (degrees): no position in the report.
LAT_NOT_AVAILABLE_DEG = 91.0
LON_NOT_AVAILABLE_DEG = 181.0
#: The same, as raw fields in 1/10 000 minute (types 1-3, 18, 19, 21) ...
LAT_NOT_AVAILABLE_RAW = 91 * 600_000
LON_NOT_AVAILABLE_RAW = 181 * 600_000
#: ... and in 1/10 minute (type 27).
LAT27_NOT_AVAILABLE_RAW = 91 * 600
LON27_NOT_AVAILABLE_RAW = 181 * 600
#: Speed over ground "not available": 102.3 kn, raw 1023 in 0.1 kn (102.2 means 102.2 kn or more).
SOG_NOT_AVAILABLE_KN = 102.3
SOG_NOT_AVAILABLE_RAW = 1023
#: Course over ground "not available": 360 degrees, raw 3600 in 0.1 degree.
COG_NOT_AVAILABLE_DEG = 360.0
COG_NOT_AVAILABLE_RAW = 3600
#: True heading "not available": 511 (degrees field, 0-359 valid).
HEADING_NOT_AVAILABLE_DEG = 511
#: UTC second "not available": 60 (61, 62, 63 are system modes, NULL too).
SECOND_NOT_AVAILABLE = 60
#: Rate of turn "not available": raw -128.
ROT_NOT_AVAILABLE_RAW = -128

FloatArray = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Range:
    """The available values of a field: ``lo <= x <= hi`` (``x < hi`` when ``hi_open``),
    ``x > lo`` when ``lo_open``, and whole numbers only when ``integral``."""

    lo: float
    hi: float
    integral: bool = False
    lo_open: bool = False
    hi_open: bool = False


#: Available range of each decoded field, in physical units (knots, degrees, metres). The
#: sentinels of the table above fall outside; so do values no transmitter can encode.
RANGES: dict[str, Range] = {
    # 0-102.2 kn; 102.3 = not available. A tolerance of 1e-9 kn absorbs float text.
    "sog": Range(0.0, 102.2 + 1e-9),
    # 0 <= cog < 360; 360 = not available.
    "cog": Range(0.0, COG_NOT_AVAILABLE_DEG, hi_open=True),
    # 0-359; 511 = not available.
    "heading": Range(0, 359, integral=True),
    # 0-15 (15 = "not defined", the default, is a value).
    "nav_status": Range(0, 15, integral=True),
    # 1-99 defined, 100-199 regional, 200-255 future use; 0 = not available.
    "ship_type": Range(1, 255, integral=True),
    # IMO number 1-999 999 999 (30-bit field); 0 = not available.
    "imo": Range(1, 999_999_999, integral=True),
    # Ship length and width in whole metres (int16 columns); 0 = not available.
    "length": Range(1, 32_767, integral=True),
    "width": Range(1, 32_767, integral=True),
    # Draught in metres; 0 = not available.
    "draught": Range(0.0, np.inf, lo_open=True),
}


def available(field: str, values: FloatArray) -> Mask:
    """Mask of the values of ``field`` (physical units, NaN = empty) that are available."""
    r = RANGES[field]
    with np.errstate(invalid="ignore"):
        ok = (values > r.lo) if r.lo_open else (values >= r.lo)
        ok &= (values < r.hi) if r.hi_open else (values <= r.hi)
        if r.integral:
            ok &= np.floor(values) == values
    return np.asarray(ok, dtype=np.bool_)


def null_unavailable(field: str, values: FloatArray) -> FloatArray:
    """A copy of ``values`` with NaN where the value of ``field`` is not available."""
    out = np.array(values, dtype=np.float64)
    out[~available(field, out)] = np.nan
    return out


def no_position(lat: FloatArray, lon: FloatArray) -> Mask:
    """Where a report says "no position": latitude 91 or longitude 181 degrees."""
    return np.asarray((lat == LAT_NOT_AVAILABLE_DEG) | (lon == LON_NOT_AVAILABLE_DEG), dtype=np.bool_)
