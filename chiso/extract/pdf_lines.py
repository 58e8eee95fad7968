"""Ruled tables found from pdfium's drawing operations, without parsing the page twice.

pdfplumber finds ruled tables from the page's line and rectangle objects (edges →
intersections → cells → tables); that part is cheap, but to get those objects it parses
the whole page content with pdfminer, which is most of its cost. pdfium already has the
page open for the text, and gives the same drawing operations: we turn its path segments
into pdfplumber-style edges and reuse pdfplumber's own grid algorithm on them, so the
tables are the ones pdfplumber would find, at a fraction of the time.

pdfplumber itself is imported on the first page that has rules (its import costs more than
reading a page), and the page's objects are walked with pdfium's own calls, the way
pypdfium2's `PdfPage.get_objects(max_depth=2)` walks them, without a helper object each.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from chiso.extract.pdf_words import raw_function

if TYPE_CHECKING:
    from pdfplumber.table import Table

SNAP = JOIN = INTERSECT = 3  # pdfplumber's defaults
MIN_EDGE = 3
AXIS_TOLERANCE = 1.0  # a segment within 1 pt of horizontal/vertical is a rule


_count_objects = raw_function(pdfium_c.FPDFPage_CountObjects)
_get_object = raw_function(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p)
_count_form_objects = raw_function(pdfium_c.FPDFFormObj_CountObjects)
_get_form_object = raw_function(pdfium_c.FPDFFormObj_GetObject, ctypes.c_void_p)
_object_type = raw_function(pdfium_c.FPDFPageObj_GetType)
_object_matrix = raw_function(pdfium_c.FPDFPageObj_GetMatrix)
_count_segments = raw_function(pdfium_c.FPDFPath_CountSegments)
_get_segment = raw_function(pdfium_c.FPDFPath_GetPathSegment, ctypes.c_void_p)
_segment_point = raw_function(pdfium_c.FPDFPathSegment_GetPoint)
_segment_type = raw_function(pdfium_c.FPDFPathSegment_GetType)
_segment_close = raw_function(pdfium_c.FPDFPathSegment_GetClose)
_PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO


def _path_objects(page: pdfium.PdfPage, max_depth: int = 2) -> Iterator[ctypes.c_void_p]:
    """Handles of the path objects of a page and of the forms it draws (down to max_depth), in
    drawing order: what `page.get_objects(filter=(FPDF_PAGEOBJ_PATH,), max_depth=2)` yields."""
    handle = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    n_objects = _count_objects(handle)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for i in range(n_objects):
        address = _get_object(handle, i)
        if not address:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        obj = ctypes.c_void_p(address)
        kind = _object_type(obj)
        if kind == _PATH:
            yield obj
        elif kind == _FORM and max_depth > 1:
            yield from _form_paths(obj, 1, max_depth)


def _form_paths(form: ctypes.c_void_p, level: int, max_depth: int) -> Iterator[ctypes.c_void_p]:
    """Path objects inside a Form XObject."""
    n_objects = _count_form_objects(form)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    for i in range(n_objects):
        address = _get_form_object(form, ctypes.c_ulong(i))  # an unsigned long parameter
        if not address:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        obj = ctypes.c_void_p(address)
        kind = _object_type(obj)
        if kind == _PATH:
            yield obj
        elif kind == _FORM and level < max_depth - 1:
            yield from _form_paths(obj, level + 1, max_depth)


def _segments(obj: ctypes.c_void_p) -> list[tuple[float, float, float, float]]:
    """Straight segments of one path object, in page coordinates (origin bottom-left)."""
    m = pdfium_c.FS_MATRIX()
    if not _object_matrix(obj, ctypes.byref(m)):
        m.a, m.b, m.c, m.d, m.e, m.f = 1, 0, 0, 1, 0, 0
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    out: list[tuple[float, float, float, float]] = []
    n = _count_segments(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    start = prev = None
    for i in range(n):
        address = _get_segment(obj, i)
        if not address:
            continue
        seg = ctypes.c_void_p(address)
        if not _segment_point(seg, x_ref, y_ref):
            continue
        px, py = x.value, y.value
        pt = (a * px + c * py + e, b * px + d * py + f)
        kind = _segment_type(seg)
        if kind == _MOVETO:
            start = prev = pt
        else:
            if prev is not None and kind == _LINETO:
                out.append((*prev, *pt))
            prev = pt
        if _segment_close(seg) and start is not None and prev is not None and prev != start:
            out.append((*prev, *start))
            prev = start
    return out


def page_edges(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Horizontal and vertical rules of a page as pdfplumber edge dicts (top-left origin)."""
    edges: list[dict] = []
    for obj in _path_objects(page):
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
    return tables_from_edges(page_edges(page, height))


def tables_from_edges(edges: list[dict]) -> list[Table]:
    """pdfplumber's lattice tables from rules given as edge dicts: a PDF's drawn rules, or the
    rules found in a scanned page's image (`ocr_lines.ruling_edges`)."""
    if len(edges) < 4:
        return []
    from pdfplumber.table import (
        Table,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    from pdfplumber.utils import filter_edges

    edges = filter_edges(merge_edges(edges, SNAP, SNAP, JOIN, JOIN), min_length=MIN_EDGE)
    cells = intersections_to_cells(edges_to_intersections(edges, INTERSECT, INTERSECT))
    return [Table(None, group) for group in cells_to_tables(cells)]  # type: ignore[arg-type]
