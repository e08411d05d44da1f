"""Vectorised framing of a chunk of NMEA lines into sentence columns.

The canonical shape of a recorded AIS line, ``[\\tag block\\]!xxVDM,n,m,s,c,payload,f*hh``,
is framed for a whole chunk at once with numpy: delimiter positions, field bounds, both XOR
checksums (from one cumulative XOR over the chunk) and the tag-block ``c:``, ``s:`` and
``g:`` fields. Every line that is not exactly that shape and valid (wrappers, trailers,
GPS sentences, junk and every kind of error) goes to the reference parser
:func:`maritime.decode.nmea.parse_line`, so both paths give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maritime.decode.nmea import MAX_PLAUSIBLE_S, MIN_PLAUSIBLE_S
from maritime.decode.sixbit import take_rows, unarmour

_PAD = 64
_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[48:58] = np.arange(10)
_HEX[65:71] = np.arange(10, 16)
_HEX[97:103] = np.arange(10, 16)


@dataclass(slots=True)
class Lines:
    """Line bounds of a chunk: ``buf[start[i]:end[i]]`` is line ``i`` without CR/LF."""

    buf: np.ndarray  # the chunk's bytes followed by _PAD zero bytes
    start: np.ndarray
    end: np.ndarray


@dataclass(slots=True)
class FastSentences:
    """Columns of the sentences framed by the vectorised path (one per accepted line)."""

    line: np.ndarray  # line index in the chunk
    nfrag: np.ndarray
    frag: np.ndarray
    seq: np.ndarray  # -1 when empty
    channel: np.ndarray  # byte value, 0 when empty
    values: np.ndarray  # six-bit values of the payloads of all candidate lines
    val_start: np.ndarray  # this sentence's payload is values[val_start:val_end]
    val_end: np.ndarray
    fill: np.ndarray
    time_us: np.ndarray  # int64, -1 when the line carries no time
    station_start: np.ndarray  # -1 when no s: field
    station_end: np.ndarray
    group_part: np.ndarray  # -1 when no g: field
    group_total: np.ndarray
    group_id: np.ndarray
    dummy_checksums: int  # tag blocks accepted with the placeholder checksum *00


def split_lines(data: bytes) -> Lines:
    """Bounds of every line in ``data`` (LF or CRLF endings; a last line may lack one)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    buf = np.zeros(len(raw) + _PAD, dtype=np.uint8)
    buf[: len(raw)] = raw
    newlines = np.flatnonzero(raw == 10)
    ends = newlines
    if len(raw) and raw[-1] != 10:
        ends = np.append(newlines, len(raw))
    starts = np.empty(len(ends), dtype=np.int64)
    if len(ends):
        starts[0] = 0
        starts[1:] = newlines[: len(ends) - 1] + 1
    ends = ends.astype(np.int64)
    has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    ends = ends - has_cr
    return Lines(buf=buf, start=starts, end=ends)


