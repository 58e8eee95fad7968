"""Which table row is the index itself, and which is only a sum of the rows listed above it."""

from __future__ import annotations

import re

from chiso.db.indices import families, names_index

_SUM_WORDS = re.compile(r"^(?:tổng\s*(?:điểm|cộng|số)?|cộng)(?:\s*\((?P<inner>.*)\))?$", re.I)


def row_role(label: str, index: str, maximum: float | None) -> str:
    """'total' (the index's own value), 'sum' (a 'Cộng' row over the listed rows: not an
    observation) or 'row'.

    A row naming the index ("Tổng cộng (Chỉ số CCHC)") is its total. A bare sum row is the
    total only when its maximum is the index's (Tổng điểm | 100); a 'Cộng | 16' row under a
    list of deducted criteria sums those rows and nothing else.
    """
    fam = families().get(index)
    m = _SUM_WORDS.match(label.strip())
    if m is None:
        return "total" if names_index(label, index) and len(label) < 60 else "row"
    if m.group("inner") and names_index(m.group("inner"), index):
        return "total"
    if maximum is None or fam is None or fam.total_max is None or abs(maximum - fam.total_max) < 1e-6:
        return "total"
    return "sum"
