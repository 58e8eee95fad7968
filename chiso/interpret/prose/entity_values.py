"""Sentences that give the values of named agencies, districts and cities.

    Nhóm đạt từ 93% trở lên gồm: Sở Y tế đạt 95,12%, Sở Giáo dục và Đào tạo 94,86%, …
    Riêng Sở Tài nguyên và Môi trường, …: tiếp cận dịch vụ chỉ đạt 86,92%, thủ tục hành chính 87,35%, …
    Thanh tra tỉnh dẫn đầu nhóm này với 91,24% (công chức 92,16%; phối hợp 90,39%; …).
    Sở Giao thông vận tải và Sở Nông nghiệp và Phát triển nông thôn cùng đạt 90,45%.

A province's decision on its own survey of its departments and districts states their
results this way. Each value belongs to the entity named last before it (a value after the
subject's components keeps the subject), and to the criterion named between that entity
(or the previous value) and the value; with no criterion named, it is the entity's index.
Thresholds (`từ 93% trở lên`, `dưới 90%`), ranges, changes and counts are not values.
"""

from __future__ import annotations

import re

from chiso.db.indices import families
from chiso.db.reference import resolve_province
from chiso.interpret.mentions import Mention, entity_key, find_mentions
from chiso.interpret.prose.context import Findings, ProseContext, Sources
from chiso.interpret.prose.prefilter import DIGIT, fold
from chiso.interpret.prose.stated import RANGE, may_match
from chiso.model import RawObservation
from chiso.normalize.numbers import NumberMatch, find_numbers
from chiso.normalize.text import clean_label

_SENTENCE = re.compile(r".+?(?:\.\s+(?=[A-ZĐÀ-Ỹ])|$)", re.S)
_NOT_VALUE_BEFORE = re.compile(r"(?:tăng|giảm|cao\s+hơn|thấp\s+hơn|hơn|chênh\s+lệch|từ|trên|dưới|khoảng|gần"
                               r"|năm\s+trước)\s*(?:là|thêm)?\s*[(:]?\s*$", re.I)
_NOT_VALUE_AFTER = re.compile(r"^\s*(?:trở\s+lên|trở\s+xuống|đến|-|–)", re.I)
_FILLER = re.compile(
    r"\b(?:có\s+mức\s+độ\s+hài\s+lòng\s+(?:về|đối\s+với)|mức\s+độ\s+hài\s+lòng\s+(?:về|đối\s+với)|hài\s+lòng\s+nhất\s+với"
    r"|tiếp\s+tục|dẫn\s+đầu|xếp\s+(?:đầu|cuối|thứ\s+(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)\b)|cao\s+nhất|thấp\s+nhất|tiếp\s+(?:đến|theo)\s+là"
    r"|(?:nhóm|khối)(?:\s+(?:sở(?:,\s*ban,\s*ngành)?|huyện(?:,\s*thành\s+phố)?|xã|cơ\s+quan|đơn\s+vị|này))?"
    r"|đơn\s+vị\s+có"
    r"|được\s+đánh\s+giá(?:\s+ở\s+mức)?|trong\s+khi|trong\s+đó|ở\s+chiều\s+ngược\s+lại|riêng|còn|các\s+yếu\s+tố|yếu\s+tố"
    r"|cả\s+\d+\s+yếu\s+tố\s+đều|đều|chỉ\s+đạt|chỉ|đạt|là|với|lên\s+tới|cùng|có|về|và|nhất|của\s+khối|tại)\b", re.I)
_TOTAL_WORDS = re.compile(r"^(?:chỉ\s+số(?:\s+hài\s+lòng|\s+SIPAS)?|kết\s+quả|điểm\s+số)?$", re.I)


def _value_numbers(sentence: str) -> list[NumberMatch]:
    spans = [(m.start(), m.end()) for m in RANGE.finditer(sentence)] if may_match(RANGE, fold(sentence)) else []
    out = []
    for nm in find_numbers(sentence):
        rd = nm.reading
        if not rd.ok or any(a <= nm.start < b for a, b in spans) or rd.unit == "count":
            continue
        if rd.unit not in ("%", "points") and rd.max is None and rd.decimals == 0:
            continue
        if _NOT_VALUE_BEFORE.search(sentence[max(0, nm.start - 40): nm.start]) or \
                _NOT_VALUE_AFTER.match(sentence[nm.end:]):
            continue
        out.append(nm)
    return out


