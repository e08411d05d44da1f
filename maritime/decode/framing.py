"""Fast framing of a chunk of NMEA lines into sentence columns.

The canonical shape of a recorded AIS line, ``[\\tag block\\]!xxVDM,n,m,s,c,payload,f*hh``,
with an optional trailer after the checksum (USCG NAIS, exactEarth: ``,s…,r…,unix_time``),
is framed for a whole chunk in one compiled pass (numba): field bounds, both XOR checksums,
the tag-block ``c:``, ``s:`` and ``g:`` fields, the trailer's time and receiver, and the
payload's six-bit values. Every line that is not exactly that shape and valid (wrappers,
GPS sentences, junk and every kind of error) goes to the reference parser
:func:`maritime.decode.nmea.parse_line`, so both paths give the same answer; a test holds
them to it on every line of the real corpus and on seeded mutations.

numba is used here because framing is byte-by-byte work on variable-length lines: numpy
needs a hundred whole-chunk passes for it, a compiled loop needs one (about ten times
faster). The kernel is cached on disk after its first compilation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from maritime.decode.nmea import MAX_PLAUSIBLE_S, MIN_PLAUSIBLE_S
from maritime.decode.sixbit import _ARMOUR

_PAD = 64

_U8 = npt.NDArray[np.uint8]
_I16 = npt.NDArray[np.int16]
_I64 = npt.NDArray[np.int64]
_Bool = npt.NDArray[np.bool_]


@dataclass(slots=True)
class Lines:
    """Line bounds of a chunk: ``buf[start[i]:end[i]]`` is line ``i`` without CR/LF."""

    buf: _U8  # the chunk's bytes followed by _PAD zero bytes
    start: _I64
    end: _I64

    def raw(self, i: int) -> bytes:
        """Line ``i`` as bytes."""
        return bytes(self.buf[self.start[i] : self.end[i]])


@dataclass(slots=True)
class FastSentences:
    """Columns of the sentences framed by the vectorised path (one per accepted line)."""

    line: _I64  # line index in the chunk
    nfrag: _I16
    frag: _I16
    seq: _I16  # -1 when empty
    channel: _U8  # byte value, 0 when empty
    values: _U8  # six-bit values of the payloads of all candidate lines
    val_start: _I64  # this sentence's payload is values[val_start:val_end]
    val_end: _I64
    fill: _I16
    time_us: _I64  # -1 when the line carries no time
    station_start: _I64  # -1 when no s: field
    station_end: _I64
    station_hash: npt.NDArray[np.uint64]  # 64-bit FNV-1a of the station name, 0 when none
    group_part: _I16  # -1 when no g: field
    group_total: _I16
    group_id: _I64
    dummy_checksums: int  # tag blocks accepted with the placeholder checksum *00


def split_lines(data: bytes) -> Lines:
    """Bounds of every line in ``data``: LF, CRLF and a lone CR each end a line (as on live
    feeds); a last line may lack an ending."""
    raw = np.frombuffer(data, dtype=np.uint8)
    buf = np.zeros(len(raw) + _PAD, dtype=np.uint8)
    buf[: len(raw)] = raw
    # a line ends at each LF and at each CR not followed by an LF (buf's padding is zeros)
    ends = np.flatnonzero(raw == 10)
    cr = np.flatnonzero(raw == 13)
    lone_cr = cr[buf[cr + 1] != 10]
    if len(lone_cr):
        ends = np.sort(np.concatenate((ends, lone_cr)))
    terminators = ends
    if len(raw) and raw[-1] != 10 and raw[-1] != 13:
        ends = np.append(ends, len(raw))
    starts = np.empty(len(ends), dtype=np.int64)
    if len(ends):
        starts[0] = 0
        starts[1:] = terminators[: len(ends) - 1] + 1
    ends = ends.astype(np.int64)
    has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13) & (buf[ends] == 10)
    ends = ends - has_cr
    return Lines(buf=buf, start=starts, end=ends)


_MIN_US = MIN_PLAUSIBLE_S * 1_000_000
_MAX_US = MAX_PLAUSIBLE_S * 1_000_000


@numba.njit(cache=True, inline="always")
def _hex(c: int) -> int:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


@numba.njit(cache=True, inline="always")
def _digits(buf: _U8, a: int, b: int) -> int:
    """The decimal number in ``buf[a:b]`` (non-empty), or -1 if a byte is not a digit."""
    v = 0
    for q in range(a, b):
        d = int(buf[q]) - 48
        if d < 0 or d > 9:
            return -1
        v = v * 10 + d
    return v if b > a else -1


@numba.njit(cache=True, inline="always")
def _fnv1a(buf: _U8, a: int, b: int) -> np.uint64:
    """64-bit FNV-1a hash of ``buf[a:b]`` (a station name)."""
    hsh = np.uint64(14695981039346656037)
    for q in range(a, b):
        hsh = (hsh ^ np.uint64(buf[q])) * np.uint64(1099511628211)
    return hsh


@numba.njit(cache=True, inline="always")
def _trailer(buf: _U8, p: int, e: int, min_us: int, max_us: int) -> tuple[bool, int, int, int]:
    """The trailer ``buf[p:e]`` after a sentence's checksum (``,field,...,last``).

    The last field, when all digits, is the receive time (seconds, or milliseconds from 12
    digits on); the last ``r...`` field before it is the receiver. Only printable ASCII
    other than ``! $ \\`` is taken here (no second sentence can start). Returns (taken,
    time µs or -1, receiver start or -1, receiver end).
    """
    t_time = -1
    t_st_start = -1
    t_st_end = -1
    if buf[p] != 44:
        return False, t_time, t_st_start, t_st_end
    f = p + 1
    while True:
        fe = f
        while fe < e and buf[fe] != 44:
            c = buf[fe]
            if c <= 32 or c > 126 or c == 33 or c == 36 or c == 92:
                return False, t_time, t_st_start, t_st_end
            fe += 1
        if fe >= e:
            width = fe - f
            if width > 18:  # not a time, or an implausible one: the reference decides
                return False, t_time, t_st_start, t_st_end
            if width > 0:
                v = _digits(buf, f, fe)
                if v >= 0:
                    # compare in the value's own unit: v * 1000 can overflow int64
                    scale = 1000 if width >= 12 else 1_000_000
                    if v < min_us // scale or v > max_us // scale:
                        return False, t_time, t_st_start, t_st_end  # bad_time
                    t_time = v * scale
                    if t_time < min_us or t_time > max_us:
                        return False, -1, t_st_start, t_st_end  # bad_time
            return True, t_time, t_st_start, t_st_end
        if buf[f] == 114 and fe - f > 1:  # r: receiver id
            t_st_start = f
            t_st_end = fe
        f = fe + 1


@numba.njit(cache=True, inline="always")
def _tag_block(
    buf: _U8, a: int, tag_end: int, fr: int, nf: int, accept_dummy: bool, min_us: int, max_us: int
) -> tuple[bool, bool, int, int, int, np.uint64, int, int, int]:
    """The tag block ``buf[a:tag_end + 1]`` (``\\k:v,...*hh\\``) of a sentence that is
    fragment ``fr`` of ``nf``: its checksum and its ``c:``, ``s:`` and ``g:`` fields.

    Returns (taken, placeholder checksum accepted, time µs or -1, station start or -1,
    station end, station hash, group part, total and id or -1).
    """
    dummy = False
    time_us = -1
    st_start = -1
    st_end = -1
    st_hash = np.uint64(0)
    gp_out = -1
    gt_out = -1
    gid = -1
    t_star = tag_end - 3
    if t_star <= a or buf[t_star] != 42:
        return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
    h1 = _hex(buf[t_star + 1])
    h2 = _hex(buf[t_star + 2])
    if h1 < 0 or h2 < 0:
        return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
    x = 0
    for q in range(a + 1, t_star):
        x ^= buf[q]
    want = h1 * 16 + h2
    if x != want:
        if not (accept_dummy and want == 0):
            return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
        dummy = True
    n_c = 0
    n_s = 0
    n_g = 0
    f = a + 1
    while True:  # every field, an empty last one included
        fe = f
        while fe < t_star and buf[fe] != 44:
            fe += 1
        if fe - f < 2 or buf[f + 1] != 58 or buf[f] == 58:  # a one-byte key, then ":"
            return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
        key = buf[f]
        if key == 99:  # c: UNIX seconds (10 digits) or milliseconds (13 digits)
            n_c += 1
            width = fe - f - 2
            v = _digits(buf, f + 2, fe)
            us = v * 1000 if width == 13 else v * 1_000_000
            if (width != 10 and width != 13) or v < 0 or us < min_us or us > max_us:
                return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
            time_us = us
        elif key == 115:  # s: station
            n_s += 1
            st_start = f + 2
            st_end = fe
            st_hash = _fnv1a(buf, f + 2, fe) if fe > f + 2 else np.uint64(0)
        elif key == 103:  # g: part-total-id
            n_g += 1
            gp = int(buf[f + 2]) - 48
            gt = int(buf[f + 4]) - 48
            if fe - f < 7 or buf[f + 3] != 45 or buf[f + 5] != 45 or fe - (f + 6) > 12:
                return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
            v = _digits(buf, f + 6, fe)
            if not (1 <= gp <= gt <= 9) or gp != fr or gt != nf or v < 0:
                return False, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid
            gp_out = gp
            gt_out = gt
            gid = v
        if fe >= t_star:
            break
        f = fe + 1
    good = n_c <= 1 and n_s <= 1 and n_g <= 1
    return good, dummy, time_us, st_start, st_end, st_hash, gp_out, gt_out, gid


@numba.njit(cache=True, inline="always")
def _header(buf: _U8, ss: int) -> tuple[int, int, int, int, int]:
    """The fixed fields of ``!xxVD[MO],n,m,s,c,`` at ``buf[ss]`` (a letter talker): fragment
    count, number, sequence id (-1: empty), channel byte (0: empty) and the payload's start,
    which is -1 when the line is not of that shape (then the reference parser decides)."""
    if not (buf[ss] == 33 or buf[ss] == 36):
        return 0, 0, -1, 0, -1
    if not (65 <= buf[ss + 1] <= 90 and 65 <= buf[ss + 2] <= 90):
        return 0, 0, -1, 0, -1
    if not (buf[ss + 3] == 86 and buf[ss + 4] == 68 and (buf[ss + 5] == 77 or buf[ss + 5] == 79)):
        return 0, 0, -1, 0, -1
    if buf[ss + 6] != 44 or buf[ss + 8] != 44 or buf[ss + 10] != 44:
        return 0, 0, -1, 0, -1
    nf = int(buf[ss + 7]) - 48
    fr = int(buf[ss + 9]) - 48
    if not (1 <= nf <= 9 and 1 <= fr <= nf):
        return 0, 0, -1, 0, -1
    p = ss + 11
    sq = -1
    if buf[p] != 44:
        sq = int(buf[p]) - 48
        if not (0 <= sq <= 9) or buf[p + 1] != 44:
            return 0, 0, -1, 0, -1
        p += 1
    p += 1
    ch = 0
    if buf[p] != 44:
        ch = int(buf[p])
        if ch == 92 or buf[p + 1] != 44:  # no second tag block can start here
            return 0, 0, -1, 0, -1
        p += 1
    return nf, fr, sq, ch, p + 1


@numba.njit(cache=True)
def _frame_kernel(
    buf: _U8,
    ls: _I64,
    le: _I64,
    armour: _U8,
    accept_dummy: bool,
    min_us: int,
    max_us: int,
    ok: _Bool,
    line: _I64,
    nfrag: _I16,
    frag: _I16,
    seq: _I16,
    chan: _U8,
    fill: _I16,
    time_us: _I64,
    st_start: _I64,
    st_end: _I64,
    st_hash: npt.NDArray[np.uint64],
    g_part: _I16,
    g_total: _I16,
    g_id: _I64,
    dummy: _Bool,
    val_start: _I64,
    val_end: _I64,
    values: _U8,
) -> int:
    """One pass over the lines; marks the accepted lines in ``ok`` and writes their columns
    one after the other (row ``k`` is the ``k``-th accepted line, ``line[k]`` its index).
    Returns the number of lines accepted; the payloads' six-bit values fill ``values``."""
    n_values = 0
    k = 0
    for i in range(len(ls)):
        a = ls[i]
        e = le[i]
        ok[i] = False  # a line's columns are written only when it is accepted
        l_time = -1
        l_st_start = -1
        l_st_end = -1
        l_st_hash = np.uint64(0)
        l_gp = -1
        l_gt = -1
        l_gid = -1
        l_dummy = False
        if e - a < 20:
            continue
        # -- tag block ---------------------------------------------------------------
        ss = a
        tag_end = -1
        if buf[a] == 92:
            p = a + 1
            while p < e and buf[p] != 92:
                p += 1
            if p >= e:
                continue
            tag_end = p
            ss = p + 1
        if e - ss < 16:
            continue
        # -- sentence "!xxVD[MO],n,m,s,c,payload,f*hh" ----------------------------------
        # No other backslash may follow: the fixed fields, digits, payload characters and
        # checksum checked below cannot be one, so only the channel byte is checked for it.
        nf, fr, sq, ch, p = _header(buf, ss)
        if p < 0:
            continue
        # -- payload: six-bit values, every character in the alphabet; the checksum (XOR
        # of the bytes between '!' and '*') is summed on the way ----------------------------
        x = 0
        for q in range(ss + 1, p):
            x ^= buf[q]
        ps = p
        start = n_values
        bad = False
        while p < e and buf[p] != 44:
            c = buf[p]
            v6 = armour[c]
            if v6 == 255:
                bad = True
                break
            values[n_values] = v6
            n_values += 1
            x ^= c
            p += 1
        pe = p
        if bad or pe == ps or pe + 5 > e:
            n_values = start
            continue
        fl = int(buf[pe + 1]) - 48
        if not (0 <= fl <= 5) or buf[pe + 2] != 42:
            n_values = start
            continue
        h1 = _hex(buf[pe + 3])
        h2 = _hex(buf[pe + 4])
        if h1 < 0 or h2 < 0 or x ^ 44 ^ buf[pe + 1] != h1 * 16 + h2:
            n_values = start
            continue
        # -- trailer after the checksum (USCG NAIS, exactEarth): ",field,...,last" ------
        t_time = -1
        t_st_start = -1
        t_st_end = -1
        if pe + 5 < e:
            good, t_time, t_st_start, t_st_end = _trailer(buf, pe + 5, e, min_us, max_us)
            if not good:
                n_values = start
                continue
        # -- tag block fields ------------------------------------------------------------
        if tag_end >= 0:
            good, l_dummy, l_time, l_st_start, l_st_end, l_st_hash, l_gp, l_gt, l_gid = _tag_block(
                buf, a, tag_end, fr, nf, accept_dummy, min_us, max_us
            )
            if not good:
                n_values = start
                continue
        if t_time >= 0:  # a trailer's time and receiver override the tag block's
            l_time = t_time
        if t_st_start >= 0:
            l_st_start = t_st_start
            l_st_end = t_st_end
            l_st_hash = _fnv1a(buf, t_st_start, t_st_end)
        # -- the line is canonical and valid: write its columns --------------------------
        ok[i] = True
        line[k] = i
        time_us[k] = l_time
        st_start[k] = l_st_start
        st_end[k] = l_st_end
        st_hash[k] = l_st_hash
        g_part[k] = l_gp
        g_total[k] = l_gt
        g_id[k] = l_gid
        dummy[k] = l_dummy
        val_start[k] = start
        val_end[k] = n_values
        nfrag[k] = nf
        frag[k] = fr
        seq[k] = sq
        chan[k] = ch
        fill[k] = fl
        k += 1
    return k


