"""Page text with positions from pdfium: words, lines, and the text inside a box.

Every PDF reader downstream (paragraphs, ruled-table cells, borderless tables) works on
the same word dicts: `text`, `x0`, `x1`, `top`, `bottom` (top-left origin, points),
`size` (font size), `baseline` and `bold`. OCR produces words of the same shape, so one
set of table and sentence readers serves text PDFs and scans.
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_BREAK_CODES = frozenset((32, 9, 10, 13, 0xA0, 0xFFFE, 0xFFFF, 0))

# A char as read from pdfium: (text, left, right, bottom, top, size, baseline y, bold, break before)
_Char = tuple[str, float, float, float, float, float, float, bool, bool]


def page_words(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Words with position and font size, from pdfium (about 100× faster than pdfminer).

    A new word starts at a space, a line break, a gap or a change of font size, so that a
    superscript footnote marker glued to a number stays a separate (small) word.

    Some PDFs (LibreOffice writes Vietnamese glyph runs this way in some layouts) store
    the glyphs of a line out of reading order: "phương" comes as "ph", "ng", then "ươ"
    placed between them. pdfium keeps the stored order, so a page whose glyphs run
    backwards within a line is put into visual order first (lines by baseline, glyphs by
    x) and its words are cut at gaps; pages stored in order are read exactly as stored.
    """
    tp = page.get_textpage()
    try:
        chars = _page_chars(tp)
    finally:
        tp.close()
    if not _stored_in_order(chars):
        chars = _visual_order(chars)
    return _words_from_chars(chars, height)


def _page_chars(tp: pdfium.PdfTextPage) -> list[_Char]:
    n = tp.count_chars()
    rect = pdfium_c.FS_RECTF()  # loose boxes: font ascent/descent, the same for every glyph of a line
    ox, oy = ctypes.c_double(), ctypes.c_double()
    chars: list[_Char] = []
    brk = False
    for i in range(n):
        code = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
        if code in _BREAK_CODES or pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1:
            brk = True
            continue
        pdfium_c.FPDFText_GetLooseCharBox(tp.raw, i, ctypes.byref(rect))
        size = round(pdfium_c.FPDFText_GetFontSize(tp.raw, i), 1)
        if size <= 1.0:
            size = round(rect.top - rect.bottom, 1)
        pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(ox), ctypes.byref(oy))
        bold = pdfium_c.FPDFText_GetFontWeight(tp.raw, i) >= 600
        chars.append((chr(code), rect.left, rect.right, rect.bottom, rect.top, size, oy.value, bold, brk))
        brk = False
    return chars


def _stored_in_order(chars: list[_Char]) -> bool:
    """No glyph starts well left of the previous one on the same baseline."""
    for prev, ch in zip(chars, chars[1:], strict=False):
        if abs(ch[6] - prev[6]) < 0.3 * ch[5] and ch[1] < prev[1] - 0.5 * ch[5]:
            return False
    return True


def _visual_order(chars: list[_Char]) -> list[_Char]:
    """Lines by baseline (top to bottom), glyphs by x; a break before each glyph after a gap."""
    lines: list[list[_Char]] = []
    for ch in sorted(chars, key=lambda c: -c[6]):
        if lines and abs(lines[-1][0][6] - ch[6]) <= 0.3 * ch[5]:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out: list[_Char] = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        for k, ch in enumerate(line):
            gap = ch[1] - line[k - 1][2] if k else 0.0
            out.append((*ch[:8], k == 0 or gap > 0.15 * ch[5]))
    return out


def _words_from_chars(chars: list[_Char], height: float) -> list[dict]:
    words: list[dict] = []
    cur: list[_Char] = []

    def flush() -> None:
        if cur:
            words.append({"text": "".join(c[0] for c in cur), "x0": min(c[1] for c in cur),
                          "x1": max(c[2] for c in cur), "top": height - max(c[4] for c in cur),
                          "bottom": height - min(c[3] for c in cur), "size": cur[0][5],
                          "baseline": height - cur[0][6], "bold": cur[0][7]})
            cur.clear()

    for ch in chars:
        _, left, _, bottom, _, size, _, bold, brk = ch
        if brk:
            flush()
        elif cur:
            prev = cur[-1]
            if abs(size - prev[5]) > 0.6 or left - prev[2] > 0.25 * size or \
                    abs(bottom - prev[3]) > 0.6 * size and left < prev[1] or bold != prev[7]:
                flush()
        cur.append(ch)
    flush()
    return words


def group_lines(words: list[dict]) -> list[list[dict]]:
    """Words on one baseline form a line (a raised, smaller superscript still belongs to it)."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["baseline"]), w["x0"])):
        for row in rows:
            ref = row[0]
            if abs(w["baseline"] - ref["baseline"]) <= 0.45 * max(w["size"], ref["size"]):
                row.append(w)
                break
        else:
            rows.append([w])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    return rows


def join_words(line: list[dict]) -> str:
    """Words of a line, with a space where the print leaves a gap."""
    text = ""
    prev = None
    for w in line:
        if prev is not None and w["x0"] - prev["x1"] > 0.8:
            text += " "
        text += w["text"]
        prev = w
    return text


def cell_text(bbox: tuple[float, float, float, float], words: list[dict]) -> str:
    """The words whose centre lies in a cell, one line per printed line."""
    x0, top, x1, bottom = bbox
    inside = [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
    return "\n".join(join_words(line) for line in group_lines(inside))
