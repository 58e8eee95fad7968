"""Which printed numbers were understood: the list of what a person (or the next release) should look at.

Every number printed in a document's text and tables is either a value (an observation
was read from it), a known kind of non-value (a year, a date, a legal reference, a count, a
change, a range, a threshold, a target, a rank, a sample size, a share of answers, a list
number, a maximum), or not understood. For a user backfilling a thousand files, the share
not understood per document is the list of documents that need a look.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from chiso.interpret.tables import TableReading
from chiso.model import Coverage, ExtractedDocument, RawObservation, Source, Table, TextBlock, Unexplained
from chiso.normalize.numbers import NumberMatch, find_numbers
from chiso.normalize.text import clean_text

# words just before a number that say what kind of non-value it is
_ASIDE_BEFORE = re.compile(
    r"(?:tăng|giảm|cao\s+hơn|thấp\s+hơn|hơn|chênh\s+lệch|bị\s+trừ|trừ|từ|trên|dưới|khoảng|gần|đến|tới|–|-|"
    r"phấn\s+đấu(?:\s+\S+){0,6}|mục\s+tiêu(?:\s+\S+){0,6}|chỉ\s+tiêu(?:\s+\S+){0,6}|xếp\s+(?:thứ|hạng)|thứ|hạng|bậc|"
    r"(?:tăng|giảm)\s+(?:trung\s+bình|thêm|khoảng)|lĩnh\s+vực|bảng|phụ\s+lục|mục|tiêu\s+chí(?:\s+thành\s+phần)?|cả|"
    r"điểm\s+chuẩn|tối\s+đa|\d,|"
    r"số|ngày|tháng|năm|quý|khóa|giai\s+đoạn|lần|có|gồm|với|trong|tổng\s+số|tự\s+đánh\s+giá|được\s+giao|chiếm"
    r"|Điều|khoản|điểm\s+[a-zđ]|tại|theo)\s*[(:]?\s*$", re.I)
_ASIDE_AFTER = re.compile(
    r"^\s*(?:/\s*\d|tỉnh|thành\s+phố|huyện|xã|phường|đơn\s+vị|cơ\s+quan|sở|ban|ngành|phiếu|người|hồ\s+sơ|thủ\s+tục"
    r"|TTHC|văn\s+bản|tiêu\s+chí|chỉ\s+số|nội\s+dung|lĩnh\s+vực|nhóm|yếu\s+tố|trục|lượt|bậc|hạng|năm|tháng|ngày|lần"
    r"|trở\s+lên|trở\s+xuống|điểm\s+phần\s+trăm|bộ|tài\s+liệu|kênh|hình\s+thức|chính\s+sách|kiến\s+nghị|phản\s+ánh"
    r"|cuộc|đoàn|lớp|học\s+viên|triệu|tỷ|đồng|%\s+(?:người|số|hộ|ý\s+kiến)|\)"
    r"|(?:%\s*)?(?:cho\s+biết|cho\s+rằng|người\s+(?:dân\s+)?(?:được\s+hỏi|trả\s+lời|được\s+khảo\s+sát)|tỉ\s+lệ\s+người"
    r"|tỷ\s+lệ\s+người|số\s+người|người\s+dân\s+được))", re.I)
# a share of answers: "tỷ lệ (người) … là X%"
_SHARE = re.compile(r"(?:tỷ|tỉ)\s+lệ(?!\s+hài\s+lòng)[^.;%]{0,120}$", re.I)
_YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")
_LIST_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")
_WORD_START = re.compile(r"(?:^|[\s(])$")
_LIST_MARK = re.compile(r"^[.)]")
_DIGIT = re.compile(r"\d")


def _is_aside(text: str, nm: NumberMatch) -> bool:
    """A number whose own words say it is not a value of a criterion."""
    raw = nm.reading.text.strip()
    if nm.reading.error:
        return False  # a broken number is flagged by the readers; it is counted as not understood
    if _YEAR.match(raw.lstrip("+-–")) or nm.reading.unit == "count":
        return True
    before, after = text[max(0, nm.start - 40): nm.start], text[nm.end: nm.end + 30]
    # the anchored test first, the search through the words before the number last
    if _ASIDE_AFTER.match(after) or _SHARE.search(text[max(0, nm.start - 120): nm.start]) or _ASIDE_BEFORE.search(before):
        return True
    if nm.start == 0 or _WORD_START.search(before) and _LIST_NUMBER.match(raw) and _LIST_MARK.match(text[nm.end:nm.end + 1] or " "):
        return bool(_LIST_NUMBER.match(raw))
    return nm.reading.signed  # a signed figure is a change


def _values_by_place(observations: list[RawObservation]) -> tuple[dict, dict]:
    """Values read, by the text block and the table cell they were read from (key -1: every value of the
    document and every figure a sentence stated against it, for restatements elsewhere)."""
    blocks: dict[int, list[float]] = {-1: []}
    cells: set[tuple[int, int, int]] = set()
    for o in observations:
        blocks[-1].extend([o.value, *o.stated_elsewhere])
        for src in [o.source, *o.also_at]:
            figures = [x for x in (o.value, o.max, o.rank, o.rank_of, o.change) if x is not None]
            if src.kind in ("text", "footnote") and src.block is not None:
                blocks.setdefault(src.block, []).extend(figures)
            elif src.kind == "table" and src.table is not None:
                cells.add((src.table, src.row or 0, src.col or 0))
    return blocks, cells


def _close(value: float, values: list[float], decimals: int) -> bool:
    tol = 0.5 * 10 ** (-decimals) + 1e-9 if decimals > 0 else 0.5
    return any(abs(abs(value) - abs(v)) <= tol for v in values)


def _close_sorted(value: float, magnitudes: list[float], decimals: int) -> bool:
    """`_close` against the document's values, sorted by magnitude once (every number of every block is
    compared with them): only the magnitudes around |value| are tested, with `_close`'s own test."""
    tol = 0.5 * 10 ** (-decimals) + 1e-9 if decimals > 0 else 0.5
    a = abs(value)
    margin = tol + 1e-6 + a * 1e-9  # wider than any rounding of the subtraction
    i = bisect_left(magnitudes, a - margin)
    while i < len(magnitudes) and magnitudes[i] <= a + margin:
        if abs(a - magnitudes[i]) <= tol:
            return True
        i += 1
    return False


