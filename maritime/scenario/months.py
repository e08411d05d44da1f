"""Months-long scenario for analytics (vessel risk, hotspots, outcomes): a DEVELOPER TOOL.

Generated straight into DuckDB (as ``benchmarks/bench_detect.py`` does: no NMEA round trip),
with a ground truth:

- a fleet of ``n_vessels`` with made-up MMSIs (Eastern Pacific MIDs, a share under flags of
  convenience, a few with unallocated MIDs);
- **recurring illicit activity with spatial and weekly structure**: ``n_sites`` sites, each
  active on its own days of the week (e.g. Friday to Sunday) at its own rate, where
  loitering, fishing, dark periods and rendezvous happen within ~10 km; plus background events
  spread over the sea and short flare-ups (a place busy for one week, then quiet) that a
  "last week" predictor mistakes for hotspots;
- **a small network** of ``network_size`` vessels that meet each other every week at the
  sites, go dark before meeting, and change names;
- ordinary rendezvous among the fleet (reefers meeting fishing vessels), so meeting at sea
  alone does not single out the network;
- **outcomes** for ``outcome_share`` of the events (the network's events are confirmed far more
  often than the fleet's), returned for the caller to record;
- optionally ``positions`` (random-walk tracks of every vessel, for benchmarks).

Times are UTC; the scenario starts on a Monday at 00:00.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from shapely import STRtree, points

from maritime.reference.zones import default_zones_path, load_zones

#: A Monday, 00:00 UTC.
START = datetime(2025, 1, 6, tzinfo=UTC)
DAY = 86_400.0
WEEK = 7 * DAY
#: MIDs of the region's fleets (Ecuador, Colombia, Peru, Chile, Costa Rica, Mexico, China) and
#: flags of convenience seen there (Panama, Liberia, Honduras); 1 in 200 unallocated (799).
COASTAL_MIDS = (735, 730, 760, 725, 321, 345, 412)
FOC_MIDS = (351, 352, 353, 636, 334)
UNALLOCATED_MID = 799
#: The sea area events fall in: the Eastern Pacific patrol region (lat, lon degrees).
BOX = (-18.0, 8.0, -95.0, -78.0)


@dataclass(frozen=True)
class MonthsConfig:
    """Parameters of the months-long scenario."""

    seed: int = 1
    weeks: int = 12
    n_vessels: int = 3000
    network_size: int = 8
    n_sites: int = 120
    site_events_per_active_day: float = 1.5
    background_per_day: float = 25.0
    flareups_per_week: int = 3
    fleet_rendezvous_per_day: float = 4.0
    outcome_share: float = 0.3
    positions: int = 0  #: position reports to write (0: none)


@dataclass
class MonthsTruth:
    """What was generated: the network's MMSIs, the other offenders (the vessels doing the
    sites' illicit activity), the sites (lat, lon, active weekdays 0=Monday), the time span
    (UTC s) and the outcomes (event_id, result, unit, time UTC s, report)."""

    network: list[int]
    offenders: list[int]
    sites: list[tuple[float, float, tuple[int, ...]]]
    start: float
    end: float
    outcomes: list[tuple[str, str, str, float, str]] = field(default_factory=list)


def _eid(*parts: Any) -> str:
    return "scn-" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _mmsis(rng: np.random.Generator, n: int) -> np.ndarray:
    mids = rng.choice(np.array(COASTAL_MIDS), n)
    foc = rng.random(n) < 0.15
    mids[foc] = rng.choice(np.array(FOC_MIDS), foc.sum())
    mids[rng.random(n) < 0.005] = UNALLOCATED_MID
    out = mids.astype(np.int64) * 1_000_000 + rng.choice(900_000, n, replace=False) + 100_000
    return np.unique(out)


def _sea_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in :data:`BOX`, away from the coast (east of the coast line is land: kept
    west of a line from (8°N, 80°W) to (18°S, 72°W) shifted offshore)."""
    lat = rng.uniform(BOX[0], BOX[1], n)
    lon = rng.uniform(BOX[2], BOX[3], n)
    coast = -80.5 + (8.0 - lat) * (-72.0 + 80.0) / 26.0 - 1.0
    lon = np.minimum(lon, coast - rng.uniform(0.0, 3.0, n))
    return lat, lon


