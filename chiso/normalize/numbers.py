"""One reader for every way Vietnamese reports print numbers.

Reports mix conventions inside one file: `81,51%` (decimal comma), `81.51%` and
`43.4796` (decimal point), `36.630 phiếu` and `3.910.020` (thousands dots),
`2.285,44` (both), `60,642/66,5 điểm` (score out of a maximum), `55/63` (rank) and
typos such as `0..75` or `0.0.16`. A value we cannot read with certainty is
reported as unreadable with a reason; we never guess, because a wrong number in the
warehouse is worse than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Reading", "read_number", "read_rank", "find_numbers", "NumberMatch", "format_vi"]

DASHES = "\u2013\u2014\u2212\u2012"
_SPACE = "\u00a0\u202f\u2009 "

COUNT_WORDS = (
    "phiếu", "người", "hồ sơ", "lượt", "văn bản", "cơ quan", "đơn vị", "thủ tục", "tthc",
    "hộ", "xã", "huyện", "tỉnh", "kiến nghị", "phản ánh", "cuộc", "lớp", "đồng", "triệu",
    "tỷ", "học viên", "cán bộ", "công chức", "mẫu", "câu hỏi", "tiêu chí", "chỉ số", "nội dung",
    "lĩnh vực", "nhóm",
)

# A numeric token: optional sign, digits with . and , separators (possibly broken), optional
# fraction part "/max", optional unit. Kept permissive so that broken tokens are *seen* and
# reported instead of being silently split into two plausible numbers.
_TOKEN = re.compile(
    r"(?P<sign>[+\-" + DASHES + r"])?\s*"
    r"(?P<num>\d[\d.,]*\d|\d)"
    r"(?:\s*/\s*(?P<den>\d[\d.,]*\d|\d))?"
    r"(?P<pct>\s*%)?"
)


@dataclass(frozen=True)
class Reading:
    """What the reader made of a piece of text: a value with its unit, or why not."""

    text: str
    value: float | None = None
    unit: str | None = None  # "%", "points", "count" or None when the text does not say
    max: float | None = None  # denominator of "x/y"
    decimals: int = 0  # decimals printed, for rounding tolerance in checks
    signed: bool = False  # printed with an explicit + or -
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.value is not None


def _clean(text: str) -> str:
    t = text.strip()
    for ch in _SPACE:
        t = t.replace(ch, " ")
    return t


def _unit_after(rest: str) -> str | None:
    r = rest.strip().lower()
    if r.startswith("%"):
        return "%"
    if r.startswith("điểm") or r.startswith("đ ") or r == "đ":
        return "points"
    return "count" if r.startswith(COUNT_WORDS) else None


def _parse_digits(num: str, unit: str | None, prefer_decimal: bool) -> tuple[float | None, int, str | None]:
    """Read one unsigned digit group string; return (value, decimals, error)."""
    if ".." in num or ",," in num or ".," in num or ",." in num:
        return None, 0, f"broken separators in '{num}'"
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        # Both present: the last one is the decimal mark, the other groups thousands.
        dec, grp = (",", ".") if num.rfind(",") > num.rfind(".") else (".", ",")
        if num.count(dec) != 1:
            return None, 0, f"ambiguous separators in '{num}'"
        int_part, frac = num.split(dec)
        groups = int_part.split(grp)
        if not _valid_groups(groups):
            return None, 0, f"bad thousands grouping in '{num}'"
        return float("".join(groups) + "." + frac), len(frac), None
    sep = "." if dots else ("," if commas else None)
    if sep is None:
        return float(num), 0, None
    parts = num.split(sep)
    if len(parts) > 2:
        # Several of the same mark can only be thousands groups: 3.910.020
        if _valid_groups(parts):
            return float("".join(parts)), 0, None
        return None, 0, f"broken number '{num}'"
    int_part, frac = parts
    # 36.630 / 36,630: thousands for counts; a decimal for scores and percentages.
    if len(frac) == 3 and int_part != "0" and len(int_part) <= 3 and (
            unit == "count" or (unit is None and not prefer_decimal)):
        return float(int_part + frac), 0, None
    return float(int_part + "." + frac), len(frac), None


def _valid_groups(groups: list[str]) -> bool:
    return bool(groups) and 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


@lru_cache(maxsize=8192, typed=True)
def read_number(text: str, *, prefer_decimal: bool = True, unit_hint: str | None = None) -> Reading:
    """Read a cell or phrase that should hold exactly one value.

    `prefer_decimal` decides `36.630` without a unit: True (the default) for score and
    percentage columns, False where counts are expected. Cached (a Reading is immutable): the
    table layouts read the same cells more than once.
    """
    raw = text if isinstance(text, str) else str(text)
    t = _clean(raw)
    if not t:
        return Reading(raw, error="empty")
    m = _TOKEN.search(t)
    if not m:
        return Reading(raw, error="no number")
    # Anything else that looks numeric in the same cell makes it ambiguous.
    rest_after = t[m.end():]
    if re.search(r"\d", rest_after) or re.search(r"\d", t[: m.start()]):
        return Reading(raw, error="more than one number")
    unit = "%" if m.group("pct") else _unit_after(rest_after) or unit_hint
    value, decimals, err = _parse_digits(m.group("num"), unit, prefer_decimal)
    if err:
        return Reading(raw, error=err)
    maximum = None
    if m.group("den"):
        maximum, _, err = _parse_digits(m.group("den"), unit, True)
        if err:
            return Reading(raw, error=err)
    sign = m.group("sign")
    if sign and sign != "+":
        value = -value
    return Reading(raw, value=value, unit=unit, max=maximum, decimals=decimals, signed=bool(sign))


# How a rank is printed, written once for every reader: the verb ("xếp thứ", "xếp hạng thứ", "đứng thứ"),
# then the rank and its population: "55/63", "27 (trong 63 tỉnh, thành phố)", "5 trên 63 tỉnh"; or "(27/63)".
RANK_VERB = r"(?:xếp\s*(?:thứ|hạng)(?:\s*thứ)?|đứng\s*thứ)"
RANK_OF = r"\s*(?:/|\(?\s*(?:trong|trên)\s*(?:tổng\s*số\s*)?(?=\d{1,3}\s*(?:tỉnh|địa\s*phương)))\s*"
RANK_AT = re.compile(RANK_VERB + r"\s*:?\s*(\d{1,3})" + RANK_OF + r"(\d{1,3})"
                     r"|\(\s*(?:xếp\s*(?:thứ|hạng)\s*)?(\d{1,3})\s*/\s*(\d{1,3})\s*\)", re.I)
_RANK = re.compile(r"(?:thứ\s*hạng|hạng)\s*:?\s*(\d{1,3})\s*/\s*(\d{1,3})|" + RANK_AT.pattern, re.I)


def read_rank(text: str) -> tuple[int, int] | None:
    """`xếp thứ 55/63`, `xếp hạng 55/63`, `(27/63)`, `thứ hạng 12/63`, `xếp thứ 27 (trong 63 tỉnh)` → (55, 63)."""
    m = _RANK.search(text)
    if not m:
        return None
    groups = [g for g in m.groups() if g is not None]
    return int(groups[0]), int(groups[1])


@dataclass(frozen=True)
class NumberMatch:
    """A number found inside running text, with where it is."""

    start: int
    end: int
    reading: Reading


_IN_TEXT = re.compile(
    r"(?<![\w./,])"
    r"(?P<sign>[+\-" + DASHES + r"](?=\d))?"
    r"(?P<num>\d[\d.,]*\d|\d)"
    r"(?:(?P<den_unit>\s*điểm)?\s*(?:/|trên\s+tổng\s+số|trên)\s*(?P<den>\d[\d.,]*\d|\d)(?![\d/])(?=\s*điểm|[^/\w]|$))?"
    r"(?P<unit>\s*%|\s*điểm)?"
)


_DATE_AFTER = re.compile(r"/\d{1,2}/\d{2,4}|/\d{4}\b|/(?:[A-ZĐ]{2,})")
_DATE_BEFORE = re.compile(r"\d{1,2}/\d{1,2}/$")


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in a sentence, read; broken ones come back with an error.

    Every sentence reader (and the coverage count) asks this of the same block text, so the
    readings are cached per text (they are immutable; each caller gets its own list)."""
    return list(_numbers_in(text))


