"""Page text with positions from pdfium: words, lines, and the text inside a box.

Every PDF reader downstream (paragraphs, ruled-table cells, borderless tables) works on
the same word dicts: `text`, `x0`, `x1`, `top`, `bottom` (top-left origin, points),
`size` (font size), `baseline`, `bold` and `font` (the PDF font name of the word's first
glyph, e.g. "ABCDEF+TimesNewRomanPSMT" or ".VnTime": legacy TCVN3/VNI fonts are told by
it). OCR produces words of the same shape, so one set of table and sentence readers
serves text PDFs and scans.

Speed (a national backfill is bound by CPU per page): the page's text comes in one
`FPDFText_GetText` call; each glyph's loose box, origin and text object (and, where the object
changes, its font size, weight and font) come from a small compiled loop (`_pdfchars.c`, built
by setup.py) that calls pypdfium2's own pdfium functions and returns fixed-size records, read
by numpy without a copy: about 0.05 ms a page, where the same calls through ctypes cost 4-5 ms.
The same C module also cuts the words and makes their dicts (`_pdfchars.page_words`: ~0.1 ms a
page of ~470 words, where cutting them with numpy and making the dicts in Python took ~1 ms).
`_Glyphs` below is the definition of those cuts and the path taken without a C compiler at
install (the records then read through ctypes; `FAST_GLYPHS` says which): tests check that the
records and the words of both paths are the same, and the words were compared on 70,455 pages of
1,251 PDFs found on the development machine without a difference. Font names are asked once per
font.

Sources: pdfium's `core/fpdftext/cpdf_textpage.cpp` (chromium/pdfium): the characters it
generates (`FPDFText_IsGenerated`) are only spaces and line breaks, which end a word here
anyway; `FPDFText_GetText` leaves control characters out and writes U+FFFE for a glyph
without Unicode or a soft hyphen (code 2), so `_page_text` checks the length and asks again
where needed. `FPDFText_GetFontSize`/`GetFontWeight`/`GetFontInfo` read the char's text object.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

try:  # the compiled glyph loop (setup.py builds it; optional: without a C compiler, ctypes does the same)
    from chiso.extract import _pdfchars
except ImportError:  # pragma: no cover - depends on the install
    _pdfchars = None

_BREAK_CODES = frozenset((32, 9, 10, 13, 0xA0, 0xFFFE, 0xFFFF, 0))
_BREAK_ARRAY = np.array(sorted(_BREAK_CODES), dtype="<u4")

# One glyph as pdfium gives it (the record `_pdfchars.c` writes): its loose box (font ascent and
# descent, the same for every glyph of a line), its origin on the baseline, its text object.
# Its font size, weight and font belong to the text object (asked again where the object changes).
_RECORD = np.dtype([("left", "<f4"), ("top", "<f4"), ("right", "<f4"), ("bottom", "<f4"),
                    ("ox", "<f8"), ("oy", "<f8"), ("object", "<u8"), ("size", "<f8"), ("weight", "<i4"),
                    ("unused", "<i4"), ("font", "<u8")])

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
_object_font = raw_function(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)

# the compiled loop is used where it was built and pdfium has FPDFText_GetTextObject
FAST_GLYPHS = _pdfchars is not None and _GetTextObject is not None
_ADDRESSES = tuple(ctypes.cast(f, ctypes.c_void_p).value or 0 for f in (
    pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin, _GetTextObject or pdfium_c.FPDFText_GetUnicode,
    pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetFontWeight, pdfium_c.FPDFTextObj_GetFont))
_FONT_INFO = ctypes.cast(pdfium_c.FPDFText_GetFontInfo, ctypes.c_void_p).value or 0


def page_words(page: pdfium.PdfPage, height: float, compiled: bool = FAST_GLYPHS) -> PageWords:
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
        if compiled:  # the compiled loop cuts the words as `_Glyphs` does (a test checks both agree)
            return _compiled_words(tp, height)
        glyphs = _page_glyphs(tp)
    finally:
        tp.close()
    if glyphs is None:
        return PageWords()
    if not glyphs.in_stored_order():
        glyphs = glyphs.in_visual_order()
    return glyphs.words(height)


def _compiled_words(tp: pdfium.PdfTextPage, height: float) -> PageWords:
    """`page_words` in one call to `_pdfchars.page_words`: glyphs, sizes, fonts, visual order and
    word cuts made in C from the same pdfium calls and the page text `_page_text` reads."""
    n = tp.count_chars()
    if n <= 0:
        return PageWords()
    handle = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value)
    return PageWords(_pdfchars.page_words(handle.value, n, _page_text(handle, n), float(height), *_ADDRESSES,
                                          _FONT_INFO))


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


def _font_name(handle: ctypes.c_void_p, i: int, name_buf: ctypes.Array) -> str:
    """The PDF name of char i's font ("ABCDEF+TimesNewRomanPSMT", ".VnTime")."""
    need = _font_info(handle, i, name_buf, ctypes.c_ulong(len(name_buf)), None)
    if need > len(name_buf):
        name_buf = ctypes.create_string_buffer(need)
        need = _font_info(handle, i, name_buf, ctypes.c_ulong(need), None)
    return name_buf.raw[:max(need - 1, 0)].decode("utf-8", "replace")


