"""Vectorised six-bit payload arithmetic (ITU-R M.1371-5, annex 8; IEC 61162-1 "armouring").

An AIS payload is a string of characters, each carrying six bits. These functions work on
many payloads at once: a payload matrix is a 2-D ``uint8`` array of six-bit values, one row
per message, padded with zeros on the right. Fields are read by bit offset and width, the
way the standard's tables give them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Six-bit value of every byte; 255 marks a byte outside the payload alphabet.
_ARMOUR = np.full(256, 255, dtype=np.uint8)
_ARMOUR[48:88] = np.arange(0, 40, dtype=np.uint8)  # '0'..'W'
_ARMOUR[96:120] = np.arange(40, 64, dtype=np.uint8)  # '`'..'w'

#: The six-bit text alphabet: value -> ASCII byte (ITU-R M.1371-5 table 47).
_TEXT = np.frombuffer(b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?", dtype=np.uint8)


def unarmour(chars: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Six-bit values of payload bytes; bytes outside the alphabet give 255."""
    values: npt.NDArray[np.uint8] = _ARMOUR[chars]
    return values


def take_rows(data: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.uint8]:
    """Rows ``data[starts[i]:starts[i] + width]`` as a matrix, copied row by row.

    Uses a sliding-window view, so no index matrix is built; ``data`` is padded with
    zeros when a row would run past its end.
    """
    if len(starts) == 0:
        return np.zeros((0, width), dtype=data.dtype)
    if int(starts.max()) + width > len(data):
        data = np.concatenate((data, np.zeros(width, dtype=data.dtype)))
    rows: npt.NDArray[np.uint8] = np.lib.stride_tricks.sliding_window_view(data, width)[starts]
    return rows


def payload_matrix(
    values: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64], width: int
) -> npt.NDArray[np.uint8]:
    """Rows of six-bit values for payloads ``values[starts[i]:ends[i]]``.

    Rows shorter than ``width`` characters are padded with zeros; longer rows are cut.
    """
    n = len(starts)
    out = np.zeros((n, width), dtype=np.uint8)
    if n == 0:
        return out
    lengths = np.minimum(ends - starts, width)
    if np.all(lengths == width):
        return take_rows(values, starts, width)
    rows = np.repeat(np.arange(n), lengths)
    cols = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[rows, cols] = values[starts[rows] + cols]
    return out


class Bits:
    """Many payloads packed into 60-bit words (ten six-bit characters a word).

    A field of up to 57 bits spans at most two words, so reading it is a few vectorised
    shifts whatever its position: the layout tables of ITU-R M.1371-5 are read directly by
    bit offset and width.
    """

    def __init__(self, matrix: npt.NDArray[np.uint8]) -> None:
        n, width = matrix.shape
        nwords = (width + 9) // 10
        words = np.zeros((n, nwords + 1), dtype=np.uint64)
        for w in range(nwords):
            acc = np.zeros(n, dtype=np.uint64)
            for k in range(10):
                col = w * 10 + k
                acc <<= np.uint64(6)
                if col < width:
                    acc |= matrix[:, col]
            words[:, w] = acc
        self.words = words
        self.n = n

    def uint(self, start: int, width: int) -> npt.NDArray[np.int64]:
        """Unsigned integer field of ``width`` bits (≤ 57) starting at bit ``start``."""
        w0, off = divmod(start, 60)
        end = off + width
        if end <= 60:
            value = self.words[:, w0] >> np.uint64(60 - end)
        else:
            value = (self.words[:, w0] << np.uint64(end - 60)) | (self.words[:, w0 + 1] >> np.uint64(120 - end))
        return (value & np.uint64((1 << width) - 1)).astype(np.int64)


def words_hash(bits: Bits, lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each payload from its packed words and its length in characters.

    Equal payloads of one message type (decoded at one matrix width) hash alike in every
    batch. Used to recognise the same transmission heard twice, never for security.
    """
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        h = lengths.astype(np.uint64) * np.uint64(0xFF51AFD7ED558CCD)
        for w in range(bits.words.shape[1]):
            h = (h ^ bits.words[:, w]) * mult
            h ^= h >> np.uint64(29)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(29)
    return h
