"""Shared by the tests of issue 13's kinds: detection over :mod:`maritime.scenario.kinds`
and precision/recall against its truth (not a test module)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache

from maritime.detect.compose import detect_all
from maritime.detect.config import DetectConfig, load_config
from maritime.detect.events import Event
from maritime.detect.identity_change import IdentityChanges
from maritime.detect.tracks import prepare_tracks
from maritime.scenario.kinds import KINDS_ZONE, KINDS_ZONE_NAME, KindsScenario, Truth, build_kinds

#: Seeds the detectors were NOT tuned on (tuning used 11 and 12 only).
EVAL_SEEDS = (101, 202, 303, 404, 505)
NEW_KINDS = ("zone_entry", "speed_range", "position_anomaly", "identity_change")
#: Time tolerance (s) of a match, by kind (a zone entry is dated by the first report inside,
#: up to ~2.5 min after the true crossing; a speed range by its first slow report).
TOLERANCE_S = {"zone_entry": 600.0, "speed_range": 600.0, "position_anomaly": 120.0, "identity_change": 60.0}


def kinds_config() -> DetectConfig:
    """The bundled thresholds, with entries and the speed range watched in the test zone."""
    cfg = load_config()
    return dataclasses.replace(
        cfg,
        speed_range=dataclasses.replace(cfg.speed_range, zones=(KINDS_ZONE_NAME,)),
        zone_entry=dataclasses.replace(cfg.zone_entry, zones=(KINDS_ZONE_NAME,)),
    )


def detect_scenario(sc: KindsScenario, config: DetectConfig | None = None) -> list[Event]:
    cfg = config or kinds_config()
    a = sc.arrays()
    tr = prepare_tracks(a["mmsi"], a["t"], a["lat"], a["lon"], sog=a["sog"], config=cfg.tracks)
    changes = IdentityChanges.from_rows(sc.identity)
    return detect_all(tr, cfg, [(KINDS_ZONE_NAME, KINDS_ZONE)], changes)


def matches(e: Event, tr: Truth) -> bool:
    if e.kind != tr.kind or e.mmsi != tr.mmsi:
        return False
    if tr.reason and e.kind == "position_anomaly" and e.details.get("reason") != tr.reason:
        return False
    return tr.t == 0.0 or abs(e.start - tr.t) <= TOLERANCE_S[e.kind]


def score(events: Iterable[Event], truths: Iterable[Truth], kind: str) -> tuple[int, int, int, int]:
    """(events of the kind, of them matching a truth, truths of the kind, of them found)."""
    ev = [e for e in events if e.kind == kind]
    tt = [t for t in truths if t.kind == kind]
    good = sum(1 for e in ev if any(matches(e, t) for t in tt))
    found = sum(1 for t in tt if any(matches(e, t) for e in ev))
    return len(ev), good, len(tt), found


@lru_cache(maxsize=16)
def _seed_events(seed: int) -> tuple[KindsScenario, list[Event]]:
    sc = build_kinds(seed)
    return sc, detect_scenario(sc)


def evaluate(seeds: Iterable[int], kinds: Iterable[str] = NEW_KINDS) -> dict[str, tuple[int, int, int, int]]:
    """Summed :func:`score` per kind over the seeds."""
    out = {k: (0, 0, 0, 0) for k in kinds}
    for seed in seeds:
        sc, ev = _seed_events(seed)
        for k in out:
            s = score(ev, sc.truth, k)
            out[k] = tuple(a + b for a, b in zip(out[k], s))  # type: ignore[assignment]
    return out


def table(results: dict[str, tuple[int, int, int, int]]) -> str:
    lines = [f"{'kind':<18}{'events':>8}{'precision':>11}{'truths':>8}{'recall':>8}"]
    for k, (n, good, nt, found) in results.items():
        p = good / n if n else 1.0
        r = found / nt if nt else 1.0
        lines.append(f"{k:<18}{n:>8}{p:>11.3f}{nt:>8}{r:>8.3f}")
    return "\n".join(lines)


def kinds_positions(start: float, seed: int = 7):  # -> pa.Table
    """The position reports of :func:`build_kinds` as a table for
    :func:`maritime.scenario.positions.insert_positions` (as ``test_cluster.edge_pair``)."""
    import numpy as np
    import pyarrow as pa

    a = build_kinds(seed, start).arrays()
    n = len(a["t"])
    return pa.table(
        {
            "mmsi": a["mmsi"].astype(np.int32),
            "t_us": (a["t"] * 1e6).astype(np.int64),
            "lat": a["lat"],
            "lon": a["lon"],
            "sog": a["sog"],
            "cog": np.zeros(n, dtype=np.float32),
            "msg_type": np.full(n, 1, dtype=np.int8),
            "station": pa.array(["KINDS"] * n),
            "payload_hash": np.arange(2 * 10**12, 2 * 10**12 + n, dtype=np.uint64),
        }
    )


def kinds_identity_reports(start: float, seed: int = 7):  # -> pa.Table
    """The identity-history rows of :func:`build_kinds` (names, call signs, IMO numbers,
    claimed lengths) as the identity reports that make them, for ``Store.append``: one type 5
    report per value, in time order; a claimed length's previous value is reported an hour
    before it. One vessel renamed at sea also changes its declared ship type (30 fishing →
    70 cargo) half an hour after the rename, at sea: a ``type_changed`` case."""
    import hashlib

    import pyarrow as pa

    from maritime.records import IDENTITY_SCHEMA

    reports: list[dict[str, object]] = []

    def report(m: int, t: float, **values: object) -> None:
        key = f"{m}|{sorted(values.items())}".encode()
        ph = int.from_bytes(hashlib.sha1(key).digest()[:8], "little")
        reports.append({"mmsi": m, "ts": int(t * 1e6), "payload_hash": ph, **values})

    def dims(length: str) -> dict[str, int]:
        n = int(length)
        return {"to_bow": n // 2, "to_stern": n - n // 2, "to_port": 5, "to_starboard": 5}

    retyped = False
    for m, t, f, v, p in build_kinds(seed, start).identity:
        if f == "length":
            report(m, t - 3600.0, **dims(p or v))
            report(m, t, **dims(v))
        elif f == "imo":
            report(m, t, imo=int(v))
        else:
            report(m, t, **{f: v})
        if f == "name" and p is not None and v == "RENAMED AT SEA" and not retyped:
            report(m, t - 3600.0, ship_type=30)
            report(m, t + 1800.0, ship_type=70)
            retyped = True
    reports.sort(key=lambda r: (r["ts"], r["mmsi"]))
    cols = {f.name: [r.get(f.name) for r in reports] for f in IDENTITY_SCHEMA}
    cols["msg_type"] = [5] * len(reports)
    cols["station"] = ["KINDS"] * len(reports)
    cols["n_stations"] = [1] * len(reports)
    return pa.table(
        {
            f.name: pa.array(cols[f.name], pa.int64() if f.name == "ts" else f.type).cast(f.type)
            for f in IDENTITY_SCHEMA
        },
        schema=IDENTITY_SCHEMA,
    )


def store_identity_reports(store, reports) -> int:  # (Store, pa.Table) -> rows
    """Append identity reports (time order) to ``store`` as an ingest does: one batch per UTC
    hour through ``Store.append``, which builds ``identity_history`` batch by batch."""
    from maritime.records import POSITION_SCHEMA, REJECT_SCHEMA

    hour = (reports.column("ts").cast("int64").to_numpy() // 3_600_000_000).tolist()
    run = store.begin_run("kinds identities", "file")
    first = 0
    for k in range(1, len(hour) + 1):
        if k == len(hour) or hour[k] != hour[first]:
            batch = reports.slice(first, k - first)
            store.append(run, "kinds", POSITION_SCHEMA.empty_table(), batch, REJECT_SCHEMA.empty_table())
            first = k
    return int(reports.num_rows)
