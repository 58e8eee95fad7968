"""`<subject> đạt 81,51%`: the value a clause states, its rank, and the previous years it cites.

A clause gives at most one value of its own (with an optional `/max`), ranked by a
following `xếp thứ 55/63` or `(27/63)`; previous years come as `so với năm 2023 (đạt
43,68 điểm)`, `(năm 2023 đạt 1,67 điểm)` or `(7,3947 điểm)`. Changes (`tăng 1,69%`),
ranges (`dao động từ 3,6 – 5,9`), targets (`phấn đấu đạt trên 91%`) and thresholds
(`trên 90%`) are not values. A clause without a subject of its own continues the previous
clause's subject.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from chiso.interpret.prose.context import NUM, RANK_AT, RANK_VERB, Findings, ProseContext, Sources, set_rank
from chiso.interpret.prose.prefilter import DIGIT, fold, holds_any, last_words_start
from chiso.interpret.prose.subjects import entity_in, label_for, names_a_criterion, subject_before
from chiso.model import RawObservation
from chiso.normalize.numbers import NumberMatch, find_numbers
from chiso.normalize.text import clean_label, match_key

RANGE = re.compile(r"(?:dao\s+động|đạt)?\s*từ\s*(" + NUM + r")\s*%?\s*(?:điểm)?\s*(?:[-–—]|đến)\s*(" + NUM + r")", re.I)
RESPECTIVELY = re.compile(r"lần\s+lượt\s+(?:là|đạt|được)?\s*(?P<vals>" + NUM + r"\s*%?(?:\s*(?:,|và|;)\s*" + NUM +
                          r"\s*%?)+)", re.I)
TARGET = re.compile(r"phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu|kế\s+hoạch\s+đề\s+ra|dự\s+kiến", re.I)
_CHANGE_BEFORE = re.compile(r"(tăng|giảm|cao\s+hơn|thấp\s+hơn|chênh\s+lệch)\s*(?:là|thêm)?\s*$", re.I)
_STATE = re.compile(r"(?:đạt|là|được)\s*(?:mức\s*)?$|\S\s*:\s*$", re.I)
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
# (Every pattern below that is searched through whole clauses opens with a look-ahead for the words its matches
# start with: a position without them is passed over at once, instead of trying each alternative there.)
PREV = re.compile(
    r"(?=so\s|cao\s|thấp\s|\()(?:"
    r"(?<!tăng\s)(?<!giảm\s)(?:so\s+với|(?:cao|thấp)\s+hơn)\s+(?:cùng\s+kỳ\s+)?năm\s+(?P<y1>20\d\d)\s*"
    r"(?:\((?!\s*\d{1,3}\s*/\s*\d{1,3}\s*\))\s*(?:đạt\s*)?(?P<v1>" + NUM + r"(?:/\d[\d.,]*)?\s*(?:%|điểm)?)"
    r"(?:\s*[,;]\s*" + RANK_VERB + r"\s*(?P<r1>\d{1,3})(?:\s*/\s*(?P<n1>\d{1,3}))?)?\s*\)"
    r"|,?\s*(?:đạt|là)\s*(?P<v2>" + NUM + r"\s*(?:%|điểm)))"
    r"|\(\s*năm\s+(?P<y3>20\d\d)(?:\s+(?:tỉnh|thành\s+phố|huyện)\b[^\d()]{0,30}?)?\s*(?:đạt|là|:)?\s*"
    r"(?P<v3>" + NUM + r"(?:/\d[\d.,]*)?\s*(?:%|điểm)?)"
    r"(?:\s*[,;]\s*" + RANK_VERB + r"\s*(?P<r3>\d{1,3})(?:\s*/\s*(?P<n3>\d{1,3}))?)?\s*\))", re.I)
PREV_RANK = re.compile(r"\(\s*năm\s+(20\d\d)\s+" + RANK_VERB + r"\s*(\d{1,3})\s*/\s*(\d{1,3})\s*\)", re.I)
CLAUSE = re.compile(r"[^;]+?(?=;|\.\s+(?=[A-ZĐÀ-Ỹ])|$)")
STATED_VALUE = re.compile(r"đạt\s*" + NUM)
# Words without which a pattern cannot match (every match spells one of them): most clauses hold none, and
# looking for a word is cheaper than running the pattern over the whole clause (prefilter.py).
NEEDS = {RANGE: ("từ",), RESPECTIVELY: ("lượt",), PREV: ("năm",), TARGET: ("phấn", "tiêu", "hoạch", "kiến")}


def may_match(pattern: re.Pattern[str], folded: str) -> bool:
    """Can the pattern (one of `NEEDS`) match the text that folds (`prefilter.fold`) to `folded`?"""
    return holds_any(folded, NEEDS[pattern])


@dataclass
class _Subject:
    label: str
    is_total: bool
    entity: str
    broken_value: bool = False  # its value in this clause could not be read; earlier years cited still can
    old_province: bool = False  # the entity is an old province printed as such ("tỉnh Yên Bái (cũ)")


_PLACE_WORD = re.compile(r"\b(?:tỉnh|thành\s+phố|huyện|thị\s+xã|cả\s+nước|toàn\s+quốc)\b", re.I)


@dataclass
class _State:
    last: _Subject | None = None  # carried across clauses
    pending_rank: RawObservation | None = None  # a value whose rank may open the next clause
    main_rank_at: int | None = None  # where in the clause the rank of the clause's own value is
    year: int | None = None  # "Năm 2024, …" opening a clause: the year of what the block says next


def population_or_none(text: str | None) -> int | None:
    """A rank's population when printed ("xếp thứ 27/63"); "xếp thứ 27" alone takes the document's."""
    return int(text) if text else None


def _within(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


_CLAUSE_BREAK = re.compile(r";|\.\s+(?=[A-ZĐÀ-Ỹ])")
# "… đạt 24,163/32 điểm, trong đó điểm quy đổi … đạt 8,236/10 điểm và điểm khảo sát … đạt 15,927/22 điểm",
# "… xếp thứ 40/63; trong đó, “Tiếp cận thông tin” đạt 0,98 điểm, “Công khai …” đạt 1,52 điểm và …":
# after a stated value, `trong đó` or a new measured or quoted subject opens a clause of its own.
_SUBCLAUSE_BREAK = re.compile(r"(?=[,\s]|trong)(?:,?\s*trong\s+đó(?:\s+có)?\s*[:,]?\s*"
                              r"|(?:,|,?\s+và)\s+(?=(?:tổng\s+)?(?:điểm|mức\s+độ\s+hài\s+lòng|tỷ\s+lệ\s+hài\s+lòng)\s|[“\"]))",
                              re.I)


def _clause_cuts(text: str) -> list[re.Match[str]]:
    """Where clauses end: `;`, a sentence end, and a new measured subject after a value."""
    cuts = list(_CLAUSE_BREAK.finditer(text))
    if not STATED_VALUE.search(text):
        return cuts  # no value stated anywhere, so none before a new subject (the breaks come in order)
    bounds = [0, *(c.end() for c in cuts), len(text)]  # ascending: the matches come in order
    for sub in _SUBCLAUSE_BREAK.finditer(text):
        start = bounds[bisect_right(bounds, sub.start()) - 1]  # the last clause start at or before it
        if STATED_VALUE.search(text, start, sub.start()):
            cuts.append(sub)
    return sorted(cuts, key=lambda m: m.start())


_GOES_ON = re.compile(r"\s*(?:trong\s+đó|cụ\s+thể)\b", re.I)


def read_stated(text: str, ctx: ProseContext, src: Sources) -> Findings:
    found = Findings()
    state = _State()
    if _GOES_ON.match(text):  # a paragraph going on about the last one's subject
        state.last = ctx.memory.get("old_province_subject")
    start = 0
    # a block without a digit states no figure: its clauses would read nothing, it only carries the subject on
    for cut in [*_clause_cuts(text), None] if DIGIT.search(text) else ():
        end = cut.start() if cut else len(text)
        clause = text[start:end]
        if clause.strip():
            _read_clause(clause, start, ctx, src, state, found)
        start = cut.end() if cut else len(text)
    ctx.memory["old_province_subject"] = state.last if state.last and state.last.old_province else None
    return found


_RANK_OPENING = re.compile(r"\s*(?:và\s+)?" + RANK_VERB + r"\s*(\d{1,3})\s*/\s*(\d{1,3})", re.I)


def _take_pending_rank(clause: str, state: _State) -> None:
    if state.pending_rank is None:
        return
    rk = RANK_AT.match(clause.strip()) or _RANK_OPENING.match(clause)
    if rk and not STATED_VALUE.search(clause[: rk.start()]):
        set_rank(state.pending_rank, rk)
    state.pending_rank = None


_LIST_SEPARATOR = re.compile(r"[,;:]\s*|\bvà\s+")


def _named_just_before(before: str, ctx: ProseContext) -> bool:
    """The words since the last list separator name a criterion of the index."""
    item = _LIST_SEPARATOR.split(before)[-1].strip()
    return bool(item) and names_a_criterion(item, ctx.index, ctx.report_year)


def _take_earlier_ranks(clause: str, state: _State, found: Findings) -> None:
    """`(năm 2022 xếp thứ 41/63)` after the previous year's value: its rank."""
    for rm in PREV_RANK.finditer(clause):
        year = int(rm.group(1))
        for o in reversed(found.observations):
            if o.year == year and o.rank is None and state.last and o.label == state.last.label:
                o.rank, o.rank_of = int(rm.group(2)), int(rm.group(3))
                break


