"""Parameters, constants and record kinds of the synthetic AIS scenario (a developer tool).

Part of :mod:`maritime.scenario`, the seeded generator that tests and benchmarks use; it is not
used by ingest, detection or the dashboard.

Units: time in seconds, distances in metres, speeds in knots. The raw "not available" values are
those of ITU-R M.1371-5. Reporting rates are *received* rates (see :mod:`maritime.scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

#: Array types of the generator (float64 positions/times, int64 raw fields and ids).
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: Columns of reception records by name (int64, ``dup`` bool).
Columns = dict[str, npt.NDArray[Any]]

#: Regions the generator can simulate.
REGIONS: tuple[str, ...] = ("eastern_pacific", "north_sea")

#: One knot in metres per second.
KN: float = 1852.0 / 3600.0
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


class Noise:
    """Noise decisions in :class:`ReceptionBatch` (``noise`` column)."""

    NONE = 0
    BAD_CHECKSUM = 1  #: one payload character corrupted, sentence checksum left as sent
    BAD_TAGBLOCK = 2  #: tag-block checksum wrong, sentence intact
    TRUNCATED = 3  #: the line is cut in the middle of the payload
    ORPHAN = 4  #: a two-part message whose second part never arrives


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
        region: ``"eastern_pacific"`` (the default scenario) or ``"north_sea"``: a day in the
            North Sea and western Baltic with real World Port Index ports, ships berthed and at
            anchor there, transits between them and one anchorage that is in no port list
            (see :mod:`maritime.scenario.north_sea`). Events and decoys of the Eastern Pacific
            are not injected there.
        area_outage: add five vessels fishing together ~500 km offshore that all fall silent at
            once for 6-10 h because nothing receives their area (a coverage gap), labelled as an
            ``area_outage`` decoy (Eastern Pacific only; see :mod:`maritime.scenario.gaps`).
        lone_silences: add two lone vessels far offshore, with no other vessel within hundreds of
            km, each unheard for 3-8 h, labelled as ``lone_silence`` decoys (Eastern Pacific only).
        fishing: add labelled fishing vessels of each gear (trawl, longline, purse seine, squid
            jigging; truth events of kind ``fishing`` with ``gear``) and transits at fishing
            speeds (``fishing_speed_transit`` decoys), Eastern Pacific only (see
            :mod:`maritime.scenario.fishing`).
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
    region: str = "eastern_pacific"
    area_outage: bool = False
    lone_silences: bool = False
    fishing: bool = False

    def start_utc(self) -> datetime:
        """``start`` as an aware UTC datetime."""
        s = self.start
        return s.replace(tzinfo=UTC) if s.tzinfo is None else s.astimezone(UTC)

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable parameters (the issue-10 options only when they are set, so that the
        default scenario's truth file is unchanged)."""
        d: dict[str, object] = {
            "seed": self.seed,
            "start": iso_utc(self.start_utc()),
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
        if self.region != "eastern_pacific":
            d["region"] = self.region
        if self.area_outage:
            d["area_outage"] = True
        if self.lone_silences:
            d["lone_silences"] = True
        if self.fishing:
            d["fishing"] = True
        return d


def iso_utc(dt: datetime) -> str:
    """``dt`` as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
