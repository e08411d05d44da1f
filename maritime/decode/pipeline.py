"""Lines in, typed records out: the whole decode stage for a chunk of NMEA text.

:class:`ChunkDecoder` is pure apart from the state it carries from one chunk to the next
(fragments waiting for their other parts, the station table, the last receive time). That
state serialises to JSON, so an interrupted ingest resumes exactly where it committed.

Steps for one chunk:

1. split lines, frame the canonical ones vectorised (:mod:`.framing`) and the rest one by
   one (:mod:`.nmea`);
2. give every sentence its receive time: its own tag-block or trailer time, else the
   latest earlier time mark in the stream (wrappers, tag blocks), else the arrival time
   of a live line, else the ``start`` time of the recording;
3. assemble multi-sentence messages (:mod:`.assembly`);
4. decode payloads (:mod:`.messages`);
5. merge duplicate receptions: the same MMSI and payload within ``dedup_window_us``
   counts once, with the number of stations that heard it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from maritime.decode import assembly
from maritime.decode.framing import frame_fast, split_lines
from maritime.decode.messages import decode_payloads
from maritime.decode.nmea import Sentence, parse_line
from maritime.decode.sixbit import gather_ranges, unarmour
from maritime.records import IDENTITY_SCHEMA, POSITION_SCHEMA, REJECT_SCHEMA

#: Default duplicate window: 60 s of data time. Copies of one transmission reach shore and
#: satellite receivers within seconds; a vessel's own reports differ in time stamp and
#: radio state from one report to the next (ITU-R M.1371-5 §3.3.7.2), so an identical
#: payload from the same MMSI within a minute is the same transmission heard again.
DEFAULT_DEDUP_WINDOW_US = 60_000_000


class NoTimeError(ValueError):
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

    def to_json(self) -> dict:
        return {"pending": self.assembler.to_json(), "stations": self.stations, "last_time_us": self.last_time_us}

    @classmethod
    def from_json(cls, data: dict) -> "DecoderState":
        return cls(
            assembler=assembly.AssemblerState.from_json(data["pending"]),
            stations=list(data["stations"]),
            last_time_us=int(data["last_time_us"]),
        )


@dataclass
class ChunkResult:
    positions: pa.Table
    identities: pa.Table
    rejects: pa.Table
    counts: Counter = field(default_factory=Counter)


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

    def _fast_station_codes(self, buf: np.ndarray, fast) -> np.ndarray:
        """Station codes of the framed sentences, from their name hashes."""
        codes = np.full(len(fast.line), self._code(None), dtype=np.int32)
        has = np.flatnonzero(fast.station_hash != 0)
        if not len(has):
            return codes
        uniq, first, inverse = np.unique(fast.station_hash[has], return_index=True, return_inverse=True)
        names = [
            bytes(buf[fast.station_start[has[i]] : fast.station_end[has[i]]]).decode("ascii", "replace")
            for i in first.tolist()
        ]
        codes[has] = np.array([self._code(n) for n in names], dtype=np.int32)[inverse]
        return codes

    # -- main entry ---------------------------------------------------------------------
    def decode(self, data: bytes, first_line_no: int = 1, arrival_us: np.ndarray | None = None) -> ChunkResult:
        """Decode ``data`` (whole lines; line ``i`` is number ``first_line_no + i``).

        ``arrival_us`` gives each line's arrival time (live feeds), used for sentences
        that carry no time of their own.
        """
        opt = self.options
        lines = split_lines(data)
        n_lines = len(lines.start)
        counts: Counter = Counter(lines_read=n_lines)
        fast, slow_mask = frame_fast(lines, accept_dummy_tag_checksum=opt.accept_dummy_tag_checksum)
        if fast.dummy_checksums:
            counts["dummy_tag_checksums_accepted"] += fast.dummy_checksums

        # -- the reference parser for every other line --------------------------------
        reject_lines: list[int] = []
        reject_reasons: list[str] = []
        mark_line: list[int] = []
        mark_time: list[int] = []
        slow_sent: list[tuple[int, Sentence]] = []
        buf = lines.buf
        for i in np.flatnonzero(slow_mask).tolist():
            raw = bytes(buf[lines.start[i] : lines.end[i]])
            res = parse_line(raw, accept_dummy_tag_checksum=opt.accept_dummy_tag_checksum)
            if res.reject:
                reject_lines.append(i)
                reject_reasons.append(res.reject)
                continue
            if res.skip:
                counts[f"skipped_{res.skip}"] += 1
            if res.dummy_checksums:
                counts["dummy_tag_checksums_accepted"] += res.dummy_checksums
            if res.time_mark_us is not None:
                mark_line.append(i)
                mark_time.append(res.time_mark_us)
            slow_sent.extend((i, s) for s in res.sentences)

        # -- all sentences, in stream order; payloads as six-bit values in one buffer ----
        side = unarmour(np.frombuffer(b"".join(s.payload for _, s in slow_sent), dtype=np.uint8))
        side_base = len(fast.values)
        sixbit = np.concatenate((fast.values, side))
        n_fast, n_slow = len(fast.line), len(slow_sent)
        s_line = np.concatenate((fast.line, np.array([i for i, _ in slow_sent], dtype=np.int64)))
        s_order = np.argsort(s_line, kind="stable")
        s_line = s_line[s_order]

        def col(fast_values: np.ndarray, slow_values: list | np.ndarray, dtype) -> np.ndarray:
            return np.concatenate((fast_values.astype(dtype), np.asarray(slow_values, dtype=dtype)))[s_order]

        slow_len = np.array([len(s.payload) for _, s in slow_sent], dtype=np.int64)
        slow_end = side_base + np.cumsum(slow_len)
        nfrag = col(fast.nfrag, [s.nfrag for _, s in slow_sent], np.int16)
        frag = col(fast.frag, [s.frag for _, s in slow_sent], np.int16)
        seq = col(fast.seq, [s.seq for _, s in slow_sent], np.int16)
        channel = col(fast.channel, [ord(s.channel[:1]) if s.channel else 0 for _, s in slow_sent], np.uint8)
        p_start = col(fast.val_start, slow_end - slow_len, np.int64)
        p_end = col(fast.val_end, slow_end, np.int64)
        fill = col(fast.fill, [s.fill for _, s in slow_sent], np.int16)
        own_time = col(fast.time_us, [s.time_us if s.time_us is not None else -1 for _, s in slow_sent], np.int64)
        group_id = col(fast.group_id, [s.group[2] if s.group else -1 for _, s in slow_sent], np.int64)
        station = col(
            self._fast_station_codes(buf, fast),
            [self._code(s.station) for _, s in slow_sent],
            np.int32,
        )
        counts["sentences"] = n_fast + n_slow

        # -- receive times ---------------------------------------------------------------
        time_us = self._resolve_times(s_line, own_time, mark_line, mark_time, arrival_us, group_id)

        # -- assembly ---------------------------------------------------------------------
        keys = assembly.fragment_keys(station, channel, seq, nfrag, group_id)
        single = np.flatnonzero(nfrag == 1)
        multi = np.flatnonzero(nfrag > 1)
        ttl = opt.fragment_ttl_us
        firsts, rest, markers = assembly.find_adjacent_pairs(
            keys[multi], nfrag[multi], frag[multi], time_us[multi], ttl, set(self.state.assembler.pending)
        )
        pair_a, pair_b = multi[firsts], multi[firsts + 1]
        seq_items: list[tuple[int, assembly.Part | None, int]] = [
            (int(j), None, int(keys[j])) for j in multi[firsts[markers]].tolist()
        ]
        for j in multi[rest].tolist():
            ln = int(s_line[j])
            part = assembly.Part(
                line_no=first_line_no + ln,
                raw=bytes(buf[lines.start[ln] : lines.end[ln]]),
                frag=int(frag[j]), nfrag=int(nfrag[j]), time_us=int(time_us[j]), station=int(station[j]),
                payload=sixbit[p_start[j] : p_end[j]].tobytes(), fill=int(fill[j]),
            )
            seq_items.append((int(j), part, int(keys[j])))
        seq_items.sort(key=lambda item: item[0])
        done, frag_rejects = assembly.assemble_sequential(
            [(part, key) for _, part, key in seq_items], self.state.assembler, ttl
        )
        if len(time_us):
            frag_rejects += assembly.expire(self.state.assembler, int(time_us.max()), ttl)

        # -- messages: singles point into the six-bit buffer; pairs and assembled messages
        # are appended to it as contiguous payloads --------------------------------------
        pair_len = (p_end - p_start)[pair_a] + (p_end - p_start)[pair_b]
        pair_idx = sixbit[gather_ranges(
            np.column_stack((p_start[pair_a], p_start[pair_b])).ravel(),
            np.column_stack(((p_end - p_start)[pair_a], (p_end - p_start)[pair_b])).ravel(),
        )] if len(pair_a) else np.zeros(0, dtype=np.uint8)
        done_payload = np.frombuffer(b"".join(d.payload for d in done), dtype=np.uint8)
        d_len = np.array([len(d.payload) for d in done], dtype=np.int64)
        appended_base = len(sixbit)
        sixbit = np.concatenate((sixbit, pair_idx, done_payload))
        n_single, n_pair, n_done = len(single), len(pair_a), len(done)
        n_msg = n_single + n_pair + n_done
        m_len = np.concatenate((p_end[single] - p_start[single], pair_len, d_len))
        m_start = np.concatenate((
            p_start[single], appended_base + np.cumsum(np.concatenate((pair_len, d_len))) - np.concatenate((pair_len, d_len)),
        ))
        m_end = m_start + m_len
        m_time = np.concatenate((time_us[single], time_us[pair_a], np.array([d.parts[0].time_us for d in done], np.int64)))
        m_station = np.concatenate((station[single], station[pair_a], np.array([d.parts[0].station for d in done], np.int32)))
        m_fill = np.concatenate((fill[single], fill[pair_b], np.array([d.parts[-1].fill for d in done], np.int16)))
        m_line = np.concatenate((s_line[single], s_line[pair_a], np.full(n_done, -1, np.int64)))
        counts["messages"] = n_msg

        # lines behind each message, for message-level rejects
        def message_lines(msg_idx: np.ndarray) -> list[tuple[int, bytes]]:
            out = []
            for k in msg_idx.tolist():
                if k < n_single:
                    ln = int(m_line[k])
                    out.append((first_line_no + ln, bytes(buf[lines.start[ln] : lines.end[ln]])))
                elif k < n_single + n_pair:
                    for ln in (int(s_line[pair_a[k - n_single]]), int(s_line[pair_b[k - n_single]])):
                        out.append((first_line_no + ln, bytes(buf[lines.start[ln] : lines.end[ln]])))
                else:
                    out.extend((p.line_no, p.raw) for p in done[k - n_single - n_pair].parts)
            return out

        decoded = decode_payloads(sixbit, m_start, m_end, m_fill)
        rej_no, rej_raw, rej_reason = [], [], []
        for i, reason in zip(reject_lines, reject_reasons):
            rej_no.append(first_line_no + i)
            rej_raw.append(bytes(buf[lines.start[i] : lines.end[i]]))
            rej_reason.append(reason)
        for part, reason in frag_rejects:
            rej_no.append(part.line_no)
            rej_raw.append(part.raw)
            rej_reason.append(reason)
        for idx, reason in decoded.rejects:
            for no, raw in message_lines(idx):
                rej_no.append(no)
                rej_raw.append(raw)
                rej_reason.append(reason)
        valid = np.ones(n_msg, dtype=bool)
        for idx, _ in decoded.rejects:
            valid[idx] = False
        for r in rej_reason:
            counts[f"rejected_{r}"] += 1
        counts["decoded"] = int(valid.sum())

        # Duplicate receptions: one transmission, however many stations heard it.
        candidates = np.flatnonzero(valid)
        first, n_stations = merge_duplicates(
            decoded.mmsi[candidates], decoded.msg_hash[candidates], m_time[candidates], m_station[candidates],
            opt.dedup_window_us,
        )
        kept = candidates[first]
        counts["duplicates"] = int(len(candidates) - len(kept))
        stations_of = np.zeros(n_msg, dtype=np.int16)
        stations_of[kept] = n_stations
        is_kept = np.zeros(n_msg, dtype=bool)
        is_kept[kept] = True
        kept_types = decoded.msg_type[kept]
        for t in np.unique(kept_types).tolist():
            if t not in (1, 2, 3, 5, 18, 19, 24, 27):
                counts[f"other_type_{t}"] += int(np.count_nonzero(kept_types == t))
        counts["no_position"] = int(np.count_nonzero(is_kept[decoded.no_position]))

        positions = self._records(decoded.positions, POSITION_SCHEMA, is_kept, stations_of, m_time, m_station, decoded.msg_hash)
        identities = self._records(decoded.identities, IDENTITY_SCHEMA, is_kept, stations_of, m_time, m_station, decoded.msg_hash)
        counts["positions"] = positions.num_rows
        counts["identities"] = identities.num_rows
        rejects = pa.table(
            {
                "line_no": pa.array(rej_no, pa.int64()),
                "raw": pa.array([r.decode("utf-8", "replace") for r in rej_raw], pa.string()),
                "reason": pa.array(rej_reason, pa.string()),
            },
            schema=REJECT_SCHEMA,
        )
        if len(time_us):
            self.state.last_time_us = max(self.state.last_time_us, int(time_us[-1]))
        return ChunkResult(positions, identities, rejects, counts)

    def finish(self, first_line_no: int = 0) -> ChunkResult:
        """End of the source: pending fragments become orphans."""
        result = empty_result()
        parts = assembly.flush(self.state.assembler)
        if parts:
            result.rejects = pa.table(
                {
                    "line_no": pa.array([p.line_no for p, _ in parts], pa.int64()),
                    "raw": pa.array([p.raw.decode("utf-8", "replace") for p, _ in parts], pa.string()),
                    "reason": pa.array([r for _, r in parts], pa.string()),
                },
                schema=REJECT_SCHEMA,
            )
            for _, r in parts:
                result.counts[f"rejected_{r}"] += 1
        return result

    # -- helpers ----------------------------------------------------------------------------
    def _resolve_times(
        self, s_line: np.ndarray, own: np.ndarray, mark_line: list[int], mark_time: list[int],
        arrival_us: np.ndarray | None, group_id: np.ndarray,
    ) -> np.ndarray:
        """Receive time of every sentence (see the module docstring for the order)."""
        time_us = own.copy()
        missing = time_us < 0
        if not missing.any():
            return time_us
        if arrival_us is not None:
            # Live: the arrival time, except for a tag-block group's later parts, which
            # carry no c: of their own and belong with the stamped first part.
            by_arrival = missing & (group_id < 0)
            time_us[by_arrival] = arrival_us[s_line[by_arrival]]
            missing &= group_id >= 0
            if not missing.any():
                return time_us
        # Time marks: sentences' own times and wrapper lines, in line order.
        ev_line = np.concatenate((s_line[~missing], np.array(mark_line, dtype=np.int64)))
        ev_time = np.concatenate((own[~missing], np.array(mark_time, dtype=np.int64)))
        order = np.argsort(ev_line, kind="stable")
        ev_line, ev_time = ev_line[order], ev_time[order]
        pos = np.searchsorted(ev_line, s_line[missing], side="left") - 1
        if arrival_us is not None:
            prior = arrival_us[s_line[missing]]
        else:
            prior = self.state.last_time_us
            if prior < 0 and self.options.start_time_us is not None:
                prior = self.options.start_time_us
            if prior < 0:
                if not len(ev_time):
                    raise NoTimeError("no receive time in the data")
                prior = int(ev_time[0])  # lines before the first stamp take the first stamp
        earlier = ev_time[np.maximum(pos, 0)] if len(ev_time) else np.zeros(len(pos), dtype=np.int64)
        time_us[missing] = np.where(pos >= 0, earlier, prior)
        return time_us

    def _records(
        self, cols, schema: pa.Schema, is_kept: np.ndarray, stations_of: np.ndarray,
        m_time: np.ndarray, m_station: np.ndarray, m_hash: np.ndarray,
    ) -> pa.Table:
        """A record table of the decoded rows whose message survived duplicate merging."""
        if not len(cols.msg):
            return schema.empty_table()
        keep = np.flatnonzero(is_kept[cols.msg])
        keep = keep[np.argsort(cols.msg[keep])]
        keep = keep[np.argsort(m_time[cols.msg[keep]], kind="stable")]  # time order, then stream order
        msg = cols.msg[keep]
        station_names = pa.array([None] + self.state.stations, pa.string()).take(pa.array(m_station[msg] + 1))
        data = {}
        for f in schema:
            if f.name == "ts":
                data["ts"] = pa.array(m_time[msg], pa.timestamp("us", tz="UTC"))
            elif f.name == "station":
                data["station"] = station_names
            elif f.name == "n_stations":
                data["n_stations"] = pa.array(stations_of[msg], pa.int16())
            elif f.name == "payload_hash":
                data["payload_hash"] = pa.array(m_hash[msg], pa.uint64())
            else:
                v = cols.values[f.name][keep]
                if isinstance(v, np.ma.MaskedArray):
                    data[f.name] = pa.array(v.data, f.type, mask=np.ma.getmaskarray(v))
                else:
                    data[f.name] = pa.array(v, f.type, from_pandas=True)
        return pa.table(data, schema=schema)


def merge_duplicates(
    mmsi: np.ndarray, payload_hash: np.ndarray, ts: np.ndarray, station: np.ndarray, window_us: int
) -> tuple[np.ndarray, np.ndarray]:
    """Receptions of one transmission: the same MMSI and payload within ``window_us``.

    Receptions are chained in time: each copy within the window of the previous copy
    belongs to the same transmission. Returns the indices of the first reception of each
    transmission (in time order) and the number of distinct stations that heard it.
    """
    with np.errstate(over="ignore"):
        key = payload_hash ^ (mmsi.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    order = np.lexsort((ts, key))
    m, h, t, s = mmsi[order], payload_hash[order], ts[order], station[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (m[1:] != m[:-1]) | (h[1:] != h[:-1]) | (t[1:] - t[:-1] > window_us)
    group = np.cumsum(new) - 1
    first = order[new]
    # distinct stations per transmission (only groups of several receptions need work)
    n_stations = np.ones(len(first), dtype=np.int16)
    multi = np.flatnonzero(np.bincount(group, minlength=len(first)) > 1)
    if len(multi):
        rows = np.flatnonzero(np.isin(group, multi))
        pairs = np.unique(group[rows].astype(np.int64) * (1 << 32) + (s[rows].astype(np.int64) + 1))
        n_stations[multi] = np.bincount(pairs >> 32, minlength=len(first))[multi]
    by_index = np.argsort(first)
    first, n_stations = first[by_index], n_stations[by_index]
    chrono = np.argsort(ts[first], kind="stable")
    return first[chrono], n_stations[chrono]