def glyph_records(handle: ctypes.c_void_p, n: int, compiled: bool = FAST_GLYPHS) -> np.ndarray:
    """`_RECORD`s of chars 0..n-1: in one call to the compiled loop (`_pdfchars.c`) where it was
    built, else through ctypes, the same calls one by one."""
    if compiled:
        raw = _pdfchars.char_records(handle.value, n, *_ADDRESSES)
        return np.frombuffer(raw, dtype=_RECORD)
    records = np.zeros(n, dtype=_RECORD)
    rect, ox, oy = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    prev_obj, style = None, (0.0, 0, 0)
    for i in range(n):
        rect.left = rect.top = rect.right = rect.bottom = 0.0
        ox.value = oy.value = 0.0
        _loose_box(handle, i, rect_ref)
        _char_origin(handle, i, ox_ref, oy_ref)
        obj = (_text_object(handle, i) if _text_object is not None else None) or 0
        if not obj or obj != prev_obj:
            style = (_font_size(handle, i), _font_weight(handle, i), (_object_font(ctypes.c_void_p(obj)) or 0) if obj else 0)
        prev_obj = obj
        records[i] = (rect.left, rect.top, rect.right, rect.bottom, ox.value, oy.value, obj, style[0], style[1], 0,
                      style[2])
    return records


def _page_glyphs(tp: pdfium.PdfTextPage) -> _Glyphs | None:
    """Every printed glyph of the page in stored order (None for a page without text)."""
    n = tp.count_chars()
    if n <= 0:
        return None
    handle = ctypes.c_void_p(ctypes.cast(tp.raw, ctypes.c_void_p).value)
    text = _page_text(handle, n)
    records = glyph_records(handle, n)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    is_break = np.isin(codes, _BREAK_ARRAY)
    kept = np.flatnonzero(~is_break)
    if not len(kept):
        return None
    brk = np.zeros(n, dtype=bool)
    brk[1:] = is_break[:-1]  # a space or line break before the glyph (the first glyph of a page: only if one leads)
    rec = records[kept]
    size, font, names = _glyph_styles(handle, kept, rec)
    return _Glyphs(text, kept, rec["left"].astype(float), rec["right"].astype(float),
                   rec["bottom"].astype(float), rec["top"].astype(float), size, rec["oy"].copy(),
                   rec["weight"] >= 600, brk[kept], font, names)


