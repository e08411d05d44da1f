"""The receive time (and station) of every sentence of a chunk, from what the lines carry.

In order of precedence, a sentence takes:

1. its own time: the tag block's ``c:`` or the trailer's time (USCG NAIS, exactEarth);
2. the ``c:`` of a tag block alone on a line before it (:func:`apply_tag_lines`);
3. the latest earlier time in the stream: a sentence's own time or an applied time mark
   (``$PGHP``, ``$--RMC``, ``$--ZDA``; :mod:`.timemarks` says which marks apply);
4. on a live feed, its arrival time (a tag-block group's later parts excepted: they take
   the stream's last data time, that of their first part, whatever the flush boundaries);
5. the time carried from the previous chunk, else ``--start``, else (lines before the first
   time of a recording) the first time in the stream.

Pure functions of the chunk's columns and the state carried between chunks, so a resumed
ingest gives the times a clean one does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from maritime.decode.nmea import TagLine


@dataclass
class TagCarry:
    """A standalone tag-block line still to be applied: to the next sentence, and when that
    sentence is part 1 of ``nfrag``, to the parts 2..``nfrag`` that directly follow it
    (``next_frag`` is the part expected next; 0 while the first sentence is awaited)."""

    station: str | None
    time_us: int  # -1: no c:
    nfrag: int = 0
    next_frag: int = 0

    def to_json(self) -> list[object]:
        return [self.station, self.time_us, self.nfrag, self.next_frag]

    @classmethod
    def from_json(cls, data: list[object] | None) -> TagCarry | None:
        if data is None:
            return None
        station, time_us, nfrag, next_frag = data
        return cls(None if station is None else str(station), int(str(time_us)), int(str(nfrag)), int(str(next_frag)))


def apply_tag_lines(
    line: npt.NDArray[np.int64],
    nfrag: npt.NDArray[np.int16],
    frag: npt.NDArray[np.int16],
    station: npt.NDArray[np.int32],
    own_time: npt.NDArray[np.int64],
    own_station: npt.NDArray[np.bool_],
    tag_lines: list[tuple[int, TagLine]],
    carried: TagCarry | None,
    code_of: Callable[[str], int],
) -> TagCarry | None:
    """Give the sentences after each standalone tag-block line its station and time where
    they have none of their own (``station`` and ``own_time`` are updated in place).

    The sentences are the chunk's, in stream order (``line``: line index of each);
    ``tag_lines`` are (line index, fields) in line order; ``carried`` is the tag left
    waiting by the previous chunk. ``code_of`` gives a station name's code. Returns the tag
    still waiting at the end of the chunk, so the result does not depend on the cut.
    """
    n = len(line)
    starts = np.searchsorted(line, np.array([i for i, _ in tag_lines], dtype=np.int64), side="right").tolist()
    # (first sentence it may apply to, carry) for the carried tag, then each tag line
    todo: list[tuple[int, TagCarry]] = [] if carried is None else [(0, carried)]
    for k, (_, tag) in zip(starts, tag_lines, strict=True):
        todo.append((k, TagCarry(tag.station, -1 if tag.time_us is None else tag.time_us)))
    for j, (k, carry) in enumerate(todo):
        limit = todo[j + 1][0] if j + 1 < len(todo) else n
        code = code_of(carry.station) if carry.station else -1
        while k < limit:
            if carry.next_frag and (nfrag[k] != carry.nfrag or frag[k] != carry.next_frag):
                break  # not the next part of the tag's message: the tag is spent
            if code >= 0 and not own_station[k]:
                station[k] = code
            if carry.time_us >= 0 and own_time[k] < 0:
                own_time[k] = carry.time_us
            if not carry.next_frag and (nfrag[k] == 1 or frag[k] != 1):
                break  # a single sentence (or a stray later part): done
            carry.nfrag, carry.next_frag = int(nfrag[k]), int(frag[k]) + 1
            k += 1
            if carry.next_frag > carry.nfrag:
                break
        else:
            if j + 1 == len(todo):
                return carry  # the chunk ended first: the next chunk goes on
    return None


def resolve_times(
    line: npt.NDArray[np.int64],
    own: npt.NDArray[np.int64],
    group_id: npt.NDArray[np.int64],
    mark_line: list[int],
    mark_time: list[int],
    arrival_us: npt.NDArray[np.int64] | None,
    carried_us: int,
    start_us: int | None,
) -> npt.NDArray[np.int64] | None:
    """Receive time (µs) of every sentence (see the module docstring for the order).

    ``own`` is each sentence's own time (-1: none); marks are the applied time marks (line
    index, time); ``carried_us`` the last data time of the previous chunks (-1: none).
    Returns None when a recording's sentence can be given no time at all.
    """
    time_us = own.copy()
    missing = time_us < 0
    if not missing.any():
        return time_us
    if arrival_us is not None:
        # Live: the arrival time, except for a tag-block group's later parts, which
        # carry no c: of their own and belong with the stamped first part.
        by_arrival = missing & (group_id < 0)
        time_us[by_arrival] = arrival_us[line[by_arrival]]
        missing &= group_id >= 0
        if not missing.any():
            return time_us
    # Time events: sentences' own times and time marks, in line order.
    has_own = own >= 0
    ev_line = np.concatenate((line[has_own], np.array(mark_line, dtype=np.int64)))
    ev_time = np.concatenate((own[has_own], np.array(mark_time, dtype=np.int64)))
    order = np.argsort(ev_line, kind="stable")
    ev_line, ev_time = ev_line[order], ev_time[order]
    pos = np.searchsorted(ev_line, line[missing], side="left") - 1
    prior: int | npt.NDArray[np.int64]
    if arrival_us is not None:
        # a group's later part with no stamp before it in this flush: the last data time
        # of the stream before it (its first part's), else its arrival time
        prior = carried_us if carried_us >= 0 else arrival_us[line[missing]]
    else:
        prior = carried_us
        if prior < 0 and start_us is not None:
            prior = start_us
        if prior < 0:
            if not len(ev_time):
                return None
            prior = int(ev_time[0])  # lines before the first stamp take the first stamp
    earlier = ev_time[np.maximum(pos, 0)] if len(ev_time) else np.zeros(len(pos), dtype=np.int64)
    time_us[missing] = np.where(pos >= 0, earlier, prior)
    return time_us


def last_time(
    line: npt.NDArray[np.int64], own: npt.NDArray[np.int64], mark_line: list[int], mark_time: list[int]
) -> int | None:
    """The time a next chunk's unstamped lines inherit: the last one in stream order (as
    within a chunk), not the latest, or a chunk boundary would change them: a sentence's
    own time or an applied time mark, whichever comes last; None when the chunk has none."""
    stamped = np.flatnonzero(own >= 0)
    if mark_line and (not len(stamped) or mark_line[-1] > line[stamped[-1]]):
        return mark_time[-1]
    if len(stamped):
        return int(own[stamped[-1]])
    return None
