"""Tests of the seeded Eastern Pacific AIS scenario generator (maritime.scenario).

The recording is checked with an independent parser (tag-block and sentence checksums computed
here) and pyais' decoder, against the counts the generator wrote to the truth file.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pyais import decode

from maritime.reference.ports import load_ports
from maritime.reference.zones import load_zones, zone_of
from maritime.scenario import ScenarioConfig, Truth, build_scenario, generate_lines, write_recording
from maritime.scenario.__main__ import main as cli_main
from maritime.scenario.config import NoiseConfig
from maritime.scenario.geography import distance_m
from maritime.scenario.payloads import pack_sixbit, text_codes

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"

# MID → flag for the flags the generator uses (ITU MID table)
MID_FLAG = {
    **{m: "PA" for m in (351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373)},
    636: "LR",
    538: "MH",
    563: "SG",
    564: "SG",
    565: "SG",
    566: "SG",
    477: "HK",
    248: "MT",
    249: "MT",
    308: "BS",
    309: "BS",
    311: "BS",
    237: "GR",
    239: "GR",
    240: "GR",
    241: "GR",
    412: "CN",
    413: "CN",
    414: "CN",
    416: "TW",
    576: "VU",
    577: "VU",
    735: "EC",
    730: "CO",
    760: "PE",
    725: "CL",
    321: "CR",
    345: "MX",
    366: "US",
    367: "US",
    368: "US",
    227: "FR",
    228: "FR",
}


def xor(text: str) -> int:
    x = 0
    for ch in text.encode("ascii"):
        x ^= ch
    return x


@dataclass
class Msg:
    """One complete, valid AIS message as read back from the file."""

    station: str
    c: int
    payload: str
    lines: tuple[str, ...]
    decoded: dict


@dataclass
class Parsed:
    counts: Counter
    messages: list[Msg]
    talkers: Counter
    c_values: list[int]


def parse(lines: list[str]) -> Parsed:
    """Classify every line like an ingest would, independently of the generator's code."""
    counts: Counter = Counter()
    msgs: list[Msg] = []
    talkers: Counter = Counter()
    cs: list[int] = []
    pending: tuple[dict, str, str] | None = None
    counts["lines"] = len(lines)
    for ln in lines:
        if pending is not None and not ln.startswith("\\g:2-2-"):
            counts["orphan"] += 1
            pending = None
        if not ln.startswith("\\"):
            counts["junk"] += 1
            continue
        end = ln.index("\\", 1)
        tb, sent = ln[1:end], ln[end + 1 :]
        body, hh = tb.rsplit("*", 1)
        if int(hh, 16) != xor(body):
            counts["bad_tagblock"] += 1
            continue
        fields = dict(f.split(":", 1) for f in body.split(","))
        if "c" in fields:
            cs.append(int(fields["c"]))
        if sent.startswith("$"):
            b, h = sent[1:].rsplit("*", 1)
            assert int(h, 16) == xor(b)
            assert b[:5] in ("GPRMC", "GPGGA")
            counts["non_ais"] += 1
            continue
        assert sent.startswith("!")
        if "*" not in sent:
            counts["truncated"] += 1
            continue
        b, h = sent[1:].rsplit("*", 1)
        if int(h, 16) != xor(b):
            counts["bad_checksum"] += 1
            continue
        counts["valid"] += 1
        parts = b.split(",")
        talkers[parts[0]] += 1
        if parts[1] == "2":
            if parts[2] == "1":
                assert fields["g"].startswith("1-2-")
                pending = (fields, sent, parts[5])
                continue
            assert pending is not None, "part 2 without part 1"
            f1, s1, p1 = pending
            pending = None
            assert fields["g"].split("-")[2] == f1["g"].split("-")[2]
            msgs.append(Msg(f1["s"], int(f1["c"]), p1 + parts[5], (s1, sent), decode(s1, sent).asdict()))
        else:
            msgs.append(Msg(fields["s"], int(fields["c"]), parts[5], (sent,), decode(sent).asdict()))
    if pending is not None:
        counts["orphan"] += 1
    return Parsed(counts, msgs, talkers, cs)


