"""Damage in a file that still opens: reasons to distrust its numbers, from what the format records.

PDF and DOCX readers are built to be forgiving. pdfium opens a PDF whose cross-reference table is
off by a few bytes by rebuilding it, and reads a stream whose `/Length` is wrong up to the next
`endstream`; a changed or deleted byte then shows up as a different number on the page (`7.24`
where the document prints `77.24`) with nothing to say so. A file that does not open at all is
refused by its reader (code `damaged`); this module finds damage in files that do open, so that
their values are flagged `damaged_source` and never win the best-value rule (chiso/checks/damage.py,
chiso/load/views.py).

What the formats themselves record, and what each check catches:
- PDF cross-reference (ISO 32000-1 §7.5.4, §7.5.8): every section's entries must point at their
  objects (chiso/extract/pdf_xref.py). pdfium also says whether it had to rebuild the table
  (`FPDF_DocumentHasValidCrossReferenceTable`, public API in pdfium's fpdfview.h, exposed by
  pypdfium2.raw); it forgives more than the entries check (a shift it can undo), so both are asked.
- PDF streams (§7.3.8): `/Length` (direct or an indirect `n 0 R`) says where the data ends; the
  keyword `endstream` follows after an end-of-line marker. The spec only says the marker *should*
  be there, so the distance from the stated end to `endstream` is compared with the writer's habit
  in the same part of the file (the distance all but one, or 90 %, of its 3+ streams share): a byte
  deleted from a `\\r\\n` writer's stream leaves a lone `\\n`, which no fixed rule can tell apart.
- Flate (RFC 1950): zlib data ends with an Adler-32 checksum of the decompressed bytes, so a
  changed byte in a compressed stream fails to inflate or fails the check. Encrypted files are
  not inflated (their streams are ciphertext).
- DOCX (ZIP, ECMA-376 part 2): every member carries a CRC-32 (`zipfile.ZipFile.testzip`); the XML
  parts chiso reads must parse as well-formed XML without lxml's recovery. python-docx already parses
  the main document, styles, headers and relationships strictly when it opens the file (the reader
  refuses a malformed one as damaged), so only the parts the reader parses itself are parsed here:
  the footnotes, which the reader then skips.

All of it is regular expressions and zlib over the bytes already in memory: a few milliseconds per
megabyte, bounded (MAX_ITEMS streams and entries, MAX_INFLATE bytes inflated) for hostile files.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter

from lxml import etree

from chiso.extract.pdf_xref import (
    DIGITS,
    FLATE,
    LENGTH,
    LOOKBACK,
    MAX_ITEMS,
    OBJ,
    STREAM,
    XrefSections,
    object_at,
)

MAX_INFLATE = 400_000_000  # decompressed bytes produced to check Flate streams, per file
MAX_ZIP_BYTES = 300_000_000  # declared uncompressed size of a DOCX above which members are not CRC-checked
_NO_END = "no endstream after it (the file is cut)"
_SHOWN = 3  # damaged streams named in a reason; the rest are counted

_LENGTH_REF = re.compile(rb"/Length\s+(\d+)\s+(\d+)\s+R")
_SPACE = b" \t\r\n\x00\x0c"


def source_damage(kind: str, data: bytes) -> list[str]:
    """Reasons the file is damaged though it opens; an empty list for a sound file (or a format not checked)."""
    if kind == "pdf":
        return pdf_damage(data)
    if kind == "docx":
        return docx_damage(data)
    return []


# ── PDF ──────────────────────────────────────────────────────────────────────────────────────────

def pdf_damage(data: bytes) -> list[str]:
    header = data.find(b"%PDF-", 0, 1024)
    reasons = _structure_damage(data[header:] if header > 0 else data)
    if reasons and header > 0:  # bytes before the header: offsets may count from the file's first byte instead
        reasons = min(reasons, _structure_damage(data), key=len)
    if not _pdfium_xref_valid(data):
        reasons.append("pdfium had to rebuild the cross-reference table (the file's own table is broken)")
    return reasons


def _structure_damage(data: bytes) -> list[str]:
    xref = XrefSections(data)
    reasons = xref.check()
    return reasons + _StreamCheck(data, xref, inflate=not xref.encrypted).check()


def _pdfium_xref_valid(data: bytes) -> bool:
    """pdfium's own verdict on the table; True when it cannot say (a password, an older pdfium)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    check = getattr(raw, "FPDF_DocumentHasValidCrossReferenceTable", None)
    if check is None:
        return True
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return True  # not opened: the reader refuses the file with its own reason
    try:
        return bool(check(pdf.raw))
    finally:
        pdf.close()


