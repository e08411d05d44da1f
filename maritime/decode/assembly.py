"""Assembly of multi-sentence AIS messages, with a time-to-live in data time.

Fragments are keyed by where they came from: the tag-block group id when the line has one
(``g:part-total-id``), else the station, channel, sequence id and fragment count. A message
is complete when fragments ``1..n`` of one key arrive in order within ``ttl_us`` of the
first one. Anything else never yields a message:

* a new fragment 1 for a key that already has a pending message makes the pending one an
  ``orphan_fragment`` (its remaining parts were lost);
* a fragment ``k > 1`` that does not continue a pending message is an ``orphan_fragment``;
* a pending message older than the time-to-live (in data time) is a ``stale_fragment``, so
  a reused sequence id can never glue two different messages together.

pyais's own fragment buffer has no such expiry, which is why assembly is done here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

#: Default fragment time-to-live: 10 s of data time. The parts of one message are sent
#: in consecutive slots (ITU-R M.1371-5 §3.3.7: a message occupies up to 5 consecutive
#: 26.67 ms slots), so receivers emit them within a second; 10 s allows for coarse
#: (1 s) receive stamps and satellite batching while sequence ids (0-9) recycle slower.
DEFAULT_TTL_US = 10_000_000


@dataclass(slots=True)
class Part:
    """A fragment held while its message is incomplete."""

    line_no: int  # global line number in the source (1-based)
    raw: bytes
    frag: int
    nfrag: int
    time_us: int
    station: int
    payload: bytes  # six-bit values, one byte each
    fill: int
    seen_us: int = -1  # latest data time of the sentences that followed it (-1: none yet)


@dataclass(slots=True)
class Assembled:
    """A complete multi-sentence message from the sequential assembler."""

    parts: list[Part]

    @property
    def payload(self) -> bytes:
        return b"".join(p.payload for p in self.parts)


@dataclass
class AssemblerState:
    """Fragments pending across chunk boundaries, keyed by :func:`fragment_keys`."""

    pending: dict[int, list[Part]] = field(default_factory=dict)

    def to_json(self) -> list[list[object]]:
        return [
            [
                key,
                [
                    [
                        p.line_no,
                        p.raw.decode("latin-1"),
                        p.frag,
                        p.nfrag,
                        p.time_us,
                        p.station,
                        p.payload.decode("latin-1"),
                        p.fill,
                        p.seen_us,
                    ]
                    for p in parts
                ],
            ]
            for key, parts in self.pending.items()
        ]

    @classmethod
    def from_json(cls, data: list[list[Any]]) -> AssemblerState:
        state = cls()
        for key, parts in data:
            state.pending[int(key)] = [
                Part(
                    int(a),
                    b.encode("latin-1"),
                    int(c),
                    int(d),
                    int(e),
                    int(f),
                    g.encode("latin-1"),
                    int(h),
                    int(rest[0]) if rest else -1,
                )
                for a, b, c, d, e, f, g, h, *rest in parts
            ]
        return state


_BASE_SPAN = 1 << 16


def fragment_keys(
    station: npt.NDArray[np.int32],
    channel: npt.NDArray[np.uint8],
    seq: npt.NDArray[np.int16],
    nfrag: npt.NDArray[np.int16],
    group_id: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """One int64 key per sentence: negative for tag-block groups, else by station.

    ``base`` packs the sequence id (-1..9), channel byte and fragment count into 16 bits
    (below 11 * 256 * 16 = 45,056), so keys of different stations or groups never meet.
    """
    base = ((seq.astype(np.int64) + 1) * 256 + channel.astype(np.int64)) * 16 + nfrag.astype(np.int64)
    by_group = -(group_id.astype(np.int64) * _BASE_SPAN + base) - 1
    by_station = (station.astype(np.int64) + 1) * _BASE_SPAN + base
    return np.where(group_id >= 0, by_group, by_station)


def find_adjacent_pairs(
    keys: npt.NDArray[np.int64],
    nfrag: npt.NDArray[np.int16],
    frag: npt.NDArray[np.int16],
    time_us: npt.NDArray[np.int64],
    ttl_us: int,
    pending_keys: set[int],
    between_us: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Two-part messages whose parts are consecutive among the multi-part sentences.

    All arrays describe the multi-part sentences of a chunk in stream order. Such a pair
    completes at once, exactly as the sequential assembler would complete it; the one
    thing it does to the assembler's state is end whatever was pending for its key. So
    pairs that may find their key pending come back as *markers* to feed to
    :func:`assemble_sequential` at their place in the stream: the first pair of a key
    after each sentence left over with that key, and the first pair of a key pending from
    an earlier chunk. (Any later pair of the key before its next leftover sentence finds
    nothing pending: the marker before it ended it.)

    ``between_us[i]``: the latest data time of the stream from sentence ``i`` up to
    sentence ``i + 1``; a pair whose first part would have expired by then (more than
    ``ttl_us`` behind) is left to the sequential assembler.

    Returns the indices of the pairs' first parts, a mask of the sentences left over, and
    the indices (among the first parts) of the pairs that must be markers.
    """
    m = len(keys)
    if m < 2:
        return np.zeros(0, dtype=np.int64), np.ones(m, dtype=bool), np.zeros(0, dtype=np.int64)
    a = np.arange(m - 1)
    cand = (
        (nfrag[a] == 2)
        & (frag[a] == 1)
        & (frag[a + 1] == 2)
        & (keys[a] == keys[a + 1])
        & (np.abs(time_us[a + 1] - time_us[a]) <= ttl_us)
    )
    if between_us is not None:
        cand &= between_us[a] - time_us[a] <= ttl_us
    firsts = a[cand]
    rest = np.ones(m, dtype=bool)
    rest[firsts] = False
    rest[firsts + 1] = False
    # The pairs and the leftover sentences of each key, in stream order: a pair is a marker
    # when the event before it (of its key) is a leftover, or when it is its key's first
    # event and the key is pending.
    leftovers = np.flatnonzero(rest)
    position = np.concatenate((firsts, leftovers))
    key = keys[position]
    is_pair = np.arange(len(position)) < len(firsts)
    order = np.lexsort((position, key))
    key, is_pair = key[order], is_pair[order]
    same_key = np.zeros(len(order), dtype=bool)
    same_key[1:] = key[1:] == key[:-1]
    after_leftover = np.zeros(len(order), dtype=bool)
    after_leftover[1:] = ~is_pair[:-1]
    pending = np.fromiter(pending_keys, dtype=np.int64, count=len(pending_keys))
    marker = is_pair & np.where(same_key, after_leftover, np.isin(key, pending))
    markers = np.sort(order[marker])
    return firsts, rest, markers