_PHRASE_BREAK = re.compile(r"[;:]|,\s+(?=trong\s+khi|trong\s+đó)")
_SATISFIED_WITH = re.compile(r"hài\s+lòng(?:\s+nhất)?\s+(?:với|về|đối\s+với)\s", re.I)
_ASIDE = re.compile(r"\([^)]*\)")
_PARENTHESIS = re.compile(r"[()]")


def _criterion(phrase: str) -> str:
    """The criterion named in the words before a value, fillers and verbs taken out ('' = the index)."""
    phrase = _PHRASE_BREAK.split(phrase)[-1]
    phrase = _SATISFIED_WITH.split(phrase)[-1]
    phrase = _ASIDE.sub(" ", phrase)
    phrase = _FILLER.sub(" ", phrase)
    phrase = clean_label(_PARENTHESIS.sub(" ", phrase))
    return "" if _TOTAL_WORDS.match(phrase) else phrase


def read_entity_values(text: str, ctx: ProseContext, src: Sources) -> Findings:
    found = Findings()
    if ctx.report_year is None:
        return found
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group(0)
        if not DIGIT.search(sentence):
            continue  # no figure, no value: the entities it names are not looked for
        mentions = find_mentions(sentence, ctx.province)
        if not mentions:
            continue
        numbers = [nm for nm in _value_numbers(sentence) if not ctx.is_claimed(sm.start() + nm.start)]
        for nm, obs in _read_sentence(sentence, mentions, numbers, ctx, src):
            found.observations.append(obs)
            ctx.claim(sm.start() + nm.start, sm.start() + nm.end)
    return found


_CITY = re.compile(r"thành\s+phố\s", re.I)
_CITY_WORDS = re.compile(r"^thành\s+phố\s+", re.I)


def _is_own(m: Mention, ctx: ProseContext) -> bool:
    """The document's own subject, however named: 'thành phố Hải Phòng' in Hải Phòng's report is the city
    that is a province, not a district."""
    if entity_key(m.name) == entity_key(ctx.entity):
        return True
    if not ctx.province or not _CITY.match(m.name):
        return False
    province = resolve_province(ctx.province)  # Hải Phòng is a city that is a province; Nam Định is not
    bare = _CITY_WORDS.sub("", m.name)
    return province is not None and province.kind == "thành phố" and entity_key(bare) == entity_key(ctx.province)


_TOGETHER = re.compile(r"\bcùng\b")


def _entities_before(mentions: list[Mention], lo: int, hi: int, sentence: str) -> list[Mention]:
    """The entity (or entities joined by 'và … cùng') named between lo and hi."""
    inside = [m for m in mentions if lo <= m.start < hi]
    if len(inside) >= 2 and _TOGETHER.search(sentence[inside[-1].end: hi]):
        return inside
    return inside[-1:]


_EARLIER = re.compile(r"năm\s+(20\d\d)\s*(?:là|:|đạt)?\s*\(?\s*$", re.I)
_DIFFERENCE = re.compile(r"chênh\s+lệch|khoảng\s+cách", re.I)  # "chênh lệch giữa đơn vị cao nhất và thấp nhất là 8,69%"
_ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
             "mười": 10}
_RANK_WORDS = re.compile(r"(?:xếp\s+thứ\s+(nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)\b|(dẫn\s+đầu)|(xếp\s+cuối))", re.I)
_LAST_BEFORE = re.compile(r"xếp\s+cuối\s+(?:là\s+)?$", re.I)
_BLOCK_SIZE = re.compile(r"\((\d{1,3})\s+(?:cơ\s+quan|đơn\s+vị|sở|huyện|địa\s+phương)[^)]*\)", re.I)


_CRITERION_CUE = re.compile(r"(?:mức\s+độ|tỷ\s+lệ|chỉ\s+số)\s+hài\s+lòng\s+(?:về|đối\s+với)\s+(?!UBND|Ủy\s+ban|các\s)", re.I)
_YEAR_IN = re.compile(r"\bnăm\s+(20\d\d)\b", re.I)
_AUTHORITY = re.compile(r"\bdo\s+.{0,40}?công\s+bố\b|\btheo\s+kết\s+quả\s+công\s+bố\s+của\b", re.I)


