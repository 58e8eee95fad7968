"""Link printed criterion labels to the canonical catalogue (db/catalogue).

Order of evidence, strongest first:
1. a reviewed alias (a person's decision, replayed on every ingest);
2. the index total (a value the interpreter knows is the index itself);
3. fuzzy matching of the label's matching key (NFC, one tone placement, no numbering
   or punctuation, abbreviations expanded) against the names and aliases of the
   catalogue nodes of the same index and methodology period — inside the table's group
   when the group itself matches a catalogue node, so that "Qua mạng internet" as an
   information channel and as an information form stay two criteria.
Above HIGH the match is accepted; between LOW and HIGH it is queued for review; below
LOW the label stays unmatched. Queued and unmatched labels still load, under a code
derived from their own wording (same wording, same code) and with a flag.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from chiso.db.catalogue import Catalogue, Node, catalogue
from chiso.model import Flag, Interpretation, RawObservation
from chiso.normalize.text import match_key, slug

HIGH = 90.0
LOW = 75.0
AMBIGUITY_MARGIN = 2.0
GROUP_MARGIN = 12.0
MAX_BONUS = 10.0
_BLOCK = re.compile(r"^khối\s", re.I)
MAX_PENALTY = 25.0
PART_YIELD = 3.0


@dataclass
class Candidate:  # never changed once made: rankings are cached and shared (see _Pool.ranked)
    code: str
    name: str
    score: float


def derived_code(index: str, label: str, group: str | None) -> str:
    """Code for a label the catalogue does not (yet) know: same wording in same context, same code."""
    # spaces left out of the key: PDFs lose or add them inside words ("tổchức", "kinh tế- xã hội")
    key = re.sub(r"\s+", "", match_key(label))
    gkey = re.sub(r"\s+", "", match_key(group)) if group else ""
    digest = hashlib.sha1(f"{index}|{gkey}|{key}".encode()).hexdigest()[:8]
    return f"{index.lower()}.x.{slug(label, 32)}.{digest}"


# --- scoring: a label's key against every name and alias of a pool of nodes at once -----------
# A node's score is the best, over its keys, of fuzz.ratio and fuzz.token_sort_ratio. Both are
# computed for the whole pool in one rapidfuzz `process.extract` call each (its C++ loop, not a
# Python one), on the pool's keys flattened once and cached. token_sort_ratio is ratio of the
# words sorted and joined by a space; keys (match_key) hold only word characters, "%", "/" and
# single spaces, so the sorted form of every catalogue key is computed once, and the label's
# once per call (a query with other characters is scored with token_sort_ratio itself). A pool
# keeps its ranking of a key: a document asks for the same group's candidates once per row.
# (`process.cdist` with numpy's per-node maximum was measured too: 55 µs instead of 68 µs on a
# 178-key pool, not worth importing numpy (0.06–0.12 s) in a run of DOCX files.)
# Source: rapidfuzz docs (process.extract; fuzz.token_sort_ratio "sorts the words in the strings
# and calculates the fuzz.ratio between them"), checked equal on the whole catalogue.
_PLAIN_KEY = re.compile(r"[\w%/ ]*")
_POOL_CACHE_SIZE = 512
_RANKED_PER_POOL = 256  # a ranking holds every node of the pool: kept for the labels and groups of a few documents


@dataclass
class _Pool:
    nodes: tuple[Node, ...]  # held so that the ids in the cache key stay theirs
    keys: list[str]
    sorted_keys: list[str] | None  # None when a key has other characters than a match key's
    owner: list[int]  # keys[i] is a key of nodes[owner[i]]
    ranked: dict[str, list[Candidate]] = field(default_factory=dict)  # rank_candidates' answers


_POOLS: dict[tuple[int, ...], _Pool] = {}


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _pool(nodes: list[Node]) -> _Pool:
    ident = tuple(map(id, nodes))
    pool = _POOLS.get(ident)
    if pool is None:
        keys: list[str] = []
        owner: list[int] = []
        for i, node in enumerate(nodes):
            keys.extend(node.keys)
            owner.extend([i] * len(node.keys))
        if len(_POOLS) >= _POOL_CACHE_SIZE:
            _POOLS.clear()
        plain = all(_PLAIN_KEY.fullmatch(k) for k in keys)
        pool = _POOLS[ident] = _Pool(tuple(nodes), keys, [_sorted_words(k) for k in keys] if plain else None, owner)
    return pool


def _scores(key: str, pool: _Pool) -> list[float]:
    """Each node's score: the best of ratio and token_sort_ratio over its keys (0 without keys)."""
    best = [0.0] * len(pool.nodes)
    owner = pool.owner
    if pool.sorted_keys is not None and _PLAIN_KEY.fullmatch(key):
        runs = (process.extract(key, pool.keys, scorer=fuzz.ratio, limit=None),
                process.extract(_sorted_words(key), pool.sorted_keys, scorer=fuzz.ratio, limit=None))
    else:
        runs = (process.extract(key, pool.keys, scorer=fuzz.ratio, limit=None),
                process.extract(key, pool.keys, scorer=fuzz.token_sort_ratio, limit=None))
    for run in runs:
        for _, score, i in run:
            if score > best[owner[i]]:
                best[owner[i]] = score
    return best


