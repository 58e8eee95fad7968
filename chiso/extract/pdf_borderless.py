"""Borderless tables: columns from the numbers, labels rebuilt from the lines around them.

Many provincial reports print their tables without ruling lines, so there are no cells to
find: only words aligned in columns. Measured on the development corpus's borderless SIPAS
report, the generic text strategies fail in telling ways: pdfplumber's `text` strategy
finds the number columns but cuts label words across columns (`4. Chính sác` | `h nước`),
and camelot's `stream`/`hybrid` flavours tear Vietnamese letters from their diacritics.
What is reliable in such a table is the numbers: each value stands apart from its
neighbours by a wide gap and the values of one column overlap horizontally. So:

1. a *value line* is a line holding at least one number that stands alone (a gap of about
   a font size on each side) beside text or other such numbers; bare years (`2024`) are
   header words, not values;
2. value lines that follow each other without a line of running text between them form a
   table *region*; the region grows up over its header (lines with words above the number
   columns) and the wrapped labels of its first rows, and down over the last label lines;
3. the *number columns* are groups of horizontally overlapping numbers; the *text
   columns* are found from the gutters (vertical strips no word crosses) of the label area;
4. each value line is a row; a label wrapped over several lines is given to its row by its
   list numbering (`5.` opens the next row's label) or, without numbering, by the way the
   table aligns its cells (numbers on the first, middle or last line of a label), decided row
   by row, since the parts of one table may differ (borderless_rows.py); a text
   column with fewer blocks than rows holds merged group labels, each spanning the rows
   from where it starts to where the next one starts.

The result is the same `Table` a ruled table gives (header row, merged cells with spans,
page and bbox on every cell), so one set of table layouts interprets both.
"""

from __future__ import annotations

import re
from operator import itemgetter

from chiso.extract.borderless_grid import build_table
from chiso.extract.borderless_parts import NUMBER, YEAR, Column, Line, Region
from chiso.extract.pdf_words import words_box
from chiso.extract.settings import PdfSettings
from chiso.model import Table

_SIZE, _BASELINE = itemgetter("size"), itemgetter("baseline")
_SIGNS = frozenset("+-–−")  # a NUMBER begins with a sign or a digit (a cheap test before the pattern)
_DIGIT = re.compile(r"\d")  # what NUMBER needs at least one of


def _make_line(words: list[dict], settings: PdfSettings) -> Line:
    size = max(map(_SIZE, words))
    _, top, _, bottom = words_box(words)
    line = Line(words, top, bottom, sum(map(_BASELINE, words)) / len(words), size)
    if not _DIGIT.search("".join([w["text"] for w in words])):
        return line  # most lines of a report: no digit, so no NUMBER (one search instead of a test per word)
    gap = settings.borderless_cell_gap * size
    for i, w in enumerate(words):
        text = w["text"]
        first = text[:1]
        if not (first.isdigit() or first in _SIGNS or first.isspace()):  # most words: no number, no pattern run
            continue
        text = text.strip()
        if not text or not (text[0].isdigit() or text[0] in _SIGNS) or not NUMBER.match(text) or YEAR.match(text):
            continue
        left_gap = w["x0"] - words[i - 1]["x1"] if i else gap
        right_gap = words[i + 1]["x0"] - w["x1"] if i + 1 < len(words) else gap
        if left_gap >= gap and right_gap >= gap:
            line.numbers.append(w)
    if len(line.numbers) == 1 and (len(words) == 1 or _numbers_a_wrapped_label(line)):
        line.numbers = []  # a lone number (page number, marker) is not a table row
    return line


def _numbers_a_wrapped_label(line: Line) -> bool:
    """A row number centred beside the middle line of a label wrapped over three or more lines
    ('25 ghế ngồi giải quyết công việc …' between 'Bộ phận Một cửa có đủ ghế ngồi chờ,' and the
    line with the row's values): the words after it continue the label (lower case), so the line
    is not a row of its own; its values stand on another line."""
    first, rest = line.words[0], line.words[1:]
    if line.numbers[0] is not first or not re.fullmatch(r"\d{1,2}\.?", first["text"].strip()):
        return False
    letter = next((ch for ch in rest[0]["text"] if ch.isalpha()), "") if rest else ""
    return letter.islower()


