"""Ruled tables found from pdfium's drawing operations, without parsing the page twice.

pdfplumber finds ruled tables from the page's line and rectangle objects (edges →
intersections → cells → tables); to get those objects it parses the whole page content with
pdfminer, which is most of its cost. pdfium already has the page open for the text, and gives
the same drawing operations: we turn its path segments into pdfplumber-style edges, and the
page's objects are walked with pdfium's own calls, the way pypdfium2's
`PdfPage.get_objects(max_depth=2)` walks them, without a helper object each.

The grid algorithm is pdfplumber's lattice strategy (pdfplumber/table.py, MIT licence,
https://github.com/jsvine/pdfplumber: `merge_edges`, `edges_to_intersections`,
`intersections_to_cells`, `cells_to_tables`, `Table.rows`), done step for step with the same
arithmetic, so the cells are the ones pdfplumber finds, in the same order
(tests/test_pdf_lines.py checks it against pdfplumber's functions). Only the bookkeeping
differs: edges are tuples, each intersection holds the *set* of its edges' boxes once (where
pdfplumber rebuilds both sets for every pair of points it compares), the points below and to
the right of a point come from an index by column and row instead of a scan of every later
point, and tables are grown from cells with set look-ups. A page without two rules in each
direction makes no cell and is left at once. pdfplumber is no longer imported to read a PDF.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_right
from itertools import groupby, repeat
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from chiso.extract.pdf_words import _pdfchars, raw_function  # the optional compiled module, loaded there once
from chiso.model import BBox

SNAP = JOIN = INTERSECT = 3  # pdfplumber's defaults
MIN_EDGE = 3
AXIS_TOLERANCE = 1.0  # a segment within 1 pt of horizontal/vertical is a rule


class _Handle(ctypes.c_void_p):
    """A pdfium handle as a function returns it: ctypes gives a subclass of `c_void_p` back as it
    is (not converted to an int), so it goes to the next call without building a `c_void_p`."""


_count_objects = raw_function(pdfium_c.FPDFPage_CountObjects)
_get_object = raw_function(pdfium_c.FPDFPage_GetObject, _Handle)
_count_form_objects = raw_function(pdfium_c.FPDFFormObj_CountObjects)
_get_form_object = raw_function(pdfium_c.FPDFFormObj_GetObject, _Handle)
_object_type = raw_function(pdfium_c.FPDFPageObj_GetType)
_object_matrix = raw_function(pdfium_c.FPDFPageObj_GetMatrix)
_count_segments = raw_function(pdfium_c.FPDFPath_CountSegments)
_get_segment = raw_function(pdfium_c.FPDFPath_GetPathSegment, _Handle)
_segment_point = raw_function(pdfium_c.FPDFPathSegment_GetPoint)
_segment_type = raw_function(pdfium_c.FPDFPathSegment_GetType)
_segment_close = raw_function(pdfium_c.FPDFPathSegment_GetClose)
_PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
_PATH_FUNCTIONS = tuple(ctypes.cast(f, ctypes.c_void_p).value or 0 for f in (
    pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, pdfium_c.FPDFFormObj_CountObjects,
    pdfium_c.FPDFFormObj_GetObject, pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPageObj_GetMatrix,
    pdfium_c.FPDFPath_CountSegments, pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint,
    pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPathSegment_GetClose))


def page_segments(page: pdfium.PdfPage, max_depth: int = 2, compiled: bool = _pdfchars is not None
                  ) -> list[tuple[float, float, float, float]]:
    """The straight segments of the page's path objects and of the forms it draws, in drawing
    order: one call to the compiled module where built (the same pdfium calls), else `_segments`
    of each of `_path_objects` (the definition; it also raises where pdfium fails to give an object)."""
    if compiled:
        handle = ctypes.cast(page.raw, ctypes.c_void_p).value or 0
        segments = _pdfchars.page_segments(handle, max_depth, _PATH_FUNCTIONS, (_PATH, _FORM, _MOVETO, _LINETO))
        if segments is not None:
            return segments
    return [seg for obj in _path_objects(page, max_depth) for seg in _segments(obj)]


def _path_objects(page: pdfium.PdfPage, max_depth: int = 2) -> list[_Handle]:
    """Handles of the path objects of a page and of the forms it draws (down to max_depth), in
    drawing order: what `page.get_objects(filter=(FPDF_PAGEOBJ_PATH,), max_depth=2)` yields.
    Every object is asked for its type (~80 objects a page, mostly text): the calls go through
    `map`, without a Python loop around each."""
    handle = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
    n_objects = _count_objects(handle)
    if n_objects < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    objects = list(map(_get_object, repeat(handle, n_objects), range(n_objects)))
    return _paths_among(objects, 1, max_depth)


def _paths_among(objects: list[_Handle], level: int, max_depth: int) -> list[_Handle]:
    """The path objects among `objects` (a page's, at `level` 1, or a form's), forms opened."""
    if not all(objects):
        raise pdfium.PdfiumError("Failed to get pageobject.")
    kinds = list(map(_object_type, objects))
    if _FORM not in kinds:
        return [obj for obj, kind in zip(objects, kinds, strict=True) if kind == _PATH]
    paths: list[_Handle] = []
    for obj, kind in zip(objects, kinds, strict=True):
        if kind == _PATH:
            paths.append(obj)
        elif kind == _FORM and level < max_depth:
            n_objects = _count_form_objects(obj)
            if n_objects < 0:
                raise pdfium.PdfiumError("Failed to get number of pageobjects.")
            inner = list(map(_get_form_object, repeat(obj, n_objects), map(ctypes.c_ulong, range(n_objects))))
            paths.extend(_paths_among(inner, level + 1, max_depth))
    return paths


def _segments(obj: _Handle) -> list[tuple[float, float, float, float]]:
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
    for seg in map(_get_segment, repeat(obj, n), range(n)):
        if not seg or not _segment_point(seg, x_ref, y_ref):
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
    for x0, y0, x1, y1 in page_segments(page):
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


Point = tuple[float, float]
Edge = tuple[float, float, float, float, float]  # x0, top, x1, bottom, and width (h) or height (v)


class RuledTable:
    """Cells of one ruled table (boxes, top-left origin) in pdfplumber's order, with its rows."""

    __slots__ = ("cells",)

    def __init__(self, cells: list[BBox]) -> None:
        self.cells = cells

    @property
    def bbox(self) -> BBox:
        c = self.cells
        return (min(b[0] for b in c), min(b[1] for b in c), max(b[2] for b in c), max(b[3] for b in c))

    @property
    def rows(self) -> list[list[BBox | None]]:
        """Cells by row (same top), each row on the table's columns (every x0 of a cell), None
        where a cell spans from an earlier row or column: pdfplumber's `Table.rows`."""
        xs = sorted({b[0] for b in self.cells})
        rows = []
        for _, row_cells in groupby(sorted(self.cells, key=itemgetter(1, 0)), itemgetter(1)):
            by_x = {b[0]: b for b in row_cells}
            rows.append([by_x.get(x) for x in xs])
        return rows