_NUMBERED_LABEL = re.compile(
    r"^(?P<kind>lĩnh\s*vực|trục(?:\s*nội\s*dung)?|chỉ\s*số\s*nội\s*dung|chỉ\s*số\s*thành\s*phần|nhóm(?:\s*tiêu\s*chí)?)"
    r"\s*(?:số\s*)?(?P<n>\d{1,2}|[IVX]{1,4}|[A-ZĐ])\s*$", re.I)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def numbered_levels(kind: str) -> tuple[str, ...]:
    kind = kind.lower()
    if kind.startswith("lĩnh"):
        return ("area",)
    if kind.startswith("nhóm"):
        return ("group",)
    return ("dimension", "area", "group")


def _reaches(key: str, pool: _Pool, cutoff: float) -> bool:
    """Does some node of the pool score at least `cutoff`? Asked before ranking a pool only its best
    can be used from: under a cut-off rapidfuzz skips the keys that cannot reach it."""
    if not pool.keys:
        return False
    if pool.sorted_keys is not None and _PLAIN_KEY.fullmatch(key):
        runs = ((key, pool.keys, fuzz.ratio), (_sorted_words(key), pool.sorted_keys, fuzz.ratio))
    else:
        runs = ((key, pool.keys, fuzz.ratio), (key, pool.keys, fuzz.token_sort_ratio))
    return any(process.extractOne(query, keys, scorer=scorer, score_cutoff=cutoff) is not None
               for query, keys, scorer in runs)


def rank_candidates(key: str, nodes: list[Node]) -> list[Candidate]:
    """The pool's nodes, best score first, one per code."""
    pool = _pool(nodes)
    ranked = pool.ranked.get(key)
    if ranked is None:
        scored = [Candidate(n.code, n.name, score) for n, score in zip(nodes, _scores(key, pool), strict=True)]
        scored.sort(key=lambda c: -c.score)
        # one entry per code (a code can appear once per period only, but be safe)
        seen: set[str] = set()
        ranked = []
        for c in scored:
            if c.code not in seen:
                seen.add(c.code)
                ranked.append(c)
        if len(pool.ranked) >= _RANKED_PER_POOL:
            pool.ranked.clear()
        pool.ranked[key] = ranked
    return list(ranked)


@dataclass
class MatchOutcome:
    code: str
    score: float | None
    status: str  # alias | total | accepted | review | unmatched | no_catalogue
    candidates: list[Candidate] = field(default_factory=list)


def alias_key(index: str, label: str, group: str | None) -> tuple[str, str, str]:
    return index, match_key(label), match_key(group) if group else ""


def _weigh_maxima(cands: list[Candidate], pool: list[Node], maximum: float | None) -> list[Candidate]:
    """Two criteria named alike (an area's score out of 10 and its evidence points out of 8) are told
    apart by the maximum printed with the value: the node with that maximum gains, one with another loses."""
    by_code = {n.code: n for n in pool}
    if maximum is None:  # a part named like its parent (an area's evidence points): the parent, unless a maximum says
        top = {c.code: c.score for c in cands}
        return sorted((Candidate(c.code, c.name, c.score - PART_YIELD)
                       if by_code.get(c.code) and by_code[c.code].parent in top and top[by_code[c.code].parent] >= c.score
                       else c for c in cands), key=lambda c: -c.score)
    out = []
    for c in cands:
        node_max = by_code[c.code].max if c.code in by_code else None
        if node_max is not None:
            c = Candidate(c.code, c.name, min(100.0, c.score + MAX_BONUS) if abs(node_max - maximum) < 1e-6
                          else c.score - MAX_PENALTY)
        out.append(c)
    return sorted(out, key=lambda c: -c.score)


