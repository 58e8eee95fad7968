"""Which label lines belong to which row of a borderless table.

Each value line is a row. A label wrapped over several lines is given to its row by its
list numbering (`5.` opens the next row's label) or, without numbering, by the way the
table aligns its cells: labels whose first, middle or last line stands level with the
row's numbers. The alignment that fits the rows best is chosen by trying the three.
"""

from __future__ import annotations

from chiso.extract.borderless_parts import NUMBERED, Line, Piece


def assign_label_lines(pieces: list[Piece], anchors: list[Line]) -> dict[int, list[Piece]]:
    """Row index → label lines of a row-label column (-1: lines before the first row, cut by a page).

    Lines on a row's own line are that row's. The lines between two rows are parted where a
    numbered line (`5.`) opens the next label; elsewhere by how the table aligns its cells:
    labels whose first line, middle or last line stands level with the row's numbers. The
    alignment that fits the rows best is found by trying the three (`_best_split`).
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


def _best_split(gaps: list[list[Piece]], rows: dict[int, list[Piece]], ys: list[float]) -> list[int]:
    """For each gap, the lines that go up, under the alignment (first / middle / last line level
    with the numbers) that leaves the rows' labels least out of line; dynamic programming over rows."""
    n = len(ys)
    options = [_choices(g, gaps[g], rows, n) for g in range(n + 1)]

    def cost(r: int, k_in: int, k_out: int, model: str) -> float:
        lines = [p.y for p in gaps[r][k_in:]] + [p.y for p in rows.get(r, [])] + [p.y for p in gaps[r + 1][:k_out]]
        if not lines:
            return 0.0
        ref = {"top": min(lines), "middle": (min(lines) + max(lines)) / 2, "bottom": max(lines)}[model]
        return abs(ref - ys[r])

    best: tuple[float, list[int]] | None = None
    for model in ("top", "middle", "bottom"):
        # lines above the first row go to the part of a label cut by the page break only if they read
        # as its continuation (lower case); a capitalised line opens the first row's own label
        opens = bool(gaps[0]) and gaps[0][0].text[:1].isupper()
        table: dict[int, tuple[float, list[int]]] = {k: (_LEAD_PENALTY if k and opens else 0.0, [k]) for k in options[0]}
        for r in range(n):
            nxt: dict[int, tuple[float, list[int]]] = {}
            for k_out in options[r + 1]:
                nxt[k_out] = min(((c + cost(r, k_in, k_out, model), path + [k_out]) for k_in, (c, path) in table.items()),
                                 key=lambda t: t[0])
            table = nxt
        total, path = min(table.values(), key=lambda t: t[0])
        if best is None or total < best[0] - 1e-6:
            best = (total, path)
    assert best is not None
    return best[1]


