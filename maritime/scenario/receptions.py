"""Who hears what: reception batches, receivers, transmission schedules (a developer tool).

Part of the scenario generator. Shore stations hear Class A out to ~40 nm (74 km) and Class B
to ~20 nm (37 km); out of shore range two satellites deliver reports only during their passes
(12 min every 98 min each). Every random draw is a counter-based hash of the message's identity
(:mod:`maritime.scenario.hashing`), so the output does not depend on how time is windowed.
Raw AIS field units as in ITU-R M.1371-5 (see :class:`ReceptionBatch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from maritime.geodesy import bearing_deg
from maritime.scenario.config import (
    HEADING_NA,
    KN,
    RANGE_A_M,
    RANGE_B_M,
    ROT_NA,
    SAT_PASS_S,
    SAT_PERIOD_S,
    SAT_PHASES_S,
    BoolArray,
    Columns,
    FloatArray,
    IntArray,
    Noise,
)
from maritime.scenario.geography import distance_m
from maritime.scenario.hashing import (
    S_CHAN,
    S_DUP,
    S_DUPDT,
    S_JITTER,
    S_LOSS,
    S_NOISE,
    S_NOISEARG,
    S_SAT,
    S_SATDUP,
    h64,
    u01,
)
from maritime.scenario.model import Scenario


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

    c: IntArray
    station: IntArray
    channel: IntArray
    kind: IntArray
    msg_type: IntArray
    src: IntArray
    mmsi: IntArray
    seq: IntArray
    dup: BoolArray
    noise: IntArray
    arg: IntArray
    lat_i: IntArray
    lon_i: IntArray
    sog_i: IntArray
    cog_i: IntArray
    heading: IntArray
    second: IntArray
    status: IntArray
    rot: IntArray
    accuracy: IntArray
    raim: IntArray
    radio: IntArray

    def __len__(self) -> int:
        return len(self.c)

    @staticmethod
    def concat(parts: list[Columns]) -> ReceptionBatch:
        """Concatenate column dictionaries into one batch sorted by time (then station, kind, source, sequence,
        duplicate)."""
        names = list(ReceptionBatch.__dataclass_fields__)
        cols = {n: np.concatenate([p[n] for p in parts]) if parts else np.zeros(0, dtype=np.int64) for n in names}
        order = np.lexsort((cols["dup"], cols["seq"], cols["src"], cols["kind"], cols["station"], cols["c"]))
        ordered: Columns = {n: cols[n][order] for n in names}
        return ReceptionBatch(**ordered)


def empty_columns(n: int) -> Columns:
    """``n`` rows of every :class:`ReceptionBatch` column with their neutral values."""
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


class FleetArrays:
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
        self.seg_cog = bearing_deg(self.klat, self.klon, self.klat[nxt], self.klon[nxt])
        self.dark = [(v.uid, a, b) for v in vs for a, b in v.dark]
        self.gps = [(v.uid, a, b) for v in vs for a, b in v.gps_outages]

    def sample(self, vi: IntArray, ts: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, IntArray]:
        """Position (degrees), SOG (kn), COG (degrees) and status of vessels ``vi`` at times ``ts`` (s from start)."""
        k = np.searchsorted(self.key, vi * self.span + (ts - self.kmin), side="right") - 1
        k = np.clip(k, self.first[vi], self.last[vi] - 1)
        t0, t1 = self.kt[k], self.kt[k + 1]
        f = np.clip((ts - t0) / (t1 - t0), 0.0, 1.0)
        lat = self.klat[k] + f * (self.klat[k + 1] - self.klat[k])
        lon = self.klon[k] + f * (self.klon[k + 1] - self.klon[k])
        inside = (ts >= t0) & (ts <= t1)
        sog = np.where(inside, self.seg_sog[k], 0.0)
        return lat, lon, sog, self.seg_cog[k], self.kstat[k]


class Receivers:
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
        t: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        cls_b: BoolArray,
        p_sat: FloatArray,
        salt: int,
        a: IntArray,
        j: IntArray,
    ) -> tuple[IntArray, IntArray, IntArray]:
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
            if o.station >= 0:
                col = int(np.nonzero(self.shore == o.station)[0][0])
                inr[during, col] = False
            silent |= during & (distance_m(lat, lon, o.lat, o.lon) < o.radius_m)
        inr[silent] = False
        dd = np.where(inr, d, np.inf)
        order = np.argsort(dd, axis=1)[:, :2]
        r = np.arange(n)
        first_ok = np.isfinite(dd[r, order[:, 0]])
        second_ok = np.isfinite(dd[r, order[:, 1]]) if dd.shape[1] > 1 else np.zeros(n, dtype=bool)
        lost = u01(self.seed, S_LOSS, salt, a, j) < self.noise.p_loss
        # the nearest station hears it unless the reception is lost; then the second one may
        use_first = first_ok & ~lost
        use_second = ~use_first & second_ok
        prim[use_first] = self.shore[order[use_first, 0]]
        prim[use_second] = self.shore[order[use_second, 1]]
        want_dup = u01(self.seed, S_DUP, salt, a, j) < self.noise.p_duplicate
        dmask = use_first & second_ok & want_dup
        dup[dmask] = self.shore[order[dmask, 1]]
        # satellites: passes of 12 min every 98 min
        sat_on = np.full(n, -1, dtype=np.int64)
        for k, ph in enumerate(SAT_PHASES_S):
            on = ((t + ph) % SAT_PERIOD_S) < SAT_PASS_S
            sat_on[on & (sat_on < 0)] = self.sats[k % len(self.sats)]
        u_sat = u01(self.seed, S_SAT, salt, a, j)
        sat_rx = (sat_on >= 0) & (u_sat < p_sat) & ~silent
        no_shore = prim < 0
        prim[no_shore & sat_rx] = sat_on[no_shore & sat_rx]
        sdup = (
            (~no_shore)
            & (dup < 0)
            & (sat_on >= 0)
            & ~silent
            & (u01(self.seed, S_SATDUP, salt, a, j) < self.noise.p_sat_duplicate)
        )
        dup[sdup] = sat_on[sdup]
        delay = (h64(self.seed, S_DUPDT, salt, a, j) % np.uint64(3)).astype(np.int64)
        return prim, dup, delay


def schedule(
    first: float,
    interval: npt.NDArray[np.floating[Any]],
    phase: npt.NDArray[np.floating[Any]],
    w0: float,
    w1: float,
    seed: int,
    salt: int,
    jitter: float = 0.8,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Per-source schedule t_j = phase + j·interval + U(0, jitter·interval) in [w0, w1).

    Returns (source index, j, t) for every scheduled time in the window."""
    j_lo = np.maximum(0, np.floor((w0 - phase - first) / interval) - 1).astype(np.int64)
    j_hi = np.ceil((w1 - phase - first) / interval).astype(np.int64) + 1
    cnt = np.maximum(0, j_hi - j_lo)
    src = np.repeat(np.arange(len(interval)), cnt)
    offs = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    j = j_lo[src] + offs
    t = first + phase[src] + j * interval[src] + jitter * interval[src] * u01(seed, S_JITTER, salt, src, j)
    keep = (t >= w0) & (t < w1)
    return src[keep], j[keep], t[keep]


