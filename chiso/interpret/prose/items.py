"""List items that name their criterion before a colon and give its score after it.

    - Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,5/8 điểm;
    - Lĩnh vực 6: Cải cách tài chính công: tỉnh tự đánh giá 7,25 điểm, kết quả thẩm định đạt 6,392/8 điểm;
      + Điểm điều tra xã hội học về tác động của CCHC: đạt 2,417/3 điểm.
    c) Điểm đánh giá của Văn phòng Chính phủ …: 1,284/1,5 điểm (năm 2022 là 1,202 điểm).

The label is the text before the colon (after `Lĩnh vực N:`); the value is the first score
after it that is not a self-assessment, a deduction or a change; earlier years and ranks
follow in parentheses. A `+` item belongs to the `-` item above it (its group).
"""

from __future__ import annotations

import re

from chiso.interpret.mentions import find_mentions
from chiso.interpret.old_provinces import names_a_province
from chiso.interpret.prose.context import NUM, RANK_AT, Findings, ProseContext, Sources, set_rank
from chiso.interpret.prose.stated import PREV, TARGET, population_or_none
from chiso.model import RawObservation
from chiso.normalize.numbers import find_numbers
from chiso.normalize.text import clean_label

_ITEM = re.compile(
    r"^\s*(?P<marker>[-+•–]|[a-zđ]\)|\d{1,2}[.)])\s*"
    r"(?:(?P<kind>lĩnh\s+vực|trục(?:\s+nội\s+dung)?|nhóm(?:\s+tiêu\s+chí)?|chỉ\s+số\s+thành\s+phần)\s+"
    r"(?P<num>\d{1,2}|[IVX]{1,4})\s*[:.]\s*"
    r"|(?:chỉ\s+số\s+)?nội\s+dung\s+(?:thứ\s+)?(?P<dim>\d{1,2})\s*[:.–-]?\s*(?=[“\"(\w]))?"
    r"(?P<label>[^:;]{3,250}?)\s*:\s*(?P<rest>.+)$", re.I | re.S)
_NOT_VALUE_BEFORE = re.compile(r"(?:tự\s+đánh\s+giá|tự\s+chấm|bị\s+trừ|trừ|tăng|giảm|chênh\s+lệch|hơn|xếp\s+(?:thứ|hạng)"
                               r"(?:\s+thứ)?|đứng\s+thứ|hạng|(?:cả\s+nước|toàn\s+quốc)(?:\s+(?:là|đạt))?)\s*$", re.I)
_SELF_BEFORE = re.compile(r"tự\s+(?:đánh\s+giá|chấm)(?:\s+(?:là|đạt|được))?\s*$", re.I)


_IN_PARENS = re.compile(r"\([^()]{3,}\)")
_FIGURE = re.compile(r"\d\s*(?:%|điểm|/)")
_THRESHOLD_BEFORE = re.compile(r"(?:trên|dưới|khoảng|tối\s+thiểu|ít\s+nhất)\s*$")
_OPEN_PAREN_BEFORE = re.compile(r"\(\s*$")


def read_items(text: str, ctx: ProseContext, src: Sources) -> Findings:
    found = Findings()
    m = _ITEM.match(text)
    if m is None or ctx.report_year is None:
        return found
    rest_at = m.start("rest")
    value = _item_value(text, rest_at)
    if value is None:
        return found
    nm, rd = value
    label = clean_label(m.group("label"))
    if m.group("dim") and _IN_PARENS.fullmatch(label):  # "Nội dung 2 (Công khai, minh bạch …):"
        label = clean_label(label[1:-1])
    if _OWN_SUBJECT.match(label) and _SUBJECT_VERB.search(text, rest_at, nm.start):
        return found  # "- Về tổng thể: Chỉ số PAPI năm 2024 của tỉnh đạt 44,12 điểm": a sentence with its subject
    if names_a_province(label):
        return found  # "- Tỉnh Yên Bái (cũ): Chỉ số CCHC năm 2024 đạt …": the place, not a criterion
    if _FIGURE.search(label):
        return found  # the colon belongs to an aside ("(năm 2022: 58,906 điểm)"), not to a label
    if TARGET.search(label) or _THRESHOLD_BEFORE.search(text[:nm.start]):
        return found  # "Phấn đấu năm 2024: Chỉ số CCHC đạt trên 89%": a target, not a value
    if find_mentions(text[rest_at: nm.start], ctx.province):
        return found  # "Khối sở, ban, ngành: Sở Tư pháp xếp thứ nhất với 92,35%; …": the units' values
    marker = m.group("marker")
    group = ctx.memory.get("list_parent") if marker == "+" else None
    obs = RawObservation(index=ctx.index, year=ctx.report_year, entity=ctx.entity, label=label, value=rd.value,
                         unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, max=rd.max, decimals=rd.decimals,
                         source=src(text.strip()), group=group, number=m.group("num") or m.group("dim"),
                         year_stated=False)
    rise = _TO.match(text, nm.end) if _FROM_BEFORE.search(text, rest_at, nm.start) else None
    end = nm.end
    if rise:  # "tăng từ 4,41 điểm lên 4,52 điểm": the first figure is the earlier year's
        found.observations += _from_to_item(obs, rise, ctx)
        end = rise.end()
    rk = RANK_AT.search(text, end)
    if rk:
        set_rank(obs, rk)
    found.observations.append(obs)
    found.observations += earlier_years(text[end:], obs, src)
    if marker != "+":
        ctx.memory["list_parent"] = label
    ctx.claim(0, len(text))  # the whole item
    return found