def _is_running_text(line: Line, first_number_x: float, settings: PdfSettings) -> bool:
    """A line of a paragraph or heading: its words run on, without a gap, across the first number column."""
    gap = settings.borderless_cell_gap * line.size
    run_x0 = line.words[0]["x0"]
    prev = line.words[0]
    for w in line.words[1:]:
        if w["x0"] - prev["x1"] >= gap:
            run_x0 = w["x0"]
        elif run_x0 < first_number_x - 4 * gap and w["x1"] > first_number_x + gap:
            return True  # from well inside the label area across the values (a header is centred over its column)
        prev = w
    return False


def _first_value_x(lines: list[Line]) -> float:
    """Where the values begin: the leftmost number that is not a row number (STT 1, 2, 3 …)."""
    values = [w for ln in lines for w in ln.numbers if not re.fullmatch(r"\d{1,2}\.?", w["text"])]
    return min(w["x0"] for w in (values or [w for ln in lines for w in ln.numbers]))


def _values_x(line: Line) -> float | None:
    """The leftmost value of a line (row numbers not counted), None for a line with a row number only."""
    values = [w["x0"] for w in line.numbers if not re.fullmatch(r"\d{1,2}\.?", w["text"])]
    return min(values) if values else None


def _regions(lines: list[Line], settings: PdfSettings) -> list[Region]:
    regions: list[Region] = []
    i = 0
    while i < len(lines):
        if not lines[i].numbers:
            i += 1
            continue
        # where the values begin: a line holding only its row number (a wrapped label's middle line
        # carries the STT) must not pull it left to the STT column, or running text below the table
        # would no longer cross it and be taken in
        value_x = _values_x(lines[i])
        first_x = _first_value_x([lines[i]])
        j = i
        k = i + 1
        while k < len(lines):
            ln = lines[k]
            if ln.top - lines[k - 1].bottom > settings.borderless_max_line_gap * ln.size:
                break
            x = _values_x(ln) if ln.numbers else None
            if x is not None:
                value_x = x if value_x is None else min(value_x, x)
                first_x = value_x
            elif ln.numbers and value_x is None:
                first_x = min(first_x, _first_value_x([ln]))
            if _is_running_text(ln, first_x, settings):
                break
            if ln.numbers:
                j = k
            k += 1
        anchors = [ln for ln in lines[i:j + 1] if ln.numbers]
        start = _extend_up(lines, i, first_x, regions[-1].lines[-1] if regions else None, settings)
        end = _extend_down(lines, j, first_x, settings)
        enough = len(anchors) >= settings.borderless_min_rows or \
            len(anchors) == 1 and len(anchors[0].numbers) >= 2  # one row of a table cut by a page break
        if enough:
            header = _header_lines(lines[start:i], anchors, lines[i:end + 1])
            if header:  # lines above the header (a caption, a paragraph's last words) are not the table's
                start = lines.index(header[0])
            region_lines = lines[start:end + 1]
            body = [ln for ln in region_lines if ln not in header]
            regions.append(Region(region_lines, header, body, anchors))
        i = end + 1 if enough else j + 1
    return regions


def _extend_up(lines: list[Line], i: int, first_x: float, floor: Line | None, settings: PdfSettings) -> int:
    start = i
    while start > 0:
        ln = lines[start - 1]
        if ln is floor or lines[start].top - ln.bottom > settings.borderless_header_gap * ln.size:
            break
        if _is_running_text(ln, first_x, settings):
            break
        start -= 1
    return start


def _extend_down(lines: list[Line], j: int, first_x: float, settings: PdfSettings) -> int:
    end = j
    while end + 1 < len(lines):
        ln = lines[end + 1]
        if ln.numbers or ln.top - lines[end].bottom > settings.borderless_max_line_gap * ln.size:
            break
        if _is_running_text(ln, first_x, settings):
            break
        end += 1
    return end


