"""Lines in, typed records out: the whole decode stage for a chunk of NMEA text.

:class:`ChunkDecoder` is pure apart from the state it carries from one chunk to the next
(fragments waiting for their other parts, the station table, the last receive time, a
standalone tag block waiting for its sentence, the time-mark check). That state serialises
to JSON, so an interrupted ingest resumes exactly where it committed, and gives the result
of one clean run wherever the chunks are cut.

Steps for one chunk:

1. split lines (LF, CRLF or a lone CR), frame the canonical ones vectorised
   (:mod:`.framing`) and the rest one by one (:mod:`.nmea`);
2. give every sentence its receive time and station (:mod:`.receive_time`; which time
   marks apply: :mod:`.timemarks`);
3. assemble multi-sentence messages (:mod:`.assembly`);
4. decode payloads (:mod:`.messages`);
5. merge duplicate receptions (:mod:`.duplicates`): the same MMSI and payload within
   ``dedup_window_us`` counts once, with the number of stations that heard it;
6. build the record and reject tables (:mod:`.tables`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from maritime.decode import assembly
from maritime.decode.duplicates import merge_duplicates, station_rank
from maritime.decode.framing import FastSentences, Lines, frame_fast, split_lines
from maritime.decode.messages import decode_payloads
from maritime.decode.nmea import Sentence, TagLine, parse_line
from maritime.decode.receive_time import TagCarry, apply_tag_lines, last_time, resolve_times
from maritime.decode.sixbit import unarmour
from maritime.decode.tables import Rejects, reception_table, record_table, reject_table
from maritime.decode.timemarks import ClockState, base_station_clock, check_marks
from maritime.errors import MaritimeError
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA

#: Message types whose records are stored; every other type is only counted.
STORED_TYPES = (1, 2, 3, 5, 18, 19, 24, 27)

#: Default duplicate window: 60 s of data time. Copies of one transmission reach shore and
#: satellite receivers within seconds; a vessel's own reports differ in time stamp and
#: radio state from one report to the next (ITU-R M.1371-5 §3.3.7.2), so an identical
#: payload from the same MMSI within a minute is the same transmission heard again.
DEFAULT_DEDUP_WINDOW_US = 60_000_000


class NoTimeError(MaritimeError, ValueError):
    """A recorded file carries no receive time at all."""


@dataclass(slots=True)
class DecodeOptions:
    accept_dummy_tag_checksum: bool = False
    fragment_ttl_us: int = assembly.DEFAULT_TTL_US
    dedup_window_us: int = DEFAULT_DEDUP_WINDOW_US
    default_station: str | None = None
    start_time_us: int | None = None  # receive time of a recording without time stamps


@dataclass
class DecoderState:
    assembler: assembly.AssemblerState = field(default_factory=assembly.AssemblerState)
    stations: list[str] = field(default_factory=list)
    last_time_us: int = -1
    tag: TagCarry | None = None  # a standalone tag block waiting for its sentence
    clock: ClockState = field(default_factory=ClockState)  # time marks against the base-station clock

    def to_json(self) -> dict[str, object]:
        return {
            "pending": self.assembler.to_json(),
            "stations": self.stations,
            "last_time_us": self.last_time_us,
            "tag": None if self.tag is None else self.tag.to_json(),
            "clock": self.clock.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecoderState:
        return cls(
            assembler=assembly.AssemblerState.from_json(data["pending"]),
            stations=list(data["stations"]),
            last_time_us=int(data["last_time_us"]),
            tag=TagCarry.from_json(data.get("tag")),
            clock=ClockState.from_json(data.get("clock")),
        )


@dataclass
class ChunkResult:
    positions: pa.Table
    identities: pa.Table
    rejects: pa.Table
    counts: Counter[str] = field(default_factory=Counter)
    #: every reception of the stored transmissions (None: each record row is one reception)
    receptions: pa.Table | None = None


def empty_result() -> ChunkResult:
    return ChunkResult(POSITION_SCHEMA.empty_table(), IDENTITY_SCHEMA.empty_table(), REJECT_SCHEMA.empty_table())


class ChunkDecoder:
    """Decode a stream of NMEA text chunk by chunk (each chunk holds whole lines)."""

    def __init__(self, options: DecodeOptions | None = None, state: DecoderState | None = None) -> None:
        self.options = options or DecodeOptions()
        self.state = state or DecoderState()
        self._station_code = {name: i for i, name in enumerate(self.state.stations)}

    # -- stations ---------------------------------------------------------------------
    def _code(self, name: str | None) -> int:
        if not name:
            name = self.options.default_station
            if not name:
                return -1
        code = self._station_code.get(name)
        if code is None:
            code = len(self.state.stations)
            self.state.stations.append(name)
            self._station_code[name] = code
        return code

    def _fast_station_codes(self, buf: npt.NDArray[np.uint8], fast: FastSentences) -> npt.NDArray[np.int32]:
        """Station codes of the framed sentences, from their name hashes."""
        codes = np.full(len(fast.line), self._code(None), dtype=np.int32)
        has = np.flatnonzero(fast.station_hash != 0)
        if not len(has):
            return codes
        hashes = fast.station_hash[has]
        first = np.empty(len(has), dtype=np.int64)
        inverse = np.empty(len(has), dtype=np.int64)
        n_names = _dense_codes(hashes, first, inverse)
        # new names get their codes in order of their hashes (as np.unique would order them)
        by_hash = np.argsort(hashes[first[:n_names]], kind="stable")
        names = [
            bytes(buf[fast.station_start[has[i]] : fast.station_end[has[i]]]).decode("ascii", "replace")
            for i in first[by_hash].tolist()
        ]
        code_of = np.empty(n_names, dtype=np.int32)
        code_of[by_hash] = [self._code(n) for n in names]
        codes[has] = code_of[inverse]
        return codes

    # -- main entry ---------------------------------------------------------------------
    def decode(
        self, data: bytes, first_line_no: int = 1, arrival_us: npt.NDArray[np.int64] | None = None
    ) -> ChunkResult:
        """Decode ``data`` (whole lines; line ``i`` is number ``first_line_no + i``).

        ``arrival_us`` gives each line's arrival time (live feeds), used for sentences
        that carry no time of their own.
        """
        lines = split_lines(data)
        counts: Counter[str] = Counter(lines_read=len(lines.start))
        rejects = Rejects(lines, first_line_no)
        sentences = self._frame(lines, counts, rejects, arrival_us)
        messages = self._assemble(sentences, lines, first_line_no, rejects)
        counts["sentences"] = len(sentences.line)
        counts["messages"] = len(messages.time_us)
        decoded = decode_payloads(messages.sixbit, messages.start, messages.end, messages.fill)
        valid = np.ones(len(messages.time_us), dtype=bool)
        for idx, reason in decoded.rejects:
            valid[idx] = False
            for no, raw in messages.lines_of(idx):
                rejects.add(no, raw, reason)
        counts["decoded"] = int(valid.sum())

        # Duplicate receptions: one transmission, however many stations heard it. Copies
        # received at the same time are ordered by station name, not by stream position.
        candidates = np.flatnonzero(valid)
        first, n_stations = merge_duplicates(
            decoded.mmsi[candidates],
            decoded.msg_hash[candidates],
            messages.time_us[candidates],
            messages.station[candidates],
            self.options.dedup_window_us,
            station_rank(self.state.stations)[messages.station[candidates]],
        )
        kept = candidates[first]
        stations_of = np.zeros(len(valid), dtype=np.int16)
        stations_of[kept] = n_stations
        kind = np.zeros(len(valid), dtype=np.int8)
        kind[decoded.positions.msg] = 1
        kind[decoded.identities.msg] |= 2
        unstored = kind[kept] == 0  # no record table holds them; the store merges across batches
        counts["duplicates"] = int(np.count_nonzero(kind[candidates] == 0) - np.count_nonzero(unstored))
        kept_types = decoded.msg_type[kept]
        for t in np.unique(kept_types[unstored]).tolist():
            if t not in STORED_TYPES:
                counts[f"other_type_{t}"] += int(np.count_nonzero(kept_types[unstored] == t))
        counts["no_position"] = int(np.count_nonzero(np.bincount(kept, minlength=len(valid))[decoded.no_position]))

        positions, identities = (
            record_table(
                cols,
                schema,
                kept,
                stations_of,
                messages.time_us,
                messages.station,
                self.state.stations,
                decoded.msg_hash,
            )
            for cols, schema in ((decoded.positions, POSITION_SCHEMA), (decoded.identities, IDENTITY_SCHEMA))
        )
        receptions = reception_table(
            candidates, kind[candidates], decoded.msg_type, decoded.mmsi, decoded.msg_hash, messages.time_us,
            messages.station, self.state.stations,
        )  # fmt: skip
        counts["positions"] = positions.num_rows
        counts["identities"] = identities.num_rows
        counts.update(rejects.counts())
        return ChunkResult(positions, identities, rejects.table(), counts, receptions)

    # -- stage 1: lines → sentences ------------------------------------------------------
    def _frame(
        self, lines: Lines, counts: Counter[str], rejects: Rejects, arrival_us: npt.NDArray[np.int64] | None
    ) -> _Sentences:
        """Frame every line (vectorised, then the reference parser for the rest)."""
        opt = self.options
        fast, slow_mask = frame_fast(lines, accept_dummy_tag_checksum=opt.accept_dummy_tag_checksum)
        counts["dummy_tag_checksums_accepted"] += fast.dummy_checksums
        mark_line: list[int] = []
        mark_time: list[int] = []
        slow: list[tuple[int, Sentence]] = []
        tag_lines: list[tuple[int, TagLine]] = []
        for i in np.flatnonzero(slow_mask).tolist():
            res = parse_line(lines.raw(i), accept_dummy_tag_checksum=opt.accept_dummy_tag_checksum)
            if res.reject:
                rejects.add_line(i, res.reject)
                continue
            if res.skip:
                counts[f"skipped_{res.skip}"] += 1
            counts["dummy_tag_checksums_accepted"] += res.dummy_checksums
            counts["nonalphabetic_talkers_accepted"] += res.odd_talkers
            if res.time_mark_us is not None:
                mark_line.append(i)
                mark_time.append(res.time_mark_us)
            if res.tag_line is not None:
                tag_lines.append((i, res.tag_line))
            slow.extend((i, s) for s in res.sentences)
        for key in ("dummy_tag_checksums_accepted", "nonalphabetic_talkers_accepted"):
            if not counts[key]:
                del counts[key]

        # Fast and slow sentences in stream order; payloads as six-bit values in one buffer.
        line = np.concatenate((fast.line, np.array([i for i, _ in slow], dtype=np.int64)))
        order = np.argsort(line, kind="stable") if slow else None

        def col(
            fast_values: npt.NDArray[Any], slow_values: Sequence[int] | npt.NDArray[Any], dtype: type
        ) -> npt.NDArray[Any]:
            if order is None:  # every sentence was framed fast: already in stream order
                return fast_values.astype(dtype, copy=False)
            return np.concatenate((fast_values.astype(dtype), np.asarray(slow_values, dtype=dtype)))[order]

        slow_len = np.array([len(s.payload) for _, s in slow], dtype=np.int64)
        slow_end = len(fast.values) + np.cumsum(slow_len)
        out = _Sentences(
            line=line if order is None else line[order],
            nfrag=col(fast.nfrag, [s.nfrag for _, s in slow], np.int16),
            frag=col(fast.frag, [s.frag for _, s in slow], np.int16),
            seq=col(fast.seq, [s.seq for _, s in slow], np.int16),
            channel=col(fast.channel, [ord(s.channel[:1]) if s.channel else 0 for _, s in slow], np.uint8),
            start=col(fast.val_start, slow_end - slow_len, np.int64),
            end=col(fast.val_end, slow_end, np.int64),
            fill=col(fast.fill, [s.fill for _, s in slow], np.int16),
            group_id=col(fast.group_id, [s.group[2] if s.group else -1 for _, s in slow], np.int64),
            station=col(self._fast_station_codes(lines.buf, fast), [self._code(s.station) for _, s in slow], np.int32),
            time_us=np.zeros(0, dtype=np.int64),
            sixbit=np.concatenate(
                (
                    fast.values,
                    unarmour(np.frombuffer(b"".join(s.payload for _, s in slow), dtype=np.uint8)),
                )
            )
            if slow
            else fast.values,
        )
        own_time = col(fast.time_us, [s.time_us if s.time_us is not None else -1 for _, s in slow], np.int64)
        if tag_lines or self.state.tag is not None:
            own_station = col(fast.station_hash != 0, [bool(s.station) for _, s in slow], np.bool_)
            self.state.tag = apply_tag_lines(
                out.line, out.nfrag, out.frag, out.station, own_time, own_station, tag_lines, self.state.tag, self._code
            )
        # time marks that the base-station clock contradicts stamp nothing
        readings, reading_us = base_station_clock(out.sixbit, out.start, out.end, out.nfrag)
        applied = check_marks(self.state.clock, mark_line, mark_time, out.line[readings], reading_us)
        if not all(applied):
            counts["time_marks_ignored"] += applied.count(False)
            mark_line = [line for line, ok in zip(mark_line, applied, strict=True) if ok]
            mark_time = [t for t, ok in zip(mark_time, applied, strict=True) if ok]
        times = resolve_times(
            out.line,
            own_time,
            out.group_id,
            mark_line,
            mark_time,
            arrival_us,
            self.state.last_time_us,
            self.options.start_time_us,
        )
        if times is None:
            raise NoTimeError("no receive time in the data")
        out.time_us = times
        last = last_time(out.line, own_time, mark_line, mark_time)
        if last is not None:
            self.state.last_time_us = last
        return out

    # -- stage 2: sentences → messages ---------------------------------------------------
    def _assemble(self, s: _Sentences, lines: Lines, first_line_no: int, rejects: Rejects) -> _Messages:
        """Single-sentence messages as they are; multi-sentence ones assembled."""
        ttl = self.options.fragment_ttl_us
        keys = assembly.fragment_keys(s.station, s.channel, s.seq, s.nfrag, s.group_id)
        single = np.flatnonzero(s.nfrag == 1)
        multi = np.flatnonzero(s.nfrag > 1)
        # latest time of the sentences strictly between consecutive multi-part sentences
        between = assembly.gap_max(s.time_us, multi)
        firsts, rest, markers = assembly.find_adjacent_pairs(
            keys[multi],
            s.nfrag[multi],
            s.frag[multi],
            s.time_us[multi],
            ttl,
            set(self.state.assembler.pending),
            between[1:],
        )
        pair_a, pair_b = multi[firsts], multi[firsts + 1]
        items: list[tuple[int, assembly.Part | None, int]] = [
            (int(j), None, int(keys[j])) for j in multi[firsts[markers]].tolist()
        ]
        for j in multi[rest].tolist():
            ln = int(s.line[j])
            part = assembly.Part(
                line_no=first_line_no + ln,
                raw=lines.raw(ln),
                frag=int(s.frag[j]),
                nfrag=int(s.nfrag[j]),
                time_us=int(s.time_us[j]),
                station=int(s.station[j]),
                payload=s.sixbit[s.start[j] : s.end[j]].tobytes(),
                fill=int(s.fill[j]),
            )
            items.append((int(j), part, int(keys[j])))
        items.sort(key=lambda item: item[0])
        at = np.array([j for j, _, _ in items], dtype=np.int64)
        before = assembly.gap_max(s.time_us, at)
        tail = s.time_us[at[-1] :] if len(at) else s.time_us
        after = int(tail.max()) if len(tail) else -1
        done, frag_rejects = assembly.assemble_sequential(
            [(p, k) for _, p, k in items], self.state.assembler, ttl, before.tolist(), after
        )
        for part, reason in frag_rejects:
            rejects.add(part.line_no, part.raw, reason)

        # Singles point into the six-bit buffer; pairs and assembled messages are appended.
        length = s.end - s.start
        pair_len = length[pair_a] + length[pair_b]
        done_len = np.array([len(d.payload) for d in done], dtype=np.int64)
        appended = np.concatenate((pair_len, done_len))
        start = np.concatenate((s.start[single], len(s.sixbit) + np.cumsum(appended) - appended))
        sixbit = np.empty(len(s.sixbit) + int(appended.sum()), dtype=np.uint8)
        sixbit[: len(s.sixbit)] = s.sixbit
        end_pairs = assembly.copy_pairs(
            s.sixbit, s.start[pair_a], s.end[pair_a], s.start[pair_b], s.end[pair_b], sixbit, len(s.sixbit)
        )
        sixbit[end_pairs:] = np.frombuffer(b"".join(d.payload for d in done), np.uint8)
        return _Messages(
            sixbit=sixbit,
            start=start,
            end=start + np.concatenate((length[single], appended)),
            fill=np.concatenate((s.fill[single], s.fill[pair_b], np.array([d.parts[-1].fill for d in done], np.int16))),
            time_us=np.concatenate(
                (s.time_us[single], s.time_us[pair_a], np.array([d.parts[0].time_us for d in done], np.int64))
            ),
            station=np.concatenate(
                (s.station[single], s.station[pair_a], np.array([d.parts[0].station for d in done], np.int32))
            ),
            line_a=np.concatenate((s.line[single], s.line[pair_a])),
            line_b=np.concatenate((np.full(len(single), -1, np.int64), s.line[pair_b])),
            assembled=done,
            lines=lines,
            first_line_no=first_line_no,
        )

    def finish(self) -> ChunkResult:
        """End of the source: pending fragments become orphans."""
        result = empty_result()
        parts = assembly.flush(self.state.assembler)
        if parts:
            result.rejects = reject_table(
                [p.line_no for p, _ in parts], [p.raw for p, _ in parts], [r for _, r in parts]
            )
            result.counts.update(f"rejected_{r}" for _, r in parts)
        return result


@numba.njit(cache=True)
def _dense_codes(keys: npt.NDArray[np.uint64], first: npt.NDArray[np.int64], inverse: npt.NDArray[np.int64]) -> int:
    """Number the distinct ``keys`` in order of first appearance: ``inverse[i]`` is key
    ``i``'s number and ``first[k]`` the first row of number ``k``. Returns how many.

    The hash table starts small and doubles when half full: there are few distinct keys
    (station names) among many rows.
    """
    bits = 6
    slot_code = np.full(1 << bits, -1, dtype=np.int64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    count = 0
    previous = -1
    for i in range(len(keys)):
        k = keys[i]
        if previous >= 0 and keys[first[previous]] == k:  # runs of one station are common
            inverse[i] = previous
            continue
        mask = (1 << bits) - 1
        slot = np.int64((np.uint64(k) * mult) >> np.uint64(64 - bits))
        while slot_code[slot] >= 0 and keys[first[slot_code[slot]]] != k:
            slot = (slot + 1) & mask
        c = slot_code[slot]
        if c < 0:
            c = count
            count += 1
            slot_code[slot] = c
            first[c] = i
            if 2 * count > (1 << bits):  # grow and re-insert every key
                bits += 1
                mask = (1 << bits) - 1
                slot_code = np.full(1 << bits, -1, dtype=np.int64)
                for code in range(count):
                    q = np.int64((np.uint64(keys[first[code]]) * mult) >> np.uint64(64 - bits))
                    while slot_code[q] >= 0:
                        q = (q + 1) & mask
                    slot_code[q] = code
        inverse[i] = c
        previous = c
    return count


@dataclass
class _Sentences:
    """Every framed sentence of a chunk, in stream order (stage 1 output)."""

    line: npt.NDArray[np.int64]  # line index in the chunk
    nfrag: npt.NDArray[np.int16]
    frag: npt.NDArray[np.int16]
    seq: npt.NDArray[np.int16]
    channel: npt.NDArray[np.uint8]
    start: npt.NDArray[np.int64]  # payload: sixbit[start:end]
    end: npt.NDArray[np.int64]
    fill: npt.NDArray[np.int16]
    group_id: npt.NDArray[np.int64]
    station: npt.NDArray[np.int32]  # station code, -1 = none
    time_us: npt.NDArray[np.int64]  # receive time
    sixbit: npt.NDArray[np.uint8]


@dataclass
class _Messages:
    """Every complete message of a chunk (stage 2 output): singles, pairs, then assembled."""

    sixbit: npt.NDArray[np.uint8]
    start: npt.NDArray[np.int64]  # payload: sixbit[start:end]
    end: npt.NDArray[np.int64]
    fill: npt.NDArray[np.int16]
    time_us: npt.NDArray[np.int64]
    station: npt.NDArray[np.int32]
    line_a: npt.NDArray[np.int64]  # lines of singles and pairs (line_b = -1 for singles)
    line_b: npt.NDArray[np.int64]
    assembled: list[assembly.Assembled]
    lines: Lines
    first_line_no: int

    def lines_of(self, msg_idx: npt.NDArray[np.int64]) -> list[tuple[int, bytes]]:
        """(line number, raw line) of every line behind the given messages."""
        out = []
        n_simple = len(self.line_a)
        for k in msg_idx.tolist():
            if k < n_simple:
                for ln in (int(self.line_a[k]), int(self.line_b[k])):
                    if ln >= 0:
                        out.append((self.first_line_no + ln, self.lines.raw(ln)))
            else:
                out.extend((p.line_no, p.raw) for p in self.assembled[k - n_simple].parts)
        return out
