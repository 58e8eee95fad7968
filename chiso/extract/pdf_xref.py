"""A PDF's cross-reference sections, read from its bytes and checked against where its objects are.

ISO 32000-1 §7.5.4 (tables) and §7.5.8 (streams): `startxref` gives the byte where the newest
section starts (`xref`, or an `N G obj` cross-reference stream), each section may point to an older
one (`/Prev`, and `/XRefStm` in a hybrid file), and every in-use entry gives the byte where its object
starts. One byte inserted or deleted shifts every later object, so the entries after it stop
pointing at `N G obj`. Each section of an incrementally updated or linearized file is checked (a
linearized file's first-page trailer says `startxref 0`). Used by extract/integrity.py, which also
resolves a stream's indirect `/Length` through `XrefSections.offsets`.
"""

from __future__ import annotations

import re
import zlib

MAX_ITEMS = 100_000  # streams and cross-reference entries examined per file
LOOKBACK = 16_384  # how far before `stream` its object's header may be (a stream further is not checked)

OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
STREAM = re.compile(rb"stream(?:\r\n|\r|\n)")
LENGTH = re.compile(rb"/Length\s+(\d+)")
FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/FlateDecode\b")
DIGITS = b"0123456789"
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_KW = re.compile(rb"(?<!start)xref(?=\s)")
_SUBSECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"\s*(\d{10})\s(\d{5})\s([nf])")
_PREV = re.compile(rb"/(Prev|XRefStm)\s+(\d+)")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def object_at(data: bytes, pos: int) -> re.Match | None:
    """`N G obj` starting exactly at pos (not the tail of a longer number)."""
    if pos <= 0 or pos >= len(data) or (data[pos - 1] in DIGITS):
        return None
    return OBJ.match(data, pos)


class XrefSections:
    """Every cross-reference section of the file, read and checked against the objects' places."""

    def __init__(self, data: bytes):
        self.data = data
        self.offsets: dict[int, int] = {}  # object number → byte, from the newest section naming it
        self.encrypted = False
        self.reasons: list[str] = []
        self._entries = 0

    def check(self) -> list[str]:
        data = self.data
        starts = [int(m.group(1)) for m in _STARTXREF.finditer(data, max(0, len(data) - 50_000_000))][-1000:]
        if not starts:
            self.reasons.append("no startxref: the file's end (its cross-reference pointer) is missing")
        todo = list(reversed(starts))  # newest first: its entries win for object numbers named twice
        seen: set[int] = set()
        while todo and len(seen) < 1000:
            pos = todo.pop(0)
            if pos in seen or (pos == 0 and len(starts) > 1):  # a linearized file's first-page trailer says 0
                continue
            seen.add(pos)
            todo += self._section(pos)
        if not self.encrypted and _ENCRYPT.search(data, max(0, len(data) - 4096)):
            self.encrypted = True
        return self.reasons

    def _section(self, pos: int) -> list[int]:
        """Check the section at pos; return the offsets of the sections it points to."""
        data = self.data
        if data.startswith(b"xref", pos):
            return self._table(pos)
        obj = object_at(data, pos)
        if obj is not None:
            return self._stream_section(pos, obj)
        near = [m.start() for m in _XREF_KW.finditer(data, max(0, pos - 4096), pos + 4096)]
        actual = min(near, key=lambda q: abs(q - pos)) if near else None
        where = f" (a table starts {actual - pos:+d} bytes from there)" if actual is not None else ""
        self.reasons.append(f"the cross-reference pointer (startxref/Prev) gives byte {pos}, where no "
                            f"cross-reference section starts{where}: bytes were inserted or deleted before it")
        return self._table(actual) if actual is not None else []

    def _table(self, pos: int) -> list[int]:
        data, at, bad, n_used, first_bad = self.data, pos + 4, 0, 0, ""
        while self._entries < MAX_ITEMS:
            head = _SUBSECTION.match(data, at)
            if head is None:
                break
            at, first, count = head.end(), int(head.group(1)), int(head.group(2))
            for num in range(first, first + count):
                entry = _ENTRY.match(data, at)
                if entry is None:
                    self.reasons.append(f"the cross-reference table at byte {pos} is cut or malformed "
                                        f"(entry for object {num})")
                    return []
                at, self._entries = entry.end(), self._entries + 1
                off = int(entry.group(1))
                if entry.group(3) != b"n" or off == 0:
                    continue
                n_used += 1
                self.offsets.setdefault(num, off)
                obj = object_at(data, off)
                if obj is None or int(obj.group(1)) != num:
                    bad += 1
                    first_bad = first_bad or f"object {num} at byte {off}"
        if bad:
            self.reasons.append(f"the cross-reference table at byte {pos}: {bad} of {n_used} objects are not "
                                f"where it says ({first_bad}): bytes were inserted or deleted")
        trailer = data[at:at + 4096]
        trailer = trailer[:trailer.find(b"startxref")] if b"startxref" in trailer else trailer
        self.encrypted |= bool(_ENCRYPT.search(trailer))
        return [int(m.group(2)) for m in _PREV.finditer(trailer)]

    def _stream_section(self, pos: int, obj: re.Match) -> list[int]:
        """A cross-reference stream (PDF 1.5): its entries of type 1 give byte offsets."""
        data = self.data
        end = data.find(b"stream", obj.end(), obj.end() + LOOKBACK)
        head = data[obj.end():end] if end > 0 else b""
        if b"/XRef" not in head:
            self.reasons.append(f"the cross-reference pointer gives byte {pos}, object {int(obj.group(1))}, "
                                "which is not a cross-reference stream")
            return []
        self.encrypted |= bool(_ENCRYPT.search(head))
        rows = _xref_stream_rows(data, head, end)
        if rows is None:
            self.reasons.append(f"the cross-reference stream at byte {pos} cannot be decoded")
        else:
            bad = [(num, off) for num, kind, off in rows[:MAX_ITEMS - self._entries]
                   if kind == 1 and not self._points_at(num, off)]
            self._entries += len(rows)
            if bad:
                self.reasons.append(f"the cross-reference stream at byte {pos}: {len(bad)} objects are not where "
                                    f"it says (object {bad[0][0]} at byte {bad[0][1]}): bytes were inserted or deleted")
        return [int(m.group(2)) for m in _PREV.finditer(head)]

    def _points_at(self, num: int, off: int) -> bool:
        self.offsets.setdefault(num, off)
        obj = object_at(self.data, off)
        return obj is not None and int(obj.group(1)) == num


