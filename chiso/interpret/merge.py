"""One observation per fact: values stated in sentences merged with the tables.

A figure printed in a table and repeated in a sentence is one observation (the
sentence's place is added to its provenance, and its rank, if any, to the value).
A sentence that gives a different value for the same criterion than the table is a
contradiction: the table value stays, the sentence's value is not loaded, and the
observation is flagged. Values stated twice in prose at different precision
(43,48 and 43,4796) are one observation, the more precise one. Two values out of
different maxima (an area's 7,5/8 evidence points and its 9,112/10 full score) are
never the same fact, however alike their labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from chiso.interpret.mentions import entity_key
from chiso.interpret.prose import NationalStatement, RankStatement
from chiso.model import Flag, RawObservation
from chiso.normalize.text import match_key

_PREFIX = re.compile(r"^(?:mức\s+độ\s+hài\s+lòng|chỉ\s+số\s+hài\s+lòng|hài\s+lòng)(?:\s+của\s+người\s+dân)?"
                     r"(?:\s+(?:đối\s+với|về|với))?(?:\s+(?:việc|các))?\s+", re.I)


@lru_cache(maxsize=8192)
def _key(label: str) -> str:
    """Cached: the loose comparisons and the rank statements ask for the same labels' keys again."""
    return match_key(_PREFIX.sub("", label.strip()))


def similarity(a: str, b: str) -> float:
    """Loose: shared words (a subset scores high)."""
    return fuzz.token_set_ratio(_key(a), _key(b))


SAME_NAME = 85.0  # fuzz.ratio of the keys of two labels of one fact


@dataclass
class _Fact:
    """The values kept for one fact (`_fact_key`), in order; and apart, in the same order, the totals, those
    by printed number, and the others with the keys of their names (a total's name is never compared; only a
    total's label changes when it is joined): a new value is looked up, not compared with every row."""

    kept: list[RawObservation] = field(default_factory=list)
    totals: list[RawObservation] = field(default_factory=list)
    numbered: dict[str, list[RawObservation]] = field(default_factory=dict)
    named: list[RawObservation] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def keep(self, o: RawObservation) -> None:
        self.kept.append(o)
        if o.number:
            self.numbered.setdefault(o.number, []).append(o)
        if o.is_total:
            self.totals.append(o)
        else:
            self.named.append(o)
            self.keys.append(_key(o.label))


def _fits(p: RawObservation) -> Callable[[RawObservation], bool] | None:
    """Which values of p's fact can be p's: those of a compatible maximum and group (None: all, when p has
    neither, which spares the test on every row of a long table)."""
    if p.max is None and p.group is None:
        return None
    p_group = _group_key(p.group) if p.group is not None else None
    return lambda t: _compatible_max(t, p) and (t.group is None or p_group is None or _group_key(t.group) == p_group)


def _first(values: list[RawObservation], fits: Callable[[RawObservation], bool] | None) -> RawObservation | None:
    return next((t for t in values if fits is None or fits(t)), None)


def _same_name(p: RawObservation, fact: _Fact, fits: Callable[[RawObservation], bool] | None) -> RawObservation | None:
    """The value of the fact (not a total) whose label has p's name, strictly (the same wording up to form:
    `fuzz.ratio` of the keys ≥ SAME_NAME), the closest (the first of equals). Scored as one list by rapidfuzz
    (`process.extractOne` with a cut-off it raises to the best score so far), against keys made once per value:
    a long table's rows are compared with each new value in one call, not pair by pair."""
    named, keys = fact.named, fact.keys
    if fits is not None:
        pairs = [(t, k) for t, k in zip(named, keys, strict=True) if fits(t)]
        named, keys = [t for t, _ in pairs], [k for _, k in pairs]
    best = process.extractOne(_key(p.label), keys, scorer=fuzz.ratio, score_cutoff=SAME_NAME) if keys else None
    return named[best[2]] if best else None


def same_value(a: RawObservation, b: RawObservation) -> bool:
    d = min(a.decimals, b.decimals)
    tol = 0.5 * 10 ** (-d) + 1e-9 if d > 0 else 0.5
    return abs(a.value - b.value) <= tol


def _compatible_max(a: RawObservation, b: RawObservation) -> bool:
    return a.max is None or b.max is None or abs(a.max - b.max) < 1e-6


def _attach(target: RawObservation, other: RawObservation) -> None:
    target.also_at.append(other.source)
    if target.max is None and other.max is not None:
        target.max = other.max
    if other.rank is not None:
        if target.rank is None:
            target.rank, target.rank_of = other.rank, other.rank_of
        elif target.rank == other.rank and None in (target.rank_of, other.rank_of):
            target.rank_of = target.rank_of or other.rank_of  # "27" in a table, "27/63" in a sentence
        elif (target.rank, target.rank_of) != (other.rank, other.rank_of):
            target.flags.append(Flag("rank_conflict", f"rank {other.rank}/{other.rank_of} stated elsewhere, "
                                                      f"{target.rank}/{target.rank_of} here"))
    if target.change is None and other.change is not None:
        target.change, target.change_decimals = other.change, other.change_decimals


