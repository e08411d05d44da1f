"""A months-long scenario in DuckDB on disk, shared by the analytics tests (built once per seed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from maritime.scenario.months import MonthsConfig, MonthsTruth, write_months
from maritime.store.database import Store

#: Seeds the analytics were never tuned on (development used seed 3).
SEEDS = (101, 202)


@pytest.fixture(scope="session")
def months_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MonthsTruth]:
    path = tmp_path_factory.mktemp("months") / "months.duckdb"
    store = Store(path)
    truth = write_months(store.con, MonthsConfig(seed=SEEDS[0], n_vessels=2000, weeks=10))
    store.close()
    return path, truth


@pytest.fixture
def months_copy(months_db: tuple[Path, MonthsTruth], tmp_path: Path) -> tuple[Store, MonthsTruth]:
    path, truth = months_db
    dst = tmp_path / "copy.duckdb"
    shutil.copy(path, dst)
    store = Store(dst)
    yield store, truth
    store.close()
