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
   table aligns its cells (numbers on the first or on the middle line of a label); a text
   column with fewer blocks than rows holds merged group labels, each spanning the rows
   from where it starts to where the next one starts.

The result is the same `Table` a ruled table gives (header row, merged cells with spans,
page and bbox on every cell), so one set of table layouts interprets both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.extract.pdf_words import group_lines, join_words
from chiso.extract.settings import PdfSettings
from chiso.model import Cell, Table

_NUMBER = re.compile(r"^[+\-–−]?\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?\s*%?$|^[+\-–−]?\d+(?:[.,]\d+)?%?$"
                     r"|^\d{1,3}(?:[.,]\d+)?/\d{1,3}(?:[.,]\d+)?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.,)]|[a-zđ]\)|[IVX]{1,5}\.|[-+•–])(?:\s|$)")


@dataclass
class _Line:
    words: list[dict]
    top: float
    bottom: float
    baseline: float
    size: float
    numbers: list[dict] = field(default_factory=list)  # words that stand alone as numbers

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)


@dataclass
class _Column:
    x0: float
    x1: float
    numeric: bool

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Region:
    lines: list[_Line]
    header: list[_Line]
    body: list[_Line]
    anchors: list[_Line]  # the value lines, one per row


def _make_line(words: list[dict], settings: PdfSettings) -> _Line:
    size = max(w["size"] for w in words)
    line = _Line(words, min(w["top"] for w in words), max(w["bottom"] for w in words),
                 sum(w["baseline"] for w in words) / len(words), size)
    gap = settings.borderless_cell_gap * size
    for i, w in enumerate(words):
        text = w["text"].strip()
        if not _NUMBER.match(text) or _YEAR.match(text):
            continue
        left_gap = w["x0"] - words[i - 1]["x1"] if i else gap
        right_gap = words[i + 1]["x0"] - w["x1"] if i + 1 < len(words) else gap
        if left_gap >= gap and right_gap >= gap:
            line.numbers.append(w)
    if len(line.numbers) == 1 and len(words) == 1:
        line.numbers = []  # a lone number (page number, marker) is not a table row
    return line


def _is_running_text(line: _Line, first_number_x: float, settings: PdfSettings) -> bool:
    """A line of a paragraph or heading: its words run on, without a gap, across the number columns."""
    gap = settings.borderless_cell_gap * line.size
    run_x0 = line.words[0]["x0"]
    prev = line.words[0]
    for w in line.words[1:]:
        if w["x0"] - prev["x1"] >= gap:
            run_x0 = w["x0"]
        elif run_x0 < first_number_x - gap and w["x1"] > first_number_x + gap:
            return True
        prev = w
    return False


def _regions(lines: list[_Line], settings: PdfSettings) -> list[_Region]:
    regions: list[_Region] = []
    i = 0
    while i < len(lines):
        if not lines[i].numbers:
            i += 1
            continue
        first_x = min(w["x0"] for w in lines[i].numbers)
        j = i
        k = i + 1
        while k < len(lines):
            ln = lines[k]
            if ln.top - lines[k - 1].bottom > settings.borderless_max_line_gap * ln.size:
                break
            if ln.numbers:
                first_x = min(first_x, min(w["x0"] for w in ln.numbers))
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
            header = _header_lines(lines[start:i], anchors)
            if header:  # lines above the header (a caption, a paragraph's last words) are not the table's
                start = lines.index(header[0])
            region_lines = lines[start:end + 1]
            body = [ln for ln in region_lines if ln not in header]
            regions.append(_Region(region_lines, header, body, anchors))
        i = end + 1 if enough else j + 1
    return regions


def _extend_up(lines: list[_Line], i: int, first_x: float, floor: _Line | None, settings: PdfSettings) -> int:
    start = i
    while start > 0:
        ln = lines[start - 1]
        if ln is floor or lines[start].top - ln.bottom > settings.borderless_header_gap * ln.size:
            break
        if _is_running_text(ln, first_x, settings) or ln.x1 - ln.x0 > 0 and _is_paragraph_line(ln, first_x):
            break
        start -= 1
    return start


