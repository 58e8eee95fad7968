"""Numbers read by OCR: a second reading of each number, and the tokens not to trust.

Tesseract's Vietnamese model (`vie`, the `tessdata_fast` model Debian ships) reads words
well but numbers badly: in table cells it drops the decimal comma (`2,75` → `275`, conf 73)
or reads a short number as letters (`2,75` → `Uy)`), where the English model reads the
same crop as `2,75` (conf 96). So every word that holds a digit is read a second time with
`eng` on its own crop, and the two readings are reconciled (`reconcile`): agreement keeps
the text; `eng`'s reading wins where only the separators differ or `vie` saw no number;
digits that differ make the token suspect whatever the engines' confidences say.

`suspicious_numbers` then marks the numeric tokens a caller must not load as values: a number
OCR split in two (`79 46%`), a decimal separator the page does not use (`82.52%` on a page of
`81,51%`), a decimal number read without its separator (`8196` among `81,82`-style values),
digits mixed with junk, or two readings with other digits. A wrong number is worse than a
missing one. Low confidence alone does not leave a number out: the number is kept, its
confidence travels with the value (`number_confidence`, `confidence_in`: the value's
`Source.ocr_confidence`) and the checks flag a value read below `LOW_CONF`
(chiso/checks/ocr.py, flag `ocr_low_confidence`).
"""

from __future__ import annotations

import re
from collections import Counter

SURE_CONF = 90.0  # both readings agreed, or one was this sure: a `.` among `,` is then as printed
LOW_CONF = 70.0  # a value whose digits were read with less confidence is flagged (measured, see ocr.py);
# the one threshold: the checks (chiso/checks/ocr.py) and the OCR counts read it at run time
_NUMBER = re.compile(r"[(\[]?[+\-–]?\d[\d.,]*(?:/\d[\d.,]*)?%?[)\]]?[.,;:]?")
_DIGITS = re.compile(r"\d")
_CONFUSABLE = set("SsOoIlZzBgq|)(ÐĐ$")  # what a digit turns into when the vie model misreads it
_TOKEN = re.compile(r"\d(?:[\d.,]*\d)?")  # the digits of a number, as one key: `(79,46%),` → `79,46`
DOUBT = "doubt"  # word key (ocr.py): why OCR's own readings of the word disagree


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


def reconcile(vie: tuple[str, float], eng: tuple[str, float]) -> tuple[str, float, str | None]:
    """One text and confidence from the Vietnamese and the English reading of a word, and the doubt
    (None, or why the word must not load as a number) when the two read other digits: then one of
    them is wrong, however sure the engines say they are (`3,79` at 85 against eng's `37S`, printed
    `3,75`). An English reading with no digits at all (an empty crop) is no second opinion: the
    Vietnamese digits stay, with the lower confidence."""
    (v_text, v_conf), (e_text, e_conf) = vie, eng
    if v_text == e_text:
        return v_text, max(v_conf, e_conf), None
    if not is_number(e_text):
        if is_number(v_text) and _DIGITS.search(e_text) and digits(e_text) != digits(v_text):
            return v_text, min(v_conf, e_conf), f"readings '{v_text}' / '{e_text}'"  # `3,79` / `37S`: other digits
        if is_number(v_text):  # eng saw no number where vie did: vie's digits, but not sure of them
            return v_text, min(v_conf, e_conf), None
        return v_text, v_conf, None  # a word, not a number (`190/QĐ-BNV`): eng cannot read Vietnamese
    if not _DIGITS.search(v_text) or (not is_number(v_text) and len(v_text) <= 4):
        return e_text, e_conf, None  # vie read letters (`Uy)`) where eng reads a number
    if digits(v_text) == digits(e_text):
        if is_number(v_text) and _separators(v_text) and _separators(e_text) != _separators(v_text):
            return e_text, min(v_conf, e_conf), None  # `81,82` against `81.82`: not sure which
        return e_text, e_conf, None  # the same digits, eng kept the separator vie dropped (`275` → `2,75`)
    # other digits: one of the two is wrong, whatever the engines' confidences say
    return e_text, min(v_conf, e_conf, LOW_CONF - 1), f"readings '{v_text}' / '{e_text}'"


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
        if 0 <= gap < 0.45 * max(wa["size"], 1.0) and re.fullmatch(r"[(\[]?[+\-–]?\d+[.,]?", wa["text"]) and \
                re.fullmatch(r"\d[\d.,]*%?[)\]]?[.,;:]?", wb["text"]):  # `79 46%,` in a sentence too
            out.update((a, b))
    return out


