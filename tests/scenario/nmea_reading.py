"""An independent reader of the scenario's recordings, for the tests: checksums computed here,
payloads decoded by pyais, lines classified as an ingest would (never the generator's own code)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pyais import decode


def xor(text: str) -> int:
    x = 0
    for ch in text.encode("ascii"):
        x ^= ch
    return x


@dataclass
class Msg:
    """One complete, valid AIS message as read back from the file."""

    station: str
    c: int
    payload: str
    lines: tuple[str, ...]
    decoded: dict


@dataclass
class Parsed:
    counts: Counter
    messages: list[Msg]
    talkers: Counter
    c_values: list[int]


def parse(lines: list[str]) -> Parsed:
    """Classify every line like an ingest would, independently of the generator's code."""
    counts: Counter = Counter()
    msgs: list[Msg] = []
    talkers: Counter = Counter()
    cs: list[int] = []
    pending: tuple[dict, str, str] | None = None
    counts["lines"] = len(lines)
    for ln in lines:
        if pending is not None and not ln.startswith("\\g:2-2-"):
            counts["orphan"] += 1
            pending = None
        if not ln.startswith("\\"):
            counts["junk"] += 1
            continue
        end = ln.index("\\", 1)
        tb, sent = ln[1:end], ln[end + 1 :]
        body, hh = tb.rsplit("*", 1)
        if int(hh, 16) != xor(body):
            counts["bad_tagblock"] += 1
            continue
        fields = dict(f.split(":", 1) for f in body.split(","))
        if "c" in fields:
            cs.append(int(fields["c"]))
        if sent.startswith("$"):
            b, h = sent[1:].rsplit("*", 1)
            assert int(h, 16) == xor(b)
            assert b[:5] in ("GPRMC", "GPGGA")
            counts["non_ais"] += 1
            continue
        assert sent.startswith("!")
        if "*" not in sent:
            counts["truncated"] += 1
            continue
        b, h = sent[1:].rsplit("*", 1)
        if int(h, 16) != xor(b):
            counts["bad_checksum"] += 1
            continue
        counts["valid"] += 1
        parts = b.split(",")
        talkers[parts[0]] += 1
        if parts[1] == "2":
            if parts[2] == "1":
                assert fields["g"].startswith("1-2-")
                pending = (fields, sent, parts[5])
                continue
            assert pending is not None, "part 2 without part 1"
            f1, s1, p1 = pending
            pending = None
            assert fields["g"].split("-")[2] == f1["g"].split("-")[2]
            msgs.append(Msg(f1["s"], int(f1["c"]), p1 + parts[5], (s1, sent), decode(s1, sent).asdict()))
        else:
            msgs.append(Msg(fields["s"], int(fields["c"]), parts[5], (sent,), decode(sent).asdict()))
    if pending is not None:
        counts["orphan"] += 1
    return Parsed(counts, msgs, talkers, cs)


def key_type(m: Msg) -> str:
    t = m.decoded["msg_type"]
    if t == 24:
        return "24A" if m.decoded["partno"] == 0 else "24B"
    return str(t)
