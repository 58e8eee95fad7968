"""One entry point for every supported file: dispatch by content, not by extension."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from chiso.extract.detect import sniff
from chiso.extract.docx_reader import read_docx
from chiso.extract.pdf_reader import read_pdf
from chiso.model import ExtractedDocument, ExtractionError, Table
from chiso.normalize.text import decode_legacy, legacy_encoding


def read_document(path: str | Path, sha256: str, data: bytes | None = None) -> ExtractedDocument:
    """Read a file whose bytes were already loaded once (hashing and parsing share them)."""
    data = data if data is not None else Path(path).read_bytes()
    kind, reason = sniff(data)
    if kind is None:
        raise ExtractionError(reason or "not a PDF or DOCX", "not_supported")
    if kind == "pdf":
        doc = read_pdf(path, sha256, data)
    elif kind == "docx":
        doc = read_docx(path, sha256, data)
    else:
        doc = _read_legacy_doc(Path(path), sha256)
    return repair_legacy_fonts(doc)


def repair_legacy_fonts(doc: ExtractedDocument) -> ExtractedDocument:
    """Old files typed with TCVN3 (.VnTime) or VNI fonts: decided once per document, then every
    text and cell is converted, so that short cells ("Naêm 2024") are converted too."""
    sample = " ".join(b.text for b in doc.texts[:300])
    encoding = legacy_encoding(sample)
    if encoding is None:
        return doc
    for block in doc.blocks:
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.grid:
                for cell in row:
                    if cell is not None and id(cell) not in seen:
                        seen.add(id(cell))
                        cell.text = decode_legacy(cell.text, encoding)
        else:
            block.text = decode_legacy(block.text, encoding)
    doc.warnings.append(f"legacy {encoding.upper()} font text converted to Unicode")
    return doc


def _read_legacy_doc(path: Path, sha256: str) -> ExtractedDocument:
    """Old binary .doc: converted with LibreOffice when it is installed, else a clear reason."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExtractionError("legacy Word .doc file: convert it to DOCX first (or install LibreOffice, "
                              "which chiso then uses to convert it automatically)", "legacy_doc")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                           check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as e:
            raise ExtractionError(f"legacy .doc could not be converted by LibreOffice ({type(e).__name__}): "
                                  "the file may be damaged; open and re-save it as DOCX", "legacy_doc") from e
        out = next(Path(tmp).glob("*.docx"), None)
        if out is None:
            raise ExtractionError("legacy .doc could not be converted by LibreOffice: the file may be damaged; "
                                  "open and re-save it as DOCX", "legacy_doc")
        doc = read_docx(out, sha256)
        doc.path = str(path)
        doc.warnings.append("converted from legacy .doc with LibreOffice")
        return doc
