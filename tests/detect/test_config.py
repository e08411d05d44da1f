"""The detection config: per-zone speed ranges (``[[speed_range.watch]]``) inherit the
section's keys, are checked with one-line errors, and reach the fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maritime.detect.config import ConfigError, SpeedRangeWatch, load_config, load_config_text

WATCHES = """
[speed_range]
min_duration_minutes = 30

[[speed_range.watch]]
zones = ["Galápagos Marine Reserve"]
max_kn = 5

[[speed_range.watch]]
zones = ["Colombia–Ecuador border waters", "Gulf of Panama"]
min_kn = 12
max_kn = 40
min_distance_km = 20
"""


def test_watches_inherit_the_section_and_keep_their_own(tmp_path: Path) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(WATCHES, encoding="utf-8")
    cfg = load_config(path).speed_range
    assert cfg.zones == ()  # the section's own range watches nothing ...
    reserve, fast = cfg.watches()  # ... so only the two tables are watched
    assert reserve == SpeedRangeWatch(("Galápagos Marine Reserve",), 0.0, 5.0, 30.0, 0.0, 60.0)
    assert fast.zones == ("Colombia–Ecuador border waters", "Gulf of Panama")
    assert (fast.min_kn, fast.max_kn, fast.min_duration_minutes, fast.min_distance_km) == (12.0, 40.0, 30.0, 20.0)
    # the text stored in detection_settings gives the same config
    assert load_config_text(WATCHES, "stored").speed_range == cfg


def test_the_section_range_comes_first_when_it_names_zones() -> None:
    cfg = load_config_text('[speed_range]\nzones = ["*"]\n' + WATCHES.split("\n", 3)[3], "x").speed_range
    assert [w.zones for w in cfg.watches()][0] == ("*",) and len(cfg.watches()) == 3


def test_watches_change_the_fingerprint_and_serialise() -> None:
    plain = load_config_text("", "x")
    watched = load_config_text(WATCHES, "x")
    assert plain.fingerprint() != watched.fingerprint()
    # thresholds without watches hash as before watches existed: no recomputation on upgrade
    assert "watch" not in plain.to_dict()["speed_range"]
    assert json.loads(json.dumps(watched.to_dict()))["speed_range"]["watch"][1]["min_kn"] == 12.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[speed_range.watch]]\nmax_kn = 3\n", "[speed_range.watch 1] needs zones"),
        ('[[speed_range.watch]]\nzones = ["*"]\nmax_speed = 3\n', "unknown key [speed_range.watch 1] max_speed"),
        ('[[speed_range.watch]]\nzones = ["*"]\nmin_kn = 9\nmax_kn = 3\n', "min_kn 9 is above max_kn 3"),
        ('[[speed_range.watch]]\nzones = "Gulf of Panama"\n', "must be a list of strings"),
        ('[[speed_range.watch]]\nzones = ["*"]\nmax_kn = -1\n', "must not be negative"),
        ("[speed_range]\nwatch = 3\n", "must be [[speed_range.watch]] tables"),
    ],
)
def test_bad_watches_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config_text(text, "ours.toml")
    assert message in str(err.value) and "ours.toml" in str(err.value) and "\n" not in str(err.value)