def key_type(m: Msg) -> str:
    t = m.decoded["msg_type"]
    if t == 24:
        return "24A" if m.decoded["partno"] == 0 else "24B"
    return str(t)


# ----------------------------------------------------------------------------------------------
# fixtures

SMALL = ScenarioConfig(seed=11, hours=12.0, n_vessels=90)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[str]]:
    out = tmp_path_factory.mktemp("scenario") / "small.nmea.gz"
    truth = write_recording(out, SMALL)
    with gzip.open(out, "rt", encoding="ascii") as f:
        text = f.read()
    assert text.endswith("\n")
    return out, truth, text.split("\n")[:-1]


@pytest.fixture(scope="module")
def parsed(recording: tuple[Path, dict, list[str]]) -> Parsed:
    return parse(recording[2])


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(SMALL)


# ----------------------------------------------------------------------------------------------
# determinism and files


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


def test_cli_writes_recording_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.nmea.gz"
    assert cli_main(["--seed", "2", "--hours", "1", "--vessels", "25", "--no-events", "--out", str(out)]) == 0
    truth = json.loads(Path(str(out) + ".truth.json").read_text())
    assert truth["seed"] == 2 and truth["parameters"]["hours"] == 1.0 and truth["events"] == []
    assert truth["start"] == "2025-01-15T00:00:00Z" and truth["end"] == "2025-01-15T01:00:00Z"
    with gzip.open(out, "rt") as f:
        assert sum(1 for _ in f) == truth["lines_total"]
    assert "wrote" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------------
# truth counts against the file


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


def test_identity_messages_match_vessels(parsed: Parsed, scenario) -> None:
    by_mmsi = defaultdict(list)
    for v in scenario.vessels:
        by_mmsi[v.mmsi].append(v)
    n5 = n24 = 0
    for m in parsed.messages:
        d = m.decoded
        if d["msg_type"] == 5:
            (v,) = by_mmsi[d["mmsi"]]
            assert d["shipname"] == v.name and d["callsign"] == v.callsign and d["imo"] == v.imo
            assert d["ship_type"] == v.ship_type and d["to_bow"] + d["to_stern"] == v.length
            assert d["to_port"] + d["to_starboard"] == v.width
            assert abs(d["draught"] - v.draught) < 0.05
            n5 += 1
        elif d["msg_type"] == 24:
            names = {v.name for v in by_mmsi[d["mmsi"]]}
            if d["partno"] == 0:
                assert d["shipname"] in names
            else:
                assert d["callsign"] in {v.callsign for v in by_mmsi[d["mmsi"]]}
            n24 += 1
    assert n5 > 100 and n24 > 100


