"""The table layouts of provincial reports, each a rule for reading its rows.

A layout says whether it matches a table's shape and how to read it; `LAYOUTS` lists them
in the order they are tried (the first that matches reads the table), as camelot keeps
its parsers in `handlers.PARSERS`. A table no layout matches is reported, not dropped.
The change column is kept only to check the values; it is never an observation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chiso.interpret.tables.cells import (
    TableContext,
    attach_rank,
    header_label,
    label_at,
    names_total,
    source,
    unit_of,
    value,
)
from chiso.interpret.tables.columns import YEAR_CELL
from chiso.interpret.tables.entity_tables import read_entities
from chiso.interpret.tables.score_tables import read_scores
from chiso.interpret.tables.shape import TableShape
from chiso.interpret.tables.totals import row_role
from chiso.interpret.tables.year_tables import read_year_columns
from chiso.model import RawObservation, Table
from chiso.normalize.text import clean_text


@dataclass(frozen=True)
class TableLayout:
    name: str
    matches: Callable[[TableShape], bool]
    read: Callable[[Table, TableShape, TableContext], list[RawObservation]]


def _read_year_rows(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    """One row per year ("Năm | Chỉ số CCHC (%) | Xếp hạng"); each other column is a criterion."""
    ycol = shape.year_rows
    assert ycol is not None
    value_cols = [c for c in shape.cols if c is not ycol and c.role not in ("stt", "rank", "change", "max", "self")]
    rank_col = shape.first("rank")
    out: list[RawObservation] = []
    for r in range(shape.n_head, t.n_rows):
        m = YEAR_CELL.match(clean_text(t.text(r, ycol.index)))
        if not m:
            continue
        for vc in value_cols:
            rd = value(t, r, vc.index, ctx)
            if rd is None:
                continue
            label = header_label(t, shape.n_head, vc.index, vc.header)
            obs = RawObservation(index=ctx.index, year=int(m.group(1)), entity=ctx.entity, label=label,
                                 value=rd.value, unit=unit_of(rd, vc.header, ctx), max=rd.max, decimals=rd.decimals,
                                 source=source(t, r, vc.index), is_total=names_total(label))
            if rank_col is not None and vc is value_cols[-1]:
                attach_rank(obs, t.text(r, rank_col.index))
            out.append(obs)
    return out


def _alternating(shape: TableShape) -> bool:
    seq = [c.role for c in shape.cols if c.role in ("label", "year")]
    return len(seq) >= 4 and all(seq[i] == ("label" if i % 2 == 0 else "year") for i in range(len(seq)))


def _read_paired(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    """`Tiêu chí | Năm 2024 | Tiêu chí | Năm 2023`: two rankings side by side."""
    pairs = []
    pending = None
    for c in shape.cols:
        if c.role == "label":
            pending = c
        elif c.role == "year" and pending is not None:
            pairs.append((pending, c))
            pending = None
    out: list[RawObservation] = []
    for r in range(shape.n_head, t.n_rows):
        for lc, yc in pairs:
            label = label_at(t, r, lc.index)
            rd = value(t, r, yc.index, ctx)
            if label and rd is not None:
                out.append(RawObservation(index=ctx.index, year=yc.year or 0, entity=ctx.entity, label=label,
                                          value=rd.value, unit=unit_of(rd, yc.header, ctx), max=rd.max,
                                          decimals=rd.decimals, source=source(t, r, yc.index)))
    return out


def _read_places(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    """Criteria down the rows, one column per place (the province, the country)."""
    label_col, max_col = shape.first("label"), shape.first("max")
    year = ctx.report_year
    if year is None or label_col is None:
        return []
    out: list[RawObservation] = []
    for r in range(shape.n_head, t.n_rows):
        label = label_at(t, r, label_col.index)
        if not label:
            continue
        mx = value(t, r, max_col.index, ctx) if max_col else None  # `Điểm tối đa`: every place's maximum
        role = row_role(label, ctx.index, mx.value if mx else None)
        if role == "sum":
            continue
        for col in shape.of("place"):
            rd = value(t, r, col.index, ctx)
            if rd is None:
                continue
            entity = ctx.entity if col.place == ctx.entity or (ctx.entity and col.place in ctx.entity) else col.place
            out.append(RawObservation(index=ctx.index, year=year, entity=entity or "", label=label, value=rd.value,
                                      unit=unit_of(rd, col.header, ctx), max=mx.value if mx else rd.max,
                                      decimals=rd.decimals, source=source(t, r, col.index), year_stated=False))
    return out


def _has(*roles: str) -> Callable[[TableShape], bool]:
    return lambda shape: all(r in shape.roles for r in roles)


LAYOUTS: list[TableLayout] = [
    TableLayout("years_down_rows", lambda s: s.year_rows is not None, _read_year_rows),
    TableLayout("paired_rankings", lambda s: len(s.of("year")) >= 2 and len(s.of("label")) >= 2 and _alternating(s),
                _read_paired),
    TableLayout("entities", lambda s: "entity" in s.roles and any(r in s.roles for r in ("value", "year")),
                read_entities),
    TableLayout("year_columns", _has("year", "label"), read_year_columns),
    TableLayout("places", _has("label", "place"), _read_places),
    TableLayout("scores", lambda s: "label" in s.roles and any(r in s.roles for r in ("value", "self")), read_scores),
]
