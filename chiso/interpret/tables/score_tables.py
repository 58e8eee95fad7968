"""Scoring tables (PAR INDEX): `Tiêu chí | Điểm chuẩn | Điểm tự đánh giá | Điểm thẩm định`.

The appraised score (Điểm thẩm định) is the value, Điểm chuẩn its maximum; the
self-assessed score is kept as another measure. Area rows (Roman numbers, `Lĩnh vực N`,
or a row spanning the whole table) head the criteria below them. A `Cơ quan chủ trì`
column names the agency responsible for a criterion: the values remain the province's,
and the agency is kept as an attribute of the observation.
"""

from __future__ import annotations

import re

from chiso.interpret.tables.cells import TableContext, attach_rank, label_at, source, unit_of, value
from chiso.interpret.tables.shape import TableShape
from chiso.interpret.tables.totals import row_role
from chiso.model import RawObservation, Table
from chiso.normalize.text import clean_label


def _is_area(stt: str, label: str) -> bool:
    """Roman numerals or 'Lĩnh vực' rows head the criteria below them."""
    return bool(re.fullmatch(r"[IVX]+\.?", stt.strip())) or bool(re.match(r"lĩnh\s*vực", label, re.I))


def _spans_row(t: Table, r: int) -> bool:
    cell = t.cell(r, 0) or t.cell(r, 1)
    return cell is not None and cell.colspan >= max(2, t.n_cols - 1)


def _points_beside_share(shape: TableShape, val_col):  # noqa: ANN001, ANN202
    """`Điểm đạt được | Chỉ số thành phần (%)`: the points an area scored beside its share in %. The share
    is the value (the index of the 2017–2020 methodology is a percentage); the points are its basis."""
    values = shape.of("value")
    if val_col is None or len(values) < 2 or not re.search(r"%", val_col.header):
        return None
    points = [c for c in values if c is not val_col and re.search(r"điểm", c.header) and "%" not in c.header]
    return points[-1] if points else None


def read_scores(t: Table, shape: TableShape, ctx: TableContext) -> list[RawObservation]:
    label_col = shape.first("label")
    max_col, self_col, rank_col = shape.first("max"), shape.first("self"), shape.first("rank")
    resp_col = shape.first("responsible")
    val_col = (shape.of("value") or [None])[-1]
    points_col = _points_beside_share(shape, val_col)
    year = next((c.year for c in shape.cols if c.year), None) or ctx.report_year
    if year is None or label_col is None:
        return []
    out: list[RawObservation] = []
    group: str | None = None
    for r in range(shape.n_head, t.n_rows):
        label = label_at(t, r, label_col.index)
        if not label:
            continue
        stt = next((t.text(r, c.index).strip() for c in shape.of("stt")), "")
        if _spans_row(t, r):  # "Lĩnh vực 1. …" across the table: the area of the rows below
            group = label
            continue
        mx = value(t, r, max_col.index, ctx) if max_col else None
        role = row_role(label, ctx.index, mx.value if mx else None)
        if role == "sum":
            continue
        responsible = clean_label(t.text(r, resp_col.index)) or None if resp_col else None
        for col, measure in ((val_col, "value"), (self_col, "self_assessed"), (points_col, "score_points")):
            rd = value(t, r, col.index, ctx) if col is not None else None
            if rd is None:
                continue
            unit = unit_of(rd, col.header, ctx) or "points"
            if col is val_col and points_col is not None:
                unit = "%"  # the area's share of its points: Điểm tối đa is the points' maximum, not the share's
            obs = RawObservation(index=ctx.index, year=year, entity=ctx.entity, label=label,
                                 group=None if role == "total" or _is_area(stt, label) else group,
                                 value=rd.value, unit=unit, max=None if unit == "%" else (mx.value if mx else rd.max),
                                 decimals=rd.decimals, measure=measure,
                                 source=source(t, r, col.index), is_total=role == "total",
                                 responsible=responsible, number=stt or None,
                                 year_stated=any(c.year for c in shape.cols))
            if rank_col is not None and measure == "value":
                attach_rank(obs, t.text(r, rank_col.index))
            out.append(obs)
        if _is_area(stt, label):
            group = label
    return out
