"""The risk score (pure): factor arithmetic, kinds read generically, association decay."""

from __future__ import annotations

import math

from maritime.analytics.flags import is_flag_of_convenience, mmsi_anomaly
from maritime.analytics.risk import FACTORS, EventRow, VesselFacts, combine, compute_risk

MIDS = {735: "Ecuador", 351: "Panama (Republic of)"}


def ev(i: int, kind: str, m: int, other: int | None = None, hours: float = 1.0, zone: str | None = None) -> EventRow:
    return EventRow(f"e{i}", kind, m, other, 1000.0 * i, 1000.0 * i + hours * 3600, zone, 1.0)


def test_a_dark_day_gives_63_percent_of_its_weight() -> None:
    r = compute_risk([ev(1, "dark_period", 735000001, hours=24)], {}, MIDS, frozenset(), 1e9)[735000001]
    (f,) = r.factors
    assert f.name == "dark_hours" and f.refs == ["e1"]
    assert math.isclose(f.contribution, FACTORS["dark_hours"].weight * (1 - math.exp(-1)), rel_tol=1e-9)
    assert math.isclose(r.score, f.contribution)


def test_factors_combine_by_noisy_or_and_never_exceed_one() -> None:
    events = [ev(i, "rendezvous", 735000001, 735000002) for i in range(50)]
    events += [ev(100 + i, "dark_period", 735000001, hours=100) for i in range(5)]
    facts = {735000001: VesselFacts(("identity_history:name:x",) * 9, "Panama (Republic of)", ("watch:iuu",))}
    r = compute_risk(events, facts, MIDS, frozenset(), 1e9)[735000001]
    assert 0.85 < r.score < 1.0
    assert math.isclose(r.score, combine((r.base, r.association)))
    assert math.isclose(r.base, combine(f.contribution for f in r.factors if f.name != "association"))
    assert {f.name for f in r.factors} >= {"rendezvous", "dark_hours", "identity_changes", "watch_list"}


def test_reserve_loitering_weighs_more_than_loitering_elsewhere() -> None:
    reserve = frozenset({"Galápagos Marine Reserve"})
    a = compute_risk([ev(1, "fishing", 735000001, zone="Galápagos Marine Reserve")], {}, MIDS, reserve, 1e9)
    b = compute_risk([ev(1, "fishing", 735000001, zone="Gulf of Panama")], {}, MIDS, reserve, 1e9)
    assert a[735000001].factors[0].name == "reserve_activity"
    assert a[735000001].score > 3 * b[735000001].score > 0


def test_unknown_kinds_count_as_other_events() -> None:
    r = compute_risk([ev(1, "some_new_kind", 735000001)], {}, MIDS, frozenset(), 1e9)[735000001]
    assert [f.name for f in r.factors] == ["other_events"]


def test_association_decays_over_hops() -> None:
    # 1 is watch-listed and meets 2; 2 meets 3; 3 meets 4: partner risk fades with each hop
    chain = [ev(1, "rendezvous", 735000001, 735000002), ev(2, "rendezvous", 735000002, 735000003)]
    chain += [ev(3, "rendezvous", 735000003, 735000004)]
    facts = {735000001: VesselFacts(watch_refs=("watch:list",))}
    r = compute_risk(chain, facts, MIDS, frozenset(), 1e9)
    a = [r[m].association for m in (735000002, 735000003, 735000004)]
    assert a[0] > a[1] > a[2] > 0
    assert all(x <= FACTORS["association"].weight for x in a)
    f = next(f for f in r[735000002].factors if f.name == "association")
    assert f.refs[0] == "partner:735000001" and "e1" in f.refs


def test_flags_of_convenience_and_mmsi_anomalies() -> None:
    assert is_flag_of_convenience("Panama (Republic of)") and is_flag_of_convenience("Liberia (Republic of)")
    assert not is_flag_of_convenience("Ecuador") and not is_flag_of_convenience(None)
    assert mmsi_anomaly(123456789, MIDS) == "placeholder"
    assert mmsi_anomaly(799123456, MIDS) == "unallocated_mid"
    assert mmsi_anomaly(1234, MIDS) == "no_mid"
    assert mmsi_anomaly(735000001, MIDS) is None
