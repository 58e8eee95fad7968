"""PDF → blocks in reading order, tables with spans, footnotes; tables stitched across pages.

Decisions that matter for numbers:
- footnote markers are superscript digits glued to the preceding word (`06/4/2025¹`
  reads as `06/4/20251`); words set much smaller than the body text inside body lines
  are dropped, and small-print lines at the foot of a page become footnote blocks;
- a table that continues on the next page (repeated header row, same columns) becomes
  one table, and a merged group label cut by the page break is joined back together.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from chiso.extract.pdf_lines import find_tables
from chiso.extract.pdf_words import cell_text, group_lines, join_words, page_words
from chiso.model import BBox, Cell, ExtractedDocument, ExtractionError, Table, TextBlock
from chiso.normalize.text import nfc

MAX_PAGES = 1500


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


def _body_size(words: list[dict]) -> float:
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(w["size"] * 2) / 2] += len(w["text"])
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _lines(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for row in group_lines(words):
        weight: Counter[float] = Counter()
        for w in row:
            weight[round(w["size"], 1)] += len(w["text"])
        main = weight.most_common(1)[0][0]
        # drop superscript markers: small digits in a line of body-sized words
        kept = [w for w in row if not (w["size"] < 0.8 * main and re.fullmatch(r"[\d*,]+", w["text"]))] or row
        lines.append(_Line(nfc(join_words(kept)), min(w["x0"] for w in kept), max(w["x1"] for w in kept),
                           min(w["top"] for w in kept), max(w["bottom"] for w in kept), main,
                           all(w.get("bold") for w in kept)))
    lines.sort(key=lambda ln: ln.top)
    return lines


def _paragraphs(lines: list[_Line], left: float, right: float) -> list[list[_Line]]:
    """Join lines into paragraphs: a new one starts after a short line, on an indent, or a gap."""
    paras: list[list[_Line]] = []
    for ln in lines:
        if not paras:
            paras.append([ln])
            continue
        prev = paras[-1][-1]
        height = max(prev.bottom - prev.top, 1.0)
        gap = ln.top - prev.bottom
        new = (
            gap > 0.9 * height
            or ln.x0 > left + 12
            or prev.x1 < right - 40
            or abs(ln.size - prev.size) > 1.5
            or ln.bold != prev.bold
        )
        if new:
            paras.append([ln])
        else:
            paras[-1].append(ln)
    return paras


def _join(lines: list[_Line]) -> str:
    text = ""
    for ln in lines:
        t = ln.text.strip()
        if not text:
            text = t
        elif text.endswith("-") and not text.endswith(" -"):
            text += t
        else:
            text += " " + t
    return text


def _grid(table, page_no: int, words: list[dict], number: int = 0) -> Table:  # noqa: ANN001
    """A pdfplumber Table (cell boxes) → our grid, each origin cell with its span and text."""
    rows = table.rows
    n_rows = len(rows)
    n_cols = max((len(r.cells) for r in rows), default=0)
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    origins: list[Cell] = []
    col_x: list[float | None] = [None] * n_cols
    row_y: list[float | None] = [None] * n_rows
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            if col_x[c] is None:
                col_x[c] = bbox[0] + 1.0
            if row_y[r] is None:
                row_y[r] = bbox[1] + 1.0
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            cell = Cell(text=nfc(cell_text(bbox, words)), row=r, col=c, page=page_no, bbox=tuple(bbox))
            grid[r][c] = cell
            origins.append(cell)
    # spans: an origin covers every grid position whose top-left point lies inside its bbox
    for cell in origins:
        x0, top, x1, bottom = cell.bbox
        cs = sum(1 for x in col_x if x is not None and x0 <= x < x1 - 0.5)
        rs = sum(1 for y in row_y if y is not None and top <= y < bottom - 0.5)
        cell.colspan, cell.rowspan = max(cs, 1), max(rs, 1)
        for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, n_cols)):
                if grid[r][c] is None:
                    grid[r][c] = cell
    return Table(number=number, grid=grid, page=page_no, pages=[page_no], bbox=tuple(table.bbox))


def _row_texts(t: Table, r: int) -> list[str]:
    return [re.sub(r"\s+", " ", t.text(r, c)).strip().lower() for c in range(t.n_cols)]


def _stitch(prev: Table, cont: Table) -> None:
    """Append `cont` (the part on the next page) to `prev`, in place."""
    start = 1 if _row_texts(cont, 0) == _row_texts(prev, 0) else 0
    offset = prev.n_rows - start
    last = prev.n_rows - 1
    replace: dict[int, Cell] = {}
    if start < cont.n_rows:
        for c in range(min(prev.n_cols, cont.n_cols)):
            above, first = prev.cell(last, c), cont.cell(start, c)
            if above is None or first is None or first.col != c or id(first) in replace:
                continue
            txt = first.text.strip()
            reaches_bottom = above.row + above.rowspan - 1 == last
            spans = above.rowspan > 1 or above.row < last
            numeric_above = bool(re.search(r"\d", above.text)) and not re.search(r"[a-zà-ỹ]{3}", above.text.lower())
            if not reaches_bottom or numeric_above:
                continue
            if (txt == "" and spans) or (txt[:1].islower() and c == above.col):
                if txt:
                    above.text = above.text.rstrip() + "\n" + txt
                replace[id(first)] = above
    for r in range(start, cont.n_rows):
        new_row: list[Cell | None] = []
        for c in range(prev.n_cols):
            cell = cont.cell(r, c) if c < cont.n_cols else None
            if cell is not None and id(cell) in replace:
                target = replace[id(cell)]
                if r + offset >= target.row + target.rowspan:
                    target.rowspan = r + offset - target.row + 1
                new_row.append(target)
                continue
            if cell is not None and cell.row == r and cell.col == c:
                cell.row = r + offset
            new_row.append(cell)
        prev.grid.append(new_row)
    prev.pages.extend(p for p in cont.pages if p not in prev.pages)


def _continues_paragraph(prev: str, nxt: str) -> bool:
    return not re.search(r"[.:;!?…]\s*$", prev) and bool(re.match(r"[a-zà-ỹđ0-9(]", nxt))


def _continues(prev: Table, cont: Table, cont_is_first: bool) -> bool:
    if not cont_is_first or prev.n_cols != cont.n_cols:
        return False
    if _row_texts(cont, 0) == _row_texts(prev, 0):
        return True
    if prev.bbox and cont.bbox:
        return abs(prev.bbox[0] - cont.bbox[0]) < 3 and abs(prev.bbox[2] - cont.bbox[2]) < 3
    return False


def _open(data: bytes) -> pdfium.PdfDocument:
    """pdfium opens a PDF in milliseconds: refuse encrypted, broken and huge files before anything else."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ExtractionError("encrypted PDF (password protected): cannot read without the password",
                                  "encrypted") from e
        raise ExtractionError(f"damaged PDF ({e})", "damaged") from e
    n = len(doc)
    if n > MAX_PAGES:
        doc.close()
        raise ExtractionError(f"{n} pages (limit {MAX_PAGES}): not a provincial report", "too_large")
    if n == 0:
        doc.close()
        raise ExtractionError("damaged PDF (no pages)", "damaged")
    return doc


