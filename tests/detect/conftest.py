"""Fixtures shared by the detection tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store
from tests.detect import SAMPLE


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The real Eastern Pacific sample recording, ingested once (copy it before writing)."""
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    store = Store(db)
    try:
        ingest_paths(store, [str(SAMPLE)], IngestOptions(progress=False))
    finally:
        store.close()
    return db
