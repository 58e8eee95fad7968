"""DOCX → blocks in reading order, tables with their true merged-cell spans, footnotes.

python-docx's `row.cells` repeats a merged cell's text in every grid position, which
makes a vertically merged group label look like many identical labels. We read the
table XML ourselves (gridSpan / vMerge) so each merged cell is one `Cell` with its span.
Footnotes (not exposed by python-docx) carry figures too, e.g. ranks of criteria.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from chiso.model import Cell, ExtractedDocument, ExtractionError, Table, TextBlock
from chiso.normalize.text import nfc

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

# Limits against hostile files (zip bombs, absurd tables); real reports are far below them.
MAX_XML_BYTES = 60_000_000
MAX_TABLE_CELLS = 200_000


def _text_of(el: etree._Element) -> str:
    """Visible text of a paragraph-like element: runs, tabs and breaks; no field codes."""
    parts: list[str] = []
    for node in el.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "p", _W + "delText", _W + "instrText"):
        tag = node.tag
        if tag == _W + "t":
            parts.append(node.text or "")
        elif tag in (_W + "tab",):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            if node.get(_W + "type") != "page":
                parts.append("\n")
        elif tag == _W + "p" and node is not el and parts and parts[-1] != "\n":
            parts.append("\n")
    return nfc("".join(parts))


def _cell_text(tc: etree._Element) -> str:
    paras = [_text_of(p) for p in tc.findall(_W + "p")]
    for nested in tc.findall(_W + "tbl"):
        paras.append(_text_of(nested))
    return "\n".join(paras).strip("\n")


def _read_table(tbl: etree._Element, number: int, page: int | None) -> Table:
    grid: list[list[Cell | None]] = []
    n_cells = 0
    for r, tr in enumerate(tbl.findall(_W + "tr")):
        row: list[Cell | None] = []
        trpr = tr.find(_W + "trPr")
        col = 0
        if trpr is not None and (gb := trpr.find(_W + "gridBefore")) is not None:
            col = int(gb.get(_W + "val", "0") or 0)
            row.extend([None] * col)
        for tc in tr.findall(_W + "tc"):
            n_cells += 1
            if n_cells > MAX_TABLE_CELLS:
                raise ExtractionError(f"table {number} has more than {MAX_TABLE_CELLS} cells", "too_large")
            tcpr = tc.find(_W + "tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(_W + "gridSpan")
                if gs is not None:
                    span = max(1, int(gs.get(_W + "val", "1") or 1))
                vm = tcpr.find(_W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(_W + "val", "continue")
            above = grid[r - 1][col] if r > 0 and col < len(grid[r - 1]) else None
            if vmerge == "continue" and above is not None:
                if above.row + above.rowspan == r:
                    above.rowspan += 1
                cell = above
            else:
                cell = Cell(text=_cell_text(tc), row=r, col=col, colspan=span, page=page)
            row.extend([cell] * span)
            col += span
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return Table(number=number, grid=grid, page=page, pages=[page] if page else [])


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


def _footnotes(document: docx.document.Document) -> dict[str, str]:
    out: dict[str, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype != RT.FOOTNOTES:
            continue
        root = etree.fromstring(rel.target_part.blob)
        for fn in root.findall(_W + "footnote"):
            if fn.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = "\n".join(_text_of(p) for p in fn.iter(_W + "p")).strip()
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

    footnotes = _footnotes(document)
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
                text = _text_of(child).strip()
                page += count_breaks(child)
                if text:
                    n_text += 1
                    blocks.append(TextBlock(text=text, number=n_text, page=page, emphasis=_emphasised(child)))
                for ref in child.iter(_W + "footnoteReference"):
                    seen_refs.append(ref.get(_W + "id", ""))
            elif tag == _W + "tbl":
                n_table += 1
                table = _read_table(child, n_table, page)
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
                text = "\n".join(_text_of(p._p) for p in part.paragraphs).strip()
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
                             pages=page if rendered else None, title=title)