_LEAD_YEAR = re.compile(r"\s*(?:trong\s+|tính\s+đến\s+|đến\s+)?năm\s+(20[0-4]\d)\s*,", re.I)
_CRITERION_NUMBER = re.compile(r"tiêu\s+chí(?:\s+thành\s+phần)?\s+(\d{1,2}(?:\.\d{1,2}){1,3})\b", re.I)
_SELF = re.compile(r"tự\s+(?:đánh\s+giá|chấm)", re.I)
_RATE_AFTER = re.compile(r"\s*\(\s*(?:đạt\s+|bằng\s+)?(?:tỷ\s+lệ\s+)?" + NUM + r"\s*%\s*\)")
_LEADING_ZERO = re.compile(r"0\d")
_OVER_AFTER = re.compile(r"\s*/\s*\d")  # "… / 2": a figure over something it was not read with
_THRESHOLD_BEFORE = re.compile(r"(?:trên|dưới|từ|khoảng|gần|hơn)\s*$", re.I)


def _is_value_position(clause: str, nm: NumberMatch, ctx: ProseContext, target: bool) -> bool:
    """Is this number stated as the subject's value (not a change, threshold, count or target)?

    A value follows `đạt`, `là`, `được` or a colon; in a list it may follow a criterion's own name
    directly ("Y tế công lập 1,83 điểm").
    """
    rd = nm.reading
    # the tests on the number itself first, then those on the words before it, the catalogue look-up last
    if target or rd.unit == "count" or (rd.unit is None and rd.max is None and "." not in rd.text
                                        and "," not in rd.text and ctx.unit == "%"):
        return False
    if rd.unit is None and rd.max is None and _LEADING_ZERO.fullmatch(rd.text.strip()):
        return False  # '08 lĩnh vực', '02 chỉ số': a count written with its leading zero, never a score
    if _OVER_AFTER.match(clause, nm.end, nm.end + 3):
        return False
    before = clause[: nm.start]
    if _ends_with(_CHANGE_BEFORE, before) or _ends_with(_THRESHOLD_BEFORE, before):
        return False
    return _ends_with(_STATE, before) or (rd.unit in ("points", "%") and _named_just_before(before, ctx))