def _extend_down(lines: list[_Line], j: int, first_x: float, settings: PdfSettings) -> int:
    end = j
    while end + 1 < len(lines):
        ln = lines[end + 1]
        if ln.numbers or ln.top - lines[end].bottom > settings.borderless_max_line_gap * ln.size:
            break
        if _is_running_text(ln, first_x, settings) or _is_paragraph_line(ln, first_x):
            break
        end += 1
    return end


def _is_paragraph_line(line: _Line, first_x: float) -> bool:
    """A short line that ends a paragraph: starts at the margin and reaches into the number columns."""
    return line.x0 < first_x and line.x1 > first_x and not line.numbers and \
        len([w for w in line.words if w["x0"] >= first_x]) > 2


def _header_lines(above: list[_Line], anchors: list[_Line]) -> list[_Line]:
    """Lines above the first row whose words stand over the number columns (and those between them)."""
    num_x0 = min(w["x0"] for ln in anchors for w in ln.numbers)
    over = [k for k, ln in enumerate(above) if any(w["x1"] > num_x0 for w in ln.words)]
    if not over:
        return []
    return above[over[0]: over[-1] + 1]


def _number_columns(anchors: list[_Line]) -> list[_Column]:
    spans = sorted((w["x0"], w["x1"]) for ln in anchors for w in ln.numbers)
    cols: list[_Column] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1].x1 + 0.5:
            cols[-1].x1 = max(cols[-1].x1, x1)
        else:
            cols.append(_Column(x0, x1, True))
    return cols


def _text_columns(lines: list[_Line], lo: float, hi: float, settings: PdfSettings) -> list[_Column]:
    """Columns of the text between lo and hi: word spans merged where no gutter separates them."""
    spans = sorted((w["x0"], w["x1"]) for ln in lines for w in ln.words
                   if w not in ln.numbers and lo <= (w["x0"] + w["x1"]) / 2 < hi)
    if not spans:
        return []
    size = max(ln.size for ln in lines)
    cols = [_Column(spans[0][0], spans[0][1], False)]
    for x0, x1 in spans[1:]:
        if x0 - cols[-1].x1 < settings.borderless_gutter * size:
            cols[-1].x1 = max(cols[-1].x1, x1)
        else:
            cols.append(_Column(x0, x1, False))
    return cols


def _columns(region: _Region, settings: PdfSettings) -> list[_Column]:
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
    between: list[_Column] = []
    for a, b in zip(nums, nums[1:], strict=False):
        between += [c for c in _text_columns(region.body, a.x1, b.x0, settings) if c.x0 > a.x1 and c.x1 < b.x0]
    return sorted(left + nums + between + right, key=lambda c: c.x0)


def _column_of(word: dict, cols: list[_Column]) -> int:
    mid = (word["x0"] + word["x1"]) / 2
    for k, c in enumerate(cols):
        if c.x0 - 1 <= mid <= c.x1 + 1:
            return k
    return min(range(len(cols)), key=lambda k: abs(cols[k].centre - mid))


@dataclass
class _Piece:
    """The words of one line inside one column."""

    line: _Line
    words: list[dict]

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def y(self) -> float:
        return self.line.baseline


def _pieces(lines: list[_Line], cols: list[_Column]) -> dict[int, list[_Piece]]:
    out: dict[int, list[_Piece]] = {k: [] for k in range(len(cols))}
    for ln in lines:
        by_col: dict[int, list[dict]] = {}
        for w in ln.words:
            by_col.setdefault(_column_of(w, cols), []).append(w)
        for k, ws in by_col.items():
            out[k].append(_Piece(ln, ws))
    return out


