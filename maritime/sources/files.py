"""Recorded files: finding them, knowing them again, opening them and reading whole lines.

* :func:`expand_paths` turns the paths a user gave (files, folders, ``-``) into files;
* :func:`fingerprint` identifies a file by its content, so a renamed copy is known again;
* :func:`open_decompressed` reads gzip and bz2 transparently, recognised by their magic bytes;
* :func:`sniff_format` tells a CSV file from an NMEA one by its first line;
* :func:`sniff_format` tells a CSV file from an NMEA one by its first line, and a zip;
* :func:`iter_chunks` cuts a byte stream into chunks of whole lines, the one line chunker of
  the file readers (NMEA and CSV alike).

No decoding happens here: these are byte-level adapters for :mod:`maritime.ingest`.
"""

from __future__ import annotations

import bz2
import hashlib
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np

from maritime.errors import MaritimeError

__all__ = [
    "FILE_SUFFIXES",
    "MAX_LINE_BYTES",
    "ChunkStats",
    "FileError",
    "expand_paths",
    "fingerprint",
    "iter_chunks",
    "open_decompressed",
    "sniff_format",
    "truncated_at",
]

#: Names of the files a folder is searched for (compressed files by their last suffix).
FILE_SUFFIXES = (".nmea", ".ais", ".aivdm", ".txt", ".log", ".csv", ".gz", ".bz2", ".geojson")
_FINGERPRINT_SPAN = 1024 * 1024
#: Largest read (bytes) of :func:`iter_chunks` (a chunk of the NMEA path is one read).
READ_BYTES = 64 * 1024 * 1024
#: Longest line (bytes) a file reader passes on; the rest of a longer line is skipped. AIS
#: lines are under 100 bytes and a CSV row under 1 KiB, so 64 KiB only ever cuts garbage.
MAX_LINE_BYTES = 64 * 1024


class FileError(MaritimeError):
    """A path the user gave cannot be read as an AIS recording; the message says why."""


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def fingerprint(path: Path, salt: str = "") -> str:
    """sha256 of the size and the first and last MiB: cheap, and stable under renames.

    ``salt`` is mixed in, so that reading the same bytes with options that change what is
    stored (e.g. a CSV column mapping) gives a different fingerprint.
    """
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with open(path, "rb") as f:
        h.update(f.read(_FINGERPRINT_SPAN))
        if size > 2 * _FINGERPRINT_SPAN:
            f.seek(size - _FINGERPRINT_SPAN)
            h.update(f.read(_FINGERPRINT_SPAN))
        else:
            h.update(f.read())
    if salt:
        h.update(b"\0options\0" + salt.encode())
    return h.hexdigest()


def open_decompressed(raw: BinaryIO) -> BinaryIO:
    """``raw`` decompressed when its first bytes say gzip or bz2, else ``raw`` itself.

    A compressed file cut short is read up to the last byte that can be decompressed and then
    ends, without an error: :func:`truncated_at` says whether (and where) it was cut.
    Concatenated gzip members and bz2 streams are read one after the other.
    """
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    for kind, magic in _MAGIC.items():
        if head.startswith(magic):
            return io.BufferedReader(_Decompressed(raw, kind), buffer_size=1 << 20)
    return raw


def truncated_at(stream: BinaryIO) -> int | None:
    """The compressed byte offset where a stream from :func:`open_decompressed` was cut short,
    ``None`` when it was not (or is not compressed)."""
    inner = getattr(stream, "raw", None)
    return inner.truncated_at if isinstance(inner, _Decompressed) else None


_MAGIC = {"gzip": b"\x1f\x8b", "bz2": b"BZh"}