def assemble_sequential(
    parts: list[tuple[Part | None, int]],
    state: AssemblerState,
    ttl_us: int,
    before_us: list[int] | None = None,
    after_us: int = -1,
) -> tuple[list[Assembled], list[tuple[Part, str]]]:
    """Feed ``(fragment, key)`` in stream order; returns completed messages and rejects.

    A ``None`` fragment is a marker for a two-part message completed elsewhere (see
    :func:`find_adjacent_pairs`): it ends whatever was pending for its key.

    Time-to-live in stream order: ``before_us[i]`` is the latest data time of the other
    sentences between item ``i - 1`` and item ``i`` (``after_us``: after the last item).
    A pending message expires (``stale_fragment``) as soon as a sentence that follows it is
    more than ``ttl_us`` later, wherever the chunks happen to end, so a resumed ingest
    rejects exactly what a clean one does.
    """
    done: list[Assembled] = []
    rejected: list[tuple[Part, str]] = []
    pending = state.pending
    for i, (part, key) in enumerate(parts):
        if before_us is not None and pending:
            rejected.extend(_age(state, before_us[i], ttl_us))
        held = pending.get(key)
        if part is None:
            if held is not None:
                rejected.extend((p, "orphan_fragment") for p in held)
                del pending[key]
            continue
        if part.frag == 1:
            if held is not None:
                rejected.extend((p, "orphan_fragment") for p in held)
            pending[key] = [part]
            continue
        if held is not None and held[-1].frag == part.frag - 1 and abs(part.time_us - held[0].time_us) <= ttl_us:
            held.append(part)
            if part.frag == part.nfrag:
                done.append(Assembled(held))
                del pending[key]
            continue
        if held is not None:
            stale = abs(part.time_us - held[0].time_us) > ttl_us
            rejected.extend((p, "stale_fragment" if stale else "orphan_fragment") for p in held)
            del pending[key]
        rejected.append((part, "orphan_fragment"))
    if pending:
        rejected.extend(_age(state, after_us, ttl_us))
    return done, rejected


def _age(state: AssemblerState, seen_us: int, ttl_us: int) -> list[tuple[Part, str]]:
    """Note that sentences up to data time ``seen_us`` followed every pending message;
    reject those now more than ``ttl_us`` behind."""
    rejected: list[tuple[Part, str]] = []
    for key in list(state.pending):
        held = state.pending[key]
        first = held[0]
        first.seen_us = max(first.seen_us, seen_us)
        if first.seen_us - first.time_us > ttl_us:
            rejected.extend((p, "stale_fragment") for p in state.pending.pop(key))
    return rejected


def flush(state: AssemblerState) -> list[tuple[Part, str]]:
    """At the end of a source: every pending fragment is an orphan."""
    rejected = [(p, "orphan_fragment") for held in state.pending.values() for p in held]
    state.pending.clear()
    return rejected


def gap_max(time_us: npt.NDArray[np.int64], at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each position ``at[i]`` (increasing) among the sentences, the latest ``time_us``
    from position ``at[i - 1]`` (from the start for ``i = 0``) up to, not including,
    ``at[i]``: what followed whatever was pending before ``at[i]``; -1 where nothing did."""
    out = np.full(len(at), -1, dtype=np.int64)
    if len(at) == 0 or len(time_us) == 0:
        return out
    start = np.r_[0, at[:-1]]
    nonempty = at > start
    if nonempty.any():
        idx = np.empty(2 * int(nonempty.sum()), dtype=np.int64)
        idx[0::2] = start[nonempty]
        idx[1::2] = at[nonempty]
        out[nonempty] = np.maximum.reduceat(np.r_[time_us, -1], idx)[0::2]
    return out


@numba.njit(cache=True)
def copy_pairs(
    values: npt.NDArray[np.uint8],
    a_start: npt.NDArray[np.int64],
    a_end: npt.NDArray[np.int64],
    b_start: npt.NDArray[np.int64],
    b_end: npt.NDArray[np.int64],
    out: npt.NDArray[np.uint8],
    pos: int,
) -> int:
    """Append ``values[a_start[i]:a_end[i]] + values[b_start[i]:b_end[i]]`` for every pair
    ``i`` to ``out`` from ``pos`` on; returns the position after the last one."""
    for i in range(len(a_start)):
        for q in range(a_start[i], a_end[i]):
            out[pos] = values[q]
            pos += 1
        for q in range(b_start[i], b_end[i]):
            out[pos] = values[q]
            pos += 1
    return pos
