"""The DuckDB adapter: rules stored with versions, watch-list hits over an ingested scenario
(a listed hull that changes MMSI), changed events raising alerts once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from maritime.alerts.outbox import Outbox
from maritime.alerts.rules import parse_rules
from maritime.alerts.service import AlertRaiser, load_watchlists, store_rules
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.watchlisted import Labelled, watchlist_csv, watchlisted_recording
from maritime.store.database import Store
from tests.alerts.conftest import FakeClock

RULES = parse_rules('[[rule]]\nid = "fishing-anywhere"\nkinds = ["fishing"]\nseverity = "medium"\n', "r.toml")


@pytest.fixture
def scenario(tmp_path: Path) -> tuple[Store, Labelled, Path]:
    rec = watchlisted_recording()
    nmea = tmp_path / "rec.nmea"
    nmea.write_text("\n".join(rec.lines) + "\n")
    wl = tmp_path / "iuu.csv"
    wl.write_text(watchlist_csv(rec))
    store = Store(str(tmp_path / "db.duckdb"))
    ingest_paths(store, [str(nmea)], IngestOptions(progress=False))
    return store, rec, wl


def test_rule_versions_follow_the_hash(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    assert store_rules(con, RULES, 0.0) == {"fishing-anywhere": 1}
    assert store_rules(con, RULES, 1.0) == {"fishing-anywhere": 1}
    changed = parse_rules('[[rule]]\nid = "fishing-anywhere"\nkinds = ["fishing"]\nseverity = "high"\n')
    assert store_rules(con, changed, 2.0) == {"fishing-anywhere": 2}
    assert con.execute("SELECT count(*) FROM alert_rules").fetchone() == (2,)


def test_watch_listed_hull_is_found_under_its_new_mmsi(scenario: tuple[Store, Labelled, Path]) -> None:
    store, rec, wl = scenario
    clock = FakeClock()
    outbox = Outbox(store.cursor(), ["ops"])
    raiser = AlertRaiser(store.cursor(), RULES, load_watchlists([wl]), outbox, clock)
    result = raiser.run_once()
    rows = store.con.execute(
        "SELECT rule_id, rule_version, severity, payload FROM alert_outbox ORDER BY created_at"
    ).fetchall()
    hit_mmsis = {json.loads(r[3])["mmsi"] for r in rows}
    assert hit_mmsis == rec.expected_hits  # every listed MMSI and the new one; no honest vessel
    assert {(r[0], r[1], r[2]) for r in rows} == {("watchlist", 1, "high")}
    renamed = next(json.loads(r[3]) for r in rows if json.loads(r[3])["mmsi"] == rec.renamed.mmsi)
    assert renamed["watchlist"][0]["matched_on"] == ["imo"] and renamed["imo"] == rec.renamed.imo
    assert result.count("new") == len(rec.expected_hits)
    assert raiser.run_once().count("new") == 0  # the same hits again: nothing new
    assert outbox.counts("ops") == {"pending": len(rec.expected_hits)}


def test_changed_events_raise_once_and_acknowledged_ones_not(scenario: tuple[Store, Labelled, Path]) -> None:
    store, rec, _ = scenario
    cur = store.cursor()
    stamp = datetime(2030, 1, 1, tzinfo=UTC)
    for i, m in enumerate((rec.background[0].mmsi, rec.background[1].mmsi)):
        cur.execute(
            "INSERT INTO events (event_id, kind, mmsi, start_time, lat, lon, confidence, updated_at) "
            "VALUES (?, 'fishing', ?, ?, -1, -90, 0.8, ?)",
            [f"ev-{i}", m, rec.start, stamp],
        )
    cur.execute(
        "INSERT INTO alert_actions (event_id, action, actor, acted_at) VALUES ('ev-1', 'acknowledge', 'test', ?)",
        [stamp],
    )
    outbox = Outbox(store.cursor(), ["ops"])
    raiser = AlertRaiser(store.cursor(), RULES, [], outbox, FakeClock())
    first = raiser.run_once()
    assert (first.events, first.count("new"), first.count("closed")) == (2, 1, 1)
    assert raiser.run_once().events == 2  # read again (same stamp) but nothing new is queued
    assert outbox.counts("ops") == {"pending": 1}


def test_an_extended_event_realerts_only_when_its_severity_rises(scenario: tuple[Store, Labelled, Path]) -> None:
    store, rec, _ = scenario
    rules = parse_rules(
        '[[rule]]\nid = "loiter"\nkinds = ["loitering"]\nseverity = "low"\n'
        'escalate = [{min_hours = 6, severity = "high"}]\n'
    )
    cur = store.cursor()
    mmsi = rec.background[0].mmsi
    insert = "INSERT OR REPLACE INTO events (event_id, kind, mmsi, start_time, end_time, confidence, updated_at) "
    insert += "VALUES ('lo-1', 'loitering', ?, ?, ?, 0.8, ?)"
    hours = [None, 2.0, 7.0, 8.0]  # open, extended (still low), long enough (high), extended again (high)
    outbox = Outbox(store.cursor(), ["ops"])
    raiser = AlertRaiser(store.cursor(), rules, [], outbox, FakeClock())
    outcomes = []
    for i, h in enumerate(hours):
        end = None if h is None else rec.start + timedelta(hours=h)
        cur.execute(insert, [mmsi, rec.start, end, datetime(2030, 1, 1, i, tzinfo=UTC)])
        outcomes.append([e.outcome for e in raiser.run_once().enqueued])
    assert outcomes == [["new"], [], ["raised"], []]
    assert store.con.execute("SELECT severity, revision FROM alert_outbox").fetchall() == [("high", 2)]