def frame_fast(lines: Lines, *, accept_dummy_tag_checksum: bool = False) -> tuple[FastSentences, _Bool]:
    """Frame the canonical lines of a chunk.

    Returns the framed sentences and a boolean mask of the lines left for the reference
    parser.
    """
    n = len(lines.start)
    ok = np.zeros(n, dtype=np.bool_)
    nfrag, frag, seq, fill = (np.empty(n, dtype=np.int16) for _ in range(4))
    chan = np.empty(n, dtype=np.uint8)
    line, time_us, st_start, st_end, g_id, val_start, val_end = (np.empty(n, dtype=np.int64) for _ in range(7))
    st_hash = np.empty(n, dtype=np.uint64)
    g_part, g_total = np.empty(n, dtype=np.int16), np.empty(n, dtype=np.int16)
    dummy = np.empty(n, dtype=np.bool_)
    values = np.empty(len(lines.buf), dtype=np.uint8)
    k = _frame_kernel(
        lines.buf,
        lines.start,
        lines.end,
        _ARMOUR,
        accept_dummy_tag_checksum,
        _MIN_US,
        _MAX_US,
        ok,
        line,
        nfrag,
        frag,
        seq,
        chan,
        fill,
        time_us,
        st_start,
        st_end,
        st_hash,
        g_part,
        g_total,
        g_id,
        dummy,
        val_start,
        val_end,
        values,
    )
    n_values = int(val_end[k - 1]) if k else 0
    fast = FastSentences(
        line=line[:k],
        nfrag=nfrag[:k],
        frag=frag[:k],
        seq=seq[:k],
        channel=chan[:k],
        values=values[:n_values],
        val_start=val_start[:k],
        val_end=val_end[:k],
        fill=fill[:k],
        time_us=time_us[:k],
        station_start=st_start[:k],
        station_end=st_end[:k],
        station_hash=st_hash[:k],
        group_part=g_part[:k],
        group_total=g_total[:k],
        group_id=g_id[:k],
        dummy_checksums=int(np.count_nonzero(dummy[:k])),
    )
    return fast, ~ok
