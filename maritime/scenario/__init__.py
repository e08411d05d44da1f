"""Seeded, realistic Eastern Pacific AIS scenario generator.

``python -m maritime.scenario --seed 7 --hours 24 --out fixtures/ais/eastern_pacific_sample.nmea.gz``
writes a recording and ``<out>.truth.json`` (see :mod:`maritime.scenario.nmea_writer`).
"""

from maritime.scenario.generator import (
    Kind,
    NoiseConfig,
    ReceptionBatch,
    Scenario,
    ScenarioConfig,
    ScenarioEvent,
    Vessel,
    build_scenario,
    generate_records,
    iter_batches,
)
from maritime.scenario.nmea_writer import Truth, generate_lines, truth_path_for, write_recording

__all__ = [
    "Kind",
    "NoiseConfig",
    "ReceptionBatch",
    "Scenario",
    "ScenarioConfig",
    "ScenarioEvent",
    "Vessel",
    "Truth",
    "build_scenario",
    "generate_records",
    "iter_batches",
    "generate_lines",
    "truth_path_for",
    "write_recording",
]
