"""Issue 10, "How it will be checked", end to end on the scenario generator's labelled cases.

Each scenario is built by :mod:`maritime.scenario`, its clean position reports (with the
receiver of each, as a clean ingest stores them) written to a DuckDB file in ``tmp_path``, and
:func:`maritime.detect.runner.run_detection` run on it with the bundled thresholds (learned
anchorages on). The truth labels (``Scenario.events`` / ``Scenario.decoys``) then say:

1. ``area_outage``: five vessels fishing together, all unheard at once for 6-10 h because
   nothing receives their area: no dark_period with confidence >= 0.5 for them meanwhile;
2. ``lone_silence``: lone vessels with no neighbour within hundreds of km, unheard 3-8 h:
   no dark_period with confidence >= 0.5 for them meanwhile;
3. the labelled ``dark`` events (3.5-12 h silences of fishing vessels whose neighbours keep
   reporting) are still found: recall >= 0.8 at confidence >= 0.5;
4. ``region="north_sea"``: no loitering or rendezvous within 10 km of the World Port Index
   ports and listed anchorages, by the ships labelled ``port_stay``, or at the anchorage that
   is in no list (``unlisted_anchorage``, only learnable from the data), which is learned.

Seeds differ from those of the generator's own tests (3, 4 gaps; 2, 6, 8 North Sea; 11, 1-7).
Each check was seen to fail with thresholds that break what it guards: ``[dark]`` counting
satellites as the serving receiver and neighbours 20 degrees away (1 and 2: the outage vessels
flagged at 0.6-0.83), ``[dark] min_covered_bins = 10000`` (3: recall 0), ``[anchorages]
enabled = false`` (4: 7 loitering and the bunkering rendezvous at the unlisted anchorage) and
``min_port_km = 0`` (4: loitering in the WPI ports).
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from maritime.detect.config import DetectConfig, load_config
from maritime.detect.runner import run_detection
from maritime.reference.ports import load_ports
from maritime.scenario import Scenario, ScenarioConfig, ScenarioEvent, build_scenario
from maritime.scenario.geography import distance_m
from maritime.scenario.north_sea import ports_path
from maritime.scenario.positions import insert_positions, position_tables
from maritime.store.database import Store
from tests.detect import events_of

#: Eastern Pacific days with the area outage and the lone silences (and the default events).
#: 200 vessels, the generator's default traffic: the labelled dark vessels then have neighbours
#: heard around them. With 80 vessels (seed 31) two of the three labelled dark vessels have no
#: other vessel heard near them during their silence and are rightly not flagged (issue 10: no
#: neighbour evidence, no confident dark period), so those are not "well-heard waters".
OUTAGE_SEEDS = (31, 32, 33)
OUTAGE_VESSELS = 200
#: The North Sea day.
NORTH_SEA_SEED = 34
NORTH_SEA_VESSELS = 90
#: Confidence from which a dark period is an alarm (coverage gaps are written at 0.1).
CONFIDENT = 0.5
#: Recall asked of the labelled dark periods.
MIN_DARK_RECALL = 0.8
#: Loitering and rendezvous are not expected this close (km) to a port or anchorage: the
#: detectors' min_port_km (defaults.toml).
PORT_KM = 10.0


@dataclass
class Run:
    """One scenario after detection: its labels, its events and its learned anchorages."""

    seed: int
    scenario: Scenario
    events: list[dict]
    anchorages: list[tuple[float, float]]


def detect_scenario(tmp: Path, cfg: ScenarioConfig, config: DetectConfig | None = None) -> Run:
    """Build ``cfg``, store its positions (and declared ship types) in a DuckDB file under
    ``tmp``, run detection once and read back the events and learned anchorages."""
    sc = build_scenario(cfg)
    store = Store(tmp / f"{cfg.region}_{cfg.seed}.duckdb")
    try:
        for tb in position_tables(sc):
            insert_positions(store.con, tb)
        types = sorted({(v.mmsi, v.ship_type) for v in sc.vessels})
        store.con.executemany("INSERT OR REPLACE INTO vessels (mmsi, ship_type) VALUES (?, ?)", types)
        run_detection(store.con, config=config)
        events = events_of(store.con)
        anchorages = [(float(a), float(o)) for a, o in store.con.execute("SELECT lat, lon FROM anchorages").fetchall()]
    finally:
        store.close()
    return Run(cfg.seed, sc, events, anchorages)


def _config() -> DetectConfig:
    """The bundled thresholds (the run of the test)."""
    return load_config()


@pytest.fixture(scope="module")
def outage_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    tmp = tmp_path_factory.mktemp("outage")
    return [
        detect_scenario(
            tmp,
            ScenarioConfig(seed=s, hours=24.0, n_vessels=OUTAGE_VESSELS, area_outage=True, lone_silences=True),
            _config(),
        )
        for s in OUTAGE_SEEDS
    ]


@pytest.fixture(scope="module")
def north_sea_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    tmp = tmp_path_factory.mktemp("north_sea")
    cfg = ScenarioConfig(seed=NORTH_SEA_SEED, hours=24.0, n_vessels=NORTH_SEA_VESSELS, region="north_sea")
    return detect_scenario(tmp, cfg, _config())


def _window(run: Run, label: ScenarioEvent) -> tuple[float, float]:
    """The label's window as UTC seconds."""
    return run.scenario.start_unix + label.start, run.scenario.start_unix + label.end


