"""MMSI forms of ITU-R M.585 and the allocated MIDs (ITU MARS table in data/mid.csv)."""

from __future__ import annotations

from maritime.reference.mid import allocated_mids, mid_of, mmsi_problem


def test_allocated_mids_table():
    mids = allocated_mids()
    assert mids[735].startswith("Ecuador") and mids[760].startswith("Peru") and mids[667].startswith("Sierra")
    assert 200 not in mids and 290 not in mids and 780 not in mids
    assert all(201 <= m <= 775 for m in mids)


def test_forms():
    assert mid_of(735012345) == 735 and mid_of(982351234) == 235 and mid_of(111232123) == 232
    assert mmsi_problem(735012345) is None
    assert mmsi_problem(970123456) is None  # AIS-SART
    assert mmsi_problem(982351234) is None  # craft of a parent ship
    assert mmsi_problem(123456789) == "placeholder_digits"
    assert mmsi_problem(1193046) == "not_nine_digits"
    assert mmsi_problem(290123456) == "unallocated_mid"
    assert mmsi_problem(992351234) == "not_a_ship_station_form"  # aid to navigation
    assert mmsi_problem(3123456) == "not_nine_digits"  # coast station (00MIDxxxx)