class _StreamCheck:
    """Every stream's `/Length` against its `endstream`, and every Flate stream inflated."""

    def __init__(self, data: bytes, xref: XrefSections, inflate: bool):
        self.data, self.xref, self.inflate = data, xref, inflate
        self._scanned: dict[int, int] | None = None  # object number → byte, found by scanning (lazy)
        self.inflated = 0

    def check(self) -> list[str]:
        data, found = self.data, []  # (region, object, byte, gap from the stated end to endstream, flate error)
        eofs = [m.start() for m in re.finditer(rb"%%EOF", data)]
        cursor = 0
        while len(found) < MAX_ITEMS:
            m = STREAM.search(data, cursor)
            if m is None:
                break
            cursor = m.end()
            item = self._stream(m, eofs)
            if item is not None:
                found.append(item)
                if item[4] == _NO_END:
                    break  # no `endstream` after this one: none after any later one either
                cursor = max(cursor, item[2] + max(item[5], 0))  # past the data: never search inside it
        return _stream_reasons(found)

    def _stream(self, m: re.Match, eofs: list[int]) -> tuple | None:
        data, k = self.data, m.start()
        while k > 0 and data[k - 1] in _SPACE:
            k -= 1
        if data[k - 2:k] != b">>":
            return None  # `endstream`, or the word inside some text
        head_at = data.rfind(b"obj", max(0, k - LOOKBACK), k)
        if head_at < 0:
            return None
        head = data[head_at:k]
        number = _number_before(data, head_at)
        start = m.end()
        length = self._length(head)
        end_kw = data.find(b"endstream", start)
        if end_kw < 0:
            return (_region(eofs, start), number, start, None, _NO_END, 0)
        gap = None  # bytes from the end /Length gives to `endstream`; 99: nowhere near it
        if length is not None:
            near = data.find(b"endstream", max(start, start + length - 4), start + length + 4 + 9)
            gap = near - (start + length) if near >= 0 and data[start + length:near].strip(_SPACE) == b"" else 99
        stop = start + length if gap is not None and gap != 99 else _before_eol(data, end_kw)
        error = self._inflate_error(data[start:stop]) if self.inflate and FLATE.search(head) else None
        return (_region(eofs, start), number, start, gap, error, max(stop - start, 0))

    def _length(self, head: bytes) -> int | None:
        ref = _LENGTH_REF.search(head)
        if ref is not None:
            return self._resolve(int(ref.group(1)))
        direct = LENGTH.search(head)
        return int(direct.group(1)) if direct else None

    def _resolve(self, num: int) -> int | None:
        """The integer of object `num` (a stream's indirect length), or None if it cannot be found."""
        data = self.data
        off = self.xref.offsets.get(num)
        obj = object_at(data, off) if off is not None else None
        if obj is None or int(obj.group(1)) != num:
            if self._scanned is None:
                self._scanned = {int(o.group(1)): o.start() for o in OBJ.finditer(data)
                                 if o.start() == 0 or data[o.start() - 1] not in DIGITS}
            off = self._scanned.get(num)
            obj = object_at(data, off) if off is not None else None
        value = re.match(rb"\s*(\d+)\s+endobj", data[obj.end():obj.end() + 40]) if obj is not None else None
        return int(value.group(1)) if value else None

    def _inflate_error(self, chunk: bytes) -> str | None:
        if self.inflated > MAX_INFLATE:
            return None
        d = zlib.decompressobj()
        try:
            while chunk and not d.eof and self.inflated <= MAX_INFLATE:
                self.inflated += len(d.decompress(chunk, 1 << 20))
                chunk = d.unconsumed_tail
        except zlib.error as e:
            return f"compressed data fails to decode ({e})"
        if not d.eof and self.inflated <= MAX_INFLATE:
            return "compressed data is broken: it does not reach its end marker and checksum (cut short or changed)"
        return None


def _number_before(data: bytes, obj_kw: int) -> int | None:
    m = re.search(rb"(\d+)\s+\d+\s+$", data[max(0, obj_kw - 30):obj_kw])
    return int(m.group(1)) if m else None


