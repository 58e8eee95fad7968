"""A sentence that lists the components of an index or area with their scores.

    Trong 03 chỉ số thành phần, Hiệu quả tương tác với các cấp chính quyền: 1,89 điểm;
    Ban Thanh tra nhân dân: 2,03 điểm; Ban Giám sát đầu tư cộng đồng: 1,95 điểm.
    Các chỉ số thành phần gồm: Y tế công lập 1,83 điểm; Giáo dục tiểu học công lập 1,84 điểm.
    Xét theo nhóm tiêu chí, mức độ hài lòng về tiếp cận dịch vụ 82,09% (xếp thứ 31/63); thủ tục hành chính …

PAPI reports print a dimension's sub-dimensions this way. After the opening (`Trong N chỉ
số thành phần,`, `các tiêu chí thành phần gồm:`) each `;`-separated item is a component's
name followed by its score (after `:`, `đạt`, `là`, `được` or directly): the name is the
label even when it is worded unlike the catalogue (`Công bằng trong tuyển dụng vào nhà
nước`), and names that look like agencies (`Ban Thanh tra nhân dân`) are components here,
not entities. The values are the report year's, of the document's entity.
"""

from __future__ import annotations

import re

from chiso.interpret.prose.context import NUM, RANK_AT, RANK_VERB, Findings, ProseContext, Sources, set_rank
from chiso.interpret.prose.items import earlier_years
from chiso.interpret.prose.prefilter import DIGIT
from chiso.model import RawObservation
from chiso.normalize.numbers import find_numbers
from chiso.normalize.text import clean_label

_OPENING = re.compile(
    r"(?:(?:trong|gồm|với|các|bao\s+gồm)\s+(?:\d{1,2}\s+)?(?:chỉ\s+số|tiêu\s+chí|nội\s+dung)\s+thành\s+phần"
    r"|xét\s+theo\s+(?:từng\s+)?(?:nhóm\s+)?(?:tiêu\s+chí|chỉ\s+số|nội\s+dung|lĩnh\s+vực|yếu\s+tố)(?:\s+thành\s+phần)?)"
    r"(?:\s+(?:gồm|bao\s+gồm|là))?\s*[,:]\s*", re.I)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])|\.?\s*$")
_STATE_WORDS = re.compile(r"\s*(?:(?:chỉ\s+)?đạt|là|được|:)\s*$", re.I)
_NOT_A_NAME = re.compile(r"\d|tăng|giảm|so\s+với|cao\s+hơn|thấp\s+hơn|chỉ\s+số\s+(?:này|chung)", re.I)


_LINK_WORD = re.compile(r"^(?:và|còn|riêng)\s+", re.I)


def read_components(text: str, ctx: ProseContext, src: Sources) -> Findings:
    found = Findings()
    if ctx.report_year is None:
        return found
    for opening in _OPENING.finditer(text):
        end = _SENTENCE_END.search(text, opening.end())
        stop = end.start() if end else len(text)
        items = _items(text, opening.end(), stop)
        if len(items) < 2:  # one named value is a sentence for the stated-value reader
            continue
        for start, item in items:
            read = _component(item, start, ctx, src)
            if read is not None:
                obs, value_end = read
                found.observations += [obs, *earlier_years(item[value_end:], obs, src)]
                ctx.claim(start, start + len(item))
    return found


def _items(text: str, start: int, stop: int) -> list[tuple[int, str]]:
    """The `;`-separated items of the list, each with where it starts in the text."""
    out, pos = [], start
    for part in text[start:stop].split(";"):
        out.append((pos, part))
        pos += len(part) + 1
    return [(p, s) for p, s in out if s.strip()]


