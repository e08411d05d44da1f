"""Recordings as written by maritime.scenario.nmea_writer, checked against their truth file and read
back independently (tests/scenario/nmea_reading.py: own checksums, pyais decoding)."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from maritime.scenario import ScenarioConfig, Truth, build_scenario, generate_lines, write_recording
from maritime.scenario.config import NoiseConfig
from maritime.scenario.geography import distance_m
from tests.scenario.conftest import SMALL
from tests.scenario.nmea_reading import Msg, Parsed, key_type

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"


def test_same_seed_same_lines_and_other_seed_differs() -> None:
    cfg = ScenarioConfig(seed=3, hours=2.0, n_vessels=40)
    a = list(generate_lines(cfg))
    b = list(generate_lines(cfg))
    assert a == b
    assert len(a) > 1000
    c = list(generate_lines(ScenarioConfig(seed=4, hours=2.0, n_vessels=40)))
    assert c != a


def test_output_does_not_depend_on_chunking() -> None:
    cfg = ScenarioConfig(seed=5, hours=3.0, n_vessels=50)
    assert list(generate_lines(cfg, chunk_s=3600.0)) == list(generate_lines(cfg, chunk_s=1234.0))


def test_gzip_file_is_byte_identical(tmp_path: Path) -> None:
    cfg = ScenarioConfig(seed=9, hours=1.0, n_vessels=30)
    write_recording(tmp_path / "a.nmea.gz", cfg)
    write_recording(tmp_path / "b.nmea.gz", cfg)
    assert (tmp_path / "a.nmea.gz").read_bytes() == (tmp_path / "b.nmea.gz").read_bytes()
    ta = json.loads((tmp_path / "a.nmea.gz.truth.json").read_text())
    tb = json.loads((tmp_path / "b.nmea.gz.truth.json").read_text())
    assert ta == tb
    # plain text when the name does not end in .gz
    write_recording(tmp_path / "c.nmea", cfg, write_truth=False)
    assert (tmp_path / "c.nmea").read_bytes() == gzip.decompress((tmp_path / "a.nmea.gz").read_bytes())
    assert not (tmp_path / "c.nmea.truth.json").exists()


def test_line_counts_match_truth(recording: tuple[Path, dict, list[str]], parsed: Parsed) -> None:
    _, t, lines = recording
    c = parsed.counts
    assert c["lines"] == t["lines_total"] == len(lines)
    assert c["valid"] == t["sentences_valid"]
    assert c["bad_checksum"] == t["bad_checksum"] > 0
    assert c["bad_tagblock"] == t["bad_tagblock_checksum"] > 0
    assert c["truncated"] == t["truncated"] > 0
    assert c["junk"] == t["junk"] > 0
    assert c["non_ais"] == t["non_ais_nmea"] > 0
    assert c["orphan"] == t["orphan_fragments"] > 0
    assert t["lines_total"] == (
        t["sentences_valid"]
        + t["bad_checksum"]
        + t["bad_tagblock_checksum"]
        + t["truncated"]
        + t["junk"]
        + t["non_ais_nmea"]
    )


def test_message_counts_match_truth(recording: tuple[Path, dict, list[str]], parsed: Parsed) -> None:
    t = recording[1]
    pos_types = {1, 2, 3, 18, 19, 27}
    positions, no_position, identity = set(), set(), set()
    by_type: Counter = Counter()
    receptions: dict[tuple[int, str], list[Msg]] = defaultdict(list)
    for m in parsed.messages:
        d = m.decoded
        k = (d["mmsi"], m.payload)
        receptions[k].append(m)
        by_type[key_type(m)] += 1
        if d["msg_type"] in pos_types:
            (no_position if d["lat"] == 91 and d["lon"] == 181 else positions).add(k)
        if d["msg_type"] in (5, 19, 24):
            identity.add(k)
    assert len(positions) == t["position_reports_unique"] > 1000
    assert len(no_position) == t["position_reports_no_position"] > 0
    assert len(identity) == t["identity_reports_unique"]
    assert dict(by_type) == t["messages_received_valid_by_type"]
    # duplicate receptions: the same (MMSI, payload) heard by another station 0-2 s later
    dups = 0
    for k, ms in receptions.items():
        if k[1][0] in "5H":  # static data repeats every 6 min with the same payload: look per time
            ms = sorted(ms, key=lambda m: m.c)
            for a, b in zip(ms, ms[1:]):
                if b.c - a.c <= 2 and b.station != a.station:
                    dups += 1
        else:
            assert len({m.station for m in ms}) == len(ms), "a station heard the same position twice"
            assert max(m.c for m in ms) - min(m.c for m in ms) <= 2
            dups += len(ms) - 1
    assert dups == t["duplicate_receptions"] > 0
    assert sum(t["other_messages"].values()) > 0
    for typ in ("4", "8", "21"):
        assert t["other_messages"][typ] == t["messages_unique_by_type"][typ] > 0


def test_per_vessel_counts_sum_up(recording: tuple[Path, dict, list[str]]) -> None:
    t = recording[1]
    assert sum(v["position_reports"] for v in t["vessels"]) == t["position_reports_unique"]


def test_required_truth_fields(recording: tuple[Path, dict, list[str]]) -> None:
    t = recording[1]
    for k in (
        "seed",
        "parameters",
        "start",
        "end",
        "lines_total",
        "sentences_valid",
        "duplicate_receptions",
        "bad_checksum",
        "bad_tagblock_checksum",
        "truncated",
        "junk",
        "non_ais_nmea",
        "orphan_fragments",
        "position_reports_unique",
        "position_reports_no_position",
        "identity_reports_unique",
        "other_messages",
        "vessels",
        "events",
        "decoys",
        "definitions",
    ):
        assert k in t, k
    v = t["vessels"][0]
    assert set(v) >= {"mmsi", "name", "callsign", "imo", "ship_type", "length", "width", "flag", "role"}
    for e in t["events"] + t["decoys"]:
        assert set(e) >= {"kind", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "zone"}


# ----------------------------------------------------------------------------------------------
# content


def test_decoded_types_talkers_and_stations(parsed: Parsed) -> None:
    types = Counter(key_type(m) for m in parsed.messages)
    for typ in ("1", "2", "3", "4", "5", "8", "18", "19", "21", "24A", "24B", "27"):
        assert types[typ] > 0, typ
    assert set(parsed.talkers) == {"AIVDM", "BSVDM", "ABVDM"}
    assert parsed.talkers["AIVDM"] > parsed.talkers["BSVDM"] + parsed.talkers["ABVDM"]
    stations = Counter(m.station for m in parsed.messages)
    assert {"rSAT-1", "rSAT-2", "rPanama-Balboa", "rEC-Manta", "rCO-Buenaventura", "rPE-Paita"} <= set(stations)


def test_lines_are_in_time_order(parsed: Parsed, recording: tuple[Path, dict, list[str]]) -> None:
    cs = parsed.c_values
    assert all(a <= b for a, b in zip(cs, cs[1:]))
    t = recording[1]
    assert t["first_c"] == cs[0] and t["last_c"] == cs[-1]
    start = SMALL.start_utc().timestamp()
    assert start <= cs[0] and cs[-1] < start + SMALL.hours * 3600 + 3


def test_not_available_values_present(parsed: Parsed, recording: tuple[Path, dict, list[str]]) -> None:
    seen: Counter = Counter()
    for m in parsed.messages:
        d = m.decoded
        if d["msg_type"] in (1, 2, 3, 18, 19):
            seen["heading"] += d["heading"] == 511
            seen["speed"] += d["speed"] == 102.3
            seen["course"] += d["course"] == 360.0
            seen["second"] += d["second"] >= 60
            seen["nopos"] += d["lat"] == 91 and d["lon"] == 181
            assert 0 <= d["second"] <= 63
    for k in ("heading", "speed", "course", "second", "nopos"):
        assert seen[k] > 0, k
    na = recording[1]["not_available"]
    assert na["no_position"] == recording[1]["position_reports_no_position"]
    assert na["heading_511"] > 0 and na["second_60"] > 0


def test_reported_positions_follow_tracks(parsed: Parsed, scenario) -> None:
    start = int(SMALL.start_utc().timestamp())
    uid_by_mmsi = defaultdict(list)
    for v in scenario.vessels:
        uid_by_mmsi[v.mmsi].append(v)
    checked = 0
    for m in parsed.messages[::7]:
        d = m.decoded
        if d["msg_type"] not in (1, 2, 3, 18, 19, 27) or d["lat"] == 91 or d["mmsi"] not in uid_by_mmsi:
            continue
        best = min(
            float(distance_m(*[x[0] for x in v.track.sample(np.array([m.c - start + 0.5]))[:2]], d["lat"], d["lon"]))
            for v in uid_by_mmsi[d["mmsi"]]
        )
        assert best < (400.0 if d["msg_type"] == 27 else 120.0), (d, best)
        if d["msg_type"] in (1, 2, 3, 18) and d["speed"] < 102.2:
            assert d["speed"] < 25
        checked += 1
    assert checked > 500


def test_quiet_noise_has_no_noise_lines() -> None:
    t = Truth()
    lines = list(generate_lines(ScenarioConfig(seed=2, hours=2.0, n_vessels=40, noise=NoiseConfig.quiet()), t))
    d = t.to_dict(build_scenario(ScenarioConfig(seed=2, hours=2.0, n_vessels=40, noise=NoiseConfig.quiet())))
    assert len(lines) == d["sentences_valid"]
    assert d["duplicate_receptions"] == d["junk"] == d["bad_checksum"] == d["orphan_fragments"] == 0


@pytest.mark.skipif(not DEMO.exists(), reason="demo sample not generated")
def test_demo_sample_matches_generator() -> None:
    truth = json.loads(Path(str(DEMO) + ".truth.json").read_text())
    p = truth["parameters"]
    cfg = ScenarioConfig(seed=truth["seed"], hours=p["hours"], n_vessels=p["n_vessels"], events=p["events"])
    assert cfg.to_dict() == p, "the demo sample was written with non-default parameters"
    t = Truth()
    lines = list(generate_lines(cfg, t))
    with gzip.open(DEMO, "rt", encoding="ascii") as f:
        assert f.read() == "\n".join(lines) + "\n", "regenerate the demo sample (see fixtures/ais/README.md)"
    assert truth["lines_total"] == len(lines)
    assert 150 <= len(truth["vessels"]) <= 300 and DEMO.stat().st_size < 5_000_000
