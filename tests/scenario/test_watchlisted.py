"""The watch-listed scenario: a listed hull that changes MMSI, its labels and its watch list."""

from __future__ import annotations

from maritime.alerts.watchlist import imo_valid, parse_watchlist
from maritime.scenario.payloads import nmea_checksum
from maritime.scenario.watchlisted import imo_with_check_digit, watchlist_csv, watchlisted_recording


def test_the_renamed_hull_keeps_its_imo_under_new_identifiers() -> None:
    rec = watchlisted_recording(listed=4, background=2)
    first, renamed = rec.listed[0], rec.renamed
    assert renamed.imo == first.imo and renamed.mmsi != first.mmsi
    assert (renamed.name, renamed.callsign) != (first.name, first.callsign)
    assert rec.expected_hits == {h.mmsi for h in rec.listed} | {renamed.mmsi}
    assert not rec.expected_hits & {h.mmsi for h in rec.background}


def test_lines_are_valid_nmea_in_data_time_order() -> None:
    rec = watchlisted_recording(listed=3, background=1)
    times = []
    for line in rec.lines:
        tag, sentence = line[1:].split("\\", 1)
        body, check = tag.rsplit("*", 1)
        assert int(check, 16) == nmea_checksum(body)
        body, check = sentence[1:].rsplit("*", 1)
        assert int(check, 16) == nmea_checksum(body)
        times += [int(f[2:]) for f in tag.split("*")[0].split(",") if f.startswith("c:")]
    assert times == sorted(times)


def test_the_watch_list_names_the_renamed_hull_by_its_old_mmsi_only() -> None:
    rec = watchlisted_recording()
    wl = parse_watchlist(watchlist_csv(rec), "iuu")
    first = wl.entries[0]
    assert (first.mmsi, first.imo, first.callsign, first.name) == (rec.listed[0].mmsi, None, None, None)
    assert all(imo_valid(h.imo) for h in rec.listed) and imo_with_check_digit(907472) == 9074729
