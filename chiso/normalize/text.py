"""Text repair and matching keys for Vietnamese labels.

Labels of the same criterion differ between provinces and years only in ways a
reader ignores: Unicode composition, old/new tone-mark placement (hoà/hòa,
thuỷ/thủy), list numbering, punctuation, spacing, case and abbreviations (CS, TTHC,
CBCCVC …). `match_key` removes exactly those differences so that fuzzy matching only
has to deal with real wording changes.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

# Legacy font encodings live in their own module; re-exported for existing callers.
from chiso.normalize.legacy_fonts import decode_legacy, fix_legacy_encoding, legacy_encoding

__all__ = [
    "nfc",
    "clean_text",
    "strip_numbering",
    "clean_label",
    "normalize_tone_marks",
    "match_key",
    "strip_accents",
    "slug",
    "fix_legacy_encoding",
    "legacy_encoding",
    "decode_legacy",
]

_WS = re.compile(r"[\s\u00a0\u200b\u202f]+")

# Vietnamese capital letters, for regular expressions: the range "À-Ỹ" often used for them also
# holds the lower-case letters (ạ, đ, ư …), so "[A-ZĐÀ-Ỹ]" does not tell a name from a verb.
UPPER = "A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_text(text: str) -> str:
    """NFC, one space between words; keeps wording and case. Legacy font text is converted
    by the readers (per font, with a warning on the document), never silently here.

    Whitespace is what `str.split()` splits on (the same characters as `\\s` in `re`, which
    `_WS` matches) plus the zero-width space: split and joined in C, no regex over the text."""
    return " ".join(nfc(text).replace("\u200b", " ").split())


# List numbering as printed before a label: "1.", "1,", "1.1.", "a)", "A.", "I.", "-", "+".
_NUMBERING = re.compile(
    r"^\s*(?:"
    r"(?:\d{1,2}(?:\s*[.,]\s*\d{1,2})*\s*[.,):]|\d{1,2}\s+(?=[A-ZĐÀ-Ỹ]))"  # 1.  1,  1.1.  1)
    r"|[a-zđA-ZĐ]\s*[.)]"  # a)  A.  đ)
    r"|(?:[IVX]{1,5})\s*[.)]"  # roman
    r"|[-+•*–]"  # bullets
    r")\s*"
)


def strip_numbering(label: str) -> str:
    """Remove printed list numbering ("1.", "a)", "A.", "II.") from the start of a label."""
    out = label
    for _ in range(2):  # "A. 1." is seen in some tables
        new = _NUMBERING.sub("", out, count=1)
        if new == out:
            break
        out = new
    return out


def clean_label(label: str) -> str:
    """The label as printed, without numbering, outer punctuation or line breaks."""
    text = strip_numbering(clean_text(label)).strip(" .,;:-–").strip()
    if len(text) > 2 and text[0] in "“\"" and text[-1] in "”\"" and not re.search(r"[“”\"]", text[1:-1]):
        text = text[1:-1].strip()  # a wholly quoted name: “Cơ hội tham gia”
    return text


# Old-style tone placement (hoà, khoẻ, thuỷ) vs new style (hòa, khỏe, thủy): for keys we move
# the mark onto the first vowel of oa/oe/uy when the syllable ends there.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


_OLD_STYLE = re.compile(r"[oO][\u0300\u0301\u0303\u0309\u0323]?[aAeE]|[uU][\u0300\u0301\u0303\u0309\u0323]?[yY]")


def normalize_tone_marks(text: str) -> str:
    d = unicodedata.normalize("NFD", text)
    if not _OLD_STYLE.search(d):
        return text
    out = []
    i = 0
    n = len(d)
    while i < n:
        ch = d[i]
        low = ch.lower()
        # pattern: (o|u) + second vowel (a|e|y) [+ other marks] + tone, then end of syllable
        if low in "ou" and i + 2 < n and d[i + 1].lower() in ("a", "e", "y"):
            j = i + 2
            if j < n and d[j] in _TONES:
                nxt = d[j + 1] if j + 1 < n else ""
                prev = d[i - 1].lower() if i > 0 else ""
                pair_ok = (low == "o" and d[i + 1].lower() in "ae") or (low == "u" and d[i + 1].lower() == "y")
                if pair_ok and prev != "q" and not nxt.isalpha():
                    out.append(ch + d[j] + d[i + 1])
                    i = j + 1
                    continue
        out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def strip_accents(text: str) -> str:
    d = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in d if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[str, re.Pattern[str], str]]:
    """(abbreviation as in a key, its pattern, its expansion), longest first."""
    rows: list[tuple[str, str]] = []
    try:
        path = resources.files("chiso.db").joinpath("catalogue/abbreviations.csv")
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                abbr, exp = (row.get("abbr") or "").strip(), (row.get("expansion") or "").strip()
                if abbr and exp:
                    rows.append((abbr, exp))
    except (FileNotFoundError, ModuleNotFoundError):
        pass
    rows.sort(key=lambda r: -len(r[0]))
    out = []
    for abbr, exp in rows:
        key_abbr = normalize_tone_marks(nfc(abbr)).casefold()
        out.append((key_abbr, re.compile(r"(?<!\w)" + re.escape(key_abbr) + r"(?!\w)"),
                    normalize_tone_marks(exp).casefold()))  # key form, once
    return out


def _base_key(text: str) -> str:
    t = normalize_tone_marks(clean_text(text)).casefold()
    t = strip_numbering(t)
    return t


@lru_cache(maxsize=200_000)
def match_key(text: str, expand: bool = True) -> str:
    """A comparison key: same key ⇔ same words up to form (see module docstring)."""
    t = _base_key(text)
    if expand:
        for abbr, pattern, exp in _abbreviations():
            if abbr in t:  # the pattern matches only where the abbreviation is: most keys hold none
                t = pattern.sub(exp, t)
    t = re.sub(r"\([^)]*\)", lambda m: " " + m.group(0)[1:-1] + " ", t)
    t = re.sub(r"[^\w%/]+", " ", t)
    return _WS.sub(" ", t).strip()


def slug(text: str, limit: int = 48) -> str:
    """ASCII identifier from a label, for codes of labels the catalogue does not know."""
    s = strip_accents(match_key(text)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s[:limit].rstrip("_")
