"""Pre-Unicode Vietnamese font encodings: TCVN3 (ABC, `.VnTime`), its capitals fonts
(`.VnTimeH`) and VNI (`VNI-Times`), decided by the font a text is set in.

Reports typed before Unicode carry Vietnamese letters as Latin-1 look-alikes that only the
font turns into the right glyphs: `Ng­êi d©n` is `Người dân` in `.VnTime`. The font is the
authority, so readers decide per run (DOCX) or per word (PDF) from the font name and only
documents that name no legacy font at all fall back to guessing from the text
(`legacy_encoding`). Three encodings:

- **TCVN3** (TCVN 5712:1993, the VN3 subset used by the `.Vn…` fonts): one byte per letter;
  byte 0xAD is `ư`, which Unicode calls a soft hyphen. Word writes it as U+00AD, LibreOffice
  turns it into `<w:softHyphen/>` and PDF producers with WinAnsiEncoding into `-`, so a
  reader must look for it in all three shapes (`decode_pdf_words` handles the hyphen).
- **TCVN3 capitals** (`.VnTimeH`, `.VnArialH` … — a font name ending in `H`): the same codes,
  drawn as capitals; the typist's lowercase codes (`QUYÕT ®ÞNH`) are capitals on paper, so
  the decoded text is upper-cased (`QUYẾT ĐỊNH`, not `QUYếT địNH`).
- **VNI** (`VNI-Times` …): a base letter followed by Latin-1 letters standing for its marks
  (`Vieät` = `Việt`), decoded by composing them (NFC).

Sources: the code chart of TCVN 5712:1993 ("Công nghệ thông tin – Bộ mã chuẩn 8-bit kí tự
Việt dùng trong trao đổi thông tin", table VN3, the repertoire of the ABC `.Vn…` fonts) and
the VNI-Windows encoding of VNI Software's fonts (marks as the Latin-1 letters listed
below); the capitals-font convention (`H` suffix, lowercase codes drawn as capitals) is
that of the ABC font set. `encode_tcvn3`/`encode_vni` are their inverses, used to make test
documents; tests/test_legacy.py checks the tables against literal legacy strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "TCVN3", "TCVN3_CAPS", "VNI",
    "font_encoding", "decode_legacy", "legacy_encoding", "fix_legacy_encoding",
    "has_unicode_vietnamese", "typed_in_unicode", "encode_tcvn3", "encode_vni",
    "decode_pdf_words", "count_conversion", "conversion_warnings", "FONT_TEXT",
]

TCVN3, TCVN3_CAPS, VNI = "tcvn3", "tcvn3_caps", "vni"
_NAMES = {TCVN3: "TCVN3", TCVN3_CAPS: "TCVN3", VNI: "VNI"}

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
    "\u00ad": "ư", "ø": "ứ", "õ": "ừ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ý": "ý", "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}
_TCVN3_TABLE = str.maketrans(_TCVN3)
_TCVN3_ENCODE = {u: c for c, u in _TCVN3.items()}
_TCVN3_TELL = set("¸µ¶·¹¾»¼½Æ©ÊÇÈÉË®§ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞ«¬\u00adøõö÷ù")

# Vietnamese letters outside Latin-1: a text holding them is already Unicode.
_VIET = re.compile(r"[ăđơưĩũĂĐƠƯĨŨ\u1ea0-\u1ef9]")

# VNI: marks written as Latin-1 letters after the vowel.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONE = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRC = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLE = {"ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ", "ô": "ơ", "ö": "ư"}
_VNI_TELL = re.compile(r"[aeoAEO][âáàåãäÂÁÀÅÃÄ]|[aA][êéèúüëÊÉÈÚÜË]|[aeiouyAEIOUYôöÔÖ][ùøûõïÙØÛÕÏ]|[ñÑ]")


# --- font names ----------------------------------------------------------------------------
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"(?:[-_ ]?(?:Bold|Italic|Oblique|Regular|Roman|BoldItalic|Bd|It|BI|MT|PS))+$",
                           re.IGNORECASE)
_TCVN3_FONT = re.compile(r"^(?:\.|_)?Vn[A-Z]")  # .VnTime, .VnArial NarrowH; PDFs may drop the dot
_VNI_FONT = re.compile(r"^VNI[-_ ]?[A-Za-z]", re.IGNORECASE)  # VNI-Times, VNI-Helve


@lru_cache(maxsize=4096)
def font_encoding(name: str | None) -> str | None:
    """TCVN3, TCVN3_CAPS, VNI or None for a DOCX/PDF font name (`ABCDEF+.VnTimeH,Bold` → caps)."""
    if not name:
        return None
    base = _SUBSET_PREFIX.sub("", name.strip()).split(",")[0].strip()
    if _VNI_FONT.match(base):
        return VNI
    if not _TCVN3_FONT.match(base):
        return None
    base = _STYLE_SUFFIX.sub("", base) if len(base) > 5 else base
    return TCVN3_CAPS if base.endswith("H") else TCVN3


# --- decoding ------------------------------------------------------------------------------
def _vni_to_unicode(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        low = ch.lower()
        nlow = text[i + 1].lower() if i + 1 < n else ""
        if low in "aeo" and nlow in _VNI_CIRC:
            out.append(unicodedata.normalize("NFC", ch + "\u0302" + _VNI_CIRC[nlow]))
            i += 2
        elif low == "a" and nlow in _VNI_BREVE:
            out.append(unicodedata.normalize("NFC", ch + "\u0306" + _VNI_BREVE[nlow]))
            i += 2
        elif low in "ôö":
            base = "ơ" if low == "ô" else "ư"
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


def decode_legacy(text: str, encoding: str | None) -> str:
    """Unicode (NFC) text from text set in a legacy font; `encoding=None` returns it unchanged."""
    if encoding == VNI:
        return _vni_to_unicode(text)
    if encoding == TCVN3:
        return text.translate(_TCVN3_TABLE)
    if encoding == TCVN3_CAPS:
        return text.translate(_TCVN3_TABLE).upper()
    return text


def has_unicode_vietnamese(text: str) -> bool:
    """Letters that exist only in Unicode (ư, ơ, đ, ạ, ế …): the text is not legacy-encoded."""
    return bool(_VIET.search(text))


def typed_in_unicode(texts: list[str]) -> bool:
    """A legacy font used for Unicode text (an old template typed in with a Unicode keyboard):
    more than 5% of its letters exist only in Unicode, which no legacy byte can give."""
    letters = viet = 0
    for t in texts:
        letters += sum(1 for c in t if c.isalpha())
        viet += len(_VIET.findall(t))
    return letters > 0 and viet > 0.05 * letters


def legacy_encoding(text: str) -> str | None:
    """TCVN3, VNI or None, guessed from the text alone: the fallback when no font is known.
    Only text without real Vietnamese letters and with enough tell-tale characters qualifies."""
    if not text or _VIET.search(text):
        return None
    tells = sum(1 for c in text if c in _TCVN3_TELL)
    vni = len(_VNI_TELL.findall(text))
    # VNI's mark letters are also TCVN3 tells: when most tells pair with a vowel, it is VNI
    if vni >= 3 and vni >= len(text) * 0.02 and vni >= 0.6 * tells:
        return VNI
    if tells >= 3 and tells >= len(text) * 0.03:
        return TCVN3
    return None


def fix_legacy_encoding(text: str) -> str:
    """One string, guessed from its own text (no font known)."""
    return decode_legacy(text, legacy_encoding(text))


# --- encoding (inverse tables: test documents and round-trip checks) -----------------------
def encode_tcvn3(text: str, caps: bool = False) -> str:
    """Unicode → TCVN3 as a typist wrote it. `caps`: for a capitals font (.VnTimeH), where
    Vietnamese capitals are written at their lowercase codes and ASCII letters as typed."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80 or not ch.isalpha():
            out.append(ch)
            continue
        key = ch.lower() if caps and ch.lower() in _TCVN3_ENCODE else ch
        if key not in _TCVN3_ENCODE:
            raise ValueError(f"{ch!r} cannot be written in a TCVN3 {'capitals ' if caps else ''}font")
        out.append(_TCVN3_ENCODE[key])
    return "".join(out)


