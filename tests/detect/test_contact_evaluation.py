"""Correlation and contact-event precision and recall on the radar/satellite scenario.

The scenario (:mod:`maritime.scenario.contacts`) goes through the real path: ``mixed.nmea``
(AIS and radar lines together), the detection CSV and the footprints GeoJSON are ingested
into DuckDB on disk with the sensors file, then ``run_detection`` correlates the contacts and
finds the events. Thresholds were set on seeds 1 and 2; these seeds are not those.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from maritime.decode.sensors import parse_sensors
from maritime.detect.runner import run_detection
from maritime.ingest.contacts import ContactOptions
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.scenario.contacts import write_scenario
from maritime.store.database import Store

#: Seeds evaluated here; thresholds were tuned on seeds 1 and 2 only.
SEEDS = (7, 11)
CONTACT_KINDS = ("dark_vessel", "dark_rendezvous", "ais_unconfirmed")


def _label(truth: dict[str, Any], unit: str | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    if unit.startswith("track:"):
        return truth["tracks"].get(unit[len("track:") :])
    if unit.startswith("detection:"):
        return truth["detections"].get(unit.rsplit(":", 1)[1])
    return None


def evaluate(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Correlation P/R over contacts, and P/R per contact event kind."""
    out: dict[str, dict[str, float]] = {}
    for name, where in (("correlation_radar", "track_id IS NOT NULL"), ("correlation_satellite", "track_id IS NULL")):
        tp = fp = fn = 0
        for track, det, m in con.execute(
            f"SELECT track_id, detect_id, match_mmsi FROM contacts WHERE {where}"
        ).fetchall():
            label = truth["tracks"].get(track) if track else truth["detections"].get(det)
            expected = None if label is None else label["mmsi"]
            if m is not None:
                tp, fp = (tp + 1, fp) if m == expected else (tp, fp + 1)
            if expected is not None and m != expected:
                fn += 1
        out[name] = _pr(tp, fp, fn)
    events = con.execute(
        "SELECT kind, mmsi, details->>'unit' FROM events WHERE kind IN ('dark_vessel', 'dark_rendezvous', "
        "'ais_unconfirmed')"
    ).fetchall()
    # dark_vessel: every radar track of a vessel (not clutter) and every satellite detection of
    # a vessel that should match no AIS, inside the zone with enough contacts
    min_contacts = 5
    counts = dict(
        con.execute("SELECT track_id, count(*) FROM contacts WHERE track_id IS NOT NULL GROUP BY 1").fetchall()
    )
    expected_dark = {
        f"track:{k}"
        for k, v in truth["tracks"].items()
        if v["mmsi"] is None and v["boat"] != "clutter" and counts.get(k, 0) >= min_contacts
    } | {
        f"detection:{k.rsplit('-', 1)[0]}:{k}"
        for k, v in truth["detections"].items()
        if v["mmsi"] is None and v["boat"] != "false_alarm"
    }
    found = {u for k, _, u in events if k == "dark_vessel"}
    out["dark_vessel"] = _pr(len(found & expected_dark), len(found - expected_dark), len(expected_dark - found))
    labels = truth["labels"]
    fisher = {v["mmsi"] for v in labels.values() if "rendezvous_ais" in v["labels"]}
    found_rv = {
        m for k, m, u in events if k == "dark_rendezvous" and (_label(truth, u) or {}).get("boat") == "dark-meeter"
    }
    all_rv = [m for k, m, _ in events if k == "dark_rendezvous"]
    out["dark_rendezvous"] = _pr(
        len(found_rv & fisher), len(all_rv) - len([m for m in all_rv if m in found_rv & fisher]), len(fisher - found_rv)
    )
    spoofed = {v["mmsi"] for v in labels.values() if "spoofed" in v["labels"]}
    unconf = {m for k, m, _ in events if k == "ais_unconfirmed"}
    out["ais_unconfirmed"] = _pr(len(unconf & spoofed), len(unconf - spoofed), len(spoofed - unconf))
    return out


def _pr(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def run_scenario(tmp: Path, seed: int) -> dict[str, dict[str, float]]:
    truth = write_scenario(tmp, seed=seed, hours=4.0)
    sensors = parse_sensors((tmp / "sensors.toml").read_text(), "sensors.toml")
    options = IngestOptions(progress=False, contacts=ContactOptions(sensors=sensors))
    store = Store(tmp / "s.duckdb")
    try:
        summary = ingest_paths(
            store, [str(tmp / n) for n in ("mixed.nmea", "detections.csv", "scenes.geojson")], options
        )
        assert summary.counts["contacts_stored"] > 1000
        assert summary.counts["rejected"] == 0
        run_detection(store.con)
        return evaluate(store.con, truth)
    finally:
        store.close()


@pytest.mark.parametrize("seed", SEEDS)
def test_correlation_and_contact_events_on_unseen_seeds(tmp_path: Path, seed: int) -> None:
    result = run_scenario(tmp_path, seed)
    print(f"\nseed {seed}: " + json.dumps(result, indent=None))
    assert result["correlation_radar"]["precision"] >= 0.98
    assert result["correlation_radar"]["recall"] >= 0.95
    assert result["correlation_satellite"]["precision"] >= 0.9
    assert result["correlation_satellite"]["recall"] >= 0.8
    # every planted non-AIS vessel is flagged; satellite false alarms may be too
    assert result["dark_vessel"]["recall"] >= 0.8
    assert result["dark_vessel"]["precision"] >= 0.5
    assert result["dark_rendezvous"]["recall"] == 1.0
    assert result["dark_rendezvous"]["precision"] == 1.0
    assert result["ais_unconfirmed"]["recall"] == 1.0
    assert result["ais_unconfirmed"]["precision"] >= 0.5