@lru_cache(maxsize=4096)
def _numbers_in(text: str) -> tuple[NumberMatch, ...]:
    out: list[NumberMatch] = []
    for m in _IN_TEXT.finditer(text):
        # a date before the number ends at it (or at a newline just before it) within 7 characters ("10/12/"):
        # searched there only, not from the start of the text for every number
        if _DATE_AFTER.match(text, m.end("num")) or _DATE_BEFORE.search(text, max(0, m.start() - 7), m.start()):
            continue  # 06/4/2025, 10/4/2024: dates are not figures
        num = m.group("num")
        # Sentence punctuation glued to a number ("81,51%," or "2023.") is not part of it.
        end = m.end()
        while num and num[-1] in ".," and not m.group("den") and not m.group("unit"):
            num = num[:-1]
            end -= 1
        unit_txt = (m.group("unit") or "").strip() or ("điểm" if m.group("den_unit") else "")
        tail = text[end : end + 20]
        unit = "%" if unit_txt == "%" else "points" if unit_txt == "điểm" else _unit_after(tail)
        value, decimals, err = _parse_digits(num, unit, True)
        maximum = None
        if not err and m.group("den"):
            maximum, _, err = _parse_digits(m.group("den").rstrip(".,"), unit, True)
        sign = m.group("sign")
        if err:
            reading = Reading(text[m.start() : end], error=err)
        else:
            if sign and sign != "+":
                value = -value
            reading = Reading(text[m.start() : end], value=value, unit=unit, max=maximum,
                              decimals=decimals, signed=bool(sign))
        out.append(NumberMatch(m.start(), end, reading))
    return tuple(out)


def format_vi(value: float, decimals: int = 2, unit: str | None = None, thousands: bool = True) -> str:
    """Print a number the Vietnamese way (`3.910.020`, `81,51%`); used by tests and fixtures."""
    neg = value < 0
    s = f"{abs(value):.{decimals}f}"
    int_part, _, frac = s.partition(".")
    if thousands and len(int_part) > 3:
        groups = []
        while int_part:
            groups.insert(0, int_part[-3:])
            int_part = int_part[:-3]
        int_part = ".".join(groups)
    out = int_part + ("," + frac if frac else "")
    if neg:
        out = "-" + out
    if unit == "%":
        out += "%"
    elif unit == "points":
        out += " điểm"
    return out
