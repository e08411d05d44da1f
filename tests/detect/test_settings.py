"""The pure choice of a run's zones and thresholds: given, else stored, else bundled."""

from __future__ import annotations

from maritime.detect.settings import Setting, Stored, choose

OURS = Setting('{"type": "FeatureCollection", "features": []}', "ours.geojson")
THEIRS = Setting('{"type": "FeatureCollection", "features": [1]}', "theirs.geojson")
STRICT = Setting("[dark]\nmin_gap_hours = 4.0\n", "strict.toml")


def test_nothing_given_nothing_stored_is_bundled_and_stores_nothing():
    c = choose(None, None, Stored())
    assert c.zones is None and c.config is None
    assert (c.zones_origin, c.config_origin) == ("bundled", "bundled")
    assert not c.store
    assert c.lines() == ["zones: bundled patrol zones", "thresholds: bundled defaults"]


def test_nothing_given_uses_the_stored_ones_without_rewriting_them():
    c = choose(None, None, Stored(zones=OURS, config=STRICT))
    assert c.zones == OURS and c.config == STRICT
    assert (c.zones_origin, c.config_origin) == ("stored", "stored")
    assert not c.store
    assert "ours.geojson (stored" in c.lines()[0] and "strict.toml (stored" in c.lines()[1]


def test_given_zones_replace_the_stored_ones_and_say_so():
    c = choose(THEIRS, None, Stored(zones=OURS, config=STRICT))
    assert c.zones == THEIRS and c.zones_origin == "given" and c.zones_changed
    assert c.replaced_zones == OURS
    assert c.config == STRICT and c.config_origin == "stored" and not c.config_changed
    assert c.store
    assert "replaces the stored ours.geojson" in c.lines()[0]


def test_first_given_zones_replace_the_bundled_ones():
    c = choose(OURS, None, Stored())
    assert c.store and c.replaced_zones is None
    assert "replaces the bundled patrol zones" in c.lines()[0]


def test_the_same_file_again_is_no_change():
    c = choose(OURS, STRICT, Stored(zones=OURS, config=STRICT))
    assert not c.store and not c.zones_changed and not c.config_changed
    assert "same as stored" in c.lines()[0] and "same as stored" in c.lines()[1]


def test_given_thresholds_replace_the_stored_ones_independently_of_zones():
    loose = Setting("[dark]\nmin_gap_hours = 1.0\n", "loose.toml")
    c = choose(None, loose, Stored(zones=OURS, config=STRICT))
    assert c.config == loose and c.config_changed and c.replaced_config == STRICT
    assert c.zones == OURS and not c.zones_changed
    assert "replaces the stored strict.toml" in c.lines()[1]


def test_same_text_from_another_path_is_stored_under_the_new_path():
    moved = Setting(OURS.text, "copy/ours.geojson")
    c = choose(moved, None, Stored(zones=OURS))
    assert c.store and c.zones == moved


def test_unknown_zones_names_each_misspelt_zone_and_where():
    from maritime.detect.config import load_config_text
    from maritime.detect.settings import unknown_zones

    cfg = load_config_text(
        '[zone_entry]\nzones = ["Malpelo", "Malpelo Island"]\n[speed_range]\nzones = ["*"]\n'
        '[[speed_range.watch]]\nzones = ["Gorgona", "Gorgonа"]\n',  # the last "а" is Cyrillic
        "x.toml",
    )
    assert unknown_zones(cfg, ["Malpelo", "Gorgona"]) == [
        ("zone_entry", "Malpelo Island"),
        ("speed_range.watch 1", "Gorgonа"),
    ]
    assert unknown_zones(load_config_text("", "x"), []) == []  # the defaults watch no zone


def test_closest_zones_ignore_case_and_accents():
    from maritime.detect.settings import closest_zones

    names = [
        "Galápagos Marine Reserve",
        "High-seas corridor Galápagos–mainland",
        "Malpelo",
        "Gorgona",
        "Gulf of Panama",
    ]
    assert closest_zones("Galapagos", names) == ["Galápagos Marine Reserve", "High-seas corridor Galápagos–mainland"]
    assert closest_zones("gulf of panamá", names) == ["Gulf of Panama"]
    assert closest_zones("Malpelo Island", names) == ["Malpelo"]
    assert closest_zones("Gorgonna", names)[0] == "Gorgona"
    assert closest_zones("Tierra del Fuego", names) == []
