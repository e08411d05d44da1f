"""Risk over a months-long scenario in DuckDB: the network ranks above the fleet, every factor
traces to stored rows, updates are incremental and kept over time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np

from maritime.analytics.risk import (
    CONFLICT_KINDS,
    DARK_KINDS,
    EVENT_FACTORS,
    LOITER_KINDS,
    RENDEZVOUS_KINDS,
    ZONE_ENTRY_KINDS,
    EventRow,
    VesselFacts,
    vessel_base,
)
from maritime.analytics.risk_store import top_risk, update_risk


def _ranks(con) -> dict[int, int]:
    rows = con.execute("SELECT mmsi, rank() OVER (ORDER BY score DESC) FROM vessel_risk_latest").fetchall()
    return {m: r for m, r in rows}


def test_network_members_rank_above_the_fleet(months_copy) -> None:
    store, truth = months_copy
    update_risk(store.con)
    ranks = _ranks(store.con)
    n = len(ranks)
    net = sorted(ranks[m] for m in truth.network)
    assert n >= 1900
    assert np.median(net) <= 0.03 * n, net  # half the network in the top 3 %
    ordinary = sorted(r for m, r in ranks.items() if m not in set(truth.network) | set(truth.offenders))
    assert max(net) < ordinary[len(ordinary) // 100], net  # every member above 99 % of the ordinary fleet
    assert np.mean(net) < np.mean(sorted(ranks[m] for m in truth.offenders)), net  # and above the lone offenders
    assert top_risk(store.con, 5)[0]["score"] > 0.5


def test_every_factor_traces_to_stored_rows(months_copy) -> None:
    store, _ = months_copy
    con = store.con
    update_risk(con)
    events = {r[0]: r[1:] for r in con.execute("SELECT event_id, kind, mmsi, other_mmsi FROM events").fetchall()}
    hist = {
        f"identity_history:{f}:{ts}"
        for f, ts in con.execute("SELECT field, CAST(ts AS VARCHAR) FROM identity_history").fetchall()
    }
    checked = 0
    for mmsi, factors in con.execute(
        "SELECT mmsi, factors FROM vessel_risk_latest ORDER BY score DESC LIMIT 300"
    ).fetchall():
        for f in json.loads(factors):
            assert f["refs"], f
            for ref in f["refs"]:
                if ref.startswith(("flag:", "mmsi:", "partner:", "watch:")):
                    continue
                if ref.startswith("identity_history:"):
                    assert ref in hist
                    continue
                kind, m, other = events[ref]
                assert mmsi in (m, other), (mmsi, ref)
                checked += 1
            if f["factor"] == "rendezvous":  # the evidence is the confidence-weighted count of its events
                conf = con.execute(
                    "SELECT sum(confidence) FROM events WHERE list_contains(?, event_id)", [f["refs"]]
                ).fetchall()[0][0]
                assert abs(conf - f["evidence"]) < 1e-5
    assert checked > 1000


def test_update_is_incremental_and_keeps_history(months_copy) -> None:
    store, truth = months_copy
    con = store.con
    update_risk(con)
    again = update_risk(con)
    assert again.recomputed == 0 and again.written == 0
    quiet = con.execute(
        "SELECT mmsi FROM vessel_risk_latest WHERE association = 0 AND mmsi NOT IN "
        "(SELECT mmsi FROM events UNION SELECT other_mmsi FROM events WHERE other_mmsi IS NOT NULL) LIMIT 2"
    ).fetchall()
    a, b = (int(r[0]) for r in quiet)
    before = con.execute("SELECT score FROM vessel_risk_latest WHERE mmsi = ?", [a]).fetchall()[0][0]
    t = datetime.fromtimestamp(truth.end, UTC)
    con.execute(
        "INSERT INTO events VALUES ('new-dark', 'dark_period', ?, NULL, ?, ?, -2.0, -85.0, NULL, 1.0, '{}', ?)",
        [a, t, t + timedelta(hours=30), datetime.now(UTC) + timedelta(seconds=1)],
    )
    u = update_risk(con)
    assert u.recomputed == 1 and u.written == 1
    rows = con.execute("SELECT score FROM vessel_risk WHERE mmsi = ? ORDER BY computed_at", [a]).fetchall()
    assert rows[0][0] == before and rows[-1][0] > before + 0.2  # history kept, new score higher
    assert con.execute("SELECT count(*) FROM vessel_risk WHERE mmsi = ?", [b]).fetchall()[0][0] == 1
    # a watch list table (any table named *watch* with an mmsi column) is read
    con.execute("CREATE TABLE watch_list (mmsi INTEGER, reason VARCHAR)")
    con.execute("INSERT INTO watch_list VALUES (?, 'IATTC IUU list')", [b])
    update_risk(con)
    f = con.execute("SELECT factor, refs FROM vessel_risk_factors WHERE mmsi = ?", [b]).fetchall()
    assert ("watch_list", ["watch:watch_list"]) in f


def test_deleted_evidence_and_delisting_are_rescored(months_copy) -> None:
    """A score never keeps evidence that is gone: events deleted by detection (a re-run that no
    longer finds them, with no other event of the vessel written) and a watch list that no
    longer lists the vessel are picked up by the next incremental update."""
    store, _ = months_copy
    con = store.con
    update_risk(con)
    mmsi, score = con.execute(
        "SELECT mmsi, score FROM vessel_risk_latest WHERE mmsi IN (SELECT mmsi FROM events "
        "WHERE other_mmsi IS NULL) AND association = 0 ORDER BY score DESC LIMIT 1"
    ).fetchall()[0]
    con.execute("DELETE FROM events WHERE mmsi = ? AND other_mmsi IS NULL", [mmsi])
    u = update_risk(con)
    assert u.recomputed >= 1
    after = con.execute("SELECT score, factors FROM vessel_risk_latest WHERE mmsi = ?", [mmsi]).fetchall()[0]
    assert after[0] < score
    events = {r[0] for r in con.execute("SELECT event_id FROM events").fetchall()}
    for f in json.loads(after[1]):
        if f["factor"] in EVENT_FACTORS:
            assert set(f["refs"]) <= events, f
    assert update_risk(con).recomputed == 0  # and then nothing is left to redo

    con.execute("CREATE TABLE watch_list (mmsi INTEGER, reason VARCHAR)")
    con.execute("INSERT INTO watch_list VALUES (?, 'test')", [mmsi])
    update_risk(con)
    listed = con.execute("SELECT score FROM vessel_risk_latest WHERE mmsi = ?", [mmsi]).fetchall()[0][0]
    con.execute("DELETE FROM watch_list")
    update_risk(con)
    delisted = con.execute("SELECT score FROM vessel_risk_latest WHERE mmsi = ?", [mmsi]).fetchall()[0][0]
    assert delisted < listed and abs(delisted - after[0]) < 1e-9
    factors = [r[0] for r in con.execute("SELECT factor FROM vessel_risk_factors WHERE mmsi = ?", [mmsi]).fetchall()]
    assert "watch_list" not in factors


def test_event_factors_name_every_factor_built_from_events() -> None:
    """EVENT_FACTORS (what the deleted-evidence check reads) covers every factor vessel_base
    builds from events."""
    kinds = [*DARK_KINDS, *RENDEZVOUS_KINDS, *LOITER_KINDS, *ZONE_ENTRY_KINDS, *CONFLICT_KINDS, "other_kind"]
    mmsi = 735000001  # Ecuador: a valid MMSI, so no mmsi_anomaly factor
    events = [EventRow(f"e{i}", k, mmsi, None, 0.0, 3600.0, "Zona", 0.9) for i, k in enumerate(kinds)]
    v = vessel_base(mmsi, events, VesselFacts(), {735: "Ecuador"}, frozenset({"Zona"}), 7200.0)
    from_events = {f.name for f in v.factors}
    assert from_events <= set(EVENT_FACTORS)
    assert {"reserve_activity", "other_events", "dark_hours", "rendezvous"} <= from_events
