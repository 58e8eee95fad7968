"""Checks every number of a document against the others and against the rules of its index.

Each finding is a flag on the observation(s) concerned (and, at load, a row of the
flag table with the place in the source). Nothing is corrected: a contradicted value
stays as printed, flagged, so that a user can see it and rely on the rest.

Tolerances come from the printed precision: a difference of two values printed with two
decimals can be off by 0.01 from the printed change without anyone having made a
mistake, so rounding never raises a flag.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from chiso.checks.ocr import flag_entity_spellings, flag_low_confidence
from chiso.db.catalogue import catalogue
from chiso.model import Flag, Interpretation, RawObservation

MERGER_DAY = date(2025, 7, 1)


def _ulp(decimals: int) -> float:
    return 0.5 * 10 ** (-decimals) if decimals > 0 else 0.5


def _tol(*decimals: int) -> float:
    return sum(_ulp(d) for d in decimals) + 1e-9


def _doc_day(meta) -> date | None:  # noqa: ANN001
    if not meta.date:
        return None
    parts = [int(p) for p in meta.date.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def expected_rank_of(year: int, published: date | None) -> set[int]:
    """63 provinces until the July 2025 merger, 34 after; a 2024 figure re-ranked after it may say 34."""
    if year >= 2025:
        return {34}
    if published is not None and published >= MERGER_DAY:
        return {63, 34}
    return {63}


def check_document(result: Interpretation) -> None:
    _withhold_impossible(result)
    obs = result.observations
    published = _doc_day(result.meta)
    _check_ranges(obs, published)
    _check_changes(obs)
    _check_aggregates(obs)
    flag_low_confidence(result)  # OCR: values whose digits were read with low confidence (chiso/checks/ocr.py)
    flag_entity_spellings(result)  # OCR: one name read with two sets of diacritics (chiso/checks/ocr.py)


def _withhold_impossible(result: Interpretation) -> None:
    """A percentage above 100 or below 0 cannot be a value ('859,1%' for 85,91%): it is not loaded; the
    document keeps a flag saying what was printed and where (a wrong number is worse than a missing one)."""
    kept = []
    for o in result.observations:
        if o.unit == "%" and not (0 <= o.value <= 100) and o.measure == "value" and o.change is None:
            result.flags.append((Flag("implausible_number", f"'{o.label[:60]}' printed as {o.value:g}%: not a "
                                                            "percentage, not loaded", "warning"), o.source))
            continue
        kept.append(o)
    result.observations = kept


def _flag(o: RawObservation, code: str, message: str, severity: str = "warning") -> None:
    if not any(f.code == code and f.message == message for f in o.flags):
        o.flags.append(Flag(code, message, severity))


def _check_ranges(obs: list[RawObservation], published: date | None) -> None:
    for o in obs:
        if o.unit == "%" and not (0 <= o.value <= 100):
            _flag(o, "value_out_of_range", f"{o.value:g}% is outside 0–100", "error")
        if o.max is not None and o.value > o.max + _tol(o.decimals):
            _flag(o, "above_max", f"{o.value:g} is above its maximum {o.max:g}", "error")
        if o.rank is not None:
            if o.rank < 1 or (o.rank_of is not None and o.rank > o.rank_of):
                _flag(o, "rank_out_of_range", f"rank {o.rank}/{o.rank_of} is outside 1..{o.rank_of}", "error")
            elif o.rank_of is not None and o.rank_scope == "national" and \
                    o.rank_of not in expected_rank_of(o.year, published):
                want = "/".join(str(n) for n in sorted(expected_rank_of(o.year, published), reverse=True))
                _flag(o, "rank_of_unexpected", f"ranked out of {o.rank_of}, but there were {want} provinces "
                                               f"for {o.year}", "error")


def _series_key(o: RawObservation) -> tuple:
    return (o.index, o.entity, o.criterion or o.label, o.group or "", o.measure)


def _check_changes(obs: list[RawObservation]) -> None:
    """Printed change vs current − previous (the previous value the same document prints)."""
    by_series: dict[tuple, dict[int, RawObservation]] = defaultdict(dict)
    for o in obs:
        by_series[_series_key(o)].setdefault(o.year, o)
    for o in obs:
        if o.change is None:
            continue
        years = by_series[_series_key(o)]
        earlier = [y for y in years if y < o.year]
        if not earlier:
            continue
        prev = years[max(earlier)]
        diff = o.value - prev.value
        if abs(diff - o.change) > _tol(o.decimals, prev.decimals, o.change_decimals):
            # an unsigned change column ("2,43%") states the size of the change, not its sign
            if abs(abs(diff) - abs(o.change)) <= _tol(o.decimals, prev.decimals, o.change_decimals) and o.change >= 0 \
                    and o.source.kind == "table" and diff < 0:
                pass
            else:
                msg = (f"printed change {o.change:+g} but {o.value:g} − {prev.value:g} ({prev.year}) = {diff:+.4g}")
                _flag(o, "change_mismatch", msg)
                _flag(prev, "change_mismatch", msg)


def _check_aggregates(obs: list[RawObservation]) -> None:
    """Components vs their aggregate, where the index's method defines the aggregation.

    - SIPAS: a group (and the index) is a mean of its components weighted by the number
      of valid answers, which reports do not print; it must lie between the smallest and
      the largest component.
    - PAR INDEX and PAPI: an area / dimension scores the sum of its criteria, the PAPI
      index the sum of its dimensions; printed as a share (PAR INDEX 2017–2020: 78,45 %), a
      mean of its areas' shares weighted by their maxima, so within their range.
    The hierarchy comes from the table (a group row and the rows under it) and, for values
    read from sentences, from the catalogue.
    """
    cat = catalogue()
    values = [o for o in obs if o.measure == "value"]
    families: list[tuple[RawObservation, list[RawObservation]]] = []
    # 1. structure printed in the document: rows under a valued group row
    by_label: dict[tuple, RawObservation] = {}
    for o in values:
        by_label.setdefault((o.index, o.year, o.entity, o.label), o)
    kids_of: dict[int, list[RawObservation]] = defaultdict(list)
    for o in values:
        if o.group and (parent := by_label.get((o.index, o.year, o.entity, o.group))) is not None and parent is not o:
            kids_of[id(parent)].append(o)
    parents = {id(o): o for o in values}
    families.extend((parents[pid], kids) for pid, kids in kids_of.items())
    # 2. structure from the catalogue, for figures that sentences state one by one
    by_code: dict[tuple, RawObservation] = {}
    for o in values:
        if o.criterion:
            by_code.setdefault((o.index, o.year, o.entity, o.criterion), o)
    seen = {id(p) for p, _ in families}
    for (index, year, entity, code), parent in by_code.items():
        if id(parent) in seen:
            continue
        period = cat.period_for(index, year)
        node = cat.nodes.get((index, period, code)) if period else None
        if node is None or not node.children:
            continue
        kids = [by_code.get((index, year, entity, c)) for c in node.children]
        if kids and all(k is not None for k in kids):
            families.append((parent, [k for k in kids if k is not None]))
    for parent, kids in families:
        if len(kids) < 2:
            continue
        tol = _tol(parent.decimals, max(k.decimals for k in kids))
        if parent.index == "SIPAS" or parent.unit == "%":  # a share of points is a weighted mean, not a sum
            lo, hi = min(k.value for k in kids), max(k.value for k in kids)
            if not (lo - tol <= parent.value <= hi + tol):
                _flag(parent, "aggregate_mismatch", f"{parent.value:g} is outside the range of its "
                                                    f"{len(kids)} components ({lo:g}–{hi:g}); a mean must lie within")
        elif parent.index in ("PAR_INDEX", "PAPI"):
            agg = sum(k.value for k in kids)
            # whole numbers in a column of decimals ("3" beside "2,46") are exact, not rounded to units
            d = max([parent.decimals] + [k.decimals for k in kids])
            tol = sum(_ulp(x.decimals or d) for x in [parent, *kids]) + 1e-9
            if abs(agg - parent.value) > tol:
                _flag(parent, "aggregate_mismatch",
                      f"{parent.value:g} is not the sum of its {len(kids)} components ({agg:.4g})")