def _header_lines(above: list[Line], anchors: list[Line], body: list[Line]) -> list[Line]:
    """Lines above the first row whose words stand over the number columns (and those between them).

    A header word stands over a column of the table; a line whose words sit in the gutters
    between the columns (a caption's centred last line) is not the header.
    """
    num_x0 = _first_value_x(anchors)
    spans = [(w["x0"], w["x1"]) for ln in body for w in ln.words]

    def over_columns(ln: Line) -> bool:
        # a word over a column overlaps a body word and centres near it (a centred header word is often
        # wider than the figures under it: 'Thấp nhất' over '4,52')
        inside = sum(1 for w in ln.words
                     if any(min(w["x1"], b) - max(w["x0"], a) > 0 and a - 6 <= (w["x0"] + w["x1"]) / 2 <= b + 6
                            for a, b in spans))
        return inside >= 0.5 * len(ln.words)

    over = [k for k, ln in enumerate(above) if any(w["x1"] > num_x0 for w in ln.words) and over_columns(ln)]
    if not over:
        return []
    return above[over[0]: over[-1] + 1]


def _number_columns(anchors: list[Line]) -> list[Column]:
    spans = sorted((w["x0"], w["x1"]) for ln in anchors for w in ln.numbers)
    cols: list[Column] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1].x1 + 0.5:
            cols[-1].x1 = max(cols[-1].x1, x1)
        else:
            cols.append(Column(x0, x1, True))
    return cols


def _text_columns(lines: list[Line], lo: float, hi: float, settings: PdfSettings) -> list[Column]:
    """Columns of the text between lo and hi: word spans merged where no gutter separates them."""
    spans = sorted((w["x0"], w["x1"]) for ln in lines for w in ln.words
                   if w not in ln.numbers and lo <= (w["x0"] + w["x1"]) / 2 < hi)
    if not spans:
        return []
    size = max(ln.size for ln in lines)
    cols = [Column(spans[0][0], spans[0][1], False)]
    for x0, x1 in spans[1:]:
        if x0 - cols[-1].x1 < settings.borderless_gutter * size:
            cols[-1].x1 = max(cols[-1].x1, x1)
        else:
            cols.append(Column(x0, x1, False))
    return cols


def _columns(region: Region, settings: PdfSettings) -> list[Column]:
    nums = _number_columns(region.anchors)
    # a number column's extent also covers the header words and notes printed in it
    inner = [w for ln in region.lines for w in ln.words if w not in ln.numbers]
    for col in nums:
        for w in inner:
            mid = (w["x0"] + w["x1"]) / 2
            if col.x0 - 2 <= mid <= col.x1 + 2:
                col.x0, col.x1 = min(col.x0, w["x0"]), max(col.x1, w["x1"])
    left = _text_columns(region.body, -1e9, nums[0].x0, settings)
    right = _text_columns(region.body, nums[-1].x1, 1e9, settings)
    between: list[Column] = []
    for a, b in zip(nums, nums[1:], strict=False):
        between += [c for c in _text_columns(region.body, a.x1, b.x0, settings) if c.x0 > a.x1 and c.x1 < b.x0]
    return sorted(left + nums + between + right, key=lambda c: c.x0)


def find_borderless_tables(rows: list[list[dict]], page_no: int, settings: PdfSettings | None = None
                           ) -> tuple[list[Table], list[list[dict]]]:
    """Tables printed without rules on one page, and the rest of its lines.

    `rows`: the page's printed lines, each a list of words left to right (`group_lines`, done
    once per page by the reader); the rest keeps them as lines, without the tables' words."""
    settings = settings or PdfSettings()
    lines = [_make_line(ws, settings) for ws in rows if ws]
    lines.sort(key=lambda ln: ln.top)
    tables: list[Table] = []
    used: set[int] = set()
    for region in _regions(lines, settings):
        cols = _columns(region, settings)
        if sum(c.numeric for c in cols) < 1 or len(cols) < 2:
            continue
        tables.append(build_table(region, cols, page_no, settings))
        used.update(id(w) for ln in region.lines for w in ln.words)
    if not used:
        return tables, rows
    rest = [[w for w in row if id(w) not in used] for row in rows]
    return tables, [row for row in rest if row]
