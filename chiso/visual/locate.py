"""Find where a number is printed on a PDF page: its characters' boxes, from pdfium.

The warehouse knows a table value's cell box, but for a sentence only the paragraph's box,
and for a DOCX no box at all. The value's printed form (`83,12`, `3.910.020`, also the
dot-decimal `83.12` some documents use) is searched in the page's characters (pdfium's
text page: one character per index, each with its loose box, the same boxes
`chiso.extract.pdf_words` builds words from); when it occurs more than once, the text
around it decides: the paragraph or table row it belongs to and the snippet stored with
the value are aligned on the page text (rapidfuzz `partial_ratio_alignment`, compared
without spaces, accents or case, so a line break or a decomposed accent cannot hide them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from rapidfuzz import fuzz

from chiso.normalize.numbers import format_vi

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin
MIN_CONTEXT_SCORE = 60.0


def printed_forms(value: float, decimals: int) -> list[str]:
    """The ways a value can be printed: `1.234,5` and `1234,5` (Vietnamese), `1,234.5` and `1234.5`."""
    decimals = max(0, min(int(decimals), 6))
    forms = []
    for thousands in (True, False):
        vi = format_vi(abs(value), decimals, thousands=thousands)
        forms.append(vi)
        forms.append(vi.translate(str.maketrans({".": ",", ",": "."})))
    return list(dict.fromkeys(forms))


def number_pattern(forms: list[str]) -> re.Pattern[str]:
    """The forms as whole numbers: `42,37` is not found inside `142,37`, `42,375` or `0,42,37`."""
    # a space after the separator is tolerated ('70, 18%'): the reader took it as one number too
    alt = "|".join(re.escape(f).replace(",", r",\s?").replace(r"\.", r"\.\s?")
                   for f in sorted(forms, key=len, reverse=True))
    return re.compile(r"(?<!\d)(?<!\d[.,])(?:" + alt + r")(?!\d)(?![.,]\d)")


@dataclass
class Needle:
    """What to find on the page: a value's printed forms, or (for a flag with no value, such
    as an unreadable '0..75') the printed text the flag quotes."""

    forms: list[str]
    phrase: bool = False
    value: float | None = None
    decimals: int = 0

    @classmethod
    def number(cls, value: float, decimals: int) -> Needle:
        return cls(printed_forms(value, decimals), value=value, decimals=int(decimals))

    def rounded(self) -> list[Needle]:
        """The value printed with fewer decimals (a summary sentence rounds 43,4796 to 43,48):
        one and two decimals fewer, never down to a bare integer."""
        if self.value is None:
            return []
        return [Needle.number(self.value, d) for d in range(self.decimals - 1, max(self.decimals - 3, 0), -1)]

    def occurrences(self, text: str, folded: tuple[str, list[int]] | None = None) -> list[tuple[int, int]]:
        """(start, end) character spans in `text`."""
        if not self.forms or not any(self.forms):
            return []
        if not self.phrase:
            return [(m.start(), m.end()) for m in number_pattern(self.forms).finditer(text)]
        hay, where = folded or fold(text)
        out = []
        for form in self.forms:
            needle, _ = fold(form)
            i = hay.find(needle) if needle else -1
            while i >= 0:
                out.append((where[i], where[i + len(needle) - 1] + 1))
                i = hay.find(needle, i + 1)
        return sorted(set(out))


def fold(text: str) -> tuple[str, list[int]]:
    """Text without spaces, accents and case, with each kept character's index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or unicodedata.category(ch) == "Mn":
            continue
        base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))[0].lower()
        out.append(base)
        where.append(i)
    return "".join(out), where


@dataclass
class PageText:
    """A page's characters in pdfium's order, each with its box (top-left origin, points)."""

    text: str
    boxes: list[BBox]
    width: float
    height: float
    _folded: tuple[str, list[int]] | None = None

    @property
    def folded(self) -> tuple[str, list[int]]:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded


def page_text(page: pdfium.PdfPage) -> PageText:
    width, height = page.get_size()
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        chars, boxes = [], []
        for i in range(n):
            code = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
            chars.append(chr(code) if 0 < code < 0x110000 and code not in (0xFFFE, 0xFFFF) else " ")
            left, bottom, right, top = tp.get_charbox(i, loose=True)
            boxes.append((left, height - top, right, height - bottom))
        return PageText("".join(chars), boxes, width, height)
    finally:
        tp.close()


@dataclass
class Span:
    start: int  # character indices in PageText.text
    end: int
    score: float


