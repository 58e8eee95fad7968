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

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from chiso.extract.model import BBox, Cell, ExtractedDocument, ExtractionError, Table, TextBlock
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


def _body_size(page) -> float:
    sizes = Counter(round(c["size"] * 2) / 2 for c in page.chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _lines(page, body: float) -> list[_Line]:
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=True)
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        for row in rows:
            ref = row[0]
            if abs(w["bottom"] - ref["bottom"]) <= 3.5 or abs(w["top"] - ref["top"]) <= 2.5:
                row.append(w)
                break
        else:
            rows.append([w])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        weight: Counter[float] = Counter()
        for w in row:
            weight[round(w["size"], 1)] += len(w["text"])
        main = weight.most_common(1)[0][0]
        # drop superscript markers: small digits in a line of body-sized words
        kept = [w for w in row if not (w["size"] < 0.8 * main and re.fullmatch(r"[\d*,]+", w["text"]))]
        if not kept:
            kept = row
        text = ""
        prev = None
        for w in kept:
            if prev is not None and w["x0"] - prev["x1"] > 0.8:
                text += " "
            text += w["text"]
            prev = w
        lines.append(_Line(nfc(text), min(w["x0"] for w in kept), max(w["x1"] for w in kept),
                           min(w["top"] for w in kept), max(w["bottom"] for w in kept),
                           main))
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


def _grid_from_plumber(table, page_no: int, number: int) -> Table:
    rows = table.rows
    text = table.extract()
    n_rows = len(rows)
    n_cols = max((len(r.cells) for r in rows), default=0)
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    origins: list[Cell] = []
    col_x = [None] * n_cols
    row_y = [None] * n_rows
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
            raw = text[r][c] if r < len(text) and c < len(text[r]) else ""
            cell = Cell(text=nfc(raw or ""), row=r, col=c, page=page_no, bbox=tuple(bbox))
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


def _precheck(path: Path) -> None:
    """pdfium opens a PDF in milliseconds: refuse encrypted, broken and huge files before pdfminer."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise ExtractionError("encrypted PDF (password protected): cannot read without the password",
                                  "encrypted") from e
        raise ExtractionError(f"damaged PDF ({e})", "damaged") from e
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise ExtractionError(f"{n} pages (limit {MAX_PAGES}): not a provincial report", "too_large")
        if n == 0:
            raise ExtractionError("damaged PDF (no pages)", "damaged")
    finally:
        doc.close()


def read_pdf(path: str | Path, sha256: str, pages: list[int] | None = None) -> ExtractedDocument:
    """Read a PDF. `pages` (1-based) limits table detection to pages known to hold figures."""
    path = Path(path)
    _precheck(path)
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise ExtractionError("encrypted PDF (password protected): cannot read without the password",
                              "encrypted") from e
    except PDFSyntaxError as e:
        raise ExtractionError(f"damaged PDF ({e})", "damaged") from e
    except Exception as e:  # pdfminer raises a variety of errors on broken files
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise ExtractionError("encrypted PDF (password protected)", "encrypted") from e
        raise ExtractionError(f"damaged PDF ({type(e).__name__}: {e})", "damaged") from e
    with pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as e:
            raise ExtractionError(f"damaged PDF ({type(e).__name__}: {e})", "damaged") from e
        if n_pages > MAX_PAGES:
            raise ExtractionError(f"{n_pages} pages (limit {MAX_PAGES}): not a provincial report", "too_large")
        blocks: list[TextBlock | Table] = []
        footnotes: list[TextBlock] = []
        n_table = 0
        total_chars = 0
        wanted = set(pages) if pages is not None else None
        for page_no, page in enumerate(pdf.pages, start=1):
            total_chars += len(page.chars)
            if not page.chars:
                continue
            found = page.find_tables() if (wanted is None or page_no in wanted) else []
            tables = [t for t in found if len(t.rows) >= 2]
            rest = page
            for t in tables:
                x0, top, x1, bottom = t.bbox
                rest = rest.outside_bbox((x0 - 1, top - 1, x1 + 1, bottom + 1))
            body = _body_size(rest)
            lines = _lines(rest, body)
            # page numbers / running headers: a lone number at the top or bottom margin
            lines = [ln for ln in lines if not (re.fullmatch(r"[-–\s]*\d{1,4}[-–\s]*", ln.text)
                                                 and (ln.top < 70 or ln.bottom > page.height - 50))]
            body_lines = [ln for ln in lines if ln.size >= 0.8 * body]
            small = [ln for ln in lines if ln.size < 0.8 * body]
            lowest_body = max((ln.bottom for ln in body_lines), default=0)
            lowest_body = max([lowest_body] + [t.bbox[3] for t in tables])
            foot = [ln for ln in small if ln.top >= lowest_body - 2]
            inline_small = [ln for ln in small if ln.top < lowest_body - 2]
            body_lines = sorted(body_lines + inline_small, key=lambda ln: ln.top)

            left = min((ln.x0 for ln in body_lines), default=0)
            right = max((ln.x1 for ln in body_lines), default=page.width)
            items: list[tuple[float, TextBlock | Table]] = []
            for para in _paragraphs(body_lines, left, right):
                text = _join(para)
                if text:
                    bbox: BBox = (min(p.x0 for p in para), para[0].top, max(p.x1 for p in para), para[-1].bottom)
                    items.append((para[0].top, TextBlock(text=text, number=0, page=page_no, bbox=bbox)))
            for t in tables:
                n_table += 1
                items.append((t.bbox[1], _grid_from_plumber(t, page_no, n_table)))
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
                if isinstance(item, Table):
                    item.number = n_table if item.number > n_table else item.number
                blocks.append(item)
            # footnotes: a marker line ("1") or a line starting with the marker opens a note
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
            for note in notes:
                footnotes.append(TextBlock(text=_join(note), number=0, page=page_no, kind="footnote",
                                           bbox=(min(p.x0 for p in note), note[0].top,
                                                 max(p.x1 for p in note), note[-1].bottom)))
        if total_chars == 0:
            raise ExtractionError("no text layer (scanned PDF): needs OCR before it can be read", "no_text")
        title = (pdf.metadata or {}).get("Title")
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
                             pages=n_pages, title=nfc(title) if isinstance(title, str) else None)