def _overlaps(ev: dict, t0: float, t1: float, now: float) -> bool:
    end = ev["end"] if ev["end"] is not None else now
    return bool(ev["start"] <= t1 and end >= t0)


def _now(run: Run) -> float:
    return max((e["end"] or e["start"]) for e in run.events) if run.events else 0.0


def _silenced(run: Run, kind: str) -> Iterator[tuple[int, float, float]]:
    """(MMSI, start, end) of each vessel of the ``kind`` gap decoys."""
    for d in run.scenario.decoys:
        if d.kind != kind:
            continue
        t0, t1 = _window(run, d)
        members = d.extra["mmsis"] if "mmsis" in d.extra else [d.mmsi]
        assert isinstance(members, list)
        for m in members:
            yield int(m), t0, t1


def _dark_during(run: Run, kind: str) -> tuple[list[str], int, int]:
    """Confident dark periods of the ``kind`` decoys' vessels during their silence, as text; the
    number of silenced vessels; and the number of their dark periods below the confidence."""
    confident, vessels, low = [], 0, 0
    now = _now(run)
    for mmsi, t0, t1 in _silenced(run, kind):
        vessels += 1
        for e in run.events:
            if e["kind"] == "dark_period" and e["mmsi"] == mmsi and _overlaps(e, t0, t1, now):
                if e["confidence"] >= CONFIDENT:
                    confident.append(
                        f"seed {run.seed} mmsi {mmsi}: dark_period {e['start']:.0f}-{e['end']} "
                        f"confidence {e['confidence']} reception {e['details'].get('reception')}"
                    )
                else:
                    low += 1
    return confident, vessels, low


@pytest.mark.parametrize("kind", ["area_outage", "lone_silence"])
def test_no_confident_dark_period_in_a_coverage_gap(outage_runs: list[Run], kind: str) -> None:
    found: list[str] = []
    vessels = low = 0
    for run in outage_runs:
        assert [d for d in run.scenario.decoys if d.kind == kind], (run.seed, kind)  # the case is there
        f, n, lo = _dark_during(run, kind)
        found += f
        vessels += n
        low += lo
    print(
        f"\n{kind}: {vessels} silenced vessels over seeds {OUTAGE_SEEDS}; confident dark periods {len(found)}, "
        f"low-confidence ones (coverage gaps) {low}"
    )
    assert vessels >= (15 if kind == "area_outage" else 6)
    assert not found, "\n".join(found)


