"""The role of each table column, from its header and, where the header is silent, its cells.

Roles: `stt` (list numbers), `label` (criterion names), `year` (a year's values), `change`
(Tăng/giảm: only to check the values), `max` (Điểm chuẩn / tối đa), `self` (Điểm tự đánh
giá), `value`, `rank`, `entity` (the agencies or districts a row is about), `responsible`
(the agency in charge of a criterion: an attribute of the value, not its entity), `place`
(a column of one province's or the country's figures) and `text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from chiso.db.reference import resolve_province
from chiso.model import Table
from chiso.normalize.text import clean_text

YEAR = re.compile(r"(?<!\d)(19[9]\d|20[0-4]\d)(?!\d)")
YEAR_CELL = re.compile(r"^(?:năm\s*)?(19[9]\d|20[0-4]\d)$", re.I)

ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("stt", re.compile(r"^(stt|tt|số\s*tt|số\s*thứ\s*tự)$")),
    # the country's lowest and highest: nobody's value (read neither as the province's nor as a place's)
    ("extreme", re.compile(r"(thấp|cao|nhỏ|lớn)\s*nhất\s*(?:của\s*)?(?:cả\s*nước|toàn\s*quốc|63\s*tỉnh)"
                           r"|^(min|max|tối\s*thiểu|tối\s*đa)\s*(?:cả\s*nước|toàn\s*quốc)|trung\s*vị")),
    ("change", re.compile(r"tăng\s*(\(\+\))?\s*[,/]\s*giảm|chênh\s*lệch|so\s*sánh|^\+\s*/\s*-$|^\(\+/-\)"
                          r"|biến\s*động")),
    ("max", re.compile(r"điểm\s*(chuẩn|tối\s*đa)|thang\s*điểm|điểm\s*tối\s*đa")),
    ("self", re.compile(r"tự\s*(đánh\s*giá|chấm)")),
    ("rank", re.compile(r"xếp\s*(hạng|thứ)|thứ\s*hạng|^hạng$")),
    ("responsible", re.compile(r"(cơ\s*quan|đơn\s*vị|sở)\s*(chủ\s*trì|phụ\s*trách|thực\s*hiện|được\s*giao|phối\s*hợp)"
                               r"|chịu\s*trách\s*nhiệm")),
    ("entity", re.compile(r"tên\s*(cơ\s*quan|đơn\s*vị|địa\s*phương|huyện|sở)|^(cơ\s*quan|đơn\s*vị(?!\s*tính)|địa\s*phương)"
                          r"|sở,\s*ban,\s*ngành|^(huyện|tỉnh|tỉnh,\s*thành\s*phố|đơn\s*vị\s*hành\s*chính)")),
    ("value", re.compile(r"thẩm\s*định|điểm\s*(đạt|số)|kết\s*quả|^điểm|chỉ\s*số|tỷ\s*lệ|\(%\)|^%$|giá\s*trị")),
    ("label", re.compile(r"tiêu\s*chí|nội\s*dung|lĩnh\s*vực|chỉ\s*tiêu|nhóm|trục|hạng\s*mục")),
]
_NUMERIC = re.compile(r"[+\-–−]?\s*\d[\d.,\s]*(/\s*\d[\d.,]*)?\s*(%|điểm)?")


_WS = re.compile(r"\s+")
_GROUP_NUMBER = re.compile(r"[IVX]{1,4}\.?|\d{1,2}\.?|[A-Z]\.?")
_NAMES_CRITERIA = re.compile(r"tiêu\s*chí|nội\s*dung|lĩnh\s*vực")
_PROVINCE_HEADER = re.compile(r"tỉnh\s+\S")
WORD = re.compile(r"[^\W\d_]{3}")  # three letters in a row: words, not a figure
_AVERAGE_ASIDE = re.compile(r"\(\s*(?:trung\s*bình|bình\s*quân)\s*\)")
_COUNTRY = re.compile(r"(?:trung\s*bình\s*|bình\s*quân\s*)?(?:cả\s*nước|toàn\s*quốc)", re.I)
_PROVINCE_WORD = re.compile(r"^(?:tỉnh|thành\s*phố|tp\.?)\s+", re.I)
_BEFORE_MERGER = re.compile(r"\s*\(?\s*(?:cũ|trước\s+(?:khi\s+)?(?:hợp\s+nhất|sáp\s+nhập|sắp\s+xếp))$", re.I)

ColumnRole = Literal["stt", "label", "year", "change", "max", "self", "value", "rank", "entity", "responsible",
                     "place", "extreme", "text"]


@dataclass
class Column:
    index: int
    header: str
    role: ColumnRole
    year: int | None = None
    place: str | None = None  # for a 'place' column: the province or "Cả nước" its figures belong to


def norm(text: str) -> str:
    return _WS.sub(" ", clean_text(text)).strip().lower()


def looks_numeric(text: str) -> bool:
    t = text.strip()
    return bool(t) and bool(_NUMERIC.fullmatch(t))


def _spans_whole_row(t: Table, r: int) -> bool:
    """One cell across the table, or across all but a first cell holding a group's number (`I | Công tác …`)."""
    cell, n_cols = t.cell(r, 0), t.n_cols
    if cell is not None and cell.row == r and cell.colspan >= max(2, n_cols - 1):
        return True
    rest = t.cell(r, 1) if n_cols > 2 else None
    return rest is not None and rest.row == r and rest.colspan >= n_cols - 1 and \
        bool(_GROUP_NUMBER.fullmatch(t.text(r, 0).strip()))