_OUTCOMES: dict[tuple, MatchOutcome] = {}  # match_label's answers without aliases, for the catalogue below
_OUTCOMES_OF: list[Catalogue] = []
_OUTCOMES_SIZE = 20_000


def match_label(index: str, year: int, label: str, group: str | None,
                aliases: dict[tuple[str, str, str], str] | None = None, is_total: bool = False,
                maximum: float | None = None) -> MatchOutcome:
    """A reviewed alias, else the catalogue's answer: that one depends on nothing else, and the same
    labels come back in every report of an index, so it is computed once per process (a copy is given)."""
    cat = catalogue()
    aliases = aliases or {}
    for k in (alias_key(index, label, group), alias_key(index, label, None)):
        if k in aliases:
            target = aliases[k]
            return MatchOutcome(target or derived_code(index, label, group), None, "alias")
    if not _OUTCOMES_OF or _OUTCOMES_OF[0] is not cat or len(_OUTCOMES) >= _OUTCOMES_SIZE:
        _OUTCOMES.clear()
        _OUTCOMES_OF[:] = [cat]
    k = (index, year, label, group, is_total, maximum)
    outcome = _OUTCOMES.get(k)
    if outcome is None:
        outcome = _OUTCOMES[k] = _match_in_catalogue(cat, index, year, label, group, is_total, maximum)
    return replace(outcome, candidates=list(outcome.candidates))


def _match_in_catalogue(cat: Catalogue, index: str, year: int, label: str, group: str | None, is_total: bool,
                        maximum: float | None) -> MatchOutcome:
    period = cat.period_for(index, year)
    nodes = cat.in_period(index, period) if period else []
    if is_total:
        total = next((n for n in nodes if n.level == "total"), None)
        return MatchOutcome(total.code if total else f"{index.lower()}.total", None, "total")
    if not nodes:
        return MatchOutcome(derived_code(index, label, group), None, "no_catalogue")
    key = match_key(label)
    # "Lĩnh vực 3", "Trục nội dung 5", "Nhóm tiêu chí B": the methodology's own numbering
    numbered = _NUMBERED_LABEL.match(label.strip())
    if numbered:
        num = numbered.group("n").upper()
        num = str(_ROMAN[num]) if num in _ROMAN else num
        hits = [n for n in nodes if n.number.upper() == num and n.level in numbered_levels(numbered.group("kind"))]
        if len(hits) == 1:
            return MatchOutcome(hits[0].code, 100.0, "accepted", [Candidate(hits[0].code, hits[0].name, 100.0)])
    pool = nodes
    restricted = False
    if group:
        gcands = rank_candidates(match_key(group), [n for n in nodes if n.children])
        if gcands and gcands[0].score >= HIGH and (len(gcands) == 1 or gcands[0].score - gcands[1].score
                                                   >= AMBIGUITY_MARGIN):
            gnode = cat.nodes[(index, period, gcands[0].code)]  # type: ignore[index]
            pool = cat.descendants(gnode) or nodes
            restricted = pool is not nodes
    cands = _weigh_maxima(rank_candidates(key, pool), pool, maximum)
    if not cands:
        return MatchOutcome(derived_code(index, label, group), None, "unmatched")
    best = cands[0]
    ambiguous = len(cands) > 1 and best.score - cands[1].score < AMBIGUITY_MARGIN and cands[1].code != best.code
    if best.score >= HIGH and not ambiguous:
        return MatchOutcome(best.code, best.score, "accepted", cands[:5])
    # inside a matched group there are only a few siblings: a clear winner is safe to accept
    if restricted and best.score >= LOW and (len(cands) == 1 or best.score - cands[1].score >= GROUP_MARGIN):
        return MatchOutcome(best.code, best.score, "accepted", cands[:5])
    # an older (or newer) name of a criterion: match it where it was valid, then follow the crosswalk
    if best.score < HIGH and period:
        other = [n for n in cat.nodes.values() if n.index == index and n.period != period]
        ocands = rank_candidates(key, other) if _reaches(key, _pool(other), HIGH) else []
        if ocands and ocands[0].score >= HIGH and (len(ocands) == 1 or ocands[0].score - ocands[1].score
                                                     >= AMBIGUITY_MARGIN or
                                                     cat.series(index, ocands[0].code) == cat.series(index, ocands[1].code)):
            code = cat.series(index, ocands[0].code)
            if (index, period, code) in cat.nodes:
                return MatchOutcome(code, ocands[0].score, "crosswalk", ocands[:5])
    if best.score >= LOW:
        return MatchOutcome(derived_code(index, label, group), best.score, "review", cands[:5])
    return MatchOutcome(derived_code(index, label, group), best.score, "unmatched", cands[:5])


