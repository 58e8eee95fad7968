"""Page text with positions from pdfium: words, lines, and the text inside a box.

Every PDF reader downstream (paragraphs, ruled-table cells, borderless tables) works on
the same word dicts: `text`, `x0`, `x1`, `top`, `bottom` (top-left origin, points),
`size` (font size), `baseline`, `bold` and `font` (the PDF font name of the word's first
glyph, e.g. "ABCDEF+TimesNewRomanPSMT" or ".VnTime": legacy TCVN3/VNI fonts are told by
it). OCR produces words of the same shape, so one set of table and sentence readers
serves text PDFs and scans.

Speed (a national backfill is bound by CPU per page): reading a page costs pdfium calls
per glyph, so they are kept to the few that carry per-glyph facts. The page's text comes
in one `FPDFText_GetText` call; each glyph then costs its loose box, its origin and its
text object; font size, weight and name belong to the text object and are asked once per
object. The pdfium functions are called through plain ctypes pointers without argument
conversion (handles passed as prebuilt `c_void_p`, output structs by prebuilt `byref`),
which halves the cost of each call against the typed bindings.

Sources: pdfium's `core/fpdftext/cpdf_textpage.cpp` (chromium/pdfium): the characters it
generates (`FPDFText_IsGenerated`) are only spaces and line breaks, which end a word here
anyway; `FPDFText_GetText` leaves control characters out and writes U+FFFE for a glyph
without Unicode or a soft hyphen (code 2), so `_page_text` checks the length and asks again
where needed. `FPDFText_GetFontSize`/`GetFontWeight`/`GetFontInfo` read the char's text object.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_BREAK_CODES = frozenset((32, 9, 10, 13, 0xA0, 0xFFFE, 0xFFFF, 0))
_BREAK_CHARS = frozenset(map(chr, _BREAK_CODES))

# A char as read from pdfium:
# (text, left, right, bottom, top, size, baseline y, bold, break before, font name)
_Char = tuple[str, float, float, float, float, float, float, bool, bool, str]
# what a text object says about every glyph it draws: (rounded font size, bold, font name)
_Style = tuple[float, bool, str]

_FuncPtr = type(pdfium_c.FPDFText_GetUnicode)  # pypdfium2's own library, its calling convention


def raw_function(func, restype=ctypes.c_int):  # noqa: ANN001, ANN201
    """The same pdfium function without argtypes: ctypes passes prebuilt arguments as they are
    (handles as `c_void_p`, outputs as `byref`, Python ints as C int: for `int` parameters only)."""
    f = _FuncPtr(ctypes.cast(func, ctypes.c_void_p).value)
    f.restype = restype
    return f


_get_text = raw_function(pdfium_c.FPDFText_GetText)
_get_unicode = raw_function(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_loose_box = raw_function(pdfium_c.FPDFText_GetLooseCharBox)
_char_origin = raw_function(pdfium_c.FPDFText_GetCharOrigin)
_font_size = raw_function(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_font_weight = raw_function(pdfium_c.FPDFText_GetFontWeight)
_font_info = raw_function(pdfium_c.FPDFText_GetFontInfo, ctypes.c_ulong)
_GetTextObject = getattr(pdfium_c, "FPDFText_GetTextObject", None)  # pdfium ≥ 5700
_text_object = raw_function(_GetTextObject, ctypes.c_void_p) if _GetTextObject is not None else None


def page_words(page: pdfium.PdfPage, height: float) -> PageWords:
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
        chars, in_order = _page_chars(tp)
    finally:
        tp.close()
    if not in_order:
        chars = _visual_order(chars)
    return _words_from_chars(chars, height)


def _page_text(handle: ctypes.c_void_p, n: int) -> str:
    """The page's n chars as one string, char i at index i (the code `FPDFText_GetUnicode` gives).

    One `FPDFText_GetText` call reads them all. pdfium leaves control characters out of
    that text and writes U+FFFE where a glyph has no Unicode (or is a soft hyphen, code 2):
    a page with control characters is read char by char, and each U+FFFE is asked again.
    """
    buf = (ctypes.c_uint16 * (2 * n + 2))()  # room for surrogate pairs and the terminator
    written = _get_text(handle, 0, n, buf)
    text = ctypes.string_at(buf, 2 * max(written - 1, 0)).decode("utf-16-le", "surrogatepass")
    if len(text) != n:
        return "".join([chr(_get_unicode(handle, i)) for i in range(n)])
    if "\ufffe" in text:
        text = "".join([chr(_get_unicode(handle, i)) if c == "\ufffe" else c for i, c in enumerate(text)])
    return text


def _style(handle: ctypes.c_void_p, i: int, name_buf: ctypes.Array) -> _Style:
    """Font size (rounded), bold and font name of char i: facts of its text object."""
    size = round(_font_size(handle, i), 1)
    bold = _font_weight(handle, i) >= 600
    need = _font_info(handle, i, name_buf, ctypes.c_ulong(len(name_buf)), None)
    if need > len(name_buf):
        name_buf = ctypes.create_string_buffer(need)
        need = _font_info(handle, i, name_buf, ctypes.c_ulong(need), None)
    return size, bold, name_buf.raw[:max(need - 1, 0)].decode("utf-8", "replace")


def _page_chars(tp: pdfium.PdfTextPage) -> tuple[list[_Char], bool]:
    """Every printed glyph of the page in stored order, and whether that order is the visual
    one: no glyph starts well left of the previous one on the same baseline."""
    n = tp.count_chars()
    if n <= 0:
        return [], True
    handle = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value)
    text = _page_text(handle, n)
    rect = pdfium_c.FS_RECTF()  # loose boxes: font ascent/descent, the same for every glyph of a line
    rect_ref = ctypes.byref(rect)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
    name_buf = ctypes.create_string_buffer(128)
    styles: dict[int | None, _Style] = {}
    chars: list[_Char] = []
    append = chars.append
    breaks = _BREAK_CHARS
    text_object = _text_object
    in_order = True
    brk = False
    prev_y = prev_left = None
    for i, ch in enumerate(text):
        if ch in breaks:
            brk = True
            continue
        _loose_box(handle, i, rect_ref)
        obj = text_object(handle, i) if text_object is not None else None
        style = styles.get(obj) if obj is not None else None
        if style is None:
            style = _style(handle, i, name_buf)
            if obj is not None:
                styles[obj] = style
        size = style[0]
        if size <= 1.0:
            size = round(rect.top - rect.bottom, 1)
        _char_origin(handle, i, ox_ref, oy_ref)
        y = oy.value
        left = rect.left
        if in_order and prev_y is not None and abs(y - prev_y) < 0.3 * size and left < prev_left - 0.5 * size:
            in_order = False
        prev_y, prev_left = y, left
        append((ch, left, rect.right, rect.bottom, rect.top, size, y, style[1], brk, style[2]))
        brk = False
    return chars, in_order


def _visual_order(chars: list[_Char]) -> list[_Char]:
    """Lines by baseline (top to bottom), glyphs by x; a break before each glyph after a gap."""
    if any(c[6] != c[6] for c in chars):  # a NaN baseline: the sort below assumes an order
        by_line = sorted(chars, key=lambda c: -c[6])
    else:
        by_line = sorted(chars, key=_baseline, reverse=True)  # stable: the same as key=-baseline
    lines: list[list[_Char]] = []
    ref_y = 0.0
    for ch in by_line:
        if lines and abs(ref_y - ch[6]) <= 0.3 * ch[5]:
            lines[-1].append(ch)
        else:
            lines.append([ch])
            ref_y = ch[6]
    out: list[_Char] = []
    append = out.append
    for line in lines:
        line.sort(key=_left)
        prev_right = 0.0
        for k, ch in enumerate(line):
            append((ch[0], ch[1], ch[2], ch[3], ch[4], ch[5], ch[6], ch[7],
                    k == 0 or ch[1] - prev_right > 0.15 * ch[5], ch[9]))
            prev_right = ch[2]
    return out


def _words_from_chars(chars: list[_Char], height: float) -> PageWords:
    """Cut words at breaks, gaps, size and weight changes; a word's box spans its glyphs."""
    words = PageWords()
    if not chars:
        return words
    texts = [c[0] for c in chars]
    append = words.append
    start = 0
    first = prev = chars[0]
    x0, x1, low, high = first[1], first[2], first[3], first[4]
    for k in range(1, len(chars)):
        ch = chars[k]
        _, left, right, bottom, top, size, _, bold, brk, _ = ch
        if brk or abs(size - prev[5]) > 0.6 or left - prev[2] > 0.25 * size or \
                abs(bottom - prev[3]) > 0.6 * size and left < prev[1] or bold != prev[7]:
            append({"text": "".join(texts[start:k]), "x0": x0, "x1": x1, "top": height - high, "bottom": height - low,
                    "size": first[5], "baseline": height - first[6], "bold": first[7], "font": first[9]})
            start, first = k, ch
            x0, x1, low, high = left, right, bottom, top
        else:
            if left < x0:
                x0 = left
            if right > x1:
                x1 = right
            if bottom < low:
                low = bottom
            if top > high:
                high = top
        prev = ch
    append({"text": "".join(texts[start:]), "x0": x0, "x1": x1, "top": height - high, "bottom": height - low,
            "size": first[5], "baseline": height - first[6], "bold": first[7], "font": first[9]})
    return words