def _component(item: str, start: int, ctx: ProseContext, src: Sources) -> tuple[RawObservation, int] | None:
    """The item's component and score, and where the score ends in the item."""
    numbers = find_numbers(item)
    if not numbers or not numbers[0].reading.ok or ctx.is_claimed(start + numbers[0].start):
        return None  # a broken first figure ("1,,95") is the broken-number reader's
    nm, rd = numbers[0], numbers[0].reading
    if rd.unit not in ("points", "%") and rd.max is None:
        return None
    name = _STATE_WORDS.sub("", item[: nm.start]).strip(" ,")
    name = _LINK_WORD.sub("", name)
    words = name.split()
    if not 1 <= len(words) <= 30 or _NOT_A_NAME.search(name):
        return None
    obs = RawObservation(index=ctx.index, year=ctx.report_year, entity=ctx.entity, label=clean_label(name),
                         value=rd.value, unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, max=rd.max,
                         decimals=rd.decimals, source=src(item.strip()), year_stated=False)
    rk = RANK_AT.search(item, nm.end)
    if rk:
        set_rank(obs, rk)
    return obs, nm.end



_EXPECTATIONS = re.compile(r"(?:mong\s+(?:đợi|muốn)|kỳ\s+vọng|nhu\s+cầu)[^.;:()]*?(?:\blà|:)\s+", re.I)
_PAREN_VALUE = re.compile(r"\(\s*(\d{1,3}(?:[.,]\d+)?\s*%)\s*\)")
# "(5,24 điểm; 37/63)", "(82,09%, xếp thứ 31/63)": a value and its rank in one parenthesis
# "(5,24 điểm; 37/63)", "(82,09%, xếp thứ 31/63)", "(7,06 điểm, tăng 0,18 điểm)": a value with its rank or
# its change in one parenthesis
_PAREN_RANKED = re.compile(r"\(\s*(\d{1,3}(?:[.,]\d+)?\s*(?:%|điểm))\s*(?:[;,]\s*(?:" + RANK_VERB +
                           r"\s*)?(\d{1,3})\s*/\s*(\d{1,3})|,\s*(?:tăng|giảm)\s+\d[\d.,]*\s*(?:%|điểm)?)\s*\)", re.I)
_LIST_OPENING = re.compile(r"(?:\blần\s+lượt\s+(?:là|đạt)|\blà|:)\s+", re.I)
_YEAR = re.compile(r"\bnăm\s+(20[0-4]\d)\b", re.I)


_SEPARATOR = re.compile(r"^\s*(?:,|;|và|hoặc)\s*")


def _named_in_turn(text: str, start: int, values: list[re.Match[str]]) -> list[tuple[str, re.Match[str]]]:
    """Each parenthesised figure with its name: everything since the previous figure (names hold commas
    of their own: 'Công khai, minh bạch (5,24 điểm; 37/63)')."""
    out = []
    for m in values:
        name = _SEPARATOR.sub("", text[start: m.start()]).strip(" ,;")
        start = m.end()
        if 2 <= len(name.split()) <= 40 and not DIGIT.search(name):
            out.append((name, m))
    return out