def measure(doc: ExtractedDocument, observations: list[RawObservation], tables: dict[int, TableReading]) -> Coverage:
    blocks, cells = _values_by_place(observations)
    everywhere = sorted(abs(v) for v in blocks[-1])
    cov = Coverage()
    for block in doc.blocks:
        if isinstance(block, Table):
            _table_numbers(block, cells, tables.get(block.number), cov)
        elif block.kind != "header":
            _text_numbers(block, blocks.get(block.number, []), everywhere, cov)
    return cov


def _text_numbers(block: TextBlock, values: list[float], everywhere: list[float], cov: Coverage) -> None:
    """`values`: those read from this block; `everywhere`: the magnitudes of all the document's, sorted."""
    if not _DIGIT.search(block.text):
        return  # no number (cleaning the text, NFC, makes no digit: no digit has a canonical decomposition)
    text = clean_text(block.text)
    for nm in find_numbers(text):
        cov.n_numbers += 1
        rd = nm.reading
        if rd.ok and (_close(rd.value, values, rd.decimals) or _close_sorted(rd.value, everywhere, rd.decimals)) \
                or _is_aside(text, nm):
            continue
        cov.unexplained.append(Unexplained(rd.text, text[max(0, nm.start - 80): nm.end + 40],
                                           Source(kind="footnote" if block.kind == "footnote" else "text",
                                                  page=block.page, block=block.number, bbox=block.bbox)))


def _table_numbers(t: Table, cells: set[tuple[int, int, int]], reading: TableReading | None, cov: Coverage) -> None:
    if t.origin == "masthead":
        return
    aside = reading.aside_columns if reading else set()
    n_head = reading.header_rows if reading else 1
    for r in range(n_head, t.n_rows):
        for c, cell in enumerate(t.grid[r]):  # `t.cell(r, c)` for every column the row has (None beyond)
            if cell is None or cell.row != r or cell.col != c or not _DIGIT.search(cell.text):
                continue
            text = clean_text(cell.text)
            for nm in find_numbers(text):
                cov.n_numbers += 1
                if (t.number, r, c) in cells or c in aside or _is_aside(text, nm):
                    continue
                cov.unexplained.append(Unexplained(nm.reading.text, text[:120],
                                                   Source(kind="table", page=cell.page, table=t.number, row=r, col=c,
                                                          bbox=cell.bbox)))
