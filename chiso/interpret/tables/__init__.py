"""Tables → observations, through the registry of layouts (see `layouts.LAYOUTS`).

Each table gets a `TableReading`: which layout read it (also written on every value's
source), or, when none did, an info flag with the table's header, so a table that holds
figures is never dropped without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.interpret.tables.cells import TableContext
from chiso.interpret.tables.layouts import LAYOUTS
from chiso.interpret.tables.shape import table_shape
from chiso.model import Flag, RawObservation, Source, Table

__all__ = ["TableContext", "TableReading", "interpret_table", "LAYOUTS"]


@dataclass
class TableReading:
    table: int
    layout: str | None
    observations: list[RawObservation] = field(default_factory=list)
    # columns whose figures are known not to be values (changes, maxima, ranks, row numbers, self-assessment)
    aside_columns: set[int] = field(default_factory=set)
    header_rows: int = 1

_ASIDE_ROLES = {"stt", "change", "max", "self", "rank"}


_DECIMAL = re.compile(r"\d[.,]\d")


def interpret_table(t: Table, ctx: TableContext) -> TableReading:
    if t.n_rows < 2 or t.n_cols < 2 or t.origin == "masthead":
        return TableReading(t.number, None)
    shape = table_shape(t)
    for layout in LAYOUTS:
        if layout.matches(shape):
            observations = layout.read(t, shape, ctx)
            for o in observations:
                o.source.reader = layout.name
            aside = {c.index for c in shape.cols if c.role in _ASIDE_ROLES}
            if shape.year_rows is not None:
                aside.add(shape.year_rows.index)
            return TableReading(t.number, layout.name, observations, aside, shape.n_head)
    n_cols = t.n_cols
    if any(_DECIMAL.search(t.text(r, c)) for r in range(shape.n_head, t.n_rows) for c in range(n_cols)):
        ctx.flags.append((Flag("table_not_read", f"no table layout matches the header '{shape.header[:120]}'",
                               "info"), Source(kind="table", page=t.page, table=t.number, bbox=t.bbox)))
    return TableReading(t.number, None, header_rows=shape.n_head)
