"""Documents that give another value for the same fact: each observation flagged once.

A fact (index, year, entity, criterion) printed by several documents (a report, its DOCX
twin, its draft, a national data file) should have one value. When a newly loaded value
differs from values already in the warehouse, the new observation gets one flag naming every
source it disagrees with, and each of those gets one flag (or has its flag extended) naming
the new source: k disagreeing copies make k flags, not k² (it was pair by pair before).
Tolerances follow the printed precision, so rounding never raises a flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from chiso.match.entities import classify
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
    province: str | None  # the province of the document that printed it
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


def place_of(entity: str, province: str | None) -> str | None:
    """Whose fact it is beyond its name: an agency's or a district's belongs to the province of the
    document (every province has a 'Sở Tài nguyên và Môi trường', and two such are two facts); a
    province's or the country's figure is the same fact whichever document prints it."""
    return None if classify(entity, province).kind in ("province", "national") else province


def _fact(index: str, year: int, entity: str, province: str | None, criterion: str) -> tuple:
    """What two values must share to be values of one fact (the place only where the entity is local)."""
    return index, year, place_of(entity, province), entity, criterion


def _value_facts(observations: list[RawObservation], province: str | None) -> Iterator[tuple[RawObservation, tuple]]:
    """The observations that state a criterion's value, each with its fact."""
    for obs in observations:
        if obs.measure == "value" and obs.criterion:
            yield obs, _fact(obs.index, obs.year, obs.entity, province, obs.criterion)


def _differs(value: float, decimals: int, obs: RawObservation) -> bool:
    return abs(value - obs.value) > _tolerance(decimals, obs.decimals)


def disagrees(observations: list[RawObservation], values: Iterable[tuple], province: str | None = None) -> bool:
    """Would `find_conflicts` flag any of these observations against these values? `values`: the distinct
    (index, year, province, entity, criterion, value, decimals) other documents give, the same keys and
    tolerances: k copies that agree are k rows a value of each fact, and asking this first spares the
    loader fetching each copy's observations (one load would cost more with every copy loaded before)."""
    by_fact: dict[tuple, list[tuple[float, int]]] = {}
    for index, year, their_province, entity, criterion, value, decimals in values:
        by_fact.setdefault(_fact(index, year, entity, their_province, criterion), []).append((value, decimals))
    return any(_differs(value, decimals, obs) for obs, fact in _value_facts(observations, province)
               for value, decimals in by_fact.get(fact, ()))


def find_conflicts(observations: list[RawObservation], stored: list[StoredValue], source: str,
                   province: str | None = None) -> Conflicts:
    """Flag (in place) each new value that differs from stored values of its fact; return the stored
    observations that now disagree with a new value, with the new source to name on them.
    `province`: the province of the document the observations come from."""
    by_fact: dict[tuple, list[StoredValue]] = {}
    for s in stored:
        by_fact.setdefault(_fact(s.index, s.year, s.entity, s.province, s.criterion), []).append(s)
    out = Conflicts()
    for obs, fact in _value_facts(observations, province):
        differing = [s for s in by_fact.get(fact, []) if _differs(s.value, s.decimals, obs)]
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
