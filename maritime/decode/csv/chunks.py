"""Cutting a CSV stream into its header and chunks of whole lines, and the lines of a chunk.

:func:`read_header` reads up to the first non-blank line (the header);
:func:`line_chunks` then cuts the rest with :func:`maritime.sources.files.iter_chunks`, the
line chunker the NMEA path uses too, into chunks of at most ``batch_rows`` lines, each line
ending with ``\\n``. A text stream or an iterable of lines is read as UTF-8 bytes.
:class:`Lines` gives a chunk's lines as Arrow arrays without copying them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from maritime.sources.files import iter_chunks


class _EncodedReader:
    """``read`` of a text stream, or of an iterable of lines, as UTF-8 bytes."""

    def __init__(self, read: Any = None, lines: Iterator[str | bytes] | None = None) -> None:
        self._read = read
        self._lines = lines
        self._rest = b""

    def read(self, size: int = -1, /) -> bytes:
        if self._read is not None:
            return _encode(self._read(size))
        assert self._lines is not None
        out = [self._rest]
        total = len(self._rest)
        for line in self._lines:
            piece = _encode(line)
            if not piece.endswith(b"\n"):
                piece += b"\n"
            out.append(piece)
            total += len(piece)
            if total >= size > 0:
                break
        data = b"".join(out)
        cut = len(data) if size < 0 else size
        self._rest = data[cut:]
        return data[:cut]


def _encode(piece: str | bytes) -> bytes:
    if isinstance(piece, str):
        return piece.encode("utf-8", errors="replace")
    return bytes(piece)


SourceOfLines = Any  # a text or binary stream, or an iterable of str / bytes lines


def read_header(stream: SourceOfLines, first_line_no: int) -> tuple[str | None, int, _EncodedReader | Any]:
    """``(header text, its line number, a reader of the bytes after it)``; the header is
    ``None`` when the stream holds only blank lines."""
    readable = hasattr(stream, "read") and hasattr(stream, "readline")
    it: Iterator[Any] | None = None if readable else iter(stream)
    line_no = first_line_no - 1
    while True:
        raw = stream.readline() if readable else next(it, None)  # type: ignore[arg-type]  # it is set when not readable
        if raw is None or (not raw and readable):
            break
        line_no += 1
        if isinstance(raw, (bytes, bytearray, memoryview)):
            text = bytes(raw).removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        else:
            text = raw
        if text.strip().lstrip("\ufeff").strip():
            return text, line_no, _reader(stream, it, readable)
    return None, line_no, _reader(stream, it, readable)


def _reader(stream: SourceOfLines, it: Iterator[Any] | None, readable: bool) -> Any:
    if not readable:
        return _EncodedReader(lines=it)
    if isinstance(stream.read(0), bytes):
        return stream
    return _EncodedReader(read=stream.read)


def line_chunks(reader: Any, batch_rows: int) -> Iterator[tuple[bytes, int]]:
    """Chunks of at most ``batch_rows`` whole lines (each ending with ``\\n``) and their count."""
    for data, _ in iter_chunks(reader, 1 << 62, max_lines=batch_rows):
        if not data.endswith(b"\n"):
            data += b"\n"
        yield data, data.count(b"\n")


class Lines:
    """The lines of a chunk as Arrow arrays, built on demand without copying the bytes.

    ``with_nl`` holds each line with its terminator (so a selection of it, taken, is again
    CSV text), ``text`` the line without ``\r\n``. Bytes that are not UTF-8 are replaced.
    """

    def __init__(self, data: bytes):
        self.data = data
        self._with_nl: pa.Array | None = None
        self._text: pa.Array | None = None

    @property
    def with_nl(self) -> pa.Array:
        if self._with_nl is None:
            arr = self._build(self.data)
            try:
                arr.validate(full=True)
            except pa.ArrowInvalid:  # not UTF-8: replace the bad bytes, keep the line breaks
                self.data = self.data.decode("utf-8", errors="replace").encode("utf-8")
                arr = self._build(self.data)
            self._with_nl = arr
        return self._with_nl

    def _build(self, data: bytes) -> pa.Array:
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        offsets = np.concatenate([[0], ends + 1]).astype(np.int64)
        return pa.Array.from_buffers(pa.large_string(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)])

    @property
    def text(self) -> pa.Array:
        if self._text is None:
            self._text = pc.utf8_rtrim(self.with_nl, characters="\r\n")
        return self._text

    def raw(self, idx: npt.NDArray[np.int64]) -> list[str]:
        """The selected lines without their terminators."""
        return [str(line) for line in self.text.take(pa.array(idx, type=pa.int64())).to_pylist()]

    def csv_of(self, idx: npt.NDArray[np.int64]) -> pa.Buffer:
        """The CSV text of the selected lines (each with its terminator)."""
        taken = self.with_nl.take(pa.array(idx, type=pa.int64()))
        offsets = np.frombuffer(taken.buffers()[1], dtype=np.int64)
        start, end = int(offsets[taken.offset]), int(offsets[taken.offset + len(taken)])
        return taken.buffers()[2].slice(start, end - start)


# A quoted field at the start of a field: "...", with "" for a quote inside.