def _ends_with(pattern: re.Pattern[str], before: str) -> bool:
    """`pattern.search(before)` for _CHANGE_BEFORE, _THRESHOLD_BEFORE or _STATE, in the last words only: none of
    their matches spans more than three ('chênh lệch là')."""
    return pattern.search(before, last_words_start(before, 3)) is not None


def _read_clause(clause: str, offset: int, ctx: ProseContext, src: Sources, state: _State, found: Findings) -> None:
    folded = fold(clause)
    skip = [(m.start(), m.end()) for m in RANGE.finditer(clause)] if may_match(RANGE, folded) else []
    if may_match(RESPECTIVELY, folded):  # read by the 'respectively' reader
        skip += [(m.start(), m.end()) for m in RESPECTIVELY.finditer(clause)]
    prevs = list(PREV.finditer(clause)) if may_match(PREV, folded) else []
    skip += [(m.start(), m.end()) for m in prevs]
    target = may_match(TARGET, folded) and bool(TARGET.search(clause))
    _take_pending_rank(clause, state)
    _take_earlier_ranks(clause, state, found)
    main: RawObservation | None = None
    stated = False
    state.main_rank_at = None
    lead = _LEAD_YEAR.match(clause)
    if lead:
        state.year = int(lead.group(1))
    if state.last is not None:
        state.last.broken_value = False  # only for the clause that printed it
    for nm in find_numbers(clause):
        if _within(skip, nm.start):
            continue
        if ctx.is_claimed(offset + nm.start):  # read by another reader (an entity's value, a list item)
            stated = True
            continue
        if not nm.reading.ok:
            if _STATE.search(clause[: nm.start]):  # a broken value: its subject still carries on
                subject = subject_before(clause, nm.start)
                label, total = label_for(subject, ctx)
                stated = label is None
                if label is not None:
                    state.last = _Subject(label, total, entity_in(subject, ctx), broken_value=True)
                    break
            continue
        if not _is_value_position(clause, nm, ctx, target):
            continue
        stated = True
        main = _main_value(clause, nm, ctx, src, state)
        if main is not None:
            found.observations.append(main)
            break
    if main is None and stated:
        return
    found.observations += _previous_years(clause, prevs, main, ctx, src, state)


