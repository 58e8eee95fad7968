"""The smaller sentence constructions: year series, 'respectively', named highest/lowest
entities, national values beside local ones, rank-only statements, and broken numbers."""

from __future__ import annotations

import re

from chiso.interpret.prose.context import (
    NUM,
    RANK_AT,
    RANK_VERB,
    Findings,
    NationalStatement,
    ProseContext,
    RankStatement,
    Sources,
)
from chiso.interpret.prose.prefilter import fold
from chiso.interpret.prose.stated import RANGE, RESPECTIVELY, STATED_VALUE, may_match
from chiso.interpret.prose.subjects import entity_in, label_for, subject_before
from chiso.model import Flag, RawObservation
from chiso.normalize.numbers import find_numbers
from chiso.normalize.text import clean_label, clean_text

_SERIES = re.compile(r"(?=năm\s|20)(?:năm\s+)?(20\d\d)\s*(?:[–—-]|:(?=\s*\d))\s*(" + NUM + r"(?:,\s\d{1,2}(?=\s*%))?)\s*(%|điểm)?", re.I)
_ENTITY_LIST = re.compile(
    r"(?:cao\s+nhất|thấp\s+nhất|đứng\s+đầu|cuối\s+bảng|dẫn\s+đầu)\s+(?:là|thuộc\s+về)\s+(?P<ent>(?:Sở|Ban|Văn\s+phòng"
    r"|Thanh\s+tra|UBND|Ủy\s+ban|Bộ\s+phận|huyện|thị\s+xã|thành\s+phố|quận|xã|phường|Huyện|Thị\s+xã|Thành\s+phố"
    r"|Quận)[^()]{2,80}?)\s*\(\s*(?P<v>" + NUM + r")\s*(?P<u>%|điểm)?\s*\)")
_NATIONAL = re.compile(r"(?:\(\s*(?:(?:trung\s+bình|bình\s+quân|mức)(?:\s+chung)?\s+(?:của\s+)?)?(?:cả\s+nước|toàn\s+quốc)"
                       r"|(?:trung\s+bình|bình\s+quân)(?:\s+chung)?\s+(?:của\s+)?(?:cả\s+nước|toàn\s+quốc)\s*\()"
                       r"\s*(?:là|đạt|:)?\s*(" + NUM +
                       r")\s*(%|điểm)?\s*\)", re.I)
_OWN_SURVEY = re.compile(r"do\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân)?\s*(?:tỉnh|thành\s+phố)\s+tổ\s+chức\s+khảo\s+sát"
                         r"|khảo\s+sát\s+(?:của|do)\s+(?:UBND\s+)?tỉnh", re.I)


