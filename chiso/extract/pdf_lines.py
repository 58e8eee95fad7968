"""Ruled tables found from pdfium's drawing operations, without parsing the page twice.

pdfplumber finds ruled tables from the page's line and rectangle objects (edges →
intersections → cells → tables); that part is cheap, but to get those objects it parses
the whole page content with pdfminer, which is most of its cost. pdfium already has the
page open for the text, and gives the same drawing operations: we turn its path segments
into pdfplumber-style edges and reuse pdfplumber's own grid algorithm on them, so the
tables are the ones pdfplumber would find, at a fraction of the time.
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    Table,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges

SNAP = JOIN = INTERSECT = 3  # pdfplumber's defaults
MIN_EDGE = 3
AXIS_TOLERANCE = 1.0  # a segment within 1 pt of horizontal/vertical is a rule


def _segments(obj: pdfium.PdfObject) -> list[tuple[float, float, float, float]]:
    """Straight segments of one path object, in page coordinates (origin bottom-left)."""
    raw = obj.raw
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m)):
        m.a, m.b, m.c, m.d, m.e, m.f = 1, 0, 0, 1, 0, 0

    def tr(x: float, y: float) -> tuple[float, float]:
        return m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f

    out: list[tuple[float, float, float, float]] = []
    n = pdfium_c.FPDFPath_CountSegments(raw)
    x, y = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        pt = tr(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = pt
        else:
            if prev is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO:
                out.append((*prev, *pt))
            prev = pt
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None and prev is not None and prev != start:
            out.append((*prev, *start))
            prev = start
    return out


def page_edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Horizontal and vertical rules of a page as pdfplumber edge dicts (top-left origin)."""
    edges: list[dict] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        for x0, y0, x1, y1 in _segments(obj):
            if abs(y0 - y1) <= AXIS_TOLERANCE and abs(x1 - x0) > AXIS_TOLERANCE:
                left, right = sorted((x0, x1))
                top = height - (y0 + y1) / 2
                edges.append({"x0": left, "x1": right, "top": top, "bottom": top, "width": right - left,
                              "height": 0.0, "orientation": "h", "object_type": "line"})
            elif abs(x0 - x1) <= AXIS_TOLERANCE and abs(y1 - y0) > AXIS_TOLERANCE:
                lo, hi = sorted((height - y0, height - y1))
                x = (x0 + x1) / 2
                edges.append({"x0": x, "x1": x, "top": lo, "bottom": hi, "width": 0.0, "height": hi - lo,
                              "orientation": "v", "object_type": "line"})
    return edges


def find_tables(page: pdfium.PdfPage, height: float) -> list[Table]:
    """pdfplumber's lattice tables, computed from pdfium's rules."""
    edges = page_edges(page, height)
    if len(edges) < 4:
        return []
    edges = filter_edges(merge_edges(edges, SNAP, SNAP, JOIN, JOIN), min_length=MIN_EDGE)
    cells = intersections_to_cells(edges_to_intersections(edges, INTERSECT, INTERSECT))
    return [Table(None, group) for group in cells_to_tables(cells)]  # type: ignore[arg-type]