def _ints(head: bytes, key: bytes) -> list[int] | None:
    m = re.search(rb"/" + key + rb"\s*\[([\d\s]*)\]", head)
    return [int(x) for x in m.group(1).split()] if m else None


def _xref_stream_rows(data: bytes, head: bytes, stream_kw: int) -> list[tuple[int, int, int]] | None:
    """(object number, type, field 2) of each entry of a cross-reference stream, or None if undecodable."""
    widths, length = _ints(head, b"W"), LENGTH.search(head)
    eol = STREAM.match(data, stream_kw)
    if not widths or len(widths) != 3 or length is None or eol is None or sum(widths) == 0:
        return None
    raw = data[eol.end():eol.end() + int(length.group(1))]
    try:  # at most MAX_ITEMS rows of at most 64 bytes: a hostile stream cannot inflate further
        raw = zlib.decompressobj().decompress(raw, MAX_ITEMS * 64) if FLATE.search(head) else raw
    except zlib.error:
        return None
    predictor = re.search(rb"/Predictor\s+(\d+)", head)
    width = sum(widths)
    if predictor and int(predictor.group(1)) >= 10:
        raw = _png_unpredict(raw, width)
    size = re.search(rb"/Size\s+(\d+)", head)
    index = _ints(head, b"Index") or [0, int(size.group(1)) if size else len(raw) // width]
    numbers = [n for first, count in zip(index[::2], index[1::2], strict=False) for n in range(first, first + count)]
    rows = []
    for i, num in enumerate(numbers[:len(raw) // width]):
        row, at, fields = raw[i * width:(i + 1) * width], 0, []
        for w in widths:
            fields.append(int.from_bytes(row[at:at + w], "big"))
            at += w
        rows.append((num, fields[0] if widths[0] else 1, fields[1]))
    return rows


def _png_unpredict(raw: bytes, width: int) -> bytes:
    """Undo PNG row predictors (one byte per sample, as cross-reference streams use them)."""
    out, prev = bytearray(), bytearray(width)
    for r in range(0, len(raw) - width, width + 1):
        kind, row = raw[r], bytearray(raw[r + 1:r + 1 + width])
        for i in range(width):
            left = row[i - 1] if i else 0
            up, up_left = prev[i], (prev[i - 1] if i else 0)
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        out += row
        prev = row
    return bytes(out)