def generate(cfg: MonthsConfig) -> tuple[dict[str, pd.DataFrame], MonthsTruth]:
    """The tables (``vessels``, ``events``, ``identity_history`` and maybe ``positions``) and
    the truth."""
    rng = np.random.default_rng(cfg.seed)
    mmsis = _mmsis(rng, cfg.n_vessels)
    order = rng.permutation(len(mmsis))
    network = [int(m) for m in mmsis[order[: cfg.network_size]]]
    offenders = mmsis[order[cfg.network_size : cfg.network_size + max(20, len(mmsis) // 15)]]
    fleet = mmsis[order[cfg.network_size :]]
    t0 = START.timestamp()
    days = cfg.weeks * 7
    s_lat, s_lon = _sea_points(rng, cfg.n_sites)
    sites = []
    for i in range(cfg.n_sites):
        k = int(rng.integers(1, 3))
        first = int(rng.integers(0, 7))
        sites.append((float(s_lat[i]), float(s_lon[i]), tuple(sorted((first + j) % 7 for j in range(k)))))
    kinds_site = np.array(["loitering", "fishing", "dark_period", "rendezvous"])
    rows: list[tuple[Any, ...]] = []

    def add(kind: str, m: int, other: int | None, t: float, lat: float, lon: float, conf: float) -> None:
        dur = float(rng.uniform(2, 12) if kind == "dark_period" else rng.uniform(1, 5)) * 3600
        if other is not None and other < m:
            m, other = other, m
        rows.append((_eid(kind, m, other, round(t)), kind, m, other, t, t + dur, lat, lon, conf))

    for d in range(days):
        dow = d % 7
        for lat, lon, active in sites:
            if dow not in active:
                continue
            for _ in range(rng.poisson(cfg.site_events_per_active_day)):
                t = t0 + d * DAY + rng.uniform(0, DAY)
                la, lo = lat + rng.normal(0, 0.06), lon + rng.normal(0, 0.06)
                kind = str(rng.choice(kinds_site, p=[0.35, 0.3, 0.2, 0.15]))
                m = int(rng.choice(offenders))
                other = int(rng.choice(offenders)) if kind == "rendezvous" else None
                add(kind, m, other if other != m else None, t, la, lo, float(rng.uniform(0.5, 1)))
        n_bg = rng.poisson(cfg.background_per_day)
        b_lat, b_lon = _sea_points(rng, n_bg)
        for i in range(n_bg):
            kind = str(rng.choice(["loitering", "dark_period", "zone_entry", "fishing"]))
            add(kind, int(rng.choice(fleet)), None, t0 + d * DAY + rng.uniform(0, DAY), b_lat[i], b_lon[i], 0.6)
        for _ in range(rng.poisson(cfg.fleet_rendezvous_per_day)):
            a, b = (int(x) for x in rng.choice(fleet, 2, replace=False))
            r_lat, r_lon = _sea_points(rng, 1)
            add("rendezvous", a, b, t0 + d * DAY + rng.uniform(0, DAY), float(r_lat[0]), float(r_lon[0]), 0.7)
    for w in range(cfg.weeks):  # flare-ups: busy for one week, then quiet
        f_lat, f_lon = _sea_points(rng, cfg.flareups_per_week)
        for i in range(cfg.flareups_per_week):
            for _ in range(int(rng.integers(8, 20))):
                t = t0 + w * WEEK + rng.uniform(0, WEEK)
                la, lo = f_lat[i] + rng.normal(0, 0.05), f_lon[i] + rng.normal(0, 0.05)
                add("loitering", int(rng.choice(fleet)), None, t, la, lo, 0.6)
    for w in range(cfg.weeks):  # the network meets every week at a site, dark before
        for _ in range(3):
            a, b = (int(x) for x in rng.choice(network, 2, replace=False))
            lat, lon, active = sites[int(rng.integers(0, len(sites)))]
            t = t0 + w * WEEK + active[0] * DAY + rng.uniform(0, DAY)
            add("dark_period", a, None, t - 10 * 3600, lat, lon, 0.8)
            add("rendezvous", a, b, t, lat + rng.normal(0, 0.03), lon + rng.normal(0, 0.03), 0.9)
    ev = pd.DataFrame(rows, columns=["event_id", "kind", "mmsi", "other_mmsi", "t", "t_end", "lat", "lon", "conf"])
    ev = ev.drop_duplicates("event_id").sort_values("t").reset_index(drop=True)
    zones = load_zones(default_zones_path())
    tree = STRtree([p for _, p in zones])
    pi, zi = tree.query(points(ev.lon.to_numpy(), ev.lat.to_numpy()), predicate="within")
    zone = np.full(len(ev), None, dtype=object)
    zone[pi[::-1]] = np.array([zones[j][0] for j in zi], dtype=object)[::-1]
    events = pd.DataFrame(
        {
            "event_id": ev.event_id,
            "kind": ev.kind,
            "mmsi": ev.mmsi.astype("int32"),
            "other_mmsi": ev.other_mmsi.astype("Int32"),
            "start_time": pd.to_datetime(ev.t, unit="s", utc=True),
            "end_time": pd.to_datetime(ev.t_end, unit="s", utc=True),
            "lat": ev.lat,
            "lon": ev.lon,
            "zone": zone,
            "confidence": ev.conf,
            "details": json.dumps({"source": "scenario.months"}),
            "updated_at": pd.Timestamp(datetime.now(UTC)),
        }
    )
    hist = []
    for m in network + [int(x) for x in rng.choice(fleet, 10, replace=False)]:
        for j in range(3 if m in network else 1):
            ts = pd.Timestamp(t0 + rng.uniform(0, days * DAY), unit="s", tz="UTC")
            hist.append((m, ts, "name", f"VESSEL {m % 9973} {j + 1}", f"VESSEL {m % 9973} {j}", 5, "scenario"))
    identity = pd.DataFrame(hist, columns=["mmsi", "ts", "field", "value", "previous", "msg_type", "station"])
    v_lat, v_lon = _sea_points(rng, len(mmsis))
    vessels = pd.DataFrame(
        {
            "mmsi": mmsis.astype("int32"),
            "name": [f"VESSEL {m % 9973}" for m in mmsis],
            "mid": (mmsis // 1_000_000).astype("int16"),
            "first_seen": pd.Timestamp(t0, unit="s", tz="UTC"),
            "last_seen": pd.Timestamp(t0 + days * DAY, unit="s", tz="UTC"),
            "last_lat": v_lat,
            "last_lon": v_lon,
        }
    )
    tables = {"vessels": vessels, "events": events, "identity_history": identity}
    truth = MonthsTruth(network, [int(m) for m in offenders], sites, t0, t0 + days * DAY)
    pick = rng.random(len(events)) < cfg.outcome_share
    units = ("ARC 7 de Agosto", "LAE Isla San Cristóbal", "BAP Guise", "SENAN 101")
    net = set(network)
    e_kind = ev.kind.to_numpy(dtype=str)
    e_mmsi = ev.mmsi.to_numpy(dtype=np.int64)
    e_other = ev.other_mmsi.fillna(0).to_numpy(dtype=np.int64)
    e_t = ev.t.to_numpy(dtype=np.float64)
    e_id = ev.event_id.to_numpy(dtype=str)
    for k in np.flatnonzero(pick).tolist():
        kind = str(e_kind[k])
        involved = int(e_mmsi[k]) in net or int(e_other[k]) in net
        p_confirm = 0.8 if involved else (0.35 if kind in ("fishing", "rendezvous") else 0.1)
        u = rng.random()
        if u < 0.1:
            result = "not_reached"
        elif u < 0.15:
            result = "escaped"
        else:
            result = "violation_found" if rng.random() < p_confirm else "boarded_no_violation"
        if result == "violation_found" and rng.random() < 0.3:
            result = "seized"
        when = float(e_t[k]) + rng.uniform(2, 30) * 3600
        report = f"scenario outcome of {kind}"
        truth.outcomes.append((str(e_id[k]), result, str(rng.choice(units)), when, report))
    return tables, truth


def positions_frame(rng: np.random.Generator, vessels: pd.DataFrame, n: int, t0: float, t1: float) -> pd.DataFrame:
    """``n`` position reports: a random walk per vessel (about 10 knots), evenly in time."""
    per = max(2, n // len(vessels))
    m = np.repeat(vessels.mmsi.to_numpy(), per)
    k = np.tile(np.arange(per), len(vessels))
    ts = t0 + (k + rng.random(len(k))) * (t1 - t0) / per
    step = rng.normal(0, 0.02, (2, len(k)))
    start = np.repeat(np.c_[vessels.last_lat.to_numpy(), vessels.last_lon.to_numpy()], per, axis=0)
    walk = np.cumsum(step.reshape(2, len(vessels), per), axis=2).reshape(2, -1)
    return pd.DataFrame(
        {
            "mmsi": m.astype("int32"),
            "ts": pd.to_datetime(ts, unit="s", utc=True),
            "lat": np.clip(start[:, 0] + walk[0], -80, 80),
            "lon": start[:, 1] + walk[1],
            "sog": rng.uniform(0, 14, len(k)).astype("float32"),
            "cog": rng.uniform(0, 360, len(k)).astype("float32"),
        }
    )


def write_months(con: Any, cfg: MonthsConfig) -> MonthsTruth:
    """Generate the scenario into ``con`` (a DuckDB connection with the maritime schema: open
    it with :class:`maritime.store.database.Store` first); returns the truth."""
    tables, truth = generate(cfg)
    for name, df in tables.items():
        con.register("_months_df", df)
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _months_df")
        con.unregister("_months_df")
    con.execute(
        "UPDATE vessels SET flag = (SELECT country FROM mid_flags f WHERE f.mid = vessels.mid) WHERE flag IS NULL"
    )
    con.execute("DELETE FROM zones")
    feats = json.loads(default_zones_path().read_text(encoding="utf-8"))["features"]
    con.executemany(
        "INSERT INTO zones (name, description, geojson) VALUES (?, ?, ?)",
        [(f["properties"]["name"], f["properties"].get("description"), json.dumps(f["geometry"])) for f in feats],
    )
    if cfg.positions:
        rng = np.random.default_rng(cfg.seed + 1)
        left, chunk = cfg.positions, 2_000_000
        vessels = tables["vessels"]
        while left > 0:
            pos = positions_frame(rng, vessels, min(left, chunk), truth.start, truth.end)
            pos["msg_type"] = np.int8(1)
            pos["n_stations"] = np.int16(1)
            pos["payload_hash"] = rng.integers(0, 2**63, len(pos)).astype("uint64")
            pos["run_id"] = 0
            con.register("_months_pos", pos)
            cols = ", ".join(pos.columns)
            con.execute(f"INSERT INTO positions ({cols}) SELECT {cols} FROM _months_pos")
            con.unregister("_months_pos")
            left -= len(pos)
    return truth