def _glyph_styles(handle: ctypes.c_void_p, kept: np.ndarray, rec: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Font size (rounded to 0.1 pt) of each glyph, and its font as an index into a list of font
    names: asked once per text object and once per font; a size of 1 pt or less (text scaled by
    its matrix) is the box's height."""
    _, first, inverse = np.unique(rec["object"], return_index=True, return_inverse=True)
    size = np.array([round(s, 1) for s in rec["size"][first].tolist()], dtype=float)[inverse]
    fonts, font_first, font = np.unique(rec["font"], return_index=True, return_inverse=True)
    name_buf = ctypes.create_string_buffer(128)
    names = [_font_name(handle, int(kept[f]), name_buf) for f in font_first.tolist()]
    if fonts[0] == 0:  # glyphs without a text object (or whose font pdfium cannot give): each its own name
        for j in np.flatnonzero(rec["font"] == 0).tolist():
            font[j] = len(names)
            names.append(_font_name(handle, int(kept[j]), name_buf))
    for j in np.flatnonzero(rec["object"] == 0).tolist():
        size[j] = round(float(rec["size"][j]), 1)
    for j in np.flatnonzero(size <= 1.0).tolist():
        size[j] = round(float(rec["top"][j]) - float(rec["bottom"][j]), 1)
    return size, font, names


@dataclass
class _Glyphs:
    """The printed glyphs of a page as columns (one entry per glyph, breaks left out)."""

    page_text: str  # the page's chars (breaks too): a glyph's text is page_text[index]
    index: np.ndarray  # each glyph's char index on the page
    left: np.ndarray
    right: np.ndarray
    bottom: np.ndarray
    top: np.ndarray
    size: np.ndarray
    baseline: np.ndarray  # the origin's y (PDF space, up)
    bold: np.ndarray
    brk: np.ndarray  # a break (space, line break, gap) before the glyph
    font: np.ndarray  # index into font_names
    font_names: list[str]
    stored_order: bool = True  # glyphs as stored: a word's glyphs are one run of the page's text

    def in_stored_order(self) -> bool:
        """No glyph starts well left of the previous one on the same baseline."""
        y, left, size = self.baseline, self.left, self.size
        back = (np.abs(y[1:] - y[:-1]) < 0.3 * size[1:]) & (left[1:] < left[:-1] - 0.5 * size[1:])
        return not back.any()

    def take(self, order: np.ndarray, brk: np.ndarray) -> _Glyphs:
        return _Glyphs(self.page_text, self.index[order], self.left[order], self.right[order],
                       self.bottom[order], self.top[order], self.size[order], self.baseline[order],
                       self.bold[order], brk, self.font[order], self.font_names, stored_order=False)

    def in_visual_order(self) -> _Glyphs:
        """Lines by baseline (top to bottom), glyphs by x; a break before each glyph after a gap."""
        by_line = np.argsort(-self.baseline, kind="stable")
        y, size = self.baseline[by_line], self.size[by_line]
        order: list[np.ndarray] = []
        brk: list[np.ndarray] = []
        start, n = 0, len(by_line)
        while start < n:  # a line: the glyphs from its first one on that lie within 0.3 × size of it
            off = np.abs(y[start] - y[start + 1:]) > 0.3 * size[start + 1:]
            end = start + 1 + (int(off.argmax()) if off.any() else n - start - 1)
            line = by_line[start:end]
            line = line[np.argsort(self.left[line], kind="stable")]
            gap = np.ones(len(line), dtype=bool)
            gap[1:] = self.left[line[1:]] - self.right[line[:-1]] > 0.15 * self.size[line[1:]]
            order.append(line)
            brk.append(gap)
            start = end
        return self.take(np.concatenate(order), np.concatenate(brk))

    def words(self, height: float) -> PageWords:
        """Cut words at breaks, gaps, size and weight changes; a word's box spans its glyphs."""
        left, right, bottom, size, bold = self.left, self.right, self.bottom, self.size, self.bold
        cut = self.brk[1:] | (np.abs(size[1:] - size[:-1]) > 0.6) | (left[1:] - right[:-1] > 0.25 * size[1:]) \
            | ((np.abs(bottom[1:] - bottom[:-1]) > 0.6 * size[1:]) & (left[1:] < left[:-1])) \
            | (bold[1:] != bold[:-1])
        starts = np.concatenate(([0], np.flatnonzero(cut) + 1))
        ends = np.append(starts[1:], len(left))
        x0s = np.minimum.reduceat(left, starts).tolist()
        x1s = np.maximum.reduceat(right, starts).tolist()
        tops = (height - np.maximum.reduceat(self.top, starts)).tolist()
        bottoms = (height - np.minimum.reduceat(bottom, starts)).tolist()
        baselines = (height - self.baseline[starts]).tolist()
        sizes = size[starts].tolist()
        bolds = bold[starts].tolist()
        names = self.font_names
        fonts = [names[k] for k in self.font[starts].tolist()]
        page_text, index = self.page_text, self.index
        if self.stored_order:  # a word's glyphs are one run of the page's text
            texts = [page_text[a:b + 1] for a, b in zip(index[starts].tolist(), index[ends - 1].tolist(), strict=True)]
        else:
            chars = [page_text[i] for i in index.tolist()]
            texts = ["".join(chars[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
        return PageWords([{"text": t, "x0": a, "x1": b, "top": tp, "bottom": bt, "size": sz, "baseline": bl,
                           "bold": bd, "font": f}
                          for t, a, b, tp, bt, sz, bl, bd, f in zip(texts, x0s, x1s, tops, bottoms, sizes, baselines,
                                                                     bolds, fonts, strict=True)])


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


def group_lines(words: list[dict]) -> list[list[dict]]:
    """Words on one baseline form a line (`lines_by_baseline` is the definition; the compiled module
    does the same steps, ~10× faster, where it was built and the positions are finite numbers)."""
    if _pdfchars is not None:
        rows = _pdfchars.group_lines(words)
        if rows is not None:
            return rows
    return lines_by_baseline(words)


def lines_by_baseline(words: list[dict]) -> list[list[dict]]:
    """Words on one baseline form a line (a raised, smaller superscript still belongs to it).

    A word joins the first line (in order of creation) whose first word's baseline is within
    0.45 × the larger font size of its own. Lines are created in order of rounded baseline,
    so only the lines whose rounded baseline is within reach (0.45 × the largest size on the
    page, plus slack for rounding) are tried: one sorted pass, not every word against every line.
    """
    rows: list[list[dict]] = []
    if len(words) < 2:
        return [[words[0]]] if words else rows
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
    """Words of a line, with a space where the print leaves a gap (`spaced_text` is the definition;
    the compiled module does the same where it was built)."""
    if _pdfchars is not None:
        text = _pdfchars.join_words(line)
        if text is not None:
            return text
    return spaced_text(line)


def spaced_text(line: list[dict]) -> str:
    """Words of a line, with a space where the print leaves a gap (more than 0.8 pt)."""
    text = ""
    prev = None
    for w in line:
        if prev is not None and w["x0"] - prev["x1"] > 0.8:
            text += " "
        text += w["text"]
        prev = w
    return text


def body_size(words: list[dict]) -> float:
    """The size (to half a point) that carries most letters of the page (the first such on a tie):
    in the compiled module where built (the Python below is the definition, and the path for sizes
    that are not finite floats)."""
    if _pdfchars is not None:
        size = _pdfchars.body_size(words)
        if size is not None:
            return size
    letters: dict[float, int] = {}  # by the size as printed (few per page), then rounded in order of first use
    for w in words:
        size = w["size"]
        letters[size] = letters.get(size, 0) + len(w["text"])
    sizes: dict[float, int] = {}
    for size, n in letters.items():
        half = round(size * 2) / 2
        sizes[half] = sizes.get(half, 0) + n
    return max(sizes, key=sizes.__getitem__) if sizes else 12.0


def main_size(row: list[dict]) -> float:
    """The font size that carries most of the line's letters (the first such size on a tie). Most
    lines have one size: the compiled module answers those where built."""
    if _pdfchars is not None:
        size = _pdfchars.uniform_size(row)
        if size is not None:
            return size
    first = row[0]["size"]
    for w in row:
        if w["size"] != first:
            break
    else:  # most lines: one size
        return round(first, 1)
    weight: dict[float, int] = {}
    for w in row:
        size = round(w["size"], 1)
        weight[size] = weight.get(size, 0) + len(w["text"])
    return max(weight, key=weight.__getitem__)  # the first of the heaviest, as Counter.most_common(1)


def words_box(words: list[dict]) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) around words: each the word's own value (an OCR word's int stays an int),
    as min() and max() choose them (the compiled module where built; a row's box is asked by several
    steps of the reader, for every line of every page)."""
    if _pdfchars is not None:
        box = _pdfchars.words_box(words)
        if box is not None:
            return box
    return (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))


def cell_words(bbox: tuple[float, float, float, float], words: list[dict]) -> list[dict]:
    """The words whose centre lies in a cell."""
    x0, top, x1, bottom = bbox
    if isinstance(words, PageWords):
        words = words.in_band(top, bottom)
    return [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]


def lines_text(words: list[dict]) -> str:
    """Words as printed: one line per printed line."""
    if len(words) < 2:  # most table cells: one figure, or empty
        return words[0]["text"] if words else ""
    return "\n".join(join_words(line) for line in group_lines(words))


def cell_text(bbox: tuple[float, float, float, float], words: list[dict]) -> str:
    """The words whose centre lies in a cell, one line per printed line."""
    return lines_text(cell_words(bbox, words))