def _assign_label_lines(pieces: list[_Piece], anchors: list[_Line]) -> dict[int, list[_Piece]]:
    """Row index → label lines of a row-label column (-1: lines before the first row, cut by a page).

    Lines on a row's own line are that row's. The lines between two rows are parted where a
    numbered line (`5.`) opens the next label; elsewhere by how the table aligns its cells:
    labels whose first line, middle or last line stands level with the row's numbers. The
    alignment that fits the rows best is found by trying the three (`_best_split`).
    """
    ys = [a.baseline for a in anchors]
    tol = 0.4 * max(a.size for a in anchors)
    rows: dict[int, list[_Piece]] = {}
    gaps: list[list[_Piece]] = [[] for _ in range(len(ys) + 1)]  # gaps[g]: lines between row g-1 and row g
    for p in pieces:
        r = next((r for r, y in enumerate(ys) if abs(p.y - y) <= tol), None)
        if r is not None:
            rows.setdefault(r, []).append(p)
        else:
            gaps[next((r for r, y in enumerate(ys) if y > p.y), len(ys))].append(p)
    ups = _best_split(gaps, rows, ys)
    for g, members in enumerate(gaps):
        k = ups[g]
        if members[:k]:
            rows.setdefault(g - 1, []).extend(members[:k])
        if members[k:]:
            rows.setdefault(g, []).extend(members[k:])
    return rows


def _choices(g: int, gap: list[_Piece], rows: dict[int, list[_Piece]], n: int) -> list[int]:
    """How many lines of gap g may go up to the row above (the rest open the row below)."""
    if g == n:
        return [len(gap)]  # after the last row: all its
    openers = [i for i, p in enumerate(gap) if _NUMBERED.match(p.text)]
    if openers:
        return [openers[0]]
    if any(_NUMBERED.match(p.text) for p in rows.get(g, [])):
        return [len(gap)]  # the row's own line opens its label
    return list(range(len(gap) + 1))


def _best_split(gaps: list[list[_Piece]], rows: dict[int, list[_Piece]], ys: list[float]) -> list[int]:
    """For each gap, the lines that go up, under the alignment (first / middle / last line level
    with the numbers) that leaves the rows' labels least out of line; dynamic programming over rows."""
    n = len(ys)
    options = [_choices(g, gaps[g], rows, n) for g in range(n + 1)]

    def cost(r: int, k_in: int, k_out: int, model: str) -> float:
        lines = [p.y for p in gaps[r][k_in:]] + [p.y for p in rows.get(r, [])] + [p.y for p in gaps[r + 1][:k_out]]
        if not lines:
            return 0.0
        ref = {"top": min(lines), "middle": (min(lines) + max(lines)) / 2, "bottom": max(lines)}[model]
        return abs(ref - ys[r])

    best: tuple[float, list[int]] | None = None
    for model in ("top", "middle", "bottom"):
        table: dict[int, tuple[float, list[int]]] = {k: (0.0, [k]) for k in options[0]}
        for r in range(n):
            nxt: dict[int, tuple[float, list[int]]] = {}
            for k_out in options[r + 1]:
                nxt[k_out] = min(((c + cost(r, k_in, k_out, model), path + [k_out]) for k_in, (c, path) in table.items()),
                                 key=lambda t: t[0])
            table = nxt
        total, path = min(table.values(), key=lambda t: t[0])
        if best is None or total < best[0] - 1e-6:
            best = (total, path)
    assert best is not None
    return best[1]


def _group_blocks(pieces: list[_Piece], size: float, settings: PdfSettings) -> list[list[_Piece]]:
    blocks: list[list[_Piece]] = []
    for p in pieces:
        if blocks and p.line.top - blocks[-1][-1].line.bottom <= settings.borderless_block_gap * size:
            blocks[-1].append(p)
        else:
            blocks.append([p])
    return blocks


def _cell(words: list[dict], row: int, col: int, page: int, fallback: tuple[float, float, float, float],
          text: str | None = None) -> Cell:
    if words:
        bbox = (min(w["x0"] for w in words), min(w["top"] for w in words),
                max(w["x1"] for w in words), max(w["bottom"] for w in words))
    else:
        bbox = fallback
    return Cell(text=text if text is not None else "", row=row, col=col, page=page, bbox=bbox)


