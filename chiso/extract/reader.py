"""One entry point for every supported file: dispatch by content, not by extension."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from chiso.extract.detect import sniff
from chiso.extract.docx_reader import read_docx
from chiso.extract.integrity import source_damage
from chiso.extract.pdf_reader import read_pdf
from chiso.extract.spreadsheet import read_spreadsheet
from chiso.model import Cell, ExtractedDocument, ExtractionError, Table, TextBlock
from chiso.normalize.legacy_fonts import (
    FONT_TEXT,
    conversion_warnings,
    decode_legacy,
    has_unicode_vietnamese,
    legacy_encoding,
)


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
    elif kind in ("xlsx", "xls", "csv"):
        return read_spreadsheet(path, sha256, data, kind)
    else:
        doc = _read_legacy_doc(Path(path), sha256, kind)
    if kind in ("pdf", "docx"):  # damage in a file that opened: its values are flagged (checks/damage.py)
        doc.damage = source_damage(kind, data)
        if doc.damage:
            doc.warnings.append("damaged: " + "; ".join(doc.damage))
    return repair_legacy_fonts(doc)


def repair_legacy_fonts(doc: ExtractedDocument) -> ExtractedDocument:
    """Legacy font text (TCVN3 `.VnTime`, VNI) in documents that name no legacy font.

    Readers decode text by the font it is set in (DOCX runs, PDF words) and count it in
    `doc.stats` (legacy_fonts.count_conversion); the warnings saying what was converted are
    written here, and such a document is never guessed from. A document
    without legacy fonts (fonts lost in a conversion) is guessed from its text: the encoding
    is decided on the blocks and cells that hold no Unicode-only letter, so a Unicode masthead
    does not hide a legacy body, and only those blocks are converted: when they are the larger
    part of the text and one of them is a sentence (40+ letters) that is legacy on its own (a
    Unicode table of names like "Hoà Bình" is not). Short cells ("Naêm 2024") follow the
    document's decision.
    Soft hyphens left after this are invisible marks and are removed.
    """
    doc.warnings.extend(conversion_warnings(doc.stats, "words" if doc.format == "pdf" else "runs"))
    items = _text_items(doc)
    if not doc.stats.get(FONT_TEXT):
        legacy = [(obj, t) for obj, t in items if not has_unicode_vietnamese(t)]
        encoding = legacy_encoding(" ".join(t for _, t in legacy)[:200_000])
        if encoding and sum(_letters(t) for _, t in legacy) >= \
                sum(_letters(t) for obj, t in items if has_unicode_vietnamese(t)) and \
                any(_letters(t) >= 40 and legacy_encoding(t) == encoding for _, t in legacy):
            for obj, text in legacy:
                obj.text = decode_legacy(text, encoding)
            kept = f", {len(items) - len(legacy)} already in Unicode left as they are" if len(legacy) < len(items) else ""
            doc.warnings.append(f"legacy {encoding.upper()} font text converted to Unicode, guessed from the text "
                                f"(no legacy font named): {len(legacy)} text blocks and table cells{kept}")
    for obj, _ in _text_items(doc):
        if "\u00ad" in obj.text:
            obj.text = obj.text.replace("\u00ad", "")
    return doc


def _text_items(doc: ExtractedDocument) -> list[tuple[TextBlock | Cell, str]]:
    """Every text block and every table cell once (a merged cell is one object)."""
    out: list[tuple[TextBlock | Cell, str]] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.grid:
                for cell in row:
                    if cell is not None and id(cell) not in seen:
                        seen.add(id(cell))
                        out.append((cell, cell.text))
        else:
            out.append((block, block.text))
    return out


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


_CONVERTED_KINDS = {"doc": "legacy Word .doc", "rtf": "RTF"}
_PROFILES: dict[int, Path] = {}


def _libreoffice_profile() -> Path:
    """This process's LibreOffice user profile (made on first use, ~1.5 s). Pool workers end
    without running atexit, so profiles of processes that no longer run are swept here."""
    pid = os.getpid()
    if pid not in _PROFILES:
        base = Path(tempfile.gettempdir())
        for old in base.glob("chiso-libreoffice-*"):
            if old.name.rsplit("-", 1)[-1].isdigit() and not _running(int(old.name.rsplit("-", 1)[-1])):
                shutil.rmtree(old, ignore_errors=True)
        _PROFILES[pid] = base / f"chiso-libreoffice-{pid}"
        _PROFILES[pid].mkdir(exist_ok=True)
        atexit.register(shutil.rmtree, _PROFILES[pid], True)
    return _PROFILES[pid]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _read_legacy_doc(path: Path, sha256: str, kind: str = "doc") -> ExtractedDocument:
    """Old binary .doc and RTF: converted to DOCX with LibreOffice when it is installed, else a
    clear reason. Legacy font text survives the conversion: runs keep their font names and
    TCVN3's ư (byte 0xAD, a soft hyphen to LibreOffice) comes out as `<w:softHyphen/>`, which
    the DOCX reader reads as ư inside a TCVN3 run. (antiword and catdoc, measured on the same
    file, drop that byte or refuse small files, and lose the tables.) Each worker process has
    its own LibreOffice profile: conversions running in parallel on one profile fail."""
    what = _CONVERTED_KINDS.get(kind, "legacy Word .doc")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExtractionError(f"{what} file: convert it to DOCX first (or install LibreOffice, "
                              "which chiso then uses to convert it automatically)", "legacy_doc")
    damaged = f"{what} could not be converted by LibreOffice: the file may be damaged; open and re-save it as DOCX"
    with tempfile.TemporaryDirectory() as tmp:
        profile = _libreoffice_profile().as_uri()
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
                            "--outdir", tmp, str(path)], check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as e:
            raise ExtractionError(f"{damaged} ({type(e).__name__})", "legacy_doc") from e
        out = next(Path(tmp).glob("*.docx"), None)
        if out is None:
            raise ExtractionError(damaged, "legacy_doc")
        doc = read_docx(out, sha256)
        doc.path = str(path)
        doc.format = kind  # the file is a .doc or .rtf, read through its DOCX conversion
        doc.warnings.append(f"converted from {what} with LibreOffice")
        return doc