def read_expectations(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`Ba nội dung người dân mong đợi nhiều nhất năm 2024 là A (70,85%), B (66,12%) và C (58,47%)`: the
    share of people naming each expectation."""
    found = Findings()
    opening = _EXPECTATIONS.search(text)
    if opening is None:
        return found
    end = _SENTENCE_END.search(text, opening.end())
    values = list(_PAREN_VALUE.finditer(text, opening.end(), end.start() if end else len(text)))
    years = _YEAR.findall(text[: opening.end()])
    year = int(years[-1]) if years else ctx.report_year
    if len(values) < 2 or year is None:
        return found
    for name, m in _named_in_turn(text, opening.end(), values):
        rd = find_numbers(m.group(1))[0].reading
        if not rd.ok or ctx.is_claimed(m.start(1)):
            continue
        found.observations.append(RawObservation(
            index=ctx.index, year=year, entity=ctx.entity, label=clean_label(name), value=rd.value, unit="%",
            decimals=rd.decimals, source=src(f"{name} {m.group(0)}"), year_stated=bool(years)))
        ctx.claim(m.start(), m.end())
    return found


_COMPARED_WITH = re.compile(r"(?:so\s+với|hơn|từ)\s+$", re.I)
_SENTENCE = re.compile(r".+?(?:\.\s+(?=[A-ZĐÀ-Ỹ])|$)", re.S)


def _own_years(text: str, start: int, end: int) -> list[str]:
    """Years a list is stated for, not years it is compared with ('tăng điểm so với năm 2022')."""
    return [m.group(1) for m in _YEAR.finditer(text, start, end)
            if not _COMPARED_WITH.search(text[max(0, m.start() - 10): m.start()])]


def read_ranked_list(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`Kết quả 08 chỉ số nội dung năm 2023 lần lượt là: A (5,12 điểm; 31/63), B, C (5,24 điểm; 37/63) …`,
    `tăng nhiều nhất là A (7,06 điểm, tăng 0,18 điểm) và B (4,40 điểm, tăng 0,11 điểm)`: each criterion with
    its value and its rank or change in one parenthesis (two or more in a sentence)."""
    found = Findings()
    for sentence in _SENTENCE.finditer(text):
        values = list(_PAREN_RANKED.finditer(text, sentence.start(), sentence.end()))
        if len(values) < 2:
            continue
        opening = _LIST_OPENING.search(text, sentence.start(), values[0].start())
        start = opening.end() if opening else sentence.start()
        years = _own_years(text, sentence.start(), start)
        year = int(years[-1]) if years else ctx.report_year
        if year is None:
            continue
        for name, m in _named_in_turn(text, start, values):
            rd = find_numbers(m.group(1))[0].reading
            if not rd.ok or ctx.is_claimed(m.start(1)):
                continue
            found.observations.append(RawObservation(
                index=ctx.index, year=year, entity=ctx.entity, label=clean_label(name), value=rd.value,
                unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, decimals=rd.decimals,
                rank=int(m.group(2)) if m.group(2) else None, rank_of=int(m.group(3)) if m.group(3) else None,
                source=src(f"{name} {m.group(0)}"),
                year_stated=bool(years)))
            ctx.claim(m.start(), m.end())
    return found


_QUOTED_VALUE = re.compile(r"[“\"](?P<name>[^“”\"]{3,200})[”\"]\s*\(\s*(?P<num>\d{1,3}(?:[.,]\d+)?(?:/\d{1,3}(?:[.,]\d+)?)?"
                           r"\s*(?:%|điểm))\s*\)")


def read_quoted_values(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`Các chỉ số thành phần “Công bằng trong tuyển dụng …” (1,21 điểm) và “Quyết tâm …” (1,86 điểm)`: a
    quoted name with its score in parentheses right after it, the report year's value of that criterion."""
    return _named_values(_QUOTED_VALUE, text, ctx, src)


def _named_values(pattern: re.Pattern, text: str, ctx: ProseContext, src: Sources) -> Findings:
    """The report year's value of each criterion a pattern names (`name`) with its figure (`num`)."""
    found = Findings()
    if ctx.report_year is None:
        return found
    for m in pattern.finditer(text):
        numbers = find_numbers(m.group("num"))
        if not numbers or not numbers[0].reading.ok or ctx.is_claimed(m.start("num")):
            continue
        rd = numbers[0].reading
        found.observations.append(RawObservation(
            index=ctx.index, year=ctx.report_year, entity=ctx.entity, label=clean_label(m.group("name")),
            value=rd.value, unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, max=rd.max,
            decimals=rd.decimals, source=src(m.group(0)), year_stated=False))
        ctx.claim(m.start(), m.end())
    return found


_EXTREME = re.compile(r"(?:yếu\s+tố|tiêu\s+chí|nội\s+dung|lĩnh\s+vực|chỉ\s+số\s+(?:thành\s+phần|nội\s+dung))\s+"
                      r"(?P<name>[^()]{3,160}?)\s+(?:có\s+|đạt\s+)?(?:mức\s+độ\s+hài\s+lòng\s+|điểm\s+(?:số\s+)?)?"
                      r"(?:cao|thấp)\s+nhất\s*\(\s*(?P<num>\d{1,3}(?:[.,]\d+)?\s*(?:%|điểm)?)\s*\)", re.I)


def read_criterion_extremes(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`yếu tố Tiếp cận dịch vụ có mức độ hài lòng cao nhất (86,02%)`: the highest or lowest criterion,
    named after `yếu tố` / `tiêu chí` / `chỉ số thành phần`, with its value in parentheses."""
    return _named_values(_EXTREME, text, ctx, src)


_FROM_TO = re.compile(r"từ\s+(?P<v1>\d{1,3}(?:[.,]\d+)?\s*(?:%|điểm))\s+(?:năm\s+)?(?P<y1>20[0-4]\d)\s+"
                      r"(?:xuống|lên|giảm\s+xuống|tăng\s+lên)\s+(?:còn\s+)?(?P<v2>\d{1,3}(?:[.,]\d+)?\s*(?:%|điểm))"
                      r"\s+(?:năm\s+)?(?P<y2>20[0-4]\d)", re.I)


_CHANGE_TAIL = re.compile(r"\s*(?:(?:tăng|giảm)(?:\s+(?:nhiều|mạnh)\s+nhất)?)\s*,?\s*$", re.I)


def read_from_to(text: str, ctx: ProseContext, src: Sources) -> Findings:
    """`Chỉ số nội dung X giảm nhiều nhất, từ 5,81 điểm năm 2022 xuống 5,50 điểm năm 2023`: the subject's
    value in each of the two years."""
    from chiso.interpret.prose.subjects import label_for, subject_before

    found = Findings()
    for m in _FROM_TO.finditer(text):
        if ctx.is_claimed(m.start("v1")):
            continue
        head = _CHANGE_TAIL.sub("", text[: m.start()])
        label, total = label_for(subject_before(head, len(head)), ctx)
        if label is None:
            continue
        for v, y in (("v1", "y1"), ("v2", "y2")):
            rd = find_numbers(m.group(v))[0].reading
            if rd.ok:
                found.observations.append(RawObservation(
                    index=ctx.index, year=int(m.group(y)), entity=ctx.entity, label=label, value=rd.value,
                    unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, decimals=rd.decimals,
                    source=src(m.group(0)), is_total=total))
        ctx.claim(m.start(), m.end())
    found.observations += _bare_from_to(text, ctx, src)
    return found


_COMPARED = re.compile(r"so\s+với\s+(?:cùng\s+kỳ\s+)?năm\s+(20[0-4]\d)", re.I)
_FROM_TO_BARE = re.compile(r"[“\"](?P<name>[^“”\"]{3,200})[”\"]\s*\(\s*từ\s+(?P<v1>" + NUM + r"\s*(?:%|điểm))\s+"
                           r"(?:xuống|lên|giảm\s+xuống|tăng\s+lên)\s+(?:còn\s+)?(?P<v2>" + NUM + r"\s*(?:%|điểm))\s*\)", re.I)


def _bare_from_to(text: str, ctx: ProseContext, src: Sources) -> list[RawObservation]:
    """`01 tiêu chí giảm là “Nước sinh hoạt …” (từ 82,25% xuống 82,09%)`: a from-to without its years is
    from the year the report compares with to the report's year. The year compared with must be printed,
    in this block or an earlier one (`… so với năm 2023`), and be the only one there: it is never guessed."""
    years = {int(y) for y in _COMPARED.findall(text)}
    if ctx.report_year is not None and years:
        ctx.memory["compared_year"] = years.pop() if len(years) == 1 and max(years) < ctx.report_year else None
    earlier = ctx.memory.get("compared_year")
    out: list[RawObservation] = []
    if ctx.report_year is None or earlier is None:
        return out
    for m in _FROM_TO_BARE.finditer(text):
        for v, year in (("v1", earlier), ("v2", ctx.report_year)):
            rd = find_numbers(m.group(v))[0].reading
            if rd.ok and not ctx.is_claimed(m.start(v)):
                out.append(RawObservation(
                    index=ctx.index, year=year, entity=ctx.entity, label=clean_label(m.group("name")),
                    value=rd.value, unit=rd.unit if rd.unit in ("%", "points") else ctx.unit,
                    decimals=rd.decimals, source=src(m.group(0)), year_stated=False))
        ctx.claim(m.start(), m.end())
    return out