class _Decompressed(io.RawIOBase):
    """A gzip or bz2 stream, decompressed incrementally, tolerant of a missing end.

    At most :data:`_OUT_BYTES` are decompressed at a time, so a small compressed input that
    expands enormously (a long run of one byte) cannot exhaust memory.
    """

    def __init__(self, raw: BinaryIO, kind: str) -> None:
        self._raw = raw
        self._kind = kind
        self._dec = self._decompressor()
        self._input = b""  # compressed bytes read but not fed yet
        self._in_member = False  # inside a gzip member / bz2 stream not finished yet
        self._out = bytearray()
        self._pos = 0
        self._eof = False
        self._offset = 0  # compressed bytes read
        #: Compressed byte offset where the input ended inside a member, or ``None``.
        self.truncated_at: int | None = None

    def _decompressor(self) -> Any:
        return zlib.decompressobj(wbits=31) if self._kind == "gzip" else bz2.BZ2Decompressor()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos == len(self._out) and not self._eof:
            self._out.clear()
            self._pos = 0
            self._fill()
        n = min(len(buffer), len(self._out) - self._pos)
        buffer[:n] = memoryview(self._out)[self._pos : self._pos + n]
        self._pos += n
        return n

    def _read_raw(self) -> bytes:
        data = self._raw.read(_IN_BYTES)
        if not data:
            self._eof = True
            if self._in_member:
                self.truncated_at = self._offset
                if self._kind == "gzip":
                    self._out += self._dec.flush()
        elif self._offset and not self._in_member and not data.startswith(_MAGIC[self._kind]):
            self._eof = True  # padding or garbage after the last member: ignored, as gzip does
            data = b""
        self._offset += len(data)
        return data

    def _fill(self) -> None:
        """Decompress up to :data:`_OUT_BYTES` more, reading compressed input as needed."""
        dec = self._dec
        if self._input:
            data, self._input = self._input, b""
        elif self._kind == "gzip" or dec.needs_input:
            data = self._read_raw()
            if not data:
                return
        else:
            data = b""  # bz2 holds input it has not decompressed yet
        try:
            self._out += dec.decompress(data, _OUT_BYTES)
        except (zlib.error, OSError, EOFError) as exc:
            raise OSError(f"corrupt {self._kind} data before compressed byte {self._offset:,}: {exc}") from None
        if self._kind == "gzip" and not dec.eof:
            self._input = dec.unconsumed_tail
        if dec.eof:
            self._input = dec.unused_data
            self._dec = self._decompressor()
            self._in_member = False
            if self._input and not self._input.startswith(_MAGIC[self._kind]):
                self._input = b""
                self._eof = True  # padding or garbage after the last member: ignored
        else:
            self._in_member = True


