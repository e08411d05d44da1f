"""Make large benchmark recordings by repeating a real-looking one later in time.

A recording is copied ``k`` times; copy ``i`` has every tag-block ``c:`` time moved
``i * shift_s`` seconds later, with the tag-block checksum mended, so every copy is a
valid recording of new transmissions (nothing is a duplicate of an earlier copy).
Vectorised with numpy: gigabytes take about a minute.
"""

from __future__ import annotations

import numpy as np

_POW10 = 10 ** np.arange(9, -1, -1, dtype=np.int64)
_HEXDIGITS = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_HEXVAL = np.full(256, 0, dtype=np.uint8)
_HEXVAL[48:58] = np.arange(10)
_HEXVAL[65:71] = np.arange(10, 16)
_HEXVAL[97:103] = np.arange(10, 16)


def shift_times(data: bytes, shift_s: int) -> bytes:
    """``data`` with every 10-digit tag-block ``c:`` time moved by ``shift_s`` seconds."""
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    c = np.flatnonzero((buf[:-12] == ord("c")) & (buf[1:-11] == ord(":")))
    c = c[(c > 0) & ((buf[c - 1] == 92) | (buf[c - 1] == 44))]
    cols = c[:, None] + 2 + np.arange(10)
    digits = buf[cols].astype(np.int64) - 48
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1) & ~np.isin(buf[c + 12], np.arange(48, 58))
    c, cols, digits = c[ok], cols[ok], digits[ok]
    new = digits @ _POW10 + shift_s
    new_digits = (new[:, None] // _POW10) % 10 + 48
    old_x = np.bitwise_xor.reduce(digits + 48, axis=1)
    new_x = np.bitwise_xor.reduce(new_digits, axis=1)
    buf[cols] = new_digits.astype(np.uint8)
    stars = np.flatnonzero(buf == 42)
    star = stars[np.searchsorted(stars, c)]
    cs = _HEXVAL[buf[star + 1]].astype(np.int64) * 16 + _HEXVAL[buf[star + 2]]
    cs ^= old_x ^ new_x
    buf[star + 1] = _HEXDIGITS[cs >> 4]
    buf[star + 2] = _HEXDIGITS[cs & 15]
    return buf.tobytes()


def write_tiled(src: bytes, out_path: str, copies: int, shift_s: int) -> int:
    """Write ``copies`` time-shifted copies of ``src`` to ``out_path``; returns bytes written."""
    total = 0
    with open(out_path, "wb") as f:
        for i in range(copies):
            chunk = src if i == 0 else shift_times(src, i * shift_s)
            f.write(chunk)
            total += len(chunk)
    return total
