"""Ruled tables of a PDF page: the cell boxes of pdfplumber's grid algorithm (pdf_lines) → our grid with merged-cell spans."""

from __future__ import annotations

from bisect import bisect_left

import pypdfium2 as pdfium

from chiso.extract.ocr_numbers import number_confidence
from chiso.extract.pdf_lines import RuledTable, find_tables, tables_from_edges
from chiso.extract.pdf_words import PageWords, cell_words, lines_text
from chiso.model import BBox, Cell, Table
from chiso.normalize.text import nfc


def ruled_tables(page: pdfium.PdfPage, height: float, words: list[dict], page_no: int,
                 edges: list[dict] | None = None) -> list[Table]:
    """Every ruled table of at least two rows on the page, its cells holding the words inside them.
    `edges`: rules found elsewhere than in the page's drawing (a scan's image, see ocr_lines)."""
    found = find_tables(page, height) if edges is None else tables_from_edges(edges)
    tables = []
    for table in found:
        rows = table.rows
        if len(rows) >= 2:
            tables.append(_grid(table, rows, page_no, words))
    return tables


def _grid(table: RuledTable, rows: list[list[BBox | None]], page_no: int, words: list[dict]) -> Table:
    """A table's cell boxes (`rows`: its `RuledTable.rows`) → our grid, each origin cell with its span
    and text. The words of a row's height are looked up once for all its cells."""
    n_rows = len(rows)
    n_cols = len(rows[0])
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    origins: list[Cell] = []
    bands: dict[tuple[float, float], list[dict]] = {}  # the words of each row's height, found once
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row):
            if bbox is None:
                continue
            band = bands.get(bbox[1::2])
            if band is None:
                band = bands[bbox[1::2]] = words.in_band(bbox[1], bbox[3]) if isinstance(words, PageWords) else words
            inside = cell_words(bbox, band)
            cell = Cell(text=nfc(lines_text(inside)), row=r, col=c, page=page_no, bbox=tuple(bbox),
                        ocr_confidence=number_confidence(inside))
            grid[r][c] = cell
            origins.append(cell)
    # spans: an origin covers every grid position whose top-left point lies inside its bbox. Each
    # grid position's point: its column's x0 and its row's top (+1), ascending (`RuledTable.rows`
    # has a cell in every row and column, the cells of a column share x0 and those of a row top)
    col_x = [next(b for b in column if b is not None)[0] + 1.0 for column in zip(*rows, strict=True)]
    row_y = [next(b for b in row if b is not None)[1] + 1.0 for row in rows]
    for cell in origins:
        x0, top, x1, bottom = cell.bbox
        cs = bisect_left(col_x, x1 - 0.5) - bisect_left(col_x, x0)
        rs = bisect_left(row_y, bottom - 0.5) - bisect_left(row_y, top)
        cell.colspan, cell.rowspan = max(cs, 1), max(rs, 1)
        for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, n_cols)):
                if grid[r][c] is None:
                    grid[r][c] = cell
    return Table(number=0, grid=grid, page=page_no, pages=[page_no], bbox=tuple(table.bbox), origin="ruled")
