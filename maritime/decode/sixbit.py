"""Vectorised six-bit payload arithmetic (ITU-R M.1371-5, annex 8; IEC 61162-1 "armouring").

An AIS payload is a string of characters, each carrying six bits. These functions work on
many payloads at once: a payload matrix is a 2-D ``uint8`` array of six-bit values, one row
per message, padded with zeros on the right. Fields are read by bit offset and width, the
way the standard's tables give them.
"""

from __future__ import annotations

import numpy as np

#: Six-bit value of every byte; 255 marks a byte outside the payload alphabet.
_ARMOUR = np.full(256, 255, dtype=np.uint8)
_ARMOUR[48:88] = np.arange(0, 40, dtype=np.uint8)  # '0'..'W'
_ARMOUR[96:120] = np.arange(40, 64, dtype=np.uint8)  # '`'..'w'

#: The six-bit text alphabet: value -> ASCII byte (ITU-R M.1371-5 table 47).
_TEXT = np.frombuffer(
    b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?", dtype=np.uint8
)


def unarmour(chars: np.ndarray) -> np.ndarray:
    """Six-bit values of payload bytes; bytes outside the alphabet give 255."""
    return _ARMOUR[chars]


def gather_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the concatenation of the ranges ``[starts[i], starts[i] + lengths[i])``."""
    lengths = lengths.astype(np.int64, copy=False)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - before, lengths) + np.arange(int(lengths.sum()))


def payload_matrix(values: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """Rows of six-bit values for payloads ``values[starts[i]:ends[i]]``.

    Rows shorter than ``width`` characters are padded with zeros; longer rows are cut.
    """
    n = len(starts)
    out = np.zeros((n, width), dtype=np.uint8)
    if n == 0:
        return out
    lengths = np.minimum(ends - starts, width)
    if np.all(lengths == width):
        return values[starts[:, None] + np.arange(width)]
    rows = np.repeat(np.arange(n), lengths)
    cols = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[rows, cols] = values[starts[rows] + cols]
    return out


def uint_field(matrix: np.ndarray, start: int, width: int) -> np.ndarray:
    """Unsigned integer field of ``width`` bits (≤ 57) starting at bit ``start``."""
    first, last = start // 6, (start + width - 1) // 6
    acc = np.zeros(matrix.shape[0], dtype=np.uint64)
    for col in range(first, last + 1):
        acc = (acc << np.uint64(6)) | matrix[:, col].astype(np.uint64)
    acc >>= np.uint64(6 * (last + 1) - (start + width))
    return (acc & np.uint64((1 << width) - 1)).astype(np.int64)


def int_field(matrix: np.ndarray, start: int, width: int) -> np.ndarray:
    """Two's-complement signed integer field of ``width`` bits starting at bit ``start``."""
    raw = uint_field(matrix, start, width)
    sign = np.int64(1 << (width - 1))
    return (raw ^ sign) - sign


def text_field(matrix: np.ndarray, start: int, nchars: int) -> np.ndarray:
    """Six-bit text of ``nchars`` characters as Python strings (object array).

    Trailing ``@`` padding and surrounding spaces are removed, as pyais and gpsd do; an
    empty result is ``None``.
    """
    n = matrix.shape[0]
    codes = np.empty((n, nchars), dtype=np.uint8)
    for j in range(nchars):
        codes[:, j] = _TEXT[uint_field(matrix, start + 6 * j, 6)]
    raw = codes.view(f"S{nchars}").ravel()
    out = np.empty(n, dtype=object)
    cache: dict[bytes, str | None] = {}
    for i, b in enumerate(raw.tolist()):
        s = cache.get(b)
        if s is None and b not in cache:
            s = b.decode("ascii").rstrip("@").strip() or None
            cache[b] = s
        out[i] = s
    return out


def row_hash(matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each payload row (its first ``lengths[i]`` six-bit values).

    The result does not depend on the matrix width, so the same payload hashes alike in
    every batch.

    A polynomial hash modulo 2**64 with an odd multiplier and the length mixed in, then a
    final avalanche. Used to recognise the same payload heard twice, never for security.
    """
    mult = np.uint64(0x9E3779B97F4A7C15)
    h = np.zeros(matrix.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in range(matrix.shape[1]):
            h = h * mult + matrix[:, col].astype(np.uint64)
        # Padding zeros multiplied h by mult once per padded column: undo with the inverse.
        width = matrix.shape[1]
        inverse = pow(int(mult), -1, 1 << 64)
        undo = np.array([pow(inverse, k, 1 << 64) for k in range(width + 1)], dtype=np.uint64)
        h *= undo[width - np.minimum(lengths, width)]
        h ^= lengths.astype(np.uint64) * np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(29)
    return h
