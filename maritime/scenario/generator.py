"""Seeded, realistic Eastern Pacific AIS scenario: vessels, behaviour and receptions.

This module is *pure*: given a :class:`ScenarioConfig` it builds a :class:`Scenario` (vessels,
tracks, shore stations, injected events and decoys) and yields :class:`ReceptionBatch` objects,
columnar numpy records of every AIS message *as received* by the shore and satellite network,
plus the noise lines (junk, non-AIS NMEA) and the noise decisions (duplicate receptions,
corrupted lines, orphan fragments). It writes no file; the only files it reads are the bundled
reference tables (ports and patrol zones) when the caller does not pass them in.
:mod:`maritime.scenario.nmea_writer` turns the batches into NMEA lines and the ground truth.

Units used throughout: time in seconds (``t`` relative to the scenario start, ``c`` as UTC unix
seconds), distances in metres, speeds in knots, angles in degrees true, positions in WGS84
decimal degrees. In the raw AIS fields of :class:`ReceptionBatch` the ITU-R M.1371-5 units are
kept: ``lat_i``/``lon_i`` in 1/10 000 minute (1/10 minute for type 27), ``sog_i`` in 0.1 knot
(1023 = not available), ``cog_i`` in 0.1 degree (3600 = not available), ``heading`` in degrees
(511 = not available), ``second`` 0-59 or 60-63 (not available / manual / dead reckoning /
positioning system inoperative).

Reporting rates. A Class A transponder transmits every 2-10 s underway and every 3 min at
anchor or moored (ITU-R M.1371-5 table 1); a Class B CS unit every 30 s above 2 kn and every
3 min below. Writing every transmission would make a day of 200 ships several hundred MB, so
the scenario models the *received* rate that a shore network delivers after its usual
de-duplication and rate limiting: one Class A report every 60-120 s underway (per vessel),
one Class B report every 90-180 s underway, one report about every 3 min when stationary,
static/voyage data (type 5, types 24A/24B) every ~6 min as transmitted. Shore stations hear
Class A out to ~40 nm (74 km) and Class B to ~20 nm (37 km). Out of shore range, two satellites
(``rSAT-1``, ``rSAT-2``) deliver reports only during their passes (12 min every 98 min each),
so offshore vessels show the patchy coverage of real satellite AIS.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from maritime.geodesy import bearing_deg, destination, haversine_km

from maritime.reference.ports import load_ports
from maritime.reference.zones import Zone, load_zones, zone_of

__all__ = [
    "KN",
    "EARTH_RADIUS_M",
    "Kind",
    "NoiseConfig",
    "ScenarioConfig",
    "Station",
    "AtoN",
    "Track",
    "Vessel",
    "ScenarioEvent",
    "Outage",
    "Scenario",
    "ReceptionBatch",
    "build_scenario",
    "iter_batches",
    "generate_records",
    "distance_m",
]

#: One knot in metres per second.
KN: float = 1852.0 / 3600.0
#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M: float = 6_371_008.8
#: Default scenario start (UTC).
DEFAULT_START: datetime = datetime(2025, 1, 15, 0, 0, 0, tzinfo=UTC)

#: Shore-station range for Class A (metres, ~40 nm) and Class B (~20 nm).
RANGE_A_M: float = 74_000.0
RANGE_B_M: float = 37_000.0
#: Satellite passes: period and duration (seconds) and the phase of each satellite.
SAT_PERIOD_S: float = 5880.0
SAT_PASS_S: float = 720.0
SAT_PHASES_S: tuple[float, ...] = (0.0, 2910.0)

#: Raw AIS "not available" values (ITU-R M.1371-5).
LAT_NA_I: int = 91 * 600_000
LON_NA_I: int = 181 * 600_000
SOG_NA_I: int = 1023
COG_NA_I: int = 3600
HEADING_NA: int = 511
ROT_NA: int = -128


class Kind:
    """Record kinds in :class:`ReceptionBatch` (``kind`` column)."""

    POS_A = 1  #: Class A position report, message type 1, 2 or 3
    POS_B = 2  #: Class B position report, type 18
    POS_19 = 3  #: extended Class B position report, type 19 (position and identity)
    POS_27 = 4  #: long-range position report, type 27
    STATIC_5 = 5  #: static and voyage data, type 5 (two sentences)
    STATIC_24A = 6  #: Class B static data part A (name), type 24
    STATIC_24B = 7  #: Class B static data part B (type, call sign, dimensions), type 24
    BASE_4 = 8  #: base station report, type 4
    ATON_21 = 9  #: aid-to-navigation report, type 21
    BINARY_8 = 10  #: binary broadcast (DAC 1 / FI 31 meteorological), type 8
    GPS_NMEA = 11  #: a receiver's own $GPRMC/$GPGGA line (not AIS)
    JUNK = 12  #: a junk line (not NMEA)

    POSITION = (POS_A, POS_B, POS_19, POS_27)
    IDENTITY = (POS_19, STATIC_5, STATIC_24A, STATIC_24B)
    MULTIPART = (STATIC_5,)


class Noise:
    """Noise decisions in :class:`ReceptionBatch` (``noise`` column)."""

    NONE = 0
    BAD_CHECKSUM = 1  #: one payload character corrupted, sentence checksum left as sent
    BAD_TAGBLOCK = 2  #: tag-block checksum wrong, sentence intact
    TRUNCATED = 3  #: the line is cut in the middle of the payload
    ORPHAN = 4  #: a two-part message whose second part never arrives


# ----------------------------------------------------------------------------------------------
# configuration


@dataclass(frozen=True)
class NoiseConfig:
    """Probabilities of reception noise. All are per message unless stated.

    Attributes:
        p_duplicate: probability that a message received by a shore station is also received by
            a second shore station in range (a duplicate reception, ``c:`` 0-2 s later).
        p_sat_duplicate: probability that a message received by a shore station during a
            satellite pass is also delivered by the satellite.
        p_loss: probability that a shore station misses a transmission in range.
        p_bad_checksum, p_bad_tagblock, p_truncated: per single-sentence message received once.
        p_orphan: per two-sentence message received once: part 2 is lost.
        junk_per_hour: mean number of junk lines per hour in the whole feed.
        gps_nmea_interval_s: interval of the $GPRMC+$GPGGA pair of each station that outputs its
            own GPS sentences.
        p_sog_na, p_cog_na: per position report, SOG 102.3 / COG 360 "not available".
        p_second_na, p_second_manual, p_second_dead_reckoning: per report, time stamp 60/61/62.
    """

    p_duplicate: float = 0.30
    p_sat_duplicate: float = 0.04
    p_loss: float = 0.06
    p_bad_checksum: float = 0.002
    p_bad_tagblock: float = 0.001
    p_truncated: float = 0.0015
    p_orphan: float = 0.01
    junk_per_hour: float = 4.0
    gps_nmea_interval_s: float = 600.0
    p_sog_na: float = 0.003
    p_cog_na: float = 0.003
    p_second_na: float = 0.003
    p_second_manual: float = 0.0005
    p_second_dead_reckoning: float = 0.001

    @staticmethod
    def quiet() -> NoiseConfig:
        """A configuration without any line noise nor duplicates (not-available values kept)."""
        return NoiseConfig(
            p_duplicate=0.0,
            p_sat_duplicate=0.0,
            p_bad_checksum=0.0,
            p_bad_tagblock=0.0,
            p_truncated=0.0,
            p_orphan=0.0,
            junk_per_hour=0.0,
            gps_nmea_interval_s=0.0,
        )


@dataclass(frozen=True)
class ScenarioConfig:
    """Parameters of a scenario. The same configuration always gives the same output.

    Attributes:
        seed: random seed.
        start: scenario start, timezone-aware UTC (naive datetimes are taken as UTC).
        hours: duration in hours.
        n_vessels: number of AIS transmitters (vessels), event and decoy actors included.
        events: inject the true events (loitering, dark periods, rendezvous) and the decoys.
        noise: reception-noise probabilities.
        class_a_interval_s: range of the received interval of Class A reports underway (s).
        class_b_interval_s: range of the received interval of Class B reports underway (s).
        stationary_interval_s: received interval when moored or at anchor (s).
        static_interval_s: interval of type 5 / type 24 static data (s).
        base_station_interval_s: interval of each shore station's type 4 report as recorded (s).
        aton_interval_s: interval of each aid to navigation's type 21 report (s).
        met_interval_s: interval of the type 8 meteorological broadcasts (s).
        p_sat_a, p_sat_b: during a satellite pass, probability that a Class A / Class B report
            out of shore range is received by the satellite.
    """

    seed: int = 7
    start: datetime = DEFAULT_START
    hours: float = 24.0
    n_vessels: int = 200
    events: bool = True
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    class_a_interval_s: tuple[float, float] = (60.0, 120.0)
    class_b_interval_s: tuple[float, float] = (90.0, 180.0)
    stationary_interval_s: float = 180.0
    static_interval_s: float = 360.0
    base_station_interval_s: float = 600.0
    aton_interval_s: float = 360.0
    met_interval_s: float = 600.0
    p_sat_a: float = 0.35
    p_sat_b: float = 0.10

    def start_utc(self) -> datetime:
        """``start`` as an aware UTC datetime."""
        s = self.start
        return s.replace(tzinfo=UTC) if s.tzinfo is None else s.astimezone(UTC)

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable parameters."""
        return {
            "seed": self.seed,
            "start": _iso(self.start_utc()),
            "hours": self.hours,
            "n_vessels": self.n_vessels,
            "events": self.events,
            "class_a_interval_s": list(self.class_a_interval_s),
            "class_b_interval_s": list(self.class_b_interval_s),
            "stationary_interval_s": self.stationary_interval_s,
            "static_interval_s": self.static_interval_s,
            "base_station_interval_s": self.base_station_interval_s,
            "aton_interval_s": self.aton_interval_s,
            "met_interval_s": self.met_interval_s,
            "p_sat_a": self.p_sat_a,
            "p_sat_b": self.p_sat_b,
            "noise": {k: getattr(self.noise, k) for k in self.noise.__dataclass_fields__},
        }


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------------------------
# geodesy


