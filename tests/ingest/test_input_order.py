"""The order of the input never changes what is stored (issue 11, item 13).

Real recordings are ingested in their own order, reversed and shuffled, in one chunk or in
small ones, as one file or split into several files ingested one after the other (each file
a batch the store merges with what is already stored). Every way must store the same rows
(time, station, ``n_stations``) and give the same counts: a transmission is stored once,
at its earliest reception, with the number of distinct stations that heard it.

The inputs: USCG NAIS lines heard by several receivers (libais ``test.aivdm``), exactEarth
satellite lines (AMSA ``exact-earth-augmented-3.txt``), and DMA-style multi-station copies
of the latter's payloads (the same sentence heard by AISD, IALA, MSSIS and AISSAT within a
few seconds, often in the same second, as in DMA's recordings). Only single-sentence lines
that carry their own time and station are shuffled: a multi-part message cut apart or a
line moved away from the time mark before it is different input, not the same input in
another order.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import reduce
from pathlib import Path

import pytest

from maritime.ingest.options import IngestOptions
from maritime.ingest.recordings import ingest_paths
from maritime.store.database import Store

NAIS = "libais/test/data/test.aivdm"
EXACT_EARTH = "amsa-risky/ais/src/test/resources/exact-earth-augmented-3.txt"
DMA_SOURCES = ("AISD", "IALA", "MSSIS", "AISSAT")
#: Counters that must not depend on the order or the cuts.
COUNTERS = ("lines_read", "decoded", "positions_stored", "identities_stored", "duplicates", "rejected", "no_position")


def _checksum(body: bytes) -> int:
    return reduce(lambda a, c: a ^ c, body, 0)


def single_sentences(path: Path) -> list[bytes]:
    """The file's single-sentence AIS lines, each with its own time (trailing field)."""
    lines = path.read_bytes().splitlines()
    return [ln for ln in lines if re.match(rb"!..VD[MO],1,1,", ln) and re.search(rb"\*[0-9A-F]{2},.*\d{10}", ln)]


