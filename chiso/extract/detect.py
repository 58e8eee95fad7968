"""Decide what a file is from its bytes, not its name.

Backfills from provincial portals are full of `.pdf` files that are HTML error pages,
`.docx` files that are old binary `.doc`, and ZIPs of something else. The reason we
give must tell the user what to do next.

Spreadsheets are national data files: an .xlsx is a ZIP holding `xl/workbook.xml`; a
legacy .xls and a .doc are both OLE compound files, told apart by their streams
(`Workbook`/`Book` vs `WordDocument`, read with olefile); a CSV is text whose first rows
parse as a table with a header row and a column of province names.
"""

from __future__ import annotations

import csv
import io
import zipfile

from chiso.db.reference import resolve_province
from chiso.extract.spreadsheet import CSV_SAMPLE, csv_rows, decode_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> tuple[str | None, str | None]:
    """Return (format, None) for pdf/docx/doc/xlsx/xls/csv, or (None, reason), from the file's bytes."""
    head = data[:2048]
    if not head:
        return None, "empty file (0 bytes)"
    if b"%PDF-" in head[:1024]:
        return "pdf", None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None, "damaged ZIP container (truncated or corrupt download?)"
        if "word/document.xml" in names:
            return "docx", None
        if "xl/workbook.xml" in names:
            return "xlsx", None
        if "xl/workbook.bin" in names:
            return None, "an Excel binary workbook (.xlsb): save it as .xlsx"
        return None, "a ZIP archive that is not a Word document"
    if head.startswith(OLE_MAGIC):
        return _ole_kind(data), None
    low = head.lower()
    if low.lstrip().startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        return None, "an HTML page, not a PDF/DOCX (a portal error page saved as the document?)"
    if head.startswith(b"{\\rtf"):
        return "rtf", None  # converted with LibreOffice, like a .doc (extract/reader.py)
    if is_province_csv(data):
        return "csv", None
    return None, "not a PDF or DOCX (unrecognised content)"


def _ole_kind(data: bytes) -> str:
    """'xls' for an Excel 97-2003 workbook, else 'doc' (Word, or a compound file we cannot open:
    the .doc path then gives the reason)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception:  # olefile raises several types for a damaged container
        return "doc"
    if "WordDocument" not in streams and streams & {"Workbook", "Book"}:
        return "xls"
    return "doc"


def is_province_csv(data: bytes) -> bool:
    """Text whose first rows are a table: a header row, then rows with a column of provinces."""
    sample = data[:CSV_SAMPLE]
    if len(data) > CSV_SAMPLE:  # whole lines only (a cut UTF-8 letter would look like another encoding)
        sample = sample[:sample.rfind(b"\n") + 1]
    text = decode_text(sample)
    if text is None or "\n" not in text:
        return False
    try:
        rows = csv_rows(text)[:60]
    except csv.Error:
        return False
    if len(rows) < 3 or len(rows[0]) < 2 or sum(1 for c in rows[0] if c) < 2:
        return False
    body = rows[1:]
    for col in range(len(rows[0])):
        names = [r[col] for r in body if col < len(r) and r[col]]
        hits = sum(1 for n in names if resolve_province(n) is not None)
        if hits >= 2 and hits >= 0.6 * len(body):
            return True
    return False
