"""Whose value a sentence states: the criterion (label), whether it is the index itself, the entity.

The subject decides which criterion a value belongs to: a name introduced by `tiêu chí`,
`chỉ số`, `lĩnh vực`, `nội dung`; the index itself (`Chỉ số SIPAS …`); or, when the subject
is generic (`Mức độ hài lòng đạt …`, `Kết quả năm 2024 tỉnh X đạt …`), the nearest
heading. A value whose subject cannot be resolved is not loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from chiso.db.catalogue import catalogue
from chiso.db.indices import names_index, strip_index_name
from chiso.interpret.prose.context import ProseContext
from chiso.interpret.prose.prefilter import last_words_start
from chiso.normalize.text import clean_label, clean_text, match_key

_INTRO = re.compile(
    r"(?:^|[\s,;(])(?:tiêu\s+chí(?:\s+thành\s+phần)?|chỉ\s+số(?:\s+thành\s+phần|\s+nội\s+dung)?|nội\s+dung"
    r"|trục\s+nội\s+dung|lĩnh\s+vực(?:\s+\d+)?\s*:?|nhóm\s+tiêu\s+chí)\s+[“\"]?(?P<name>[^“”\"]+?)[”\"]?\s*:?\s*$", re.I)
_GENERIC = re.compile(
    r"^(?:mức\s+độ\s+hài\s+lòng|chỉ\s+số|kết\s+quả(?:\s+đánh\s+giá)?(?:\s+nội\s+dung\s+này)?(?:\s+năm\s+\d{4})?"
    r"|điểm\s+số|tổng\s+điểm)?(?:\s+(?:của|năm\s+\d{4}|tỉnh\s+[\w\s]+|của\s+tỉnh\s+[\w\s]+))*\s*$", re.I)
_SATISFACTION_WITH = re.compile(
    r"^(?:mức\s+độ|chỉ\s+số|tỷ\s+lệ)\s+hài\s+lòng(?:\s+của\s+người\s+dân(?:,\s+tổ\s+chức)?)?\s+(?:đối\s+với|về)\s+\S+\s+\S+",
    re.I)
# A phrase opened by one of these names a measured quantity: "Điểm đánh giá của Văn phòng Chính phủ …",
# "Mức độ hài lòng về …", "khối sở, ban, ngành". Such a phrase is a label in its own right.
_MEASURE_START = re.compile(r"(?:^|(?<=[,;:]\s)|(?<=^[-+•]\s)|(?<=\)\s))(?:[a-zđ]\)\s*)?(?=(?:tổng\s+)?điểm\s|mức\s+độ\s+hài"
                            r"|chỉ\s+số\s|khối\s|tỷ\s+lệ\s+hài\s+lòng)", re.I)
_MEASURE_LABEL = re.compile(r"^(?:[a-zđ]\)\s*)?(?:(?:tổng\s+)?điểm\s+\S+|mức\s+độ\s+hài\s+lòng\s+\S+|khối\s+\S+"
                            r"|tỷ\s+lệ\s+hài\s+lòng\s+\S+)", re.I)
_COMPONENT = re.compile(r"thành\s+phần|tiêu\s+chí|lĩnh\s+vực|nội\s+dung|trục|nhóm|xây\s+dựng,\s+tổ\s+chức|cung\s+ứng"
                        r"|cung\s+cấp", re.I)


_PARENS = re.compile(r"\s*\([^()]*\)")
_NATIONAL_AVERAGE = re.compile(r"(?:điểm|chỉ\s+số)?\s*(?:trung\s+bình|bình\s+quân)\s+(?:của\s+)?(?:cả\s+nước|toàn\s+quốc)"
                               r"|(?:điểm|chỉ\s+số)\s+(?:của\s+)?(?:cả\s+nước|toàn\s+quốc)", re.I)
_TOTAL_SCORE = re.compile(r"(?:tổng\s+điểm|điểm\s+tổng\s+hợp)(?:\s+năm\s+20\d\d)?(?:\s+(?:không|chưa)\b.*)?", re.I)
_QUOTED_END = re.compile(r"[“\"][^“”\"]{3,200}[”\"]$")
# "Lĩnh vực đạt tỷ lệ thấp nhất là Xây dựng …": the name follows the words that say which one it is
_EXTREME_LEAD = re.compile(r"^(?:(?:đạt|có)\s+(?:tỷ\s+lệ|điểm(?:\s+số)?|mức\s+độ\s+hài\s+lòng)\s+)?(?:cao|thấp)\s+nhất"
                           r"\s+(?:là\s+)?", re.I)


_VERB_TAIL = re.compile(r"\s*(?:đạt|là|được|chỉ\s+đạt|với)?\s*(?:mức\s*)?:?\s*$", re.I)
_BREAK = re.compile(r"[;:]|\.\s")
_NAME_INTRO = re.compile(r"(?:^|\s)(?:tiêu\s+chí|chỉ\s+số|lĩnh\s+vực|trục\s+nội\s+dung|nhóm\s+tiêu\s+chí)\s", re.I)
_CONNECTIVE = re.compile(r"(?:^|,)\s*(?:theo\s+đó|trong\s+đó|cụ\s+thể|qua\s+đó|như\s+vậy)\s*,?\s*", re.I)


def subject_before(clause: str, pos: int) -> str:
    """The noun phrase a value is stated about: the text before `đạt` back to a clause break.

    Parenthesised asides ("(sau thẩm định của Bộ Nội vụ)", "(SIPAS)") are left out, so that
    they do not cut the phrase.
    """
    head = _PARENS.sub("", clause[:pos]).lstrip()
    tail = last_words_start(head, 4)  # no match of _VERB_TAIL spans more words ('chỉ đạt mức :')
    head = head[:tail] + _VERB_TAIL.sub("", head[tail:])
    quoted = _QUOTED_END.search(head)
    if quoted:  # “Công khai quy hoạch, kế hoạch sử dụng đất, bảng giá đất” đạt …: the quotes delimit the name
        return quoted.group(0)
    measure = _MEASURE_START.search(head)
    if measure and not _BREAK.search(head, measure.start()):
        return clean_text(head[measure.start():].strip(" ,"))
    cut = max(head.rfind(x) for x in (";", ":", ". ", "(", ")"))
    if cut >= 0 and head[cut] == ":" and not head[cut + 1:].strip():
        # "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,96/8 điểm" — the subject is before the colon
        head = head[:cut]
        cut = max(head.rfind(x) for x in (";", ". ", "(", ")"))
    head = head[cut + 1:] if cut >= 0 else head
    intros = list(_NAME_INTRO.finditer(head))
    if intros:
        return clean_text(head[intros[-1].start():].strip(" ,"))
    conn = list(_CONNECTIVE.finditer(head))
    if conn:
        head = head[conn[-1].end():]
    parts = [p.strip() for p in head.split(",")]
    return clean_text(head.strip(" ,")) if len(parts) <= 2 else clean_text(", ".join(parts[-2:]))


def is_total(text: str, index: str) -> bool:
    """The subject names the index itself, not one of its components."""
    return names_index(text, index) and not _COMPONENT.search(strip_index_name(text, index))


_COUNTRY = re.compile(r"cả\s+nước|toàn\s+quốc", re.I)
_PLACE = re.compile(r"(tỉnh|thành\s+phố|huyện|thị\s+xã|quận)\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})")


def entity_in(subject: str, ctx: ProseContext) -> str:
    if _COUNTRY.search(subject):
        return "Cả nước"
    places = list(_PLACE.finditer(subject))
    places = [m for m in places if m.group(2)[:1].isupper()]  # "của tỉnh đạt …": no name follows
    if not places:
        return ctx.entity
    m = places[-1]
    kind, name = " ".join(m.group(1).split()).lower(), m.group(2)
    if kind == "tỉnh" or (ctx.province and name == ctx.province and kind == "thành phố"
                          and not ctx.entity.lower().startswith("thành phố")):
        return ctx.province if ctx.province and name == ctx.province else name
    return f"{kind[:1].upper()}{kind[1:]} {name}"


_TRAILING_ASIDE = re.compile(r"\([^)]*\)\s*$")
_PARTS_COUNT = re.compile(r",?\s*(?:với|gồm|bao\s+gồm)\s+\d+\s+(?:nhóm\s+)?(?:tiêu\s+chí|nội\s+dung|chỉ\s+số).*$", re.I)
_OVERALL = re.compile(r"kết\s+quả\s+(?:tổng\s+quan|chung)", re.I)
_GENERIC_HEADING = re.compile(r"^(?:[IVX]+\.|kết\s+quả|đánh\s+giá|tổng\s+quan|thông\s+tin)", re.I)
_ROMAN = re.compile(r"^\s*[IVX]+\.")


def _from_heading(ctx: ProseContext) -> tuple[str | None, bool]:
    heading = clean_label(_TRAILING_ASIDE.sub("", ctx.heading))
    heading = _PARTS_COUNT.sub("", heading).strip(" ,")
    if heading and is_total(heading, ctx.index):
        return ctx.title_label or heading, True
    if heading and _OVERALL.search(heading):
        return ctx.title_label, True
    if heading and not _GENERIC_HEADING.match(heading):
        return heading, False
    if not ctx.heading or _ROMAN.match(ctx.heading):
        return ctx.title_label, True
    return None, False


_COMMUNES_AVERAGE = re.compile(
    r"(?:bình\s+quân|trung\s+bình)(?:\s+chung)?\s+(?:của\s+)?(?P<block>(?:khối\s+)?(?:các\s+|\d{1,3}\s+)?"
    r"(?:(?:UBND|Ủy\s+ban\s+nhân\s+dân)\s+(?:các\s+)?)?(?:xã|phường|thị\s+trấn|cấp\s+xã)"
    r"(?:\s*,\s*(?:phường|thị\s+trấn))*)", re.I)


_OF_PLACE = re.compile(r"\s+(?:của\s+)?(?:tỉnh|thành\s+phố)\s+[\wÀ-ỹ\s]+$")
_THIS = re.compile(r"này\b", re.I)
_BASIS_LEAD = re.compile(r"^(?:trên\s+cơ\s+sở|theo\s+đó|căn\s+cứ)\s+", re.I)
_CONNECTIVE_LEAD = re.compile(r"^(?:cụ\s+thể|theo\s+đó|trong\s+đó|đồng\s+thời|như\s+vậy)\s*,?\s*", re.I)
_THIS_PART = re.compile(r"(?:chỉ\s+số|trục|lĩnh\s+vực|nội\s+dung|nhóm)(?:\s+nội\s+dung|\s+thành\s+phần)?\s+này", re.I)
_BOUND = re.compile(r"tối\s+đa|tối\s+thiểu|điểm\s+chuẩn", re.I)
_RESULT_OF_THIS = re.compile(r"^(kết\s+quả(?:\s+đánh\s+giá)?)\s+(?:nội\s+dung|chỉ\s+số|trục)\s+này", re.I)
_OF_PROVINCE = re.compile(r"(?:của\s+)?(?:tỉnh|thành\s+phố)\s+[\wÀ-ỹ\s]+", re.I)


def label_for(subject: str, ctx: ProseContext) -> tuple[str | None, bool]:
    """(label, is_index_total) for a subject; None when it cannot be resolved."""
    if not subject.strip():
        return None, False
    if _QUOTED_END.fullmatch(subject):  # a quoted name is a criterion's name as printed
        return clean_label(subject[1:-1]), False
    if _TOTAL_SCORE.fullmatch(subject.strip()):  # "tổng điểm năm 2018 không so sánh được với năm 2017 (…)"
        return ctx.title_label or clean_label(subject), True
    communes = _COMMUNES_AVERAGE.search(subject)
    if communes:  # the mean of a district's communes is no index of the district: the block is the criterion
        return clean_label(communes.group("block")), False
    if _NATIONAL_AVERAGE.fullmatch(subject.strip()):  # "điểm trung bình cả nước là 43,77": the index's, nationally
        return ctx.title_label or clean_label(subject), True
    intro = _INTRO.search(subject)
    if intro:
        name = clean_label(_EXTREME_LEAD.sub("", intro.group("name")))
        name = _OF_PLACE.sub("", name).strip()
        if is_total(subject, ctx.index):
            return clean_label(subject), True
        if name and not _GENERIC.match(name) and not _THIS.match(name):
            return name, False
    if is_total(subject, ctx.index):
        return clean_label(_BASIS_LEAD.sub("", subject)), True
    if _SATISFACTION_WITH.match(subject):
        return clean_label(subject), False  # "Mức độ hài lòng đối với công chức … đạt 81,62%"
    stripped = _CONNECTIVE_LEAD.sub("", subject)
    if _THIS_PART.fullmatch(stripped):
        return _from_heading(ctx)  # "Chỉ số nội dung này …": the section's own
    if names_a_criterion(stripped, ctx.index, ctx.report_year):
        return clean_label(stripped), False
    if _MEASURE_LABEL.match(stripped) and not _GENERIC.match(stripped) and len(stripped) < 220 \
            and not _BOUND.search(stripped):  # a maximum is not a score
        return clean_label(stripped), False
    stripped = _RESULT_OF_THIS.sub(r"\1", stripped)
    if _GENERIC.match(stripped) or _OF_PROVINCE.fullmatch(stripped):
        return _from_heading(ctx)
    return None, False


CATALOGUE_NAME_SCORE = 92.0


@lru_cache(maxsize=4096)
def names_a_criterion(text: str, index: str, year: int | None) -> bool:
    """Is the phrase the name of a criterion of the index (of the methodology of that year)? A subject
    that is a criterion's own name ("Tri thức công dân", "Tham gia của người dân ở cấp cơ sở") is a label
    even without `tiêu chí` or `chỉ số` before it."""
    key = match_key(clean_label(text))
    if len(key) < 6 or year is None:
        return False
    keys = _criterion_keys(index, catalogue().period_for(index, year))
    # a cut-off lets rapidfuzz skip the names that cannot reach it; None below it, as "best < score" was
    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=CATALOGUE_NAME_SCORE) if keys else None
    return best is not None


@lru_cache(maxsize=64)
def _criterion_keys(index: str, period: str | None) -> list[str]:
    """The names and aliases (keys) of an index's criteria in one methodology period, listed once."""
    cat = catalogue()
    return [k for n in (cat.in_period(index, period) if period else []) for k in n.keys]