def test_labelled_dark_periods_in_heard_waters_are_found(outage_runs: list[Run]) -> None:
    truths = found = alarms = true_alarms = 0
    missed: list[str] = []
    for run in outage_runs:
        now = _now(run)
        darks = [e for e in run.events if e["kind"] == "dark_period" and e["confidence"] >= CONFIDENT]
        labels = [(d.mmsi, *_window(run, d)) for d in run.scenario.events if d.kind == "dark"]
        for mmsi, t0, t1 in labels:
            truths += 1
            hit = [e for e in darks if e["mmsi"] == mmsi and _overlaps(e, t0, t1, now)]
            found += bool(hit)
            if not hit:
                missed.append(f"seed {run.seed} mmsi {mmsi} {t0:.0f}-{t1:.0f} ({(t1 - t0) / 3600:.1f} h)")
        alarms += len(darks)
        true_alarms += sum(any(e["mmsi"] == m and _overlaps(e, t0, t1, now) for m, t0, t1 in labels) for e in darks)
    recall = found / truths
    precision = true_alarms / alarms if alarms else 1.0
    print(
        f"\ndark periods (confidence >= {CONFIDENT}) over seeds {OUTAGE_SEEDS}: truth {truths}, found {found}, "
        f"recall {recall:.3f}; alarms {alarms}, true {true_alarms}, precision {precision:.3f}; missed {missed}"
    )
    assert truths >= 9
    assert recall >= MIN_DARK_RECALL, missed


def _dist_km(lat: float, lon: float, places: np.ndarray) -> float:
    if len(places) == 0:
        return float("inf")
    return float(distance_m(lat, lon, places[:, 0], places[:, 1]).min()) / 1000.0


def test_north_sea_no_loitering_or_rendezvous_in_ports_and_anchorages(north_sea_run: Run) -> None:
    run = north_sea_run
    ports = load_ports(ports_path())
    listed = ports[["lat", "lon"]].to_numpy(dtype=float)
    stays = [d for d in run.scenario.decoys if d.kind == "port_stay"]
    (unlisted,) = [d for d in run.scenario.decoys if d.kind == "unlisted_anchorage"]
    assert {d.extra["port_kind"] for d in stays} == {"port", "anchorage"}
    staying: set[int] = set()
    for d in stays:
        members = d.extra["mmsis"]
        assert isinstance(members, list)
        staying |= {int(m) for m in members}
    at_unlisted = unlisted.extra["mmsis"]
    radius_m = unlisted.extra["radius_m"]
    assert isinstance(at_unlisted, list) and isinstance(radius_m, float)
    n_stay = len(staying)
    staying |= {int(m) for m in at_unlisted}
    unlisted_km = radius_m / 1000.0 + PORT_KM
    centre = np.array([[unlisted.lat, unlisted.lon]])

    # the anchorage in no list is learned from the data
    learned = np.array(run.anchorages, dtype=float).reshape(-1, 2)
    near_unlisted = [p for p in run.anchorages if _dist_km(p[0], p[1], centre) < unlisted_km]
    print(
        f"\nnorth_sea seed {run.seed}: {len(stays)} port/anchorage stays of {n_stay} ships, unlisted anchorage "
        f"of {len(at_unlisted)} ships; learned anchorages {len(learned)} "
        f"({len(near_unlisted)} at the unlisted one)"
    )
    assert near_unlisted, f"the unlisted anchorage at {unlisted.lat}, {unlisted.lon} was not learned"

    bad: list[str] = []
    kinds = [e for e in run.events if e["kind"] in ("loitering", "rendezvous")]
    for e in kinds:
        where = []
        if _dist_km(e["lat"], e["lon"], listed) < PORT_KM:
            where.append("within 10 km of a listed port/anchorage")
        if _dist_km(e["lat"], e["lon"], centre) < unlisted_km:
            where.append("at the unlisted anchorage")
        if {e["mmsi"], e["other_mmsi"]} & staying:
            where.append("by a ship labelled as staying in port or at anchor")
        if where:
            bad.append(
                f"{e['kind']} mmsi {e['mmsi']}/{e['other_mmsi']} at {e['lat']:.4f},{e['lon']:.4f} "
                f"confidence {e['confidence']}: {'; '.join(where)}"
            )
    print(f"loitering/rendezvous events anywhere: {len(kinds)}; in ports or anchorages: {len(bad)}")
    assert not bad, "\n".join(bad)
