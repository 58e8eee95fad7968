"""The files a warehouse was loaded from: found, checked against their sha256, opened once.

A picture of "where this number was printed" is only evidence when it is drawn from the
very bytes that were loaded, so every source file is hashed again and a mismatch is said
in words (and written on the picture). DOCX (and legacy .doc) files have no pages of
their own: LibreOffice prints them to PDF (`soffice --headless --convert-to pdf`, the
converter documented at help.libreoffice.org "Starting the LibreOffice Software With
Parameters"), once per file hash, into a cache folder (`$CHISO_CACHE/render`, default
`~/.cache/chiso/render`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from chiso.extract.reader import read_document
from chiso.model import ExtractedDocument, ExtractionError
from chiso.visual.locate import PageText, page_text

AUTO = "auto"  # find soffice/libreoffice on PATH


class SourceError(Exception):
    """A source file that cannot be shown, with a reason a person can act on."""


def cache_dir() -> Path:
    base = os.environ.get("CHISO_CACHE") or str(Path.home() / ".cache" / "chiso")
    return Path(base) / "render"


def find_converter(converter: str | None = AUTO) -> str | None:
    """The LibreOffice binary to print DOCX pages with, or None (then tables are drawn from cells)."""
    if converter != AUTO:
        return converter
    return shutil.which("soffice") or shutil.which("libreoffice")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class SourceFile:
    """One document's file on disk, and whether it is the file that was loaded."""

    document_id: int
    name: str
    path: Path
    sha256: str
    format: str
    warning: str | None = None  # e.g. the bytes on disk are not the loaded ones
    _pdf: pdfium.PdfDocument | None = field(default=None, repr=False)
    _extracted: ExtractedDocument | None = field(default=None, repr=False)
    _rendered: Path | None = field(default=None, repr=False)
    _texts: dict[int, PageText] = field(default_factory=dict, repr=False)

    @property
    def is_pdf(self) -> bool:
        return self.format == "pdf"

    def pdf(self) -> pdfium.PdfDocument:
        """The PDF itself, or for a DOCX the PDF LibreOffice printed (call `rendered_pdf` first)."""
        if self._pdf is None:
            target = self.path if self.is_pdf else self._rendered
            if target is None:
                raise SourceError(f"{self.name}: not a PDF and not rendered")
            try:
                self._pdf = pdfium.PdfDocument(str(target))
            except pdfium.PdfiumError as e:
                raise SourceError(f"{target}: cannot be opened as PDF ({e})") from e
        return self._pdf

    def page_text(self, page_no: int) -> PageText:
        """Characters and boxes of a page (1-based) of `pdf()`, read once."""
        if page_no not in self._texts:
            page = self.pdf()[page_no - 1]
            try:
                self._texts[page_no] = page_text(page)
            finally:
                page.close()
        return self._texts[page_no]

    def extracted(self) -> ExtractedDocument:
        """The document read again as the pipeline read it (cells and paragraphs by number)."""
        if self._extracted is None:
            try:
                self._extracted = read_document(self.path, self.sha256)
            except ExtractionError as e:
                raise SourceError(f"{self.path}: {e.reason}") from e
        return self._extracted

    def rendered_pdf(self, converter: str | None = AUTO) -> Path | None:
        """For a DOCX: its pages printed by LibreOffice (cached by hash); None without a converter."""
        if self.is_pdf:
            return self.path
        if self._rendered is None:
            binary = find_converter(converter)
            if binary is None:
                return None
            self._rendered = render_to_pdf(self.path, self.sha256, binary)
        return self._rendered

    def close(self) -> None:
        self._texts.clear()
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def render_to_pdf(path: Path, sha256: str, binary: str) -> Path:
    """Print a Word file to PDF with LibreOffice, once per content hash.

    A private LibreOffice profile per call lets this run while another soffice (an ingest
    converting a .doc, a user's office) is open; the result is moved into the cache atomically.
    """
    target = cache_dir() / f"{sha256}.pdf"
    if target.exists() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chiso-render-") as tmp:
        src = Path(tmp) / f"doc{path.suffix.lower() or '.docx'}"
        shutil.copyfile(path, src)
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=240)
        except (subprocess.SubprocessError, OSError) as e:
            raise SourceError(f"{path}: LibreOffice could not print it to PDF ({type(e).__name__})") from e
        out = Path(tmp) / "doc.pdf"
        if not out.exists():
            raise SourceError(f"{path}: LibreOffice produced no PDF (the file may be damaged)")
        staged = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.move(str(out), staged)
        os.replace(staged, target)
    return target


def open_source(document: dict, override: Path | None = None) -> SourceFile:
    """The file of a `document` row, hashed again; SourceError when it is not there."""
    path = Path(override) if override else Path(document["source_path"] or document["source_file"])
    name = document["source_file"]
    if not path.is_file():
        raise SourceError(f"{name}: the file is not at {path} any more (it was loaded from there); "
                          f"pass --source with its new place")
    fmt = (document.get("format") or path.suffix.lstrip(".")).lower()
    src = SourceFile(document["id"], name, path, document["sha256"], fmt)
    actual = sha256_of(path)
    if actual != document["sha256"]:
        src.warning = (f"{path} has changed since it was loaded (sha256 {actual[:12]}… on disk, "
                       f"{document['sha256'][:12]}… loaded): the picture may not show the loaded value")
    return src


class SourceBook:
    """Source files opened once for many pictures (a report draws dozens from the same files)."""

    def __init__(self, converter: str | None = AUTO):
        self.converter = converter
        self._files: dict[int, SourceFile | SourceError] = {}

    def get(self, document: dict, override: Path | None = None) -> SourceFile:
        key = document["id"]
        if key not in self._files:
            try:
                self._files[key] = open_source(document, override)
            except SourceError as e:
                self._files[key] = e
        found = self._files[key]
        if isinstance(found, SourceError):
            raise found
        return found

    def close(self) -> None:
        for f in self._files.values():
            if isinstance(f, SourceFile):
                f.close()
        self._files.clear()
