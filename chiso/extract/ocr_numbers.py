"""Numbers read by OCR: a second reading of each number, and the tokens not to trust.

Tesseract's Vietnamese model (`vie`, the `tessdata_fast` model Debian ships) reads words
well but numbers badly: in table cells it drops the decimal comma (`2,75` → `275`, conf 73)
or reads a short number as letters (`2,75` → `Uy)`), where the English model reads the
same crop as `2,75` (conf 96). So every word that holds a digit is read a second time with
`eng` on its own crop, and the two readings are reconciled (`reconcile`): agreement keeps
the text; `eng`'s reading wins where only the separators differ or `vie` saw no number;
digits that differ make the token suspect whatever the engines' confidences say.

`suspicious_numbers` then marks the numeric tokens a caller must not load as values: low
confidence, a number OCR split in two (`79 46%`), a decimal separator the page does not use
(`82.52%` on a page of `81,51%`), or a decimal number read without its separator (`8196`
among `81,82`-style values). A wrong number is worse than a missing one.
"""

from __future__ import annotations

import re
from collections import Counter

SURE_CONF = 90.0  # both readings agreed, or one was this sure: a `.` among `,` is then as printed
LOW_CONF = 70.0  # a number read with less confidence than this is suspect (measured, see ocr.py)
_NUMBER = re.compile(r"[(\[]?[+\-–]?\d[\d.,]*(?:/\d[\d.,]*)?%?[)\]]?[.,;:]?")
_DIGITS = re.compile(r"\d")
_CONFUSABLE = set("SsOoIlZzBgq|)(ÐĐ$")  # what a digit turns into when the vie model misreads it


def digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def is_number(text: str) -> bool:
    """A token that is one printed number (with sign, %, /max, brackets, trailing punctuation)."""
    return bool(_NUMBER.fullmatch(text))


def wants_second_reading(text: str, conf: float) -> bool:
    """Every token with a digit; and a short, unsure token that may be a misread number (`Uy)`)."""
    if _DIGITS.search(text):
        return True
    return len(text) <= 4 and conf < 60 and any(ch in _CONFUSABLE for ch in text)


def reconcile(vie: tuple[str, float], eng: tuple[str, float]) -> tuple[str, float]:
    """One text and confidence from the Vietnamese and the English reading of a word."""
    (v_text, v_conf), (e_text, e_conf) = vie, eng
    if v_text == e_text:
        return v_text, max(v_conf, e_conf)
    if not is_number(e_text):
        if is_number(v_text):  # eng saw no number where vie did: vie's digits, but not sure of them
            return v_text, min(v_conf, e_conf)
        return v_text, v_conf  # a word, not a number (`190/QĐ-BNV`): eng cannot read Vietnamese
    if not _DIGITS.search(v_text) or (not is_number(v_text) and len(v_text) <= 4):
        return e_text, e_conf  # vie read letters (`Uy)`) where eng reads a number
    if digits(v_text) == digits(e_text):
        if is_number(v_text) and _separators(v_text) and _separators(e_text) != _separators(v_text):
            return e_text, min(v_conf, e_conf)  # `81,82` against `81.82`: not sure which
        return e_text, e_conf  # the same digits, eng kept the separator vie dropped (`275` → `2,75`)
    return e_text, min(v_conf, e_conf, LOW_CONF - 1)  # other digits: one of the two is wrong


def _separators(text: str) -> str:
    return "".join(ch for ch in text if ch in ".,")


def _page_decimal_mark(words: list[dict]) -> str | None:
    """The decimal mark most numbers of the page use (`,` in Vietnamese print, `.` in some
    reports): the mark before the last 1–2 digits of a number."""
    marks: Counter[str] = Counter()
    for w in words:
        m = re.search(r"\d([.,])\d{1,2}%?[)\]]?[.,;:]?$", w["text"])
        if m and is_number(w["text"]):
            marks[m.group(1)] += 1
    if not marks:
        return None
    mark, n = marks.most_common(1)[0]
    return mark if n >= 3 and n >= 0.8 * sum(marks.values()) else None


def _split_pairs(words: list[dict]) -> set[int]:
    """Two numeric tokens on one line, closer than a word space: one number OCR split (`79 46%`)."""
    out: set[int] = set()
    order = sorted(range(len(words)), key=lambda i: (round(words[i]["baseline"]), words[i]["x0"]))
    for a, b in zip(order, order[1:], strict=False):
        wa, wb = words[a], words[b]
        if abs(wa["baseline"] - wb["baseline"]) > 0.3 * max(wa["size"], 1.0):
            continue
        gap = wb["x0"] - wa["x1"]
        if 0 <= gap < 0.45 * max(wa["size"], 1.0) and re.fullmatch(r"[+\-–]?\d+[.,]?", wa["text"]) and \
                re.fullmatch(r"\d[\d.,]*%?", wb["text"]):
            out.update((a, b))
    return out


def suspicious_numbers(words: list[dict], low_conf: float = LOW_CONF) -> dict[int, str]:
    """Indices of the numeric tokens not to load as values, each with the reason.

    - `low_conf`: the word's OCR confidence is below `low_conf`;
    - `garbled`: digits mixed with what is no number (`3,Ð`, `2i`), which a number reader would
      still read a value from (`3,`);
    - `split`: a digit group and another number next to it with less than a word space
      between them: OCR cut one number in two, or glued two cells;
    - `separator`: a decimal mark the rest of the page does not use (`82.52%` among `81,51%`), unless
      OCR was sure of it (reports do mix marks: a `42.37` both readings agree on is as printed);
    - `no_separator`: 3+ digits without a mark (not a year) on a page whose decimals all
      have one, as a percentage or beside decimal numbers: `8196` read for `81,96`.
    Words without a `conf` (a text layer) are only checked for the page-level patterns.
    """
    marks: dict[int, str] = {}
    mark = _page_decimal_mark(words)
    for i, w in enumerate(words):
        text = w["text"]
        if not _DIGITS.search(text):
            continue
        if w.get("conf") is not None and w["conf"] < low_conf:
            marks[i] = f"low_conf ({w['conf']:.0f})"
        elif not is_number(text) and (re.search(r"\d[.,][^\d\s]", text) or
                                      (len(text) <= 5 and w.get("conf") is not None and w["conf"] < 90)):
            marks[i] = f"garbled ('{text}')"
        elif mark and re.search(r"\d[" + ("." if mark == "," else ",") + r"]\d{1,2}%?[)\]]?[.,;:]?$", text) \
                and not re.search(r"\d[.,]\d{3}[.,]", text) and not re.fullmatch(r"(\d{1,2}\.)+", text) \
                and (w.get("conf") is None or w["conf"] < SURE_CONF):
            marks[i] = f"separator ('{text}' on a page using '{mark}')"
        elif mark and re.fullmatch(r"[+\-–]?\d{3,}%?", text.rstrip(".,;:)")) and \
                not re.fullmatch(r"(19|20)\d\d|100%?", text.rstrip(".,;:)")) and \
                (text.rstrip(".,;:)").endswith("%") or w.get("conf") is not None):
            marks[i] = f"no_separator ('{text}' on a page of decimals with '{mark}')"
    for i in _split_pairs(words):
        marks.setdefault(i, "split (digit groups a space apart)")
    return marks
