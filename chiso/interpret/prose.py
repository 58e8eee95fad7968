"""Figures stated in sentences → observations.

A sentence gives a value only in a few constructions, and we read only those:
`<subject> đạt 81,51%` (with an optional `/max`), the previous year's value in
`so với năm 2023 (đạt 43,68 điểm)` / `(năm 2023 đạt 1,67 điểm)` / `(7,3947 điểm)`,
ranks `xếp thứ 55/63` or `(27/63)` after the year they belong to, year series
`Năm 2023 – 88,02%; 2022 – 86,30%`, a national value `(cả nước là 79,46%)`, and named
entities `cao nhất là Ban Dân tộc (98,49%)`. Changes (`tăng 1,69%`), ranges
(`dao động từ 3,6 – 5,9`, `đạt từ 77% - 82%`), targets (`phấn đấu đạt trên 91%`) and
survey shares (`Có 58,37% người …`) are not values of a criterion and are skipped.

The subject decides which criterion a value belongs to: a name introduced by
`tiêu chí`, `chỉ số`, `lĩnh vực`, `nội dung`; the index itself (`Chỉ số SIPAS …`); or,
when the subject is generic (`Mức độ hài lòng đạt …`, `Kết quả năm 2024 tỉnh X đạt …`),
the nearest heading. A value whose subject cannot be resolved is not loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chiso.model import Flag, RawObservation, Source, TextBlock
from chiso.normalize.numbers import find_numbers
from chiso.normalize.text import clean_label, clean_text

NUM = r"(?:[+\-]?\d[\d.,]*\d|\d)"
_RANGE = re.compile(r"(?:dao\s+động|đạt)?\s*từ\s*(" + NUM + r")\s*%?\s*(?:điểm)?\s*[-–—]\s*(" + NUM + r")", re.I)
_TARGET = re.compile(r"phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu|kế\s+hoạch\s+đề\s+ra|dự\s+kiến", re.I)
_CHANGE_BEFORE = re.compile(r"(tăng|giảm|cao\s+hơn|thấp\s+hơn|chênh\s+lệch)\s*(?:là|thêm)?\s*$", re.I)
_STATE = re.compile(r"(?:đạt|là|được)\s*(?:mức\s*)?$", re.I)
_INTRO = re.compile(
    r"(?:^|[\s,;(])(?:tiêu\s+chí(?:\s+thành\s+phần)?|chỉ\s+số(?:\s+thành\s+phần|\s+nội\s+dung)?|nội\s+dung"
    r"|trục\s+nội\s+dung|lĩnh\s+vực(?:\s+\d+)?\s*:?|nhóm\s+tiêu\s+chí)\s+[“\"]?(?P<name>[^“”\"]+?)[”\"]?\s*:?\s*$", re.I)
_GENERIC = re.compile(
    r"^(?:mức\s+độ\s+hài\s+lòng|chỉ\s+số|kết\s+quả(?:\s+đánh\s+giá)?(?:\s+nội\s+dung\s+này)?(?:\s+năm\s+\d{4})?"
    r"|điểm\s+số|tổng\s+điểm)?(?:\s+(?:của|năm\s+\d{4}|tỉnh\s+[\w\s]+|của\s+tỉnh\s+[\w\s]+))*\s*$", re.I)
_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_PREV = re.compile(
    r"so\s+với\s+(?:cùng\s+kỳ\s+)?năm\s+(?P<y1>20\d\d)\s*(?:\(\s*(?:đạt\s*)?(?P<v1>" + NUM + r")\s*(?:%|điểm)?\s*\)"
    r"|,?\s*(?:đạt|là)\s*(?P<v2>" + NUM + r")\s*(?:%|điểm))"
    r"|\(\s*năm\s+(?P<y3>20\d\d)\s*(?:đạt|là)?\s*(?P<v3>" + NUM + r")\s*(?:%|điểm)?\s*\)", re.I)
_RANK_AT = re.compile(r"(?:xếp\s*(?:thứ|hạng)(?:\s*thứ)?|đứng\s*thứ)\s*:?\s*(\d{1,3})\s*/\s*(\d{1,3})|\(\s*(\d{1,3})\s*/\s*(\d{1,3})\s*\)", re.I)
_NATIONAL = re.compile(r"\(\s*(?:cả\s+nước|toàn\s+quốc|trung\s+bình\s+cả\s+nước)\s*(?:là|đạt)?\s*(" + NUM + r")\s*(%|điểm)?\s*\)", re.I)
_SERIES = re.compile(r"(?:năm\s+)?(20\d\d)\s*[–—-]\s*(" + NUM + r")\s*(%|điểm)?", re.I)
_ENTITY_LIST = re.compile(
    r"(?:cao\s+nhất|thấp\s+nhất|đứng\s+đầu|cuối\s+bảng|dẫn\s+đầu)\s+(?:là|thuộc\s+về)\s+(?P<ent>(?:Sở|Ban|Văn\s+phòng|Thanh\s+tra|UBND|Ủy\s+ban|Bộ\s+phận|"
    r"huyện|thị\s+xã|thành\s+phố|quận|xã|phường|Huyện|Thị\s+xã|Thành\s+phố|Quận)[^()]{2,80}?)\s*\(\s*(?P<v>" + NUM + r")\s*(?P<u>%|điểm)?\s*\)")
_SATISFACTION_WITH = re.compile(
    r"^(?:mức\s+độ|chỉ\s+số|tỷ\s+lệ)\s+hài\s+lòng(?:\s+của\s+người\s+dân(?:,\s+tổ\s+chức)?)?\s+(?:đối\s+với|về)\s+\S+\s+\S+",
    re.I)
_SKIP_PARA = re.compile(r"^\s*[-+•]\s*(?:về\s+)?(?:tiêu\s+chí|chỉ\s+tiêu)?\s*[“\"]", re.I)
_SKIP_PARA2 = re.compile(r"^\s*[-+•]\s*về\s+tiêu\s+chí", re.I)
_INDEX_NAMES = {
    "SIPAS": re.compile(r"SIPAS|hài\s+lòng\s+của\s+người\s+dân\s+đối\s+với\s+sự\s+phục\s+vụ", re.I),
    "PAPI": re.compile(r"PAPI|hiệu\s+quả\s+quản\s+trị\s+và\s+hành\s+chính\s+công", re.I),
    "PAR_INDEX": re.compile(r"PAR\s*INDE[XR]|chỉ\s+số\s+(?:cải\s+cách\s+hành\s+chính|CCHC)", re.I),
    "PCI": re.compile(r"\bPCI\b|năng\s+lực\s+cạnh\s+tranh", re.I),
}
_COMPONENT = re.compile(r"thành\s+phần|tiêu\s+chí|lĩnh\s+vực|nội\s+dung|trục|nhóm|xây\s+dựng,\s+tổ\s+chức|cung\s+ứng|cung\s+cấp", re.I)


@dataclass
class ProseContext:
    index: str
    entity: str
    province: str | None
    report_year: int | None
    unit: str | None
    heading: str
    title_label: str  # how the title names the index, for values of the index itself


def _subject_before(clause: str, pos: int) -> str:
    """The noun phrase a value is stated about: the text before `đạt` back to a clause break."""
    head = clause[:pos]
    head = re.sub(r"\s*(?:đạt|là|được)\s*(?:mức\s*)?$", "", head, flags=re.I)
    cut = max(head.rfind(x) for x in (";", ":", ". ", "(", ")"))
    if cut >= 0 and head[cut] == ":" and not head[cut + 1:].strip():
        # "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,96/8 điểm" — the subject is before the colon
        head = head[:cut]
        cut = max(head.rfind(x) for x in (";", ". ", "(", ")"))
    head = head[cut + 1:] if cut >= 0 else head
    intros = list(re.finditer(r"(?:^|\s)(?:tiêu\s+chí|chỉ\s+số|lĩnh\s+vực|trục\s+nội\s+dung|nhóm\s+tiêu\s+chí)\s", head, re.I))
    if intros:
        return clean_text(head[intros[-1].start():].strip(" ,"))
    conn = list(re.finditer(r"(?:^|,)\s*(?:theo\s+đó|trong\s+đó|cụ\s+thể|qua\s+đó|như\s+vậy)\s*,?\s*", head, re.I))
    if conn:
        head = head[conn[-1].end():]
    parts = [p.strip() for p in head.split(",")]
    return clean_text(head.strip(" ,")) if len(parts) <= 2 else clean_text(", ".join(parts[-2:]))


def _is_total(text: str, index: str) -> bool:
    pat = _INDEX_NAMES.get(index)
    return bool(pat and pat.search(text)) and not _COMPONENT.search(pat.sub("", text))


def _entity_in(subject: str, ctx: ProseContext) -> str:
    if re.search(r"cả\s+nước|toàn\s+quốc", subject, re.I):
        return "Cả nước"
    places = list(re.finditer(r"(tỉnh|thành\s+phố|huyện|thị\s+xã|quận)\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})",
                              subject))
    if not places:
        return ctx.entity
    m = places[-1]
    kind, name = re.sub(r"\s+", " ", m.group(1)).lower(), m.group(2)
    if kind == "tỉnh" or (ctx.province and name == ctx.province and kind == "thành phố"
                          and not ctx.entity.lower().startswith("thành phố")):
        return ctx.province if ctx.province and name == ctx.province else name
    return f"{kind[:1].upper()}{kind[1:]} {name}"


def _label_for(subject: str, ctx: ProseContext) -> tuple[str | None, bool]:
    """(label, is_index_total) for a subject; None when it cannot be resolved."""
    if not subject.strip():
        return None, False
    intro = _INTRO.search(subject)
    if intro:
        name = clean_label(intro.group("name"))
        name = re.sub(r"\s+(?:của\s+)?(?:tỉnh|thành\s+phố)\s+[\wÀ-ỹ\s]+$", "", name).strip()
        if _is_total(subject, ctx.index) and not _COMPONENT.search(_INDEX_NAMES[ctx.index].sub("", subject)):
            return clean_label(subject), True
        if name and not _GENERIC.match(name) and not re.match(r"này\b", name, re.I):
            return name, False
    if _is_total(subject, ctx.index):
        return clean_label(re.sub(r"^(?:trên\s+cơ\s+sở|theo\s+đó|căn\s+cứ)\s+", "", subject, flags=re.I)), True
    if _SATISFACTION_WITH.match(subject):
        return clean_label(subject), False  # "Mức độ hài lòng đối với công chức … đạt 81,62%"
    stripped = re.sub(r"^(?:cụ\s+thể|theo\s+đó|trong\s+đó|đồng\s+thời|như\s+vậy)\s*,?\s*", "", subject, flags=re.I)
    stripped = re.sub(r"^(kết\s+quả(?:\s+đánh\s+giá)?)\s+(?:nội\s+dung|chỉ\s+số|trục)\s+này", r"\1", stripped, flags=re.I)
    if _GENERIC.match(stripped) or re.fullmatch(r"(?:của\s+)?(?:tỉnh|thành\s+phố)\s+[\wÀ-ỹ\s]+", stripped, re.I):
        heading = clean_label(re.sub(r"\([^)]*\)\s*$", "", ctx.heading))
        heading = re.sub(r",?\s*(?:với|gồm|bao\s+gồm)\s+\d+\s+(?:nhóm\s+)?(?:tiêu\s+chí|nội\s+dung|chỉ\s+số).*$", "",
                         heading, flags=re.I).strip(" ,")
        if heading and _is_total(heading, ctx.index):
            return ctx.title_label or heading, True
        if heading and re.search(r"kết\s+quả\s+(?:tổng\s+quan|chung)", heading, re.I):
            return ctx.title_label, True
        if heading and not re.match(r"^(?:[IVX]+\.|kết\s+quả|đánh\s+giá|tổng\s+quan|thông\s+tin)", heading, re.I):
            return heading, False
        if not ctx.heading or re.match(r"^\s*[IVX]+\.", ctx.heading):
            return ctx.title_label, True
        return None, False
    return None, False


def _within(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def read_prose(block: TextBlock, ctx: ProseContext, flags: list[tuple[Flag, Source]]) -> list[RawObservation]:
    text = clean_text(block.text)
    if block.kind == "paragraph" and (_SKIP_PARA.match(text) or _SKIP_PARA2.match(text)):
        return []
    out: list[RawObservation] = []
    src_kind = "footnote" if block.kind == "footnote" else "text"

    def source(snippet: str) -> Source:
        return Source(kind=src_kind, page=block.page, block=block.number, bbox=block.bbox, snippet=snippet[:160])

    # broken numbers are flagged wherever they appear
    for m in find_numbers(text):
        if m.reading.error:
            flags.append((Flag("unreadable_number", f"'{m.reading.text}' in a sentence: {m.reading.error}"),
                          source(text[max(0, m.start - 60): m.end + 40])))
    for m in _RANGE.finditer(text):
        lo, hi = (find_numbers(m.group(1)) or [None])[0], (find_numbers(m.group(2)) or [None])[0]
        if lo and hi and lo.reading.ok and hi.reading.ok and lo.reading.value and \
                (hi.reading.value > 5 * lo.reading.value or hi.reading.value < lo.reading.value):
            flags.append((Flag("implausible_number", f"range '{m.group(0).strip()}': bound {m.group(2)} cannot be right"),
                          source(text[max(0, m.start() - 40): m.end() + 10])))

    last_subject: tuple[str, bool, str] | None = None  # (label, is_total, entity) carried across clauses
    pending_rank: RawObservation | None = None  # a value whose rank may open the next clause
    for clause in re.split(r";|\.\s+(?=[A-ZĐÀ-Ỹ])", text):
        if not clause.strip():
            continue
        ranges = [(m.start(), m.end()) for m in _RANGE.finditer(clause)]
        ranges += [(m.start(), m.end()) for m in _RESPECTIVELY.finditer(clause)]  # read by _respectively
        prevs = list(_PREV.finditer(clause))
        prev_spans = [(m.start(), m.end()) for m in prevs]
        target = bool(_TARGET.search(clause))
        main: RawObservation | None = None
        stated = False
        if pending_rank is not None:
            rk = _RANK_AT.match(clause.strip())
            if rk is None:
                rk = re.match(r"\s*(?:và\s+)?(?:xếp\s*(?:thứ|hạng)(?:\s*thứ)?)\s*(\d{1,3})\s*/\s*(\d{1,3})", clause, re.I)
            if rk and not re.search(r"đạt\s*" + NUM, clause[: rk.start()]):
                _set_rank(pending_rank, rk)
            pending_rank = None
        for nm in find_numbers(clause):
            rd = nm.reading
            if _within(ranges, nm.start) or _within(prev_spans, nm.start):
                continue
            if not rd.ok:
                if _STATE.search(clause[: nm.start]):
                    label, is_total = _label_for(_subject_before(clause, nm.start), ctx)
                    stated = label is None
                    if label is not None:
                        last_subject = (label, is_total, _entity_in(_subject_before(clause, nm.start), ctx))
                        break
                continue
            before = clause[: nm.start]
            if not _STATE.search(before) or _CHANGE_BEFORE.search(before):
                continue
            if re.search(r"(?:trên|dưới|từ|khoảng|gần|hơn)\s*$", before, re.I) or target:
                continue
            if rd.unit == "count" or (rd.unit is None and rd.max is None and "." not in rd.text and "," not in rd.text
                                      and ctx.unit == "%"):
                continue
            after = clause[nm.end: nm.end + 3]
            if re.match(r"\s*/\s*\d", after):
                continue
            subject = _subject_before(clause, nm.start)
            stated = True
            label, is_total = _label_for(subject, ctx)
            if label is None and last_subject and not subject.strip():
                label, is_total = last_subject[0], last_subject[1]
            if label is None:
                continue
            entity = _entity_in(subject, ctx)
            years = _YEAR.findall(subject)
            year = int(years[-1]) if years else ctx.report_year
            if year is None:
                continue
            obs = RawObservation(index=ctx.index, year=year, entity=entity, label=label, value=rd.value,
                                 unit=rd.unit if rd.unit in ("%", "points") else ctx.unit, max=rd.max,
                                 decimals=rd.decimals, source=source(clause.strip()))
            obs.group = "__total__" if is_total else None
            rk = _RANK_AT.search(clause, nm.end)
            if rk and not _PREV.search(clause[nm.end: rk.start()]):
                _set_rank(obs, rk)
            else:
                pending_rank = obs
            # a change stated right after the value
            ch = re.search(r"^\W*(tăng|giảm)\s*(" + NUM + r")", clause[nm.end:], re.I)
            if ch:
                cm = find_numbers(ch.group(2))
                if cm and cm[0].reading.ok:
                    sign = -1 if ch.group(1).lower() == "giảm" else 1
                    obs.change, obs.change_decimals = sign * abs(cm[0].reading.value), cm[0].reading.decimals
            out.append(obs)
            main = obs
            last_subject = (label, is_total, entity)
            break
        # previous-year values (and their ranks) for the clause's subject
        if main is None and stated:
            continue
        subj = main or (RawObservation(index=ctx.index, year=0, entity=last_subject[2], label=last_subject[0],
                                       value=0.0, unit=ctx.unit, source=source(""))
                        if last_subject else None)
        if subj is None:
            continue
        for pm in prevs:
            y = int(pm.group("y1") or pm.group("y3"))
            raw = pm.group("v1") or pm.group("v2") or pm.group("v3")
            nums = find_numbers(raw)
            if not nums or not nums[0].reading.ok or y == subj.year:
                continue
            prev = RawObservation(index=ctx.index, year=y, entity=subj.entity, label=subj.label,
                                  value=nums[0].reading.value, unit=subj.unit, decimals=nums[0].reading.decimals,
                                  source=source(clause.strip()))
            prev.group = subj.group if main is not None else ("__total__" if last_subject and last_subject[1] else None)
            rest = clause[pm.end():]
            rk = _RANK_AT.search(rest)
            if rk and not _PREV.search(rest[: rk.start()]) and not re.search(r"đạt\s*" + NUM, rest[: rk.start()]):
                _set_rank(prev, rk)
            out.append(prev)
    out.extend(_respectively(text, ctx, source))
    # year series: "Năm 2023 – 88,02%; 2022 – 86,30%"
    series = list(_SERIES.finditer(text))
    if len(series) >= 2:
        subject = _subject_before(text, series[0].start())
        label, is_total = _label_for(subject, ctx)
        if label:
            for sm in series:
                nums = find_numbers(sm.group(2))
                if not sm.group(3) and not re.search(r"[.,]", sm.group(2)):
                    continue  # "2022-2025" is a period, not a value
                if nums and nums[0].reading.ok:
                    o = RawObservation(index=ctx.index, year=int(sm.group(1)), entity=_entity_in(subject, ctx),
                                       label=label,
                                       value=nums[0].reading.value, unit=ctx.unit if not sm.group(3) else
                                       ("%" if sm.group(3) == "%" else "points"),
                                       decimals=nums[0].reading.decimals, source=source(sm.group(0)))
                    o.group = "__total__" if is_total else None
                    out.append(o)
    # named entities with their values
    for em in _ENTITY_LIST.finditer(text):
        nums = find_numbers(em.group("v"))
        if not nums or not nums[0].reading.ok:
            continue
        subject = _subject_before(text, em.start())
        label, is_total = _label_for(subject, ctx)
        if label is None:
            continue
        o = RawObservation(index=ctx.index, year=ctx.report_year or 0, entity=clean_label(em.group("ent")),
                           label=label, value=nums[0].reading.value,
                           unit="%" if em.group("u") == "%" else ctx.unit, decimals=nums[0].reading.decimals,
                           source=source(em.group(0)), rank_scope="province")
        o.group = "__total__" if is_total else None
        out.append(o)
    return out


_RESPECTIVELY = re.compile(r"lần\s+lượt\s+(?:là|đạt|được)?\s*(?P<vals>" + NUM + r"\s*%?(?:\s*(?:,|và|;)\s*" + NUM +
                           r"\s*%?)+)", re.I)
_OWN_SURVEY = re.compile(r"do\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân)?\s*(?:tỉnh|thành\s+phố)\s+tổ\s+chức\s+khảo\s+sát"
                         r"|khảo\s+sát\s+(?:của|do)\s+(?:UBND\s+)?tỉnh", re.I)


def _respectively(text: str, ctx: ProseContext, source) -> list[RawObservation]:  # noqa: ANN001
    """'… A 79,96% và B 79,92%. … lần lượt là 78,95% và 78,44%': the values go to A and B in order.

    The labels come from the nearest earlier list of the same length in the paragraph, each
    label being the words before its number. When the sentence says the figures come from the
    province's own survey, they are kept apart from the national survey's (survey="provincial").
    """
    out: list[RawObservation] = []
    for m in _RESPECTIVELY.finditer(text):
        values = [n.reading for n in find_numbers(m.group("vals")) if n.reading.ok]
        if len(values) < 2:
            continue
        before = text[: m.start()]
        sentences = re.split(r"\.\s+(?=[A-ZĐÀ-Ỹ])", before)
        labels: list[str] = []
        unit = values[0].unit
        for sent in reversed(sentences[:-1] or sentences):
            nums = [n for n in find_numbers(sent) if n.reading.ok and n.reading.unit == unit]
            if len(nums) < len(values):
                continue
            nums = nums[-len(values):]  # the enumeration closes the sentence: "… A 79,96% và B 79,92%"
            gaps = [sent[a.end: b.start] for a, b in zip(nums, nums[1:], strict=False)]
            if not all(re.match(r"\s*(?:,|và|;)\s", g + " ") for g in gaps):
                break
            starts = [re.split(r"\b(?:là|gồm|như)\b|:", sent[: nums[0].start])[-1]]
            starts += [re.sub(r"^\s*(?:,|và|;)\s*", "", g) for g in gaps]
            labels = [clean_label(x) for x in starts]
            break
        if len(labels) != len(values) or not all(labels):
            continue
        survey = "provincial" if _OWN_SURVEY.search(text[max(0, m.start() - 300): m.end()]) else None
        year = ctx.report_year
        if year is None:
            continue
        for label, rd in zip(labels, values, strict=True):
            out.append(RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=label, value=rd.value,
                                      unit=rd.unit if rd.unit in ("%", "points") else ctx.unit,
                                      decimals=rd.decimals, source=source(m.group(0)), survey=survey))
    return out


def read_ranks(block: TextBlock, ctx: ProseContext) -> list[tuple[str, int, int, Source]]:
    """Rank-only statements ('… xếp thứ 55/63'), for attaching to observations read elsewhere."""
    text = clean_text(block.text)
    out = []
    for m in re.finditer(r"xếp\s*(?:thứ|hạng)\s*(\d{1,3})\s*/\s*(\d{1,3})", text, re.I):
        head = text[: m.start()]
        cut = max(head.rfind(x) for x in (";", "(", ":", "…"))
        subject = head[cut + 1:] if cut >= 0 else head
        subject = clean_text(subject.strip(" ,.-"))
        if re.search(r"đạt\s*" + NUM, subject):
            continue
        out.append((subject, int(m.group(1)), int(m.group(2)),
                    Source(kind="footnote" if block.kind == "footnote" else "text", page=block.page,
                           block=block.number, snippet=text[max(0, m.start() - 80): m.end()][:160])))
    return out


def read_national(block: TextBlock) -> list[tuple[float, int, float, int, str | None, Source]]:
    """`… 77,21% (cả nước là 79,46%)`: the national value of whatever 77,21% is the value of."""
    text = clean_text(block.text)
    out = []
    for m in _NATIONAL.finditer(text):
        before = [n for n in find_numbers(text[max(0, m.start() - 40): m.start()]) if n.reading.ok]
        nat = find_numbers(m.group(1))
        if not before or not nat or not nat[0].reading.ok:
            continue
        local = before[-1].reading
        unit = "%" if m.group(2) == "%" or local.unit == "%" else ("points" if m.group(2) else local.unit)
        out.append((local.value, local.decimals, nat[0].reading.value, nat[0].reading.decimals, unit,
                    Source(kind="footnote" if block.kind == "footnote" else "text", page=block.page,
                           block=block.number, snippet=text[max(0, m.start() - 80): m.end()][:160])))
    return out


def _set_rank(obs: RawObservation, m: re.Match[str]) -> None:
    r, n = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    obs.rank, obs.rank_of = int(r), int(n)


__all__ = ["ProseContext", "read_prose", "read_ranks", "read_national"]
