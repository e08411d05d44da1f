"""Flags of convenience and MMSI anomalies (pure).

Flags of convenience: the International Transport Workers' Federation's list of registries it
declares flags of convenience (ITF, "Flags of convenience", https://www.itfglobal.org/en/sector/
seafarers/flags-of-convenience, list as published 2024). Registries the MID table names as
dependencies (Bermuda, Cayman, Gibraltar, ...) appear by the ITU country name they carry in
``maritime/reference/data/mid.csv``. Matching is by a lower-case substring of that name.

MMSI anomalies (ITU-R M.585-9): a ship's MMSI is nine digits ``MIDXXXXXX`` with MID 201-775;
an MID outside the ITU table is unallocated; placeholder numbers (all one digit, ``123456789``,
``1193046`` = 0x123456, the defaults of some transponders) are reported by Global Fishing
Watch and ITU as the commonest spoofed or unset identities.
"""

from __future__ import annotations

from collections.abc import Mapping

#: ITF flags of convenience, as lower-case substrings of the ITU country names of mid.csv.
ITF_FLAGS_OF_CONVENIENCE: tuple[str, ...] = (
    "antigua",
    "bahamas",
    "barbados",
    "belize",
    "bermuda",
    "bolivia",
    "cambodia",
    "cameroon",
    "cayman",
    "comoros",
    "cook islands",
    "curaçao",
    "cyprus",
    "equatorial guinea",
    "faroe",
    "georgia",
    "gibraltar",
    "honduras",
    "jamaica",
    "lebanon",
    "liberia",
    "malta",
    "marshall islands",
    "mauritius",
    "moldova",
    "mongolia",
    "myanmar",
    "democratic people's republic of korea",
    "palau",
    "panama",
    "sao tome",
    "são tomé",
    "saint vincent",
    "sierra leone",
    "sri lanka",
    "tanzania",
    "togo",
    "tuvalu",
    "vanuatu",
)

#: MMSIs transponders send when never configured (ITU-R M.585 forbids them as identities).
PLACEHOLDER_MMSIS = frozenset(
    {123456789, 987654321, 1193046, 111111111, 999999999, 100000000, 0} | {int(str(d) * 9) for d in range(1, 10)}
)


def is_flag_of_convenience(country: str | None) -> bool:
    """Whether the ITU country name of a MID is on the ITF flags-of-convenience list."""
    if not country:
        return False
    name = country.lower()
    return any(f in name for f in ITF_FLAGS_OF_CONVENIENCE)


def mid_of(mmsi: int) -> int | None:
    """The MID of an MMSI of any ITU-R M.585 form (the same rule as the ``mmsi_mid`` macro of
    ``maritime/store/sql/schema.sql``): ships MIDXXXXXX, SAR aircraft 111MIDXXX, handhelds
    8MIDXXXXX, craft and aids 98/99MIDXXXX, groups 0MIDXXXXX, coast stations 00MIDXXXX; else None."""
    if 200_000_000 <= mmsi <= 799_999_999:
        return mmsi // 1_000_000
    if 111_000_000 <= mmsi <= 111_999_999:
        return (mmsi // 1000) % 1000
    if 800_000_000 <= mmsi <= 899_999_999:
        return (mmsi // 100_000) % 1000
    if 980_000_000 <= mmsi <= 999_999_999:
        return (mmsi // 10_000) % 1000
    if 20_000_000 <= mmsi <= 79_999_999:
        return mmsi // 100_000
    if 2_000_000 <= mmsi <= 7_999_999:
        return mmsi // 10_000
    return None


def mmsi_anomaly(mmsi: int, mid_table: Mapping[int, str]) -> str | None:
    """Why ``mmsi`` is not a plausible ship identity, or None: ``placeholder`` (a default
    transponder number), ``no_mid`` (no MMSI form of ITU-R M.585 gives it a MID) or
    ``unallocated_mid`` (a MID the ITU table does not allocate)."""
    if mmsi in PLACEHOLDER_MMSIS:
        return "placeholder"
    mid = mid_of(mmsi)
    if mid is None:
        return "no_mid"
    if mid not in mid_table:
        return "unallocated_mid"
    return None
