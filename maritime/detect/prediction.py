"""Where an AIS vessel was at a given time, and how sure we are (pure numpy).

An AIS track (reports sorted by vessel and time) is predicted to a query time by

* linear interpolation between the report before and the report after, when both exist and
  the gap between them is at most ``max_interp_gap_s``;
* otherwise dead reckoning from the nearest report (forward from the last one, or backward
  from the next one) along its speed over ground and course, when that report is at most
  ``max_extrapolate_s`` away; without SOG/COG the report's position is held.

The 1-sigma position error (metres, isotropic) grows with the time to the reports and the
vessel's speed::

    sigma^2 = ais_sigma^2 + ((speed_sigma_kn + speed_sigma_frac * sog) * kn_to_m_s * dt_eff)^2

with ``dt_eff = (t - t0) (t1 - t) / (t1 - t0)`` when interpolating (the Brownian-bridge form:
zero at either report, largest at mid-gap) and ``dt_eff = |t - t_report|`` when dead
reckoning. This is a parametric form of the probability rasters of Kroodsma et al. (2022,
Sci. Rep. 12:21004, "Revealing the global longline fleet with satellite radar"), which GFW's
SAR-AIS matching (Paolo et al. 2024, Nature 625:85) builds on: the area where a vessel can be
widens with the time since its last AIS position and with its speed.

Defaults and their sources (:class:`PredictionConfig`):

* ``ais_sigma_m`` 10 m: AIS reports a GNSS position, and ITU-R M.1371-5 flags accuracy better
  than 10 m; a 1-sigma of 10 m covers the usual "high accuracy" DGNSS and plain GNSS.
* ``speed_sigma_kn`` 0.5 kn: the smallest change a track shows over minutes (SOG is sent in
  0.1 kn steps, M.1371-5; currents and manoeuvres move a vessel off its line by more).
* ``speed_sigma_frac`` 0.1: 10% of the speed for course and speed changes between reports.
* ``max_interp_gap_s`` 6 h and ``max_extrapolate_s`` 2 h: past these the position is too
  uncertain to match against (at 10 kn and 2 h the 1-sigma is already ~5.5 km); this project's
  choice, to be tuned against labelled scenes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from maritime.geodesy import NM_KM, destination, haversine_km, interp_latlon

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Knots → metres per second.
KN_M_S = NM_KM * 1000.0 / 3600.0


@dataclass(frozen=True, slots=True)
class PredictionConfig:
    """Parameters of the position prediction (module docstring gives the sources)."""

    ais_sigma_m: float = 10.0
    speed_sigma_kn: float = 0.5
    speed_sigma_frac: float = 0.1
    max_interp_gap_s: float = 6 * 3600.0
    max_extrapolate_s: float = 2 * 3600.0


@dataclass(frozen=True, slots=True)
class TrackIndex:
    """AIS reports sorted by (vessel, time), with the row range of each vessel.

    ``vessel`` is a dense vessel number (0..n_vessels-1) per row, ``mmsi`` the MMSI of each
    vessel number; ``t`` seconds (UTC epoch), ``lat``/``lon`` degrees, ``sog`` knots and
    ``cog`` degrees true (NaN when not available).
    """

    mmsi: I64
    vessel: I64
    t: F64
    lat: F64
    lon: F64
    sog: F64
    cog: F64
    start: I64  # first row of each vessel
    end: I64  # one past its last row

    @classmethod
    def build(
        cls,
        mmsi: npt.ArrayLike,
        t: npt.ArrayLike,
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        sog: npt.ArrayLike | None = None,
        cog: npt.ArrayLike | None = None,
    ) -> TrackIndex:
        """Index reports given in any order (arrays of one length; times in seconds)."""
        m = np.asarray(mmsi, dtype=np.int64)
        tt = np.asarray(t, dtype=np.float64)
        n = m.size
        s = np.full(n, np.nan) if sog is None else np.asarray(sog, dtype=np.float64)
        c = np.full(n, np.nan) if cog is None else np.asarray(cog, dtype=np.float64)
        order = np.lexsort((tt, m))
        m = m[order]
        ids, vessel = np.unique(m, return_inverse=True)
        start = np.searchsorted(vessel, np.arange(ids.size), side="left").astype(np.int64)
        end = np.searchsorted(vessel, np.arange(ids.size), side="right").astype(np.int64)
        return cls(
            mmsi=ids.astype(np.int64),
            vessel=vessel.astype(np.int64),
            t=tt[order],
            lat=np.asarray(lat, dtype=np.float64)[order],
            lon=np.asarray(lon, dtype=np.float64)[order],
            sog=s[order],
            cog=c[order],
            start=start,
            end=end,
        )

    def bracket(self, vessel: I64, t: F64) -> tuple[I64, I64]:
        """Rows of each vessel's last report at or before ``t`` and first after (-1: none)."""
        lo = self.start[vessel]
        hi = self.end[vessel]
        # binary search inside each vessel's rows, vectorised over all queries
        a = lo.copy()
        b = hi.copy()
        while True:
            active = a < b
            if not active.any():
                break
            mid = (a + b) // 2
            mid_c = np.minimum(mid, self.t.size - 1)
            go_right = active & (self.t[mid_c] <= t)
            a = np.where(go_right, mid + 1, a)
            b = np.where(active & ~go_right, mid, b)
        before = np.where(a > lo, a - 1, -1)
        after = np.where(a < hi, a, -1)
        return before.astype(np.int64), after.astype(np.int64)