class PageWords(list):
    """The words of one page (a plain list of word dicts) that also finds the words inside a
    box without scanning the page: `cell_words` asks it once per table cell.

    The index by vertical centre is built on first use; the list must not change after that
    (readers filter pages into new lists, which are plain lists and scanned as before).
    """

    _centres: list[float] | None = None
    _order: list[int]

    def in_band(self, top: float, bottom: float) -> list[dict]:
        """Words whose vertical centre lies in [top, bottom], in page order."""
        if self._centres is None:
            centres = [((w["top"] + w["bottom"]) / 2, k) for k, w in enumerate(self)]
            if any(c != c for c, _ in centres):  # NaN does not sort: scan such a page
                return list(self)
            centres.sort()
            self._centres = [c for c, _ in centres]
            self._order = [k for _, k in centres]
        lo, hi = bisect_left(self._centres, top), bisect_right(self._centres, bottom)
        return [self[k] for k in sorted(self._order[lo:hi])]


_x0 = itemgetter("x0")
_left, _baseline = itemgetter(1), itemgetter(6)  # of a _Char


def group_lines(words: list[dict]) -> list[list[dict]]:
    """Words on one baseline form a line (a raised, smaller superscript still belongs to it).

    A word joins the first line (in order of creation) whose first word's baseline is within
    0.45 × the larger font size of its own. Lines are created in order of rounded baseline,
    so only the lines whose rounded baseline is within reach (0.45 × the largest size on the
    page, plus slack for rounding) are tried: one sorted pass, not every word against every line.
    """
    rows: list[list[dict]] = []
    if not words:
        return rows
    keys: list[int] = []  # round(baseline) of each line's first word: non-decreasing
    bases: list[float] = []  # baseline and size of each line's first word
    sizes: list[float] = []
    # |round(a) - round(b)| <= |a - b| + 1: a line out of this many rounded points cannot be in reach
    reach = int(min(0.45 * max((w["size"] for w in words if w["size"] == w["size"]), default=0.0), 1e9)) + 2
    order = sorted([(round(w["baseline"]), w["x0"], k) for k, w in enumerate(words)])  # stable by (key, x0)
    for key, _, k in order:
        w = words[k]
        base, size = w["baseline"], w["size"]
        j = bisect_left(keys, key - reach)
        last = key + reach
        n = len(keys)
        while j < n and keys[j] <= last:
            ref_size = sizes[j]
            if abs(base - bases[j]) <= 0.45 * (ref_size if ref_size > size else size):  # max(size, ref_size)
                rows[j].append(w)
                break
            j += 1
        else:
            rows.append([w])
            keys.append(key)
            bases.append(base)
            sizes.append(size)
    for row in rows:
        row.sort(key=_x0)
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


def cell_words(bbox: tuple[float, float, float, float], words: list[dict]) -> list[dict]:
    """The words whose centre lies in a cell."""
    x0, top, x1, bottom = bbox
    if isinstance(words, PageWords):
        words = words.in_band(top, bottom)
    return [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]


def lines_text(words: list[dict]) -> str:
    """Words as printed: one line per printed line."""
    return "\n".join(join_words(line) for line in group_lines(words))


def cell_text(bbox: tuple[float, float, float, float], words: list[dict]) -> str:
    """The words whose centre lies in a cell, one line per printed line."""
    return lines_text(cell_words(bbox, words))