def header_rows(t: Table) -> int:
    """Rows at the top that hold no figures (1–3). A row that is one cell across the table below
    the first row is a group heading (`Lĩnh vực 1. …`), the start of the body, not a header row."""
    n_cols = t.n_cols
    for r in range(min(t.n_rows, 4)):
        if r >= 1 and _spans_whole_row(t, r):
            return r
        numeric = 0
        for c in range(n_cols):
            cell = t.cell(r, c)
            if cell is not None and cell.row == r:
                txt = t.text(r, c)
                if looks_numeric(txt) and not YEAR.fullmatch(txt.strip()):
                    numeric += 1
        if numeric:
            return max(r, 1)
    return 1


def _header_text(t: Table, c: int, n_head: int) -> str:
    parts: list[str] = []
    for r in range(n_head):
        txt = norm(t.text(r, c))
        if txt and txt not in parts:
            parts.append(txt)
    return " ".join(parts)


def _role_of(header: str) -> tuple[str, int | None]:
    role, year = "text", None
    ym = YEAR.search(header)
    for name, pat in ROLE_PATTERNS:
        if pat.search(header):
            role = name
            break
    if ym and role in ("text", "value", "label") and not _NAMES_CRITERIA.search(header):
        role, year = "year", int(ym.group(1))
    elif ym and role in ("rank", "max", "self"):
        year = int(ym.group(1))
    return role, year


def classify(t: Table, n_head: int) -> list[Column]:
    cols = []
    for c in range(t.n_cols):
        header = _header_text(t, c, n_head)
        role, year = _role_of(header)
        cols.append(Column(c, header, role, year))
    # A column headed by a place ("Lai Châu", "Cả nước", "Trung bình cả nước") holds that place's figures.
    for col in cols:
        if col.role in ("text", "value") and not col.year:
            place = place_of(col.header)
            if place:
                col.role, col.place = "place", place
        elif col.role == "entity" and _PROVINCE_HEADER.match(col.header) and _mostly_figures(t, n_head, col.index):
            # "Tỉnh Lào Cai (cũ) | Tỉnh Yên Bái (cũ)" in a merged province's report: one old province's
            # figures per column, not a column of entity names
            place = place_of(col.header)
            if place:
                col.role, col.place = "place", place
    # Two columns of one year that nothing else tells apart (a median or a second measure under a header
    # that was not understood): which is the province's value is unknown, so neither is read as such.
    years = [c.year for c in cols if c.role == "year"]
    for col in cols:
        if col.role == "year" and years.count(col.year) > 1:
            col.role = "text"
    # Several columns of one place and no year to tell them apart (a header whose first line was lost:
    # `cả nước | cả nước | cả nước` for lowest, highest, average): which is the place's value is unknown.
    places = [c.place for c in cols if c.role == "place"]
    for col in cols:
        if col.role == "place" and places.count(col.place) > 1:
            col.role, col.place = "text", None
    # Columns the header does not name, or names ambiguously ("Chỉ số" heads both criteria
    # names and index values): the cells decide — mostly figures, a value column; else labels.
    for col in cols:
        if col.role not in ("text", "value"):
            continue
        texts = [x for x in (t.text(r, col.index).strip() for r in range(n_head, t.n_rows)) if x]
        if texts and sum(looks_numeric(x) for x in texts) >= 0.6 * len(texts):
            col.role = "value"
        elif texts and sum(bool(WORD.search(x)) for x in texts) >= 0.6 * len(texts):
            col.role = "label"
    return cols


def _mostly_figures(t: Table, n_head: int, c: int) -> bool:
    texts = [x for x in (t.text(r, c).strip() for r in range(n_head, t.n_rows)) if x]
    return bool(texts) and sum(looks_numeric(x) for x in texts) >= 0.6 * len(texts)


def place_of(header: str) -> str | None:
    h = _AVERAGE_ASIDE.sub(" ", header)  # "Toàn quốc (trung bình)"
    h = _WS.sub(" ", h).strip(" .:()")
    if _COUNTRY.fullmatch(h):
        return "Cả nước"
    h = _PROVINCE_WORD.sub("", h)
    # "Tỉnh Yên Bái (cũ)": a province before the July 2025 merger, named as it was then (the strip above
    # has already taken the closing parenthesis)
    h = _BEFORE_MERGER.sub("", h)
    if not h or len(h) > 40:
        return None
    prov = resolve_province(h)
    return prov.name if prov is not None else None


def year_column(t: Table, cols: list[Column], n_head: int) -> Column | None:
    """A column listing years down the rows ("Năm | Chỉ số CCHC (%) | Xếp hạng")."""
    for col in cols[:2]:
        cells = [clean_text(t.text(r, col.index)) for r in range(n_head, t.n_rows)]
        cells = [c for c in cells if c]
        if len(cells) >= 2 and all(YEAR_CELL.match(c) for c in cells):
            return col
    return None