def _item_value(text: str, start: int):  # noqa: ANN202
    """The item's own score: a number with its maximum or unit, not a self-assessment or deduction."""
    for nm in find_numbers(text[start:]):
        rd = nm.reading
        if not rd.ok or rd.unit == "count" or (rd.max is None and rd.unit not in ("%", "points")):
            continue
        before = text[start: start + nm.start]
        if _NOT_VALUE_BEFORE.search(before) or _OPEN_PAREN_BEFORE.search(before) or PREV.search(text, start + nm.start - 30 if nm.start > 30 else start, start + nm.end):
            continue
        return type(nm)(start + nm.start, start + nm.end, rd), rd
    return None


# a lead-in before the colon ("Về tổng thể:", "Về kết quả chung:") when the text after it names its own subject
_OWN_SUBJECT = re.compile(r"về\s", re.I)
_SUBJECT_VERB = re.compile(r"chỉ\s+số\b[^:;]*?\s(?:đạt|là)\s*$", re.I)
_FROM_BEFORE = re.compile(r"\btừ\s*$", re.I)
_TO = re.compile(r"\s*(?:điểm\s*)?(?:năm\s+(?P<y1>20\d\d)\s*)?,?\s*(?:lên|xuống|tăng\s+lên|giảm\s+xuống)\s+(?:còn\s+)?"
                 r"(?P<v2>" + NUM + r"(?:\s*/\s*" + NUM + r")?\s*(?:%|điểm))(?:\s+(?:năm\s+)?(?P<y2>20\d\d))?", re.I)


def _from_to_item(obs: RawObservation, m: re.Match, ctx: ProseContext) -> list[RawObservation]:
    """An item read `từ X lên Y`: `obs` (holding X) takes Y, of the year printed after it or the report's year;
    X is kept for the year printed after it or the year the report compares with, never a guessed year."""
    rd = find_numbers(m.group("v2"))[0].reading
    if not rd.ok:
        return []
    prev = RawObservation(index=obs.index, year=obs.year, entity=obs.entity, label=obs.label, value=obs.value,
                          unit=obs.unit, max=obs.max, decimals=obs.decimals, source=obs.source, group=obs.group,
                          number=obs.number, year_stated=m.group("y1") is not None)
    obs.value, obs.max, obs.decimals = rd.value, rd.max, rd.decimals
    if m.group("y2"):
        obs.year, obs.year_stated = int(m.group("y2")), True
    prev.year = int(m.group("y1")) if m.group("y1") else ctx.memory.get("compared_year")
    return [prev] if prev.year is not None and prev.year < obs.year else []


# "; năm 2017 đạt 5,14 điểm", "; năm 2017: 7,50 điểm" after an item's own value (same group names as PREV)
_YEAR_STATED = re.compile(r"[;,]\s*năm\s+(?P<y3>20\d\d)\s*(?:đạt|là|:)\s*(?P<v3>" + NUM + r"\s*(?:%|điểm))"
                          r"(?P<v1>)?(?P<v2>)?(?P<y1>)?(?P<r1>)?(?P<r3>)?(?P<n1>)?(?P<n3>)?", re.I)


def earlier_years(rest: str, obs: RawObservation, src: Sources) -> list[RawObservation]:
    """Values of earlier years cited after an item's value: `(năm 2014: 1,17 điểm)`."""
    out = []
    for pm in [*PREV.finditer(rest), *_YEAR_STATED.finditer(rest)]:
        nums = find_numbers(pm.group("v1") or pm.group("v2") or pm.group("v3"))
        year = int(pm.group("y1") or pm.group("y3"))
        if nums and nums[0].reading.ok and year != obs.year and year not in {o.year for o in out}:
            rd = nums[0].reading
            prev = RawObservation(index=obs.index, year=year, entity=obs.entity, label=obs.label, value=rd.value,
                                  unit=rd.unit if rd.unit in ("%", "points") else obs.unit, max=rd.max,
                                  decimals=rd.decimals, source=obs.source, group=obs.group, number=obs.number)
            own = next((g for g in ("1", "3") if pm.group("r" + g)), None)
            if own:  # "(năm 2014: 1,17 điểm, xếp thứ 9/63)"
                prev.rank, prev.rank_of = int(pm.group("r" + own)), population_or_none(pm.group("n" + own))
            out.append(prev)
    return out


__all__ = ["read_items", "NUM"]
