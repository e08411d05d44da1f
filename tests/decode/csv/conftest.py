"""Fixtures of the CSV reader tests: the two sample files, read whole."""

from __future__ import annotations

import pytest

from maritime.decode.csv.mapping import parse_mapping
from maritime.decode.csv.rows import CsvBatch
from tests.decode.csv.helpers import MC, SOLENT, SOLENT_SPEC, read_all


@pytest.fixture(scope="module")
def mc() -> CsvBatch:
    with MC.open("rb") as f:
        return read_all(f)


@pytest.fixture(scope="module")
def solent() -> CsvBatch:
    with SOLENT.open("rb") as f:
        return read_all(f, mapping=parse_mapping(SOLENT_SPEC), station="solent")
