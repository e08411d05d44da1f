"""Piecewise-linear vessel trajectories and the builder that writes them leg by leg.

Part of the scenario generator (a developer tool). Times in seconds from the scenario start,
positions in WGS84 degrees, distances in metres, speeds in knots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from maritime.geodesy import bearing_deg
from maritime.scenario.config import KN, FloatArray
from maritime.scenario.geography import distance1_m, distance_m, offset


@dataclass
class Track:
    """A piecewise-linear trajectory.

    Attributes:
        t: knot times, seconds from the scenario start, strictly increasing (≥ 2 knots).
        lat, lon: knot positions (degrees).
        status: AIS navigational status of the segment that starts at each knot (0-15).
    """

    t: FloatArray
    lat: FloatArray
    lon: FloatArray
    status: npt.NDArray[np.int8]

    def sample(self, ts: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.int8]]:
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
        cog = bearing_deg(self.lat[k], self.lon[k], self.lat[k + 1], self.lon[k + 1])
        return lat, lon, sog, cog, self.status[k]


class TrackBuilder:
    """Build a :class:`Track` leg by leg. Times in seconds from start, speeds in knots."""

    def __init__(self, t: float, lat: float, lon: float, status: int) -> None:
        self.t = [float(t)]
        self.lat = [float(lat)]
        self.lon = [float(lon)]
        self.status = [int(status)]

    @property
    def now(self) -> float:
        """Time of the last knot (s from start)."""
        return self.t[-1]

    @property
    def pos(self) -> tuple[float, float]:
        """Position of the last knot (degrees)."""
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
        d = distance1_m(self.lat[-1], self.lon[-1], lat, lon)
        self.add(self.now + max(d / (speed_kn * KN), 1.0), lat, lon, status)

    def goto_at(self, lat: float, lon: float, t_arrive: float, status: int) -> None:
        """Sail straight to (``lat``, ``lon``) arriving exactly at ``t_arrive``."""
        self.add(t_arrive, lat, lon, status)

    def route(self, pts: Sequence[tuple[float, float]], speed_kn: float, status: int, until: float = math.inf) -> None:
        """Follow waypoints at ``speed_kn``; stop (mid-leg) at time ``until``."""
        for la, lo in pts:
            d = distance1_m(self.lat[-1], self.lon[-1], la, lo)
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
            la, lo = offset(la0, lo0, phase, radius_m * rng.uniform(0.3, 1.0))
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
                la, lo = offset(*self.pos, b, dist)
                if distance1_m(c[0], c[1], la, lo) <= radius_m:
                    break
            else:
                b = float(bearing_deg(*self.pos, *c))
                la, lo = offset(*self.pos, b, min(dist, distance1_m(*self.pos, *c)))
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
                la, lo = offset(*self.pos, b, rng.uniform(*leg_m))
                if distance1_m(center[0], center[1], la, lo) <= radius_m:
                    break
            else:
                la, lo = offset(center[0], center[1], rng.uniform(0, 360), rng.uniform(0, radius_m * 0.5))
            v = rng.uniform(*speed_kn)
            d = distance1_m(*self.pos, la, lo)
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
