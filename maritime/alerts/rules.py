"""The rules file (TOML): which events raise an alert, where, for which vessels, how severe (pure).

Format: one ``[[rule]]`` table per rule::

    [[rule]]
    id = "galapagos-fishing"            # unique: letters, digits, '-', '_', '.'
    description = "Any fishing vessel inside the Galápagos reserve"
    kinds = ["fishing", "loitering"]    # events.kind values; "*" = every kind
    zones = ["Galápagos Marine Reserve"]  # events.zone; absent = anywhere, "*" = inside any zone
    severity = "high"                   # low | medium | high | critical
    min_confidence = 0.5                # optional, 0-1
    ship_types = [30, "70-79"]          # AIS ship type codes (ITU-R M.1371 table 53) or ranges
    flags = ["Ecuador"]                 # vessels.flag (the MID's country), or
    mids = [735]                        # Maritime Identification Digits of the MMSI
    exclude_flags = ["Ecuador"]         # "foreign-flagged": every flag but these
    exclude_mids = [735]
    length_min_m = 24                   # reported length (to_bow + to_stern), metres
    length_max_m = 200
    classes = ["A"]                     # AIS class: A (types 1-3, 5) or B (18, 19, 24)
    watchlists = ["iuu"]                # only vessels on these watch lists (file stems)
    escalate = [{min_confidence = 0.9, severity = "critical"}, {min_hours = 6, severity = "critical"}]
    enabled = true

Every selector is optional; a rule with none matches every vessel. A vessel whose value a
selector needs is unknown (no length reported, no type) does not match that selector. Kinds are
free strings: any kind a detector writes to ``events.kind`` may be named, plus
``watchlist_hit`` (a watch-listed vessel seen anywhere, :mod:`maritime.alerts.evaluate`).

:func:`check_rules` returns every problem with its line: syntax errors at the position
``tomllib`` reports, others at the line of the offending key, else of the ``[[rule]]`` header.
Each rule has a content hash (SHA-256 of its canonical JSON); the DuckDB adapter numbers the
versions of a rule id as its hash changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from maritime.alerts.model import SEVERITIES, AlertError

#: Keys a ``[[rule]]`` table may have.
RULE_KEYS = (
    "id",
    "description",
    "kinds",
    "zones",
    "severity",
    "min_confidence",
    "ship_types",
    "flags",
    "mids",
    "exclude_flags",
    "exclude_mids",
    "length_min_m",
    "length_max_m",
    "classes",
    "watchlists",
    "escalate",
    "enabled",
)
#: The pseudo-kind of a watch-listed vessel seen anywhere.
WATCHLIST_KIND = "watchlist_hit"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_RANGE = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,3})\s*$")


class RulesError(AlertError):
    """A rules file that does not load; the message is the first problem (one line)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a rules file: 1-based ``line`` and what is wrong."""

    line: int
    message: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Escalation:
    """A higher severity once the event reaches ``min_confidence`` (0-1) and/or lasts
    ``min_hours`` (end - start, data time; an open event has no duration yet)."""

    severity: str
    min_confidence: float | None = None
    min_hours: float | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule. Empty tuples and ``None`` mean "no condition"; ``zones == ("*",)`` means
    inside any zone. ``ship_types`` are inclusive ``(low, high)`` ranges of AIS type codes."""

    id: str
    kinds: tuple[str, ...]
    severity: str
    zones: tuple[str, ...] = ()
    min_confidence: float = 0.0
    ship_types: tuple[tuple[int, int], ...] = ()
    flags: tuple[str, ...] = ()
    mids: tuple[int, ...] = ()
    exclude_flags: tuple[str, ...] = ()
    exclude_mids: tuple[int, ...] = ()
    length_min_m: float | None = None
    length_max_m: float | None = None
    classes: tuple[str, ...] = ()
    watchlists: tuple[str, ...] = ()
    escalate: tuple[Escalation, ...] = ()
    description: str = ""
    line: int = 0

    def definition(self) -> dict[str, Any]:
        """The rule as canonical JSON-able values (what its hash covers; no line, no description)."""
        return {
            "id": self.id,
            "kinds": sorted(self.kinds),
            "severity": self.severity,
            "zones": sorted(self.zones),
            "min_confidence": self.min_confidence,
            "ship_types": [list(r) for r in sorted(self.ship_types)],
            "flags": sorted(self.flags),
            "mids": sorted(self.mids),
            "exclude_flags": sorted(self.exclude_flags),
            "exclude_mids": sorted(self.exclude_mids),
            "length_min_m": self.length_min_m,
            "length_max_m": self.length_max_m,
            "classes": sorted(self.classes),
            "watchlists": sorted(self.watchlists),
            "escalate": [[e.severity, e.min_confidence, e.min_hours] for e in self.escalate],
        }

    @property
    def digest(self) -> str:
        """First 16 hex digits of SHA-256 of :meth:`definition` (sorted keys, compact)."""
        text = json.dumps(self.definition(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def covers_kind(self, kind: str) -> bool:
        return "*" in self.kinds or kind in self.kinds


#: The rule that raises watch-list hits when no rule of the file names ``watchlist_hit``.
DEFAULT_WATCHLIST_RULE = Rule(
    id="watchlist", kinds=(WATCHLIST_KIND,), severity="high", description="a watch-listed vessel seen anywhere"
)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The enabled rules of one file, in file order."""

    rules: tuple[Rule, ...]
    path: str = "<rules>"
    disabled: tuple[str, ...] = field(default=())

    def with_watchlist_default(self) -> RuleSet:
        """These rules, plus :data:`DEFAULT_WATCHLIST_RULE` when none covers ``watchlist_hit`` (by name or ``*``)."""
        if any(r.covers_kind(WATCHLIST_KIND) or r.id == DEFAULT_WATCHLIST_RULE.id for r in self.rules):
            return self
        return RuleSet((*self.rules, DEFAULT_WATCHLIST_RULE), self.path, self.disabled)


def _header_lines(lines: list[str]) -> list[int]:
    """1-based line numbers of the ``[[rule]]`` headers, in order."""
    return [i + 1 for i, t in enumerate(lines) if re.match(r"^\s*\[\[\s*rule\s*\]\]", t)]


def _key_line(lines: list[str], header: int, key: str) -> int:
    """The line of ``key = ...`` inside the table starting at ``header``, else ``header``."""
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
    for i in range(header, len(lines)):  # the header is line ``header``; its body starts after it
        text = lines[i]
        if re.match(r"^\s*\[", text):
            break
        if pattern.match(text):
            return i + 1
    return header


class _Table:
    """One ``[[rule]]`` table being checked: reads typed values, collects problems."""

    def __init__(self, table: dict[str, Any], lines: list[str], header: int, problems: list[Problem]) -> None:
        self.t = table
        self.lines = lines
        self.header = header
        self.problems = problems

    def fail(self, key: str | None, message: str) -> None:
        line = self.header if key is None else _key_line(self.lines, self.header, key)
        self.problems.append(Problem(line, message))

    def strings(self, key: str, upper: bool = False) -> tuple[str, ...]:
        v = self.t.get(key, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.fail(key, f"{key} must be a list of non-empty strings")
            return ()
        return tuple(x.strip().upper() if upper else x.strip() for x in v)

    def ints(self, key: str, low: int, high: int) -> tuple[int, ...]:
        v = self.t.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            self.fail(key, f"{key} must be a list of integers")
            return ()
        bad = [x for x in v if not low <= x <= high]
        if bad:
            self.fail(key, f"{key}: {bad[0]} is outside {low}-{high}")
            return ()
        return tuple(v)

    def number(self, key: str, low: float, high: float) -> float | None:
        if key not in self.t:
            return None
        v = self.t[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= high:
            self.fail(key, f"{key} must be a number from {low:g} to {high:g}, not {v!r}")
            return None
        return float(v)

    def escalations(self) -> tuple[Escalation, ...]:
        v = self.t.get("escalate", [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.fail("escalate", 'escalate must be a list of tables such as {min_hours = 6, severity = "high"}')
            return ()
        out: list[Escalation] = []
        for x in v:
            unknown = [k for k in x if k not in ("severity", "min_confidence", "min_hours")]
            sev, conf, hours = x.get("severity"), x.get("min_confidence"), x.get("min_hours")
            if unknown:
                self.fail("escalate", f"escalate: unknown key {unknown[0]!r} (severity, min_confidence, min_hours)")
            elif sev not in SEVERITIES:
                self.fail("escalate", f"escalate: severity must be one of {', '.join(SEVERITIES)}, not {sev!r}")
            elif conf is None and hours is None:
                self.fail("escalate", "escalate: each step needs min_confidence and/or min_hours")
            elif not all(
                c is None or (isinstance(c, int | float) and not isinstance(c, bool) and 0 <= c <= hi)
                for c, hi in ((conf, 1), (hours, 24 * 365))
            ):
                self.fail("escalate", "escalate: min_confidence is 0-1 and min_hours a positive number of hours")
            else:
                out.append(
                    Escalation(str(sev), None if conf is None else float(conf), None if hours is None else float(hours))
                )
        return tuple(out)

    def ship_types(self) -> tuple[tuple[int, int], ...]:
        out: list[tuple[int, int]] = []
        v = self.t.get("ship_types", [])
        for x in v if isinstance(v, list) else [v]:
            m = _RANGE.match(x) if isinstance(x, str) else None
            if isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 255:
                out.append((x, x))
            elif m and int(m.group(1)) <= int(m.group(2)) <= 255:
                out.append((int(m.group(1)), int(m.group(2))))
            else:
                self.fail("ship_types", f'ship_types: {x!r} is not a type code 0-255 or a range such as "70-79"')
                return ()
        return tuple(out)


def _rule(t: _Table, seen: dict[str, int]) -> Rule | None:
    """Check one table; ``None`` when it has problems (they are in ``t.problems``)."""
    before = len(t.problems)
    for key in t.t:
        if key not in RULE_KEYS:
            t.fail(key, f"unknown key {key!r} (keys: {', '.join(RULE_KEYS)})")
    rid = t.t.get("id")
    if rid is None:
        t.fail(None, "the rule has no id")
    elif not isinstance(rid, str) or not _ID.match(rid):
        t.fail("id", "id must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit")
    elif rid in seen:
        t.fail("id", f"id {rid!r} is used twice (first on line {seen[rid]})")
    else:
        seen[rid] = t.header
    kinds = t.strings("kinds")
    if "kinds" not in t.t:
        t.fail(None, 'the rule has no kinds (event kinds it applies to, or ["*"])')
    elif not kinds and len(t.problems) == before:
        t.fail("kinds", "kinds is empty")
    severity = t.t.get("severity")
    if severity is None:
        t.fail(None, f"the rule has no severity ({' | '.join(SEVERITIES)})")
    elif severity not in SEVERITIES:
        t.fail("severity", f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    lo, hi = t.number("length_min_m", 0, 1000), t.number("length_max_m", 0, 1000)
    if lo is not None and hi is not None and lo > hi:
        t.fail("length_max_m", f"length_max_m ({hi:g}) is below length_min_m ({lo:g})")
    classes = t.strings("classes", upper=True)
    if any(c not in ("A", "B") for c in classes):
        t.fail("classes", 'classes must be "A" and/or "B"')
    if "enabled" in t.t and not isinstance(t.t["enabled"], bool):
        t.fail("enabled", "enabled must be true or false")
    if "description" in t.t and not isinstance(t.t["description"], str):
        t.fail("description", "description must be a string")
    rule = Rule(
        id=str(rid),
        kinds=kinds,
        severity=str(severity),
        zones=t.strings("zones"),
        min_confidence=t.number("min_confidence", 0, 1) or 0.0,
        ship_types=t.ship_types(),
        flags=t.strings("flags", upper=True),
        mids=t.ints("mids", 200, 799),
        exclude_flags=t.strings("exclude_flags", upper=True),
        exclude_mids=t.ints("exclude_mids", 200, 799),
        length_min_m=lo,
        length_max_m=hi,
        classes=classes,
        watchlists=t.strings("watchlists"),
        escalate=t.escalations(),
        description=str(t.t.get("description", "")),
        line=t.header,
    )
    return rule if len(t.problems) == before else None


def check_rules(text: str, path: str = "<rules>") -> tuple[RuleSet | None, list[Problem]]:
    """Parse and check a rules file: ``(rules, [])`` when it is good, else ``(None, problems)``
    with every problem found, each with its 1-based line."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(m.group(1)) if m else max(1, len(text.splitlines()))  # else: "at end of document"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        return None, [Problem(line, "TOML syntax: " + message + ("" if m else " (at the end of the file)"))]
    lines = text.splitlines()
    problems: list[Problem] = []
    for key in doc:
        if key != "rule":
            problems.append(Problem(_top_key_line(lines, key), f"unknown top-level key {key!r}: write [[rule]] tables"))
    tables = doc.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return None, problems + [Problem(_top_key_line(lines, "rule"), "rule must be [[rule]] tables")]
    if not tables:
        problems.append(Problem(1, "the file defines no [[rule]]"))
    headers = _header_lines(lines)
    seen: dict[str, int] = {}
    rules: list[Rule] = []
    disabled: list[str] = []
    for i, table in enumerate(tables):
        header = headers[i] if i < len(headers) else 1
        rule = _rule(_Table(table, lines, header, problems), seen)
        if rule is not None:
            if table.get("enabled", True):
                rules.append(rule)
            else:
                disabled.append(rule.id)
    if problems:
        return None, sorted(problems, key=lambda p: p.line)
    return RuleSet(tuple(rules), path, tuple(disabled)), []


def _top_key_line(lines: list[str], key: str) -> int:
    for i, text in enumerate(lines):
        if re.match(rf"^\s*(\[+\s*)?{re.escape(key)}\b", text):
            return i + 1
    return 1


def parse_rules(text: str, path: str = "<rules>") -> RuleSet:
    """The rules of ``text``; :class:`RulesError` naming the first problem (one line)."""
    rules, problems = check_rules(text, path)
    if rules is None:
        more = f" (and {len(problems) - 1} more: run `maritime rules check {path}`)" if len(problems) > 1 else ""
        raise RulesError(problems[0].render(path) + more)
    return rules
