"""Decide what a file is from its bytes, not its name.

Backfills from provincial portals are full of `.pdf` files that are HTML error pages,
`.docx` files that are old binary `.doc`, and ZIPs of something else. The reason we
give must tell the user what to do next.
"""

from __future__ import annotations

import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> tuple[str | None, str | None]:
    """Return (format, None) for pdf/docx/doc, or (None, reason), from the file's bytes."""
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
            return None, "an Excel workbook, not a PDF/DOCX report"
        return None, "a ZIP archive that is not a Word document"
    if head.startswith(OLE_MAGIC):
        return "doc", None
    low = head.lower()
    if low.lstrip().startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        return None, "an HTML page, not a PDF/DOCX (a portal error page saved as the document?)"
    if head.startswith(b"{\\rtf"):
        return "rtf", None  # converted with LibreOffice, like a .doc (extract/reader.py)
    return None, "not a PDF or DOCX (unrecognised content)"