#: Compressed bytes read at a time, and most bytes decompressed at a time.
_IN_BYTES = 1 << 20
_OUT_BYTES = 16 << 20


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named, files inside folders named (sorted, recursively), and ``-``."""
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(
                str(f)
                for f in path.rglob("*")
                if f.is_file() and not f.name.startswith(".") and f.name.lower().endswith(FILE_SUFFIXES)
            )
            if not found:
                raise FileError(f"{p}: folder holds no AIS files ({', '.join(FILE_SUFFIXES)})")
            out.extend(found)
        elif path.is_file():
            out.append(str(path))
        elif path.exists():
            raise FileError(f"{p}: not a regular file or folder")
        else:
            raise FileError(f"{p}: no such file or folder; check the path")
    return out


@dataclass(slots=True)
class ChunkStats:
    """What :func:`iter_chunks` changed in the bytes it read."""

    #: Lines longer than the cap, cut to it (the rest of each was skipped).
    long_lines: int = 0
    #: Lone carriage returns read as line ends.
    lone_cr: int = 0


_LONE_CR = re.compile(rb"\r(?!\n)")


# A header field: a name that starts with a letter or underscore (quotes and spaces allowed).
_HEADER_FIELD = re.compile(rb'^\s*"?[A-Za-z_][A-Za-z0-9_ ./()#%-]*"?\s*$')
_ZIP_MAGIC = b"PK\x03\x04"


def first_line(head: bytes) -> bytes:
    """The first non-blank line of ``head``, trimmed, without a UTF-8 byte-order mark."""
    for line in re.split(rb"\r\n|\r|\n", head.removeprefix(b"\xef\xbb\xbf")):
        if line.strip():
            return line.strip()
    return b""


def sniff_format(head: bytes) -> str:
    """``"zip"``, ``"csv"`` or ``"nmea"``: what the first bytes of a (decompressed) file are.

    A CSV header is at least three comma-separated names, each starting with a letter or an
    underscore, so an NMEA sentence (``!``, ``$`` or ``\\`` first) or a timestamped log line
    never is one. The columns are not checked here: the CSV decoder says which are missing.
    """
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    line = first_line(head)
    if line[:1] in (b"!", b"$", b"\\"):
        return "nmea"
    fields = line.split(b",")
    return "csv" if len(fields) >= 3 and all(_HEADER_FIELD.match(f) for f in fields) else "nmea"


def iter_chunks(
    stream: _Readable,
    chunk_bytes: int,
    max_lines: int | None = None,
    *,
    max_line_bytes: int = MAX_LINE_BYTES,
    lone_cr_ends_line: bool = False,
    stats: ChunkStats | None = None,
) -> Iterator[tuple[bytes, int]]:
    """Whole-line chunks of ``stream`` with the number of bytes of the stream each consumed.

    A chunk is about ``chunk_bytes`` long and holds at most ``max_lines`` lines (when given),
    but at least one whole line. Every chunk ends with ``\\n`` except possibly the last one of
    the stream. A line that runs past ``max_line_bytes`` without a line end is cut there and the
    rest of it skipped (so a runaway line cannot exhaust memory): the chunk is then shorter
    than the bytes it consumed. With ``lone_cr_ends_line`` a ``\\r`` not followed by ``\\n`` is
    a line end (it becomes ``\\n``, as on live feeds); otherwise only ``\\n`` ends a line.
    ``stats``, when given, counts what was cut or changed.
    """
    stats = stats if stats is not None else ChunkStats()
    buf = b""  # whole lines, then the start of an unfinished one
    lines = 0  # line ends in buf
    skips: list[tuple[int, int]] = []  # (position in buf, bytes skipped there)
    skipping = False  # inside an over-long line: drop bytes up to its end
    held = b""  # a trailing \r whose meaning depends on the next byte
    eof = False
    while True:
        while not eof and (lines == 0 or (len(buf) < chunk_bytes and (max_lines is None or lines < max_lines))):
            size = len(buf)
            block = stream.read(min(chunk_bytes - size if size < chunk_bytes else chunk_bytes, READ_BYTES))
            if not block:
                eof = True
                block, held = held, b""
                if not block:
                    break
            elif held:
                block, held = held + block, b""
            if lone_cr_ends_line:
                block, held = _lone_cr_to_lf(block, eof, stats)
            if skipping:
                end = block.find(b"\n")
                if end < 0:
                    skips.append((len(buf), len(block)))
                    continue
                skips.append((len(buf), end))
                block = block[end:]
                skipping = False
            start = buf.rfind(b"\n") + 1  # of the line the block continues
            buf = buf + block if buf else block
            new_lines = block.count(b"\n")
            lines += new_lines
            if new_lines and len(buf) - start > max_line_bytes and _may_hold_long_line(buf, start, max_line_bytes):
                buf = _cap_lines(buf, start, max_line_bytes, skips, stats)
            tail = buf.rfind(b"\n") + 1
            if len(buf) - tail > max_line_bytes:
                cut_at = tail + max_line_bytes
                skips.append((cut_at, len(buf) - cut_at))
                buf = buf[:cut_at]
                skipping = True
                stats.long_lines += 1
        if not buf:
            return
        if max_lines is not None and lines > max_lines:
            cut = _after_nth_newline(buf, max_lines)
        elif eof:
            cut = len(buf)
        else:
            cut = buf.rfind(b"\n") + 1
        whole = eof and cut == len(buf)
        skipped = sum(n for pos, n in skips if pos < cut or whole)
        skips = [] if whole else [(pos - cut, n) for pos, n in skips if pos >= cut]
        if cut == len(buf):
            yield buf, cut + skipped
            buf = b""
        else:
            yield buf[:cut], cut + skipped
            buf = buf[cut:]
        lines = buf.count(b"\n")


def _may_hold_long_line(buf: bytes, start: int, max_line_bytes: int) -> bool:
    """Whether ``buf[start:]`` may hold a line longer than ``max_line_bytes``: only if some
    aligned window of half that size holds no line end (a longer run of other bytes covers
    one), which a few hundred ``find`` calls rule out."""
    half = max(1, max_line_bytes // 2)
    for at in range(start, len(buf) - half + 1, half):
        if buf.find(b"\n", at, at + half) < 0:
            return True
    return False


def _cap_lines(buf: bytes, start: int, max_line_bytes: int, skips: list[tuple[int, int]], stats: ChunkStats) -> bytes:
    """``buf`` with the complete lines of ``buf[start:]`` longer than ``max_line_bytes`` cut to
    that length, the bytes removed recorded in ``skips``."""
    region = np.frombuffer(buf, dtype=np.uint8, offset=start)
    ends = np.flatnonzero(region == 10) + start
    starts = np.concatenate([[start], ends[:-1] + 1])
    long = np.flatnonzero(ends - starts > max_line_bytes)
    pieces: list[bytes] = []
    kept_to = removed = 0
    for i in long.tolist():
        at, end = int(starts[i]) + max_line_bytes, int(ends[i])
        pieces.append(buf[kept_to:at])
        skips.append((at - removed, end - at))
        removed += end - at
        kept_to = end
        stats.long_lines += 1
    pieces.append(buf[kept_to:])
    return b"".join(pieces)


def _after_nth_newline(buf: bytes, n: int) -> int:
    """The position just after the ``n``-th ``\\n`` of ``buf`` (which has more than ``n``)."""
    ends = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
    return int(ends[n - 1]) + 1


def _lone_cr_to_lf(block: bytes, final: bool, stats: ChunkStats) -> tuple[bytes, bytes]:
    """``block`` with lone ``\\r`` as ``\\n`` (same length), and a trailing ``\\r`` held back
    unless ``final`` (the next block says whether a ``\\n`` follows it)."""
    held = b""
    if block.endswith(b"\r") and not final:
        block, held = block[:-1], b"\r"
    if _LONE_CR.search(block):  # (a regex search runs at GB/s; counting \r\n does not)
        block, n = _LONE_CR.subn(b"\n", block)
        stats.lone_cr += n
    return block, held