def read_series(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`Năm 2023 – 88,02%; 2022 – 86,30%`: one value per year for the subject before the list.

    A number printed with a stray space after its decimal comma (`70, 18%`) inside such a list
    can only be that value; it is read and flagged.
    """
    found = Findings()
    series = list(_SERIES.finditer(text))
    if len(series) < 2:
        return found
    subject = subject_before(text, series[0].start())
    label, total = label_for(subject, ctx)
    if not label:
        return found
    seen: set[int] = set()
    for sm in series:
        raw = sm.group(2)
        if not sm.group(3) and "." not in raw and "," not in raw:
            continue  # "2022-2025" is a period, not a value
        spaced = ", " in raw
        nums = find_numbers(raw.replace(", ", ","))
        year = int(sm.group(1))
        if not nums or not nums[0].reading.ok or year in seen:
            continue  # a year printed twice in the list is one value
        seen.add(year)
        unit = ctx.unit if not sm.group(3) else ("%" if sm.group(3) == "%" else "points")
        o = RawObservation(index=ctx.index, year=year, entity=entity_in(subject, ctx), label=label,
                           value=nums[0].reading.value, unit=unit, decimals=nums[0].reading.decimals,
                           source=src(sm.group(0)), is_total=total)
        if spaced:
            o.flags.append(Flag("number_with_space", f"'{raw}' printed with a space inside, read as "
                                                     f"{nums[0].reading.value:g} from the list's pattern", "info"))
        found.observations.append(o)
        ctx.claim(sm.start(), sm.end())
    return found


_SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])")
_GAP = re.compile(r"\s*(?:,|và|;)\s")
_LIST_LEAD = re.compile(r"\b(?:là|gồm|như)\b|:")
_GAP_WORDS = re.compile(r"^\s*(?:,|và|;)\s*")


def _labels_before(text: str, before_pos: int, count: int, unit: str | None) -> list[str]:
    """The labels of the nearest earlier enumeration of `count` values: each the words before its number."""
    sentences = _SENTENCE_END.split(text[:before_pos])
    for sent in reversed(sentences[:-1] or sentences):
        nums = [n for n in find_numbers(sent) if n.reading.ok and n.reading.unit == unit]
        if len(nums) < count:
            continue
        nums = nums[-count:]  # the enumeration closes the sentence: "… A 79,96% và B 79,92%"
        gaps = [sent[a.end: b.start] for a, b in zip(nums, nums[1:], strict=False)]
        if not all(_GAP.match(g + " ") for g in gaps):
            return []
        starts = [_LIST_LEAD.split(sent[: nums[0].start])[-1]]
        starts += [_GAP_WORDS.sub("", g) for g in gaps]
        return [clean_label(x) for x in starts]
    return []


def read_respectively(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """'… A 79,96% và B 79,92%. … lần lượt là 78,95% và 78,44%': the values go to A and B in order.

    When the sentence says the figures come from the province's own survey, they are kept
    apart from the national survey's (survey="provincial").
    """
    found = Findings()
    for m in RESPECTIVELY.finditer(text):
        values = [n.reading for n in find_numbers(m.group("vals")) if n.reading.ok]
        if len(values) < 2 or ctx.report_year is None:
            continue
        labels = _labels_before(text, m.start(), len(values), values[0].unit)
        if len(labels) != len(values) or not all(labels):
            continue
        survey = "provincial" if _OWN_SURVEY.search(text[max(0, m.start() - 300): m.end()]) else None
        ctx.claim(m.start(), m.end())
        for label, rd in zip(labels, values, strict=True):
            found.observations.append(RawObservation(
                index=ctx.index, year=ctx.report_year, entity=ctx.entity, label=label, value=rd.value, year_stated=False,
                unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, decimals=rd.decimals,
                source=src(m.group(0)), survey=survey))
    return found


def read_named_extremes(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`cao nhất là Ban Dân tộc (98,49%)`: the value of a named agency or district."""
    found = Findings()
    for em in _ENTITY_LIST.finditer(text):
        nums = find_numbers(em.group("v"))
        if not nums or not nums[0].reading.ok:
            continue
        label, total = label_for(subject_before(text, em.start()), ctx)
        if label is None:
            continue
        found.observations.append(RawObservation(
            index=ctx.index, year=ctx.report_year or 0, entity=clean_label(em.group("ent")), label=label, year_stated=False,
            value=nums[0].reading.value, unit="%" if em.group("u") == "%" else ctx.unit,
            decimals=nums[0].reading.decimals, source=src(em.group(0)), rank_scope="province", is_total=total))
    return found


_CHANGE_WORD = re.compile(r"(?:tăng|giảm|cao\s+hơn|thấp\s+hơn|chênh\s+lệch)\s*(?:là)?\s*$", re.I)


def read_nationals(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`… 77,21% (cả nước là 79,46%)`: the national value of whatever 77,21% is the value of."""
    found = Findings()
    for m in _NATIONAL.finditer(text):
        lo = max(0, m.start() - 120)
        window = text[lo: m.start()]
        before = [n for n in find_numbers(window) if n.reading.ok and not n.reading.signed and n.reading.unit != "count"
                  and not _CHANGE_WORD.search(window[max(0, n.start - 12): n.start])  # "cao hơn 6,57% so với"
                  and not RANK_AT.match(window, max(0, n.start - 12)) and "/" not in window[n.end: n.end + 1]]
        nat = find_numbers(m.group(1))
        if not before or not nat or not nat[0].reading.ok:
            continue
        local = before[-1].reading
        unit = "%" if m.group(2) == "%" or local.unit == "%" else ("points" if m.group(2) else local.unit)
        found.nationals.append(NationalStatement(local.value, local.decimals, nat[0].reading.value,
                                                 nat[0].reading.decimals, unit,
                                                 src(text[max(0, m.start() - 80): m.end()])))
    return found


# "so với năm 2020 (xếp thứ 45/63)", "(năm 2016 xếp thứ 21/63)", "(năm 2016: xếp thứ 21/63)": an earlier year's rank
_EARLIER_RANK = re.compile(r"(?:so\s+với\s+năm\s+(20\d\d)\s*\(|\(\s*năm\s+(20\d\d)\s*:?)\s*$", re.I)


_RANK_STATED = re.compile(RANK_VERB + r"\s*(\d{1,3})\s*/\s*(\d{1,3})", re.I)
_VERB = re.compile(r"\s+(?:đạt|là)\s")


def read_rank_statements(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """Rank-only statements ('… xếp thứ 55/63'), for attaching to observations read elsewhere."""
    found = Findings()
    for m in _RANK_STATED.finditer(text):
        head = text[: m.start()]
        earlier = _EARLIER_RANK.search(head)
        if earlier:  # "tăng 07 bậc so với năm 2020 (xếp thứ 45/63)": the sentence's subject, that year
            start = max(head.rfind(". "), 0)
            subject = clean_text(_VERB.split(head[start:].strip(" ."), maxsplit=1)[0])
            found.ranks.append(RankStatement(subject, int(m.group(1)), int(m.group(2)),
                                             src(text[max(0, m.start() - 80): m.end()]),
                                             int(earlier.group(1) or earlier.group(2))))
            continue
        cut = max(head.rfind(x) for x in (";", "(", ":", "…"))
        subject = clean_text((head[cut + 1:] if cut >= 0 else head).strip(" ,.-"))
        if STATED_VALUE.search(subject):
            continue
        found.ranks.append(RankStatement(subject, int(m.group(1)), int(m.group(2)),
                                         src(text[max(0, m.start() - 80): m.end()])))
    return found


_PHONE = re.compile(r"0\d{2,3}[.\s-]?\d{3,4}[.\s-]?\d{3,4}")  # "0219.3866.224": a telephone number, not a figure


def read_broken_numbers(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """Numbers that cannot be read with certainty (`0..75`, `0.0.16`) and range bounds that cannot
    be right (`3,6055 – 59546`): flagged wherever they appear, never loaded."""
    found = Findings()
    for m in find_numbers(text):
        if m.reading.error and not _PHONE.fullmatch(m.reading.text.strip()):
            found.flags.append((Flag("unreadable_number", f"'{m.reading.text}' in a sentence: {m.reading.error}"),
                                src(text[max(0, m.start - 60): m.end + 40])))
    for m in RANGE.finditer(text) if may_match(RANGE, fold(text)) else ():
        lo, hi = (find_numbers(m.group(1)) or [None])[0], (find_numbers(m.group(2)) or [None])[0]
        lost_separator = lo and hi and lo.reading.decimals > 0 and hi.reading.decimals == 0 and \
            hi.reading.value >= 1000 and hi.reading.value > 5 * lo.reading.value  # "3,6055 – 59546"
        if lo and hi and lo.reading.ok and hi.reading.ok and lo.reading.value and \
                (lost_separator or hi.reading.value < lo.reading.value):  # "thang điểm từ 1 đến 10" is a scale
            found.flags.append((Flag("implausible_number",
                                     f"range '{m.group(0).strip()}': bound {m.group(2)} cannot be right"),
                                src(text[max(0, m.start() - 40): m.end() + 10])))
    return found
