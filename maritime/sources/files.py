"""Recorded files: finding them, knowing them again, opening them and reading whole lines.

* :func:`expand_paths` turns the paths a user gave (files, folders, ``-``) into files;
* :func:`fingerprint` identifies a file by its content, so a renamed copy is known again;
* :func:`open_decompressed` reads gzip and bz2 transparently, recognised by their magic bytes;
* :func:`sniff_format` tells a CSV file from an NMEA one by its first line;
* :func:`iter_chunks` cuts a byte stream into chunks of whole lines, the one line chunker of
  the file readers (NMEA and CSV alike).

No decoding happens here: these are byte-level adapters for :mod:`maritime.ingest`.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from maritime.errors import MaritimeError

__all__ = [
    "FILE_SUFFIXES",
    "FileError",
    "expand_paths",
    "fingerprint",
    "iter_chunks",
    "open_decompressed",
    "sniff_format",
]

#: Names of the files a folder is searched for (compressed files by their last suffix).
FILE_SUFFIXES = (".nmea", ".ais", ".aivdm", ".txt", ".log", ".csv", ".gz", ".bz2")
_FINGERPRINT_SPAN = 1024 * 1024
#: Largest read (bytes) of :func:`iter_chunks`.
READ_BYTES = 8 * 1024 * 1024


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
    """Wrap ``raw`` in a gzip or bz2 reader when its first bytes say it is compressed."""
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if head[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]  # GzipFile is a BinaryIO in all but name
    if head[:3] == b"BZh":
        return bz2.BZ2File(raw)  # type: ignore[return-value]  # as above
    return raw


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


# A header field: a name that starts with a letter or underscore (quotes and spaces allowed).
_HEADER_FIELD = re.compile(rb'^\s*"?[A-Za-z_][A-Za-z0-9_ ./()#-]*"?\s*$')


def first_line(head: bytes) -> bytes:
    """The first non-blank line of ``head`` without its terminator or a UTF-8 byte-order mark."""
    for line in re.split(rb"\r\n|\r|\n", head.removeprefix(b"\xef\xbb\xbf")):
        if line.strip():
            return line.strip()
    return b""


def sniff_format(head: bytes) -> str:
    """``"csv"`` when the first line of ``head`` is a CSV header, else ``"nmea"``.

    A CSV header is at least three comma-separated names, each starting with a letter (so an
    NMEA sentence, which starts with ``!``, ``$`` or ``\\``, never is one). The columns are not
    checked here: :mod:`maritime.decode.csv` says which are missing.
    """
    line = first_line(head)
    if line[:1] in (b"!", b"$", b"\\"):
        return "nmea"
    fields = line.split(b",")
    return "csv" if len(fields) >= 3 and all(_HEADER_FIELD.match(f) for f in fields) else "nmea"


def iter_chunks(stream: _Readable, chunk_bytes: int, max_lines: int | None = None) -> Iterator[tuple[bytes, int]]:
    """Whole-line chunks of ``stream`` with the number of bytes each consumed.

    A chunk is about ``chunk_bytes`` long and holds at most ``max_lines`` lines (when given),
    but at least one whole line however long. Every chunk ends with ``\\n`` except possibly
    the last one of the stream. Only ``\\n`` ends a line here.
    """
    pieces: list[bytes] = []
    size = 0  # bytes in pieces
    lines = 0  # newlines in pieces
    eof = False
    while True:
        while not eof and (lines == 0 or (size < chunk_bytes and (max_lines is None or lines < max_lines))):
            block = stream.read(min(chunk_bytes - size if size < chunk_bytes else chunk_bytes, READ_BYTES))
            if not block:
                eof = True
                break
            pieces.append(block)
            size += len(block)
            lines += block.count(b"\n")
        if not pieces:
            return
        data = b"".join(pieces)
        if max_lines is not None and lines > max_lines:
            cut = int(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)[max_lines - 1]) + 1
        elif eof:
            cut = len(data)
        else:
            cut = data.rfind(b"\n") + 1
        yield data[:cut], cut
        rest = data[cut:]
        pieces = [rest] if rest else []
        size = len(rest)
        lines = rest.count(b"\n")
