"""Shared fixtures for the decode tests: the real AIS corpus and a one-shot decoder.

The corpus (``shared/ais-corpus``, see its PROVENANCE.md) lives beside the repository
checkout, not inside it: CI clones the repo into a folder with ``shared/`` next to it.
Tests that need it skip with a clear reason when it is absent.

Any test that takes an argument named ``nmea_file`` is parametrised over every NMEA
recording of the corpus (one test per file, the id is the file's corpus path).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.compute as pc
import pytest

from maritime.decode.pipeline import ChunkDecoder, ChunkResult, DecodeOptions

CORPUS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "ais-corpus"
CORPUS_MISSING = (
    f"AIS corpus not found at {CORPUS_DIR}: clone the repository into a folder that has "
    "shared/ais-corpus beside it to run the corpus tests"
)

#: A fixed receive time for recordings that carry none (2020-09-13T12:26:40Z).
START_US = 1_600_000_000_000_000

#: Every NMEA recording in the corpus, relative to CORPUS_DIR.
NMEA_FILES: tuple[str, ...] = (
    "gpsd/test/sample.aivdm",
    "gpsd/test/daemon/ais-18-27.log",
    "gpsd/test/daemon/ais-nmea.log",
    "gpsd/test/daemon/ais-nmea-type6-fid55.log",
    "gpsd/test/daemon/ais-raw-messages.log",
    "gpsd/test/daemon/ais_unpack_sixbit.log",
    "gpsd/test/daemon/ait250.log",
    "gpsd/test/daemon/saab-r4.log",
    "libais/test/data/tagblock.nmea",
    "libais/test/data/typeexamples.nmea",
    "libais/test/data/test.aivdm",
    "pyais/tests/ais_test_messages",
    "pyais/tests/messages.ais",
    "pyais/tests/mixed.txt",
    "pyais/tests/nmea_data_sample.txt",
    "pyais/tests/timestamped.ais",
    "pyais/examples/gatehouse.nmea",
    "pyais/examples/sample.ais",
    "amsa-risky/ais/src/test/resources/exact-earth-augmented.txt",
    "amsa-risky/ais/src/test/resources/exact-earth-augmented-2.txt",
    "amsa-risky/ais/src/test/resources/exact-earth-augmented-3.txt",
    "amsa-risky/ais/src/test/resources/exact-earth-with-tag-block.txt",
    "amsa-risky/ais/src/test/resources/nmea-timestamped.txt",
    "gfw-ais-tools/sample/bad-tagblock-group.nmea",
    "gfw-ais-tools/sample/bad-type5.nmea",
    "gfw-ais-tools/sample/ee-multiline.nmea",
    "gfw-ais-tools/sample/errors.nmea",
    "gfw-ais-tools/sample/mixed_types.nmea",
    "gfw-ais-tools/sample/multi-part.nmea",
    "gfw-ais-tools/sample/sample.nmea",
    "gfw-ais-tools/sample/single-message-type-5.nmea",
    "gfw-ais-tools/sample/spire-test.nmea",
    "gfw-ais-tools/sample/type1-bad-bitcount.nmea",
    "gfw-ais-tools/sample/type8.nmea",
)


_REPORT = pytest.StashKey[list]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REPORT] = []


@pytest.fixture(scope="session")
def corpus_report(request: pytest.FixtureRequest):
    """``corpus_report(text)`` adds a line to the coverage summary printed after the run."""
    return request.config.stash[_REPORT].append


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("AIS corpus coverage (tests/decode)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def ais_corpus() -> Path:
    """The corpus folder; skips the test when it is not there."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(CORPUS_MISSING)
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_nmea_files(ais_corpus: Path) -> list[Path]:
    """Every NMEA recording of the corpus (the files ``nmea_file`` is parametrised over)."""
    return [ais_corpus / rel for rel in NMEA_FILES]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "nmea_file" in metafunc.fixturenames:
        if CORPUS_DIR.is_dir():
            params = [pytest.param(CORPUS_DIR / rel, id=rel) for rel in NMEA_FILES]
        else:
            params = [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_MISSING))]
        metafunc.parametrize("nmea_file", params)


class Decoded:
    """The result of decoding one whole input: ``decode()`` then ``finish()``."""

    def __init__(self, result: ChunkResult, final: ChunkResult) -> None:
        self.positions = result.positions
        self.identities = result.identities
        self.decode_rejects = result.rejects
        self.finish_rejects = final.rejects
        self.counts: Counter = Counter(result.counts)
        self.counts.update(final.counts)
        #: every valid copy of a stored kind (positions, identities): the store merges them
        self.stored_copies = sum(
            int(pc.sum(pc.not_equal(r.receptions.column("kind"), 0)).as_py() or 0)
            for r in (result, final)
            if r.receptions is not None
        )

    @property
    def rejects(self) -> list[dict]:
        return self.decode_rejects.to_pylist() + self.finish_rejects.to_pylist()


def decode_all(data: bytes, **options) -> Decoded:
    """Decode ``data`` in one chunk with nothing merged, then flush the assembler."""
    options.setdefault("dedup_window_us", -1)
    options.setdefault("start_time_us", START_US)
    decoder = ChunkDecoder(DecodeOptions(**options))
    result = decoder.decode(data)
    return Decoded(result, decoder.finish())


@pytest.fixture(scope="session")
def decode():
    """``decode(data, **DecodeOptions fields) -> Decoded`` (dedup off, a start time set)."""
    return decode_all