_RESULTS_HEADING = re.compile(r"kết\s+quả|thực\s+trạng|đánh\s+giá", re.I)


@lru_cache(maxsize=1024)
def heading_year(heading: str) -> int | None:
    """The year a results section is about (`I. KẾT QUẢ CHỈ SỐ CCHC NĂM 2024` in a plan for 2025), when its
    heading names one year (cached: every value under the heading asks)."""
    if not _RESULTS_HEADING.search(heading):
        return None
    years = set(_YEAR.findall(heading))
    return int(years.pop()) if len(years) == 1 else None


def _main_value(clause: str, nm: NumberMatch, ctx: ProseContext, src: Sources, state: _State
                ) -> RawObservation | None:
    rd = nm.reading
    before = clause[: nm.start]
    if before.rfind("(") > before.rfind(")"):
        return None  # inside an aside, "(bình quân cả nước là 80,05%)": the national reader's, not a subject's
    subject = subject_before(clause, nm.start)
    cited = _CRITERION_NUMBER.search(clause[: nm.start])
    if cited:  # "tiêu chí thành phần 6.1.1 chỉ đạt 1,142/2 điểm": the criterion of that number
        subject = cited.group(0)
    label, total = label_for(subject, ctx) if not cited else (clean_label(subject), False)
    if label is None and state.last and not subject.strip():
        label, total = state.last.label, state.last.is_total
    if label is None:
        return None
    years = _YEAR.findall(subject)
    year = int(years[-1]) if years else state.year or heading_year(ctx.heading) or ctx.report_year
    if year is None:
        return None
    entity = entity_in(subject, ctx)
    old = entity != ctx.entity and entity in clause and \
        bool(re.search(r"tỉnh\s+" + re.escape(entity) + r"\s*(?:\(\s*cũ\s*\)|cũ\b)", clause))  # the name first: cheap
    if entity == ctx.entity and state.last and state.last.old_province and not _PLACE_WORD.search(subject):
        entity, old = state.last.entity, True  # "… tỉnh Yên Bái (cũ) đạt 85,76 điểm. Trong đó, điểm …": still its
    obs = RawObservation(index=ctx.index, year=year, entity=entity, label=label, value=rd.value,
                         unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, max=rd.max,
                         decimals=rd.decimals, source=src(clause.strip()), is_total=total,
                         number=cited.group(1) if cited else None, year_stated=bool(years or state.year))
    if _SELF.search(clause[: nm.start]) and not _APPRAISED.search(clause):
        obs.measure = "self_assessed"  # "Tổng điểm tỉnh tự đánh giá … là 65/66,5 điểm": not the appraised score
    elif rd.unit == "points" and rd.max is not None and _RATE_AFTER.match(clause, nm.end):
        obs.measure = "score_points"  # "đạt 9,5/12 điểm (79,17%)": the raw points behind the rate, as a table's
    rk = RANK_AT.search(clause, nm.end)
    between = _PAREN.sub("", clause[nm.end: rk.start()]) if rk else ""
    if rk and not PREV.search(between) and not PREV_RANK.match(clause, rk.start() - 1):
        set_rank(obs, rk)
        state.main_rank_at = rk.start()
    else:
        state.pending_rank = obs
    ch = _CHANGE_AFTER.search(clause[nm.end:])  # a change right after the value
    if ch and (cm := find_numbers(ch.group(2))) and cm[0].reading.ok:
        sign = -1 if ch.group(1).lower() == "giảm" else 1
        obs.change, obs.change_decimals = sign * abs(cm[0].reading.value), cm[0].reading.decimals
    state.last = _Subject(label, total, entity, old_province=old)
    ctx.memory.setdefault("stated_subjects", []).append(state.last)
    return obs


