"""A borderless table region → a `Table` grid (header row, merged group labels, spans)."""

from __future__ import annotations

import re

from chiso.extract.borderless_parts import NUMBERED, Column, Line, Piece, Region, column_of, pieces_by_column
from chiso.extract.borderless_rows import assign_label_lines
from chiso.extract.ocr_numbers import number_confidence
from chiso.extract.pdf_words import group_lines, join_words, words_box
from chiso.extract.settings import PdfSettings
from chiso.model import Cell, Table

_ROW_MARK = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6}|[A-ZĐ])[.)]?")


def _group_blocks(pieces: list[Piece], size: float, settings: PdfSettings) -> list[list[Piece]]:
    """Lines of a text column in blocks parted by a blank: merged group labels. A row mark alone
    ('V', '24', 'B.') is a block of its own however close it stands: a column of row numbers
    centred beside wrapped labels sets them closer than a blank line apart."""
    blocks: list[list[Piece]] = []
    for p in pieces:
        if _ROW_MARK.fullmatch(p.text.strip()) or (blocks and _ROW_MARK.fullmatch(blocks[-1][-1].text.strip())):
            blocks.append([p])
        elif blocks and p.line.top - blocks[-1][-1].line.bottom <= settings.borderless_block_gap * size:
            blocks[-1].append(p)
        else:
            blocks.append([p])
    return blocks


def _cell(words: list[dict], row: int, col: int, page: int, fallback: tuple[float, float, float, float],
          text: str | None = None) -> Cell:
    return Cell(text=text if text is not None else "", row=row, col=col, page=page,
                bbox=words_box(words) if words else fallback,
                ocr_confidence=number_confidence(words))


def _lines_text(pieces: list[Piece]) -> str:
    return "\n".join(p.text for p in sorted(pieces, key=lambda p: p.y))


def build_table(region: Region, cols: list[Column], page_no: int, settings: PdfSettings) -> Table:
    anchors = region.anchors
    pieces = pieces_by_column(region.body, cols)
    label_cols = _row_label_columns(region, cols)
    rows_of = {k: assign_label_lines(pieces.get(k, []), anchors) for k in label_cols}
    leads = {k: rows.pop(-1, []) for k, rows in rows_of.items()}
    n_head = 1 if region.header else 0
    n_lead = 1 if any(leads.values()) else 0
    base = n_head + n_lead
    grid: list[list[Cell | None]] = [[None] * len(cols) for _ in range(base + len(anchors))]
    extents = _row_extents(anchors, rows_of)
    if region.header:
        _header_cells(region.header, cols, grid, page_no)
    for k, lead in leads.items():
        if lead:
            grid[n_head][k] = _cell([w for p in lead for w in p.words], n_head, k, page_no,
                                    (cols[k].x0, lead[0].line.top, cols[k].x1, lead[-1].line.bottom), _lines_text(lead))
    for r, a in enumerate(anchors):
        top, bottom = extents[r]
        for k, col in enumerate(cols):
            if k in rows_of:
                ps = rows_of[k].get(r, [])
                grid[base + r][k] = _cell([w for p in ps for w in p.words], base + r, k, page_no,
                                          (col.x0, top, col.x1, bottom), _lines_text(ps))
            elif col.numeric:
                ws = [w for w in a.words if column_of(w, cols) == k]
                others = [p for p in pieces.get(k, []) if top - 0.5 <= p.y <= bottom + 0.5 and p.line is not a]
                text = join_words(ws) if ws else _lines_text(others)
                grid[base + r][k] = _cell(ws or [w for p in others for w in p.words], base + r, k, page_no,
                                          (col.x0, top, col.x1, bottom), text)
    for k, col in enumerate(cols):
        if not col.numeric and k not in rows_of:
            _spanning_cells(pieces.get(k, []), k, cols[k], extents, base, grid, page_no, settings, n_lead)
    _merge_spanned_notes(grid, cols, base)
    top = min(ln.top for ln in region.lines)
    bottom = max(ln.bottom for ln in region.lines)
    return Table(number=0, grid=grid, page=page_no, pages=[page_no],
                 bbox=(min(c.x0 for c in cols), top, max(c.x1 for c in cols), bottom),
                 origin="borderless", col_x=[(c.x0, c.x1) for c in cols])


def _row_extents(anchors: list[Line], rows_of: dict[int, dict[int, list[Piece]]]) -> list[tuple[float, float]]:
    """Each row's vertical extent: its value line and every label line given to it."""
    out = []
    for r, a in enumerate(anchors):
        ps = [p for rows in rows_of.values() for p in rows.get(r, [])]
        out.append((min([a.top] + [p.line.top for p in ps]), max([a.bottom] + [p.line.bottom for p in ps])))
    return out


def _row_label_columns(region: Region, cols: list[Column]) -> list[int]:
    """Text columns that label each row: those just left of a number column (the row labels of a
    plain table, both label columns of a paired one) and a last text column (an agency in charge);
    a text column followed by another text column holds merged group labels instead."""
    out = [k for k, c in enumerate(cols) if not c.numeric and (k + 1 == len(cols) or cols[k + 1].numeric)]
    if out:
        return out
    best = _row_label_column(region, cols)
    return [best] if best is not None else []


def _row_label_column(region: Region, cols: list[Column]) -> int | None:
    """The text column that labels each row: the one with text nearest to most rows, rightmost on ties."""
    text_cols = [k for k, c in enumerate(cols) if not c.numeric]
    if not text_cols:
        return None
    pieces = pieces_by_column(region.body, cols)
    best, best_score = None, -1.0
    for k in text_cols:
        ps = pieces.get(k, [])
        numbered = sum(1 for p in ps if NUMBERED.match(p.text))
        near = sum(1 for a in region.anchors
                   if any(abs(p.y - a.baseline) <= 1.6 * a.size for p in ps))
        score = near + 0.5 * numbered + 0.01 * k
        if score > best_score:
            best, best_score = k, score
    return best


def _spanning_cells(pieces: list[Piece], k: int, col: Column, extents: list[tuple[float, float]], base: int,
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


def _merge_spanned_notes(grid: list[list[Cell | None]], cols: list[Column], base: int) -> None:
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


def _header_cells(header: list[Line], cols: list[Column], grid: list[list[Cell | None]], page_no: int) -> None:
    """One header row: each header word to the column it stands over; a phrase over several
    columns (a merged header) becomes one cell spanning them."""
    by_col: dict[int, list[dict]] = {}
    for ln in header:
        for w in ln.words:
            by_col.setdefault(column_of(w, cols), []).append(w)
    for k in range(len(cols)):
        ws = by_col.get(k, [])
        lines = group_lines(ws) if ws else []
        text = "\n".join(join_words(line) for line in lines)
        grid[0][k] = _cell(ws, 0, k, page_no, (cols[k].x0, header[0].top, cols[k].x1, header[-1].bottom), text)


