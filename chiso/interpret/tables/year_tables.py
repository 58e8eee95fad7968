"""Year columns: label column(s) + `Năm 2024 | Năm 2023 | Tăng/giảm` (+ `Điểm tối đa`, ranks).

The group of a row is given by a merged first column, or by a valued un-numbered row
heading numbered rows. The change column is kept on the latest year's observation, only
to check it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from chiso.db.indices import default_unit, detect_indices
from chiso.interpret.tables.cells import TableContext, attach_rank, source, unit_of, value
from chiso.interpret.tables.shape import TableShape
from chiso.interpret.tables.totals import row_role
from chiso.model import RawObservation, Table
from chiso.normalize.text import clean_label, clean_text

NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:[.,]\d{1,2})*\s*[.,)]|[a-zđ]\s*\)|\d{1,2}\s+\D)")


def _label_columns(shape: TableShape):  # noqa: ANN202
    year_cols = shape.of("year")
    label_cols = [c for c in shape.of("label") if c.index < year_cols[0].index] or shape.of("label")
    return label_cols[-1], (label_cols[0] if len(label_cols) >= 2 else None)


def _row_context(label: str, ctx: TableContext) -> TableContext:
    """A row naming another index than the section's (a summary table of a report on all four indices:
    `Chỉ số PAPI | 44,18 | 44,23`) holds that index's figures, in its unit."""
    named = detect_indices(label)
    if len(named) != 1 or named[0] == ctx.index:
        return ctx
    return replace(ctx, index=named[0], unit=default_unit(named[0]))


def read_year_columns(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    year_cols = shape.of("year")
    change_col, max_col = shape.first("change"), shape.first("max")
    crit_col, group_col = _label_columns(shape)
    rank_cols = {c.year: c for c in shape.of("rank")}
    out: list[RawObservation] = []
    current_group: str | None = None  # a valued un-numbered row heading numbered rows
    for r in range(shape.n_head, t.n_rows):
        crit_cell = t.cell(r, crit_col.index)
        raw_label = crit_cell.text if crit_cell else ""
        group = None
        if group_col is not None:
            gcell = t.cell(r, group_col.index)
            if gcell is not None and gcell is not crit_cell:
                group = clean_label(gcell.text) or None
            elif gcell is crit_cell:
                raw_label = gcell.text  # a group row spanning both label columns
        label = clean_label(raw_label)
        if not label:
            continue
        numbered = bool(NUMBERED.match(clean_text(raw_label)))
        row_ctx = _row_context(label, ctx)
        readings = {yc.year: value(t, r, yc.index, row_ctx) for yc in year_cols}
        if group_col is None:
            if not numbered and any(readings.values()):
                current_group, group = label, None
            elif numbered:
                group = current_group
        if crit_cell is not None and crit_cell.row != r:
            continue  # label merged from the row above: its figures were read there
        mx = value(t, r, max_col.index, row_ctx) if max_col else None
        role = row_role(label, row_ctx.index, mx.value if mx else None)
        if role == "sum":
            continue
        change = value(t, r, change_col.index, row_ctx) if change_col else None
        first_year = max(readings) if readings else None
        for yc in year_cols:
            rd = readings.get(yc.year)
            if rd is None:
                continue
            obs = RawObservation(index=row_ctx.index, year=yc.year or 0, entity=ctx.entity, label=label,
                                 group=None if role == "total" else group, value=rd.value,
                                 unit=unit_of(rd, yc.header, row_ctx), max=mx.value if mx else rd.max,
                                 decimals=rd.decimals, source=source(t, r, yc.index), is_total=role == "total")
            if yc.year == first_year and change is not None and len(year_cols) >= 2:
                obs.change, obs.change_decimals = change.value, change.decimals
            rc = rank_cols.get(yc.year) or (rank_cols.get(None) if yc.year == first_year else None)
            if rc is not None:
                attach_rank(obs, t.text(r, rc.index))
            out.append(obs)
        out += _place_values(t, r, shape, row_ctx, first_year, label, group, role == "total")
    return out


def _place_values(t: Table, r: int, shape: TableShape, ctx: TableContext, year: int | None, label: str,
                  group: str | None, is_total: bool) -> list[RawObservation]:
    """A `Trung bình cả nước` column beside the province's years: the country's value of the latest year
    (the country's lowest and highest are not anyone's value: their columns are `extreme`)."""
    out = []
    for col in shape.of("place"):
        rd = value(t, r, col.index, ctx)
        if rd is None or year is None:
            continue
        entity = ctx.entity if col.place == ctx.entity else col.place or ""
        out.append(RawObservation(index=ctx.index, year=year, entity=entity, label=label,
                                  group=None if is_total else group, value=rd.value,
                                  unit=unit_of(rd, col.header, ctx), max=rd.max, decimals=rd.decimals,
                                  source=source(t, r, col.index), is_total=is_total))
    return out
