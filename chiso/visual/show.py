"""`chiso show`: a value drawn where it was printed, so a doubted number can be checked by eye.

For a PDF the page is rendered with pypdfium2 and the value marked: a table value's cell
(its box is stored), a sentence's number found among the paragraph's characters (see
`locate`). A DOCX is printed to PDF by LibreOffice (see `sources`) and the value found on
those pages by the text of its table row or paragraph; without LibreOffice the table rows
or the paragraph are drawn from the cells the reader extracted, the value marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from chiso.model import Table
from chiso.normalize.numbers import format_vi
from chiso.visual import data
from chiso.visual.draw import GREY, INK, WARN, caption, draw_paragraph, draw_table, mark, stack
from chiso.visual.locate import BBox, Found, Needle, find_in_text, find_value
from chiso.visual.sources import AUTO, SourceBook, SourceError, SourceFile

SCALE = 2.0  # pixels per PDF point (144 dpi)
MARGIN = 110.0  # points of page shown above and below the value
SPREADSHEETS = {"csv", "xlsx", "xls", "ods"}


@dataclass
class Panel:
    """One place drawn: which page, what was marked, and how its pixels map to PDF points."""

    place: dict
    page: int | None  # page of the drawn PDF (for a DOCX, of its LibreOffice print)
    method: str  # cell | words | paragraph | page | drawn
    highlights: list[BBox]  # PDF points, top-left origin (drawn: pixels of the panel)
    origin: tuple[float, float] = (0.0, 0.0)  # the PDF point at the panel's top-left pixel
    scale: float = 1.0  # pixels per point
    top: int = 0  # y of the panel in the whole picture
    note: str = ""
    rendered: bool = False  # drawn on a DOCX printed by LibreOffice

    def to_points(self, box: tuple[float, float, float, float]) -> BBox:
        """A pixel box of the whole picture as PDF points of this panel's page."""
        x0, y0, x1, y1 = box
        ox, oy = self.origin
        return (x0 / self.scale + ox, (y0 - self.top) / self.scale + oy,
                x1 / self.scale + ox, (y1 - self.top) / self.scale + oy)


@dataclass
class Shown:
    path: Path | None
    observation: dict
    document: dict
    panels: list[Panel]
    size: tuple[int, int] = (0, 0)
    warnings: list[str] = field(default_factory=list)


def _page_crop(src: SourceFile, page_no: int, boxes: list[BBox], scale: float,
               margin: float) -> tuple[Image.Image, tuple[float, float]]:
    """The page band around the boxes (the whole page without boxes), the boxes marked."""
    page = src.pdf()[page_no - 1]
    try:
        width, height = page.get_size()
        image = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        page.close()
    top = max(0.0, min(b[1] for b in boxes) - margin) if boxes else 0.0
    bottom = min(height, max(b[3] for b in boxes) + margin) if boxes else height
    image = image.crop((0, int(top * scale), int(width * scale), int(bottom * scale)))
    pixels = [((b[0]) * scale, (b[1] - top) * scale, b[2] * scale, (b[3] - top) * scale) for b in boxes]
    return mark(image, pixels) if pixels else image, (0.0, top)


def _pdf_panel(src: SourceFile, place: dict, needle: Needle, scale: float, margin: float
               ) -> tuple[Image.Image, Panel]:
    bbox = tuple(place["bbox"]) if place.get("bbox") else None
    page_no = place.get("page")
    if page_no is None:
        hit = _search_pages(src, needle, None, place.get("snippet"), 0, None)
        if hit is None:
            raise SourceError(f"{src.name}: the value's page is not recorded and its printed form is not found")
        page_no, found = hit
        panel = Panel(place, page_no, "words", found.boxes, note=_rounded_note(found))
    elif place.get("kind") == "table" and bbox:
        panel = Panel(place, page_no, "cell", [bbox])  # type: ignore[list-item]
    else:
        found = find_value(src.page_text(page_no), needle, region=bbox, snippet=place.get("snippet"))  # type: ignore[arg-type]
        if found is not None:
            panel = Panel(place, page_no, "words", found.boxes, note=_rounded_note(found))
        elif bbox:
            panel = Panel(place, page_no, "paragraph", [bbox],  # type: ignore[list-item]
                          note="the number is not in the page's text layer (a scan?): its paragraph is marked")
        else:
            panel = Panel(place, page_no, "page", [], note="the number was not found on the page")
    image, panel.origin = _page_crop(src, page_no, panel.highlights, scale, margin)
    panel.scale = scale
    return image, panel


