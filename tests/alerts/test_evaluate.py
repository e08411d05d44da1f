"""Evaluation: events x rules x vessels x watch lists -> alerts (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

from maritime.alerts.evaluate import EventRow, evaluate, watchlist_events
from maritime.alerts.model import alert_id_for
from maritime.alerts.rules import parse_rules
from maritime.alerts.watchlist import Entry, VesselIdentity, WatchList

T = datetime(2024, 3, 1, 12, tzinfo=UTC)
RULES = parse_rules(
    """
[[rule]]
id = "reserve-fishing"
kinds = ["fishing"]
zones = ["Galapagos"]
severity = "high"
ship_types = ["30-30"]

[[rule]]
id = "foreign-slow"
kinds = ["speed_range"]
zones = ["*"]
severity = "medium"
exclude_mids = [735]
length_min_m = 15
min_confidence = 0.6

[[rule]]
id = "listed-anything"
kinds = ["*"]
severity = "critical"
watchlists = ["iuu"]
classes = ["A"]
"""
)
VESSELS = {
    1: VesselIdentity(412000001, ship_type=30, mid=412, length_m=40, vessel_class="A", imos=frozenset({8814275})),
    2: VesselIdentity(735000002, ship_type=30, mid=735, length_m=40, vessel_class="A"),
    3: VesselIdentity(412000003, ship_type=70, mid=412, length_m=10, vessel_class="B"),
}
VESSELS = {v.mmsi: v for v in VESSELS.values()}
IUU = [WatchList("iuu", (Entry(imo=8814275, reason="IUU listed by IATTC"),))]


def ev(i: str, kind: str, mmsi: int, zone: str | None = "Galapagos", conf: float = 0.9) -> EventRow:
    return EventRow(i, kind, mmsi, T, lat=-0.5, lon=-90.0, zone=zone, confidence=conf)


def rules_of(events: list[EventRow]) -> list[tuple[str, str]]:
    return sorted((a.event_id, a.rule_id) for a in evaluate(events, VESSELS, RULES, IUU, {"reserve-fishing": 3}))


def test_kind_zone_and_ship_type() -> None:
    assert rules_of([ev("e1", "fishing", 735000002)]) == [("e1", "reserve-fishing")]
    assert rules_of([ev("e2", "fishing", 735000002, zone="Elsewhere")]) == []
    assert rules_of([ev("e3", "fishing", 412000003)]) == []  # a cargo ship


def test_foreign_length_confidence_and_any_zone() -> None:
    assert rules_of([ev("s1", "speed_range", 735000002)]) == []  # domestic
    assert rules_of([ev("s2", "speed_range", 412000003)]) == []  # too short
    assert ("s3", "foreign-slow") in rules_of([ev("s3", "speed_range", 412000001)])
    assert ("s4", "foreign-slow") not in rules_of([ev("s4", "speed_range", 412000001, conf=0.5)])
    assert ("s5", "foreign-slow") not in rules_of([ev("s5", "speed_range", 412000001, zone=None)])


def test_watch_list_selector_and_unknown_vessel() -> None:
    got = rules_of([ev("z1", "zone_entry", 412000001), ev("z2", "zone_entry", 999000000)])
    assert got == [("z1", "listed-anything")]


def test_alert_carries_rule_version_ids_and_payload() -> None:
    [a] = evaluate([ev("e1", "fishing", 412000001, zone="Galapagos")], VESSELS, RULES, [], {"reserve-fishing": 3})
    assert a.alert_id == alert_id_for("e1", "reserve-fishing") and a.rule_version == 3
    assert a.payload["rule_version"] == 3 and a.payload["zone"] == "Galapagos" and a.created_at == T
    assert len(a.payload["rule_hash"]) == 16


def test_watchlist_hits_are_events_one_per_entry_and_mmsi() -> None:
    seen = VesselIdentity(412000001, imos=frozenset({8814275}), first_seen=T, last_lat=1.0, last_lon=2.0)
    [hit] = watchlist_events([seen], IUU)
    assert hit.kind == "watchlist_hit" and hit.start_time == T and hit.details["matched_on"] == ["imo"]
    again = watchlist_events([seen], IUU)
    assert again[0].event_id == hit.event_id
    renamed = VesselIdentity(667000222, imos=frozenset({8814275}), first_seen=T)
    assert watchlist_events([renamed], IUU)[0].event_id != hit.event_id
    rs = parse_rules('[[rule]]\nid = "x"\nkinds = ["fishing"]\nseverity = "low"\n').with_watchlist_default()
    [a] = evaluate([hit], {seen.mmsi: seen}, rs, IUU)
    assert (a.rule_id, a.severity) == ("watchlist", "high") and a.payload["watchlist"][0][
        "reason"
    ] == "IUU listed by IATTC"


def test_escalation_raises_the_severity_of_a_longer_or_surer_event() -> None:
    rs = parse_rules(
        '[[rule]]\nid = "loiter"\nkinds = ["loitering"]\nseverity = "low"\n'
        'escalate = [{min_hours = 6, severity = "high"}, {min_confidence = 0.95, severity = "medium"}]\n'
    )
    open_event = EventRow("l1", "loitering", 412000001, T, confidence=0.9)
    [a] = evaluate([open_event], VESSELS, rs)
    assert a.severity == "low"  # open: no duration yet
    closed = EventRow("l1", "loitering", 412000001, T, end_time=T.replace(hour=19), confidence=0.99)
    [b] = evaluate([closed], VESSELS, rs)
    assert (b.severity, b.alert_id) == ("high", a.alert_id)  # same alert, higher: the outbox re-sends it