def find_tables(page: pdfium.PdfPage, height: float) -> list[RuledTable]:
    """pdfplumber's lattice tables, computed from pdfium's rules."""
    return tables_from_edges(page_edges(page, height))


def tables_from_edges(edges: list[dict]) -> list[RuledTable]:
    """pdfplumber's lattice tables from rules given as edge dicts: a PDF's drawn rules, or the
    rules found in a scanned page's image (`ocr_lines.ruling_edges`)."""
    if len(edges) < 4:
        return []
    verticals = [(e["x0"], e["top"], e["x1"], e["bottom"], e["height"]) for e in edges if e["orientation"] == "v"]
    horizontals = [(e["x0"], e["top"], e["x1"], e["bottom"], e["width"]) for e in edges if e["orientation"] == "h"]
    if len(verticals) < 2 or len(horizontals) < 2:  # a cell needs two of each; merging only removes edges
        return []
    verticals = [e for e in _merge(verticals, 0, 1, SNAP, JOIN) if e[4] >= MIN_EDGE]
    horizontals = [e for e in _merge(horizontals, 1, 0, SNAP, JOIN) if e[4] >= MIN_EDGE]
    cells = _cells(_intersections(verticals, horizontals, INTERSECT))
    return [RuledTable(group) for group in _group_cells(cells)]


def _merge(edges: list[Edge], across: int, along: int, snap: float, join: float) -> list[Edge]:
    """pdfplumber's `merge_edges` for edges of one orientation: snap to the mean position those
    within `snap` of each other (`across`: 0 = x0 for verticals, 1 = top for horizontals), then
    join those on one line whose ends are within `join` (`along`: the start coordinate)."""
    end = along + 2
    lines: dict[float, list[Edge]] = {}
    for edge in _snap(edges, across, snap):
        lines.setdefault(edge[across], []).append(edge)
    merged: list[Edge] = []
    for _, line in sorted(lines.items(), key=itemgetter(0)):
        line.sort(key=itemgetter(along))
        joined = [line[0]]
        for e in line[1:]:
            last = joined[-1]
            if e[along] <= last[end] + join:
                if e[end] > last[end]:  # pdfplumber's resize_object: width = x1 - x0, height grows by the diff
                    size = e[end] - last[0] if along == 0 else last[4] + (e[end] - last[end])
                    joined[-1] = (*last[:end], e[end], *last[end + 1:4], size)
            else:
                joined.append(e)
        merged.extend(joined)
    return merged