def _lines_text(pieces: list[_Piece]) -> str:
    return "\n".join(p.text for p in sorted(pieces, key=lambda p: p.y))


def _build_table(region: _Region, cols: list[_Column], page_no: int, settings: PdfSettings) -> Table:
    anchors = region.anchors
    label_col = _row_label_column(region, cols)
    body_pieces = _pieces(region.body, cols)
    rows_of_label = _assign_label_lines(body_pieces.get(label_col, []), anchors) if label_col is not None else {}
    lead = rows_of_label.pop(-1, []) if rows_of_label else []
    n_head = 1 if region.header else 0
    n_lead = 1 if lead else 0
    n_rows = n_head + n_lead + len(anchors)
    grid: list[list[Cell | None]] = [[None] * len(cols) for _ in range(n_rows)]
    # row extents (for empty cells and merged groups)
    extents = []
    for r, a in enumerate(anchors):
        ps = rows_of_label.get(r, [])
        top = min([a.top] + [p.line.top for p in ps])
        bottom = max([a.bottom] + [p.line.bottom for p in ps])
        extents.append((top, bottom))
    if region.header:
        _header_cells(region.header, cols, grid, page_no)
    if lead:
        r0 = n_head
        grid[r0][label_col] = _cell([w for p in lead for w in p.words], r0, label_col, page_no,
                                    (cols[label_col].x0, lead[0].line.top, cols[label_col].x1, lead[-1].line.bottom),
                                    _lines_text(lead))
    base = n_head + n_lead
    for r, a in enumerate(anchors):
        top, bottom = extents[r]
        for k, col in enumerate(cols):
            if k == label_col:
                ps = rows_of_label.get(r, [])
                grid[base + r][k] = _cell([w for p in ps for w in p.words], base + r, k, page_no,
                                          (col.x0, top, col.x1, bottom), _lines_text(ps))
            elif col.numeric:
                ws = [w for w in a.words if _column_of(w, cols) == k]
                others = [p for p in body_pieces.get(k, []) if top - 0.5 <= p.y <= bottom + 0.5 and p.line is not a]
                text = join_words(ws) if ws else _lines_text(others)
                grid[base + r][k] = _cell(ws or [w for p in others for w in p.words], base + r, k, page_no,
                                          (col.x0, top, col.x1, bottom), text)
    for k, col in enumerate(cols):
        if col.numeric or k == label_col:
            continue
        _spanning_cells(body_pieces.get(k, []), k, cols[k], extents, base, grid, page_no, settings, n_lead)
    _merge_spanned_notes(grid, cols, base)
    x0 = min(c.x0 for c in cols)
    x1 = max(c.x1 for c in cols)
    top = min(ln.top for ln in region.lines)
    bottom = max(ln.bottom for ln in region.lines)
    return Table(number=0, grid=grid, page=page_no, pages=[page_no], bbox=(x0, top, x1, bottom),
                 origin="borderless", col_x=[(c.x0, c.x1) for c in cols])


def _row_label_column(region: _Region, cols: list[_Column]) -> int | None:
    """The text column that labels each row: the one with text nearest to most rows, rightmost on ties."""
    text_cols = [k for k, c in enumerate(cols) if not c.numeric]
    if not text_cols:
        return None
    pieces = _pieces(region.body, cols)
    best, best_score = None, -1.0
    for k in text_cols:
        ps = pieces.get(k, [])
        numbered = sum(1 for p in ps if _NUMBERED.match(p.text))
        near = sum(1 for a in region.anchors
                   if any(abs(p.y - a.baseline) <= 1.6 * a.size for p in ps))
        score = near + 0.5 * numbered + 0.01 * k
        if score > best_score:
            best, best_score = k, score
    return best