def sat_probability(sc: Scenario, cls_b: BoolArray) -> FloatArray:
    """Per-report probability that a satellite hears it during a pass (Class A / Class B)."""
    return np.where(cls_b, sc.config.p_sat_b, sc.config.p_sat_a)


def rows(n: int, **cols: npt.ArrayLike) -> Columns:
    """``n`` reception rows with the given columns set and the others neutral."""
    out = empty_columns(n)
    for k, v in cols.items():
        out[k] = np.asarray(v).astype(out[k].dtype) if n else out[k]
    return out


def emit(
    sc: Scenario,
    base: Columns,
    prim: IntArray,
    dup: IntArray,
    delay: IntArray,
    t: FloatArray,
    salt: int,
    a: IntArray,
    j: IntArray,
    multipart: bool,
) -> list[Columns]:
    """Turn transmissions into reception rows (primary + duplicates) and decide the noise."""
    seed, nz = sc.config.seed, sc.config.noise
    got = prim >= 0
    t0 = sc.start_unix
    out = []
    c = t0 + np.floor(t).astype(np.int64)
    u = u01(seed, S_NOISE, salt, a, j)
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
    arg = (h64(seed, S_NOISEARG, salt, a, j) >> np.uint64(32)).astype(np.int64)
    chan = (h64(seed, S_CHAN, salt, a, j) & np.uint64(1)).astype(np.int64)
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
