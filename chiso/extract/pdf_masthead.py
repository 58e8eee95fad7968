"""The two-column masthead of an administrative document, read as the two columns it is.

Decree 30/2020/NĐ-CP sets the head of every document in two columns: the issuing body and
`Số: …` on the left, the national motto and the place and date on the right. A DOCX keeps
them in a table; a PDF only prints them side by side, so reading its lines across the
page mixes the columns (`UBND TỈNH LAI CHÂU CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT` / `SỞ NỘI VỤ
NAM`), which is how a province came out as `Lai Châu Cộng Hòa Xã Hội Chủ Nghĩa Việt`.
Here the top lines of the first page that split at a wide gap into a left and a right part
at the same place become a one-row, two-column table, as the DOCX has it.
"""

from __future__ import annotations

import re

from chiso.extract.ocr_numbers import number_confidence
from chiso.extract.pdf_words import join_words, words_box
from chiso.model import Cell, Table
from chiso.normalize.text import nfc

_MAX_LINES = 12
_KIND = re.compile(r"^\s*(?:BÁO\s+CÁO|QUYẾT\s+ĐỊNH|KẾ\s+HOẠCH|CÔNG\s+VĂN|THÔNG\s+BÁO|TỜ\s+TRÌNH|CHỈ\s+THỊ"
                   r"|NGHỊ\s+QUYẾT|HƯỚNG\s+DẪN|V/v)\b")
_DATE_LINE = re.compile(r"ngày\s.*tháng\s.*năm\s*\d{4}", re.I)


def _free(row: list[dict], lo: float, hi: float) -> list[tuple[float, float]]:
    """The stretches of [lo, hi] that no word of the line covers."""
    out, x = [], lo
    for w in sorted(row, key=lambda w: w["x0"]):
        if w["x0"] > x:
            out.append((x, min(w["x0"], hi)))
        x = max(x, w["x1"])
    if x < hi:
        out.append((x, hi))
    return [(a, b) for a, b in out if b > a]


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(max(x0, y0), min(x1, y1)) for x0, x1 in a for y0, y1 in b if min(x1, y1) > max(x0, y0)]


def split_masthead(rows: list[list[dict]], page_no: int) -> tuple[Table | None, list[list[dict]]]:
    """(masthead table, the other rows) for the first page's rows, sorted top to bottom.

    The masthead is the run of top lines that share a vertical gutter (a strip no word
    crosses) with words on both sides of it, up to the place-and-date line or the kind of
    the document (BÁO CÁO, QUYẾT ĐỊNH …).
    """
    if page_no != 1 or len(rows) < 2:
        return None, rows
    lo = min(w["x0"] for r in rows[:_MAX_LINES] for w in r)
    hi = max(w["x1"] for r in rows[:_MAX_LINES] for w in r)
    gutter = [(lo, hi)]
    end = 0
    for k, row in enumerate(rows[:_MAX_LINES]):
        if _KIND.match(join_words(row)):
            break
        narrowed = [g for g in _intersect(gutter, _free(row, lo, hi)) if g[1] - g[0] >= 4.0 and lo < g[0] and g[1] < hi]
        if not narrowed:
            break
        gutter, end = narrowed, k + 1
        if _DATE_LINE.search(join_words(row)):
            break  # the place and date close the masthead
    if end < 2:
        return None, rows
    x = max(gutter, key=lambda g: g[1] - g[0])
    boundary = (x[0] + x[1]) / 2
    left = [[w for w in r if w["x1"] <= boundary] for r in rows[:end]]
    right = [[w for w in r if w["x0"] >= boundary] for r in rows[:end]]
    left, right = [r for r in left if r], [r for r in right if r]
    if not left or not right or not any(len(r) > 1 for r in right):
        return None, rows
    cells = [_cell("\n".join(nfc(join_words(r)) for r in part), c, page_no, part)
             for c, part in enumerate((left, right))]
    bbox = words_box([w for r in rows[:end] for w in r])
    table = Table(number=0, grid=[cells], page=page_no, pages=[page_no], bbox=bbox, origin="masthead")
    return table, rows[end:]


def _cell(text: str, col: int, page_no: int, part: list[list[dict]]) -> Cell:
    words = [w for r in part for w in r]
    return Cell(text=text, row=0, col=col, page=page_no, bbox=words_box(words), ocr_confidence=number_confidence(words))