def dma_style(lines: list[bytes], seed: int) -> list[bytes]:
    """Each exactEarth sentence heard by one to four DMA sources, 0-4 s apart (a tag block
    ``\\s:SOURCE,c:unix*hh\\`` before the sentence), a fifth of them heard again by one source
    up to 50 s later (the same transmission: one chain) and some recorded twice by one source."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        sentence, _, trailer = line.rpartition(b",")
        seconds = int(trailer) // 1000
        copies = [(s, seconds + rng.randint(0, 4)) for s in rng.sample(DMA_SOURCES, rng.randint(1, 4))]
        if rng.random() < 0.2:
            copies.append((rng.choice(DMA_SOURCES), seconds + rng.randint(30, 50)))
        if rng.random() < 0.05:
            copies.append(copies[0])
        for source, t in copies:
            tag = b"s:%s,c:%d" % (source.encode(), t)
            out.append(b"\\" + tag + b"*%02X\\" % _checksum(tag) + sentence)
    return out


def ingest(tmp_path: Path, name: str, parts: list[list[bytes]], chunk_bytes: int) -> tuple[list, list, dict]:
    """Ingest ``parts`` as files, one after the other, into one new database; its position
    and identity rows (sorted) and the counters summed over the files."""
    folder = tmp_path / name
    folder.mkdir()
    paths = []
    for i, lines in enumerate(parts):
        path = folder / f"part{i}.nmea"
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        paths.append(str(path))
    store = Store(folder / "db.duckdb")
    counts: Counter[str] = Counter()
    try:
        for path in paths:  # one call per file: each file is at least one batch
            summary = ingest_paths(store, [path], IngestOptions(chunk_bytes=chunk_bytes))
            assert not summary.failures, summary.failures
            counts.update(summary.counts)
        positions = store.con.execute(
            "SELECT mmsi, epoch_us(ts), station, n_stations, payload_hash, lat, lon FROM positions ORDER BY ALL"
        ).fetchall()
        identities = store.con.execute(
            "SELECT mmsi, epoch_us(ts), station, n_stations, payload_hash, name FROM identity_reports ORDER BY ALL"
        ).fetchall()
        receptions = store.con.execute("SELECT count(*) FROM receptions").fetchone()[0]
    finally:
        store.close()
    return positions, identities, {**{k: counts[k] for k in COUNTERS}, "receptions": receptions}


def orderings(lines: list[bytes]) -> dict[str, list[bytes]]:
    shuffled = list(lines)
    random.Random(11).shuffle(shuffled)
    return {"as recorded": lines, "reversed": lines[::-1], "shuffled": shuffled}


def variants(lines: list[bytes]) -> list[tuple[str, list[list[bytes]], int]]:
    """(name, files, chunk bytes): every ordering in one chunk and in small chunks, and the
    input split into files at several points (a later file brings earlier copies)."""
    out = []
    for name, ordered in orderings(lines).items():
        for chunk in (1 << 24, 2048):
            out.append((f"{name}, chunks of {chunk} B", [ordered], chunk))
    n = len(lines)
    out.append(("second half first", [lines[n // 2 :], lines[: n // 2]], 1 << 24))
    out.append(
        ("reversed, three files", [lines[::-1][: n // 3], lines[::-1][n // 3 : n // 2], lines[::-1][n // 2 :]], 4096)
    )
    odd, even = lines[1::2], lines[0::2]
    out.append(("odd lines, then even lines", [odd, even], 1 << 24))
    return out


def check_every_variant(tmp_path: Path, lines: list[bytes]) -> tuple[list, list, dict]:
    reference = None
    for i, (name, parts, chunk) in enumerate(variants(lines)):
        got = ingest(tmp_path, f"v{i}", parts, chunk)
        if reference is None:
            reference = got
            continue
        assert got[2] == reference[2], f"{name}: counters differ"
        assert got[0] == reference[0], f"{name}: positions differ"
        assert got[1] == reference[1], f"{name}: identity reports differ"
    assert reference is not None
    return reference


def test_nais_receivers_in_any_order(tmp_path: Path, corpus: Path) -> None:
    lines = single_sentences(corpus / NAIS)
    assert len(lines) > 150
    positions, _, counts = check_every_variant(tmp_path, lines)
    # heard by many receivers, with every message type: other types are counted per copy
    assert len({p[2] for p in positions}) >= 5
    assert counts["receptions"] > 0 and counts["decoded"] > 200


def test_exact_earth_in_any_order(tmp_path: Path, corpus: Path) -> None:
    lines = single_sentences(corpus / EXACT_EARTH)
    assert len(lines) > 2000
    _, _, counts = check_every_variant(tmp_path, lines[2500:3200])  # a stretch with copies
    assert counts["duplicates"] > 0


def test_dma_style_sources_in_any_order(tmp_path: Path, corpus: Path) -> None:
    lines = dma_style(single_sentences(corpus / EXACT_EARTH)[:250], seed=3)
    positions, _, counts = check_every_variant(tmp_path, lines)
    assert {p[2] for p in positions} <= set(DMA_SOURCES)
    assert max(p[3] for p in positions) == 4
    assert counts["duplicates"] > len(lines) // 3


@pytest.mark.parametrize("seed", [1, 2])
def test_the_earliest_copy_is_stored_whichever_batch_brings_it(tmp_path: Path, corpus: Path, seed: int) -> None:
    """Ingesting the late copies first and the early ones afterwards moves each row to its
    earliest copy: the rows equal those of the input in time order."""
    lines = dma_style(single_sentences(corpus / EXACT_EARTH)[:200], seed=seed)
    by_time = sorted(lines, key=lambda ln: int(re.search(rb"c:(\d+)", ln).group(1)))
    late, early = by_time[len(by_time) // 2 :], by_time[: len(by_time) // 2]
    in_order = ingest(tmp_path, "in_order", [by_time], 1 << 24)
    late_first = ingest(tmp_path, "late_first", [late, early], 1 << 24)
    assert late_first == in_order
