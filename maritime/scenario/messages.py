"""What every transmitter sends, window by window: the scenario's reception stream (a developer tool).

Part of the scenario generator: vessel position reports (types 1/2/3, 18, 19, 27), static data
(types 5, 24A/B), base-station (4), AtoN (21) and meteorological (8) reports, the receivers' own
GPS sentences and junk lines, as :class:`~maritime.scenario.receptions.ReceptionBatch` records.
Raw field units as in ITU-R M.1371-5.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from maritime.scenario.config import COG_NA_I, HEADING_NA, LAT_NA_I, LON_NA_I, ROT_NA, SOG_NA_I, Columns, IntArray, Kind
from maritime.scenario.hashing import (
    S_COG,
    S_HDG,
    S_JITTER,
    S_JUNK,
    S_NA,
    S_NOISEARG,
    S_RADIO,
    S_ROT,
    S_SEC,
    S_SOG,
    S_T27,
    S_TYPE,
    h64,
    u01,
)
from maritime.scenario.model import Scenario
from maritime.scenario.receptions import FleetArrays, Receivers, ReceptionBatch, emit, rows, sat_probability, schedule


def unique_digits(j: IntArray) -> tuple[IntArray, IntArray]:
    """Two digits 0-99 each, a bijection of j mod 10 000 (GNSS noise that keeps payloads unique)."""
    p = (j * 7919) % 10000
    return p // 100, p % 100


class StreamState:
    """Mutable state carried across windows (type-27 payloads already sent)."""

    def __init__(self) -> None:
        self.t27: dict[int, set[tuple[int, int, int, int, int]]] = {}


def position_reports(
    sc: Scenario, fl: FleetArrays, rx: Receivers, st: StreamState, w0: float, w1: float
) -> list[Columns]:
    """Position reports (types 1/2/3, 18, 19, 27) of every vessel scheduled in ``[w0, w1)`` (s from start) and who
    receives them, as reception rows."""
    seed, nz = sc.config.seed, sc.config.noise
    vi, j, t = schedule(0.0, fl.interval, fl.phase, w0, w1, seed, 1)
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
    prim, dup, delay = rx.receive(t, lat, lon, cls_b, sat_probability(sc, cls_b), 1, vi, j)
    via_sat = np.isin(prim, rx.sats)

    # --- raw fields
    u_sog = u01(seed, S_SOG, 1, vi, j)
    # stationary: 0.0 or 0.1 kn; underway: true speed ± 0.2 kn
    sog_r = np.where(stationary, (u_sog < 0.3) * 0.1, sog + (u_sog - 0.5) * 0.4)
    sog_i = np.clip(np.round(sog_r * 10), 0, 1022).astype(np.int64)
    cog_noise = (u01(seed, S_COG, 1, vi, j) - 0.5) * 4.0
    cog_v = np.where(stationary, (fl.moored_heading[vi] + cog_noise * 20) % 360, (cog + cog_noise) % 360)
    cog_i = np.round(cog_v * 10).astype(np.int64) % 3600
    cog_i = np.where(stationary & fl.cog_na_stopped[vi], COG_NA_I, cog_i)
    hdg_v = np.where(
        stationary,
        fl.moored_heading[vi] + 15 * np.sin(t / 2400.0 + vi),
        cog + fl.heading_bias[vi] + (u01(seed, S_HDG, 1, vi, j) - 0.5) * 3,
    )
    heading = np.where(fl.heading_ok[vi], np.round(hdg_v).astype(np.int64) % 360, HEADING_NA)
    u_na = u01(seed, S_NA, 1, vi, j)
    sog_i = np.where(u_na < nz.p_sog_na, SOG_NA_I, sog_i)
    cog_i = np.where((u_na >= nz.p_sog_na) & (u_na < nz.p_sog_na + nz.p_cog_na), COG_NA_I, cog_i)
    u_sec = u01(seed, S_SEC, 1, vi, j)
    sec = (np.floor(t).astype(np.int64) - (u_sec < 0.3)) % 60
    q1 = nz.p_second_na
    q2 = q1 + nz.p_second_manual
    q3 = q2 + nz.p_second_dead_reckoning
    sec = np.where(u_sec < q1, 60, np.where(u_sec < q2, 61, np.where(u_sec < q3, 62, sec)))
    da, db = unique_digits(j)
    lat_i = 100 * np.floor(lat * 6000.0).astype(np.int64) + da
    lon_i = 100 * np.floor(lon * 6000.0).astype(np.int64) + db
    rot = np.where(
        fl.rot_ok[vi],
        np.where(stationary, 0, ((h64(seed, S_ROT, 1, vi, j) % np.uint64(9)).astype(np.int64) - 4)),
        ROT_NA,
    )
    nav = status
    # radio: SOTDMA communication state (sync, slot time-out, sub-message)
    hr = h64(seed, S_RADIO, 1, vi, j)
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
    ut = u01(seed, S_TYPE, 1, vi, j)
    mtype = np.where(cls_b, 18, np.where(ut < 0.85, 1, np.where(ut < 0.97, 3, 2)))
    kind = np.where(cls_b, Kind.POS_B, Kind.POS_A)
    # Class B units: type 19 now and then
    t19 = cls_b & fl.type19[vi] & (u01(seed, S_T27, 1, vi, j) < 0.1)
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
    c27 = (~cls_b) & fl.type27[vi] & via_sat & (sog >= 5.0) & ~gps_na & (u01(seed, S_T27, 2, vi, j) < 0.3) & (dup < 0)
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
    base = rows(
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
    return emit(sc, base, prim, dup, delay, t, 1, vi, j, multipart=False)


def static_reports(sc: Scenario, fl: FleetArrays, rx: Receivers, w0: float, w1: float) -> list[Columns]:
    """Static data (type 5 for Class A; 24A then 24B 5-40 s later for Class B) every ``static_interval_s``, as
    reception rows."""
    cfg, seed = sc.config, sc.config.seed
    iv = np.full(fl.n, cfg.static_interval_s)
    ph = (fl.phase * 7.3) % cfg.static_interval_s
    # scheduled from 41 s before the window so that a part B (5-40 s after its part A) falls in
    # the window where it is received, whatever the window boundaries
    vi, j, t = schedule(0.0, iv, ph, w0 - 41.0, w1, seed, 2, jitter=0.15)
    keep = np.ones(len(t), dtype=bool)
    for uid, a, b in fl.dark:
        keep &= ~((vi == uid) & (t >= a) & (t < b))
    vi, j, t = vi[keep], j[keep], t[keep]
    out: list[Columns] = []
    if len(t) == 0:
        return out
    lat, lon, *_ = fl.sample(vi, t)
    cls_b = fl.cls_b[vi]
    # Class A: type 5
    is_a = ~cls_b & (t >= w0)
    if is_a.any():
        prim, dup, delay = rx.receive(
            t[is_a], lat[is_a], lon[is_a], cls_b[is_a], np.full(int(is_a.sum()), 0.2), 2, vi[is_a], j[is_a]
        )
        base = rows(
            int(is_a.sum()),
            kind=np.full(int(is_a.sum()), Kind.STATIC_5),
            msg_type=np.full(int(is_a.sum()), 5),
            src=vi[is_a],
            mmsi=fl.mmsi[vi[is_a]],
            seq=j[is_a],
        )
        out += emit(sc, base, prim, dup, delay, t[is_a], 2, vi[is_a], j[is_a], multipart=True)
    # Class B: 24A then 24B 5-40 s later
    is_b = cls_b
    if is_b.any():
        for part, kind, dt_s, salt in ((1, Kind.STATIC_24A, 0.0, 3), (2, Kind.STATIC_24B, 5.0, 4)):
            tb = t[is_b] + dt_s + (35.0 * u01(seed, S_JITTER, salt, vi[is_b], j[is_b]) if part == 2 else 0.0)
            inside = (tb >= w0) & (tb < w1)
            tb_, vb, jb = tb[inside], vi[is_b][inside], j[is_b][inside]
            prim, dup, delay = rx.receive(
                tb_,
                lat[is_b][inside],
                lon[is_b][inside],
                np.ones(len(tb_), dtype=bool),
                np.full(len(tb_), 0.05),
                salt,
                vb,
                jb,
            )
            base = rows(
                len(tb_), kind=np.full(len(tb_), kind), msg_type=np.full(len(tb_), 24), src=vb, mmsi=fl.mmsi[vb], seq=jb
            )
            out += emit(sc, base, prim, dup, delay, tb_, salt, vb, jb, multipart=False)
    return out


def fixed_reports(sc: Scenario, rx: Receivers, w0: float, w1: float) -> list[Columns]:
    """Base-station reports, AtoN reports, met broadcasts, receivers' own GPS lines and junk."""
    cfg, seed, nz = sc.config, sc.config.seed, sc.config.noise
    out: list[Columns] = []
    shore = rx.shore
    # type 4 from every shore station, heard by itself
    iv = np.full(len(shore), cfg.base_station_interval_s)
    si, j, t = schedule(0.0, iv, (shore * 17.0) % cfg.base_station_interval_s, w0, w1, seed, 5, jitter=0.05)
    if len(t):
        st = shore[si]
        lat = np.array([sc.stations[s].lat for s in st])
        lon = np.array([sc.stations[s].lon for s in st])
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t, lat, lon = st[~down], j[~down], t[~down], lat[~down], lon[~down]
        base = rows(
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
        out += emit(sc, base, st, np.full(len(t), -1), np.zeros(len(t), dtype=np.int64), t, 5, st, j, multipart=False)
    # type 21 from the AtoNs, heard by the nearest shore station
    if sc.atons:
        at = sc.atons
        iv = np.full(len(at), cfg.aton_interval_s)
        ai, j, t = schedule(0.0, iv, np.arange(len(at)) * 23.0 % cfg.aton_interval_s, w0, w1, seed, 6, jitter=0.1)
        if len(t):
            lat = np.array([at[i].lat for i in ai])
            lon = np.array([at[i].lon for i in ai])
            prim, dup, delay = rx.receive(t, lat, lon, np.zeros(len(t), dtype=bool), np.zeros(len(t)), 6, ai, j)
            da, db = unique_digits(j)
            base = rows(
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
            out += emit(sc, base, prim, dup, delay, t, 6, ai, j, multipart=False)
    # type 8 meteorological broadcasts from the stations with a weather sensor (those with GPS output)
    met = np.array([i for i in shore if sc.stations[i].gps_nmea], dtype=np.int64)
    if len(met) and cfg.met_interval_s > 0:
        iv = np.full(len(met), cfg.met_interval_s)
        mi, j, t = schedule(0.0, iv, (met * 31.0) % cfg.met_interval_s, w0, w1, seed, 7, jitter=0.05)
        st = met[mi]
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t = st[~down], j[~down], t[~down]
        base = rows(
            len(t),
            kind=np.full(len(t), Kind.BINARY_8),
            msg_type=np.full(len(t), 8),
            src=st,
            mmsi=np.array([sc.stations[s].mmsi for s in st], dtype=np.int64),
            seq=j,
        )
        out += emit(sc, base, st, np.full(len(t), -1), np.zeros(len(t), dtype=np.int64), t, 7, st, j, multipart=False)
    # receivers' own GPS sentences ($GPRMC + $GPGGA)
    gps = np.array([i for i in shore if sc.stations[i].gps_nmea], dtype=np.int64)
    if len(gps) and nz.gps_nmea_interval_s > 0:
        iv = np.full(len(gps), nz.gps_nmea_interval_s)
        gi, j, t = schedule(0.0, iv, (gps * 13.0) % nz.gps_nmea_interval_s, w0, w1, seed, 8, jitter=0.0)
        st = gps[gi]
        down = np.zeros(len(t), dtype=bool)
        for o in sc.outages:
            down |= (st == o.station) & (t >= o.start) & (t < o.end)
        st, j, t = st[~down], j[~down], t[~down]
        for _k, mt in ((0, 0), (1, 1)):
            recs = rows(
                len(t),
                c=sc.start_unix + np.floor(t).astype(np.int64),
                station=st,
                kind=np.full(len(t), Kind.GPS_NMEA),
                msg_type=np.zeros(len(t)),
                src=st,
                seq=j,
                arg=np.full(len(t), mt),
            )
            out.append(recs)
    # junk lines, anywhere in the feed
    if nz.junk_per_hour > 0:
        step = 60.0
        iv = np.array([step])
        _, j, t = schedule(0.0, iv, np.zeros(1), w0, w1, seed, 9, jitter=0.99)
        keep = u01(seed, S_JUNK, 9, 0, j) < nz.junk_per_hour * step / 3600.0
        j, t = j[keep], t[keep]
        st = rx.shore[(h64(seed, S_JUNK, 10, 0, j) % np.uint64(len(rx.shore))).astype(np.int64)]
        recs = rows(
            len(t),
            c=sc.start_unix + np.floor(t).astype(np.int64),
            station=st,
            kind=np.full(len(t), Kind.JUNK),
            src=st,
            seq=j,
            arg=(h64(seed, S_NOISEARG, 9, 0, j) >> np.uint64(32)).astype(np.int64),
        )
        out.append(recs)
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
    fl = FleetArrays(sc)
    rx = Receivers(sc)
    st = StreamState()
    D = sc.duration_s
    names = list(ReceptionBatch.__dataclass_fields__)
    pending: list[Columns] = []
    w0 = 0.0
    while w0 < D:
        w1 = min(D, w0 + chunk_s)
        parts = list(pending)
        if fl.n:
            parts += position_reports(sc, fl, rx, st, w0, w1)
            parts += static_reports(sc, fl, rx, w0, w1)
        parts += fixed_reports(sc, rx, w0, w1)
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