def _snap(edges: list[Edge], across: int, tolerance: float) -> list[Edge]:
    """pdfplumber's `snap_objects`: positions chained within `tolerance` form a cluster, and each
    edge moves (both of its `across` coordinates) by the cluster's mean minus its own position."""
    cluster: dict[float, int] = {}
    last = None
    for value in sorted({e[across] for e in edges}):
        cluster[value] = 0 if last is None else cluster[last] + (not value <= last + tolerance)
        last = value
    snapped: list[Edge] = []
    for _, group in groupby(sorted(edges, key=lambda e: cluster[e[across]]), key=lambda e: cluster[e[across]]):
        members = list(group)
        mean = sum(e[across] for e in members) / len(members)
        for e in members:
            shift = mean - e[across]
            moved = list(e)
            moved[across] = e[across] + shift
            moved[across + 2] = e[across + 2] + shift
            snapped.append(tuple(moved))  # type: ignore[arg-type]
    return snapped


def _intersections(verticals: list[Edge], horizontals: list[Edge], tolerance: float
                   ) -> dict[Point, tuple[set[BBox], set[BBox]]]:
    """pdfplumber's `edges_to_intersections`: each point where a vertical and a horizontal rule
    meet (within `tolerance`) → the boxes of the vertical and of the horizontal rules through it."""
    points: dict[Point, tuple[set[BBox], set[BBox]]] = {}
    for v in verticals:
        x, v_top, v_bottom = v[0], v[1], v[3]
        for h in horizontals:
            top = h[1]
            if v_top <= top + tolerance and v_bottom >= top - tolerance and h[0] - tolerance <= x <= h[2] + tolerance:
                point = points.get((x, top))
                if point is None:
                    point = points[(x, top)] = (set(), set())
                point[0].add(v[:4])
                point[1].add(h[:4])
    return points


def _cells(points: dict[Point, tuple[set[BBox], set[BBox]]]) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`: from each point in (x, top) order, the smallest cell
    it opens. The first point below it on a common vertical rule, and the first to its right on a
    common horizontal rule, whose opposite corner is a point joined to both by rules, close it."""
    columns: dict[float, list[float]] = {}
    rows: dict[float, list[float]] = {}
    ordered = sorted(points)
    for x, y in ordered:
        columns.setdefault(x, []).append(y)
        rows.setdefault(y, []).append(x)
    cells: list[BBox] = []
    for x, y in ordered:
        verticals, horizontals = points[(x, y)]
        column, row = columns[x], rows[y]
        rights = row[bisect_right(row, x):]
        for below in column[bisect_right(column, y):]:
            below_v, below_h = points[(x, below)]
            if not verticals.isdisjoint(below_v):
                cell = _closing_corner(points, x, y, horizontals, below, below_h, rights)
                if cell is not None:
                    cells.append(cell)
                    break
    return cells


def _closing_corner(points: dict[Point, tuple[set[BBox], set[BBox]]], x: float, y: float, horizontals: set[BBox],
                    below: float, below_h: set[BBox], rights: list[float]) -> BBox | None:
    """The cell from (x, y) down to `below`, closed by the first of `rights` joined to (x, y) by a
    horizontal rule whose corner at (right, below) has a vertical rule in common with (right, y)
    and a horizontal one with (x, below)."""
    for right in rights:
        right_v, right_h = points[(right, y)]
        if horizontals.isdisjoint(right_h):
            continue
        corner = points.get((right, below))
        if corner is not None and not corner[0].isdisjoint(right_v) and not corner[1].isdisjoint(below_h):
            return (x, y, right, below)
    return None


def _group_cells(cells: list[BBox]) -> list[list[BBox]]:
    """pdfplumber's `cells_to_tables`: cells sharing a corner (transitively) form one table, grown
    in passes over the cells left, in their order; tables ordered by their top-left cell, and a
    table of one cell dropped."""
    remaining = cells
    tables: list[list[BBox]] = []
    current: list[BBox] = []
    corners: set[Point] = set()
    while remaining:
        before = len(current)
        left: list[BBox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or not corners.isdisjoint(cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == before:
            tables.append(current)
            current, corners = [], set()
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]
