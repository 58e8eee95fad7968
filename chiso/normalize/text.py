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
]

_WS = re.compile(r"[\s\u00a0\u200b\u202f]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_text(text: str) -> str:
    """NFC, legacy font repair, one space between words; keeps wording and case."""
    return _WS.sub(" ", fix_legacy_encoding(nfc(text))).strip()


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
    text = strip_numbering(clean_text(label))
    return text.strip(" .,;:-–").strip()


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
def _abbreviations() -> list[tuple[re.Pattern[str], str]]:
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
        key_abbr = re.escape(normalize_tone_marks(nfc(abbr)).casefold())
        out.append((re.compile(r"(?<!\w)" + key_abbr + r"(?!\w)"), exp))
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
        for pattern, exp in _abbreviations():
            t = pattern.sub(normalize_tone_marks(exp).casefold(), t)
    t = re.sub(r"\([^)]*\)", lambda m: " " + m.group(0)[1:-1] + " ", t)
    t = re.sub(r"[^\w%/]+", " ", t)
    return _WS.sub(" ", t).strip()


def slug(text: str, limit: int = 48) -> str:
    """ASCII identifier from a label, for codes of labels the catalogue does not know."""
    s = strip_accents(match_key(text)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s[:limit].rstrip("_")


# --- legacy fonts ---------------------------------------------------------------------------
# Documents typed before Unicode (TCVN3/ABC with .VnTime fonts) carry Vietnamese letters as
# Latin-1 look-alikes. A text is converted only when it shows the tell-tale characters and
# no real Vietnamese letters, so that normal text is never touched.
_TCVN3 = {
    "¸": "á", "µ": "à", "¶": "ả", "·": "ã", "¹": "ạ",
    "¨": "ă", "¾": "ắ", "»": "ằ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "©": "â", "Ê": "ấ", "Ç": "ầ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "®": "đ", "§": "Đ",
    "Ð": "é", "Ì": "è", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "ª": "ê", "Õ": "ế", "Ò": "ề", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "Ý": "í", "×": "ì", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ã": "ó", "ß": "ò", "á": "ỏ", "â": "õ", "ä": "ọ",
    "«": "ô", "è": "ố", "å": "ồ", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "¬": "ơ", "í": "ớ", "ê": "ờ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ó": "ú", "ï": "ù", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "­": "ư", "ø": "ứ", "õ": "ừ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ý": "ý", "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}
_TCVN3_TELL = set("¸µ¶·¹¾»¼½Æ©ÊÇÈÉË®§ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞ«¬­øõö÷ù")
_VIET = re.compile(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]", re.IGNORECASE)


# VNI (VNI-Times fonts) writes a vowel followed by Latin-1 letters standing for its marks:
# "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONE = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRC = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLE = {"ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ", "ô": "ơ", "ö": "ư"}
_VNI_TELL = re.compile(r"[aeoAEO][âáàåãäÂÁÀÅÃÄ]|[aA][êéèúüëÊÉÈÚÜË]|[aeiouyAEIOUYôöÔÖ][ùøûõïÙØÛÕÏ]|[ñÑ]")


def _vni_to_unicode(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        low = ch.lower()
        nxt = text[i + 1] if i + 1 < n else ""
        nlow = nxt.lower()
        if low in "aeo" and nlow in _VNI_CIRC:
            out.append(unicodedata.normalize("NFC", ch + "\u0302" + _VNI_CIRC[nlow]))
            i += 2
        elif low == "a" and nlow in _VNI_BREVE:
            out.append(unicodedata.normalize("NFC", ch + "\u0306" + _VNI_BREVE[nlow]))
            i += 2
        elif low in "ôö":
            base = ("ơ" if low == "ô" else "ư")
            base = base.upper() if ch.isupper() else base
            if nlow in _VNI_TONE:
                out.append(unicodedata.normalize("NFC", base + _VNI_TONE[nlow]))
                i += 2
            else:
                out.append(base)
                i += 1
        elif low in "aeiouy" and nlow in _VNI_TONE:
            out.append(unicodedata.normalize("NFC", ch + _VNI_TONE[nlow]))
            i += 2
        elif low in _VNI_SINGLE:
            rep = _VNI_SINGLE[low]
            out.append(rep.upper() if ch.isupper() else rep)
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def legacy_encoding(text: str) -> str | None:
    """'tcvn3', 'vni' or None: which pre-Unicode font encoding a text is written in."""
    if not text or _VIET.search(text):
        return None
    tells = sum(1 for c in text if c in _TCVN3_TELL)
    vni = len(_VNI_TELL.findall(text))
    # VNI's mark letters are also TCVN3 tells: when most tells pair with a vowel, it is VNI
    if vni >= 3 and vni >= len(text) * 0.02 and vni >= 0.6 * tells:
        return "vni"
    if tells >= 3 and tells >= len(text) * 0.03:
        return "tcvn3"
    return None


def decode_legacy(text: str, encoding: str | None) -> str:
    if encoding == "vni":
        return _vni_to_unicode(text)
    if encoding == "tcvn3":
        return "".join(_TCVN3.get(c, c) for c in text)
    return text


def fix_legacy_encoding(text: str) -> str:
    return decode_legacy(text, legacy_encoding(text))