def _read_sentence(sentence: str, mentions: list[Mention], numbers: list[NumberMatch], ctx: ProseContext,
                   src: Sources) -> list[tuple[NumberMatch, RawObservation]]:
    out: list[tuple[NumberMatch, RawObservation]] = []
    subject: list[Mention] = []
    prev_end = 0
    for nm in numbers:
        named = [m for m in _entities_before(mentions, prev_end, nm.start, sentence)
                 if not _is_own(m, ctx)]  # the document's own subject: the stated reader's
        if named:
            subject = named
        if not subject:
            prev_end = nm.end
            continue
        lo = named[-1].end if named else prev_end
        phrase = sentence[lo: nm.start]
        if ctx.province and ctx.province in phrase and re.search(r"tỉnh\s+" + re.escape(ctx.province), phrase):
            prev_end, subject = nm.end, []  # "…, Chỉ số CCHC của tỉnh X đạt …": the province's own value
            continue
        if _DIFFERENCE.search(phrase):
            prev_end = nm.end  # a difference between units, not a unit's value
            continue
        stated_year = _YEAR_IN.search(phrase)
        label = _criterion(_AUTHORITY.sub(" ", _YEAR_IN.sub(" ", phrase)))
        if not label and named and _CRITERION_CUE.search(sentence[prev_end: named[0].start]):
            label = _criterion(sentence[prev_end: named[0].start])  # "mức độ hài lòng về X tại thành phố Y đạt …"
        earlier = _EARLIER.search(sentence[max(0, nm.start - 25): nm.start])
        year = int(earlier.group(1)) if earlier else int(stated_year.group(1)) if stated_year else ctx.report_year or 0
        if earlier and out and out[-1][1].year != year:
            label = out[-1][1].label
        for m in subject:
            obs = _observation(m, label, year, nm, ctx, src(sentence.strip()))
            obs.year_stated = bool(earlier or stated_year)
            if named and len(subject) == 1 and m.kind != "block":
                ment = named[-1]
                _rank_in_words(obs, sentence[max(0, ment.start - 16): ment.start], sentence[ment.end: nm.start],
                               sentence)
            out.append((nm, obs))
        prev_end = nm.end
    return out


def _rank_in_words(obs: RawObservation, before: str, between: str, sentence: str) -> None:
    """`Sở Tư pháp xếp thứ nhất với 92,35%`, `thành phố Nam Định dẫn đầu (90,05%)`, `xếp cuối là huyện X (…)`:
    a rank said in words, out of the block's size the sentence states (`Khối sở, ban, ngành (19 cơ quan)`)."""
    size = _BLOCK_SIZE.search(sentence)
    words = _RANK_WORDS.search(between) or _LAST_BEFORE.search(before)
    if size is None or words is None:
        return
    n = int(size.group(1))
    if words.re is not _RANK_WORDS:
        rank = n
    else:
        rank = _ORDINALS[words.group(1).lower()] if words.group(1) else 1 if words.group(2) else n
    if 1 <= rank <= n:
        obs.rank, obs.rank_of = rank, n


def _observation(m: Mention, label: str, year: int, nm: NumberMatch, ctx: ProseContext, source) -> RawObservation:  # noqa: ANN001
    """A block's values are the province's (also in a district's report on itself: 'bình quân của khối
    huyện, thị xã, thành phố'), its name part of the criterion (its own index, or its group for a
    component); an agency's or district's are its own."""
    rd = nm.reading
    unit = rd.unit if rd.unit in ("%", "points") else ctx.unit
    if m.kind == "block":
        own = not label or label == m.name  # the block's own index, or one of its components
        return RawObservation(index=ctx.index, year=year, entity=ctx.province or ctx.entity, label=label or m.name,
                              group=None if own else m.name, value=rd.value, unit=unit, max=rd.max,
                              decimals=rd.decimals, source=source)
    return RawObservation(index=ctx.index, year=year, entity=m.name, label=label or families()[ctx.index].short_label,
                          value=rd.value, unit=unit, max=rd.max, decimals=rd.decimals, source=source,
                          rank_scope="province", is_total=not label)