@dataclass(frozen=True, slots=True)
class Prediction:
    """Predicted positions: degrees, 1-sigma metres, SOG knots, COG degrees; ``valid`` False
    where no report is close enough in time."""

    lat: F64
    lon: F64
    sigma_m: F64
    sog: F64
    cog: F64
    valid: npt.NDArray[np.bool_]


def predict(index: TrackIndex, vessel: I64, t: F64, config: PredictionConfig | None = None) -> Prediction:
    """Predict each queried vessel (dense number) at each time (seconds), element-wise."""
    cfg = config or PredictionConfig()
    vessel = np.asarray(vessel, dtype=np.int64)
    t = np.asarray(t, dtype=np.float64)
    before, after = index.bracket(vessel, t)
    hb, ha = before >= 0, after >= 0
    b = np.where(hb, before, 0)
    a = np.where(ha, after, 0)
    tb = np.where(hb, index.t[b], -np.inf)
    ta = np.where(ha, index.t[a], np.inf)
    gap = ta - tb
    interp = hb & ha & (gap <= cfg.max_interp_gap_s)
    # dead reckon from the nearer report when not interpolating
    use_b = hb & (~ha | ((t - tb) <= (ta - t)))
    ref = np.where(use_b, b, a)
    dt_ref = t - index.t[ref]  # negative when reckoning backwards from the next report
    dr_ok = (hb | ha) & (np.abs(dt_ref) <= cfg.max_extrapolate_s)
    valid = interp | dr_ok

    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(interp, (t - tb) / np.where(gap > 0, gap, 1.0), 0.0)
    f = np.clip(np.nan_to_num(f), 0.0, 1.0)
    ilat, ilon = interp_latlon(f, index.lat[b], index.lon[b], index.lat[a], index.lon[a])

    sog_ref = index.sog[ref]
    cog_ref = index.cog[ref]
    moving = np.isfinite(sog_ref) & np.isfinite(cog_ref)
    dist_km = np.where(moving, np.nan_to_num(sog_ref) * NM_KM * dt_ref / 3600.0, 0.0)
    brg = np.where(dist_km < 0, np.nan_to_num(cog_ref) + 180.0, np.nan_to_num(cog_ref)) % 360.0
    dlat, dlon = destination(index.lat[ref], index.lon[ref], brg, np.abs(dist_km))

    lat = np.where(interp, ilat, dlat)
    lon = np.where(interp, ilon, dlon)
    sog_i = np.where(
        interp,
        np.where(np.isfinite(index.sog[b]), index.sog[b], 0.0) * (1 - f)
        + np.where(np.isfinite(index.sog[a]), index.sog[a], 0.0) * f,
        np.nan_to_num(sog_ref),
    )
    # speed for the error model: the track's own speed when SOG is missing
    implied = _implied_speed_kn(index, b, a, hb & ha)
    speed = np.where(np.isfinite(sog_ref) | interp, sog_i, implied)
    with np.errstate(invalid="ignore"):
        dt_eff = np.where(interp, (t - tb) * (ta - t) / np.where(gap > 0, gap, 1.0), np.abs(dt_ref))
    dt_eff = np.nan_to_num(dt_eff)
    drift = (cfg.speed_sigma_kn + cfg.speed_sigma_frac * speed) * KN_M_S * dt_eff
    # no SOG/COG to reckon with: the vessel may have gone anywhere its speed allows
    drift = np.where(interp | moving, drift, drift + implied * KN_M_S * dt_eff)
    sigma = np.sqrt(cfg.ais_sigma_m**2 + drift**2)
    cog = np.where(interp, np.where(f < 0.5, index.cog[b], index.cog[a]), cog_ref)
    return Prediction(
        lat=np.asarray(lat, dtype=np.float64),
        lon=np.asarray(lon, dtype=np.float64),
        sigma_m=sigma,
        sog=np.asarray(sog_i, dtype=np.float64),
        cog=np.asarray(cog, dtype=np.float64),
        valid=valid,
    )


def _implied_speed_kn(index: TrackIndex, b: I64, a: I64, both: npt.NDArray[np.bool_]) -> F64:
    """Speed (knots) between the bracketing reports; 0 when there is only one."""
    d = haversine_km(index.lat[b], index.lon[b], index.lat[a], index.lon[a])
    dt = index.t[a] - index.t[b]
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.asarray(d, dtype=np.float64) / NM_KM / (dt / 3600.0)
    return np.where(both & (dt > 0), np.nan_to_num(v), 0.0)