def _before_eol(data: bytes, end_kw: int) -> int:
    if data[end_kw - 2:end_kw] == b"\r\n":
        return end_kw - 2
    return end_kw - 1 if data[end_kw - 1:end_kw] in (b"\n", b"\r") else end_kw


def _region(eofs: list[int], pos: int) -> int:
    """Which part of an incrementally updated file a byte is in (each update may be another writer's)."""
    return sum(1 for e in eofs if e < pos)


def _stream_reasons(found: list[tuple]) -> list[str]:
    habits: dict[int, int | None] = {}
    for region in {f[0] for f in found}:
        gaps = Counter(f[3] for f in found if f[0] == region and f[3] is not None)
        total = sum(gaps.values())
        top = gaps.most_common(1)
        # the writer's habit when 3+ streams show one (all but one of them, or 90 %): the odd one out is damaged
        habits[region] = top[0][0] if total >= 3 and top[0][1] >= min(0.9 * total, total - 1) \
            and top[0][0] in (0, 1, 2) else None
    bad = []
    for region, number, start, gap, error, _ in found:
        what = f"stream of object {number}" if number is not None else f"stream at byte {start}"
        habit = habits[region]
        if gap is not None and (gap not in (0, 1, 2) or (habit is not None and gap != habit)):
            off = gap - habit if habit is not None and gap != 99 else None
            detail = f"its data is {abs(off)} byte{'s' if abs(off) > 1 else ''} {'shorter' if off < 0 else 'longer'} " \
                "than its /Length" if off else "its /Length does not end at endstream"
            bad.append(f"{what}: {detail}: bytes were inserted or deleted")
        if error:
            bad.append(f"{what}: {error}")
    if len(bad) > _SHOWN:
        bad = [*bad[:_SHOWN], f"and {len(bad) - _SHOWN} more damaged streams"]
    return bad


# ── DOCX ─────────────────────────────────────────────────────────────────────────────────────────

_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOCUMENT_RELS = re.compile(r"(?:.*/)?_rels/[^/]+\.rels")
# Relationship types (last path segment) of the XML parts the DOCX reader parses itself from the part's
# bytes. python-docx parses the others it reads (the main document, styles, headers, numbering, settings,
# core properties, relationships) strictly when it opens the package, and the reader refuses the file
# as damaged when one is malformed: parsing them again here would only double their cost (styles.xml
# alone is 350 KB in Word's default template, 5 ms).
_SELF_PARSED = {"footnotes"}


def docx_damage(data: bytes) -> list[str]:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []  # not opened: the reader refuses the file with its own reason
    with z:
        reasons = _crc_damage(z)
        for name in _self_parsed_parts(z):
            try:
                etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as e:
                reasons.append(f"part {name} is not well-formed XML ({e})")
            except (zipfile.BadZipFile, zlib.error, EOFError, KeyError):
                continue  # reported by the CRC check
    return reasons


def _crc_damage(z: zipfile.ZipFile) -> list[str]:
    if sum(i.file_size for i in z.infolist()) > MAX_ZIP_BYTES:
        return []
    try:
        bad = z.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:  # RuntimeError: encrypted
        return [f"a ZIP member cannot be decompressed ({e})"]
    return [f"ZIP member {bad} fails its CRC-32 check (its bytes changed)"] if bad else []


def _self_parsed_parts(z: zipfile.ZipFile) -> list[str]:
    """The parts of _SELF_PARSED types, named by any relationships part of the package."""
    names = set(z.namelist())
    parts: list[str] = []
    for rels in sorted(n for n in names if _DOCUMENT_RELS.fullmatch(n)):
        try:
            root = etree.fromstring(z.read(rels), etree.XMLParser(resolve_entities=False, no_network=True))
        except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError):
            continue  # python-docx refuses the package (a malformed rels), or the CRC check names it
        base = rels.rpartition("_rels/")[0].rstrip("/")
        for rel in root.iter(_RELS_NS + "Relationship"):
            if rel.get("TargetMode") == "External" or rel.get("Type", "").rsplit("/", 1)[-1] not in _SELF_PARSED:
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else _join(base, target)
            if name in names:
                parts.append(name)
    return list(dict.fromkeys(parts))


def _join(base: str, target: str) -> str:
    parts = [p for p in base.split("/") if p]
    for seg in target.split("/"):
        if seg == "..":
            parts = parts[:-1]
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)