_APPRAISED = re.compile(r"thẩm\s+định", re.I)
_PAREN = re.compile(r"\([^()]*\)")
_CHANGE_AFTER = re.compile(r"^\W*(tăng|giảm)\s*(" + NUM + r")", re.I)
_COMPARED_LEAD = re.compile(r"^\s*so\s+với\s+(?:cùng\s+kỳ\s+)?năm\s+20\d\d\s*,\s*", re.I)


def _stated_earlier(subject: str, ctx: ProseContext) -> _Subject | None:
    """A short form of a subject whose value the document stated before: 'So với năm 2023, bình quân chung
    các đơn vị tăng 1,48% (năm 2023 đạt 84,97%)' after 'Chỉ số hài lòng chung … bình quân chung các đơn vị
    đạt 86,45%' cites the earlier year of that same quantity. The short form must be three words or more
    and stand whole inside the earlier label; the latest such subject is taken."""
    words = match_key(_COMPARED_LEAD.sub("", subject)).split()
    if len(words) < 3:
        return None
    short = f" {' '.join(words)} "
    return next((s for s in reversed(ctx.memory.get("stated_subjects", []))
                 if short in f" {match_key(s.label)} "), None)


_CHANGE_WORD = re.compile(r"\b(?:tăng|giảm)\b", re.I)


def _previous_years(clause: str, prevs: list[re.Match[str]], main: RawObservation | None, ctx: ProseContext,
                    src: Sources, state: _State) -> list[RawObservation]:
    """Values of earlier years cited for the clause's subject (or the one it continues)."""
    if not prevs:
        return []
    subj = main
    if subj is None and prevs and not (state.last and state.last.broken_value):  # "Chỉ số nội dung này tăng 0,26 điểm so với năm 2014 (5,48 điểm)"
        head = clause[: prevs[0].start()]
        change = list(_CHANGE_WORD.finditer(head))
        subject = subject_before(clause, change[-1].start() if change else prevs[0].start())
        label, total = label_for(subject, ctx)
        entity = entity_in(clause, ctx)
        if label is None and (earlier := _stated_earlier(subject, ctx)) is not None:
            label, total, entity = earlier.label, earlier.is_total, earlier.entity
        if label is not None and ctx.report_year is not None:
            subj = RawObservation(index=ctx.index, year=ctx.report_year, entity=entity, label=label,
                                  value=0.0, unit=ctx.unit, source=src(""), is_total=total)
    if subj is None and state.last is not None:
        subj = RawObservation(index=ctx.index, year=0, entity=state.last.entity, label=state.last.label, value=0.0,
                              unit=ctx.unit, source=src(""), is_total=state.last.is_total)
    if subj is None:
        return []
    out = []
    for pm in prevs:
        y = int(pm.group("y1") or pm.group("y3"))
        nums = find_numbers(pm.group("v1") or pm.group("v2") or pm.group("v3"))
        if not nums or not nums[0].reading.ok or y == subj.year:
            continue
        rd = nums[0].reading
        prev = RawObservation(index=ctx.index, year=y, entity=subj.entity, label=subj.label, value=rd.value,
                              unit=rd.unit if rd.unit in ("%", "points") else subj.unit, max=rd.max,
                              decimals=rd.decimals, source=src(clause.strip()), group=subj.group,
                              is_total=subj.is_total)
        rest = clause[pm.end():]
        rk = RANK_AT.search(rest)
        own = next((g for g in ("1", "3") if pm.group("r" + g)), None)
        if own:  # "(38,23 điểm, xếp thứ 9/63)"
            prev.rank, prev.rank_of = int(pm.group("r" + own)), population_or_none(pm.group("n" + own))
        elif rk and pm.end() + rk.start() != state.main_rank_at and not PREV.search(rest[: rk.start()]) \
                and not STATED_VALUE.search(rest[: rk.start()]):
            set_rank(prev, rk)  # a rank the clause's own value took is not the earlier year's
        out.append(prev)
    for rm in PREV_RANK.finditer(clause):  # "(năm 2022 xếp thứ 41/63)"
        for prev in out:
            if prev.year == int(rm.group(1)) and prev.rank is None:
                prev.rank, prev.rank_of = int(rm.group(2)), int(rm.group(3))
    return out
