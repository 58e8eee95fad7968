"""Which label lines belong to which row of a borderless table.

Each value line is a row. A label wrapped over several lines is given to its row by its
list numbering (`5.` opens the next row's label) or, without numbering, by the way the
table aligns its cells: labels whose first, middle or last line stands level with the
row's numbers. The alignment is decided row by row, not once per table: a table printed in
parts may set part A's values on the first line of their labels and part B's in the middle
(part B a second table set under part A without a header of its own). Where the geometry
allows more than one reading, the words decide: a label does not open with a lower-case line.
"""

from __future__ import annotations

from chiso.extract.borderless_parts import NUMBERED, Line, Piece


def assign_label_lines(pieces: list[Piece], anchors: list[Line]) -> dict[int, list[Piece]]:
    """Row index → label lines of a row-label column (-1: lines before the first row, cut by a page).

    Lines on a row's own line are that row's. The lines between two rows are parted where a
    numbered line (`5.`) opens the next label; elsewhere by how the table aligns its cells:
    labels whose first line, middle or last line stands level with the row's numbers, the
    alignment that fits each row best (`_best_split`).
    """
    ys = [a.baseline for a in anchors]
    tol = 0.4 * max(a.size for a in anchors)
    rows: dict[int, list[Piece]] = {}
    gaps: list[list[Piece]] = [[] for _ in range(len(ys) + 1)]  # gaps[g]: lines between row g-1 and row g
    for p in pieces:
        r = next((r for r, y in enumerate(ys) if abs(p.y - y) <= tol), None)
        if r is not None:
            rows.setdefault(r, []).append(p)
        else:
            gaps[next((r for r, y in enumerate(ys) if y > p.y), len(ys))].append(p)
    ups = _best_split(gaps, rows, ys)
    for g, members in enumerate(gaps):
        k = ups[g]
        if members[:k]:
            rows.setdefault(g - 1, []).extend(members[:k])
        if members[k:]:
            rows.setdefault(g, []).extend(members[k:])
    return rows


_LEAD_PENALTY = 3.0  # points of misalignment that a capitalised lead line is worth
_OPEN_PENALTY = 3.0  # … and a label opened by a lower-case line (it reads as the row above's continuation)
_SWITCH_PENALTY = 3.0  # … and a change of alignment between two rows
_MODELS = ("top", "middle", "bottom")


def _choices(g: int, gap: list[Piece], rows: dict[int, list[Piece]], n: int) -> list[int]:
    """How many lines of gap g may go up to the row above (the rest open the row below)."""
    if g == n:
        return [len(gap)]  # after the last row: all its
    openers = [i for i, p in enumerate(gap) if NUMBERED.match(p.text)]
    if openers:
        return [openers[0]]
    if any(NUMBERED.match(p.text) for p in rows.get(g, [])):
        return [len(gap)]  # the row's own line opens its label
    return list(range(len(gap) + 1))


def _opens_lower(first: Piece | None) -> bool:
    """A label line that begins with a lower-case letter continues a label; it does not open one."""
    if first is None or NUMBERED.match(first.text):
        return False
    letter = next((ch for ch in first.text if ch.isalpha()), "")
    return letter.islower()


def _opens_lower_by_style(gaps: list[list[Piece]], rows: dict[int, list[Piece]], n: int) -> bool:
    """Do this column's labels open with a lower-case word ('huyện Cái Bè', 'thị xã Gò Công')?  Told by
    the labels that stand alone on their row's line (no line above or below them before the next row),
    which are whole labels: if most of them open lower case, a lower-case line opens a label here too
    and says nothing about continuation."""
    alone = [rows[r][0] for r in range(n) if rows.get(r) and not gaps[r] and not gaps[r + 1]]
    return len(alone) >= 3 and sum(_opens_lower(p) for p in alone) > len(alone) / 2


def _best_split(gaps: list[list[Piece]], rows: dict[int, list[Piece]], ys: list[float]) -> list[int]:
    """For each gap, the lines that go up: the split that leaves the rows' labels least out of line.

    Each row's label has its first, middle or last line level with the row's numbers (cells
    aligned top, centred or bottom). A table mostly keeps one alignment, but two tables printed
    one under the other (a part B continuing part A without a header) may not, so the alignment
    is decided row by row: dynamic programming over (row, lines given up, alignment), where a
    change of alignment between two rows costs `_SWITCH_PENALTY`. Where several splits fit the
    geometry (a top-aligned reading of centred cells shifts every label by a line), the words
    decide: a label opened by a lower-case line costs `_OPEN_PENALTY`, unless the column's whole
    labels open lower case themselves (unit names: 'huyện …', 'thị xã …').
    """
    n = len(ys)
    options = [_choices(g, gaps[g], rows, n) for g in range(n + 1)]
    lower_is_continuation = not _opens_lower_by_style(gaps, rows, n)

    def cost(r: int, k_in: int, k_out: int, model: str) -> float:
        label = gaps[r][k_in:] + rows.get(r, []) + gaps[r + 1][:k_out]
        if not label:
            return 0.0
        lines = [p.y for p in label]
        ref = {"top": min(lines), "middle": (min(lines) + max(lines)) / 2, "bottom": max(lines)}[model]
        first = min(label, key=lambda p: p.y)
        return abs(ref - ys[r]) + (_OPEN_PENALTY if lower_is_continuation and _opens_lower(first) else 0.0)

    # lines above the first row go to the part of a label cut by the page break only if they read
    # as its continuation (lower case); a capitalised line opens the first row's own label
    opens = bool(gaps[0]) and gaps[0][0].text[:1].isupper()
    State = tuple[int, str]  # (lines of the next gap given up, alignment of the row)
    table: dict[State, tuple[float, list[int]]] = {
        (k, m): (_LEAD_PENALTY if k and opens else 0.0, [k]) for k in options[0] for m in _MODELS}
    for r in range(n):
        switch = _SWITCH_PENALTY if r else 0.0
        # the cheapest way into row r under each alignment, for each count of lines it gave up
        into = {(k_in, m): min(((c + (0.0 if m_in == m else switch), path) for (k, m_in), (c, path) in table.items()
                                if k == k_in), key=lambda t: t[0])
                for k_in in options[r] for m in _MODELS}
        table = {}
        for k_out in options[r + 1]:
            for m in _MODELS:
                c, path = min(((c + cost(r, k_in, k_out, m), path) for k_in in options[r]
                               for c, path in [into[(k_in, m)]]), key=lambda t: t[0])
                table[(k_out, m)] = (c, path + [k_out])
    return min(table.values(), key=lambda t: t[0])[1]
