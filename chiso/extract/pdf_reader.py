"""PDF → blocks in reading order, tables with spans, footnotes; tables stitched across pages.

Decisions that matter for numbers:
- footnote markers are superscript digits glued to the preceding word (`06/4/2025¹`
  reads as `06/4/20251`); words set much smaller than the body text inside body lines
  are dropped, and small-print lines at the foot of a page become footnote blocks;
- a table that continues on the next page (repeated header row, same columns) becomes
  one table, and a merged group label cut by the page break is joined back together;
- tables are ruled (cells from the drawn rules, `pdf_ruled`) or borderless (columns from
  the aligned numbers, `pdf_borderless`); both give the same `Table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path

import pypdfium2 as pdfium

from chiso.extract.ocr import PageOcr  # OCR of scanned pages (chiso/extract/ocr.py)
from chiso.extract.ocr_numbers import merge_confidences, number_confidences
from chiso.extract.pdf_borderless import find_borderless_tables
from chiso.extract.pdf_lines import page_edges
from chiso.extract.pdf_masthead import split_masthead
from chiso.extract.pdf_ruled import ruled_tables
from chiso.extract.pdf_stitch import continues, continues_paragraph, stitch
from chiso.extract.pdf_words import body_size, group_lines, join_words, main_size, page_words, words_box
from chiso.extract.settings import DEFAULT, PdfSettings
from chiso.model import BBox, ExtractedDocument, ExtractionError, Table, TextBlock
from chiso.normalize.legacy_fonts import decode_pdf_words
from chiso.normalize.text import nfc

MAX_PAGES = 1500
_TEXT = itemgetter("text")
_PAGE_NUMBER = re.compile(r"[-–\s]*\d{1,4}[-–\s]*")
_SUPERSCRIPT = re.compile(r"[\d*,]+")
_MARKER = re.compile(r"(\d{1,2})(?:\s+|$)")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    numbers: dict[str, float] | None = None  # OCR: each number's confidence (ocr_numbers.number_confidences)


def _drop_superscripts(row: list[dict], small_ratio: float) -> list[dict]:
    """Footnote markers: small digits in a line of body-sized words."""
    main = main_size(row)
    return [w for w in row if not (w["size"] < small_ratio * main and _SUPERSCRIPT.fullmatch(w["text"]))] or row


def _line(row: list[dict]) -> _Line:
    x0, top, x1, bottom = words_box(row)
    return _Line(nfc(join_words(row)), x0, x1, top, bottom, main_size(row), all(w.get("bold") for w in row),
                 number_confidences(row))


def _lines(rows: list[list[dict]]) -> list[_Line]:
    return sorted((_line(row) for row in rows), key=lambda ln: ln.top)


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


def read_pdf(path: str | Path, sha256: str, data: bytes | None = None,
             settings: PdfSettings = DEFAULT) -> ExtractedDocument:
    """Read a PDF with pdfium only: text with positions and sizes, ruled tables from its drawing
    operations through pdfplumber's grid algorithm (see pdf_lines), borderless tables from the
    positions of the words (see pdf_borderless)."""
    path = Path(path)
    data = data if data is not None else path.read_bytes()
    doc = _open(data)
    blocks: list[TextBlock | Table] = []
    footnotes: list[TextBlock] = []
    stats = {"pages": len(doc), "table_pages": 0, "chars": 0}
    ocr = PageOcr(data)  # OCR: scanned pages read from their image, cached by (file sha256, page)
    try:
        for page_no in range(1, len(doc) + 1):
            page = doc[page_no - 1]
            try:
                items, foot = _read_page(page, page_no, settings, stats, ocr)
            finally:
                page.close()
            _append_page(blocks, items)
            footnotes.extend(foot)
        if stats["chars"] == 0:
            raise ExtractionError(ocr.no_text_reason(), "no_text")  # OCR: names what to install, if missing
        title = doc.get_metadata_value("Title") or None
        n_pages = len(doc)
    finally:
        doc.close()
    _number_blocks(blocks, footnotes)
    stats.pop("chars")
    stats.update(ocr.stats())  # OCR: ocr_pages, ocr_cache_hits, ocr_low_conf_words
    return ExtractedDocument(path=str(path), sha256=sha256, format="pdf", blocks=blocks + footnotes,
                             pages=n_pages, title=nfc(title) if isinstance(title, str) else None, stats=stats,
                             warnings=ocr.warnings())


def _read_page(page: pdfium.PdfPage, page_no: int, settings: PdfSettings, stats: dict[str, int], ocr: PageOcr
               ) -> tuple[list[tuple[float, TextBlock | Table]], list[TextBlock]]:
    """One page → its blocks in reading order (with their top) and its footnotes."""
    width, height = page.get_size()
    words = page_words(page, height)
    # ── OCR (chiso/extract/ocr.py): a page without a text layer gives its words (with `conf`) and
    # its rules (`edges`) from its image; for a page with a text layer `edges` is None and the
    # rules come from its drawing, as before.
    words, edges = ocr.read(page, page_no, words)
    # ──
    decode_pdf_words(words, stats)  # legacy TCVN3/VNI fonts (.VnTime, VNI-Times): decoded by font name
    stats["chars"] += sum(map(len, map(_TEXT, words)))
    if not words:
        return [], []
    rules = page_edges(page, height) if edges is None else edges  # drawn rules, or a scan's (OCR)
    tables = ruled_tables(page, height, words, page_no, rules)
    boxes = [t.bbox for t in tables if t.bbox]
    if boxes:
        words = _outside(words, boxes)
    rows = [_drop_superscripts(row, settings.small_print_ratio) for row in group_lines(words)]
    rows = [row for row in rows if not _page_number(row, height, settings)]
    body_rows, small, foot = _split_footnotes(rows, boxes, _footnote_rule(rules, width, height), settings)
    masthead, body_rows = split_masthead(sorted(body_rows, key=lambda r: words_box(r)[1]), page_no)
    borderless, rest = find_borderless_tables(body_rows, page_no, settings)
    tables += borderless + ([masthead] if masthead else [])
    stats["table_pages"] += bool(tables)
    body_lines = sorted(_lines(rest) + small, key=lambda ln: ln.top)
    items: list[tuple[float, TextBlock | Table]] = [(t.bbox[1] if t.bbox else 0.0, t) for t in tables]
    left = min((ln.x0 for ln in body_lines), default=0)
    right = max((ln.x1 for ln in body_lines), default=width)
    for para in _paragraphs(body_lines, left, right):
        text = _join(para)
        if text:
            bbox: BBox = (min(p.x0 for p in para), para[0].top, max(p.x1 for p in para), para[-1].bottom)
            items.append((para[0].top, TextBlock(text=text, number=0, page=page_no, bbox=bbox,
                                                 emphasis=all(p.bold for p in para),
                                                 ocr_numbers=merge_confidences(*(p.numbers for p in para)))))
    items.sort(key=lambda it: it[0])
    return items, _footnotes(foot, page_no)


def _outside(words: list[dict], boxes: list[BBox]) -> list[dict]:
    """The words whose centre lies in none of the boxes (a point of slack around each)."""
    bounds = [(b[0] - 1, b[2] + 1, b[1] - 1, b[3] + 1) for b in boxes]
    out = []
    for w in words:
        x, y = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for left, right, top, bottom in bounds:
            if left <= x <= right and top <= y <= bottom:
                break
        else:
            out.append(w)
    return out


def _footnote_rule(edges: list[dict], width: float, height: float) -> float | None:
    """The y of the short rule Word and LibreOffice draw above a page's footnotes, if any."""
    rules = [e["top"] for e in edges
             if e["orientation"] == "h" and 0.12 * width <= e["width"] <= 0.45 * width
             and e["x0"] < 0.25 * width and e["top"] > 0.45 * height]
    return min(rules) if rules else None