def distance_m(
    lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """Great-circle (haversine) distance in metres between points in degrees."""
    return haversine_km(lat1, lon1, lat2, lon2) * 1000.0


def _bearing(
    lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """Initial great-circle bearing in degrees [0, 360)."""
    return bearing_deg(lat1, lon1, lat2, lon2)


def _offset(lat: float, lon: float, bearing: float, dist: float) -> tuple[float, float]:
    """Point at ``dist`` metres from (``lat``, ``lon``) along ``bearing_deg``."""
    la, lo = destination(lat, lon, bearing, dist / 1000.0)
    return float(la), float(lo)


def _dist1(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(distance_m(lat1, lon1, lat2, lon2))


# ----------------------------------------------------------------------------------------------
# counter-based hashing: every per-report random draw is a pure function of (seed, stream, ids),
# so the output does not depend on how the time line is cut into chunks.

_G = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _h64(*parts: int | np.ndarray) -> np.ndarray:
    """splitmix64-style hash of integer parts (scalars or equal-length arrays) → uint64 array."""
    with np.errstate(over="ignore"):
        h = np.zeros(1, dtype=np.uint64)
        for p in parts:
            v = np.asarray(p, dtype=np.int64).astype(np.uint64)
            h = _mix(h + v * _G + np.uint64(0x632BE59BD9B4E019))
        return h


def _u01(*parts: int | np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from :func:`_h64`."""
    return (_h64(*parts) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


# streams of the hash (arbitrary distinct constants)
_S_JITTER, _S_KEEP, _S_LOSS, _S_DUP, _S_SAT, _S_CHAN, _S_TYPE, _S_SOG, _S_COG, _S_HDG = range(101, 111)
_S_NA, _S_NOISE, _S_NOISEARG, _S_SEC, _S_ROT, _S_RADIO, _S_DUPDT, _S_T27, _S_JUNK, _S_SATDUP = range(111, 121)


# ----------------------------------------------------------------------------------------------
# reference geography: shore stations, aids to navigation, sea lanes


@dataclass(frozen=True)
class Station:
    """A receiver that appears as ``s:`` in the tag blocks.

    Attributes:
        name: tag-block source name, e.g. ``rEC-Manta``.
        lat, lon: location (degrees); satellites have NaN.
        talker: NMEA talker of its sentences (``AI``, ``BS`` or ``AB``).
        mmsi: MMSI of the co-located AIS base station (type 4 reports), 0 for satellites.
        satellite: True for a satellite receiver.
        gps_nmea: the receiver also outputs its own $GPRMC/$GPGGA sentences.
    """

    name: str
    lat: float
    lon: float
    talker: str
    mmsi: int
    satellite: bool = False
    gps_nmea: bool = False


def _stations() -> list[Station]:
    s = [
        # name, lat, lon, talker, base-station MMSI (00 + MID + 4 digits), gps
        ("rMX-Manzanillo", 19.058, -104.305, "AI", 3451001, False),
        ("rMX-LazaroCard", 17.940, -102.177, "AI", 3451002, False),
        ("rMX-Acapulco", 16.852, -99.905, "AI", 3451003, False),
        ("rMX-SalinaCruz", 16.163, -95.197, "AI", 3451004, False),
        ("rGT-Quetzal", 13.920, -90.785, "AI", 3321001, False),
        ("rSV-Acajutla", 13.573, -89.838, "AI", 3591001, False),
        ("rNI-Corinto", 12.478, -87.177, "AI", 3501001, False),
        ("rCR-Caldera", 9.912, -84.718, "AI", 3211001, True),
        ("rCR-Golfito", 8.625, -83.178, "AI", 3211002, False),
        ("rPA-Armuelles", 8.268, -82.862, "AI", 3521002, False),
        ("rPA-PuntaMala", 7.470, -80.000, "BS", 3521003, False),
        ("rPanama-Balboa", 8.953, -79.567, "BS", 3521001, True),
        ("rCO-BahiaSolano", 6.225, -77.405, "AI", 7301003, False),
        ("rCO-Buenaventura", 3.888, -77.078, "AI", 7301001, True),
        ("rCO-Gorgona", 2.965, -78.185, "AI", 7301004, False),
        ("rCO-Tumaco", 1.815, -78.760, "AI", 7301002, False),
        ("rEC-Esmeraldas", 0.990, -79.650, "AI", 7351002, False),
        ("rEC-Manta", -0.935, -80.720, "AI", 7351001, True),
        ("rEC-LaLibertad", -2.215, -80.910, "AB", 7351003, False),
        ("rEC-Guayaquil", -2.280, -79.910, "AI", 7351004, False),
        ("rEC-SanCristobal", -0.900, -89.612, "AI", 7351005, False),
        ("rEC-SantaCruz", -0.750, -90.310, "AI", 7351006, True),
        ("rEC-Isabela", -0.962, -90.962, "AI", 7351007, False),
        ("rPE-Talara", -4.577, -81.280, "AI", 7601002, False),
        ("rPE-Paita", -5.083, -81.110, "AI", 7601001, True),
        ("rPE-Chimbote", -9.075, -78.600, "AI", 7601003, False),
        ("rPE-Callao", -12.050, -77.150, "BS", 7601004, True),
        ("rPE-Pisco", -13.800, -76.290, "AI", 7601005, False),
        ("rPE-Ilo", -17.640, -71.345, "AI", 7601006, False),
        ("rCL-Arica", -18.475, -70.320, "AI", 7251001, False),
        ("rCL-Iquique", -20.205, -70.150, "AI", 7251002, False),
        ("rCL-Antofagasta", -23.650, -70.410, "AI", 7251003, False),
        ("rCL-Caldera", -27.065, -70.830, "AI", 7251004, False),
        ("rCL-Coquimbo", -29.950, -71.340, "AI", 7251005, False),
        ("rCL-Valparaiso", -33.030, -71.625, "BS", 7251006, True),
        ("rCL-Talcahuano", -36.720, -73.110, "AI", 7251007, False),
        ("rCL-PuertoMontt", -41.485, -72.940, "AI", 7251008, False),
    ]
    out = [Station(n, la, lo, tk, m, False, g) for n, la, lo, tk, m, g in s]
    out += [Station("rSAT-1", math.nan, math.nan, "AI", 0, True), Station("rSAT-2", math.nan, math.nan, "AI", 0, True)]
    return out


@dataclass(frozen=True)
class AtoN:
    """An aid to navigation that broadcasts type 21 reports.

    Attributes: ``mmsi`` (99 + MID + 4 digits), ``name`` (≤ 20 characters), ``aid_type``
    (ITU-R M.1371 table 74), ``lat``/``lon`` (degrees), ``virtual`` (a virtual AtoN).
    """

    mmsi: int
    name: str
    aid_type: int
    lat: float
    lon: float
    virtual: bool = False


_ATONS: tuple[AtoN, ...] = (
    AtoN(993521001, "FLAMENCO ISLAND LT", 5, 8.907, -79.521),
    AtoN(993521002, "PANAMA CANAL BY 1", 24, 8.842, -79.497),
    AtoN(993521003, "PANAMA CANAL BY 3", 24, 8.870, -79.508),
    AtoN(997301001, "BUENAVENTURA SWB", 28, 3.820, -77.260),
    AtoN(997351001, "CANAL DEL MORRO BY 1", 24, -2.760, -80.310),
    AtoN(997351002, "PUNTA ARENAS LT", 5, -2.700, -80.170),
    AtoN(997351003, "MANTA WRECK VAIS", 30, -0.900, -80.770, True),
    AtoN(997601001, "CALLAO BY 2", 24, -12.035, -77.190),
    AtoN(997601002, "ISLA SAN LORENZO LT", 5, -12.065, -77.245),
    AtoN(997251001, "PUNTA ANGELES LT", 5, -33.020, -71.650),
    AtoN(993451001, "MANZANILLO SWB", 28, 19.040, -104.340),
)

# Sea lanes: named nodes (lat, lon) and polylines between them. Ports are referenced by
# "name|country" of maritime/reference/data/ports.csv. The waypoints keep the lanes at sea.
_SEA_NODES: dict[str, tuple[float, float]] = {
    "BA1": (8.935, -79.550),
    "BA2": (8.895, -79.545),
    "PA1": (8.40, -79.40),
    "PA2": (7.60, -79.55),
    "PA3": (7.05, -79.85),
    "CO1": (6.50, -78.60),
    "CO2": (5.00, -77.95),
    "CO3": (3.825, -77.55),
    "BVA": (3.826, -77.30),
    "BV1": (3.845, -77.160),
    "BV2": (3.865, -77.120),
    "S1": (4.50, -80.50),
    "S2": (2.00, -81.00),
    "S3": (-1.00, -81.30),
    "S4": (-2.30, -81.20),
    "G1": (-2.85, -80.60),
    "GM": (-2.75, -80.26),
    "GP": (-2.695, -80.20),
    "G2": (-2.62, -80.10),
    "G3": (-2.49, -80.045),
    "G4": (-2.37, -80.02),
    "G5": (-2.32, -79.96),
    "PB1": (-3.20, -80.10),
    "PB2": (-3.08, -80.45),
    "P1": (-4.30, -81.65),
    "P2": (-6.00, -81.45),
    "P2b": (-7.50, -80.60),
    "P3": (-9.00, -79.30),
    "P4": (-11.00, -78.00),
    "P5": (-12.00, -77.35),
    "C1": (-12.35, -77.40),
    "C2": (-14.00, -76.65),
    "C3": (-15.80, -75.25),
    "C4": (-18.00, -71.85),
    "C5": (-20.50, -70.75),
    "C6": (-23.30, -70.95),
    "C7": (-27.00, -71.20),
    "C8": (-30.00, -71.90),
    "C9": (-32.80, -71.80),
    "VA1": (-32.99, -71.72),
    "V1": (-33.15, -71.85),
    "SA1": (-33.55, -71.75),
    "T1": (-35.50, -72.75),
    "T2": (-36.55, -73.20),
    "T3": (-36.59, -73.01),
    "T4": (-36.66, -73.02),
    "T5": (-36.70, -73.07),
    "N1": (6.95, -81.00),
    "N2": (7.00, -82.50),
    "N3": (7.60, -83.50),
    "N4": (9.00, -85.60),
    "N5": (11.00, -86.60),
    "N6": (12.50, -88.00),
    "N7": (13.30, -90.00),
    "N8": (13.70, -91.00),
    "N9": (14.30, -92.50),
    "N10": (15.30, -95.00),
    "N11": (15.30, -96.50),
    "N12": (16.00, -98.50),
    "N13": (16.60, -100.00),
    "N14": (17.60, -102.20),
    "N15": (18.50, -103.90),
    "CR1": (9.60, -84.85),
    "NI1": (12.35, -87.40),
    "SV1": (13.45, -89.95),
    "GT1": (13.80, -90.85),
    "MX1": (15.95, -95.20),
    "MX2": (17.80, -102.20),
    "MX3": (16.75, -99.92),
    "CG1": (3.30, -78.00),
    "CG2": (2.00, -79.20),
    "CG3": (1.00, -80.30),
    "E1": (-0.80, -81.00),
    "ES1": (1.30, -80.20),
    "LL1": (-2.10, -81.00),
    "GA0": (-1.10, -89.30),
    "GA1": (-1.00, -89.65),
    "GA2": (-0.85, -90.25),
    "GA2b": (-1.06, -90.80),
    "GA3": (-1.03, -90.95),
    "FL1": (-1.27, -90.55),
    "PT1": (-5.00, -81.35),
    "TL1": (-4.50, -81.50),
    "CH0": (-9.14, -78.63),
    "CH1": (-9.20, -78.75),
    "SV2": (-8.30, -79.20),
    "CY1": (-11.60, -77.45),
    "AN1": (-23.62, -70.75),
    "IQ1": (-20.30, -70.40),
    "AR1": (-18.50, -70.60),
}

_LANES: tuple[tuple[str, ...], ...] = (
    (
        "Balboa|PA",
        "BA1",
        "BA2",
        "Panama Canal Pacific anchorage|PA",
        "PA1",
        "PA2",
        "PA3",
        "S1",
        "S2",
        "S3",
        "S4",
        "P1",
        "P2",
        "P2b",
        "P3",
        "P4",
        "P5",
        "Callao anchorage|PE",
        "Callao|PE",
    ),
    ("Panama Canal Pacific anchorage|PA", "Taboga|PA"),
    ("PA2", "CO1", "CO2", "CO3", "BVA", "Buenaventura anchorage|CO", "BV1", "BV2", "Buenaventura|CO"),
    ("S4", "G1", "GM", "Posorja|EC", "GP", "G2", "G3", "G4", "G5", "Guayaquil|EC"),
    ("G1", "PB2", "PB1", "Puerto Bolívar|EC"),
    (
        "Callao anchorage|PE",
        "P5",
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
        "C7",
        "C8",
        "C9",
        "Valparaíso anchorage|CL",
        "Valparaíso|CL",
    ),
    ("Valparaíso anchorage|CL", "VA1", "V1", "SA1", "San Antonio|CL"),
    ("VA1", "C9"),
    ("SA1", "T1", "T2", "T3", "T4", "T5", "Talcahuano|CL"),
    (
        "PA3",
        "N1",
        "N2",
        "N3",
        "N4",
        "N5",
        "N6",
        "N7",
        "N8",
        "N9",
        "N10",
        "N11",
        "N12",
        "N13",
        "N14",
        "N15",
        "Manzanillo anchorage|MX",
        "Manzanillo|MX",
    ),
    ("Caldera|CR", "CR1", "N4"),
    ("Corinto|NI", "NI1", "N6"),
    ("Acajutla|SV", "SV1", "N7"),
    ("Puerto Quetzal|GT", "GT1", "N8"),
    ("Salina Cruz|MX", "MX1", "N10"),
    ("Lázaro Cárdenas|MX", "MX2", "N14"),
    ("Acapulco|MX", "MX3", "N13"),
    ("Buenaventura anchorage|CO", "CG1", "CG2", "CG3", "S3"),
    ("Tumaco|CO", "Tumaco anchorage|CO", "CG2"),
    ("Manta|EC", "Manta anchorage|EC", "E1", "S3"),
    ("E1", "S2"),
    ("Balao oil terminal|EC", "ES1", "S2"),
    ("La Libertad|EC", "LL1", "S4"),
    ("E1", "GA0", "GA1", "Puerto Baquerizo Moreno|EC"),
    ("GA1", "GA2", "Puerto Ayora|EC"),
    ("GA2", "GA2b", "GA3", "Puerto Villamil|EC"),
    ("GA2", "FL1", "Puerto Velasco Ibarra|EC"),
    ("Paita|PE", "PT1", "P1"),
    ("PT1", "P2"),
    ("Talara|PE", "TL1", "P1"),
    ("Salaverry|PE", "SV2", "P3"),
    ("SV2", "P2b"),
    ("Chimbote|PE", "CH0", "CH1", "P3"),
    ("Chancay|PE", "CY1", "P5"),
    ("CY1", "P4"),
    ("Antofagasta|CL", "AN1", "C6"),
    ("Iquique|CL", "IQ1", "C5"),
    ("Arica|CL", "AR1", "C5"),
    ("AR1", "C4"),
)

#: Merchant trades: (port A, port B, weight). Ships sail either way.
_TRADES: tuple[tuple[str, str, float], ...] = (
    ("Balboa|PA", "Callao|PE", 4.0),
    ("Balboa|PA", "Buenaventura|CO", 3.0),
    ("Balboa|PA", "Guayaquil|EC", 3.0),
    ("Balboa|PA", "Manzanillo|MX", 3.0),
    ("Callao|PE", "Valparaíso|CL", 2.0),
    ("Balboa|PA", "Valparaíso|CL", 1.5),
    ("Balboa|PA", "San Antonio|CL", 1.5),
    ("Guayaquil|EC", "Callao|PE", 1.0),
    ("Buenaventura|CO", "Guayaquil|EC", 1.0),
    ("Balao oil terminal|EC", "Balboa|PA", 1.0),
    ("Manta|EC", "Balboa|PA", 0.7),
    ("Paita|PE", "Balboa|PA", 1.0),
    ("Chancay|PE", "Manzanillo|MX", 1.0),
    ("Callao|PE", "Antofagasta|CL", 0.7),
    ("San Antonio|CL", "Talcahuano|CL", 0.7),
    ("Lázaro Cárdenas|MX", "Balboa|PA", 0.8),
    ("Puerto Quetzal|GT", "Balboa|PA", 0.5),
    ("Acajutla|SV", "Balboa|PA", 0.4),
    ("Corinto|NI", "Balboa|PA", 0.4),
    ("Caldera|CR", "Balboa|PA", 0.5),
    ("Guayaquil|EC", "Puerto Baquerizo Moreno|EC", 0.4),
    ("Chimbote|PE", "Callao|PE", 0.4),
    ("Iquique|CL", "Callao|PE", 0.4),
)

# UN/LOCODE-style destinations broadcast in type 5.
_LOCODE: dict[str, str] = {
    "Balboa|PA": "PA BLB",
    "Callao|PE": "PE CLL",
    "Buenaventura|CO": "CO BUN",
    "Guayaquil|EC": "EC GYE",
    "Manzanillo|MX": "MX ZLO",
    "Valparaíso|CL": "CL VAP",
    "San Antonio|CL": "CL SAI",
    "Balao oil terminal|EC": "EC ESM",
    "Manta|EC": "EC MEC",
    "Paita|PE": "PE PAI",
    "Chancay|PE": "PE CHY",
    "Antofagasta|CL": "CL ANF",
    "Talcahuano|CL": "CL TAL",
    "Lázaro Cárdenas|MX": "MX LZC",
    "Puerto Quetzal|GT": "GT PRQ",
    "Acajutla|SV": "SV AQJ",
    "Corinto|NI": "NI CIO",
    "Caldera|CR": "CR CAL",
    "Puerto Baquerizo Moreno|EC": "EC SCY",
    "Chimbote|PE": "PE CHM",
    "Iquique|CL": "CL IQQ",
}

# ----------------------------------------------------------------------------------------------
# tracks


@dataclass
class Track:
    """A piecewise-linear trajectory.

    Attributes:
        t: knot times, seconds from the scenario start, strictly increasing (≥ 2 knots).
        lat, lon: knot positions (degrees).
        status: AIS navigational status of the segment that starts at each knot (0-15).
    """

    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    status: np.ndarray

    def sample(self, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Position and motion at times ``ts`` (seconds from start).

        Returns:
            ``(lat, lon, sog_kn, cog_deg, status)``; before the first / after the last knot the
            vessel is at that knot with SOG 0.
        """
        ts = np.asarray(ts, dtype=np.float64)
        k = np.clip(np.searchsorted(self.t, ts, side="right") - 1, 0, len(self.t) - 2)
        t0, t1 = self.t[k], self.t[k + 1]
        f = np.clip((ts - t0) / (t1 - t0), 0.0, 1.0)
        lat = self.lat[k] + f * (self.lat[k + 1] - self.lat[k])
        lon = self.lon[k] + f * (self.lon[k + 1] - self.lon[k])
        d = distance_m(self.lat[k], self.lon[k], self.lat[k + 1], self.lon[k + 1])
        sog = np.where((ts >= t0) & (ts <= t1), d / (t1 - t0) / KN, 0.0)
        cog = _bearing(self.lat[k], self.lon[k], self.lat[k + 1], self.lon[k + 1])
        return lat, lon, sog, cog, self.status[k]


class _TrackBuilder:
    """Build a :class:`Track` leg by leg. Times in seconds from start, speeds in knots."""

    def __init__(self, t: float, lat: float, lon: float, status: int) -> None:
        self.t = [float(t)]
        self.lat = [float(lat)]
        self.lon = [float(lon)]
        self.status = [int(status)]

    @property
    def now(self) -> float:
        return self.t[-1]

    @property
    def pos(self) -> tuple[float, float]:
        return self.lat[-1], self.lon[-1]

    def add(self, t: float, lat: float, lon: float, status: int) -> None:
        """Append a knot reached at ``t``; ``status`` applies to the leg that ends there."""
        if t <= self.t[-1]:
            t = self.t[-1] + 1.0
        self.status[-1] = int(status)
        self.t.append(float(t))
        self.lat.append(float(lat))
        self.lon.append(float(lon))
        self.status.append(int(status))

    def goto(self, lat: float, lon: float, speed_kn: float, status: int) -> None:
        """Sail straight to (``lat``, ``lon``) at ``speed_kn``."""
        d = _dist1(self.lat[-1], self.lon[-1], lat, lon)
        self.add(self.now + max(d / (speed_kn * KN), 1.0), lat, lon, status)

    def goto_at(self, lat: float, lon: float, t_arrive: float, status: int) -> None:
        """Sail straight to (``lat``, ``lon``) arriving exactly at ``t_arrive``."""
        self.add(t_arrive, lat, lon, status)

    def route(self, pts: Sequence[tuple[float, float]], speed_kn: float, status: int, until: float = math.inf) -> None:
        """Follow waypoints at ``speed_kn``; stop (mid-leg) at time ``until``."""
        for la, lo in pts:
            d = _dist1(self.lat[-1], self.lon[-1], la, lo)
            dt = max(d / (speed_kn * KN), 1.0)
            if self.now + dt > until:
                f = (until - self.now) / dt
                self.add(until, self.lat[-1] + f * (la - self.lat[-1]), self.lon[-1] + f * (lo - self.lon[-1]), status)
                return
            self.add(self.now + dt, la, lo, status)

    def hold(
        self, until: float, status: int, rng: np.random.Generator, radius_m: float = 25.0, step_s: float = 900.0
    ) -> None:
        """Stay (moored / at anchor): the GNSS antenna wanders within ``radius_m``."""
        la0, lo0 = self.pos
        phase = rng.uniform(0, 360)
        while self.now < until:
            t = min(self.now + step_s * rng.uniform(0.7, 1.3), until)
            phase += rng.uniform(5, 40)
            la, lo = _offset(la0, lo0, phase, radius_m * rng.uniform(0.3, 1.0))
            self.add(t, la, lo, status)

    def drift(
        self,
        until: float,
        status: int,
        rng: np.random.Generator,
        speed_kn: tuple[float, float] = (0.3, 1.4),
        radius_m: float = 600.0,
        step_s: float = 600.0,
        center: tuple[float, float] | None = None,
    ) -> None:
        """Drift slowly (``speed_kn`` range, < 2 kn) within ``radius_m`` of ``center``."""
        c = center or self.pos
        while self.now < until:
            dt = min(step_s * rng.uniform(0.8, 1.2), until - self.now)
            dist = rng.uniform(*speed_kn) * KN * dt
            for _ in range(20):
                b = rng.uniform(0, 360)
                la, lo = _offset(*self.pos, b, dist)
                if _dist1(c[0], c[1], la, lo) <= radius_m:
                    break
            else:
                b = float(_bearing(*self.pos, *c))
                la, lo = _offset(*self.pos, b, min(dist, _dist1(*self.pos, *c)))
            self.add(self.now + max(dt, 1.0), la, lo, status)

    def wander(
        self,
        until: float,
        center: tuple[float, float],
        radius_m: float,
        speed_kn: tuple[float, float],
        leg_m: tuple[float, float],
        status: int,
        rng: np.random.Generator,
    ) -> None:
        """Sail random legs (fishing, searching, patrolling) inside a circle, turning between legs."""
        while self.now < until:
            for _ in range(30):
                b = rng.uniform(0, 360)
                la, lo = _offset(*self.pos, b, rng.uniform(*leg_m))
                if _dist1(center[0], center[1], la, lo) <= radius_m:
                    break
            else:
                la, lo = _offset(center[0], center[1], rng.uniform(0, 360), rng.uniform(0, radius_m * 0.5))
            v = rng.uniform(*speed_kn)
            d = _dist1(*self.pos, la, lo)
            dt = max(d / (v * KN), 1.0)
            if self.now + dt > until:
                f = (until - self.now) / dt
                self.add(until, self.lat[-1] + f * (la - self.lat[-1]), self.lon[-1] + f * (lo - self.lon[-1]), status)
                return
            self.add(self.now + dt, la, lo, status)

    def build(self, t_end: float) -> Track:
        """Finish the track (a last knot at ``t_end`` if needed)."""
        if self.now < t_end:
            self.add(t_end, *self.pos, self.status[-1])
        return Track(np.array(self.t), np.array(self.lat), np.array(self.lon), np.array(self.status, dtype=np.int8))


# ----------------------------------------------------------------------------------------------
# vessels


@dataclass
class Vessel:
    """One AIS transmitter and its behaviour.

    Attributes:
        uid: index in :attr:`Scenario.vessels` (two transmitters may share an MMSI).
        mmsi, name, callsign, imo (0 = none), ship_type (ITU-R M.1371 table 53), flag (ISO 3166
        alpha-2), role (``merchant``, ``fishing``, ``carrier``, ``passenger``, ``tug``,
        ``pleasure``, ``law_enforcement``), ais_class (``"A"`` or ``"B"``).
        to_bow, to_stern, to_port, to_starboard: GNSS antenna position, metres.
        draught: metres. destination: type-5 destination. eta: (month, day, hour, minute) UTC,
        (0, 0, 24, 60) when not available.
        interval_s: received interval underway, seconds. phase_s: schedule offset, seconds.
        heading_ok: has a heading sensor (else heading 511). rot_ok: has a rate-of-turn sensor.
        cog_na_stopped: reports COG 360 (not available) when stopped.
        accuracy: position accuracy flag (DGNSS). raim: RAIM flag.
        type19: a Class B unit that sometimes sends type 19. type27: sends type 27 offshore.
        dark: transmitter-off intervals, seconds from start. gps_outages: intervals without a
        position fix (reports lat 91 / lon 181).
        track: the trajectory.
    """

    uid: int
    mmsi: int
    name: str
    callsign: str
    imo: int
    ship_type: int
    flag: str
    role: str
    ais_class: str
    to_bow: int
    to_stern: int
    to_port: int
    to_starboard: int
    draught: float
    destination: str
    eta: tuple[int, int, int, int]
    interval_s: float
    phase_s: float
    heading_ok: bool
    rot_ok: bool
    cog_na_stopped: bool
    accuracy: bool
    raim: bool
    type19: bool
    type27: bool
    track: Track
    dark: list[tuple[float, float]] = field(default_factory=list)
    gps_outages: list[tuple[float, float]] = field(default_factory=list)
    heading_bias: float = 0.0
    note: str = ""

    @property
    def length(self) -> int:
        """Length overall, metres."""
        return self.to_bow + self.to_stern

    @property
    def width(self) -> int:
        """Beam, metres."""
        return self.to_port + self.to_starboard

    def to_dict(self) -> dict[str, object]:
        """The vessel's entry in the ground truth."""
        return {
            "uid": self.uid,
            "mmsi": self.mmsi,
            "name": self.name,
            "callsign": self.callsign,
            "imo": self.imo or None,
            "ship_type": self.ship_type,
            "length": self.length,
            "width": self.width,
            "flag": self.flag,
            "role": self.role,
            "ais_class": self.ais_class,
        }


# flag → (MIDs, call-sign prefixes)
_FLAGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "PA": ((351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373), ("3E", "3F", "H3", "H8", "H9", "HO", "HP")),
    "LR": ((636,), ("A8", "D5", "EL")),
    "MH": ((538,), ("V7",)),
    "SG": ((563, 564, 565, 566), ("9V", "S6")),
    "HK": ((477,), ("VR",)),
    "MT": ((248, 249), ("9H",)),
    "BS": ((308, 309, 311), ("C6",)),
    "GR": ((237, 239, 240, 241), ("SV", "SX")),
    "CN": ((412, 413, 414), ("BZ", "BY", "BV")),
    "TW": ((416,), ("BI",)),
    "VU": ((576, 577), ("YJ",)),
    "EC": ((735,), ("HC", "HD")),
    "CO": ((730,), ("HK", "HJ", "5K")),
    "PE": ((760,), ("OA", "OB")),
    "CL": ((725,), ("CA", "CB", "CC")),
    "CR": ((321,), ("TI", "TE")),
    "MX": ((345,), ("XC", "XA")),
    "US": ((366, 367, 368), ("WD", "WC")),
    "FR": ((227, 228), ("FG",)),
}

_MERCHANT_A = (
    "PACIFIC",
    "OCEAN",
    "ANDES",
    "GOLDEN",
    "ATLAS",
    "NORDIC",
    "CAPE",
    "CORAL",
    "SOUTHERN",
    "GREAT",
    "BLUE",
    "SILVER",
    "AURORA",
    "HARMONY",
    "STAR",
    "EVER",
    "MARE",
    "SEA",
    "AQUA",
    "POLAR",
    "ORIENT",
    "CONDOR",
    "INCA",
    "CARIBE",
    "PUMA",
    "TITAN",
    "ZEPHYR",
    "OLYMPIC",
    "NAVIOS",
    "ALPHA",
)
_MERCHANT_B = (
    "EXPRESS",
    "SPIRIT",
    "TRADER",
    "PIONEER",
    "VOYAGER",
    "CARRIER",
    "GLORY",
    "HORIZON",
    "PRIDE",
    "FORTUNE",
    "DAWN",
    "NAVIGATOR",
    "ENDEAVOUR",
    "WAVE",
    "BRIDGE",
    "HIGHWAY",
    "JOURNEY",
    "VENTURE",
    "LEADER",
    "QUEEN",
    "SPLENDOR",
    "LIBERTY",
    "BREEZE",
    "ARROW",
    "FALCON",
    "DOLPHIN",
)
_CN_FLEETS = (
    "HAI XIANG YU",
    "LU QING YUAN YU",
    "ZHOU YU",
    "JIN HAI",
    "FU YUAN YU",
    "ZHE LING YU",
    "XIN SHI JI",
    "HUA LI",
    "YUAN YU",
    "NING TAI",
)
_LATIN_FIRST = ("DON", "DONA", "SANTA", "SAN", "VIRGEN DEL", "CAPITAN", "MI", "NUESTRA", "LA", "EL")
_LATIN_SECOND = (
    "MARIO",
    "JULIO",
    "LUCHO",
    "PEDRO",
    "ROSA",
    "CARMEN",
    "ROCIO",
    "CISNE",
    "MARIA",
    "ISABEL",
    "PESCADOR",
    "GAVIOTA",
    "ESTRELLA",
    "PACIFICO",
    "MANABI",
    "FORTUNA",
    "ESPERANZA",
    "BENDICION",
    "DELFIN",
    "TIBURON",
    "JOSEFINA",
    "LUPITA",
    "AMANECER",
    "CARIBE",
    "ALBATROS",
    "VICTORIA",
)
_YACHTS = (
    "SEA BREEZE",
    "WANDERER",
    "ALBATROSS",
    "SOLSTICE",
    "BLUE MOON",
    "KESTREL",
    "FREE SPIRIT",
    "MOANA",
    "SALTY DOG",
    "ODYSSEY",
    "NOMAD",
    "SERENITY",
    "WINDSONG",
    "PELICAN",
    "TRADEWIND",
    "SEA WOLF",
)


def _imo_number(rng: np.random.Generator) -> int:
    """A random 7-digit IMO number with a valid check digit."""
    d = [int(x) for x in str(int(rng.integers(910000, 990000)))]
    check = sum(x * w for x, w in zip(d, (7, 6, 5, 4, 3, 2))) % 10
    return int("".join(map(str, d)) + str(check))


class _Registry:
    """Allocates unique MMSIs, names and call signs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.mmsis: set[int] = set()
        self.names: set[str] = set()
        self.callsigns: set[str] = set()

    def mmsi(self, flag: str) -> int:
        mids = _FLAGS[flag][0]
        while True:
            m = int(mids[int(self.rng.integers(len(mids)))]) * 1_000_000 + int(self.rng.integers(100_000, 1_000_000))
            if m not in self.mmsis:
                self.mmsis.add(m)
                return m

    def callsign(self, flag: str) -> str:
        prefixes = _FLAGS[flag][1]
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        while True:
            p = prefixes[int(self.rng.integers(len(prefixes)))]
            tail = "".join(letters[int(self.rng.integers(26))] for _ in range(2)) + str(int(self.rng.integers(2, 10)))
            if self.rng.random() < 0.5:
                tail = letters[int(self.rng.integers(26))] + tail
            cs = (p + tail)[:7]
            if cs not in self.callsigns:
                self.callsigns.add(cs)
                return cs

    def name(self, style: str) -> str:
        r = self.rng
        for _ in range(1000):
            if style == "merchant":
                n = f"{_MERCHANT_A[int(r.integers(len(_MERCHANT_A)))]} {_MERCHANT_B[int(r.integers(len(_MERCHANT_B)))]}"
                if r.random() < 0.3:
                    n += f" {int(r.integers(1, 12))}"
            elif style == "cn":
                n = f"{_CN_FLEETS[int(r.integers(len(_CN_FLEETS)))]} {int(r.integers(1, 999))}"
            elif style == "latin":
                first = _LATIN_FIRST[int(r.integers(len(_LATIN_FIRST)))]
                n = f"{first} {_LATIN_SECOND[int(r.integers(len(_LATIN_SECOND)))]}"
                if r.random() < 0.4:
                    n += f" {['I', 'II', 'III', 'IV', 'V'][int(r.integers(5))]}"
            elif style == "yacht":
                n = _YACHTS[int(r.integers(len(_YACHTS)))] + ("" if r.random() < 0.5 else f" {int(r.integers(2, 9))}")
            elif style == "tug":
                company = ["SMIT", "SAAM", "BOLUDA", "SVITZER", "PANAMA", "ANDINO"][int(r.integers(6))]
                n = f"{company} {_LATIN_SECOND[int(r.integers(len(_LATIN_SECOND)))]}"
            elif style == "le":
                n = f"GUARDACOSTAS {int(r.integers(10, 99))}"
            else:
                raise ValueError(style)
            n = n[:20].rstrip()
            if n not in self.names:
                self.names.add(n)
                return n
        raise RuntimeError("name space exhausted")


# ship profiles: role → (ship types, length range m, beam ratio, draught range m, speed range kn)
_PROFILES: dict[str, tuple[tuple[int, ...], tuple[float, float], float, tuple[float, float], tuple[float, float]]] = {
    "container": ((70, 71, 74, 79), (180, 300), 0.145, (9.0, 13.5), (14.0, 19.0)),
    "bulk": ((70, 79), (170, 230), 0.16, (8.0, 13.0), (11.0, 14.0)),
    "general": ((70, 70, 79), (90, 150), 0.16, (5.0, 8.5), (10.0, 14.0)),
    "tanker": ((80, 80, 81, 82, 89), (160, 250), 0.18, (8.0, 14.0), (11.0, 15.0)),
    "reefer": ((70, 79), (100, 150), 0.15, (6.0, 8.5), (12.0, 16.0)),
    "squid": ((30,), (55, 80), 0.17, (4.0, 6.0), (8.0, 11.0)),
    "seiner": ((30,), (55, 80), 0.19, (5.0, 7.0), (9.0, 13.0)),
    "artisanal": ((30,), (7, 14), 0.25, (0.8, 1.5), (12.0, 20.0)),
    "coastal_seiner": ((30,), (25, 45), 0.25, (3.0, 4.5), (9.0, 11.0)),
    "passenger": ((60, 60, 69), (25, 70), 0.2, (2.0, 3.5), (9.0, 13.0)),
    "tug": ((52,), (25, 35), 0.35, (4.0, 5.5), (6.0, 11.0)),
    "pleasure": ((37, 36), (10, 20), 0.3, (1.5, 2.5), (5.0, 7.5)),
    "le": ((55,), (40, 90), 0.15, (3.0, 4.5), (10.0, 16.0)),
    "supply": ((70, 90), (50, 80), 0.22, (4.0, 5.5), (10.0, 13.0)),
}


# ----------------------------------------------------------------------------------------------
# scenario objects


@dataclass
class ScenarioEvent:
    """An injected true event or a decoy, as written to the ground truth.

    Attributes:
        kind: ``loitering``, ``dark``, ``rendezvous`` (events) or ``passing``,
            ``port_side_by_side``, ``active_fishing``, ``receiver_outage``, ``shared_mmsi``
            (decoys).
        mmsi, other_mmsi: the actors (``other_mmsi`` for pairs, else None).
        start, end: seconds from the scenario start.
        lat, lon: location (degrees): the loitering / meeting centre, the position where the
            vessel went dark, the closest point of approach, the berth, the outage centre.
        zone: name of the patrol zone containing (lat, lon), else None.
        extra: further kind-specific fields (e.g. ``station``, ``radius_m``, ``lat2``).
    """

    kind: str
    mmsi: int | None
    other_mmsi: int | None
    start: float
    end: float
    lat: float
    lon: float
    zone: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def to_dict(self, t0: datetime) -> dict[str, object]:
        d: dict[str, object] = {
            "kind": self.kind,
            "mmsi": self.mmsi,
            "other_mmsi": self.other_mmsi,
            "start": _iso(t0 + timedelta(seconds=round(self.start))),
            "end": _iso(t0 + timedelta(seconds=round(self.end))),
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "zone": self.zone,
        }
        d.update(self.extra)
        return d


@dataclass(frozen=True)
class Outage:
    """A coverage outage: station ``station`` is down, and no receiver hears vessels within
    ``radius_m`` of (``lat``, ``lon``) between ``start`` and ``end`` (seconds from start)."""

    station: int
    start: float
    end: float
    lat: float
    lon: float
    radius_m: float


@dataclass
class Scenario:
    """A built scenario: everything needed to produce the reception stream."""

    config: ScenarioConfig
    stations: list[Station]
    atons: list[AtoN]
    vessels: list[Vessel]
    events: list[ScenarioEvent]
    decoys: list[ScenarioEvent]
    outages: list[Outage]
    ports: pd.DataFrame
    zones: list[Zone]

    @property
    def start_unix(self) -> int:
        """Scenario start, unix seconds."""
        return int(self.config.start_utc().timestamp())

    @property
    def duration_s(self) -> float:
        """Scenario duration, seconds."""
        return float(self.config.hours) * 3600.0

    @property
    def end_unix(self) -> int:
        """Scenario end (exclusive), unix seconds."""
        return self.start_unix + int(math.ceil(self.duration_s))


# ----------------------------------------------------------------------------------------------
# building


class _Builder:
    def __init__(self, cfg: ScenarioConfig, ports: pd.DataFrame, zones: list[Zone]) -> None:
        self.cfg = cfg
        self.ports = ports
        self.zones = zones
        self.D = cfg.hours * 3600.0
        self.T0 = -1800.0
        self.T1 = self.D + 1800.0
        self.rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x5CE4A610]))
        self.reg = _Registry(np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x4E4D45])))
        self.vessels: list[Vessel] = []
        self.events: list[ScenarioEvent] = []
        self.decoys: list[ScenarioEvent] = []
        self.outages: list[Outage] = []
        self.stations = _stations()
        self._port_xy = {f"{r.name}|{r.country}": (float(r.lat), float(r.lon)) for r in ports.itertuples(index=False)}
        self._graph = self._build_graph()

    # -- geography helpers
    def port(self, key: str) -> tuple[float, float]:
        try:
            return self._port_xy[key]
        except KeyError:
            raise ValueError(f"port {key!r} is not in the ports table") from None

    def node(self, key: str) -> tuple[float, float]:
        return self._port_xy[key] if "|" in key else _SEA_NODES[key]

    def _build_graph(self) -> dict[str, list[tuple[str, float]]]:
        g: dict[str, list[tuple[str, float]]] = {}
        for lane in _LANES:
            for a, b in zip(lane, lane[1:]):
                d = _dist1(*self.node(a), *self.node(b))
                g.setdefault(a, []).append((b, d))
                g.setdefault(b, []).append((a, d))
        return g

    def route(self, a: str, b: str) -> list[tuple[float, float]]:
        """Waypoints of the shortest lane route from port ``a`` to port ``b``."""
        dist = {a: 0.0}
        prev: dict[str, str] = {}
        heap = [(0.0, a)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == b:
                break
            if d > dist.get(u, math.inf):
                continue
            for v, w in self._graph.get(u, []):
                nd = d + w
                if nd < dist.get(v, math.inf):
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(heap, (nd, v))
        if b not in dist:
            raise ValueError(f"no lane route from {a} to {b}")
        path = [b]
        while path[-1] != a:
            path.append(prev[path[-1]])
        return [self.node(k) for k in reversed(path)]

    def zone(self, lat: float, lon: float) -> str | None:
        return zone_of(lat, lon, self.zones)

    # -- vessel creation
    def vrng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence([self.cfg.seed, 0x7E55E1, len(self.vessels), salt]))

    def new_vessel(
        self,
        profile: str,
        flag: str,
        role: str,
        track: Track,
        rng: np.random.Generator,
        *,
        ais_class: str = "A",
        name_style: str = "merchant",
        destination: str = "",
        eta_s: float | None = None,
        mmsi: int | None = None,
        name: str | None = None,
        note: str = "",
    ) -> Vessel:
        types, (lmin, lmax), beam, (dmin, dmax), _ = _PROFILES[profile]
        length = float(rng.uniform(lmin, lmax))
        width = max(2.0, length * beam * rng.uniform(0.9, 1.1))
        to_bow = int(round(length * rng.uniform(0.55, 0.85)))
        to_stern = max(1, int(round(length)) - to_bow)
        to_port = int(round(width / 2))
        to_star = max(1, int(round(width)) - to_port)
        big = ais_class == "A" and profile not in ("artisanal", "pleasure")
        imo = (
            _imo_number(rng)
            if big
            and role in ("merchant", "carrier", "passenger")
            or (big and role == "fishing" and rng.random() < 0.6)
            else 0
        )
        lo_i, hi_i = self.cfg.class_a_interval_s if ais_class == "A" else self.cfg.class_b_interval_s
        interval = float(rng.uniform(lo_i, hi_i))
        if eta_s is not None:
            eta_dt = self.cfg.start_utc() + timedelta(seconds=eta_s)
            eta = (eta_dt.month, eta_dt.day, eta_dt.hour, eta_dt.minute)
        else:
            eta = (0, 0, 24, 60)
        v = Vessel(
            uid=len(self.vessels),
            mmsi=mmsi if mmsi is not None else self.reg.mmsi(flag),
            name=name if name is not None else self.reg.name(name_style),
            callsign=self.reg.callsign(flag),
            imo=imo,
            ship_type=int(types[int(rng.integers(len(types)))]),
            flag=flag,
            role=role,
            ais_class=ais_class,
            to_bow=to_bow,
            to_stern=to_stern,
            to_port=to_port,
            to_starboard=to_star,
            draught=round(float(rng.uniform(dmin, dmax)), 1),
            destination=destination,
            eta=eta,
            interval_s=interval,
            phase_s=float(rng.uniform(0, interval)),
            heading_ok=ais_class == "A" and (role != "fishing" or rng.random() < 0.7),
            rot_ok=ais_class == "A" and role in ("merchant", "passenger", "law_enforcement") and rng.random() < 0.6,
            cog_na_stopped=rng.random() < 0.3,
            accuracy=bool(rng.random() < (0.7 if big else 0.2)),
            raim=bool(rng.random() < 0.3),
            type19=ais_class == "B" and rng.random() < 0.1,
            type27=ais_class == "A" and rng.random() < 0.5,
            track=track,
            heading_bias=float(rng.normal(0, 2.5)),
            note=note,
        )
        self.vessels.append(v)
        return v

    def speed(self, profile: str, rng: np.random.Generator) -> float:
        lo, hi = _PROFILES[profile][4]
        return float(rng.uniform(lo, hi))

    # -- behaviours
    def transit_track(
        self,
        pts: list[tuple[float, float]],
        speed: float,
        s0: float,
        rng: np.random.Generator,
        t_ref: float = 0.0,
        end_status: int = 5,
    ) -> tuple[Track, float]:
        """Sail along ``pts`` at ``speed`` being at distance ``s0`` (m) from the start at ``t_ref``.
        Before the route start the ship waits at anchor; after the end it anchors. Returns
        (track, time of arrival at the route end)."""
        cum = np.concatenate([[0.0], np.cumsum([_dist1(*a, *b) for a, b in zip(pts, pts[1:])])])
        v = speed * KN
        t_start = t_ref - s0 / v  # time at distance 0
        times = t_start + cum / v
        tb = _TrackBuilder(min(self.T0, times[0]) - 1.0, *pts[0], 1)
        if times[0] > tb.now + 1:
            tb.hold(times[0], 1, rng)
            tb.lat[-1], tb.lon[-1] = pts[0]
        for (la, lo), t in zip(pts[1:], times[1:]):
            tb.add(t, la, lo, 0)
            if t > self.T1:
                break
        arrival = float(times[-1])
        if tb.now < self.T1:
            tb.hold(self.T1, end_status, rng, radius_m=10.0 if end_status == 5 else 40.0)
        return tb.build(self.T1), arrival

    def place_on_route(
        self, a: str, b: str, rng: np.random.Generator, frac: tuple[float, float] = (0.0, 1.0)
    ) -> tuple[list[tuple[float, float]], float]:
        pts = self.route(a, b)
        total = float(sum(_dist1(*p, *q) for p, q in zip(pts, pts[1:])))
        return pts, float(rng.uniform(*frac)) * total

    def add_transit(self) -> None:
        rng = self.vrng(1)
        w = np.array([t[2] for t in _TRADES])
        a, b, _ = _TRADES[int(rng.choice(len(_TRADES), p=w / w.sum()))]
        if rng.random() < 0.5:
            a, b = b, a
        profile = str(rng.choice(["container", "bulk", "general", "tanker", "reefer"], p=[0.3, 0.2, 0.25, 0.2, 0.05]))
        if "Balao" in a + b:
            profile = "tanker"
        pts, s0 = self.place_on_route(a, b, rng)
        spd = self.speed(profile, rng)
        track, arrival = self.transit_track(pts, spd, s0, rng)
        flag = str(
            rng.choice(["PA", "LR", "MH", "SG", "HK", "MT", "BS", "GR", "PA", "LR", "CL", "PE", "EC", "CO", "MX"])
        )
        self.new_vessel(profile, flag, "merchant", track, rng, destination=_LOCODE.get(b, ""), eta_s=arrival)

    def add_in_port(self) -> None:
        rng = self.vrng(2)
        places = [
            ("Panama Canal Pacific anchorage|PA", 1, 5.0),
            ("Balboa|PA", 5, 2.0),
            ("Callao anchorage|PE", 1, 2.0),
            ("Callao|PE", 5, 2.0),
            ("Buenaventura anchorage|CO", 1, 1.5),
            ("Buenaventura|CO", 5, 1.0),
            ("Guayaquil|EC", 5, 1.5),
            ("Posorja|EC", 5, 0.7),
            ("Manta anchorage|EC", 1, 0.7),
            ("Valparaíso anchorage|CL", 1, 1.0),
            ("San Antonio|CL", 5, 1.0),
            ("Manzanillo anchorage|MX", 1, 1.0),
            ("Chancay|PE", 5, 0.7),
            ("Paita|PE", 5, 0.5),
            ("Esmeraldas|EC", 5, 0.4),
            ("Antofagasta|CL", 5, 0.4),
            ("Lázaro Cárdenas|MX", 5, 0.6),
            ("Puerto Quetzal|GT", 5, 0.4),
            ("Caldera|CR", 5, 0.4),
        ]
        w = np.array([p[2] for p in places])
        key, status, _ = places[int(rng.choice(len(places), p=w / w.sum()))]
        la, lo = self.port(key)
        # anchorages spread ships over a few km, berths over ~1 km
        spread = 3500.0 if status == 1 else 900.0
        la, lo = _offset(la, lo, rng.uniform(0, 360), spread * math.sqrt(rng.random()))
        la, lo = self._free_spot(la, lo, key, status, rng)
        tb = _TrackBuilder(self.T0 - 1, la, lo, status)
        profile = str(rng.choice(["container", "bulk", "general", "tanker"]))
        dest = _LOCODE.get(key.replace(" anchorage", ""), "")
        tb.hold(self.T1, status, rng, radius_m=40.0 if status == 1 else 10.0)
        flag = str(rng.choice(["PA", "LR", "MH", "SG", "MT", "GR", "PA", "CL", "PE"]))
        self.new_vessel(profile, flag, "merchant", tb.build(self.T1), rng, destination=dest)

    def _free_spot(self, la: float, lo: float, key: str, status: int, rng: np.random.Generator) -> tuple[float, float]:
        """Keep stationary ships ≥ 600 m apart (side-by-side pairs are explicit decoys)."""
        base = self.port(key)
        for _ in range(50):
            ok = all(
                _dist1(la, lo, float(v.track.lat[0]), float(v.track.lon[0])) > 600.0
                for v in self.vessels
                if v.track.status[0] in (1, 5)
            )
            if ok:
                break
            spread = 3500.0 if status == 1 else 1500.0
            la, lo = _offset(*base, rng.uniform(0, 360), spread * math.sqrt(rng.random()))
        return la, lo

    def add_squid(self, ground: str) -> None:
        rng = self.vrng(3)
        if ground == "west":
            c = (float(rng.uniform(-4.0, -0.5)), float(rng.uniform(-98.5, -96.2)))
        else:  # the high-seas corridor
            c = (float(rng.uniform(-2.5, 0.5)), float(rng.uniform(-85.9, -84.9)))
        tb = _TrackBuilder(self.T0 - 1, *_offset(*c, rng.uniform(0, 360), rng.uniform(0, 8000)), 7)
        status = int(rng.choice([7, 7, 0, 15]))
        if rng.random() < 0.15:  # steaming between grounds part of the day
            t_sw = float(rng.uniform(0.2, 0.7)) * self.D
            tb.wander(t_sw, c, 12000.0, (3.0, 5.0), (1500.0, 5000.0), status, rng)
            c2 = _offset(*c, rng.uniform(0, 360), rng.uniform(40000, 90000))
            tb.goto(*c2, self.speed("squid", rng), 0)
            c = c2
        tb.wander(self.T1, c, 12000.0, (3.0, 5.0), (1500.0, 5000.0), status, rng)
        self.new_vessel("squid", "CN", "fishing", tb.build(self.T1), rng, name_style="cn", destination="FISHING")

    def add_carrier(self) -> None:
        rng = self.vrng(4)
        c = (float(rng.uniform(-3.5, -1.0)), float(rng.uniform(-98.0, -96.5)))
        tb = _TrackBuilder(self.T0 - 1, *c, 0)
        tb.wander(self.T1, c, 60000.0, (9.0, 12.0), (15000.0, 40000.0), 0, rng)
        flag = str(rng.choice(["PA", "VU", "CN", "LR"]))
        self.new_vessel("reefer", flag, "carrier", tb.build(self.T1), rng, destination="CALLAO")

    def add_seiner(self) -> None:
        rng = self.vrng(5)
        # tuna purse seiners out of Manta working east of the Galápagos Marine Reserve
        c = (float(rng.uniform(-1.5, 1.5)), float(rng.uniform(-87.5, -84.5)))
        tb = _TrackBuilder(self.T0 - 1, *c, 7)
        while tb.now < self.T1:
            # search at speed, then set and haul slowly (3-5 kn)
            tb.wander(
                min(tb.now + rng.uniform(2, 4) * 3600, self.T1), c, 40000.0, (9.0, 12.0), (10000.0, 25000.0), 0, rng
            )
            tb.wander(
                min(tb.now + rng.uniform(1.5, 3) * 3600, self.T1), tb.pos, 3000.0, (3.0, 5.0), (800.0, 2500.0), 7, rng
            )
        self.new_vessel("seiner", "EC", "fishing", tb.build(self.T1), rng, name_style="latin", destination="PESCA")

    # (port key, seaward bearing range, distance range m, weight); bearings and distances are
    # taken from the harbour exit in _HARBOUR_EXITS when the port has one
    _ARTISANAL_PORTS: tuple[tuple[str, tuple[float, float], tuple[float, float], float], ...] = (
        ("Manta|EC", (300.0, 355.0), (12000.0, 35000.0), 3.0),
        ("Jaramijó|EC", (320.0, 20.0), (10000.0, 30000.0), 2.0),
        ("Puerto López|EC", (250.0, 290.0), (10000.0, 30000.0), 1.5),
        ("Esmeraldas|EC", (320.0, 20.0), (10000.0, 30000.0), 1.5),
        ("Tumaco anchorage|CO", (280.0, 330.0), (10000.0, 30000.0), 1.5),
        ("Paita|PE", (270.0, 310.0), (12000.0, 35000.0), 2.0),
        ("Talara|PE", (250.0, 290.0), (10000.0, 30000.0), 1.0),
        ("Chimbote|PE", (235.0, 265.0), (15000.0, 35000.0), 1.0),
        ("Bahía Solano|CO", (280.0, 320.0), (8000.0, 25000.0), 0.5),
        ("La Libertad|EC", (300.0, 340.0), (10000.0, 25000.0), 1.0),
    )
    #: a point at sea off harbours whose direct line to the sea crosses a headland
    _HARBOUR_EXITS: dict[str, tuple[float, float]] = {
        "Chimbote|PE": (-9.14, -78.63),
        "Bahía Solano|CO": (6.30, -77.45),
        "Puerto López|EC": (-1.55, -80.84),
        "Paita|PE": (-5.05, -81.12),
    }

    def artisanal_track(
        self, rng: np.random.Generator, key: str, brg: tuple[float, float], dist: tuple[float, float], speed: float
    ) -> tuple[Track, tuple[float, float]]:
        home = self.port(key)
        exit_ = self._HARBOUR_EXITS.get(key)
        b = rng.uniform(brg[0], brg[1] + (360.0 if brg[1] < brg[0] else 0.0)) % 360.0
        spot = _offset(*(exit_ or home), b, rng.uniform(*dist))
        berth = _offset(*home, rng.uniform(0, 360), rng.uniform(50, 600))
        tb = _TrackBuilder(self.T0 - 1, *berth, 5)
        t_leave = float(rng.uniform(-4, 8)) * 3600.0
        fish_h = float(rng.uniform(4, 10))
        if t_leave > tb.now:
            tb.hold(t_leave, 5, rng, radius_m=8.0)
        if exit_:
            tb.goto(*exit_, speed, 0)
        tb.goto(*spot, speed, 0)
        tb.wander(tb.now + fish_h * 3600, spot, 5000.0, (3.0, 5.0), (800.0, 3000.0), 7, rng)
        if exit_:
            tb.goto(*exit_, speed, 0)
        tb.goto(*berth, speed, 0)
        if tb.now < self.T1:
            tb.hold(self.T1, 5, rng, radius_m=8.0)
        return tb.build(self.T1), spot

    def add_artisanal(
        self, key_index: int | None = None, *, mmsi: int | None = None, name: str | None = None, note: str = ""
    ) -> Vessel:
        rng = self.vrng(6)
        ports = self._ARTISANAL_PORTS
        if key_index is None:
            w = np.array([p[3] for p in ports])
            key_index = int(rng.choice(len(ports), p=w / w.sum()))
        key, brg, dist, _ = ports[key_index]
        track, _ = self.artisanal_track(rng, key, brg, dist, self.speed("artisanal", rng))
        flag = key.split("|")[1]
        return self.new_vessel(
            "artisanal", flag, "fishing", track, rng, ais_class="B", name_style="latin", mmsi=mmsi, name=name, note=note
        )

    def add_coastal_seiner(self) -> None:
        rng = self.vrng(7)
        key, brg, dist = [
            ("Chimbote|PE", (235.0, 265.0), (20000.0, 50000.0)),
            ("Paita|PE", (240.0, 290.0), (20000.0, 45000.0)),
            ("Callao anchorage|PE", (230.0, 280.0), (20000.0, 45000.0)),
            ("Salaverry|PE", (220.0, 260.0), (20000.0, 45000.0)),
        ][int(rng.integers(4))]
        track, _ = self.artisanal_track(rng, key, brg, dist, self.speed("coastal_seiner", rng))
        self.new_vessel("coastal_seiner", "PE", "fishing", track, rng, name_style="latin", destination="PESCA")

    _GALAPAGOS = ("Puerto Ayora|EC", "Puerto Baquerizo Moreno|EC", "Puerto Villamil|EC", "Puerto Velasco Ibarra|EC")

    def add_passenger(self) -> None:
        rng = self.vrng(8)
        if rng.random() < 0.75:
            stops = list(self._GALAPAGOS)
            flag, style = "EC", "latin"
        else:
            stops = ["Balboa|PA", "Taboga|PA"]
            flag, style = "PA", "latin"
        cur = stops[int(rng.integers(len(stops)))]
        la, lo = self._free_spot(*_offset(*self.port(cur), rng.uniform(0, 360), 300.0), cur, 5, rng)
        tb = _TrackBuilder(self.T0 - 1, la, lo, 5)
        spd = self.speed("passenger", rng)
        while tb.now < self.T1:
            tb.hold(min(tb.now + rng.uniform(1.0, 5.0) * 3600, self.T1), 5, rng, radius_m=10.0)
            if tb.now >= self.T1:
                break
            nxt = stops[int(rng.integers(len(stops)))]
            while nxt == cur:
                nxt = stops[int(rng.integers(len(stops)))]
            pts = self.route(cur, nxt)[1:]
            pts[-1] = _offset(*pts[-1], rng.uniform(0, 360), 250.0)
            tb.route(pts, spd, 0, until=self.T1)
            cur = nxt
        self.new_vessel(
            "passenger",
            flag,
            "passenger",
            tb.build(self.T1),
            rng,
            name_style=style,
            destination="GALAPAGOS" if flag == "EC" else "TABOGA",
        )

    def add_tug(self) -> None:
        rng = self.vrng(9)
        home, anch = [
            ("Balboa|PA", "Panama Canal Pacific anchorage|PA"),
            ("Callao|PE", "Callao anchorage|PE"),
            ("Buenaventura|CO", "Buenaventura anchorage|CO"),
            ("Manzanillo|MX", "Manzanillo anchorage|MX"),
            ("Valparaíso|CL", "Valparaíso anchorage|CL"),
            ("Manta|EC", "Manta anchorage|EC"),
        ][int(rng.integers(6))]
        berth = _offset(*self.port(home), rng.uniform(0, 360), rng.uniform(100, 700))
        tb = _TrackBuilder(self.T0 - 1, *berth, 5)
        spd = self.speed("tug", rng)
        while tb.now < self.T1:
            tb.hold(min(tb.now + rng.uniform(1.0, 4.0) * 3600, self.T1), 5, rng, radius_m=8.0)
            if tb.now >= self.T1:
                break
            job = _offset(*self.port(anch), rng.uniform(0, 360), rng.uniform(300, 3000))
            lane = self.route(home, anch)[1:-1]
            tb.route([*lane, job], spd, 0)
            tb.wander(tb.now + rng.uniform(0.3, 1.0) * 3600, job, 800.0, (3.0, 6.0), (200.0, 600.0), 3, rng)
            tb.route([*reversed(lane), berth], spd, 0)
        flag = home.split("|")[1]
        self.new_vessel("tug", flag, "tug", tb.build(self.T1), rng, name_style="tug")

    def add_pleasure(self) -> None:
        rng = self.vrng(10)
        r = rng.random()
        if r < 0.4:  # crossing from Panama to the Galápagos (via the Gulf of Panama and Malpelo's west)
            pts = [
                self.port("Panama Canal Pacific anchorage|PA"),
                _SEA_NODES["PA1"],
                _SEA_NODES["PA2"],
                _SEA_NODES["PA3"],
                (3.0, -84.0),
                (-0.9, -88.8),
                _SEA_NODES["GA0"],
                _SEA_NODES["GA1"],
                self.port("Puerto Baquerizo Moreno|EC"),
            ]
            spd = self.speed("pleasure", rng)
            total = float(sum(_dist1(*p, *q) for p, q in zip(pts, pts[1:])))
            track, _ = self.transit_track(pts, spd, float(rng.uniform(0.05, 0.9)) * total, rng)
        elif r < 0.7:  # cruising the Gulf of Panama / Las Perlas
            c = (8.6, -79.4)
            tb = _TrackBuilder(self.T0 - 1, *c, 8)
            tb.wander(self.T1, c, 12000.0, (5.0, 7.5), (3000.0, 9000.0), 8, rng)
            track = tb.build(self.T1)
        else:  # Galápagos inter-island south of Santa Cruz
            c = (-1.05, -90.1)
            tb = _TrackBuilder(self.T0 - 1, *c, 8)
            tb.wander(self.T1, c, 12000.0, (5.0, 7.5), (3000.0, 9000.0), 8, rng)
            track = tb.build(self.T1)
        flag = str(rng.choice(["US", "FR", "PA", "EC", "CR"]))
        self.new_vessel("pleasure", flag, "pleasure", track, rng, ais_class="B", name_style="yacht")

    _PATROLS: tuple[tuple[str, tuple[float, float], float], ...] = (
        ("EC", (-1.45, -90.95), 25000.0),  # Galápagos Marine Reserve, south of Isabela
        ("EC", (-1.15, -89.10), 20000.0),  # Galápagos, south-east of San Cristóbal
        ("CO", (1.9, -79.25), 25000.0),  # Tumaco approaches
        ("PE", (-4.6, -81.75), 30000.0),  # off Talara
        ("PA", (8.0, -79.35), 25000.0),  # Gulf of Panama
        ("CR", (5.1, -86.8), 30000.0),  # Cocos Island
        ("CO", (4.0, -81.1), 40000.0),  # Malpelo
    )

    def add_law_enforcement(self, k: int) -> None:
        rng = self.vrng(11)
        flag, c, r = self._PATROLS[k % len(self._PATROLS)]
        tb = _TrackBuilder(self.T0 - 1, *c, 0)
        tb.wander(self.T1, c, r, (9.0, 15.0), (8000.0, 25000.0), 0, rng)
        self.new_vessel("le", flag, "law_enforcement", tb.build(self.T1), rng, name_style="le", destination="PATROL")

    # -- injected events -------------------------------------------------------------------
    def _window(self, rng: np.random.Generator, dur_h: tuple[float, float]) -> tuple[float, float] | None:
        dur = float(rng.uniform(*dur_h)) * 3600.0
        lo, hi = 2.0 * 3600.0, self.D - 2.0 * 3600.0 - dur
        if hi < lo:
            dur = self.D - 4.5 * 3600.0
            if dur < dur_h[0] * 3600.0:
                return None
            hi = lo
        t0 = round(float(rng.uniform(lo, hi)))
        return float(t0), float(t0 + round(dur))

    def _approach_event(
        self,
        rng: np.random.Generator,
        E: tuple[float, float],
        t0: float,
        t1: float,
        w_bearing: float,
        w_speed: tuple[float, float],
        w_status: int,
        drift_knots: list[tuple[float, float, float]],
        status: int,
    ) -> Track:
        """Wander around a point 15 km from ``E``, come in, follow ``drift_knots`` (t, lat, lon)
        from ``t0`` to ``t1``, then leave to another point 15 km away and wander again."""
        W1 = _offset(*E, w_bearing, 15000.0)
        W2 = _offset(*E, (w_bearing + rng.uniform(60, 120)) % 360, 15000.0)
        tb = _TrackBuilder(self.T0 - 1, *W1, w_status)
        tb.wander(t0 - 3600.0, W1, 6000.0, w_speed, (2000.0, 6000.0), w_status, rng)
        t_first, la, lo = drift_knots[0]
        tb.goto_at(la, lo, t_first, w_status)
        for t, la, lo in drift_knots[1:]:
            tb.add(t, la, lo, status)
        d = _dist1(*tb.pos, *W2)
        tb.goto_at(*W2, t1 + d / (8.0 * KN), w_status)
        tb.wander(self.T1, W2, 6000.0, w_speed, (2000.0, 6000.0), w_status, rng)
        return tb.build(self.T1)

    def _drift_knots(
        self, rng: np.random.Generator, E: tuple[float, float], t0: float, t1: float, radius_m: float
    ) -> list[tuple[float, float, float]]:
        tb = _TrackBuilder(t0, *E, 0)
        tb.drift(t1, 0, rng, radius_m=radius_m, center=E)
        return list(zip(tb.t, tb.lat, tb.lon))

    def inject_loitering(
        self, E: tuple[float, float], w_bearing: float, profile: str, flag: str, role: str, dur_h: tuple[float, float]
    ) -> None:
        rng = self.vrng(20)
        win = self._window(rng, dur_h)
        if win is None:
            return
        t0, t1 = win
        knots = self._drift_knots(rng, E, t0, t1, radius_m=float(rng.uniform(300, 900)))
        w_speed = (3.0, 5.0) if role == "fishing" else (6.0, 9.0)
        w_status = 7 if role == "fishing" else 0
        track = self._approach_event(rng, E, t0, t1, w_bearing, w_speed, w_status, knots, 0)
        v = self.new_vessel(
            profile,
            flag,
            role,
            track,
            rng,
            name_style="latin" if role == "fishing" else "merchant",
            note="loitering actor",
        )
        self.events.append(
            ScenarioEvent(
                "loitering", v.mmsi, None, t0, t1, E[0], E[1], self.zone(*E), {"duration_h": round((t1 - t0) / 3600, 2)}
            )
        )

    def inject_dark(
        self, E: tuple[float, float], flag: str, profile: str, dur_h: tuple[float, float], ais_class: str = "A"
    ) -> None:
        rng = self.vrng(21)
        win = self._window(rng, dur_h)
        if win is None:
            return
        t0, t1 = win
        tb = _TrackBuilder(self.T0 - 1, *E, 7)
        tb.wander(self.T1, E, 7000.0, (3.0, 5.0), (1000.0, 3500.0), 7, rng)
        track = tb.build(self.T1)
        v = self.new_vessel(
            profile, flag, "fishing", track, rng, ais_class=ais_class, name_style="latin", note="dark actor"
        )
        v.dark.append((t0, t1))
        la, lo, *_ = track.sample(np.array([t0]))
        self.events.append(
            ScenarioEvent(
                "dark",
                v.mmsi,
                None,
                t0,
                t1,
                float(la[0]),
                float(lo[0]),
                self.zone(float(la[0]), float(lo[0])),
                {"duration_h": round((t1 - t0) / 3600, 2)},
            )
        )

    def inject_rendezvous(
        self,
        E: tuple[float, float],
        a: tuple[str, str, str, float],
        b: tuple[str, str, str, float],
        dur_h: tuple[float, float],
    ) -> None:
        rng = self.vrng(22)
        win = self._window(rng, dur_h)
        if win is None:
            return
        t0, t1 = win
        knots = self._drift_knots(rng, E, t0, t1, radius_m=400.0)
        sep, sep_b = float(rng.uniform(60, 250)), float(rng.uniform(0, 360))
        knots_b = [(t, *_offset(la, lo, sep_b, sep)) for t, la, lo in knots]
        ids = []
        for (profile, flag, role, w_bearing), kn in ((a, knots), (b, knots_b)):
            w_speed = (3.0, 5.0) if role == "fishing" else (6.0, 9.0)
            w_status = 7 if role == "fishing" else 0
            track = self._approach_event(rng, E, t0, t1, w_bearing, w_speed, w_status, kn, 0)
            style = "cn" if flag == "CN" else ("latin" if role == "fishing" else "merchant")
            ids.append(self.new_vessel(profile, flag, role, track, rng, name_style=style, note="rendezvous actor").mmsi)
        self.events.append(
            ScenarioEvent(
                "rendezvous",
                ids[0],
                ids[1],
                t0,
                t1,
                E[0],
                E[1],
                self.zone(*E),
                {"duration_h": round((t1 - t0) / 3600, 2), "separation_m": round(sep)},
            )
        )

    # -- decoys ------------------------------------------------------------------------------
    def decoy_passing(self) -> None:
        rng = self.vrng(30)
        pts = self.route("Balboa|PA", "Callao|PE")
        total = float(sum(_dist1(*p, *q) for p, q in zip(pts, pts[1:])))
        # crossing point on the Gulf of Panama leg PA1 → PA2
        cum = np.concatenate([[0.0], np.cumsum([_dist1(*p, *q) for p, q in zip(pts, pts[1:])])])
        i = pts.index(_SEA_NODES["PA1"])
        s_p = float(cum[i] + rng.uniform(0.3, 0.7) * (cum[i + 1] - cum[i]))
        tc = float(round(rng.uniform(0.3, 0.7) * self.D))
        va, vb = self.speed("container", rng), self.speed("bulk", rng)
        ta, _ = self.transit_track(pts, va, s_p, rng, t_ref=tc)
        rev = list(reversed(pts))
        tb_, arr = self.transit_track(rev, vb, total - s_p, rng, t_ref=tc)
        la, lo, _, cog, _ = ta.sample(np.array([tc]))
        off = 250.0
        dlat, dlon = np.subtract(
            _offset(float(la[0]), float(lo[0]), float(cog[0]) + 90.0, off), (float(la[0]), float(lo[0]))
        )
        tb_ = Track(tb_.t, tb_.lat + dlat, tb_.lon + dlon, tb_.status)
        a = self.new_vessel(
            "container", "PA", "merchant", ta, rng, destination=_LOCODE["Callao|PE"], note="passing decoy"
        )
        b = self.new_vessel(
            "bulk", "LR", "merchant", tb_, rng, destination=_LOCODE["Balboa|PA"], eta_s=arr, note="passing decoy"
        )
        self.decoys.append(
            ScenarioEvent(
                "passing",
                a.mmsi,
                b.mmsi,
                tc - 300,
                tc + 300,
                float(la[0]),
                float(lo[0]),
                self.zone(float(la[0]), float(lo[0])),
                {"min_distance_m": off},
            )
        )

    def decoy_side_by_side(self) -> None:
        rng = self.vrng(31)
        la, lo = _offset(*self.port("Callao|PE"), 200.0, 500.0)
        ids = []
        for k in range(2):
            p = _offset(la, lo, 135.0, 45.0 * k)
            tb = _TrackBuilder(self.T0 - 1, *p, 5)
            tb.hold(self.T1, 5, rng, radius_m=6.0)
            ids.append(
                self.new_vessel(
                    "general" if k == 0 else "tanker",
                    "PE" if k else "PA",
                    "merchant",
                    tb.build(self.T1),
                    rng,
                    note="side-by-side decoy",
                ).mmsi
            )
        self.decoys.append(
            ScenarioEvent(
                "port_side_by_side",
                ids[0],
                ids[1],
                0.0,
                self.D,
                la,
                lo,
                self.zone(la, lo),
                {"port": "Callao", "separation_m": 45},
            )
        )
        # bunkering alongside at the Panama anchorage
        win = self._window(rng, (3.0, 5.0))
        if win is None:
            return
        t0, t1 = win
        A = _offset(*self.port("Panama Canal Pacific anchorage|PA"), 60.0, 2500.0)
        tb = _TrackBuilder(self.T0 - 1, *A, 1)
        tb.hold(self.T1, 1, rng, radius_m=40.0, step_s=600.0)
        ship = tb.build(self.T1)
        berth = _offset(*self.port("Balboa|PA"), 180.0, 800.0)
        bb = _TrackBuilder(self.T0 - 1, *berth, 5)
        bb.hold(t0 - 2400.0, 5, rng, radius_m=8.0)
        sel = (ship.t >= t0) & (ship.t <= t1)
        kt, kla, klo = ship.t[sel], ship.lat[sel], ship.lon[sel]
        first = _offset(float(kla[0]), float(klo[0]), 240.0, 60.0)
        lane = self.route("Balboa|PA", "Panama Canal Pacific anchorage|PA")[1:-1]
        bb.route(lane, 7.0, 0)
        bb.goto_at(*first, float(kt[0]), 0)
        for t, a_, o_ in zip(kt[1:], kla[1:], klo[1:]):
            bb.add(float(t), *_offset(float(a_), float(o_), 240.0, 60.0), 0)
        bb.route([*reversed(lane), berth], 7.0, 0)
        bb.hold(self.T1, 5, rng, radius_m=8.0)
        s = self.new_vessel("bulk", "MT", "merchant", ship, rng, note="bunkering decoy (receiving ship)")
        b = self.new_vessel("tanker", "PA", "merchant", bb.build(self.T1), rng, note="bunkering decoy (bunker tanker)")
        self.decoys.append(
            ScenarioEvent(
                "port_side_by_side",
                s.mmsi,
                b.mmsi,
                float(kt[0]),
                float(kt[-1]),
                A[0],
                A[1],
                self.zone(*A),
                {"port": "Panama Canal Pacific anchorage", "separation_m": 60, "activity": "bunkering at anchor"},
            )
        )

    def decoy_pair_fishing(self) -> None:
        rng = self.vrng(32)
        c = (-4.15, -81.75)
        tb = _TrackBuilder(self.T0 - 1, *c, 7)
        tb.wander(self.T1, c, 8000.0, (3.5, 4.5), (2000.0, 5000.0), 7, rng)
        lead = tb.build(self.T1)
        brg, sep = float(rng.uniform(0, 360)), float(rng.uniform(200, 400))
        dlat, dlon = np.subtract(_offset(*c, brg, sep), c)
        follow = Track(lead.t.copy(), lead.lat + dlat, lead.lon + dlon, lead.status.copy())
        a = self.new_vessel("coastal_seiner", "PE", "fishing", lead, rng, name_style="latin", note="pair-trawl decoy")
        b = self.new_vessel("coastal_seiner", "PE", "fishing", follow, rng, name_style="latin", note="pair-trawl decoy")
        self.decoys.append(
            ScenarioEvent(
                "active_fishing",
                a.mmsi,
                b.mmsi,
                0.0,
                self.D,
                c[0],
                c[1],
                self.zone(*c),
                {"separation_m": round(sep), "speed_kn": [3.5, 4.5]},
            )
        )

    def decoy_shared_mmsi(self) -> None:
        a = self.add_artisanal(0, note="shared-MMSI decoy")
        b = self.add_artisanal(5, mmsi=a.mmsi, name=(a.name[:18].rstrip() + " B"), note="shared-MMSI decoy")
        la, lo, *_ = a.track.sample(np.array([self.D / 2]))
        lb, ob, *_ = b.track.sample(np.array([self.D / 2]))
        self.decoys.append(
            ScenarioEvent(
                "shared_mmsi",
                a.mmsi,
                None,
                0.0,
                self.D,
                float(la[0]),
                float(lo[0]),
                self.zone(float(la[0]), float(lo[0])),
                {"lat2": round(float(lb[0]), 5), "lon2": round(float(ob[0]), 5), "uids": [a.uid, b.uid]},
            )
        )

    def decoy_outage(self) -> None:
        rng = self.vrng(33)
        win = self._window(rng, (3.0, 6.0))
        if win is None:
            return
        t0, t1 = win
        si = next(i for i, s in enumerate(self.stations) if s.name == "rEC-Manta")
        st = self.stations[si]
        self.outages.append(Outage(si, t0, t1, st.lat, st.lon, RANGE_A_M))
        self.decoys.append(
            ScenarioEvent(
                "receiver_outage",
                None,
                None,
                t0,
                t1,
                st.lat,
                st.lon,
                self.zone(st.lat, st.lon),
                {"station": st.name, "radius_m": RANGE_A_M},
            )
        )


def build_scenario(
    config: ScenarioConfig | None = None, *, ports: pd.DataFrame | None = None, zones: list[Zone] | None = None
) -> Scenario:
    """Build the vessels, tracks, events and decoys of a scenario.

    Args:
        config: parameters (defaults: seed 7, 24 h from 2025-01-15T00:00Z, 200 vessels, events on).
        ports: ports table (:func:`maritime.reference.ports.load_ports`); bundled table if None.
        zones: patrol zones (:func:`maritime.reference.zones.load_zones`); bundled zones if None.

    Returns:
        The scenario. Deterministic: the same arguments give the same scenario.
    """
    cfg = config or ScenarioConfig()
    if cfg.hours <= 0:
        raise ValueError("hours must be positive")
    if cfg.n_vessels < 1:
        raise ValueError("n_vessels must be at least 1")
    b = _Builder(cfg, ports if ports is not None else load_ports(), zones if zones is not None else load_zones())

    if cfg.events:
        b.inject_loitering((7.95, -79.25), 200.0, "general", "PA", "merchant", (2.5, 8.0))
        b.inject_loitering((5.15, -86.75), 150.0, "seiner", "EC", "fishing", (2.5, 8.0))
        b.inject_loitering((2.88, -78.30), 250.0, "general", "PA", "merchant", (2.5, 8.0))
        b.inject_dark((-1.25, -89.90), "EC", "seiner", (3.5, 12.0))
        b.inject_dark((1.65, -79.20), "CO", "coastal_seiner", (3.5, 12.0))
        b.inject_dark((-4.90, -81.60), "PE", "coastal_seiner", (3.5, 12.0))
        b.inject_rendezvous(
            (-1.50, -85.20), ("squid", "CN", "fishing", 270.0), ("reefer", "PA", "carrier", 90.0), (2.5, 6.0)
        )
        b.inject_rendezvous(
            (1.30, -79.95), ("coastal_seiner", "CO", "fishing", 300.0), ("general", "PA", "merchant", 0.0), (2.5, 6.0)
        )
        b.inject_rendezvous(
            (4.35, -81.25), ("seiner", "EC", "fishing", 0.0), ("supply", "PA", "carrier", 120.0), (2.5, 6.0)
        )
        b.decoy_passing()
        b.decoy_side_by_side()
        b.decoy_pair_fishing()
        b.decoy_outage()
        b.decoy_shared_mmsi()

    n_pop = max(0, cfg.n_vessels - len(b.vessels))
    shares = [
        ("in_port", 0.15),
        ("squid_west", 0.13),
        ("squid_corridor", 0.03),
        ("carrier", 0.015),
        ("seiner", 0.04),
        ("artisanal", 0.16),
        ("coastal_seiner", 0.04),
        ("passenger", 0.04),
        ("tug", 0.035),
        ("pleasure", 0.04),
        ("law_enforcement", 0.03),
    ]
    counts = {k: int(math.floor(s * n_pop)) for k, s in shares}
    counts["transit"] = n_pop - sum(counts.values())
    for kind in ["transit", *[k for k, _ in shares]]:
        for k in range(counts[kind]):
            if kind == "transit":
                b.add_transit()
            elif kind == "in_port":
                b.add_in_port()
            elif kind == "squid_west":
                b.add_squid("west")
            elif kind == "squid_corridor":
                b.add_squid("corridor")
            elif kind == "carrier":
                b.add_carrier()
            elif kind == "seiner":
                b.add_seiner()
            elif kind == "artisanal":
                b.add_artisanal()
            elif kind == "coastal_seiner":
                b.add_coastal_seiner()
            elif kind == "passenger":
                b.add_passenger()
            elif kind == "tug":
                b.add_tug()
            elif kind == "pleasure":
                b.add_pleasure()
            elif kind == "law_enforcement":
                b.add_law_enforcement(k)
    vessels = b.vessels

    # at least two Class B units also send type 19 now and then
    cls_b = [v for v in vessels if v.ais_class == "B" and v.note == ""]
    for v in cls_b[:2]:
        v.type19 = True

    # a few Class A units lose their GNSS fix for a while (reports with lat 91 / lon 181)
    grng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x6E55]))
    actors = {e.mmsi for e in b.events} | {e.other_mmsi for e in b.events}
    cands = [v for v in vessels if v.ais_class == "A" and v.mmsi not in actors and v.role in ("merchant", "fishing")]
    shore = [s for s in b.stations if not s.satellite]
    n_gps = max(2, len(vessels) // 50)
    for k in grng.permutation(len(cands)):
        if n_gps == 0:
            break
        t0 = float(grng.uniform(0.05, 0.9)) * b.D
        la, lo, *_ = cands[int(k)].track.sample(np.array([t0]))
        # only where a shore station hears it, so that the no-position reports show up
        if min(_dist1(float(la[0]), float(lo[0]), s.lat, s.lon) for s in shore) < 0.8 * RANGE_A_M:
            cands[int(k)].gps_outages.append((t0, t0 + float(grng.uniform(15, 60)) * 60.0))
            n_gps -= 1

    return Scenario(
        config=cfg,
        stations=b.stations,
        atons=list(_ATONS),
        vessels=vessels,
        events=b.events,
        decoys=b.decoys,
        outages=b.outages,
        ports=b.ports,
        zones=b.zones,
    )


# ----------------------------------------------------------------------------------------------
# receptions


@dataclass
class ReceptionBatch:
    """Columnar records of received messages and noise lines, sorted by reception time.

    Every column is a numpy array of the same length. Each row becomes one NMEA line (two for
    a complete two-sentence message, one for an orphan fragment).

    Columns:
        c: reception time, UTC unix seconds (the tag-block ``c:``).
        station: index into :attr:`Scenario.stations`.
        channel: 0 = AIS channel A, 1 = B.
        kind: a :class:`Kind` value. msg_type: AIS message type (0 for non-AIS lines).
        src: vessel uid, AtoN index or station index, by kind.
        mmsi: transmitter MMSI.
        seq: per-source sequence number of the transmission (unique per ``src`` and kind).
        dup: True for a second reception of a transmission (another station, 0-2 s later).
        noise: a :class:`Noise` value. arg: 32 random bits used to render noise and junk.
        lat_i, lon_i, sog_i, cog_i, heading, second, status, rot, accuracy, raim, radio:
            raw AIS fields of position reports (see the module docstring for units).
        part: 0, or 1/2 for type 24 parts A/B.
    """

    c: np.ndarray
    station: np.ndarray
    channel: np.ndarray
    kind: np.ndarray
    msg_type: np.ndarray
    src: np.ndarray
    mmsi: np.ndarray
    seq: np.ndarray
    dup: np.ndarray
    noise: np.ndarray
    arg: np.ndarray
    lat_i: np.ndarray
    lon_i: np.ndarray
    sog_i: np.ndarray
    cog_i: np.ndarray
    heading: np.ndarray
    second: np.ndarray
    status: np.ndarray
    rot: np.ndarray
    accuracy: np.ndarray
    raim: np.ndarray
    radio: np.ndarray

    def __len__(self) -> int:
        return len(self.c)

    @staticmethod
    def concat(parts: list[dict[str, np.ndarray]]) -> ReceptionBatch:
        names = list(ReceptionBatch.__dataclass_fields__)
        cols = {n: np.concatenate([p[n] for p in parts]) if parts else np.zeros(0, dtype=np.int64) for n in names}
        order = np.lexsort((cols["dup"], cols["seq"], cols["src"], cols["kind"], cols["station"], cols["c"]))
        return ReceptionBatch(**{n: cols[n][order] for n in names})


def _empty_cols(n: int) -> dict[str, np.ndarray]:
    z = np.zeros(n, dtype=np.int64)
    return {
        "c": z.copy(),
        "station": z.copy(),
        "channel": z.copy(),
        "kind": z.copy(),
        "msg_type": z.copy(),
        "src": z.copy(),
        "mmsi": z.copy(),
        "seq": z.copy(),
        "dup": np.zeros(n, dtype=bool),
        "noise": z.copy(),
        "arg": z.copy(),
        "lat_i": z.copy(),
        "lon_i": z.copy(),
        "sog_i": z.copy(),
        "cog_i": z.copy(),
        "heading": np.full(n, HEADING_NA, dtype=np.int64),
        "second": z.copy(),
        "status": np.full(n, 15, dtype=np.int64),
        "rot": np.full(n, ROT_NA, dtype=np.int64),
        "accuracy": z.copy(),
        "raim": z.copy(),
        "radio": z.copy(),
    }


class _Fleet:
    """Vessel parameters and all track knots as flat arrays, for vectorised sampling."""

    def __init__(self, sc: Scenario) -> None:
        vs = sc.vessels
        self.n = len(vs)
        self.mmsi = np.array([v.mmsi for v in vs], dtype=np.int64)
        self.cls_b = np.array([v.ais_class == "B" for v in vs])
        self.interval = np.array([v.interval_s for v in vs])
        self.phase = np.array([v.phase_s for v in vs])
        self.heading_ok = np.array([v.heading_ok for v in vs])
        self.rot_ok = np.array([v.rot_ok for v in vs])
        self.cog_na_stopped = np.array([v.cog_na_stopped for v in vs])
        self.accuracy = np.array([v.accuracy for v in vs], dtype=np.int64)
        self.raim = np.array([v.raim for v in vs], dtype=np.int64)
        self.type19 = np.array([v.type19 for v in vs])
        self.type27 = np.array([v.type27 for v in vs])
        self.heading_bias = np.array([v.heading_bias for v in vs])
        self.moored_heading = np.array([(v.mmsi * 37) % 360 for v in vs], dtype=np.float64)
        self.stat_k = np.maximum(1, np.round(sc.config.stationary_interval_s / self.interval)).astype(np.int64)
        lens = np.array([len(v.track.t) for v in vs], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
        self.last = self.first + lens - 1
        self.kt = np.concatenate([v.track.t for v in vs])
        self.klat = np.concatenate([v.track.lat for v in vs])
        self.klon = np.concatenate([v.track.lon for v in vs])
        self.kstat = np.concatenate([v.track.status for v in vs]).astype(np.int64)
        self.span = float(np.ptp(self.kt) + 10.0)
        self.kmin = float(self.kt.min())
        kv = np.repeat(np.arange(self.n), lens)
        self.key = kv * self.span + (self.kt - self.kmin)
        nxt = np.minimum(np.arange(len(self.kt)) + 1, len(self.kt) - 1)
        d = distance_m(self.klat, self.klon, self.klat[nxt], self.klon[nxt])
        dt = np.maximum(self.kt[nxt] - self.kt, 1e-9)
        self.seg_sog = np.where(nxt > np.arange(len(self.kt)), d / dt / KN, 0.0)
        self.seg_cog = _bearing(self.klat, self.klon, self.klat[nxt], self.klon[nxt])
        self.dark = [(v.uid, a, b) for v in vs for a, b in v.dark]
        self.gps = [(v.uid, a, b) for v in vs for a, b in v.gps_outages]

    def sample(self, vi: np.ndarray, ts: np.ndarray) -> tuple[np.ndarray, ...]:
        k = np.searchsorted(self.key, vi * self.span + (ts - self.kmin), side="right") - 1
        k = np.clip(k, self.first[vi], self.last[vi] - 1)
        t0, t1 = self.kt[k], self.kt[k + 1]
        f = np.clip((ts - t0) / (t1 - t0), 0.0, 1.0)
        lat = self.klat[k] + f * (self.klat[k + 1] - self.klat[k])
        lon = self.klon[k] + f * (self.klon[k + 1] - self.klon[k])
        inside = (ts >= t0) & (ts <= t1)
        sog = np.where(inside, self.seg_sog[k], 0.0)
        return lat, lon, sog, self.seg_cog[k], self.kstat[k]


class _Receivers:
    """Which station hears a transmission from where, when."""

    def __init__(self, sc: Scenario) -> None:
        shore = [i for i, s in enumerate(sc.stations) if not s.satellite]
        self.shore = np.array(shore, dtype=np.int64)
        self.slat = np.array([sc.stations[i].lat for i in shore])
        self.slon = np.array([sc.stations[i].lon for i in shore])
        self.sats = np.array([i for i, s in enumerate(sc.stations) if s.satellite], dtype=np.int64)
        self.outages = sc.outages
        self.seed = sc.config.seed
        self.noise = sc.config.noise

    def receive(
        self,
        t: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        cls_b: np.ndarray,
        p_sat: np.ndarray,
        salt: int,
        a: np.ndarray,
        j: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For transmissions at ``t`` from (``lat``, ``lon``): (primary station or -1,
        duplicate station or -1, duplicate delay in s)."""
        n = len(t)
        prim = np.full(n, -1, dtype=np.int64)
        dup = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return prim, dup, np.zeros(0, dtype=np.int64)
        d = distance_m(lat[:, None], lon[:, None], self.slat[None, :], self.slon[None, :])
        rng_m = np.where(cls_b, RANGE_B_M, RANGE_A_M)[:, None]
        inr = d < rng_m
        silent = np.zeros(n, dtype=bool)
        for o in self.outages:
            during = (t >= o.start) & (t < o.end)
            col = int(np.nonzero(self.shore == o.station)[0][0])
            inr[during, col] = False
            silent |= during & (distance_m(lat, lon, o.lat, o.lon) < o.radius_m)
        inr[silent] = False
        dd = np.where(inr, d, np.inf)
        order = np.argsort(dd, axis=1)[:, :2]
        r = np.arange(n)
        first_ok = np.isfinite(dd[r, order[:, 0]])
        second_ok = np.isfinite(dd[r, order[:, 1]]) if dd.shape[1] > 1 else np.zeros(n, dtype=bool)
        lost = _u01(self.seed, _S_LOSS, salt, a, j) < self.noise.p_loss
        # the nearest station hears it unless the reception is lost; then the second one may
        use_first = first_ok & ~lost
        use_second = ~use_first & second_ok
        prim[use_first] = self.shore[order[use_first, 0]]
        prim[use_second] = self.shore[order[use_second, 1]]
        want_dup = _u01(self.seed, _S_DUP, salt, a, j) < self.noise.p_duplicate
        dmask = use_first & second_ok & want_dup
        dup[dmask] = self.shore[order[dmask, 1]]
        # satellites: passes of 12 min every 98 min
        sat_on = np.full(n, -1, dtype=np.int64)
        for k, ph in enumerate(SAT_PHASES_S):
            on = ((t + ph) % SAT_PERIOD_S) < SAT_PASS_S
            sat_on[on & (sat_on < 0)] = self.sats[k % len(self.sats)]
        u_sat = _u01(self.seed, _S_SAT, salt, a, j)
        sat_rx = (sat_on >= 0) & (u_sat < p_sat) & ~silent
        no_shore = prim < 0
        prim[no_shore & sat_rx] = sat_on[no_shore & sat_rx]
        sdup = (
            (~no_shore)
            & (dup < 0)
            & (sat_on >= 0)
            & ~silent
            & (_u01(self.seed, _S_SATDUP, salt, a, j) < self.noise.p_sat_duplicate)
        )
        dup[sdup] = sat_on[sdup]
        delay = (_h64(self.seed, _S_DUPDT, salt, a, j) % np.uint64(3)).astype(np.int64)
        return prim, dup, delay


def _grid(
    first: float,
    interval: np.ndarray,
    phase: np.ndarray,
    w0: float,
    w1: float,
    seed: int,
    salt: int,
    jitter: float = 0.8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-source schedule t_j = phase + j·interval + U(0, jitter·interval) in [w0, w1).

    Returns (source index, j, t) for every scheduled time in the window."""
    j_lo = np.maximum(0, np.floor((w0 - phase - first) / interval) - 1).astype(np.int64)
    j_hi = np.ceil((w1 - phase - first) / interval).astype(np.int64) + 1
    cnt = np.maximum(0, j_hi - j_lo)
    src = np.repeat(np.arange(len(interval)), cnt)
    offs = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    j = j_lo[src] + offs
    t = first + phase[src] + j * interval[src] + jitter * interval[src] * _u01(seed, _S_JITTER, salt, src, j)
    keep = (t >= w0) & (t < w1)
    return src[keep], j[keep], t[keep]


def _sat_p(sc: Scenario, cls_b: np.ndarray) -> np.ndarray:
    return np.where(cls_b, sc.config.p_sat_b, sc.config.p_sat_a)


def _rows(n: int, **cols: np.ndarray) -> dict[str, np.ndarray]:
    out = _empty_cols(n)
    for k, v in cols.items():
        out[k] = np.asarray(v).astype(out[k].dtype) if n else out[k]
    return out


def _emit(
    sc: Scenario,
    base: dict[str, np.ndarray],
    prim: np.ndarray,
    dup: np.ndarray,
    delay: np.ndarray,
    t: np.ndarray,
    salt: int,
    a: np.ndarray,
    j: np.ndarray,
    multipart: bool,
) -> list[dict[str, np.ndarray]]:
    """Turn transmissions into reception rows (primary + duplicates) and decide the noise."""
    seed, nz = sc.config.seed, sc.config.noise
    got = prim >= 0
    t0 = sc.start_unix
    out = []
    c = t0 + np.floor(t).astype(np.int64)
    u = _u01(seed, _S_NOISE, salt, a, j)
    single = dup < 0
    noise = np.zeros(len(t), dtype=np.int64)
    if multipart:
        noise[single & (u < nz.p_orphan)] = Noise.ORPHAN
    else:
        p1, p2, p3 = (
            nz.p_bad_checksum,
            nz.p_bad_checksum + nz.p_bad_tagblock,
            nz.p_bad_checksum + nz.p_bad_tagblock + nz.p_truncated,
        )
        noise[single & (u < p1)] = Noise.BAD_CHECKSUM
        noise[single & (u >= p1) & (u < p2)] = Noise.BAD_TAGBLOCK
        noise[single & (u >= p2) & (u < p3)] = Noise.TRUNCATED
    arg = (_h64(seed, _S_NOISEARG, salt, a, j) >> np.uint64(32)).astype(np.int64)
    chan = (_h64(seed, _S_CHAN, salt, a, j) & np.uint64(1)).astype(np.int64)
    prim_rows = {k: v[got] for k, v in base.items()}
    prim_rows.update(
        c=c[got],
        station=prim[got],
        channel=chan[got],
        dup=np.zeros(int(got.sum()), dtype=bool),
        noise=noise[got],
        arg=arg[got],
    )
    out.append(prim_rows)
    dm = got & (dup >= 0)
    if dm.any():
        dup_rows = {k: v[dm] for k, v in base.items()}
        dup_rows.update(
            c=c[dm] + delay[dm],
            station=dup[dm],
            channel=chan[dm],
            dup=np.ones(int(dm.sum()), dtype=bool),
            noise=np.zeros(int(dm.sum()), dtype=np.int64),
            arg=arg[dm],
        )
        out.append(dup_rows)
    return out


def _uniq_digits(j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two digits 0-99 each, a bijection of j mod 10 000 (GNSS noise that keeps payloads unique)."""
    p = (j * 7919) % 10000
    return p // 100, p % 100


class _State:
    """Mutable state carried across windows (type-27 payloads already sent)."""

    def __init__(self) -> None:
        self.t27: dict[int, set[tuple[int, int, int, int, int]]] = {}


def _positions(
    sc: Scenario, fl: _Fleet, rx: _Receivers, st: _State, w0: float, w1: float
) -> list[dict[str, np.ndarray]]:
    seed, nz = sc.config.seed, sc.config.noise
    vi, j, t = _grid(0.0, fl.interval, fl.phase, w0, w1, seed, 1)
    if len(t) == 0:
        return []
    lat, lon, sog, cog, status = fl.sample(vi, t)
    stationary = sog < 0.5
    keep = ~stationary | (j % fl.stat_k[vi] == 0)
    for uid, a, b in fl.dark:
        keep &= ~((vi == uid) & (t >= a) & (t < b))
    vi, j, t, lat, lon, sog, cog, status = (x[keep] for x in (vi, j, t, lat, lon, sog, cog, status))
    stationary = stationary[keep]
    n = len(t)
    cls_b = fl.cls_b[vi]
    prim, dup, delay = rx.receive(t, lat, lon, cls_b, _sat_p(sc, cls_b), 1, vi, j)
    via_sat = np.isin(prim, rx.sats)

    # --- raw fields
    u_sog = _u01(seed, _S_SOG, 1, vi, j)
    # stationary: 0.0 or 0.1 kn; underway: true speed ± 0.2 kn
    sog_r = np.where(stationary, (u_sog < 0.3) * 0.1, sog + (u_sog - 0.5) * 0.4)
    sog_i = np.clip(np.round(sog_r * 10), 0, 1022).astype(np.int64)
    cog_noise = (_u01(seed, _S_COG, 1, vi, j) - 0.5) * 4.0
    cog_v = np.where(stationary, (fl.moored_heading[vi] + cog_noise * 20) % 360, (cog + cog_noise) % 360)
    cog_i = np.round(cog_v * 10).astype(np.int64) % 3600
    cog_i = np.where(stationary & fl.cog_na_stopped[vi], COG_NA_I, cog_i)
    hdg_v = np.where(
        stationary,
        fl.moored_heading[vi] + 15 * np.sin(t / 2400.0 + vi),
        cog + fl.heading_bias[vi] + (_u01(seed, _S_HDG, 1, vi, j) - 0.5) * 3,
    )
    heading = np.where(fl.heading_ok[vi], np.round(hdg_v).astype(np.int64) % 360, HEADING_NA)
    u_na = _u01(seed, _S_NA, 1, vi, j)
    sog_i = np.where(u_na < nz.p_sog_na, SOG_NA_I, sog_i)
    cog_i = np.where((u_na >= nz.p_sog_na) & (u_na < nz.p_sog_na + nz.p_cog_na), COG_NA_I, cog_i)
    u_sec = _u01(seed, _S_SEC, 1, vi, j)
    sec = (np.floor(t).astype(np.int64) - (u_sec < 0.3)) % 60
    q1 = nz.p_second_na
    q2 = q1 + nz.p_second_manual
    q3 = q2 + nz.p_second_dead_reckoning
    sec = np.where(u_sec < q1, 60, np.where(u_sec < q2, 61, np.where(u_sec < q3, 62, sec)))
    da, db = _uniq_digits(j)
    lat_i = 100 * np.floor(lat * 6000.0).astype(np.int64) + da
    lon_i = 100 * np.floor(lon * 6000.0).astype(np.int64) + db
    rot = np.where(
        fl.rot_ok[vi],
        np.where(stationary, 0, ((_h64(seed, _S_ROT, 1, vi, j) % np.uint64(9)).astype(np.int64) - 4)),
        ROT_NA,
    )
    nav = status
    # radio: SOTDMA communication state (sync, slot time-out, sub-message)
    hr = _h64(seed, _S_RADIO, 1, vi, j)
    timeout = (hr % np.uint64(8)).astype(np.int64)
    tod = np.floor(t).astype(np.int64) + sc.start_unix
    hh, mm = (tod // 3600) % 24, (tod // 60) % 60
    slot = (np.floor((t % 60.0) * 37.5).astype(np.int64)) % 2250
    sub = np.where(
        timeout == 1,
        (hh << 9) | (mm << 2),
        np.where(
            np.isin(timeout, (2, 4, 6)),
            slot,
            np.where(
                timeout == 0, (hr >> np.uint64(8)).astype(np.int64) % 2250, (hr >> np.uint64(20)).astype(np.int64) % 40
            ),
        ),
    )
    radio = (timeout << 14) | sub
    # message type
    ut = _u01(seed, _S_TYPE, 1, vi, j)
    mtype = np.where(cls_b, 18, np.where(ut < 0.85, 1, np.where(ut < 0.97, 3, 2)))
    kind = np.where(cls_b, Kind.POS_B, Kind.POS_A)
    # Class B units: type 19 now and then
    t19 = cls_b & fl.type19[vi] & (_u01(seed, _S_T27, 1, vi, j) < 0.1)
    mtype = np.where(t19, 19, mtype)
    kind = np.where(t19, Kind.POS_19, kind)
    radio = np.where(mtype == 3, (1 << 17) | ((hr >> np.uint64(24)).astype(np.int64) % 8192 << 4) | 8, radio)
    radio = np.where(cls_b, 393222, radio)
    # GNSS outages: no position, no SOG/COG, time stamp 63 (positioning system inoperative)
    gps_na = np.zeros(n, dtype=bool)
    for uid, a, b in fl.gps:
        gps_na |= (vi == uid) & (t >= a) & (t < b)
    if gps_na.any():
        lat_i = np.where(gps_na, LAT_NA_I, lat_i)
        lon_i = np.where(gps_na, LON_NA_I, lon_i)
        sog_i = np.where(gps_na, SOG_NA_I, sog_i)
        cog_i = np.where(gps_na, COG_NA_I, cog_i)
        sec = np.where(gps_na, 63, sec)
        mtype = np.where(gps_na & ~cls_b, 1, mtype)
        kind = np.where(gps_na & ~cls_b, Kind.POS_A, kind)
        radio = np.where(gps_na, (1 << 17) | (j & 0x1FFFF), radio)
    # type 27 (long range) from Class A vessels heard by satellite only, at ≥ 5 kn
    c27 = (~cls_b) & fl.type27[vi] & via_sat & (sog >= 5.0) & ~gps_na & (_u01(seed, _S_T27, 2, vi, j) < 0.3) & (dup < 0)
    for r in np.nonzero(c27)[0]:
        key = (
            int(np.round(lat[r] * 600)),
            int(np.round(lon[r] * 600)),
            int(min(63, round(sog[r]))),
            int(round(cog[r])) % 360,
            int(nav[r]),
        )
        seen = st.t27.setdefault(int(vi[r]), set())
        if key in seen:
            c27[r] = False
        else:
            seen.add(key)
    if c27.any():
        mtype = np.where(c27, 27, mtype)
        kind = np.where(c27, Kind.POS_27, kind)
        lat_i = np.where(c27, np.round(lat * 600).astype(np.int64), lat_i)
        lon_i = np.where(c27, np.round(lon * 600).astype(np.int64), lon_i)
        sog_i = np.where(c27, np.minimum(63, np.round(sog)).astype(np.int64), sog_i)
        cog_i = np.where(c27, np.round(cog).astype(np.int64) % 360, cog_i)
    base = _rows(
        n,
        kind=kind,
        msg_type=mtype,
        src=vi,
        mmsi=fl.mmsi[vi],
        seq=j,
        lat_i=lat_i,
        lon_i=lon_i,
        sog_i=sog_i,
        cog_i=cog_i,
        heading=heading,
        second=sec,
        status=nav,
        rot=rot,
        accuracy=fl.accuracy[vi],
        raim=fl.raim[vi],
        radio=radio,
    )
    return _emit(sc, base, prim, dup, delay, t, 1, vi, j, multipart=False)


def _statics(sc: Scenario, fl: _Fleet, rx: _Receivers, w0: float, w1: float) -> list[dict[str, np.ndarray]]:
    cfg, seed = sc.config, sc.config.seed
    iv = np.full(fl.n, cfg.static_interval_s)
    ph = (fl.phase * 7.3) % cfg.static_interval_s
    # scheduled from 41 s before the window so that a part B (5-40 s after its part A) falls in
    # the window where it is received, whatever the window boundaries
    vi, j, t = _grid(0.0, iv, ph, w0 - 41.0, w1, seed, 2, jitter=0.15)
    keep = np.ones(len(t), dtype=bool)
    for uid, a, b in fl.dark:
        keep &= ~((vi == uid) & (t >= a) & (t < b))
    vi, j, t = vi[keep], j[keep], t[keep]
    out: list[dict[str, np.ndarray]] = []
    if len(t) == 0:
        return out
    lat, lon, *_ = fl.sample(vi, t)
    cls_b = fl.cls_b[vi]
    # Class A: type 5
    a = ~cls_b & (t >= w0)
    if a.any():
        prim, dup, delay = rx.receive(t[a], lat[a], lon[a], cls_b[a], np.full(int(a.sum()), 0.2), 2, vi[a], j[a])
        base = _rows(
            int(a.sum()),
            kind=np.full(int(a.sum()), Kind.STATIC_5),
            msg_type=np.full(int(a.sum()), 5),
            src=vi[a],
            mmsi=fl.mmsi[vi[a]],
            seq=j[a],
        )
        out += _emit(sc, base, prim, dup, delay, t[a], 2, vi[a], j[a], multipart=True)
    # Class B: 24A then 24B 5-40 s later
    b = cls_b
    if b.any():
        for part, kind, dt_s, salt in ((1, Kind.STATIC_24A, 0.0, 3), (2, Kind.STATIC_24B, 5.0, 4)):
            tb = t[b] + dt_s + (35.0 * _u01(seed, _S_JITTER, salt, vi[b], j[b]) if part == 2 else 0.0)
            inside = (tb >= w0) & (tb < w1)
            tb_, vb, jb = tb[inside], vi[b][inside], j[b][inside]
            prim, dup, delay = rx.receive(
                tb_,
                lat[b][inside],
                lon[b][inside],
                np.ones(len(tb_), dtype=bool),
                np.full(len(tb_), 0.05),
                salt,
                vb,
                jb,
            )
            base = _rows(
                len(tb_), kind=np.full(len(tb_), kind), msg_type=np.full(len(tb_), 24), src=vb, mmsi=fl.mmsi[vb], seq=jb
            )
            out += _emit(sc, base, prim, dup, delay, tb_, salt, vb, jb, multipart=False)
    return out


def _fixed(sc: Scenario, rx: _Receivers, w0: float, w1: float) -> list[dict[str, np.ndarray]]:
    """Base-station reports, AtoN reports, met broadcasts, receivers' own GPS lines and junk."""
    cfg, seed, nz = sc.config, sc.config.seed, sc.config.noise
    out: list[dict[str, np.ndarray]] = []
    shore = rx.shore
    # type 4 from every shore station, heard by itself
    iv = np.full(len(shore), cfg.base_station_interval_s)
    si, j, t = _grid(0.0, iv, (shore * 17.0) % cfg.base_station_interval_s, w0, w1, seed, 5, jitter=0.05)
    if len(t):
        st = shore[si]
        lat = np.array([sc.stations[s].lat for s in st])
        lon = np.array([sc.stations[s].lon for s in st])
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t, lat, lon = st[~down], j[~down], t[~down], lat[~down], lon[~down]
        base = _rows(
            len(t),
            kind=np.full(len(t), Kind.BASE_4),
            msg_type=np.full(len(t), 4),
            src=st,
            mmsi=np.array([sc.stations[s].mmsi for s in st], dtype=np.int64),
            seq=j,
            lat_i=np.round(lat * 600000).astype(np.int64),
            lon_i=np.round(lon * 600000).astype(np.int64),
            accuracy=np.ones(len(t)),
            radio=(np.floor(t).astype(np.int64) % 2250),
        )
        out += _emit(sc, base, st, np.full(len(t), -1), np.zeros(len(t), dtype=np.int64), t, 5, st, j, multipart=False)
    # type 21 from the AtoNs, heard by the nearest shore station
    if sc.atons:
        at = sc.atons
        iv = np.full(len(at), cfg.aton_interval_s)
        ai, j, t = _grid(0.0, iv, np.arange(len(at)) * 23.0 % cfg.aton_interval_s, w0, w1, seed, 6, jitter=0.1)
        if len(t):
            lat = np.array([at[i].lat for i in ai])
            lon = np.array([at[i].lon for i in ai])
            prim, dup, delay = rx.receive(t, lat, lon, np.zeros(len(t), dtype=bool), np.zeros(len(t)), 6, ai, j)
            da, db = _uniq_digits(j)
            base = _rows(
                len(t),
                kind=np.full(len(t), Kind.ATON_21),
                msg_type=np.full(len(t), 21),
                src=ai,
                mmsi=np.array([at[i].mmsi for i in ai], dtype=np.int64),
                seq=j,
                lat_i=100 * np.floor(lat * 6000).astype(np.int64) + da,
                lon_i=100 * np.floor(lon * 6000).astype(np.int64) + db,
                second=np.floor(t).astype(np.int64) % 60,
                accuracy=np.ones(len(t)),
            )
            out += _emit(sc, base, prim, dup, delay, t, 6, ai, j, multipart=False)
    # type 8 meteorological broadcasts from the stations with a weather sensor (those with GPS output)
    met = np.array([i for i in shore if sc.stations[i].gps_nmea], dtype=np.int64)
    if len(met) and cfg.met_interval_s > 0:
        iv = np.full(len(met), cfg.met_interval_s)
        mi, j, t = _grid(0.0, iv, (met * 31.0) % cfg.met_interval_s, w0, w1, seed, 7, jitter=0.05)
        st = met[mi]
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t = st[~down], j[~down], t[~down]
        base = _rows(
            len(t),
            kind=np.full(len(t), Kind.BINARY_8),
            msg_type=np.full(len(t), 8),
            src=st,
            mmsi=np.array([sc.stations[s].mmsi for s in st], dtype=np.int64),
            seq=j,
        )
        out += _emit(sc, base, st, np.full(len(t), -1), np.zeros(len(t), dtype=np.int64), t, 7, st, j, multipart=False)
    # receivers' own GPS sentences ($GPRMC + $GPGGA)
    gps = np.array([i for i in shore if sc.stations[i].gps_nmea], dtype=np.int64)
    if len(gps) and nz.gps_nmea_interval_s > 0:
        iv = np.full(len(gps), nz.gps_nmea_interval_s)
        gi, j, t = _grid(0.0, iv, (gps * 13.0) % nz.gps_nmea_interval_s, w0, w1, seed, 8, jitter=0.0)
        st = gps[gi]
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t = st[~down], j[~down], t[~down]
        for _k, mt in ((0, 0), (1, 1)):
            rows = _rows(
                len(t),
                c=sc.start_unix + np.floor(t).astype(np.int64),
                station=st,
                kind=np.full(len(t), Kind.GPS_NMEA),
                msg_type=np.zeros(len(t)),
                src=st,
                seq=j,
                arg=np.full(len(t), mt),
            )
            out.append(rows)
    # junk lines, anywhere in the feed
    if nz.junk_per_hour > 0:
        step = 60.0
        iv = np.array([step])
        _, j, t = _grid(0.0, iv, np.zeros(1), w0, w1, seed, 9, jitter=0.99)
        keep = _u01(seed, _S_JUNK, 9, 0, j) < nz.junk_per_hour * step / 3600.0
        j, t = j[keep], t[keep]
        st = rx.shore[(_h64(seed, _S_JUNK, 10, 0, j) % np.uint64(len(rx.shore))).astype(np.int64)]
        rows = _rows(
            len(t),
            c=sc.start_unix + np.floor(t).astype(np.int64),
            station=st,
            kind=np.full(len(t), Kind.JUNK),
            src=st,
            seq=j,
            arg=(_h64(seed, _S_NOISEARG, 9, 0, j) >> np.uint64(32)).astype(np.int64),
        )
        out.append(rows)
    return out


def iter_batches(scenario: Scenario, chunk_s: float = 3600.0) -> Iterator[ReceptionBatch]:
    """Yield the receptions of ``scenario`` window by window, each batch sorted by time.

    Args:
        scenario: from :func:`build_scenario`.
        chunk_s: window length in seconds. Every random draw is a hash of the message's
            identity, so the output does not depend on the window length except for the
            bookkeeping of type-27 payloads (which only ever suppresses an identical payload).

    Yields:
        :class:`ReceptionBatch` objects covering [0, duration) in order; ``c`` is
        non-decreasing across the whole stream (a duplicate reception delayed past the end of its
        window is moved to the next batch).
    """
    sc = scenario
    fl = _Fleet(sc)
    rx = _Receivers(sc)
    st = _State()
    D = sc.duration_s
    names = list(ReceptionBatch.__dataclass_fields__)
    pending: list[dict[str, np.ndarray]] = []
    w0 = 0.0
    while w0 < D:
        w1 = min(D, w0 + chunk_s)
        parts = list(pending)
        if fl.n:
            parts += _positions(sc, fl, rx, st, w0, w1)
            parts += _statics(sc, fl, rx, w0, w1)
        parts += _fixed(sc, rx, w0, w1)
        batch = ReceptionBatch.concat([p for p in parts if len(p["c"])])
        pending = []
        if w1 < D:
            # duplicate receptions delayed past the window end go into the next batch
            late = batch.c >= sc.start_unix + int(math.floor(w1))
            if late.any():
                pending = [{n: getattr(batch, n)[late] for n in names}]
                batch = ReceptionBatch(**{n: getattr(batch, n)[~late] for n in names})
        yield batch
        w0 = w1


def generate_records(config: ScenarioConfig | None = None) -> tuple[Scenario, list[ReceptionBatch]]:
    """Build a scenario and materialise all its reception batches (convenience for small runs)."""
    sc = build_scenario(config)
    return sc, list(iter_batches(sc))


def with_overrides(config: ScenarioConfig, **kw: object) -> ScenarioConfig:
    """A copy of ``config`` with some fields replaced (``dataclasses.replace``)."""
    return replace(config, **kw)  # type: ignore[arg-type]
