"""Labelled cases of issue 13's event kinds: zone entries (with boundary jitter), speed
ranges, spoofed tracks (teleports, on land, shared positions, invalid MMSIs) and identity
changes, mixed with ordinary traffic that must raise nothing (a DEVELOPER TOOL).

:func:`build_kinds` gives plain arrays (position reports and identity-history rows), the
zone it uses and the truth: one :class:`Truth` per event that a correct detector raises.
Every case is drawn from the seed (counts, positions, speeds, times), so tests measure
precision and recall on seeds they were not tuned on.

Geography: the zone ``KINDS_ZONE`` is a 1° box of open sea west of Ecuador (lat -3..-2,
lon -86..-85); land cases are in the Ecuadorian Andes (~150-200 km inland, far from ports);
port cases at Manta (Ecuador) and Paita (Peru) from the bundled ports. Units: times UTC
seconds, positions degrees, speeds knots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from shapely.geometry import box

#: The zone of the zone-entry and speed-range cases.
KINDS_ZONE_NAME = "Kinds test box"
KINDS_ZONE = box(-86.0, -3.0, -85.0, -2.0)
#: Manta (EC) and Paita (PE), from ``reference/data/ports.csv``.
MANTA = (-0.935, -80.720)
PAITA = (-5.083, -81.110)
KM_PER_DEG = 111.195


@dataclass(frozen=True)
class Truth:
    """An event a correct detector raises: ``kind``, ``mmsi``, time (UTC s) and the sub-kind."""

    kind: str
    mmsi: int
    t: float
    reason: str = ""


@dataclass
class KindsScenario:
    """Position reports (arrays) and identity-history rows with their truth."""

    mmsi: list[int] = field(default_factory=list)
    t: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    sog: list[float] = field(default_factory=list)
    identity: list[tuple[int, float, str, str, str | None]] = field(default_factory=list)
    truth: list[Truth] = field(default_factory=list)
    negatives: dict[str, list[int]] = field(default_factory=dict)  #: case name → MMSIs

    def arrays(self) -> dict[str, Any]:
        """Reports as numpy arrays, sorted by MMSI then time."""
        order = np.lexsort((np.array(self.t), np.array(self.mmsi)))
        return {
            "mmsi": np.array(self.mmsi, dtype=np.int64)[order],
            "t": np.array(self.t)[order],
            "lat": np.array(self.lat)[order],
            "lon": np.array(self.lon)[order],
            "sog": np.array(self.sog, dtype=np.float32)[order],
        }


def imo_number(rng: np.random.Generator) -> str:
    """A random IMO number with a correct check digit."""
    d = [int(x) for x in str(rng.integers(900000, 999999))]
    return "".join(map(str, d)) + str(sum(a * w for a, w in zip(d, range(7, 1, -1))) % 10)


class _Builder:
    def __init__(self, seed: int, start: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.sc = KindsScenario()
        self.start = start
        self._serial = 0

    def mmsi(self, mid: int = 735) -> int:
        self._serial += 1
        return mid * 1_000_000 + 1000 + self._serial * 7 + int(self.rng.integers(0, 7))

    def track(
        self,
        mmsi: int,
        t0: float,
        lat0: float,
        lon0: float,
        legs: list[tuple[float, float, float]],
        jitter: tuple[float, float] = (0.0, 0.0),
    ) -> tuple[float, float, float]:
        """Reports of ``mmsi`` from (lat0, lon0) at t0 along ``legs`` of (hours, knots,
        heading degrees); ``jitter`` (km amplitude, minutes period) weaves east-west.
        Returns the final (t, lat, lon)."""
        t, lat, lon = t0, lat0, lon0
        for hours, kn, hdg in legs:
            t_end = t + hours * 3600.0
            while t < t_end:
                dt = float(self.rng.uniform(60.0, 150.0))
                off = 0.0
                if jitter[0] > 0:
                    off = jitter[0] * math.sin(2 * math.pi * (t - t0) / (jitter[1] * 60.0))
                coslat = math.cos(math.radians(lat))
                self.sc.mmsi.append(mmsi)
                self.sc.t.append(t)
                self.sc.lat.append(lat + float(self.rng.normal(0, 5e-5)))
                self.sc.lon.append(lon + off / (KM_PER_DEG * coslat) + float(self.rng.normal(0, 5e-5)))
                self.sc.sog.append(kn + float(self.rng.normal(0, 0.2)) if kn > 0.3 else 0.1)
                d_km = kn * 1.852 * dt / 3600.0
                lat += d_km * math.cos(math.radians(hdg)) / KM_PER_DEG
                lon += d_km * math.sin(math.radians(hdg)) / (KM_PER_DEG * coslat)
                t += dt
        return t, lat, lon

    def hold(self, mmsi: int, t0: float, hours: float, lat: float, lon: float, every_s: float = 180.0) -> None:
        """Reports of ``mmsi`` held exactly at one point (a spoofed fix)."""
        t = t0
        while t < t0 + hours * 3600.0:
            self.sc.mmsi.append(mmsi)
            self.sc.t.append(t)
            self.sc.lat.append(lat)
            self.sc.lon.append(lon)
            self.sc.sog.append(0.0)
            t += every_s

    def truth(self, kind: str, mmsi: int, t: float, reason: str = "") -> None:
        self.sc.truth.append(Truth(kind, mmsi, t, reason))

    def negative(self, case: str, mmsi: int) -> None:
        self.sc.negatives.setdefault(case, []).append(mmsi)

    def n(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))


def build_kinds(seed: int, start: float = 1_736_899_200.0) -> KindsScenario:
    """The labelled cases of one seed (``start``: UTC seconds of the first report)."""
    b = _Builder(seed, start)
    _zone_cases(b)
    _spoof_cases(b)
    _identity_cases(b)
    return b.sc


def _zone_cases(b: _Builder) -> None:
    """Zone entries (with boundary jitter), speed ranges, and ordinary traffic."""
    s = b.start
    west = -86.0
    # --- zone entries: enter from the west, cross the line once
    for _ in range(b.n(3, 6)):
        m = b.mmsi()
        km_out = b.u(10, 30)
        kn = b.u(9, 14)
        lon0 = west - km_out / (KM_PER_DEG * math.cos(math.radians(2.5)))
        t0 = s + b.u(0, 3600)
        b.track(m, t0, b.u(-2.8, -2.2), lon0, [(b.u(4, 6), kn, 90.0 + b.u(-5, 5))])
        b.truth("zone_entry", m, t0 + km_out / (kn * 1.852) * 3600.0)
    # boundary jitter: approach, then weave +-0.4 km across the line for hours: ONE entry
    for _ in range(b.n(2, 4)):
        m = b.mmsi()
        t0 = s + b.u(0, 3600)
        lat0 = b.u(-2.9, -2.6)
        # 20 min approaching from 4 km out, then north along the line, weaving
        t1, la, lo = b.track(m, t0, lat0, west - 4.0 / 111.0, [(0.33, 6.5, 90.0)])
        b.track(m, t1, la, west + 0.0005, [(b.u(3, 5), 6.0, 0.0)], jitter=(0.4, b.u(15, 30)))
        b.truth("zone_entry", m, t1)
    # passing outside the zone, 3 km off the line: nothing
    for _ in range(b.n(2, 4)):
        m = b.mmsi()
        b.track(m, s + b.u(0, 3600), -3.3, west - 3.0 / 111.0, [(b.u(4, 6), b.u(8, 12), 0.0)])
        b.negative("passing_outside", m)

    # --- speed range: enter, then slow (2-3.5 kn) for 80-150 min inside
    for _ in range(b.n(2, 5)):
        m = b.mmsi()
        t0 = s + b.u(0, 3600)
        t1, la, lo = b.track(m, t0, b.u(-2.8, -2.2), west - 5.0 / 111.0, [(0.5, 12.0, 90.0)])
        t2, _, _ = b.track(m, t1, la, lo, [(b.u(80, 150) / 60.0, b.u(2.0, 3.5), 90.0)])
        b.truth("zone_entry", m, t0 + (5.0 / (12.0 * 1.852)) * 3600.0)
        b.truth("speed_range", m, t1)
    # slow only 30 min, then fast: entry but no speed range
    for _ in range(b.n(1, 3)):
        m = b.mmsi()
        t0 = s + b.u(0, 3600)
        t1, la, lo = b.track(m, t0, b.u(-2.8, -2.2), west - 5.0 / 111.0, [(0.5, 12.0, 90.0)])
        b.track(m, t1, la, lo, [(0.5, 3.0, 90.0), (2.0, 12.0, 90.0)])
        b.truth("zone_entry", m, t0 + (5.0 / (12.0 * 1.852)) * 3600.0)
        b.negative("short_slow", m)

    # --- ordinary traffic at sea (valid MMSIs): nothing of these kinds
    for _ in range(b.n(10, 20)):
        m = b.mmsi(int(b.rng.choice([735, 760, 730, 412, 636])))
        b.track(m, s + b.u(0, 7200), b.u(-7, -5), b.u(-85, -83.5), [(b.u(3, 5), b.u(6, 12), b.u(0, 360))])
        b.negative("ordinary", m)


def _spoof_cases(b: _Builder) -> None:
    """Teleports, positions on land, shared positions, invalid MMSIs."""
    s = b.start
    # --- teleport: 2-3 h silence then 300-500 km away
    for _ in range(b.n(2, 4)):
        m = b.mmsi(760)
        t0 = s + b.u(0, 3600)
        t1, la, lo = b.track(m, t0, b.u(-8, -6), b.u(-85, -83.5), [(b.u(2, 3), 12.0, 180.0)])
        t2 = t1 + b.u(2, 3) * 3600.0
        jump = b.u(300, 500) / KM_PER_DEG
        t3, _, _ = b.track(m, t2, la - jump, lo, [(b.u(2, 3), 12.0, 180.0)])
        b.truth("position_anomaly", m, t2, "teleport")
    # --- on land (Andes), far from ports
    for _ in range(b.n(1, 3)):
        m = b.mmsi(735)
        b.track(m, s + b.u(0, 3600), b.u(-1.6, -0.6), b.u(-78.8, -78.3), [(b.u(1, 2), 5.0, b.u(0, 360))])
        b.truth("position_anomaly", m, 0.0, "on_land")
    # --- shared position: 3-5 MMSIs held at one point for an hour
    for _ in range(b.n(1, 2)):
        la, lo = round(b.u(-6, -4), 5), round(b.u(-85, -84), 5)
        ms = [b.mmsi(int(b.rng.choice([735, 760, 412]))) for _ in range(b.n(3, 5))]
        t0 = s + b.u(0, 7200)
        for k, m in enumerate(ms):
            b.hold(m, t0 + 20.0 * k, 1.0, la, lo)
        b.truth("position_anomaly", min(ms), t0, "shared_position")
    # --- invalid MMSIs: placeholder, 8 digits, unallocated MID
    bad = [123456789, 10_000_000 + b.n(0, 999_999) * 7, 290_000_000 + b.n(0, 999_999)]
    for m in bad:
        b.track(m, s + b.u(0, 3600), b.u(-7, -4), b.u(-85, -83.5), [(b.u(1, 3), b.u(6, 12), b.u(0, 360))])
        b.truth("position_anomaly", m, 0.0, "invalid_mmsi")


def _identity_cases(b: _Builder) -> None:
    """Identity changes, usual and unusual, and claimed size changes."""
    s = b.start

    # --- identity changes
    def ident(m: int, t: float, fld: str, value: str, prev: str | None) -> None:
        b.sc.identity.append((m, t, fld, value, prev))

    # name change at sea
    for _ in range(b.n(1, 3)):
        m = b.mmsi(735)
        t0 = s + b.u(0, 1800)
        b.track(m, t0, b.u(-7, -5), b.u(-85, -83.5), [(4.0, 10.0, b.u(0, 360))])
        ident(m, t0 + 60, "name", "ORIGINAL", None)
        tc = t0 + b.u(1.5, 2.5) * 3600
        ident(m, tc, "name", "RENAMED AT SEA", "ORIGINAL")
        b.truth("identity_change", m, tc, "name")
    # name change in port, heard throughout: ordinary
    for _ in range(b.n(1, 3)):
        m = b.mmsi(735)
        t0 = s + b.u(0, 1800)
        b.track(m, t0, MANTA[0] - 0.005, MANTA[1] - 0.01, [(4.0, 0.0, 0.0)])
        ident(m, t0 + 60, "name", "OLD NAME", None)
        ident(m, t0 + 2 * 3600, "name", "NEW NAME", "OLD NAME")
        b.negative("rename_in_port", m)
    # name change in port right after 4 h dark: unusual
    for _ in range(b.n(1, 2)):
        m = b.mmsi(760)
        t0 = s + b.u(0, 1800)
        t1, la, lo = b.track(m, t0, PAITA[0] - 0.01, PAITA[1] - 0.01, [(1.0, 0.0, 0.0)])
        t2 = t1 + b.u(3, 5) * 3600
        b.track(m, t2, la, lo, [(1.0, 0.0, 0.0)])
        ident(m, t0 + 60, "callsign", "OBC123", None)
        ident(m, t2 + 300, "callsign", "HPX999", "OBC123")
        b.truth("identity_change", m, t2 + 300, "callsign")
    # alternating names (two transmitters on one MMSI's identity): not an identity change
    m = b.mmsi(412)
    t0 = s + b.u(0, 1800)
    b.track(m, t0, b.u(-7, -5), b.u(-85, -83.5), [(4.0, 10.0, b.u(0, 360))])
    ident(m, t0 + 60, "name", "TWIN A", None)
    for k in range(1, 6):
        ident(m, t0 + 60 + k * 1800, "name", "TWIN B" if k % 2 else "TWIN A", "TWIN A" if k % 2 else "TWIN B")
    b.negative("alternating_names", m)
    # flag change at sea: the IMO moves to an MMSI of another MID, the old MMSI falls silent
    for _ in range(b.n(1, 2)):
        imo = imo_number(b.rng)
        m_old, m_new = b.mmsi(735), b.mmsi(667)
        t0 = s + b.u(0, 1800)
        t1, la, lo = b.track(m_old, t0, b.u(-7, -5), b.u(-85, -83.5), [(2.0, 10.0, 200.0)])
        ident(m_old, t0 + 60, "imo", imo, None)
        t2 = t1 + 600
        b.track(m_new, t2, la, lo, [(2.0, 10.0, 200.0)])
        ident(m_new, t2 + 60, "imo", imo, None)
        b.truth("identity_change", m_new, t2 + 60, "flag")
    # flag change in port, heard throughout: ordinary
    imo = imo_number(b.rng)
    m_old, m_new = b.mmsi(735), b.mmsi(667)
    t0 = s + b.u(0, 1800)
    t1, la, lo = b.track(m_old, t0, MANTA[0], MANTA[1] - 0.01, [(2.0, 0.0, 0.0)])
    ident(m_old, t0 + 60, "imo", imo, None)
    b.track(m_new, t1 + 300, la, lo, [(2.0, 0.0, 0.0)])
    ident(m_new, t1 + 400, "imo", imo, None)
    b.negative("reflag_in_port", m_new)
    # claimed length changing at sea (position anomaly) and in port (not)
    for _ in range(b.n(1, 2)):
        m = b.mmsi(760)
        t0 = s + b.u(0, 1800)
        b.track(m, t0, b.u(-7, -5), b.u(-85, -83.5), [(3.0, 11.0, b.u(0, 360))])
        tc = t0 + 1.5 * 3600
        ident(m, tc, "length", str(b.n(150, 250)), str(b.n(40, 90)))
        b.truth("position_anomaly", m, tc, "dimensions_changed")
    m = b.mmsi(760)
    t0 = s + b.u(0, 1800)
    b.track(m, t0, PAITA[0], PAITA[1] - 0.01, [(3.0, 0.0, 0.0)])
    ident(m, t0 + 3600, "length", "180", "60")
    b.negative("length_fixed_in_port", m)