def test_mmsi_mid_matches_flag_and_ship_types(scenario) -> None:
    roles = Counter(v.role for v in scenario.vessels)
    assert {"merchant", "fishing", "passenger", "tug", "pleasure", "law_enforcement"} <= set(roles)
    for v in scenario.vessels:
        assert 100_000_000 <= v.mmsi <= 999_999_999
        assert MID_FLAG[v.mmsi // 1_000_000] == v.flag or "shared-MMSI" in v.note, (v.mmsi, v.flag)
        if v.imo:
            d = [int(x) for x in str(v.imo)]
            assert len(d) == 7 and sum(a * w for a, w in zip(d, (7, 6, 5, 4, 3, 2))) % 10 == d[6]
        if v.role == "merchant":
            assert 70 <= v.ship_type <= 89
        if v.role == "fishing":
            assert v.ship_type == 30
    cn = [v for v in scenario.vessels if v.flag == "CN"]
    assert cn and all(v.mmsi // 1_000_000 in (412, 413, 414) for v in cn)
    assert any(v.ais_class == "B" for v in scenario.vessels)


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


# ----------------------------------------------------------------------------------------------
# events and decoys


def test_events_are_present_in_zones_with_durations(recording: tuple[Path, dict, list[str]]) -> None:
    t = recording[1]
    kinds = Counter(e["kind"] for e in t["events"])
    assert kinds == {"loitering": 3, "dark": 3, "rendezvous": 3}
    limits = {"loitering": (2, 8), "dark": (3, 12), "rendezvous": (2, 6)}
    zones = load_zones()
    for e in t["events"]:
        assert e["zone"] is not None and e["zone"] == zone_of(e["lat"], e["lon"], zones)
        lo, hi = limits[e["kind"]]
        assert lo <= e["duration_h"] <= hi
        assert (e["other_mmsi"] is not None) == (e["kind"] == "rendezvous")
    assert {d["kind"] for d in t["decoys"]} == {
        "passing",
        "port_side_by_side",
        "active_fishing",
        "receiver_outage",
        "shared_mmsi",
    }


def _samples(sc, step: float = 300.0):
    ts = np.arange(0.0, sc.duration_s, step)
    s = [v.track.sample(ts) for v in sc.vessels]
    return ts, np.array([x[0] for x in s]), np.array([x[1] for x in s]), np.array([x[2] for x in s])


def test_event_geometry_and_no_undeclared_slow_vessels(scenario) -> None:
    sc = scenario
    ports = load_ports()
    ts, lat, lon, sog = _samples(sc)
    dport = distance_m(
        lat[:, :, None], lon[:, :, None], ports.lat.values[None, None, :], ports.lon.values[None, None, :]
    ).min(axis=2)
    idx = {v.mmsi: v.uid for v in sc.vessels if "shared" not in v.note}
    for e in sc.events:
        i = idx[e.mmsi]
        m = (ts > e.start + 60) & (ts < e.end - 60)
        assert m.sum() >= 20
        if e.kind == "loitering":
            assert sog[i, m].max() < 2.0
            assert distance_m(lat[i, m], lon[i, m], e.lat, e.lon).max() < 1500
            assert dport[i, m].min() > 10_000
        if e.kind == "rendezvous":
            k = idx[e.other_mmsi]
            assert max(sog[i, m].max(), sog[k, m].max()) < 2.0
            assert distance_m(lat[i, m], lon[i, m], lat[k, m], lon[k, m]).max() < 500
            assert min(dport[i, m].min(), dport[k, m].min()) > 10_000
            assert e.end - e.start >= 2 * 3600
    actors = {e.mmsi for e in sc.events if e.kind != "dark"} | {e.other_mmsi for e in sc.events}
    slow = (sog < 2.0) & (dport > 10_000)
    for v in sc.vessels:
        run = best = 0
        for x in slow[v.uid]:
            run = run + 1 if x else 0
            best = max(best, run)
        if v.mmsi not in actors:
            assert best * 300 < 2 * 3600, (v.uid, v.role, v.note)
    # decoys: the passing ships are fast at their closest point, the pair trawlers fish at 3-5 kn
    for d in sc.decoys:
        if d.kind == "passing":
            i, k = idx[d.mmsi], idx[d.other_mmsi]
            tt = np.array([(d.start + d.end) / 2])
            a, b = sc.vessels[i].track.sample(tt), sc.vessels[k].track.sample(tt)
            assert a[2][0] > 8 and b[2][0] > 8
            assert float(distance_m(a[0][0], a[1][0], b[0][0], b[1][0])) < 500
        if d.kind == "active_fishing":
            i, k = idx[d.mmsi], idx[d.other_mmsi]
            sel = sog[i] > 0
            assert 3.0 <= np.median(sog[i, sel]) <= 5.0
            assert distance_m(lat[i], lon[i], lat[k], lon[k]).max() < 500


def test_dark_vessels_are_silent_while_neighbours_report(parsed: Parsed, scenario) -> None:
    start = int(SMALL.start_utc().timestamp())
    for e in scenario.events:
        if e.kind != "dark":
            continue
        t0, t1 = start + e.start, start + e.end
        own = [m.c for m in parsed.messages if m.decoded["mmsi"] == e.mmsi]
        assert own and not [c for c in own if t0 <= c < t1]
        assert min(own) < t0 and max(own) >= t1
        neighbours = set()
        for m in parsed.messages:
            d = m.decoded
            if t0 <= m.c < t1 and d["mmsi"] != e.mmsi and d["msg_type"] in (1, 2, 3, 18):
                if float(distance_m(d["lat"], d["lon"], e.lat, e.lon)) < 100_000:
                    neighbours.add(d["mmsi"])
        assert len(neighbours) >= 2, (e.zone, neighbours)


def test_receiver_outage_silences_its_area(parsed: Parsed, scenario) -> None:
    start = int(SMALL.start_utc().timestamp())
    (o,) = scenario.outages
    name = scenario.stations[o.station].name
    t0, t1 = start + o.start, start + o.end
    assert not [m for m in parsed.messages if m.station == name and t0 <= m.c < t1]
    for m in parsed.messages:
        d = m.decoded
        if t0 <= m.c < t1 and d["msg_type"] in (1, 2, 3, 18, 19) and d["lat"] != 91:
            assert float(distance_m(d["lat"], d["lon"], o.lat, o.lon)) > o.radius_m - 2000


def test_shared_mmsi_transmitters_are_far_apart(scenario) -> None:
    (d,) = [d for d in scenario.decoys if d.kind == "shared_mmsi"]
    pair = [v for v in scenario.vessels if v.mmsi == d.mmsi]
    assert len(pair) == 2 and pair[0].name != pair[1].name
    assert float(distance_m(d.lat, d.lon, d.extra["lat2"], d.extra["lon2"])) > 200_000


def test_events_can_be_disabled() -> None:
    sc = build_scenario(ScenarioConfig(seed=1, hours=2.0, n_vessels=30, events=False))
    assert sc.events == [] and sc.decoys == [] and sc.outages == [] and len(sc.vessels) == 30


def test_quiet_noise_has_no_noise_lines() -> None:
    t = Truth()
    lines = list(generate_lines(ScenarioConfig(seed=2, hours=2.0, n_vessels=40, noise=NoiseConfig.quiet()), t))
    d = t.to_dict(build_scenario(ScenarioConfig(seed=2, hours=2.0, n_vessels=40, noise=NoiseConfig.quiet())))
    assert len(lines) == d["sentences_valid"]
    assert d["duplicate_receptions"] == d["junk"] == d["bad_checksum"] == d["orphan_fragments"] == 0


# ----------------------------------------------------------------------------------------------
# encoder


def test_sixbit_packer_matches_pyais() -> None:
    rng = np.random.default_rng(0)
    n = 200
    mmsi = rng.integers(200_000_000, 800_000_000, n)
    lat = rng.uniform(-89, 89, n)
    lon = rng.uniform(-179, 179, n)
    lat_i, lon_i = np.round(lat * 600000).astype(np.int64), np.round(lon * 600000).astype(np.int64)
    sog = rng.integers(0, 1023, n)
    cog = rng.integers(0, 3600, n)
    hdg = rng.integers(0, 360, n)
    sec = rng.integers(0, 60, n)
    rot = rng.integers(-127, 128, n)
    chars, fill = pack_sixbit(
        [
            (1, 6),
            (0, 2),
            (mmsi, 30),
            (5, 4),
            (rot, 8),
            (sog, 10),
            (1, 1),
            (lon_i, 28),
            (lat_i, 27),
            (cog, 12),
            (hdg, 9),
            (sec, 6),
            (0, 2),
            (0, 3),
            (0, 1),
            (12345, 19),
        ],
        n,
    )
    assert fill == 0 and chars.shape == (n, 28)
    for r in range(n):
        p = bytes(chars[r]).decode()
        body = f"AIVDM,1,1,,A,{p},0"
        d = decode(f"!{body}*{xor(body):02X}").asdict()
        assert d["mmsi"] == mmsi[r] and d["status"] == 5 and d["heading"] == hdg[r] and d["second"] == sec[r]
        assert abs(d["lat"] - lat_i[r] / 600000) < 1e-6 and abs(d["lon"] - lon_i[r] / 600000) < 1e-6
        assert abs(d["speed"] - sog[r] / 10) < 1e-6 and abs(d["course"] - cog[r] / 10) < 1e-6
        assert d["radio"] == 12345
    name = np.array([text_codes("SAN PEDRO II", 20)])
    chars, fill = pack_sixbit([(24, 6), (0, 2), (735123456, 30), (0, 2), (name, 6), (0, 8)], 1)
    body = f"AIVDM,1,1,,B,{bytes(chars[0]).decode()},{fill}"
    d = decode(f"!{body}*{xor(body):02X}").asdict()
    assert d["shipname"] == "SAN PEDRO II" and d["mmsi"] == 735123456


# ----------------------------------------------------------------------------------------------
# reference data


def test_ports_table() -> None:
    p = load_ports()
    assert len(p) >= 60
    assert list(p.columns[:5]) == ["name", "country", "lat", "lon", "kind"]
    assert set(p["kind"]) == {"port", "anchorage"}
    names = set(p["name"])
    for n in (
        "Balboa",
        "Buenaventura",
        "Manta",
        "Guayaquil",
        "Callao",
        "Valparaíso",
        "Puerto Ayora",
        "Puerto Baquerizo Moreno",
        "Manzanillo",
        "Puerto Montt",
        "Panama Canal Pacific anchorage",
    ):
        assert n in names, n
    assert p["lat"].between(-45, 33).all() and p["lon"].between(-118, -69).all()
    assert set(p["country"]) >= {"MX", "GT", "SV", "NI", "CR", "PA", "CO", "EC", "PE", "CL"}


def test_bundled_zones() -> None:
    zones = load_zones()
    names = [n for n, _ in zones]
    for n in (
        "Galápagos Marine Reserve",
        "Cocos Island marine area",
        "Malpelo",
        "Gorgona",
        "Gulf of Panama",
        "Colombia–Ecuador border waters",
        "Northern Peru (Paita–Talara offshore)",
        "High-seas corridor Galápagos–mainland",
    ):
        assert n in names, n
    assert zone_of(-0.75, -90.5, zones) == "Galápagos Marine Reserve"  # between Santa Cruz and Isabela
    assert zone_of(-0.4, -86.0, zones) is None or zone_of(-0.4, -86.0, zones).startswith("High-seas")
    assert zone_of(-12.05, -77.2, zones) is None  # Callao


@pytest.mark.parametrize(
    "feature, message",
    [
        (
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
            "has no 'name'",
        ),
        (
            {"type": "Feature", "properties": {"name": "pt"}, "geometry": {"type": "Point", "coordinates": [0, 0]}},
            "not a Polygon",
        ),
    ],
)
def test_zone_loader_errors(tmp_path: Path, feature: dict, message: str) -> None:
    f = tmp_path / "z.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(ValueError, match=message) as exc:
        load_zones(f)
    assert "\n" not in str(exc.value)


def test_tracks_stay_at_sea(scenario) -> None:
    """Needs the optional ``global-land-mask`` package (a 1 km land mask): a generous check that
    tracks do not run over land away from harbours, whose channels the mask does not resolve
    (nor the ~1 km wide Estero Salado up to Guayaquil, excluded here)."""
    globe = pytest.importorskip("global_land_mask.globe")
    ports = load_ports()
    ts = np.arange(0.0, scenario.duration_s, 240.0)
    for v in scenario.vessels:
        la, lo, *_ = v.track.sample(ts)
        far = distance_m(la[:, None], lo[:, None], ports.lat.values[None, :], ports.lon.values[None, :]).min(1) > 5000
        estero = (la > -2.75) & (la < -2.25) & (lo > -80.15) & (lo < -79.85)
        land = globe.is_land(la, lo) & far & ~estero
        assert land.mean() < 0.03, (v.uid, v.role, la[land][:3], lo[land][:3])


# ----------------------------------------------------------------------------------------------
# the committed demo sample


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