def _digits(buf: np.ndarray, start: np.ndarray, end: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Parse decimal digits ``buf[start:end]`` (at most ``width``) → (value, all_digits)."""
    value = np.zeros(len(start), dtype=np.int64)
    ok = (end - start >= 1) & (end - start <= width)
    for j in range(width):
        inside = start + j < end
        d = buf[np.minimum(start + j, len(buf) - 1)].astype(np.int64) - 48
        ok &= ~inside | ((d >= 0) & (d <= 9))
        value = np.where(inside, value * 10 + d, value)
    return value, ok


def frame_fast(lines: Lines, *, accept_dummy_tag_checksum: bool = False) -> tuple[FastSentences, np.ndarray]:
    """Frame the canonical lines of a chunk.

    Returns the framed sentences and a boolean mask of the lines left for the reference
    parser.
    """
    buf, ls, le = lines.buf, lines.start, lines.end
    n = len(ls)
    size = len(buf) - _PAD
    body = buf[:size]
    ok = le - ls >= 20

    # Tag block: "\...\" at the start of the line, exactly two backslashes on the line.
    backslashes = np.flatnonzero(body == 92)
    bs_lo = np.searchsorted(backslashes, ls)
    bs_count = np.searchsorted(backslashes, le) - bs_lo
    has_tag = buf[ls] == 92
    ok &= np.where(has_tag, bs_count == 2, bs_count == 0)
    bs_pad = np.append(backslashes, [size, size]).astype(np.int64)
    tag_end = np.where(has_tag, bs_pad[np.minimum(bs_lo + 1, len(bs_pad) - 1)], ls - 1)
    ss = np.where(has_tag, tag_end + 1, ls)  # sentence start ('!' or '$')
    ss = np.minimum(ss, size)

    # Sentence header "!xxVD[MO],"
    ok &= (buf[ss] == 33) | (buf[ss] == 36)
    for k in (1, 2):
        ok &= (buf[ss + k] >= 65) & (buf[ss + k] <= 90)
    ok &= (buf[ss + 3] == 86) & (buf[ss + 4] == 68) & ((buf[ss + 5] == 77) | (buf[ss + 5] == 79))
    ok &= buf[ss + 6] == 44

    # The six commas of the sentence, then "f*hh" and the end of the line.
    commas = np.flatnonzero(body == 44)
    c_pad = np.append(commas, np.full(8, size)).astype(np.int64)
    k0 = np.searchsorted(commas, ss)
    ok &= np.searchsorted(commas, le) - k0 == 6
    c = [c_pad[np.minimum(k0 + j, len(c_pad) - 1)] for j in range(6)]
    star = c[5] + 2
    ok &= c[0] == ss + 6
    ok &= le == c[5] + 5
    ok &= buf[np.minimum(star, size)] == 42
    nfrag = buf[c[0] + 1].astype(np.int16) - 48
    frag = buf[c[1] + 1].astype(np.int16) - 48
    ok &= (c[1] == c[0] + 2) & (c[2] == c[1] + 2)
    ok &= (nfrag >= 1) & (nfrag <= 9) & (frag >= 1) & (frag <= nfrag)
    seq_len = c[3] - c[2] - 1
    seq = np.where(seq_len == 1, buf[c[2] + 1].astype(np.int16) - 48, -1)
    ok &= (seq_len == 0) | ((seq_len == 1) & (seq >= 0) & (seq <= 9))
    chan_len = c[4] - c[3] - 1
    ok &= chan_len <= 1
    channel = np.where(chan_len == 1, buf[c[3] + 1], 0).astype(np.uint8)
    pay_start, pay_end = c[4] + 1, c[5]
    ok &= pay_end > pay_start
    fill = buf[c[5] + 1].astype(np.int16) - 48
    ok &= (fill >= 0) & (fill <= 5)

    # Checksums from one cumulative XOR: xor(buf[a:b]) = cx[b-1] ^ cx[a-1].
    cx = np.bitwise_xor.accumulate(body) if size else np.zeros(1, dtype=np.uint8)
    cx = np.append(cx, np.zeros(_PAD, dtype=np.uint8))
    star_c = np.minimum(star, size)
    want = _HEX[buf[star_c + 1]].astype(np.int16) * 16 + _HEX[buf[star_c + 2]]
    ok &= (_HEX[buf[star_c + 1]] != 255) & (_HEX[buf[star_c + 2]] != 255)
    ok &= (cx[np.maximum(star_c - 1, 0)] ^ cx[ss]) == want

    time_us = np.full(n, -1, dtype=np.int64)
    st_start = np.full(n, -1, dtype=np.int64)
    st_end = np.full(n, -1, dtype=np.int64)
    g_part = np.full(n, -1, dtype=np.int16)
    g_total = np.full(n, -1, dtype=np.int16)
    g_id = np.full(n, -1, dtype=np.int64)

    dummy_lines = np.zeros(n, dtype=bool)
    tagged = np.flatnonzero(ok & has_tag)
    if len(tagged):
        t_ls, t_end = ls[tagged], tag_end[tagged]
        t_star = t_end - 3
        t_ok = buf[t_star] == 42
        t_want = _HEX[buf[t_star + 1]].astype(np.int16) * 16 + _HEX[buf[t_star + 2]]
        t_ok &= (_HEX[buf[t_star + 1]] != 255) & (_HEX[buf[t_star + 2]] != 255)
        t_sum = cx[np.maximum(t_star - 1, 0)] ^ cx[t_ls]
        good_sum = t_sum == t_want
        if accept_dummy_tag_checksum:
            dummy = (t_want == 0) & ~good_sum
            good_sum |= dummy
            dummy_lines[tagged[dummy]] = True
        t_ok &= good_sum
        # Tag fields "k:value" separated by commas, between the opening '\' and '*'.
        in_tag_commas_lo = np.searchsorted(commas, t_ls)
        in_tag_commas_hi = np.searchsorted(commas, t_star)
        n_commas = in_tag_commas_hi - in_tag_commas_lo
        owner = np.repeat(np.arange(len(tagged)), n_commas + 1)
        first = np.cumsum(n_commas + 1) - (n_commas + 1)
        rank = np.arange(len(owner)) - first[owner]
        comma_idx = in_tag_commas_lo[owner] + rank - 1
        f_start = np.where(rank == 0, t_ls[owner] + 1, c_pad[np.maximum(comma_idx, 0)] + 1)
        f_end = np.where(
            rank == n_commas[owner], t_star[owner], c_pad[np.minimum(comma_idx + 1, len(c_pad) - 1)]
        )
        key = buf[f_start]
        f_ok = (buf[f_start + 1] == 58) & (f_end - f_start >= 2)
        bad_owner = np.bincount(owner[~f_ok], minlength=len(tagged)) > 0
        t_ok &= ~bad_owner
        for letter in (b"c", b"s", b"g"):
            dup = np.bincount(owner[key == letter[0]], minlength=len(tagged)) > 1
            t_ok &= ~dup
        # c: UNIX seconds (10 digits) or milliseconds (13 digits)
        is_c = np.flatnonzero(key == ord("c"))
        value, digits_ok = _digits(buf, f_start[is_c] + 2, f_end[is_c], 13)
        width = f_end[is_c] - f_start[is_c] - 2
        us = np.where(width == 13, value * 1000, value * 1_000_000)
        c_ok = digits_ok & ((width == 10) | (width == 13))
        c_ok &= (us >= MIN_PLAUSIBLE_S * 1_000_000) & (us <= MAX_PLAUSIBLE_S * 1_000_000)
        t_ok[owner[is_c][~c_ok]] = False
        time_us[tagged[owner[is_c]]] = us
        # s: station
        is_s = np.flatnonzero(key == ord("s"))
        st_start[tagged[owner[is_s]]] = f_start[is_s] + 2
        st_end[tagged[owner[is_s]]] = f_end[is_s]
        # g: part-total-id
        is_g = np.flatnonzero(key == ord("g"))
        gs = f_start[is_g] + 2
        part = buf[gs].astype(np.int16) - 48
        total = buf[gs + 2].astype(np.int16) - 48
        gid, gid_ok = _digits(buf, gs + 4, f_end[is_g], 12)
        g_ok = (buf[gs + 1] == 45) & (buf[gs + 3] == 45) & gid_ok
        g_ok &= (part >= 1) & (total <= 9) & (part <= total)
        owner_line = tagged[owner[is_g]]
        g_ok &= (part == frag[owner_line]) & (total == nfrag[owner_line])
        t_ok[owner[is_g][~g_ok]] = False
        g_part[owner_line], g_total[owner_line], g_id[owner_line] = part, total, gid
        ok[tagged[~t_ok]] = False

    # Payload characters: six-bit values of the candidates' payloads, in one gather. A line
    # with a character outside the alphabet goes to the reference parser.
    # Payloads are taken as rows of equal length (one copy per length, no index arrays).
    idx = np.flatnonzero(ok)
    pay_len = (pay_end - pay_start)[idx]
    val_start = np.zeros(len(idx), dtype=np.int64)
    blocks = []
    base = 0
    keep = np.ones(len(idx), dtype=bool)
    for length in np.unique(pay_len).tolist():
        members = np.flatnonzero(pay_len == length)
        rows = unarmour(take_rows(body, pay_start[idx[members]], length))
        keep[members[(rows == 255).any(axis=1)]] = False
        val_start[members] = base + np.arange(len(members)) * length
        base += rows.size
        blocks.append(rows.ravel())
    values = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.uint8)
    ok[idx[~keep]] = False
    idx, val_start = idx[keep], val_start[keep]
    val_end = val_start + pay_len[keep]
    fast = FastSentences(
        line=idx,
        nfrag=nfrag[idx],
        frag=frag[idx],
        seq=seq[idx],
        channel=channel[idx],
        values=values,
        val_start=val_start,
        val_end=val_end,
        fill=fill[idx],
        time_us=time_us[idx],
        station_start=st_start[idx],
        station_end=st_end[idx],
        group_part=g_part[idx],
        group_total=g_total[idx],
        group_id=g_id[idx],
        dummy_checksums=int(np.count_nonzero(dummy_lines[idx])),
    )
    return fast, ~ok
