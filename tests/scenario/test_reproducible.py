"""The generator's output is pinned: the same seed gives byte-identical recordings and truth.

The digests below were computed on the code before the generator was split into modules
(issue 12); any change in what a seed produces fails here. When a change of output is
intended, recompute them and regenerate the bundled sample (see fixtures/ais/README.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from maritime.scenario import ScenarioConfig, Truth, build_scenario, generate_lines, write_recording

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"

#: 8 h, 60 vessels, events and decoys on (every injected kind fits in 8 h), default noise.
PINNED = ScenarioConfig(seed=23, hours=8.0, n_vessels=60)
PINNED_RECORDING_SHA256 = "d65ae2e8c95f9bf8fe639b9fc118cf6b8233d847c1f2e8834395c7d1768e2f80"
PINNED_TRUTH_SHA256 = "953ed11929191af767b59d0612ce9139d1be59691ff05abc3978ffac928ce041"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_pinned_scenario_recording_and_truth_are_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "pinned.nmea.gz"
    write_recording(out, PINNED)
    assert _sha256(gzip.decompress(out.read_bytes())) == PINNED_RECORDING_SHA256
    assert _sha256(Path(str(out) + ".truth.json").read_bytes()) == PINNED_TRUTH_SHA256


@pytest.mark.skipif(not SAMPLE.exists(), reason="bundled sample not generated")
def test_bundled_sample_regenerates_identically() -> None:
    """The bundled sample and its truth file are exactly what the generator writes today."""
    truth_file = Path(str(SAMPLE) + ".truth.json")
    p = json.loads(truth_file.read_text())["parameters"]
    cfg = ScenarioConfig(seed=7, hours=p["hours"], n_vessels=p["n_vessels"], events=p["events"])
    sc = build_scenario(cfg)
    t = Truth()
    text = "\n".join(generate_lines(sc, t)) + "\n"
    assert _sha256(text.encode("ascii")) == _sha256(gzip.decompress(SAMPLE.read_bytes()))
    written = json.dumps(t.to_dict(sc), indent=1, ensure_ascii=False) + "\n"
    assert written.encode("utf-8") == truth_file.read_bytes()