def suspicious_numbers(words: list[dict]) -> dict[int, str]:
    """Indices of the numeric tokens not to load as values, each with the reason.

    - `garbled`: digits mixed with what is no number (`3,Ð`, `2i`), which a number reader would
      still read a value from (`3,`);
    - `separator`: a decimal mark the rest of the page does not use (`82.52%` among `81,51%`), unless
      OCR was sure of it (reports do mix marks: a `42.37` both readings agree on is as printed);
    - `no_separator`: 3+ digits without a mark (not a year) on a page whose decimals all
      have one, as a percentage or beside decimal numbers: `8196` read for `81,96`;
    - `disagree`: the two readings of the word (`reconcile`) gave other digits;
    - `split`: a digit group and another number next to it with less than a word space
      between them: OCR cut one number in two, or glued two cells.
    Each of these can turn into a wrong number. A number whose only doubt is its confidence is
    not listed: it is kept, and a value read from it is flagged (chiso/checks/ocr.py).
    Words without a `conf` (a text layer) are only checked for the page-level patterns.
    """
    marks: dict[int, str] = {}
    mark = _page_decimal_mark(words)
    for i, w in enumerate(words):
        text = w["text"]
        if not _DIGITS.search(text):
            continue
        if not is_number(text) and (re.search(r"\d[.,][^\d\s]", text) or
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
        elif w.get(DOUBT):
            marks[i] = f"disagree ({w[DOUBT]})"
    for i in _split_pairs(words):
        marks.setdefault(i, "split (digit groups a space apart)")
    return marks


def number_confidence(words: list[dict]) -> float | None:
    """The lowest OCR confidence (0–100) of the words holding a digit: the confidence of the figure
    a table cell made of these words holds. None when no such word was read by OCR (a text layer)."""
    confs = [w["conf"] for w in words if w.get("conf") is not None and _DIGITS.search(w["text"])]
    return min(confs) if confs else None


def number_confidences(words: list[dict]) -> dict[str, float] | None:
    """Each number of OCR words (its digits and marks, `_TOKEN`) → the lowest confidence it was read
    with; None for words of a text layer. A text block keeps this to give its sentences' values
    their confidence (`confidence_in`)."""
    for w in words:
        if w.get("conf") is not None:
            break
    else:  # words of a text layer
        return None
    out: dict[str, float] = {}
    for w in words:
        if w.get("conf") is None:
            continue
        for token in _TOKEN.findall(w["text"]):
            out[token] = min(out.get(token, 100.0), w["conf"])
    return out


def merge_confidences(*parts: dict[str, float] | None) -> dict[str, float] | None:
    """`number_confidences` of several lines as one (None when none of them was read by OCR)."""
    if all(p is None for p in parts):
        return None
    out: dict[str, float] = {}
    for part in parts:
        for token, conf in (part or {}).items():
            out[token] = min(out.get(token, 100.0), conf)
    return out


def confidence_in(snippet: str, numbers: dict[str, float] | None) -> float | None:
    """The lowest confidence of the numbers of a snippet of an OCR text block (`numbers`: the
    block's `number_confidences`), None for a text layer or a snippet without a number.

    A snippet is what a sentence reader read one value from, with its rank, year and change, so
    all its numbers count. A number of the snippet that no single word printed (two words joined
    without a space) counts as the block's least sure number: the value is never more trusted
    than the digits it came from."""
    if numbers is None:
        return None
    tokens = _TOKEN.findall(snippet)
    if not tokens:
        return None
    floor = min(numbers.values(), default=None)
    confs = [numbers.get(t, floor) for t in tokens]
    known = [c for c in confs if c is not None]
    return min(known) if known else None
