"""Watch lists: the maritime and Combined IUU layouts, matching across identity changes."""

from __future__ import annotations

import pytest

from maritime.alerts.watchlist import (
    Entry,
    VesselIdentity,
    WatchList,
    WatchlistError,
    entry_matches,
    imo_valid,
    link_imos,
    matches,
    parse_watchlist,
)

# The header of the Combined IUU Vessel List spreadsheet as this module reads it (rows invented)
IUU = """\
Current Name,Previous Names,IMO Number,IRCS,MMSI,Current Flag,Listed By,Status
STS-50 EXAMPLE,ANDREY EXAMPLE,8814275,,,Togo,CCAMLR; SEAFO,Currently listed
OLD HULL,,9074729,,,Unknown,IATTC,Delisted
NO IMO VESSEL,,,ABCD1,412999000,Unknown,IOTC,Currently listed
"""


def test_iuu_layout_reads_identifiers_and_skips_delisted() -> None:
    wl = parse_watchlist(IUU, "iuu", "iuu.csv")
    assert wl.layout == "iuu" and wl.skipped_delisted == 1
    a, b = wl.entries
    assert (a.imo, a.name, a.reason) == (8814275, "STS-50 EXAMPLE", "IUU listed by CCAMLR; SEAFO")
    assert a.source.startswith("Combined IUU Vessel List")
    assert (b.mmsi, b.callsign, b.line) == (412999000, "ABCD1", 4)


def test_maritime_layout_with_comments_and_semicolons() -> None:
    wl = parse_watchlist("# ours\nMMSI;Name;Reason;Source\n224000001;  el  bravo ;smuggling;DIAN 2024\n", "own")
    assert wl.layout == "maritime"
    assert wl.entries[0] == Entry(mmsi=224000001, name="EL BRAVO", reason="smuggling", source="DIAN 2024", line=3)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mmsi,reason\n12345,x\n", "w.csv:2: MMSI 12345 is not nine digits"),
        ("imo,reason\n8814276,x\n", "w.csv:2: IMO 8814276 fails the IMO check digit"),
        ("mmsi,reason\nabc,x\n", "w.csv:2: MMSI 'abc' is not a number"),
        ("mmsi,name,reason\n,,x\n", "w.csv:2: the row has no MMSI"),
        ("vessel,reason\nA,x\n", "w.csv:1: the header names no"),
        ("", "w.csv: the watch list is empty"),
    ],
)
def test_bad_rows_name_file_and_line(text: str, needle: str) -> None:
    with pytest.raises(WatchlistError, match=needle):
        parse_watchlist(text, "w", "w.csv")


def test_imo_check_digit() -> None:
    assert imo_valid(9074729) and imo_valid(8814275)
    assert not imo_valid(9074728) and not imo_valid(123456)


def _v(
    mmsi: int,
    imos: frozenset[int] = frozenset(),
    calls: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
) -> VesselIdentity:
    return VesselIdentity(mmsi, imos=frozenset(imos), callsigns=frozenset(calls), names=frozenset(names))


def test_an_imo_seen_under_a_new_mmsi_still_matches() -> None:
    listed_by_mmsi = WatchList("w", (Entry(mmsi=412000100, reason="IUU"),))
    old, new = _v(412000100, {8814005}), _v(667000222, {8814005})
    assert matches(new, [listed_by_mmsi]) == []  # nothing links them yet
    linked = link_imos(listed_by_mmsi, {412000100: old})
    assert [h.matched_on for h in matches(new, [linked])] == [("imo",)]
    assert [h.matched_on for h in matches(old, [linked])] == [("mmsi", "imo")]


def test_old_names_and_call_signs_match_but_another_imo_does_not() -> None:
    e = Entry(callsign="BX002", name="LISTED 2")
    assert entry_matches(e, _v(1, calls={"BX002", "NEW1"}, names={"RENAMED"})) == ("callsign",)
    assert entry_matches(Entry(imo=8814275, name="SAME NAME"), _v(2, imos={9074729}, names={"SAME NAME"})) == ()
    assert entry_matches(Entry(imo=8814275, name="SAME NAME"), _v(3, names={"SAME NAME"})) == ("name",)