def _rounded_note(found: Found) -> str:
    return "printed here with fewer decimals than the value has" if found.rounded else ""


def _search_pages(src: SourceFile, needle: Needle, context: str | None, snippet: str | None, nth: int,
                  near_page: int | None) -> tuple[int, Found] | None:
    """The page (1-based) where the value is printed within its context, best aligned first."""
    best: tuple[float, int, Found] | None = None
    for page_no in range(1, len(src.pdf()) + 1):
        found = find_value(src.page_text(page_no), needle, context=context, snippet=snippet, nth=nth)
        if found is None:
            continue
        rank = found.score - (0.01 * abs(page_no - near_page) if near_page else 0.0)
        if best is None or rank > best[0]:
            best = (rank, page_no, found)
    return (best[1], best[2]) if best else None


def _docx_context(src: SourceFile, place: dict, needle: Needle) -> tuple[Table | None, str | None, int]:
    """The extracted table (its row's text) or paragraph text the value was read from."""
    doc = src.extracted()
    if place.get("kind") == "table":
        table = next((t for t in doc.tables if t.number == place.get("table")), None)
        r, c = place.get("row"), place.get("col")
        if table is None or r is None or c is None or r >= table.n_rows:
            return None, None, 0
        # the row's own cells: a label merged down from an earlier row is printed far above
        cells = list({id(cell): cell for cell in table.grid[r] if cell is not None and cell.row == r}.values())
        nth = sum(1 for cell in cells if cell.col < c and needle.occurrences(cell.text))
        return table, " ".join(cell.text for cell in cells), nth
    block = next((b for b in doc.texts if b.number == place.get("block")), None)
    return None, (block.text if block else None), 0


def _docx_panel(src: SourceFile, place: dict, needle: Needle, converter: str | None, scale: float,
                margin: float) -> tuple[Image.Image, Panel]:
    table, context, nth = _docx_context(src, place, needle)
    if context is None:
        raise SourceError(f"{src.name}: {data.place_label(place)} is not in the file as read now")
    note = "LibreOffice is not installed: drawn from the text chiso read"
    if src.rendered_pdf(converter) is not None:
        snippet = place.get("snippet") if table is None else None
        hit = _search_pages(src, needle, context, snippet, nth, place.get("page"))
        if hit is not None:
            page_no, found = hit
            image, origin = _page_crop(src, page_no, found.boxes, scale, margin)
            return image, Panel(place, page_no, "words", found.boxes, origin, scale, rendered=True,
                                note=_rounded_note(found))
        note = "not found on the LibreOffice print: drawn from the text chiso read"
    if table is not None:
        image, box = draw_table(table, place["row"], place["col"])
        return image, Panel(place, place.get("page"), "drawn", [box], note=note)
    span = find_in_text(context, needle, place.get("snippet"))
    if span is None:
        note += "; the value's printed form is not in this paragraph"
    image, boxes = draw_paragraph(context, *(span or (0, 0)))
    return image, Panel(place, place.get("page"), "drawn", boxes, note=note)


def _sheet_panel(src: SourceFile, place: dict) -> tuple[Image.Image, Panel]:
    """A spreadsheet has no pages: its rows around the value, drawn from the cells read."""
    table = next((t for t in src.extracted().tables if t.number == place.get("table")), None)
    r, c = place.get("row"), place.get("col")
    if table is None or r is None or c is None or r >= table.n_rows or c >= table.n_cols:
        raise SourceError(f"{src.name}: {data.place_label(place)} is not in the file as read now")
    image, box = draw_table(table, r, c)
    return image, Panel(place, None, "drawn", [box], note="a spreadsheet: its cells as chiso read them")


