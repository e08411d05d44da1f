"""Shared fixtures of the scenario tests: one small recording, read back independently."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from maritime.scenario import Scenario, ScenarioConfig, build_scenario, write_recording
from tests.scenario.nmea_reading import Parsed, parse

#: 12 h, 90 vessels, events and decoys on, default noise.
SMALL = ScenarioConfig(seed=11, hours=12.0, n_vessels=90)


@pytest.fixture(scope="session")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[str]]:
    """The SMALL recording's path, truth dictionary and lines."""
    out = tmp_path_factory.mktemp("scenario") / "small.nmea.gz"
    truth = write_recording(out, SMALL)
    with gzip.open(out, "rt", encoding="ascii") as f:
        text = f.read()
    assert text.endswith("\n")
    return out, truth, text.split("\n")[:-1]


@pytest.fixture(scope="session")
def parsed(recording: tuple[Path, dict, list[str]]) -> Parsed:
    """The SMALL recording read back by :func:`tests.scenario.nmea_reading.parse`."""
    return parse(recording[2])


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The SMALL scenario (vessels, tracks, events, decoys)."""
    return build_scenario(SMALL)
