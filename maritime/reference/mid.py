"""MMSI structure (ITU-R M.585) and the allocated Maritime Identification Digits (ITU MARS).

An MMSI is nine digits. ITU-R M.585-9 (annex 1) gives its forms; those that send AIS
position reports (types 1-3, 18, 19, 27) are:

- ship stations ``MIDXXXXXX`` (first digit 2-7);
- craft associated with a parent ship ``98MIDXXXX``;
- handheld VHF with DSC and GNSS ``8MIDXXXXX``;
- AIS-SART ``970XXYYYY``, man overboard ``972XXYYYY``, EPIRB-AIS ``974XXYYYY`` (no MID);
- SAR aircraft ``111MIDXXX`` (they send type 9, listed here for completeness).

Group calls (``0MIDXXXXX``), coast stations (``00MIDXXXX``) and aids to navigation
(``99MIDXXXX``) never send a ship's position report. The MID (three digits, 201-775) must be
one the ITU has allocated to an administration: ``data/mid.csv`` holds the allocated MIDs of
the ITU Maritime Mobile Access and Retrieval System (MARS) "Table of Maritime Identification
Digits" (see ``data/SOURCES.md``).

Pure functions of integers and arrays; the table is read once.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

#: Reasons an MMSI cannot be a ship's: keys of :func:`mmsi_problem`.
NOT_NINE_DIGITS = "not_nine_digits"
NOT_A_SHIP_FORM = "not_a_ship_station_form"
UNALLOCATED_MID = "unallocated_mid"
REPEATED_DIGITS = "placeholder_digits"

#: MMSIs that transponders ship with or installers type as placeholders (all digits equal,
#: 123456789): well known in AIS data quality studies (e.g. Harati-Mokhtari et al. 2007,
#: "Automatic Identification System (AIS): data reliability and human error implications",
#: Journal of Navigation 60(3)).
PLACEHOLDERS = frozenset([123456789, 987654321] + [int(str(d) * 9) for d in range(1, 10)])


@lru_cache(maxsize=1)
def allocated_mids() -> dict[int, str]:
    """MID → administration, from ``data/mid.csv`` (ITU MARS table)."""
    path = resources.files("maritime.reference").joinpath("data", "mid.csv")
    with path.open(encoding="utf-8") as f:
        return {int(r["mid"]): r["country"] for r in csv.DictReader(f)}


def mid_of(mmsi: int) -> int | None:
    """The MID of an MMSI in any ITU-R M.585 form that carries one (None otherwise)."""
    m = int(mmsi)
    if 200_000_000 <= m <= 799_999_999:
        return m // 1_000_000
    if 111_000_000 <= m <= 111_999_999:
        return (m // 1000) % 1000
    if 800_000_000 <= m <= 899_999_999:
        return (m // 100_000) % 1000
    if 980_000_000 <= m <= 999_999_999:
        return (m // 10_000) % 1000
    if 20_000_000 <= m <= 79_999_999:
        return m // 100_000
    if 2_000_000 <= m <= 7_999_999:
        return m // 10_000
    return None


def mmsi_problem(mmsi: int) -> str | None:
    """Why ``mmsi`` cannot be the identity of a vessel sending position reports, or None.

    Returns one of :data:`NOT_NINE_DIGITS`, :data:`REPEATED_DIGITS`, :data:`NOT_A_SHIP_FORM`,
    :data:`UNALLOCATED_MID`.
    """
    m = int(mmsi)
    if m in PLACEHOLDERS:
        return REPEATED_DIGITS
    if not 100_000_000 <= m <= 999_999_999:
        return NOT_NINE_DIGITS
    if 970_000_000 <= m <= 979_999_999:  # SART, MOB, EPIRB-AIS: no MID
        return None if m // 1_000_000 in (970, 972, 974) else NOT_A_SHIP_FORM
    ship = 200_000_000 <= m <= 799_999_999
    craft = 980_000_000 <= m <= 989_999_999
    handheld = 800_000_000 <= m <= 899_999_999
    sar = 111_000_000 <= m <= 111_999_999
    if not (ship or craft or handheld or sar):
        return NOT_A_SHIP_FORM
    mid = mid_of(m)
    if mid is None or mid not in allocated_mids():
        return UNALLOCATED_MID
    return None


def mmsi_problems(mmsi: npt.ArrayLike) -> list[str | None]:
    """:func:`mmsi_problem` of each MMSI of an array (one entry per element)."""
    return [mmsi_problem(int(m)) for m in np.asarray(mmsi).ravel().tolist()]
