"""Tables and sentences cut by a page break, joined back together.

A table that continues on the next page (its header row repeated, or the same columns)
becomes one table, and a merged group label cut by the page break is joined back. A
borderless table's part on the next page may lack a column (a merged group label that
does not reach onto the page leaves its column empty, so it is not found there): its
columns are mapped onto the first part's by their positions.
"""

from __future__ import annotations

import re

from chiso.extract.borderless_parts import NUMBERED
from chiso.model import Cell, Table


def row_texts(t: Table, r: int) -> list[str]:
    return [re.sub(r"\s+", " ", t.text(r, c)).strip().lower() for c in range(t.n_cols)]


def stitch(prev: Table, cont: Table) -> None:
    """Append `cont` (the part on the next page) to `prev`, in place."""
    start = 1 if row_texts(cont, 0) == row_texts(prev, 0) else 0
    offset = prev.n_rows - start
    last = prev.n_rows - 1
    replace: dict[int, Cell] = {}
    if start < cont.n_rows:
        for c in range(min(prev.n_cols, cont.n_cols)):
            above, first = prev.cell(last, c), cont.cell(start, c)
            if above is None or first is None or first.col != c or id(first) in replace:
                continue
            txt = first.text.strip()
            reaches_bottom = above.row + above.rowspan - 1 == last
            spans = above.rowspan > 1 or above.row < last
            numeric_above = bool(re.search(r"\d", above.text)) and not re.search(r"[a-zà-ỹ]{3}", above.text.lower())
            if not reaches_bottom or numeric_above:
                continue
            # lower case continues the cell cut by the page break, unless it opens a list item ('d) Quyết …')
            if (txt == "" and spans) or (txt[:1].islower() and c == above.col and not NUMBERED.match(txt)):
                if txt:
                    above.text = above.text.rstrip() + "\n" + txt
                replace[id(first)] = above
    carried = _carry_group_cells(prev, cont, start, last)
    for r in range(start, cont.n_rows):
        new_row: list[Cell | None] = []
        for c in range(prev.n_cols):
            cell = cont.cell(r, c) if c < cont.n_cols else None
            if cell is not None and id(cell) in replace:
                target = replace[id(cell)]
                if r + offset >= target.row + target.rowspan:
                    target.rowspan = r + offset - target.row + 1
                new_row.append(target)
                continue
            if cell is not None and id(cell) not in carried and cell.row == r and cell.col == c:
                cell.row = r + offset
            new_row.append(cell)
        prev.grid.append(new_row)
    prev.pages.extend(p for p in cont.pages if p not in prev.pages)


def _carry_group_cells(prev: Table, cont: Table, start: int, last: int) -> set[int]:
    """A merged group label reaching the foot of the page covers the continued rows that have no
    label of their own in its column (a borderless part on the next page leaves that column empty)."""
    carried: set[int] = set()
    for c in range(min(prev.n_cols, cont.n_cols)):
        above = prev.cell(last, c)
        if above is None or above.rowspan < 2 or above.row + above.rowspan - 1 != last:
            continue
        for r in range(start, cont.n_rows):
            if cont.cell(r, c) is not None and cont.cell(r, c).text.strip():
                break
            cont.grid[r][c] = above
            above.rowspan += 1
            carried.add(id(above))
    return carried


def continues_paragraph(prev: str, nxt: str) -> bool:
    return not re.search(r"[.:;!?…]\s*$", prev) and bool(re.match(r"[a-zà-ỹđ0-9(]", nxt))


def continues(prev: Table, cont: Table, cont_is_first: bool) -> bool:
    """Is `cont` (first on its page) the rest of `prev` (last on the page before)?"""
    if not cont_is_first:
        return False
    if prev.origin == "borderless" and cont.origin == "borderless":
        return _borderless_continues(prev, cont)
    if prev.n_cols != cont.n_cols:
        return False
    if row_texts(cont, 0) == row_texts(prev, 0):
        return True
    if prev.bbox and cont.bbox:
        return abs(prev.bbox[0] - cont.bbox[0]) < 3 and abs(prev.bbox[2] - cont.bbox[2]) < 3
    return False


def _column_map(prev: Table, cont: Table) -> list[int] | None:
    """For each column of `cont`, the column of `prev` at the same place (None if one does not fit)."""
    if not prev.col_x or not cont.col_x:
        return None
    out = []
    for x0, x1 in cont.col_x:
        overlaps = [(min(x1, b1) - max(x0, b0), k) for k, (b0, b1) in enumerate(prev.col_x)]
        best, k = max(overlaps)
        if best <= 0:
            return None
        out.append(k)
    return out if len(set(out)) == len(out) else None


def _borderless_continues(prev: Table, cont: Table) -> bool:
    mapping = _column_map(prev, cont)
    if mapping is None or mapping != sorted(mapping):
        return False
    if cont.n_cols < prev.n_cols:
        remap_columns(cont, mapping, prev.n_cols, prev.col_x or [])
    return True


def remap_columns(t: Table, mapping: list[int], n_cols: int, col_x: list[tuple[float, float]]) -> None:
    """Widen `t` to `n_cols` columns, its column k moving to mapping[k] (in place)."""
    grid: list[list[Cell | None]] = []
    for row in t.grid:
        new: list[Cell | None] = [None] * n_cols
        for k, cell in enumerate(row):
            if k < len(mapping):
                new[mapping[k]] = cell
        grid.append(new)
    seen: set[int] = set()
    for row in grid:
        for c, cell in enumerate(row):
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                cell.col = c
    t.grid = grid
    t.col_x = list(col_x)


def continues_without_header(prev: Table, cont: Table) -> bool:
    """`cont` follows `prev` directly, has its columns, and starts with figures, not a header row."""
    if prev.n_cols != cont.n_cols or cont.n_rows == 0 or prev.origin == "masthead":
        return False
    first = [cont.text(0, c).strip() for c in range(cont.n_cols)]
    return any(re.fullmatch(r"[+\-–]?\d[\d.,]*\s*%?", t) for t in first)