def _spanning_cells(pieces: list[_Piece], k: int, col: _Column, extents: list[tuple[float, float]], base: int,
                    grid: list[list[Cell | None]], page_no: int, settings: PdfSettings, n_lead: int = 0) -> None:
    """A text column beside the row labels: one cell per row when its text sits in each row, else
    merged group labels (blocks of lines), each spanning from its first row to the next block's."""
    if not pieces:
        return
    size = max(p.line.size for p in pieces)

    def row_at(y: float) -> int:
        for r, (top, bottom) in enumerate(extents):
            if top - 1 <= y <= bottom + 1:
                return r
        return min(range(len(extents)), key=lambda r: min(abs(y - extents[r][0]), abs(y - extents[r][1])))

    blocks = _group_blocks(pieces, size, settings)
    firsts = [row_at(b[0].line.top + 0.5 * (b[0].line.bottom - b[0].line.top)) for b in blocks]
    per_row = len(set(firsts)) == len(blocks) and all(row_at(p.y) == firsts[i] for i, b in enumerate(blocks)
                                                       for p in b)
    for i, block in enumerate(blocks):
        first = firsts[i]
        if i == 0 and n_lead and block[0].line.top < extents[0][0] - 1:
            first = -1  # the rest of a merged label cut by the page break: it starts on the lead row
        last = (firsts[i + 1] - 1) if i + 1 < len(blocks) else len(extents) - 1
        if per_row:
            last = first
        last = max(first, last)
        words = [w for p in block for w in p.words]
        top = extents[max(first, 0)][0] if first >= 0 else block[0].line.top
        cell = _cell(words, base + first, k, page_no, (col.x0, top, col.x1, extents[last][1]), _lines_text(block))
        cell.rowspan = last - first + 1
        for r in range(first, last + 1):
            if grid[base + r][k] is None:
                grid[base + r][k] = cell


def _merge_spanned_notes(grid: list[list[Cell | None]], cols: list[_Column], base: int) -> None:
    """A note printed across two number columns ('Tiêu chí hỏi mới') is one merged cell."""
    for row in grid[base:]:
        for k in range(len(cols) - 1):
            a, b = row[k], row[k + 1]
            if a is None or b is None or not cols[k].numeric or not cols[k + 1].numeric:
                continue
            if a.text and a.text == b.text and not re.search(r"\d[.,]\d", a.text):
                b_cell = a
                b_cell.colspan += 1
                row[k + 1] = b_cell


def _header_cells(header: list[_Line], cols: list[_Column], grid: list[list[Cell | None]], page_no: int) -> None:
    """One header row: each header word to the column it stands over; a phrase over several
    columns (a merged header) becomes one cell spanning them."""
    by_col: dict[int, list[dict]] = {}
    for ln in header:
        for w in ln.words:
            by_col.setdefault(_column_of(w, cols), []).append(w)
    for k in range(len(cols)):
        ws = by_col.get(k, [])
        lines = group_lines(ws) if ws else []
        text = "\n".join(join_words(line) for line in lines)
        grid[0][k] = _cell(ws, 0, k, page_no, (cols[k].x0, header[0].top, cols[k].x1, header[-1].bottom), text)


def find_borderless_tables(words: list[dict], page_no: int, settings: PdfSettings | None = None
                           ) -> tuple[list[Table], list[dict]]:
    """Tables printed without rules on one page, and the words that are not in them."""
    settings = settings or PdfSettings()
    lines = [_make_line(ws, settings) for ws in group_lines(words)]
    lines.sort(key=lambda ln: ln.top)
    tables: list[Table] = []
    used: set[int] = set()
    for region in _regions(lines, settings):
        cols = _columns(region, settings)
        if sum(c.numeric for c in cols) < 1 or len(cols) < 2:
            continue
        tables.append(_build_table(region, cols, page_no, settings))
        used.update(id(w) for ln in region.lines for w in ln.words)
    rest = [w for w in words if id(w) not in used]
    return tables, rest
