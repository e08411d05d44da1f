"""Vessel risk: a 0-1 score per vessel with the factors behind it (pure; no I/O).

Each factor turns its evidence ``x`` (hours, events, or 1 for a yes/no fact) into a strength
``s = 1 - exp(-x / scale)`` (0 with no evidence, 0.63 at ``scale``, towards 1 beyond) and
contributes ``c = weight * s``. The factors combine as independent pieces of evidence
(noisy-OR): ``base = 1 - prod(1 - c)``. So one factor alone never exceeds its weight, every
factor can only raise the score, and a watch officer reads the score as "which factors, how
strongly". Weights and scales are in :data:`FACTORS`, each with its rationale.

Association: a vessel that meets risky vessels is riskier. Over the encounter network (an
edge per pair of vessels that had a rendezvous, its strength ``1 - exp(-n)`` for ``n``
confidence-weighted meetings), ``r_v = 1 - (1 - base_v)(1 - A * max_p edge(v,p) * r_p)``,
iterated :data:`ASSOCIATION_STEPS` times from ``r = base``: each hop multiplies the partner's
risk by at most ``A`` = 0.5, so influence decays with distance in the network.

Events are read generically by kind: the kinds named in :data:`FACTORS` have their own factor,
every other kind (added by other detectors) counts in ``other_events``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from maritime.analytics.flags import is_flag_of_convenience, mmsi_anomaly


@dataclass(frozen=True)
class FactorSpec:
    """A factor: its weight (the most it adds on its own), the evidence that reaches 63 % of
    it (``scale``, in ``unit``) and why."""

    name: str
    weight: float
    scale: float
    unit: str
    rationale: str


FACTORS: dict[str, FactorSpec] = {
    f.name: f
    for f in (
        FactorSpec(
            "dark_hours",
            0.35,
            24.0,
            "hours",
            "AIS silences where the vessel should have been heard hide what it does; Global Fishing Watch "
            "found deliberate disabling concentrated at EEZ edges and linked to IUU fishing (Welch et al. 2022, "
            "Science Advances 8:eabq2109). A day of dark time reaches 63 % of the weight.",
        ),
        FactorSpec(
            "rendezvous",
            0.45,
            2.0,
            "meetings",
            "Meetings at sea are how catch is transshipped out of sight of port controls and how contraband "
            "moves between vessels (Miller et al. 2018, Frontiers in Marine Science 5:240; UNODC 2011 "
            "'Transnational organized crime in the fishing industry'). Two meetings reach 63 %.",
        ),
        FactorSpec(
            "reserve_activity",
            0.40,
            2.0,
            "events",
            "Loitering or fishing inside a marine reserve (Galápagos, Cocos, Malpelo, Gorgona) is the "
            "violation patrols exist to stop; two such events reach 63 %.",
        ),
        FactorSpec(
            "loitering",
            0.10,
            5.0,
            "events",
            "Loitering or fishing outside reserves is mostly lawful work; it adds little (5 events: 63 % of 0.10).",
        ),
        FactorSpec(
            "zone_entries",
            0.15,
            5.0,
            "entries",
            "Entering a patrol zone is weak evidence alone (most entries are transits); it counts modestly.",
        ),
        FactorSpec(
            "identity_conflicts",
            0.35,
            1.0,
            "events",
            "Two vessels transmitting one MMSI at once is a spoofed or cloned identity (IMO Res. A.1106(29) "
            "requires a unique, correct MMSI); one conflict reaches 63 %.",
        ),
        FactorSpec(
            "identity_changes",
            0.20,
            3.0,
            "changes",
            "Changes of name, call sign, IMO number or ship type after the first report ('identity "
            "laundering'; C4ADS 2019 'Unmasked') are rare for legitimate vessels; three reach 63 %.",
        ),
        FactorSpec(
            "flag_of_convenience",
            0.10,
            1.0,
            "flag",
            "Flags on the ITF flags-of-convenience list are over-represented among IUU vessels (OECD 2004 "
            "'Fish Piracy'; Petrossian 2015, Crime Science 4:3) but most of their ships are lawful: small weight.",
        ),
        FactorSpec(
            "mmsi_anomaly",
            0.25,
            1.0,
            "anomaly",
            "An MMSI with no ITU MID, or a transponder default (123456789, 111111111, ...), means the "
            "identity is unset or invented (ITU-R M.585-9).",
        ),
        FactorSpec(
            "watch_list",
            0.60,
            1.0,
            "listing",
            "A vessel an agency has listed (IUU lists of the IATTC and other RFMOs, national watch lists) "
            "was judged by people with more evidence than the AIS record: the largest weight.",
        ),
        FactorSpec(
            "other_events",
            0.10,
            5.0,
            "events",
            "Events of kinds without their own factor (added by other detectors) count a little, "
            "confidence-weighted, so that no event is ignored.",
        ),
        FactorSpec(
            "association",
            0.50,
            1.0,
            "partner risk",
            "Vessels that meet risky vessels share in their risk (criminal networks use several vessels); "
            "the partner's risk times the tie strength, at most half of it per hop, propagated 3 hops.",
        ),
    )
}
#: Hops of propagation over the encounter network.
ASSOCIATION_STEPS = 3
#: Kinds read by name (the rest are ``other_events``).
DARK_KINDS = ("dark_period",)
RENDEZVOUS_KINDS = ("rendezvous",)
LOITER_KINDS = ("loitering", "fishing")
ZONE_ENTRY_KINDS = ("zone_entry",)
CONFLICT_KINDS = ("identity_conflict",)
#: The factors whose refs are event ids (see :func:`vessel_base`).
EVENT_FACTORS = (
    "dark_hours",
    "rendezvous",
    "reserve_activity",
    "loitering",
    "zone_entries",
    "identity_conflicts",
    "other_events",
)
#: Words in a zone's name or description that make it a reserve (see patrol_zones.geojson).
RESERVE_WORDS = ("reserve", "national park", "sanctuary", "protected", "natural park")


@dataclass(frozen=True)
class EventRow:
    """A stored event as risk reads it: times UTC seconds, ``end`` None while open."""

    event_id: str
    kind: str
    mmsi: int
    other_mmsi: int | None
    start: float
    end: float | None
    zone: str | None
    confidence: float


@dataclass
class FactorScore:
    """One factor of one vessel: evidence (in the factor's unit), strength 0-1, contribution
    (weight x strength) and ``refs``: the stored rows it comes from (event ids, or
    ``identity_history:<field>:<ts>``, ``watch:<table>``, ``mid:<mid>``, ``partner:<mmsi>``)."""

    name: str
    evidence: float
    strength: float
    contribution: float
    refs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        spec = FACTORS[self.name]
        return {
            "factor": self.name,
            "weight": spec.weight,
            "evidence": round(self.evidence, 6),
            "unit": spec.unit,
            "strength": round(self.strength, 6),
            "contribution": round(self.contribution, 6),
            "refs": self.refs,
        }


@dataclass
class VesselRisk:
    """The score of one vessel: ``score`` (0-1) = base factors combined with association."""

    mmsi: int
    base: float
    association: float = 0.0
    score: float = 0.0
    factors: list[FactorScore] = field(default_factory=list)


@dataclass(frozen=True)
class VesselFacts:
    """What is known of a vessel besides its events: identity changes (refs), flag country,
    watch-list refs."""

    identity_changes: Sequence[str] = ()
    flag_country: str | None = None
    watch_refs: Sequence[str] = ()


def is_reserve(name: str, description: str | None = None) -> bool:
    """Whether a zone is a marine reserve, by the words of :data:`RESERVE_WORDS`."""
    text = f"{name} {description or ''}".lower()
    return any(w in text for w in RESERVE_WORDS)


def _factor(name: str, evidence: float, refs: list[str]) -> FactorScore:
    spec = FACTORS[name]
    strength = 1.0 - math.exp(-max(evidence, 0.0) / spec.scale)
    return FactorScore(name, evidence, strength, spec.weight * strength, refs)


def combine(contributions: Iterable[float]) -> float:
    """Noisy-OR of contributions in 0-1: ``1 - prod(1 - c)``."""
    keep = 1.0
    for c in contributions:
        keep *= 1.0 - c
    return 1.0 - keep


def _hours(e: EventRow, as_of: float) -> float:
    end = e.end if e.end is not None else max(as_of, e.start)
    return max(end - e.start, 0.0) / 3600.0


def vessel_base(
    mmsi: int,
    events: Sequence[EventRow],
    facts: VesselFacts,
    mid_table: Mapping[int, str],
    reserves: frozenset[str],
    as_of: float,
) -> VesselRisk:
    """The base score and factors of one vessel from its events (as ``mmsi`` or partner),
    identity changes, flag and watch listing. ``as_of`` (UTC s) closes open dark periods."""
    acc: dict[str, tuple[float, list[str]]] = defaultdict(lambda: (0.0, []))

    def add(name: str, x: float, ref: str) -> None:
        v, refs = acc[name]
        refs.append(ref)
        acc[name] = (v + x, refs)

    for e in events:
        c = min(max(e.confidence, 0.0), 1.0)
        if e.kind in DARK_KINDS:
            add("dark_hours", c * _hours(e, as_of), e.event_id)
        elif e.kind in RENDEZVOUS_KINDS:
            add("rendezvous", c, e.event_id)
        elif e.kind in LOITER_KINDS:
            add("reserve_activity" if e.zone in reserves else "loitering", c, e.event_id)
        elif e.kind in ZONE_ENTRY_KINDS:
            add("zone_entries", c, e.event_id)
        elif e.kind in CONFLICT_KINDS:
            add("identity_conflicts", c, e.event_id)
        else:
            add("other_events", c, e.event_id)
    for ref in facts.identity_changes:
        add("identity_changes", 1.0, ref)
    if is_flag_of_convenience(facts.flag_country):
        add("flag_of_convenience", 1.0, f"flag:{facts.flag_country}")
    anomaly = mmsi_anomaly(mmsi, mid_table)
    if anomaly:
        add("mmsi_anomaly", 1.0, f"mmsi:{anomaly}")
    for ref in facts.watch_refs:
        add("watch_list", 1.0, ref)
    factors = [_factor(name, v, refs) for name, (v, refs) in acc.items()]
    factors.sort(key=lambda f: -f.contribution)
    base = combine(f.contribution for f in factors)
    return VesselRisk(mmsi, base, 0.0, base, factors)


def encounter_edges(events: Iterable[EventRow]) -> dict[tuple[int, int], tuple[float, list[str]]]:
    """Edges of the encounter network: (low MMSI, high MMSI) → (confidence-weighted meetings,
    rendezvous event ids)."""
    edges: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for e in events:
        if e.kind not in RENDEZVOUS_KINDS or e.other_mmsi is None or e.other_mmsi == e.mmsi:
            continue
        key = (min(e.mmsi, e.other_mmsi), max(e.mmsi, e.other_mmsi))
        n, ids = edges.get(key, (0.0, []))
        ids.append(e.event_id)
        edges[key] = (n + min(max(e.confidence, 0.0), 1.0), ids)
    return edges


def propagate(
    base: Mapping[int, float],
    edges: Mapping[tuple[int, int], tuple[float, list[str]]],
    steps: int = ASSOCIATION_STEPS,
) -> dict[int, tuple[float, float, int | None]]:
    """Scores over the network: mmsi → (score, association contribution, strongest partner).
    Vessels without edges keep their base and are left out. Vectorised: one pass over the
    edges per hop."""
    if not edges:
        return {}
    weight, scale = FACTORS["association"].weight, FACTORS["association"].scale
    pairs = np.array(list(edges.keys()), dtype=np.int64)
    tie = 1.0 - np.exp(-np.array([n for n, _ in edges.values()], dtype=np.float64) / scale)
    nodes, inv = np.unique(pairs.ravel(), return_inverse=True)
    ea, eb = inv.reshape(-1, 2).T
    b0 = np.array([base.get(int(m), 0.0) for m in nodes], dtype=np.float64)
    src = np.concatenate([ea, eb])  # the vessel
    dst = np.concatenate([eb, ea])  # its partner
    t2 = np.concatenate([tie, tie])
    r = b0.copy()
    best = np.zeros(len(nodes))
    cand = np.zeros(len(src))
    for _ in range(steps):
        cand = weight * t2 * r[dst]
        best = np.zeros(len(nodes))
        np.maximum.at(best, src, cand)
        r = 1.0 - (1.0 - b0) * (1.0 - best)
    order = np.lexsort((-cand, src))  # per vessel, its strongest partner first
    first = order[np.r_[True, src[order][1:] != src[order][:-1]]]
    who = np.full(len(nodes), -1, dtype=np.int64)
    who[src[first]] = nodes[dst[first]]
    return {int(m): (float(r[i]), float(best[i]), int(who[i]) if best[i] > 0 else None) for i, m in enumerate(nodes)}


def score_vessels(
    bases: Mapping[int, VesselRisk],
    edges: Mapping[tuple[int, int], tuple[float, list[str]]],
    assoc: Mapping[int, tuple[float, float, int | None]] | None = None,
) -> dict[int, VesselRisk]:
    """Add association to base scores (in place) and return them; an ``association`` factor
    names the strongest partner and the meetings with it. ``assoc``: the result of
    :func:`propagate` over all vessels, when ``bases`` holds only some of them."""
    if assoc is None:
        assoc = propagate({m: v.base for m, v in bases.items()}, edges)
    for m, v in bases.items():
        v.factors = [f for f in v.factors if f.name != "association"]
        score, best, who = assoc.get(m, (v.base, 0.0, None))
        v.association, v.score = best, score
        if who is not None and best > 0:
            n, ids = edges[(min(m, who), max(m, who))]
            f = FactorScore("association", n, best / FACTORS["association"].weight, best, [f"partner:{who}", *ids])
            v.factors.append(f)
            v.factors.sort(key=lambda x: -x.contribution)
    return dict(bases)


def compute_risk(
    events: Sequence[EventRow],
    facts: Mapping[int, VesselFacts],
    mid_table: Mapping[int, str],
    reserves: frozenset[str],
    as_of: float,
) -> dict[int, VesselRisk]:
    """Scores of every vessel with events or facts: base factors, then association."""
    by_vessel: dict[int, list[EventRow]] = defaultdict(list)
    for e in events:
        by_vessel[e.mmsi].append(e)
        if e.other_mmsi is not None and e.other_mmsi != e.mmsi:
            by_vessel[e.other_mmsi].append(e)
    vessels = set(by_vessel) | set(facts)
    bases = {
        m: vessel_base(m, by_vessel.get(m, []), facts.get(m, VesselFacts()), mid_table, reserves, as_of)
        for m in vessels
    }
    return score_vessels(bases, encounter_edges(events))