_GROUP_ORDINAL = re.compile(r"^(?:lĩnh\s*vực|nhóm|phần|trục|nội\s*dung)?\s*(?:[IVX]+|\d+)\s*[.:)\-–]\s*", re.I)


@lru_cache(maxsize=4096)
def _group_key(group: str) -> str:
    """A group's name without its ordinal: a table heads the rows `Lĩnh vực 1. Công tác chỉ đạo…`
    where the report's list says `Công tác chỉ đạo…`; both are one area."""
    return match_key(_GROUP_ORDINAL.sub("", group.strip()))


_SUM_LABEL = re.compile(r"^(?:tổng\s*(?:cộng|điểm|số)?|cộng)\b", re.I)


def _join(t: RawObservation, p: RawObservation) -> None:
    """p states the fact t holds: the same figure adds its place to t's provenance; another figure is a
    contradiction, flagged on t, and p's figure is not loaded."""
    if same_value(t, p):
        if p.decimals > t.decimals and t.source.kind != "table":
            t.value, t.decimals = p.value, p.decimals
        if t.is_total and _SUM_LABEL.match(t.label) and not p.number:
            t.label = p.label  # "Tổng cộng (Chỉ số CCHC)": the sentence names the index better
        _attach(t, p)
        return
    t.flags.append(Flag("text_table_conflict" if t.source.kind == "table" else "text_conflict",
                        f"a sentence gives {p.value:g} for '{p.label[:60]}', elsewhere {t.value:g}", "warning"))
    t.also_at.append(p.source)
    t.stated_elsewhere.append(p.value)
    if p.rank is not None and t.rank is None:
        t.rank, t.rank_of = p.rank, p.rank_of


def merge_same_criterion(observations: list[RawObservation]) -> list[RawObservation]:
    """After matching: a sentence worded unlike the table (`về sự phục vụ của công chức` beside the row
    `Công chức trực tiếp giải quyết công việc`) states the same fact when both were matched to one catalogue
    criterion for the same year and entity; it joins the table's observation. Two table rows are never
    joined here (they are two printed facts, however they were matched)."""
    out: list[RawObservation] = []
    seen: dict[tuple, RawObservation] = {}
    for o in sorted(observations, key=lambda o: o.source.kind != "table"):
        key = (o.index, o.year, entity_key(o.entity), o.criterion, o.measure, o.survey)
        t = seen.get(key) if o.criterion and ".x." not in o.criterion else None
        if t is not None and o.source.kind != "table" and _compatible_max(t, o):
            _join(t, o)
            continue
        seen.setdefault(key, o)
        out.append(o)
    order = {id(o): i for i, o in enumerate(observations)}
    return sorted(out, key=lambda o: order[id(o)])


def _fact_key(o: RawObservation) -> tuple:
    """What two observations of one fact share (none of it changes when they are joined)."""
    return o.index, o.year, entity_key(o.entity), o.survey, o.measure


def _merge_one(out: list[RawObservation], p: RawObservation, by_fact: dict[tuple, _Fact],
               strict_only: bool = False) -> None:
    """`by_fact`: `out` by `_fact_key`, in `out`'s order, so that p is compared only with its own fact's values."""
    fact = by_fact.get(_fact_key(p))
    if fact is None:
        _keep(out, p, by_fact)  # the first value of its fact
        return
    fits = _fits(p)
    named = _first(fact.numbered.get(p.number, []), fits) if p.number else None
    if named is None:  # by number, else a total is a total, else by name
        named = _first(fact.totals, fits) if p.is_total else _same_name(p, fact, fits)
    if named is not None and strict_only and not same_value(named, p):
        _keep(out, p, by_fact)  # two tables printing other figures under one name: both kept as printed
        return
    if named is not None:
        _join(named, p)
        return
    if strict_only:
        _keep(out, p, by_fact)
        return
    # Alike labels and the same figure: one fact stated twice. A figure rounded differently (1,247 and
    # 1,25) under merely alike labels is two facts that happen to be close.
    loose = sorted(((similarity(t.label, p.label), t) for t in fact.kept if (fits is None or fits(t))
                    and same_value(t, p) and t.decimals == p.decimals), key=lambda x: -x[0])
    if loose and loose[0][0] >= 70:
        _attach(loose[0][1], p)
        return
    _keep(out, p, by_fact)


def _keep(out: list[RawObservation], p: RawObservation, by_fact: dict[tuple, _Fact]) -> None:
    out.append(p)
    by_fact.setdefault(_fact_key(p), _Fact()).keep(p)