_VNI_TONE_OUT = {m: c for c, m in _VNI_TONE.items()}
_VNI_CIRC_OUT = {m: c for c, m in _VNI_CIRC.items()}
_VNI_BREVE_OUT = {m: c for c, m in _VNI_BREVE.items()}
_VNI_I_OUT = {_ACUTE: "í", _GRAVE: "ì", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}


def _vni_letter(ch: str) -> str:
    if ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], set(parts[1:])
    tone = next((m for m in marks if m in _VNI_TONE_OUT), "")
    up = base.isupper()
    low = base.lower()
    if "\u0302" in marks:  # â ê ô
        out = base + _VNI_CIRC_OUT[tone]
    elif "\u0306" in marks:  # ă
        out = base + _VNI_BREVE_OUT[tone]
    elif "\u031b" in marks:  # ơ ư
        out = ("ô" if low == "o" else "ö") + (_VNI_TONE_OUT[tone] if tone else "")
        out = out[0].upper() + out[1:] if up else out
    elif low == "i" and tone:
        out = _VNI_I_OUT[tone]
    elif low == "y" and tone == _DOT:
        out = "î"
    elif tone:
        out = base + _VNI_TONE_OUT[tone]
    else:
        return ch
    return out.upper() if up else out


def encode_vni(text: str) -> str:
    """Unicode → VNI (VNI-Windows), capitals with capital mark letters (`VIEÄT`)."""
    return "".join(ch if ord(ch) < 0x80 or not ch.isalpha() else _vni_letter(ch)
                   for ch in unicodedata.normalize("NFC", text))


