"""DOCX → blocks in reading order, tables with their true merged-cell spans, footnotes.

python-docx's `row.cells` repeats a merged cell's text in every grid position, which
makes a vertically merged group label look like many identical labels. We read the
table XML ourselves (gridSpan / vMerge) so each merged cell is one `Cell` with its span.
Footnotes (not exposed by python-docx) carry figures too, e.g. ranks of criteria.

Old reports are typed in legacy fonts (TCVN3 `.VnTime`, its capitals `.VnTimeH`, VNI): each
run's text is decoded by the font it is set in (its own `w:rFonts`, its character style, its
paragraph's style chain, the document defaults), so a Unicode masthead above a TCVN3 body
reads right. `<w:softHyphen/>` in a TCVN3 run is byte 0xAD, the letter `ư` (LibreOffice
writes it so when it converts a `.doc`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from chiso.extract.pdf_stitch import continues_without_header, stitch
from chiso.model import Cell, ExtractedDocument, ExtractionError, Table, TextBlock
from chiso.normalize.legacy_fonts import (
    count_conversion,
    decode_legacy,
    font_encoding,
    has_unicode_vietnamese,
    typed_in_unicode,
)
from chiso.normalize.text import nfc

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

# Limits against hostile files (zip bombs, absurd tables); real reports are far below them.
MAX_XML_BYTES = 60_000_000
MAX_TABLE_CELLS = 200_000
MAX_SPAN = 1_000  # columns one cell may span


class RunFonts:
    """The legacy encoding of each run, from the font it is set in; counts what it converted
    in `stats` (see legacy_fonts.count_conversion).

    Word's inheritance for a run's font: the run's `w:rFonts`, its character style, its
    paragraph's style (through `w:basedOn`), then `w:docDefaults`. `w:hAnsi` is the font of the
    Latin-1 range where legacy letters live, `w:ascii` the fallback. Theme fonts are never
    legacy fonts and count as unknown.
    """

    def __init__(self, styles_root: etree._Element | None, body: etree._Element):
        self.styles: dict[str, tuple[str | None, str | None]] = {}  # id → (font, basedOn)
        self.default_para: str | None = None
        self.default_font: str | None = None
        self.stats: dict[str, int] = {}
        self.fonts_seen = False  # some run is set in a legacy font: fonts decide, no guessing
        self._chain: dict[str | None, str | None] = {}  # style id → font through basedOn
        self._fonts: dict[etree._Element, str | None] = {}  # body run → its font
        self.unicode_fonts: set[str] = set()
        # most documents name no legacy font at all: then no run needs resolving
        named = set(_FONT_NAMES(body)) | (set(_FONT_NAMES(styles_root)) if styles_root is not None else set())
        self.active = any(font_encoding(f) for f in named)
        if not self.active:
            return
        if styles_root is not None:
            for st in styles_root.iter(_W + "style"):
                sid = st.get(_W + "styleId") or ""
                based = st.find(_W + "basedOn")
                self.styles[sid] = (_rfonts_name(st.find(_W + "rPr")), based.get(_W + "val") if based is not None else None)
                if st.get(_W + "type") == "paragraph" and st.get(_W + "default") in ("1", "true", "on"):
                    self.default_para = sid
            dflt = styles_root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
            self.default_font = _rfonts_name(dflt)
        self.unicode_fonts = self._fonts_typed_in_unicode(body)

    def _style_font(self, sid: str | None) -> str | None:
        if sid in self._chain:
            return self._chain[sid]
        font, cur = None, sid
        for _ in range(20):  # basedOn chains are short; a cycle must not hang the reader
            if cur is None or cur not in self.styles:
                break
            font, cur = self.styles[cur]
            if font:
                break
        self._chain[sid] = font
        return font

    def font(self, run: etree._Element) -> str | None:
        rpr = run.find(_W + "rPr")
        if rpr is not None:
            name = _rfonts_name(rpr)
            if name:
                return name
            rstyle = rpr.find(_W + "rStyle")
            if rstyle is not None and (name := self._style_font(rstyle.get(_W + "val"))):
                return name
        para = run.getparent()
        while para is not None and para.tag != _W + "p":
            para = para.getparent()
        ppr = para.find(_W + "pPr") if para is not None else None
        pstyle = ppr.find(_W + "pStyle") if ppr is not None else None
        sid = pstyle.get(_W + "val") if pstyle is not None else self.default_para
        return self._style_font(sid) or self.default_font

    def _fonts_typed_in_unicode(self, body: etree._Element) -> set[str]:
        """Legacy fonts of this document that hold Unicode text; also notes whether any run is
        set in a legacy font at all (then fonts decide, and the text is never guessed from).
        Each body run's font is kept (the dict keeps lxml's proxy, so the same run is found
        again when the text is read)."""
        texts: dict[str, list[str]] = {}
        for run in body.iter(_W + "r"):
            font = self._fonts[run] = self.font(run)
            if font_encoding(font):
                texts.setdefault(font, []).append(_run_text(run))
        self.fonts_seen = bool(texts)
        return {f for f, t in texts.items() if typed_in_unicode(t)}

    def encoding(self, run: etree._Element) -> str | None:
        """The run's legacy encoding, None for Unicode text (a run holding Unicode-only letters
        is Unicode whatever its font says)."""
        if not self.active:
            return None
        font = self._fonts[run] if run in self._fonts else self.font(run)
        enc = font_encoding(font)
        if enc and (font in self.unicode_fonts or has_unicode_vietnamese(_run_text(run))):
            count_conversion(self.stats, None, font)
            return None
        if enc:
            count_conversion(self.stats, enc, font)
        return enc


_FONT_NAMES = etree.XPath(".//w:rFonts/@w:hAnsi | .//w:rFonts/@w:ascii", namespaces={"w": W}, smart_strings=False)


def _rfonts_name(rpr: etree._Element | None) -> str | None:
    rfonts = rpr.find(_W + "rFonts") if rpr is not None else None
    if rfonts is None:
        return None
    return rfonts.get(_W + "hAnsi") or rfonts.get(_W + "ascii")


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(_W + "t"))


def _text_of(el: etree._Element, fonts: RunFonts | None = None) -> str:
    """Visible text of a paragraph-like element: runs, tabs and breaks; no field codes. Runs in
    a legacy font are decoded by it; consecutive runs of one encoding together, because a
    VNI letter and its mark may sit in two runs."""
    parts: list[tuple[str, str | None]] = []
    enc: str | None = None
    for node in el.iter(_W + "r", _W + "t", _W + "softHyphen", _W + "tab", _W + "br", _W + "cr", _W + "p",
                        _W + "delText", _W + "instrText"):
        tag = node.tag
        if tag == _W + "r":
            enc = fonts.encoding(node) if fonts is not None else None
        elif tag == _W + "t":
            parts.append((node.text or "", enc))
        elif tag == _W + "softHyphen":
            # TCVN3's ư (0xAD); kept for the text guess when no legacy font is named, else invisible
            if enc or (fonts is not None and not fonts.fonts_seen):
                parts.append(("\u00ad", enc))
        elif tag in (_W + "tab",):
            parts.append(("\t", None))
        elif tag in (_W + "br", _W + "cr"):
            if node.get(_W + "type") != "page":
                parts.append(("\n", None))
        elif tag == _W + "p" and node is not el and parts and parts[-1][0] != "\n":
            parts.append(("\n", None))
    out: list[str] = []
    i = 0
    while i < len(parts):
        j = i
        while j < len(parts) and parts[j][1] == parts[i][1]:
            j += 1
        out.append(decode_legacy("".join(p for p, _ in parts[i:j]), parts[i][1]))
        i = j
    return nfc("".join(out))


def _cell_text(tc: etree._Element, fonts: RunFonts | None) -> str:
    paras = [_text_of(p, fonts) for p in tc.findall(_W + "p")]
    for nested in tc.findall(_W + "tbl"):
        paras.append(_text_of(nested, fonts))
    return "\n".join(paras).strip("\n")


def _read_table(tbl: etree._Element, number: int, page: int | None, fonts: RunFonts | None = None) -> Table:
    grid: list[list[Cell | None]] = []
    n_cells = 0
    for r, tr in enumerate(tbl.findall(_W + "tr")):
        row: list[Cell | None] = []
        trpr = tr.find(_W + "trPr")
        col = 0
        if trpr is not None and (gb := trpr.find(_W + "gridBefore")) is not None:
            col = _span_value(gb, number)
            row.extend([None] * col)
            n_cells += col
        for tc in tr.findall(_W + "tc"):
            tcpr = tc.find(_W + "tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(_W + "gridSpan")
                if gs is not None:
                    span = max(1, _span_value(gs, number))
                vm = tcpr.find(_W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(_W + "val", "continue")
            n_cells += span  # grid positions, not XML cells: a declared span is counted before it is built
            if n_cells > MAX_TABLE_CELLS:
                raise ExtractionError(f"table {number} has more than {MAX_TABLE_CELLS} cells (spans counted)",
                                      "too_large")
            above = grid[r - 1][col] if r > 0 and col < len(grid[r - 1]) else None
            if vmerge == "continue" and above is not None:
                if above.row + above.rowspan == r:
                    above.rowspan += 1
                cell = above
            else:
                cell = Cell(text=_cell_text(tc, fonts), row=r, col=col, colspan=span, page=page)
            row.extend([cell] * span)
            col += span
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return Table(number=number, grid=grid, page=page, pages=[page] if page else [])


def _span_value(el: etree._Element, number: int) -> int:
    """A gridSpan / gridBefore count, refused when no table of a report could have it (a hostile file
    declaring 20,000,000 columns would otherwise be built cell by cell)."""
    try:
        value = int(el.get(_W + "val", "1") or 1)
    except ValueError:
        raise ExtractionError(f"table {number}: a cell span '{el.get(_W + 'val')}' is not a number", "damaged") from None
    if value > MAX_SPAN:
        raise ExtractionError(f"table {number}: a cell spans {value} columns (limit {MAX_SPAN})", "too_large")
    return value


def _emphasised(p: etree._Element) -> bool:
    """A heading style, or every run with text set in bold."""
    ppr = p.find(_W + "pPr")
    if ppr is not None:
        style = ppr.find(_W + "pStyle")
        if style is not None and any(k in (style.get(_W + "val") or "").lower() for k in ("heading", "title", "tieude")):
            return True
    runs = [r for r in p.findall(_W + "r") if "".join(t.text or "" for t in r.findall(_W + "t")).strip()]
    if not runs:
        return False
    for r in runs:
        rpr = r.find(_W + "rPr")
        b = rpr.find(_W + "b") if rpr is not None else None
        if b is None or b.get(_W + "val") in ("0", "false"):
            return False
    return True


def _footnotes(document: docx.document.Document, fonts: RunFonts | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype != RT.FOOTNOTES:
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except etree.XMLSyntaxError:  # a damaged footnotes part: skipped, named by extract/integrity.py
            continue
        for fn in root.findall(_W + "footnote"):
            if fn.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = "\n".join(_text_of(p, fonts) for p in fn.iter(_W + "p")).strip()
            if text:
                out[fn.get(_W + "id", "")] = text
    return out


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "word/document.xml" not in names:
                raise ExtractionError("a ZIP file but not a Word document (no word/document.xml)", "not_supported")
            total = sum(i.file_size for i in z.infolist() if i.filename.startswith("word/"))
            if total > MAX_XML_BYTES:
                raise ExtractionError(
                    f"decompressed Word XML is {total // 1_000_000} MB (limit {MAX_XML_BYTES // 1_000_000} MB):"
                    " refusing a possible zip bomb", "too_large")
    except zipfile.BadZipFile as e:
        raise ExtractionError(f"damaged DOCX (not a valid ZIP: {e})", "damaged") from e


def read_docx(path: str | Path, sha256: str, data: bytes | None = None) -> ExtractedDocument:
    path = Path(path)
    data = data if data is not None else path.read_bytes()
    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as e:
        raise ExtractionError(f"damaged DOCX (XML error: {e})", "damaged") from e
    except Exception as e:  # python-docx raises many kinds on broken packages
        raise ExtractionError(f"damaged DOCX ({type(e).__name__}: {e})", "damaged") from e

    fonts = RunFonts(document.styles.element, document.element.body)
    footnotes = _footnotes(document, fonts)
    blocks: list[TextBlock | Table] = []
    n_text = n_table = 0
    page = 1
    rendered = document.element.body.find(".//" + _W + "lastRenderedPageBreak") is not None
    seen_refs: list[str] = []

    def count_breaks(el: etree._Element) -> int:
        n = sum(1 for b in el.iter(_W + "br") if b.get(_W + "type") == "page")
        if rendered:
            n += sum(1 for _ in el.iter(_W + "lastRenderedPageBreak"))
        return n

    def walk(container: etree._Element) -> None:
        nonlocal n_text, n_table, page
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                text = _text_of(child, fonts).strip()
                page += count_breaks(child)
                if text:
                    n_text += 1
                    blocks.append(TextBlock(text=text, number=n_text, page=page, emphasis=_emphasised(child)))
                for ref in child.iter(_W + "footnoteReference"):
                    seen_refs.append(ref.get(_W + "id", ""))
            elif tag == _W + "tbl":
                n_table += 1
                table = _read_table(child, n_table, page, fonts)
                if blocks and isinstance(blocks[-1], Table) and continues_without_header(blocks[-1], table):
                    stitch(blocks[-1], table)  # a table split in two in the file: the rest has no header row
                    n_table -= 1
                else:
                    blocks.append(table)
                page += count_breaks(child)
                for ref in child.iter(_W + "footnoteReference"):
                    seen_refs.append(ref.get(_W + "id", ""))
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    walk(content)

    walk(document.element.body)
    # page headers (a "DỰ THẢO" stamp often lives there), once each
    headers: list[str] = []
    for section in document.sections:
        for part in (section.header, section.first_page_header):
            try:
                if part.is_linked_to_previous and headers:
                    continue
                text = "\n".join(_text_of(p._p, fonts) for p in part.paragraphs).strip()
            except Exception:  # a broken header part must not lose the document
                continue
            if text and text not in headers and not text.isdigit():
                headers.append(text)
    for text in headers:
        n_text += 1
        blocks.insert(0, TextBlock(text=text, number=n_text, page=1, kind="header"))
    # Footnotes after the body, in reference order, as their own blocks.
    order = [i for i in seen_refs if i in footnotes] + [i for i in footnotes if i not in seen_refs]
    for fid in dict.fromkeys(order):
        n_text += 1
        blocks.append(TextBlock(text=footnotes[fid], number=n_text, page=None, kind="footnote"))
    title = document.core_properties.title or None
    return ExtractedDocument(path=str(path), sha256=sha256, format="docx", blocks=blocks,
                             pages=page if rendered else None, title=title,
                             stats=fonts.stats)