def read_pdf(path: str | Path, sha256: str, data: bytes | None = None) -> ExtractedDocument:
    """Read a PDF with pdfium only: text with positions and sizes, and ruled tables from its
    drawing operations through pdfplumber's grid algorithm (see pdf_lines)."""
    path = Path(path)
    data = data if data is not None else path.read_bytes()
    doc = _open(data)
    try:
        n_pages = len(doc)
        blocks: list[TextBlock | Table] = []
        footnotes: list[TextBlock] = []
        n_table = 0
        total_chars = 0
        table_pages = 0
        for page_no in range(1, n_pages + 1):
            page = doc[page_no - 1]
            try:
                width, height = page.get_size()
                words = page_words(page, height)
                tables = [t for t in find_tables(page, height) if len(t.rows) >= 2] if words else []
            finally:
                page.close()
            total_chars += sum(len(w["text"]) for w in words)
            if not words:
                continue
            table_pages += bool(tables)
            grids = [_grid(t, page_no, words) for t in tables]
            boxes = [t.bbox for t in tables]
            words = [w for w in words if not any(b[0] - 1 <= (w["x0"] + w["x1"]) / 2 <= b[2] + 1 and
                                                 b[1] - 1 <= (w["top"] + w["bottom"]) / 2 <= b[3] + 1
                                                 for b in boxes)]
            body = _body_size(words)
            lines = _lines(words)
            # page numbers / running headers: a lone number at the top or bottom margin
            lines = [ln for ln in lines if not (re.fullmatch(r"[-–\s]*\d{1,4}[-–\s]*", ln.text)
                                                 and (ln.top < 70 or ln.bottom > height - 50))]
            body_lines = [ln for ln in lines if ln.size >= 0.8 * body]
            small = [ln for ln in lines if ln.size < 0.8 * body]
            lowest_body = max((ln.bottom for ln in body_lines), default=0)
            lowest_body = max([lowest_body] + [b[3] for b in boxes])
            foot = [ln for ln in small if ln.top >= lowest_body - 2]
            inline_small = [ln for ln in small if ln.top < lowest_body - 2]
            body_lines = sorted(body_lines + inline_small, key=lambda ln: ln.top)

            left = min((ln.x0 for ln in body_lines), default=0)
            right = max((ln.x1 for ln in body_lines), default=width)
            items: list[tuple[float, TextBlock | Table]] = []
            for para in _paragraphs(body_lines, left, right):
                text = _join(para)
                if text:
                    bbox: BBox = (min(p.x0 for p in para), para[0].top, max(p.x1 for p in para), para[-1].bottom)
                    items.append((para[0].top, TextBlock(text=text, number=0, page=page_no, bbox=bbox,
                                                         emphasis=all(p.bold for p in para))))
            for t, grid in zip(tables, grids, strict=True):
                n_table += 1
                grid.number = n_table
                items.append((t.bbox[1], grid))
            items.sort(key=lambda it: it[0])
            for i, (_, item) in enumerate(items):
                if isinstance(item, Table) and blocks and isinstance(blocks[-1], Table) and \
                        _continues(blocks[-1], item, i == 0):
                    _stitch(blocks[-1], item)
                    n_table -= 1
                    continue
                if i == 0 and isinstance(item, TextBlock) and blocks and isinstance(blocks[-1], TextBlock) \
                        and _continues_paragraph(blocks[-1].text, item.text):
                    blocks[-1].text = blocks[-1].text + " " + item.text  # a sentence cut by the page break
                    continue
                blocks.append(item)
            footnotes.extend(_footnotes(foot, page_no))
        if total_chars == 0:
            raise ExtractionError("no text layer (scanned PDF): needs OCR before it can be read", "no_text")
        title = doc.get_metadata_value("Title") or None
    finally:
        doc.close()
    # renumber tables and text blocks in order
    t_no = b_no = 0
    for b in blocks:
        if isinstance(b, Table):
            t_no += 1
            b.number = t_no
    for b in [*blocks, *footnotes]:
        if isinstance(b, TextBlock):
            b_no += 1
            b.number = b_no
    return ExtractedDocument(path=str(path), sha256=sha256, format="pdf", blocks=blocks + footnotes,
                             pages=n_pages, title=nfc(title) if isinstance(title, str) else None,
                             stats={"pages": n_pages, "table_pages": table_pages})


def _footnotes(foot: list[_Line], page_no: int) -> list[TextBlock]:
    """A marker line ("1") or a line starting with the marker opens a note."""
    current: list[_Line] = []
    notes: list[list[_Line]] = []
    for ln in sorted(foot, key=lambda ln: ln.top):
        marker = re.match(r"(\d{1,2})(?:\s+|$)", ln.text.strip())
        if marker:
            if current:
                notes.append(current)
            current = []
            ln = _Line(ln.text.strip()[marker.end():], ln.x0, ln.x1, ln.top, ln.bottom, ln.size)
            if not ln.text:
                continue
        current.append(ln)
    if current:
        notes.append(current)
    return [TextBlock(text=_join(note), number=0, page=page_no, kind="footnote",
                      bbox=(min(p.x0 for p in note), note[0].top, max(p.x1 for p in note), note[-1].bottom))
            for note in notes]