def render_place(book: SourceBook, document: dict, place: dict, needle: Needle, scale: float = SCALE,
                 margin: float = MARGIN, override: Path | None = None) -> tuple[Image.Image, Panel]:
    """One place of a value as a picture with the value marked (SourceError when impossible)."""
    src = book.get(document, override)
    if place.get("kind") == "sheet" or src.format in SPREADSHEETS:
        return _sheet_panel(src, place)
    if src.is_pdf:
        return _pdf_panel(src, place, needle, scale, margin)
    return _docx_panel(src, place, needle, book.converter, scale, margin)


def printed_value(obs: dict) -> str:
    unit = {"%": "%", "points": " điểm"}.get(obs.get("unit") or "", f" {obs.get('unit') or ''}".rstrip())
    return format_vi(obs["value"], int(obs.get("decimals") or 0), thousands=True) + unit


def _panel_caption(src_name: str, panel: Panel, width: int) -> Image.Image:
    where = f"page {panel.page}" if panel.page else ("" if panel.place.get("kind") == "sheet" else "page unknown")
    if panel.rendered:
        where += " (as printed by LibreOffice)"
    lines = [(" · ".join(x for x in (src_name, where, data.place_label(panel.place)) if x), INK)]
    if panel.note:
        lines.append((panel.note, GREY))
    return caption(lines, width, 13)


def _same_spot(a: Panel, b: Panel) -> bool:
    return a.page == b.page and a.method == b.method and a.method != "drawn" and \
        [tuple(round(v) for v in box) for box in a.highlights] == [tuple(round(v) for v in box) for box in b.highlights]


def show_observation(warehouse_url: str | None, ident: str, out: Path | None, all_places: bool = False,
                     source: Path | None = None, converter: str | None = AUTO,
                     scale: float = SCALE) -> Shown:
    """Draw observation `ident` (uid or id) where it was printed; all its places with `all_places`."""
    wh = data.open_warehouse(warehouse_url)
    obs = data.observation(wh.engine, ident)
    doc = data.document(wh.engine, obs["document_id"])
    places = data.places(obs)
    needle = Needle.number(obs["value"], int(obs.get("decimals") or 0))
    book = SourceBook(converter)
    images: list[Image.Image] = []
    panels: list[Panel] = []
    try:
        for place in places if all_places else places[:1]:
            image, panel = render_place(book, doc, place, needle, scale, override=source)
            if any(_same_spot(panel, p) for p in panels):
                continue  # two readers recorded the same printed number
            images += [_panel_caption(doc["source_file"], panel, image.width), image]
            panels.append(panel)
        warning = book.get(doc, source).warning
    finally:
        book.close()
    width = max(max(i.width for i in images), 600)
    head = [(f"{obs['index']} {obs['year']} · {obs['entity']} · {obs['label']} = {printed_value(obs)}", INK),
            (f"observation {obs['uid'] or '-'} (id {obs['id']}) · {doc['source_file']} · sha256 {doc['sha256'][:16]}…"
             f"{' · flags: ' + obs['flags'] if obs.get('flags') else ''}", GREY)]
    if warning:
        head.append((f"WARNING: {warning}", WARN))
    picture, tops = stack([caption(head, width, 15)] + images)
    for panel, top in zip(panels, tops[2::2], strict=True):
        panel.top = top
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        picture.save(out)
    return Shown(out, obs, doc, panels, picture.size, [warning] if warning else [])


def thumbnail(book: SourceBook, document: dict, place: dict, needle: Needle) -> Image.Image:
    """A small picture of one place (for the report): a narrow page band, the value marked."""
    image, _ = render_place(book, document, place, needle, scale=1.35, margin=36.0)  # A4: 803 px wide
    if image.width > 900:  # a landscape page
        image = image.resize((900, max(1, round(image.height * 900 / image.width))))
    return image