def align(needle: str, pt: PageText) -> Span | None:
    """Where a piece of text (a paragraph, a table row, a snippet) is printed on the page."""
    folded_needle, _ = fold(needle)
    hay, where = pt.folded
    if not folded_needle or not hay:
        return None
    a = fuzz.partial_ratio_alignment(folded_needle, hay)
    if a is None or a.dest_end <= a.dest_start:
        return None
    return Span(where[a.dest_start], where[a.dest_end - 1] + 1, a.score)


@dataclass
class Found:
    boxes: list[BBox]  # one box per printed line of the number (normally one)
    start: int
    end: int
    score: float  # how surely the context around it is the value's (100 = printed as stored)
    rounded: bool = False  # printed with fewer decimals than the value has

    @property
    def bbox(self) -> BBox:
        return (min(b[0] for b in self.boxes), min(b[1] for b in self.boxes),
                max(b[2] for b in self.boxes), max(b[3] for b in self.boxes))


def _boxes(pt: PageText, start: int, end: int) -> list[BBox]:
    lines: list[list[float]] = []
    for i in range(start, end):
        x0, top, x1, bottom = pt.boxes[i]
        if x1 <= x0 or pt.text[i].isspace():
            continue
        if lines and abs(top - lines[-1][1]) < 0.5 * (bottom - top):
            line = lines[-1]
            line[0], line[1], line[2], line[3] = min(line[0], x0), min(line[1], top), max(line[2], x1), max(line[3], bottom)
        else:
            lines.append([x0, top, x1, bottom])
    return [(a, b, c, d) for a, b, c, d in lines]


def _inside(box: BBox, region: BBox, tol: float = 3.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] - tol <= cx <= region[2] + tol and region[1] - tol <= cy <= region[3] + tol


def find_value(pt: PageText, needle: Needle, region: BBox | None = None, context: str | None = None,
               snippet: str | None = None, nth: int = 0) -> Found | None:
    """The printed value on this page, or None.

    `region` keeps only numbers inside a box (a paragraph's); `context` (the paragraph or the
    table row the value was read from) keeps those inside the text it aligns with; `snippet`
    (stored with the value) prefers the occurrence in or just after it; `nth` picks among
    equal numbers of one table row (the value's column is the nth cell printing that number).
    """
    found = []
    for start, end in needle.occurrences(pt.text, pt.folded):
        boxes = _boxes(pt, start, end)
        if boxes and (region is None or _inside(boxes[0], region)):
            found.append(Found(boxes, start, end, 100.0))
    if not found:
        for fewer in needle.rounded():
            hit = find_value(pt, fewer, region, context, snippet, nth)
            if hit is not None:
                hit.rounded = True
                return hit
        return None
    if context:
        # the paragraph or row; a footnote cut by a page break aligns badly: then its snippet
        near = _within(found, align(context, pt), MIN_CONTEXT_SCORE) or \
            (_within(found, align(snippet, pt), 85.0) if snippet else [])
        if not near:
            return None
        found = near
    if snippet and len(found) > 1:
        return found[_nearest([f.start for f in found], align(snippet, pt))]
    return found[nth] if nth < len(found) else found[0]


def _within(found: list[Found], span: Span | None, min_score: float) -> list[Found]:
    """The occurrences inside a well-aligned span, scored by the alignment."""
    if span is None or span.score < min_score:
        return []
    near = [f for f in found if span.start - 3 <= f.start and f.end <= span.end + 3]
    for f in near:
        f.score = span.score
    return near


def _nearest(starts: list[int], span: Span | None) -> int:
    """Which occurrence: the one inside the snippet's span, else the first after it, else the
    last before it (a stored snippet may stop before the number, never start after it)."""
    if span is None or span.score < MIN_CONTEXT_SCORE:
        return 0

    def distance(i: int) -> int:
        start = starts[i]
        if span.start <= start < span.end:
            return 0
        return start - span.end if start >= span.end else 2 * (span.start - start)
    return min(range(len(starts)), key=distance)


def find_in_text(text: str, needle: Needle, snippet: str | None = None) -> tuple[int, int] | None:
    """The value's characters in a paragraph's text (for drawing it when no page exists)."""
    spans = needle.occurrences(text)
    if not spans:
        return next(filter(None, (find_in_text(text, fewer, snippet) for fewer in needle.rounded())), None)
    best = _nearest([a for a, _ in spans], align(snippet, PageText(text, [], 0, 0))) if snippet else 0
    return spans[best]