_MATCH_FLAGS = {"match_review", "unmatched_criterion", "matched_via_crosswalk"}


def coded_by_dataset(obs: RawObservation) -> bool:
    """A national data file's value: its code was set from db/catalogue/national_columns.csv (reviewed
    data), so its label is neither matched nor re-coded by a reviewed alias decided for a report."""
    return obs.source.kind == "sheet" and obs.criterion is not None


def _join_unbounded(groups: dict[tuple, list[RawObservation]]) -> None:
    """Values of a label printed without a maximum join the group of the same label with one, when
    there is only one such (an earlier year quoted as '(năm 2022: 58,906 điểm)' after '60,392/66,5')."""
    for k in [k for k in groups if k[-1] is None]:
        bounded = [other for other in groups if other[:-1] == k[:-1] and other[-1] is not None]
        if len(bounded) == 1:
            groups[bounded[0]].extend(groups.pop(k))


def assign_criteria(result: Interpretation, aliases: dict[tuple[str, str, str], str] | None = None
                    ) -> list[tuple[RawObservation, MatchOutcome]]:
    """Give every observation a code; returns the ones a person should review.

    A label is matched once per document and context, in the methodology period of the
    latest year it is printed for: the previous-year column of a table is the same
    criterion as the current one, whatever the catalogue holds for the earlier period.
    """
    review: list[tuple[RawObservation, MatchOutcome]] = []
    groups: dict[tuple, list[RawObservation]] = {}
    for obs in result.observations:
        if coded_by_dataset(obs):
            continue
        obs.flags = [f for f in obs.flags if f.code not in _MATCH_FLAGS]  # matching again replaces its flags
        k = (obs.index, match_key(obs.label), match_key(obs.group) if obs.group else "", obs.is_total, obs.survey,
             obs.max)
        groups.setdefault(k, []).append(obs)
    _join_unbounded(groups)
    report_year = result.meta.report_year
    for (index, _, _, is_total, survey, maximum), members in groups.items():
        years = [o.year for o in members]
        year = max(y for y in years if report_year is None or y <= report_year) if \
            any(report_year is None or y <= report_year for y in years) else max(years)
        first = members[0]
        outcome = match_label(index, year, first.label, first.group, aliases, is_total, maximum)
        code = outcome.code
        if first.group and _BLOCK.match(first.group) and outcome.status != "unmatched":
            code = f"{code}.{slug(first.group, 32)}"  # a component of a block of units (khối sở, ban, ngành) is its own series
        if survey:  # the same criterion measured by another survey is another series
            prefix = index.lower()
            code = f"{prefix}.{survey}_survey{code[len(prefix):]}" if code.startswith(prefix) else f"{survey}.{code}"
        for obs in members:
            obs.criterion = code
            obs.match_score = outcome.score
            if outcome.status == "review":
                obs.flags.append(Flag("match_review", f"'{obs.label[:60]}' ~ {outcome.candidates[0].code} "
                                                      f"({outcome.score:.0f}): queued for review", "info"))
            elif outcome.status == "crosswalk":
                obs.flags.append(Flag("matched_via_crosswalk", f"'{obs.label[:60]}' is an earlier/later name of "
                                                               f"{outcome.code}", "info"))
            elif outcome.status == "unmatched":
                obs.flags.append(Flag("unmatched_criterion", f"'{obs.label[:60]}' is not in the catalogue", "info"))
        if outcome.status == "review":
            review.append((first, outcome))
    return review


def apply_aliases(result: Interpretation, aliases: dict[tuple[str, str, str], str]) -> None:
    """Decisions a person made after this file was matched (replayed at load time)."""
    for obs in result.observations:
        if coded_by_dataset(obs):
            continue
        for k in (alias_key(obs.index, obs.label, obs.group), alias_key(obs.index, obs.label, None)):
            if k in aliases:
                obs.criterion = aliases[k] or derived_code(obs.index, obs.label, obs.group)
                obs.flags = [f for f in obs.flags if f.code not in _MATCH_FLAGS]
                break
