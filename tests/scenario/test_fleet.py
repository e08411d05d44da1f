"""Made-up identities (maritime.scenario.fleet): MMSI MIDs match flags, IMO check digits, ship types by role,
and the identity messages carry them."""

from __future__ import annotations

from collections import Counter, defaultdict

from tests.scenario.nmea_reading import Parsed

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