def _add_nationals(out: list[RawObservation], nationals: list[NationalStatement], entity: str,
                   report_year: int | None) -> None:
    """National values stated beside a local one: same criterion, entity "Cả nước"."""
    for nat in nationals:
        probe = RawObservation(index="", year=0, entity="", label="", value=nat.local, unit=nat.unit,
                               source=nat.source, decimals=nat.local_decimals)
        near = [o for o in out if o.entity == entity and same_value(o, probe)]
        # the value stated in the same sentence (its year, whatever the report's), else the report year's
        local = [o for o in near if o.source.block is not None and o.source.block == nat.source.block] or \
            [o for o in near if o.year == report_year]
        local.sort(key=lambda o: o.source.kind != "table")
        if not local:
            continue
        o = local[0]
        if any(x.entity == "Cả nước" and x.label == o.label and x.year == o.year for x in out):
            continue
        out.append(RawObservation(index=o.index, year=o.year, entity="Cả nước", label=o.label, group=o.group,
                                  value=nat.value, unit=nat.unit or o.unit, decimals=nat.decimals, source=nat.source,
                                  is_total=o.is_total))


_UP_TO = re.compile(r"\s+đến\s+")


def _attach_ranks(out: list[RawObservation], ranks: list[RankStatement], entity: str,
                  report_year: int | None) -> None:
    """Rank-only statements (often in footnotes): to the best matching value of the report year.

    When the best-matching value of that year already carries this very rank (read beside its value), the
    statement repeats it, and must not go to the next-best value, which has none."""
    by_year: dict[int, list[RawObservation]] = {}  # published ranks are those of the national survey
    for o in out:
        if o.entity == entity and o.survey is None:
            by_year.setdefault(o.year, []).append(o)
    for st in ranks:
        subject = _UP_TO.split(st.subject)[-1]
        same = by_year.get(st.year or report_year, [])
        scores = [similarity(o.label, subject) for o in same]  # scored once, for both questions
        best = max(range(len(same)), key=scores.__getitem__, default=None)
        if best is not None and (same[best].rank, same[best].rank_of) == (st.rank, st.rank_of):
            continue  # "đạt 85,27/100 điểm … (năm 2023 xếp thứ 26/63)": read with its value already, not another's
        scored = sorted(((x, o) for x, o in zip(scores, same, strict=True) if o.rank is None), key=lambda x: -x[0])
        if not scored or scored[0][0] < 75 or len(scored) > 1 and scored[0][0] - scored[1][0] < 4:
            continue
        o = scored[0][1]
        o.rank, o.rank_of = st.rank, st.rank_of
        o.also_at.append(st.source)


def merge_prose(tables: list[RawObservation], prose: list[RawObservation], ranks: list[RankStatement],
                entity: str, report_year: int | None, nationals: list[NationalStatement]) -> list[RawObservation]:
    out: list[RawObservation] = []
    by_fact: dict[tuple, _Fact] = {}
    for t in tables:  # a summary table and a detail table printing the same fact: one observation
        _merge_one(out, t, by_fact, strict_only=True)
    for p in prose:
        _merge_one(out, p, by_fact)
    _add_nationals(out, nationals, entity, report_year)
    _attach_ranks(out, ranks, entity, report_year)
    _fill_rank_populations(out, entity)
    _one_spelling_per_entity(out)
    return out


def _one_spelling_per_entity(out: list[RawObservation]) -> None:
    """One entity, one name in a document: a sentence's `huyện Tân Sơn` takes the table's `UBND huyện Tân Sơn`
    (the same entity by `entity_key`), so that a user filtering on one name gets all its values."""
    spelling: dict[str, str] = {}
    for o in sorted(out, key=lambda o: o.source.kind != "table"):
        spelling.setdefault(entity_key(o.entity), o.entity)
    for o in out:
        o.entity = spelling[entity_key(o.entity)]


def _fill_rank_populations(out: list[RawObservation], entity: str) -> None:
    """A rank printed without its population (a table's `Xếp hạng` column: `40`) is out of the number the
    same document states for that index's ranking of the province (`xếp thứ 27 (trong 63 tỉnh)`, `27/63`),
    when it states only one; the rank is flagged so that the population's source is known."""
    stated: dict[str, set[int]] = {}
    for o in out:
        if o.rank is not None and o.rank_of is not None and o.entity == entity:
            stated.setdefault(o.index, set()).add(o.rank_of)
    for o in out:
        population = stated.get(o.index, set())
        if o.rank is not None and o.rank_of is None and o.entity == entity and len(population) == 1:
            o.rank_of = next(iter(population))
            o.flags.append(Flag("rank_of_stated_elsewhere", f"rank {o.rank} printed alone; out of {o.rank_of} "
                                                            f"as the document states elsewhere", "info"))