def _split_footnotes(rows: list[list[dict]], boxes: list, rule: float | None, settings: PdfSettings
                     ) -> tuple[list[list[dict]], list[_Line], list[_Line]]:
    """(body rows, small print inside the body, footnote lines): below the footnote rule when the page
    has one, else small print below the lowest body line or table."""
    if rule is not None:
        body = [r for r in rows if words_box(r)[1] < rule]
        return body, [], [_line(r) for r in rows if words_box(r)[1] >= rule]
    smallest_body = settings.small_print_ratio * body_size([w for r in rows for w in r])
    is_body = [main_size(r) >= smallest_body for r in rows]
    body = [r for r, b in zip(rows, is_body, strict=True) if b]
    small = [_line(r) for r, b in zip(rows, is_body, strict=True) if not b]
    lowest = max([words_box(r)[3] for r in body] + [b[3] for b in boxes], default=0)
    return body, [ln for ln in small if ln.top < lowest - 2], [ln for ln in small if ln.top >= lowest - 2]


def _page_number(row: list[dict], height: float, settings: PdfSettings) -> bool:
    """A lone number at the top or bottom margin: a page number or running header."""
    _, top, _, bottom = words_box(row)
    if not (top < settings.page_number_top or bottom > height - settings.page_number_bottom):
        return False
    return bool(_PAGE_NUMBER.fullmatch(join_words(row)))


def _append_page(blocks: list[TextBlock | Table], items: list[tuple[float, TextBlock | Table]]) -> None:
    """Add a page's blocks, joining a table or a sentence that the page break cut."""
    for i, (_, item) in enumerate(items):
        if isinstance(item, Table) and blocks and isinstance(blocks[-1], Table) and continues(blocks[-1], item, i == 0):
            stitch(blocks[-1], item)
            continue
        if i == 0 and isinstance(item, TextBlock) and blocks and isinstance(blocks[-1], TextBlock) \
                and continues_paragraph(blocks[-1].text, item.text):
            blocks[-1].text = blocks[-1].text + " " + item.text  # a sentence cut by the page break
            blocks[-1].ocr_numbers = merge_confidences(blocks[-1].ocr_numbers, item.ocr_numbers)
            continue
        blocks.append(item)


def _number_blocks(blocks: list[TextBlock | Table], footnotes: list[TextBlock]) -> None:
    """Tables and text blocks numbered in reading order (footnotes after the body)."""
    t_no = b_no = 0
    for b in blocks:
        if isinstance(b, Table):
            t_no += 1
            b.number = t_no
    for b in [*blocks, *footnotes]:
        if isinstance(b, TextBlock):
            b_no += 1
            b.number = b_no


def _footnotes(foot: list[_Line], page_no: int) -> list[TextBlock]:
    """A marker line ("1") or a line starting with the marker opens a note."""
    current: list[_Line] = []
    notes: list[list[_Line]] = []
    for ln in sorted(foot, key=lambda ln: ln.top):
        marker = _MARKER.match(ln.text.strip())
        if marker:
            if current:
                notes.append(current)
            current = []
            ln = replace(ln, text=ln.text.strip()[marker.end():], bold=False)
            if not ln.text:
                continue
        current.append(ln)
    if current:
        notes.append(current)
    return [TextBlock(text=_join(note), number=0, page=page_no, kind="footnote",
                      bbox=(min(p.x0 for p in note), note[0].top, max(p.x1 for p in note), note[-1].bottom),
                      ocr_numbers=merge_confidences(*(p.numbers for p in note)))
            for note in notes]
