"""Documents that give another value for the same fact: each observation flagged once.

A fact (index, year, entity, criterion) printed by several documents (a report, its DOCX
twin, its draft, a national data file) should have one value. When a newly loaded value
differs from values already in the warehouse, the new observation gets one flag naming every
source it disagrees with, and each of those gets one flag (or has its flag extended) naming
the new source: k disagreeing copies make k flags, not k² (it was pair by pair before).
Tolerances follow the printed precision, so rounding never raises a flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chiso.model import Flag, RawObservation

CODE = "cross_source_conflict"
_MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class StoredValue:
    """A value already in the warehouse, from another current document."""

    observation_id: int
    document_id: int
    index: str
    year: int
    entity: str
    criterion: str
    value: float
    decimals: int
    source: str  # file name, with "(draft)" for a draft


@dataclass
class Conflicts:
    # other observation id → (its document, the sources that now disagree with it)
    others: dict[int, tuple[int, list[str]]] = field(default_factory=dict)


def _tolerance(a: int, b: int) -> float:
    d = min(a, b)
    return (0.5 * 10 ** (-d) if d > 0 else 0.5) + 1e-9


def fact_key(o: RawObservation) -> tuple:
    return o.index, o.year, o.entity, o.criterion


def find_conflicts(observations: list[RawObservation], stored: list[StoredValue], source: str) -> Conflicts:
    """Flag (in place) each new value that differs from stored values of its fact; return the stored
    observations that now disagree with a new value, with the new source to name on them."""
    by_fact: dict[tuple, list[StoredValue]] = {}
    for s in stored:
        by_fact.setdefault((s.index, s.year, s.entity, s.criterion), []).append(s)
    out = Conflicts()
    for obs in observations:
        if obs.measure != "value" or not obs.criterion:
            continue
        differing = [s for s in by_fact.get(fact_key(obs), [])
                     if abs(s.value - obs.value) > _tolerance(s.decimals, obs.decimals)]
        if not differing:
            continue
        obs.flags.append(Flag(CODE, extend_message(None, obs.value, [f"{s.value:g} in {s.source}" for s in differing])))
        for s in differing:
            doc, sources = out.others.setdefault(s.observation_id, (s.document_id, []))
            sources.append(f"{obs.value:g} in {source}")
    return out


def extend_message(message: str | None, value: float, sources: list[str]) -> str:
    """The flag message naming every other source once, in a fixed order (whatever order files load in)."""
    known = [] if not message else [x for x in message.split("; ")[1:] if x]
    return _clip("; ".join([f"{value:g} here", *sorted(set(known) | set(sources))]))


def _clip(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"
