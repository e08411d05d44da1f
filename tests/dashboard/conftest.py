"""Fixtures of the dashboard tests: a database built from the bundled Eastern Pacific sample
(ingested through the library) with the sample's injected events stored as ``events`` rows,
standing in for detection so that the tests do not depend on its tuning."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from maritime.dashboard.state import Now, read_now
from maritime.detect.events import ROW_COLUMNS
from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, playwright_or_skip

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz"
TRUTH = REPO / "fixtures" / "ais" / "eastern_pacific_sample.nmea.gz.truth.json"
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def truth_events() -> list[dict]:
    """The sample's injected events as ``events`` rows (ids ``truth-<n>-<kind>``)."""
    rows = []
    for i, e in enumerate(json.loads(TRUTH.read_text())["events"]):
        kind = {"dark": "dark_period"}.get(e["kind"], e["kind"])
        rows.append(
            {
                "event_id": f"truth-{i}-{kind}",
                "kind": kind,
                "mmsi": e["mmsi"],
                "other_mmsi": e["other_mmsi"],
                "start_time": e["start"],
                "end_time": e["end"],
                "lat": e["lat"],
                "lon": e["lon"],
                "zone": e["zone"],
                "confidence": round(0.6 + 0.04 * i, 2),
                "details": json.dumps({"duration_h": e["duration_h"]}),
            }
        )
    return rows


def insert_event(con, **e) -> None:
    row = {
        "other_mmsi": None,
        "end_time": None,
        "lat": None,
        "lon": None,
        "zone": None,
        "confidence": 0.8,
        "details": "{}",
        **e,
    }
    con.execute(
        f"INSERT OR REPLACE INTO events ({', '.join(ROW_COLUMNS)}, updated_at) "
        f"VALUES ({', '.join('?' * len(ROW_COLUMNS))}, now())",
        [row[k] for k in ROW_COLUMNS],
    )


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database of the bundled sample with its injected events (do not modify: copy it)."""
    path = tmp_path_factory.mktemp("dashdb") / "sample.duckdb"
    store = Store(path)
    try:
        ingest_paths(store, [str(SAMPLE)], IngestOptions())
        for e in truth_events():
            insert_event(store.con, **e)
    finally:
        store.close()
    return path


@pytest.fixture
def db_path(sample_db, tmp_path) -> Path:
    """A private copy of the sample database."""
    path = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, path)
    return path


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def cur(store):
    c = store.cursor()
    yield c
    c.close()


#: The wall clock of the tests: well after the sample's data (reports are never "from the future").
WALL = datetime(2026, 1, 1, tzinfo=UTC)
#: The last report of the sample.
LATEST = datetime(2025, 1, 15, 23, 59, 59, tzinfo=UTC)


def now(cur) -> Now:
    """The clock of one refresh at :data:`WALL` (read again after each change to the data)."""
    return read_now(cur, WALL)


def text_of(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children)


@pytest.fixture(scope="session")
def months_db(tmp_path_factory) -> Path:
    """A months-long scenario straight into DuckDB (``maritime/scenario/months.py``, seed 101,
    never used to tune) with its risk scores (``maritime risk``) and the latest 24 h and 7 d
    hotspot forecasts (``maritime hotspots``). Read it, or copy it to change it."""
    from maritime.analytics.hotspots_store import write_forecast
    from maritime.analytics.risk_store import update_risk
    from maritime.scenario.months import MonthsConfig, write_months

    path = tmp_path_factory.mktemp("months") / "months.duckdb"
    store = Store(path)
    try:
        write_months(store.con, MonthsConfig(seed=101, n_vessels=600, weeks=6))
        update_risk(store.con)
        write_forecast(store.con, "24h")
        write_forecast(store.con, "7d")
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a module's browser tests (skipped without it or Playwright)."""
    api = playwright_or_skip()
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
