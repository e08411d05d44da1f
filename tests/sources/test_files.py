"""Reading recorded files: :mod:`maritime.sources.files`."""

from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from maritime.errors import MaritimeError
from maritime.sources.files import (
    ChunkStats,
    expand_paths,
    fingerprint,
    iter_chunks,
    open_decompressed,
    sniff_format,
    truncated_at,
)

TEXT = b"".join(b"!AIVDM,1,1,,A,line%d,0*00\r\n" % i for i in range(1000))


def test_fingerprint_is_stable_under_renames_and_changes_with_content(tmp_path: Path) -> None:
    a = tmp_path / "a.nmea"
    a.write_bytes(TEXT)
    before = fingerprint(a)
    b = a.rename(tmp_path / "b.txt")
    assert fingerprint(b) == before
    b.write_bytes(TEXT[:-3] + b"1\r\n")
    assert fingerprint(b) != before
    assert fingerprint(b, "columns=x") != fingerprint(b)


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lambda data: data])
def test_open_decompressed_by_magic_bytes(compress: object) -> None:
    raw = io.BufferedReader(io.BytesIO(compress(TEXT)))  # type: ignore[operator]
    assert open_decompressed(raw).read() == TEXT


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("sub/b.nmea.gz", "a.csv", ".hidden.nmea", "notes.md"):
        (tmp_path / name).write_bytes(b"x")
    assert expand_paths([str(tmp_path), "-"]) == [str(tmp_path / "a.csv"), str(tmp_path / "sub/b.nmea.gz"), "-"]
    with pytest.raises(MaritimeError, match="no such file"):
        expand_paths([str(tmp_path / "missing")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(MaritimeError, match="holds no AIS files"):
        expand_paths([str(tmp_path / "empty")])


@pytest.mark.parametrize("chunk_bytes", [1, 7, 100, 1 << 20])
def test_iter_chunks_gives_whole_lines_and_the_bytes_consumed(chunk_bytes: int) -> None:
    data = TEXT + b"!AIVDM,unterminated"
    chunks = list(iter_chunks(io.BytesIO(data), chunk_bytes))
    assert b"".join(c for c, _ in chunks) == data
    assert sum(n for _, n in chunks) == len(data)
    assert all(c.endswith(b"\n") for c, _ in chunks[:-1])
    assert all(len(c) == n for c, n in chunks)


@pytest.mark.parametrize("max_lines", [1, 3, 999, 1000, 5000])
def test_iter_chunks_caps_the_lines_of_a_chunk(max_lines: int) -> None:
    chunks = list(iter_chunks(io.BytesIO(TEXT), 1 << 30, max_lines=max_lines))
    assert b"".join(c for c, _ in chunks) == TEXT
    assert [c.count(b"\n") for c, _ in chunks[:-1]] == [max_lines] * (len(chunks) - 1)
    assert 0 < chunks[-1][0].count(b"\n") <= max_lines


@pytest.mark.parametrize("chunk_bytes", [10, 4096, 1 << 20])
def test_iter_chunks_cuts_a_runaway_line_and_keeps_going(chunk_bytes: int) -> None:
    data = b"first\n" + b"\0" * 300_000 + b"\nlast\n" + b"x" * 5000
    stats = ChunkStats()
    chunks = list(iter_chunks(io.BytesIO(data), chunk_bytes, max_line_bytes=1000, stats=stats))
    text = b"".join(c for c, _ in chunks)
    assert text == b"first\n" + b"\0" * 1000 + b"\nlast\n" + b"x" * 1000
    assert sum(n for _, n in chunks) == len(data)  # offsets stay those of the file
    assert stats.long_lines == 2
    assert max(len(c) for c, _ in chunks) <= max(chunk_bytes, 1000) + 1000 + 12


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 64])
def test_iter_chunks_lone_cr_ends_a_line_when_asked(chunk_bytes: int) -> None:
    data = b"a\rb\r\nc\r\rd\ne\r"
    stats = ChunkStats()
    chunks = list(iter_chunks(io.BytesIO(data), chunk_bytes, lone_cr_ends_line=True, stats=stats))
    assert b"".join(c for c, _ in chunks) == b"a\nb\r\nc\n\nd\ne\n"
    assert sum(n for _, n in chunks) == len(data)
    assert stats.lone_cr == 4
    assert b"".join(c for c, _ in iter_chunks(io.BytesIO(data), chunk_bytes)) == data


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"MMSI,BaseDateTime,LAT,LON\n1,2", "csv"),
        (b'\xef\xbb\xbf\r\n"mmsi","Time stamp",lat_deg\n', "csv"),
        (b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n", "nmea"),
        (b"\\s:rORBCOMM000,c:1706659200*4B\\!AIVDM,1,1,,A,x,0*00\n", "nmea"),
        (b"2024-01-01 00:00:00,!AIVDM,1,1,,A,x,0*00\n", "nmea"),
        (b"a,b\n", "nmea"),
        (b"PK\x03\x04rest", "zip"),
        (b"", "nmea"),
    ],
)
def test_sniff_format(head: bytes, expected: str) -> None:
    assert sniff_format(head) == expected


@pytest.mark.parametrize("compress", [gzip.compress, lambda data: bz2.compress(data, 1)])  # bz2: 100 kB blocks
def test_a_truncated_compressed_file_reads_up_to_its_cut(compress: Callable[[bytes], bytes]) -> None:
    text = TEXT * 20
    whole = compress(text)
    stream = open_decompressed(io.BufferedReader(io.BytesIO(whole)))
    assert stream.read() == text and truncated_at(stream) is None
    cut = whole[: len(whole) * 2 // 3]
    stream = open_decompressed(io.BufferedReader(io.BytesIO(cut)))
    got = stream.read()
    assert 0 < len(got) < len(text) and text.startswith(got)
    assert truncated_at(stream) == len(cut)


def test_concatenated_gzip_members_and_zero_padding() -> None:
    data = gzip.compress(TEXT[:500]) + gzip.compress(TEXT[500:]) + b"\0" * 100
    stream = open_decompressed(io.BufferedReader(io.BytesIO(data)))
    assert stream.read() == TEXT and truncated_at(stream) is None