# --- what was converted --------------------------------------------------------------------
# Readers count their conversions in the document's `stats` (plain ints, so that a reader
# needs no extra plumbing): `legacy_font_text` (text set in a legacy font: fonts decided),
# `legacy_font:<encoding>:<font>` (converted) and `legacy_font_unicode:<font>` (left as is).
FONT_TEXT = "legacy_font_text"


def count_conversion(stats: dict[str, int], encoding: str | None, font: str, n: int = 1) -> None:
    """Record `n` runs/words in a legacy font: converted with `encoding`, or left (None)."""
    key = f"legacy_font:{encoding}:{font}" if encoding else f"legacy_font_unicode:{font}"
    stats[key] = stats.get(key, 0) + n
    stats[FONT_TEXT] = stats.get(FONT_TEXT, 0) + n


def conversion_warnings(stats: dict[str, int], unit: str) -> list[str]:
    """The document's warnings saying what was converted; the per-font counts leave `stats`."""
    converted: dict[str, list[str]] = {}
    left: list[str] = []
    for key in sorted(k for k in stats if k.startswith("legacy_font:")):
        _, enc, font = key.split(":", 2)
        caps = " (capitals)" if enc == TCVN3_CAPS else ""
        converted.setdefault(_NAMES[enc], []).append(f"{stats.pop(key)} {unit} in {font}{caps}")
    for key in sorted(k for k in stats if k.startswith("legacy_font_unicode:")):
        left.append(f"{stats.pop(key)} {unit} in legacy font {key.split(':', 1)[1]} are already Unicode: "
                    "left as they are")
    return [f"legacy {name} font text converted to Unicode: {', '.join(parts)}"
            for name, parts in converted.items()] + left


# PDF producers with WinAnsiEncoding and no ToUnicode map TCVN3's 0xAD (ư) to the glyph
# name "hyphen", so pdfium gives '-'. Inside a TCVN3 word it is ư where Vietnamese spelling
# allows: before u, a, n or an ơ code (ưu, mưa, ưng, người) or closing a word after a
# consonant (như, thư); '-' elsewhere (BC-UBND, 2012-2016) stays a hyphen.
_U_HORN_HYPHEN = re.compile(r"(?<=[A-Za-z®§])-(?=[uan¬íêëìî])|^-(?=[uan¬íêëìî])|(?<=[bcdghklmnpqrstvx®])-$")


def decode_pdf_words(words: list[dict], stats: dict[str, int]) -> None:
    """Decode, in place, PDF words set in a legacy font (`word["font"]`, from pdfium's
    FPDFText_GetFontInfo), counting them in `stats`. A page's words in one font are left alone
    when that font holds Unicode text (a ToUnicode map to real Vietnamese letters)."""
    legacy = {font for font in {w.get("font") for w in words} if font and font_encoding(font)}
    if not legacy:  # almost every page: its few fonts asked once each, not once per word
        return
    groups: dict[str, list[dict]] = {}
    for w in words:
        font = w.get("font")
        if font in legacy:
            groups.setdefault(font, []).append(w)
    for font, group in groups.items():
        enc = font_encoding(font)
        name = _SUBSET_PREFIX.sub("", font).split(",")[0]
        if typed_in_unicode([w["text"] for w in group]):
            count_conversion(stats, None, name, len(group))
            continue
        for w in group:
            text = w["text"]
            if has_unicode_vietnamese(text):
                count_conversion(stats, None, name)
                continue
            if enc != VNI:
                text = _U_HORN_HYPHEN.sub("\u00ad", text)
            w["text"] = decode_legacy(text, enc)
            count_conversion(stats, enc, name)
